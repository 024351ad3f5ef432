/*
 * Percent-encoding and its inverse (runtime/util/uri.h).
 * Input: byte 0 holds flags (keep_slash, plus_is_space); the rest is the text.
 * Oracles: decode(encode(x)) == x; encoded text holds only unreserved bytes,
 * '/' (when kept) and %XX; and whatever decodes re-encodes and decodes back.
 */
#include "util/buf.h"
#include "util/uri.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
    fprintf(stderr, "uri: %s\n", what);
    abort();
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

static void round_trip(const char *s, size_t len, bool keep_slash)
{
    awsc_buf enc = AWSC_BUF_INIT, dec = AWSC_BUF_INIT;
    if (awsc_uri_encode(&enc, s, len, keep_slash) != 0)
        fail("encode failed");
    for (size_t i = 0; i < enc.len; i++) {
        unsigned char c = (unsigned char)enc.data[i];
        if (c == '%') {
            if (i + 2 >= enc.len)
                fail("truncated escape");
            if (!strchr("0123456789ABCDEF", enc.data[i + 1]) || !strchr("0123456789ABCDEF", enc.data[i + 2]))
                fail("escape is not upper-case hex");
            i += 2;
        } else if (!is_unreserved(c) && !(keep_slash && c == '/')) {
            fail("reserved byte left unencoded");
        }
    }
    if (awsc_uri_decode(&dec, enc.data ? enc.data : "", enc.len, false) != 0)
        fail("encoded text does not decode");
    if (dec.len != len || (len && memcmp(dec.data, s, len) != 0))
        fail("decode(encode(x)) != x");
    awsc_buf_free(&enc);
    awsc_buf_free(&dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool keep_slash = data[0] & 1, plus = data[0] & 2;
    /* An exact-size copy without a NUL: the functions take lengths. */
    size_t len = size - 1;
    char *s = malloc(len ? len : 1);
    if (!s)
        return 0;
    memcpy(s, data + 1, len);

    round_trip(s, len, keep_slash);

    awsc_buf dec = AWSC_BUF_INIT;
    awsc_buf_puts(&dec, "prefix"); /* decode appends; a failure must leave this alone */
    int rc = awsc_uri_decode(&dec, s, len, plus);
    if (rc == -2 && (dec.len != 6 || memcmp(dec.data, "prefix", 6) != 0))
        fail("failed decode appended something");
    if (rc == 0)
        round_trip(dec.data + 6, dec.len - 6, keep_slash);
    else if (rc != -2)
        fail("decode returned neither 0 nor -2");
    awsc_buf_free(&dec);
    free(s);
    return 0;
}
