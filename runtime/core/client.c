/*
 * The client: configuration, credentials, endpoint, and one operation call
 * as data flowing through validate -> serialize -> sign -> send -> parse.
 */
#include "core/client_internal.h"
#include "core/checksum.h"
#include "core/compression.h"
#include "core/events.h"

#include "util/arena.h"
#include "awsc/endpoints.h"
#include "awsc/schema.h"
#include "core/retry.h"
#include "util/timefmt.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "auth/credentials.h"
#include "crypto/crypto.h"
#include "util/error.h"
#include "http/http.h"
#include "core/log.h"
#include "serde/rest.h"
#include "auth/sigv4.h"
#include "util/uuid.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <time.h>

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* AWS_USE_FIPS_ENDPOINT=true and the like. */
static bool env_true(const char *name)
{
    const char *v = getenv(name);
    return v && strcasecmp(v, "true") == 0;
}

/* Splits an endpoint URL into its normalised form and its authority. */
static int parse_endpoint(const char *url, char **endpoint, char **host, awsc_error *err)
{
    const char *sep = strstr(url, "://");
    if (!sep || (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0))
        return awsc_error_set(err, AWSC_E_CONFIG, "endpoint URL '%s' must start with https:// or http://", url);
    const char *auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    if (alen == 0)
        return awsc_error_set(err, AWSC_E_CONFIG, "endpoint URL '%s' has no host", url);
    if (auth[alen] == '?' || auth[alen] == '#' || strpbrk(url, " \r\n\t@"))
        return awsc_error_set(err, AWSC_E_CONFIG, "endpoint URL '%s' must be scheme://host[:port][/path]", url);
    size_t len = strlen(url);
    while (len > (size_t)(auth - url) + alen && url[len - 1] == '/')
        len--;
    *endpoint = malloc(len + 1);
    *host = malloc(alen + 1);
    if (!*endpoint || !*host)
        return awsc_error_nomem(err);
    memcpy(*endpoint, url, len);
    (*endpoint)[len] = '\0';
    memcpy(*host, auth, alen);
    (*host)[alen] = '\0';
    return AWSC_OK;
}

/* The sdkId as the configured-endpoint settings name it: spaces to '_', upper or lower case. */
static void service_key(const char *sdk_id, bool upper, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = sdk_id ? sdk_id : ""; *p && n + 1 < cap; p++)
        out[n++] = *p == ' ' ? '_' : (char)(upper ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
    out[n] = '\0';
}

/* `key = value` among a property's indented sub-properties ("\nendpoint_url = ..."), new string or NULL. */
static char *sub_property(const char *value, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = value; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *eq = memchr(line, '=', len);
        if (eq) {
            const char *k = line, *ke = eq;
            while (k < ke && (*k == ' ' || *k == '\t'))
                k++;
            while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
                ke--;
            if ((size_t)(ke - k) == klen && strncasecmp(k, key, klen) == 0) {
                const char *v = eq + 1, *ve = line + len;
                while (v < ve && (*v == ' ' || *v == '\t'))
                    v++;
                while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
                    ve--;
                char *out = malloc((size_t)(ve - v) + 1);
                if (out) {
                    memcpy(out, v, (size_t)(ve - v));
                    out[ve - v] = '\0';
                }
                return out;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/*
 * A configured endpoint, in the AWS SDKs' order: the code's (and the CLI's
 * --endpoint-url) first; then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the
 * profile's ignore_configured_endpoint_urls is true, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's `services` section's <service> endpoint_url,
 * the profile's endpoint_url. NULL: the endpoint rules decide. *owned is what to free.
 */
static const char *configured_endpoint(const awsc_service *svc, const awsc_config *cfg, const char *profile,
                                       char **owned, char source[160])
{
    *owned = NULL;
    snprintf(source, 160, "awsc_config.endpoint_url");
    if (awsc_nonempty(cfg->endpoint_url))
        return cfg->endpoint_url;
    const char *ignore = awsc_nonempty(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
    char *ignore_profile = ignore ? NULL : awsc_profile_value(profile, "ignore_configured_endpoint_urls");
    bool ignored = (ignore ? ignore : ignore_profile) && strcasecmp(ignore ? ignore : ignore_profile, "true") == 0;
    free(ignore_profile);
    if (ignored)
        return NULL;
    char key[128], env[160];
    service_key(svc->sdk_id, true, key, sizeof key);
    snprintf(env, sizeof env, "AWS_ENDPOINT_URL_%s", key);
    const char *v = awsc_nonempty(getenv(env));
    if (v) {
        snprintf(source, 160, "%s", env);
        return v;
    }
    if ((v = awsc_nonempty(getenv("AWS_ENDPOINT_URL")))) {
        snprintf(source, 160, "AWS_ENDPOINT_URL");
        return v;
    }
    char *section = awsc_profile_value(profile, "services");
    if (awsc_nonempty(section)) {
        char name[300];
        snprintf(name, sizeof name, "services %s", section);
        service_key(svc->sdk_id, false, key, sizeof key);
        char *entry = awsc_profile_value(name, key);
        *owned = entry ? sub_property(entry, "endpoint_url") : NULL;
        free(entry);
    }
    free(section);
    if (awsc_nonempty(*owned)) {
        snprintf(source, 160, "the profile's services section");
        return *owned;
    }
    free(*owned);
    *owned = awsc_profile_value(profile, "endpoint_url");
    snprintf(source, 160, "the profile's endpoint_url");
    if (awsc_nonempty(*owned))
        return *owned;
    free(*owned);
    *owned = NULL;
    return NULL;
}

/* ---- the user agent, in the AWS SDKs' 2.1 format ---- */

/* Appends `s` with every character outside the header token set replaced by '_'. */
static int ua_token(awsc_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool ok = isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
        if (awsc_buf_putc(b, ok ? (char)ch : '_'))
            return -1;
    }
    return 0;
}

/*
 * "aws-sdk-c/<version> ua/2.1 os/<family>#<release> lang/c#<standard> md/http#curl
 * md/arch#<machine> api/<service>#<api version>": fixed for the client; the
 * metrics (m/...) and the application (app/...) follow per call.
 */
static int build_user_agent(awsc_client *c, const awsc_service *svc, const char *app_id)
{
    struct utsname u;
    bool have_uname = uname(&u) == 0;
    awsc_buf b = AWSC_BUF_INIT;
    char service[128];
    size_t n = 0;
    for (const char *p = svc->sdk_id ? svc->sdk_id : svc->cli_name; p && *p && n + 1 < sizeof service; p++)
        service[n++] = *p == ' ' ? '-' : (char)tolower((unsigned char)*p);
    service[n] = '\0';
    const char *family = !have_uname                              ? "other"
                         : strcasecmp(u.sysname, "Linux") == 0  ? "linux"
                         : strcasecmp(u.sysname, "Darwin") == 0 ? "macos"
                                                                : "other";
    int rc = awsc_buf_puts(&b, "aws-sdk-c/" AWSC_VERSION " ua/2.1 os/") || awsc_buf_puts(&b, family);
    if (!rc && have_uname)
        rc = awsc_buf_putc(&b, '#') || ua_token(&b, u.release);
    rc = rc || awsc_buf_printf(&b, " lang/c#%ld md/http#curl", (long)(__STDC_VERSION__ / 100 % 100));
    if (!rc && have_uname)
        rc = awsc_buf_puts(&b, " md/arch#") || ua_token(&b, u.machine);
    rc = rc || awsc_buf_puts(&b, " api/") || ua_token(&b, service);
    if (!rc && svc->api_version)
        rc = awsc_buf_putc(&b, '#') || ua_token(&b, svc->api_version);
    awsc_buf app = AWSC_BUF_INIT;
    rc = rc || awsc_buf_puts(&app, "");
    if (!rc && app_id)
        rc = awsc_buf_puts(&app, " app/") || ua_token(&app, app_id);
    if (rc) {
        awsc_buf_free(&b);
        awsc_buf_free(&app);
        return -1;
    }
    c->user_agent_len = b.len;
    c->user_agent_app_len = app.len;
    c->user_agent = awsc_buf_take(&b);
    c->user_agent_app = awsc_buf_take(&app);
    return 0;
}

/*
 * The call's feature metrics, as the SDKs' short codes: E/F retry mode, C a
 * paginator's page, N a configured endpoint, P/Q/R the account id endpoint mode,
 * T an account id in the credentials, O an account endpoint, Z/a and b/c the
 * checksum settings, U..Y the request checksum sent.
 */
static void ua_metrics(const awsc_call *k, char *out, size_t cap)
{
    const awsc_client *c = k->c;
    char m[32];
    size_t n = 0;
    m[n++] = c->adaptive ? 'F' : 'E';
    if (k->paginated)
        m[n++] = 'C';
    if (c->endpoint_configured)
        m[n++] = 'N';
    if (c->account_mode[0]) { /* account-based endpoints: the mode, the account used, an account endpoint */
        m[n++] = c->account_mode[0] == 'p' ? 'P' : c->account_mode[0] == 'd' ? 'Q' : 'R';
        if (awsc_nonempty(k->owned_creds.account_id))
            m[n++] = 'T';
        if (k->account_ep && k->account_ep->account_id)
            m[n++] = 'O';
    }
    static const struct { const char *suffix; char code; } algorithms[] = {
        {"crc32", 'U'}, {"crc32c", 'V'}, {"crc64nvme", 'W'}, {"sha1", 'X'}, {"sha256", 'Y'}};
    for (size_t i = 0; i < k->req.header_count; i++) {
        const awsc_header *h = &k->req.headers[i];
        const char *alg = NULL;
        if ((h->name[0] | 0x20) != 'x') /* most headers, ruled out without a compare call */
            continue;
        if (awsc_starts_nocase(h->name, "x-amz-checksum-"))
            alg = h->name + 15;
        else if (awsc_eq_nocase(h->name, "x-amz-trailer") && awsc_starts_nocase(h->value, "x-amz-checksum-"))
            alg = h->value + 15;
        for (size_t a = 0; alg && a < sizeof algorithms / sizeof *algorithms; a++)
            if (awsc_eq_nocase(alg, algorithms[a].suffix) && !memchr(m, algorithms[a].code, n))
                m[n++] = algorithms[a].code;
    }
    if (c->has_checksums) {
        m[n++] = c->request_checksum_calculation ? 'a' : 'Z';
        m[n++] = c->response_checksum_validation ? 'c' : 'b';
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        if (i)
            out[o++] = ',';
        out[o++] = m[i];
    }
    out[o] = '\0';
}

/* A string setting: code, else the environment, else the profile; *owned is what to free. */
const char *awsc_setting(const char *code, const char *env, const char *profile, const char *key, char **owned)
{
    *owned = NULL;
    if (awsc_nonempty(code))
        return code;
    if (awsc_nonempty(getenv(env)))
        return getenv(env);
    *owned = awsc_profile_value(profile, key);
    if (awsc_nonempty(*owned))
        return *owned;
    free(*owned);
    *owned = NULL;
    return NULL;
}

/* As awsc_setting, but a profile's empty value is returned (and refused by the caller's check) rather than skipped. */
static const char *setting_as_given(const char *code, const char *env, const char *profile, const char *key,
                                    char **owned)
{
    *owned = NULL;
    const char *v = awsc_nonempty(code) ? code : awsc_nonempty(getenv(env));
    return v ? v : (*owned = awsc_profile_value(profile, key));
}

/* A true/false setting: the environment when it is set, else the profile. */
static bool bool_setting(const char *env, const char *profile, const char *key)
{
    if (awsc_nonempty(getenv(env)))
        return env_true(env);
    char *v = awsc_profile_value(profile, key);
    bool on = v && strcasecmp(v, "true") == 0;
    free(v);
    return on;
}

static int default_endpoint(const awsc_service *svc, const char *region, char **out)
{
    /* The standard AWS partition rules; the full rule set comes with the endpoints work. */
    const char *suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    awsc_buf b = AWSC_BUF_INIT;
    if (awsc_buf_printf(&b, "https://%s.%s.%s", svc->endpoint_prefix, region, suffix) != 0) {
        awsc_buf_free(&b);
        return -1;
    }
    *out = awsc_buf_take(&b);
    return 0;
}

static bool valid_region(const char *r)
{
    if (!*r || strlen(r) > 63)
        return false;
    for (; *r; r++)
        if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '-'))
            return false;
    return true;
}

static int64_t real_now(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static void real_sleep(void *ctx, long ms)
{
    (void)ctx;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double real_random01(void *ctx)
{
    (void)ctx;
    uint32_t r;
    if (awsc_random_bytes(&r, sizeof r) != 0)
        return 0.5;
    return (double)r / 4294967296.0;
}

static void scratch_free(awsc_call_scratch *s)
{
    awsc_rest_request_free(&s->req);
    awsc_buf_free(&s->url);
    awsc_buf_free(&s->path);
    awsc_buf_free(&s->host);
    awsc_http_response_free(&s->resp);
    awsc_credentials_clear(&s->creds);
    free(s);
}

/* Spare scratch kept per client: enough for the threads and async calls of a busy client. */
#define MAX_SPARE_SCRATCH 32
/* A buffer that grew past this for one big call is freed rather than kept. */
#define MAX_KEPT_BUFFER ((size_t)64 * 1024)

static awsc_call_scratch *scratch_take(awsc_client *c)
{
    pthread_mutex_lock(&c->spare_lock);
    awsc_call_scratch *s = c->spare;
    if (s) {
        c->spare = s->next;
        c->spare_count--;
    }
    pthread_mutex_unlock(&c->spare_lock);
    return s ? s : calloc(1, sizeof *s);
}

static void trim_buf(awsc_buf *b)
{
    if (b->cap > MAX_KEPT_BUFFER)
        awsc_buf_free(b);
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void scratch_give(awsc_client *c, awsc_call_scratch *s)
{
    awsc_rest_request_reset(&s->req);
    trim_buf(&s->req.body);
    trim_buf(&s->url);
    trim_buf(&s->path);
    trim_buf(&s->host);
    awsc_http_response_reset(&s->resp);
    trim_buf(&s->resp.body);
    trim_buf(&s->resp.header_text);
    pthread_mutex_lock(&c->spare_lock);
    bool keep = c->spare_count < MAX_SPARE_SCRATCH;
    if (keep) {
        s->next = c->spare;
        c->spare = s;
        c->spare_count++;
    }
    pthread_mutex_unlock(&c->spare_lock);
    if (!keep)
        scratch_free(s);
}

void awsc_client_free(awsc_client *c)
{
    if (!c)
        return;
    if (c->async_free)
        c->async_free(c);
    while (c->spare) {
        awsc_call_scratch *n = c->spare->next;
        scratch_free(c->spare);
        c->spare = n;
    }
    pthread_mutex_destroy(&c->spare_lock);
    awsc_http_free(c->http);
    awsc_sigv4_key_cache_destroy(&c->key_cache);
    awsc_retry_bucket_destroy(&c->bucket);
    pthread_mutex_destroy(&c->lock);
    free(c->region);
    awsc_endpoint_free(&c->ep);
    free(c->endpoint_url);
    free(c->region_set);
    free(c->endpoint);
    free(c->host);
    free(c->user_agent);
    free(c->user_agent_app);
    while (c->accounts) {
        awsc_account_endpoint *n = c->accounts->next;
        free(c->accounts->account_id);
        free(c->accounts->endpoint);
        free(c->accounts->host);
        awsc_endpoint_free(&c->accounts->ep);
        free(c->accounts);
        c->accounts = n;
    }
    awsc_credentials_provider_free(c->creds);
    awsc_auth_free(c);
    free(c);
}

/* An environment variable's true/false, else `dflt` (-1: unset). */
static int env_bool(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v && !strcasecmp(v, "true") ? 1 : v && !strcasecmp(v, "false") ? 0 : dflt;
}

/* The built-ins the client passes every resolution (names the rule set does not declare are ignored). */
static void client_endpoint_params(awsc_client *c, const awsc_config *cfg)
{
    /* packed: no table of pointers */
    static const char names[] = "AWS::UseFIPS\0AWS::UseDualStack\0AWS::S3::ForcePathStyle\0AWS::S3::Accelerate\0"
                                "AWS::S3::UseGlobalEndpoint\0AWS::S3::DisableMultiRegionAccessPoints\0"
                                "AWS::S3::UseArnRegion\0AWS::S3Control::UseArnRegion\0";
    /* UseArnRegion stays unset unless asked for: the rules tell unset from false. */
    int arn_region = cfg->s3_use_arn_region ? 1 : env_bool("AWS_S3_USE_ARN_REGION", -1);
    bool values[] = {c->use_fips, c->use_dual_stack, cfg->s3_force_path_style,
                     cfg->s3_use_accelerate, cfg->s3_use_global_endpoint,
                     cfg->s3_disable_multi_region_access_points ||
                         env_bool("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", 0) == 1,
                     arn_region == 1, arn_region == 1};
    awsc_endpoint_param *p = c->ep_params;
    size_t n = 0;
    p[n++] = (awsc_endpoint_param)AWSC_EP_PARAM_STRING("AWS::Region", c->region);
    p[n++] = (awsc_endpoint_param)AWSC_EP_PARAM_STRING("SDK::Endpoint", c->endpoint_url);
    const char *name = names;
    for (size_t i = 0; i < sizeof values / sizeof values[0] - (arn_region < 0 ? 2 : 0); i++, name += strlen(name) + 1)
        p[n++] = (awsc_endpoint_param){name, AWSC_EP_BOOLEAN, values[i], NULL, NULL, 0};
    /* Resolved per account at the call (account_endpoint); the client's own endpoint is the account-less one. */
    if (c->account_mode[0])
        p[n++] = (awsc_endpoint_param)AWSC_EP_PARAM_STRING("AWS::Auth::AccountIdEndpointMode",
                                                           c->per_account ? "disabled" : c->account_mode);
    c->ep_param_count = n;
    c->cfg_ep_params = cfg->endpoint_params;
    c->cfg_ep_param_count = cfg->endpoint_params ? cfg->endpoint_param_count : 0;
}

/* SigV4a's region set: the configuration, AWS_SIGV4A_SIGNING_REGION_SET, the profile; else NULL (the endpoint's). */
static int sigv4a_region_set(awsc_client *c, const awsc_config *cfg, const char *profile)
{
    const char *v = awsc_nonempty(cfg->sigv4a_signing_region_set)
                        ? cfg->sigv4a_signing_region_set
                        : awsc_nonempty(getenv("AWS_SIGV4A_SIGNING_REGION_SET"));
    if (v)
        return (c->region_set = awsc_strdup(v)) ? 0 : -1;
    c->region_set = awsc_profile_value(profile, "sigv4a_signing_region_set");
    return 0;
}

/*
 * The first authSchemes entry the client can sign with: sigv4, or sigv4a with
 * the SigV4a signer plugged in. None usable is an error that names the
 * scheme; no authSchemes at all means SigV4 with the service's defaults.
 */
static int choose_signing(awsc_client *c, const awsc_endpoint *ep, const awsc_operation *op, awsc_signing *s,
                          awsc_error *err)
{
    bool s3 = strcmp(c->svc->signing_name, "s3") == 0;
    *s = (awsc_signing){c->svc->signing_name, c->region, NULL, !s3, !s3, false};
    const char *missing = NULL;
    for (size_t i = 0; ep && i < ep->auth_scheme_count; i++) {
        const awsc_endpoint_auth *a = &ep->auth_schemes[i];
        const char *name = a->name ? a->name : "(unnamed)";
        bool v4a = strcmp(name, "sigv4a") == 0;
        if (strcmp(name, "sigv4") != 0 && !(v4a && c->sigv4a)) {
            missing = missing ? missing : name;
            continue;
        }
        s->name = a->signing_name ? a->signing_name : s->name;
        s->region = a->signing_region ? a->signing_region : s->region;
        /* The entry can only turn these off: S3's rules say disableDoubleEncoding but not
         * disableNormalizePath, and S3 still signs its path as sent ("a//b" is not "a/b"). */
        s->normalize_path = s->normalize_path && !a->disable_normalize_path;
        s->double_encode_path = s->double_encode_path && !a->disable_double_encoding;
        if (v4a)
            s->region_set = c->region_set ? c->region_set : a->signing_region_set ? a->signing_region_set : s->region;
        missing = NULL;
        break;
    }
    if (missing) {
        bool v4a = strcmp(missing, "sigv4a") == 0, express = strcmp(missing, "sigv4-s3express") == 0;
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: the endpoint's auth scheme %s is not supported%s",
                              op ? op->name : c->svc->sdk_id, missing,
                              v4a       ? ": link libawsc-sigv4a and set awsc_config.sigv4a = awsc_sigv4a_signer()"
                              : express ? " yet (S3 Express One Zone session auth): set the endpoint parameter "
                                          "DisableS3ExpressSessionAuth to sign with SigV4"
                                        : "");
    }
    /* The service's, whatever the endpoint signs as (S3 on Outposts signs as s3-outposts and still sends it). */
    s->content_sha256 = s3 || strcmp(c->svc->signing_name, "glacier") == 0;
    return AWSC_OK;
}

static int client_new(const awsc_service *svc, const awsc_config *cfg, awsc_client **out, awsc_error *err);

int awsc_client_new(const awsc_service *svc, const awsc_config *cfg, awsc_client **out, awsc_error *err)
{
    awsc_profile_scope_begin(); /* one read of the shared files for every setting below */
    int rc = client_new(svc, cfg, out, err);
    awsc_profile_scope_end();
    return rc;
}

static int client_new(const awsc_service *svc, const awsc_config *cfg, awsc_client **out, awsc_error *err)
{
    if (!out || !svc)
        return awsc_error_set(err, AWSC_E_CONFIG, "awsc_client_new: service and out must not be NULL");
    *out = NULL;
    /* What a NULL configuration means, on the stack: a zero object in the program would be 368 bytes of rodata. */
    const awsc_config none = AWSC_CONFIG_INIT;
    if (!cfg)
        cfg = &none;
    if (awsc_http_global_init() != 0)
        return awsc_error_set(err, AWSC_E_TRANSPORT, "libcurl failed to initialise");
    awsc_client *c = calloc(1, sizeof *c);
    if (!c)
        return awsc_error_nomem(err);
    /* Every failure below leaves through `fail`, which frees what the client holds and these two: one
     * exit instead of a cleanup at each (the client's constructor is code every program links). */
    int rc = AWSC_OK;
    char *owned = NULL, *endpoint_owned = NULL;
    c->svc = svc;
    awsc_sigv4_key_cache_init(&c->key_cache);
    awsc_retry_bucket_init(&c->bucket);
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->spare_lock, NULL);
    c->now = cfg->now ? cfg->now : real_now;
    c->sleep_ms = cfg->sleep_ms ? cfg->sleep_ms : real_sleep;
    c->random01 = cfg->random01 ? cfg->random01 : real_random01;
    c->hooks_ctx = cfg->hooks_ctx;
    c->log = (awsc_logger){cfg->log_level, cfg->log_fn, cfg->log_user};
    c->max_connections = cfg->max_connections > 0 ? cfg->max_connections : 32;

    c->retry = awsc_retry_policy_for(svc->sdk_id);
    /* explicit -> environment -> the profile, for both retry settings */
    const char *profile = awsc_nonempty(cfg->profile) ? cfg->profile : awsc_nonempty(getenv("AWS_PROFILE"));
    c->max_attempts = cfg->max_attempts;
    if (c->max_attempts <= 0) {
        const char *text = setting_as_given(NULL, "AWS_MAX_ATTEMPTS", profile, "max_attempts", &owned);
        char *end = NULL;
        long n = text ? strtol(text, &end, 10) : 0;
        if (text && (*end || n < 1 || n > 100)) {
            rc = awsc_error_set(err, AWSC_E_CONFIG, "max_attempts must be a number from 1 to 100, not '%s'", text);
            goto fail;
        }
        free(owned);
        owned = NULL;
        c->max_attempts = n ? (int)n : c->retry.default_attempts;
    }
    const char *mode = setting_as_given(cfg->retry_mode, "AWS_RETRY_MODE", profile, "retry_mode", &owned);
    if (mode && !awsc_one_of(mode, "standard\0adaptive\0legacy\0")) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "retry_mode must be standard or adaptive, not '%s'", mode);
        goto fail;
    }
    /* "legacy" is accepted as the SDKs do and behaves as standard. */
    c->adaptive = mode && strcmp(mode, "adaptive") == 0;
    free(owned);
    owned = NULL;
    awsc_rate_limiter_init(&c->limiter, monotonic_seconds());
    /* sdk_ua_app_id: the application's name in the user agent */
    const char *app_id = awsc_setting(cfg->app_id, "AWS_SDK_UA_APP_ID", profile, "sdk_ua_app_id", &owned);
    if (app_id && strlen(app_id) > 50) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "sdk_ua_app_id is at most 50 characters, not %zu ('%.60s...')",
                            strlen(app_id), app_id);
        goto fail;
    }
    if (build_user_agent(c, svc, app_id))
        goto nomem;
    free(owned);
    owned = NULL;
    /*
     * The checksum and compression settings, read only for a service whose
     * operations have them (their engines read them, once each).
     */
    const awsc_checksum_engine *checksums = NULL;
    const awsc_compression_engine *compression = NULL;
    for (uint32_t i = 0; i < svc->operation_count; i++) {
        checksums = checksums ? checksums : svc->operations[i].checksum ? svc->operations[i].checksum->engine : NULL;
        compression = compression ? compression : svc->operations[i].compression;
    }
    c->has_checksums = checksums != NULL;
    awsc_lent_profile lent = {profile, awsc_profile_value};
    rc = checksums ? checksums->configure(c, cfg, &lent, err) : AWSC_OK;
    if (!rc && compression)
        rc = compression->configure(c, cfg, &lent, err);
    if (rc)
        goto fail;

    /* explicit -> AWS_REGION -> AWS_DEFAULT_REGION -> the profile's region */
    c->region = awsc_resolve_region(cfg);
    if (!c->region) {
        rc = awsc_error_set(err, AWSC_E_CONFIG,
                            "no region: set awsc_config.region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region");
        goto fail;
    }
    if (!valid_region(c->region)) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "invalid region '%s'", c->region);
        goto fail;
    }

    /* The service's endpoint rules turn region, FIPS, dual-stack and any endpoint_url into the endpoint. */
    char endpoint_source[160];
    const char *endpoint_url = configured_endpoint(svc, cfg, profile, &endpoint_owned, endpoint_source);
    c->endpoint_configured = endpoint_url != NULL;
    if (endpoint_url)
        awsc_log(&c->log, AWSC_LOG_DEBUG, "%s client: endpoint %s from %s", svc->sdk_id, endpoint_url,
                 endpoint_source);
    c->use_fips = cfg->use_fips || bool_setting("AWS_USE_FIPS_ENDPOINT", profile, "use_fips_endpoint");
    c->use_dual_stack = cfg->use_dual_stack || bool_setting("AWS_USE_DUALSTACK_ENDPOINT", profile, "use_dualstack_endpoint");
    /* account_id_endpoint_mode, for rules that take an account id (DynamoDB) */
    bool takes_account = false, takes_mode = false;
    for (uint32_t i = 0; svc->endpoint_rules && i < svc->endpoint_rules->param_count; i++) {
        const char *b = svc->endpoint_rules->params[i].built_in;
        takes_account |= b && strcmp(b, "AWS::Auth::AccountId") == 0;
        takes_mode |= b && strcmp(b, "AWS::Auth::AccountIdEndpointMode") == 0;
    }
    if (takes_account || takes_mode) {
        mode = awsc_setting(cfg->account_id_endpoint_mode, "AWS_ACCOUNT_ID_ENDPOINT_MODE", profile,
                            "account_id_endpoint_mode", &owned);
        if (!mode)
            mode = "preferred";
        if (!awsc_one_of(mode, "preferred\0disabled\0required\0")) {
            rc = awsc_error_set(err, AWSC_E_CONFIG,
                                "account_id_endpoint_mode must be preferred, disabled or required, not '%s'", mode);
            goto fail;
        }
        snprintf(c->account_mode, sizeof c->account_mode, "%s", mode);
        /* Once credentials are known, each call's account picks the endpoint; here, the one without. */
        c->per_account = takes_account && !endpoint_url && !cfg->use_mtls && strcmp(mode, "disabled") != 0;
        free(owned);
        owned = NULL;
    }
    c->sigv4a = cfg->sigv4a;
    if (sigv4a_region_set(c, cfg, profile) != 0 || awsc_auth_setup(c, cfg, profile, err) != 0 ||
        (endpoint_url && !(c->endpoint_url = awsc_strdup(endpoint_url))))
        goto nomem;
    /* authSchemes may sign for another region or name than the service's own (STS, Route 53, S3). */
    const awsc_endpoint *ep = NULL;
    if (svc->endpoint_rules) {
        client_endpoint_params(c, cfg);
        rc = awsc_endpoint_resolve(svc->endpoint_rules, c->ep_params, c->ep_param_count, &c->ep, err);
        ep = &c->ep;
        endpoint_url = c->ep.url;
    } else if (!endpoint_url) {
        if (default_endpoint(svc, c->region, &owned) != 0)
            goto nomem;
        endpoint_url = owned;
    }
    /* Without rules the signing is chosen first, as a failure to sign is the one to report. */
    if (!rc && !svc->endpoint_rules)
        rc = choose_signing(c, NULL, NULL, &c->signing, err);
    if (!rc)
        rc = parse_endpoint(endpoint_url, &c->endpoint, &c->host, err);
    if (!rc && svc->endpoint_rules)
        rc = choose_signing(c, ep, NULL, &c->signing, err);
    if (rc)
        goto fail;

    /* Credentials are looked up lazily (at the first call); the provider only takes the configuration here. */
    if (!cfg->use_mtls && !(c->creds = awsc_credentials_provider_new(cfg, err))) {
        rc = awsc_error_target(err)->status;
        rc = rc ? rc : AWSC_E_CONFIG;
        goto fail;
    }

    awsc_http_options ho = {
        .ca_file = cfg->ca_file,
        .ca_path = cfg->ca_path,
        .connect_timeout_ms = cfg->connect_timeout_ms,
        .request_timeout_ms = cfg->request_timeout_ms,
        .max_response_bytes = cfg->max_response_bytes,
        .cert_file = cfg->use_mtls ? cfg->tls_cert_file : NULL,
        .key_file = cfg->use_mtls ? cfg->tls_key_file : NULL,
    };
    if (cfg->use_mtls && (!awsc_nonempty(cfg->tls_cert_file) || !awsc_nonempty(cfg->tls_key_file))) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "use_mtls needs tls_cert_file and tls_key_file");
        goto fail;
    }
    c->mtls = cfg->use_mtls;
    if (!(c->http = awsc_http_new(&ho)))
        goto nomem;
    free(owned);
    free(endpoint_owned);
    awsc_log(&c->log, AWSC_LOG_DEBUG, "%s client: endpoint %s%s, region %s, up to %d attempts per call", svc->sdk_id,
             c->endpoint, c->per_account ? " (or the account's, once credentials are known)" : "", c->region,
             c->max_attempts);
    *out = c;
    awsc_error_ok(err);
    return AWSC_OK;
nomem:
    rc = awsc_error_nomem(err);
fail:
    free(owned);
    free(endpoint_owned);
    awsc_client_free(c);
    return rc;
}

/*
 * The endpoint rules inputs of a call: the client's, the configuration's
 * extra ones, and for account-based endpoints the credentials' account with
 * the configured mode (the client's own inputs say "disabled"). One more slot
 * than these for the caller; *count is what was filled.
 */
static awsc_endpoint_param *call_params(const awsc_client *c, const char *account, size_t extra, size_t *count)
{
    size_t n = c->ep_param_count + c->cfg_ep_param_count + 1 + extra;
    awsc_endpoint_param *params = malloc(n * sizeof *params);
    if (!params)
        return NULL;
    memcpy(params, c->ep_params, c->ep_param_count * sizeof *params);
    size_t used = c->ep_param_count;
    if (c->cfg_ep_param_count)
        memcpy(params + used, c->cfg_ep_params, c->cfg_ep_param_count * sizeof *params);
    used += c->cfg_ep_param_count;
    if (c->per_account) {
        for (size_t i = 0; i < c->ep_param_count; i++)
            if (strcmp(params[i].name, "AWS::Auth::AccountIdEndpointMode") == 0)
                params[i].string = c->account_mode;
        if (account)
            params[used++] = (awsc_endpoint_param)AWSC_EP_PARAM_STRING("AWS::Auth::AccountId", account);
    }
    *count = used;
    return params;
}

/* The endpoint for the call's account (account-based endpoints), resolved once per account. */
static int account_endpoint(awsc_client *c, awsc_call *k, awsc_error *err)
{
    const char *account = awsc_nonempty(k->owned_creds.account_id);
    pthread_mutex_lock(&c->lock);
    const awsc_account_endpoint *found = NULL;
    for (const awsc_account_endpoint *e = c->accounts; e && !found; e = e->next)
        if (account ? e->account_id && strcmp(e->account_id, account) == 0 : !e->account_id)
            found = e;
    pthread_mutex_unlock(&c->lock);
    if (!found) {
        size_t used;
        awsc_endpoint_param *params = call_params(c, account, 0, &used);
        awsc_account_endpoint *e = params ? calloc(1, sizeof *e) : NULL;
        int rc = e ? awsc_endpoint_resolve(c->svc->endpoint_rules, params, used, &e->ep, err) : awsc_error_nomem(err);
        free(params);
        if (rc == AWSC_OK)
            rc = parse_endpoint(e->ep.url, &e->endpoint, &e->host, err);
        if (rc == AWSC_OK && account && !(e->account_id = awsc_strdup(account)))
            rc = awsc_error_nomem(err);
        if (rc) {
            if (e) {
                free(e->account_id);
                free(e->endpoint);
                free(e->host);
                awsc_endpoint_free(&e->ep);
                free(e);
            }
            return rc;
        }
        awsc_log(&c->log, AWSC_LOG_DEBUG, "%s client: endpoint %s for account %s", c->svc->sdk_id, e->endpoint,
                 account ? account : "(none in the credentials)");
        pthread_mutex_lock(&c->lock);
        e->next = c->accounts; /* a twin listed meanwhile by another thread is harmless */
        c->accounts = e;
        pthread_mutex_unlock(&c->lock);
        found = e;
    }
    k->account_ep = found;
    k->endpoint = found->endpoint;
    k->endpoint_host = found->host;
    return choose_signing(c, &found->ep, k->op, &k->signing, err);
}

static bool needs_token(const awsc_operation *op, const void *input)
{
    if (!op->input || !input)
        return false;
    for (uint32_t i = 0; i < op->input->member_count; i++) {
        const awsc_member *m = &op->input->members[i];
        if (m->flags & AWSC_F_IDEMPOTENCY_TOKEN)
            return *(const char *const *)((const unsigned char *)input + m->offset) == NULL;
    }
    return false;
}

/* ---- one call ------------------------------------------------------------ */



/* Back to the bound headers; the dropped strings stay in the request's arena until the call ends. */
static void drop_attempt_headers(awsc_call *k)
{
    k->req.header_count = k->bound_headers;
}

static int push_string(awsc_ep_strings *s, const char *x)
{
    if (!x)
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        const char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

/*
 * Walks `path` (NULL-terminated) from the structure at `base`: structure
 * members descend, a list member projects over its items, a string ends the
 * path; where the path ends at a structure, each of `select`'s paths is walked
 * from it. With `keys`, a map member at the end gives its keys.
 */
static int walk_path(const awsc_member *const *path, const awsc_member *const *select, bool keys,
                     const unsigned char *base, awsc_ep_strings *out)
{
    const awsc_member *m = *path;
    if (!m) {
        for (const awsc_member *const *alt = select; alt && *alt; alt++) {
            if (walk_path(alt, NULL, false, base, out) != 0)
                return -1;
            while (*alt)
                alt++;
        }
        return 0;
    }
    const unsigned char *slot = base + m->offset;
    switch (m->type) {
    case AWSC_T_STRING:
        return path[1] ? 0 : push_string(out, *(const char *const *)slot);
    case AWSC_T_ENUM:
        return path[1] || m->raw_offset == AWSC_NO_OFFSET ? 0
                                                          : push_string(out, *(const char *const *)(base + m->raw_offset));
    case AWSC_T_STRUCT: {
        const unsigned char *obj = (m->flags & AWSC_F_INLINE) ? slot : *(const unsigned char *const *)slot;
        return obj ? walk_path(path + 1, select, keys, obj, out) : 0;
    }
    case AWSC_T_LIST: {
        const struct {
            const unsigned char *items;
            size_t count;
        } *list = (const void *)slot;
        const awsc_member *elem = &m->shape->members[0];
        for (size_t i = 0; list->items && i < list->count; i++) {
            const unsigned char *item = list->items + i * m->shape->size;
            int rc = elem->type == AWSC_T_STRUCT ? walk_path(path + 1, select, keys, item, out)
                     : elem->type == AWSC_T_STRING && !path[1] ? push_string(out, *(const char *const *)item)
                                                                : 0;
            if (rc)
                return rc;
        }
        return 0;
    }
    case AWSC_T_MAP: {
        const struct {
            const unsigned char *entries;
            size_t count;
        } *map = (const void *)slot;
        const awsc_member *key = &m->shape->members[0];
        for (size_t i = 0; keys && !path[1] && map->entries && i < map->count; i++)
            if (push_string(out, *(const char *const *)(map->entries + i * m->shape->size + key->offset)))
                return -1;
        return 0;
    }
    default:
        return 0;
    }
}

int awsc_endpoint_binding_value(const awsc_endpoint_binding *b, const void *input, awsc_endpoint_param *p,
                                awsc_ep_strings *found)
{
    *p = (awsc_endpoint_param){b->name, b->type, b->boolean, b->string, NULL, 0};
    const unsigned char *base = input;
    if (!b->member && !b->path)
        return 1;
    if (!base)
        return 0;
    if (b->path) {
        if (walk_path(b->path, b->select, b->keys, base, found) != 0)
            return -1;
        if (b->type == AWSC_EP_STRING_ARRAY) {
            p->strings = found->v;
            p->count = found->n;
            return 1;
        }
        p->string = found->n ? found->v[0] : NULL;
        return found->n != 0;
    }
    const awsc_member *m = b->member;
    if (b->type == AWSC_EP_BOOLEAN) {
        if (m->type != AWSC_T_BOOL || (m->has_offset != AWSC_NO_OFFSET && !*(const bool *)(base + m->has_offset)))
            return 0;
        p->boolean = *(const bool *)(base + m->offset);
        return 1;
    }
    uint16_t at = m->type == AWSC_T_ENUM ? m->raw_offset : m->offset;
    if ((m->type != AWSC_T_STRING && m->type != AWSC_T_ENUM) || at == AWSC_NO_OFFSET)
        return 0;
    p->string = *(const char *const *)(base + at);
    return p->string != NULL;
}

/*
 * An operation with endpoint rules inputs of its own (S3's Bucket): its
 * endpoint and signing, resolved from the client's inputs and the call's.
 */
static int resolve_call_endpoint(awsc_client *c, awsc_call *k, const void *input, const char *account,
                                 awsc_error *err)
{
    const awsc_operation *op = k->op;
    size_t used = 0;
    awsc_endpoint_param *params = call_params(c, account, op->endpoint_param_count, &used);
    awsc_ep_strings *found = calloc(op->endpoint_param_count, sizeof *found);
    int rc = params && found ? AWSC_OK : awsc_error_nomem(err);
    for (uint32_t i = 0; rc == AWSC_OK && i < op->endpoint_param_count; i++) {
        int set = awsc_endpoint_binding_value(&op->endpoint_params[i], input, &params[used], &found[i]);
        if (set < 0)
            rc = awsc_error_nomem(err);
        used += set > 0;
    }
    if (rc == AWSC_OK)
        rc = awsc_endpoint_resolve(c->svc->endpoint_rules, params, used, &k->own_ep, err);
    for (uint32_t i = 0; found && i < op->endpoint_param_count; i++)
        free(found[i].v);
    free(found);
    free(params);
    if (rc == AWSC_OK)
        rc = parse_endpoint(k->own_ep.url, &k->own_endpoint, &k->own_host, err);
    if (rc == AWSC_OK)
        rc = choose_signing(c, &k->own_ep, op, &k->signing, err);
    if (rc == AWSC_OK) {
        k->endpoint = k->own_endpoint;
        k->endpoint_host = k->own_host;
    }
    return rc;
}

/*
 * An operation whose input names its own endpoint (Machine Learning's Predict:
 * PredictEndpoint): the URL's scheme and authority replace the endpoint's for
 * the call, its path is not used (as botocore switches hosts). Unset or empty:
 * the endpoint stays.
 */
static int endpoint_from_input(awsc_call *k, const void *input, awsc_error *err)
{
    const awsc_member *m = k->op->ext->endpoint_member;
    const char *url = input && m->type == AWSC_T_STRING ? *(const char *const *)((const char *)input + m->offset)
                                                         : NULL;
    if (!url || !*url)
        return AWSC_OK;
    char *endpoint = NULL, *host = NULL;
    awsc_error perr = AWSC_ERROR_INIT;
    if (parse_endpoint(url, &endpoint, &host, &perr) != AWSC_OK) {
        free(endpoint);
        free(host);
        int rc = perr.status == AWSC_E_NOMEM
                     ? awsc_error_nomem(err)
                     : awsc_error_set(err, AWSC_E_VALIDATION, "%s: %s is not a usable endpoint: %s", k->op->name,
                                      m->name, perr.message ? perr.message : "malformed URL");
        awsc_error_clear(&perr);
        return rc;
    }
    /* scheme://authority of the input, then the current endpoint's own base path */
    const char *base = strchr(strstr(k->endpoint, "://") + 3, '/');
    char *auth_end = strchr(strstr(endpoint, "://") + 3, '/');
    if (auth_end)
        *auth_end = '\0';
    awsc_buf joined = AWSC_BUF_INIT;
    if (awsc_buf_puts(&joined, endpoint) || awsc_buf_puts(&joined, base ? base : "")) {
        free(endpoint);
        free(host);
        awsc_buf_free(&joined);
        return awsc_error_nomem(err);
    }
    free(endpoint);
    free(k->own_endpoint);
    free(k->own_host);
    k->own_endpoint = awsc_buf_take(&joined);
    k->own_host = host;
    k->endpoint = k->own_endpoint;
    k->endpoint_host = k->own_host;
    return AWSC_OK;
}

/*
 * A call's own endpoint: from its endpoint_params, its credentials' account or
 * an input member. Reached through awsc_service.operation_endpoints, which the
 * generator sets only in services that have any of these.
 */
struct awsc_operation_endpoints {
    int (*resolve)(awsc_client *c, awsc_call *k, const void *input, const char *account, awsc_error *err);
    int (*account)(awsc_client *c, awsc_call *k, awsc_error *err);
    int (*from_input)(awsc_call *k, const void *input, awsc_error *err);
};

const struct awsc_operation_endpoints awsc_operation_endpoints = {resolve_call_endpoint, account_endpoint,
                                                                  endpoint_from_input};

/* Where an endpoint's host starts: parse_endpoint let in only http:// and https://, in any case. Every
 * call asks; the lower-case schemes are compared inline, where strstr was a call. */
static const char *after_scheme(const char *e)
{
    if (e[0] == 'h' && e[1] == 't' && e[2] == 't' && e[3] == 'p') {
        if (e[4] == ':' && e[5] == '/' && e[6] == '/')
            return e + 7;
        if (e[4] == 's' && e[5] == ':' && e[6] == '/' && e[7] == '/')
            return e + 8;
    }
    return strstr(e, "://") + 3;
}

static int prepare_call(awsc_client *c, awsc_call *k, awsc_error *err)
{
    (void)c;
    const char *scheme_end = after_scheme(k->endpoint);
    const char *base_path = strchr(scheme_end, '/'); /* an endpoint's own path prefixes the operation's */
    awsc_rest_request *r = &k->req;
    awsc_buf *host = &k->host, *path = &k->path, *url = &k->url;
    host->len = path->len = url->len = 0;
    /* The operation's host prefix goes in front of the endpoint's host. */
    bool oom = awsc_buf_append(host, r->host_prefix.data ? r->host_prefix.data : "", r->host_prefix.len) ||
               awsc_buf_puts(host, k->endpoint_host) || awsc_buf_puts(path, base_path ? base_path : "") ||
               awsc_buf_append(path, r->path.data ? r->path.data : "", r->path.len) ||
               (!path->len && awsc_buf_putc(path, '/')) || /* S3's "/{Bucket}" without its label, virtual-hosted */
               awsc_buf_append(url, k->endpoint, (size_t)(scheme_end - k->endpoint)) ||
               awsc_buf_append(url, host->data, host->len) || awsc_buf_append(url, path->data, path->len) ||
               (r->query.len && (awsc_buf_putc(url, '?') || awsc_buf_append(url, r->query.data, r->query.len)));
    if (oom)
        return awsc_error_nomem(err);
    if (awsc_uuid_v4(k->invocation_id) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "the random number generator failed");
    k->bound_headers = r->header_count;
    return AWSC_OK;
}

/* Adds X-Amz-Date, the session token and Authorization: SigV4 over the finished request. */
static int sign_request(awsc_client *c, awsc_call *k, awsc_error *err)
{
    awsc_rest_request *r = &k->req;
    int64_t skew = atomic_load_explicit(&c->clock_offset, memory_order_relaxed);
    /* SigV4a picked by the model rather than by the endpoint: the configured region set, else the region. */
    const char *region_set = k->signing.region_set;
    if (!region_set && k->auth == AWSC_AUTH_SIGV4A)
        region_set = c->region_set ? c->region_set : k->signing.region;
    awsc_sigv4_params params = {
        .creds = k->creds,
        .region = k->signing.region,
        .service = k->signing.name,
        .time = c->now(c->hooks_ctx) + skew,
        .normalize_path = k->signing.normalize_path,
        .double_encode_path = k->signing.double_encode_path,
        .skip_intermediate = true, /* only the Authorization value is sent */
        .region_set = region_set,
        .sigv4a = c->sigv4a,
    };
    awsc_sigv4_request sreq = {
        .method = k->op->method,
        .path = k->path.data,
        .query = r->query.len ? r->query.data : NULL,
        .headers = r->headers,
        .header_count = r->header_count,
        .payload = (const uint8_t *)r->body.data,
        .payload_len = r->body.len,
        .payload_hash = k->payload_hash[0] ? k->payload_hash : NULL,
    };
    awsc_sigv4_result sig; /* awsc_sigv4_sign sets it up (not its 600-byte inline buffer) */
    if (awsc_sigv4_sign(&params, &sreq, &c->key_cache, &sig) != 0) {
        awsc_sigv4_result_free(&sig);
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: the request cannot be signed (invalid header or value)",
                              k->op->name);
    }
    /* The names are literals (not copied); the values are copied, the session token's at its length. */
    bool oom = (region_set && awsc_rest_add_header_lit(r, "X-Amz-Region-Set", region_set, strlen(region_set), true)) ||
               awsc_rest_add_header_lit(r, "X-Amz-Date", sig.amz_date, strlen(sig.amz_date), true) ||
               (k->creds.session_token && awsc_rest_add_header_lit(r, "X-Amz-Security-Token", k->creds.session_token,
                                                                   strlen(k->creds.session_token), true)) ||
               awsc_rest_add_header_lit(r, "Authorization", sig.authorization, strlen(sig.authorization), true);
    awsc_sigv4_result_free(&sig);
    return oom ? awsc_error_nomem(err) : AWSC_OK;
}

/* `prefix` then `v` in decimal, NUL-terminated; returns the end. What snprintf did, without its cost per call. */
static char *put_decimal(char *o, const char *prefix, uint64_t v)
{
    size_t n = strlen(prefix);
    memcpy(o, prefix, n);
    o += n;
    char digits[20];
    int d = 0;
    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (d)
        *o++ = digits[--d];
    *o = '\0';
    return o;
}

static int build_attempt(awsc_client *c, awsc_call *k, int attempt, int max_attempts, awsc_http_request *hreq,
                         awsc_error *err)
{
    awsc_rest_request *r = &k->req;
    drop_attempt_headers(k);
    char request_hdr[48], length[24];
    char *o = put_decimal(request_hdr, "attempt=", (uint64_t)attempt);
    o = put_decimal(o, "; max=", (uint64_t)max_attempts);
    char *le = put_decimal(length, "", (uint64_t)r->body.len);
    /* Literal names are not copied, and the values' lengths are known here: no strlen per header. */
    if (awsc_rest_add_header_lit(r, "Host", k->host.data, k->host.len, true) ||
        awsc_rest_add_header_lit(r, "amz-sdk-invocation-id", k->invocation_id, strlen(k->invocation_id), true) ||
        awsc_rest_add_header_lit(r, "amz-sdk-request", request_hdr, (size_t)(o - request_hdr), true) ||
        (r->has_body && !r->stream && awsc_rest_add_header_lit(r, "Content-Length", length, (size_t)(le - length), true)))
        return awsc_error_nomem(err);

    /* With mutual TLS the certificate authenticates the request: nothing to sign. */
    int src = k->auth == AWSC_AUTH_BEARER ? awsc_auth_bearer_header(k, err)
              : k->auth                    ? sign_request(c, k, err)
                                           : AWSC_OK;
    if (src)
        return src;
    /* The SDK, its version, the platform, the service and the call's features, in both headers the AWS SDKs send (neither is signed). */
    char metrics[64];
    ua_metrics(k, metrics, sizeof metrics);
    /* "<user agent> m/<metrics><app>": the client's fixed parts measured once, joined once into the request's
     * strings, and both headers point at that one copy. */
    size_t al = c->user_agent_len, ml = strlen(metrics), pl = c->user_agent_app_len;
    char *ua = al + ml + pl < SIZE_MAX / 2 ? awsc_arena_alloc(r->strings, al + 3 + ml + pl + 1) : NULL;
    if (ua) {
        memcpy(ua, c->user_agent, al);
        memcpy(ua + al, " m/", 3);
        memcpy(ua + al + 3, metrics, ml);
        memcpy(ua + al + 3 + ml, c->user_agent_app, pl + 1);
    }
    size_t ul = al + 3 + ml + pl;
    bool oom = !ua || awsc_rest_add_header_lit(r, "User-Agent", ua, ul, false) ||
               awsc_rest_add_header_lit(r, "x-amz-user-agent", ua, ul, false);
    if (oom)
        return awsc_error_nomem(err);
    *hreq = (awsc_http_request){
        .method = k->op->method,
        .url = k->url.data,
        .headers = r->headers,
        .header_count = r->header_count,
        .header_lens = r->header_lens,
        .body = (const uint8_t *)r->body.data,
        .body_len = r->body.len,
        .body_read = r->stream ? r->stream->read : NULL,
        .body_read_user = r->stream ? r->stream->user : NULL,
        .body_read_length = r->stream ? r->stream->length : 0,
        .body_read_pauses = k->op->event_stream && k->op->event_stream->input_events,
        .http2 = k->op->event_stream && k->op->event_stream->http2,
        .sink = k->sink,
        .sink_user = k->sink_user,
    };
    return AWSC_OK;
}

/* Seconds between the server's Date header and our clock, when the error says the clock is off. */
static bool clock_skewed(awsc_client *c, const awsc_error *e, const awsc_http_response *resp, int64_t *offset)
{
    static const char codes[] = "RequestTimeTooSkewed\0RequestExpired\0RequestInTheFuture\0"
                                "InvalidSignatureException\0SignatureDoesNotMatch\0AuthFailure\0";
    bool match = awsc_one_of(e->code, codes);
    const char *date = awsc_http_response_header(resp, "Date");
    awsc_timestamp server;
    if (!match || !date || awsc_time_parse_http_date(date, strlen(date), &server) != 0)
        return false;
    int64_t diff = server.seconds - c->now(c->hooks_ctx);
    int64_t current = atomic_load_explicit(&c->clock_offset, memory_order_relaxed);
    /* Signatures allow 5 minutes of drift; correct only what lies beyond 4. */
    if (diff - current > -240 && diff - current < 240)
        return false;
    *offset = diff;
    return true;
}

static bool error_shape_flag(const awsc_client *c, const awsc_error *e, unsigned flag)
{
    return e->modeled > 0 && (uint32_t)e->modeled <= c->svc->error_count &&
           (c->svc->errors[e->modeled - 1]->flags & flag);
}

static long retry_after_ms(const awsc_http_response *resp)
{
    const char *v = awsc_http_response_header(resp, "x-amz-retry-after");
    if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)
        return -1;
    return atol(v);
}

static int parse_success(const awsc_call *k, const awsc_http_response *resp, void **output, awsc_error *err)
{
    if (!k->op->output)
        return AWSC_OK;
    awsc_arena *arena;
    /* Room for what the body's strings become (they are at most its size): one allocation in all. */
    void *out = awsc_arena_new_root_sized(&arena, k->op->output->size, resp->body.len + 256);
    if (!out)
        return awsc_error_nomem(err);
    int rc = awsc_rest_parse_output(k->op, resp, arena, out, err);
    if (rc) {
        awsc_output_free(out);
        return rc;
    }
    if (output)
        *output = out;
    else
        awsc_output_free(out);
    return AWSC_OK;
}

static void absorb_sha256(void *md, const uint8_t *data, size_t len)
{
    awsc_sha256_update(md, data, len);
}

/*
 * A body read through a callback is hashed for the signature by reading it
 * once and rewinding; without a rewind only an unsignedPayload operation
 * takes it (and sends it unhashed).
 */
static int prepare_stream(awsc_call *k, awsc_error *err)
{
    const awsc_stream *st = k->req.stream;
    if (!st->rewind) {
        if (!(k->op->flags & AWSC_OP_UNSIGNED_PAYLOAD))
            return awsc_error_set(err, AWSC_E_VALIDATION,
                                  "%s: a body read through a callback needs a rewind callback so it can be signed",
                                  k->op->name);
        snprintf(k->payload_hash, sizeof k->payload_hash, "UNSIGNED-PAYLOAD");
    } else {
        awsc_sha256_state md;
        uint8_t hash[32];
        awsc_sha256_init(&md);
        if (awsc_call_read_stream(k, absorb_sha256, &md) != 0)
            return awsc_error_set(err, AWSC_E_VALIDATION, "%s: reading or rewinding the request body failed",
                                  k->op->name);
        awsc_sha256_final(&md, hash);
        awsc_hex(hash, sizeof hash, k->payload_hash);
    }
    return awsc_rest_add_header(&k->req, "X-Amz-Content-Sha256", k->payload_hash)
               ? awsc_error_nomem(err)
               : AWSC_OK;
}

/*
 * The request built as a call builds it. A presigned one (`presign`) stops short of what only a
 * request about to be sent needs: its body is not in the URL, so no compression, checksum or
 * X-Amz-Content-Sha256 (the URL signs UNSIGNED-PAYLOAD or the body's hash instead).
 */
static int call_begin(awsc_client *c, const awsc_operation *op, const void *input, awsc_sink_fn sink, void *sink_user,
                      awsc_call *k, bool presign, awsc_error *err)
{
    memset(k, 0, sizeof *k);
    k->c = c;
    k->op = op;
    /* The buffers of an earlier call, moved in; awsc_call_end gives them back. */
    if (!(k->scratch = scratch_take(c)))
        return awsc_error_nomem(err);
    k->req = k->scratch->req;
    k->url = k->scratch->url;
    k->path = k->scratch->path;
    k->host = k->scratch->host;
    k->resp = k->scratch->resp;
    k->owned_creds = k->scratch->creds;
    k->creds_version = k->scratch->creds_version;
    k->sink = sink;
    k->sink_user = sink_user;
    k->endpoint = c->endpoint;
    k->endpoint_host = c->host;
    k->signing = c->signing;
    if (op->input) {
        int rc = awsc_validate(op->input, input, err);
        if (rc)
            return rc;
    }
    /* An operation without auth needs no credentials: it is how a program gets its first ones. */
    int rc = awsc_auth_select(c, k, err);
    bool unsigned_op = k->auth != AWSC_AUTH_SIGV4 && k->auth != AWSC_AUTH_SIGV4A; /* no SigV4 signature */
    /* Endpoints that depend on the call: its own rules inputs (S3's Bucket), or the credentials' account. */
    bool by_account = c->per_account && !unsigned_op;
    const struct awsc_operation_endpoints *own = c->svc->operation_endpoints;
    if (!rc && op->endpoint_param_count && c->svc->endpoint_rules && own)
        rc = own->resolve(c, k, input, by_account ? awsc_nonempty(k->owned_creds.account_id) : NULL, err);
    else if (!rc && by_account && own)
        rc = own->account(c, k, err);
    if (!rc && op->ext && op->ext->endpoint_member && own)
        rc = own->from_input(k, input, err);
    if (rc)
        return rc;
    /* One idempotency token for every attempt, so a retried call happens once. */
    bool use_token = needs_token(op, input);
    if (use_token && awsc_uuid_v4(k->token) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "the random number generator failed");
    rc = awsc_rest_serialize_reusing(op, input, use_token ? k->token : NULL, &k->req, err);
    if (!rc && presign)
        return prepare_call(c, k, err);
    if (!rc && op->compression) /* first: checksums and the signature cover the compressed bytes */
        rc = op->compression->compress(k, err);
    if (!rc && op->checksum) /* before signing: the checksum headers are signed too */
        rc = op->checksum->engine->prepare(k, input, err);
    /* Only a signature needs the body's hash; an aws-chunked upload has set its own. */
    if (!rc && k->req.stream && !unsigned_op && !k->payload_hash[0])
        rc = prepare_stream(k, err);
    /* S3 and Glacier read the payload's hash from X-Amz-Content-Sha256, and refuse a request without it. */
    if (!rc && !k->req.stream && !unsigned_op && k->signing.content_sha256 && !k->payload_hash[0]) {
        uint8_t hash[32];
        awsc_sha256(k->req.body.data, k->req.body.len, hash);
        awsc_hex(hash, sizeof hash, k->payload_hash);
        if (awsc_rest_add_header(&k->req, "X-Amz-Content-Sha256", k->payload_hash))
            rc = awsc_error_nomem(err);
    }
    /* An input event stream: the body's messages are signed one by one, chained from the request's signature. */
    if (!rc && op->event_stream && op->event_stream->input_events) {
        if (k->auth != AWSC_AUTH_SIGV4)
            return awsc_error_set(err, AWSC_E_CONFIG, "%s: an input event stream is signed with SigV4 only",
                                  op->name);
        snprintf(k->payload_hash, sizeof k->payload_hash, "STREAMING-AWS4-HMAC-SHA256-EVENTS");
        if (awsc_rest_add_header(&k->req, "X-Amz-Content-Sha256", k->payload_hash) ||
            awsc_rest_add_header(&k->req, "Content-Type", "application/vnd.amazon.eventstream"))
            rc = awsc_error_nomem(err);
    }
    if (!rc)
        rc = prepare_call(c, k, err);
    return rc;
}

int awsc_call_begin(awsc_client *c, const awsc_operation *op, const void *input, awsc_sink_fn sink, void *sink_user,
                    awsc_call *k, awsc_error *err)
{
    return call_begin(c, op, input, sink, sink_user, k, false, err);
}

/* ---- presigned URLs ------------------------------------------------------ */

/* A form body (awsQuery, ec2Query): its parameters move into the URL, as the SDKs do; false for any other. */
static bool form_body(const awsc_rest_request *r, size_t *ctype)
{
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcasecmp(r->headers[i].name, "Content-Type") == 0 &&
            strncasecmp(r->headers[i].value, "application/x-www-form-urlencoded", 33) == 0) {
            *ctype = i;
            return true;
        }
    }
    return false;
}

/* Whether an encoded path has a segment that is "." or ".." (also as %2E). */
static bool path_has_dot_segment(const char *path)
{
    for (const char *p = path; p && *p;) {
        size_t len = strcspn(p, "/"), dots = 0, i = 0;
        while (i < len) {
            if (p[i] == '.')
                i++;
            else if (len - i >= 3 && p[i] == '%' && p[i + 1] == '2' && (p[i + 2] == 'e' || p[i + 2] == 'E'))
                i += 3;
            else
                break;
            dots++;
        }
        if (i == len && (dots == 1 || dots == 2))
            return true;
        p += len + (p[len] == '/');
    }
    return false;
}

static int presign_call(awsc_client *c, awsc_call *k, int64_t expires, awsc_buf *url, awsc_error *err)
{
    awsc_rest_request *r = &k->req;
    size_t ctype = SIZE_MAX;
    bool form = form_body(r, &ctype);
    awsc_buf query = AWSC_BUF_INIT, signed_query = AWSC_BUF_INIT;
    /* The bound headers (the holder of the URL sends them) less a moved body's type, and Host. */
    awsc_header *headers = calloc(r->header_count + 1, sizeof *headers);
    size_t n = 0;
    int rc = headers ? AWSC_OK : awsc_error_nomem(err);
    for (size_t i = 0; rc == AWSC_OK && i < r->header_count; i++)
        if (i != ctype)
            headers[n++] = r->headers[i];
    if (headers)
        headers[n++] = (awsc_header){"Host", k->host.data};
    /* S3's model names the operation in its URIs (x-id=GetObject) for request routing only; its
     * presigned URLs leave it out, as botocore's and the AWS CLI's do. */
    bool s3 = strcmp(c->svc->signing_name, "s3") == 0;
    for (const char *p = r->query.len ? r->query.data : NULL; rc == AWSC_OK && p && *p;) {
        size_t len = strcspn(p, "&");
        if (!(s3 && strncmp(p, "x-id=", 5) == 0) &&
            ((query.len && awsc_buf_putc(&query, '&')) || awsc_buf_append(&query, p, len)))
            rc = awsc_error_nomem(err);
        p += len + (p[len] == '&');
    }
    if (rc == AWSC_OK && form && r->body.len &&
        ((query.len && awsc_buf_putc(&query, '&')) || awsc_buf_append(&query, r->body.data, r->body.len)))
        rc = awsc_error_nomem(err);
    if (rc == AWSC_OK) {
        int64_t skew = atomic_load_explicit(&c->clock_offset, memory_order_relaxed);
        awsc_sigv4_params params = {
            .creds = k->creds,
            .region = k->signing.region,
            .service = k->signing.name,
            .time = c->now(c->hooks_ctx) + skew,
            .normalize_path = k->signing.normalize_path,
            .double_encode_path = k->signing.double_encode_path,
            .skip_intermediate = true,
            .region_set = k->signing.region_set,
            .sigv4a = c->sigv4a,
        };
        /* S3 signs no payload, as the SDKs' presigners do; any other service the body's hash. */
        awsc_sigv4_request sreq = {
            .method = k->op->method,
            .path = k->path.data,
            .query = query.len ? query.data : NULL,
            .headers = headers,
            .header_count = n,
            .payload = form ? NULL : (const uint8_t *)r->body.data,
            .payload_len = form ? 0 : r->body.len,
            .payload_hash = s3 ? "UNSIGNED-PAYLOAD" : NULL,
        };
        awsc_sigv4_result sig;
        if (awsc_sigv4_presign(&params, &sreq, expires, &c->key_cache, &signed_query, &sig) != 0)
            rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: the URL cannot be signed (invalid header or value)",
                                k->op->name);
        awsc_sigv4_result_free(&sig);
    }
    const char *scheme_end = rc == AWSC_OK ? strstr(k->endpoint, "://") + 3 : NULL;
    if (rc == AWSC_OK && (awsc_buf_append(url, k->endpoint, (size_t)(scheme_end - k->endpoint)) ||
                          awsc_buf_append(url, k->host.data, k->host.len) ||
                          awsc_buf_append(url, k->path.data, k->path.len) || awsc_buf_putc(url, '?') ||
                          awsc_buf_append(url, signed_query.data, signed_query.len)))
        rc = awsc_error_nomem(err);
    free(headers);
    awsc_buf_free(&query);
    awsc_buf_free(&signed_query);
    return rc;
}

int awsc_client_presign(awsc_client *c, const awsc_operation *op, const void *input, int64_t expires_seconds,
                        char **url, awsc_error *err)
{
    if (url)
        *url = NULL;
    if (!c || !op || !url)
        return awsc_error_set(err, AWSC_E_CONFIG, "client, operation and url must not be NULL");
    if (expires_seconds < 1 || expires_seconds > AWSC_SIGV4_MAX_EXPIRES)
        return awsc_error_set(err, AWSC_E_VALIDATION,
                              "%s: a presigned URL expires in 1 to %d seconds (7 days), not %lld", op->name,
                              AWSC_SIGV4_MAX_EXPIRES, (long long)expires_seconds);
    if (c->mtls || (op->flags & AWSC_OP_NO_AUTH))
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s, so there is nothing to presign", op->name,
                              c->mtls ? "the client authenticates with its certificate" : "the operation is not signed");
    awsc_call k;
    awsc_buf u = AWSC_BUF_INIT;
    int rc = call_begin(c, op, input, NULL, NULL, &k, true, err);
    /* S3 sends a key's "." and ".." segments as they are, but whoever follows a URL resolves them away
     * (RFC 3986): the URL would name another object than the one signed. */
    if (rc == AWSC_OK && path_has_dot_segment(k.path.data))
        rc = awsc_error_set(err, AWSC_E_VALIDATION,
                            "%s: a presigned URL cannot hold a \".\" or \"..\" path segment (a client following it "
                            "would remove it)", op->name);
    if (rc == AWSC_OK)
        rc = presign_call(c, &k, expires_seconds, &u, err);
    awsc_call_end(&k);
    if (rc == AWSC_OK)
        *url = awsc_buf_take(&u);
    awsc_buf_free(&u);
    return rc;
}

int awsc_call_attempt(awsc_call *k, awsc_http_request *hreq, awsc_error *err)
{
    awsc_client *c = k->c;
    k->attempt++;
    if (c->adaptive) { /* adaptive mode: wait for a send token once throttling has been seen */
        pthread_mutex_lock(&c->lock);
        double wait = awsc_rate_limiter_acquire(&c->limiter, monotonic_seconds());
        pthread_mutex_unlock(&c->lock);
        if (wait > 0) {
            awsc_log(&c->log, AWSC_LOG_DEBUG, "%s.%s: rate limited, waiting %.0f ms", c->svc->sdk_id, k->op->name,
                     wait * 1000);
            c->sleep_ms(c->hooks_ctx, (long)(wait * 1000));
        }
    }
    /* A streamed body must start again from its beginning. */
    if (k->attempt > 1 && k->req.stream && k->req.stream->rewind(k->req.stream->user) != 0)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: rewinding the request body failed", k->op->name);
    int rc = build_attempt(c, k, k->attempt, c->max_attempts, hreq, err);
    if (rc)
        return rc;
    k->sends++;
    clock_gettime(CLOCK_MONOTONIC, &k->started);
    awsc_log_http(&c->log, k->op, hreq, NULL);
    return AWSC_OK;
}

awsc_call_next awsc_call_complete(awsc_call *k, int rc, awsc_http_response *resp, void **output, int *result,
                                  long *delay, awsc_error *err)
{
    awsc_client *c = k->c;
    const awsc_operation *op = k->op;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - k->started.tv_sec) * 1e3 + (double)(t1.tv_nsec - k->started.tv_nsec) / 1e6;
    awsc_response_ids ids;
    awsc_rest_response_ids(resp, &ids);
    const char *rid = ids.request_id;
    if (rc) {
        awsc_log(&c->log, AWSC_LOG_INFO, "%s.%s attempt %d/%d: %s after %.1f ms: %s", c->svc->sdk_id, op->name,
                 k->attempt, c->max_attempts, awsc_status_str(rc), ms, awsc_error_target(err)->message);
    } else {
        awsc_log_http(&c->log, op, NULL, resp);
        awsc_log(&c->log, AWSC_LOG_INFO, "%s.%s attempt %d/%d: HTTP %ld in %.1f ms, request id %s", c->svc->sdk_id,
                 op->name, k->attempt, c->max_attempts, resp->status, ms, rid ? rid : "-");
    }
    /* An event stream that started is judged by its engine, whatever happened to the exchange. */
    bool stream_started = k->events && op->event_stream->engine->started(k);
    /* (A refusal of an input stream that started, a 4xx answer, is still parsed as the error it is.) */
    bool refused = !rc && (resp->status < 200 || resp->status > 299);
    if (k->events && !refused && (stream_started || !rc)) {
        rc = op->event_stream->engine->finish(k, rc, resp, output, err);
        if (!rc && output && *output)
            awsc_arena_set_metadata(*output, &(awsc_call_metadata){rid, resp->status, k->sends, k->waited,
                                                                   ids.extended_request_id, ids.cf_id});
    } else if (!rc && resp->status >= 200 && resp->status <= 299 && !k->sink && op->ext && op->ext->s3 &&
               (rc = op->ext->s3->error_in_2xx(c->svc, op, resp, err)) != AWSC_OK) {
        /* S3's error inside a 200, or its 200 without a result: retried as any error response */
    } else if (!rc && resp->status >= 200 && resp->status <= 299) {
        /* A body that fails its checksum is an error, even when a sink has had it already. */
        if (k->checksum)
            rc = op->checksum->engine->validate(k, resp, err);
        if (!rc)
            rc = parse_success(k, resp, output, err);
        if (!rc && output && *output)
            awsc_arena_set_metadata(*output, &(awsc_call_metadata){rid, resp->status, k->sends, k->waited,
                                                                   ids.extended_request_id, ids.cf_id});
    } else if (!rc) {
        rc = awsc_rest_parse_error(c->svc, op, resp, err);
    }
    awsc_error *e = awsc_error_target(err);
    *result = rc;
    if (rc == AWSC_OK) {
        if (c->adaptive) {
            pthread_mutex_lock(&c->lock);
            awsc_rate_limiter_update(&c->limiter, false, monotonic_seconds());
            pthread_mutex_unlock(&c->lock);
        }
        awsc_http_response_reset(resp);
        awsc_retry_bucket_release(&c->bucket, k->taken);
        awsc_error_ok(err);
        return AWSC_CALL_DONE;
    }
    if (rc == AWSC_E_RESPONSE) {
        e->http_status = resp->status;
        if (rid && !e->request_id)
            e->request_id = awsc_strdup(rid);
        if (ids.extended_request_id && !e->extended_request_id)
            e->extended_request_id = awsc_strdup(ids.extended_request_id);
        if (ids.cf_id && !e->cf_id)
            e->cf_id = awsc_strdup(ids.cf_id);
    }
    /* Events already delivered cannot be taken back: a stream that started is never repeated. */
    bool replayable = (!k->req.stream || k->req.stream->rewind) && !stream_started;
    /* A clock that drifted past the signature's tolerance is corrected once, at no retry cost. */
    int64_t offset;
    if (rc == AWSC_E_SERVICE && !k->skew_retry_used && replayable && clock_skewed(c, e, resp, &offset)) {
        atomic_store_explicit(&c->clock_offset, offset, memory_order_relaxed);
        awsc_log(&c->log, AWSC_LOG_WARN, "%s.%s: the server's clock is %lld s from ours; corrected, retrying",
                 c->svc->sdk_id, op->name, (long long)offset);
        k->skew_retry_used = true;
        k->attempt--;
        awsc_http_response_reset(resp);
        *delay = 0;
        return AWSC_CALL_RETRY;
    }
    awsc_attempt_failure f = {
        .status = rc,
        .http_status = resp->status,
        .code = e->code,
        .timed_out = resp->timed_out,
        .final = resp->final_failure,
        .modeled_retryable = error_shape_flag(c, e, AWSC_SHAPE_RETRYABLE),
        .modeled_throttling = error_shape_flag(c, e, AWSC_SHAPE_THROTTLING),
    };
    awsc_retry_kind kind = awsc_retry_classify(&f);
    if (c->adaptive) {
        pthread_mutex_lock(&c->lock);
        awsc_rate_limiter_update(&c->limiter, kind == AWSC_RETRY_THROTTLE, monotonic_seconds());
        pthread_mutex_unlock(&c->lock);
    }
    long hint = retry_after_ms(resp);
    awsc_http_response_reset(resp);
    if (kind != AWSC_RETRY_NO && replayable && k->attempt < c->max_attempts) {
        long wait = awsc_retry_delay_ms(&c->retry, k->attempt + 1, kind, c->random01(c->hooks_ctx), hint);
        if (awsc_retry_bucket_acquire(&c->bucket, kind, &k->taken)) {
            *delay = wait;
            awsc_log(&c->log, AWSC_LOG_DEBUG, "%s.%s: retrying in %ld ms (%s)", c->svc->sdk_id, op->name, *delay,
                     kind == AWSC_RETRY_THROTTLE ? "throttled" : kind == AWSC_RETRY_TIMEOUT ? "timed out" : "transient");
            k->waited += *delay;
            return AWSC_CALL_RETRY;
        }
        /* The quota is empty: no retry, but a polling loop must not spin, so a long poll still waits. */
        if (awsc_retry_is_long_poll(c->svc->sdk_id, op->name)) {
            *delay = wait;
            k->waited += wait;
            awsc_log(&c->log, AWSC_LOG_DEBUG, "%s.%s: retry quota empty; backing off %ld ms before failing",
                     c->svc->sdk_id, op->name, wait);
        }
    }
    awsc_call_fail(k, rc, err);
    return AWSC_CALL_DONE;
}

void awsc_call_fail(awsc_call *k, int rc, awsc_error *err)
{
    (void)rc;
    awsc_error *e = awsc_error_target(err);
    e->attempts = k->sends;
    e->retry_delay_ms = k->waited;
    awsc_log(&k->c->log, AWSC_LOG_ERROR, "%s.%s failed after %d attempt%s: %s%s%s", k->c->svc->sdk_id, k->op->name,
             k->sends, k->sends == 1 ? "" : "s", e->code ? e->code : "", e->code ? ": " : "",
             e->message ? e->message : "");
}

void awsc_call_end(awsc_call *k)
{
    if (k->checksum)
        k->op->checksum->engine->end(k);
    awsc_endpoint_free(&k->own_ep);
    free(k->own_endpoint);
    free(k->own_host);
    k->own_endpoint = k->own_host = NULL;
    awsc_free_cleansed(k->bearer);
    k->bearer = NULL;
    if (k->events)
        k->op->event_stream->engine->end(k);
    awsc_call_scratch *s = k->scratch;
    if (!s)
        return;
    s->req = k->req;
    s->url = k->url;
    s->path = k->path;
    s->host = k->host;
    s->resp = k->resp;
    s->creds = k->owned_creds;
    s->creds_version = k->creds_version;
    k->scratch = NULL;
    memset(&k->req, 0, sizeof k->req);
    memset(&k->resp, 0, sizeof k->resp);
    k->url = k->path = k->host = (awsc_buf)AWSC_BUF_INIT;
    k->owned_creds = (awsc_credentials){0};
    k->creds = (awsc_sigv4_credentials){0};
    scratch_give(k->c, s);
}

int awsc_client_invoke(awsc_client *c, const awsc_operation *op, const void *input, void **output, awsc_error *err)
{
    return awsc_client_invoke_to_sink(c, op, input, output, NULL, NULL, err);
}

/* The initial response of a REST event stream: the output's members bound to the response's headers. */
int awsc_call_parse_initial(const awsc_operation *op, const awsc_http_response *resp, void **output, awsc_error *err)
{
    awsc_call k = {.op = op};
    return parse_success(&k, resp, output, err);
}

/* The blocking call: a plain one, a page of a paginator (for the user agent's metric), or an event stream. */
typedef struct invoke_how {
    awsc_sink_fn sink;
    void *sink_user;
    bool paginated;
    awsc_event_fn on_event;
    awsc_event_source_fn source;
    void *user;
} invoke_how;

static int invoke(awsc_client *c, const awsc_operation *op, const void *input, void **output, const invoke_how *how,
                  awsc_error *err)
{
    if (output)
        *output = NULL;
    if (!c || !op)
        return awsc_error_set(err, AWSC_E_CONFIG, "client and operation must not be NULL");
    /* Its body is a stream of events: read without the engine, they would be dropped unseen. */
    if (op->event_stream && !how->on_event && !how->source)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s streams events: call it with awsc_client_invoke_events%s",
                              op->name, op->event_stream->input_events ? "_stream" : "");
    awsc_call k;
    int rc = awsc_call_begin(c, op, input, how->sink, how->sink_user, &k, err);
    k.paginated = how->paginated;
    if (!rc && (how->on_event || how->source))
        rc = op->event_stream->engine->begin(&k, how->source, how->on_event, how->user, awsc_call_parse_initial, err);
    while (!rc) {
        awsc_http_request hreq;
        rc = awsc_call_attempt(&k, &hreq, err);
        if (rc) {
            awsc_call_fail(&k, rc, err);
            break;
        }
        int sent = awsc_http_send_reusing(c->http, &hreq, &k.resp, err);
        long delay = 0;
        if (awsc_call_complete(&k, sent, &k.resp, output, &rc, &delay, err) == AWSC_CALL_DONE) {
            if (delay > 0) /* a long-polling operation's backoff, even without a retry */
                c->sleep_ms(c->hooks_ctx, delay);
            break;
        }
        if (delay > 0)
            c->sleep_ms(c->hooks_ctx, delay);
        rc = AWSC_OK;
    }
    awsc_call_end(&k);
    return rc;
}

int awsc_client_invoke_to_sink(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                               awsc_sink_fn sink, void *sink_user, awsc_error *err)
{
    return invoke(c, op, input, output, &(invoke_how){.sink = sink, .sink_user = sink_user}, err);
}

int awsc_client_invoke_page(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                            awsc_error *err)
{
    return invoke(c, op, input, output, &(invoke_how){.paginated = true}, err);
}

const char *awsc_output_stream_misuse(const awsc_operation *op, bool on_event, bool async)
{
    if (!op->event_stream || !op->event_stream->events)
        return "not an event-stream operation";
    if (op->event_stream->input_events)
        return async ? "it sends events: call it with awsc_client_invoke_event_stream_async"
                     : "it sends events: call it with awsc_client_invoke_event_stream";
    return on_event ? NULL : "an event stream needs an event callback";
}

int awsc_client_invoke_events(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                              awsc_event_fn on_event, void *user, awsc_error *err)
{
    const char *why = op ? awsc_output_stream_misuse(op, on_event, false) : NULL;
    if (why) {
        if (output)
            *output = NULL;
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s", op->name, why);
    }
    return invoke(c, op, input, output, &(invoke_how){.on_event = on_event, .user = user}, err);
}

const char *awsc_input_stream_misuse(const awsc_operation *op, bool next_event, bool on_event)
{
    if (!op->event_stream || !op->event_stream->input_events)
        return "its input is not an event stream";
    if (!next_event)
        return "an input event stream needs its next_event callback";
    if (!op->event_stream->events != !on_event)
        return on_event ? "it has no output events: on_event must be NULL"
                        : "its output is an event stream: it needs an event callback";
    return NULL;
}

int awsc_client_invoke_event_stream(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                                    awsc_event_source_fn next_event, awsc_event_fn on_event, void *user,
                                    awsc_error *err)
{
    const char *why = op ? awsc_input_stream_misuse(op, next_event, on_event) : NULL;
    if (why) {
        if (output)
            *output = NULL;
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s", op->name, why);
    }
    return invoke(c, op, input, output, &(invoke_how){.source = next_event, .on_event = on_event, .user = user}, err);
}
