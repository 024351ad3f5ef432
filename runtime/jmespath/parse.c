/*
 * JMESPath expressions: a lexer and a Pratt parser (top-down operator
 * precedence, as the specification's reference implementation parses) into
 * the tree that eval.c walks.
 */
#include "jmespath/jmespath_internal.h"
#include "serde/scalar.h"
#include "util/error.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tok_kind {
    T_EOF, T_IDENT, T_QIDENT, T_NUMBER, T_LITERAL, T_DOT, T_STAR, T_FLATTEN, T_FILTER, T_LBRACKET,
    T_RBRACKET, T_LBRACE, T_RBRACE, T_LPAREN, T_RPAREN, T_COMMA, T_COLON, T_AT, T_EXPREF, T_PIPE,
    T_OR, T_AND, T_NOT, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE
} tok_kind;

static const char *const tok_names[] = {
    "the end of the expression", "an identifier", "a quoted identifier", "a number", "a literal", "'.'", "'*'",
    "'[]'", "'[?'", "'['", "']'", "'{'", "'}'", "'('", "')'", "','", "':'", "'@'", "'&'", "'|'", "'||'",
    "'&&'", "'!'", "'=='", "'!='", "'<'", "'<='", "'>'", "'>='"};

/* Binding powers, the reference implementation's. */
static const int binding_power[] = {
    [T_EOF] = 0, [T_IDENT] = 0, [T_QIDENT] = 0, [T_NUMBER] = 0, [T_LITERAL] = 0, [T_RBRACKET] = 0,
    [T_RPAREN] = 0, [T_COMMA] = 0, [T_RBRACE] = 0, [T_COLON] = 0, [T_AT] = 0, [T_EXPREF] = 0,
    [T_PIPE] = 1, [T_OR] = 2, [T_AND] = 3, [T_EQ] = 5, [T_NE] = 5, [T_LT] = 5, [T_LE] = 5, [T_GT] = 5,
    [T_GE] = 5, [T_FLATTEN] = 9, [T_STAR] = 20, [T_FILTER] = 21, [T_DOT] = 40, [T_NOT] = 45,
    [T_LBRACE] = 50, [T_LBRACKET] = 55, [T_LPAREN] = 60};
#define PROJECTION_STOP 10

typedef struct token {
    tok_kind kind;
    size_t pos;
    const char *text; /* identifiers: the name (unescaped) */
    size_t len;
    long long number;
    const awsc_jmespath_value *value; /* literals */
} token;

typedef struct parser {
    awsc_jmespath_ctx *ctx;
    const char *src;
    size_t src_len;
    token *toks;
    size_t count, at;
    unsigned depth; /* recursion of expression() */
} parser;

static int syntax_error(parser *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int syntax_error(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->ctx->err->status != AWSC_OK)
        return -1;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->ctx->error_offset = pos;
    awsc_error_set(p->ctx->err, AWSC_E_VALIDATION, "jmespath: syntax error at column %zu: %s", pos + 1, msg);
    return -1;
}

/* ---- lexer ---- */

static bool ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
    return ident_start(c) || (c >= '0' && c <= '9');
}

/* The end of a quoted run starting after `open` at i: the index of the closing quote, or len. */
static size_t run_end(const char *s, size_t len, size_t i, char quote)
{
    while (i < len && s[i] != quote)
        i += s[i] == '\\' && i + 1 < len ? 2 : 1;
    return i;
}

static int push(parser *p, size_t *cap, token t)
{
    if (p->count == *cap) {
        size_t ncap = *cap * 2;
        token *n = jp_alloc(p->ctx, ncap * sizeof *n);
        if (!n)
            return -1;
        memcpy(n, p->toks, p->count * sizeof *n);
        p->toks = n, *cap = ncap;
    }
    p->toks[p->count++] = t;
    return 0;
}

static int lex(parser *p)
{
    const char *s = p->src;
    size_t len = p->src_len, i = 0, cap = 16;
    if (!(p->toks = jp_alloc(p->ctx, cap * sizeof *p->toks)))
        return -1;
    /* Strings of the expression become values: UTF-8 only, as JSON's. */
    const unsigned char *u = (const unsigned char *)s;
    for (size_t k = 0; k < len;) {
        size_t n = awsc_utf8_seq(u + k, u + len);
        if (!n)
            return syntax_error(p, k, "invalid UTF-8");
        k += n;
    }
    while (i < len) {
        char c = s[i];
        token t = {.pos = i};
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        if (ident_start(c)) {
            size_t j = i;
            while (j < len && ident_char(s[j]))
                j++;
            t.kind = T_IDENT, t.text = s + i, t.len = j - i;
            i = j;
        } else if (c == '"') {
            size_t end = run_end(s, len, i + 1, '"');
            if (end >= len)
                return syntax_error(p, i, "unterminated quoted identifier");
            size_t at = i;
            const awsc_jmespath_value *v = jp_parse_json(p->ctx, s, end + 1, &at, true);
            if (!v) {
                p->ctx->err->status = AWSC_OK; /* replaced by the syntax error */
                return syntax_error(p, i, "invalid quoted identifier (a JSON string)");
            }
            t.kind = T_QIDENT, t.text = v->u.string.data, t.len = v->u.string.len;
            i = end + 1;
        } else if (c == '\'') {
            size_t end = run_end(s, len, i + 1, '\'');
            if (end >= len)
                return syntax_error(p, i, "unterminated raw string");
            /* Only \' is an escape in a raw string; every other backslash stays. */
            char *text = jp_alloc(p->ctx, end - i);
            if (!text)
                return -1;
            size_t n = 0;
            for (size_t k = i + 1; k < end; k++) {
                if (s[k] == '\\' && k + 1 < end && s[k + 1] == '\'')
                    k++;
                text[n++] = s[k];
            }
            if (!(t.value = jp_string(p->ctx, text, n)))
                return -1;
            t.kind = T_LITERAL;
            i = end + 1;
        } else if (c == '`') {
            size_t end = run_end(s, len, i + 1, '`');
            if (end >= len)
                return syntax_error(p, i, "unterminated literal");
            char *text = jp_alloc(p->ctx, end - i);
            if (!text)
                return -1;
            size_t n = 0;
            for (size_t k = i + 1; k < end; k++) {
                if (s[k] == '\\' && k + 1 < end && s[k + 1] == '`')
                    k++;
                text[n++] = s[k];
            }
            t.value = jp_parse_json(p->ctx, text, n, NULL, false);
            if (!t.value && p->ctx->err->status != AWSC_E_NOMEM) {
                /* The deprecated form: `foo` is the string "foo" (the text as a JSON string's body). */
                awsc_error_ok(p->ctx->err);
                size_t skip = strspn(text, " \t\r\n");
                char *quoted = jp_alloc(p->ctx, n - skip + 3);
                if (!quoted)
                    return -1;
                quoted[0] = '"';
                memcpy(quoted + 1, text + skip, n - skip);
                quoted[n - skip + 1] = '"';
                t.value = jp_parse_json(p->ctx, quoted, n - skip + 2, NULL, false);
            }
            if (!t.value) {
                if (p->ctx->err->status == AWSC_E_NOMEM)
                    return -1;
                p->ctx->err->status = AWSC_OK;
                return syntax_error(p, i, "invalid JSON literal");
            }
            t.kind = T_LITERAL;
            i = end + 1;
        } else if ((c >= '0' && c <= '9') || c == '-') {
            size_t j = i + (c == '-');
            if (j >= len || !(s[j] >= '0' && s[j] <= '9'))
                return syntax_error(p, i, "'-' must be followed by digits");
            while (j < len && s[j] >= '0' && s[j] <= '9')
                j++;
            /* Past 64 bits an index is out of range as surely as at the limit: saturate. */
            long long v = 0;
            for (size_t k = i + (c == '-'); k < j; k++)
                v = v > (LLONG_MAX - 9) / 10 ? LLONG_MAX : v * 10 + (s[k] - '0');
            t.number = c == '-' ? -v : v;
            t.kind = T_NUMBER;
            i = j;
        } else {
            char n = i + 1 < len ? s[i + 1] : '\0';
            size_t w = 1;
            switch (c) {
            case '.': t.kind = T_DOT; break;
            case '*': t.kind = T_STAR; break;
            case ']': t.kind = T_RBRACKET; break;
            case '{': t.kind = T_LBRACE; break;
            case '}': t.kind = T_RBRACE; break;
            case '(': t.kind = T_LPAREN; break;
            case ')': t.kind = T_RPAREN; break;
            case ',': t.kind = T_COMMA; break;
            case ':': t.kind = T_COLON; break;
            case '@': t.kind = T_AT; break;
            case '[':
                t.kind = n == ']' ? T_FLATTEN : n == '?' ? T_FILTER : T_LBRACKET;
                w = t.kind == T_LBRACKET ? 1 : 2;
                break;
            case '|': t.kind = n == '|' ? T_OR : T_PIPE, w = n == '|' ? 2 : 1; break;
            case '&': t.kind = n == '&' ? T_AND : T_EXPREF, w = n == '&' ? 2 : 1; break;
            case '!': t.kind = n == '=' ? T_NE : T_NOT, w = n == '=' ? 2 : 1; break;
            case '<': t.kind = n == '=' ? T_LE : T_LT, w = n == '=' ? 2 : 1; break;
            case '>': t.kind = n == '=' ? T_GE : T_GT, w = n == '=' ? 2 : 1; break;
            case '=':
                if (n != '=')
                    return syntax_error(p, i, "'=' is not an operator (did you mean '=='?)");
                t.kind = T_EQ, w = 2;
                break;
            default:
                if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
                    return syntax_error(p, i, "unexpected character '%c'", c);
                return syntax_error(p, i, "unexpected character 0x%02x", (unsigned char)c);
            }
            i += w;
        }
        if (push(p, &cap, t))
            return -1;
    }
    token eof = {.kind = T_EOF, .pos = len};
    return push(p, &cap, eof);
}

/* ---- parser ---- */

static const token *peek(const parser *p, size_t ahead)
{
    size_t i = p->at + ahead;
    return &p->toks[i < p->count ? i : p->count - 1];
}

static tok_kind kind_at(const parser *p, size_t ahead)
{
    return peek(p, ahead)->kind;
}

static const token *advance(parser *p)
{
    const token *t = peek(p, 0);
    if (p->at + 1 < p->count)
        p->at++;
    return t;
}

static int unexpected(parser *p, const char *expected)
{
    const token *t = peek(p, 0);
    if (expected)
        return syntax_error(p, t->pos, "expected %s, found %s", expected, tok_names[t->kind]);
    return syntax_error(p, t->pos, "unexpected %s", tok_names[t->kind]);
}

static int match(parser *p, tok_kind k)
{
    if (kind_at(p, 0) != k)
        return unexpected(p, tok_names[k]);
    advance(p);
    return 0;
}

static jp_node *node(parser *p, jp_kind kind, size_t pos, const jp_node *lhs, const jp_node *rhs)
{
    jp_node *n = jp_alloc(p->ctx, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind, n->pos = pos, n->lhs = lhs, n->rhs = rhs;
    unsigned d = 0;
    if (lhs && lhs->depth > d)
        d = lhs->depth;
    if (rhs && rhs->depth > d)
        d = rhs->depth;
    n->depth = d + 1;
    if (n->depth > AWSC_JMESPATH_MAX_DEPTH) {
        syntax_error(p, pos, "the expression nests deeper than %d levels", AWSC_JMESPATH_MAX_DEPTH);
        return NULL;
    }
    return n;
}

/* Raises n's depth for a child not in lhs/rhs; NULL when too deep. */
static jp_node *adopt(parser *p, jp_node *n, const jp_node *child)
{
    if (child->depth + 1 > n->depth)
        n->depth = child->depth + 1;
    if (n->depth > AWSC_JMESPATH_MAX_DEPTH) {
        syntax_error(p, n->pos, "the expression nests deeper than %d levels", AWSC_JMESPATH_MAX_DEPTH);
        return NULL;
    }
    return n;
}

static const jp_node *expression(parser *p, int bp);

static const jp_node *identity(parser *p, size_t pos)
{
    return node(p, N_IDENTITY, pos, NULL, NULL);
}

/* What follows a projection: nothing (bp below the stop), [..], [?..] or .rhs. */
static const jp_node *dot_rhs(parser *p, int bp);

static const jp_node *projection_rhs(parser *p, int bp)
{
    const token *t = peek(p, 0);
    if (binding_power[t->kind] < PROJECTION_STOP)
        return identity(p, t->pos);
    if (t->kind == T_LBRACKET || t->kind == T_FILTER)
        return expression(p, bp);
    if (t->kind == T_DOT) {
        advance(p);
        return dot_rhs(p, bp);
    }
    unexpected(p, NULL);
    return NULL;
}

/* A list of expressions up to `close`, separated by commas; at least one. */
static const jp_node *multi_select_list(parser *p, size_t pos)
{
    jp_node *n = node(p, N_MULTI_LIST, pos, NULL, NULL);
    const jp_node *items[64];
    const jp_node **all = items;
    size_t cap = 64;
    if (!n)
        return NULL;
    for (;;) {
        const jp_node *e = expression(p, 0);
        if (!e || !adopt(p, n, e))
            return NULL;
        if (n->count == cap) {
            const jp_node **more = jp_alloc(p->ctx, cap * 2 * sizeof *more);
            if (!more)
                return NULL;
            memcpy(more, all, cap * sizeof *more);
            all = more, cap *= 2;
        }
        all[n->count++] = e;
        if (kind_at(p, 0) == T_RBRACKET)
            break;
        if (match(p, T_COMMA))
            return NULL;
    }
    advance(p);
    n->items = jp_alloc(p->ctx, n->count * sizeof *n->items);
    if (!n->items)
        return NULL;
    memcpy(n->items, all, n->count * sizeof *n->items);
    return n;
}

static const jp_node *multi_select_hash(parser *p, size_t pos)
{
    jp_node *n = node(p, N_MULTI_HASH, pos, NULL, NULL);
    size_t cap = 8;
    if (!n || !(n->items = jp_alloc(p->ctx, cap * sizeof *n->items)) ||
        !(n->keys = jp_alloc(p->ctx, cap * sizeof *n->keys)) ||
        !(n->key_lens = jp_alloc(p->ctx, cap * sizeof *n->key_lens)))
        return NULL;
    for (;;) {
        const token *key = peek(p, 0);
        if (key->kind != T_IDENT && key->kind != T_QIDENT) {
            unexpected(p, "a key (an identifier)");
            return NULL;
        }
        advance(p);
        if (match(p, T_COLON))
            return NULL;
        const jp_node *e = expression(p, 0);
        if (!e || !adopt(p, n, e))
            return NULL;
        if (n->count == cap) {
            const jp_node **items = jp_alloc(p->ctx, cap * 2 * sizeof *items);
            const char **keys = items ? jp_alloc(p->ctx, cap * 2 * sizeof *keys) : NULL;
            size_t *lens = keys ? jp_alloc(p->ctx, cap * 2 * sizeof *lens) : NULL;
            if (!lens)
                return NULL;
            memcpy(items, n->items, cap * sizeof *items);
            memcpy(keys, n->keys, cap * sizeof *keys);
            memcpy(lens, n->key_lens, cap * sizeof *lens);
            n->items = items, n->keys = keys, n->key_lens = lens, cap *= 2;
        }
        n->keys[n->count] = key->text;
        n->key_lens[n->count] = key->len;
        n->items[n->count++] = e;
        if (kind_at(p, 0) == T_COMMA) {
            advance(p);
            continue;
        }
        if (match(p, T_RBRACE))
            return NULL;
        return n;
    }
}

static const jp_node *dot_rhs(parser *p, int bp)
{
    const token *t = peek(p, 0);
    switch (t->kind) {
    case T_IDENT:
    case T_QIDENT:
    case T_STAR:
        return expression(p, bp);
    case T_LBRACKET:
        advance(p);
        return multi_select_list(p, t->pos);
    case T_LBRACE:
        advance(p);
        return multi_select_hash(p, t->pos);
    default:
        unexpected(p, "an identifier, '*', '[' or '{' after '.'");
        return NULL;
    }
}

/* [n], [a:b:c] after '[' (the current token is a number or ':'). */
static const jp_node *index_expression(parser *p, size_t pos)
{
    if (kind_at(p, 0) == T_COLON || kind_at(p, 1) == T_COLON) {
        jp_node *n = node(p, N_SLICE, pos, NULL, NULL);
        if (!n)
            return NULL;
        int part = 0;
        while (kind_at(p, 0) != T_RBRACKET) {
            const token *t = peek(p, 0);
            if (t->kind == T_COLON) {
                if (++part == 3) {
                    syntax_error(p, t->pos, "a slice has at most three parts");
                    return NULL;
                }
                advance(p);
            } else if (t->kind == T_NUMBER) {
                if (n->has[part]) {
                    unexpected(p, "':' or ']'");
                    return NULL;
                }
                n->has[part] = true;
                n->slice[part] = t->number;
                advance(p);
            } else {
                unexpected(p, "a number, ':' or ']'");
                return NULL;
            }
        }
        advance(p);
        if (n->has[2] && n->slice[2] == 0) {
            syntax_error(p, pos, "a slice's step cannot be 0");
            return NULL;
        }
        return n;
    }
    jp_node *n = node(p, N_INDEX, pos, NULL, NULL);
    if (!n)
        return NULL;
    n->index = advance(p)->number;
    if (match(p, T_RBRACKET))
        return NULL;
    return n;
}

/* lhs[index] stays an index; lhs[slice] projects what follows over the slice. */
static const jp_node *project_if_slice(parser *p, const jp_node *lhs, const jp_node *rhs, size_t pos)
{
    const jp_node *chain = node(p, N_CHAIN, pos, lhs, rhs);
    if (!chain || rhs->kind != N_SLICE)
        return chain;
    const jp_node *right = projection_rhs(p, binding_power[T_STAR]);
    return right ? node(p, N_PROJECTION, pos, chain, right) : NULL;
}

static const jp_node *nud(parser *p)
{
    size_t at = p->at;
    const token *t = advance(p);
    switch (t->kind) {
    case T_LITERAL: {
        jp_node *n = node(p, N_LITERAL, t->pos, NULL, NULL);
        if (n)
            n->literal = t->value;
        return n;
    }
    case T_IDENT:
    case T_QIDENT: {
        if (t->kind == T_QIDENT && kind_at(p, 0) == T_LPAREN) {
            syntax_error(p, t->pos, "a function name cannot be quoted");
            return NULL;
        }
        jp_node *n = node(p, N_FIELD, t->pos, NULL, NULL);
        if (n)
            n->name = t->text, n->name_len = t->len;
        return n;
    }
    case T_STAR: {
        const jp_node *left = identity(p, t->pos);
        const jp_node *right = left ? projection_rhs(p, binding_power[T_STAR]) : NULL;
        return right ? node(p, N_VALUE_PROJECTION, t->pos, left, right) : NULL;
    }
    case T_FILTER: {
        const jp_node *cond = expression(p, 0);
        if (!cond || match(p, T_RBRACKET))
            return NULL;
        const jp_node *left = identity(p, t->pos);
        const jp_node *right = left ? (kind_at(p, 0) == T_FLATTEN ? identity(p, t->pos)
                                                                  : projection_rhs(p, binding_power[T_FILTER]))
                                    : NULL;
        jp_node *n = right ? node(p, N_FILTER_PROJECTION, t->pos, left, right) : NULL;
        if (n)
            n->cond = cond;
        return n && adopt(p, n, cond) ? n : NULL;
    }
    case T_LBRACE:
        return multi_select_hash(p, t->pos);
    case T_LPAREN: {
        const jp_node *e = expression(p, 0);
        return e && !match(p, T_RPAREN) ? e : NULL;
    }
    case T_FLATTEN: {
        const jp_node *id = identity(p, t->pos);
        const jp_node *left = id ? node(p, N_FLATTEN, t->pos, id, NULL) : NULL;
        const jp_node *right = left ? projection_rhs(p, binding_power[T_FLATTEN]) : NULL;
        return right ? node(p, N_PROJECTION, t->pos, left, right) : NULL;
    }
    case T_NOT: {
        const jp_node *e = expression(p, binding_power[T_NOT]);
        return e ? node(p, N_NOT, t->pos, e, NULL) : NULL;
    }
    case T_LBRACKET:
        if (kind_at(p, 0) == T_NUMBER || kind_at(p, 0) == T_COLON) {
            const jp_node *left = identity(p, t->pos);
            const jp_node *right = left ? index_expression(p, t->pos) : NULL;
            return right ? project_if_slice(p, left, right, t->pos) : NULL;
        }
        if (kind_at(p, 0) == T_STAR && kind_at(p, 1) == T_RBRACKET) {
            advance(p), advance(p);
            const jp_node *left = identity(p, t->pos);
            const jp_node *right = left ? projection_rhs(p, binding_power[T_STAR]) : NULL;
            return right ? node(p, N_PROJECTION, t->pos, left, right) : NULL;
        }
        return multi_select_list(p, t->pos);
    case T_AT:
        return identity(p, t->pos);
    case T_EXPREF: {
        const jp_node *e = expression(p, binding_power[T_EXPREF]);
        return e ? node(p, N_EXPREF, t->pos, e, NULL) : NULL;
    }
    default:
        p->at = at; /* report the token itself */
        unexpected(p, NULL);
        return NULL;
    }
}

static const jp_node *function_call(parser *p, const jp_node *name, size_t pos)
{
    if (name->kind != N_FIELD) {
        syntax_error(p, pos, "only a function name may be called");
        return NULL;
    }
    jp_node *n = node(p, N_FUNCTION, name->pos, NULL, NULL);
    if (!n)
        return NULL;
    n->name = name->name, n->name_len = name->name_len;
    n->fn = jp_find_function(name->name, name->name_len);
    if (!n->fn) {
        syntax_error(p, name->pos, "unknown function %.*s()", (int)(name->name_len > 64 ? 64 : name->name_len),
                     name->name);
        return NULL;
    }
    const jp_node *args[16];
    while (kind_at(p, 0) != T_RPAREN) {
        if (n->count) {
            if (match(p, T_COMMA))
                return NULL;
        }
        const jp_node *e = expression(p, 0);
        if (!e || !adopt(p, n, e))
            return NULL;
        if (n->count == sizeof args / sizeof *args) {
            syntax_error(p, e->pos, "too many arguments");
            return NULL;
        }
        args[n->count++] = e;
    }
    advance(p);
    const char *arity = jp_check_arity(n->fn, n->count);
    if (arity) {
        syntax_error(p, name->pos, "%.*s() %s", (int)name->name_len, name->name, arity);
        return NULL;
    }
    if (n->count && !(n->items = jp_alloc(p->ctx, n->count * sizeof *n->items)))
        return NULL;
    if (n->count)
        memcpy(n->items, args, n->count * sizeof *args);
    return n;
}

static const jp_node *led(parser *p, const token *t, const jp_node *left)
{
    size_t at = (size_t)(t - p->toks);
    switch (t->kind) {
    case T_DOT:
        if (kind_at(p, 0) != T_STAR) {
            const jp_node *right = dot_rhs(p, binding_power[T_DOT]);
            return right ? node(p, N_SUB, t->pos, left, right) : NULL;
        } else {
            advance(p);
            const jp_node *right = projection_rhs(p, binding_power[T_DOT]);
            return right ? node(p, N_VALUE_PROJECTION, t->pos, left, right) : NULL;
        }
    case T_PIPE: {
        const jp_node *right = expression(p, binding_power[T_PIPE]);
        return right ? node(p, N_CHAIN, t->pos, left, right) : NULL;
    }
    case T_OR:
    case T_AND: {
        const jp_node *right = expression(p, binding_power[t->kind]);
        return right ? node(p, t->kind == T_OR ? N_OR : N_AND, t->pos, left, right) : NULL;
    }
    case T_LPAREN:
        return function_call(p, left, t->pos);
    case T_FILTER: {
        const jp_node *cond = expression(p, 0);
        if (!cond || match(p, T_RBRACKET))
            return NULL;
        const jp_node *right = kind_at(p, 0) == T_FLATTEN ? identity(p, t->pos)
                                                          : projection_rhs(p, binding_power[T_FILTER]);
        jp_node *n = right ? node(p, N_FILTER_PROJECTION, t->pos, left, right) : NULL;
        if (n)
            n->cond = cond;
        return n && adopt(p, n, cond) ? n : NULL;
    }
    case T_EQ:
    case T_NE:
    case T_LT:
    case T_LE:
    case T_GT:
    case T_GE: {
        const jp_node *right = expression(p, binding_power[t->kind]);
        jp_node *n = right ? node(p, N_COMPARE, t->pos, left, right) : NULL;
        if (n)
            n->op = t->kind == T_EQ ? CMP_EQ : t->kind == T_NE ? CMP_NE : t->kind == T_LT ? CMP_LT
                    : t->kind == T_LE ? CMP_LE : t->kind == T_GT ? CMP_GT : CMP_GE;
        return n;
    }
    case T_FLATTEN: {
        const jp_node *flat = node(p, N_FLATTEN, t->pos, left, NULL);
        const jp_node *right = flat ? projection_rhs(p, binding_power[T_FLATTEN]) : NULL;
        return right ? node(p, N_PROJECTION, t->pos, flat, right) : NULL;
    }
    case T_LBRACKET:
        if (kind_at(p, 0) == T_NUMBER || kind_at(p, 0) == T_COLON) {
            const jp_node *right = index_expression(p, t->pos);
            return right ? project_if_slice(p, left, right, t->pos) : NULL;
        } else {
            if (kind_at(p, 0) != T_STAR) {
                unexpected(p, "a number, ':' or '*' after '['");
                return NULL;
            }
            advance(p);
            if (match(p, T_RBRACKET))
                return NULL;
            const jp_node *right = projection_rhs(p, binding_power[T_STAR]);
            return right ? node(p, N_PROJECTION, t->pos, left, right) : NULL;
        }
    default:
        p->at = at;
        unexpected(p, NULL);
        return NULL;
    }
}

static const jp_node *expression(parser *p, int bp)
{
    if (++p->depth > AWSC_JMESPATH_MAX_DEPTH) {
        syntax_error(p, peek(p, 0)->pos, "the expression nests deeper than %d levels", AWSC_JMESPATH_MAX_DEPTH);
        return NULL;
    }
    const jp_node *left = nud(p);
    while (left && bp < binding_power[kind_at(p, 0)]) {
        const token *t = advance(p);
        left = led(p, t, left);
    }
    p->depth--;
    return left;
}

int awsc_jmespath_compile(awsc_jmespath_ctx *ctx, const char *expression_text, const awsc_jmespath_expr **out,
                          awsc_error *err)
{
    awsc_error_ok(err);
    if (!ctx || !expression_text || !out)
        return awsc_error_set(err, AWSC_E_VALIDATION, "jmespath: no context or expression");
    *out = NULL;
    ctx->err = awsc_error_target(err);
    ctx->error_offset = 0;
    parser p = {ctx, expression_text, strlen(expression_text), NULL, 0, 0, 0};
    const jp_node *root = NULL;
    if (lex(&p) == 0) {
        if (p.count == 1)
            syntax_error(&p, 0, "the expression is empty");
        else if ((root = expression(&p, 0)) && kind_at(&p, 0) != T_EOF) {
            unexpected(&p, NULL);
            root = NULL;
        }
    }
    awsc_jmespath_expr *e = root ? jp_alloc(ctx, sizeof *e) : NULL;
    ctx->err = NULL;
    if (!e)
        return awsc_error_target(err)->status ? awsc_error_target(err)->status : AWSC_E_NOMEM;
    e->root = root;
    *out = e;
    return AWSC_OK;
}
