/* Filling awsc_error: every runtime module reports failures through these. */
#ifndef AWSC_ERROR_H
#define AWSC_ERROR_H

#include "awsc/awsc.h"

/*
 * Clears `err` and records a failure with a printf-style message. When `err`
 * is NULL the calling thread's last error (awsc_last_error) is filled instead.
 * Returns `status`, so callers can write `return awsc_error_set(err, ...)`.
 */
int awsc_error_set(awsc_error *err, awsc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* awsc_error_set(err, AWSC_E_NOMEM, "out of memory"): one call site each instead of a full varargs call. */
int awsc_error_nomem(awsc_error *err);

/* The error to fill: `err` itself, or the thread-local one when NULL. */
awsc_error *awsc_error_target(awsc_error *err);

/* Marks a call as successful (clears `err`, or the thread-local one). */
void awsc_error_ok(awsc_error *err);

/* `s` when it is a non-empty string, else NULL (unset and empty settings alike). */
const char *awsc_nonempty(const char *s);

/* strdup that returns NULL for NULL. */
char *awsc_strdup(const char *s);
/* The n bytes at s (which need no NUL) as a malloc'd string with one. */
char *awsc_strndup(const char *s, size_t n);

/*
 * Whether `s` (NULL: no) is one of `names`, packed "a\0b\0" and ended by an empty name: a
 * table of strings without a table of pointers to them (8 bytes and a relocation each).
 */
bool awsc_one_of(const char *s, const char *names);

#endif
