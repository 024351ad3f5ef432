/* The JMESPath module's shared pieces: the context, the expression tree, value helpers. */
#ifndef AWSC_JMESPATH_INTERNAL_H
#define AWSC_JMESPATH_INTERNAL_H

#include "awsc/jmespath.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct awsc_jmespath_ctx {
    awsc_arena *arena;
    size_t used, limit;        /* bytes allocated from the arena, and the cap */
    size_t error_offset;       /* of the last syntax error */
    unsigned long long steps;  /* of the current evaluation */
    unsigned long long max_steps; /* its bound (awsc_jmespath_ctx_set_max_steps) */
    awsc_error *err;           /* where the current call reports */
};

typedef enum jp_kind {
    N_FIELD,             /* name: the key's value in an object, else null */
    N_SUB,               /* a.b: rhs on lhs's result */
    N_CHAIN,             /* the same for index expressions and pipes */
    N_INDEX,             /* index: an array's item */
    N_SLICE,             /* start:stop:step of an array */
    N_PROJECTION,        /* rhs over each item of the array lhs */
    N_VALUE_PROJECTION,  /* rhs over each value of the object lhs */
    N_FILTER_PROJECTION, /* rhs over each item of the array lhs for which cond is true */
    N_FLATTEN,           /* lhs, one level of arrays merged */
    N_IDENTITY,          /* @ */
    N_LITERAL,           /* `json`, 'raw' */
    N_MULTI_LIST,        /* [a, b] */
    N_MULTI_HASH,        /* {k: a, l: b} */
    N_OR,
    N_AND,
    N_NOT,
    N_COMPARE,           /* op: one of the comparator tokens */
    N_FUNCTION,          /* fn(args) */
    N_EXPREF             /* &lhs: only as a function argument */
} jp_kind;

typedef enum jp_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } jp_cmp;

typedef struct jp_function jp_function;
typedef struct jp_node jp_node;

struct jp_node {
    jp_kind kind;
    unsigned depth;           /* 1 + the deepest child's */
    size_t pos;               /* where in the expression, for messages */
    const char *name;         /* N_FIELD, N_FUNCTION */
    size_t name_len;
    const awsc_jmespath_value *literal;
    long long index;          /* N_INDEX */
    long long slice[3];       /* N_SLICE */
    bool has[3];
    jp_cmp op;
    const jp_node *lhs, *rhs, *cond;
    const jp_node **items;    /* N_MULTI_LIST, N_MULTI_HASH values, N_FUNCTION arguments */
    const char **keys;        /* N_MULTI_HASH */
    size_t *key_lens;
    size_t count;
    const jp_function *fn;
};

struct awsc_jmespath_expr {
    const jp_node *root;
};

/* Memory from the context's arena, zeroed, counted against its limit; NULL (err set) when over. */
void *jp_alloc(awsc_jmespath_ctx *ctx, size_t size);
char *jp_strndup(awsc_jmespath_ctx *ctx, const char *s, size_t len);
/* Records that an evaluation step was taken; -1 (err set) past the context's max_steps. */
int jp_step(awsc_jmespath_ctx *ctx, unsigned long long n);

extern const awsc_jmespath_value jp_null, jp_true, jp_false;

const awsc_jmespath_value *jp_number(awsc_jmespath_ctx *ctx, double d);
const awsc_jmespath_value *jp_string(awsc_jmespath_ctx *ctx, const char *s, size_t len);
/* An array of `count` items copied from `items`; NULL (err set) when too deep or out of memory. */
const awsc_jmespath_value *jp_array(awsc_jmespath_ctx *ctx, const awsc_jmespath_value *const *items, size_t count);
const awsc_jmespath_value *jp_object(awsc_jmespath_ctx *ctx, const awsc_jmespath_member *members, size_t count);

/* Parses JSON at text[*pos...]; with `prefix`, stops after the value instead of requiring the end. */
const awsc_jmespath_value *jp_parse_json(awsc_jmespath_ctx *ctx, const char *text, size_t len, size_t *pos,
                                         bool prefix);
/* Appends compact JSON; -1 out of memory or past `max` bytes. */
int jp_write_json(awsc_buf *out, const awsc_jmespath_value *v, size_t max);
/* Deep equality; -1 (err set) past the step budget. */
int jp_equal(awsc_jmespath_ctx *ctx, const awsc_jmespath_value *a, const awsc_jmespath_value *b);
const char *jp_type_name(const awsc_jmespath_value *v);

const jp_function *jp_find_function(const char *name, size_t len);
/* Calls a function on its argument nodes evaluated against `current`. */
const awsc_jmespath_value *jp_call(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value *current);
const awsc_jmespath_value *jp_eval(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value *v);
/* Checks a function's arity at compile time; 0 or a message. */
const char *jp_check_arity(const jp_function *fn, size_t argc);

#endif
