/*
 * awsc configure list | get NAME | set NAME VALUE, over the shared files as
 * the AWS CLI keeps them: credentials keys (aws_access_key_id,
 * aws_secret_access_key, aws_session_token) in the credentials file under
 * "[name]", everything else in the config file under "[default]" or
 * "[profile name]". A file is rewritten whole through a temporary file in its
 * directory (mode 600, fsync, rename): a crash leaves the old or the new one.
 * `list` masks secrets as the AWS CLI does (sixteen '*' and the last four).
 * A nested setting ("s3.addressing_style", "default.s3.addressing_style") is
 * an indented line under its parent key, as the AWS CLI writes it:
 *
 *   [default]
 *   s3 =
 *       addressing_style = path
 */
#include "cli.h"

#include "auth/cred_sources.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void configure_usage(FILE *f)
{
    fprintf(f, "usage: awsc configure list [--profile NAME]\n"
               "       awsc configure get NAME [--profile NAME]     NAME: key, default.key or profile.NAME.key,\n"
               "                                                    and key.subkey for a nested one (s3.addressing_style)\n"
               "       awsc configure set NAME VALUE [--profile NAME]\n");
}

static bool credentials_key(const char *key)
{
    return strcmp(key, "aws_access_key_id") == 0 || strcmp(key, "aws_secret_access_key") == 0 ||
           strcmp(key, "aws_session_token") == 0;
}

/*
 * "default.region", "profile.dev.region", "region": the profile and key meant;
 * with one more part ("s3.addressing_style", "default.s3.addressing_style") the
 * nested setting `sub` of `key` ("" when not nested).
 */
static int split_name(const char *name, const char *current, char *profile, size_t pcap, char *key, size_t kcap,
                      char *sub, size_t scap)
{
    const char *dot;
    sub[0] = '\0';
    if (strncmp(name, "default.", 8) == 0) {
        snprintf(profile, pcap, "default");
        name += 8;
    } else if (strncmp(name, "profile.", 8) == 0 && (dot = strchr(name + 8, '.'))) {
        if ((size_t)(dot - (name + 8)) >= pcap || dot == name + 8)
            return -1;
        snprintf(profile, pcap, "%.*s", (int)(dot - (name + 8)), name + 8);
        name = dot + 1;
    } else {
        snprintf(profile, pcap, "%s", current);
    }
    if ((dot = strchr(name, '.'))) {
        if (strlen(dot + 1) >= scap || !dot[1] || strpbrk(dot + 1, ".=[] \t\r\n#;"))
            return -1;
        snprintf(sub, scap, "%s", dot + 1);
    }
    size_t klen = dot ? (size_t)(dot - name) : strlen(name);
    if (!klen || klen >= kcap || strcspn(name, "=[] \t\r\n#;") < klen)
        return -1;
    snprintf(key, kcap, "%.*s", (int)klen, name);
    return 0;
}

/* `sub`'s value in a nested setting's text ("k = v" lines, as the profile parser joins them), or NULL. */
static char *nested_value(const char *text, const char *sub)
{
    size_t slen = strlen(sub);
    for (const char *line = text; line && *line;) {
        const char *end = line + strcspn(line, "\n");
        while (line < end && (*line == ' ' || *line == '\t'))
            line++;
        const char *eq = memchr(line, '=', (size_t)(end - line));
        if (eq) {
            const char *k_end = eq;
            while (k_end > line && (k_end[-1] == ' ' || k_end[-1] == '\t'))
                k_end--;
            if ((size_t)(k_end - line) == slen && memcmp(line, sub, slen) == 0) {
                const char *v = eq + 1, *v_end = end;
                while (v < v_end && (*v == ' ' || *v == '\t'))
                    v++;
                while (v_end > v && (v_end[-1] == ' ' || v_end[-1] == '\t' || v_end[-1] == '\r'))
                    v_end--;
                return strndup(v, (size_t)(v_end - v));
            }
        }
        line = *end ? end + 1 : end;
    }
    return NULL;
}

static int get(const char *name, const char *current)
{
    char profile[256], key[128], sub[128];
    if (split_name(name, current, profile, sizeof profile, key, sizeof key, sub, sizeof sub)) {
        fprintf(stderr, "awsc: configure get: '%s' is not a setting name (key, default.key, profile.NAME.key, "
                        "key.subkey)\n", name);
        return CLI_EXIT_USAGE;
    }
    awsc_profile_file creds = {0}, config = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int status = 1;
    if (awsc_profile_load(&creds, false, &err) != AWSC_OK || awsc_profile_load(&config, true, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: %s\n", err.message);
        status = CLI_EXIT_CONFIG;
    } else {
        const char *v = awsc_profile_get(&creds, profile, key);
        if (!v)
            v = awsc_profile_get(&config, profile, key);
        char *nested = v && *sub ? nested_value(v, sub) : NULL;
        if (*sub)
            v = nested;
        if (v) {
            printf("%s\n", v);
            status = 0;
        }
        free(nested);
    }
    awsc_profile_free(&creds);
    awsc_profile_free(&config);
    awsc_error_clear(&err);
    return status; /* 1 and nothing printed when it is not set, as the AWS CLI */
}

static const char *trim(const char *s, size_t *len)
{
    while (*len && (*s == ' ' || *s == '\t'))
        s++, (*len)--;
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

/* Whether the line is the header of `section` ("profile dev", "default"). */
static bool is_header(const char *s, size_t len, const char *section)
{
    s = trim(s, &len);
    if (len < 2 || s[0] != '[' || s[len - 1] != ']')
        return false;
    size_t n = len - 2;
    const char *in = trim(s + 1, &n);
    /* "[profile   dev]": the blanks between the words do not matter */
    const char *w = section, *sp = strchr(section, ' ');
    if (!sp)
        return n == strlen(w) && memcmp(in, w, n) == 0;
    size_t first = (size_t)(sp - section);
    if (n <= first || memcmp(in, section, first) != 0 || (in[first] != ' ' && in[first] != '\t'))
        return false;
    size_t rest = n - first;
    const char *r = trim(in + first, &rest);
    return rest == strlen(sp + 1) && memcmp(r, sp + 1, rest) == 0;
}

/* Whether the line sets `key` (not indented: an indented one is a nested setting). */
static bool is_key(const char *s, size_t len, const char *key)
{
    size_t klen = strlen(key);
    if (len <= klen || memcmp(s, key, klen) != 0)
        return false;
    size_t i = klen;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < len && s[i] == '=';
}

/* The line "key = value", or for a nested setting "key =" and its indented "sub = value". */
static int put_setting(awsc_buf *out, const char *key, const char *sub, const char *value)
{
    return *sub ? awsc_buf_printf(out, "%s =\n    %s = %s\n", key, sub, value)
                : awsc_buf_printf(out, "%s = %s\n", key, value);
}

/*
 * The file's text with the nested `sub = value` set among the indented lines that follow
 * the line "key =" (from `key_line` to `key_end`, its newline included); 1 when "key" has
 * a value on its own line (then it is not a nested setting).
 */
static int edit_nested(awsc_buf *out, const char *text, size_t len, size_t key_line, size_t key_end, const char *sub,
                       const char *value)
{
    size_t line_len = key_end - key_line - (text[key_end - 1] == '\n');
    const char *eq = memchr(text + key_line, '=', line_len);
    size_t rest = eq ? line_len - (size_t)(eq + 1 - (text + key_line)) : 0;
    if (eq)
        trim(eq + 1, &rest);
    if (rest)
        return 1;
    size_t last = key_end; /* after the last indented line */
    for (size_t start = key_end; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) + 1 : len, n = end - start - (nl ? 1 : 0);
        if (!n || (text[start] != ' ' && text[start] != '\t'))
            break;
        size_t tl = n;
        const char *t = trim(text + start, &tl);
        if (is_key(t, tl, sub))
            return awsc_buf_append(out, text, start) || awsc_buf_printf(out, "    %s = %s\n", sub, value) ||
                   awsc_buf_append(out, text + end, len - end) ? -1 : 0;
        last = end;
        start = end;
    }
    bool needs_nl = last > 0 && text[last - 1] != '\n';
    return awsc_buf_append(out, text, last) || (needs_nl && awsc_buf_putc(out, '\n')) ||
           awsc_buf_printf(out, "    %s = %s\n", sub, value) || awsc_buf_append(out, text + last, len - last) ? -1 : 0;
}

/* The file's text with `key = value` (or the nested `key.sub = value`) set in `section`. */
static int edit(awsc_buf *out, const char *text, size_t len, const char *section, const char *key, const char *sub,
                const char *value)
{
    bool in = false, done = false;
    size_t insert_at = 0; /* after the section's last non-blank line */
    bool found_section = false;
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        const char *s = text + start;
        size_t n = end - start - (nl ? 1 : 0);
        size_t tl = n;
        const char *t = trim(s, &tl);
        if (tl && t[0] == '[') {
            in = is_header(s, n, section);
            if (in) {
                found_section = true;
                insert_at = end;
            }
        } else if (in && !done && is_key(s, n, key)) {
            if (*sub)
                return edit_nested(out, text, len, start, end, sub, value);
            if (awsc_buf_append(out, text, start) || awsc_buf_printf(out, "%s = %s\n", key, value) ||
                awsc_buf_append(out, text + end, len - end))
                return -1;
            return 0;
        } else if (in && tl && t[0] != '#' && t[0] != ';') {
            insert_at = end;
        }
        start = end;
    }
    if (found_section) {
        bool needs_nl = insert_at > 0 && text[insert_at - 1] != '\n';
        return awsc_buf_append(out, text, insert_at) || (needs_nl && awsc_buf_putc(out, '\n')) ||
               put_setting(out, key, sub, value) || awsc_buf_append(out, text + insert_at, len - insert_at) ? -1 : 0;
    }
    bool needs_nl = len > 0 && text[len - 1] != '\n';
    return awsc_buf_append(out, text, len) || (needs_nl && awsc_buf_putc(out, '\n')) ||
           awsc_buf_printf(out, "%s[%s]\n", len ? "\n" : "", section) || put_setting(out, key, sub, value) ? -1 : 0;
}

/* Creates the directories of `path` (mode 700), as the AWS CLI does for ~/.aws. */
static int make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        int rc = mkdir(path, 0700);
        int e = errno;
        *p = '/';
        if (rc != 0 && e != EEXIST)
            return -1;
    }
    return 0;
}

/* Replaces `path` with `data`: a temporary file beside it (mode 600), fsync, rename. */
static int write_atomic(const char *path, const awsc_buf *data)
{
    char target[PATH_MAX];
    char *real = realpath(path, NULL); /* a symlinked file: its target is replaced, the link kept */
    snprintf(target, sizeof target, "%s", real ? real : path);
    free(real);
    if (make_parents(target) != 0) {
        fprintf(stderr, "awsc: configure set: cannot create the directory of %s: %s\n", target, strerror(errno));
        return -1;
    }
    awsc_buf tmp = AWSC_BUF_INIT;
    if (awsc_buf_printf(&tmp, "%s.awsc-XXXXXX", target)) {
        fprintf(stderr, "awsc: out of memory\n");
        return -1;
    }
    int fd = mkstemp(tmp.data);
    bool ok = fd >= 0 && fchmod(fd, 0600) == 0;
    for (size_t off = 0; ok && off < data->len;) {
        ssize_t n = write(fd, data->data + off, data->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        off += ok ? (size_t)n : 0;
    }
    ok = ok && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    ok = ok && rename(tmp.data, target) == 0;
    if (!ok) {
        fprintf(stderr, "awsc: configure set: cannot write %s: %s\n", target, strerror(errno));
        if (fd >= 0)
            unlink(tmp.data);
    }
    awsc_buf_free(&tmp);
    return ok ? 0 : -1;
}

static int set(const char *name, const char *value, const char *current)
{
    char profile[256], key[128], sub[128], section[300];
    if (split_name(name, current, profile, sizeof profile, key, sizeof key, sub, sizeof sub) ||
        strpbrk(profile, "[] \t\r\n")) {
        fprintf(stderr, "awsc: configure set: '%s' is not a setting name (key, default.key, profile.NAME.key, "
                        "key.subkey)\n", name);
        return CLI_EXIT_USAGE;
    }
    if (strpbrk(value, "\r\n")) {
        fprintf(stderr, "awsc: configure set: a value is one line\n");
        return CLI_EXIT_USAGE;
    }
    for (char *k = key; *k; k++)
        *k = (char)((*k >= 'A' && *k <= 'Z') ? *k - 'A' + 'a' : *k);
    bool creds = credentials_key(key);
    if (creds && *sub) {
        fprintf(stderr, "awsc: configure set: %s has no nested settings\n", key);
        return CLI_EXIT_USAGE;
    }
    if (creds || strcmp(profile, "default") == 0)
        snprintf(section, sizeof section, "%s", profile);
    else
        snprintf(section, sizeof section, "profile %s", profile);
    char *path = awsc_profile_path(!creds);
    if (!path) {
        fprintf(stderr, "awsc: out of memory\n");
        return CLI_EXIT_OTHER;
    }
    /* the current text, as read (a missing file is empty) */
    awsc_buf old = AWSC_BUF_INIT, text = AWSC_BUF_INIT;
    int status = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && !status)
            if (old.len + n > (1u << 20) || awsc_buf_append(&old, chunk, n))
                status = CLI_EXIT_CONFIG;
        if (ferror(f))
            status = CLI_EXIT_CONFIG;
        fclose(f);
        awsc_cleanse(chunk, sizeof chunk);
        if (status)
            fprintf(stderr, "awsc: configure set: cannot read %s\n", path);
    } else if (errno != ENOENT) {
        fprintf(stderr, "awsc: configure set: cannot read %s: %s\n", path, strerror(errno));
        status = CLI_EXIT_CONFIG;
    }
    int edited = status ? 0 : edit(&text, old.data ? old.data : "", old.len, section, key, sub, value);
    if (edited > 0) {
        fprintf(stderr, "awsc: configure set: %s is set to a value in [%s], so it has no nested settings\n", key,
                section);
        status = CLI_EXIT_USAGE;
    } else if (edited < 0) {
        fprintf(stderr, "awsc: out of memory\n");
        status = CLI_EXIT_OTHER;
    }
    if (!status && write_atomic(path, &text) != 0)
        status = CLI_EXIT_CONFIG;
    if (old.data)
        awsc_cleanse(old.data, old.cap);
    if (text.data)
        awsc_cleanse(text.data, text.cap);
    awsc_buf_free(&old);
    awsc_buf_free(&text);
    free(path);
    return status;
}

/* "****************ABCD": a secret as `configure list` shows it. */
static void mask(const char *v, char *out, size_t cap)
{
    size_t n = strlen(v);
    snprintf(out, cap, "****************%s", n > 4 ? v + n - 4 : "");
}

static void row(const char *name, const char *value, const char *type, const char *location)
{
    printf("%10s %24s %16s    ", name, value, type);
    cli_put_untrusted(stdout, location);
    putchar('\n');
}

static int list(const char *flag_profile)
{
    awsc_profile_file creds = {0}, config = {0};
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_profile_load(&creds, false, &err) != AWSC_OK || awsc_profile_load(&config, true, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: %s\n", err.message);
        awsc_profile_free(&creds);
        awsc_profile_free(&config);
        awsc_error_clear(&err);
        return CLI_EXIT_CONFIG;
    }
    bool named;
    const char *profile = awsc_profile_name(flag_profile, &named);
    row("Name", "Value", "Type", "Location");
    row("----", "-----", "----", "--------");
    if (flag_profile && *flag_profile)
        row("profile", profile, "manual", "--profile");
    else if (named)
        row("profile", profile, "env", "AWS_PROFILE");
    else
        row("profile", "<not set>", "None", "None");
    static const struct {
        const char *name, *env, *key;
    } keys[] = {{"access_key", "AWS_ACCESS_KEY_ID", "aws_access_key_id"},
                {"secret_key", "AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"}};
    char masked[64];
    for (size_t i = 0; i < 2; i++) {
        const char *env = getenv(keys[i].env), *v;
        /* the environment wins only without an explicit --profile, as in the AWS CLI */
        if (env && *env && !(flag_profile && *flag_profile)) {
            mask(env, masked, sizeof masked);
            row(keys[i].name, masked, "env", "");
        } else if ((v = awsc_profile_get(&creds, profile, keys[i].key))) {
            mask(v, masked, sizeof masked);
            row(keys[i].name, masked, "shared-credentials-file", "");
        } else if ((v = awsc_profile_get(&config, profile, keys[i].key))) {
            mask(v, masked, sizeof masked);
            row(keys[i].name, masked, "config-file", config.path);
        } else {
            row(keys[i].name, "<not set>", "None", "None");
        }
    }
    const char *region_env = getenv("AWS_REGION") && *getenv("AWS_REGION") ? "AWS_REGION"
                             : getenv("AWS_DEFAULT_REGION") && *getenv("AWS_DEFAULT_REGION") ? "AWS_DEFAULT_REGION"
                                                                                           : NULL;
    const char *region = awsc_profile_get(&config, profile, "region");
    if (region_env) {
        char shown[25];
        snprintf(shown, sizeof shown, "%s", getenv(region_env));
        for (char *c = shown; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        row("region", shown, "env", region_env);
    } else if (region) {
        char shown[25];
        snprintf(shown, sizeof shown, "%s", region);
        for (char *c = shown; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        row("region", shown, "config-file", config.path);
    } else {
        row("region", "<not set>", "None", "None");
    }
    awsc_profile_free(&creds);
    awsc_profile_free(&config);
    awsc_error_clear(&err);
    return 0;
}

int cli_configure(int argc, char **argv, const char *profile)
{
    /* argv[0] is "configure"; --profile may stand anywhere after it */
    const char *words[4] = {0};
    int nwords = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            profile = argv[++i];
        } else if (strncmp(argv[i], "--", 2) == 0) {
            fprintf(stderr, "awsc: configure: unknown option '%s'\n", argv[i]);
            configure_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (nwords < 4) {
            words[nwords++] = argv[i];
        } else {
            nwords = 5;
        }
    }
    const char *current = awsc_profile_name(profile, NULL);
    if (nwords == 1 && strcmp(words[0], "list") == 0)
        return list(profile);
    if (nwords == 2 && strcmp(words[0], "get") == 0)
        return get(words[1], current);
    if (nwords == 3 && strcmp(words[0], "set") == 0)
        return set(words[1], words[2], current);
    if (nwords >= 1 && strcmp(words[0], "help") == 0) {
        configure_usage(stdout);
        return 0;
    }
    configure_usage(stderr);
    return CLI_EXIT_USAGE;
}
