#include "util/timefmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * All calendar arithmetic is done here (proleptic Gregorian calendar, UTC),
 * never through mktime/timegm/gmtime, whose results depend on the process's
 * time zone state and on the width of time_t.
 */

#define NANOS_PER_SEC 1000000000u
#define SECS_PER_DAY 86400

static const char weekdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Howard Hinnant's days_from_civil: days since 1970-01-01 of y-m-d. */
int64_t awsc_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400; /* year of era, [0, 399] */
    /* Day of a year that starts on March 1st, so the leap day comes last: [0, 365]. */
    int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* day of era, [0, 146096] */
    return era * 146097 + doe - 719468;
}

void awsc_time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned char n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* ---- formatting ---------------------------------------------------------- */

/* Broken-down UTC time of t; the seconds are floored into days, so negative t works. */
typedef struct {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday;
} civil;

static civil to_civil(int64_t seconds)
{
    civil c;
    int64_t days = seconds / SECS_PER_DAY;
    int64_t rem = seconds % SECS_PER_DAY;
    if (rem < 0) {
        rem += SECS_PER_DAY;
        days--;
    }
    awsc_time_civil_from_days(days, &c.year, &c.month, &c.day);
    c.hour = (unsigned)(rem / 3600);
    c.minute = (unsigned)(rem / 60 % 60);
    c.second = (unsigned)(rem % 60);
    /* 1970-01-01 was a Thursday. */
    c.weekday = (unsigned)(((days + 4) % 7 + 7) % 7);
    return c;
}

/* Appends ".ddd" for a non-zero nanos, trailing zeros removed. */
static int put_fraction(awsc_buf *out, uint32_t nanos)
{
    if (nanos == 0)
        return 0;
    char digits[10];
    int n = 9;
    for (int i = 8; i >= 0; i--, nanos /= 10)
        digits[i] = (char)('0' + nanos % 10);
    while (digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return awsc_buf_printf(out, ".%s", digits);
}

/* On failure a formatter leaves `out` as it was, not with half a timestamp. */
static int rollback(awsc_buf *out, size_t len)
{
    out->len = len;
    if (out->data)
        out->data[len] = '\0';
    return -1;
}

/* The four-digit-year formats cover 0000-01-01 .. 9999-12-31 only. */
static bool representable(awsc_timestamp t, civil *c)
{
    if (t.nanos >= NANOS_PER_SEC)
        return false;
    *c = to_civil(t.seconds);
    return c->year >= 0 && c->year <= 9999;
}

int awsc_time_format_date_time(awsc_buf *out, awsc_timestamp t)
{
    civil c;
    if (!representable(t, &c))
        return -2;
    size_t len = out->len;
    if (awsc_buf_printf(out, "%04d-%02u-%02uT%02u:%02u:%02u", (int)c.year, c.month, c.day, c.hour,
                        c.minute, c.second) != 0 ||
        put_fraction(out, t.nanos) != 0 || awsc_buf_putc(out, 'Z') != 0) {
        return rollback(out, len);
    }
    return 0;
}

int awsc_time_format_http_date(awsc_buf *out, awsc_timestamp t)
{
    civil c;
    if (!representable(t, &c))
        return -2;
    size_t len = out->len;
    if (awsc_buf_printf(out, "%s, %02u %s %04d %02u:%02u:%02u", weekdays[c.weekday], c.day,
                        months[c.month - 1], (int)c.year, c.hour, c.minute, c.second) != 0 ||
        put_fraction(out, t.nanos) != 0 || awsc_buf_puts(out, " GMT") != 0) {
        return rollback(out, len);
    }
    return 0;
}

int awsc_time_format_epoch(awsc_buf *out, awsc_timestamp t)
{
    if (t.nanos >= NANOS_PER_SEC)
        return -2;
    /* A negative time with a fraction is stored floored: -1.5 is {-2, 500000000}. */
    bool neg = t.seconds < 0;
    uint32_t frac = t.nanos;
    uint64_t whole;
    if (neg && frac) {
        whole = (uint64_t)(-(t.seconds + 1)); /* t.seconds + 1 <= 0, never INT64_MIN */
        frac = NANOS_PER_SEC - frac;
    } else if (neg) {
        whole = (uint64_t)(-(t.seconds + 1)) + 1; /* INT64_MIN has no positive int64 */
    } else {
        whole = (uint64_t)t.seconds;
    }
    size_t len = out->len;
    if (awsc_buf_printf(out, "%s%llu", neg ? "-" : "", (unsigned long long)whole) != 0 ||
        put_fraction(out, frac) != 0) {
        return rollback(out, len);
    }
    return 0;
}

/* ---- parsing ------------------------------------------------------------- */

/* A cursor over s[0..len): every reader checks bounds, so truncated input is safe. */
typedef struct {
    const char *s;
    size_t len, pos;
} cursor;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads exactly n digits. */
static bool read_digits(cursor *c, int n, unsigned *v)
{
    if (c->len - c->pos < (size_t)n)
        return false;
    unsigned x = 0;
    for (int i = 0; i < n; i++) {
        char ch = c->s[c->pos + (size_t)i];
        if (!is_digit(ch))
            return false;
        x = x * 10 + (unsigned)(ch - '0');
    }
    c->pos += (size_t)n;
    *v = x;
    return true;
}

static bool read_char(cursor *c, char ch)
{
    if (c->pos >= c->len || c->s[c->pos] != ch)
        return false;
    c->pos++;
    return true;
}

/* Reads one of `n` three-letter names (case-sensitive, as RFC 7231 says). */
static bool read_name(cursor *c, const char (*names)[4], int n, unsigned *index)
{
    if (c->len - c->pos < 3)
        return false;
    for (int i = 0; i < n; i++) {
        if (memcmp(c->s + c->pos, names[i], 3) == 0) {
            c->pos += 3;
            *index = (unsigned)i;
            return true;
        }
    }
    return false;
}

/* Reads an optional ".digits" (at least one digit); keeps 9 digits, truncates the rest. */
static bool read_fraction(cursor *c, uint32_t *nanos)
{
    *nanos = 0;
    if (!read_char(c, '.'))
        return true;
    size_t start = c->pos;
    uint32_t scale = NANOS_PER_SEC;
    while (c->pos < c->len && is_digit(c->s[c->pos])) {
        if (scale > 1) {
            scale /= 10;
            *nanos += (uint32_t)(c->s[c->pos] - '0') * scale;
        }
        c->pos++;
    }
    return c->pos > start;
}

/* Checks the fields and turns them into a timestamp (offset_secs east of UTC). */
static int make_time(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                     unsigned second, uint32_t nanos, int offset_secs, awsc_timestamp *t)
{
    /* Leap seconds (":60") are rejected: a Unix timestamp cannot name them. */
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 59)
        return -1;
    int64_t days = awsc_time_days_from_civil(year, month, day);
    t->seconds = days * SECS_PER_DAY + hour * 3600 + minute * 60 + second - offset_secs;
    t->nanos = nanos;
    return 0;
}

int awsc_time_parse_date_time(const char *s, size_t len, awsc_timestamp *t)
{
    cursor c = {s, s ? len : 0, 0};
    unsigned y, mo, d, h, mi, se;
    uint32_t nanos;
    if (!read_digits(&c, 4, &y) || !read_char(&c, '-') || !read_digits(&c, 2, &mo) ||
        !read_char(&c, '-') || !read_digits(&c, 2, &d))
        return -1;
    if (!read_char(&c, 'T') && !read_char(&c, 't'))
        return -1;
    if (!read_digits(&c, 2, &h) || !read_char(&c, ':') || !read_digits(&c, 2, &mi) ||
        !read_char(&c, ':') || !read_digits(&c, 2, &se) || !read_fraction(&c, &nanos))
        return -1;
    int offset = 0;
    if (!read_char(&c, 'Z') && !read_char(&c, 'z')) {
        int sign;
        if (read_char(&c, '+'))
            sign = 1;
        else if (read_char(&c, '-'))
            sign = -1;
        else
            return -1;
        unsigned oh, om;
        if (!read_digits(&c, 2, &oh) || !read_char(&c, ':') || !read_digits(&c, 2, &om) ||
            oh > 23 || om > 59)
            return -1;
        offset = sign * (int)(oh * 3600 + om * 60);
    }
    if (c.pos != c.len)
        return -1;
    return make_time(y, mo, d, h, mi, se, nanos, offset, t);
}

int awsc_time_parse_http_date(const char *s, size_t len, awsc_timestamp *t)
{
    cursor c = {s, s ? len : 0, 0};
    unsigned wd, d, mo, y, h, mi, se;
    uint32_t nanos;
    /* The weekday must be a real name; whether it matches the date is not checked. */
    if (!read_name(&c, weekdays, 7, &wd) || !read_char(&c, ',') || !read_char(&c, ' ') ||
        !read_digits(&c, 2, &d) || !read_char(&c, ' ') || !read_name(&c, months, 12, &mo) ||
        !read_char(&c, ' ') || !read_digits(&c, 4, &y) || !read_char(&c, ' ') ||
        !read_digits(&c, 2, &h) || !read_char(&c, ':') || !read_digits(&c, 2, &mi) ||
        !read_char(&c, ':') || !read_digits(&c, 2, &se) || !read_fraction(&c, &nanos) ||
        !read_char(&c, ' ') || !read_char(&c, 'G') || !read_char(&c, 'M') || !read_char(&c, 'T') ||
        c.pos != c.len)
        return -1;
    return make_time(y, mo + 1, d, h, mi, se, nanos, 0, t);
}

int awsc_time_parse_epoch(const char *s, size_t len, awsc_timestamp *t)
{
    cursor c = {s, s ? len : 0, 0};
    bool neg = read_char(&c, '-');
    size_t start = c.pos;
    uint64_t whole = 0;
    while (c.pos < c.len && is_digit(c.s[c.pos])) {
        unsigned digit = (unsigned)(c.s[c.pos] - '0');
        if (whole > (UINT64_MAX - digit) / 10)
            return -1;
        whole = whole * 10 + digit;
        c.pos++;
    }
    uint32_t nanos;
    if (c.pos == start || !read_fraction(&c, &nanos) || c.pos != c.len)
        return -1;
    /* Store floored: -1.5 becomes {-2, 500000000}. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 - (nanos ? 1 : 0) : (uint64_t)INT64_MAX;
    if (whole > limit)
        return -1;
    if (!neg) {
        t->seconds = (int64_t)whole;
        t->nanos = nanos;
    } else if (nanos) {
        t->seconds = -(int64_t)whole - 1;
        t->nanos = NANOS_PER_SEC - nanos;
    } else {
        t->seconds = whole ? -(int64_t)(whole - 1) - 1 : 0; /* reaches INT64_MIN without overflow */
        t->nanos = 0;
    }
    return 0;
}
