#include "core/log.h"

#include "util/buf.h"

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

/* Logs `b` (the first line, already written) followed by the headers and the body, then frees it. */
static void emit_message(const awsc_logger *l, awsc_buf *b, const awsc_header *headers, size_t count,
                         const void *body, size_t body_len, bool streamed)
{
    char tmp[1024];
    for (size_t i = 0; i < count; i++)
        awsc_buf_printf(b, "\n  %s: %s", headers[i].name,
                        awsc_log_header_value(headers[i].name, headers[i].value, tmp, sizeof tmp));
    if (body_len) {
        awsc_buf_puts(b, "\n  ");
        dump_body(b, body, body_len);
    } else if (streamed) {
        awsc_buf_puts(b, "\n  (streamed body)");
    }
    if (b->data)
        emit(l, AWSC_LOG_TRACE, b->data);
    awsc_buf_free(b);
}

void awsc_log_http_request(const awsc_logger *l, const awsc_http_request *req)
{
    if (!awsc_log_enabled(l, AWSC_LOG_TRACE))
        return;
    awsc_buf b = AWSC_BUF_INIT;
    awsc_buf_printf(&b, "request: %s %s", req->method, req->url);
    emit_message(l, &b, req->headers, req->header_count, req->body, req->body_len, req->body_read != NULL);
}

void awsc_log_http_response(const awsc_logger *l, const awsc_http_response *resp)
{
    if (!awsc_log_enabled(l, AWSC_LOG_TRACE))
        return;
    awsc_buf b = AWSC_BUF_INIT;
    awsc_buf_printf(&b, "response: HTTP %ld", resp->status);
    emit_message(l, &b, resp->headers, resp->header_count, resp->body.data, resp->body.len, false);
}
