/*
 * Web identity and role profiles, as the AWS SDKs read them. Everything here
 * runs once per refresh (about hourly), so clarity wins over speed.
 */
#include "role_chain.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A web identity token is at most 20000 characters (the model's limit); room for a newline. */
#define MAX_TOKEN_BYTES 20480
/* Longest source_profile chain followed; the SDKs set none, but a loop must end. */
#define MAX_HOPS 8

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

void awsc_role_credentials_clear(awsc_role_credentials *c)
{
    free(c->access_key_id);
    if (c->secret_access_key)
        OPENSSL_cleanse(c->secret_access_key, strlen(c->secret_access_key));
    free(c->secret_access_key);
    if (c->session_token)
        OPENSSL_cleanse(c->session_token, strlen(c->session_token));
    free(c->session_token);
    memset(c, 0, sizeof *c);
}

int awsc_role_error(awsc_error *err, int status, const char *fmt, ...)
{
    awsc_error_clear(err);
    err->status = (awsc_status)status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    err->message = msg;
    return status;
}

/* Reads the token now: Kubernetes rotates the file, so it is read at every refresh. */
static int read_token(const char *path, const char *what, char **token, awsc_error *err)
{
    *token = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return awsc_role_error(err, AWSC_E_CONFIG, "%s: cannot read the web identity token file %s: %s", what, path,
                               strerror(errno));
    setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer: it would be freed holding the token */
    char *buf = malloc(MAX_TOKEN_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_TOKEN_BYTES + 1, f) : 0;
    int failed = ferror(f);
    fclose(f);
    if (!buf)
        return awsc_role_error(err, AWSC_E_NOMEM, "out of memory");
    while (n && n <= MAX_TOKEN_BYTES && strchr("\r\n\t ", buf[n - 1]))
        n--;
    const char *problem = failed ? "unreadable" : n > MAX_TOKEN_BYTES ? "larger than 20480 bytes"
                                             : n == 0              ? "empty"
                                             : memchr(buf, '\0', n) ? "not text"
                                                                    : NULL;
    if (problem) {
        OPENSSL_cleanse(buf, MAX_TOKEN_BYTES + 1);
        free(buf);
        return awsc_role_error(err, AWSC_E_CONFIG, "%s: the web identity token file %s is %s", what, path, problem);
    }
    buf[n] = '\0';
    *token = buf;
    return AWSC_OK;
}

static int web_identity(awsc_assume_fn assume, const awsc_role_host *host, const char *what, const char *file,
                        const char *arn, const char *session, awsc_role_credentials *out, awsc_error *err)
{
    char *token;
    int rc = read_token(file, what, &token, err);
    if (rc)
        return rc;
    /* The SDKs' default when no name is given: a fixed prefix and the time. */
    char generated[48];
    snprintf(generated, sizeof generated, "awsc-session-%lld", (long long)host->now);
    awsc_role_request req = {.role_arn = arn, .role_session_name = session ? session : generated,
                             .web_identity_token = token, .what = what};
    rc = assume(host->config, &req, out, err);
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    return rc;
}

int awsc_role_web_identity_env(awsc_assume_fn assume, const awsc_role_host *host, awsc_role_credentials *out,
                               awsc_error *err)
{
    memset(out, 0, sizeof *out);
    const char *file = nonempty(getenv("AWS_WEB_IDENTITY_TOKEN_FILE"));
    const char *arn = nonempty(getenv("AWS_ROLE_ARN"));
    /* Half a configuration is a mistake to report, not a reason to pick up some other identity. */
    if (!file || !arn)
        return awsc_role_error(err, AWSC_E_CONFIG, "web identity: %s is set but %s is not",
                               file ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN",
                               file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE");
    return web_identity(assume, host, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", file, arn,
                        nonempty(getenv("AWS_ROLE_SESSION_NAME")), out, err);
}

static const char *value(const awsc_role_host *host, const char *profile, const char *key)
{
    return nonempty(host->profile_value(host->ctx, profile, key));
}

static int resolve(awsc_assume_fn assume, const awsc_role_host *host, const char *profile, const char **chain,
                   int hops, awsc_role_credentials *out, awsc_error *err);

/* The credentials a role profile signs its AssumeRole with: source_profile or credential_source. */
static int role_source(awsc_assume_fn assume, const awsc_role_host *host, const char *profile, const char **chain,
                       int hops, awsc_role_credentials *out, awsc_error *err)
{
    const char *source = value(host, profile, "source_profile");
    const char *cred_source = value(host, profile, "credential_source");
    if (source && cred_source)
        return awsc_role_error(err, AWSC_E_CONFIG, "profile %s has both source_profile and credential_source",
                               profile);
    int rc;
    if (cred_source) {
        rc = host->credential_source(host->ctx, cred_source, out, err);
        if (rc == -1)
            rc = awsc_role_error(err, AWSC_E_CONFIG, "profile %s: credential_source %s has no credentials", profile,
                                 cred_source);
        return rc;
    }
    if (!source)
        return awsc_role_error(err, AWSC_E_CONFIG,
                               "profile %s has role_arn but none of source_profile, credential_source and "
                               "web_identity_token_file",
                               profile);
    if (strcmp(source, profile) == 0) {
        /* A profile that is its own source signs with its own keys (as the AWS CLI does). */
        rc = host->profile_credentials(host->ctx, profile, out, err);
        return rc == -1 ? awsc_role_error(err, AWSC_E_CONFIG, "profile %s is its own source_profile but has no keys",
                                          profile)
                        : rc;
    }
    for (int i = 0; i < hops; i++) {
        if (strcmp(chain[i], source) != 0)
            continue;
        char loop[512] = "";
        size_t len = 0;
        for (int j = i; j < hops && len < sizeof loop; j++)
            len += (size_t)snprintf(loop + len, sizeof loop - len, "%s -> ", chain[j]);
        return awsc_role_error(err, AWSC_E_CONFIG, "source_profile loops: %s%s", loop, source);
    }
    if (hops >= MAX_HOPS)
        return awsc_role_error(err, AWSC_E_CONFIG, "profile %s: more than %d source_profile hops", profile, MAX_HOPS);
    if (!host->profile_exists(host->ctx, source))
        return awsc_role_error(err, AWSC_E_CONFIG, "profile %s: its source_profile %s does not exist", profile,
                               source);
    rc = resolve(assume, host, source, chain, hops, out, err);
    return rc == -1 ? awsc_role_error(err, AWSC_E_CONFIG, "profile %s: its source_profile %s has no credentials",
                                      profile, source)
                    : rc;
}

/* A role profile's credentials through STS. */
static int role(awsc_assume_fn assume, const awsc_role_host *host, const char *profile, const char *arn,
                const char **chain, int hops, awsc_role_credentials *out, awsc_error *err)
{
    char what[160];
    snprintf(what, sizeof what, "profile %s (role_arn)", profile);
    if (value(host, profile, "mfa_serial"))
        return awsc_role_error(err, AWSC_E_CONFIG, "profile %s uses mfa_serial, which needs a code typed in: not "
                                                   "supported",
                               profile);
    const char *session = value(host, profile, "role_session_name");
    const char *token_file = value(host, profile, "web_identity_token_file");
    if (token_file)
        return web_identity(assume, host, what, token_file, arn, session, out, err);
    long duration = 0;
    const char *d = value(host, profile, "duration_seconds");
    if (d) {
        char *end;
        errno = 0;
        duration = strtol(d, &end, 10);
        if (errno || *end || duration < 900 || duration > 43200)
            return awsc_role_error(err, AWSC_E_CONFIG,
                                   "profile %s: duration_seconds must be a number from 900 to 43200", profile);
    }
    chain[hops] = profile;
    awsc_role_credentials src;
    int rc = role_source(assume, host, profile, chain, hops + 1, &src, err);
    if (rc)
        return rc;
    char generated[48];
    snprintf(generated, sizeof generated, "awsc-session-%lld", (long long)host->now);
    awsc_role_request req = {.role_arn = arn, .role_session_name = session ? session : generated,
                             .external_id = value(host, profile, "external_id"), .duration_seconds = (int)duration,
                             .source = &src, .what = what};
    rc = assume(host->config, &req, out, err);
    awsc_role_credentials_clear(&src);
    return rc;
}

/* A profile's credentials: its role if it has role_arn, else its own (-1 when none). */
static int resolve(awsc_assume_fn assume, const awsc_role_host *host, const char *profile, const char **chain,
                   int hops, awsc_role_credentials *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    const char *arn = value(host, profile, "role_arn");
    return arn ? role(assume, host, profile, arn, chain, hops, out, err)
               : host->profile_credentials(host->ctx, profile, out, err);
}

int awsc_role_profile(awsc_assume_fn assume, const awsc_role_host *host, const char *profile,
                      awsc_role_credentials *out, awsc_error *err)
{
    const char *chain[MAX_HOPS + 1];
    int rc = resolve(assume, host, profile, chain, 0, out, err);
    return rc == -1 ? awsc_role_error(err, AWSC_E_CONFIG, "profile %s has no credentials", profile) : rc;
}
