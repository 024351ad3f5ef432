/*
 * Which authentication scheme signs a call. The model lists an operation's
 * schemes in priority order (smithy.api#auth; optionalAuth adds "none"); the
 * client takes the first one it has an identity for: SigV4 and SigV4a
 * (SigV4a only with the signer plugged in) with the credentials chain, bearer
 * auth with a configured token, AWS_BEARER_TOKEN_<NAME>, or the profile's
 * sso_session token. auth_scheme_preference moves the named schemes first,
 * as the AWS SDKs do. So no operation is ever signed with a scheme its model
 * does not list.
 */
#include "core/client_internal.h"
#include "auth/cred_sources.h"
#include "core/log.h"
#include "util/buf.h"
#include "util/error.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Refresh a cached sso_session token this long before it expires, as the SDKs do. */
#define TOKEN_REFRESH_AHEAD_S 300

static const char *scheme_name(unsigned id)
{
    return id == AWSC_AUTH_SIGV4 ? "sigv4" : id == AWSC_AUTH_SIGV4A ? "sigv4a" : "httpBearerAuth";
}

/* "sigv4a, sigv4" -> AWSC_AUTH_LIST(SIGV4A, SIGV4, 0); unknown names are skipped, as the SDKs do. */
static uint8_t parse_preference(const char *text)
{
    unsigned list = 0, n = 0;
    const char *p = text;
    while (p && *p && n < 3) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && *p != ',' && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - start);
        /* The SDKs accept the shape name, with or without its namespace. */
        const char *hash = memchr(start, '#', len);
        if (hash) {
            len -= (size_t)(hash + 1 - start);
            start = hash + 1;
        }
        for (unsigned id = AWSC_AUTH_SIGV4; id <= AWSC_AUTH_BEARER; id++) {
            const char *name = scheme_name(id);
            bool dup = false;
            for (unsigned i = 0; i < n; i++)
                dup |= ((list >> (2 * i)) & 3u) == id;
            if (!dup && strlen(name) == len && strncmp(name, start, len) == 0)
                list |= id << (2 * n++);
        }
    }
    return (uint8_t)list;
}

/* AWS_BEARER_TOKEN_<signing name, upper-cased, other characters as '_'>: "bedrock" -> AWS_BEARER_TOKEN_BEDROCK. */
static void bearer_variable(const char *name, char out[96])
{
    size_t o = snprintf(out, 96, "AWS_BEARER_TOKEN_");
    for (; name && *name && o + 1 < 96; name++)
        out[o++] = isalnum((unsigned char)*name) ? (char)toupper((unsigned char)*name) : '_';
    out[o] = '\0';
}

/* Reached through awsc_service.bearer, which the generator sets only in services with bearer auth. */
struct awsc_bearer_auth {
    int (*setup)(awsc_client *c, const awsc_config *cfg, bool preferred, awsc_error *err);
    int (*token)(awsc_client *c, awsc_call *k, awsc_error *err);
};

/* The client's configured bearer token (a service with bearer auth only: awsc_bearer_auth.setup). */
static int bearer_setup(awsc_client *c, const awsc_config *cfg, bool preferred, awsc_error *err)
{
    const char *token = cfg->bearer_token;
    if (!awsc_nonempty(token)) {
        char var[96];
        bearer_variable(c->svc->signing_name, var);
        token = getenv(var);
    }
    /* A token for a service the model signs with bearer auth; other services never send one. */
    if (awsc_nonempty(token) && !(c->bearer_token = awsc_strdup(token)))
        return awsc_error_nomem(err);
    /* A token given for this client (AWS_BEARER_TOKEN_BEDROCK: an API key) is what the user wants used, as in the SDKs. */
    if (c->bearer_token && !preferred)
        c->auth_preference = AWSC_AUTH_LIST(AWSC_AUTH_BEARER, 0, 0);
    return AWSC_OK;
}

int awsc_auth_setup(awsc_client *c, const awsc_config *cfg, const char *profile, awsc_error *err)
{
    char *owned = NULL;
    const char *pref =
        awsc_setting(cfg->auth_scheme_preference, "AWS_AUTH_SCHEME_PREFERENCE", profile, "auth_scheme_preference", &owned);
    c->auth_preference = parse_preference(pref);
    bool preferred = awsc_nonempty(pref) != NULL;
    free(owned);
    /* Other services never send a token: they neither read nor keep one. */
    return c->svc->bearer ? c->svc->bearer->setup(c, cfg, preferred, err) : AWSC_OK;
}

void awsc_auth_free(awsc_client *c)
{
    awsc_free_cleansed(c->bearer_token);
    awsc_free_cleansed(c->sso_token);
    c->bearer_token = c->sso_token = NULL;
}

/* The operation's list with the preferred schemes moved first, in preference order. */
static unsigned ordered(uint8_t list, uint8_t preference)
{
    unsigned out = 0, n = 0;
    for (unsigned i = 0; i < 4 && (preference >> (2 * i)) & 3u; i++) {
        unsigned want = (preference >> (2 * i)) & 3u;
        for (unsigned j = 0; j < 4; j++)
            if (((list >> (2 * j)) & 3u) == want)
                out |= want << (2 * n++);
    }
    for (unsigned j = 0; j < 4 && (list >> (2 * j)) & 3u; j++) {
        unsigned id = (list >> (2 * j)) & 3u;
        bool taken = false;
        for (unsigned i = 0; i < n; i++)
            taken |= ((out >> (2 * i)) & 3u) == id;
        if (!taken)
            out |= id << (2 * n++);
    }
    return out;
}

/* The profile's sso_session token, cached by the client until close to expiry. 1 when there is none. */
static int sso_token(awsc_client *c, awsc_call *k, awsc_error *err)
{
    int64_t now = c->now(c->hooks_ctx);
    pthread_mutex_lock(&c->lock);
    if (c->sso_token && now < c->sso_token_expires - TOKEN_REFRESH_AHEAD_S)
        k->bearer = awsc_strdup(c->sso_token);
    bool cached = c->sso_token != NULL && k->bearer != NULL;
    pthread_mutex_unlock(&c->lock);
    if (cached)
        return AWSC_OK;
    char *token = NULL;
    int64_t expires = 0;
    int rc = awsc_credentials_provider_token(c->creds, &token, &expires, err);
    if (rc == AWSC_CRED_ABSENT)
        return 1;
    if (rc)
        return rc;
    if (!(k->bearer = awsc_strdup(token))) {
        awsc_free_cleansed(token);
        return awsc_error_nomem(err);
    }
    pthread_mutex_lock(&c->lock);
    awsc_free_cleansed(c->sso_token);
    c->sso_token = token;
    c->sso_token_expires = expires;
    pthread_mutex_unlock(&c->lock);
    return AWSC_OK;
}

/* The call's bearer token: the configured one, else the profile's sso_session token; 1 when there is none. */
static int bearer_token(awsc_client *c, awsc_call *k, awsc_error *err)
{
    if (c->bearer_token)
        return (k->bearer = awsc_strdup(c->bearer_token)) ? AWSC_OK : awsc_error_nomem(err);
    return sso_token(c, k, err);
}

const struct awsc_bearer_auth awsc_bearer_auth = {bearer_setup, bearer_token};

static int credentials(awsc_client *c, awsc_call *k, awsc_error *err)
{
    int rc = awsc_credentials_provider_get_reusing(c->creds, &k->owned_creds, &k->creds_version, err);
    if (rc == AWSC_OK)
        k->creds = (awsc_sigv4_credentials){k->owned_creds.access_key_id, k->owned_creds.secret_access_key,
                                            k->owned_creds.session_token};
    return rc;
}

int awsc_auth_select(awsc_client *c, awsc_call *k, awsc_error *err)
{
    const awsc_operation *op = k->op;
    k->auth = 0;
    if (c->mtls || (op->flags & AWSC_OP_NO_AUTH))
        return AWSC_OK;
    uint8_t model = op->auth ? op->auth : c->svc->auth ? c->svc->auth : AWSC_AUTH_SIGV4;
    unsigned list = ordered(model, c->auth_preference);
    bool optional = op->flags & AWSC_OP_OPTIONAL_AUTH;
    for (unsigned i = 0; i < 4 && (list >> (2 * i)) & 3u; i++) {
        unsigned id = (list >> (2 * i)) & 3u;
        if (id == AWSC_AUTH_SIGV4A && !c->sigv4a)
            continue; /* SigV4a needs its signer; the next scheme, or the error below */
        if (id == AWSC_AUTH_BEARER) {
            int rc = c->svc->bearer ? c->svc->bearer->token(c, k, err) : 1;
            if (rc == 1)
                continue; /* no token configured: the next scheme */
            if (rc == AWSC_OK)
                k->auth = AWSC_AUTH_BEARER;
            return rc;
        }
        int rc = credentials(c, k, err);
        if (rc == AWSC_OK) {
            k->auth = (uint8_t)id;
            return AWSC_OK;
        }
        if (optional && awsc_credentials_provider_found_none(c->creds)) {
            awsc_log(&c->log, AWSC_LOG_DEBUG, "%s: no credentials, sent unsigned (optional auth)", op->name);
            awsc_error_clear(awsc_error_target(err));
            return AWSC_OK;
        }
        return rc;
    }
    if (optional)
        return AWSC_OK;
    awsc_buf names = AWSC_BUF_INIT;
    for (unsigned i = 0; i < 4 && (model >> (2 * i)) & 3u; i++)
        awsc_buf_printf(&names, "%s%s", i ? ", " : "", scheme_name((model >> (2 * i)) & 3u));
    char var[96];
    bearer_variable(c->svc->signing_name, var);
    int rc = awsc_error_set(err, AWSC_E_CONFIG,
                            "%s: no identity for its auth schemes (%s): set awsc_config.bearer_token or %s, or a "
                            "profile with sso_session and awsc_config.sso, or plug in SigV4a (awsc_config.sigv4a)",
                            op->name, names.data ? names.data : "none", var);
    awsc_buf_free(&names);
    return rc;
}

int awsc_auth_bearer_header(awsc_call *k, awsc_error *err)
{
    awsc_buf v = AWSC_BUF_INIT;
    bool oom = awsc_buf_printf(&v, "Bearer %s", k->bearer) || awsc_rest_add_header(&k->req, "Authorization", v.data);
    awsc_buf_free(&v); /* cleansed: it holds the token */
    return oom ? awsc_error_nomem(err) : AWSC_OK;
}
