/* JMESPath values: the context that owns them, JSON in and out, equality. */
#include "jmespath/jmespath_internal.h"
#include "serde/scalar.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const awsc_jmespath_value jp_null = {.type = AWSC_JMESPATH_NULL};
const awsc_jmespath_value jp_true = {.type = AWSC_JMESPATH_BOOL, .u.boolean = true};
const awsc_jmespath_value jp_false = {.type = AWSC_JMESPATH_BOOL, .u.boolean = false};

awsc_jmespath_ctx *awsc_jmespath_ctx_new(size_t memory_limit)
{
    awsc_jmespath_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->arena = awsc_arena_create();
    if (!ctx->arena) {
        free(ctx);
        return NULL;
    }
    ctx->limit = memory_limit ? memory_limit : AWSC_JMESPATH_DEFAULT_MEMORY;
    ctx->max_steps = AWSC_JMESPATH_DEFAULT_MAX_STEPS;
    return ctx;
}

void awsc_jmespath_ctx_set_max_steps(awsc_jmespath_ctx *ctx, unsigned long long max_steps)
{
    if (ctx)
        ctx->max_steps = max_steps ? max_steps : AWSC_JMESPATH_DEFAULT_MAX_STEPS;
}

void awsc_jmespath_ctx_free(awsc_jmespath_ctx *ctx)
{
    if (!ctx)
        return;
    awsc_arena_destroy(ctx->arena);
    free(ctx);
}

size_t awsc_jmespath_error_offset(const awsc_jmespath_ctx *ctx)
{
    return ctx ? ctx->error_offset : 0;
}

void *jp_alloc(awsc_jmespath_ctx *ctx, size_t size)
{
    if (size > ctx->limit - ctx->used) {
        awsc_error_set(ctx->err, AWSC_E_NOMEM, "jmespath: the memory limit of %zu bytes was reached", ctx->limit);
        return NULL;
    }
    void *p = awsc_arena_alloc(ctx->arena, size);
    if (!p) {
        awsc_error_nomem(ctx->err);
        return NULL;
    }
    ctx->used += size + 16; /* and the arena's alignment */
    return p;
}

char *jp_strndup(awsc_jmespath_ctx *ctx, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = jp_alloc(ctx, len + 1);
    if (p && len)
        memcpy(p, s, len);
    return p;
}

int jp_step(awsc_jmespath_ctx *ctx, unsigned long long n)
{
    ctx->steps += n;
    if (ctx->steps > ctx->max_steps) {
        awsc_error_set(ctx->err, AWSC_E_VALIDATION, "jmespath: the evaluation takes more than %llu steps",
                       ctx->max_steps);
        return -1;
    }
    return 0;
}

const awsc_jmespath_value *jp_number(awsc_jmespath_ctx *ctx, double d)
{
    awsc_jmespath_value *v = jp_alloc(ctx, sizeof *v);
    if (v) {
        v->type = AWSC_JMESPATH_NUMBER;
        v->u.number.value = d;
    }
    return v;
}

const awsc_jmespath_value *jp_string(awsc_jmespath_ctx *ctx, const char *s, size_t len)
{
    awsc_jmespath_value *v = jp_alloc(ctx, sizeof *v);
    char *copy = v ? jp_strndup(ctx, s, len) : NULL;
    if (!copy)
        return NULL;
    v->type = AWSC_JMESPATH_STRING;
    v->u.string.data = copy;
    v->u.string.len = len;
    return v;
}

static int check_depth(awsc_jmespath_ctx *ctx, unsigned depth)
{
    if (depth > AWSC_JMESPATH_MAX_DEPTH)
        return awsc_error_set(ctx->err, AWSC_E_VALIDATION, "jmespath: a value nests deeper than %d levels",
                              AWSC_JMESPATH_MAX_DEPTH);
    return 0;
}

const awsc_jmespath_value *jp_array(awsc_jmespath_ctx *ctx, const awsc_jmespath_value *const *items, size_t count)
{
    unsigned depth = 0;
    for (size_t i = 0; i < count; i++)
        if (items[i]->depth > depth)
            depth = items[i]->depth;
    if (check_depth(ctx, depth + 1))
        return NULL;
    if (count > SIZE_MAX / sizeof *items)
        return awsc_error_nomem(ctx->err), NULL;
    awsc_jmespath_value *v = jp_alloc(ctx, sizeof *v);
    const awsc_jmespath_value **copy = v ? jp_alloc(ctx, count * sizeof *items) : NULL;
    if (!copy)
        return NULL;
    if (count)
        memcpy(copy, items, count * sizeof *items);
    v->type = AWSC_JMESPATH_ARRAY;
    v->depth = depth + 1;
    v->u.array.items = copy;
    v->u.array.count = count;
    return v;
}

const awsc_jmespath_value *jp_object(awsc_jmespath_ctx *ctx, const awsc_jmespath_member *members, size_t count)
{
    unsigned depth = 0;
    for (size_t i = 0; i < count; i++)
        if (members[i].value->depth > depth)
            depth = members[i].value->depth;
    if (check_depth(ctx, depth + 1))
        return NULL;
    if (count > SIZE_MAX / sizeof *members)
        return awsc_error_nomem(ctx->err), NULL;
    awsc_jmespath_value *v = jp_alloc(ctx, sizeof *v);
    awsc_jmespath_member *copy = v ? jp_alloc(ctx, count * sizeof *members) : NULL;
    if (!copy)
        return NULL;
    if (count)
        memcpy(copy, members, count * sizeof *members);
    v->type = AWSC_JMESPATH_OBJECT;
    v->depth = depth + 1;
    v->u.object.members = copy;
    v->u.object.count = count;
    return v;
}

/* ---- JSON in ---- */

typedef struct reader {
    awsc_jmespath_ctx *ctx;
    const char *s;
    size_t len, pos;
    unsigned depth;
} reader;

static const awsc_jmespath_value *json_fail(reader *r, const char *what)
{
    if (r->ctx->err->status == AWSC_OK)
        awsc_error_set(r->ctx->err, AWSC_E_VALIDATION, "invalid JSON at byte %zu: %s", r->pos, what);
    return NULL;
}

static void skip_ws(reader *r)
{
    while (r->pos < r->len && strchr(" \t\r\n", r->s[r->pos]) && r->s[r->pos])
        r->pos++;
}

/* A JSON string at r->pos (on the quote), unescaped into the arena. */
static const char *json_string(reader *r, size_t *out_len)
{
    r->pos++;
    awsc_buf b = AWSC_BUF_INIT;
    const unsigned char *end = (const unsigned char *)r->s + r->len;
    for (;;) {
        if (r->pos >= r->len) {
            awsc_buf_free(&b);
            return json_fail(r, "unterminated string"), NULL;
        }
        unsigned char c = (unsigned char)r->s[r->pos];
        int rc = 0;
        if (c == '"') {
            r->pos++;
            break;
        } else if (c < 0x20) {
            awsc_buf_free(&b);
            return json_fail(r, "control character in a string"), NULL;
        } else if (c == '\\') {
            if (r->pos + 1 >= r->len) {
                awsc_buf_free(&b);
                return json_fail(r, "unterminated escape"), NULL;
            }
            char e = r->s[r->pos + 1];
            const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *hit = e ? strchr(from, e) : NULL;
            if (hit) {
                rc = awsc_buf_putc(&b, to[hit - from]);
                r->pos += 2;
            } else if (e == 'u') {
                unsigned cp, lo;
                if (r->pos + 6 > r->len || awsc_hex4(r->s + r->pos + 2, &cp)) {
                    awsc_buf_free(&b);
                    return json_fail(r, "bad \\u escape"), NULL;
                }
                r->pos += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (r->pos + 6 > r->len || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u' ||
                        awsc_hex4(r->s + r->pos + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                        awsc_buf_free(&b);
                        return json_fail(r, "unpaired surrogate"), NULL;
                    }
                    r->pos += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    awsc_buf_free(&b);
                    return json_fail(r, "unpaired surrogate"), NULL;
                }
                rc = awsc_utf8_put(&b, cp);
            } else {
                awsc_buf_free(&b);
                return json_fail(r, "bad escape"), NULL;
            }
        } else {
            size_t n = awsc_utf8_seq((const unsigned char *)r->s + r->pos, end);
            if (!n) {
                awsc_buf_free(&b);
                return json_fail(r, "invalid UTF-8"), NULL;
            }
            rc = awsc_buf_append(&b, r->s + r->pos, n);
            r->pos += n;
        }
        if (rc) {
            awsc_buf_free(&b);
            return awsc_error_nomem(r->ctx->err), NULL;
        }
    }
    *out_len = b.len;
    char *s = jp_strndup(r->ctx, b.data ? b.data : "", b.len);
    awsc_buf_free(&b);
    return s;
}

static const awsc_jmespath_value *json_value(reader *r);

/* Items gathered on the heap while a container is read, then copied to the arena. */
typedef struct vec {
    void *data;
    size_t count, cap, size;
} vec;

static int vec_push(vec *v, const void *item)
{
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void *d = cap < SIZE_MAX / v->size ? realloc(v->data, cap * v->size) : NULL;
        if (!d)
            return -1;
        v->data = d, v->cap = cap;
    }
    memcpy((char *)v->data + v->count++ * v->size, item, v->size);
    return 0;
}

static const awsc_jmespath_value *json_container(reader *r, bool object)
{
    if (++r->depth > AWSC_JMESPATH_MAX_DEPTH)
        return json_fail(r, "nested too deeply");
    r->pos++;
    vec items = {NULL, 0, 0, object ? sizeof(awsc_jmespath_member) : sizeof(awsc_jmespath_value *)};
    const awsc_jmespath_value *result = NULL;
    char close = object ? '}' : ']';
    skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == close) {
        r->pos++;
    } else {
        for (;;) {
            skip_ws(r);
            awsc_jmespath_member m = {0};
            if (object) {
                if (r->pos >= r->len || r->s[r->pos] != '"') {
                    json_fail(r, "expected a key");
                    goto out;
                }
                if (!(m.key = json_string(r, &m.key_len)))
                    goto out;
                skip_ws(r);
                if (r->pos >= r->len || r->s[r->pos] != ':') {
                    json_fail(r, "expected ':'");
                    goto out;
                }
                r->pos++;
            }
            const awsc_jmespath_value *v = json_value(r);
            if (!v)
                goto out;
            m.value = v;
            if (object ? vec_push(&items, &m) : vec_push(&items, &v)) {
                awsc_error_nomem(r->ctx->err);
                goto out;
            }
            skip_ws(r);
            if (r->pos < r->len && r->s[r->pos] == ',') {
                r->pos++;
                continue;
            }
            if (r->pos < r->len && r->s[r->pos] == close) {
                r->pos++;
                break;
            }
            json_fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
            goto out;
        }
    }
    result = object ? jp_object(r->ctx, items.data, items.count) : jp_array(r->ctx, items.data, items.count);
out:
    free(items.data);
    r->depth--;
    return result;
}

static const awsc_jmespath_value *json_number(reader *r)
{
    size_t start = r->pos, p = r->pos;
    const char *s = r->s;
    if (p < r->len && s[p] == '-')
        p++;
    if (p >= r->len || !(s[p] >= '0' && s[p] <= '9'))
        return json_fail(r, "unexpected character");
    if (s[p] == '0')
        p++;
    else
        while (p < r->len && s[p] >= '0' && s[p] <= '9')
            p++;
    if (p < r->len && s[p] == '.') {
        p++;
        if (p >= r->len || !(s[p] >= '0' && s[p] <= '9'))
            return r->pos = p, json_fail(r, "digits expected after '.'");
        while (p < r->len && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    if (p < r->len && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < r->len && (s[p] == '+' || s[p] == '-'))
            p++;
        if (p >= r->len || !(s[p] >= '0' && s[p] <= '9'))
            return r->pos = p, json_fail(r, "digits expected in the exponent");
        while (p < r->len && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    r->pos = p;
    char *text = jp_strndup(r->ctx, s + start, p - start);
    awsc_jmespath_value *v = text ? jp_alloc(r->ctx, sizeof *v) : NULL;
    if (!v)
        return NULL;
    v->type = AWSC_JMESPATH_NUMBER;
    v->u.number.value = awsc_strtod_dot(text, NULL);
    v->u.number.text = text;
    return v;
}

static const awsc_jmespath_value *json_value(reader *r)
{
    skip_ws(r);
    if (r->pos >= r->len)
        return json_fail(r, "value expected");
    char c = r->s[r->pos];
    if (c == '{' || c == '[')
        return json_container(r, c == '{');
    if (c == '"') {
        size_t n;
        const char *s = json_string(r, &n);
        awsc_jmespath_value *v = s ? jp_alloc(r->ctx, sizeof *v) : NULL;
        if (!v)
            return NULL;
        v->type = AWSC_JMESPATH_STRING;
        v->u.string.data = s;
        v->u.string.len = n;
        return v;
    }
    static const struct {
        const char *word;
        const awsc_jmespath_value *v;
    } words[] = {{"true", &jp_true}, {"false", &jp_false}, {"null", &jp_null}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if (r->len - r->pos >= n && memcmp(r->s + r->pos, words[i].word, n) == 0) {
            r->pos += n;
            return words[i].v;
        }
    }
    return json_number(r);
}

const awsc_jmespath_value *jp_parse_json(awsc_jmespath_ctx *ctx, const char *text, size_t len, size_t *pos,
                                         bool prefix)
{
    reader r = {ctx, text, len, pos ? *pos : 0, 0};
    const awsc_jmespath_value *v = json_value(&r);
    if (v && !prefix) {
        skip_ws(&r);
        if (r.pos != len)
            v = json_fail(&r, "text after the value");
    }
    if (pos)
        *pos = r.pos;
    return v;
}

int awsc_jmespath_parse_json(awsc_jmespath_ctx *ctx, const char *text, size_t len, const awsc_jmespath_value **out,
                             awsc_error *err)
{
    awsc_error_ok(err);
    *out = NULL;
    if (!ctx || (!text && len))
        return awsc_error_set(err, AWSC_E_VALIDATION, "jmespath: no context or text");
    ctx->err = awsc_error_target(err);
    const awsc_jmespath_value *v = jp_parse_json(ctx, text ? text : "", len, NULL, false);
    ctx->err = NULL;
    if (!v)
        return awsc_error_target(err)->status;
    *out = v;
    return AWSC_OK;
}

/* ---- JSON out ---- */

static int write_string(awsc_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (awsc_buf_putc(out, '"'))
        return -1;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (awsc_buf_append(out, s + run, i - run))
            return -1;
        run = i + 1;
        char esc[7] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15], n = 6;
        }
        if (awsc_buf_append(out, esc, n))
            return -1;
    }
    if (awsc_buf_append(out, s + run, len - run) || awsc_buf_putc(out, '"'))
        return -1;
    return 0;
}

int jp_write_json(awsc_buf *out, const awsc_jmespath_value *v, size_t max)
{
    if (out->len > max)
        return -1;
    switch (v->type) {
    case AWSC_JMESPATH_NULL:
        return awsc_buf_puts(out, "null");
    case AWSC_JMESPATH_BOOL:
        return awsc_buf_puts(out, v->u.boolean ? "true" : "false");
    case AWSC_JMESPATH_NUMBER: {
        if (v->u.number.text)
            return awsc_buf_puts(out, v->u.number.text);
        if (!isfinite(v->u.number.value))
            return awsc_buf_puts(out, "null");
        char text[32];
        awsc_format_double(text, v->u.number.value, false);
        return awsc_buf_puts(out, text);
    }
    case AWSC_JMESPATH_STRING:
        return write_string(out, v->u.string.data, v->u.string.len);
    case AWSC_JMESPATH_ARRAY:
        if (awsc_buf_putc(out, '['))
            return -1;
        for (size_t i = 0; i < v->u.array.count; i++)
            if ((i && awsc_buf_putc(out, ',')) || jp_write_json(out, v->u.array.items[i], max))
                return -1;
        return awsc_buf_putc(out, ']');
    case AWSC_JMESPATH_OBJECT:
        if (awsc_buf_putc(out, '{'))
            return -1;
        for (size_t i = 0; i < v->u.object.count; i++) {
            const awsc_jmespath_member *m = &v->u.object.members[i];
            if ((i && awsc_buf_putc(out, ',')) || write_string(out, m->key, m->key_len) || awsc_buf_putc(out, ':') ||
                jp_write_json(out, m->value, max))
                return -1;
        }
        return awsc_buf_putc(out, '}');
    }
    return -1;
}

char *awsc_jmespath_to_json(const awsc_jmespath_value *value, size_t *len)
{
    return awsc_jmespath_to_json_bounded(value, 0, len);
}

char *awsc_jmespath_to_json_bounded(const awsc_jmespath_value *value, size_t max_len, size_t *len)
{
    if (!max_len)
        max_len = AWSC_JMESPATH_DEFAULT_MEMORY;
    awsc_buf b = AWSC_BUF_INIT;
    if (!value || jp_write_json(&b, value, max_len) || b.len > max_len) {
        awsc_buf_free(&b);
        return NULL;
    }
    if (len)
        *len = b.len;
    return awsc_buf_take(&b);
}

/* ---- the rest ---- */

bool awsc_jmespath_truthy(const awsc_jmespath_value *v)
{
    if (!v)
        return false;
    switch (v->type) {
    case AWSC_JMESPATH_NULL:
        return false;
    case AWSC_JMESPATH_BOOL:
        return v->u.boolean;
    case AWSC_JMESPATH_NUMBER:
        return true;
    case AWSC_JMESPATH_STRING:
        return v->u.string.len > 0;
    case AWSC_JMESPATH_ARRAY:
        return v->u.array.count > 0;
    case AWSC_JMESPATH_OBJECT:
        return v->u.object.count > 0;
    }
    return false;
}

const awsc_jmespath_value *awsc_jmespath_get(const awsc_jmespath_value *object, const char *key)
{
    if (!object || !key || object->type != AWSC_JMESPATH_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = object->u.object.count; i-- > 0;) {
        const awsc_jmespath_member *m = &object->u.object.members[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0)
            return m->value;
    }
    return NULL;
}

const char *jp_type_name(const awsc_jmespath_value *v)
{
    static const char *const names[] = {"null", "boolean", "number", "string", "array", "object"};
    return names[v->type];
}

static const awsc_jmespath_value *lookup(const awsc_jmespath_value *o, const char *key, size_t n)
{
    for (size_t i = o->u.object.count; i-- > 0;) {
        const awsc_jmespath_member *m = &o->u.object.members[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0)
            return m->value;
    }
    return NULL;
}

int jp_equal(awsc_jmespath_ctx *ctx, const awsc_jmespath_value *a, const awsc_jmespath_value *b)
{
    if (a == b)
        return 1;
    if (jp_step(ctx, 1))
        return -1;
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case AWSC_JMESPATH_NULL:
        return 1;
    case AWSC_JMESPATH_BOOL:
        return a->u.boolean == b->u.boolean;
    case AWSC_JMESPATH_NUMBER:
        return a->u.number.value == b->u.number.value;
    case AWSC_JMESPATH_STRING:
        return a->u.string.len == b->u.string.len && memcmp(a->u.string.data, b->u.string.data, a->u.string.len) == 0;
    case AWSC_JMESPATH_ARRAY:
        if (a->u.array.count != b->u.array.count)
            return 0;
        for (size_t i = 0; i < a->u.array.count; i++) {
            int eq = jp_equal(ctx, a->u.array.items[i], b->u.array.items[i]);
            if (eq != 1)
                return eq;
        }
        return 1;
    case AWSC_JMESPATH_OBJECT: {
        /* Keys are compared as sets (the last of duplicates wins, as in a lookup). */
        for (int pass = 0; pass < 2; pass++) {
            const awsc_jmespath_value *x = pass ? b : a, *y = pass ? a : b;
            if (jp_step(ctx, x->u.object.count * (y->u.object.count + 1)))
                return -1;
            for (size_t i = 0; i < x->u.object.count; i++) {
                const awsc_jmespath_member *m = &x->u.object.members[i];
                const awsc_jmespath_value *other = lookup(y, m->key, m->key_len);
                if (!other)
                    return 0;
                if (pass == 0) {
                    int eq = jp_equal(ctx, lookup(x, m->key, m->key_len), other);
                    if (eq != 1)
                        return eq;
                }
            }
        }
        return 1;
    }
    }
    return 0;
}

int awsc_jmespath_search(const char *expression, const char *json, size_t len, char **result, awsc_error *err)
{
    awsc_error_ok(err);
    if (!result || !expression)
        return awsc_error_set(err, AWSC_E_VALIDATION, "jmespath: no expression or result");
    *result = NULL;
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
    if (!ctx)
        return awsc_error_nomem(err);
    const awsc_jmespath_expr *e;
    const awsc_jmespath_value *data, *out;
    int rc = awsc_jmespath_compile(ctx, expression, &e, err);
    if (!rc)
        rc = awsc_jmespath_parse_json(ctx, json, len, &data, err);
    if (!rc)
        rc = awsc_jmespath_eval(ctx, e, data, &out, err);
    if (!rc && !(*result = awsc_jmespath_to_json(out, NULL)))
        rc = awsc_error_set(err, AWSC_E_NOMEM, "jmespath: the result is too large or memory ran out");
    awsc_jmespath_ctx_free(ctx);
    return rc;
}
