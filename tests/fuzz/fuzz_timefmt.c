/*
 * Smithy timestamp parsers and formatters (runtime/util/timefmt.h).
 * Input: the text, given to all three parsers.
 * Oracles: a parsed timestamp has nanos < 1e9; formatting it in the same
 * format (when the year fits) and parsing that again gives the same value,
 * and so does its epoch-seconds form.
 */
#include "util/buf.h"
#include "util/timefmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*parse_fn)(const char *, size_t, awsc_timestamp *);
typedef int (*format_fn)(awsc_buf *, awsc_timestamp);

static void fail(const char *fmt, const char *text, awsc_timestamp a, awsc_timestamp b)
{
    fprintf(stderr, "timefmt %s: '%s' %" PRId64 ".%09u vs %" PRId64 ".%09u\n", fmt, text ? text : "", a.seconds,
            a.nanos, b.seconds, b.nanos);
    abort();
}

static void check(const char *name, parse_fn parse, format_fn format, const char *s, size_t len)
{
    awsc_timestamp t = {0, 0}, u = {0, 0};
    if (parse(s, len, &t) != 0)
        return;
    if (t.nanos > 999999999u)
        fail(name, "nanos out of range", t, t);
    awsc_buf out = AWSC_BUF_INIT;
    int rc = format(&out, t);
    if (rc == 0) {
        if (parse(out.data, out.len, &u) != 0 || u.seconds != t.seconds || u.nanos != t.nanos)
            fail(name, out.data, t, u);
        /* The other calendar format must agree whenever it can hold the value. */
        awsc_buf other = AWSC_BUF_INIT;
        if (format != awsc_time_format_epoch && awsc_time_format_epoch(&other, t) == 0 &&
            (awsc_time_parse_epoch(other.data, other.len, &u) != 0 || u.seconds != t.seconds || u.nanos != t.nanos))
            fail("epoch of parsed", other.data, t, u);
        awsc_buf_free(&other);
    } else if (rc != -2) {
        fail(name, "format returned neither 0 nor -2", t, t);
    }
    awsc_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    check("date-time", awsc_time_parse_date_time, awsc_time_format_date_time, s, size);
    check("http-date", awsc_time_parse_http_date, awsc_time_format_http_date, s, size);
    check("epoch-seconds", awsc_time_parse_epoch, awsc_time_format_epoch, s, size);
    free(s);
    return 0;
}
