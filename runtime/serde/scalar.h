/*
 * Scalar values <-> text, by member descriptor: the forms used in URI labels,
 * query strings, headers and XML bodies. Also presence and UTF-8 helpers
 * every codec needs.
 */
#ifndef AWSC_SCALAR_H
#define AWSC_SCALAR_H

#include "util/arena.h"
#include "awsc/schema.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A pointer to the member's value slot. */
static inline void *awsc_member_slot(const awsc_member *m, const void *container)
{
    return (unsigned char *)container + m->offset;
}

/* Presence of a member's value in a structure, by the rules of awsc.h. */
bool awsc_member_present(const awsc_member *m, const void *container);

/*
 * The shortest text that reads back as `d` (as a float when `single`), laid
 * out as JavaScript prints numbers: "0.1", "100", "1e+21", "5e-324", "NaN",
 * "Infinity". Returns the length.
 */
int awsc_format_double(char out[32], double d, bool single);

/*
 * strtod for the wire's decimal text ('.' as the decimal point, as in JSON, XML
 * and headers) whatever LC_NUMERIC the application has set: plain strtod
 * would stop at the '.' under a locale such as de_DE and read 1.5 as 1.
 * `end` (may be NULL) points into `text` as strtod's would. Out of memory for a
 * very long text under such a locale: returns 0 with *end = text.
 */
double awsc_strtod_dot(const char *text, char **end);

/* Length of one valid UTF-8 sequence at p (1..4), or 0 when invalid. */
size_t awsc_utf8_seq(const unsigned char *p, const unsigned char *end);

/* Appends code point `cp` (below 0x110000) as UTF-8. Returns 0, -1 out of memory. */
int awsc_utf8_put(awsc_buf *b, unsigned cp);
/* Code point `cp` (at most 0x10FFFF) as UTF-8 into t: 1 to 4 bytes. */
size_t awsc_utf8_encode(char t[4], unsigned cp);

/* The four hex digits at `p` (a JSON unicode escape's) as a number: 0, or -1 when one is not a hex digit. */
int awsc_hex4(const char *p, unsigned *out);

/* Number of UTF-8 code points, or -1 when `s` is not valid UTF-8. */
long long awsc_utf8_length(const char *s, size_t len);

/*
 * The wire string of enum member `m` of `container`: its model value, or the
 * raw string of a value unknown to this SDK; NULL when it is unset or invalid.
 */
const char *awsc_enum_wire(const awsc_member *m, const void *container);

/*
 * Sets enum member `m` of `container` from wire string `s` (arena-owned): its
 * model value (1-based), or -1 for a value unknown to this SDK, and `s`
 * itself as the raw value where the member keeps one.
 */
static inline void awsc_enum_set(const awsc_member *m, void *container, char *s)
{
    int v = -1;
    for (uint32_t i = 0; i < m->shape->enum_count; i++)
        if (strcmp(s, m->shape->enum_values[i]) == 0)
            v = (int)i + 1;
    *(int *)awsc_member_slot(m, container) = v;
    if (m->raw_offset != AWSC_NO_OFFSET)
        *(char **)((unsigned char *)container + m->raw_offset) = s;
}

/*
 * Appends the text form of scalar member `m` of `container`. `default_ts` is
 * the location's timestamp format (the member's own format wins); `header`
 * base64-encodes @mediaType strings, as headers carry them. Returns 0, -1
 * out of memory, -2 when the value is absent or cannot be written.
 */
int awsc_scalar_text(const awsc_member *m, const void *container, awsc_timestamp_format default_ts, bool header,
                     awsc_buf *out);

/*
 * Parses `len` bytes of text into scalar member `m` of `container`: strings
 * and big numbers copied, enums matched (the raw value kept), booleans
 * true/false, integers range-checked for their type, floats with NaN and
 * [-]Infinity, blobs base64, timestamps in the member's format or
 * `default_ts`; `header` base64-decodes @mediaType strings. Does not set the
 * presence flag. Returns 0, -1 out of memory, -2 when the text is invalid.
 */
int awsc_scalar_parse(const awsc_member *m, void *container, const char *s, size_t len, awsc_arena *a,
                      awsc_timestamp_format default_ts, bool header);

#endif
