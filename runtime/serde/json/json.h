/*
 * JSON <-> shape-described C structures. One reader and one writer serve
 * every structure of every service: they walk the descriptor tables.
 * Our own small parser (not a DOM) keeps 64-bit integers exact and reads
 * straight into the output arena.
 */
#ifndef AWSC_JSON_H
#define AWSC_JSON_H

#include "util/arena.h"
#include "awsc/schema.h"
#include "util/buf.h"
#include "serde/scalar.h"

#include <stdbool.h>

/* How member names map to JSON keys. */
typedef enum awsc_json_names {
    AWSC_JSON_WIRE,  /* the protocol's keys (jsonName), body-bound members only */
    AWSC_JSON_MODEL, /* the model's member names, every member (the CLI's form) */
    AWSC_JSON_PARAMS, /* as MODEL, but blobs are plain text and timestamps epoch seconds:
                        the form of Smithy protocol tests' `params` */
    AWSC_JSON_QUERY   /* as MODEL, but timestamps epoch seconds: Smithy's JMESPath data
                         model, which waiters' acceptors query */
} awsc_json_names;

#define AWSC_JSON_MAX_DEPTH 64

/*
 * Parses `len` bytes of JSON into the structure `obj` described by `shape`
 * (a struct or union), allocating nested values in `arena`. Members not in
 * the text are left as they are, so calls can be layered. Unknown keys are
 * ignored. Returns AWSC_OK or fills `err` (with `status_on_error`) naming the
 * byte offset and member.
 */
int awsc_json_read(const awsc_shape *shape, void *obj, const char *text, size_t len, awsc_arena *arena,
                   awsc_json_names names, awsc_status status_on_error, awsc_error *err);

/* Reads one member's value (e.g. a payload) rather than a whole structure. */
int awsc_json_read_member(const awsc_member *m, void *container, const char *text, size_t len,
                          awsc_arena *arena, awsc_json_names names, awsc_status status_on_error,
                          awsc_error *err);

/*
 * Writes the structure `obj` as a JSON object. With AWSC_JSON_WIRE only
 * body-bound members are written when `top_level` is set. Invalid input
 * (bad UTF-8, a union with no variant, a document that is not JSON) fails
 * with AWSC_E_VALIDATION.
 */
int awsc_json_write(awsc_buf *out, const awsc_shape *shape, const void *obj, awsc_json_names names,
                    bool top_level, awsc_error *err);

/* Writes one member's value (e.g. a payload structure or document). */
int awsc_json_write_member(awsc_buf *out, const awsc_member *m, const void *container, awsc_json_names names,
                           awsc_error *err);

/* Appends `s` as a JSON string literal; -1 on invalid UTF-8, -2 when out of memory. */
int awsc_json_write_string(awsc_buf *out, const char *s, size_t len);

/*
 * Appends the JSON text to `out` with the value of every object key that
 * `secret` names replaced by "<redacted>"; from where it stops parsing, the
 * rest is only counted. The awsc_codec.redact of the JSON protocols.
 */
int awsc_json_redact(const char *text, size_t len, bool (*secret)(const void *user, const char *name, size_t len),
                     const void *user, awsc_buf *out);

/* Checks that `len` bytes are exactly one JSON value (with surrounding white space). */
bool awsc_json_valid(const char *text, size_t len);

#endif
