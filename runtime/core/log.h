/* A client's logger: a level and a sink; lines are formatted only when enabled. */
#ifndef AWSC_LOG_H
#define AWSC_LOG_H

#include "awsc/awsc.h"
#include "awsc/schema.h"
#include "http/http.h"

typedef struct awsc_logger {
    awsc_log_level level;
    awsc_log_fn fn;   /* NULL: stderr */
    void *user;
} awsc_logger;

static inline bool awsc_log_enabled(const awsc_logger *l, awsc_log_level level)
{
    return l && level != AWSC_LOG_OFF && level <= l->level;
}

void awsc_log(const awsc_logger *l, awsc_log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * A trace-level dump of a request (`req`) or of a response (`resp`, `req` NULL)
 * of the operation `op`. Redacted: Authorization signatures, security tokens,
 * and the values op->sensitive_names names (sensitive members, and credentials
 * whatever the model says) in the body and headers; the URL when it holds one
 * (AWSC_OP_SENSITIVE_URL), the body when it is one (AWSC_OP_SENSITIVE_PAYLOAD).
 * Without an operation no body is shown.
 */
void awsc_log_http(const awsc_logger *l, const awsc_operation *op, const awsc_http_request *req,
                   const awsc_http_response *resp);

/* The text a log line shows for a header value (redacted when secret); `out` holds at least 256 bytes. */
const char *awsc_log_header_value(const char *name, const char *value, char *out, size_t cap);

#endif
