#include "util/timefmt.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define MIN_4DIGIT (-62167219200LL)
#define MAX_4DIGIT 253402300799LL

/*
 * Parses a copy of s that has no NUL after it, so that AddressSanitizer (or
 * valgrind) catches any read beyond len.
 */
typedef int (*parse_fn)(const char *, size_t, awsc_timestamp *);

static int parse_exact(parse_fn fn, const char *s, size_t len, awsc_timestamp *t)
{
    char *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, s, len);
    int rc = fn(copy, len, t);
    free(copy);
    return rc;
}

static awsc_timestamp parse_ok(parse_fn fn, const char *s)
{
    awsc_timestamp t = {0, 0};
    cr_assert_eq(parse_exact(fn, s, strlen(s), &t), 0, "should parse: \"%s\"", s);
    cr_assert_lt(t.nanos, 1000000000u, "%s", s);
    return t;
}

static void parse_bad(parse_fn fn, const char *s)
{
    awsc_timestamp t = {42, 7};
    cr_assert_eq(parse_exact(fn, s, strlen(s), &t), -1, "should reject: \"%s\"", s);
}

typedef int (*format_fn)(awsc_buf *, awsc_timestamp);

/* Formats into a fresh buffer; the caller frees the result. */
static char *format(format_fn fn, int64_t seconds, uint32_t nanos)
{
    awsc_buf b = AWSC_BUF_INIT;
    awsc_timestamp t = {seconds, nanos};
    cr_assert_eq(fn(&b, t), 0, "format %lld.%09u", (long long)seconds, nanos);
    return awsc_buf_take(&b);
}

static void expect_format(format_fn fn, int64_t seconds, uint32_t nanos, const char *want)
{
    char *got = format(fn, seconds, nanos);
    cr_assert_str_eq(got, want);
    free(got);
}

/* ---- calendar ------------------------------------------------------------ */

Test(timefmt, days_from_civil_known_values)
{
    cr_assert_eq(awsc_time_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(awsc_time_days_from_civil(1969, 12, 31), -1);
    cr_assert_eq(awsc_time_days_from_civil(2000, 3, 1), 11017);
    cr_assert_eq(awsc_time_days_from_civil(0, 1, 1) * 86400, MIN_4DIGIT);
    cr_assert_eq(awsc_time_days_from_civil(1, 1, 1) * 86400, -62135596800LL);
}

Test(timefmt, civil_days_round_trip)
{
    /* Walk day by day from 0000-01-01 to past 9999: each day is the next date. */
    int64_t y = 0;
    unsigned m = 1, d = 1;
    int64_t first = awsc_time_days_from_civil(0, 1, 1);
    for (int64_t days = first; days < first + 3700000; days++) {
        int64_t gy;
        unsigned gm, gd;
        awsc_time_civil_from_days(days, &gy, &gm, &gd);
        cr_assert(gy == y && gm == m && gd == d, "day %lld: got %lld-%u-%u want %lld-%u-%u",
                  (long long)days, (long long)gy, gm, gd, (long long)y, m, d);
        cr_assert_eq(awsc_time_days_from_civil(y, m, d), days);
        /* Advance the expected date by hand. */
        unsigned len = (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
        if (m == 2)
            len = ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
        if (++d > len) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

/* ---- date-time ----------------------------------------------------------- */

Test(timefmt, date_time_parse_basic)
{
    awsc_timestamp t = parse_ok(awsc_time_parse_date_time, "2019-12-16T23:48:18Z");
    cr_assert_eq(t.seconds, 1576540098);
    cr_assert_eq(t.nanos, 0);
    t = parse_ok(awsc_time_parse_date_time, "2019-12-16t23:48:18z");
    cr_assert_eq(t.seconds, 1576540098);
    t = parse_ok(awsc_time_parse_date_time, "1970-01-01T00:00:00Z");
    cr_assert_eq(t.seconds, 0);
    t = parse_ok(awsc_time_parse_date_time, "1969-12-31T23:59:59Z");
    cr_assert_eq(t.seconds, -1);
    t = parse_ok(awsc_time_parse_date_time, "0001-01-01T00:00:00Z");
    cr_assert_eq(t.seconds, -62135596800LL);
    t = parse_ok(awsc_time_parse_date_time, "9999-12-31T23:59:59Z");
    cr_assert_eq(t.seconds, MAX_4DIGIT);
    t = parse_ok(awsc_time_parse_date_time, "0000-01-01T00:00:00Z");
    cr_assert_eq(t.seconds, MIN_4DIGIT);
}

Test(timefmt, date_time_fractions)
{
    static const struct {
        const char *text;
        uint32_t nanos;
    } v[] = {
        {"2019-12-16T23:48:18.1Z", 100000000},
        {"2019-12-16T23:48:18.12Z", 120000000},
        {"2019-12-16T23:48:18.123Z", 123000000},
        {"2019-12-16T23:48:18.000001Z", 1000},
        {"2019-12-16T23:48:18.123456789Z", 123456789},
        {"2019-12-16T23:48:18.1234567891Z", 123456789}, /* 10th digit truncated */
        {"2019-12-16T23:48:18.999999999999999999999Z", 999999999},
        {"2019-12-16T23:48:18.000000000000000000001Z", 0},
        {"2019-12-16T23:48:18.0Z", 0},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        awsc_timestamp t = parse_ok(awsc_time_parse_date_time, v[i].text);
        cr_assert_eq(t.seconds, 1576540098, "%s", v[i].text);
        cr_assert_eq(t.nanos, v[i].nanos, "%s: %u", v[i].text, t.nanos);
    }
}

Test(timefmt, date_time_offsets)
{
    awsc_timestamp t = parse_ok(awsc_time_parse_date_time, "2019-12-16T23:48:18+04:00");
    cr_assert_eq(t.seconds, 1576540098 - 4 * 3600);
    t = parse_ok(awsc_time_parse_date_time, "2019-12-16T23:48:18-08:00");
    cr_assert_eq(t.seconds, 1576540098 + 8 * 3600);
    t = parse_ok(awsc_time_parse_date_time, "2019-12-16T23:48:18.5+05:30");
    cr_assert_eq(t.seconds, 1576540098 - 5 * 3600 - 30 * 60);
    cr_assert_eq(t.nanos, 500000000);
    t = parse_ok(awsc_time_parse_date_time, "2019-12-16T23:48:18-00:00");
    cr_assert_eq(t.seconds, 1576540098);
    /* An offset can move the instant across a year boundary. */
    t = parse_ok(awsc_time_parse_date_time, "2019-12-31T20:00:00-08:00");
    char *s = format(awsc_time_format_date_time, t.seconds, t.nanos);
    cr_assert_str_eq(s, "2020-01-01T04:00:00Z");
    free(s);
}

Test(timefmt, date_time_leap_years)
{
    awsc_timestamp t = parse_ok(awsc_time_parse_date_time, "2000-02-29T12:00:00Z");
    cr_assert_eq(t.seconds, 951825600);
    t = parse_ok(awsc_time_parse_date_time, "2024-02-29T00:00:00Z");
    cr_assert_eq(t.seconds, 1709164800);
    t = parse_ok(awsc_time_parse_date_time, "1900-02-28T00:00:00Z");
    cr_assert_eq(t.seconds, -2203977600LL);
    parse_ok(awsc_time_parse_date_time, "0400-02-29T00:00:00Z");
    parse_bad(awsc_time_parse_date_time, "1900-02-29T00:00:00Z");
    parse_bad(awsc_time_parse_date_time, "2100-02-29T00:00:00Z");
    parse_bad(awsc_time_parse_date_time, "2023-02-29T00:00:00Z");
    parse_bad(awsc_time_parse_date_time, "2024-02-30T00:00:00Z");
}

Test(timefmt, date_time_rejects)
{
    static const char *bad[] = {
        "",
        "2019-13-16T23:48:18Z",   /* month 13 */
        "2019-00-16T23:48:18Z",   /* month 0 */
        "2019-12-32T23:48:18Z",   /* day 32 */
        "2019-12-00T23:48:18Z",   /* day 0 */
        "2019-04-31T23:48:18Z",   /* April has 30 days */
        "2019-02-30T23:48:18Z",
        "2019-12-16T24:00:00Z",   /* hour 24 */
        "2019-12-16T23:60:18Z",
        "2019-12-16T23:48:60Z",   /* leap second */
        "2019-12-16T23:48:18",    /* missing Z */
        "2019-12-16T23:48:18ZZ",  /* trailing garbage */
        "2019-12-16T23:48:18Z ",
        " 2019-12-16T23:48:18Z",
        "2019-12-16 23:48:18Z",   /* space instead of T */
        "2019-12-16T23:48:18.Z",  /* empty fraction */
        "2019-12-16T23:48:18,5Z", /* comma fraction */
        "20190-12-16T23:48:18Z",  /* overlong year */
        "2019-012-16T23:48:18Z",  /* overlong month */
        "2019-12-016T23:48:18Z",
        "2019-12-16T023:48:18Z",
        "2019-12-16T23:48:018Z",
        "2019-12-6T23:48:18Z",    /* short day */
        "19-12-16T23:48:18Z",
        "2019-1a-16T23:48:18Z",   /* non-digits */
        "2019-12-16T2x:48:18Z",
        "+2019-12-16T23:48:18Z",
        "2019/12/16T23:48:18Z",
        "2019-12-16T23:48:18+04",  /* truncated offsets */
        "2019-12-16T23:48:18+0400",
        "2019-12-16T23:48:18+04:0",
        "2019-12-16T23:48:18+24:00", /* offset hour out of range */
        "2019-12-16T23:48:18+04:60",
        "2019-12-16T23:48:18+04:00Z",
        "2019-12-16T23:48:18GMT",
        "2019-12-16",
        "Mon, 16 Dec 2019 23:48:18 GMT",
        "1576540098",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_bad(awsc_time_parse_date_time, bad[i]);
    awsc_timestamp t;
    cr_assert_eq(awsc_time_parse_date_time(NULL, 0, &t), -1);
    /* An embedded NUL is not an end of input. */
    cr_assert_eq(awsc_time_parse_date_time("2019-12-16T23:48:18Z\0", 21, &t), -1);
}

Test(timefmt, date_time_format)
{
    expect_format(awsc_time_format_date_time, 1576540098, 0, "2019-12-16T23:48:18Z");
    expect_format(awsc_time_format_date_time, 1576540098, 123000000, "2019-12-16T23:48:18.123Z");
    expect_format(awsc_time_format_date_time, 1576540098, 100000000, "2019-12-16T23:48:18.1Z");
    expect_format(awsc_time_format_date_time, 1576540098, 1, "2019-12-16T23:48:18.000000001Z");
    expect_format(awsc_time_format_date_time, 1576540098, 123456789,
                  "2019-12-16T23:48:18.123456789Z");
    expect_format(awsc_time_format_date_time, 0, 0, "1970-01-01T00:00:00Z");
    expect_format(awsc_time_format_date_time, -1, 500000000, "1969-12-31T23:59:59.5Z");
    expect_format(awsc_time_format_date_time, -62135596800LL, 0, "0001-01-01T00:00:00Z");
    expect_format(awsc_time_format_date_time, MIN_4DIGIT, 0, "0000-01-01T00:00:00Z");
    expect_format(awsc_time_format_date_time, MAX_4DIGIT, 999999999,
                  "9999-12-31T23:59:59.999999999Z");
}

Test(timefmt, format_rejects_unrepresentable)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_puts(&b, "keep"), 0);
    const awsc_timestamp bad[] = {
        {0, 1000000000u}, {MAX_4DIGIT + 1, 0}, {MIN_4DIGIT - 1, 0}, {INT64_MAX, 0}, {INT64_MIN, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(awsc_time_format_date_time(&b, bad[i]), -2, "case %zu", i);
        cr_assert_eq(awsc_time_format_http_date(&b, bad[i]), -2, "case %zu", i);
    }
    awsc_timestamp t = {0, 1000000000u};
    cr_assert_eq(awsc_time_format_epoch(&b, t), -2);
    cr_assert_str_eq(b.data, "keep");
    awsc_buf_free(&b);
}

/* Every prefix of a valid text is safely rejected (read with no NUL after it). */
static void check_prefixes(parse_fn fn, const char *valid, int prefixes_valid)
{
    size_t len = strlen(valid);
    for (size_t n = 0; n < len; n++) {
        awsc_timestamp t = {0, 0};
        int rc = parse_exact(fn, valid, n, &t);
        if (!prefixes_valid)
            cr_assert_eq(rc, -1, "prefix %zu of %s", n, valid);
        else
            cr_assert(rc == 0 || rc == -1);
    }
}

Test(timefmt, truncated_prefixes)
{
    check_prefixes(awsc_time_parse_date_time, "2019-12-16T23:48:18.123456789Z", 0);
    check_prefixes(awsc_time_parse_date_time, "2019-12-16T23:48:18.5-08:00", 0);
    check_prefixes(awsc_time_parse_http_date, "Tue, 29 Apr 2014 18:30:38.25 GMT", 0);
    check_prefixes(awsc_time_parse_epoch, "-1515531081.123", 1);
}

/* Random bytes and mutations of valid text never crash; whatever parses re-formats consistently. */
static void fuzz_one(parse_fn parse, format_fn fmt, const char *seed_text, unsigned *seed)
{
    char s[64];
    size_t len = strlen(seed_text);
    memcpy(s, seed_text, len);
    int edits = 1 + rand_r(seed) % 3;
    for (int e = 0; e < edits; e++) {
        size_t pos = (size_t)rand_r(seed) % len;
        switch (rand_r(seed) % 3) {
        case 0: s[pos] = (char)rand_r(seed); break;
        case 1: s[pos] = (char)('0' + rand_r(seed) % 10); break;
        default: len = pos + 1; break; /* truncate */
        }
    }
    awsc_timestamp t;
    if (parse_exact(parse, s, len, &t) != 0)
        return;
    cr_assert_lt(t.nanos, 1000000000u);
    awsc_buf b = AWSC_BUF_INIT;
    int rc = fmt(&b, t);
    cr_assert(rc == 0 || rc == -2);
    if (rc == 0) {
        awsc_timestamp back;
        cr_assert_eq(parse(b.data, b.len, &back), 0, "%s", b.data);
        cr_assert(back.seconds == t.seconds && back.nanos == t.nanos, "%.*s -> %s", (int)len, s,
                  b.data);
    }
    awsc_buf_free(&b);
}

Test(timefmt, fuzz_no_crash)
{
    unsigned seed = 99;
    for (int i = 0; i < 20000; i++) {
        fuzz_one(awsc_time_parse_date_time, awsc_time_format_date_time,
                 "2019-12-16T23:48:18.123+04:30", &seed);
        fuzz_one(awsc_time_parse_http_date, awsc_time_format_http_date,
                 "Tue, 29 Apr 2014 18:30:38.5 GMT", &seed);
        fuzz_one(awsc_time_parse_epoch, awsc_time_format_epoch, "-1515531081.123", &seed);
    }
    /* Pure random bytes. */
    for (int i = 0; i < 20000; i++) {
        char s[40];
        size_t len = (size_t)rand_r(&seed) % sizeof s;
        for (size_t j = 0; j < len; j++)
            s[j] = (char)rand_r(&seed);
        awsc_timestamp t;
        cr_assert(parse_exact(awsc_time_parse_date_time, s, len, &t) <= 0);
        cr_assert(parse_exact(awsc_time_parse_http_date, s, len, &t) <= 0);
        cr_assert(parse_exact(awsc_time_parse_epoch, s, len, &t) <= 0);
    }
}

/* ---- http-date ----------------------------------------------------------- */

Test(timefmt, http_date_parse)
{
    awsc_timestamp t = parse_ok(awsc_time_parse_http_date, "Tue, 29 Apr 2014 18:30:38 GMT");
    cr_assert_eq(t.seconds, 1398796238);
    cr_assert_eq(t.nanos, 0);
    t = parse_ok(awsc_time_parse_http_date, "Mon, 16 Dec 2019 23:48:18.123 GMT");
    cr_assert_eq(t.seconds, 1576540098);
    cr_assert_eq(t.nanos, 123000000);
    t = parse_ok(awsc_time_parse_http_date, "Thu, 01 Jan 1970 00:00:00 GMT");
    cr_assert_eq(t.seconds, 0);
    t = parse_ok(awsc_time_parse_http_date, "Thu, 29 Feb 2024 00:00:00 GMT");
    cr_assert_eq(t.seconds, 1709164800);
    /* Any of the seven names is accepted; it is not checked against the date. */
    static const char *names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    for (int i = 0; i < 7; i++) {
        char s[64];
        snprintf(s, sizeof s, "%s, 29 Apr 2014 18:30:38 GMT", names[i]);
        t = parse_ok(awsc_time_parse_http_date, s);
        cr_assert_eq(t.seconds, 1398796238);
    }
    /* Every month name. */
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int m = 0; m < 12; m++) {
        char s[64];
        snprintf(s, sizeof s, "Mon, 01 %s 2019 00:00:00 GMT", months[m]);
        t = parse_ok(awsc_time_parse_http_date, s);
        cr_assert_eq(t.seconds, awsc_time_days_from_civil(2019, (unsigned)m + 1, 1) * 86400);
    }
}

Test(timefmt, http_date_rejects)
{
    static const char *bad[] = {
        "",
        "Tux, 29 Apr 2014 18:30:38 GMT",   /* not a weekday */
        "tue, 29 Apr 2014 18:30:38 GMT",   /* names are case-sensitive */
        "Tuesday, 29 Apr 2014 18:30:38 GMT",
        "Tue, 29 apr 2014 18:30:38 GMT",
        "Tue, 29 Apx 2014 18:30:38 GMT",
        "Tue, 9 Apr 2014 18:30:38 GMT",    /* two-digit day required */
        "Tue, 31 Apr 2014 18:30:38 GMT",   /* April 31 */
        "Tue, 29 Feb 2014 18:30:38 GMT",
        "Tue, 29 Apr 14 18:30:38 GMT",
        "Tue, 29 Apr 2014 24:30:38 GMT",
        "Tue, 29 Apr 2014 18:30:38 UTC",
        "Tue, 29 Apr 2014 18:30:38 gmt",
        "Tue, 29 Apr 2014 18:30:38",
        "Tue, 29 Apr 2014 18:30:38 GMT ",
        "Tue, 29 Apr 2014 18:30:38 GMTX",
        "Tue, 29 Apr 2014 18:30:38. GMT",
        "Tue 29 Apr 2014 18:30:38 GMT",
        "Tue,  29 Apr 2014 18:30:38 GMT",
        "Tuesday, 29-Apr-14 18:30:38 GMT", /* RFC 850 form */
        "Tue Apr 29 18:30:38 2014",        /* asctime form */
        "2014-04-29T18:30:38Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_bad(awsc_time_parse_http_date, bad[i]);
    awsc_timestamp t;
    cr_assert_eq(awsc_time_parse_http_date(NULL, 0, &t), -1);
}

Test(timefmt, http_date_format)
{
    expect_format(awsc_time_format_http_date, 1576540098, 0, "Mon, 16 Dec 2019 23:48:18 GMT");
    expect_format(awsc_time_format_http_date, 1576540098, 123000000,
                  "Mon, 16 Dec 2019 23:48:18.123 GMT");
    expect_format(awsc_time_format_http_date, 1398796238, 0, "Tue, 29 Apr 2014 18:30:38 GMT");
    expect_format(awsc_time_format_http_date, -1, 0, "Wed, 31 Dec 1969 23:59:59 GMT");
    expect_format(awsc_time_format_http_date, -62135596800LL, 0, "Mon, 01 Jan 0001 00:00:00 GMT");
    expect_format(awsc_time_format_http_date, MAX_4DIGIT, 0, "Fri, 31 Dec 9999 23:59:59 GMT");
}

/* ---- epoch-seconds ------------------------------------------------------- */

Test(timefmt, epoch_parse)
{
    static const struct {
        const char *text;
        int64_t seconds;
        uint32_t nanos;
    } v[] = {
        {"0", 0, 0},
        {"-0", 0, 0},
        {"1515531081", 1515531081, 0},
        {"1515531081.123", 1515531081, 123000000},
        {"1515531081.000000001", 1515531081, 1},
        {"1515531081.1234567899", 1515531081, 123456789},
        {"-1.5", -2, 500000000},
        {"-0.5", -1, 500000000},
        {"-1", -1, 0},
        {"-1.000000001", -2, 999999999},
        {"-1.0", -1, 0},
        {"007", 7, 0},
        {"9223372036854775807", INT64_MAX, 0},
        {"9223372036854775807.999999999", INT64_MAX, 999999999},
        {"-9223372036854775808", INT64_MIN, 0},
        {"-9223372036854775807.5", INT64_MIN, 500000000},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        awsc_timestamp t = parse_ok(awsc_time_parse_epoch, v[i].text);
        cr_assert(t.seconds == v[i].seconds && t.nanos == v[i].nanos, "%s -> %lld %u",
                  v[i].text, (long long)t.seconds, t.nanos);
    }
}

Test(timefmt, epoch_rejects)
{
    static const char *bad[] = {
        "",     "-",    "abc",   "1e3",  "1E3",  ".5",  "5.",   "-.5",  "+1",  " 1",
        "1 ",   "1.2.3", "--1",  "0x10", "1,5",  "1.5x", "inf",  "NaN",  "-1.",
        "9223372036854775808",             /* INT64_MAX + 1 */
        "-9223372036854775809",            /* INT64_MIN - 1 */
        "-9223372036854775808.5",          /* floors below INT64_MIN */
        "18446744073709551616",            /* beyond uint64 */
        "99999999999999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_bad(awsc_time_parse_epoch, bad[i]);
    awsc_timestamp t;
    cr_assert_eq(awsc_time_parse_epoch(NULL, 0, &t), -1);
}

Test(timefmt, epoch_format)
{
    expect_format(awsc_time_format_epoch, 1576540098, 0, "1576540098");
    expect_format(awsc_time_format_epoch, 1576540098, 123000000, "1576540098.123");
    expect_format(awsc_time_format_epoch, 0, 0, "0");
    expect_format(awsc_time_format_epoch, 0, 1, "0.000000001");
    expect_format(awsc_time_format_epoch, -2, 500000000, "-1.5");
    expect_format(awsc_time_format_epoch, -1, 500000000, "-0.5");
    expect_format(awsc_time_format_epoch, -1, 0, "-1");
    expect_format(awsc_time_format_epoch, INT64_MAX, 0, "9223372036854775807");
    expect_format(awsc_time_format_epoch, INT64_MIN, 0, "-9223372036854775808");
    expect_format(awsc_time_format_epoch, INT64_MIN, 500000000, "-9223372036854775807.5");
}

/* ---- round trips against the C library ----------------------------------- */

/* What the formats should say for `seconds`, built from gmtime_r's fields. */
static void expected_texts(int64_t seconds, char *dt, char *hd, size_t size)
{
    time_t tt = (time_t)seconds;
    struct tm tm;
    cr_assert_not_null(gmtime_r(&tt, &tm));
    snprintf(dt, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    char wd[8], mon[8];
    strftime(wd, sizeof wd, "%a", &tm); /* the C locale: the test never calls setlocale */
    strftime(mon, sizeof mon, "%b", &tm);
    snprintf(hd, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd, tm.tm_mday, mon,
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Test(timefmt, round_trips_match_gmtime)
{
    cr_assert_geq(sizeof(time_t), 8, "needs a 64-bit time_t");
    /* A step of 86399*k + odd seconds visits every time of day and every calendar area. */
    const int64_t step = 86399LL * 37 + 13;
    unsigned seed = 7;
    for (int64_t s = MIN_4DIGIT; s <= MAX_4DIGIT; s += step) {
        char dt[64], hd[64];
        expected_texts(s, dt, hd, sizeof dt);
        uint32_t nanos = (s / step) % 4 == 0 ? 0 : (uint32_t)rand_r(&seed) % 1000000000u;

        char *got = format(awsc_time_format_date_time, s, 0);
        cr_assert_str_eq(got, dt);
        free(got);
        got = format(awsc_time_format_http_date, s, 0);
        cr_assert_str_eq(got, hd);
        free(got);

        awsc_timestamp t = parse_ok(awsc_time_parse_date_time, dt);
        cr_assert_eq(t.seconds, s, "%s", dt);
        t = parse_ok(awsc_time_parse_http_date, hd);
        cr_assert_eq(t.seconds, s, "%s", hd);

        format_fn fmts[] = {awsc_time_format_date_time, awsc_time_format_http_date,
                            awsc_time_format_epoch};
        parse_fn parses[] = {awsc_time_parse_date_time, awsc_time_parse_http_date,
                             awsc_time_parse_epoch};
        for (int f = 0; f < 3; f++) {
            got = format(fmts[f], s, nanos);
            t = parse_ok(parses[f], got);
            cr_assert(t.seconds == s && t.nanos == nanos, "%s -> %lld.%09u, want %lld.%09u", got,
                      (long long)t.seconds, t.nanos, (long long)s, nanos);
            free(got);
        }
    }
}

Test(timefmt, epoch_round_trips_whole_range)
{
    unsigned seed = 3;
    for (int i = 0; i < 100000; i++) {
        int64_t s = (int64_t)(((uint64_t)rand_r(&seed) << 42) ^ ((uint64_t)rand_r(&seed) << 21) ^
                              (uint64_t)rand_r(&seed) ^ ((uint64_t)rand_r(&seed) << 63));
        uint32_t nanos = i % 3 == 0 ? 0 : (uint32_t)rand_r(&seed) % 1000000000u;
        char *got = format(awsc_time_format_epoch, s, nanos);
        awsc_timestamp t = parse_ok(awsc_time_parse_epoch, got);
        cr_assert(t.seconds == s && t.nanos == nanos, "%s", got);
        if (nanos == 0) {
            char want[32];
            snprintf(want, sizeof want, "%lld", (long long)s);
            cr_assert_str_eq(got, want);
        }
        free(got);
    }
}

Test(timefmt, format_appends)
{
    awsc_buf b = AWSC_BUF_INIT;
    awsc_timestamp t = {1576540098, 0};
    cr_assert_eq(awsc_buf_puts(&b, "x="), 0);
    cr_assert_eq(awsc_time_format_epoch(&b, t), 0);
    cr_assert_eq(awsc_buf_putc(&b, ';'), 0);
    cr_assert_eq(awsc_time_format_date_time(&b, t), 0);
    cr_assert_str_eq(b.data, "x=1576540098;2019-12-16T23:48:18Z");
    awsc_buf_free(&b);
}
