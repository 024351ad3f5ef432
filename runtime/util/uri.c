#include "util/uri.h"

#include <stdint.h>
#include <string.h>

/* RFC 3986's unreserved bytes (1), and '/' (2), which a path keeps when asked: one load a byte.
 * A -Os build (a user asking for size) tests the ranges instead of carrying the table. */
#if defined(__OPTIMIZE_SIZE__)
static unsigned char plain_class(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~')
        return 1;
    return c == '/' ? 2 : 0;
}
#else
#define plain_class(c) plain_byte[c]
static const unsigned char plain_byte[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['-'] = 1,
    ['.'] = 1, ['_'] = 1, ['~'] = 1, ['/'] = 2
};
#endif

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int awsc_uri_encode(awsc_buf *out, const char *s, size_t len, bool keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    if (!out || (!s && len))
        return -1;
    /* Reserve the worst case up front so a failure leaves `out` unchanged. */
    if (len > (SIZE_MAX - 1) / 3 || awsc_buf_reserve(out, 3 * len) != 0)
        return -1;
    char *p = out->data + out->len;
    unsigned char keep = keep_slash ? 3 : 1;
    for (size_t i = 0; i < len;) {
        /* A run of bytes that go as they are (a label is usually all one) is measured, then copied at once. */
        size_t end = i;
        while (end < len && (plain_class((unsigned char)s[end]) & keep))
            end++;
        memcpy(p, s + i, end - i);
        p += end - i;
        if (end == len)
            break;
        unsigned char c = (unsigned char)s[end];
        *p++ = '%';
        *p++ = digits[c >> 4];
        *p++ = digits[c & 15];
        i = end + 1;
    }
    *p = '\0';
    out->len = (size_t)(p - out->data);
    return 0;
}

int awsc_uri_decode(awsc_buf *out, const char *s, size_t len, bool plus_is_space)
{
    if (!out || (!s && len))
        return -1;
    /* Validate first so a bad escape appends nothing. */
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%')
            continue;
        if (len - i < 3 || hex_value((unsigned char)s[i + 1]) < 0 || hex_value((unsigned char)s[i + 2]) < 0)
            return -2;
        i += 2;
    }
    if (awsc_buf_reserve(out, len) != 0)
        return -1;
    char *p = out->data + out->len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            *p++ = (char)(hex_value((unsigned char)s[i + 1]) << 4 | hex_value((unsigned char)s[i + 2]));
            i += 2;
        } else {
            *p++ = plus_is_space && s[i] == '+' ? ' ' : s[i];
        }
    }
    *p = '\0';
    out->len = (size_t)(p - out->data);
    return 0;
}
