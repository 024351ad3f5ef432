#include <criterion/criterion.h>

#include "util/buf.h"
#include "util/uri.h"

#include <stdio.h>
#include <string.h>

static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

static char *encode(const char *s, size_t len, bool keep_slash)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_uri_encode(&b, s, len, keep_slash), 0);
    return awsc_buf_take(&b);
}

Test(uri, unreserved_set_is_untouched)
{
    for (int keep = 0; keep < 2; keep++) {
        char *e = encode(unreserved, strlen(unreserved), keep);
        cr_assert_str_eq(e, unreserved);
        free(e);
    }
}

Test(uri, every_other_byte_is_encoded_upper_case)
{
    for (int c = 0; c < 256; c++) {
        char in = (char)c;
        if (c && strchr(unreserved, c))
            continue;
        char want[4];
        snprintf(want, sizeof want, "%%%02X", (unsigned)c);
        char *e = encode(&in, 1, false);
        cr_assert_str_eq(e, want, "byte %d", c);
        free(e);
    }
}

Test(uri, keep_slash_leaves_only_slash)
{
    char *with = encode("/a b/c?d", 8, true);
    char *without = encode("/a b/c?d", 8, false);
    cr_assert_str_eq(with, "/a%20b/c%3Fd");
    cr_assert_str_eq(without, "%2Fa%20b%2Fc%3Fd");
    free(with);
    free(without);
}

Test(uri, utf8_multi_byte)
{
    char *e = encode("\xE1\x88\xB4/\xC3\xA9\xF0\x9F\x98\x80", 10, true);
    cr_assert_str_eq(e, "%E1%88%B4/%C3%A9%F0%9F%98%80");
    free(e);
}

Test(uri, encode_appends_and_handles_empty_input)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_uri_encode(&b, "x", 0, false), 0);
    cr_assert_str_eq(b.data, "");
    cr_assert_eq(awsc_buf_puts(&b, "pre:"), 0);
    cr_assert_eq(awsc_uri_encode(&b, "a b", 3, false), 0);
    cr_assert_str_eq(b.data, "pre:a%20b");
    cr_assert_eq(b.len, 9);
    cr_assert_eq(awsc_uri_encode(&b, NULL, 1, false), -1);
    cr_assert_eq(awsc_uri_encode(NULL, "a", 1, false), -1);
    cr_assert_str_eq(b.data, "pre:a%20b");
    awsc_buf_free(&b);
}

Test(uri, decode_escapes_and_plus)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_uri_decode(&b, "a%20b+c%e1%88%b4%2F", 19, false), 0);
    cr_assert_str_eq(b.data, "a b+c\xE1\x88\xB4/");
    awsc_buf_free(&b);
    cr_assert_eq(awsc_uri_decode(&b, "a+b%2B", 6, true), 0);
    cr_assert_str_eq(b.data, "a b+");
    awsc_buf_free(&b);
    cr_assert_eq(awsc_uri_decode(&b, "x%00y", 5, false), 0);
    cr_assert_eq(b.len, 3);
    cr_assert_eq(memcmp(b.data, "x\0y", 3), 0);
    awsc_buf_free(&b);
}

Test(uri, decode_bad_escapes_append_nothing)
{
    static const char *bad[] = {"%", "%4", "%G1", "%1G", "a%zz", "%%", "ok%2", "%20%", "%-1"};
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_puts(&b, "keep"), 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(awsc_uri_decode(&b, bad[i], strlen(bad[i]), true), -2, "%s", bad[i]);
        cr_assert_eq(b.len, 4, "%s", bad[i]);
        cr_assert_str_eq(b.data, "keep", "%s", bad[i]);
    }
    /* The length bounds the input: an escape cut off by it is bad even if the string goes on. */
    cr_assert_eq(awsc_uri_decode(&b, "%41", 2, false), -2);
    cr_assert_eq(awsc_uri_decode(NULL, "a", 1, false), -1);
    awsc_buf_free(&b);
}

Test(uri, round_trip_over_all_bytes)
{
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    for (int keep = 0; keep < 2; keep++) {
        awsc_buf e = AWSC_BUF_INIT, d = AWSC_BUF_INIT;
        cr_assert_eq(awsc_uri_encode(&e, all, sizeof all, keep), 0);
        cr_assert_eq(e.len, 66 + (size_t)keep + 3 * (256 - 66 - (size_t)keep));
        cr_assert_eq(awsc_uri_decode(&d, e.data, e.len, false), 0);
        cr_assert_eq(d.len, sizeof all);
        cr_assert_eq(memcmp(d.data, all, sizeof all), 0);
        awsc_buf_free(&e);
        awsc_buf_free(&d);
    }
}
