/*
 * The client: configuration, credentials, endpoint, and one operation call
 * as data flowing through validate -> serialize -> sign -> send -> parse.
 */
#include "arena.h"
#include "awsc/schema.h"
#include "buf.h"
#include "error.h"
#include "http.h"
#include "rest.h"
#include "sigv4.h"
#include "uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct awsc_client {
    const awsc_service *svc;
    char *region;
    char *endpoint;      /* scheme://authority[/base-path], no trailing slash */
    char *host;          /* authority for the Host header */
    char *access_key_id; /* NULL: read from the environment at call time */
    char *secret_access_key;
    char *session_token;
    awsc_http *http;
    awsc_sigv4_key_cache key_cache;
};

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
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
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
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

void awsc_client_free(awsc_client *c)
{
    if (!c)
        return;
    awsc_http_free(c->http);
    awsc_sigv4_key_cache_destroy(&c->key_cache);
    free(c->region);
    free(c->endpoint);
    free(c->host);
    free(c->access_key_id);
    if (c->secret_access_key) {
        /* Do not leave the secret in freed memory. */
        volatile char *p = c->secret_access_key;
        while (*p)
            *p++ = '\0';
    }
    free(c->secret_access_key);
    free(c->session_token);
    free(c);
}

int awsc_client_new(const awsc_service *svc, const awsc_config *cfg, awsc_client **out, awsc_error *err)
{
    static const awsc_config defaults = AWSC_CONFIG_INIT;
    if (!out || !svc)
        return awsc_error_set(err, AWSC_E_CONFIG, "awsc_client_new: service and out must not be NULL");
    *out = NULL;
    if (!cfg)
        cfg = &defaults;
    if (awsc_http_global_init() != 0)
        return awsc_error_set(err, AWSC_E_TRANSPORT, "libcurl failed to initialise");
    awsc_client *c = calloc(1, sizeof *c);
    if (!c)
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    c->svc = svc;
    awsc_sigv4_key_cache_init(&c->key_cache);

    const char *region = nonempty(cfg->region);
    if (!region)
        region = nonempty(getenv("AWS_REGION"));
    if (!region) {
        awsc_client_free(c);
        return awsc_error_set(err, AWSC_E_CONFIG, "no region: set awsc_config.region or AWS_REGION");
    }
    if (!valid_region(region)) {
        awsc_client_free(c);
        return awsc_error_set(err, AWSC_E_CONFIG, "invalid region '%s'", region);
    }
    c->region = awsc_strdup(region);

    char *endpoint_url = NULL;
    const char *url = nonempty(cfg->endpoint_url);
    if (!url) {
        if (default_endpoint(svc, region, &endpoint_url) != 0) {
            awsc_client_free(c);
            return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
        }
        url = endpoint_url;
    }
    int rc = parse_endpoint(url, &c->endpoint, &c->host, err);
    free(endpoint_url);
    if (rc) {
        awsc_client_free(c);
        return rc;
    }

    if (nonempty(cfg->access_key_id) || nonempty(cfg->secret_access_key)) {
        if (!nonempty(cfg->access_key_id) || !nonempty(cfg->secret_access_key)) {
            awsc_client_free(c);
            return awsc_error_set(err, AWSC_E_CONFIG,
                                  "credentials need both access_key_id and secret_access_key");
        }
        c->access_key_id = awsc_strdup(cfg->access_key_id);
        c->secret_access_key = awsc_strdup(cfg->secret_access_key);
        c->session_token = awsc_strdup(nonempty(cfg->session_token));
    }

    awsc_http_options ho = {
        .ca_file = cfg->ca_file,
        .ca_path = cfg->ca_path,
        .connect_timeout_ms = cfg->connect_timeout_ms,
        .request_timeout_ms = cfg->request_timeout_ms,
        .max_response_bytes = cfg->max_response_bytes,
    };
    c->http = awsc_http_new(&ho);
    if (!c->region || !c->http) {
        awsc_client_free(c);
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    }
    *out = c;
    awsc_error_ok(err);
    return AWSC_OK;
}

/* Explicit credentials, else the environment (read per call, so rotation is seen). */
static int resolve_credentials(const awsc_client *c, awsc_sigv4_credentials *creds, awsc_error *err)
{
    if (c->access_key_id) {
        creds->access_key_id = c->access_key_id;
        creds->secret_access_key = c->secret_access_key;
        creds->session_token = c->session_token;
        return AWSC_OK;
    }
    creds->access_key_id = nonempty(getenv("AWS_ACCESS_KEY_ID"));
    creds->secret_access_key = nonempty(getenv("AWS_SECRET_ACCESS_KEY"));
    creds->session_token = nonempty(getenv("AWS_SESSION_TOKEN"));
    if (!creds->access_key_id || !creds->secret_access_key)
        return awsc_error_set(err, AWSC_E_CONFIG,
                              "no credentials: set awsc_config.access_key_id/secret_access_key or "
                              "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    return AWSC_OK;
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

static int sign_and_send(awsc_client *c, const awsc_operation *op, awsc_rest_request *req,
                         const awsc_sigv4_credentials *creds, awsc_http_response *resp, awsc_error *err)
{
    char invocation_id[37];
    if (awsc_uuid_v4(invocation_id) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "the random number generator failed");
    /* The operation's host prefix goes in front of the endpoint's host. */
    const char *scheme_end = strstr(c->endpoint, "://") + 3;
    awsc_buf host = AWSC_BUF_INIT;
    if (awsc_buf_append(&host, req->host_prefix.data ? req->host_prefix.data : "", req->host_prefix.len) ||
        awsc_buf_puts(&host, c->host)) {
        awsc_buf_free(&host);
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    }
    int hrc = awsc_rest_add_header(req, "Host", host.data);
    awsc_buf_free(&host);
    if (hrc || awsc_rest_add_header(req, "amz-sdk-invocation-id", invocation_id) ||
        awsc_rest_add_header(req, "amz-sdk-request", "attempt=1; max=1"))
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    if (req->has_body) {
        char len[32];
        snprintf(len, sizeof len, "%zu", req->body.len);
        if (awsc_rest_add_header(req, "Content-Length", len))
            return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
    }

    /* The endpoint's own path (if any) prefixes the operation's path. */
    const char *base_path = strchr(scheme_end, '/');
    awsc_buf path = AWSC_BUF_INIT, url = AWSC_BUF_INIT;
    int rc = AWSC_OK;
    if ((base_path && awsc_buf_puts(&path, base_path)) || awsc_buf_append(&path, req->path.data, req->path.len) ||
        awsc_buf_printf(&url, "%.*s%s%s%s%s%s", (int)(scheme_end - c->endpoint), c->endpoint,
                        req->host_prefix.len ? req->host_prefix.data : "", c->host, path.data,
                        req->query.len ? "?" : "", req->query.len ? req->query.data : "")) {
        rc = awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
        goto done;
    }

    awsc_sigv4_params params = {
        .creds = *creds,
        .region = c->region,
        .service = c->svc->signing_name,
        .time = (int64_t)time(NULL),
        .normalize_path = true,
        .double_encode_path = true,
    };
    awsc_sigv4_request sreq = {
        .method = op->method,
        .path = path.data,
        .query = req->query.len ? req->query.data : NULL,
        .headers = req->headers,
        .header_count = req->header_count,
        .payload = (const uint8_t *)req->body.data,
        .payload_len = req->body.len,
    };
    awsc_sigv4_result sig = {0};
    if (awsc_sigv4_sign(&params, &sreq, &c->key_cache, &sig) != 0) {
        awsc_sigv4_result_free(&sig);
        rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: the request cannot be signed (invalid header or value)",
                            op->name);
        goto done;
    }
    if (awsc_rest_add_header(req, "X-Amz-Date", sig.amz_date) ||
        (creds->session_token && awsc_rest_add_header(req, "X-Amz-Security-Token", creds->session_token)) ||
        awsc_rest_add_header(req, "Authorization", sig.authorization) ||
        awsc_rest_add_header(req, "User-Agent", "awsc/" AWSC_VERSION)) {
        awsc_sigv4_result_free(&sig);
        rc = awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
        goto done;
    }
    awsc_sigv4_result_free(&sig);

    awsc_http_request hreq = {
        .method = op->method,
        .url = url.data,
        .headers = req->headers,
        .header_count = req->header_count,
        .body = (const uint8_t *)req->body.data,
        .body_len = req->body.len,
    };
    rc = awsc_http_send(c->http, &hreq, resp, err);
done:
    awsc_buf_free(&path);
    awsc_buf_free(&url);
    return rc;
}

int awsc_client_invoke(awsc_client *c, const awsc_operation *op, const void *input, void **output, awsc_error *err)
{
    if (output)
        *output = NULL;
    if (!c || !op)
        return awsc_error_set(err, AWSC_E_CONFIG, "client and operation must not be NULL");
    if (op->input) {
        int rc = awsc_validate(op->input, input, err);
        if (rc)
            return rc;
    }
    awsc_sigv4_credentials creds;
    int rc = resolve_credentials(c, &creds, err);
    if (rc)
        return rc;

    char token[37];
    bool use_token = needs_token(op, input);
    if (use_token && awsc_uuid_v4(token) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "the random number generator failed");

    awsc_rest_request req;
    rc = awsc_rest_serialize(op, input, use_token ? token : NULL, &req, err);
    awsc_http_response resp = {0};
    if (!rc)
        rc = sign_and_send(c, op, &req, &creds, &resp, err);
    awsc_rest_request_free(&req);
    if (rc) {
        awsc_http_response_free(&resp);
        return rc;
    }

    if (resp.status < 200 || resp.status > 299) {
        rc = awsc_rest_parse_error(c->svc, op, &resp, err);
        awsc_http_response_free(&resp);
        return rc;
    }
    if (op->output) {
        awsc_arena *arena;
        void *out = awsc_arena_new_root(&arena, op->output->size);
        if (!out) {
            awsc_http_response_free(&resp);
            return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
        }
        rc = awsc_rest_parse_output(op->output, &resp, arena, out, err);
        if (rc) {
            awsc_error *e = awsc_error_target(err);
            e->http_status = resp.status;
            const char *rid = awsc_http_response_header(&resp, "x-amzn-requestid");
            if (rid && !e->request_id)
                e->request_id = awsc_strdup(rid);
            awsc_output_free(out);
            awsc_http_response_free(&resp);
            return rc;
        }
        if (output)
            *output = out;
        else
            awsc_output_free(out);
    }
    awsc_http_response_free(&resp);
    awsc_error_ok(err);
    return AWSC_OK;
}
