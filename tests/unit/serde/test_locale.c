/*
 * Numbers on the wire always use '.', whatever LC_NUMERIC the application has
 * set: a program that calls setlocale(LC_ALL, "") on a German system must
 * still read 1.5 as 1.5 (plain strtod would stop at the '.' and give 1).
 *
 * The de_DE locale (decimal comma) is compiled at run time with localedef into
 * a temporary LOCPATH, so the test needs no installed locale; without
 * localedef or its sources (Debian's `locales` package) it skips, and fails
 * when CI=true.
 */
#include <criterion/criterion.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/json/json.h"
#include "serde/scalar.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Switches this test process (Criterion forks one per test) to a decimal-comma locale. */
static void comma_locale(void)
{
    char dir[] = "/tmp/awsc-locale-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
    int rc = system(cmd);
    if (rc == 0) {
        setenv("LOCPATH", dir, 1);
        rc = setlocale(LC_ALL, "de_DE.UTF-8") ? 0 : -1;
    }
    /* setlocale has mapped what it needs: the directory can go (each test process made its own). */
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
    if (rc != 0) {
        const char *ci = getenv("CI");
        cr_assert(!(ci && strcmp(ci, "true") == 0),
                  "could not build the de_DE locale with localedef (Debian package `locales`), required when CI=true");
        cr_skip_test("localedef could not build de_DE (install Debian's `locales`)");
    }
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 1.5);
    cr_assert_str_eq(probe, "1,5", "the test locale must use a decimal comma");
    cr_assert_eq(strtod("1.5", NULL), 1.0, "plain strtod stops at '.' here: the bug this guards against");
}

typedef struct numbers {
    double d;
    bool has_d;
    float f;
    bool has_f;
    awsc_timestamp ts;
    bool has_ts;
} numbers;

#define NUM_MEMBER(field, wire, t)                                                                                 \
    {.name = wire, .wire_name = wire, .offset = offsetof(numbers, field), .has_offset = offsetof(numbers, has_##field), \
     .raw_offset = AWSC_NO_OFFSET, .type = t}
static const awsc_member numbers_members[] = {
    NUM_MEMBER(d, "d", AWSC_T_DOUBLE),
    NUM_MEMBER(f, "f", AWSC_T_FLOAT),
    NUM_MEMBER(ts, "ts", AWSC_T_TIMESTAMP),
};
static const awsc_shape numbers_shape = {.name = "Numbers", .type = AWSC_T_STRUCT, .size = sizeof(numbers),
                                         .members = numbers_members, .member_count = 3};

Test(locale, json_numbers_read_with_a_decimal_comma_locale)
{
    comma_locale();
    static const char doc[] = "{\"d\": 1.5, \"f\": -0.25, \"ts\": 1.7000000005e9}";
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    numbers n = {0};
    cr_assert_eq(awsc_json_read(&numbers_shape, &n, doc, strlen(doc), a, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_eq(n.d, 1.5);
    cr_assert_eq(n.f, -0.25f);
    cr_assert_eq(n.ts.seconds, 1700000000);
    cr_assert_eq(n.ts.nanos, 500000000u);
    awsc_arena_destroy(a);
}

Test(locale, json_numbers_written_with_a_decimal_point)
{
    comma_locale();
    numbers n = {.d = 1.5, .has_d = true, .f = -0.25f, .has_f = true, .ts = {1700000000, 250000000}, .has_ts = true};
    awsc_buf out = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_json_write(&out, &numbers_shape, &n, AWSC_JSON_WIRE, true, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(out.data, "{\"d\":1.5,\"f\":-0.25,\"ts\":1700000000.25}");
    awsc_buf_free(&out);
}

Test(locale, header_and_xml_text_read_with_a_decimal_comma_locale)
{
    comma_locale();
    numbers n = {0};
    awsc_arena *a = awsc_arena_create();
    cr_assert_eq(awsc_scalar_parse(&numbers_members[0], &n, "2.25", 4, a, AWSC_TS_DEFAULT, false), 0);
    cr_assert_eq(n.d, 2.25);
    cr_assert_eq(awsc_scalar_parse(&numbers_members[1], &n, "1e-3", 4, a, AWSC_TS_DEFAULT, false), 0);
    cr_assert_eq(n.f, 1e-3f);
    /* The locale's own form is not the wire's: "2,25" is refused, not read as 2. */
    cr_assert_eq(awsc_scalar_parse(&numbers_members[0], &n, "2,25", 4, a, AWSC_TS_DEFAULT, false), -2);
    awsc_arena_destroy(a);
}

Test(locale, strtod_dot_reports_where_it_stopped)
{
    comma_locale();
    char *end;
    const char *text = "12.5e1xyz";
    cr_assert_eq(awsc_strtod_dot(text, &end), 125.0);
    cr_assert_eq(end, text + 6);
    text = ".5.";
    cr_assert_eq(awsc_strtod_dot(text, &end), 0.5);
    cr_assert_eq(end, text + 2);
}

Test(locale, strtod_dot_in_the_c_locale_is_strtod)
{
    char *end;
    const char *text = "-3.75rest";
    cr_assert_eq(awsc_strtod_dot(text, &end), -3.75);
    cr_assert_eq(end, text + 5);
}
