/*
 * The credentials provider: explicit keys, the AWS IoT credentials provider,
 * or the default chain; with a cache that refreshes ahead of expiration.
 */
#include "auth/credentials.h"

#include "util/arena.h"
#include "auth/cred_sources.h"
#include "util/error.h"
#include "http/http.h"
#include "serde/json/json.h"
#include "util/timefmt.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Refresh this long before credentials expire. */
#define REFRESH_AHEAD_S 300
/* After a failed refresh, while the old credentials still work, wait this long before trying again. */
#define RETRY_AFTER_FAILURE_S 10

/* ---- credentials values ---------------------------------------------------- */

void awsc_cred_wipe(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void awsc_credentials_clear(awsc_credentials *c)
{
    if (!c)
        return;
    free(c->access_key_id);
    awsc_cred_wipe(c->secret_access_key);
    awsc_cred_wipe(c->session_token);
    free(c->account_id);
    memset(c, 0, sizeof *c);
}

/* Sets the account id of credentials just set (a copy of `id`, NULL or empty: none): 0, or -1 out of memory. */
int awsc_cred_set_account(awsc_credentials *c, const char *id)
{
    free(c->account_id);
    c->account_id = NULL;
    return awsc_nonempty(id) && !(c->account_id = awsc_strdup(id)) ? -1 : 0;
}

int awsc_cred_set(awsc_credentials *out, char *access_key_id, char *secret, char *token, int64_t expiration)
{
    memset(out, 0, sizeof *out);
    if (!access_key_id || !secret) {
        free(access_key_id);
        awsc_cred_wipe(secret);
        awsc_cred_wipe(token);
        return -1;
    }
    *out = (awsc_credentials){access_key_id, secret, token, expiration, NULL};
    return 0;
}

/* Copies of the keys (a NULL token: none; a NULL or empty account: none): 0, or -1 with `out` cleared. */
static int set_copies(awsc_credentials *out, const char *id, const char *secret, const char *token,
                      int64_t expiration, const char *account)
{
    memset(out, 0, sizeof *out);
    char *t = NULL;
    if ((token && !(t = awsc_strdup(token))) ||
        awsc_cred_set(out, awsc_strdup(id), awsc_strdup(secret), t, expiration) != 0 ||
        awsc_cred_set_account(out, account) != 0) {
        awsc_credentials_clear(out);
        return -1;
    }
    return 0;
}

int awsc_credentials_copy(awsc_credentials *dst, const awsc_credentials *src)
{
    if (!dst || !src)
        return -1;
    return set_copies(dst, src->access_key_id, src->secret_access_key, src->session_token, src->expiration,
                      src->account_id);
}

/* ---- JSON documents -------------------------------------------------------- */

typedef struct cred_doc {
    int32_t version;
    bool has_version;
    const char *access_key_id, *secret, *token, *expiration, *code, *account_id;
} cred_doc;

typedef struct iot_doc {
    const cred_doc *credentials;
    const char *message;
} iot_doc;

#define STR_MEMBER(wire, field)                                                                          \
    {.name = wire, .wire_name = wire, .offset = offsetof(cred_doc, field), .has_offset = AWSC_NO_OFFSET, \
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING}

/* credential_process's members are the first six, the container endpoints' (ECS, IMDS) the last six. */
static const awsc_member doc_members[] = {
    {.name = "Version", .wire_name = "Version", .offset = offsetof(cred_doc, version),
     .has_offset = offsetof(cred_doc, has_version), .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_INT},
    STR_MEMBER("SessionToken", token),
    STR_MEMBER("AccessKeyId", access_key_id),
    STR_MEMBER("SecretAccessKey", secret),
    STR_MEMBER("Expiration", expiration),
    STR_MEMBER("AccountId", account_id),
    STR_MEMBER("Token", token),
    STR_MEMBER("Code", code),
};
static const awsc_member iot_inner_members[] = {
    STR_MEMBER("accessKeyId", access_key_id),
    STR_MEMBER("secretAccessKey", secret),
    STR_MEMBER("sessionToken", token),
    STR_MEMBER("expiration", expiration),
};
static const awsc_shape process_shape = {.name = "ProcessCredentials", .type = AWSC_T_STRUCT, .size = sizeof(cred_doc),
    .members = doc_members, .member_count = 6};
static const awsc_shape container_shape = {.name = "ContainerCredentials", .type = AWSC_T_STRUCT, .size = sizeof(cred_doc),
    .members = doc_members + 2, .member_count = 6};
static const awsc_shape iot_inner_shape = {.name = "IotCredentials", .type = AWSC_T_STRUCT, .size = sizeof(cred_doc),
    .members = iot_inner_members, .member_count = 4};
static const awsc_member iot_members[] = {
    {.name = "credentials", .wire_name = "credentials", .offset = offsetof(iot_doc, credentials),
     .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT,
     .shape = &iot_inner_shape},
};
static const awsc_shape iot_shape = {.name = "IotCredentialsResponse", .type = AWSC_T_STRUCT, .size = sizeof(iot_doc),
    .members = iot_members, .member_count = 1};

static void wipe_doc(cred_doc *d)
{
    /* The strings live in the arena, which does not clear what it frees. */
    if (d->secret)
        OPENSSL_cleanse((char *)d->secret, strlen(d->secret));
    if (d->token)
        OPENSSL_cleanse((char *)d->token, strlen(d->token));
}

int awsc_cred_parse_json(awsc_cred_json kind, const char *text, size_t len, const char *source,
                         awsc_credentials *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    awsc_arena *arena = awsc_arena_create();
    if (!arena)
        return awsc_error_nomem(err);
    cred_doc doc = {0};
    iot_doc iot = {0};
    const cred_doc *d = &doc;
    awsc_error jerr = AWSC_ERROR_INIT;
    int rc;
    if (kind == AWSC_CRED_JSON_IOT) {
        rc = awsc_json_read(&iot_shape, &iot, text, len, arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &jerr);
        d = iot.credentials ? iot.credentials : &doc;
    } else {
        rc = awsc_json_read(kind == AWSC_CRED_JSON_PROCESS ? &process_shape : &container_shape, &doc, text, len,
                            arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &jerr);
    }
    awsc_timestamp exp = {0, 0};
    const char *missing = NULL;
    if (rc == AWSC_E_NOMEM) {
        rc = awsc_error_nomem(err);
    } else if (rc) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: the credentials are not valid JSON (%s)", source,
                            jerr.message);
    } else if (kind == AWSC_CRED_JSON_IOT && !iot.credentials) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: the answer has no \"credentials\" object", source);
    } else if (kind == AWSC_CRED_JSON_PROCESS && (!doc.has_version || doc.version != 1)) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: \"Version\" must be 1", source);
    } else if (kind == AWSC_CRED_JSON_CONTAINER && d->code && strcmp(d->code, "Success") != 0) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: the answer's Code is not Success", source);
    } else if (!awsc_nonempty(d->access_key_id) || !awsc_nonempty(d->secret)) {
        missing = !awsc_nonempty(d->access_key_id) ? "access key id" : "secret access key";
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: the answer has no %s", source, missing);
    } else if (d->expiration && awsc_time_parse_date_time(d->expiration, strlen(d->expiration), &exp) != 0) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: the expiration is not an RFC 3339 date-time", source);
    } else if (kind != AWSC_CRED_JSON_PROCESS && !d->expiration) {
        /* Temporary credentials from a service always expire; none means a broken answer. */
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "%s: the answer has no expiration", source);
    } else {
        /* 0 means "does not expire": a date at the epoch itself is kept as already expired. */
        if (set_copies(out, d->access_key_id, d->secret, awsc_nonempty(d->token),
                       d->expiration ? (exp.seconds ? exp.seconds : 1) : 0, d->account_id) != 0)
            rc = awsc_error_nomem(err);
    }
    awsc_error_clear(&jerr);
    wipe_doc(&doc);
    if (iot.credentials)
        wipe_doc((cred_doc *)iot.credentials);
    awsc_arena_destroy(arena);
    return rc;
}

typedef struct error_doc {
    const char *message;
} error_doc;

static const awsc_member error_members[] = {
    {.name = "message", .wire_name = "message", .offset = offsetof(error_doc, message),
     .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape error_shape = {.name = "ErrorResponse", .type = AWSC_T_STRUCT, .size = sizeof(error_doc),
    .members = error_members, .member_count = 1};

char *awsc_cred_error_message(const char *text, size_t len)
{
    awsc_arena *arena = awsc_arena_create();
    error_doc doc = {0};
    char *out = NULL;
    if (arena && awsc_json_read(&error_shape, &doc, text, len, arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, NULL) == 0 &&
        awsc_nonempty(doc.message) && (out = malloc(201))) {
        size_t n = 0;
        for (const char *c = doc.message; *c && n < 200; c++)
            out[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? ' ' : *c;
        out[n] = '\0';
    }
    awsc_arena_destroy(arena);
    return out;
}

/* ---- environment and shared files ------------------------------------------ */

int awsc_cred_env(awsc_credentials *out, awsc_buf *why, awsc_error *err)
{
    const char *id = awsc_nonempty(getenv("AWS_ACCESS_KEY_ID"));
    const char *secret = awsc_nonempty(getenv("AWS_SECRET_ACCESS_KEY"));
    if (!id || !secret) {
        awsc_buf_puts(why, id || secret ? "environment (only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set)"
                                        : "environment (not set)");
        return AWSC_CRED_ABSENT;
    }
    return set_copies(out, id, secret, awsc_nonempty(getenv("AWS_SESSION_TOKEN")), 0, getenv("AWS_ACCOUNT_ID"))
               ? awsc_error_nomem(err)
               : AWSC_OK;
}

/* Keys of a profile in one file: AWSC_OK, AWSC_CRED_ABSENT, or an error. */
static int profile_keys(const awsc_profile_file *f, const char *profile, awsc_credentials *out, awsc_error *err)
{
    const char *id = awsc_nonempty(awsc_profile_get(f, profile, "aws_access_key_id"));
    const char *secret = awsc_nonempty(awsc_profile_get(f, profile, "aws_secret_access_key"));
    if (!id && !secret)
        return AWSC_CRED_ABSENT;
    if (!id || !secret)
        return awsc_error_set(err, AWSC_E_CONFIG, "profile %s in %s has %s but not %s", profile, f->path,
                              id ? "aws_access_key_id" : "aws_secret_access_key",
                              id ? "aws_secret_access_key" : "aws_access_key_id");
    return set_copies(out, id, secret, awsc_nonempty(awsc_profile_get(f, profile, "aws_session_token")), 0,
                      awsc_profile_get(f, profile, "aws_account_id"))
               ? awsc_error_nomem(err)
               : AWSC_OK;
}

typedef struct profile_files {
    awsc_profile_file creds, config;
    const awsc_credentials_options *o;
    const awsc_cred_sts *s; /* the plug-ins, for a source_profile that signs in with SSO */
} profile_files;

/* `key` of `profile`, the credentials file winning; *where gets the file's path. */
static const char *profile_get(const profile_files *pf, const char *profile, const char *key, const char **where)
{
    const awsc_profile_file *f = awsc_profile_get(&pf->creds, profile, key) ? &pf->creds : &pf->config;
    if (where)
        *where = f->path;
    return awsc_nonempty(awsc_profile_get(f, profile, key));
}

static int no_sts(const char *what, awsc_error *err)
{
    return awsc_error_set(err, AWSC_E_CONFIG,
                          "%s needs AWS STS, which this program does not have: link libawsc-sts-credentials and set "
                          "awsc_config.sts = awsc_sts_credentials_api()",
                          what);
}

static int no_sso(const char *profile, awsc_error *err)
{
    return awsc_error_set(err, AWSC_E_CONFIG,
                          "profile %s signs in with IAM Identity Center (SSO), which this program does not have: "
                          "link libawsc-sso-credentials and set awsc_config.sso = awsc_sso_credentials_api()",
                          profile);
}

static bool is_sso_profile(const profile_files *pf, const char *profile)
{
    return profile_get(pf, profile, "sso_session", NULL) || profile_get(pf, profile, "sso_start_url", NULL);
}

static int call_sso(const awsc_cred_sts *s, profile_files *pf, const char *profile, awsc_credentials *out,
                    awsc_error *err);

/*
 * A profile's own credentials, in the AWS CLI's order: SSO, keys in the
 * credentials file, credential_process, keys in the config file.
 */
static int own_credentials(const profile_files *pf, const char *profile, awsc_credentials *out, awsc_error *err)
{
    if (pf->s && is_sso_profile(pf, profile))
        return pf->s->sso ? call_sso(pf->s, (profile_files *)pf, profile, out, err) : no_sso(profile, err);
    int rc = profile_keys(&pf->creds, profile, out, err);
    if (rc != AWSC_CRED_ABSENT)
        return rc;
    const char *process = profile_get(pf, profile, "credential_process", NULL);
    if (process) {
        rc = awsc_cred_process(process, pf->o->process_timeout_ms, out, err);
        if (rc) {
            char *msg = awsc_strdup(awsc_error_target(err)->message);
            rc = awsc_error_set(err, (awsc_status)rc, "profile %s: %s", profile, msg ? msg : "out of memory");
            free(msg);
        }
        return rc;
    }
    return profile_keys(&pf->config, profile, out, err);
}

/* ---- what the STS plug-in borrows (awsc_role_host) ---- */

static const char *host_value(void *ctx, const char *profile, const char *key)
{
    return profile_get(ctx, profile, key, NULL);
}

static bool host_exists(void *ctx, const char *profile)
{
    const profile_files *pf = ctx;
    return awsc_profile_has(&pf->creds, profile) || awsc_profile_has(&pf->config, profile);
}

/* Hands credentials over (the same strings, now the plug-in's). */
static int to_role(int rc, awsc_credentials *c, awsc_role_credentials *out)
{
    *out = rc == AWSC_OK ? (awsc_role_credentials){c->access_key_id, c->secret_access_key, c->session_token,
                                                   c->expiration, c->account_id}
                         : (awsc_role_credentials){0};
    return rc;
}

static int host_credentials(void *ctx, const char *profile, awsc_role_credentials *out, awsc_error *err)
{
    awsc_credentials c;
    return to_role(own_credentials(ctx, profile, &c, err), &c, out);
}

static int host_source(void *ctx, const char *name, awsc_role_credentials *out, awsc_error *err)
{
    const profile_files *pf = ctx;
    awsc_credentials c;
    awsc_buf ignored = AWSC_BUF_INIT;
    int rc = strcmp(name, "Environment") == 0           ? awsc_cred_env(&c, &ignored, err)
             : strcmp(name, "Ec2InstanceMetadata") == 0 ? awsc_cred_imds(pf->o, &c, &ignored, err)
             : strcmp(name, "EcsContainer") == 0        ? awsc_cred_ecs(pf->o, &c, &ignored, err)
                                                        : awsc_error_set(err, AWSC_E_CONFIG,
                                                                         "credential_source must be Environment, "
                                                                         "Ec2InstanceMetadata or EcsContainer, not '%s'",
                                                                         name);
    awsc_buf_free(&ignored);
    return to_role(rc, &c, out);
}

typedef enum plugin_call { CALL_WEB_IDENTITY, CALL_ROLE, CALL_SSO } plugin_call;

/* Asks a plug-in for web identity, a profile's role or a profile's SSO role, and takes its answer. */
static int call_plugin(const awsc_cred_sts *s, profile_files *pf, plugin_call what, const char *profile,
                       awsc_credentials *out, awsc_error *err)
{
    const awsc_role_host host = {pf, s->config, s->now, host_value, host_exists, host_credentials, host_source};
    const char *name = what == CALL_SSO ? "SSO" : "STS";
    awsc_role_credentials r = {0};
    /* The plug-in gets an error object of its own: its status, message, code and HTTP status carry over. */
    awsc_error e = AWSC_ERROR_INIT;
    int rc = what == CALL_SSO    ? s->sso->profile_sso(&host, profile, &r, &e)
             : what == CALL_ROLE ? s->sts->profile_role(&host, profile, &r, &e)
                                 : s->sts->web_identity_env(&host, &r, &e);
    if (rc) {
        rc = awsc_error_set(err, rc > 0 && rc <= AWSC_E_INTERNAL ? (awsc_status)rc : AWSC_E_INTERNAL, "%s",
                            e.message ? e.message : what == CALL_SSO ? "the SSO plug-in failed"
                                                                     : "the STS plug-in failed");
        awsc_error *t = awsc_error_target(err);
        t->http_status = e.http_status;
        t->code = awsc_strdup(e.code);
        t->request_id = awsc_strdup(e.request_id);
        free(r.access_key_id);
        awsc_cred_wipe(r.secret_access_key);
        awsc_cred_wipe(r.session_token);
        free(r.account_id);
    } else if (awsc_cred_set(out, r.access_key_id, r.secret_access_key, r.session_token, r.expiration)) {
        free(r.account_id);
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "the %s plug-in returned no credentials", name);
    } else {
        out->account_id = r.account_id; /* taken over */
    }
    awsc_error_clear(&e);
    return rc;
}

static int call_sts(const awsc_cred_sts *s, profile_files *pf, const char *profile, awsc_credentials *out,
                    awsc_error *err)
{
    return call_plugin(s, pf, profile ? CALL_ROLE : CALL_WEB_IDENTITY, profile, out, err);
}

static int call_sso(const awsc_cred_sts *s, profile_files *pf, const char *profile, awsc_credentials *out,
                    awsc_error *err)
{
    return call_plugin(s, pf, CALL_SSO, profile, out, err);
}

int awsc_cred_web_identity_env(const awsc_cred_sts *s, const awsc_credentials_options *o, awsc_credentials *out,
                               awsc_buf *why, awsc_error *err)
{
    if (!awsc_nonempty(getenv("AWS_WEB_IDENTITY_TOKEN_FILE")) && !awsc_nonempty(getenv("AWS_ROLE_ARN"))) {
        awsc_buf_puts(why, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)");
        return AWSC_CRED_ABSENT;
    }
    /* Never on to other sources: the environment asked for a role. */
    if (!s->sts)
        return no_sts("web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)", err);
    profile_files none = {.o = o}; /* no profile values: the plug-in reads the environment */
    return call_sts(s, &none, NULL, out, err);
}

int awsc_cred_profile(const char *profile, bool named, const awsc_credentials_options *o, const awsc_cred_sts *s,
                      awsc_credentials *out, awsc_buf *why, awsc_error *err)
{
    profile_files pf = {.o = o, .s = s};
    int rc = awsc_profile_load(&pf.creds, false, err);
    if (rc == AWSC_OK)
        rc = awsc_profile_load(&pf.config, true, err);
    if (rc)
        goto done;
    if (!host_exists(&pf, profile)) {
        rc = AWSC_CRED_ABSENT;
        if (named)
            rc = awsc_error_set(err, AWSC_E_CONFIG, "profile %s is in neither %s nor %s", profile, pf.creds.path,
                                pf.config.path);
        else
            awsc_buf_printf(why, "profile %s (%s %s or %s)", profile,
                            !pf.creds.present && !pf.config.present ? "no file" : "not in", pf.creds.path,
                            pf.config.path);
        goto done;
    }
    /*
     * A role (role_arn) first, as the SDKs do: static keys beside it are its
     * source's. Then SSO: without the plug-in it is reported, not skipped (the
     * profile's keys would be another identity).
     */
    static const char *const special[] = {"role_arn", "web_identity_token_file", "sso_session", "sso_start_url"};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        const char *where;
        if (!profile_get(&pf, profile, special[i], &where))
            continue;
        if (i == 0 && s->sts) {
            rc = call_sts(s, &pf, profile, out, err);
        } else if (i == 0) {
            char what[160];
            snprintf(what, sizeof what, "profile %s (role_arn)", profile);
            rc = no_sts(what, err);
        } else if (i == 1) {
            rc = awsc_error_set(err, AWSC_E_CONFIG, "profile %s in %s has %s without role_arn", profile, where,
                                special[i]);
        } else {
            rc = s->sso ? call_sso(s, &pf, profile, out, err) : no_sso(profile, err);
        }
        goto done;
    }
    rc = own_credentials(&pf, profile, out, err);
    if (rc == AWSC_CRED_ABSENT)
        awsc_buf_printf(why, "profile %s (no credentials in it)", profile);
done:
    awsc_profile_free(&pf.creds);
    awsc_profile_free(&pf.config);
    return rc;
}

/* ---- the provider ---------------------------------------------------------- */

typedef enum provider_kind { KIND_STATIC, KIND_IOT, KIND_CHAIN } provider_kind;

struct awsc_credentials_provider {
    provider_kind kind;
    awsc_credentials fixed;      /* KIND_STATIC */
    awsc_cred_iot_config iot;    /* KIND_IOT: strings owned */
    char *profile;               /* KIND_CHAIN: NULL means AWS_PROFILE at each refresh */
    awsc_credentials_options opts;
    int64_t (*now)(void *ctx);
    void *now_ctx;
    /* KIND_CHAIN: STS for the role sources, SSO, and the configuration their clients get (strings owned) */
    const awsc_sts_api *sts;
    const awsc_sso_api *sso;
    awsc_config sts_config;

    pthread_mutex_t lock;        /* guards everything below */
    pthread_cond_t refreshed;
    awsc_credentials cached;
    unsigned long cached_version; /* changes whenever `cached` is replaced (0: never filled) */
    bool have;
    bool refreshing;
    unsigned long generation;    /* refreshes finished */
    int64_t retry_after;
    int last_status;             /* of the last refresh, for threads that waited for it */
    bool last_found_none;        /* the last refresh found no source configured at all */
    char *last_message;
};

static int64_t real_now(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static int set_string(char **dst, const char *src)
{
    *dst = NULL;
    return src && !(*dst = awsc_strdup(src)) ? -1 : 0;
}

static bool safe_name(const char *s, const char *extra)
{
    if (!s || !*s || strlen(s) > 128)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(extra, *s)))
            return false;
    return true;
}

void awsc_credentials_provider_free(awsc_credentials_provider *p)
{
    if (!p)
        return;
    awsc_credentials_clear(&p->fixed);
    awsc_credentials_clear(&p->cached);
    free((char *)p->iot.endpoint);
    free((char *)p->iot.role_alias);
    free((char *)p->iot.thing_name);
    free((char *)p->iot.cert_file);
    free((char *)p->iot.key_file);
    free((char *)p->iot.ca_file);
    free((char *)p->iot.ca_path);
    free((char *)p->opts.ecs_base_url);
    free((char *)p->sts_config.region);
    free((char *)p->sts_config.ca_file);
    free((char *)p->sts_config.ca_path);
    free((char *)p->sts_config.retry_mode);
    free(p->profile);
    free(p->last_message);
    pthread_cond_destroy(&p->refreshed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static int sts_config_init(awsc_credentials_provider *p, const awsc_config *cfg);

awsc_credentials_provider *awsc_credentials_provider_new(const awsc_config *cfg, awsc_error *err)
{
    return awsc_credentials_provider_new_with(cfg, NULL, err);
}

awsc_credentials_provider *awsc_credentials_provider_new_with(const awsc_config *cfg,
                                                              const awsc_credentials_options *opts,
                                                              awsc_error *err)
{
    /* What a NULL configuration means, on the stack: a zero object in the program would be 368 bytes of rodata. */
    const awsc_config none = AWSC_CONFIG_INIT;
    if (!cfg)
        cfg = &none;
    if (awsc_http_global_init() != 0) {
        awsc_error_set(err, AWSC_E_TRANSPORT, "libcurl failed to initialise");
        return NULL;
    }
    awsc_credentials_provider *p = calloc(1, sizeof *p);
    if (!p) {
        awsc_error_nomem(err);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->refreshed, NULL);
    p->now = cfg->now ? cfg->now : real_now;
    p->now_ctx = cfg->hooks_ctx;
    if (opts)
        p->opts = *opts;
    int nomem = set_string((char **)&p->opts.ecs_base_url, opts ? opts->ecs_base_url : NULL);

    const char *id = awsc_nonempty(cfg->access_key_id), *secret = awsc_nonempty(cfg->secret_access_key);
    const char *iot_endpoint = awsc_nonempty(cfg->iot_credentials_endpoint);
    const char *alias = awsc_nonempty(cfg->iot_role_alias);
    const char *problem = NULL;
    if (id || secret) {
        p->kind = KIND_STATIC;
        if (!id || !secret)
            problem = "credentials need both access_key_id and secret_access_key";
        else if (awsc_credentials_copy(&p->fixed, &(awsc_credentials){(char *)id, (char *)secret,
                                                                        (char *)awsc_nonempty(cfg->session_token), 0,
                                                                        (char *)awsc_nonempty(cfg->account_id)}))
            nomem = -1;
    } else if (iot_endpoint || alias) {
        p->kind = KIND_IOT;
        if (!iot_endpoint || !alias)
            problem = "the IoT credentials provider needs both iot_credentials_endpoint and iot_role_alias";
        else if (!awsc_nonempty(cfg->tls_cert_file) || !awsc_nonempty(cfg->tls_key_file))
            problem = "the IoT credentials provider needs tls_cert_file and tls_key_file (the device's certificate)";
        else if (!safe_name(alias, "_=,@-"))
            problem = "iot_role_alias may hold only letters, digits and _=,@- (at most 128)";
        else if (awsc_nonempty(cfg->iot_thing_name) && !safe_name(cfg->iot_thing_name, ":_-"))
            problem = "iot_thing_name may hold only letters, digits and :_- (at most 128)";
        nomem |= set_string((char **)&p->iot.endpoint, iot_endpoint);
        nomem |= set_string((char **)&p->iot.role_alias, alias);
        nomem |= set_string((char **)&p->iot.thing_name, awsc_nonempty(cfg->iot_thing_name));
        nomem |= set_string((char **)&p->iot.cert_file, awsc_nonempty(cfg->tls_cert_file));
        nomem |= set_string((char **)&p->iot.key_file, awsc_nonempty(cfg->tls_key_file));
        nomem |= set_string((char **)&p->iot.ca_file, awsc_nonempty(cfg->ca_file));
        nomem |= set_string((char **)&p->iot.ca_path, awsc_nonempty(cfg->ca_path));
    } else {
        p->kind = KIND_CHAIN;
        nomem |= set_string(&p->profile, awsc_nonempty(cfg->profile));
        nomem |= sts_config_init(p, cfg);
    }
    if (problem || nomem) {
        awsc_credentials_provider_free(p);
        if (problem)
            awsc_error_set(err, AWSC_E_CONFIG, "%s", problem);
        else
            awsc_error_nomem(err);
        return NULL;
    }
    awsc_error_ok(err);
    return p;
}

/*
 * What an STS client made for the role sources takes from the calling client's
 * configuration: where and how to connect, never its credentials, endpoint or
 * profile (STS has its own endpoint, and the credentials are the ones being made).
 */
static int sts_config_init(awsc_credentials_provider *p, const awsc_config *cfg)
{
    p->sts = cfg->sts;
    p->sso = cfg->sso;
    awsc_config *s = &p->sts_config;
    s->connect_timeout_ms = cfg->connect_timeout_ms;
    s->request_timeout_ms = cfg->request_timeout_ms;
    s->max_response_bytes = cfg->max_response_bytes;
    s->max_attempts = cfg->max_attempts;
    s->now = cfg->now;
    s->sleep_ms = cfg->sleep_ms;
    s->random01 = cfg->random01;
    s->hooks_ctx = cfg->hooks_ctx;
    s->use_fips = cfg->use_fips;
    s->use_dual_stack = cfg->use_dual_stack;
    s->log_level = cfg->log_level;
    s->log_fn = cfg->log_fn;
    s->log_user = cfg->log_user;
    s->mfa_code = cfg->mfa_code;
    s->mfa_user = cfg->mfa_user;
    if (!cfg->sts && !cfg->sso)
        return 0;
    /* The region now, as the client resolves it; NULL leaves the choice to the STS provider. */
    char *region = awsc_resolve_region(cfg);
    s->region = region;
    return set_string((char **)&s->ca_file, awsc_nonempty(cfg->ca_file)) |
           set_string((char **)&s->ca_path, awsc_nonempty(cfg->ca_path)) |
           set_string((char **)&s->retry_mode, awsc_nonempty(cfg->retry_mode));
}

/* The default chain. *cache is cleared for the environment, which is read again at every call. */
static int run_chain(awsc_credentials_provider *p, awsc_credentials *out, bool *cache, bool *none, awsc_error *err)
{
    awsc_buf why = AWSC_BUF_INIT;
    awsc_buf_puts(&why, AWSC_NO_CREDENTIALS);
    /*
     * A profile named in code (awsc_config.profile, the CLI's --profile) takes the
     * environment's keys out of the chain, as the AWS CLI and botocore do: the
     * user asked for that profile's identity. AWS_PROFILE does not.
     */
    int rc = AWSC_CRED_ABSENT;
    if (p->profile)
        awsc_buf_puts(&why, "environment (skipped: a profile was named explicitly)");
    else
        rc = awsc_cred_env(out, &why, err);
    if (rc == AWSC_OK)
        *cache = false;
    const awsc_cred_sts sts = {p->sts, p->sso, &p->sts_config, p->now(p->now_ctx)};
    /* The SDKs' order: web identity from the environment right after the environment's keys. */
    if (rc == AWSC_CRED_ABSENT) {
        awsc_buf_puts(&why, ", ");
        rc = awsc_cred_web_identity_env(&sts, &p->opts, out, &why, err);
    }
    if (rc == AWSC_CRED_ABSENT) {
        awsc_buf_puts(&why, ", ");
        bool named;
        const char *profile = awsc_profile_name(p->profile, &named);
        rc = awsc_cred_profile(profile, named, &p->opts, &sts, out, &why, err);
    }
    if (rc == AWSC_CRED_ABSENT) {
        awsc_buf_puts(&why, ", ");
        rc = awsc_cred_ecs(&p->opts, out, &why, err);
    }
    if (rc == AWSC_CRED_ABSENT) {
        awsc_buf_puts(&why, ", ");
        rc = awsc_cred_imds(&p->opts, out, &why, err);
    }
    *none = rc == AWSC_CRED_ABSENT;
    if (rc == AWSC_CRED_ABSENT) {
        rc = why.data ? awsc_error_set(err, AWSC_E_CONFIG, "%s", why.data)
                      : awsc_error_nomem(err);
    } else if (rc != AWSC_OK && rc != AWSC_E_NOMEM && why.data) {
        /* "no credentials: tried environment (not set), <what failed>" */
        awsc_error *e = awsc_error_target(err);
        long http_status = e->http_status;
        char *msg = awsc_strdup(e->message), *code = e->code;
        e->code = NULL; /* kept: an STS error code such as AccessDenied */
        awsc_error_set(err, (awsc_status)rc, "%s%s", why.data, msg ? msg : "failed");
        e->http_status = http_status;
        e->code = code;
        free(msg);
    }
    awsc_buf_free(&why);
    return rc;
}

static int fetch(awsc_credentials_provider *p, awsc_credentials *out, bool *cache, bool *none, awsc_error *err)
{
    switch (p->kind) {
    case KIND_STATIC:
        return awsc_credentials_copy(out, &p->fixed) ? awsc_error_nomem(err) : AWSC_OK;
    case KIND_IOT:
        return awsc_cred_iot(&p->iot, &p->opts, out, err);
    case KIND_CHAIN:
        return run_chain(p, out, cache, none, err);
    }
    return awsc_error_set(err, AWSC_E_INTERNAL, "unknown credentials provider");
}

/* The cached credentials into `out`; no copy when `out` already holds this version of them. */
static int copy_out(awsc_credentials_provider *p, awsc_credentials *out, unsigned long *version, awsc_error *err)
{
    if (version && *version == p->cached_version && out->access_key_id) {
        awsc_error_ok(err);
        return AWSC_OK;
    }
    awsc_credentials_clear(out);
    if (version)
        *version = 0;
    if (awsc_credentials_copy(out, &p->cached) != 0)
        return awsc_error_nomem(err);
    if (version)
        *version = p->cached_version;
    awsc_error_ok(err);
    return AWSC_OK;
}

static int provider_get(awsc_credentials_provider *p, awsc_credentials *out, unsigned long *version, awsc_error *err);

int awsc_credentials_provider_get(awsc_credentials_provider *p, awsc_credentials *out, awsc_error *err)
{
    if (!out)
        return awsc_error_set(err, AWSC_E_CONFIG, "awsc_credentials_provider_get: out must not be NULL");
    memset(out, 0, sizeof *out);
    return provider_get(p, out, NULL, err);
}

int awsc_credentials_provider_get_reusing(awsc_credentials_provider *p, awsc_credentials *out,
                                          unsigned long *version, awsc_error *err)
{
    if (!out || !version)
        return awsc_error_set(err, AWSC_E_CONFIG, "awsc_credentials_provider_get_reusing: out and version must not be NULL");
    int rc = provider_get(p, out, version, err);
    if (rc != AWSC_OK) { /* nothing stale is left for a later call to mistake for current */
        awsc_credentials_clear(out);
        *version = 0;
    }
    return rc;
}

static int provider_get(awsc_credentials_provider *p, awsc_credentials *out, unsigned long *version, awsc_error *err)
{
    if (!p)
        return awsc_error_set(err, AWSC_E_CONFIG, "awsc_credentials_provider_get: no provider");
    pthread_mutex_lock(&p->lock);
    int rc;
    for (;;) {
        int64_t now = p->now(p->now_ctx);
        int64_t exp = p->cached.expiration;
        bool valid = p->have && (exp == 0 || exp > now);
        if (p->have && (exp == 0 || exp - now > REFRESH_AHEAD_S)) {
            rc = copy_out(p, out, version, err);
            goto unlock;
        }
        /* Still-valid credentials serve the others while one thread refreshes them. */
        if (valid && (p->refreshing || now < p->retry_after)) {
            rc = copy_out(p, out, version, err);
            goto unlock;
        }
        if (!p->refreshing)
            break;
        unsigned long gen = p->generation;
        while (p->refreshing)
            pthread_cond_wait(&p->refreshed, &p->lock);
        /* The refresh we waited for failed: report its error rather than start another one. */
        if (p->generation != gen && p->last_status != AWSC_OK &&
            !(p->have && (p->cached.expiration == 0 || p->cached.expiration > p->now(p->now_ctx)))) {
            rc = awsc_error_set(err, (awsc_status)p->last_status, "%s",
                                p->last_message ? p->last_message : "refreshing credentials failed");
            goto unlock;
        }
    }
    p->refreshing = true;
    pthread_mutex_unlock(&p->lock);

    awsc_credentials fresh = {0};
    bool cache = true, none = false;
    rc = fetch(p, &fresh, &cache, &none, err);

    pthread_mutex_lock(&p->lock);
    p->refreshing = false;
    p->generation++;
    free(p->last_message);
    p->last_message = NULL;
    p->last_status = rc;
    p->last_found_none = rc != AWSC_OK && none;
    int64_t now = p->now(p->now_ctx);
    if (rc == AWSC_OK) {
        if (cache) {
            awsc_credentials_clear(&p->cached);
            p->cached = fresh;
            p->cached_version++;
            p->have = true;
            rc = copy_out(p, out, version, err);
        } else { /* not cached (the environment): handed over as fetched */
            awsc_credentials_clear(out);
            if (version)
                *version = 0;
            *out = fresh;
        }
    } else {
        p->last_message = awsc_strdup(awsc_error_target(err)->message);
        if (p->have && (p->cached.expiration == 0 || p->cached.expiration > now)) {
            /* Keep working on the old credentials; try again a little later. */
            p->retry_after = now + RETRY_AFTER_FAILURE_S;
            rc = copy_out(p, out, version, err);
        }
    }
    pthread_cond_broadcast(&p->refreshed);
unlock:
    pthread_mutex_unlock(&p->lock);
    return rc;
}

unsigned long awsc_credentials_provider_refreshes(awsc_credentials_provider *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&p->lock);
    unsigned long n = p->generation;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* ---- bearer tokens (smithy.api#httpBearerAuth) ---- */

int awsc_credentials_provider_token(awsc_credentials_provider *p, char **token, int64_t *expires, awsc_error *err)
{
    *token = NULL;
    *expires = 0;
    if (!p || p->kind != KIND_CHAIN || !p->sso || !p->sso->profile_token)
        return AWSC_CRED_ABSENT;
    const awsc_cred_sts s = {p->sts, p->sso, &p->sts_config, p->now(p->now_ctx)};
    profile_files pf = {.o = &p->opts, .s = &s};
    bool named;
    const char *profile = awsc_profile_name(p->profile, &named);
    int rc = awsc_profile_load(&pf.creds, false, err);
    if (rc == AWSC_OK)
        rc = awsc_profile_load(&pf.config, true, err);
    if (rc == AWSC_OK && !profile_get(&pf, profile, "sso_session", NULL))
        rc = AWSC_CRED_ABSENT;
    if (rc == AWSC_OK) {
        const awsc_role_host host = {&pf, s.config, s.now, host_value, host_exists, host_credentials, host_source};
        awsc_error e = AWSC_ERROR_INIT;
        rc = p->sso->profile_token(&host, profile, token, expires, &e);
        if (rc) {
            rc = awsc_error_set(err, rc > 0 && rc <= AWSC_E_INTERNAL ? (awsc_status)rc : AWSC_E_INTERNAL, "%s",
                                e.message ? e.message : "the SSO plug-in failed");
            awsc_cred_wipe(*token);
            *token = NULL;
        } else if (!*token || !**token) {
            awsc_cred_wipe(*token);
            *token = NULL;
            rc = awsc_error_set(err, AWSC_E_RESPONSE, "the SSO plug-in returned no token");
        }
        awsc_error_clear(&e);
    }
    awsc_profile_free(&pf.creds);
    awsc_profile_free(&pf.config);
    return rc;
}

bool awsc_credentials_provider_found_none(awsc_credentials_provider *p)
{
    if (!p)
        return false;
    pthread_mutex_lock(&p->lock);
    bool none = p->last_status != AWSC_OK && p->last_found_none;
    pthread_mutex_unlock(&p->lock);
    return none;
}
