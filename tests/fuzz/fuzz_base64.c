/*
 * Base64 (runtime/util/base64.h).
 * Input: arbitrary bytes, used both as data to encode and as text to decode.
 * Oracles: decode(encode(x)) == x with the padded length 4*ceil(n/3); text
 * that decodes re-encodes to something that decodes to the same bytes; a
 * failed decode appends nothing.
 */
#include "util/base64.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
    fprintf(stderr, "base64: %s\n", what);
    abort();
}

static void round_trip(const uint8_t *d, size_t len)
{
    awsc_buf enc = AWSC_BUF_INIT, dec = AWSC_BUF_INIT;
    if (awsc_base64_encode(&enc, d, len) != 0)
        fail("encode failed");
    if (enc.len != (len + 2) / 3 * 4)
        fail("encoded length is not 4*ceil(n/3)");
    if (awsc_base64_decode(&dec, enc.data ? enc.data : "", enc.len) != 0)
        fail("encoded text does not decode");
    if (dec.len != len || (len && memcmp(dec.data, d, len) != 0))
        fail("decode(encode(x)) != x");
    awsc_buf_free(&enc);
    awsc_buf_free(&dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    round_trip((const uint8_t *)s, size);

    awsc_buf dec = AWSC_BUF_INIT;
    awsc_buf_puts(&dec, "keep");
    int rc = awsc_base64_decode(&dec, s, size);
    if (rc == 0) {
        round_trip((const uint8_t *)dec.data + 4, dec.len - 4);
        if ((dec.len - 4) > size * 3 / 4 + 2)
            fail("decoded more bytes than the text can hold");
    } else if (rc != -2) {
        fail("decode returned neither 0 nor -2");
    } else if (dec.len != 4 || memcmp(dec.data, "keep", 4) != 0) {
        fail("failed decode appended something");
    }
    awsc_buf_free(&dec);
    free(s);
    return 0;
}
