/*
 * CBOR (RFC 8949) for the Smithy RPC v2 CBOR protocol: a bounded item
 * decoder, the encoder's primitives, and a reader and writer driven by the
 * same shape descriptors as the JSON ones. Part of libawsc-cbor, which
 * JSON-only programs never link.
 *
 * Decoding is strict: every length is checked against the bytes left before
 * anything is allocated or copied, nesting is limited, text must be UTF-8,
 * indefinite-length strings may only hold chunks of their own major type,
 * and reserved additional-information values (28..30) are refused.
 */
#ifndef AWSC_CBOR_H
#define AWSC_CBOR_H

#include "util/arena.h"
#include "awsc/schema.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AWSC_CBOR_MAX_DEPTH 64

/* Major types */
enum {
    AWSC_CBOR_UINT = 0,
    AWSC_CBOR_NEGINT = 1,
    AWSC_CBOR_BYTES = 2,
    AWSC_CBOR_TEXT = 3,
    AWSC_CBOR_ARRAY = 4,
    AWSC_CBOR_MAP = 5,
    AWSC_CBOR_TAG = 6,
    AWSC_CBOR_SIMPLE = 7 /* false, true, null, undefined, floats, the "break" stop code */
};

/* Simple values (major type 7) as awsc_cbor_item.simple */
enum {
    AWSC_CBOR_FALSE = 20,
    AWSC_CBOR_TRUE = 21,
    AWSC_CBOR_NULL = 22,
    AWSC_CBOR_UNDEFINED = 23,
    AWSC_CBOR_FLOAT = 25, /* any of half, single, double: the value is in `f` */
    AWSC_CBOR_BREAK = 31
};

/* The head of one data item. */
typedef struct awsc_cbor_item {
    uint8_t major;
    bool indefinite;  /* strings, arrays, maps of indefinite length */
    uint8_t simple;   /* major 7: AWSC_CBOR_* above, or another simple value */
    uint64_t arg;     /* uint value, -1 - negint value, string/array/map length, tag number */
    double f;         /* major 7 floats, widened to double */
    const uint8_t *data; /* definite strings: the bytes (arg of them) */
} awsc_cbor_item;

typedef struct awsc_cbor_decoder {
    const uint8_t *start, *p, *end;
    int depth;
    const char *problem; /* static text of the first error */
} awsc_cbor_decoder;

/* Reads the head of the next item (a definite string's bytes are stepped over too). 0, or -1 with d->problem. */
int awsc_cbor_head_any(awsc_cbor_decoder *d, awsc_cbor_item *it);

/*
 * awsc_cbor_head_any, with the heads most items have decoded inline: a major type other than
 * 7 whose argument is in the first byte or the one after it, and which fits what is left
 * twice over (so no check of the full decoder can fail). Everything else, errors included,
 * goes the full way.
 */
static inline int awsc_cbor_head(awsc_cbor_decoder *d, awsc_cbor_item *it)
{
    size_t left = (size_t)(d->end - d->p);
    if (left >= 2) {
        uint8_t ib = d->p[0];
        unsigned major = ib >> 5, ai = ib & 0x1f;
        size_t head = ai < 24 ? 1 : 2;
        uint64_t arg = ai < 24 ? ai : d->p[1];
        if (major != AWSC_CBOR_SIMPLE && ai <= 24 && arg <= (left - head) / 2) {
            bool string = major == AWSC_CBOR_BYTES || major == AWSC_CBOR_TEXT;
            it->major = (uint8_t)major;
            it->indefinite = false;
            it->simple = 0;
            it->arg = arg;
            it->data = string ? d->p + head : NULL;
            d->p += head + (string ? (size_t)arg : 0);
            return 0;
        }
    }
    return awsc_cbor_head_any(d, it);
}

/*
 * After awsc_cbor_head returned a byte or text string: its whole content,
 * chunks of an indefinite string joined in `scratch` (reset first). Text is
 * checked to be UTF-8. 0, or -1 with d->problem.
 */
int awsc_cbor_string(awsc_cbor_decoder *d, const awsc_cbor_item *it, awsc_buf *scratch, const uint8_t **data,
                     size_t *len);

/* Whether `len` bytes are UTF-8 (ASCII checked eight bytes at a time). */
bool awsc_cbor_utf8(const uint8_t *p, size_t len);

/*
 * As awsc_cbor_string, without the UTF-8 check of a definite text: for a
 * caller that checks only what it keeps (a structure's keys that match no
 * member). Indefinite chunks are checked as they come.
 */
int awsc_cbor_string_unchecked(awsc_cbor_decoder *d, const awsc_cbor_item *it, awsc_buf *scratch,
                               const uint8_t **data, size_t *len);

/* Skips the rest of the item whose head is `it` (its elements, its tagged value). */
int awsc_cbor_skip_rest(awsc_cbor_decoder *d, const awsc_cbor_item *it);

/* Skips one whole item. */
int awsc_cbor_skip(awsc_cbor_decoder *d);

/* Encoder primitives; all return 0 or -1 when out of memory. */
int awsc_cbor_put_head(awsc_buf *out, unsigned major, uint64_t arg);
int awsc_cbor_put_int(awsc_buf *out, int64_t v);
int awsc_cbor_put_text(awsc_buf *out, const char *s, size_t len);
int awsc_cbor_put_double(awsc_buf *out, double d);
int awsc_cbor_put_float(awsc_buf *out, float f);

/* The IEEE 754 half-precision value of `bits`. */
double awsc_cbor_half(uint16_t bits);

/*
 * Reads a CBOR map into structure or union `obj` described by `shape`
 * (body-bound members only at the top level), values allocated in `arena`.
 * Unknown keys are skipped, null means absent, members the body leaves out
 * get their model default. Errors use `status_on_error` and name the byte
 * offset and member.
 */
int awsc_cbor_read(const awsc_shape *shape, void *obj, const uint8_t *data, size_t len, awsc_arena *arena,
                   awsc_status status_on_error, awsc_error *err);

/*
 * Writes structure `obj` as a CBOR map (with `top_level`, body-bound members
 * only, and `token`, when not NULL, for an unset idempotency token). Invalid input (bad UTF-8, a union with no variant, a document, which
 * the protocol cannot carry) fails with AWSC_E_VALIDATION.
 */
int awsc_cbor_write(awsc_buf *out, const awsc_shape *shape, const void *obj, bool top_level, const char *token,
                    awsc_error *err);

/*
 * CBOR diagnostic notation (RFC 8949 section 8) of one item, for logs and
 * tests: `sorted` orders each map's entries by their text (so two encodings
 * of the same data compare equal as text), every number is printed by value
 * (1.5, 2, NaN; integers as integers, floats with a '.' or exponent, tag 1's
 * number always as a float), definite and indefinite forms alike. The value of
 * a map entry whose text key `secret` names is printed as "<redacted>".
 * Returns 0, -1 out of memory, -2 when the bytes are not one valid item.
 */
int awsc_cbor_diagnostic(const uint8_t *data, size_t len, bool sorted,
                         bool (*secret)(const void *user, const char *name, size_t len), const void *user,
                         awsc_buf *out);

#endif
