/* The logger: levels, the sink, redaction of secrets, long lines and body dumps. */
#include "core/log.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

typedef struct lines {
    char *text[16];
    awsc_log_level level[16];
    int n;
} lines;

static void keep(void *user, awsc_log_level level, const char *line)
{
    lines *l = user;
    if (l->n < 16) {
        l->level[l->n] = level;
        l->text[l->n++] = strdup(line);
    }
}

static void drop(lines *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->text[i]);
}

Test(log, levels_filter_and_the_sink_receives_lines)
{
    lines got = {0};
    awsc_logger lg = {AWSC_LOG_INFO, keep, &got};
    awsc_log(&lg, AWSC_LOG_DEBUG, "hidden %d", 1);
    awsc_log(&lg, AWSC_LOG_INFO, "shown %d", 2);
    awsc_log(&lg, AWSC_LOG_ERROR, "also %s", "shown");
    awsc_log(&lg, AWSC_LOG_OFF, "never");
    cr_assert_eq(got.n, 2);
    cr_assert_str_eq(got.text[0], "shown 2");
    cr_assert_eq(got.level[1], AWSC_LOG_ERROR);
    cr_assert_not(awsc_log_enabled(NULL, AWSC_LOG_ERROR));
    drop(&got);
}

Test(log, long_lines_are_not_cut)
{
    lines got = {0};
    awsc_logger lg = {AWSC_LOG_TRACE, keep, &got};
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    awsc_log(&lg, AWSC_LOG_INFO, "[%s]", big);
    cr_assert_eq(got.n, 1);
    cr_assert_eq(strlen(got.text[0]), sizeof big + 1);
    drop(&got);
}

Test(log, secret_headers_are_redacted)
{
    char tmp[256];
    cr_assert_str_eq(awsc_log_header_value("X-Amz-Security-Token", "SECRET-TOKEN", tmp, sizeof tmp), "<redacted>");
    cr_assert_str_eq(awsc_log_header_value("x-aws-ec2-metadata-token", "T", tmp, sizeof tmp), "<redacted>");
    cr_assert_str_eq(awsc_log_header_value("Authorization", "Bearer abc", tmp, sizeof tmp), "<redacted>");
    const char *auth = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s/aws4_request, SignedHeaders=host, "
                       "Signature=0123456789abcdef";
    const char *shown = awsc_log_header_value("authorization", auth, tmp, sizeof tmp);
    cr_assert_null(strstr(shown, "0123456789abcdef"));
    cr_assert_not_null(strstr(shown, "SignedHeaders=host, Signature=<redacted>"));
    cr_assert_str_eq(awsc_log_header_value("Content-Type", "application/json", tmp, sizeof tmp), "application/json");
}

Test(log, wire_dumps_show_headers_and_escaped_bodies)
{
    lines got = {0};
    awsc_logger lg = {AWSC_LOG_TRACE, keep, &got};
    awsc_header hd[] = {{"Host", "h"}, {"X-Amz-Security-Token", "TOKEN-VALUE"}};
    static const uint8_t body[] = {'{', '}', 0x01, 0xff};
    awsc_http_request req = {.method = "POST", .url = "http://h/x", .headers = hd, .header_count = 2,
                             .body = body, .body_len = sizeof body};
    awsc_log_http_request(&lg, &req);
    cr_assert_eq(got.n, 1);
    cr_assert_not_null(strstr(got.text[0], "request: POST http://h/x"));
    cr_assert_null(strstr(got.text[0], "TOKEN-VALUE"));
    cr_assert_not_null(strstr(got.text[0], "{}\\x01\\xff"));

    awsc_http_response resp = {.status = 200, .headers = hd, .header_count = 1};
    char big[5000];
    memset(big, 'a', sizeof big);
    cr_assert_eq(awsc_buf_append(&resp.body, big, sizeof big), 0);
    awsc_log_http_response(&lg, &resp);
    cr_assert_eq(got.n, 2);
    cr_assert_not_null(strstr(got.text[1], "... (5000 bytes)"), "long bodies say how long they were");
    awsc_buf_free(&resp.body);

    awsc_logger quiet = {AWSC_LOG_DEBUG, keep, &got};
    awsc_log_http_request(&quiet, &req);
    cr_assert_eq(got.n, 2, "no wire dump below trace");
    drop(&got);
}
