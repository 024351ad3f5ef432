/*
 * --cli-input-yaml: the block YAML that skeletons (ours and the AWS CLI's) are
 * written in, read into JSON. Block mappings and sequences by indentation,
 * plain, single- and double-quoted scalars, empty flow collections ([] {}),
 * comments and document markers. Anything else YAML has (anchors, tags, block
 * scalars, flow collections with items) is refused by name, not guessed at.
 * Plain scalars come out as JSON strings (null as null): the model decides
 * their type (cli_value_json, lenient).
 */
#include "cli.h"

#include "serde/json/json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct line {
    size_t no;        /* 1-based */
    size_t indent;    /* the text's column */
    const char *text; /* without indentation and comment */
    size_t len;
} line;

typedef struct reader {
    line *lines;
    size_t count, at;
    awsc_buf *out;
    char *why;
    size_t cap;
    int depth;
} reader;

static int error(reader *r, size_t no, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int error(reader *r, size_t no, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->why, r->cap, "line %zu: %s", no, what);
    return -1;
}

/* The length of `s` without a comment (" #..." outside quotes) and trailing blanks. */
static size_t content_len(const char *s, size_t len)
{
    char q = 0;
    size_t i = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (q) {
            if (c == '\\' && q == '"' && i + 1 < len)
                i++;
            else if (c == q)
                q = 0;
        } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
            break;
        } else if ((c == '\'' || c == '"') && (i == 0 || strchr(" :-[{,", s[i - 1]))) {
            q = c;
        }
    }
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\r'))
        i--;
    return i;
}

/* Where a "key:" ends in `s` (the ':' followed by a blank or the end), or 0 when the line is no key. */
static size_t key_end(const char *s, size_t len)
{
    size_t i = 0;
    if (len && (s[0] == '\'' || s[0] == '"')) {
        char q = s[0];
        for (i = 1; i < len && s[i] != q; i++)
            if (s[i] == '\\' && q == '"')
                i++;
        if (i >= len)
            return 0;
        i++;
        return i < len && s[i] == ':' && (i + 1 == len || s[i + 1] == ' ') ? i : 0;
    }
    for (; i < len; i++)
        if (s[i] == ':' && (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\t'))
            return i;
    return 0;
}

static bool is_item(const line *l)
{
    return l->len && l->text[0] == '-' && (l->len == 1 || l->text[1] == ' ');
}

static int hex(reader *r, size_t no, const char *s, size_t n, unsigned *out)
{
    *out = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15)
            return error(r, no, "bad \\x or \\u escape");
        *out = *out * 16 + d;
    }
    return 0;
}

static int put_utf8(awsc_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80)
        u[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    else
        u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[2] = (char)(0x80 | (cp & 0x3f)),
        n = 3;
    return awsc_buf_append(b, u, n);
}

/* A scalar (the whole of `s`) written as JSON: a string, or null. */
static int scalar(reader *r, size_t no, const char *s, size_t len)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc = 0;
    if (len == 0 || (len == 1 && s[0] == '~') || (len == 4 && memcmp(s, "null", 4) == 0))
        return awsc_buf_puts(r->out, "null");
    if ((len == 2 && memcmp(s, "[]", 2) == 0) || (len == 2 && memcmp(s, "{}", 2) == 0))
        return awsc_buf_append(r->out, s, 2);
    if (s[0] == '\'') {
        size_t i = 1;
        for (; i < len && !rc; i++) {
            if (s[i] == '\'') {
                if (i + 1 < len && s[i + 1] == '\'')
                    rc = awsc_buf_putc(&text, s[++i]);
                else
                    break;
            } else {
                rc = awsc_buf_putc(&text, s[i]);
            }
        }
        if (!rc && i + 1 != len)
            rc = error(r, no, i >= len ? "unterminated ' quote" : "text after a quoted string");
    } else if (s[0] == '"') {
        size_t i = 1;
        for (; i < len && s[i] != '"' && !rc; i++) {
            if (s[i] != '\\') {
                rc = awsc_buf_putc(&text, s[i]);
                continue;
            }
            if (++i >= len)
                break;
            unsigned cp;
            switch (s[i]) {
            case 'n': rc = awsc_buf_putc(&text, '\n'); break;
            case 't': rc = awsc_buf_putc(&text, '\t'); break;
            case 'r': rc = awsc_buf_putc(&text, '\r'); break;
            case '0': rc = awsc_buf_putc(&text, '\0'); break;
            case 'e': rc = awsc_buf_putc(&text, '\x1b'); break;
            case '"': case '\\': case '/': case ' ': rc = awsc_buf_putc(&text, s[i]); break;
            case 'x':
            case 'u': {
                size_t n = s[i] == 'x' ? 2 : 4;
                if (i + n >= len || hex(r, no, s + i + 1, n, &cp))
                    return awsc_buf_free(&text), error(r, no, "bad \\%c escape", s[i]);
                i += n;
                rc = put_utf8(&text, cp);
                break;
            }
            default:
                rc = error(r, no, "unknown escape \\%c", s[i]);
            }
        }
        if (!rc && i + 1 != len)
            rc = error(r, no, i >= len ? "unterminated \" quote" : "text after a quoted string");
    } else if (strchr("&*!|>[{%@`", s[0])) {
        const char *what = s[0] == '&' ? "anchors" : s[0] == '*' ? "aliases" : s[0] == '!' ? "tags"
                           : s[0] == '|' || s[0] == '>' ? "block scalars" : s[0] == '[' || s[0] == '{'
                           ? "flow collections with items" : "this character at the start of a plain value";
        rc = error(r, no, "unsupported YAML: %s (quote the value, or use --cli-input-json)", what);
    } else {
        rc = awsc_buf_append(&text, s, len);
    }
    if (!rc)
        rc = awsc_json_write_string(r->out, text.data ? text.data : "", text.len);
    awsc_buf_free(&text);
    return rc;
}

static int node(reader *r, size_t indent, size_t parent_no);

static int mapping(reader *r, size_t indent)
{
    if (awsc_buf_putc(r->out, '{'))
        return -1;
    for (bool first = true; r->at < r->count && r->lines[r->at].indent == indent; first = false) {
        line *l = &r->lines[r->at];
        size_t k = key_end(l->text, l->len);
        if (!k)
            return error(r, l->no, is_item(l) ? "a list item where a key was expected" : "expected \"key: value\"");
        r->at++;
        if (!first && awsc_buf_putc(r->out, ','))
            return -1;
        size_t klen = k;
        const char *key = l->text;
        /* the key: a scalar, written as a JSON string */
        if (key[0] == '\'' || key[0] == '"') {
            awsc_buf *saved = r->out;
            awsc_buf tmp = AWSC_BUF_INIT;
            r->out = &tmp;
            int rc = scalar(r, l->no, key, klen);
            r->out = saved;
            if (rc || awsc_buf_append(r->out, tmp.data, tmp.len)) {
                awsc_buf_free(&tmp);
                return -1;
            }
            awsc_buf_free(&tmp);
        } else if (awsc_json_write_string(r->out, key, klen)) {
            return -1;
        }
        if (awsc_buf_putc(r->out, ':'))
            return -1;
        const char *rest = l->text + k + 1;
        size_t rlen = l->len - k - 1;
        while (rlen && (*rest == ' ' || *rest == '\t'))
            rest++, rlen--;
        if (rlen) {
            if (scalar(r, l->no, rest, rlen))
                return -1;
            continue;
        }
        /* the value below: deeper, or a list at the key's own indentation */
        if (r->at < r->count && (r->lines[r->at].indent > indent ||
                                 (r->lines[r->at].indent == indent && is_item(&r->lines[r->at])))) {
            if (node(r, r->lines[r->at].indent, l->no))
                return -1;
        } else if (awsc_buf_puts(r->out, "null")) {
            return -1;
        }
    }
    if (r->at < r->count && r->lines[r->at].indent > indent)
        return error(r, r->lines[r->at].no, "unexpected indentation");
    return awsc_buf_putc(r->out, '}');
}

static int sequence(reader *r, size_t indent)
{
    if (awsc_buf_putc(r->out, '['))
        return -1;
    for (bool first = true; r->at < r->count && r->lines[r->at].indent == indent && is_item(&r->lines[r->at]);
         first = false) {
        line *l = &r->lines[r->at];
        if (!first && awsc_buf_putc(r->out, ','))
            return -1;
        size_t skip = 1;
        while (skip < l->len && l->text[skip] == ' ')
            skip++;
        if (skip >= l->len) { /* "-" alone: the item is below */
            r->at++;
            if (r->at < r->count && r->lines[r->at].indent > indent) {
                if (node(r, r->lines[r->at].indent, l->no))
                    return -1;
            } else if (awsc_buf_puts(r->out, "null")) {
                return -1;
            }
            continue;
        }
        /* "- rest": the rest read as a line of its own at its column */
        l->indent += skip;
        l->text += skip;
        l->len -= skip;
        if (node(r, l->indent, l->no))
            return -1;
    }
    if (r->at < r->count && r->lines[r->at].indent > indent)
        return error(r, r->lines[r->at].no, "unexpected indentation");
    return awsc_buf_putc(r->out, ']');
}

static int node(reader *r, size_t indent, size_t parent_no)
{
    if (r->at >= r->count)
        return error(r, parent_no, "a value is missing");
    if (++r->depth > MAX_DEPTH)
        return error(r, r->lines[r->at].no, "nested too deep");
    line *l = &r->lines[r->at];
    int rc;
    if (is_item(l))
        rc = sequence(r, indent);
    else if (key_end(l->text, l->len))
        rc = mapping(r, indent);
    else {
        r->at++;
        rc = scalar(r, l->no, l->text, l->len);
    }
    r->depth--;
    return rc;
}

int cli_yaml_to_json(awsc_buf *out, const char *text, size_t len, char *why, size_t cap)
{
    reader r = {.out = out, .why = why, .cap = cap};
    size_t max = 1;
    for (size_t i = 0; i < len; i++)
        max += text[i] == '\n';
    if (memchr(text, '\0', len))
        return snprintf(why, cap, "the file holds a NUL byte"), -1;
    if (!(r.lines = calloc(max, sizeof *r.lines)))
        return snprintf(why, cap, "out of memory"), -1;
    size_t no = 0;
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        no++;
        const char *s = text + start;
        size_t n = end - start, ind = 0;
        start = end + 1;
        while (ind < n && s[ind] == ' ')
            ind++;
        if (ind < n && s[ind] == '\t') {
            free(r.lines);
            return error(&r, no, "a tab in the indentation (YAML indents with spaces)");
        }
        size_t clen = content_len(s + ind, n - ind);
        if (clen == 0)
            continue;
        if (ind == 0 && ((clen == 3 && memcmp(s, "---", 3) == 0) || (clen == 3 && memcmp(s, "...", 3) == 0)))
            continue;
        r.lines[r.count++] = (line){no, ind, s + ind, clen};
    }
    int rc;
    if (r.count == 0)
        rc = awsc_buf_puts(out, "{}");
    else if (r.lines[0].indent != 0)
        rc = error(&r, r.lines[0].no, "the document starts indented");
    else
        rc = node(&r, 0, 1);
    if (!rc && r.at < r.count)
        rc = error(&r, r.lines[r.at].no, "unexpected text after the document");
    free(r.lines);
    return rc;
}
