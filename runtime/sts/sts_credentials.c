/*
 * The STS side of the role credentials sources: one short-lived generated STS
 * client per refresh (a refresh happens about once an hour), AssumeRole or
 * AssumeRoleWithWebIdentity, and the answer copied out with its secrets wiped
 * from the response before it is freed.
 */
#include "awsc/sts_credentials.h"
#include "role_chain.h"

#include <awsc/sts.h>

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

static void wipe(const char *s)
{
    if (s)
        OPENSSL_cleanse((char *)s, strlen(s));
}

/* Rewrites the error of a failed STS call as "SOURCE: STS OPERATION failed: MESSAGE", keeping its status and code. */
static int call_failed(const awsc_role_request *req, const char *op, int rc, awsc_error *err)
{
    const char *code = err->code, *msg = err->message ? err->message : awsc_status_str(rc);
    bool code_in_msg = code && strstr(msg, code);
    size_t len = strlen(req->what) + strlen(op) + strlen(msg) + (code ? strlen(code) : 0) + 32;
    char *text = malloc(len);
    if (!text)
        return rc;
    snprintf(text, len, "%s: STS %s failed: %s%s%s", req->what, op,
             code && !code_in_msg ? code : "", code && !code_in_msg ? ": " : "", msg);
    free(err->message);
    err->message = text;
    return rc;
}

/* Copies STS's credentials out: a complete set, or an error. */
static int copy_credentials(const awsc_role_request *req, const awsc_sts_credentials *c, const char *arn,
                            awsc_role_credentials *out, awsc_error *err)
{
    if (!c || !nonempty(c->access_key_id) || !nonempty(c->secret_access_key) || !nonempty(c->session_token)) {
        awsc_role_error(err, AWSC_E_RESPONSE, "STS answered without complete credentials");
        return call_failed(req, req->web_identity_token ? "AssumeRoleWithWebIdentity" : "AssumeRole",
                           AWSC_E_RESPONSE, err);
    }
    out->access_key_id = dup(c->access_key_id);
    out->secret_access_key = dup(c->secret_access_key);
    out->session_token = dup(c->session_token);
    out->expiration = c->expiration.seconds;
    /* The account is the ARN's fifth field: arn:aws:sts::123456789012:assumed-role/NAME/SESSION */
    const char *p = arn;
    for (int i = 0; p && i < 4; i++)
        p = (p = strchr(p, ':')) ? p + 1 : NULL;
    const char *end = p ? strchr(p, ':') : NULL;
    bool account_ok = end && end - p == 12 && strspn(p, "0123456789") == 12;
    if (account_ok && (out->account_id = malloc(13)) != NULL) {
        memcpy(out->account_id, p, 12);
        out->account_id[12] = '\0';
    }
    if (!out->access_key_id || !out->secret_access_key || !out->session_token || (account_ok && !out->account_id)) {
        awsc_role_credentials_clear(out);
        return awsc_role_error(err, AWSC_E_NOMEM, "out of memory");
    }
    return AWSC_OK;
}

/*
 * Copies STS's credentials out (the caller owns and wipes the copies) and
 * wipes the secrets in the answer, which is freed next.
 */
static int take(const awsc_role_request *req, const awsc_sts_credentials *c, const awsc_sts_assumed_role_user *user,
                awsc_role_credentials *out, awsc_error *err)
{
    int rc = copy_credentials(req, c, user ? user->arn : NULL, out, err);
    if (c) {
        wipe(c->secret_access_key);
        wipe(c->session_token);
    }
    return rc;
}

static int sts_assume_role(const awsc_config *base, const awsc_role_request *req, awsc_role_credentials *out,
                           awsc_error *err)
{
    memset(out, 0, sizeof *out);
    awsc_config cfg = AWSC_CONFIG_INIT;
    if (base)
        cfg = *base;
    /* The STS client's own identity: never the calling client's endpoint, profile or (recursively) STS. */
    cfg.sts = NULL;
    cfg.profile = NULL;
    cfg.endpoint_url = NULL; /* AWS_ENDPOINT_URL_STS and the other configured endpoints: the client's rules */
    cfg.access_key_id = req->source ? req->source->access_key_id : NULL;
    cfg.secret_access_key = req->source ? req->source->secret_access_key : NULL;
    cfg.session_token = req->source ? req->source->session_token : NULL;
    cfg.iot_credentials_endpoint = cfg.iot_role_alias = cfg.iot_thing_name = NULL;
    cfg.tls_cert_file = cfg.tls_key_file = NULL;
    cfg.use_mtls = false;
    /* The SDKs' default for STS when nothing names a region. */
    if (!nonempty(cfg.region))
        cfg.region = "us-east-1";
    /* The wire dump (trace) would show the web identity token and the new secrets: debug is as far as it goes. */
    if (cfg.log_level > AWSC_LOG_DEBUG)
        cfg.log_level = AWSC_LOG_DEBUG;

    awsc_sts_client *client;
    int rc = awsc_sts_client_new(&cfg, &client, err);
    if (rc)
        return call_failed(req, "client", rc, err);
    if (req->web_identity_token) {
        awsc_sts_assume_role_with_web_identity_request in = {
            .role_arn = req->role_arn,
            .role_session_name = req->role_session_name,
            .web_identity_token = req->web_identity_token,
            .duration_seconds = req->duration_seconds,
            .has_duration_seconds = req->duration_seconds > 0,
        };
        awsc_sts_assume_role_with_web_identity_response *resp = NULL;
        rc = awsc_sts_assume_role_with_web_identity(client, &in, &resp, err);
        if (rc)
            call_failed(req, "AssumeRoleWithWebIdentity", rc, err);
        else
            rc = take(req, resp->credentials, resp->assumed_role_user, out, err);
        awsc_sts_assume_role_with_web_identity_response_free(resp);
    } else {
        awsc_sts_assume_role_request in = {
            .role_arn = req->role_arn,
            .role_session_name = req->role_session_name,
            .external_id = nonempty(req->external_id),
            .serial_number = req->serial_number,
            .token_code = req->token_code,
            .duration_seconds = req->duration_seconds,
            .has_duration_seconds = req->duration_seconds > 0,
        };
        awsc_sts_assume_role_response *resp = NULL;
        rc = awsc_sts_assume_role(client, &in, &resp, err);
        if (rc)
            call_failed(req, "AssumeRole", rc, err);
        else
            rc = take(req, resp->credentials, resp->assumed_role_user, out, err);
        awsc_sts_assume_role_response_free(resp);
    }
    awsc_sts_client_free(client);
    return rc;
}

static int web_identity_env(const awsc_role_host *host, awsc_role_credentials *out, awsc_error *err)
{
    return awsc_role_web_identity_env(sts_assume_role, host, out, err);
}

static int profile_role(const awsc_role_host *host, const char *profile, awsc_role_credentials *out, awsc_error *err)
{
    return awsc_role_profile(sts_assume_role, host, profile, out, err);
}

static const awsc_sts_api api = {web_identity_env, profile_role};

const awsc_sts_api *awsc_sts_credentials_api(void)
{
    return &api;
}
