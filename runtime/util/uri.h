/* Percent-encoding per RFC 3986, for URI labels, query strings and SigV4. */
#ifndef AWSC_URI_H
#define AWSC_URI_H

#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Appends `s[0..len)` percent-encoded: every byte except the unreserved set
 * A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex). With `keep_slash`, '/'
 * is also left as is (greedy labels, SigV4 canonical paths).
 * Returns 0, or -1 when out of memory.
 */
int awsc_uri_encode(awsc_buf *out, const char *s, size_t len, bool keep_slash);

/*
 * Appends the decoding of `s[0..len)`: %XX becomes the byte; with
 * `plus_is_space`, '+' becomes ' '. Returns 0, -1 when out of memory, or -2
 * when a '%' is not followed by two hex digits (nothing is appended then).
 */
int awsc_uri_decode(awsc_buf *out, const char *s, size_t len, bool plus_is_space);

#endif
