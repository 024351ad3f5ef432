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

/* Each base64 character's 6-bit value plus one; 0 for anything else (including '='). */
static const uint8_t sextet_plus1[256] = {
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8, ['I'] = 9,
    ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
    ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
    ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33,
    ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41,
    ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
    ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
    ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

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
    size_t n = body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0);
    if (awsc_buf_reserve(out, n) != 0)
        return -1;
    /* One pass, four characters at a time; a rejection restores the buffer's end, appending nothing. */
    const unsigned char *t = (const unsigned char *)text;
    unsigned char *p = (unsigned char *)out->data + out->len;
    unsigned bad = 0;
    size_t i = 0;
    for (; i + 4 <= body; i += 4) {
        unsigned a = sextet_plus1[t[i]], b = sextet_plus1[t[i + 1]], c = sextet_plus1[t[i + 2]],
                 d = sextet_plus1[t[i + 3]];
        bad |= !a | !b | !c | !d;
        uint32_t v = (uint32_t)(a - 1) << 18 | (uint32_t)(b - 1) << 12 | (uint32_t)(c - 1) << 6 | (uint32_t)(d - 1);
        p[0] = (unsigned char)(v >> 16);
        p[1] = (unsigned char)(v >> 8);
        p[2] = (unsigned char)v;
        p += 3;
    }
    if (i < body) { /* 2 or 3 characters: 1 or 2 bytes */
        unsigned a = sextet_plus1[t[i]], b = sextet_plus1[t[i + 1]], c = body - i == 3 ? sextet_plus1[t[i + 2]] : 1;
        bad |= !a | !b | !c;
        uint32_t v = (uint32_t)(a - 1) << 18 | (uint32_t)(b - 1) << 12 | (uint32_t)(c - 1) << 6;
        *p++ = (unsigned char)(v >> 16);
        if (body - i == 3)
            *p++ = (unsigned char)(v >> 8);
    }
    if (bad) {
        out->data[out->len] = '\0';
        return -2;
    }
    /* Non-zero leftover bits (e.g. "Zh==") are tolerated, as RFC 4648 allows. */
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}
