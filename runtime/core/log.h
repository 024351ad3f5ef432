/* A client's logger: a level and a sink; lines are formatted only when enabled. */
#ifndef AWSC_LOG_H
#define AWSC_LOG_H

#include "awsc/awsc.h"
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

/* Trace-level dumps of the wire. Authorization signatures and security tokens are redacted. */
void awsc_log_http_request(const awsc_logger *l, const awsc_http_request *req);
void awsc_log_http_response(const awsc_logger *l, const awsc_http_response *resp);

/* The text a log line shows for a header value (redacted when secret); `out` holds at least 256 bytes. */
const char *awsc_log_header_value(const char *name, const char *value, char *out, size_t cap);

#endif
