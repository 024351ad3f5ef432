/*
 * application/vnd.amazon.eventstream framing (../shared/specs/aws/amazon-eventstream.rst):
 *
 *   total_length u32 | headers_length u32 | prelude_crc u32 | headers | payload | message_crc u32
 *
 * big-endian, both CRCs zlib's CRC32 (crc32.c: folded with a carry-less multiply
 * where the CPU has one), the message CRC over everything before it. The
 * decoder never trusts a length before the CRC that covers it: the prelude
 * CRC is checked before total_length sizes anything, and buffers grow with
 * the bytes received, not with what a prelude claims.
 */
#include "awsc/eventstream.h"
#include "serde/eventstream/crc32.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define PRELUDE 12u
#define FRAMING 16u /* prelude and message CRC */

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t crc32_of(uint32_t crc, const uint8_t *p, size_t n)
{
    return awsc_es_crc32(crc, p, n);
}

const awsc_es_header *awsc_es_find(const awsc_es_message *m, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; m && i < m->header_count; i++)
        if (m->headers[i].name_len == n && memcmp(m->headers[i].name, name, n) == 0)
            return &m->headers[i];
    return NULL;
}

bool awsc_es_string_is(const awsc_es_message *m, const char *name, const char *value)
{
    const awsc_es_header *h = awsc_es_find(m, name);
    size_t n = strlen(value);
    return h && h->type == AWSC_ES_STRING && h->len == n && (n == 0 || memcmp(h->bytes, value, n) == 0);
}

/* ---- decoding ------------------------------------------------------------- */

struct awsc_es_decoder {
    awsc_es_message_fn on_message;
    void *user;
    size_t max_message;
    uint8_t *buf; /* the message being assembled across chunks */
    size_t have, cap;
    uint32_t total; /* its total_length once the prelude is in and checked, else 0 */
    awsc_es_header *headers;
    size_t header_cap;
    uint64_t count;
    int failed;   /* the sticky error once one was returned */
    bool stopped; /* on_message asked to stop */
};

awsc_es_decoder *awsc_es_decoder_new(size_t max_message, awsc_es_message_fn on_message, void *user)
{
    awsc_es_decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->on_message = on_message;
    d->user = user;
    d->max_message = max_message ? max_message : AWSC_ES_MAX_MESSAGE;
    if (d->max_message > UINT32_MAX)
        d->max_message = UINT32_MAX;
    return d;
}

void awsc_es_decoder_free(awsc_es_decoder *d)
{
    if (!d)
        return;
    free(d->buf);
    free(d->headers);
    free(d);
}

uint64_t awsc_es_decoder_count(const awsc_es_decoder *d)
{
    return d ? d->count : 0;
}

static int fail(awsc_es_decoder *d, awsc_error *err, const char *what, uint64_t n)
{
    d->failed = awsc_error_set(err, AWSC_E_RESPONSE, "event stream message %llu: %s",
                               (unsigned long long)n + 1, what);
    return d->failed;
}

/* Checks the prelude (12 bytes): 0 and *total, or the error. */
static int check_prelude(awsc_es_decoder *d, const uint8_t *p, uint32_t *total, awsc_error *err)
{
    if (crc32_of(0, p, 8) != get32(p + 8))
        return fail(d, err, "prelude CRC mismatch", d->count);
    uint32_t t = get32(p), h = get32(p + 4);
    if (t < FRAMING)
        return fail(d, err, "total length below the 16 bytes of framing", d->count);
    if (h > t - FRAMING)
        return fail(d, err, "headers length larger than the message", d->count);
    if (t > d->max_message) {
        d->failed = awsc_error_set(err, AWSC_E_RESPONSE, "event stream message %llu: %lu bytes, over the limit of %zu",
                                   (unsigned long long)d->count + 1, (unsigned long)t, d->max_message);
        return d->failed;
    }
    *total = t;
    return 0;
}

/* Whether two header names of `n` bytes are the same: their first 8 bytes first, without a memcmp call. */
static bool same_name(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    return memcmp(a, b, n) == 0;
}

static int parse_headers(awsc_es_decoder *d, const uint8_t *p, size_t len, size_t *count, awsc_error *err)
{
    size_t n = 0, at = 0;
    while (at < len) {
        if (n == AWSC_ES_MAX_HEADERS)
            return fail(d, err, "more than 1024 headers", d->count);
        if (n == d->header_cap) {
            size_t cap = d->header_cap ? d->header_cap * 2 : 8;
            awsc_es_header *grown = realloc(d->headers, cap * sizeof *grown);
            if (!grown)
                return d->failed = awsc_error_nomem(err);
            d->headers = grown;
            d->header_cap = cap;
        }
        awsc_es_header *h = &d->headers[n];
        uint8_t name_len = p[at++];
        if (name_len == 0)
            return fail(d, err, "a header with an empty name", d->count);
        if (len - at < (size_t)name_len + 1)
            return fail(d, err, "a header runs past the headers' end", d->count);
        h->name = (const char *)p + at;
        h->name_len = name_len;
        at += name_len;
        h->type = p[at++];
        h->i = 0;
        h->bytes = NULL;
        h->len = 0;
        /* Each type's value: its size, one bounds check, then read. */
        static const uint8_t fixed_size[] = {[AWSC_ES_TRUE] = 0, [AWSC_ES_FALSE] = 0, [AWSC_ES_BYTE] = 1,
                                             [AWSC_ES_SHORT] = 2, [AWSC_ES_INT] = 4, [AWSC_ES_LONG] = 8,
                                             [AWSC_ES_TIMESTAMP] = 8, [AWSC_ES_UUID] = 16};
        const uint8_t *v = p + at;
        size_t need;
        if (h->type == AWSC_ES_BYTES || h->type == AWSC_ES_STRING)
            need = len - at < 2 ? SIZE_MAX : 2 + ((size_t)v[0] << 8 | v[1]);
        else if (h->type <= AWSC_ES_UUID)
            need = fixed_size[h->type];
        else
            return fail(d, err, "a header of unknown type", d->count);
        if (len - at < need)
            return fail(d, err, "a header runs past the headers' end", d->count);
        switch (h->type) {
        case AWSC_ES_TRUE: h->i = 1; break;
        case AWSC_ES_BYTE: h->i = (int8_t)v[0]; break;
        case AWSC_ES_SHORT: h->i = (int16_t)(uint16_t)((unsigned)v[0] << 8 | v[1]); break;
        case AWSC_ES_INT: h->i = (int32_t)get32(v); break;
        case AWSC_ES_LONG:
        case AWSC_ES_TIMESTAMP: h->i = (int64_t)get64(v); break;
        case AWSC_ES_BYTES:
        case AWSC_ES_STRING:
            h->bytes = v + 2;
            h->len = (uint16_t)(need - 2);
            break;
        case AWSC_ES_UUID:
            h->bytes = v;
            h->len = 16;
            break;
        default: break; /* false */
        }
        at += need;
        /* A name appears once per message. */
        for (size_t j = 0; j < n; j++)
            if (d->headers[j].name_len == name_len && same_name(d->headers[j].name, h->name, name_len))
                return fail(d, err, "a header name appears twice", d->count);
        n++;
    }
    *count = n;
    return 0;
}

/* One whole message of `total` bytes whose prelude was checked: verify, parse, deliver. */
static int deliver(awsc_es_decoder *d, const uint8_t *p, uint32_t total, awsc_error *err)
{
    /* The prelude was checked: its CRC is the message CRC's value after its 8 bytes, so they are not run twice. */
    if (crc32_of(get32(p + 8), p + 8, total - 12) != get32(p + total - 4))
        return fail(d, err, "message CRC mismatch", d->count);
    uint32_t hlen = get32(p + 4);
    size_t count = 0;
    int rc = parse_headers(d, p + PRELUDE, hlen, &count, err);
    if (rc)
        return rc;
    awsc_es_message m = {d->headers, count, p + PRELUDE + hlen, total - FRAMING - hlen};
    d->count++;
    if (d->on_message && d->on_message(d->user, &m) != 0)
        return d->stopped = true, 1;
    return 0;
}

/* Appends to the partial message, growing its buffer with what arrives (never to a claimed size at once). */
static int take(awsc_es_decoder *d, const uint8_t *data, size_t n, awsc_error *err)
{
    if (d->have + n > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        while (cap < d->have + n)
            cap *= 2;
        if (d->total && cap > d->total)
            cap = d->total;
        uint8_t *grown = realloc(d->buf, cap);
        if (!grown)
            return d->failed = awsc_error_nomem(err);
        d->buf = grown;
        d->cap = cap;
    }
    memcpy(d->buf + d->have, data, n);
    d->have += n;
    return 0;
}

int awsc_es_decoder_feed(awsc_es_decoder *d, const uint8_t *data, size_t len, awsc_error *err)
{
    if (!d)
        return awsc_error_set(err, AWSC_E_INTERNAL, "awsc_es_decoder_feed: no decoder");
    if (d->stopped)
        return 1;
    if (d->failed)
        return awsc_error_set(err, (awsc_status)d->failed, "the event stream decoder stopped at an earlier error");
    while (len > 0) {
        if (d->have == 0) {
            /* Whole messages inside this chunk are decoded where they lie, without a copy. */
            uint32_t total;
            if (len >= PRELUDE) {
                int rc = check_prelude(d, data, &total, err);
                if (rc)
                    return rc;
                if (len >= total) {
                    if ((rc = deliver(d, data, total, err)) != 0)
                        return rc;
                    data += total;
                    len -= total;
                    continue;
                }
                d->total = total;
            }
            int rc = take(d, data, len, err);
            return rc ? rc : AWSC_OK;
        }
        if (d->total == 0) { /* completing the prelude */
            size_t n = PRELUDE - d->have < len ? PRELUDE - d->have : len;
            int rc = take(d, data, n, err);
            if (rc)
                return rc;
            data += n;
            len -= n;
            if (d->have < PRELUDE)
                return AWSC_OK;
            if ((rc = check_prelude(d, d->buf, &d->total, err)) != 0)
                return rc;
        }
        size_t n = d->total - d->have < len ? d->total - d->have : len;
        int rc = take(d, data, n, err);
        if (rc)
            return rc;
        data += n;
        len -= n;
        if (d->have == d->total) {
            uint32_t total = d->total;
            d->have = 0;
            d->total = 0;
            if ((rc = deliver(d, d->buf, total, err)) != 0)
                return rc;
            /* A large message's buffer is not kept for the small ones after it. */
            if (d->cap > 65536) {
                free(d->buf);
                d->buf = NULL;
                d->cap = 0;
            }
        }
    }
    return AWSC_OK;
}

int awsc_es_decoder_finish(awsc_es_decoder *d, awsc_error *err)
{
    if (!d)
        return awsc_error_set(err, AWSC_E_INTERNAL, "awsc_es_decoder_finish: no decoder");
    if (d->failed)
        return awsc_error_set(err, (awsc_status)d->failed, "the event stream decoder stopped at an earlier error");
    if (d->stopped)
        return AWSC_OK;
    if (d->have > 0) {
        d->failed = awsc_error_set(err, AWSC_E_RESPONSE,
                                   "the event stream ended inside message %llu (%zu of %s bytes received)",
                                   (unsigned long long)d->count + 1, d->have, d->total ? "its" : "the prelude's 12");
        return d->failed;
    }
    return AWSC_OK;
}

/* ---- encoding ------------------------------------------------------------- */

static size_t header_size(const awsc_es_header *h)
{
    size_t n = 2u + h->name_len;
    switch (h->type) {
    case AWSC_ES_TRUE:
    case AWSC_ES_FALSE: return n;
    case AWSC_ES_BYTE: return n + 1;
    case AWSC_ES_SHORT: return n + 2;
    case AWSC_ES_INT: return n + 4;
    case AWSC_ES_LONG:
    case AWSC_ES_TIMESTAMP: return n + 8;
    case AWSC_ES_UUID: return n + 16;
    default: return n + 2 + h->len;
    }
}

int awsc_es_encode(const awsc_es_message *m, uint8_t **out, size_t *out_len, awsc_error *err)
{
    *out = NULL;
    *out_len = 0;
    size_t hlen = 0;
    for (size_t i = 0; i < m->header_count; i++) {
        const awsc_es_header *h = &m->headers[i];
        if (h->name_len == 0 || !h->name)
            return awsc_error_set(err, AWSC_E_VALIDATION, "event stream header %zu has no name", i + 1);
        if (h->type > AWSC_ES_UUID)
            return awsc_error_set(err, AWSC_E_VALIDATION, "event stream header %.*s: unknown type %u",
                                  (int)h->name_len, h->name, h->type);
        if ((h->type == AWSC_ES_BYTES || h->type == AWSC_ES_STRING) && (h->len > 32767 || (h->len && !h->bytes)))
            return awsc_error_set(err, AWSC_E_VALIDATION, "event stream header %.*s: a value of %u bytes (at most 32767)",
                                  (int)h->name_len, h->name, h->len);
        if (h->type == AWSC_ES_UUID && !h->bytes)
            return awsc_error_set(err, AWSC_E_VALIDATION, "event stream header %.*s: no UUID bytes", (int)h->name_len,
                                  h->name);
        for (size_t j = 0; j < i; j++)
            if (m->headers[j].name_len == h->name_len && memcmp(m->headers[j].name, h->name, h->name_len) == 0)
                return awsc_error_set(err, AWSC_E_VALIDATION, "event stream header %.*s appears twice",
                                      (int)h->name_len, h->name);
        hlen += header_size(h);
    }
    if (hlen > 131072 || m->payload_len > 25165824 || m->header_count > AWSC_ES_MAX_HEADERS)
        return awsc_error_set(err, AWSC_E_VALIDATION,
                              "event stream message too large: %zu bytes of headers (at most 131072, %d headers), "
                              "%zu of payload (at most 25165824)",
                              hlen, AWSC_ES_MAX_HEADERS, m->payload_len);
    size_t total = FRAMING + hlen + m->payload_len;
    uint8_t *p = malloc(total);
    if (!p)
        return awsc_error_nomem(err);
    put32(p, (uint32_t)total);
    put32(p + 4, (uint32_t)hlen);
    put32(p + 8, crc32_of(0, p, 8));
    size_t at = PRELUDE;
    for (size_t i = 0; i < m->header_count; i++) {
        const awsc_es_header *h = &m->headers[i];
        p[at++] = h->name_len;
        memcpy(p + at, h->name, h->name_len);
        at += h->name_len;
        p[at++] = h->type;
        uint64_t v = (uint64_t)h->i;
        switch (h->type) {
        case AWSC_ES_TRUE:
        case AWSC_ES_FALSE: break;
        case AWSC_ES_BYTE: p[at++] = (uint8_t)v; break;
        case AWSC_ES_SHORT:
            p[at++] = (uint8_t)(v >> 8);
            p[at++] = (uint8_t)v;
            break;
        case AWSC_ES_INT:
            put32(p + at, (uint32_t)v);
            at += 4;
            break;
        case AWSC_ES_LONG:
        case AWSC_ES_TIMESTAMP:
            put32(p + at, (uint32_t)(v >> 32));
            put32(p + at + 4, (uint32_t)v);
            at += 8;
            break;
        case AWSC_ES_UUID:
            memcpy(p + at, h->bytes, 16);
            at += 16;
            break;
        default:
            p[at++] = (uint8_t)(h->len >> 8);
            p[at++] = (uint8_t)h->len;
            if (h->len)
                memcpy(p + at, h->bytes, h->len);
            at += h->len;
        }
    }
    if (m->payload_len)
        memcpy(p + at, m->payload, m->payload_len);
    at += m->payload_len;
    put32(p + at, crc32_of(0, p, at));
    *out = p;
    *out_len = total;
    awsc_error_ok(err);
    return AWSC_OK;
}
