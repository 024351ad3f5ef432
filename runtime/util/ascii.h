/* ASCII case-insensitive prefix tests for header names, without the C library's locale tables. */
#ifndef AWSC_ASCII_H
#define AWSC_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* c is l, or l's upper case when l is a lower-case letter: equal bytes, the usual case, in one compare. */
static inline bool awsc_same_nocase(char c, char l)
{
    return c == l || ((c | 0x20) == l && l >= 'a' && l <= 'z');
}

/*
 * Whether s starts with `lower` (lower-case letters, digits and punctuation), ASCII letters of s
 * in either case. Stops at the first difference, so s may be shorter than `lower`. Inline: a
 * glibc strncasecmp call costs over a hundred instructions with its locale, and the request's
 * headers are looked through on every call.
 */
static inline bool awsc_starts_nocase(const char *s, const char *lower)
{
    for (; *lower; s++, lower++)
        if (!awsc_same_nocase(*s, *lower))
            return false;
    return true;
}

/* Whether s equals `lower` ignoring the case of ASCII letters (as strcasecmp(s, lower) == 0). */
static inline bool awsc_eq_nocase(const char *s, const char *lower)
{
    size_t i = 0;
    for (; lower[i]; i++)
        if (!awsc_same_nocase(s[i], lower[i]))
            return false;
    return s[i] == '\0';
}

#endif
