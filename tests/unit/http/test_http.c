/* awsc_http against the loopback test server: what goes on the wire and what comes back. */
#include "http/http.h"
#include "test_server.h"
#include "tls_server.h"
#include "test_time.h"
#include "core/retry.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static awsc_test_server *srv;
static awsc_http *http;

static void setup(void)
{
    cr_assert_eq(awsc_http_global_init(), 0);
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    http = awsc_http_new(NULL);
    cr_assert_not_null(http);
}

static void teardown(void)
{
    awsc_http_free(http);
    awsc_test_server_stop(srv);
}

TestSuite(http, .init = setup, .fini = teardown, .timeout = 60);

static char *url(const char *path)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s%s", awsc_test_server_base_url(srv), path);
    return buf;
}

static char host_hdr[64];
static const char *host(void)
{
    snprintf(host_hdr, sizeof host_hdr, "127.0.0.1:%d", awsc_test_server_port(srv));
    return host_hdr;
}

static int send_simple(awsc_http *h, const char *method, const char *u, const void *body, size_t len,
                       awsc_http_response *resp, awsc_error *err)
{
    awsc_header hd[] = {{"Host", host()}};
    awsc_http_request req = {.method = method, .url = u, .headers = hd, .header_count = 1, .body = body, .body_len = len};
    return awsc_http_send(h, &req, resp, err);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(http, get_round_trip)
{
    awsc_test_server_push_response(srv, 200, "X-Amzn-RequestId: req-1\r\nContent-Type: application/json\r\n",
                                   "{\"a\":1}", 7);
    awsc_header hd[] = {{"Host", host()}, {"X-Custom", "v 1"}, {"X-Empty", ""}, {"x-amz-date", "20240101T000000Z"},
                        {"X-Blank", "  "}};
    /* Dot segments and encoded slashes must reach the server untouched. */
    awsc_http_request req = {.method = "GET", .url = url("/a/./b/../things/x%2Fy?q=1&s=%20&e="), .headers = hd, .header_count = 5, .body = NULL, .body_len = 0};
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_http_send(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(err.status, AWSC_OK);

    cr_assert_eq(resp.status, 200);
    cr_assert_str_eq(awsc_http_response_header(&resp, "x-amzn-requestid"), "req-1");
    cr_assert_str_eq(awsc_http_response_header(&resp, "CONTENT-TYPE"), "application/json");
    cr_assert_str_eq(awsc_http_response_header(&resp, "Content-Length"), "7");
    cr_assert_null(awsc_http_response_header(&resp, "X-Missing"));
    cr_assert_eq(resp.body.len, 7);
    cr_assert_str_eq(resp.body.data, "{\"a\":1}");

    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->method, "GET");
    cr_assert_str_eq(r->target, "/a/./b/../things/x%2Fy?q=1&s=%20&e=");
    cr_assert_eq(r->header_count, 5, "got %zu headers", r->header_count);
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(r->headers[i].name, hd[i].name);
        cr_assert_str_eq(r->headers[i].value, hd[i].value);
    }
    cr_assert_str_eq(r->headers[4].name, "X-Blank");
    cr_assert_str_eq(r->headers[4].value, ""); /* blanks are not significant in HTTP */
    cr_assert_eq(r->body_len, 0);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, post_round_trip)
{
    awsc_test_server_push_response(srv, 201, "X-Answer: 42\r\n", "created", 7);
    const char *body = "{\"status\":\"SUCCEEDED\"}";
    awsc_header hd[] = {{"Host", host()}, {"Content-Type", "application/json"}};
    awsc_http_request req = {.method = "POST", .url = url("/jobs/j1?thingName=t"), .headers = hd, .header_count = 2, .body = (const uint8_t *)body, .body_len = strlen(body)};
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_http_send(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 201);
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Answer"), "42");
    cr_assert_str_eq(resp.body.data, "created");

    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->method, "POST");
    cr_assert_str_eq(r->target, "/jobs/j1?thingName=t");
    cr_assert_eq(r->body_len, strlen(body));
    cr_assert_arr_eq(r->body, body, strlen(body));
    cr_assert_eq(awsc_test_request_header_count(r, "Content-Type"), 1);
    cr_assert_str_eq(awsc_test_request_header(r, "Content-Type"), "application/json");
    char len[32];
    snprintf(len, sizeof len, "%zu", strlen(body));
    cr_assert_str_eq(awsc_test_request_header(r, "Content-Length"), len);
    /* Only ours plus Content-Length. */
    cr_assert_eq(r->header_count, 3);
    awsc_http_response_free(&resp);
}

Test(http, put_and_delete_send_bodies)
{
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "PUT", url("/p"), "put-body", 8, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    cr_assert_eq(send_simple(http, "DELETE", url("/d"), "del", 3, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    cr_assert_eq(send_simple(http, "DELETE", url("/d2"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    cr_assert_eq(send_simple(http, "POST", url("/empty"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    cr_assert_eq(send_simple(http, "PATCH", url("/patch"), "x", 1, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);

    cr_assert_eq(awsc_test_server_request_count(srv), 5);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->method, "PUT");
    cr_assert_str_eq((char *)r->body, "put-body");
    r = awsc_test_server_request(srv, 1);
    cr_assert_str_eq(r->method, "DELETE");
    cr_assert_str_eq((char *)r->body, "del");
    cr_assert_str_eq(awsc_test_request_header(r, "Content-Length"), "3");
    r = awsc_test_server_request(srv, 2);
    cr_assert_str_eq(r->method, "DELETE");
    cr_assert_eq(r->body_len, 0);
    cr_assert_null(awsc_test_request_header(r, "Content-Length"));
    r = awsc_test_server_request(srv, 3);
    cr_assert_str_eq(r->method, "POST");
    cr_assert_str_eq(awsc_test_request_header(r, "Content-Length"), "0"); /* servers demand it */
    r = awsc_test_server_request(srv, 4);
    cr_assert_str_eq(r->method, "PATCH");
    cr_assert_str_eq((char *)r->body, "x");
}

Test(http, get_sends_no_body_headers)
{
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", url("/g"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_eq(r->header_count, 1, "GET sent %zu headers", r->header_count);
    cr_assert_str_eq(r->headers[0].name, "Host");
}

Test(http, head_request_does_not_wait_for_body)
{
    awsc_test_server_push_response(srv, 200, NULL, "ignored body", 12);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "HEAD", url("/h"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.body.len, 0);
    cr_assert_str_eq(awsc_http_response_header(&resp, "Content-Length"), "12");
    awsc_http_response_free(&resp);
    cr_assert_str_eq(awsc_test_server_request(srv, 0)->method, "HEAD");
}

Test(http, head_of_a_large_object_is_not_over_the_cap)
{
    /* HeadObject of a 50 MB object: its Content-Length describes a body that never comes. */
    awsc_http_options o = {0};
    o.max_response_bytes = 1000;
    awsc_http *h = awsc_http_new(&o);
    cr_assert_not_null(h);
    awsc_test_server_push_response(srv, 200, "Content-Length: 50000000\r\n", NULL, 0);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(h, "HEAD", url("/big"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(awsc_http_response_header(&resp, "Content-Length"), "50000000");
    awsc_http_response_free(&resp);
    awsc_http_free(h);
}

Test(http, keep_alive_reuses_one_connection)
{
    for (int i = 0; i < 3; i++) {
        awsc_http_response resp;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(send_simple(http, i == 1 ? "POST" : "GET", url("/k"), "b", i == 1, &resp, &err), AWSC_OK,
                     "%s", err.message);
        cr_assert_eq(resp.status, 200);
        cr_assert_str_eq(resp.body.data, "{}"); /* the server's default answer */
        awsc_http_response_free(&resp);
    }
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_eq(awsc_test_server_connection_count(srv), 1);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(awsc_test_server_request(srv, i)->connection, 1);
}

Test(http, no_expect_accept_or_default_content_type)
{
    /* curl adds "Expect: 100-continue" to large POSTs by default. */
    size_t n = 2 * 1024 * 1024;
    uint8_t *body = malloc(n);
    cr_assert_not_null(body);
    for (size_t i = 0; i < n; i++)
        body[i] = (uint8_t)(i * 7);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "POST", url("/big"), body, n, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_null(awsc_test_request_header(r, "Expect"));
    cr_assert_null(awsc_test_request_header(r, "Accept"));
    cr_assert_null(awsc_test_request_header(r, "Content-Type"));
    cr_assert_null(awsc_test_request_header(r, "User-Agent"));
    cr_assert_eq(r->body_len, n);
    cr_assert_arr_eq(r->body, body, n);
    free(body);
}

Test(http, our_accept_header_is_kept)
{
    awsc_header hd[] = {{"Host", host()}, {"Accept", "application/json"}};
    awsc_http_request req = {.method = "GET", .url = url("/"), .headers = hd, .header_count = 2, .body = NULL, .body_len = 0};
    awsc_http_response resp;
    cr_assert_eq(awsc_http_send(http, &req, &resp, NULL), AWSC_OK);
    awsc_http_response_free(&resp);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_eq(awsc_test_request_header_count(r, "Accept"), 1);
    cr_assert_str_eq(awsc_test_request_header(r, "Accept"), "application/json");
}

/* Given header lengths: used when right; a wrong one never sends other bytes (one not ending at
 * the NUL is measured again, one past a NUL is refused as that NUL). */
Test(http, given_header_lengths)
{
    static const char with_nul[] = "ab\0cd";
    awsc_header hd[] = {{"Host", host()}, {"X-Right", "right"}, {"X-Short", "whole value"}, {"X-Long", with_nul}};
    size_t lens[] = {4, strlen(host()), 7, 5, 7, 5, 0, 0};
    awsc_http_request req = {.method = "GET", .url = url("/"), .headers = hd, .header_count = 3, .header_lens = lens};
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_http_send(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(awsc_test_request_header(r, "X-Right"), "right");
    cr_assert_str_eq(awsc_test_request_header(r, "X-Short"), "whole value", "a length short of the NUL is measured again");
    lens[6] = 6;
    lens[7] = sizeof with_nul - 1;
    req.header_count = 4;
    cr_assert_eq(awsc_http_send(http, &req, &resp, &err), AWSC_E_TRANSPORT, "a NUL inside a given length is refused");
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, binary_bodies_with_nul_bytes)
{
    const uint8_t out[] = {0, 1, 2, 0, 0, 255, 'a', 0};
    const uint8_t in[] = {'x', 0, 0, 'y', 0, 200};
    awsc_test_server_push_response(srv, 200, "Content-Type: application/octet-stream\r\n", in, sizeof in);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "PUT", url("/bin"), out, sizeof out, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.body.len, sizeof in);
    cr_assert_arr_eq(resp.body.data, in, sizeof in);
    awsc_http_response_free(&resp);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_eq(r->body_len, sizeof out);
    cr_assert_arr_eq(r->body, out, sizeof out);
}

Test(http, error_statuses_are_responses)
{
    awsc_test_server_push_response(srv, 404, "x-amzn-ErrorType: ResourceNotFoundException\r\n", "{\"message\":\"no\"}",
                                   16);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", url("/missing"), NULL, 0, &resp, &err), AWSC_OK);
    cr_assert_eq(resp.status, 404);
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Amzn-ErrorType"), "ResourceNotFoundException");
    cr_assert_str_eq(resp.body.data, "{\"message\":\"no\"}");
    awsc_http_response_free(&resp);
}

Test(http, redirects_are_not_followed)
{
    char loc[600]; /* url() returns up to 512 bytes */
    snprintf(loc, sizeof loc, "Location: %s\r\n", url("/elsewhere"));
    awsc_test_server_push_response(srv, 302, loc, NULL, 0);
    awsc_http_response resp;
    cr_assert_eq(send_simple(http, "GET", url("/here"), NULL, 0, &resp, NULL), AWSC_OK);
    cr_assert_eq(resp.status, 302);
    awsc_http_response_free(&resp);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
}

static void check_cap_error(const awsc_error *err)
{
    cr_assert_eq(err->status, AWSC_E_TRANSPORT);
    cr_assert_not_null(strstr(err->message, "exceeds the limit of 1000 bytes"), "%s", err->message);
    cr_assert_not_null(strstr(err->message, "127.0.0.1"), "%s", err->message);
}

Test(http, response_over_cap_fails_and_client_recovers)
{
    awsc_http_options o = {0};
    o.max_response_bytes = 1000;
    awsc_http *h = awsc_http_new(&o);
    cr_assert_not_null(h);

    /* Declared length over the cap. */
    awsc_test_response big = {0};
    big.fill_body_len = 5 * 1000 * 1000;
    awsc_test_server_push(srv, &big);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(h, "GET", url("/big"), NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    check_cap_error(&err);
    cr_assert_eq(resp.body.len, 0, "no partial body on failure");
    awsc_http_response_free(&resp);

    /* No length: body delimited by close, so only counting catches it. */
    static const char raw[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
    awsc_test_response unsized = {0};
    char *rawbuf = malloc(sizeof raw - 1 + 1001);
    memcpy(rawbuf, raw, sizeof raw - 1);
    memset(rawbuf + sizeof raw - 1, 'y', 1001);
    unsized.raw = rawbuf;
    unsized.raw_len = sizeof raw - 1 + 1001;
    unsized.close_after = true;
    awsc_test_server_push(srv, &unsized);
    free(rawbuf);
    cr_assert_eq(send_simple(h, "GET", url("/unsized"), NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    check_cap_error(&err);
    awsc_http_response_free(&resp);

    /* Exactly at the cap is fine, and the handle still works. */
    awsc_test_response exact = {0};
    exact.fill_body_len = 1000;
    awsc_test_server_push(srv, &exact);
    cr_assert_eq(send_simple(h, "GET", url("/ok"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.body.len, 1000);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
    awsc_http_free(h);
}

/* A 1 MiB header line is the server's fault: a response error, not "out of memory", and not retried. */
Test(http, giant_header_line_is_a_response_error)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nX-Big: ";
    static const char tail[] = "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    size_t big = 1024 * 1024, n = sizeof head - 1 + big + sizeof tail - 1;
    char *raw = malloc(n);
    cr_assert_not_null(raw);
    memcpy(raw, head, sizeof head - 1);
    memset(raw + sizeof head - 1, 'a', big);
    memcpy(raw + sizeof head - 1 + big, tail, sizeof tail - 1);
    awsc_test_response r = {0};
    r.raw = raw;
    r.raw_len = n;
    r.close_after = true;
    awsc_test_server_push(srv, &r);
    free(raw);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = send_simple(http, "GET", url("/h"), NULL, 0, &resp, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE, "status %d: %s", rc, err.message);
    cr_assert_not_null(strstr(err.message, "header"), "%s", err.message);
    cr_assert_null(strstr(err.message, "ut of memory"), "%s", err.message);
    cr_assert(resp.final_failure);
    awsc_attempt_failure f = {.status = rc, .http_status = resp.status, .final = resp.final_failure};
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_NO);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

/* A declared Content-Length reserves nothing: the body buffer grows with what arrives. */
Test(http, content_length_reserves_nothing_up_front)
{
    static const char raw[] = "HTTP/1.1 200 OK\r\nContent-Length: 15000000\r\nConnection: close\r\n\r\nabc";
    awsc_test_response r = {0};
    r.raw = raw;
    r.raw_len = sizeof raw - 1;
    r.close_after = true;
    awsc_test_server_push(srv, &r);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", url("/short"), NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    /* reset keeps the storage for reuse: its size shows what was reserved */
    cr_assert_lt(resp.body.cap, 64 * 1024, "reserved %zu bytes for 3 that arrived", resp.body.cap);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, connect_refused_is_transport_error)
{
    /* A bound socket that never listens: connects to it are refused. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    char u[128], hostport[64];
    snprintf(u, sizeof u, "http://127.0.0.1:%d/x", ntohs(a.sin_port));
    snprintf(hostport, sizeof hostport, "127.0.0.1:%d", ntohs(a.sin_port));

    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", u, NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    cr_assert_eq(err.status, AWSC_E_TRANSPORT);
    cr_assert_not_null(err.message);
    cr_assert_not_null(strstr(err.message, hostport), "%s", err.message);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
    close(fd);
}

Test(http, request_timeout_is_bounded)
{
    awsc_http_options o = {0};
    o.request_timeout_ms = awsc_test_ms(300); /* the recovery below must fit in it on a loaded machine */
    awsc_http *h = awsc_http_new(&o);
    cr_assert_not_null(h);
    awsc_test_response slow = {0};
    slow.delay_ms = 120000; /* never, for this test: stop interrupts it */
    awsc_test_server_push(srv, &slow);

    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    double t0 = now_s();
    cr_assert_eq(send_simple(h, "GET", url("/slow"), NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    double took = now_s() - t0;
    cr_assert_geq(took, 0.25);
    cr_assert_lt(took, awsc_test_ms(10000) / 1000.0, "took %.2fs", took);
    cr_assert_not_null(strstr(err.message, "imeout") ? err.message : strstr(err.message, "timed out"), "%s",
                       err.message);
    awsc_http_response_free(&resp);

    /* Recovers on a fresh connection. */
    cr_assert_eq(send_simple(h, "GET", url("/fast"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
    awsc_http_free(h);
}

Test(http, server_closing_without_answer_is_error)
{
    awsc_test_response drop = {0};
    drop.close_without_answer = true;
    awsc_test_server_push(srv, &drop);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", url("/drop"), NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    cr_assert_not_null(strstr(err.message, "127.0.0.1"), "%s", err.message);
    awsc_http_response_free(&resp);
    cr_assert_eq(send_simple(http, "GET", url("/after"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, header_injection_is_refused_before_sending)
{
    const awsc_header bad[][2] = {
        {{"Host", "h"}, {"X-A", "v\r\nX-Evil: 1"}},
        {{"Host", "h"}, {"X-A", "v\nX-Evil: 1"}},
        {{"Host", "h"}, {"X-A\r\nX-Evil", "1"}},
        {{"Host", "h"}, {"X-A: 1", "2"}},
        {{"Host", "h"}, {"", "2"}},
        {{"Host", "h"}, {"X A", "2"}},
        {{"Host", "h"}, {"X-A", NULL}},
        {{"Host", "h"}, {NULL, "v"}},
        {{"Host", "h"}, {"X-A", "v\x01w"}},
        {{"Host", "h"}, {"X-A", "v\x7f"}},
        {{"Host", "h"}, {"X-A", "\x1b[31m"}},
        {{"Host", "h"}, {"X-A", "a\x0b"}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        awsc_http_request req = {.method = "GET", .url = url("/x"), .headers = bad[i], .header_count = 2, .body = NULL, .body_len = 0};
        awsc_http_response resp;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(awsc_http_send(http, &req, &resp, &err), AWSC_E_TRANSPORT, "case %zu", i);
        cr_assert_not_null(strstr(err.message, "header"), "%s", err.message);
        awsc_http_response_free(&resp);
        awsc_error_clear(&err);
    }
    awsc_header ok[] = {{"Host", host()}};
    const char *bad_methods[] = {"GET /evil HTTP/1.1\r\n", "GE T", "", NULL};
    for (size_t i = 0; i < 4; i++) {
        awsc_http_request req = {.method = bad_methods[i], .url = url("/x"), .headers = ok, .header_count = 1, .body = NULL, .body_len = 0};
        awsc_http_response resp;
        cr_assert_eq(awsc_http_send(http, &req, &resp, NULL), AWSC_E_TRANSPORT, "method %zu", i);
        awsc_http_response_free(&resp);
    }
    const char *bad_urls[] = {"http://127.0.0.1/a\r\nX: y", "http://127.0.0.1/a b", "", NULL};
    for (size_t i = 0; i < 4; i++) {
        awsc_http_request req = {.method = "GET", .url = bad_urls[i], .headers = ok, .header_count = 1, .body = NULL, .body_len = 0};
        awsc_http_response resp;
        cr_assert_eq(awsc_http_send(http, &req, &resp, NULL), AWSC_E_TRANSPORT, "url %zu", i);
        awsc_http_response_free(&resp);
    }
    /* A bad byte at every offset of a long URL (the check looks at eight bytes at a time). */
    const char bad_bytes[] = {' ', '\t', '\x01', '\x7f', '\x1f'};
    char long_url[128];
    for (size_t b = 0; b < sizeof bad_bytes; b++) {
        for (size_t at = 20; at < 40; at++) {
            snprintf(long_url, sizeof long_url, "http://127.0.0.1/abcdefghijklmnopqrstuvwxyz0123456789/x");
            long_url[at] = bad_bytes[b];
            awsc_http_request req = {.method = "GET", .url = long_url, .headers = ok, .header_count = 1};
            awsc_http_response resp;
            cr_assert_eq(awsc_http_send(http, &req, &resp, NULL), AWSC_E_TRANSPORT, "byte %zu at %zu", b, at);
            awsc_http_response_free(&resp);
        }
    }
    /* And in a long header name or value (sixteen at a time, then an overlapping last word);
     * a value's tab is no error at any offset. */
    char name[64], value[64];
    const char name_bad[] = {':', ' ', '\x01', '\x7f'}, value_bad[] = {'\x01', '\x7f', '\r', '\n'};
    for (size_t len = 1; len < 40; len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t b = 0; b < sizeof name_bad; b++) {
                memset(name, 'n', len);
                name[len] = '\0';
                name[at] = name_bad[b];
                awsc_header h[] = {{"Host", host()}, {name, "v"}};
                awsc_http_request req = {.method = "GET", .url = url("/x"), .headers = h, .header_count = 2};
                awsc_http_response resp;
                cr_assert_eq(awsc_http_send(http, &req, &resp, NULL), AWSC_E_TRANSPORT, "name %zu/%zu/%zu", len, at, b);
                awsc_http_response_free(&resp);
            }
            for (size_t b = 0; b < sizeof value_bad; b++) {
                memset(value, '\t', len); /* tabs everywhere but the bad byte */
                value[len] = '\0';
                value[at] = value_bad[b];
                awsc_header h[] = {{"Host", host()}, {"X-A", value}};
                awsc_http_request req = {.method = "GET", .url = url("/x"), .headers = h, .header_count = 2};
                awsc_http_response resp;
                cr_assert_eq(awsc_http_send(http, &req, &resp, NULL), AWSC_E_TRANSPORT, "value %zu/%zu/%zu", len, at, b);
                awsc_http_response_free(&resp);
            }
        }
    }
    cr_assert_eq(awsc_test_server_request_count(srv), 0);
    cr_assert_eq(awsc_test_server_connection_count(srv), 0);
    /* Tabs and non-ASCII bytes in a long value are sent. */
    awsc_header fine[] = {{"Host", host()}, {"X-A", "a\tb\xc3\xa9 0123456789abcdef\t0123456789abcdef\xe2\x82\xac"}};
    awsc_http_request req = {.method = "GET", .url = url("/x"), .headers = fine, .header_count = 2};
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_http_send(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, bad_arguments_are_errors)
{
    awsc_header ok[] = {{"Host", host()}};
    awsc_http_response resp;
    awsc_http_request nobody = {.method = "POST", .url = url("/x"), .headers = ok, .header_count = 1, .body = NULL, .body_len = 5};
    cr_assert_eq(awsc_http_send(http, &nobody, &resp, NULL), AWSC_E_TRANSPORT);
    awsc_http_response_free(&resp);
    awsc_http_request noheaders = {.method = "GET", .url = url("/x"), .headers = NULL, .header_count = 2, .body = NULL, .body_len = 0};
    cr_assert_eq(awsc_http_send(http, &noheaders, &resp, NULL), AWSC_E_TRANSPORT);
    awsc_http_response_free(&resp);
    cr_assert_neq(awsc_http_send(NULL, &nobody, &resp, NULL), AWSC_OK);
    awsc_http_response_free(&resp);
    cr_assert_neq(awsc_http_send(http, NULL, &resp, NULL), AWSC_OK);
    awsc_http_response_free(&resp);
    cr_assert_neq(awsc_http_send(http, &nobody, NULL, NULL), AWSC_OK);
    cr_assert_eq(awsc_test_server_request_count(srv), 0);

    awsc_http_options neg = {0};
    neg.request_timeout_ms = -1;
    cr_assert_null(awsc_http_new(&neg));
    awsc_http_free(NULL);
    awsc_http_response_free(NULL);
    cr_assert_null(awsc_http_response_header(NULL, "x"));
}

Test(http, only_http_and_https)
{
    const char *urls[] = {"file:///etc/hostname", "ftp://127.0.0.1/", "gopher://127.0.0.1/"};
    for (size_t i = 0; i < 3; i++) {
        awsc_http_response resp;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(send_simple(http, "GET", urls[i], NULL, 0, &resp, &err), AWSC_E_TRANSPORT, "%s", urls[i]);
        cr_assert_eq(resp.body.len, 0);
        awsc_http_response_free(&resp);
        awsc_error_clear(&err);
    }
}

Test(http, https_fails_without_trusted_tls)
{
    char u[128];
    snprintf(u, sizeof u, "https://127.0.0.1:%d/x", awsc_test_server_port(srv));

    awsc_http_options o = {0};
    o.ca_file = "/nonexistent/awsc-test-ca.pem";
    awsc_http *h = awsc_http_new(&o);
    cr_assert_not_null(h);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(h, "GET", u, NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    cr_assert_not_null(strstr(err.message, "127.0.0.1"), "%s", err.message);
    awsc_http_response_free(&resp);
    awsc_http_free(h);

    /* With the system CAs, a plain-HTTP peer still fails the handshake. */
    cr_assert_eq(send_simple(http, "GET", u, NULL, 0, &resp, &err), AWSC_E_TRANSPORT);
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, only_final_response_headers_after_100_continue)
{
    static const char raw[] = "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\n\r\nok";
    awsc_test_response r = {0};
    r.raw = raw;
    r.raw_len = sizeof raw - 1;
    awsc_test_server_push(srv, &r);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "POST", url("/c"), "b", 1, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    cr_assert_null(awsc_http_response_header(&resp, "X-Interim"));
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Final"), "yes");
    cr_assert_eq(resp.header_count, 2);
    cr_assert_str_eq(resp.body.data, "ok");
    awsc_http_response_free(&resp);
}

Test(http, odd_response_header_lines_are_parsed_safely)
{
    static const char raw[] = "HTTP/1.1 200 OK\r\n"
                              ": no-name\r\n"
                              "X-Spaced:    padded value \t \r\n"
                              "X-Folded: first\r\n"
                              "   second\r\n"
                              "X-Empty:\r\n"
                              "Content-Length: 2\r\n\r\nok";
    awsc_test_response r = {0};
    r.raw = raw;
    r.raw_len = sizeof raw - 1;
    awsc_test_server_push(srv, &r);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", url("/m"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Spaced"), "padded value");
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Folded"), "first second");
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Empty"), "");
    cr_assert_str_eq(resp.body.data, "ok");
    cr_assert_eq(resp.header_count, 4, "the nameless line is dropped");
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

/* The colon is found at every place around the sixteen-byte steps of the header-line scan, and
 * only the first one ends the name: later colons belong to the value. */
Test(http, header_names_of_every_length_keep_the_colons_of_their_values)
{
    char raw[8192] = "HTTP/1.1 200 OK\r\n";
    for (int n = 1; n <= 40; n++) {
        char line[128];
        snprintf(line, sizeof line, "X%.*s: %d:%s\r\n", n - 1, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", n,
                 n % 2 ? "a:b" : "");
        strcat(raw, line);
    }
    strcat(raw, "Content-Length: 2\r\n\r\nok");
    awsc_test_response r = {0};
    r.raw = raw;
    r.raw_len = strlen(raw);
    awsc_test_server_push(srv, &r);
    awsc_http_response resp;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_simple(http, "GET", url("/c"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.header_count, 41);
    for (int n = 1; n <= 40; n++) {
        char name[64], want[32];
        snprintf(name, sizeof name, "X%.*s", n - 1, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
        snprintf(want, sizeof want, "%d:%s", n, n % 2 ? "a:b" : "");
        cr_assert_str_eq(awsc_http_response_header(&resp, name), want, "%s", name);
    }
    awsc_http_response_free(&resp);
    awsc_error_clear(&err);
}

Test(http, broken_response_is_transport_error)
{
    static const char *raws[] = {
        "HTTP/1.1 200 OK\r\nNoColonHere\r\nContent-Length: 2\r\n\r\nok",
        "garbage that is not HTTP\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    };
    for (size_t i = 0; i < 3; i++) {
        awsc_test_response r = {0};
        r.raw = raws[i];
        r.raw_len = strlen(raws[i]);
        r.close_after = true;
        awsc_test_server_push(srv, &r);
        awsc_http_response resp;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(send_simple(http, "GET", url("/b"), NULL, 0, &resp, &err), AWSC_E_TRANSPORT, "case %zu", i);
        cr_assert_not_null(strstr(err.message, "127.0.0.1"), "%s", err.message);
        cr_assert_eq(resp.header_count, 0);
        awsc_http_response_free(&resp);
        awsc_error_clear(&err);
    }
}

typedef struct worker {
    int id;
    int ok;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 10; i++) {
        /* Local buffers: url() and host() are not thread-safe. */
        char u[128], hostport[64], body[32];
        snprintf(u, sizeof u, "%s/t%d/r%d", awsc_test_server_base_url(srv), w->id, i);
        snprintf(hostport, sizeof hostport, "127.0.0.1:%d", awsc_test_server_port(srv));
        int n = snprintf(body, sizeof body, "%d-%d", w->id, i);
        awsc_header hd[] = {{"Host", hostport}};
        awsc_http_request req = {.method = "POST", .url = u, .headers = hd, .header_count = 1, .body = (const uint8_t *)body, .body_len = (size_t)n};
        awsc_http_response resp;
        awsc_error err = AWSC_ERROR_INIT;
        if (awsc_http_send(http, &req, &resp, &err) == AWSC_OK && resp.status == 200 &&
            strcmp(resp.body.data, "{}") == 0)
            w->ok++;
        awsc_http_response_free(&resp);
        awsc_error_clear(&err);
    }
    return NULL;
}

Test(http, one_handle_shared_by_four_threads)
{
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){i, 0};
        cr_assert_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].ok, 10, "thread %d: %d ok", i, w[i].ok);
    }
    cr_assert_eq(awsc_test_server_request_count(srv), 40);
    /* Every request arrived intact, with its own body. */
    int seen[4][10] = {{0}};
    for (size_t i = 0; i < 40; i++) {
        const awsc_test_request *r = awsc_test_server_request(srv, i);
        int a, b, c, d;
        cr_assert_eq(sscanf(r->target, "/t%d/r%d", &a, &b), 2, "%s", r->target);
        cr_assert_eq(sscanf((char *)r->body, "%d-%d", &c, &d), 2);
        cr_assert(a == c && b == d && a >= 0 && a < 4 && b >= 0 && b < 10);
        seen[a][b]++;
    }
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 10; b++)
            cr_assert_eq(seen[a][b], 1);
    cr_assert_eq(awsc_test_server_connection_count(srv), 1, "serialised calls share one connection");
}

/* One response reused for the next (awsc_http_send_reusing): headers that outgrow the first text block
 * and table (and an obs-fold line after they moved) all read right, and nothing of the first response stays. */
Test(http, reused_response_storage)
{
    char big[4096] = "";
    for (int i = 0; i < 40; i++) {
        char line[96];
        snprintf(line, sizeof line, "X-Header-%02d: value number %02d of a header block longer than 1 KiB\r\n", i, i);
        strcat(big, line);
    }
    strcat(big, "X-Folded: start\r\n  continued\r\n");
    awsc_test_server_push_response(srv, 200, big, "first body", 10);
    awsc_test_server_push_response(srv, 201, "X-Only: one\r\n", "2nd", 3);
    awsc_http_response resp = {0};
    awsc_error err = AWSC_ERROR_INIT;
    awsc_header hd[] = {{"Host", host()}};
    awsc_http_request req = {.method = "GET", .url = url("/r"), .headers = hd, .header_count = 1};
    cr_assert_eq(awsc_http_send_reusing(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 200);
    for (int i = 0; i < 40; i++) {
        char name[16], want[96];
        snprintf(name, sizeof name, "x-header-%02d", i);
        snprintf(want, sizeof want, "value number %02d of a header block longer than 1 KiB", i);
        cr_assert_str_eq(awsc_http_response_header(&resp, name), want, "%s", name);
    }
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Folded"), "start continued");
    cr_assert_str_eq(resp.body.data, "first body");
    const char *text_before = resp.header_text.data;

    req.url = url("/s");
    cr_assert_eq(awsc_http_send_reusing(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(resp.status, 201);
    cr_assert_str_eq(awsc_http_response_header(&resp, "X-Only"), "one");
    cr_assert_null(awsc_http_response_header(&resp, "X-Header-00"));
    cr_assert_null(awsc_http_response_header(&resp, "X-Folded"));
    cr_assert_eq(resp.body.len, 3);
    cr_assert_str_eq(resp.body.data, "2nd");
    cr_assert_eq(resp.header_text.data, text_before, "the grown header block is reused");
    awsc_http_response_free(&resp);
}

/* URL and method are handed to curl only when they change: every switch must still reach the wire. */
Test(http, url_and_method_changes_all_reach_the_server)
{
    static const struct {
        const char *method, *path;
    } seq[] = {{"GET", "/a"}, {"GET", "/a"}, {"POST", "/a"}, {"POST", "/b"}, {"GET", "/b"}, {"DELETE", "/b"}, {"GET", "/a"}};
    size_t n = sizeof seq / sizeof seq[0];
    for (size_t i = 0; i < n; i++)
        awsc_test_server_push_response(srv, 200, "", "ok", 2);
    awsc_http_response resp = {0};
    awsc_error err = AWSC_ERROR_INIT;
    for (size_t i = 0; i < n; i++) {
        awsc_header hd[] = {{"Host", host()}};
        awsc_http_request req = {.method = seq[i].method, .url = url(seq[i].path), .headers = hd, .header_count = 1};
        cr_assert_eq(awsc_http_send_reusing(http, &req, &resp, &err), AWSC_OK, "%s", err.message);
    }
    awsc_http_response_free(&resp);
    cr_assert_eq(awsc_test_server_request_count(srv), n);
    for (size_t i = 0; i < n; i++) {
        const awsc_test_request *r = awsc_test_server_request(srv, i);
        cr_assert_str_eq(r->method, seq[i].method, "request %zu", i);
        cr_assert_str_eq(r->target, seq[i].path, "request %zu", i);
    }
}

/* A body read piece by piece, for the mix below. */
typedef struct piece_source {
    const char *data;
    size_t left;
} piece_source;

static long piece_read(void *user, uint8_t *buf, size_t cap)
{
    piece_source *p = user;
    size_t n = p->left < cap ? p->left : cap;
    memcpy(buf, p->data, n);
    p->data += n;
    p->left -= n;
    return (long)n;
}

/* Bodies from memory of the same and other sizes after each other, between bodiless requests and a
 * body read through a callback: each request sends its own body and method (the handle keeps what
 * it can from the request before). */
Test(http, bodies_change_from_request_to_request)
{
    static const struct {
        const char *method, *body; /* body NULL: none given */
        bool streamed;
    } seq[] = {{"POST", "abc", false},  {"POST", "xyz", false}, {"POST", "defgh", false}, {"POST", "", false},
               {"GET", NULL, false},    {"POST", "12", false},  {"PUT", "34567", true},   {"POST", "89", false},
               {"DELETE", NULL, false}, {"PUT", "ab", false},   {"HEAD", NULL, false},    {"POST", "cd", false}};
    size_t n = sizeof seq / sizeof seq[0];
    for (size_t i = 0; i < n; i++)
        awsc_test_server_push_response(srv, 200, "", "", 0);
    awsc_http_response resp = {0};
    awsc_error err = AWSC_ERROR_INIT;
    for (size_t i = 0; i < n; i++) {
        awsc_header hd[] = {{"Host", host()}};
        char copy[16] = ""; /* a new pointer for every body */
        if (seq[i].body)
            snprintf(copy, sizeof copy, "%s", seq[i].body);
        piece_source src = {copy, strlen(copy)};
        awsc_http_request req = {.method = seq[i].method, .url = url("/b"), .headers = hd, .header_count = 1};
        if (seq[i].streamed) {
            req.body_read = piece_read;
            req.body_read_user = &src;
            req.body_read_length = (int64_t)strlen(copy);
        } else if (seq[i].body) {
            req.body = (const uint8_t *)copy;
            req.body_len = strlen(copy);
        }
        cr_assert_eq(awsc_http_send_reusing(http, &req, &resp, &err), AWSC_OK, "%zu: %s", i, err.message);
    }
    awsc_http_response_free(&resp);
    cr_assert_eq(awsc_test_server_request_count(srv), n);
    for (size_t i = 0; i < n; i++) {
        const awsc_test_request *r = awsc_test_server_request(srv, i);
        const char *want = seq[i].body ? seq[i].body : "";
        cr_assert_str_eq(r->method, seq[i].method, "request %zu", i);
        cr_assert_eq(r->body_len, strlen(want), "request %zu", i);
        cr_assert_arr_eq(r->body, want, strlen(want), "request %zu", i);
        const char *len = awsc_test_request_header(r, "Content-Length");
        if (seq[i].body) {
            cr_assert_not_null(len, "request %zu", i);
            cr_assert_eq((size_t)atoi(len), strlen(want), "request %zu", i);
        } else {
            cr_assert_null(len, "request %zu", i);
        }
    }
}

/* Valid header names and values of every length are sent: the checks of short strings load
 * their first and last bytes (overlapping), never anything beyond them. */
Test(http, valid_headers_of_every_length_are_sent)
{
    enum { MAX_LEN = 40 };
    for (size_t i = 1; i <= MAX_LEN; i++)
        awsc_test_server_push_response(srv, 200, "", "", 0);
    awsc_http_response resp = {0};
    awsc_error err = AWSC_ERROR_INIT;
    for (size_t len = 1; len <= MAX_LEN; len++) {
        char name[MAX_LEN + 1], value[MAX_LEN + 1];
        for (size_t j = 0; j < len; j++) {
            name[j] = "Xa-1~!#$%&'*+.^_`|"[j % 18];
            value[j] = "v\t~ \"(),/:;<=>?@[\\]{}\x80\xff"[j % 24];
        }
        name[len] = value[len] = '\0';
        value[0] = 'v'; /* a value's leading and trailing blanks are not sent as given */
        value[len - 1] = 'v';
        awsc_header hd[] = {{"Host", host()}, {name, value}};
        awsc_http_request req = {.method = "GET", .url = url("/v"), .headers = hd, .header_count = 2};
        cr_assert_eq(awsc_http_send_reusing(http, &req, &resp, &err), AWSC_OK, "%zu: %s", len, err.message);
        const awsc_test_request *r = awsc_test_server_request(srv, len - 1);
        cr_assert_str_eq(awsc_test_request_header(r, name), value, "length %zu", len);
    }
    awsc_http_response_free(&resp);
}

/* Upper-case HTTP_PROXY is honoured as botocore does (libcurl alone reads only http_proxy). */
Test(http, upper_case_http_proxy_is_honoured)
{
    const char *vars[] = {"http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "REQUEST_METHOD"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv(vars[i]);
    setenv("HTTP_PROXY", awsc_test_server_base_url(srv), 1);
    char direct[128];
    snprintf(direct, sizeof direct, "%s/through", awsc_test_server_base_url(srv));
    const char *want[] = {direct, "/through", "/through"};
    for (int step = 0; step < 3; step++) {
        if (step == 1)
            setenv("REQUEST_METHOD", "GET", 1); /* a CGI script: HTTP_PROXY may come from a client's header */
        if (step == 2) {
            unsetenv("REQUEST_METHOD");
            setenv("NO_PROXY", "127.0.0.1", 1); /* no_proxy applies to it */
        }
        awsc_http_response resp;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(send_simple(http, "GET", url("/through"), NULL, 0, &resp, &err), AWSC_OK, "%s", err.message);
        const awsc_test_request *r = awsc_test_server_request(srv, (size_t)step);
        cr_assert_str_eq(r->target, want[step], "step %d", step);
        awsc_http_response_free(&resp);
        awsc_error_clear(&err);
    }
    unsetenv("HTTP_PROXY");
    unsetenv("NO_PROXY");
    cr_assert_null(awsc_http_env_proxy("http://x/"));
    setenv("HTTP_PROXY", "http://p:1", 1);
    cr_assert_str_eq(awsc_http_env_proxy("http://x/"), "http://p:1");
    cr_assert_null(awsc_http_env_proxy("https://x/"), "https_proxy/HTTPS_PROXY are libcurl's to read");
    setenv("http_proxy", "http://q:1", 1);
    cr_assert_null(awsc_http_env_proxy("http://x/"), "lower case wins, read by libcurl");
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
}

/* ---- the TLS 1.2 minimum ------------------------------------------------------ */

TestSuite(tls_min, .timeout = 120);

static int send_tls(const char *ca, int port, awsc_error *err)
{
    awsc_http_options o = {0};
    o.ca_file = ca;
    o.connect_timeout_ms = o.request_timeout_ms = awsc_test_ms(10000); /* handshakes are slow under valgrind */
    awsc_http *h = awsc_http_new(&o);
    cr_assert_not_null(h);
    char u[64], hosthdr[32];
    snprintf(u, sizeof u, "https://127.0.0.1:%d/x", port);
    snprintf(hosthdr, sizeof hosthdr, "127.0.0.1:%d", port);
    awsc_header hd[] = {{"Host", hosthdr}};
    awsc_http_request req = {.method = "GET", .url = u, .headers = hd, .header_count = 1};
    awsc_http_response resp;
    int rc = awsc_http_send(h, &req, &resp, err);
    awsc_http_response_free(&resp);
    awsc_http_free(h);
    return rc;
}

/* Even where OpenSSL's own policy allows TLS 1.1, the client refuses anything below TLS 1.2. */
Test(tls_min, tls_1_1_server_is_refused)
{
    char dir[64];
    cr_assert_eq(awsc_test_tls_make_certs(dir), 0, "the openssl CLI could not make test certificates");
    if (!awsc_test_tls_allow_tls1_1(dir)) {
        awsc_test_tls_remove_certs(dir);
        cr_skip_test("openssl s_server cannot speak TLS 1.1 on this OpenSSL: the TLS 1.2 minimum is not tested");
    }
    cr_assert_eq(awsc_http_global_init(), 0);
    char ca[128];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    static const char *const tls1_2[] = {"-tls1_2", NULL};

    awsc_test_tls *t = awsc_test_tls_start_args(dir, 0, ok, tls1_2); /* the control: TLS 1.2 works */
    cr_assert_not_null(t);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(send_tls(ca, awsc_test_tls_port(t), &err), AWSC_OK, "%s", err.message);
    char *got = awsc_test_tls_finish(t);
    cr_assert_not_null(strstr(got ? got : "", "GET /x HTTP/1.1"));
    free(got);

    t = awsc_test_tls_start_args(dir, 0, ok, awsc_test_tls1_1_only);
    cr_assert_not_null(t);
    cr_assert_eq(send_tls(ca, awsc_test_tls_port(t), &err), AWSC_E_TRANSPORT, "a TLS 1.1 server was accepted");
    got = awsc_test_tls_finish(t);
    cr_assert_null(strstr(got ? got : "", "GET /x"), "the request reached a TLS 1.1 server");
    free(got);
    awsc_error_clear(&err);
    awsc_test_tls_remove_certs(dir);
}
