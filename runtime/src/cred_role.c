/*
 * Role credentials: web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE,
 * AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME) and the AssumeRole calls of profiles with
 * role_arn. The STS calls themselves go through awsc_config.sts, which a program
 * plugs in from libawsc-sts-credentials: the runtime links no XML or STS code.
 */
#include "cred_sources.h"
#include "error.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A web identity token is at most 20000 characters (the model's length); leave room for a newline. */
#define MAX_TOKEN_BYTES 20480

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

int awsc_cred_no_sts(const char *what, awsc_error *err)
{
    return awsc_error_set(err, AWSC_E_CONFIG,
                          "%s needs AWS STS, which this program does not have: link libawsc-sts-credentials and set "
                          "awsc_config.sts = awsc_sts_credentials_api()",
                          what);
}

int awsc_cred_read_token_file(const char *path, const char *what, char **token, awsc_error *err)
{
    *token = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: cannot read the web identity token file %s: %s", what, path,
                              strerror(errno));
    char *buf = malloc(MAX_TOKEN_BYTES + 1);
    if (!buf) {
        fclose(f);
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    }
    size_t n = fread(buf, 1, MAX_TOKEN_BYTES + 1, f);
    bool failed = ferror(f);
    fclose(f);
    int rc = AWSC_OK;
    if (failed)
        rc = awsc_error_set(err, AWSC_E_CONFIG, "%s: reading the web identity token file %s failed", what, path);
    else if (n > MAX_TOKEN_BYTES)
        rc = awsc_error_set(err, AWSC_E_CONFIG, "%s: the web identity token file %s is larger than %d bytes", what,
                            path, MAX_TOKEN_BYTES);
    if (rc) {
        OPENSSL_cleanse(buf, n < MAX_TOKEN_BYTES + 1 ? n : MAX_TOKEN_BYTES + 1);
        free(buf);
        return rc;
    }
    /* Kubernetes writes the token with or without a final newline. */
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    if (n == 0 || memchr(buf, '\0', n)) {
        OPENSSL_cleanse(buf, n);
        free(buf);
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: the web identity token file %s is %s", what, path,
                              n ? "not text" : "empty");
    }
    *token = buf;
    return AWSC_OK;
}

void awsc_cred_session_name(char *buf, size_t cap, int64_t now)
{
    /* What the SDKs do when none is given: a fixed prefix and the time, unique enough for CloudTrail. */
    snprintf(buf, cap, "awsc-session-%lld", (long long)now);
}

int awsc_cred_assume(const awsc_cred_role_ctx *r, const awsc_role_request *req, awsc_credentials *out,
                     awsc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!r || !r->sts || !r->sts->assume_role)
        return awsc_cred_no_sts(req->source, err);
    awsc_role_credentials rc_out = {0};
    /* The plug-in always gets an error object of its own; its message, status, code and HTTP status carry over. */
    awsc_error sts_err = AWSC_ERROR_INIT;
    int rc = r->sts->assume_role(r->config, req, &rc_out, &sts_err);
    if (rc != AWSC_OK) {
        rc = awsc_error_set(err, rc > 0 && rc <= AWSC_E_INTERNAL ? (awsc_status)rc : AWSC_E_INTERNAL, "%s",
                            sts_err.message ? sts_err.message : "the STS call failed");
        awsc_error *e = awsc_error_target(err);
        e->http_status = sts_err.http_status;
        e->code = awsc_strdup(sts_err.code);
        e->request_id = awsc_strdup(sts_err.request_id);
    } else if (!rc_out.access_key_id || !rc_out.secret_access_key) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: STS answered without credentials", req->source);
    }
    awsc_error_clear(&sts_err);
    if (rc != AWSC_OK) {
        free(rc_out.access_key_id);
        awsc_cred_wipe(rc_out.secret_access_key);
        awsc_cred_wipe(rc_out.session_token);
        return rc;
    }
    /* awsc_cred_set takes the strings; on failure it wipes them. */
    if (awsc_cred_set(out, rc_out.access_key_id, rc_out.secret_access_key, rc_out.session_token,
                      rc_out.expiration) != 0)
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    return AWSC_OK;
}

int awsc_cred_web_identity(const awsc_cred_role_ctx *r, const char *what, const char *token_file,
                           const char *role_arn, const char *session_name, awsc_credentials *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!r || !r->sts || !r->sts->assume_role)
        return awsc_cred_no_sts(what, err);
    char *token;
    int rc = awsc_cred_read_token_file(token_file, what, &token, err);
    if (rc)
        return rc;
    char generated[64];
    if (!session_name) {
        awsc_cred_session_name(generated, sizeof generated, r->now);
        session_name = generated;
    }
    awsc_role_request req = {
        .role_arn = role_arn,
        .role_session_name = session_name,
        .web_identity_token = token,
        .source = what,
    };
    rc = awsc_cred_assume(r, &req, out, err);
    awsc_cred_wipe(token);
    return rc;
}

int awsc_cred_web_identity_env(const awsc_cred_role_ctx *r, awsc_credentials *out, awsc_buf *why, awsc_error *err)
{
    const char *file = nonempty(getenv("AWS_WEB_IDENTITY_TOKEN_FILE"));
    const char *arn = nonempty(getenv("AWS_ROLE_ARN"));
    if (!file && !arn) {
        awsc_buf_puts(why, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)");
        return AWSC_CRED_ABSENT;
    }
    /* Half a configuration is a mistake to report, not a reason to pick up some other identity. */
    if (!file || !arn)
        return awsc_error_set(err, AWSC_E_CONFIG, "web identity: %s is set but %s is not",
                              file ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN",
                              file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE");
    return awsc_cred_web_identity(r, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", file, arn,
                                  nonempty(getenv("AWS_ROLE_SESSION_NAME")), out, err);
}
