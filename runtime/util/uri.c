#include "util/uri.h"

#include <stdint.h>

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

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
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = digits[c >> 4];
            *p++ = digits[c & 15];
        }
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
