#include "util/base64.h"

#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int awsc_base64_encode(awsc_buf *out, const uint8_t *data, size_t len)
{
    if (len > SIZE_MAX / 4 * 3 - 3)
        return -1; /* the encoded length would not fit in size_t */
    size_t n = (len + 2) / 3 * 4;
    if (awsc_buf_reserve(out, n) != 0)
        return -1;
    char *p = out->data + out->len;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
        *p++ = alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}

/* The 6-bit value of a base64 character, or -1 for anything else (including '='). */
static int sextet(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int awsc_base64_decode(awsc_buf *out, const char *text, size_t len)
{
    /* Padding is only legal as the last one or two characters of a multiple of 4. */
    size_t body = len;
    if (len % 4 == 0 && body > 0 && text[body - 1] == '=') {
        body--;
        if (text[body - 1] == '=')
            body--;
    }
    /* One leftover character carries only 6 bits: never a whole byte. */
    if (body % 4 == 1)
        return -2;
    /* Validate everything first so that a rejection appends nothing. */
    for (size_t i = 0; i < body; i++)
        if (sextet((unsigned char)text[i]) < 0)
            return -2;

    size_t n = body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0);
    if (awsc_buf_reserve(out, n) != 0)
        return -1;
    unsigned char *p = (unsigned char *)out->data + out->len;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < body; i++) {
        acc = (acc << 6 | (uint32_t)sextet((unsigned char)text[i])) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *p++ = (unsigned char)(acc >> bits);
        }
    }
    /* Non-zero leftover bits (e.g. "Zh==") are tolerated, as RFC 4648 allows. */
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}
