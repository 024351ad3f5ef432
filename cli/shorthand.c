/*
 * The AWS CLI's shorthand syntax, as botocore's ShorthandParser reads it:
 *
 *   parameter = keyval *("," keyval)
 *   keyval    = key "=" [values]
 *   values    = "[" [value *("," value)] "]" / "{" keyval *("," keyval) "}" / csv
 *   csv       = first-value *("," second-value)   a second value holds no "=":
 *                                                 "Key=a,Values=b,c" is {Key: a, Values: [b, c]}
 *   value     = "'" ... "'" / '"' ... '"' / plain text (a backslash escapes the next character)
 *   keyval    =/ key "@=" ("file://" / "fileb://") path     the value is the file's text, or
 *                                                         its bytes in base64 (AWS CLI v2)
 *
 * Every scalar comes out as a JSON string: the model decides what it becomes
 * (cli_value_json, lenient).
 */
#include "cli.h"

#include "serde/json/json.h"

#include "util/base64.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *s;
    size_t i, n;
    awsc_buf *out;
    char *why;
    size_t cap;
    int depth;
} parser;

#define MAX_DEPTH 32

static int error(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int error(parser *p, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(p->why, p->cap, "invalid shorthand syntax: %s at character %zu of the value", what, p->i + 1);
    return -1;
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static bool at(parser *p, char c)
{
    return p->i < p->n && p->s[p->i] == c;
}

/* A quoted string: the quote character escaped by a backslash inside. */
static int quoted(parser *p, awsc_buf *text)
{
    char q = p->s[p->i++];
    while (p->i < p->n && p->s[p->i] != q) {
        if (p->s[p->i] == '\\' && p->i + 1 < p->n && (p->s[p->i + 1] == q || p->s[p->i + 1] == '\\'))
            p->i++;
        if (awsc_buf_putc(text, p->s[p->i++]))
            return -1;
    }
    if (!at(p, q))
        return error(p, "unterminated %c quote", q);
    p->i++;
    return 0;
}

/*
 * A plain value: up to a ',' (or ']' / '}' inside brackets), a backslash
 * escaping the next character, outer blanks trimmed. `*has_eq`: it holds an
 * unescaped '=' (then it is the next key=value, not a second value).
 */
static int plain(parser *p, awsc_buf *text, bool *has_eq)
{
    *has_eq = false;
    size_t keep = 0; /* the length without trailing blanks */
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == ',' || (p->depth > 0 && (c == ']' || c == '}')))
            break;
        if (c == '\\' && p->i + 1 < p->n) {
            c = p->s[++p->i];
            if (awsc_buf_putc(text, c))
                return -1;
            p->i++;
            keep = text->len;
            continue;
        }
        if (c == '=')
            *has_eq = true;
        if (awsc_buf_putc(text, c))
            return -1;
        p->i++;
        if (c != ' ' && c != '\t')
            keep = text->len;
    }
    text->len = keep;
    return 0;
}

static int put_text(parser *p, const awsc_buf *text)
{
    return awsc_json_write_string(p->out, text->data ? text->data : "", text->len);
}

/* One scalar (quoted or plain) written as a JSON string; `*has_eq` as plain's. */
static int scalar(parser *p, bool *has_eq, bool write)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc;
    *has_eq = false;
    skip_ws(p);
    if (at(p, '\'') || at(p, '"')) {
        rc = quoted(p, &text);
        skip_ws(p);
    } else {
        rc = plain(p, &text, has_eq);
    }
    if (!rc && write)
        rc = put_text(p, &text);
    awsc_buf_free(&text);
    return rc;
}

static int keyvals(parser *p, char close);
static int explicit_list(parser *p);

/* "key@=file://PATH" or "key@=fileb://PATH": the file's text, or its bytes as base64. */
static int file_value(parser *p, const char *key, size_t klen)
{
    awsc_buf path = AWSC_BUF_INIT;
    skip_ws(p);
    size_t at_value = p->i;
    int rc = at(p, '\'') || at(p, '"') ? quoted(p, &path) : 0;
    if (!rc && at_value == p->i) { /* plain: up to the next ',' or the end */
        while (p->i < p->n && p->s[p->i] != ',')
            p->i++;
        rc = awsc_buf_append(&path, p->s + at_value, p->i - at_value);
    }
    if (!rc && awsc_buf_putc(&path, '\0'))
        rc = -1;
    bool bytes = !rc && strncmp(path.data, "fileb://", 8) == 0;
    if (!rc && !bytes && strncmp(path.data, "file://", 7) != 0) {
        awsc_buf_free(&path);
        return error(p, "%.*s@= needs file://PATH or fileb://PATH", (int)(klen < 64 ? klen : 64), key);
    }
    char what[96];
    snprintf(what, sizeof what, "%.*s@=", (int)(klen < 64 ? klen : 64), key);
    size_t len = 0;
    char *data = rc ? NULL : cli_read_file(what, path.data + (bytes ? 8 : 7), &len);
    awsc_buf_free(&path);
    if (!data)
        return rc ? -1 : error(p, "%s could not read its file (see above)", what);
    if (!bytes && memchr(data, '\0', len)) {
        free(data);
        return error(p, "%s file holds a NUL byte: not text (fileb:// reads bytes)", what);
    }
    awsc_buf b64 = AWSC_BUF_INIT;
    rc = bytes ? awsc_base64_encode(&b64, (const uint8_t *)data, len) ||
                     awsc_json_write_string(p->out, b64.data ? b64.data : "", b64.len)
               : awsc_json_write_string(p->out, data, len);
    awsc_buf_free(&b64);
    free(data);
    return rc ? -1 : 0;
}

/* A value inside brackets: a nested list, a hash, or a scalar. */
static int bracket_value(parser *p)
{
    skip_ws(p);
    if (at(p, '['))
        return explicit_list(p);
    if (at(p, '{')) {
        p->i++;
        return keyvals(p, '}');
    }
    bool has_eq;
    return scalar(p, &has_eq, true);
}

static int explicit_list(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        return error(p, "nested too deep");
    p->i++; /* '[' */
    if (awsc_buf_putc(p->out, '['))
        return -1;
    skip_ws(p);
    for (bool first = true; !at(p, ']'); first = false) {
        if (p->i >= p->n)
            return error(p, "missing ']'");
        if (!first) {
            if (!at(p, ','))
                return error(p, "expected ',' or ']'");
            p->i++;
            if (awsc_buf_putc(p->out, ','))
                return -1;
        }
        if (bracket_value(p))
            return -1;
        skip_ws(p);
    }
    p->i++;
    p->depth--;
    skip_ws(p);
    return awsc_buf_putc(p->out, ']');
}

/* The values after "key=": a list, a hash, or a first value and the second values after it. */
static int values(parser *p)
{
    skip_ws(p);
    if (at(p, '['))
        return explicit_list(p);
    if (at(p, '{')) {
        p->i++;
        return keyvals(p, '}');
    }
    size_t mark = p->out->len;
    bool has_eq;
    if (scalar(p, &has_eq, true))
        return -1;
    size_t count = 1;
    awsc_buf rest = AWSC_BUF_INIT;
    while (at(p, ',')) {
        size_t back = p->i;
        p->i++;
        parser probe = *p;
        probe.out = &rest;
        rest.len = 0;
        if (scalar(&probe, &has_eq, true)) {
            awsc_buf_free(&rest);
            return -1;
        }
        if (has_eq) { /* the next key=value: this list ends before its comma */
            p->i = back;
            break;
        }
        p->i = probe.i;
        if (count == 1) { /* the first value becomes the list's first item */
            awsc_buf first = AWSC_BUF_INIT;
            if (awsc_buf_append(&first, p->out->data + mark, p->out->len - mark)) {
                awsc_buf_free(&rest);
                return -1;
            }
            p->out->len = mark;
            int rc = awsc_buf_putc(p->out, '[') || awsc_buf_append(p->out, first.data, first.len);
            awsc_buf_free(&first);
            if (rc) {
                awsc_buf_free(&rest);
                return -1;
            }
        }
        if (awsc_buf_putc(p->out, ',') || awsc_buf_append(p->out, rest.data, rest.len)) {
            awsc_buf_free(&rest);
            return -1;
        }
        count++;
    }
    awsc_buf_free(&rest);
    return count > 1 ? awsc_buf_putc(p->out, ']') : 0;
}

/* key=values pairs separated by ',' up to `close` ('}' in a hash, '\0' at the top). */
static int keyvals(parser *p, char close)
{
    if (++p->depth > MAX_DEPTH)
        return error(p, "nested too deep");
    if (close == '\0')
        p->depth--; /* the top level: ']' and '}' are plain characters there */
    if (awsc_buf_putc(p->out, '{'))
        return -1;
    skip_ws(p);
    for (bool first = true;; first = false) {
        if (close && at(p, close))
            break;
        if (!close && p->i >= p->n)
            break;
        if (p->i >= p->n)
            return error(p, "missing '%c'", close);
        if (!first) {
            if (!at(p, ','))
                return error(p, "expected ','%s", close ? " or '}'" : "");
            p->i++;
            skip_ws(p);
        }
        size_t k = p->i;
        while (p->i < p->n && p->s[p->i] != '=' && p->s[p->i] != ',' && p->s[p->i] != close)
            p->i++;
        size_t klen = p->i;
        while (klen > k && (p->s[klen - 1] == ' ' || p->s[klen - 1] == '\t'))
            klen--;
        if (!at(p, '=') || klen == k)
            return error(p, "expected key=value");
        bool from_file = p->s[p->i - 1] == '@' && klen == p->i && klen - 1 > k;
        if (from_file)
            klen--;
        p->i++;
        if ((!first && awsc_buf_putc(p->out, ',')) || awsc_json_write_string(p->out, p->s + k, klen - k) ||
            awsc_buf_putc(p->out, ':'))
            return -1;
        if (from_file ? file_value(p, p->s + k, klen - k) : values(p))
            return -1;
        skip_ws(p);
    }
    if (close) {
        p->i++;
        p->depth--;
        skip_ws(p);
    }
    return awsc_buf_putc(p->out, '}');
}

int cli_shorthand_json(awsc_buf *out, const char *text, bool top_object, char *why, size_t cap)
{
    parser p = {.s = text, .n = strlen(text), .out = out, .why = why, .cap = cap};
    if (top_object) {
        if (keyvals(&p, '\0'))
            return -1;
    } else {
        /* a list's items: "a,b,c" or a value with brackets */
        if (values(&p))
            return -1;
    }
    skip_ws(&p);
    if (p.i < p.n)
        return error(&p, "unexpected '%c'", p.s[p.i]);
    return 0;
}
