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

Test(base64, bad_character_anywhere_in_a_long_text)
{
    /* The eight-at-a-time loop, the four-at-a-time one and the tail all see a bad character. */
    char text[41];
    for (size_t at = 0; at < 40; at++) {
        memset(text, 'Q', 40);
        text[40] = '\0';
        text[at] = at % 2 && at < 38 ? '=' : '.'; /* (a final '=' or two would be padding) */
        uint8_t out[30];
        cr_assert_eq(awsc_base64_decode_to(out, text, 40), -2, "bad character at %zu", at);
        if (at < 39)
            cr_assert_eq(awsc_base64_decode_to(out, text, 39), -2, "bad character at %zu of 39", at);
    }
    uint8_t out[30];
    memset(text, 'Q', 40);
    cr_assert_eq(awsc_base64_decoded_size(text, 40), 30);
    cr_assert_eq(awsc_base64_decoded_size(text, 39), 29);
    cr_assert_eq(awsc_base64_decoded_size(text, 37), -2);
    cr_assert_eq(awsc_base64_decode_to(out, text, 40), 30);
    for (size_t i = 0; i < 30; i++)
        cr_assert_eq(out[i], i % 3 == 0 ? 0x41 : i % 3 == 1 ? 0x04 : 0x10, "byte %zu", i);
}

/* A bit-at-a-time decoder to hold the fast paths (eight characters at a time, 32 with AVX2) against. */
static long reference_decode(uint8_t *out, const char *text, size_t len)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    long n = 0;
    for (size_t i = 0; i < len; i++) {
        const char *at = text[i] ? strchr(alpha, text[i]) : NULL;
        if (!at)
            return -2;
        acc = acc << 6 | (uint32_t)(at - alpha);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    return n;
}

Test(base64, long_texts_match_a_reference_decoder)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned seed = 777;
    char text[300];
    uint8_t got[240], want[240];
    for (size_t len = 60; len <= 300; len += 4) {
        for (size_t i = 0; i < len; i++)
            text[i] = alpha[rand_r(&seed) % 64];
        cr_assert_eq(awsc_base64_decode_to(got, text, len), (long)(len / 4 * 3));
        cr_assert_eq(reference_decode(want, text, len), (long)(len / 4 * 3));
        cr_assert_eq(memcmp(got, want, len / 4 * 3), 0, "length %zu", len);
    }
    /* every byte outside the alphabet, at every position of a 128-character text, is refused */
    for (int c = 0; c < 256; c++) {
        if (c && strchr(alpha, c))
            continue;
        for (size_t at = 0; at < 128 - (c == '='); at++) { /* (a final '=' is padding) */
            memset(text, 'w', 128);
            text[at] = (char)c;
            cr_assert_eq(awsc_base64_decode_to(got, text, 128), -2, "byte %d at %zu", c, at);
        }
    }
}
