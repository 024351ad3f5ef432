/*
 * The shared config and credentials files (~/.aws/config, ~/.aws/credentials),
 * read by the rules the AWS CLI and SDKs share:
 *   - lines whose first non-blank character is '#' or ';' are comments;
 *   - "[name]" starts a profile; in the config file it is "[profile name]"
 *     (or "[default]"), and "[profile default]" wins over "[default]";
 *     "[sso-session name]" (config file) is kept as the profile "sso-session name";
 *     a section header may end with a comment;
 *   - "key = value": both trimmed; a '#' or ';' after white space starts a
 *     comment; keys match case-insensitively;
 *   - an indented line continues the previous property: its text is added on
 *     a new line (this is how sub-properties such as "s3 =" nest, so an
 *     indented "region = x" never shadows the profile's own region);
 *   - "[services name]" (config file) is kept as the section "services name";
 *   - malformed lines, and properties outside any valid section, are skipped.
 */
#include "auth/cred_sources.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1024 * 1024)

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks on both sides of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len && blank(**s))
        (*s)++, (*len)--;
    while (*len && (blank((*s)[*len - 1]) || (*s)[*len - 1] == '\r'))
        (*len)--;
}

static size_t name_hash(const char *s)
{
    size_t h = (size_t)14695981039346656037ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
    return h;
}

/* The slot of `name` in the hash of profile names: its entry, or the empty slot where it goes. */
static size_t *name_slot(const awsc_profile_file *f, const char *name)
{
    size_t mask = f->index_cap - 1;
    for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask)
        if (!f->profile_index[i] || strcmp(f->profiles[f->profile_index[i] - 1], name) == 0)
            return &f->profile_index[i];
}

/*
 * Section names are hashed: a file of 40,000 sections is not 800 million string compares.
 * `name` (malloc'd) is kept once: the stored copy is returned (and `name` freed when it is a
 * repeat), or NULL when out of memory (`name` freed). Properties point at that copy.
 */
static const char *intern_profile_name(awsc_profile_file *f, char *name)
{
    size_t *slot = f->index_cap ? name_slot(f, name) : NULL;
    if (slot && *slot) {
        const char *kept = f->profiles[*slot - 1];
        free(name);
        return kept;
    }
    if (f->profile_count == f->profile_cap) {
        size_t cap = f->profile_cap ? f->profile_cap * 2 : 8;
        char **p = realloc(f->profiles, cap * sizeof *p);
        if (!p)
            return free(name), NULL;
        f->profiles = p;
        f->profile_cap = cap;
    }
    if ((f->profile_count + 1) * 2 > f->index_cap) { /* rehash at half full */
        size_t cap = f->index_cap ? f->index_cap * 2 : 16;
        size_t *idx = calloc(cap, sizeof *idx);
        if (!idx)
            return free(name), NULL;
        free(f->profile_index);
        f->profile_index = idx;
        f->index_cap = cap;
        for (size_t i = 0; i < f->profile_count; i++)
            *name_slot(f, f->profiles[i]) = i + 1;
        slot = name_slot(f, name);
    }
    f->profiles[f->profile_count++] = name;
    *slot = f->profile_count;
    return name;
}

/* A property of `profile`, one of f->profiles (not copied). */
static int add_prop(awsc_profile_file *f, const char *profile, const char *key, size_t klen, const char *value,
                    size_t vlen)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        awsc_profile_prop *p = realloc(f->props, cap * sizeof *p);
        if (!p)
            return -1;
        f->props = p;
        f->cap = cap;
    }
    awsc_profile_prop *p = &f->props[f->count];
    p->profile = profile;
    p->key = awsc_strndup(key, klen);
    p->value = awsc_strndup(value, vlen);
    if (!p->key || !p->value) {
        free(p->key);
        awsc_cred_wipe(p->value);
        return -1;
    }
    for (char *c = p->key; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    f->count++;
    return 0;
}

/*
 * Appends "\n" + text to the last property's value, which grows in place: `len` and `cap` are its
 * length and allocation (a secret's old copy is wiped when it moves).
 */
static int continue_prop(awsc_profile_file *f, size_t *vlen, size_t *vcap, const char *text, size_t len)
{
    awsc_profile_prop *p = &f->props[f->count - 1];
    size_t need = *vlen + len + 2;
    if (need > *vcap) {
        size_t cap = *vcap * 2 > need ? *vcap * 2 : need;
        char *v = malloc(cap);
        if (!v)
            return -1;
        memcpy(v, p->value, *vlen + 1);
        awsc_cred_wipe(p->value);
        p->value = v;
        *vcap = cap;
    }
    p->value[*vlen] = '\n';
    memcpy(p->value + *vlen + 1, text, len);
    *vlen += len + 1;
    p->value[*vlen] = '\0';
    return 0;
}

/*
 * A section header's profile name, or NULL when the section is not a profile
 * (or is malformed). *bare_default: "[default]" in the config file.
 */
static char *section_name(const char *s, size_t len, bool is_config, bool *bare_default)
{
    *bare_default = false;
    /* Skip '[', cut a trailing comment, then expect ']'. */
    s++, len--;
    size_t end = 0;
    while (end < len && s[end] != ']')
        end++;
    if (end == len)
        return NULL;
    for (size_t i = end + 1; i < len; i++) {
        if (s[i] == '#' || s[i] == ';')
            break;
        if (!blank(s[i]) && s[i] != '\r')
            return NULL; /* text after ']' that is not a comment */
    }
    len = end;
    trim(&s, &len);
    if (!len)
        return NULL;
    if (is_config) {
        if (len == 7 && memcmp(s, "default", 7) == 0) {
            *bare_default = true;
        } else if (len > 7 && memcmp(s, "profile", 7) == 0 && blank(s[7])) {
            s += 7, len -= 7;
            trim(&s, &len);
        } else {
            /*
             * "[sso-session x]" and "[services x]" are kept as the sections
             * "sso-session x" and "services x": no profile name has a blank.
             */
            static const char *const kinds[] = {"sso-session", "services"};
            for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
                size_t klen = strlen(kinds[k]);
                if (len <= klen || memcmp(s, kinds[k], klen) != 0 || !blank(s[klen]))
                    continue;
                const char *n = s + klen;
                size_t nlen = len - klen;
                trim(&n, &nlen);
                for (size_t i = 0; i < nlen; i++)
                    if (blank(n[i]))
                        return NULL;
                char *name = malloc(klen + 1 + nlen + 1);
                if (name)
                    snprintf(name, klen + 1 + nlen + 1, "%s %.*s", kinds[k], (int)nlen, n);
                return name;
            }
            return NULL; /* a name without "profile " */
        }
    }
    for (size_t i = 0; i < len; i++)
        if (blank(s[i]))
            return NULL; /* profile names have no white space */
    return awsc_strndup(s, len);
}

/* Cuts a comment that starts with '#' or ';' after a blank. */
static size_t cut_comment(const char *s, size_t len)
{
    for (size_t i = 1; i < len; i++)
        if ((s[i] == '#' || s[i] == ';') && blank(s[i - 1]))
            return i;
    return len;
}

int awsc_profile_parse(awsc_profile_file *f, const char *text, size_t len, bool is_config)
{
    const char *current = NULL; /* the section properties go to (one of f->profiles); NULL: skip them */
    bool current_bare = false;
    bool profile_default_seen = false;
    bool can_continue = false; /* the last line was a property of `current` (or its continuation) */
    size_t last_len = 0, last_cap = 0; /* the last property's value: length and allocation */
    size_t first_bare = SIZE_MAX;
    /* Properties of a bare "[default]" are marked so "[profile default]" can drop them. */
    unsigned char *bare = NULL;
    size_t bare_cap = 0;
    int rc = 0;
    const char *p = text, *end = text + len;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line = p;
        size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
        p = nl ? nl + 1 : end;
        const char *t = line;
        size_t tlen = llen;
        trim(&t, &tlen);
        if (!tlen || t[0] == '#' || t[0] == ';')
            continue; /* blank lines and comments do not end a property's continuation */
        if (t[0] == '[') {
            bool bare_default;
            char *name = section_name(t, tlen, is_config, &bare_default);
            current = NULL;
            current_bare = bare_default;
            can_continue = false;
            if (name) {
                if (is_config && !bare_default && strcmp(name, "default") == 0)
                    profile_default_seen = true;
                if (!(current = intern_profile_name(f, name)))
                    rc = -1;
            }
            continue;
        }
        if (blank(line[0])) {
            if (current && can_continue)
                rc = continue_prop(f, &last_len, &last_cap, t, tlen);
            continue;
        }
        can_continue = false;
        if (!current)
            continue;
        tlen = cut_comment(t, tlen);
        const char *eq = memchr(t, '=', tlen);
        if (!eq)
            continue;
        const char *k = t, *v = eq + 1;
        size_t klen = (size_t)(eq - t), vlen = tlen - klen - 1;
        trim(&k, &klen);
        trim(&v, &vlen);
        if (!klen)
            continue;
        if ((rc = add_prop(f, current, k, klen, v, vlen)) != 0)
            break;
        last_len = vlen;
        last_cap = vlen + 1;
        if (current_bare) {
            if (f->count > bare_cap) {
                size_t cap = f->cap;
                unsigned char *b = realloc(bare, cap);
                if (!b) {
                    rc = -1;
                    break;
                }
                memset(b + bare_cap, 0, cap - bare_cap);
                bare = b;
                bare_cap = cap;
            }
            bare[f->count - 1] = 1;
            if (first_bare == SIZE_MAX)
                first_bare = f->count - 1;
        }
        can_continue = true;
    }
    if (rc == 0 && profile_default_seen && first_bare != SIZE_MAX) {
        size_t keep = 0;
        for (size_t i = 0; i < f->count; i++) {
            if (i < bare_cap && bare[i]) {
                free(f->props[i].key);
                awsc_cred_wipe(f->props[i].value);
            } else {
                f->props[keep++] = f->props[i];
            }
        }
        f->count = keep;
    }
    free(bare);
    return rc;
}

const char *awsc_profile_get(const awsc_profile_file *f, const char *profile, const char *key)
{
    /* Properties point at their section's one copy of its name: found once, then compared by address. */
    size_t *slot = f->index_cap ? name_slot(f, profile) : NULL;
    if (!slot || !*slot)
        return NULL;
    const char *name = f->profiles[*slot - 1];
    for (size_t i = f->count; i-- > 0;)
        if (f->props[i].profile == name && strcasecmp(f->props[i].key, key) == 0)
            return f->props[i].value;
    return NULL;
}

bool awsc_profile_has(const awsc_profile_file *f, const char *profile)
{
    return f->index_cap && *name_slot(f, profile);
}

void awsc_profile_free(awsc_profile_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->count; i++) {
        free(f->props[i].key);
        awsc_cred_wipe(f->props[i].value);
    }
    for (size_t i = 0; i < f->profile_count; i++)
        free(f->profiles[i]);
    free(f->props);
    free(f->profiles);
    free(f->profile_index);
    free(f->path);
    memset(f, 0, sizeof *f);
}

char *awsc_profile_path(bool is_config)
{
    const char *env = awsc_nonempty(getenv(is_config ? "AWS_CONFIG_FILE" : "AWS_SHARED_CREDENTIALS_FILE"));
    const char *rest = env ? env : is_config ? "~/.aws/config" : "~/.aws/credentials";
    if (rest[0] != '~' || (rest[1] != '/' && rest[1] != '\0'))
        return awsc_strdup(rest);
    const char *home = awsc_nonempty(getenv("HOME"));
    struct passwd pw, *res = NULL;
    char pwbuf[1024];
    if (!home && getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
        home = awsc_nonempty(res->pw_dir);
    if (!home)
        return awsc_strdup(rest); /* unexpandable: reported as not found under its own name */
    awsc_buf b = AWSC_BUF_INIT;
    if (awsc_buf_printf(&b, "%s%s", home, rest + 1) != 0) {
        awsc_buf_free(&b);
        return NULL;
    }
    return awsc_buf_take(&b);
}

int awsc_profile_load(awsc_profile_file *f, bool is_config, awsc_error *err)
{
    memset(f, 0, sizeof *f);
    if (!(f->path = awsc_profile_path(is_config)))
        return awsc_error_nomem(err);
    FILE *fp = fopen(f->path, "rb");
    if (!fp) {
        if (errno == ENOENT || errno == ENOTDIR)
            return AWSC_OK;
        return awsc_error_set(err, AWSC_E_CONFIG, "cannot read %s: %s", f->path, strerror(errno));
    }
    setvbuf(fp, NULL, _IONBF, 0); /* no stdio buffer: it would be freed holding the file's secrets */
    awsc_buf b = AWSC_BUF_INIT;
    char chunk[4096];
    size_t n;
    int rc = AWSC_OK;
    while (rc == AWSC_OK && (n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (b.len + n > MAX_FILE_BYTES)
            rc = awsc_error_set(err, AWSC_E_CONFIG, "%s is larger than %d bytes", f->path, MAX_FILE_BYTES);
        else if (awsc_buf_append(&b, chunk, n) != 0)
            rc = awsc_error_nomem(err);
    }
    if (rc == AWSC_OK && ferror(fp))
        rc = awsc_error_set(err, AWSC_E_CONFIG, "cannot read %s", f->path);
    fclose(fp);
    OPENSSL_cleanse(chunk, sizeof chunk);
    if (rc == AWSC_OK) {
        f->present = true;
        if (b.len && awsc_profile_parse(f, b.data, b.len, is_config) != 0)
            rc = awsc_error_nomem(err);
    }
    if (b.data)
        OPENSSL_cleanse(b.data, b.cap);
    awsc_buf_free(&b);
    return rc;
}

const char *awsc_profile_name(const char *configured, bool *named)
{
    const char *name = awsc_nonempty(configured);
    if (!name)
        name = awsc_nonempty(getenv("AWS_PROFILE"));
    if (named)
        *named = name != NULL;
    return name ? name : "default";
}

/*
 * Building a client reads a dozen settings; inside a scope they come from one load of
 * each file instead of a load per setting. Per thread, so a scope never hides another
 * thread's view; the files are freed (secrets wiped) when the outermost scope ends.
 */
static _Thread_local struct {
    int depth;
    bool loaded;
    awsc_profile_file creds, config;
} scope;

void awsc_profile_scope_begin(void)
{
    scope.depth++;
}

void awsc_profile_scope_end(void)
{
    if (scope.depth > 0 && --scope.depth == 0 && scope.loaded) {
        awsc_profile_free(&scope.creds);
        awsc_profile_free(&scope.config);
        scope.loaded = false;
    }
}

static char *scoped_value(const char *profile, const char *key)
{
    if (!scope.loaded) {
        awsc_error err = AWSC_ERROR_INIT;
        /* An unreadable file is treated as absent, as below (it is left empty). */
        if (awsc_profile_load(&scope.creds, false, &err) != AWSC_OK)
            awsc_profile_free(&scope.creds);
        if (awsc_profile_load(&scope.config, true, &err) != AWSC_OK)
            awsc_profile_free(&scope.config);
        awsc_error_clear(&err);
        scope.loaded = true;
    }
    const char *v = awsc_profile_get(&scope.creds, profile, key);
    if (!v)
        v = awsc_profile_get(&scope.config, profile, key);
    return v ? awsc_strdup(v) : NULL;
}

char *awsc_profile_value(const char *profile, const char *key)
{
    if (!key)
        return NULL;
    /* Outside a scope, a scope of one lookup: the files are read for it and freed after it. */
    awsc_profile_scope_begin();
    char *v = scoped_value(awsc_profile_name(profile, NULL), key);
    awsc_profile_scope_end();
    return v;
}

char *awsc_resolve_region(const awsc_config *cfg)
{
    const char *r = cfg ? awsc_nonempty(cfg->region) : NULL;
    if (!r)
        r = awsc_nonempty(getenv("AWS_REGION"));
    if (!r)
        r = awsc_nonempty(getenv("AWS_DEFAULT_REGION"));
    if (r)
        return awsc_strdup(r);
    char *v = awsc_profile_value(cfg ? cfg->profile : NULL, "region");
    if (v && !*v) {
        free(v);
        v = NULL;
    }
    return v;
}
