/**
 * @file jmespath.h
 * JMESPath (https://jmespath.org/specification.html): the query language of
 * the CLI's `--query` and of waiters' acceptors. libawsc-jmespath, an optional
 * library: a program that queries nothing does not link it.
 *
 * Values, compiled expressions and results all live in one context, freed at
 * once. Every recursion (expression nesting, JSON nesting, the values an
 * evaluation builds) is bounded by AWSC_JMESPATH_MAX_DEPTH and every context's
 * memory by its limit: hostile expressions and documents give errors, never a
 * crash or an exhausted machine.
 *
 *     char *out = NULL;
 *     if (awsc_jmespath_search("jobs[?status=='QUEUED'].jobId", json, len, &out, &err) == AWSC_OK)
 *         puts(out), free(out);   // ["j1","j2"]
 */
#ifndef AWSC_JMESPATH_H
#define AWSC_JMESPATH_H

#include <awsc/awsc.h>

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The deepest nesting of an expression, a JSON document or a computed value. */
#define AWSC_JMESPATH_MAX_DEPTH 256
/** The default memory limit of a context (awsc_jmespath_ctx_new(0)). */
#define AWSC_JMESPATH_DEFAULT_MEMORY (256u << 20)
/**
 * The default bound on one evaluation's work (nodes evaluated, values compared, bytes
 * written): values may share items, so a short expression can describe a value whose
 * full walk would never end. About a second or two of CPU.
 */
#define AWSC_JMESPATH_DEFAULT_MAX_STEPS 100000000ull

/** JMESPath's six types. */
typedef enum awsc_jmespath_type {
    AWSC_JMESPATH_NULL,
    AWSC_JMESPATH_BOOL,
    AWSC_JMESPATH_NUMBER,
    AWSC_JMESPATH_STRING,
    AWSC_JMESPATH_ARRAY,
    AWSC_JMESPATH_OBJECT
} awsc_jmespath_type;

typedef struct awsc_jmespath_value awsc_jmespath_value;

/** One key of an object, in document order. */
typedef struct awsc_jmespath_member {
    const char *key; /**< NUL-terminated; key_len counts bytes (a key may hold "\u0000") */
    size_t key_len;
    const awsc_jmespath_value *value;
} awsc_jmespath_member;

/** A read-only value; owned by the context that made it. */
struct awsc_jmespath_value {
    awsc_jmespath_type type;
    unsigned depth; /**< 0 for scalars, 1 + the deepest item's for arrays and objects */
    union {
        bool boolean;
        struct {
            double value;
            const char *text; /**< the JSON spelling when it came from JSON (64-bit integers exact), or NULL */
        } number;
        struct {
            const char *data; /**< UTF-8, NUL-terminated; len counts bytes */
            size_t len;
        } string;
        struct {
            const awsc_jmespath_value *const *items;
            size_t count;
        } array;
        struct {
            const awsc_jmespath_member *members;
            size_t count;
        } object;
    } u;
};

typedef struct awsc_jmespath_ctx awsc_jmespath_ctx;
typedef struct awsc_jmespath_expr awsc_jmespath_expr;

/** A context whose allocations stop at `memory_limit` bytes (0: AWSC_JMESPATH_DEFAULT_MEMORY); NULL when out of memory. */
AWSC_API awsc_jmespath_ctx *awsc_jmespath_ctx_new(size_t memory_limit);
/**
 * Bounds each later evaluation in `ctx` to `max_steps` (0: AWSC_JMESPATH_DEFAULT_MAX_STEPS);
 * past it, awsc_jmespath_eval fails with AWSC_E_VALIDATION. A small device evaluating
 * expressions it did not write may want less CPU spent on a hostile one.
 */
AWSC_API void awsc_jmespath_ctx_set_max_steps(awsc_jmespath_ctx *ctx, unsigned long long max_steps);
/** Frees the context and every value and expression it holds. */
AWSC_API void awsc_jmespath_ctx_free(awsc_jmespath_ctx *ctx);

/**
 * Compiles an expression. A syntax error fails with AWSC_E_VALIDATION and a
 * message naming the column ("syntax error at column 5: expected ']'");
 * awsc_jmespath_error_offset then gives its byte offset.
 */
AWSC_API int awsc_jmespath_compile(awsc_jmespath_ctx *ctx, const char *expression, const awsc_jmespath_expr **out,
                                   awsc_error *err);

/** The byte offset in the expression of the last compile error of `ctx`. */
AWSC_API size_t awsc_jmespath_error_offset(const awsc_jmespath_ctx *ctx);

/** Parses one JSON value (strict RFC 8259, UTF-8, at most AWSC_JMESPATH_MAX_DEPTH deep); AWSC_E_VALIDATION on bad JSON. */
AWSC_API int awsc_jmespath_parse_json(awsc_jmespath_ctx *ctx, const char *text, size_t len,
                                      const awsc_jmespath_value **out, awsc_error *err);

/**
 * Evaluates `expr` against `data`. The spec's runtime errors (unknown
 * function, wrong arity, wrong argument type, ...) fail with
 * AWSC_E_VALIDATION and a message; the memory limit with AWSC_E_NOMEM.
 */
AWSC_API int awsc_jmespath_eval(awsc_jmespath_ctx *ctx, const awsc_jmespath_expr *expr,
                                const awsc_jmespath_value *data, const awsc_jmespath_value **out, awsc_error *err);

/**
 * Compact JSON text of a value (malloc'd, NUL-terminated, free() it), or NULL
 * when out of memory. Numbers keep their JSON spelling; computed ones are
 * written in their shortest form (a non-finite number as null).
 */
AWSC_API char *awsc_jmespath_to_json(const awsc_jmespath_value *value, size_t *len);

/** awsc_jmespath_to_json, giving up (NULL) past `max_len` bytes (0: AWSC_JMESPATH_DEFAULT_MEMORY). */
AWSC_API char *awsc_jmespath_to_json_bounded(const awsc_jmespath_value *value, size_t max_len, size_t *len);

/** JMESPath's truth: false, null, "", [] and {} are false. */
AWSC_API bool awsc_jmespath_truthy(const awsc_jmespath_value *value);

/** Looks `key` up in an object (the last of duplicate keys); NULL when absent or not an object. */
AWSC_API const awsc_jmespath_value *awsc_jmespath_get(const awsc_jmespath_value *object, const char *key);

/** Compile, parse, evaluate and write in one call: *result is malloc'd compact JSON. */
AWSC_API int awsc_jmespath_search(const char *expression, const char *json, size_t len, char **result,
                                  awsc_error *err);

#ifdef __cplusplus
}
#endif

#endif
