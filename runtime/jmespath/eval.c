/* Evaluating a JMESPath expression tree, and the specification's built-in functions. */
#include "jmespath/jmespath_internal.h"
#include "serde/scalar.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values gathered on the heap (projections, functions), then copied into the context. */
typedef struct list {
    const awsc_jmespath_value **items;
    size_t count, cap;
} list;

static int list_push(awsc_jmespath_ctx *ctx, list *l, const awsc_jmespath_value *v)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        const awsc_jmespath_value **n =
            cap < SIZE_MAX / sizeof *n ? realloc((void *)l->items, cap * sizeof *n) : NULL;
        if (!n)
            return awsc_error_nomem(ctx->err), -1;
        l->items = n, l->cap = cap;
    }
    l->items[l->count++] = v;
    return 0;
}

static const awsc_jmespath_value *list_finish(awsc_jmespath_ctx *ctx, list *l)
{
    const awsc_jmespath_value *v = jp_array(ctx, l->items, l->count);
    free((void *)l->items);
    return v;
}

static const awsc_jmespath_value *fail(awsc_jmespath_ctx *ctx, const jp_node *n, const char *fmt, const char *a,
                                       const char *b)
{
    awsc_error_set(ctx->err, AWSC_E_VALIDATION, "jmespath: at column %zu: %s%s%s", n->pos + 1, fmt, a ? a : "",
                   b ? b : "");
    return NULL;
}

static const awsc_jmespath_value *bool_value(bool b)
{
    return b ? &jp_true : &jp_false;
}

static int cmp_strings(const awsc_jmespath_value *a, const awsc_jmespath_value *b)
{
    size_t n = a->u.string.len < b->u.string.len ? a->u.string.len : b->u.string.len;
    int c = memcmp(a->u.string.data, b->u.string.data, n);
    return c ? c : (a->u.string.len > b->u.string.len) - (a->u.string.len < b->u.string.len);
}

/* Python's slice bounds for a sequence of `len` items. */
static void slice_bounds(const jp_node *n, long long len, long long *start, long long *stop, long long *step)
{
    *step = n->has[2] ? n->slice[2] : 1;
    bool back = *step < 0;
    for (int i = 0; i < 2; i++) {
        long long *out = i ? stop : start;
        if (!n->has[i]) {
            *out = back ? (i ? -1 : len - 1) : (i ? len : 0);
            continue;
        }
        long long v = n->slice[i];
        if (v < 0) {
            v += len;
            if (v < 0)
                v = back ? -1 : 0;
        } else if (v >= len) {
            v = back ? len - 1 : len;
        }
        *out = v;
    }
}

static const awsc_jmespath_value *project(awsc_jmespath_ctx *ctx, const jp_node *rhs,
                                          const awsc_jmespath_value *const *items, size_t count,
                                          const awsc_jmespath_member *members, const jp_node *cond)
{
    list out = {0};
    for (size_t i = 0; i < count; i++) {
        const awsc_jmespath_value *item = items ? items[i] : members[i].value;
        if (cond) {
            const awsc_jmespath_value *c = jp_eval(ctx, cond, item);
            if (!c)
                goto fail;
            if (!awsc_jmespath_truthy(c))
                continue;
        }
        const awsc_jmespath_value *v = jp_eval(ctx, rhs, item);
        if (!v)
            goto fail;
        if (v->type != AWSC_JMESPATH_NULL && list_push(ctx, &out, v))
            goto fail;
    }
    return list_finish(ctx, &out);
fail:
    free((void *)out.items);
    return NULL;
}

const awsc_jmespath_value *jp_eval(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value *v)
{
    if (jp_step(ctx, 1))
        return NULL;
    switch (n->kind) {
    case N_IDENTITY:
        return v;
    case N_LITERAL:
        return n->literal;
    case N_FIELD:
        if (v->type == AWSC_JMESPATH_OBJECT) {
            for (size_t i = v->u.object.count; i-- > 0;) {
                const awsc_jmespath_member *m = &v->u.object.members[i];
                if (m->key_len == n->name_len && memcmp(m->key, n->name, n->name_len) == 0)
                    return m->value;
            }
        }
        return &jp_null;
    case N_SUB:
    case N_CHAIN: {
        const awsc_jmespath_value *left = jp_eval(ctx, n->lhs, v);
        return left ? jp_eval(ctx, n->rhs, left) : NULL;
    }
    case N_INDEX: {
        if (v->type != AWSC_JMESPATH_ARRAY)
            return &jp_null;
        long long count = (long long)v->u.array.count, i = n->index;
        if (i < 0)
            i += count;
        return i >= 0 && i < count ? v->u.array.items[i] : &jp_null;
    }
    case N_SLICE: {
        if (v->type != AWSC_JMESPATH_ARRAY)
            return &jp_null;
        long long start, stop, step;
        slice_bounds(n, (long long)v->u.array.count, &start, &stop, &step);
        list out = {0};
        for (long long i = start; step > 0 ? i < stop : i > stop; i += step)
            if (list_push(ctx, &out, v->u.array.items[i])) {
                free((void *)out.items);
                return NULL;
            }
        return list_finish(ctx, &out);
    }
    case N_PROJECTION:
    case N_FILTER_PROJECTION: {
        const awsc_jmespath_value *base = jp_eval(ctx, n->lhs, v);
        if (!base)
            return NULL;
        if (base->type != AWSC_JMESPATH_ARRAY)
            return &jp_null;
        return project(ctx, n->rhs, base->u.array.items, base->u.array.count, NULL, n->cond);
    }
    case N_VALUE_PROJECTION: {
        const awsc_jmespath_value *base = jp_eval(ctx, n->lhs, v);
        if (!base)
            return NULL;
        if (base->type != AWSC_JMESPATH_OBJECT)
            return &jp_null;
        return project(ctx, n->rhs, NULL, base->u.object.count, base->u.object.members, NULL);
    }
    case N_FLATTEN: {
        const awsc_jmespath_value *base = jp_eval(ctx, n->lhs, v);
        if (!base)
            return NULL;
        if (base->type != AWSC_JMESPATH_ARRAY)
            return &jp_null;
        list out = {0};
        for (size_t i = 0; i < base->u.array.count; i++) {
            const awsc_jmespath_value *item = base->u.array.items[i];
            size_t k = item->type == AWSC_JMESPATH_ARRAY ? item->u.array.count : 1;
            for (size_t j = 0; j < k; j++)
                if (list_push(ctx, &out, item->type == AWSC_JMESPATH_ARRAY ? item->u.array.items[j] : item)) {
                    free((void *)out.items);
                    return NULL;
                }
        }
        return list_finish(ctx, &out);
    }
    case N_MULTI_LIST: {
        if (v->type == AWSC_JMESPATH_NULL)
            return &jp_null;
        const awsc_jmespath_value **items = jp_alloc(ctx, n->count * sizeof *items);
        if (!items)
            return NULL;
        for (size_t i = 0; i < n->count; i++)
            if (!(items[i] = jp_eval(ctx, n->items[i], v)))
                return NULL;
        return jp_array(ctx, items, n->count);
    }
    case N_MULTI_HASH: {
        if (v->type == AWSC_JMESPATH_NULL)
            return &jp_null;
        awsc_jmespath_member *members = jp_alloc(ctx, n->count * sizeof *members);
        if (!members)
            return NULL;
        for (size_t i = 0; i < n->count; i++) {
            members[i].key = n->keys[i];
            members[i].key_len = n->key_lens[i];
            if (!(members[i].value = jp_eval(ctx, n->items[i], v)))
                return NULL;
        }
        return jp_object(ctx, members, n->count);
    }
    case N_OR:
    case N_AND: {
        const awsc_jmespath_value *left = jp_eval(ctx, n->lhs, v);
        if (!left)
            return NULL;
        bool t = awsc_jmespath_truthy(left);
        if (n->kind == N_OR ? t : !t)
            return left;
        return jp_eval(ctx, n->rhs, v);
    }
    case N_NOT: {
        const awsc_jmespath_value *e = jp_eval(ctx, n->lhs, v);
        return e ? bool_value(!awsc_jmespath_truthy(e)) : NULL;
    }
    case N_COMPARE: {
        const awsc_jmespath_value *a = jp_eval(ctx, n->lhs, v);
        const awsc_jmespath_value *b = a ? jp_eval(ctx, n->rhs, v) : NULL;
        if (!b)
            return NULL;
        if (n->op == CMP_EQ || n->op == CMP_NE) {
            int eq = jp_equal(ctx, a, b);
            return eq < 0 ? NULL : bool_value((eq == 1) == (n->op == CMP_EQ));
        }
        /*
         * The specification orders numbers only; jmespath.py, the AWS CLI's, also
         * orders strings (by code point), as in [?CreationDate > '2024-01-01'].
         */
        double x, y = 0;
        if (a->type == AWSC_JMESPATH_NUMBER && b->type == AWSC_JMESPATH_NUMBER)
            x = a->u.number.value, y = b->u.number.value;
        else if (a->type == AWSC_JMESPATH_STRING && b->type == AWSC_JMESPATH_STRING)
            x = cmp_strings(a, b);
        else
            return &jp_null;
        switch (n->op) {
        case CMP_LT: return bool_value(x < y);
        case CMP_LE: return bool_value(x <= y);
        case CMP_GT: return bool_value(x > y);
        default: return bool_value(x >= y);
        }
    }
    case N_FUNCTION:
        return jp_call(ctx, n, v);
    case N_EXPREF:
        return fail(ctx, n, "'&' makes an expression reference, for a function argument only", NULL, NULL);
    }
    return fail(ctx, n, "internal error: unknown node", NULL, NULL);
}

int awsc_jmespath_eval(awsc_jmespath_ctx *ctx, const awsc_jmespath_expr *expr, const awsc_jmespath_value *data,
                       const awsc_jmespath_value **out, awsc_error *err)
{
    awsc_error_ok(err);
    if (!out)
        return awsc_error_set(err, AWSC_E_VALIDATION, "jmespath: no result pointer");
    *out = NULL;
    if (!ctx || !expr || !data)
        return awsc_error_set(err, AWSC_E_VALIDATION, "jmespath: no context, expression or data");
    ctx->err = awsc_error_target(err);
    ctx->steps = 0;
    const awsc_jmespath_value *v = jp_eval(ctx, expr->root, data);
    ctx->err = NULL;
    if (!v)
        return awsc_error_target(err)->status ? awsc_error_target(err)->status : AWSC_E_INTERNAL;
    *out = v;
    return AWSC_OK;
}

/* ---- functions ---- */

enum {
    A_NUM = 1, A_STR = 2, A_BOOL = 4, A_NULL = 8, A_ARR = 16, A_OBJ = 32, A_ANY = 63,
    A_EXPREF = 64, A_ARR_NUM = 128, A_ARR_STR = 256
};

typedef const awsc_jmespath_value *(*jp_impl)(awsc_jmespath_ctx *ctx, const jp_node *n,
                                             const awsc_jmespath_value **args, size_t argc);

struct jp_function {
    const char *name;
    int min, max;   /* max -1: variadic, the last type repeated */
    unsigned types[3];
    jp_impl impl;
};

static double num(const awsc_jmespath_value *v)
{
    return v->u.number.value;
}

/* Numbers or strings, of one type (checked by the callers). */
static int cmp_keys(const awsc_jmespath_value *a, const awsc_jmespath_value *b)
{
    if (a->type == AWSC_JMESPATH_NUMBER)
        return (num(a) > num(b)) - (num(a) < num(b));
    return cmp_strings(a, b);
}

/* An expression reference is passed as its node, wrapped in this value's place. */
typedef struct expref_value {
    awsc_jmespath_value head; /* type NULL: never looked at as a value */
    const jp_node *node;
} expref_value;

static const jp_node *expref_of(const awsc_jmespath_value *v)
{
    return ((const expref_value *)(const void *)v)->node;
}

static const awsc_jmespath_value *f_abs(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                        size_t argc)
{
    (void)n, (void)argc;
    return a[0]->u.number.value < 0 ? jp_number(ctx, -num(a[0])) : a[0];
}

static const awsc_jmespath_value *f_ceil(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                         size_t argc)
{
    (void)n, (void)argc;
    return jp_number(ctx, ceil(num(a[0])));
}

static const awsc_jmespath_value *f_floor(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                          size_t argc)
{
    (void)n, (void)argc;
    return jp_number(ctx, floor(num(a[0])));
}

static const awsc_jmespath_value *f_sum(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                        size_t argc)
{
    (void)n, (void)argc;
    double s = 0;
    for (size_t i = 0; i < a[0]->u.array.count; i++)
        s += num(a[0]->u.array.items[i]);
    return jp_number(ctx, s);
}

static const awsc_jmespath_value *f_avg(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                        size_t argc)
{
    if (a[0]->u.array.count == 0)
        return &jp_null;
    const awsc_jmespath_value *s = f_sum(ctx, n, a, argc);
    return s ? jp_number(ctx, num(s) / (double)a[0]->u.array.count) : NULL;
}

static bool str_find(const awsc_jmespath_value *hay, const awsc_jmespath_value *needle)
{
    size_t h = hay->u.string.len, k = needle->u.string.len;
    if (k == 0)
        return true;
    for (size_t i = 0; i + k <= h; i++)
        if (memcmp(hay->u.string.data + i, needle->u.string.data, k) == 0)
            return true;
    return false;
}

static const awsc_jmespath_value *f_contains(awsc_jmespath_ctx *ctx, const jp_node *n,
                                             const awsc_jmespath_value **a, size_t argc)
{
    (void)n, (void)argc;
    if (a[0]->type == AWSC_JMESPATH_STRING) {
        if (a[1]->type != AWSC_JMESPATH_STRING)
            return &jp_false;
        if (jp_step(ctx, a[0]->u.string.len))
            return NULL;
        return bool_value(str_find(a[0], a[1]));
    }
    for (size_t i = 0; i < a[0]->u.array.count; i++) {
        int eq = jp_equal(ctx, a[0]->u.array.items[i], a[1]);
        if (eq)
            return eq < 0 ? NULL : &jp_true;
    }
    return &jp_false;
}

static const awsc_jmespath_value *f_starts_with(awsc_jmespath_ctx *ctx, const jp_node *n,
                                                const awsc_jmespath_value **a, size_t argc)
{
    (void)ctx, (void)n, (void)argc;
    size_t k = a[1]->u.string.len;
    return bool_value(k <= a[0]->u.string.len && memcmp(a[0]->u.string.data, a[1]->u.string.data, k) == 0);
}

static const awsc_jmespath_value *f_ends_with(awsc_jmespath_ctx *ctx, const jp_node *n,
                                              const awsc_jmespath_value **a, size_t argc)
{
    (void)ctx, (void)n, (void)argc;
    size_t k = a[1]->u.string.len, h = a[0]->u.string.len;
    return bool_value(k <= h && memcmp(a[0]->u.string.data + h - k, a[1]->u.string.data, k) == 0);
}

static const awsc_jmespath_value *f_join(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                         size_t argc)
{
    (void)n, (void)argc;
    awsc_buf b = AWSC_BUF_INIT;
    const awsc_jmespath_value *arr = a[1];
    for (size_t i = 0; i < arr->u.array.count; i++) {
        const awsc_jmespath_value *s = arr->u.array.items[i];
        if ((i && awsc_buf_append(&b, a[0]->u.string.data, a[0]->u.string.len)) ||
            awsc_buf_append(&b, s->u.string.data, s->u.string.len) || b.len > ctx->limit - ctx->used) {
            awsc_buf_free(&b);
            awsc_error_set(ctx->err, AWSC_E_NOMEM, "jmespath: join(): the memory limit was reached");
            return NULL;
        }
    }
    const awsc_jmespath_value *v = jp_string(ctx, b.data ? b.data : "", b.len);
    awsc_buf_free(&b);
    return v;
}

static const awsc_jmespath_value *f_keys(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                         size_t argc)
{
    (void)n, (void)argc;
    size_t count = a[0]->u.object.count;
    const awsc_jmespath_value **items = jp_alloc(ctx, count * sizeof *items + 1);
    if (!items)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        const awsc_jmespath_member *m = &a[0]->u.object.members[i];
        if (!(items[i] = jp_string(ctx, m->key, m->key_len)))
            return NULL;
    }
    return jp_array(ctx, items, count);
}

static const awsc_jmespath_value *f_values(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                           size_t argc)
{
    (void)n, (void)argc;
    size_t count = a[0]->u.object.count;
    const awsc_jmespath_value **items = jp_alloc(ctx, count * sizeof *items + 1);
    if (!items)
        return NULL;
    for (size_t i = 0; i < count; i++)
        items[i] = a[0]->u.object.members[i].value;
    return jp_array(ctx, items, count);
}

static const awsc_jmespath_value *f_length(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                           size_t argc)
{
    (void)n, (void)argc;
    const awsc_jmespath_value *v = a[0];
    if (v->type == AWSC_JMESPATH_STRING)
        return jp_number(ctx, (double)awsc_utf8_length(v->u.string.data, v->u.string.len));
    return jp_number(ctx, (double)(v->type == AWSC_JMESPATH_ARRAY ? v->u.array.count : v->u.object.count));
}

static const awsc_jmespath_value *f_map(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                        size_t argc)
{
    (void)n, (void)argc;
    const jp_node *e = expref_of(a[0]);
    size_t count = a[1]->u.array.count;
    const awsc_jmespath_value **items = jp_alloc(ctx, count * sizeof *items + 1);
    if (!items)
        return NULL;
    for (size_t i = 0; i < count; i++)
        if (!(items[i] = jp_eval(ctx, e, a[1]->u.array.items[i])))
            return NULL;
    return jp_array(ctx, items, count);
}

/* The keys an expression reference gives each item: all numbers or all strings. */
static const awsc_jmespath_value **sort_keys(awsc_jmespath_ctx *ctx, const jp_node *n, const jp_node *e,
                                             const awsc_jmespath_value *arr)
{
    size_t count = arr->u.array.count;
    const awsc_jmespath_value **keys = jp_alloc(ctx, count * sizeof *keys + 1);
    if (!keys)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        if (!(keys[i] = jp_eval(ctx, e, arr->u.array.items[i])))
            return NULL;
        awsc_jmespath_type t = keys[i]->type;
        if ((t != AWSC_JMESPATH_NUMBER && t != AWSC_JMESPATH_STRING) || (i && t != keys[0]->type)) {
            fail(ctx, n, n->fn->name, "(): the expression must give every item a number or every item a string, got ",
                 jp_type_name(keys[i]));
            return NULL;
        }
    }
    return keys;
}

static const awsc_jmespath_value *extreme(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value *arr,
                                          const jp_node *by, int sign)
{
    if (arr->u.array.count == 0)
        return &jp_null;
    const awsc_jmespath_value *const *keys = by ? sort_keys(ctx, n, by, arr) : arr->u.array.items;
    if (!keys)
        return NULL;
    size_t best = 0;
    for (size_t i = 1; i < arr->u.array.count; i++)
        if (cmp_keys(keys[i], keys[best]) * sign > 0)
            best = i;
    return arr->u.array.items[best];
}

static const awsc_jmespath_value *f_max(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                        size_t argc)
{
    (void)argc;
    return extreme(ctx, n, a[0], NULL, 1);
}

static const awsc_jmespath_value *f_min(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                        size_t argc)
{
    (void)argc;
    return extreme(ctx, n, a[0], NULL, -1);
}

static const awsc_jmespath_value *f_max_by(awsc_jmespath_ctx *ctx, const jp_node *n,
                                           const awsc_jmespath_value **a, size_t argc)
{
    (void)argc;
    return extreme(ctx, n, a[0], expref_of(a[1]), 1);
}

static const awsc_jmespath_value *f_min_by(awsc_jmespath_ctx *ctx, const jp_node *n,
                                           const awsc_jmespath_value **a, size_t argc)
{
    (void)argc;
    return extreme(ctx, n, a[0], expref_of(a[1]), -1);
}

/* A stable merge sort of idx[] by keys[idx]. */
static void merge_sort(size_t *idx, size_t *tmp, size_t count, const awsc_jmespath_value *const *keys)
{
    if (count < 2)
        return;
    size_t half = count / 2;
    merge_sort(idx, tmp, half, keys);
    merge_sort(idx + half, tmp, count - half, keys);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < count)
        tmp[k++] = cmp_keys(keys[idx[j]], keys[idx[i]]) < 0 ? idx[j++] : idx[i++];
    while (i < half)
        tmp[k++] = idx[i++];
    while (j < count)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, count * sizeof *idx);
}

static const awsc_jmespath_value *sorted(awsc_jmespath_ctx *ctx, const awsc_jmespath_value *arr,
                                         const awsc_jmespath_value *const *keys)
{
    size_t count = arr->u.array.count;
    size_t *idx = jp_alloc(ctx, count * sizeof *idx + 1), *tmp = idx ? jp_alloc(ctx, count * sizeof *tmp + 1) : NULL;
    const awsc_jmespath_value **items = tmp ? jp_alloc(ctx, count * sizeof *items + 1) : NULL;
    if (!items || jp_step(ctx, count * 32))
        return NULL;
    for (size_t i = 0; i < count; i++)
        idx[i] = i;
    merge_sort(idx, tmp, count, keys);
    for (size_t i = 0; i < count; i++)
        items[i] = arr->u.array.items[idx[i]];
    return jp_array(ctx, items, count);
}

static const awsc_jmespath_value *f_sort(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                         size_t argc)
{
    (void)n, (void)argc;
    return sorted(ctx, a[0], a[0]->u.array.items);
}

static const awsc_jmespath_value *f_sort_by(awsc_jmespath_ctx *ctx, const jp_node *n,
                                            const awsc_jmespath_value **a, size_t argc)
{
    (void)argc;
    const awsc_jmespath_value **keys = sort_keys(ctx, n, expref_of(a[1]), a[0]);
    return keys ? sorted(ctx, a[0], keys) : NULL;
}

static const awsc_jmespath_value *f_merge(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                          size_t argc)
{
    (void)n;
    size_t total = 0;
    for (size_t i = 0; i < argc; i++)
        total += a[i]->u.object.count;
    awsc_jmespath_member *out = jp_alloc(ctx, total * sizeof *out + 1);
    if (!out)
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < argc; i++) {
        for (size_t j = 0; j < a[i]->u.object.count; j++) {
            const awsc_jmespath_member *m = &a[i]->u.object.members[j];
            if (jp_step(ctx, count + 1))
                return NULL;
            size_t k = 0;
            while (k < count && !(out[k].key_len == m->key_len && memcmp(out[k].key, m->key, m->key_len) == 0))
                k++;
            if (k == count)
                out[count++] = *m;
            else
                out[k].value = m->value; /* a later object's value wins, in the first one's place */
        }
    }
    return jp_object(ctx, out, count);
}

static const awsc_jmespath_value *f_not_null(awsc_jmespath_ctx *ctx, const jp_node *n,
                                             const awsc_jmespath_value **a, size_t argc)
{
    (void)ctx, (void)n;
    for (size_t i = 0; i < argc; i++)
        if (a[i]->type != AWSC_JMESPATH_NULL)
            return a[i];
    return &jp_null;
}

static const awsc_jmespath_value *f_reverse(awsc_jmespath_ctx *ctx, const jp_node *n,
                                            const awsc_jmespath_value **a, size_t argc)
{
    (void)n, (void)argc;
    const awsc_jmespath_value *v = a[0];
    if (v->type == AWSC_JMESPATH_ARRAY) {
        size_t count = v->u.array.count;
        const awsc_jmespath_value **items = jp_alloc(ctx, count * sizeof *items + 1);
        if (!items)
            return NULL;
        for (size_t i = 0; i < count; i++)
            items[i] = v->u.array.items[count - 1 - i];
        return jp_array(ctx, items, count);
    }
    /* A string: by code points, so that the result is UTF-8 still. */
    size_t len = v->u.string.len;
    char *out = jp_alloc(ctx, len + 1);
    if (!out)
        return NULL;
    const unsigned char *s = (const unsigned char *)v->u.string.data;
    size_t i = 0;
    while (i < len) {
        size_t k = awsc_utf8_seq(s + i, s + len);
        if (!k)
            k = 1; /* not UTF-8 (cannot come from JSON): byte by byte */
        memcpy(out + len - i - k, s + i, k);
        i += k;
    }
    return jp_string(ctx, out, len);
}

static const awsc_jmespath_value *f_to_array(awsc_jmespath_ctx *ctx, const jp_node *n,
                                             const awsc_jmespath_value **a, size_t argc)
{
    (void)n, (void)argc;
    return a[0]->type == AWSC_JMESPATH_ARRAY ? a[0] : jp_array(ctx, a, 1);
}

static const awsc_jmespath_value *f_to_string(awsc_jmespath_ctx *ctx, const jp_node *n,
                                              const awsc_jmespath_value **a, size_t argc)
{
    (void)n, (void)argc;
    if (a[0]->type == AWSC_JMESPATH_STRING)
        return a[0];
    awsc_buf b = AWSC_BUF_INIT;
    size_t room = ctx->limit - ctx->used;
    if (jp_write_json(&b, a[0], room) || b.len > room) {
        awsc_buf_free(&b);
        awsc_error_set(ctx->err, AWSC_E_NOMEM, "jmespath: to_string(): the memory limit was reached");
        return NULL;
    }
    if (jp_step(ctx, b.len)) {
        awsc_buf_free(&b);
        return NULL;
    }
    const awsc_jmespath_value *v = jp_string(ctx, b.data, b.len);
    awsc_buf_free(&b);
    return v;
}

static const awsc_jmespath_value *f_to_number(awsc_jmespath_ctx *ctx, const jp_node *n,
                                              const awsc_jmespath_value **a, size_t argc)
{
    (void)n, (void)argc;
    const awsc_jmespath_value *v = a[0];
    if (v->type == AWSC_JMESPATH_NUMBER)
        return v;
    if (v->type != AWSC_JMESPATH_STRING || v->u.string.len == 0)
        return &jp_null;
    /* A JSON number, nothing else ("0x10", "inf", " 1" are not numbers). */
    const awsc_jmespath_value *parsed = jp_parse_json(ctx, v->u.string.data, v->u.string.len, NULL, false);
    if (!parsed) {
        if (ctx->err->status == AWSC_E_NOMEM)
            return NULL;
        awsc_error_ok(ctx->err);
        return &jp_null;
    }
    return parsed->type == AWSC_JMESPATH_NUMBER ? parsed : &jp_null;
}

static const awsc_jmespath_value *f_type(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value **a,
                                         size_t argc)
{
    (void)n, (void)argc;
    const char *t = jp_type_name(a[0]);
    return jp_string(ctx, t, strlen(t));
}

static const jp_function functions[] = {
    {"abs", 1, 1, {A_NUM}, f_abs},
    {"avg", 1, 1, {A_ARR_NUM}, f_avg},
    {"ceil", 1, 1, {A_NUM}, f_ceil},
    {"contains", 2, 2, {A_ARR | A_STR, A_ANY}, f_contains},
    {"ends_with", 2, 2, {A_STR, A_STR}, f_ends_with},
    {"floor", 1, 1, {A_NUM}, f_floor},
    {"join", 2, 2, {A_STR, A_ARR_STR}, f_join},
    {"keys", 1, 1, {A_OBJ}, f_keys},
    {"length", 1, 1, {A_STR | A_ARR | A_OBJ}, f_length},
    {"map", 2, 2, {A_EXPREF, A_ARR}, f_map},
    {"max", 1, 1, {A_ARR_NUM | A_ARR_STR}, f_max},
    {"max_by", 2, 2, {A_ARR, A_EXPREF}, f_max_by},
    {"merge", 1, -1, {A_OBJ}, f_merge},
    {"min", 1, 1, {A_ARR_NUM | A_ARR_STR}, f_min},
    {"min_by", 2, 2, {A_ARR, A_EXPREF}, f_min_by},
    {"not_null", 1, -1, {A_ANY}, f_not_null},
    {"reverse", 1, 1, {A_ARR | A_STR}, f_reverse},
    {"sort", 1, 1, {A_ARR_NUM | A_ARR_STR}, f_sort},
    {"sort_by", 2, 2, {A_ARR, A_EXPREF}, f_sort_by},
    {"starts_with", 2, 2, {A_STR, A_STR}, f_starts_with},
    {"sum", 1, 1, {A_ARR_NUM}, f_sum},
    {"to_array", 1, 1, {A_ANY}, f_to_array},
    {"to_number", 1, 1, {A_ANY}, f_to_number},
    {"to_string", 1, 1, {A_ANY}, f_to_string},
    {"type", 1, 1, {A_ANY}, f_type},
    {"values", 1, 1, {A_OBJ}, f_values},
};

const jp_function *jp_find_function(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (strlen(functions[i].name) == len && memcmp(functions[i].name, name, len) == 0)
            return &functions[i];
    return NULL;
}

const char *jp_check_arity(const jp_function *fn, size_t argc)
{
    if (fn->max < 0)
        return argc < (size_t)fn->min ? (fn->min == 1 ? "takes at least 1 argument" : "takes at least 2 arguments")
                                      : NULL;
    if (argc == (size_t)fn->min)
        return NULL;
    return fn->min == 1 ? "takes exactly 1 argument" : "takes exactly 2 arguments";
}

static bool all_of(const awsc_jmespath_value *arr, awsc_jmespath_type t)
{
    for (size_t i = 0; i < arr->u.array.count; i++)
        if (arr->u.array.items[i]->type != t)
            return false;
    return true;
}

static bool type_ok(unsigned mask, const awsc_jmespath_value *v)
{
    static const unsigned bits[] = {A_NULL, A_BOOL, A_NUM, A_STR, A_ARR, A_OBJ};
    if (mask & bits[v->type])
        return true;
    if (v->type != AWSC_JMESPATH_ARRAY)
        return false;
    return ((mask & A_ARR_NUM) && all_of(v, AWSC_JMESPATH_NUMBER)) ||
           ((mask & A_ARR_STR) && all_of(v, AWSC_JMESPATH_STRING)) ||
           ((mask & A_ARR_NUM) && (mask & A_ARR_STR) && v->u.array.count == 0);
}

static const char *expected_name(unsigned mask)
{
    switch (mask) {
    case A_NUM: return "a number";
    case A_STR: return "a string";
    case A_OBJ: return "an object";
    case A_ARR: return "an array";
    case A_ARR_NUM: return "an array of numbers";
    case A_ARR_STR: return "an array of strings";
    case A_ARR_NUM | A_ARR_STR: return "an array of numbers or an array of strings";
    case A_ARR | A_STR: return "an array or a string";
    case A_STR | A_ARR | A_OBJ: return "a string, an array or an object";
    case A_EXPREF: return "an expression reference (&expr)";
    default: return "a value";
    }
}

const awsc_jmespath_value *jp_call(awsc_jmespath_ctx *ctx, const jp_node *n, const awsc_jmespath_value *current)
{
    const jp_function *fn = n->fn;
    const awsc_jmespath_value *args[16];
    expref_value refs[16];
    char what[160]; /* the longest message with the longest type names, with room */
    for (size_t i = 0; i < n->count; i++) {
        unsigned mask = fn->types[(int)i < (fn->max < 0 ? fn->min : fn->max) ? i : (size_t)(fn->min - 1)];
        const jp_node *arg = n->items[i];
        if (arg->kind == N_EXPREF) {
            if (!(mask & A_EXPREF)) {
                snprintf(what, sizeof what, "(): argument %zu must be %s, got an expression reference", i + 1,
                         expected_name(mask));
                return fail(ctx, n, fn->name, what, NULL);
            }
            refs[i].head = jp_null;
            refs[i].node = arg->lhs;
            args[i] = &refs[i].head;
            continue;
        }
        if (!(args[i] = jp_eval(ctx, arg, current)))
            return NULL;
        if (!type_ok(mask, args[i])) {
            snprintf(what, sizeof what, "(): argument %zu must be %s, got ", i + 1, expected_name(mask));
            return fail(ctx, n, fn->name, what, jp_type_name(args[i]));
        }
    }
    return fn->impl(ctx, n, args, n->count);
}
