/* The logger: levels, the sink, redaction of secrets, long lines and body dumps. */
#include "core/log.h"
#include "awsc/xml.h"

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

/* An operation whose input and output carry secrets under these names (what codegen gives sensitive members). */
static const char *const secret_names[] = {"Secret", "SessionToken", "x-amz-secret-header", NULL};

static awsc_operation op_with(const awsc_codec *codec, uint8_t flags)
{
    return (awsc_operation){.name = "Op", .method = "POST", .uri = "/", .codec = codec, .flags = flags,
                            .sensitive_names = secret_names};
}

/* The one line a request with this body and these headers gives. */
static char *dump_request(const awsc_operation *op, const char *body, const awsc_header *hd, size_t n)
{
    lines got = {0};
    awsc_logger lg = {AWSC_LOG_TRACE, keep, &got};
    awsc_http_request req = {.method = "POST", .url = "http://h/things/abc?q=1", .headers = hd,
                             .header_count = n, .body = (const uint8_t *)body, .body_len = strlen(body)};
    awsc_log_http(&lg, op, &req, NULL);
    cr_assert_eq(got.n, 1);
    return got.text[0];
}

static void assert_hidden(const char *line, const char *const *secrets)
{
    for (; *secrets; secrets++)
        cr_assert_null(strstr(line, *secrets), "\"%s\" is in the log line: %s", *secrets, line);
}

Test(log, json_secrets_are_redacted_at_any_depth)
{
    awsc_operation op = op_with(&awsc_codec_rest_json, 0);
    char *line = dump_request(&op,
                              "{\"a\": 1, \"Secret\": \"S-ONE\", \"n\": {\"sessiontoken\": {\"x\": [\"S-TWO\"]}},"
                              " \"l\": [{\"Secret\": 42}], \"s\": \"Secret\", \"Secr\\u0065t\": \"S-THREE\","
                              " \"Secret\\u0000x\": \"another key\", \"SessionToken\\u0000\": 1}",
                              NULL, 0);
    assert_hidden(line, (const char *const[]){"S-ONE", "S-TWO", "42", "S-THREE", NULL});
    cr_assert_not_null(strstr(line, "{\"a\": 1, \"Secret\":\"<redacted>\""), "%s", line);
    cr_assert_not_null(strstr(line, "\"s\": \"Secret\""), "a secret's name as a value is no secret: %s", line);
    free(line);
}

Test(log, json_that_does_not_parse_shows_nothing_past_the_problem)
{
    awsc_operation op = op_with(&awsc_codec_aws_json, 0);
    const char *cut[] = {"{\"a\": 1, \"Secret\": \"S-CUT", "{\"Secret\": {\"x\": \"S-CUT\"",
                         "{\"a\": 1} {\"Secret\": \"S-CUT\"}", "{\"a\": 1, Secret: \"S-CUT\"}",
                         "{\"a\": 1, \"Secret\": \"S-CUT\" \"b\": 2}"};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        char *line = dump_request(&op, cut[i], NULL, 0);
        assert_hidden(line, (const char *const[]){"S-CUT", NULL});
        cr_assert_not_null(strstr(line, "(not JSON)"), "%s", line);
        free(line);
    }
}

Test(log, xml_and_form_secrets_are_redacted)
{
    awsc_operation op = op_with(&awsc_codec_aws_query, 0);
    char *line =
        dump_request(&op, "Action=AssumeRole&Secret=S-ONE&Creds.member.1.SessionToken=S-TWO&RoleArn=arn", NULL, 0);
    assert_hidden(line, (const char *const[]){"S-ONE", "S-TWO", NULL});
    cr_assert_not_null(
        strstr(line, "Action=AssumeRole&Secret=<redacted>&Creds.member.1.SessionToken=<redacted>&RoleArn=arn"), "%s",
        line);
    free(line);

    line = dump_request(&op,
                        "<?xml version=\"1.0\"?><R xmlns=\"urn:x\"><Secret>S-ONE</Secret><a:SessionToken x=\"1\">S-TWO"
                        "</a:SessionToken><Secret/><Other Secret=\"S>THREE\" b='o>k'>fine</Other><Secret><In>S-FOUR</In>"
                        "</Secret><Tail>shown</Tail></R>",
                        NULL, 0);
    assert_hidden(line, (const char *const[]){"S-ONE", "S-TWO", "THREE", "S-FOUR", NULL});
    cr_assert_not_null(strstr(line, "<Secret><redacted></Secret>"), "%s", line);
    cr_assert_not_null(strstr(line, "<Tail>shown</Tail>"), "%s", line);
    cr_assert_not_null(strstr(line, "<Other Secret=\"<redacted>\" b='o>k'>fine</Other>"), "%s", line);
    free(line);

    const char *cut[] = {"<R><Secret>S-CUT", "<R><Secret>S-CUT</Secre", "<R><Other Secret=\"S-CUT", "<R><Secret"};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        line = dump_request(&op, cut[i], NULL, 0);
        assert_hidden(line, (const char *const[]){"S-CUT", NULL});
        free(line);
    }
}

Test(log, headers_url_and_payloads_bound_to_secrets_are_redacted)
{
    awsc_header hd[] = {{"X-Amz-Secret-Header", "S-HEADER"}, {"Content-Type", "application/json"}};
    awsc_operation op = op_with(&awsc_codec_rest_json, 0);
    char *line = dump_request(&op, "{}", hd, 2);
    assert_hidden(line, (const char *const[]){"S-HEADER", NULL});
    cr_assert_not_null(strstr(line, "X-Amz-Secret-Header: <redacted>"), "%s", line);
    cr_assert_not_null(strstr(line, "Content-Type: application/json"), "%s", line);
    cr_assert_not_null(strstr(line, "POST http://h/things/abc?q=1"), "%s", line);
    free(line);

    op = op_with(&awsc_codec_rest_json, AWSC_OP_SENSITIVE_URL | AWSC_OP_SENSITIVE_PAYLOAD);
    line = dump_request(&op, "\"S-PAYLOAD\"", NULL, 0);
    assert_hidden(line, (const char *const[]){"S-PAYLOAD", "abc", "q=1", NULL});
    cr_assert_not_null(strstr(line, "(11 bytes, not shown)"), "%s", line);
    free(line);

    /* Without an operation there is no way to tell: nothing is shown. */
    line = dump_request(NULL, "{\"Secret\": \"S-ONE\"}", NULL, 0);
    assert_hidden(line, (const char *const[]){"S-ONE", NULL});
    free(line);
}

Test(log, response_secrets_are_redacted)
{
    lines got = {0};
    awsc_logger lg = {AWSC_LOG_TRACE, keep, &got};
    awsc_operation op = op_with(&awsc_codec_aws_query, 0);
    awsc_header hd[] = {{"x-amz-secret-header", "S-HEADER"}};
    awsc_http_response resp = {.status = 200, .headers = hd, .header_count = 1};
    const char *xml = "<AssumeRoleResponse><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>S-ONE"
                      "</SecretAccessKey><SessionToken>S-TWO</SessionToken></Credentials></AssumeRoleResponse>";
    static const char *const credentials[] = {"SecretAccessKey", "SessionToken", NULL};
    op.sensitive_names = credentials;
    cr_assert_eq(awsc_buf_append(&resp.body, xml, strlen(xml)), 0);
    awsc_log_http(&lg, &op, NULL, &resp);
    cr_assert_eq(got.n, 1);
    assert_hidden(got.text[0], (const char *const[]){"S-ONE", "S-TWO", NULL});
    cr_assert_not_null(strstr(got.text[0], "<AccessKeyId>ASIA</AccessKeyId>"), "%s", got.text[0]);
    cr_assert_not_null(strstr(got.text[0], "x-amz-secret-header: S-HEADER"), "only the op's names: %s", got.text[0]);
    awsc_buf_free(&resp.body);
    drop(&got);
}

Test(log, wire_dumps_show_headers_and_escaped_bodies)
{
    lines got = {0};
    awsc_logger lg = {AWSC_LOG_TRACE, keep, &got};
    awsc_header hd[] = {{"Host", "h"}, {"X-Amz-Security-Token", "TOKEN-VALUE"}};
    static const uint8_t body[] = {'<', 'a', '>', 0x01, 0xff, '<', '/', 'a', '>'};
    awsc_operation op = op_with(&awsc_codec_rest_xml, 0);
    awsc_http_request req = {.method = "POST", .url = "http://h/x", .headers = hd, .header_count = 2,
                             .body = body, .body_len = sizeof body};
    awsc_log_http(&lg, &op, &req, NULL);
    cr_assert_eq(got.n, 1);
    cr_assert_not_null(strstr(got.text[0], "request: POST http://h/x"));
    cr_assert_null(strstr(got.text[0], "TOKEN-VALUE"));
    cr_assert_not_null(strstr(got.text[0], "<a>\\x01\\xff</a>"), "%s", got.text[0]);

    op = op_with(&awsc_codec_rest_json, 0);
    awsc_http_response resp = {.status = 200, .headers = hd, .header_count = 1};
    char big[5000];
    memset(big, ' ', sizeof big);
    big[0] = '[';
    big[sizeof big - 1] = ']';
    cr_assert_eq(awsc_buf_append(&resp.body, big, sizeof big), 0);
    awsc_log_http(&lg, &op, NULL, &resp);
    cr_assert_eq(got.n, 2);
    cr_assert_not_null(strstr(got.text[1], "... (5000 bytes)"), "long bodies say how long they were");
    awsc_buf_free(&resp.body);

    awsc_logger quiet = {AWSC_LOG_DEBUG, keep, &got};
    awsc_log_http(&quiet, &op, &req, NULL);
    cr_assert_eq(got.n, 2, "no wire dump below trace");
    drop(&got);
}
