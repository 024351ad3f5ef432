/* awsc_client_paginate: follows tokens, stops on none, on a repeat, or when asked. */
#include "awsc/schema.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct page_in {
    const char *token;
    const char *kind;
} page_in;

typedef struct page_meta {
    const char *next;
} page_meta;

typedef struct page_out {
    const char *first;
    const page_meta *meta;
} page_out;

static const awsc_member in_members[] = {
    {.name = "token", .wire_name = "next", .offset = offsetof(page_in, token), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_QUERY},
    {.name = "kind", .wire_name = "kind", .offset = offsetof(page_in, kind), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_QUERY},
};
static const awsc_shape in_shape = {.name = "PageIn", .type = AWSC_T_STRUCT, .size = sizeof(page_in),
                                    .members = in_members, .member_count = 2};
static const awsc_member meta_members[] = {
    {.name = "next", .wire_name = "next", .offset = offsetof(page_meta, next), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape meta_shape = {.name = "Meta", .type = AWSC_T_STRUCT, .size = sizeof(page_meta),
                                      .members = meta_members, .member_count = 1};
static const awsc_member out_members[] = {
    {.name = "first", .wire_name = "first", .offset = offsetof(page_out, first), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
    {.name = "meta", .wire_name = "meta", .offset = offsetof(page_out, meta), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT, .shape = &meta_shape},
};
static const awsc_shape out_shape = {.name = "PageOut", .type = AWSC_T_STRUCT, .size = sizeof(page_out),
                                     .members = out_members, .member_count = 2};
static const awsc_operation list_op = {.codec = &awsc_codec_rest_json, .name = "ListThings", .method = "GET", .uri = "/things", .http_code = 200,
                                       .input = &in_shape, .output = &out_shape};
static const awsc_service svc = {.sdk_id = "Test", .cli_name = "test", .signing_name = "test",
                                 .endpoint_prefix = "test", .operations = &list_op, .operation_count = 1};
static const awsc_member *const token_path[] = {&out_members[1], &meta_members[0]};
static const awsc_paginator pager = {.operation = &list_op, .input_token = &in_members[0],
                                     .output_token = token_path, .output_token_depth = 2};

static awsc_test_server *srv;
static awsc_client *client;

static void setup(void)
{
    srv = awsc_test_server_start();
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_attempts = 1; /* retries have their own tests */
    cr_assert_eq(awsc_client_new(&svc, &cfg, &client, NULL), AWSC_OK);
}

static void teardown(void)
{
    awsc_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(paginate, .init = setup, .fini = teardown);

typedef struct seen {
    int pages;
    int stop_after;
    char firsts[8][16];
} seen;

static int collect(const void *page, void *user)
{
    seen *s = user;
    const page_out *p = page;
    snprintf(s->firsts[s->pages % 8], sizeof s->firsts[0], "%s", p->first ? p->first : "");
    return ++s->pages == s->stop_after;
}

static void push(const char *body)
{
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
}

Test(paginate, follows_tokens_until_the_last_page)
{
    push("{\"first\":\"p1\",\"meta\":{\"next\":\"a b\"}}");
    push("{\"first\":\"p2\",\"meta\":{\"next\":\"c\"}}");
    push("{\"first\":\"p3\",\"meta\":{}}");
    page_in in = {.kind = "sensor"};
    seen s = {0};
    cr_assert_eq(awsc_client_paginate(client, &pager, &in, collect, &s, NULL), AWSC_OK);
    cr_assert_eq(s.pages, 3);
    cr_assert_str_eq(s.firsts[2], "p3");
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_str_eq(awsc_test_server_request(srv, 0)->target, "/things?kind=sensor");
    cr_assert_str_eq(awsc_test_server_request(srv, 1)->target, "/things?kind=sensor&next=a%20b");
    cr_assert_str_eq(awsc_test_server_request(srv, 2)->target, "/things?kind=sensor&next=c");
    cr_assert_null(in.token, "the caller's input is left alone");
    for (size_t i = 0; i < 3; i++) {
        const char *ua = awsc_test_request_header(awsc_test_server_request(srv, i), "User-Agent");
        cr_assert(ua && strstr(ua, " m/E,C"), "a paginator's page says so in its user agent: %s", ua);
    }
}

Test(paginate, stops_when_the_callback_says_so)
{
    push("{\"first\":\"p1\",\"meta\":{\"next\":\"a\"}}");
    push("{\"first\":\"p2\",\"meta\":{\"next\":\"b\"}}");
    page_in in = {0};
    seen s = {.stop_after = 1};
    cr_assert_eq(awsc_client_paginate(client, &pager, &in, collect, &s, NULL), AWSC_OK);
    cr_assert_eq(s.pages, 1);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
}

Test(paginate, a_repeated_or_empty_token_ends_the_loop)
{
    push("{\"first\":\"p1\",\"meta\":{\"next\":\"same\"}}");
    push("{\"first\":\"p2\",\"meta\":{\"next\":\"same\"}}");
    push("{\"first\":\"p3\",\"meta\":{\"next\":\"\"}}");
    page_in in = {0};
    seen s = {0};
    cr_assert_eq(awsc_client_paginate(client, &pager, &in, collect, &s, NULL), AWSC_OK);
    cr_assert_eq(s.pages, 2, "a service that repeats its token would loop forever");
}

Test(paginate, an_error_mid_way_is_returned)
{
    push("{\"first\":\"p1\",\"meta\":{\"next\":\"a\"}}");
    awsc_test_server_push_response(srv, 500, "x-amzn-errortype: InternalFailure\r\n", "{}", 2);
    page_in in = {0};
    seen s = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_paginate(client, &pager, &in, collect, &s, &err), AWSC_E_SERVICE);
    cr_assert_eq(s.pages, 1);
    cr_assert_str_eq(err.code, "InternalFailure");
    awsc_error_clear(&err);
}

/* A token that is a map (DynamoDB's ExclusiveStartKey / LastEvaluatedKey): sent as the
 * previous page gave it, which stays alive until the next page has arrived. */
typedef struct key_entry {
    const char *key;
    const char *value;
} key_entry;

typedef struct key_map {
    const key_entry *entries;
    size_t count;
} key_map;

typedef struct scan_in {
    key_map start;
} scan_in;

typedef struct scan_out {
    const char *first;
    key_map last;
} scan_out;

static const awsc_member key_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(key_entry, key), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
    {.name = "value", .wire_name = "value", .offset = offsetof(key_entry, value), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape key_shape = {.name = "Key", .type = AWSC_T_MAP, .size = sizeof(key_entry),
                                     .members = key_members, .member_count = 2};
static const awsc_member scan_in_members[] = {
    {.name = "start", .wire_name = "start", .shape = &key_shape, .offset = offsetof(scan_in, start),
     .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_MAP},
};
static const awsc_shape scan_in_shape = {.name = "ScanIn", .type = AWSC_T_STRUCT, .size = sizeof(scan_in),
                                         .members = scan_in_members, .member_count = 1};
static const awsc_member scan_out_members[] = {
    {.name = "first", .wire_name = "first", .offset = offsetof(scan_out, first), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
    {.name = "last", .wire_name = "last", .shape = &key_shape, .offset = offsetof(scan_out, last),
     .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_MAP},
};
static const awsc_shape scan_out_shape = {.name = "ScanOut", .type = AWSC_T_STRUCT, .size = sizeof(scan_out),
                                          .members = scan_out_members, .member_count = 2};
static const awsc_operation scan_op = {.codec = &awsc_codec_rest_json, .name = "Scan", .method = "POST",
                                       .uri = "/scan", .http_code = 200, .input = &scan_in_shape,
                                       .output = &scan_out_shape};
static const awsc_member *const last_path[] = {&scan_out_members[1]};
static const awsc_paginator scan_pager = {.operation = &scan_op, .input_token = &scan_in_members[0],
                                          .output_token = last_path, .output_token_depth = 1};

Test(paginate, a_map_token_is_sent_back_as_the_page_gave_it)
{
    push("{\"first\":\"p1\",\"last\":{\"id\":\"7\"}}");
    push("{\"first\":\"p2\",\"last\":{\"id\":\"9\",\"sort\":\"b\"}}");
    push("{\"first\":\"p3\",\"last\":{}}");
    scan_in in = {0};
    seen s = {0};
    cr_assert_eq(awsc_client_paginate(client, &scan_pager, &in, collect, &s, NULL), AWSC_OK);
    cr_assert_eq(s.pages, 3, "an empty map ends the loop");
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_str_eq((const char *)awsc_test_server_request(srv, 0)->body, "{}");
    cr_assert_str_eq((const char *)awsc_test_server_request(srv, 1)->body, "{\"start\":{\"id\":\"7\"}}");
    cr_assert_str_eq((const char *)awsc_test_server_request(srv, 2)->body, "{\"start\":{\"id\":\"9\",\"sort\":\"b\"}}");
    cr_assert_null(in.start.entries, "the caller's input is left alone");
}

Test(paginate, stopping_after_a_map_token_frees_every_page)
{
    push("{\"first\":\"p1\",\"last\":{\"id\":\"7\"}}");
    push("{\"first\":\"p2\",\"last\":{\"id\":\"8\"}}");
    scan_in in = {0};
    seen s = {.stop_after = 2};
    cr_assert_eq(awsc_client_paginate(client, &scan_pager, &in, collect, &s, NULL), AWSC_OK);
    cr_assert_eq(s.pages, 2);
}
