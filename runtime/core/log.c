#include "core/log.h"

#include "serde/codec.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *level_name(awsc_log_level level)
{
    static const char names[][6] = {"off", "error", "warn", "info", "debug", "trace"};
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

/* Whether `name` is one of the NULL-terminated `user` (an operation's sensitive_names). */
static bool is_secret(const void *user, const char *name, size_t len)
{
    for (const char *const *n = user; n && *n; n++)
        if (strlen(*n) == len && strncasecmp(*n, name, len) == 0) /* a name may hold a NUL (JSON's \u0000) */
            return true;
    return false;
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

static void dump_body(awsc_buf *b, const char *data, size_t len)
{
    const size_t limit = 4096;
    for (size_t i = 0; i < len && i < limit; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c >= 0x20 && c < 0x7f)
            awsc_buf_putc(b, (char)c);
        else
            awsc_buf_printf(b, "\\x%02x", c);
    }
    if (len > limit)
        awsc_buf_printf(b, "... (%zu bytes)", len);
}

void awsc_log_http(const awsc_logger *l, const awsc_operation *op, const awsc_http_request *req,
                   const awsc_http_response *resp)
{
    if (!awsc_log_enabled(l, AWSC_LOG_TRACE))
        return;
    awsc_buf b = AWSC_BUF_INIT;
    const awsc_header *headers;
    size_t count, body_len;
    const void *body;
    if (req) {
        awsc_buf_printf(&b, "request: %s %s", req->method,
                        op && (op->flags & AWSC_OP_SENSITIVE_URL) ? "(URL not shown: sensitive)" : req->url);
        headers = req->headers, count = req->header_count, body = req->body, body_len = req->body_len;
    } else {
        awsc_buf_printf(&b, "response: HTTP %ld", resp->status);
        headers = resp->headers, count = resp->header_count, body = resp->body.data, body_len = resp->body.len;
    }
    const char *const *secrets = op ? op->sensitive_names : NULL;
    char tmp[1024];
    for (size_t i = 0; i < count; i++) {
        const char *name = headers[i].name;
        awsc_buf_printf(&b, "\n  %s: %s", name,
                        is_secret(secrets, name, strlen(name)) ? "<redacted>"
                                                               : awsc_log_header_value(name, headers[i].value, tmp,
                                                                                       sizeof tmp));
    }
    if (body_len) {
        /* The operation's codec redacts the body's secrets; without one it is not shown. */
        awsc_buf shown = AWSC_BUF_INIT;
        awsc_buf_puts(&b, "\n  ");
        if (op && !(op->flags & AWSC_OP_SENSITIVE_PAYLOAD) && op->codec->redact &&
            op->codec->redact(body, body_len, is_secret, secrets, &shown) == 0)
            dump_body(&b, shown.data, shown.len);
        else
            awsc_buf_printf(&b, "(%zu bytes, not shown)", body_len);
        awsc_buf_free(&shown);
    } else if (req && req->body_read) {
        awsc_buf_puts(&b, "\n  (streamed body)");
    }
    if (b.data)
        emit(l, AWSC_LOG_TRACE, b.data);
    awsc_buf_free(&b);
}
