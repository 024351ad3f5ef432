/*
 * The CBOR decoder, encoder and rpcv2Cbor codec on hand-made bytes and
 * descriptors: every head form, floats of three widths, indefinite lengths,
 * and the refusals (truncation, lying lengths, reserved values, bad UTF-8,
 * nesting). The compliance suites (tests/protocol) cover the protocol case by case.
 */
#include "awsc/cbor.h"

#include "util/arena.h"
#include "serde/cbor/cbor.h"
#include "serde/codec.h"
#include "serde/rest.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* The sorted diagnostic notation of the bytes, or "!" when they are not one valid item. */
static char *diag(const uint8_t *data, size_t len)
{
    awsc_buf out = AWSC_BUF_INIT;
    if (awsc_cbor_diagnostic(data, len, true, NULL, NULL, &out) != 0) {
        awsc_buf_free(&out);
        return strdup("!");
    }
    return out.data ? awsc_buf_take(&out) : strdup("");
}

#define EXPECT_DIAG(want, ...)                                                                                    \
    do {                                                                                                          \
        char *got_ = diag(B(__VA_ARGS__));                                                                         \
        cr_expect_str_eq(got_, want);                                                                             \
        free(got_);                                                                                               \
    } while (0)

Test(cbor, integers_of_every_width)
{
    EXPECT_DIAG("0", 0x00);
    EXPECT_DIAG("23", 0x17);
    EXPECT_DIAG("24", 0x18, 0x18);
    EXPECT_DIAG("1000", 0x19, 0x03, 0xe8);
    EXPECT_DIAG("1000000", 0x1a, 0x00, 0x0f, 0x42, 0x40);
    EXPECT_DIAG("18446744073709551615", 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    EXPECT_DIAG("-1", 0x20);
    EXPECT_DIAG("-1000", 0x39, 0x03, 0xe7);
    EXPECT_DIAG("-18446744073709551616", 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
}

Test(cbor, floats_half_single_double)
{
    EXPECT_DIAG("1.0", 0xf9, 0x3c, 0x00);
    EXPECT_DIAG("1.5", 0xf9, 0x3e, 0x00);
    EXPECT_DIAG("65504.0", 0xf9, 0x7b, 0xff);
    EXPECT_DIAG("5.9604644775390625e-8", 0xf9, 0x00, 0x01); /* the smallest subnormal half */
    EXPECT_DIAG("-4.0", 0xf9, 0xc4, 0x00);
    EXPECT_DIAG("Infinity", 0xf9, 0x7c, 0x00);
    EXPECT_DIAG("-Infinity", 0xf9, 0xfc, 0x00);
    EXPECT_DIAG("NaN", 0xf9, 0x7e, 0x00);
    EXPECT_DIAG("100000.0", 0xfa, 0x47, 0xc3, 0x50, 0x00);
    EXPECT_DIAG("1.1", 0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a);
    cr_expect(isnan(awsc_cbor_half(0x7e00)));
    cr_expect_eq(awsc_cbor_half(0x0400), ldexp(1, -14)); /* the smallest normal */
}

Test(cbor, simple_values_strings_and_tags)
{
    EXPECT_DIAG("[false, true, null, undefined]", 0x84, 0xf4, 0xf5, 0xf6, 0xf7);
    EXPECT_DIAG("\"IETF\"", 0x64, 0x49, 0x45, 0x54, 0x46);
    EXPECT_DIAG("h'01020304'", 0x44, 0x01, 0x02, 0x03, 0x04);
    EXPECT_DIAG("1(1363896240.0)", 0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0); /* tag 1's number as a float */
    EXPECT_DIAG("simple(16)", 0xf0);
}

Test(cbor, indefinite_lengths_equal_definite_ones)
{
    /* (_ h'0102', h'030405') and "strea" "ming" */
    EXPECT_DIAG("h'0102030405'", 0x5f, 0x42, 0x01, 0x02, 0x43, 0x03, 0x04, 0x05, 0xff);
    EXPECT_DIAG("\"streaming\"", 0x7f, 0x65, 0x73, 0x74, 0x72, 0x65, 0x61, 0x64, 0x6d, 0x69, 0x6e, 0x67, 0xff);
    /* {_ "b": [_ 1], "a": 2} sorts like {"a": 2, "b": [1]} */
    EXPECT_DIAG("{\"a\": 2, \"b\": [1]}", 0xbf, 0x61, 0x62, 0x9f, 0x01, 0xff, 0x61, 0x61, 0x02, 0xff);
    EXPECT_DIAG("{\"a\": 2, \"b\": [1]}", 0xa2, 0x61, 0x61, 0x02, 0x61, 0x62, 0x81, 0x01);
}

Test(cbor, refuses_malformed_items)
{
    EXPECT_DIAG("!", 0x18);                         /* the argument byte is missing */
    EXPECT_DIAG("!", 0x1c);                         /* reserved additional information 28 */
    EXPECT_DIAG("!", 0x1f);                         /* indefinite integer */
    EXPECT_DIAG("!", 0x65, 0x61, 0x62);             /* a 5-byte string with 2 bytes left */
    EXPECT_DIAG("!", 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00); /* 2^64-1 elements */
    EXPECT_DIAG("!", 0xa2, 0x61, 0x61, 0x01);       /* two entries announced, one there */
    EXPECT_DIAG("!", 0x5f, 0x61, 0x61, 0xff);       /* an indefinite byte string holding text */
    EXPECT_DIAG("!", 0x5f, 0x5f, 0xff, 0xff);       /* a nested indefinite chunk */
    EXPECT_DIAG("!", 0x9f, 0x01);                   /* no break */
    EXPECT_DIAG("!", 0xff);                         /* a break out of place */
    EXPECT_DIAG("!", 0xbf, 0x61, 0x61, 0xff);       /* a key without a value */
    EXPECT_DIAG("!", 0x62, 0xc3, 0x28);             /* text that is not UTF-8 */
    EXPECT_DIAG("!", 0x7f, 0x61, 0xc3, 0x61, 0xa9, 0xff); /* a character split across chunks */
    EXPECT_DIAG("!", 0xf8, 0x10);                   /* a two-byte simple value below 32 */
    EXPECT_DIAG("!", 0x01, 0x02);                   /* trailing bytes */
    char *none = diag((const uint8_t *)"", 0); /* nothing */
    cr_expect_str_eq(none, "!");
    free(none);
}

Test(cbor, nesting_is_limited)
{
    uint8_t deep[200];
    memset(deep, 0x81, sizeof deep - 1); /* [[[[...]]]] */
    deep[sizeof deep - 1] = 0x00;
    char *got = diag(deep, sizeof deep);
    cr_expect_str_eq(got, "!");
    free(got);
    awsc_cbor_decoder d = {.start = deep, .p = deep, .end = deep + sizeof deep};
    cr_expect_eq(awsc_cbor_skip(&d), -1);
    cr_expect_str_eq(d.problem, "nesting too deep");
}

Test(cbor, encoder_picks_the_shortest_head)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_cbor_put_int(&b, 23), 0);
    cr_assert_eq(awsc_cbor_put_int(&b, 24), 0);
    cr_assert_eq(awsc_cbor_put_int(&b, 256), 0);
    cr_assert_eq(awsc_cbor_put_int(&b, 65536), 0);
    cr_assert_eq(awsc_cbor_put_int(&b, INT64_MIN), 0);
    const uint8_t want[] = {0x17, 0x18, 0x18, 0x19, 0x01, 0x00, 0x1a, 0x00, 0x01, 0x00, 0x00,
                            0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    cr_assert_eq(b.len, sizeof want);
    cr_expect_eq(memcmp(b.data, want, sizeof want), 0);
    awsc_buf_free(&b);
}

/* ---- descriptors ---------------------------------------------------------- */

typedef struct {
    const char **items;
    size_t count;
} str_list;

typedef struct {
    const char *key;
    const char **value; /* sparse: boxed */
} str_entry;

typedef struct {
    str_entry *entries;
    size_t count;
} str_map;

typedef struct {
    const char *name;
    int32_t count;
    bool has_count;
    int64_t big;
    bool has_big;
    float f;
    bool has_f;
    double d;
    bool has_d;
    bool flag;
    bool has_flag;
    awsc_blob data;
    awsc_timestamp when;
    bool has_when;
    str_list tags;
    str_map sparse;
    const char *token;
} rec_t;

#define BASE .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY
#define HAS(field) .has_offset = offsetof(rec_t, field), .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY

static const awsc_member elem[] = {{.name = "member", .wire_name = "member", .type = AWSC_T_STRING, BASE}};
static const awsc_shape list_shape = {.name = "Tags", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                      .members = elem, .member_count = 1};
static const awsc_member entry_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(str_entry, key), .type = AWSC_T_STRING, BASE},
    {.name = "value", .wire_name = "value", .offset = offsetof(str_entry, value), .type = AWSC_T_STRING,
     .flags = AWSC_F_BOXED | AWSC_F_NULLABLE, BASE},
};
static const awsc_shape map_shape = {.name = "Sparse", .type = AWSC_T_MAP, .size = sizeof(str_entry),
                                     .members = entry_members, .member_count = 2};

static const awsc_member rec_members[] = {
    {.name = "name", .wire_name = "name", .offset = offsetof(rec_t, name), .type = AWSC_T_STRING, BASE},
    {.name = "count", .wire_name = "count", .offset = offsetof(rec_t, count), .type = AWSC_T_INT, HAS(has_count)},
    {.name = "big", .wire_name = "big", .offset = offsetof(rec_t, big), .type = AWSC_T_LONG, HAS(has_big)},
    {.name = "f", .wire_name = "f", .offset = offsetof(rec_t, f), .type = AWSC_T_FLOAT, HAS(has_f)},
    {.name = "d", .wire_name = "d", .offset = offsetof(rec_t, d), .type = AWSC_T_DOUBLE, HAS(has_d)},
    {.name = "flag", .wire_name = "flag", .offset = offsetof(rec_t, flag), .type = AWSC_T_BOOL, HAS(has_flag)},
    {.name = "data", .wire_name = "data", .offset = offsetof(rec_t, data), .type = AWSC_T_BLOB, BASE},
    {.name = "when", .wire_name = "when", .offset = offsetof(rec_t, when), .type = AWSC_T_TIMESTAMP,
     HAS(has_when)},
    {.name = "tags", .wire_name = "tags", .offset = offsetof(rec_t, tags), .type = AWSC_T_LIST,
     .shape = &list_shape, .flags = 0, BASE},
    {.name = "sparse", .wire_name = "sparse", .offset = offsetof(rec_t, sparse), .type = AWSC_T_MAP,
     .shape = &map_shape, .flags = AWSC_F_SPARSE, BASE},
    {.name = "token", .wire_name = "token", .offset = offsetof(rec_t, token), .type = AWSC_T_STRING,
     .flags = AWSC_F_IDEMPOTENCY_TOKEN, BASE},
};
static const awsc_shape rec_shape = {.name = "Rec", .type = AWSC_T_STRUCT, .size = sizeof(rec_t),
                                     .members = rec_members, .member_count = 11};

static awsc_arena *arena;
static void cbor_fini(void)
{
    awsc_arena_destroy(arena);
    arena = NULL;
}
TestSuite(desc, .fini = cbor_fini);

static int read_rec(const uint8_t *data, size_t len, rec_t *out, awsc_error *err)
{
    awsc_arena_destroy(arena);
    arena = awsc_arena_create();
    memset(out, 0, sizeof *out);
    return awsc_cbor_read(&rec_shape, out, data, len, arena, AWSC_E_RESPONSE, err);
}

Test(desc, round_trip_of_every_kind)
{
    const char *tags[] = {"a", "é"};
    const char *v = "x";
    str_entry entries[] = {{"k1", &v}, {"k2", NULL}};
    rec_t in = {.name = "n", .count = -5, .has_count = true, .big = INT64_MAX, .has_big = true, .f = 7.625f,
                .has_f = true, .d = NAN, .has_d = true, .flag = true, .has_flag = true,
                .data = {(const uint8_t *)"\0\1", 2}, .when = {946845296, 123000000}, .has_when = true,
                .tags = {tags, 2}, .sparse = {entries, 2}};
    awsc_buf b = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_cbor_write(&b, &rec_shape, &in, true, "tok", &err), AWSC_OK, "%s", err.message);
    char *text = diag((const uint8_t *)b.data, b.len);
    cr_expect_str_eq(text, "{\"big\": 9223372036854775807, \"count\": -5, \"d\": NaN, \"data\": h'0001', \"f\": 7.625, "
                           "\"flag\": true, \"name\": \"n\", \"sparse\": {\"k1\": \"x\", \"k2\": null}, "
                           "\"tags\": [\"a\", \"é\"], \"token\": \"tok\", \"when\": 1(946845296.123)}");
    free(text);
    rec_t out;
    cr_assert_eq(read_rec((const uint8_t *)b.data, b.len, &out, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(out.name, "n");
    cr_expect(out.has_count && out.count == -5);
    cr_expect_eq(out.big, INT64_MAX);
    cr_expect_eq(out.f, 7.625f);
    cr_expect(isnan(out.d));
    cr_expect(out.flag);
    cr_expect(out.data.len == 2 && out.data.data[1] == 1);
    cr_expect(out.has_when && out.when.seconds == 946845296 && out.when.nanos == 123000000);
    cr_expect(out.tags.count == 2 && strcmp(out.tags.items[1], "é") == 0);
    cr_expect(out.sparse.count == 2 && strcmp(*out.sparse.entries[0].value, "x") == 0);
    cr_expect_null(out.sparse.entries[1].value); /* null kept in a sparse map */
    cr_expect_str_eq(out.token, "tok");
    awsc_buf_free(&b);
}

Test(desc, reader_takes_every_encoding_and_skips_unknowns)
{
    /* {_ "count": 1000 (as a 4-byte uint), "d": 1.5 (half), "zzz": {"x": [1, 2]}, "name": null,
     *    "tags": [_ "a", null], "when": 1(1.5) } */
    rec_t out;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_rec(B(0xbf, 0x65, 'c', 'o', 'u', 'n', 't', 0x1a, 0x00, 0x00, 0x03, 0xe8, 0x61, 'd', 0xf9,
                            0x3e, 0x00, 0x63, 'z', 'z', 'z', 0xa1, 0x61, 'x', 0x82, 0x01, 0x02, 0x64, 'n', 'a', 'm',
                            'e', 0xf6, 0x64, 't', 'a', 'g', 's', 0x9f, 0x61, 'a', 0xf6, 0xff, 0x64, 'w', 'h', 'e',
                            'n', 0xc1, 0xf9, 0x3e, 0x00, 0xff),
                          &out, &err),
                 AWSC_OK, "%s", err.message);
    cr_expect_eq(out.count, 1000);
    cr_expect_eq(out.d, 1.5);
    cr_expect_null(out.name);           /* null: absent */
    cr_expect_eq(out.tags.count, 1);    /* a dense list drops nulls */
    cr_expect(out.when.seconds == 1 && out.when.nanos == 500000000);
}

Test(desc, reader_refuses_wrong_types_and_ranges)
{
    rec_t out;
    awsc_error err = AWSC_ERROR_INIT;
    /* {"count": 2^31} */
    cr_expect_eq(read_rec(B(0xa1, 0x65, 'c', 'o', 'u', 'n', 't', 0x1a, 0x80, 0x00, 0x00, 0x00), &out, &err),
                 AWSC_E_RESPONSE);
    cr_expect(strstr(err.message, "member count") && strstr(err.message, "out of range"), "%s", err.message);
    awsc_error_clear(&err);
    /* {"f": 1e300}: a double too big for a float member */
    cr_expect_eq(read_rec(B(0xa1, 0x61, 'f', 0xfb, 0x7e, 0x37, 0xe4, 0x3c, 0x88, 0x00, 0x75, 0x9c), &out, &err),
                 AWSC_E_RESPONSE);
    cr_expect(strstr(err.message, "out of range for a float"), "%s", err.message);
    awsc_error_clear(&err);
    /* {"name": 1} */
    cr_expect_eq(read_rec(B(0xa1, 0x64, 'n', 'a', 'm', 'e', 0x01), &out, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    /* {"data": "text"}: a blob is a byte string */
    cr_expect_eq(read_rec(B(0xa1, 0x64, 'd', 'a', 't', 'a', 0x61, 'x'), &out, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    /* [1]: the body must be a map */
    cr_expect_eq(read_rec(B(0x81, 0x01), &out, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    /* {"when": 2("x")}: only tag 1 is a timestamp */
    cr_expect_eq(read_rec(B(0xa1, 0x64, 'w', 'h', 'e', 'n', 0xc2, 0x41, 0x00), &out, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    /* {"zzz": "\xff"}: an unknown member is skipped, but its text must still be UTF-8 */
    cr_expect_eq(read_rec(B(0xa1, 0x63, 'z', 'z', 'z', 0x61, 0xff), &out, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    /* {"str\0\0": 1}: a key with NUL bytes matches no member (and is never read past a name's end) */
    cr_expect_eq(read_rec(B(0xa1, 0x66, 'n', 'a', 'm', 'e', 0x00, 0x00, 0x01), &out, &err), AWSC_OK);
    cr_expect_null(out.name);
    /* {1: 2}: keys are text */
    cr_expect_eq(read_rec(B(0xa1, 0x01, 0x02), &out, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    /* a list that announces 2^32 elements in 6 bytes */
    cr_expect_eq(read_rec(B(0xa1, 0x64, 't', 'a', 'g', 's', 0x9a, 0xff, 0xff, 0xff, 0xff), &out, &err),
                 AWSC_E_RESPONSE);
    awsc_error_clear(&err);
}

Test(desc, writer_refuses_bad_input)
{
    awsc_buf b = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    rec_t in = {.name = "\xc3\x28"};
    cr_expect_eq(awsc_cbor_write(&b, &rec_shape, &in, true, NULL, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
    const char *v = "x";
    str_entry no_key[] = {{NULL, &v}};
    rec_t in2 = {.sparse = {no_key, 1}};
    cr_expect_eq(awsc_cbor_write(&b, &rec_shape, &in2, true, NULL, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
    awsc_buf_free(&b);
}

/* ---- the codec ------------------------------------------------------------ */

Test(codec, request_headers_body_and_path)
{
    awsc_operation op = {.name = "Do", .method = "POST", .uri = "/service/Svc/operation/Do", .http_code = 200,
                         .input = &rec_shape, .codec = &awsc_codec_rpcv2_cbor};
    rec_t in = {.name = "n"};
    awsc_rest_request req;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_rest_serialize(&op, &in, NULL, &req, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(req.path.data, "/service/Svc/operation/Do");
    cr_expect(awsc_rest_has_header(&req, "smithy-protocol"));
    cr_expect(awsc_rest_has_header(&req, "Accept"));
    cr_expect(awsc_rest_has_header(&req, "Content-Type"));
    cr_expect(!awsc_rest_has_header(&req, "X-Amz-Target"));
    cr_assert(req.has_body);
    char *text = diag((const uint8_t *)req.body.data, req.body.len);
    cr_expect_str_eq(text, "{\"name\": \"n\"}");
    free(text);
    awsc_rest_request_free(&req);

    /* no input: no body, no Content-Type */
    op.input = NULL;
    cr_assert_eq(awsc_rest_serialize(&op, NULL, NULL, &req, &err), AWSC_OK, "%s", err.message);
    cr_expect(!req.has_body);
    cr_expect(!awsc_rest_has_header(&req, "Content-Type"));
    cr_expect(awsc_rest_has_header(&req, "smithy-protocol"));
    awsc_rest_request_free(&req);
}

Test(codec, error_code_from_type)
{
    /* {"__type": "ns#Oops", "message": "Hi"} */
    awsc_http_response resp = {.status = 400};
    awsc_buf_append(&resp.body, B(0xa2, 0x66, '_', '_', 't', 'y', 'p', 'e', 0x67, 'n', 's', '#', 'O', 'o', 'p', 's',
                                  0x67, 'm', 'e', 's', 's', 'a', 'g', 'e', 0x62, 'H', 'i'));
    awsc_arena *a = awsc_arena_create();
    awsc_error_fields f = {0};
    cr_assert_eq(awsc_codec_rpcv2_cbor.error_fields(&resp, a, &f), 0);
    cr_expect_str_eq(f.code, "ns#Oops");
    cr_expect_str_eq(f.message, "Hi");
    /* garbage: no fields, no crash */
    resp.body.len = 3;
    awsc_error_fields g = {0};
    cr_assert_eq(awsc_codec_rpcv2_cbor.error_fields(&resp, a, &g), 0);
    cr_expect_null(g.code);
    awsc_arena_destroy(a);
    awsc_buf_free(&resp.body);
}

static bool is_secret(const void *user, const char *name, size_t len)
{
    (void)user;
    return len == 6 && memcmp(name, "secret", 6) == 0;
}

Test(codec, redacts_secret_values_in_logs)
{
    awsc_buf out = AWSC_BUF_INIT;
    /* {"secret": "s3", "a": 1} */
    const uint8_t body[] = {0xa2, 0x66, 's', 'e', 'c', 'r', 'e', 't', 0x62, 's', '3', 0x61, 'a', 0x01};
    cr_assert_eq(awsc_codec_rpcv2_cbor.redact((const char *)body, sizeof body, is_secret, NULL, &out), 0);
    cr_expect_str_eq(out.data, "{\"secret\": \"<redacted>\", \"a\": 1}");
    awsc_buf_free(&out);
    cr_assert_eq(awsc_codec_rpcv2_cbor.redact("\xff", 1, is_secret, NULL, &out), 0);
    cr_expect_str_eq(out.data, "(1 bytes that are not CBOR)");
    awsc_buf_free(&out);
}

/* An event's @eventPayload structure (event streams over rpcv2Cbor): its message's whole payload. */
typedef struct {
    const rec_t *payload;
} payload_event;

Test(codec, event_payload_structures_both_ways)
{
    const awsc_member payload = {.name = "payload", .wire_name = "payload", .shape = &rec_shape,
                                 .offset = offsetof(payload_event, payload), .has_offset = AWSC_NO_OFFSET,
                                 .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT,
                                 .binding = AWSC_B_PAYLOAD};
    rec_t rec = {.name = "n", .count = 7, .has_count = true};
    payload_event out = {&rec}, in = {0}, none = {0};
    awsc_rest_request req = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_codec_rpcv2_cbor.write_payload(&payload, &out, &req, &err), AWSC_OK, "%s", err.message);
    cr_expect(req.has_body);
    cr_expect(awsc_rest_has_header(&req, "Content-Type"));
    char *text = diag((const uint8_t *)req.body.data, req.body.len);
    cr_expect_str_eq(text, "{\"count\": 7, \"name\": \"n\"}");
    free(text);

    awsc_arena *a = awsc_arena_create();
    cr_assert_eq(awsc_codec_rpcv2_cbor.read_payload(&payload, &in, req.body.data, req.body.len, a, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_not_null(in.payload);
    cr_expect_str_eq(in.payload->name, "n");
    cr_expect(in.payload->has_count && in.payload->count == 7);
    awsc_rest_request_free(&req);

    /* An unset structure is an empty map; an empty payload reads as one. */
    cr_assert_eq(awsc_codec_rpcv2_cbor.write_payload(&payload, &none, &req, &err), AWSC_OK, "%s", err.message);
    text = diag((const uint8_t *)req.body.data, req.body.len);
    cr_expect_str_eq(text, "{}");
    free(text);
    awsc_rest_request_free(&req);
    in.payload = NULL;
    cr_assert_eq(awsc_codec_rpcv2_cbor.read_payload(&payload, &in, "", 0, a, &err), AWSC_OK, "%s", err.message);
    cr_expect(in.payload && !in.payload->name);

    /* Not CBOR: refused with the response's status and a message. */
    cr_expect_eq(awsc_codec_rpcv2_cbor.read_payload(&payload, &in, "{\"name\":1}", 10, a, &err), AWSC_E_RESPONSE);
    cr_expect_not_null(err.message);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}
