/*
 * The event-stream framing: the published test vectors (the AWS SDKs' shared
 * positive and negative frames, and the single-header frames of each type),
 * every split of a stream into chunks, round trips through the encoder, and
 * hostile frames (bad CRCs, impossible lengths, oversized claims, truncation).
 */
#include "awsc/eventstream.h"
#include "serde/eventstream/crc32.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define V(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* What a decoder delivered: copies of the messages' headers and payloads as text. */
typedef struct seen {
    int count;
    char text[8][512];
    int stop_after; /* 0: never stop */
} seen;

static void describe(const awsc_es_message *m, char *out, size_t cap)
{
    size_t at = 0;
    for (size_t i = 0; i < m->header_count && at < cap; i++) {
        const awsc_es_header *h = &m->headers[i];
        at += (size_t)snprintf(out + at, cap - at, "%.*s[%u]=", (int)h->name_len, h->name, h->type);
        if (at >= cap)
            break;
        if (h->type == AWSC_ES_BYTES || h->type == AWSC_ES_STRING || h->type == AWSC_ES_UUID)
            at += (size_t)snprintf(out + at, cap - at, "%.*s;", (int)h->len, (const char *)h->bytes);
        else
            at += (size_t)snprintf(out + at, cap - at, "%lld;", (long long)h->i);
    }
    if (at < cap)
        snprintf(out + at, cap - at, "|%.*s", (int)m->payload_len, (const char *)m->payload);
}

static int on_message(void *user, const awsc_es_message *m)
{
    seen *s = user;
    if (s->count < 8)
        describe(m, s->text[s->count], sizeof s->text[0]);
    s->count++;
    return s->stop_after && s->count >= s->stop_after;
}

/* Decodes `data` fed in pieces of `step` bytes; returns the last status. */
static int decode(const uint8_t *data, size_t len, size_t step, seen *s, awsc_error *err)
{
    awsc_es_decoder *d = awsc_es_decoder_new(0, on_message, s);
    cr_assert_not_null(d);
    int rc = AWSC_OK;
    for (size_t at = 0; at < len && rc == AWSC_OK; at += step)
        rc = awsc_es_decoder_feed(d, data + at, len - at < step ? len - at : step, err);
    if (rc == AWSC_OK)
        rc = awsc_es_decoder_finish(d, err);
    awsc_es_decoder_free(d);
    return rc;
}

/* Decodes `data` whole and at every chunk size: always one message described as `expect`. */
static void positive(const char *name, const uint8_t *data, size_t len, const char *expect)
{
    for (size_t step = 1; step <= len; step++) {
        seen s = {0};
        awsc_error err = AWSC_ERROR_INIT;
        int rc = decode(data, len, step, &s, &err);
        cr_assert_eq(rc, AWSC_OK, "%s in %zu-byte chunks: %s", name, step, err.message);
        cr_assert_eq(s.count, 1, "%s in %zu-byte chunks: %d messages", name, step, s.count);
        cr_assert_str_eq(s.text[0], expect, "%s", name);
        awsc_error_clear(&err);
    }
}

static void negative(const char *name, const uint8_t *data, size_t len, const char *why)
{
    for (size_t step = 1; step <= len; step++) {
        seen s = {0};
        awsc_error err = AWSC_ERROR_INIT;
        int rc = decode(data, len, step, &s, &err);
        cr_assert_eq(rc, AWSC_E_RESPONSE, "%s in %zu-byte chunks: %d", name, step, rc);
        cr_assert_eq(s.count, 0, "%s delivered a message", name);
        cr_assert(err.message && strstr(err.message, why), "%s: %s", name, err.message);
        awsc_error_clear(&err);
    }
}

/* The SDKs' shared vectors (aws-sdk-go-v2 testdata, aws-sdk-js-v3 eventstream-codec). */
Test(eventstream, positive_vectors)
{
    positive("empty_message", V(0, 0, 0, 16, 0, 0, 0, 0, 5, 194, 72, 235, 125, 152, 200, 255), "|");
    positive("int32_header",
             V(0, 0, 0, 45, 0, 0, 0, 16, 65, 196, 36, 184, 10, 101, 118, 101, 110, 116, 45, 116, 121, 112, 101, 4, 0,
               0, 160, 12, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 54, 244, 128, 160),
             "event-type[4]=40972;|{'foo':'bar'}");
    positive("payload_no_headers",
             V(0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125,
               195, 101, 57, 54),
             "|{'foo':'bar'}");
    positive("payload_one_str_header",
             V(0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112, 101,
               7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102, 111,
               111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177),
             "content-type[7]=application/json;|{'foo':'bar'}");
    positive("all_headers",
             V(0x00, 0x00, 0x00, 0x62, 0x00, 0x00, 0x00, 0x52, 0x03, 0xb5, 0xcb, 0x9c, 1, '0', 0x00, 1, '1', 0x01, 1,
               '2', 0x02, 0x02, 1, '3', 0x03, 0x00, 0x03, 1, '4', 0x04, 0, 0, 0, 4, 1, '5', 0x05, 0, 0, 0, 0, 0, 0, 0,
               5, 1, '6', 0x06, 0x00, 0x05, 'b', 'y', 't', 'e', 's', 1, '7', 0x07, 0x00, 0x04, 'u', 't', 'f', '8', 1,
               '8', 0x08, 0, 0, 0, 0, 0, 0, 0, 8, 1, '9', 0x09, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a',
               'b', 'c', 'd', 'e', 'f', 0x63, 0x35, 0x36, 0x71),
             "0[0]=1;1[1]=0;2[2]=2;3[3]=3;4[4]=4;5[5]=5;6[6]=bytes;7[7]=utf8;8[8]=8;9[9]=0123456789abcdef;|");
    /* Negative values of each integer width (sign extension). */
    positive("byte", V(0, 0, 0, 0x17, 0, 0, 0, 7, 0x29, 0x86, 0x01, 0x58, 4, 'b', 'y', 't', 'e', 2, 0xff, 0xc2, 0xf8,
                       0x69, 0xdc),
             "byte[2]=-1;|");
    positive("short", V(0, 0, 0, 0x19, 0, 0, 0, 9, 0x71, 0x0e, 0x92, 0x3e, 5, 's', 'h', 'o', 'r', 't', 3, 0xff, 0xff,
                        0xb2, 0x7c, 0xb6, 0xcc),
             "short[3]=-1;|");
    positive("integer", V(0, 0, 0, 0x1d, 0, 0, 0, 0x0d, 0x83, 0xe3, 0xf0, 0xe7, 7, 'i', 'n', 't', 'e', 'g', 'e', 'r',
                          4, 0xff, 0xff, 0xff, 0xff, 0x8b, 0x8e, 0x12, 0xeb),
             "integer[4]=-1;|");
    positive("long", V(0, 0, 0, 0x1e, 0, 0, 0, 0x0e, 0x5d, 0x4a, 0xdb, 0x8d, 4, 'l', 'o', 'n', 'g', 5, 0xff, 0xff,
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x4b, 0xc2, 0x32, 0xda),
             "long[5]=-1;|");
    positive("timestamp", V(0, 0, 0, 0x23, 0, 0, 0, 0x13, 0x67, 0xfd, 0xcb, 0x63, 9, 't', 'i', 'm', 'e', 's', 't', 'a',
                            'm', 'p', 8, 0, 0, 1, 0x72, 0xee, 0xbc, 0x27, 0xa6, 0xd4, 0x44, 0x5e, 0x11),
             "timestamp[8]=1593143207846;|"); /* 2020-06-26T03:46:47.846Z */
    positive("error_event",
             V(0, 0, 0, 0x52, 0, 0, 0, 0x42, 0xbf, 0x23, 0x63, 0x7e, 0x0d, ':', 'm', 'e', 's', 's', 'a', 'g', 'e', '-',
               't', 'y', 'p', 'e', 7, 0, 5, 'e', 'r', 'r', 'o', 'r', 0x0b, ':', 'e', 'r', 'r', 'o', 'r', '-', 'c', 'o',
               'd', 'e', 7, 0, 4, 'c', 'o', 'd', 'e', 0x0e, ':', 'e', 'r', 'r', 'o', 'r', '-', 'm', 'e', 's', 's', 'a',
               'g', 'e', 7, 0, 7, 'm', 'e', 's', 's', 'a', 'g', 'e', 0x6b, 0x6c, 0xea, 0x3d),
             ":message-type[7]=error;:error-code[7]=code;:error-message[7]=message;|");
}

Test(eventstream, negative_vectors)
{
    /* corrupted_headers: one payload byte changed ("{a..." for "{'..."): the message CRC no longer holds */
    negative("corrupted_headers",
             V(0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112,
               101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 97, 102,
               111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177),
             "message CRC");
    negative("corrupted_header_len",
             V(0, 0, 0, 61, 0, 0, 0, 33, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112,
               101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102,
               111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177),
             "prelude CRC");
    negative("corrupted_length",
             V(0, 0, 0, 62, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121, 112,
               101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110, 123, 39, 102,
               111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177),
             "prelude CRC");
    negative("corrupted_payload",
             V(0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 91, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 195,
               101, 57, 54),
             "message CRC");
    negative("duplicate_header",
             V(0, 0, 0, 0x24, 0, 0, 0, 0x14, 0x4b, 0xb9, 0x82, 0xd0, 4, 't', 'e', 's', 't', 4, 'a', 's', 'd', 'f', 4,
               't', 'e', 's', 't', 4, 'a', 's', 'd', 'f', 0xf3, 0xf4, 0x75, 0x63),
             "appears twice");
}

/* Builds a frame with correct CRCs around arbitrary header bytes and payload. */
static size_t frame(uint8_t *out, const uint8_t *headers, uint32_t hlen, const char *payload, uint32_t claim_hlen)
{
    size_t plen = strlen(payload);
    uint32_t total = 16 + hlen + (uint32_t)plen;
    uint8_t pre[8] = {(uint8_t)(total >> 24), (uint8_t)(total >> 16), (uint8_t)(total >> 8), (uint8_t)total,
                      (uint8_t)(claim_hlen >> 24), (uint8_t)(claim_hlen >> 16), (uint8_t)(claim_hlen >> 8),
                      (uint8_t)claim_hlen};
    memcpy(out, pre, 8);
    uint32_t c = (uint32_t)crc32(0, out, 8);
    out[8] = (uint8_t)(c >> 24), out[9] = (uint8_t)(c >> 16), out[10] = (uint8_t)(c >> 8), out[11] = (uint8_t)c;
    memcpy(out + 12, headers, hlen);
    memcpy(out + 12 + hlen, payload, plen);
    c = (uint32_t)crc32(0, out, total - 4);
    uint8_t *e = out + total - 4;
    e[0] = (uint8_t)(c >> 24), e[1] = (uint8_t)(c >> 16), e[2] = (uint8_t)(c >> 8), e[3] = (uint8_t)c;
    return total;
}

/* Frames whose CRCs are right but whose contents are not: each refused with its reason. */
Test(eventstream, hostile_frames)
{
    uint8_t buf[256];
    size_t n = frame(buf, V(0, 7, 0, 1, 'x'), "", 5);
    negative("empty header name", buf, n, "empty name");
    n = frame(buf, V(1, 'a', 10), "", 3);
    negative("unknown type", buf, n, "unknown type");
    n = frame(buf, V(1, 'a', 7, 0, 9, 'x'), "", 6);
    negative("string past the end", buf, n, "runs past");
    n = frame(buf, V(1, 'a', 5, 0, 0), "", 5);
    negative("long past the end", buf, n, "runs past");
    n = frame(buf, V(3, 'a', 'b'), "", 3);
    negative("name past the end", buf, n, "runs past");
    n = frame(buf, V(1, 'a', 0), "payload", 200);
    negative("headers longer than the message", buf, n, "headers length");
    /* total_length below the framing, with a prelude CRC that holds */
    uint8_t tiny[16] = {0, 0, 0, 8, 0, 0, 0, 0};
    uint32_t c = (uint32_t)crc32(0, tiny, 8);
    tiny[8] = (uint8_t)(c >> 24), tiny[9] = (uint8_t)(c >> 16), tiny[10] = (uint8_t)(c >> 8), tiny[11] = (uint8_t)c;
    negative("total below 16", tiny, sizeof tiny, "below the 16 bytes");
    /* Names of 8 bytes and more (compared 8 bytes at a time first): the same twice, and alike but for the last. */
    n = frame(buf, V(9, ':', 'c', 'o', 'n', 't', 'e', 'n', 't', 's', 0, 9, ':', 'c', 'o', 'n', 't', 'e', 'n', 't', 's', 1),
              "", 22);
    negative("a long name twice", buf, n, "appears twice");
    n = frame(buf, V(9, ':', 'c', 'o', 'n', 't', 'e', 'n', 't', 's', 0, 9, ':', 'c', 'o', 'n', 't', 'e', 'n', 't', 'x', 1),
              "", 22);
    seen s = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(decode(buf, n, n, &s, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(s.count, 1);
    awsc_error_clear(&err);
}

/* A prelude claiming 4 GiB is refused at once: nothing that large is ever allocated. */
Test(eventstream, oversized_claims)
{
    uint8_t pre[12] = {0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0};
    uint32_t c = (uint32_t)crc32(0, pre, 8);
    pre[8] = (uint8_t)(c >> 24), pre[9] = (uint8_t)(c >> 16), pre[10] = (uint8_t)(c >> 8), pre[11] = (uint8_t)c;
    negative("4 GiB", pre, sizeof pre, "over the limit");
    /* a caller's smaller limit */
    uint8_t buf[64];
    size_t n = frame(buf, V(1, 'a', 0), "0123456789", 3);
    awsc_es_decoder *d = awsc_es_decoder_new(20, NULL, NULL);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_es_decoder_feed(d, buf, n, &err), AWSC_E_RESPONSE);
    cr_assert(strstr(err.message, "limit of 20"), "%s", err.message);
    /* and it stays failed */
    cr_assert_eq(awsc_es_decoder_feed(d, buf, n, &err), AWSC_E_RESPONSE);
    awsc_es_decoder_free(d);
    awsc_error_clear(&err);
}

/* A stream that stops inside a message is an error at the end, never a silent truncation. */
Test(eventstream, truncated)
{
    uint8_t buf[64];
    size_t n = frame(buf, V(1, 'a', 0), "payload", 3);
    for (size_t cut = 1; cut < n; cut++) {
        seen s = {0};
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(decode(buf, cut, 5, &s, &err), AWSC_E_RESPONSE, "cut at %zu", cut);
        cr_assert(strstr(err.message, "ended inside message 1"), "%s", err.message);
        cr_assert_eq(s.count, 0);
        awsc_error_clear(&err);
    }
}

/* Several messages in one stream, at every chunk size, and stopping early. */
Test(eventstream, many_messages_and_stop)
{
    uint8_t stream[1024];
    size_t n = 0;
    const char *payloads[] = {"one", "", "three", "a longer fourth payload"};
    for (int i = 0; i < 4; i++)
        n += frame(stream + n, V(2, 'i', 'd', 2, (uint8_t)i), payloads[i], 5);
    for (size_t step = 1; step <= n; step++) {
        seen s = {0};
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(decode(stream, n, step, &s, &err), AWSC_OK, "%s", err.message);
        cr_assert_eq(s.count, 4);
        cr_assert_str_eq(s.text[2], "id[2]=2;|three");
        cr_assert_str_eq(s.text[3], "id[2]=3;|a longer fourth payload");
        seen t = {.stop_after = 2};
        awsc_es_decoder *d = awsc_es_decoder_new(0, on_message, &t);
        int rc = AWSC_OK;
        for (size_t at = 0; at < n && rc == AWSC_OK; at += step)
            rc = awsc_es_decoder_feed(d, stream + at, n - at < step ? n - at : step, &err);
        cr_assert_eq(rc, 1, "step %zu: %d", step, rc);
        cr_assert_eq(t.count, 2);
        cr_assert_eq(awsc_es_decoder_count(d), 2);
        cr_assert_eq(awsc_es_decoder_feed(d, stream, 1, &err), 1);
        awsc_es_decoder_free(d);
        awsc_error_clear(&err);
    }
}

/* The encoder writes the vectors' bytes exactly, and what it writes decodes back. */
Test(eventstream, encode_round_trip)
{
    static const uint8_t uuid[16] = "0123456789abcdef";
    awsc_es_header h[] = {
        {.name = "0", .name_len = 1, .type = AWSC_ES_TRUE, .i = 1},
        {.name = "1", .name_len = 1, .type = AWSC_ES_FALSE},
        {.name = "2", .name_len = 1, .type = AWSC_ES_BYTE, .i = 2},
        {.name = "3", .name_len = 1, .type = AWSC_ES_SHORT, .i = 3},
        {.name = "4", .name_len = 1, .type = AWSC_ES_INT, .i = 4},
        {.name = "5", .name_len = 1, .type = AWSC_ES_LONG, .i = 5},
        {.name = "6", .name_len = 1, .type = AWSC_ES_BYTES, .bytes = (const uint8_t *)"bytes", .len = 5},
        {.name = "7", .name_len = 1, .type = AWSC_ES_STRING, .bytes = (const uint8_t *)"utf8", .len = 4},
        {.name = "8", .name_len = 1, .type = AWSC_ES_TIMESTAMP, .i = 8},
        {.name = "9", .name_len = 1, .type = AWSC_ES_UUID, .bytes = uuid, .len = 16},
    };
    awsc_es_message m = {h, 10, NULL, 0};
    uint8_t *out;
    size_t len;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_es_encode(&m, &out, &len, &err), AWSC_OK);
    cr_assert_eq(len, 0x62);
    static const uint8_t head[] = {0x00, 0x00, 0x00, 0x62, 0x00, 0x00, 0x00, 0x52, 0x03, 0xb5, 0xcb, 0x9c};
    static const uint8_t tail[] = {0x63, 0x35, 0x36, 0x71};
    cr_assert_arr_eq(out, head, sizeof head);
    cr_assert_arr_eq(out + len - 4, tail, sizeof tail);
    seen s = {0};
    cr_assert_eq(decode(out, len, 7, &s, &err), AWSC_OK);
    cr_assert_str_eq(s.text[0], "0[0]=1;1[1]=0;2[2]=2;3[3]=3;4[4]=4;5[5]=5;6[6]=bytes;7[7]=utf8;8[8]=8;9[9]=0123456789abcdef;|");
    free(out);

    /* the serialization vectors: a payload without headers, a negative short */
    awsc_es_message p = {NULL, 0, (const uint8_t *)"test payload", 12};
    cr_assert_eq(awsc_es_encode(&p, &out, &len, &err), AWSC_OK);
    static const uint8_t want[] = {0, 0, 0, 0x1c, 0, 0, 0, 0, 0xc0, 0x32, 0xa5, 0xea, 't', 'e', 's', 't', ' ', 'p', 'a',
                                   'y', 'l', 'o', 'a', 'd', 0x07, 0x36, 0x45, 0xf9};
    cr_assert_eq(len, sizeof want);
    cr_assert_arr_eq(out, want, sizeof want);
    free(out);

    /* what the framing cannot carry */
    awsc_es_header dup[] = {{.name = "a", .name_len = 1, .type = AWSC_ES_TRUE}, {.name = "a", .name_len = 1, .type = AWSC_ES_FALSE}};
    awsc_es_message bad = {dup, 2, NULL, 0};
    cr_assert_eq(awsc_es_encode(&bad, &out, &len, &err), AWSC_E_VALIDATION);
    cr_assert_null(out);
    awsc_es_header big = {.name = "s", .name_len = 1, .type = AWSC_ES_STRING, .bytes = (const uint8_t *)"x", .len = 40000};
    bad = (awsc_es_message){&big, 1, NULL, 0};
    cr_assert_eq(awsc_es_encode(&bad, &out, &len, &err), AWSC_E_VALIDATION);
    awsc_es_header noname = {.name = "", .name_len = 0, .type = AWSC_ES_TRUE};
    bad = (awsc_es_message){&noname, 1, NULL, 0};
    cr_assert_eq(awsc_es_encode(&bad, &out, &len, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
}

Test(eventstream, find_headers)
{
    awsc_es_header h[] = {
        {.name = ":event-type", .name_len = 11, .type = AWSC_ES_STRING, .bytes = (const uint8_t *)"chunkX", .len = 5},
        {.name = ":n", .name_len = 2, .type = AWSC_ES_INT, .i = 3},
    };
    awsc_es_message m = {h, 2, NULL, 0};
    cr_assert(awsc_es_string_is(&m, ":event-type", "chunk"));
    cr_assert_not(awsc_es_string_is(&m, ":event-type", "chunkX"));
    cr_assert_not(awsc_es_string_is(&m, ":n", "3"));
    cr_assert_eq(awsc_es_find(&m, ":n"), &h[1]);
    cr_assert_null(awsc_es_find(&m, ":event"));
}

/* Random bytes never crash the decoder, and random splits of valid streams decode the same. */
Test(eventstream, random_input)
{
    srand(16);
    uint8_t buf[512];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand() % (int)sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rand();
        if (n >= 12 && round % 2) { /* a valid prelude so the body's checks are reached */
            uint32_t total = (uint32_t)n, hlen = (uint32_t)(rand() % 64);
            buf[0] = 0, buf[1] = 0, buf[2] = (uint8_t)(total >> 8), buf[3] = (uint8_t)total;
            buf[4] = 0, buf[5] = 0, buf[6] = 0, buf[7] = (uint8_t)hlen;
            uint32_t c = (uint32_t)crc32(0, buf, 8);
            buf[8] = (uint8_t)(c >> 24), buf[9] = (uint8_t)(c >> 16), buf[10] = (uint8_t)(c >> 8), buf[11] = (uint8_t)c;
            c = (uint32_t)crc32(0, buf, n - 4);
            buf[n - 4] = (uint8_t)(c >> 24), buf[n - 3] = (uint8_t)(c >> 16), buf[n - 2] = (uint8_t)(c >> 8);
            buf[n - 1] = (uint8_t)c;
        }
        seen s = {0};
        awsc_error err = AWSC_ERROR_INIT;
        int rc = decode(buf, n, (size_t)(rand() % 17 + 1), &s, &err);
        cr_assert(rc == AWSC_OK || rc == AWSC_E_RESPONSE);
        cr_assert(rc == AWSC_OK || err.message);
        awsc_error_clear(&err);
    }
}

/*
 * The event signer against the SDKs' known value (aws-sdk-js-v3's SignatureV4
 * "support event signing", adopted from the Ruby SDK): scope REGION/SERVICE,
 * 2013-05-24T00:00:00Z, no prior signature, the encoded :date header and "foo".
 */
Test(eventstream, event_signature_known_value)
{
    awsc_es_signing s = {"secret", "REGION", "SERVICE"};
    static const uint8_t headers[] = {5, 58, 100, 97, 116, 101, 8, 0, 0, 1, 103, 247, 125, 87, 112};
    char sig[65];
    cr_assert_eq(awsc_es_signature(&s, 1369353600000LL, "", headers, sizeof headers, (const uint8_t *)"foo", 3, sig,
                                   NULL),
                 AWSC_OK);
    cr_assert_str_eq(sig, "204bb5e2713e95354680e9522986d3ac0304aeafd33397f39e6540ca51ffe226");
    awsc_es_signing none = {NULL, "r", "s"};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_es_signature(&none, 0, "", NULL, 0, NULL, 0, sig, &err), AWSC_E_CONFIG);
    awsc_error_clear(&err);
}

/* A chain of two signed messages: each outer message decodes to :date, :chunk-signature and the
 * inner message, and each signature (checked against an independent HMAC implementation,
 * Python's hmac/hashlib) is the next one's prior. */
Test(eventstream, signed_message_chain)
{
    awsc_es_signing s = {"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "transcribe"};
    const char *want[] = {"32e8c48c8078a96a39e79fc8ac1cc7cdefa5f74681f401880c18700b948c424c",
                          "591c0fa180ef6a336d39304da686ddb452c0c248495db6ec17e2d6b7fc446d8d"};
    const char *inner[] = {"inner-message-1", "inner-message-2"};
    char prior[65] = "seedsignature";
    for (int i = 0; i < 2; i++) {
        uint8_t *out;
        size_t len;
        char sig[65];
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(awsc_es_sign_message(&s, 1700000000123LL + 1000 * i, prior, (const uint8_t *)inner[i],
                                          strlen(inner[i]), &out, &len, sig, &err),
                     AWSC_OK, "%s", err.message);
        cr_assert_str_eq(sig, want[i]);
        seen got = {0};
        cr_assert_eq(decode(out, len, 3, &got, &err), AWSC_OK);
        cr_assert(strncmp(got.text[0], ":date[8]=", 9) == 0, "%s", got.text[0]);
        cr_assert(strstr(got.text[0], ";:chunk-signature[6]="));
        char tail[64];
        snprintf(tail, sizeof tail, "|%s", inner[i]);
        cr_assert(strstr(got.text[0], tail), "%s", got.text[0]);
        /* the raw signature bytes at the end of the headers */
        const uint8_t *raw = out + len - 4 - strlen(inner[i]) - 32;
        char hex[65];
        for (int b = 0; b < 32; b++)
            snprintf(hex + 2 * b, 3, "%02x", raw[b]);
        cr_assert_str_eq(hex, want[i]);
        memcpy(prior, sig, sizeof sig);
        free(out);
        awsc_error_clear(&err);
    }
}

/* The folded CRC-32 (carry-less multiply where the CPU has one) equals zlib's at every length and alignment. */
Test(eventstream, crc32_matches_zlib)
{
    enum { N = 5000 };
    static uint8_t buf[N + 316];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
    /* Every path this CPU has: four lanes an instruction, one lane, none. */
    for (int mode = 2; mode >= -1; mode--) {
        if (mode == 0 || awsc_es_crc32_fold_mode(mode) != mode)
            continue;
        for (size_t len = 0; len <= N; len += len < 600 ? 1 : 97)
            for (size_t off = 0; off < 16; off += 5) {
                uint32_t want = (uint32_t)crc32(0, buf + off, (uInt)len);
                cr_assert_eq(awsc_es_crc32(0, buf + off, len), want, "mode %d, length %zu at offset %zu", mode, len, off);
                cr_assert_eq(awsc_es_crc32_zlib(0, buf + off, len), want);
                /* and continued from a previous value, as zlib's is */
                uint32_t first = awsc_es_crc32(0, buf, 300);
                cr_assert_eq(awsc_es_crc32(first, buf + 300, len),
                             (uint32_t)crc32(crc32(0, buf, 300), buf + 300, (uInt)len), "mode %d", mode);
            }
    }
    awsc_es_crc32_fold_mode(0);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    printf("eventstream: %zu passed, %zu skipped, %zu failed\n", stats->tests_passed, stats->tests_skipped,
           stats->tests_failed + stats->tests_crashed);
    fflush(stdout);
}

/* ---- events onto their structures (events.c) -------------------------------------------------- */

#include "serde/eventstream/event_message.h"
#include "util/arena.h"
#include <stddef.h>

typedef struct stamped {
    awsc_timestamp when;
    bool has_when;
} stamped;

typedef struct stamped_events {
    int type;
    union {
        const stamped *stamp;
    } value;
} stamped_events;

static const awsc_member stamped_members[] = {
    {.name = "when", .wire_name = "when", .offset = offsetof(stamped, when), .has_offset = offsetof(stamped, has_when),
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_TIMESTAMP, .binding = AWSC_B_HEADER},
};
static const awsc_shape stamped_shape = {.name = "Stamp", .type = AWSC_T_STRUCT, .members = stamped_members,
                                         .member_count = 1, .size = sizeof(stamped)};
static const awsc_member stamped_variants[] = {
    {.name = "Stamp", .wire_name = "Stamp", .shape = &stamped_shape, .offset = offsetof(stamped_events, value.stamp),
     .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT},
};
static const awsc_shape stamped_union = {.name = "Stamps", .type = AWSC_T_UNION, .members = stamped_variants,
                                         .member_count = 1, .size = sizeof(stamped_events),
                                         .union_tag_offset = offsetof(stamped_events, type)};

Test(events, timestamp_headers_floor_to_the_second_at_every_extreme)
{
    const awsc_event_stream es = {.engine = &awsc_event_streams, .events = &stamped_union};
    const awsc_operation op = {.name = "Watch", .event_stream = &es, .codec = &awsc_codec_rest_json};
    const struct {
        int64_t ms, seconds;
        uint32_t nanos;
    } cases[] = {
        {1500, 1, 500000000}, {-1500, -2, 500000000}, {-1000, -1, 0}, {-1, -1, 999000000}, {0, 0, 0},
        {INT64_MAX, INT64_MAX / 1000, 807000000}, {INT64_MIN, INT64_MIN / 1000 - 1, 192000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        awsc_es_header h[] = {
            {.name = ":message-type", .name_len = 13, .type = AWSC_ES_STRING, .len = 5, .bytes = (const uint8_t *)"event"},
            {.name = ":event-type", .name_len = 11, .type = AWSC_ES_STRING, .len = 5, .bytes = (const uint8_t *)"Stamp"},
            {.name = "when", .name_len = 4, .type = AWSC_ES_TIMESTAMP, .i = cases[i].ms},
        };
        awsc_es_message m = {h, 3, NULL, 0};
        awsc_arena *a = awsc_arena_create();
        stamped_events ev = {0};
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(awsc_es_decode_event(NULL, &op, &m, a, &ev, &err), AWSC_OK, "%s", err.message);
        cr_assert_eq(ev.type, 1);
        cr_expect(ev.value.stamp->has_when);
        cr_expect_eq(ev.value.stamp->when.seconds, cases[i].seconds, "%lld ms", (long long)cases[i].ms);
        cr_expect_eq(ev.value.stamp->when.nanos, cases[i].nanos, "%lld ms", (long long)cases[i].ms);
        awsc_arena_destroy(a);
    }
}

/* A decoder callback that reads the one message into a Stamps event (user: the arena, the event, the op). */
typedef struct stamp_read {
    const awsc_operation *op;
    awsc_arena *arena;
    stamped_events ev;
    int rc;
} stamp_read;

static int read_stamp(void *user, const awsc_es_message *m)
{
    stamp_read *r = user;
    awsc_error err = AWSC_ERROR_INIT;
    r->rc = awsc_es_decode_event(NULL, r->op, m, r->arena, &r->ev, &err);
    awsc_error_clear(&err);
    return 0;
}

/* Found by fuzz_event_encode: seconds * 1000 overflowed (undefined) at both ends of the 64-bit milliseconds. */
Test(events, timestamp_headers_encode_every_extreme_and_refuse_what_does_not_fit)
{
    const awsc_event_stream es = {.engine = &awsc_event_streams, .events = &stamped_union,
                                  .input_events = &stamped_union};
    const awsc_operation op = {.name = "Watch", .event_stream = &es, .codec = &awsc_codec_rest_json};
    const struct {
        int64_t seconds;
        uint32_t nanos;
        bool fits;
    } cases[] = {
        {INT64_MAX / 1000, 807999999, true},  {INT64_MAX / 1000, 808000000, false},
        {INT64_MIN / 1000 - 1, 192000000, true}, {INT64_MIN / 1000 - 1, 191999999, false},
        {INT64_MIN / 1000, 0, true},          {INT64_MAX, 0, false}, {INT64_MIN, 0, false},
        {-1, 999000000, true},                {0, 1000000000, false}, {1, 500000000, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stamped s = {.when = {cases[i].seconds, cases[i].nanos}, .has_when = true};
        stamped_events in = {.type = 1, .value.stamp = &s};
        awsc_arena *a = awsc_arena_create();
        uint8_t *msg = NULL;
        size_t len = 0;
        awsc_error err = AWSC_ERROR_INIT;
        int rc = awsc_es_encode_event(NULL, &op, &in, a, &msg, &len, &err);
        if (!cases[i].fits) {
            cr_expect_eq(rc, AWSC_E_VALIDATION, "case %zu: %lld s %u ns encoded", i, (long long)cases[i].seconds,
                         cases[i].nanos);
            cr_expect(err.message && strstr(err.message, "when"), "case %zu: %s", i, err.message);
            cr_expect_null(msg);
        } else {
            cr_assert_eq(rc, AWSC_OK, "case %zu: %s", i, err.message);
            stamp_read r = {.op = &op, .arena = a, .rc = -1};
            awsc_es_decoder *d = awsc_es_decoder_new(0, read_stamp, &r);
            cr_assert_eq(awsc_es_decoder_feed(d, msg, len, &err), AWSC_OK);
            awsc_es_decoder_free(d);
            cr_assert_eq(r.rc, AWSC_OK, "case %zu", i);
            cr_expect_eq(r.ev.value.stamp->when.seconds, cases[i].seconds, "case %zu", i);
            cr_expect_eq(r.ev.value.stamp->when.nanos, cases[i].nanos / 1000000 * 1000000, "case %zu", i);
        }
        free(msg);
        awsc_error_clear(&err);
        awsc_arena_destroy(a);
    }
}

/* Found by fuzz_event_encode: headers past the 1024th were dropped, and names over 255 bytes cut, silently. */
Test(events, header_members_the_framing_cannot_carry_are_refused_not_dropped)
{
    enum { COUNT = 1100 };
    static awsc_member members[COUNT];
    static char names[COUNT][300];
    static bool values[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        snprintf(names[i], sizeof names[i], "h%zu", i);
        members[i] = (awsc_member){.name = names[i], .wire_name = names[i], .offset = (uint16_t)i,
                                   .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_BOOL,
                                   .binding = AWSC_B_HEADER};
        values[i] = true;
    }
    awsc_shape shape = {.name = "Flags", .type = AWSC_T_STRUCT, .members = members, .size = COUNT};
    const awsc_member variant = {.name = "Flags", .wire_name = "Flags", .shape = &shape,
                                 .offset = offsetof(stamped_events, value), .has_offset = AWSC_NO_OFFSET,
                                 .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT};
    const awsc_shape u = {.name = "U", .type = AWSC_T_UNION, .members = &variant, .member_count = 1,
                          .size = sizeof(stamped_events), .union_tag_offset = offsetof(stamped_events, type)};
    const awsc_event_stream es = {.engine = &awsc_event_streams, .input_events = &u};
    const awsc_operation op = {.name = "Flag", .event_stream = &es, .codec = &awsc_codec_rest_json};
    struct {
        int type;
        const void *value;
    } in = {1, values};
    const struct {
        uint32_t count;
        size_t name_len; /* 0: as snprintf wrote it */
        int rc;
    } cases[] = {{1021, 0, AWSC_OK}, {1022, 0, AWSC_E_VALIDATION}, {COUNT, 0, AWSC_E_VALIDATION},
                 {2, 255, AWSC_OK},  {2, 256, AWSC_E_VALIDATION},   {2, 299, AWSC_E_VALIDATION}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shape.member_count = cases[i].count;
        for (size_t k = 0; k < 2; k++) {
            size_t n = strlen(names[k]);
            size_t want = cases[i].name_len ? cases[i].name_len : n;
            memset(names[k] + n, '_', want > n ? want - n : 0);
            names[k][want > n ? want : n] = '\0';
        }
        awsc_arena *a = awsc_arena_create();
        uint8_t *msg = NULL;
        size_t len = 0;
        awsc_error err = AWSC_ERROR_INIT;
        int rc = awsc_es_encode_event(NULL, &op, &in, a, &msg, &len, &err);
        cr_expect_eq(rc, cases[i].rc, "case %zu: %d (%s)", i, rc, err.message);
        if (rc == AWSC_OK) {
            seen s = {0};
            cr_expect_eq(decode(msg, len, len, &s, &err), AWSC_OK);
            cr_expect_eq(s.count, 1);
        } else {
            cr_expect_null(msg);
            cr_expect(err.message && *err.message);
        }
        for (size_t k = 0; k < 2; k++) /* back to h0, h1 */
            names[k][2] = '\0';
        free(msg);
        awsc_error_clear(&err);
        awsc_arena_destroy(a);
    }
}
