/*
 * The event-stream framing (runtime/serde/eventstream/frame.c).
 * Input: byte 0 picks the chunk size (1..64, or everything at once when 0),
 * the rest is the stream, fed in those chunks.
 * Oracles: feed returns only AWSC_OK or AWSC_E_RESPONSE (with a message);
 * every message delivered re-encodes, and its encoding decodes (whole) to the
 * same headers and payload; the same stream fed at once gives the same
 * messages and the same verdict.
 */
#include "awsc/eventstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
    fprintf(stderr, "eventstream: %s\n", what);
    abort();
}

typedef struct record {
    uint64_t count;
    uint32_t digest; /* of every message's headers and payload, in order */
} record;

static uint32_t mix(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static uint32_t digest(const awsc_es_message *m)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < m->header_count; i++) {
        const awsc_es_header *x = &m->headers[i];
        h = mix(h, x->name, x->name_len);
        h = mix(h, &x->type, 1);
        h = mix(h, &x->i, sizeof x->i);
        if (x->bytes)
            h = mix(h, x->bytes, x->len);
    }
    return mix(h, m->payload, m->payload_len);
}

static int same(void *user, const awsc_es_message *m)
{
    *(uint32_t *)user = digest(m);
    return 0;
}

static int on_message(void *user, const awsc_es_message *m)
{
    record *r = user;
    uint32_t d = digest(m);
    r->count++;
    r->digest = mix(r->digest, &d, sizeof d);
    /* re-encode and decode again */
    uint8_t *out;
    size_t len;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_es_encode(m, &out, &len, &err);
    if (rc == AWSC_OK) {
        uint32_t again = 0;
        awsc_es_decoder *d2 = awsc_es_decoder_new(0, same, &again);
        if (!d2 || awsc_es_decoder_feed(d2, out, len, &err) != AWSC_OK || awsc_es_decoder_finish(d2, &err) != AWSC_OK)
            fail("an encoded message does not decode");
        if (again != d)
            fail("decode(encode(m)) != m");
        awsc_es_decoder_free(d2);
        free(out);
    } else if (rc != AWSC_E_VALIDATION || !err.message) {
        fail("encode failed without a reason");
    }
    awsc_error_clear(&err);
    return 0;
}

static int run(const uint8_t *data, size_t size, size_t step, record *r)
{
    awsc_es_decoder *d = awsc_es_decoder_new(1 << 20, on_message, r);
    if (!d)
        return AWSC_E_NOMEM;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = AWSC_OK;
    for (size_t at = 0; at < size && rc == AWSC_OK; at += step)
        rc = awsc_es_decoder_feed(d, data + at, size - at < step ? size - at : step, &err);
    if (rc == AWSC_OK)
        rc = awsc_es_decoder_finish(d, &err);
    if (rc != AWSC_OK && (rc != AWSC_E_RESPONSE || !err.message))
        fail("feed returned neither AWSC_OK nor AWSC_E_RESPONSE with a message");
    awsc_es_decoder_free(d);
    awsc_error_clear(&err);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = data[0] % 65;
    data++, size--;
    if (step == 0)
        step = size ? size : 1;
    record chunked = {0}, whole = {0};
    int a = run(data, size, step, &chunked);
    int b = run(data, size, size ? size : 1, &whole);
    if (a != b || chunked.count != whole.count || chunked.digest != whole.digest)
        fail("chunked and whole decoding differ");
    return 0;
}
