/*
 * IAM Identity Center credentials as the AWS SDKs read them:
 *   - sso_session = NAME, with [sso-session NAME] giving sso_start_url and
 *     sso_region: the token is cached in ~/.aws/sso/cache/<SHA-1 of NAME>.json
 *     and refreshed with SSO-OIDC CreateToken (grant refresh_token) when it is
 *     within five minutes of expiring, the cache file then rewritten atomically;
 *   - the legacy form, sso_start_url and sso_region in the profile: the cache
 *     file is named by the SHA-1 of the start URL, and is never refreshed;
 * then SSO GetRoleCredentials for sso_account_id and sso_role_name. Signing in
 * (`aws sso login`, a browser) is not ours: a missing or expired token is an
 * error that says to run it. Runs once per credentials refresh (about hourly).
 */
#include "sso_token.h"

#include "serde/json/json.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void awsc_sso_token_clear(awsc_sso_token *t)
{
    if (!t)
        return;
    wipe_free(t->access_token);
    wipe_free(t->refresh_token);
    free(t->client_id);
    wipe_free(t->client_secret);
    free(t->registration_expires_at);
    free(t->region);
    free(t->start_url);
    memset(t, 0, sizeof *t);
}

bool awsc_sso_token_refreshable(const awsc_sso_token *t)
{
    return awsc_nonempty(t->refresh_token) && awsc_nonempty(t->client_id) && awsc_nonempty(t->client_secret) &&
           t->registration_expires != 0;
}

/* ---- the cache file's place ------------------------------------------------- */

void awsc_sso_cache_name(const char *key, char hex[41])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(key, strlen(key), md, &n, EVP_sha1(), NULL) || n != 20) {
        hex[0] = '\0';
        return;
    }
    for (unsigned i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

char *awsc_sso_cache_path(const char *key, awsc_error *err)
{
    char hex[41];
    awsc_sso_cache_name(key, hex);
    if (!hex[0]) {
        awsc_error_set(err, AWSC_E_INTERNAL, "SHA-1 is not available from OpenSSL");
        return NULL;
    }
    const char *home = awsc_nonempty(getenv("HOME"));
    struct passwd pw, *res = NULL;
    char pwbuf[1024];
    if (!home && getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
        home = awsc_nonempty(res->pw_dir);
    if (!home) {
        awsc_error_set(err, AWSC_E_CONFIG, "no home directory (HOME) to find the SSO token cache in");
        return NULL;
    }
    awsc_buf b = AWSC_BUF_INIT;
    if (awsc_buf_printf(&b, "%s/.aws/sso/cache/%s.json", home, hex) != 0) {
        awsc_buf_free(&b);
        awsc_error_nomem(err);
        return NULL;
    }
    return awsc_buf_take(&b);
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct token_doc {
    const char *access_token, *expires_at, *refresh_token, *client_id, *client_secret, *registration_expires_at,
        *region, *start_url;
} token_doc;

#define STR_MEMBER(wire, field)                                                                           \
    {.name = wire, .wire_name = wire, .offset = offsetof(token_doc, field), .has_offset = AWSC_NO_OFFSET, \
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING}

static const awsc_member token_members[] = {
    STR_MEMBER("accessToken", access_token),
    STR_MEMBER("expiresAt", expires_at),
    STR_MEMBER("refreshToken", refresh_token),
    STR_MEMBER("clientId", client_id),
    STR_MEMBER("clientSecret", client_secret),
    STR_MEMBER("registrationExpiresAt", registration_expires_at),
    STR_MEMBER("region", region),
    STR_MEMBER("startUrl", start_url),
};
static const awsc_shape token_shape = {.name = "SsoToken", .type = AWSC_T_STRUCT, .size = sizeof(token_doc),
                                       .members = token_members,
                                       .member_count = sizeof token_members / sizeof *token_members};

/* RFC 3339; the AWS CLI v1 wrote "...UTC" instead of "Z", which is read too. */
static int parse_time(const char *s, int64_t *out)
{
    size_t len = strlen(s);
    char fixed[64];
    if (len > 3 && len < sizeof fixed && strcmp(s + len - 3, "UTC") == 0) {
        memcpy(fixed, s, len - 3);
        fixed[len - 3] = 'Z';
        fixed[len - 2] = '\0';
        s = fixed;
        len -= 2;
    }
    awsc_timestamp t;
    if (awsc_time_parse_date_time(s, len, &t) != 0)
        return -1;
    *out = t.seconds;
    return 0;
}

static void wipe_doc(token_doc *d)
{
    /* The strings live in the arena, which does not clear what it frees. */
    const char *secrets[] = {d->access_token, d->refresh_token, d->client_secret};
    for (size_t i = 0; i < 3; i++)
        if (secrets[i])
            OPENSSL_cleanse((char *)secrets[i], strlen(secrets[i]));
}

int awsc_sso_token_parse(const char *text, size_t len, const char *path, awsc_sso_token *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    awsc_arena *arena = awsc_arena_create();
    if (!arena)
        return awsc_error_nomem(err);
    token_doc d = {0};
    awsc_error jerr = AWSC_ERROR_INIT;
    int rc = awsc_json_read(&token_shape, &d, text, len, arena, AWSC_JSON_WIRE, AWSC_E_CONFIG, &jerr);
    if (rc == AWSC_E_NOMEM) {
        rc = awsc_error_nomem(err);
    } else if (rc) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "the SSO token cache file %s is not a JSON object of strings (%s)",
                            path, jerr.message ? jerr.message : "malformed");
    } else if (!awsc_nonempty(d.access_token)) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "the SSO token cache file %s has no accessToken", path);
    } else if (!awsc_nonempty(d.expires_at)) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "the SSO token cache file %s has no expiresAt", path);
    } else if (parse_time(d.expires_at, &out->expires_at) != 0) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "the SSO token cache file %s: expiresAt is not an RFC 3339 date-time",
                            path);
    } else if (awsc_nonempty(d.registration_expires_at) &&
               parse_time(d.registration_expires_at, &out->registration_expires) != 0) {
        rc = awsc_error_set(err, AWSC_E_CONFIG,
                            "the SSO token cache file %s: registrationExpiresAt is not an RFC 3339 date-time", path);
    } else {
        const char *const src[] = {d.access_token, d.refresh_token, d.client_id, d.client_secret,
                                   d.registration_expires_at, d.region, d.start_url};
        char **const dst[] = {&out->access_token, &out->refresh_token, &out->client_id, &out->client_secret,
                              &out->registration_expires_at, &out->region, &out->start_url};
        for (size_t i = 0; i < sizeof src / sizeof *src && rc == AWSC_OK; i++)
            if (awsc_nonempty(src[i]) && !(*dst[i] = awsc_strdup(src[i])))
                rc = awsc_error_nomem(err);
        if (out->registration_expires_at && out->registration_expires == 0)
            out->registration_expires = 1; /* at the epoch itself: present, and long expired */
    }
    if (rc)
        awsc_sso_token_clear(out);
    awsc_error_clear(&jerr);
    wipe_doc(&d);
    awsc_arena_destroy(arena);
    return rc;
}

int awsc_sso_token_load(const char *path, const char *login, awsc_sso_token *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return awsc_error_set(err, AWSC_E_CONFIG, "no SSO token (%s does not exist): run `%s` to sign in", path,
                                  login);
        return awsc_error_set(err, AWSC_E_CONFIG, "cannot read the SSO token cache file %s: %s", path,
                              strerror(errno));
    }
    awsc_buf b = AWSC_BUF_INIT;
    char chunk[4096];
    int rc = AWSC_OK;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = awsc_error_set(err, AWSC_E_CONFIG, "cannot read the SSO token cache file %s: %s", path,
                                strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > AWSC_SSO_MAX_CACHE_BYTES) {
            rc = awsc_error_set(err, AWSC_E_CONFIG, "the SSO token cache file %s is larger than %d bytes", path,
                                AWSC_SSO_MAX_CACHE_BYTES);
            break;
        }
        if (awsc_buf_append(&b, chunk, (size_t)n) != 0) {
            rc = awsc_error_nomem(err);
            break;
        }
    }
    close(fd);
    OPENSSL_cleanse(chunk, sizeof chunk);
    if (rc == AWSC_OK)
        rc = awsc_sso_token_parse(b.data ? b.data : "", b.len, path, out, err);
    if (b.data)
        OPENSSL_cleanse(b.data, b.cap);
    awsc_buf_free(&b);
    return rc;
}

/* ---- writing ---------------------------------------------------------------- */

static int put_field(awsc_buf *b, const char *key, const char *value)
{
    if (!value)
        return 0;
    if (awsc_buf_puts(b, b->len > 1 ? ",\n  \"" : "\n  \"") || awsc_buf_puts(b, key) || awsc_buf_puts(b, "\": "))
        return -2;
    return awsc_json_write_string(b, value, strlen(value));
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int awsc_sso_token_save(const char *path, const awsc_sso_token *t, awsc_error *err)
{
    awsc_buf b = AWSC_BUF_INIT, when = AWSC_BUF_INIT;
    int rc = AWSC_OK;
    if (awsc_time_format_date_time(&when, (awsc_timestamp){t->expires_at, 0}) != 0 || !when.data) {
        awsc_buf_free(&when);
        return awsc_error_set(err, AWSC_E_RESPONSE, "the refreshed SSO token's expiry cannot be written");
    }
    int w = awsc_buf_putc(&b, '{');
    w = w ? w : put_field(&b, "accessToken", t->access_token);
    w = w ? w : put_field(&b, "expiresAt", when.data);
    w = w ? w : put_field(&b, "refreshToken", t->refresh_token);
    w = w ? w : put_field(&b, "clientId", t->client_id);
    w = w ? w : put_field(&b, "clientSecret", t->client_secret);
    w = w ? w : put_field(&b, "registrationExpiresAt", t->registration_expires_at);
    w = w ? w : put_field(&b, "region", t->region);
    w = w ? w : put_field(&b, "startUrl", t->start_url);
    w = w ? w : awsc_buf_puts(&b, "\n}\n");
    awsc_buf_free(&when);
    if (w == -1)
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "the refreshed SSO token is not valid UTF-8");
    else if (w)
        rc = awsc_error_nomem(err);

    char *tmp = NULL;
    if (rc == AWSC_OK) {
        size_t n = strlen(path) + 16;
        if (!(tmp = malloc(n)))
            rc = awsc_error_nomem(err);
        else
            snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    }
    if (rc == AWSC_OK) {
        int fd = mkstemp(tmp); /* mode 0600: the file holds secrets */
        if (fd < 0) {
            rc = awsc_error_set(err, AWSC_E_CONFIG, "cannot save the refreshed SSO token beside %s: %s", path,
                                strerror(errno));
        } else {
            int bad = write_all(fd, b.data, b.len) != 0 || fsync(fd) != 0;
            int saved = errno;
            bad |= close(fd) != 0;
            if (!bad && rename(tmp, path) != 0) {
                bad = 1;
                saved = errno;
            }
            if (bad) {
                unlink(tmp);
                rc = awsc_error_set(err, AWSC_E_CONFIG, "cannot save the refreshed SSO token to %s: %s", path,
                                    strerror(saved ? saved : EIO));
            }
        }
    }
    free(tmp);
    if (b.data)
        OPENSSL_cleanse(b.data, b.cap);
    awsc_buf_free(&b);
    return rc;
}

/* ---- the profile ------------------------------------------------------------ */

typedef struct sso_profile {
    const char *session; /* NULL: the legacy form */
    const char *start_url, *region, *account_id, *role_name;
    char what[256];  /* "profile dev (sso_session corp)", for messages */
    char login[200]; /* "aws sso login --profile dev" */
} sso_profile;

static const char *value(const awsc_role_host *host, const char *profile, const char *key)
{
    return awsc_nonempty(host->profile_value(host->ctx, profile, key));
}

/* `role`: the profile must name the account and role (credentials); a token alone needs neither. */
static int read_profile(const awsc_role_host *host, const char *profile, bool role, sso_profile *p, awsc_error *err)
{
    memset(p, 0, sizeof *p);
    p->session = value(host, profile, "sso_session");
    snprintf(p->login, sizeof p->login, "aws sso login --profile %s", profile);
    const char *start_url = value(host, profile, "sso_start_url"), *region = value(host, profile, "sso_region");
    if (p->session) {
        snprintf(p->what, sizeof p->what, "profile %s (sso_session %s)", profile, p->session);
        char section[200];
        if ((size_t)snprintf(section, sizeof section, "sso-session %s", p->session) >= sizeof section)
            return awsc_error_set(err, AWSC_E_CONFIG, "%s: the sso_session name is too long", p->what);
        if (!host->profile_exists(host->ctx, section))
            return awsc_error_set(err, AWSC_E_CONFIG, "%s: the config file has no [sso-session %s] section", p->what,
                                  p->session);
        p->start_url = value(host, section, "sso_start_url");
        p->region = value(host, section, "sso_region");
        const char *missing = !p->start_url ? "sso_start_url" : !p->region ? "sso_region" : NULL;
        if (missing)
            return awsc_error_set(err, AWSC_E_CONFIG, "%s: [sso-session %s] has no %s", p->what, p->session,
                                  missing);
        /* The profile may repeat the session's values, but not contradict them. */
        if (start_url && strcmp(start_url, p->start_url) != 0)
            return awsc_error_set(err, AWSC_E_CONFIG,
                                  "%s: the profile's sso_start_url differs from the one of [sso-session %s]", p->what,
                                  p->session);
        if (region && strcmp(region, p->region) != 0)
            return awsc_error_set(err, AWSC_E_CONFIG,
                                  "%s: the profile's sso_region differs from the one of [sso-session %s]", p->what,
                                  p->session);
    } else {
        snprintf(p->what, sizeof p->what, "profile %s (sso_start_url)", profile);
        p->start_url = start_url;
        p->region = region;
        if (!p->region)
            return awsc_error_set(err, AWSC_E_CONFIG, "%s: sso_start_url needs sso_region (or use sso_session)",
                                  p->what);
    }
    p->account_id = value(host, profile, "sso_account_id");
    p->role_name = value(host, profile, "sso_role_name");
    if (!role)
        return AWSC_OK;
    const char *missing = !p->account_id ? "sso_account_id" : !p->role_name ? "sso_role_name" : NULL;
    if (missing)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: the profile has no %s", p->what, missing);
    return AWSC_OK;
}

/* Prefixes `err`'s message with "WHAT: " and appends `tail` (NULL: nothing), keeping its status and code. */
static int reword(awsc_error *err, int rc, const char *what, const char *middle, const char *tail)
{
    const char *msg = err->message ? err->message : awsc_status_str(rc);
    awsc_buf b = AWSC_BUF_INIT;
    if (awsc_buf_printf(&b, "%s: %s%s%s", what, middle ? middle : "", msg, tail ? tail : "") == 0) {
        free(err->message);
        err->message = awsc_buf_take(&b);
    }
    awsc_buf_free(&b);
    return rc;
}

/*
 * The access token of an sso_session profile: cached, refreshed first when it
 * is close to expiring and can be, the cache rewritten with the new one.
 */
static int session_token(const awsc_sso_calls *calls, const awsc_role_host *host, const sso_profile *p,
                         awsc_sso_token *tok, awsc_error *err)
{
    char *path = awsc_sso_cache_path(p->session, err);
    if (!path)
        return awsc_error_target(err)->status;
    int rc = awsc_sso_token_load(path, p->login, tok, err);
    if (rc) {
        free(path);
        return reword(err, rc, p->what, NULL, NULL);
    }
    int64_t now = host->now;
    bool expired = tok->expires_at <= now;
    bool refreshable = awsc_sso_token_refreshable(tok) && tok->registration_expires > now;
    if (tok->expires_at - AWSC_SSO_REFRESH_AHEAD_S > now || !refreshable) {
        free(path);
        if (expired)
            return awsc_error_set(err, AWSC_E_CONFIG, "%s: the SSO token has expired%s: run `%s` to sign in again",
                                  p->what,
                                  !awsc_sso_token_refreshable(tok) ? " and cannot be refreshed"
                                                                   : " and its client registration too",
                                  p->login);
        return AWSC_OK;
    }
    awsc_sso_refreshed fresh = {0};
    awsc_error e = AWSC_ERROR_INIT;
    rc = calls->create_token(host->config, p->region, tok, &fresh, &e);
    if (rc == AWSC_OK && (!awsc_nonempty(fresh.access_token) || fresh.expires_in <= 0))
        rc = awsc_error_set(&e, AWSC_E_RESPONSE, "CreateToken answered without an access token and its lifetime");
    if (rc) {
        wipe_free(fresh.access_token);
        wipe_free(fresh.refresh_token);
        free(path);
        if (!expired) { /* the SDKs keep using a token that still works */
            awsc_error_clear(&e);
            return AWSC_OK;
        }
        awsc_error_clear(awsc_error_target(err));
        *awsc_error_target(err) = e;
        char tail[260];
        snprintf(tail, sizeof tail, ": run `%s` to sign in again", p->login);
        return reword(awsc_error_target(err), rc, p->what, "the SSO token has expired and refreshing it failed: ",
                      tail);
    }
    wipe_free(tok->access_token);
    tok->access_token = fresh.access_token;
    tok->expires_at = now + fresh.expires_in;
    if (awsc_nonempty(fresh.refresh_token)) {
        wipe_free(tok->refresh_token);
        tok->refresh_token = fresh.refresh_token;
    } else {
        wipe_free(fresh.refresh_token);
    }
    rc = AWSC_OK;
    /* What the cache says about where it came from: this session's. */
    char *region = awsc_strdup(p->region), *start_url = awsc_strdup(p->start_url);
    if (!region || !start_url) {
        free(region);
        free(start_url);
        rc = awsc_error_nomem(err);
    } else {
        free(tok->region);
        free(tok->start_url);
        tok->region = region;
        tok->start_url = start_url;
        rc = awsc_sso_token_save(path, tok, err);
        if (rc)
            reword(err, rc, p->what, NULL, NULL);
    }
    free(path);
    return rc;
}

/* The access token of a legacy profile: cached under the start URL, never refreshed. */
static int legacy_token(const awsc_role_host *host, const sso_profile *p, awsc_sso_token *tok, awsc_error *err)
{
    char *path = awsc_sso_cache_path(p->start_url, err);
    if (!path)
        return awsc_error_target(err)->status;
    int rc = awsc_sso_token_load(path, p->login, tok, err);
    free(path);
    if (rc)
        return reword(err, rc, p->what, NULL, NULL);
    if (tok->expires_at <= host->now)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: the SSO token has expired: run `%s` to sign in again", p->what,
                              p->login);
    return AWSC_OK;
}

int awsc_sso_profile(const awsc_sso_calls *calls, const awsc_role_host *host, const char *profile,
                     awsc_role_credentials *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    sso_profile p;
    int rc = read_profile(host, profile, true, &p, err);
    if (rc)
        return rc;
    awsc_sso_token tok = {0};
    rc = p.session ? session_token(calls, host, &p, &tok, err) : legacy_token(host, &p, &tok, err);
    if (rc == AWSC_OK) {
        rc = calls->get_role_credentials(host->config, p.region, tok.access_token, p.account_id, p.role_name, out,
                                         err);
        if (rc) {
            awsc_error *e = awsc_error_target(err);
            bool rejected = e->code && strcmp(e->code, "UnauthorizedException") == 0;
            char tail[260];
            snprintf(tail, sizeof tail, ": run `%s` to sign in again", p.login);
            reword(e, rc, p.what, "SSO GetRoleCredentials failed: ", rejected ? tail : NULL);
        }
    }
    awsc_sso_token_clear(&tok);
    return rc;
}

int awsc_sso_profile_token(const awsc_sso_calls *calls, const awsc_role_host *host, const char *profile, char **token,
                           int64_t *expires, awsc_error *err)
{
    *token = NULL;
    *expires = 0;
    sso_profile p;
    int rc = read_profile(host, profile, false, &p, err);
    if (rc == AWSC_OK && !p.session) /* the SDKs' token provider reads sso_session profiles only */
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: a bearer token needs sso_session", p.what);
    awsc_sso_token tok = {0};
    if (rc == AWSC_OK)
        rc = session_token(calls, host, &p, &tok, err);
    if (rc == AWSC_OK) {
        *token = tok.access_token; /* taken over */
        *expires = tok.expires_at;
        tok.access_token = NULL;
    }
    awsc_sso_token_clear(&tok);
    return rc;
}
