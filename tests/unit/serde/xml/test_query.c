/*
 * The awsQuery and ec2Query codecs on hand-made descriptors: the form they
 * write (keys, encoding, lists, tokens) and how they take bad responses.
 * The compliance suites (tests/protocol) cover the rest case by case.
 */
#include "awsc/xml.h"

#include "util/arena.h"
#include "serde/codec.h"
#include "serde/rest.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char **items;
    size_t count;
} str_list;

typedef struct {
    const char *name;
    int32_t count;
    bool has_count;
    str_list tags;
    str_list flat;
    const char *token;
} input_t;

typedef struct {
    const char *name;
    int32_t count;
    bool has_count;
} output_t;

#define BASE .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY
#define HAS(type, field) .has_offset = offsetof(type, field), .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY

static const awsc_member elem[] = {{.name = "member", .wire_name = "item", .type = AWSC_T_STRING, BASE}};
static const awsc_shape list_shape = {.name = "Tags", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                      .members = elem, .member_count = 1};

static const awsc_member in_members[] = {
    {.name = "name", .wire_name = "name", .ext = &(const awsc_member_ext){.query_name = "Name"}, .offset = offsetof(input_t, name),
     .type = AWSC_T_STRING, BASE},
    {.name = "count", .wire_name = "count", .ext = &(const awsc_member_ext){.query_name = "Count"}, .offset = offsetof(input_t, count),
     .type = AWSC_T_INT, HAS(input_t, has_count)},
    {.name = "tags", .wire_name = "tags", .ext = &(const awsc_member_ext){.query_name = "Tags"}, .offset = offsetof(input_t, tags),
     .type = AWSC_T_LIST, .shape = &list_shape, BASE},
    {.name = "flat", .wire_name = "Flat", .offset = offsetof(input_t, flat), .type = AWSC_T_LIST,
     .shape = &list_shape, .flags = AWSC_F_XML_FLATTENED, BASE},
    {.name = "token", .wire_name = "token", .ext = &(const awsc_member_ext){.query_name = "Token"}, .offset = offsetof(input_t, token),
     .type = AWSC_T_STRING, .flags = AWSC_F_IDEMPOTENCY_TOKEN, BASE},
};
static const awsc_shape in_shape = {.name = "In", .type = AWSC_T_STRUCT, .size = sizeof(input_t),
                                    .members = in_members, .member_count = 5};

static const awsc_member out_members[] = {
    {.name = "name", .wire_name = "name", .offset = offsetof(output_t, name), .type = AWSC_T_STRING, BASE},
    {.name = "count", .wire_name = "count", .offset = offsetof(output_t, count), .type = AWSC_T_INT,
     HAS(output_t, has_count)},
};
static const awsc_shape out_shape = {.name = "Out", .type = AWSC_T_STRUCT, .size = sizeof(output_t),
                                     .members = out_members, .member_count = 2};

static awsc_operation op(const awsc_codec *codec)
{
    awsc_operation o = {.name = "Do", .method = "POST", .uri = "/", .http_code = 200, .input = &in_shape,
                        .output = &out_shape, .target = "Action=Do&Version=2020-01-01",
                        .content_type = "application/x-www-form-urlencoded", .codec = codec};
    return o;
}

static char *form_of(const awsc_codec *codec, const input_t *in, const char *token)
{
    awsc_operation o = op(codec);
    awsc_rest_request req;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_rest_serialize(&o, in, token, &req, &err), AWSC_OK, "%s", err.message);
    cr_assert(req.has_body);
    cr_assert(awsc_rest_has_header(&req, "Content-Type"));
    char *body = strndup(req.body.data, req.body.len);
    awsc_rest_request_free(&req);
    return body;
}

Test(query, awsquery_form)
{
    const char *tags[] = {"a b", "x+y/z=é"};
    input_t in = {.name = "n&m", .count = -3, .has_count = true, .tags = {tags, 2}, .flat = {tags, 1}};
    char *body = form_of(&awsc_codec_aws_query, &in, "tok-1");
    /* awsQuery keys are the XML names; wrapped lists use the element name, flattened ones do not. */
    cr_expect_str_eq(body, "Action=Do&Version=2020-01-01&name=n%26m&count=-3&tags.item.1=a%20b"
                           "&tags.item.2=x%2By%2Fz%3D%C3%A9&Flat.1=a%20b&token=tok-1");
    free(body);
}

Test(query, ec2_form)
{
    const char *tags[] = {"a"};
    input_t in = {.tags = {tags, 1}, .flat = {tags, 0}, .token = "mine"};
    char *body = form_of(&awsc_codec_ec2_query, &in, "unused");
    /* ec2Query: its own key names, lists always Name.N, an empty list sends nothing, a set token stays. */
    cr_expect_str_eq(body, "Action=Do&Version=2020-01-01&Tags.1=a&Token=mine");
    free(body);
}

Test(query, empty_awsquery_list_is_sent_empty)
{
    const char *none[] = {NULL};
    input_t in = {.tags = {none, 0}};
    char *body = form_of(&awsc_codec_aws_query, &in, NULL);
    cr_expect_str_eq(body, "Action=Do&Version=2020-01-01&tags=");
    free(body);
}

/* The strings read_out reads live here until the next read_out (or the end of the test). */
static awsc_arena *out_arena;

static void query_fini(void)
{
    awsc_arena_destroy(out_arena);
    out_arena = NULL;
}

TestSuite(query, .fini = query_fini);

static int read_out(const awsc_codec *codec, bool is_error, const char *body, output_t *out, awsc_error *err)
{
    awsc_operation o = op(codec);
    awsc_arena_destroy(out_arena);
    out_arena = awsc_arena_create();
    cr_assert_not_null(out_arena);
    memset(out, 0, sizeof *out);
    return codec->read_body(&o, &out_shape, is_error, out, body, strlen(body), out_arena, err);
}

Test(query, reads_result_and_error_elements)
{
    output_t out;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_out(&awsc_codec_aws_query, false,
                      "<DoResponse><DoResult><count>7</count></DoResult><ResponseMetadata/></DoResponse>", &out,
                      &err),
                 AWSC_OK, "%s", err.message);
    cr_expect(out.has_count && out.count == 7);
    cr_assert_eq(read_out(&awsc_codec_ec2_query, false, "<DoResponse><count>8</count><requestId>r</requestId></DoResponse>",
                      &out, &err),
                 AWSC_OK);
    cr_expect(out.has_count && out.count == 8);
    cr_assert_eq(read_out(&awsc_codec_ec2_query, true,
                      "<Response><Errors><Error><Code>C</Code><count>9</count></Error></Errors></Response>", &out,
                      &err),
                 AWSC_OK);
    cr_expect(out.has_count && out.count == 9);
    /* No Result element: an output without members. */
    cr_assert_eq(read_out(&awsc_codec_aws_query, false, "<DoResponse/>", &out, &err), AWSC_OK);
    cr_expect(!out.has_count);
    awsc_error_clear(&err);
}

Test(query, bad_responses_are_errors_not_crashes)
{
    output_t out;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(read_out(&awsc_codec_aws_query, false, "<DoResponse><DoResult><count>7</count>", &out, &err),
                 AWSC_E_RESPONSE);
    cr_expect_eq(read_out(&awsc_codec_aws_query, false, "<DoResponse><DoResult><count>x</count></DoResult></DoResponse>",
                      &out, &err),
                 AWSC_E_RESPONSE);
    cr_expect_eq(read_out(&awsc_codec_aws_query, true, "<ErrorResponse><RequestId>r</RequestId></ErrorResponse>", &out,
                      &err),
                 AWSC_E_RESPONSE);
    awsc_error_clear(&err);
}

static awsc_error_fields fields_of(const awsc_codec *codec, const char *body, awsc_arena *a)
{
    awsc_http_response resp = {.status = 400};
    awsc_buf_puts(&resp.body, body);
    awsc_error_fields f = {0};
    cr_assert_eq(codec->error_fields(&resp, a, &f), 0);
    awsc_buf_free(&resp.body);
    return f;
}

Test(query, error_fields)
{
    awsc_arena *a = awsc_arena_create();
    awsc_error_fields f = fields_of(&awsc_codec_aws_query,
                                    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                                    "<Message>slow down</Message></Error><RequestId>rid-1</RequestId></ErrorResponse>",
                                    a);
    cr_expect_str_eq(f.code, "Throttling");
    cr_expect_str_eq(f.message, "slow down");
    cr_expect_str_eq(f.request_id, "rid-1");
    f = fields_of(&awsc_codec_ec2_query,
                  "<Response><Errors><Error><Code>Bad</Code><Message>m</Message></Error></Errors>"
                  "<RequestID>rid-2</RequestID></Response>",
                  a);
    cr_expect_str_eq(f.code, "Bad");
    cr_expect_str_eq(f.request_id, "rid-2");
    /* A body that is not XML (a proxy's page) or not an error document gives no fields. */
    f = fields_of(&awsc_codec_aws_query, "<html><body>502 Bad Gateway", a);
    cr_expect_null(f.code);
    f = fields_of(&awsc_codec_aws_query, "<Other/>", a);
    cr_expect_null(f.code);
    cr_expect_null(f.request_id);
    awsc_arena_destroy(a);
}

/* ---- every type in a form ------------------------------------------------------ */

typedef struct {
    const char *key;
    const char *value;
} kv;

typedef struct {
    kv *entries;
    size_t count;
} kv_map;

typedef struct nested_t {
    const char *s;
    const struct nested_t *next;
} nested_t;

typedef struct {
    nested_t *items;
    size_t count;
} nested_list;

typedef struct {
    str_list *items;
    size_t count;
} list_list;

typedef struct {
    int32_t **items;
    size_t count;
} boxed_list;

typedef struct {
    int type;
    union {
        const char *s;
        int32_t i;
    } value;
} uni_t;

typedef enum { EN_A = 1, EN_B = 2, EN_UNKNOWN = -1 } en_t;

typedef struct {
    const char *str;
    en_t en;
    const char *en_raw;
    bool b;
    bool has_b;
    int8_t by;
    bool has_by;
    int16_t sh;
    bool has_sh;
    int32_t ie;
    bool has_ie;
    int64_t l;
    bool has_l;
    float f;
    bool has_f;
    double d;
    bool has_d;
    const char *bigi;
    awsc_blob blob;
    awsc_timestamp ts;
    bool has_ts;
    awsc_timestamp ts_http;
    bool has_ts_http;
    awsc_timestamp ts_epoch;
    bool has_ts_epoch;
    const nested_t *nested;
    nested_list nested_list;
    list_list lists;
    kv_map map;
    kv_map flat_map;
    kv_map sparse_map;
    boxed_list boxed;
    str_list sparse_strs;
    const uni_t *u;
    const char *doc;
    awsc_stream stream;
} every_t;

static const char *const en_values[] = {"a-value", "b value"};
static const awsc_shape en_shape = {.name = "En", .type = AWSC_T_ENUM, .size = sizeof(en_t),
                                    .enum_values = en_values, .enum_count = 2};
static const awsc_shape nested_shape;
static const awsc_member nested_members[] = {
    {.name = "s", .wire_name = "S", .offset = offsetof(nested_t, s), .type = AWSC_T_STRING, BASE,
     .ext = &(const awsc_member_ext){.query_name = "Ess"}},
    {.name = "next", .wire_name = "Next", .offset = offsetof(nested_t, next), .type = AWSC_T_STRUCT,
     .shape = &nested_shape, BASE},
};
static const awsc_shape nested_shape = {.name = "Nested", .type = AWSC_T_STRUCT, .size = sizeof(nested_t),
                                        .members = nested_members, .member_count = 2};
static const awsc_member nested_elem[] = {
    {.name = "member", .wire_name = "member", .type = AWSC_T_STRUCT, .flags = AWSC_F_INLINE, .shape = &nested_shape,
     BASE}};
static const awsc_shape nested_list_shape = {.name = "NestedList", .type = AWSC_T_LIST, .size = sizeof(nested_t),
                                             .members = nested_elem, .member_count = 1};
static const awsc_member list_elem[] = {
    {.name = "member", .wire_name = "member", .type = AWSC_T_LIST, .shape = &list_shape, BASE}};
static const awsc_shape list_list_shape = {.name = "ListList", .type = AWSC_T_LIST, .size = sizeof(str_list),
                                           .members = list_elem, .member_count = 1};
static const awsc_member kv_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(kv, key), .type = AWSC_T_STRING, BASE},
    {.name = "value", .wire_name = "value", .offset = offsetof(kv, value), .type = AWSC_T_STRING, BASE},
};
static const awsc_shape kv_shape = {.name = "Kv", .type = AWSC_T_MAP, .size = sizeof(kv), .members = kv_members,
                                    .member_count = 2};
static const awsc_member named_kv_members[] = {
    {.name = "key", .wire_name = "K", .offset = offsetof(kv, key), .type = AWSC_T_STRING, BASE},
    {.name = "value", .wire_name = "V", .offset = offsetof(kv, value), .type = AWSC_T_STRING, BASE},
};
static const awsc_shape named_kv_shape = {.name = "NamedKv", .type = AWSC_T_MAP, .size = sizeof(kv),
                                          .members = named_kv_members, .member_count = 2};
static const awsc_member sparse_kv_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(kv, key), .type = AWSC_T_STRING, BASE},
    {.name = "value", .wire_name = "value", .offset = offsetof(kv, value), .type = AWSC_T_STRING,
     .flags = AWSC_F_NULLABLE, BASE},
};
static const awsc_shape sparse_kv_shape = {.name = "SparseKv", .type = AWSC_T_MAP, .size = sizeof(kv),
                                           .members = sparse_kv_members, .member_count = 2};
static const awsc_member boxed_elem[] = {{.name = "member", .wire_name = "member", .type = AWSC_T_INT,
                                          .flags = AWSC_F_BOXED | AWSC_F_NULLABLE, BASE}};
static const awsc_shape boxed_shape = {.name = "Boxed", .type = AWSC_T_LIST, .size = sizeof(int32_t *),
                                       .members = boxed_elem, .member_count = 1};
static const awsc_member sparse_str_elem[] = {
    {.name = "member", .wire_name = "member", .type = AWSC_T_STRING, .flags = AWSC_F_NULLABLE, BASE}};
static const awsc_shape sparse_str_shape = {.name = "SparseStrs", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                            .members = sparse_str_elem, .member_count = 1};
static const awsc_member uni_members[] = {
    {.name = "s", .wire_name = "S", .offset = offsetof(uni_t, value.s), .type = AWSC_T_STRING, BASE},
    {.name = "i", .wire_name = "I", .offset = offsetof(uni_t, value.i), .type = AWSC_T_INT, BASE,
     .ext = &(const awsc_member_ext){.query_name = "Eye"}},
};
static const awsc_shape uni_shape = {.name = "Uni", .type = AWSC_T_UNION, .size = sizeof(uni_t),
                                     .members = uni_members, .member_count = 2,
                                     .union_tag_offset = offsetof(uni_t, type)};

#define EV(nm, wire, fld, T) .name = nm, .wire_name = wire, .offset = offsetof(every_t, fld), .type = T
#define EHAS(f) .has_offset = offsetof(every_t, f), .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY
static const awsc_member every_members[] = {
    {EV("str", "Str", str, AWSC_T_STRING), BASE},
    {EV("en", "En", en, AWSC_T_ENUM), .has_offset = AWSC_NO_OFFSET, .raw_offset = offsetof(every_t, en_raw),
     .shape = &en_shape},
    {EV("b", "B", b, AWSC_T_BOOL), EHAS(has_b)},
    {EV("by", "By", by, AWSC_T_BYTE), EHAS(has_by)},
    {EV("sh", "Sh", sh, AWSC_T_SHORT), EHAS(has_sh)},
    {EV("ie", "Ie", ie, AWSC_T_INT_ENUM), EHAS(has_ie)},
    {EV("l", "L", l, AWSC_T_LONG), EHAS(has_l)},
    {EV("f", "F", f, AWSC_T_FLOAT), EHAS(has_f)},
    {EV("d", "D", d, AWSC_T_DOUBLE), EHAS(has_d)},
    {EV("bigi", "BigI", bigi, AWSC_T_BIG_INTEGER), BASE},
    {EV("blob", "Blob", blob, AWSC_T_BLOB), BASE},
    {EV("ts", "Ts", ts, AWSC_T_TIMESTAMP), EHAS(has_ts)},
    {EV("tsHttp", "TsHttp", ts_http, AWSC_T_TIMESTAMP), EHAS(has_ts_http), .ts_format = AWSC_TS_HTTP_DATE},
    {EV("tsEpoch", "TsEpoch", ts_epoch, AWSC_T_TIMESTAMP), EHAS(has_ts_epoch), .ts_format = AWSC_TS_EPOCH_SECONDS},
    {EV("nested", "Nested", nested, AWSC_T_STRUCT), BASE, .shape = &nested_shape},
    {EV("nestedList", "NestedList", nested_list, AWSC_T_LIST), BASE, .shape = &nested_list_shape},
    {EV("lists", "Lists", lists, AWSC_T_LIST), BASE, .shape = &list_list_shape},
    {EV("map", "Map", map, AWSC_T_MAP), BASE, .shape = &kv_shape},
    {EV("flatMap", "FlatMap", flat_map, AWSC_T_MAP), BASE, .flags = AWSC_F_XML_FLATTENED, .shape = &named_kv_shape},
    {EV("sparseMap", "SparseMap", sparse_map, AWSC_T_MAP), BASE, .shape = &sparse_kv_shape},
    {EV("boxed", "Boxed", boxed, AWSC_T_LIST), BASE, .shape = &boxed_shape},
    {EV("sparseStrs", "SparseStrs", sparse_strs, AWSC_T_LIST), BASE, .shape = &sparse_str_shape},
    {EV("u", "U", u, AWSC_T_UNION), BASE, .shape = &uni_shape},
    {EV("doc", "Doc", doc, AWSC_T_DOCUMENT), BASE},
    {EV("stream", "Stream", stream, AWSC_T_STREAM), BASE},
};
static const awsc_shape every_shape = {.name = "Every", .type = AWSC_T_STRUCT, .size = sizeof(every_t),
                                       .members = every_members,
                                       .member_count = sizeof every_members / sizeof *every_members};

/* The form for `in`, or NULL with `err` set. */
static char *every_form(const awsc_codec *codec, const every_t *in, awsc_error *err)
{
    awsc_operation o = {.name = "All", .method = "POST", .uri = "/", .http_code = 200, .input = &every_shape,
                        .target = "Action=All&Version=1", .content_type = "application/x-www-form-urlencoded",
                        .codec = codec};
    awsc_rest_request req;
    char *body = NULL;
    if (awsc_rest_serialize(&o, in, NULL, &req, err) == AWSC_OK)
        body = strndup(req.body.data, req.body.len);
    awsc_rest_request_free(&req);
    return body;
}

static void every_refused(const awsc_codec *codec, const every_t *in, const char *message)
{
    awsc_error err = AWSC_ERROR_INIT;
    char *body = every_form(codec, in, &err);
    cr_assert_null(body, "sent: %s", body);
    cr_assert_eq(err.status, AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, message);
    awsc_error_clear(&err);
}

Test(query, every_scalar_type_is_form_encoded)
{
    every_t in = {.str = "a b&c=d/é~", .en = EN_B, .b = true, .has_b = true, .by = -8, .has_by = true,
                  .sh = -300, .has_sh = true, .ie = 7, .has_ie = true, .l = INT64_MIN, .has_l = true,
                  .f = 0.1f, .has_f = true, .d = -1e300, .has_d = true, .bigi = "123456789012345678901234567890",
                  .blob = {(const uint8_t *)"\xff\xfe?", 3}, .ts = {1576540098, 500000000}, .has_ts = true,
                  .ts_http = {1576540098, 0}, .has_ts_http = true, .ts_epoch = {1576540098, 250000000},
                  .has_ts_epoch = true};
    awsc_error err = AWSC_ERROR_INIT;
    char *body = every_form(&awsc_codec_aws_query, &in, &err);
    cr_assert_not_null(body, "%s", err.message);
    cr_expect_str_eq(body, "Action=All&Version=1&Str=a%20b%26c%3Dd%2F%C3%A9~&En=b%20value&B=true&By=-8&Sh=-300"
                           "&Ie=7&L=-9223372036854775808&F=0.1&D=-1e%2B300&BigI=123456789012345678901234567890"
                           "&Blob=%2F%2F4%2F&Ts=2019-12-16T23%3A48%3A18.5Z"
                           "&TsHttp=Mon%2C%2016%20Dec%202019%2023%3A48%3A18%20GMT&TsEpoch=1576540098.25");
    free(body);
    /* false, NaN, Infinity, an unknown enum value kept raw, an empty blob. */
    every_t more = {.b = false, .has_b = true, .f = NAN, .has_f = true, .d = -INFINITY, .has_d = true,
                    .en = EN_UNKNOWN, .en_raw = "future", .blob = {(const uint8_t *)"", 0}};
    body = every_form(&awsc_codec_aws_query, &more, &err);
    cr_assert_not_null(body, "%s", err.message);
    cr_expect_str_eq(body, "Action=All&Version=1&En=future&B=false&F=NaN&D=-Infinity&Blob=");
    free(body);
}

Test(query, structures_lists_and_maps_nest_their_keys)
{
    nested_t deep = {.s = "deep"};
    nested_t top = {.s = "top", .next = &deep};
    nested_t items[] = {{.s = "i1"}, {.next = &deep}};
    const char *l1[] = {"x"};
    const char *l2[] = {"y", "z"};
    str_list lists[] = {{l1, 1}, {l2, 2}};
    kv map[] = {{"k1", "v1"}, {"k 2", "v&2"}};
    kv flat[] = {{"a", "1"}};
    kv sparse[] = {{"n", NULL}, {"s", "v"}};
    int32_t three = 3;
    int32_t *boxed[] = {NULL, &three};
    const char *sparse_strs[] = {"p", NULL, "q"};
    uni_t u = {.type = 2, .value.i = 5};
    every_t in = {.nested = &top, .nested_list = {items, 2}, .lists = {lists, 2}, .map = {map, 2},
                  .flat_map = {flat, 1}, .sparse_map = {sparse, 2}, .boxed = {boxed, 2},
                  .sparse_strs = {sparse_strs, 3}, .u = &u};
    awsc_error err = AWSC_ERROR_INIT;
    char *body = every_form(&awsc_codec_aws_query, &in, &err);
    cr_assert_not_null(body, "%s", err.message);
    cr_expect_str_eq(body, "Action=All&Version=1&Nested.S=top&Nested.Next.S=deep"
                           "&NestedList.member.1.S=i1&NestedList.member.2.Next.S=deep"
                           "&Lists.member.1.item.1=x&Lists.member.2.item.1=y&Lists.member.2.item.2=z"
                           "&Map.entry.1.key=k1&Map.entry.1.value=v1&Map.entry.2.key=k%202&Map.entry.2.value=v%262"
                           "&FlatMap.1.K=a&FlatMap.1.V=1"
                           "&SparseMap.entry.1.key=n&SparseMap.entry.2.key=s&SparseMap.entry.2.value=v"
                           "&Boxed.member.1=3&SparseStrs.member.1=p&SparseStrs.member.2=q&U.I=5");
    free(body);
    /* ec2Query: its own names (query_name) at every level, lists Name.N, maps as awsQuery's. */
    body = every_form(&awsc_codec_ec2_query, &in, &err);
    cr_assert_not_null(body, "%s", err.message);
    cr_expect_str_eq(body, "Action=All&Version=1&Nested.Ess=top&Nested.Next.Ess=deep"
                           "&NestedList.1.Ess=i1&NestedList.2.Next.Ess=deep"
                           "&Lists.1.1=x&Lists.2.1=y&Lists.2.2=z"
                           "&Map.entry.1.key=k1&Map.entry.1.value=v1&Map.entry.2.key=k%202&Map.entry.2.value=v%262"
                           "&FlatMap.1.K=a&FlatMap.1.V=1"
                           "&SparseMap.entry.1.key=n&SparseMap.entry.2.key=s&SparseMap.entry.2.value=v"
                           "&Boxed.1=3&SparseStrs.1=p&SparseStrs.2=q&U.Eye=5");
    free(body);
}

Test(query, empty_collections)
{
    const char *none[] = {NULL};
    kv no_kv[] = {{NULL, NULL}};
    nested_t no_nested[] = {{0}};
    every_t in = {.nested_list = {no_nested, 0}, .map = {no_kv, 0}, .flat_map = {no_kv, 0},
                  .sparse_strs = {none, 0}};
    awsc_error err = AWSC_ERROR_INIT;
    char *body = every_form(&awsc_codec_aws_query, &in, &err);
    cr_assert_not_null(body, "%s", err.message);
    /* awsQuery says "empty list" as Name=; an empty map sends nothing. */
    cr_expect_str_eq(body, "Action=All&Version=1&NestedList=&SparseStrs=");
    free(body);
    body = every_form(&awsc_codec_ec2_query, &in, &err);
    cr_assert_not_null(body, "%s", err.message);
    cr_expect_str_eq(body, "Action=All&Version=1");
    free(body);
    /* An operation without input members sends just the action. */
    awsc_operation o = {.name = "None", .method = "POST", .uri = "/", .http_code = 200, .target = "Action=None&Version=1",
                        .content_type = "application/x-www-form-urlencoded", .codec = &awsc_codec_aws_query};
    awsc_rest_request req;
    cr_assert_eq(awsc_rest_serialize(&o, NULL, NULL, &req, &err), AWSC_OK, "%s", err.message);
    cr_expect_eq(req.body.len, strlen("Action=None&Version=1"));
    cr_expect_eq(memcmp(req.body.data, "Action=None&Version=1", req.body.len), 0);
    awsc_rest_request_free(&req);
}

static long no_read(void *user, uint8_t *buf, size_t cap)
{
    (void)user, (void)buf, (void)cap;
    return 0;
}

Test(query, values_a_form_cannot_carry_are_refused)
{
    every_t doc = {.doc = "{}"};
    every_refused(&awsc_codec_aws_query, &doc, "doc: documents cannot be sent in a query form");
    every_t bad_enum = {.en = 9};
    every_refused(&awsc_codec_aws_query, &bad_enum, "en: invalid value 9 for enum En");
    every_t unknown_no_raw = {.en = EN_UNKNOWN};
    every_refused(&awsc_codec_ec2_query, &unknown_no_raw, "en: invalid value -1 for enum En");
    every_t nanos = {.ts = {1, 1000000000u}, .has_ts = true};
    every_refused(&awsc_codec_aws_query, &nanos, "ts: nanoseconds out of range");
    every_t far = {.ts_http = {INT64_MAX, 0}, .has_ts_http = true};
    every_refused(&awsc_codec_aws_query, &far, "tsHttp: timestamp out of range");
    uni_t unset = {0};
    every_t u = {.u = &unset};
    every_refused(&awsc_codec_aws_query, &u, "Uni: union has no known member set");
    uni_t unknown = {.type = -1};
    every_t u2 = {.u = &unknown};
    every_refused(&awsc_codec_ec2_query, &u2, "Uni: union has no known member set");
    every_t null_items = {.lists = {NULL, 2}};
    /* count without items: absent by the presence rule (items NULL), so nothing is sent */
    awsc_error err = AWSC_ERROR_INIT;
    char *body = every_form(&awsc_codec_aws_query, &null_items, &err);
    cr_assert_str_eq(body, "Action=All&Version=1");
    free(body);
    str_list inner_bad[] = {{NULL, 1}};
    every_t nested_null = {.lists = {inner_bad, 1}};
    every_refused(&awsc_codec_aws_query, &nested_null, "member: count is 1 but items is NULL");
    kv null_key[] = {{"ok", "1"}, {NULL, "v"}};
    every_t nk = {.map = {null_key, 2}};
    every_refused(&awsc_codec_aws_query, &nk, "map: map entry 1 has a NULL key");
    every_t stream = {.stream = {.read = no_read}};
    every_refused(&awsc_codec_aws_query, &stream, "stream: a read callback cannot be sent in a form");
    /* A stream given as bytes is a blob. */
    every_t bytes = {.stream = {.data = (const uint8_t *)"hi", .len = 2}};
    body = every_form(&awsc_codec_aws_query, &bytes, &err);
    cr_assert_str_eq(body, "Action=All&Version=1&Stream=aGk%3D");
    free(body);
    /* A structure that contains itself 65 levels deep is refused, not a stack overflow. */
    nested_t chain[70];
    memset(chain, 0, sizeof chain);
    for (int i = 0; i < 69; i++)
        chain[i].next = &chain[i + 1];
    every_t deep = {.nested = &chain[0]};
    every_refused(&awsc_codec_aws_query, &deep, "Nested: nesting deeper than 64 levels");
}

Test(query, error_documents_in_each_form)
{
    output_t out;
    awsc_error err = AWSC_ERROR_INIT;
    /* A bare <Error> root, for both codecs. */
    cr_assert_eq(read_out(&awsc_codec_aws_query, true, "<Error><Code>C</Code><count>4</count></Error>", &out, &err),
                 AWSC_OK, "%s", err.message);
    cr_expect(out.has_count && out.count == 4);
    /* awsQuery's wrapped form. */
    cr_assert_eq(read_out(&awsc_codec_aws_query, true,
                          "<ErrorResponse><Error><name>n</name></Error><RequestId>r</RequestId></ErrorResponse>", &out,
                          &err),
                 AWSC_OK, "%s", err.message);
    cr_expect_str_eq(out.name, "n");
    /* ec2Query's <Response> without <Errors>, or <Errors> without <Error>; any other root. */
    cr_expect_eq(read_out(&awsc_codec_ec2_query, true, "<Response><RequestID>r</RequestID></Response>", &out, &err),
                 AWSC_E_RESPONSE);
    cr_expect_str_eq(err.message, "error response has no <Error> element (root <Response>)");
    cr_expect_eq(read_out(&awsc_codec_ec2_query, true, "<Response><Errors/></Response>", &out, &err), AWSC_E_RESPONSE);
    cr_expect_str_eq(err.message, "error response has no <Error> element (root <Response>)");
    cr_expect_eq(read_out(&awsc_codec_aws_query, true, "<Oops><Code>C</Code></Oops>", &out, &err), AWSC_E_RESPONSE);
    cr_expect_str_eq(err.message, "error response has no <Error> element (root <Oops>)");
    /* A bad value inside the error detail names the member. */
    cr_expect_eq(read_out(&awsc_codec_ec2_query, true,
                          "<Response><Errors><Error><count>1.5</count></Error></Errors></Response>", &out, &err),
                 AWSC_E_RESPONSE);
    cr_expect_str_eq(err.message,
                     "invalid XML response: member count (element <count>): invalid or out-of-range integer");
    /* Blank bodies: no members, whatever the codec or kind. */
    cr_expect_eq(read_out(&awsc_codec_ec2_query, true, " \r\n", &out, &err), AWSC_OK);
    cr_expect_eq(read_out(&awsc_codec_aws_query, false, "", &out, &err), AWSC_OK);
    cr_expect(!out.has_count && !out.name);
    awsc_error_clear(&err);
}

Test(query, result_wrapper_must_be_named_after_the_operation)
{
    output_t out;
    awsc_error err = AWSC_ERROR_INIT;
    /* Members outside <DoResult> (or in another operation's Result) are not this output's. */
    cr_assert_eq(read_out(&awsc_codec_aws_query, false, "<DoResponse><count>1</count></DoResponse>", &out, &err),
                 AWSC_OK);
    cr_expect(!out.has_count);
    cr_assert_eq(read_out(&awsc_codec_aws_query, false,
                          "<DoResponse><OtherResult><count>1</count></OtherResult></DoResponse>", &out, &err),
                 AWSC_OK);
    cr_expect(!out.has_count);
    /* The root's own name is not checked. */
    cr_assert_eq(read_out(&awsc_codec_aws_query, false,
                          "<Whatever xmlns=\"urn:x\"><DoResult><name>&lt;n&gt;</name></DoResult></Whatever>", &out,
                          &err),
                 AWSC_OK, "%s", err.message);
    cr_expect_str_eq(out.name, "<n>");
    /* ec2Query reads the root's children directly; a wrapper is just an unknown element. */
    cr_assert_eq(read_out(&awsc_codec_ec2_query, false, "<DoResponse><DoResult><count>1</count></DoResult></DoResponse>",
                          &out, &err),
                 AWSC_OK);
    cr_expect(!out.has_count);
    cr_expect_eq(read_out(&awsc_codec_ec2_query, false, "<DoResponse><count>1", &out, &err), AWSC_E_RESPONSE);
    cr_expect_str_eq(err.message, "invalid XML at line 1, column 21: no element found");
    awsc_error_clear(&err);
}

Test(query, error_fields_in_other_forms)
{
    awsc_arena *a = awsc_arena_create();
    /* A bare <Error> with its own RequestId is not read for the id: only the document's children are. */
    awsc_error_fields f = fields_of(&awsc_codec_ec2_query,
                                    "<Error><Code>E</Code><Message>m</Message></Error>", a);
    cr_expect_str_eq(f.code, "E");
    cr_expect_str_eq(f.message, "m");
    cr_expect_null(f.request_id);
    /* <Response> without <Errors>: the id, no code. */
    f = fields_of(&awsc_codec_ec2_query, "<Response><RequestId>rid</RequestId></Response>", a);
    cr_expect_null(f.code);
    cr_expect_str_eq(f.request_id, "rid");
    /* Blank: nothing, no failure. */
    f = fields_of(&awsc_codec_aws_query, "\n\t ", a);
    cr_expect(!f.code && !f.message && !f.request_id);
    f = fields_of(&awsc_codec_aws_query, "", a);
    cr_expect(!f.code && !f.message && !f.request_id);
    awsc_arena_destroy(a);
}
