/*
 * Request compression (smithy.api#requestCompression), as the AWS SDKs do it
 * (aws-sdk-js-v3's middleware-compression, smithy-rs's aws-smithy-compression):
 *
 * - an operation with the trait sends its body gzip-compressed when the body
 *   is at least request_min_compression_size_bytes long (10240 by default,
 *   0 to 10485760 accepted) and disable_request_compression is not true;
 * - "gzip" is appended to Content-Encoding, after any value the input bound
 *   to that header (REST protocols), so the server undoes them in order;
 * - compression comes before checksums and the signature, which cover the
 *   bytes sent.
 *
 * A body read through a callback is sent as it is: the trait's operations in
 * AWS's models (CloudWatch PutMetricData) have buffered bodies, and a stream
 * that must be compressed as it is read cannot also declare its length.
 */
#include "awsc/compression.h"
#include "core/compression.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* ---- configuration ---- */

/* The setting's value: the code's, else the environment's, else the profile's (to free in *owned). */
static const char *setting(const char *env_name, const awsc_lent_profile *profile, const char *key, char **owned)
{
    *owned = NULL;
    const char *v = awsc_nonempty(getenv(env_name));
    return v ? v : (*owned = profile->value(profile->name, key));
}

static int resolve_disabled(const awsc_config *cfg, const awsc_lent_profile *profile, bool *out, awsc_error *err)
{
    *out = cfg->disable_request_compression;
    if (*out)
        return AWSC_OK;
    char *owned;
    const char *v = setting("AWS_DISABLE_REQUEST_COMPRESSION", profile, "disable_request_compression", &owned);
    int rc = AWSC_OK;
    if (v && strcasecmp(v, "true") == 0)
        *out = true;
    else if (v && strcasecmp(v, "false") != 0)
        rc = awsc_error_set(err, AWSC_E_CONFIG, "disable_request_compression must be true or false, not '%s'", v);
    free(owned);
    return rc;
}

static int resolve_min_size(const awsc_config *cfg, const awsc_lent_profile *profile, uint32_t *out,
                            awsc_error *err)
{
    if (cfg->request_min_compression_size_bytes < 0 ||
        cfg->request_min_compression_size_bytes > (long)AWSC_COMPRESSION_MIN_SIZE_MAX)
        return awsc_error_set(err, AWSC_E_CONFIG, "request_min_compression_size_bytes must be 0 to %u, not %ld",
                              AWSC_COMPRESSION_MIN_SIZE_MAX, cfg->request_min_compression_size_bytes);
    if (cfg->request_min_compression_size_bytes > 0) {
        *out = (uint32_t)cfg->request_min_compression_size_bytes;
        return AWSC_OK;
    }
    char *owned;
    const char *v = setting("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", profile, "request_min_compression_size_bytes",
                            &owned);
    int rc = AWSC_OK;
    *out = AWSC_COMPRESSION_MIN_SIZE_DEFAULT;
    if (v) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(v, &end, 10);
        /* digits only: strtoul would take "-1", " 5" and "5 bytes" */
        if (v[strspn(v, "0123456789")] != '\0' || errno || n > AWSC_COMPRESSION_MIN_SIZE_MAX)
            rc = awsc_error_set(err, AWSC_E_CONFIG, "request_min_compression_size_bytes must be 0 to %u, not '%s'",
                                AWSC_COMPRESSION_MIN_SIZE_MAX, v);
        else
            *out = (uint32_t)n;
    }
    free(owned);
    return rc;
}

static int configure(awsc_client *c, const awsc_config *cfg, const awsc_lent_profile *profile, awsc_error *err)
{
    int rc = resolve_disabled(cfg, profile, &c->request_compression_disabled, err);
    return rc ? rc : resolve_min_size(cfg, profile, &c->request_min_compression_size, err);
}

/* ---- one request ---- */

/* `in` as one gzip member (RFC 1952) in `out`, which it replaces. */
static int gzip_body(const awsc_buf *in, awsc_buf *out, awsc_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: the largest window, with a gzip header and trailer instead of zlib's */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return awsc_error_nomem(err);
    size_t bound = deflateBound(&z, (uLong)in->len);
    if (awsc_buf_reserve(out, bound + 1)) {
        deflateEnd(&z);
        return awsc_error_nomem(err);
    }
    z.next_in = (Bytef *)in->data;
    z.avail_in = (uInt)in->len;
    z.next_out = (Bytef *)out->data;
    z.avail_out = (uInt)bound;
    /* deflateBound is enough for one Z_FINISH call: anything else is zlib failing. */
    int zrc = deflate(&z, Z_FINISH);
    size_t written = bound - z.avail_out;
    deflateEnd(&z);
    if (zrc != Z_STREAM_END)
        return awsc_error_set(err, AWSC_E_INTERNAL, "gzip compression of the request body failed (zlib %d)", zrc);
    out->len = written;
    out->data[written] = '\0';
    return AWSC_OK;
}

/* Appends "gzip" to the request's Content-Encoding, or sets it. */
static int append_encoding(awsc_rest_request *req, awsc_error *err)
{
    for (size_t i = 0; i < req->header_count; i++) {
        awsc_header *h = &req->headers[i];
        if (strcasecmp(h->name, "Content-Encoding") != 0)
            continue;
        size_t n = strlen(h->value);
        char *v = awsc_arena_alloc(req->strings, n + sizeof ", gzip");
        if (!v)
            return awsc_error_nomem(err);
        memcpy(v, h->value, n);
        memcpy(v + n, ", gzip", sizeof ", gzip");
        h->value = v;
        if (req->header_lens) /* kept right, though a stale length would only be measured again */
            req->header_lens[2 * i + 1] = n + sizeof ", gzip" - 1;
        return AWSC_OK;
    }
    return awsc_rest_add_header(req, "Content-Encoding", "gzip") ? awsc_error_nomem(err) : AWSC_OK;
}

static int compress_body(awsc_call *k, awsc_error *err)
{
    const awsc_client *c = k->c;
    awsc_rest_request *req = &k->req;
    if (c->request_compression_disabled || req->stream || !req->has_body ||
        req->body.len < c->request_min_compression_size)
        return AWSC_OK;
    awsc_buf gz = AWSC_BUF_INIT;
    int rc = gzip_body(&req->body, &gz, err);
    if (!rc)
        rc = append_encoding(req, err);
    if (rc) {
        free(gz.data);
        return rc;
    }
    /* The compressed body takes the plain one's place; the call's pool keeps its buffer for the next call. */
    awsc_buf plain = req->body;
    req->body = gz;
    free(plain.data);
    return AWSC_OK;
}

const awsc_compression_engine awsc_gzip_compression = {
    .configure = configure,
    .compress = compress_body,
};
