#include "log.h"

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *level_name(awsc_log_level level)
{
    static const char *const names[] = {"off", "error", "warn", "info", "debug", "trace"};
    return (unsigned)level < sizeof names / sizeof names[0] ? names[level] : "?";
}

static void emit(const awsc_logger *l, awsc_log_level level, const char *line)
{
    if (l->fn)
        l->fn(l->user, level, line);
    else
        fprintf(stderr, "awsc %s: %s\n", level_name(level), line);
}

void awsc_log(const awsc_logger *l, awsc_log_level level, const char *fmt, ...)
{
    if (!awsc_log_enabled(l, level))
        return;
    awsc_buf b = AWSC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = awsc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    emit(l, level, rc == 0 ? b.data : "(log message lost: out of memory or bad format)");
    awsc_buf_free(&b);
}

const char *awsc_log_header_value(const char *name, const char *value, char *out, size_t cap)
{
    if (strcasecmp(name, "X-Amz-Security-Token") == 0 || strcasecmp(name, "x-aws-ec2-metadata-token") == 0)
        return "<redacted>";
    if (strcasecmp(name, "Authorization") == 0) {
        /* Keep the scope and signed headers (useful when debugging), never the signature. */
        const char *sig = strstr(value, "Signature=");
        if (!sig)
            return "<redacted>";
        snprintf(out, cap, "%.*sSignature=<redacted>", (int)(sig - value), value);
        return out;
    }
    return value;
}

static void dump_body(awsc_buf *b, const uint8_t *data, size_t len)
{
    const size_t limit = 4096;
    for (size_t i = 0; i < len && i < limit; i++) {
        unsigned char c = data[i];
        if (c >= 0x20 && c < 0x7f)
            awsc_buf_putc(b, (char)c);
        else
            awsc_buf_printf(b, "\\x%02x", c);
    }
    if (len > limit)
        awsc_buf_printf(b, "... (%zu bytes)", len);
}

void awsc_log_http_request(const awsc_logger *l, const awsc_http_request *req)
{
    if (!awsc_log_enabled(l, AWSC_LOG_TRACE))
        return;
    awsc_buf b = AWSC_BUF_INIT;
    char tmp[1024];
    awsc_buf_printf(&b, "request: %s %s", req->method, req->url);
    for (size_t i = 0; i < req->header_count; i++)
        awsc_buf_printf(&b, "\n  %s: %s", req->headers[i].name,
                        awsc_log_header_value(req->headers[i].name, req->headers[i].value, tmp, sizeof tmp));
    if (req->body_len) {
        awsc_buf_puts(&b, "\n  ");
        dump_body(&b, req->body, req->body_len);
    } else if (req->body_read) {
        awsc_buf_puts(&b, "\n  (streamed body)");
    }
    if (b.data)
        emit(l, AWSC_LOG_TRACE, b.data);
    awsc_buf_free(&b);
}

void awsc_log_http_response(const awsc_logger *l, const awsc_http_response *resp)
{
    if (!awsc_log_enabled(l, AWSC_LOG_TRACE))
        return;
    awsc_buf b = AWSC_BUF_INIT;
    char tmp[1024];
    awsc_buf_printf(&b, "response: HTTP %ld", resp->status);
    for (size_t i = 0; i < resp->header_count; i++)
        awsc_buf_printf(&b, "\n  %s: %s", resp->headers[i].name,
                        awsc_log_header_value(resp->headers[i].name, resp->headers[i].value, tmp, sizeof tmp));
    if (resp->body.len) {
        awsc_buf_puts(&b, "\n  ");
        dump_body(&b, (const uint8_t *)resp->body.data, resp->body.len);
    }
    if (b.data)
        emit(l, AWSC_LOG_TRACE, b.data);
    awsc_buf_free(&b);
}
