/*
 * The client: configuration, credentials, endpoint, and one operation call
 * as data flowing through validate -> serialize -> sign -> send -> parse.
 */
#include "core/client_internal.h"
#include "core/checksum.h"
#include "core/compression.h"

#include "util/arena.h"
#include "awsc/endpoints.h"
#include "awsc/schema.h"
#include "core/retry.h"
#include "util/timefmt.h"
#include "util/buf.h"
#include "auth/credentials.h"
#include "crypto/crypto.h"
#include "util/error.h"
#include "http/http.h"
#include "core/log.h"
#include "serde/rest.h"
#include "auth/sigv4.h"
#include "util/uuid.h"

#include <errno.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
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
    awsc_async_free(c);
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
    free(c->signing_region);
    free(c->signing_name);
    free(c->endpoint);
    free(c->host);
    awsc_credentials_provider_free(c->creds);
    free(c);
}

int awsc_client_new(const awsc_service *svc, const awsc_config *cfg, awsc_client **out, awsc_error *err)
{
    if (!out || !svc)
        return awsc_error_set(err, AWSC_E_CONFIG, "awsc_client_new: service and out must not be NULL");
    *out = NULL;
    if (!cfg)
        cfg = &awsc_config_defaults;
    if (awsc_http_global_init() != 0)
        return awsc_error_set(err, AWSC_E_TRANSPORT, "libcurl failed to initialise");
    awsc_client *c = calloc(1, sizeof *c);
    if (!c)
        return awsc_error_nomem(err);
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
    snprintf(c->user_agent, sizeof c->user_agent, "awsc/%s api/%s", AWSC_VERSION, svc->cli_name);

    /* explicit -> environment -> the profile, for both retry settings */
    const char *profile = awsc_nonempty(cfg->profile) ? cfg->profile : awsc_nonempty(getenv("AWS_PROFILE"));
    c->max_attempts = cfg->max_attempts;
    if (c->max_attempts <= 0) {
        char *from_profile =
            awsc_nonempty(getenv("AWS_MAX_ATTEMPTS")) ? NULL : awsc_profile_value(profile, "max_attempts");
        const char *text = awsc_nonempty(getenv("AWS_MAX_ATTEMPTS")) ? getenv("AWS_MAX_ATTEMPTS") : from_profile;
        char *end = NULL;
        long n = text ? strtol(text, &end, 10) : 0;
        if (text && (*end || n < 1 || n > 100)) {
            int rc = awsc_error_set(err, AWSC_E_CONFIG, "max_attempts must be a number from 1 to 100, not '%s'", text);
            free(from_profile);
            awsc_client_free(c);
            return rc;
        }
        free(from_profile);
        c->max_attempts = n ? (int)n : AWSC_RETRY_DEFAULT_ATTEMPTS;
    }
    char *mode_profile = NULL;
    const char *mode = awsc_nonempty(cfg->retry_mode) ? cfg->retry_mode : awsc_nonempty(getenv("AWS_RETRY_MODE"));
    if (!mode)
        mode = mode_profile = awsc_profile_value(profile, "retry_mode");
    if (mode && strcmp(mode, "standard") != 0 && strcmp(mode, "adaptive") != 0 && strcmp(mode, "legacy") != 0) {
        int rc = awsc_error_set(err, AWSC_E_CONFIG, "retry_mode must be standard or adaptive, not '%s'", mode);
        free(mode_profile);
        awsc_client_free(c);
        return rc;
    }
    /* "legacy" is accepted as the SDKs do and behaves as standard. */
    c->adaptive = mode && strcmp(mode, "adaptive") == 0;
    free(mode_profile);
    awsc_rate_limiter_init(&c->limiter, monotonic_seconds());
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
    awsc_lent_profile lent = {profile, awsc_profile_value};
    int settings_rc = checksums ? checksums->configure(c, cfg, &lent, err) : AWSC_OK;
    if (!settings_rc && compression)
        settings_rc = compression->configure(c, cfg, &lent, err);
    if (settings_rc) {
        awsc_client_free(c);
        return settings_rc;
    }

    /* explicit -> AWS_REGION -> AWS_DEFAULT_REGION -> the profile's region */
    c->region = awsc_resolve_region(cfg);
    if (!c->region) {
        awsc_client_free(c);
        return awsc_error_set(err, AWSC_E_CONFIG,
                              "no region: set awsc_config.region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region");
    }
    if (!valid_region(c->region)) {
        int rc = awsc_error_set(err, AWSC_E_CONFIG, "invalid region '%s'", c->region);
        awsc_client_free(c);
        return rc;
    }
    const char *region = c->region;

    /* The service's endpoint rules turn region, FIPS, dual-stack and any endpoint_url into the endpoint. */
    int rc;
    if (svc->endpoint_rules) {
        awsc_endpoint_param params[] = {
            AWSC_EP_PARAM_STRING("AWS::Region", region),
            AWSC_EP_PARAM_BOOL("AWS::UseFIPS", cfg->use_fips || env_true("AWS_USE_FIPS_ENDPOINT")),
            AWSC_EP_PARAM_BOOL("AWS::UseDualStack", cfg->use_dual_stack || env_true("AWS_USE_DUALSTACK_ENDPOINT")),
            AWSC_EP_PARAM_STRING("SDK::Endpoint", awsc_nonempty(cfg->endpoint_url)),
        };
        awsc_endpoint ep = AWSC_ENDPOINT_INIT;
        rc = awsc_endpoint_resolve(svc->endpoint_rules, params, sizeof params / sizeof params[0], &ep, err);
        if (rc == AWSC_OK)
            rc = parse_endpoint(ep.url, &c->endpoint, &c->host, err);
        /* authSchemes may sign for another region or name than the service's own (STS, Route 53). */
        if (rc == AWSC_OK && ep.signing_region && !(c->signing_region = awsc_strdup(ep.signing_region)))
            rc = awsc_error_nomem(err);
        if (rc == AWSC_OK && ep.signing_name && !(c->signing_name = awsc_strdup(ep.signing_name)))
            rc = awsc_error_nomem(err);
        awsc_endpoint_free(&ep);
    } else {
        char *endpoint_url = NULL;
        const char *url = awsc_nonempty(cfg->endpoint_url);
        if (!url && default_endpoint(svc, region, &endpoint_url) != 0) {
            awsc_client_free(c);
            return awsc_error_nomem(err);
        }
        rc = parse_endpoint(url ? url : endpoint_url, &c->endpoint, &c->host, err);
        free(endpoint_url);
    }
    if (rc) {
        awsc_client_free(c);
        return rc;
    }

    /* Credentials are looked up lazily (at the first call); the provider only takes the configuration here. */
    if (!cfg->use_mtls && !(c->creds = awsc_credentials_provider_new(cfg, err))) {
        int rc = awsc_error_target(err)->status;
        awsc_client_free(c);
        return rc ? rc : AWSC_E_CONFIG;
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
        awsc_client_free(c);
        return awsc_error_set(err, AWSC_E_CONFIG, "use_mtls needs tls_cert_file and tls_key_file");
    }
    c->mtls = cfg->use_mtls;
    c->http = awsc_http_new(&ho);
    if (!c->region || !c->http) {
        awsc_client_free(c);
        return awsc_error_nomem(err);
    }
    awsc_log(&c->log, AWSC_LOG_DEBUG, "%s client: endpoint %s, region %s, up to %d attempts per call", svc->sdk_id,
             c->endpoint, c->region, c->max_attempts);
    *out = c;
    awsc_error_ok(err);
    return AWSC_OK;
}

/* The provider's current credentials, held by the call for all its attempts. */
static int resolve_credentials(awsc_client *c, awsc_call *k, awsc_error *err)
{
    int rc = awsc_credentials_provider_get_reusing(c->creds, &k->owned_creds, &k->creds_version, err);
    if (rc == AWSC_OK)
        k->creds = (awsc_sigv4_credentials){k->owned_creds.access_key_id, k->owned_creds.secret_access_key,
                                            k->owned_creds.session_token};
    return rc;
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

static int prepare_call(awsc_client *c, awsc_call *k, awsc_error *err)
{
    const char *scheme_end = strstr(c->endpoint, "://") + 3;
    const char *base_path = strchr(scheme_end, '/'); /* an endpoint's own path prefixes the operation's */
    awsc_rest_request *r = &k->req;
    awsc_buf *host = &k->host, *path = &k->path, *url = &k->url;
    host->len = path->len = url->len = 0;
    /* The operation's host prefix goes in front of the endpoint's host. */
    bool oom = awsc_buf_append(host, r->host_prefix.data ? r->host_prefix.data : "", r->host_prefix.len) ||
               awsc_buf_puts(host, c->host) || awsc_buf_puts(path, base_path ? base_path : "") ||
               awsc_buf_append(path, r->path.data ? r->path.data : "", r->path.len) ||
               awsc_buf_append(url, c->endpoint, (size_t)(scheme_end - c->endpoint)) ||
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
    pthread_mutex_lock(&c->lock);
    int64_t skew = c->clock_offset;
    pthread_mutex_unlock(&c->lock);
    awsc_sigv4_params params = {
        .creds = k->creds,
        .region = c->signing_region ? c->signing_region : c->region,
        .service = c->signing_name ? c->signing_name : c->svc->signing_name,
        .time = c->now(c->hooks_ctx) + skew,
        .normalize_path = true,
        .double_encode_path = true,
        .skip_intermediate = true, /* only the Authorization value is sent */
    };
    awsc_sigv4_request sreq = {
        .method = k->op->method,
        .path = k->path.data,
        .query = r->query.len ? r->query.data : NULL,
        .headers = r->headers,
        .header_count = r->header_count,
        .payload = (const uint8_t *)r->body.data,
        .payload_len = r->body.len,
        .payload_hash = r->stream ? k->payload_hash : NULL,
    };
    awsc_sigv4_result sig = {0};
    if (awsc_sigv4_sign(&params, &sreq, &c->key_cache, &sig) != 0) {
        awsc_sigv4_result_free(&sig);
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: the request cannot be signed (invalid header or value)",
                              k->op->name);
    }
    bool oom = awsc_rest_add_header(r, "X-Amz-Date", sig.amz_date) ||
               (k->creds.session_token && awsc_rest_add_header(r, "X-Amz-Security-Token", k->creds.session_token)) ||
               awsc_rest_add_header(r, "Authorization", sig.authorization);
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
    put_decimal(o, "; max=", (uint64_t)max_attempts);
    put_decimal(length, "", (uint64_t)r->body.len);
    if (awsc_rest_add_header(r, "Host", k->host.data) || awsc_rest_add_header(r, "amz-sdk-invocation-id", k->invocation_id) ||
        awsc_rest_add_header(r, "amz-sdk-request", request_hdr) ||
        (r->has_body && !r->stream && awsc_rest_add_header(r, "Content-Length", length)))
        return awsc_error_nomem(err);

    /* With mutual TLS the certificate authenticates the request: nothing to sign. */
    int src = c->mtls || (k->op->flags & AWSC_OP_NO_AUTH) ? AWSC_OK : sign_request(c, k, err);
    if (src)
        return src;
    /* The SDK, its version and the service, in both headers the AWS SDKs send (neither is signed). */
    if (awsc_rest_add_header(r, "User-Agent", c->user_agent) || awsc_rest_add_header(r, "x-amz-user-agent", c->user_agent))
        return awsc_error_nomem(err);
    *hreq = (awsc_http_request){
        .method = k->op->method,
        .url = k->url.data,
        .headers = r->headers,
        .header_count = r->header_count,
        .body = (const uint8_t *)r->body.data,
        .body_len = r->body.len,
        .body_read = r->stream ? r->stream->read : NULL,
        .body_read_user = r->stream ? r->stream->user : NULL,
        .body_read_length = r->stream ? r->stream->length : 0,
        .sink = k->sink,
        .sink_user = k->sink_user,
    };
    return AWSC_OK;
}

/* Seconds between the server's Date header and our clock, when the error says the clock is off. */
static bool clock_skewed(awsc_client *c, const awsc_error *e, const awsc_http_response *resp, int64_t *offset)
{
    static const char *const codes[] = {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture",
                                        "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"};
    bool match = false;
    for (size_t i = 0; e->code && i < sizeof codes / sizeof codes[0]; i++)
        match |= strcmp(e->code, codes[i]) == 0;
    const char *date = awsc_http_response_header(resp, "Date");
    awsc_timestamp server;
    if (!match || !date || awsc_time_parse_http_date(date, strlen(date), &server) != 0)
        return false;
    int64_t diff = server.seconds - c->now(c->hooks_ctx);
    pthread_mutex_lock(&c->lock);
    int64_t current = c->clock_offset;
    pthread_mutex_unlock(&c->lock);
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

int awsc_call_begin(awsc_client *c, const awsc_operation *op, const void *input, awsc_sink_fn sink, void *sink_user,
                    awsc_call *k, awsc_error *err)
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
    if (op->input) {
        int rc = awsc_validate(op->input, input, err);
        if (rc)
            return rc;
    }
    /* An operation without auth needs no credentials: it is how a program gets its first ones. */
    bool unsigned_op = c->mtls || (op->flags & AWSC_OP_NO_AUTH);
    int rc = unsigned_op ? AWSC_OK : resolve_credentials(c, k, err);
    if (rc)
        return rc;
    /* One idempotency token for every attempt, so a retried call happens once. */
    bool use_token = needs_token(op, input);
    if (use_token && awsc_uuid_v4(k->token) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "the random number generator failed");
    rc = awsc_rest_serialize_reusing(op, input, use_token ? k->token : NULL, &k->req, err);
    if (!rc && op->compression) /* first: checksums and the signature cover the compressed bytes */
        rc = op->compression->compress(k, err);
    if (!rc && op->checksum) /* before signing: the checksum headers are signed too */
        rc = op->checksum->engine->prepare(k, input, err);
    /* Only a signature needs the body's hash; an aws-chunked upload has set its own. */
    if (!rc && k->req.stream && !unsigned_op && !k->payload_hash[0])
        rc = prepare_stream(k, err);
    if (!rc)
        rc = prepare_call(c, k, err);
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
    if (!rc && resp->status >= 200 && resp->status <= 299) {
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
    bool replayable = !k->req.stream || k->req.stream->rewind;
    /* A clock that drifted past the signature's tolerance is corrected once, at no retry cost. */
    int64_t offset;
    if (rc == AWSC_E_SERVICE && !k->skew_retry_used && replayable && clock_skewed(c, e, resp, &offset)) {
        pthread_mutex_lock(&c->lock);
        c->clock_offset = offset;
        pthread_mutex_unlock(&c->lock);
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
    if (kind != AWSC_RETRY_NO && replayable && k->attempt < c->max_attempts &&
        awsc_retry_bucket_acquire(&c->bucket, kind, &k->taken)) {
        *delay = awsc_retry_delay_ms(k->attempt + 1, kind, c->random01(c->hooks_ctx), hint);
        awsc_log(&c->log, AWSC_LOG_DEBUG, "%s.%s: retrying in %ld ms (%s)", c->svc->sdk_id, op->name, *delay,
                 kind == AWSC_RETRY_THROTTLE ? "throttled" : kind == AWSC_RETRY_TIMEOUT ? "timed out" : "transient");
        k->waited += *delay;
        return AWSC_CALL_RETRY;
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

int awsc_client_invoke_to_sink(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                               awsc_sink_fn sink, void *sink_user, awsc_error *err)
{
    if (output)
        *output = NULL;
    if (!c || !op)
        return awsc_error_set(err, AWSC_E_CONFIG, "client and operation must not be NULL");
    awsc_call k;
    int rc = awsc_call_begin(c, op, input, sink, sink_user, &k, err);
    while (!rc) {
        awsc_http_request hreq;
        rc = awsc_call_attempt(&k, &hreq, err);
        if (rc) {
            awsc_call_fail(&k, rc, err);
            break;
        }
        int sent = awsc_http_send_reusing(c->http, &hreq, &k.resp, err);
        long delay = 0;
        if (awsc_call_complete(&k, sent, &k.resp, output, &rc, &delay, err) == AWSC_CALL_DONE)
            break;
        if (delay > 0)
            c->sleep_ms(c->hooks_ctx, delay);
        rc = AWSC_OK;
    }
    awsc_call_end(&k);
    return rc;
}
