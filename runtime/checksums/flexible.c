/*
 * Flexible checksums, as the AWS SDKs do them since 2025 (aws-sdk-js-v3's
 * middleware-flexible-checksums, smithy-rs's aws-smithy-checksums):
 *
 * - a request of an operation that has a requestAlgorithmMember or
 *   requestChecksumRequired gets x-amz-checksum-<algorithm>: base64 of the
 *   body's big-endian digest, with the algorithm the caller set, else CRC32
 *   (always when required; with request_checksum_calculation = when_supported,
 *   the default, also when merely supported); the algorithm member goes out
 *   as its header (x-amz-sdk-checksum-algorithm) as the SDKs set it;
 * - a response is validated when the validation-mode member is ENABLED, or
 *   unset with response_checksum_validation = when_supported (then it is sent
 *   as ENABLED): the first x-amz-checksum-* header of the operation's
 *   responseAlgorithms is checked against the body, a multipart object's
 *   composite checksum ("...-N") is not, and a mismatch fails the call.
 */
/* OpenSSL's one-structure SHA-1 and SHA-256 functions, without their deprecation (see crypto/crypto.c). */
#define OPENSSL_API_COMPAT 10101
#include "awsc/checksums.h"
#include "core/checksum.h"

#include "checksums/crc.h"
#include "serde/scalar.h"
#include "util/arena.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/error.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ALG_CRC32, ALG_CRC32C, ALG_CRC64NVME, ALG_SHA1, ALG_SHA256, ALGORITHM_COUNT, NO_ALGORITHM = -1 };

static const struct algorithm {
    const char *name;   /* the model's enum value */
    const char *header;
    uint8_t bit;        /* AWSC_CHECKSUM_* */
    uint8_t base64_len; /* of the header's value */
} algorithms[ALGORITHM_COUNT] = {
    {"CRC32", "x-amz-checksum-crc32", AWSC_CHECKSUM_CRC32, 8},
    {"CRC32C", "x-amz-checksum-crc32c", AWSC_CHECKSUM_CRC32C, 8},
    {"CRC64NVME", "x-amz-checksum-crc64nvme", AWSC_CHECKSUM_CRC64NVME, 12},
    {"SHA1", "x-amz-checksum-sha1", AWSC_CHECKSUM_SHA1, 28},
    {"SHA256", "x-amz-checksum-sha256", AWSC_CHECKSUM_SHA256, 44},
};

/* The order in which a response's checksum headers are looked for: aws-sdk-js-v3's PRIORITY_ORDER_ALGORITHMS. */
static const int response_priority[ALGORITHM_COUNT] = {ALG_SHA256, ALG_SHA1, ALG_CRC32, ALG_CRC32C, ALG_CRC64NVME};

/* ---- one running digest of any algorithm ---- */

typedef struct digest {
    int algorithm;
    union {
        uint32_t crc32;
        uint64_t crc64;
        SHA_CTX sha1;
        SHA256_CTX sha256;
    } state;
} digest;

static void digest_init(digest *d, int algorithm)
{
    memset(d, 0, sizeof *d);
    d->algorithm = algorithm;
    if (algorithm == ALG_SHA1)
        SHA1_Init(&d->state.sha1);
    else if (algorithm == ALG_SHA256)
        SHA256_Init(&d->state.sha256);
}

static void digest_update(digest *d, const uint8_t *p, size_t len)
{
    switch (d->algorithm) {
    case ALG_CRC32:
        d->state.crc32 = awsc_crc32(d->state.crc32, p, len);
        break;
    case ALG_CRC32C:
        d->state.crc32 = awsc_crc32c(d->state.crc32, p, len);
        break;
    case ALG_CRC64NVME:
        d->state.crc64 = awsc_crc64nvme(d->state.crc64, p, len);
        break;
    case ALG_SHA1:
        SHA1_Update(&d->state.sha1, p, len);
        break;
    default:
        SHA256_Update(&d->state.sha256, p, len);
        break;
    }
}

static void absorb(void *d, const uint8_t *p, size_t len)
{
    digest_update(d, p, len);
}

/* The header value: base64 of the digest (CRCs big-endian), into `out`. Non-zero on no memory. */
static int digest_base64(digest *d, awsc_buf *out)
{
    uint8_t raw[32];
    size_t n = 0;
    switch (d->algorithm) {
    case ALG_CRC32:
    case ALG_CRC32C:
        for (n = 0; n < 4; n++)
            raw[n] = (uint8_t)(d->state.crc32 >> (24 - 8 * n));
        break;
    case ALG_CRC64NVME:
        for (n = 0; n < 8; n++)
            raw[n] = (uint8_t)(d->state.crc64 >> (56 - 8 * n));
        break;
    case ALG_SHA1:
        SHA1_Final(raw, &d->state.sha1);
        n = 20;
        break;
    default:
        SHA256_Final(raw, &d->state.sha256);
        n = 32;
        break;
    }
    out->len = 0;
    return awsc_base64_encode(out, raw, n);
}

/* ---- the public running checksum (awsc/checksums.h) ---- */

struct awsc_checksum {
    digest d;
};

awsc_checksum *awsc_checksum_new(const char *algorithm)
{
    for (int i = 0; algorithm && i < ALGORITHM_COUNT; i++)
        if (strcasecmp(algorithm, algorithms[i].name) == 0) {
            awsc_checksum *cs = malloc(sizeof *cs);
            if (cs)
                digest_init(&cs->d, i);
            return cs;
        }
    return NULL;
}

void awsc_checksum_update(awsc_checksum *cs, const void *data, size_t len)
{
    if (cs && len)
        digest_update(&cs->d, data, len);
}

size_t awsc_checksum_final(awsc_checksum *cs, uint8_t raw[32], char *base64)
{
    size_t n = 0;
    switch (cs->d.algorithm) {
    case ALG_CRC32:
    case ALG_CRC32C:
        for (n = 0; n < 4; n++)
            raw[n] = (uint8_t)(cs->d.state.crc32 >> (24 - 8 * n));
        break;
    case ALG_CRC64NVME:
        for (n = 0; n < 8; n++)
            raw[n] = (uint8_t)(cs->d.state.crc64 >> (56 - 8 * n));
        break;
    case ALG_SHA1:
        SHA1_Final(raw, &cs->d.state.sha1);
        n = 20;
        break;
    default:
        SHA256_Final(raw, &cs->d.state.sha256);
        n = 32;
        break;
    }
    if (base64) {
        static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t o = 0;
        for (size_t i = 0; i < n; i += 3) {
            uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < n ? (uint32_t)raw[i + 1] << 8 : 0) |
                         (i + 2 < n ? raw[i + 2] : 0);
            base64[o++] = abc[v >> 18 & 63];
            base64[o++] = abc[v >> 12 & 63];
            base64[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
            base64[o++] = i + 2 < n ? abc[v & 63] : '=';
        }
        base64[o] = '\0';
    }
    digest_init(&cs->d, cs->d.algorithm);
    return n;
}

const char *awsc_checksum_name(const awsc_checksum *cs)
{
    return algorithms[cs->d.algorithm].name;
}

void awsc_checksum_free(awsc_checksum *cs)
{
    free(cs);
}

/* ---- configuration ---- */

static int resolve_when(const char *given, const char *env_name, const awsc_lent_profile *profile,
                        const char *key, uint8_t *out, awsc_error *err)
{
    char *from_profile = NULL;
    const char *v = awsc_nonempty(given) ? given : awsc_nonempty(getenv(env_name));
    if (!v)
        v = from_profile = profile->value(profile->name, key);
    int rc = AWSC_OK;
    if (!v || strcasecmp(v, "when_supported") == 0)
        *out = AWSC_CHECKSUM_WHEN_SUPPORTED;
    else if (strcasecmp(v, "when_required") == 0)
        *out = AWSC_CHECKSUM_WHEN_REQUIRED;
    else
        rc = awsc_error_set(err, AWSC_E_CONFIG, "%s must be when_supported or when_required, not '%s'", key, v);
    free(from_profile);
    return rc;
}

static int configure(awsc_client *c, const awsc_config *cfg, const awsc_lent_profile *profile, awsc_error *err)
{
    int rc = resolve_when(cfg->request_checksum_calculation, "AWS_REQUEST_CHECKSUM_CALCULATION", profile,
                          "request_checksum_calculation", &c->request_checksum_calculation, err);
    return rc ? rc
              : resolve_when(cfg->response_checksum_validation, "AWS_RESPONSE_CHECKSUM_VALIDATION", profile,
                             "response_checksum_validation", &c->response_checksum_validation, err);
}

/* What a call with checksums keeps: the upload's encoder and the response's validation. */
#define CHUNK_SIZE 65536 /* decoded bytes per aws-chunked chunk, as the SDKs send */

typedef struct chunked_upload {
    const awsc_stream *source; /* the caller's body */
    awsc_stream encoded;       /* what is sent instead */
    digest running;
    int64_t left;              /* decoded bytes the source still owes */
    uint8_t *out;              /* the next framed chunk (or the trailer), sent from `at` */
    size_t at, len;
    bool trailer_sent;
} chunked_upload;

struct awsc_checksum_call {
    awsc_call *k;
    chunked_upload *upload; /* a body read through a callback, sent aws-chunked; NULL otherwise */
    bool validating;
    awsc_sink_fn sink; /* the caller's, which checked_sink feeds */
    void *sink_user;
    int sends;         /* the attempt (awsc_call.sends) whose body `running` covers; 0: none yet */
    int algorithm;     /* of the header being checked, or NO_ALGORITHM */
    digest running;
    char expected[48]; /* the header's value; a longer one cannot match */
    bool expected_too_long;
};

static struct awsc_checksum_call *call_state(awsc_call *k)
{
    if (!k->checksum && (k->checksum = calloc(1, sizeof *k->checksum)) != NULL) {
        k->checksum->k = k;
        k->checksum->algorithm = NO_ALGORITHM;
    }
    return k->checksum;
}

/* ---- requests ---- */

/* awsc_http_response_header's lookup: the runtime's own is hidden from this library when shared. */
static const char *response_header(const awsc_http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->header_count; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* The text of an enum or string member of the input, or NULL when unset. */
static const char *member_text(const awsc_member *m, const void *input)
{
    if (!m || !input || !awsc_member_present(m, input))
        return NULL;
    if (m->type == AWSC_T_ENUM)
        return awsc_enum_wire(m, input);
    return m->type == AWSC_T_STRING ? *(const char *const *)awsc_member_slot(m, input) : NULL;
}

/* A checksum the caller computed (a ChecksumCRC32 member bound to x-amz-checksum-crc32, say) is sent as given. */
static bool has_checksum_header(const awsc_rest_request *req)
{
    for (int i = 0; i < ALGORITHM_COUNT; i++)
        if (awsc_rest_has_header(req, algorithms[i].header))
            return true;
    return false;
}

/* ---- aws-chunked: a body read once, its checksum sent after it as a trailer ---- */

static size_t put_hex(char *o, uint64_t v)
{
    char digits[16];
    size_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    for (size_t i = 0; i < n; i++)
        o[i] = digits[n - 1 - i];
    return n;
}

/* Bytes on the wire for `decoded` bytes: "<hex size>\r\n<data>\r\n" per chunk, "0\r\n", the trailer, "\r\n". */
static int64_t encoded_length(int64_t decoded, int alg)
{
    char hex[16];
    int64_t full = decoded / CHUNK_SIZE, rest = decoded % CHUNK_SIZE;
    int64_t n = full * (int64_t)(put_hex(hex, CHUNK_SIZE) + 4 + CHUNK_SIZE);
    if (rest)
        n += (int64_t)put_hex(hex, (uint64_t)rest) + 4 + rest;
    return n + 3 + (int64_t)strlen(algorithms[alg].header) + 1 + algorithms[alg].base64_len + 4;
}

/* Reads exactly `want` bytes of the source into `data`; -1 when it fails or ends early. */
static int read_source(chunked_upload *u, uint8_t *data, size_t want)
{
    for (size_t got = 0; got < want;) {
        long n = u->source->read(u->source->user, data + got, want - got);
        if (n <= 0 || (size_t)n > want - got)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

/* Frames the next chunk (or, at the end, the trailer) into u->out. -1 when the source fails or lies about its length. */
static int next_frame(chunked_upload *u)
{
    uint8_t *data = u->out + 24; /* room for the size line */
    size_t want = u->left < CHUNK_SIZE ? (size_t)u->left : CHUNK_SIZE;
    if (read_source(u, data, want) != 0)
        return -1; /* an error, or fewer bytes than the stream's length */
    if (want) {
        digest_update(&u->running, data, want);
        u->left -= (int64_t)want;
        char line[24];
        size_t h = put_hex(line, want);
        line[h++] = '\r';
        line[h++] = '\n';
        memcpy(data - h, line, h);
        memcpy(data + want, "\r\n", 2);
        u->at = 24 - h;
        u->len = 24 + want + 2;
        return 0;
    }
    uint8_t extra;
    if (u->source->read(u->source->user, &extra, 1) != 0)
        return -1; /* more bytes than its length, or an error */
    awsc_buf value = AWSC_BUF_INIT;
    if (digest_base64(&u->running, &value))
        return -1;
    int n = snprintf((char *)u->out, CHUNK_SIZE, "0\r\n%s:%s\r\n\r\n", algorithms[u->running.algorithm].header,
                     value.data);
    awsc_buf_free(&value);
    u->at = 0;
    u->len = (size_t)n;
    u->trailer_sent = true;
    return 0;
}

/*
 * When the sender's buffer holds a whole chunk with its framing, the source
 * reads straight into it, between the size line and the CRLF, and the
 * checksum runs over it there: no copy of the body (the HTTP layer gives a
 * streamed upload a buffer that is large enough).
 */
static long chunk_in_place(chunked_upload *u, uint8_t *buf, size_t want)
{
    char line[24];
    size_t h = put_hex(line, want);
    line[h++] = '\r';
    line[h++] = '\n';
    if (read_source(u, buf + h, want) != 0)
        return -1;
    digest_update(&u->running, buf + h, want);
    u->left -= (int64_t)want;
    memcpy(buf, line, h);
    memcpy(buf + h + want, "\r\n", 2);
    return (long)(h + want + 2);
}

static long chunked_read(void *user, uint8_t *buf, size_t cap)
{
    chunked_upload *u = user;
    if (u->at == u->len) {
        if (u->trailer_sent)
            return 0;
        /* As many whole chunks as the buffer holds, each framed in place. */
        size_t done = 0;
        for (;;) {
            size_t want = u->left < CHUNK_SIZE ? (size_t)u->left : CHUNK_SIZE;
            if (!want || cap - done < want + 24 + 2)
                break;
            long n = chunk_in_place(u, buf + done, want);
            if (n < 0)
                return -1;
            done += (size_t)n;
        }
        if (done)
            return (long)done;
        if (next_frame(u) != 0)
            return -1;
    }
    size_t n = u->len - u->at < cap ? u->len - u->at : cap;
    memcpy(buf, u->out + u->at, n);
    u->at += n;
    return (long)n;
}

/*
 * A body read through a callback that cannot rewind is read once, as it is
 * sent: aws-chunked, unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER), with the
 * checksum in a trailer, as the SDKs upload streams. S3 needs the decoded
 * length up front, so the stream must know its length.
 */
static int send_chunked(awsc_call *k, int alg, awsc_error *err)
{
    const awsc_stream *source = k->req.stream;
    if (source->length < 0 || awsc_rest_has_header(&k->req, "Content-Encoding"))
        return awsc_error_set(err, AWSC_E_VALIDATION,
                              "%s: a %s checksum of a body read through a callback needs a rewind callback or "
                              "its length (and no Content-Encoding of its own)",
                              k->op->name, algorithms[alg].name);
    struct awsc_checksum_call *v = call_state(k);
    chunked_upload *u = v ? calloc(1, sizeof *u) : NULL;
    if (!u || !(u->out = malloc(24 + CHUNK_SIZE + 2))) {
        free(u);
        return awsc_error_nomem(err);
    }
    v->upload = u;
    u->source = source;
    u->left = source->length;
    digest_init(&u->running, alg);
    u->encoded = (awsc_stream){.read = chunked_read, .user = u, .length = encoded_length(source->length, alg)};
    k->req.stream = &u->encoded;
    char decoded[24], encoded[24];
    snprintf(decoded, sizeof decoded, "%lld", (long long)source->length);
    /* The serializer sent the stream's own length: what goes on the wire is now longer. */
    int n = snprintf(encoded, sizeof encoded, "%lld", (long long)u->encoded.length);
    for (size_t i = 0; i < k->req.header_count; i++)
        if (strcasecmp(k->req.headers[i].name, "Content-Length") == 0 &&
            !(k->req.headers[i].value = awsc_arena_strndup(k->req.strings, encoded, (size_t)n)))
            return awsc_error_nomem(err);
    /* Set here, the signer takes it as the payload's hash and the client does not read the body ahead. */
    snprintf(k->payload_hash, sizeof k->payload_hash, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    bool oom = awsc_rest_add_header(&k->req, "Content-Encoding", "aws-chunked") ||
               awsc_rest_add_header(&k->req, "x-amz-decoded-content-length", decoded) ||
               awsc_rest_add_header(&k->req, "x-amz-trailer", algorithms[alg].header) ||
               awsc_rest_add_header(&k->req, "X-Amz-Content-Sha256", k->payload_hash);
    return oom ? awsc_error_nomem(err) : AWSC_OK;
}

static int add_request_checksum(awsc_call *k, const void *input, awsc_error *err)
{
    const awsc_http_checksum *cs = k->op->checksum;
    awsc_rest_request *req = &k->req;
    const char *chosen = member_text(cs->request_algorithm, input);
    int alg = NO_ALGORITHM;
    if (chosen) {
        for (int i = 0; i < ALGORITHM_COUNT && alg < 0; i++)
            if (strcasecmp(chosen, algorithms[i].name) == 0)
                alg = i;
        if (alg < 0)
            return awsc_error_set(err, AWSC_E_VALIDATION,
                                  "%s: checksum algorithm '%s' is not supported (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)",
                                  k->op->name, chosen);
    } else if (cs->request_required ||
               (cs->request_algorithm && k->c->request_checksum_calculation == AWSC_CHECKSUM_WHEN_SUPPORTED)) {
        alg = ALG_CRC32;
    }
    if (alg < 0 || has_checksum_header(req))
        return AWSC_OK;
    bool chunkable = !req->stream || req->stream->rewind ||
                     (req->stream->length >= 0 && !awsc_rest_has_header(req, "Content-Encoding"));
    if (!chunkable && !cs->request_required && !chosen)
        return AWSC_OK; /* merely supported: the body goes out as it is */

    const awsc_member *m = cs->request_algorithm;
    if (m && m->binding == AWSC_B_HEADER && !chosen && awsc_rest_add_header(req, m->wire_name, algorithms[alg].name))
        return awsc_error_nomem(err);
    if (req->stream && !req->stream->rewind)
        return send_chunked(k, alg, err);
    digest d;
    digest_init(&d, alg);
    if (req->stream) {
        if (awsc_call_read_stream(k, absorb, &d) != 0)
            return awsc_error_set(err, AWSC_E_VALIDATION, "%s: reading or rewinding the request body failed",
                                  k->op->name);
    } else {
        digest_update(&d, (const uint8_t *)req->body.data, req->body.len);
    }
    awsc_buf value = AWSC_BUF_INIT;
    bool oom = digest_base64(&d, &value) || awsc_rest_add_header(req, algorithms[alg].header, value.data);
    awsc_buf_free(&value);
    return oom ? awsc_error_nomem(err) : AWSC_OK;
}

/* ---- responses ---- */

/* Picks the header to check from the response's headers and starts its digest. */
static void start(struct awsc_checksum_call *v, const awsc_http_response *resp)
{
    v->sends = v->k->sends;
    v->algorithm = NO_ALGORITHM;
    uint8_t allowed = v->k->op->checksum->response_algorithms;
    for (int p = 0; p < ALGORITHM_COUNT; p++) {
        int i = response_priority[p];
        const char *value = (allowed & algorithms[i].bit) ? response_header(resp, algorithms[i].header) : NULL;
        if (!value)
            continue;
        /* A multipart object's checksum of its parts' checksums ("<base64>-<parts>") is not the body's. */
        const char *dash = strrchr(value, '-');
        if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
            return;
        size_t n = strlen(value);
        v->expected_too_long = n >= sizeof v->expected;
        memcpy(v->expected, value, v->expected_too_long ? sizeof v->expected - 1 : n);
        v->expected[v->expected_too_long ? sizeof v->expected - 1 : n] = '\0';
        v->algorithm = i;
        digest_init(&v->running, i);
        return;
    }
}

/* Between libcurl and the caller's sink: the data goes on as it arrives, and into the digest. */
static int checked_sink(void *user, const uint8_t *data, size_t len)
{
    struct awsc_checksum_call *v = user;
    if (v->sends != v->k->sends)
        start(v, &v->k->resp);
    if (v->algorithm != NO_ALGORITHM)
        digest_update(&v->running, data, len);
    return v->sink(v->sink_user, data, len);
}

static int prepare(awsc_call *k, const void *input, awsc_error *err)
{
    int rc = add_request_checksum(k, input, err);
    const awsc_http_checksum *cs = k->op->checksum;
    if (rc || !cs->validation_mode || !cs->response_algorithms)
        return rc;
    const char *mode = member_text(cs->validation_mode, input);
    bool enabled = mode && strcasecmp(mode, "ENABLED") == 0;
    if (!mode && k->c->response_checksum_validation == AWSC_CHECKSUM_WHEN_SUPPORTED) {
        enabled = true;
        const awsc_member *m = cs->validation_mode; /* ask for the checksum as the SDKs do */
        if (m->binding == AWSC_B_HEADER && awsc_rest_add_header(&k->req, m->wire_name, "ENABLED"))
            return awsc_error_nomem(err);
    }
    if (!enabled)
        return AWSC_OK;
    struct awsc_checksum_call *v = call_state(k);
    if (!v)
        return awsc_error_nomem(err);
    v->validating = true;
    if (k->sink) {
        v->sink = k->sink;
        v->sink_user = k->sink_user;
        k->sink = checked_sink;
        k->sink_user = v;
    }
    return AWSC_OK;
}

static int validate(awsc_call *k, const awsc_http_response *resp, awsc_error *err)
{
    struct awsc_checksum_call *v = k->checksum;
    if (!v || !v->validating)
        return AWSC_OK;
    if (!v->sink || v->sends != k->sends) /* buffered, or streamed with an empty body */
        start(v, resp);
    if (v->algorithm == NO_ALGORITHM)
        return AWSC_OK;
    if (!v->sink)
        digest_update(&v->running, (const uint8_t *)resp->body.data, resp->body.len);
    awsc_buf computed = AWSC_BUF_INIT;
    if (digest_base64(&v->running, &computed))
        return awsc_error_nomem(err);
    if (!v->expected_too_long && strcmp(computed.data, v->expected) == 0) {
        awsc_buf_free(&computed);
        return AWSC_OK;
    }
    int rc = awsc_error_set(err, AWSC_E_RESPONSE,
                            "%s: the response body does not match its checksum: %s is '%s%s', the body's %s is '%s'",
                            k->op->name, algorithms[v->algorithm].header, v->expected,
                            v->expected_too_long ? "..." : "", algorithms[v->algorithm].name, computed.data);
    awsc_buf_free(&computed);
    awsc_error *e = awsc_error_target(err);
    e->code = awsc_strdup("ChecksumMismatch"); /* NULL on no memory: the message says it all */
    return rc;
}

static void end(awsc_call *k)
{
    if (k->checksum->upload) {
        free(k->checksum->upload->out);
        free(k->checksum->upload);
    }
    free(k->checksum);
    k->checksum = NULL;
}

const awsc_checksum_engine awsc_flexible_checksums = {
    .configure = configure,
    .prepare = prepare,
    .validate = validate,
    .end = end,
};
