/*
 * The Glacier and Machine Learning customizations on the wire, through the
 * clients generated from the protocol test model, against a loopback server:
 * the tree hash of bodies larger than its 1 MiB pieces (in memory and read
 * through callbacks), a caller's own tree hash kept, Predict sent to its
 * PredictEndpoint, and a PredictEndpoint that is not a URL refused.
 */
#include <awsc/glacier.h>
#include <awsc/machinelearning.h>

#include "test_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static awsc_test_server *srv;

static void setup(void)
{
    srv = awsc_test_server_start();
    cr_assert(srv);
}
static void teardown(void) { awsc_test_server_stop(srv); }

TestSuite(glacier_tree_hash, .init = setup, .fini = teardown);
TestSuite(predict_endpoint, .init = setup, .fini = teardown);

static awsc_config config(const char *endpoint)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = endpoint;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_attempts = 1;
    return cfg;
}

/* byte i of the test bodies: (i * 7) % 251; the expected hashes were computed by hashlib */
static uint8_t *pattern(size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    cr_assert(b);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 7 % 251);
    return b;
}

static const char *header(const char *name)
{
    return awsc_test_request_header(awsc_test_server_request(srv, 0), name);
}

static void upload(awsc_glacier_upload_archive_input *in)
{
    awsc_test_server_push_response(srv, 201, "x-amz-archive-id: a1\r\n", "", 0);
    awsc_config cfg = config(awsc_test_server_base_url(srv));
    awsc_glacier_client *c = NULL;
    cr_assert_eq(awsc_glacier_client_new(&cfg, &c, NULL), AWSC_OK);
    awsc_glacier_archive_creation_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_glacier_upload_archive(c, in, &out, &err), AWSC_OK, "%s", err.message);
    awsc_output_free(out);
    awsc_error_clear(&err);
    awsc_glacier_client_free(c);
}

Test(glacier_tree_hash, a_body_of_several_pieces_in_memory)
{
    size_t n = 3 * 1024 * 1024 + 5;
    uint8_t *body = pattern(n);
    awsc_glacier_upload_archive_input in = {.vault_name = "v", .body = {.data = body, .len = n}};
    upload(&in);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->target, "/-/vaults/v/archives", "accountId left out: \"-\"");
    cr_assert_eq(r->body_len, n);
    cr_assert_str_eq(header("X-Amz-Sha256-Tree-Hash"), "c766d527427422dfa006cbd2053f9724db472acf2aa43a472e044f65d71e672f");
    cr_assert_str_eq(header("X-Amz-Content-Sha256"), "ec2623f73dcc1952ac286d1a0e4b72f10904022864fa6db9558717a7e5a94ec4");
    cr_assert_str_eq(header("X-Amz-Glacier-Version"), "2012-06-01");
    cr_assert(strstr(header("Authorization"), "x-amz-sha256-tree-hash"), "the tree hash is signed");
    free(body);
}

typedef struct source {
    const uint8_t *data;
    size_t len, at;
    int rewinds;
} source;

static long source_read(void *user, uint8_t *buf, size_t cap)
{
    source *s = user;
    size_t n = s->len - s->at < cap ? s->len - s->at : cap;
    if (n > 1000)
        n = 1000; /* short reads cross the 1 MiB pieces at odd places */
    memcpy(buf, s->data + s->at, n);
    s->at += n;
    return (long)n;
}

static int source_rewind(void *user)
{
    source *s = user;
    s->at = 0;
    s->rewinds++;
    return 0;
}

Test(glacier_tree_hash, a_body_read_through_callbacks)
{
    size_t n = 4 * 1024 * 1024;
    uint8_t *body = pattern(n);
    source s = {body, n, 0, 0};
    awsc_glacier_upload_archive_input in = {
        .vault_name = "v", .account_id = "",
        .body = {.read = source_read, .rewind = source_rewind, .user = &s, .length = (int64_t)n}};
    upload(&in);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->target, "/-/vaults/v/archives", "an empty accountId: \"-\"");
    cr_assert_eq(r->body_len, n);
    cr_assert(memcmp(r->body, body, n) == 0);
    cr_assert_str_eq(header("X-Amz-Sha256-Tree-Hash"), "31c2e5381f54263faefa00cad740c08c79bb55e173c76e383128f10728deb281");
    cr_assert_str_eq(header("X-Amz-Content-Sha256"), "00aa8878661fba81fd6ed477a1da3822f8eef6d4d387f1dd5030ece828cd1f06");
    cr_assert_geq(s.rewinds, 1, "read once for the hashes, rewound, then sent");
    free(body);
}

Test(glacier_tree_hash, an_empty_body_and_a_callers_own_tree_hash)
{
    awsc_glacier_upload_archive_input in = {.vault_name = "v", .account_id = "123456789012",
                                            .checksum = "0123456789abcdef"};
    upload(&in);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->target, "/123456789012/vaults/v/archives");
    cr_assert_str_eq(header("X-Amz-Sha256-Tree-Hash"), "0123456789abcdef", "the caller's value is kept");
    cr_assert_eq(awsc_test_request_header_count(r, "X-Amz-Sha256-Tree-Hash"), 1);
    cr_assert_str_eq(header("X-Amz-Content-Sha256"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static int predict(const char *endpoint_url, const char *predict_endpoint, awsc_error *err)
{
    awsc_config cfg = config(endpoint_url);
    awsc_machinelearning_client *c = NULL;
    cr_assert_eq(awsc_machinelearning_client_new(&cfg, &c, NULL), AWSC_OK);
    awsc_machinelearning_record_entry entry = {.key = "k", .value = "v"};
    awsc_machinelearning_predict_input in = {.ml_model_id = "m", .record = {&entry, 1},
                                             .predict_endpoint = predict_endpoint};
    awsc_machinelearning_predict_output *out = NULL;
    int rc = awsc_machinelearning_predict(c, &in, &out, err);
    awsc_output_free(out);
    awsc_machinelearning_client_free(c);
    return rc;
}

Test(predict_endpoint, the_call_goes_to_the_predict_endpoint)
{
    awsc_test_server_push_response(srv, 200, "Content-Type: application/x-amz-json-1.1\r\n", "{}", 2);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", awsc_test_server_port(srv));
    awsc_error err = AWSC_ERROR_INIT;
    /* the client's own endpoint is a closed port: only the switch reaches the server */
    cr_assert_eq(predict("http://127.0.0.1:9", url, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    char host[32];
    snprintf(host, sizeof host, "127.0.0.1:%d", awsc_test_server_port(srv));
    cr_assert_str_eq(header("Host"), host);
    cr_assert_str_eq(awsc_test_server_request(srv, 0)->target, "/");
    awsc_error_clear(&err);
}

Test(predict_endpoint, a_predict_endpoint_that_is_not_a_url_is_refused)
{
    const char *bad[] = {"ftp://example.com/", "example.com", "https://", "https://a b/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(predict(awsc_test_server_base_url(srv), bad[i], &err), AWSC_E_VALIDATION, "%s", bad[i]);
        cr_assert(strstr(err.message, "PredictEndpoint"), "%s", err.message);
        awsc_error_clear(&err);
    }
    cr_assert_eq(awsc_test_server_request_count(srv), 0, "nothing sent");
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    printf("customizations-loopback: %zu passed, %zu skipped, %zu failed\n", stats->tests_passed,
           stats->tests_skipped, stats->tests_failed + stats->tests_crashed);
    fflush(stdout);
}
