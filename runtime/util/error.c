#include "util/error.h"

#include "util/arena.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef AWSC_ERROR_SHARED_TLS
static _Thread_local awsc_error last_error = AWSC_ERROR_INIT;
#endif

const char *awsc_nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

bool awsc_one_of(const char *s, const char *names)
{
    for (; s && *names; names += strlen(names) + 1)
        if (strcmp(s, names) == 0)
            return true;
    return false;
}

char *awsc_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *awsc_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void awsc_error_clear(awsc_error *err)
{
    if (!err)
        return;
    /* A call succeeds far more often than not: nothing to free then, not seven calls of free(NULL). */
    if (!err->code && !err->message && !err->request_id && !err->type && !err->extended_request_id && !err->cf_id &&
        !err->detail_arena_) {
        *err = (awsc_error)AWSC_ERROR_INIT;
        return;
    }
    free(err->code);
    free(err->message);
    free(err->request_id);
    free(err->type);
    free(err->extended_request_id);
    free(err->cf_id);
    awsc_arena_destroy(err->detail_arena_);
    *err = (awsc_error)AWSC_ERROR_INIT;
}

#ifdef AWSC_ERROR_SHARED_TLS
/*
 * libawsc-xml's hidden copy of this file (see CMakeLists.txt): "no error
 * given" means the thread's last error of libawsc-runtime.so, reached through
 * its exported awsc_last_error, not a second thread-local of our own.
 */
awsc_error *awsc_error_target(awsc_error *err)
{
    return err ? err : (awsc_error *)awsc_last_error();
}
#else
awsc_error *awsc_error_target(awsc_error *err)
{
    return err ? err : &last_error;
}
#endif

void awsc_error_ok(awsc_error *err)
{
    awsc_error_clear(awsc_error_target(err));
}

int awsc_error_set(awsc_error *err, awsc_status status, const char *fmt, ...)
{
    err = awsc_error_target(err);
    awsc_error_clear(err);
    err->status = status;
    awsc_buf b = AWSC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = awsc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc == 0) {
        err->message = awsc_buf_take(&b);
    } else {
        awsc_buf_free(&b);
        err->message = awsc_strdup("(unprintable error message)");
    }
    return status;
}

int awsc_error_nomem(awsc_error *err)
{
    return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
}

#ifndef AWSC_ERROR_SHARED_TLS
const awsc_error *awsc_last_error(void)
{
    return &last_error;
}
#endif

const char *awsc_status_str(int status)
{
    switch (status) {
    case AWSC_OK: return "ok";
    case AWSC_E_VALIDATION: return "validation error";
    case AWSC_E_CONFIG: return "configuration error";
    case AWSC_E_TRANSPORT: return "transport error";
    case AWSC_E_SERVICE: return "service error";
    case AWSC_E_RESPONSE: return "malformed response";
    case AWSC_E_NOMEM: return "out of memory";
    case AWSC_E_INTERNAL: return "internal error";
    case AWSC_E_WAITER_FAILED: return "waiter failed";
    case AWSC_E_WAITER_TIMEOUT: return "waiter timed out";
    default: return "unknown status";
    }
}
