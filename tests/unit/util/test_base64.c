#include "util/base64.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *plain, *encoded;
} rfc4648[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

Test(base64, rfc4648_encode)
{
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        awsc_buf b = AWSC_BUF_INIT;
        cr_assert_eq(awsc_base64_encode(&b, (const uint8_t *)rfc4648[i].plain,
                                         strlen(rfc4648[i].plain)),
                     0);
        cr_assert_eq(b.len, strlen(rfc4648[i].encoded));
        cr_assert_str_eq(b.data, rfc4648[i].encoded);
        awsc_buf_free(&b);
    }
}

Test(base64, rfc4648_decode)
{
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        awsc_buf b = AWSC_BUF_INIT;
        cr_assert_eq(awsc_base64_decode(&b, rfc4648[i].encoded, strlen(rfc4648[i].encoded)), 0);
        cr_assert_eq(b.len, strlen(rfc4648[i].plain), "%s", rfc4648[i].encoded);
        cr_assert_eq(memcmp(b.len ? b.data : "", rfc4648[i].plain, b.len), 0);
        awsc_buf_free(&b);
    }
}

Test(base64, appends_after_existing_content)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_puts(&b, "x:"), 0);
    cr_assert_eq(awsc_base64_encode(&b, (const uint8_t *)"foob", 4), 0);
    cr_assert_str_eq(b.data, "x:Zm9vYg==");
    cr_assert_eq(awsc_base64_decode(&b, "Zm8=", 4), 0);
    cr_assert_str_eq(b.data, "x:Zm9vYg==fo");
    cr_assert_eq(b.len, 12);
    awsc_buf_free(&b);
}

static void round_trip(const uint8_t *data, size_t len)
{
    awsc_buf enc = AWSC_BUF_INIT, dec = AWSC_BUF_INIT;
    cr_assert_eq(awsc_base64_encode(&enc, data, len), 0);
    cr_assert_eq(enc.len, (len + 2) / 3 * 4);
    cr_assert_eq(strlen(enc.data), enc.len, "encoding must contain no NUL");
    cr_assert_eq(awsc_base64_decode(&dec, enc.data, enc.len), 0);
    cr_assert_eq(dec.len, len);
    if (len)
        cr_assert_eq(memcmp(dec.data, data, len), 0);

    /* The same text with its padding stripped decodes identically. */
    size_t unpadded = enc.len;
    while (unpadded && enc.data[unpadded - 1] == '=')
        unpadded--;
    awsc_buf dec2 = AWSC_BUF_INIT;
    cr_assert_eq(awsc_base64_decode(&dec2, enc.data, unpadded), 0);
    cr_assert_eq(dec2.len, len);
    if (len)
        cr_assert_eq(memcmp(dec2.data, data, len), 0);
    awsc_buf_free(&enc);
    awsc_buf_free(&dec);
    awsc_buf_free(&dec2);
}

Test(base64, all_byte_values_round_trip)
{
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    round_trip(all, sizeof all);
    /* Every byte value in every position of a 3-byte group. */
    for (int i = 0; i < 256; i++) {
        for (size_t pos = 0; pos < 3; pos++) {
            uint8_t g[3] = {0xA5, 0x5A, 0xFF};
            g[pos] = (uint8_t)i;
            round_trip(g, 3);
            round_trip(g, pos + 1);
        }
    }
}

Test(base64, random_lengths_round_trip)
{
    unsigned seed = 12345;
    uint8_t *data = malloc(2048);
    cr_assert_not_null(data);
    for (int iter = 0; iter < 500; iter++) {
        size_t len = (size_t)(rand_r(&seed) % 2048);
        for (size_t i = 0; i < len; i++)
            data[i] = (uint8_t)rand_r(&seed);
        round_trip(data, len);
    }
    free(data);
}

Test(base64, known_binary_values)
{
    const uint8_t bytes[] = {0xFB, 0xFF, 0xBF, 0x00};
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_base64_encode(&b, bytes, sizeof bytes), 0);
    /* 0xFBFFBF uses the last two alphabet characters. */
    cr_assert_str_eq(b.data, "+/+/AA==");
    awsc_buf_free(&b);
}

Test(base64, unpadded_accepted)
{
    const char *in[] = {"Zg", "Zm8", "Zm9vYg", "Zm9vYmE"};
    const char *out[] = {"f", "fo", "foob", "fooba"};
    for (size_t i = 0; i < 4; i++) {
        awsc_buf b = AWSC_BUF_INIT;
        cr_assert_eq(awsc_base64_decode(&b, in[i], strlen(in[i])), 0, "%s", in[i]);
        cr_assert_str_eq(b.data, out[i]);
        awsc_buf_free(&b);
    }
}

Test(base64, rejects_bad_input_and_appends_nothing)
{
    const char *bad[] = {
        "Z",        /* one leftover character */
        "Zm9vY",    /* 4k+1 characters */
        "Zg=",      /* partial padding */
        "Zg===",    /* too much padding */
        "Z===",     /* three pad characters */
        "====",     /* only padding */
        "=",        "==",
        "Zg==Zg==", /* padding in the middle */
        "Z=g=",     /* padding inside a group */
        "Zm9v\n",   /* newline */
        "Zm 9v",    /* space */
        "Zm9v-_==", /* URL-safe alphabet */
        "Zm9*",     /* other punctuation */
        "Zm9\x80",  /* high byte */
        "Zm9vYg=x", /* garbage after padding */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        awsc_buf b = AWSC_BUF_INIT;
        cr_assert_eq(awsc_buf_puts(&b, "keep"), 0);
        cr_assert_eq(awsc_base64_decode(&b, bad[i], strlen(bad[i])), -2, "input %zu", i);
        cr_assert_eq(b.len, 4, "input %zu appended", i);
        cr_assert_str_eq(b.data, "keep");
        awsc_buf_free(&b);
    }
    /* An embedded NUL is a bad character too, not an end of input. */
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_base64_decode(&b, "Zm\0v", 4), -2);
    cr_assert_eq(b.len, 0);
    awsc_buf_free(&b);
}

Test(base64, decode_respects_len)
{
    /* Only text[0..len) is read: the rest of the string is ignored. */
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_base64_decode(&b, "Zm9v!!!!", 4), 0);
    cr_assert_str_eq(b.data, "foo");
    awsc_buf_free(&b);
}
