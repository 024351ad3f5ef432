/*
 * The awsQuery and ec2Query codecs on hand-made descriptors: the form they
 * write (keys, encoding, lists, tokens) and how they take bad responses.
 * The compliance suites (tests/protocol) cover the rest case by case.
 */
#include "awsc/xml.h"

#include "arena.h"
#include "codec.h"
#include "rest.h"

#include <criterion/criterion.h>
#include <stddef.h>
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

static int read_out(const awsc_codec *codec, bool is_error, const char *body, output_t *out, awsc_error *err)
{
    awsc_operation o = op(codec);
    awsc_arena *a = awsc_arena_create();
    memset(out, 0, sizeof *out);
    int rc = codec->read_body(&o, &out_shape, is_error, out, body, strlen(body), a, err);
    awsc_arena_destroy(a);
    return rc;
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
