/*
 * The service side of the SSO credentials source: one short-lived generated
 * client per call (a refresh happens about once an hour), SSO-OIDC CreateToken
 * to refresh a token and SSO GetRoleCredentials to turn it into credentials,
 * the answers copied out and their secrets wiped before they are freed.
 */
#include "awsc/sso_credentials.h"
#include "sso_token.h"

#include <awsc/sso.h>
#include <awsc/sso_oidc.h>

#include <openssl/crypto.h>
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

/*
 * The configuration of an SSO or SSO-OIDC client: the calling client's
 * connection settings (CA, timeouts, retries, logging, clock hooks), the
 * session's region, the endpoint from `endpoint_env` when set, and no
 * credentials, profile or plug-ins (both operations are unsigned).
 */
static awsc_config client_config(const awsc_config *base, const char *region, const char *endpoint_env)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    if (base)
        cfg = *base;
    cfg.sts = NULL;
    cfg.sso = NULL;
    cfg.profile = NULL;
    cfg.region = region;
    cfg.endpoint_url = nonempty(getenv(endpoint_env));
    cfg.access_key_id = cfg.secret_access_key = cfg.session_token = NULL;
    cfg.iot_credentials_endpoint = cfg.iot_role_alias = cfg.iot_thing_name = NULL;
    cfg.tls_cert_file = cfg.tls_key_file = NULL;
    cfg.use_mtls = false;
    /* The wire dump (trace) would show the tokens and the new secrets: debug is as far as it goes. */
    if (cfg.log_level > AWSC_LOG_DEBUG)
        cfg.log_level = AWSC_LOG_DEBUG;
    return cfg;
}

static int create_token(const awsc_config *base, const char *region, const awsc_sso_token *token,
                        awsc_sso_refreshed *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    awsc_config cfg = client_config(base, region, "AWS_ENDPOINT_URL_SSO_OIDC");
    awsc_sso_oidc_client *client;
    int rc = awsc_sso_oidc_client_new(&cfg, &client, err);
    if (rc)
        return rc;
    awsc_sso_oidc_create_token_request in = {
        .client_id = token->client_id,
        .client_secret = token->client_secret,
        .grant_type = "refresh_token",
        .refresh_token = token->refresh_token,
    };
    awsc_sso_oidc_create_token_response *resp = NULL;
    rc = awsc_sso_oidc_create_token(client, &in, &resp, err);
    if (rc == AWSC_OK) {
        out->expires_in = resp->expires_in;
        out->access_token = dup(nonempty(resp->access_token));
        out->refresh_token = dup(nonempty(resp->refresh_token));
        if ((nonempty(resp->access_token) && !out->access_token) ||
            (nonempty(resp->refresh_token) && !out->refresh_token)) {
            free(out->access_token);
            free(out->refresh_token);
            memset(out, 0, sizeof *out);
            rc = AWSC_E_NOMEM;
            awsc_error_clear(err);
            err->status = AWSC_E_NOMEM;
            err->message = dup("out of memory");
        }
        wipe(resp->access_token);
        wipe(resp->refresh_token);
        wipe(resp->id_token);
    }
    awsc_sso_oidc_create_token_response_free(resp);
    awsc_sso_oidc_client_free(client);
    return rc;
}

static int get_role_credentials(const awsc_config *base, const char *region, const char *access_token,
                                const char *account_id, const char *role_name, awsc_role_credentials *out,
                                awsc_error *err)
{
    memset(out, 0, sizeof *out);
    awsc_config cfg = client_config(base, region, "AWS_ENDPOINT_URL_SSO");
    awsc_sso_client *client;
    int rc = awsc_sso_client_new(&cfg, &client, err);
    if (rc)
        return rc;
    awsc_sso_get_role_credentials_request in = {
        .role_name = role_name,
        .account_id = account_id,
        .access_token = access_token,
    };
    awsc_sso_get_role_credentials_response *resp = NULL;
    rc = awsc_sso_get_role_credentials(client, &in, &resp, err);
    if (rc == AWSC_OK) {
        const awsc_sso_role_credentials *c = resp->role_credentials;
        const char *problem = !c || !nonempty(c->access_key_id) || !nonempty(c->secret_access_key) ||
                                      !nonempty(c->session_token)
                                  ? "the answer has no complete roleCredentials"
                              : c->expiration <= 0 ? "the answer's credentials have no expiration"
                                                   : NULL;
        if (problem) {
            rc = AWSC_E_RESPONSE;
            awsc_error_clear(err);
            err->status = AWSC_E_RESPONSE;
            err->message = dup(problem);
        } else {
            out->access_key_id = dup(c->access_key_id);
            out->secret_access_key = dup(c->secret_access_key);
            out->session_token = dup(c->session_token);
            out->account_id = dup(account_id); /* SSO credentials carry their account, for account-based endpoints */
            out->expiration = c->expiration / 1000; /* milliseconds since the epoch */
            if (!out->expiration)
                out->expiration = 1; /* within the epoch's first second: expired, but never "does not expire" */
            if (!out->access_key_id || !out->secret_access_key || !out->session_token || !out->account_id) {
                free(out->access_key_id);
                free(out->account_id);
                if (out->secret_access_key)
                    wipe(out->secret_access_key), free(out->secret_access_key);
                if (out->session_token)
                    wipe(out->session_token), free(out->session_token);
                memset(out, 0, sizeof *out);
                rc = AWSC_E_NOMEM;
                awsc_error_clear(err);
                err->status = AWSC_E_NOMEM;
                err->message = dup("out of memory");
            }
        }
        if (c) {
            wipe(c->secret_access_key);
            wipe(c->session_token);
        }
    }
    awsc_sso_get_role_credentials_response_free(resp);
    awsc_sso_client_free(client);
    return rc;
}

static const awsc_sso_calls calls = {create_token, get_role_credentials};

static int profile_sso(const awsc_role_host *host, const char *profile, awsc_role_credentials *out,
                       awsc_error *err)
{
    return awsc_sso_profile(&calls, host, profile, out, err);
}

static int profile_token(const awsc_role_host *host, const char *profile, char **token, int64_t *expires,
                         awsc_error *err)
{
    return awsc_sso_profile_token(&calls, host, profile, token, expires, err);
}

static const awsc_sso_api api = {profile_sso, profile_token};

const awsc_sso_api *awsc_sso_credentials_api(void)
{
    return &api;
}
