/* Smithy's timestamp formats: date-time (RFC 3339), http-date (RFC 7231 IMF-fixdate), epoch-seconds. */
#ifndef AWSC_TIMEFMT_H
#define AWSC_TIMEFMT_H

#include "awsc/awsc.h"
#include "util/buf.h"

/*
 * Formatting appends to `out`; returns 0, -1 when out of memory, or -2 (nothing
 * appended) when t cannot be written: nanos > 999999999, or for date-time and
 * http-date a year outside 0000..9999.
 * date-time: "2019-12-16T23:48:18Z", with ".123Z" style fractions (trailing zeros
 *   removed, up to nanoseconds) only when nanos != 0.
 * http-date: "Mon, 16 Dec 2019 23:48:18 GMT" (fractions: ".123" before " GMT" when nanos != 0).
 * epoch-seconds: "1576540098" or "1576540098.123" (fraction trailing zeros removed).
 */
int awsc_time_format_date_time(awsc_buf *out, awsc_timestamp t);
int awsc_time_format_http_date(awsc_buf *out, awsc_timestamp t);
int awsc_time_format_epoch(awsc_buf *out, awsc_timestamp t);

/*
 * Parsing: returns 0 and fills *t, or -1 when the text is not of the format.
 * date-time accepts 'T'/'t', 'Z'/'z' and numeric offsets ("+04:00", converted
 * to UTC) and fractions of any length (nanoseconds kept, more digits truncated).
 * http-date accepts IMF-fixdate (with optional fraction).
 * epoch-seconds accepts an integer or decimal number (optionally negative),
 * at most 9 fraction digits kept.
 */
int awsc_time_parse_date_time(const char *s, size_t len, awsc_timestamp *t);
int awsc_time_parse_http_date(const char *s, size_t len, awsc_timestamp *t);
int awsc_time_parse_epoch(const char *s, size_t len, awsc_timestamp *t);

/* Days-from-civil conversions without the C library's time zone state. */
int64_t awsc_time_days_from_civil(int64_t y, unsigned m, unsigned d);
void awsc_time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
