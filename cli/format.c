/*
 * --output text, table and yaml, laid out as the AWS CLI v2 lays them out
 * (awscli/text.py, awscli/table.py, the YAML formatter's block style), over
 * JMESPath values. JSON is printed by main.c.
 *
 * Control characters in the values (other than tab and newline in text and
 * tables) are printed escaped, so that a response cannot drive the terminal.
 */
#include "format.h"
#include "width.h"
#include "util/buf.h"
#include "serde/scalar.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef const awsc_jmespath_value value;

int cli_output_parse(const char *name, cli_output *out)
{
    static const struct {
        const char *name;
        cli_output fmt;
    } names[] = {{"json", CLI_OUT_JSON}, {"text", CLI_OUT_TEXT}, {"table", CLI_OUT_TABLE},
                 {"yaml", CLI_OUT_YAML}, {"yaml-stream", CLI_OUT_YAML}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fmt;
            return 0;
        }
    return -1;
}

static bool is_scalar(value *v)
{
    return v->type != AWSC_JMESPATH_ARRAY && v->type != AWSC_JMESPATH_OBJECT;
}

/* Whether s[i] starts a C1 control character (U+0080..U+009F: CSI among them) in UTF-8. */
static bool c1_at(const char *s, size_t len, size_t i)
{
    return (unsigned char)s[i] == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
           (unsigned char)s[i + 1] <= 0x9f;
}

/* Appends `len` bytes with control characters escaped (tab and newline kept when `keep_tab_nl`). */
static int put_safe(awsc_buf *b, const char *s, size_t len, bool keep_tab_nl)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (c1_at(s, len, i))
            rc = awsc_buf_printf(b, "\\u%04x", (unsigned char)s[++i]);
        else if ((c < 0x20 && !(keep_tab_nl && (c == '\t' || c == '\n'))) || c == 0x7f)
            rc = awsc_buf_printf(b, "\\x%02x", c);
        else
            rc = awsc_buf_putc(b, (char)c);
        if (rc)
            return -1;
    }
    return 0;
}

/* A scalar as Python's str() writes it: None, True, False, numbers, strings as they are. */
static int put_scalar(awsc_buf *b, value *v)
{
    switch (v->type) {
    case AWSC_JMESPATH_NULL:
        return awsc_buf_puts(b, "None");
    case AWSC_JMESPATH_BOOL:
        return awsc_buf_puts(b, v->u.boolean ? "True" : "False");
    case AWSC_JMESPATH_NUMBER: {
        if (v->u.number.text)
            return awsc_buf_puts(b, v->u.number.text);
        char text[32];
        awsc_format_double(text, v->u.number.value, false);
        return awsc_buf_puts(b, text);
    }
    case AWSC_JMESPATH_STRING:
        return put_safe(b, v->u.string.data, v->u.string.len, true);
    default: { /* a list or object where a scalar was expected: its JSON */
        size_t n;
        char *json = awsc_jmespath_to_json(v, &n);
        int rc = json ? put_safe(b, json, n, false) : -1;
        free(json);
        return rc;
    }
    }
}

/* ---- keys ---- */

typedef struct keys {
    const awsc_jmespath_member **items; /* sorted by key, unique */
    size_t count, cap;
} keys;

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static int keys_add(keys *k, const awsc_jmespath_member *m)
{
    size_t lo = 0, hi = k->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = key_cmp(k->items[mid]->key, k->items[mid]->key_len, m->key, m->key_len);
        if (c == 0)
            return 0;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (k->count == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 8;
        const awsc_jmespath_member **n = realloc((void *)k->items, cap * sizeof *n);
        if (!n)
            return -1;
        k->items = n, k->cap = cap;
    }
    memmove(&k->items[lo + 1], &k->items[lo], (k->count - lo) * sizeof *k->items);
    k->items[lo] = m;
    k->count++;
    return 0;
}

/* The object's keys whose values are scalars (scalar) or not, sorted. */
static int group_keys(value *o, keys *scalars, keys *more)
{
    for (size_t i = 0; i < o->u.object.count; i++) {
        const awsc_jmespath_member *m = &o->u.object.members[i];
        if (keys_add(is_scalar(m->value) ? scalars : more, m))
            return -1;
    }
    return 0;
}

static value *lookup(value *o, const char *key, size_t len)
{
    for (size_t i = o->u.object.count; i-- > 0;)
        if (key_cmp(o->u.object.members[i].key, o->u.object.members[i].key_len, key, len) == 0)
            return o->u.object.members[i].value;
    return NULL;
}

/* ---- text ---- */

static int text_value(awsc_buf *b, value *v, const char *ident, size_t ident_len, const keys *scalar_keys);

static int put_ident(awsc_buf *b, const char *ident, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (awsc_buf_putc(b, (char)toupper((unsigned char)ident[i])))
            return -1;
    return 0;
}

static int text_scalar_list(awsc_buf *b, value *const *items, size_t count, const char *ident, size_t ident_len)
{
    for (size_t i = 0; i < count; i++) {
        if (ident) {
            if (put_ident(b, ident, ident_len) || awsc_buf_putc(b, '\t') || put_scalar(b, items[i]) ||
                awsc_buf_putc(b, '\n'))
                return -1;
        } else if ((i && awsc_buf_putc(b, '\t')) || put_scalar(b, items[i])) {
            return -1;
        }
    }
    return ident ? 0 : awsc_buf_putc(b, '\n');
}

static int text_list(awsc_buf *b, value *v, const char *ident, size_t ident_len)
{
    size_t n = v->u.array.count;
    if (n == 0)
        return 0;
    bool any_dict = false, any_list = false;
    for (size_t i = 0; i < n; i++) {
        any_dict |= v->u.array.items[i]->type == AWSC_JMESPATH_OBJECT;
        any_list |= v->u.array.items[i]->type == AWSC_JMESPATH_ARRAY;
    }
    int rc = 0;
    if (any_dict) {
        /* Every element prints the same columns: the scalar keys of all of them. */
        keys all = {0}, ignore = {0};
        for (size_t i = 0; i < n && !rc; i++)
            if (v->u.array.items[i]->type == AWSC_JMESPATH_OBJECT)
                rc = group_keys(v->u.array.items[i], &all, &ignore);
        for (size_t i = 0; i < n && !rc; i++)
            rc = text_value(b, v->u.array.items[i], ident, ident_len, &all);
        free((void *)all.items);
        free((void *)ignore.items);
        return rc;
    }
    if (any_list) {
        value **scalars = malloc(n * sizeof *scalars);
        if (!scalars)
            return -1;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (is_scalar(v->u.array.items[i]))
                scalars[k++] = v->u.array.items[i];
        if (k)
            rc = text_scalar_list(b, scalars, k, ident, ident_len);
        free(scalars);
        for (size_t i = 0; i < n && !rc; i++)
            if (!is_scalar(v->u.array.items[i]))
                rc = text_value(b, v->u.array.items[i], ident, ident_len, NULL);
        return rc;
    }
    return text_scalar_list(b, v->u.array.items, n, ident, ident_len);
}

static int text_dict(awsc_buf *b, value *v, const char *ident, size_t ident_len, const keys *scalar_keys)
{
    keys scalars = {0}, more = {0};
    int rc = group_keys(v, &scalars, &more);
    const keys *columns = scalar_keys ? scalar_keys : &scalars;
    if (!rc && columns->count) {
        if (ident)
            rc = put_ident(b, ident, ident_len) || awsc_buf_putc(b, '\t');
        for (size_t i = 0; i < columns->count && !rc; i++) {
            value *x = lookup(v, columns->items[i]->key, columns->items[i]->key_len);
            rc = (i && awsc_buf_putc(b, '\t')) || (x && put_scalar(b, x)); /* absent: empty */
        }
        if (!rc)
            rc = awsc_buf_putc(b, '\n');
    }
    /* then each remaining key's value, named by the key */
    keys rest = {0};
    if (scalar_keys) {
        for (size_t i = 0; i < v->u.object.count && !rc; i++) {
            const awsc_jmespath_member *m = &v->u.object.members[i];
            bool listed = false;
            for (size_t j = 0; j < scalar_keys->count && !listed; j++)
                listed = key_cmp(scalar_keys->items[j]->key, scalar_keys->items[j]->key_len, m->key, m->key_len) == 0;
            if (!listed)
                rc = keys_add(&rest, m);
        }
    }
    const keys *remaining = scalar_keys ? &rest : &more;
    for (size_t i = 0; i < remaining->count && !rc; i++) {
        const awsc_jmespath_member *m = remaining->items[i];
        rc = text_value(b, lookup(v, m->key, m->key_len), m->key, m->key_len, NULL);
    }
    free((void *)scalars.items);
    free((void *)more.items);
    free((void *)rest.items);
    return rc;
}

static int text_value(awsc_buf *b, value *v, const char *ident, size_t ident_len, const keys *scalar_keys)
{
    if (v->type == AWSC_JMESPATH_OBJECT)
        return text_dict(b, v, ident, ident_len, scalar_keys);
    if (v->type == AWSC_JMESPATH_ARRAY)
        return text_list(b, v, ident, ident_len);
    return put_scalar(b, v) || awsc_buf_putc(b, '\n');
}

/* ---- table ---- */

typedef struct cell {
    char *text;
    size_t width; /* in code points */
} cell;

typedef struct section {
    char *title; /* NULL: none */
    size_t title_width;
    int indent;
    cell *headers;
    size_t header_count;
    cell **rows;
    size_t *row_len;
    size_t row_count, row_cap;
    size_t *max_widths;
    size_t columns;
} section;

typedef struct table {
    section *s;
    size_t count, cap;
    bool failed;
} table;

static size_t text_width(const char *s, size_t len)
{
    return cli_text_width(s, len);
}

static section *cur(table *t)
{
    return t->count ? &t->s[t->count - 1] : NULL;
}

static void new_section(table *t, const char *title, size_t title_len, int indent)
{
    if (t->failed)
        return;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        section *n = realloc(t->s, cap * sizeof *n);
        if (!n) {
            t->failed = true;
            return;
        }
        t->s = n, t->cap = cap;
    }
    section *s = &t->s[t->count++];
    memset(s, 0, sizeof *s);
    s->indent = indent;
    if (title) {
        awsc_buf b = AWSC_BUF_INIT;
        if (put_safe(&b, title, title_len, false)) {
            t->failed = true;
            awsc_buf_free(&b);
            return;
        }
        s->title = awsc_buf_take(&b);
        s->title_width = text_width(s->title, strlen(s->title));
    }
}

static int widen(section *s, const cell *cells, size_t n)
{
    if (n > s->columns) {
        size_t *w = realloc(s->max_widths, n * sizeof *w);
        if (!w)
            return -1;
        for (size_t i = s->columns; i < n; i++)
            w[i] = 0;
        s->max_widths = w, s->columns = n;
    }
    for (size_t i = 0; i < n; i++)
        if (cells[i].width > s->max_widths[i])
            s->max_widths[i] = cells[i].width;
    return 0;
}

static cell make_cell(table *t, value *v)
{
    awsc_buf b = AWSC_BUF_INIT;
    cell c = {NULL, 0};
    if (!v) {
        c.text = strdup("");
    } else if (put_scalar(&b, v) == 0) {
        /* a row is one line: tabs and newlines escaped too */
        awsc_buf safe = AWSC_BUF_INIT;
        if (put_safe(&safe, b.data ? b.data : "", b.len, false) == 0)
            c.text = awsc_buf_take(&safe);
        awsc_buf_free(&safe);
    }
    awsc_buf_free(&b);
    if (!c.text)
        t->failed = true;
    else
        c.width = text_width(c.text, strlen(c.text));
    return c;
}

static cell key_cell(table *t, const awsc_jmespath_member *m)
{
    awsc_jmespath_value k = {.type = AWSC_JMESPATH_STRING};
    k.u.string.data = m->key;
    k.u.string.len = m->key_len;
    return make_cell(t, &k);
}

static void add_header(table *t, const keys *headers)
{
    section *s = cur(t);
    if (t->failed || !s)
        return;
    s->headers = calloc(headers->count + 1, sizeof *s->headers);
    if (!s->headers) {
        t->failed = true;
        return;
    }
    for (size_t i = 0; i < headers->count; i++)
        s->headers[i] = key_cell(t, headers->items[i]);
    s->header_count = headers->count;
    if (widen(s, s->headers, s->header_count))
        t->failed = true;
}

/* Takes the cells. */
static void add_row(table *t, cell *cells, size_t n)
{
    section *s = cur(t);
    if (!t->failed && !s) {
        new_section(t, NULL, 0, 0);
        s = cur(t);
    }
    if (t->failed || !s) {
        for (size_t i = 0; i < n; i++)
            free(cells[i].text);
        free(cells);
        return;
    }
    if (s->row_count == s->row_cap) {
        size_t cap = s->row_cap ? s->row_cap * 2 : 8;
        cell **rows = realloc(s->rows, cap * sizeof *rows);
        size_t *lens = rows ? realloc(s->row_len, cap * sizeof *lens) : NULL;
        if (rows)
            s->rows = rows;
        if (!lens) {
            t->failed = true;
            add_row(t, cells, n); /* frees them */
            return;
        }
        s->row_len = lens, s->row_cap = cap;
    }
    s->rows[s->row_count] = cells;
    s->row_len[s->row_count++] = n;
    if (widen(s, cells, n))
        t->failed = true;
}

static void build_table(table *t, const char *title, size_t title_len, value *v, int indent);

static void sub_table_from_dict(table *t, value *v, int indent)
{
    keys headers = {0}, more = {0};
    if (group_keys(v, &headers, &more)) {
        t->failed = true;
    } else if (headers.count == 1) {
        cell *row = calloc(2, sizeof *row);
        if (!row) {
            t->failed = true;
        } else {
            row[0] = key_cell(t, headers.items[0]);
            row[1] = make_cell(t, headers.items[0]->value);
            add_row(t, row, 2);
        }
    } else if (headers.count) {
        add_header(t, &headers);
        cell *row = calloc(headers.count, sizeof *row);
        if (!row) {
            t->failed = true;
        } else {
            for (size_t i = 0; i < headers.count; i++)
                row[i] = make_cell(t, lookup(v, headers.items[i]->key, headers.items[i]->key_len));
            add_row(t, row, headers.count);
        }
    }
    for (size_t i = 0; i < more.count && !t->failed; i++)
        build_table(t, more.items[i]->key, more.items[i]->key_len, more.items[i]->value, indent + 1);
    free((void *)headers.items);
    free((void *)more.items);
}

static void sub_table_from_list(table *t, value *v, int indent, const char *title, size_t title_len)
{
    keys headers = {0}, more = {0};
    for (size_t i = 0; i < v->u.array.count && !t->failed; i++)
        if (v->u.array.items[i]->type == AWSC_JMESPATH_OBJECT && group_keys(v->u.array.items[i], &headers, &more))
            t->failed = true;
    add_header(t, &headers);
    for (size_t i = 0; i < v->u.array.count && !t->failed; i++) {
        value *e = v->u.array.items[i];
        if (i && more.count) {
            new_section(t, title, title_len, indent);
            add_header(t, &headers);
        }
        cell *row = calloc(headers.count + 1, sizeof *row);
        if (!row) {
            t->failed = true;
            break;
        }
        for (size_t k = 0; k < headers.count; k++) {
            value *x = e->type == AWSC_JMESPATH_OBJECT
                           ? lookup(e, headers.items[k]->key, headers.items[k]->key_len) : NULL;
            row[k] = make_cell(t, x); /* absent: an empty cell */
        }
        add_row(t, row, headers.count);
        for (size_t k = 0; k < more.count && e->type == AWSC_JMESPATH_OBJECT; k++) {
            value *x = lookup(e, more.items[k]->key, more.items[k]->key_len);
            if (x)
                build_table(t, more.items[k]->key, more.items[k]->key_len, x, indent + 1);
        }
    }
    free((void *)headers.items);
    free((void *)more.items);
}

static void build_table(table *t, const char *title, size_t title_len, value *v, int indent)
{
    if (t->failed || !awsc_jmespath_truthy(v) || (v->type == AWSC_JMESPATH_NUMBER && v->u.number.value == 0))
        return; /* Python's `if not current` */
    if (title)
        new_section(t, title, title_len, indent);
    if (v->type == AWSC_JMESPATH_ARRAY) {
        if (v->u.array.items[0]->type == AWSC_JMESPATH_OBJECT) {
            sub_table_from_list(t, v, indent, title, title_len);
            return;
        }
        for (size_t i = 0; i < v->u.array.count && !t->failed; i++) {
            value *item = v->u.array.items[i];
            bool all_scalar = item->type == AWSC_JMESPATH_ARRAY;
            for (size_t k = 0; all_scalar && k < item->u.array.count; k++)
                all_scalar = is_scalar(item->u.array.items[k]);
            if (is_scalar(item) || all_scalar) {
                size_t n = is_scalar(item) ? 1 : item->u.array.count;
                cell *row = calloc(n + 1, sizeof *row);
                if (!row) {
                    t->failed = true;
                    return;
                }
                for (size_t k = 0; k < n; k++)
                    row[k] = make_cell(t, is_scalar(item) ? item : item->u.array.items[k]);
                add_row(t, row, n);
            } else {
                build_table(t, NULL, 0, item, indent);
            }
        }
    } else if (v->type == AWSC_JMESPATH_OBJECT) {
        sub_table_from_dict(t, v, indent);
    } /* a scalar: the title alone, as the AWS CLI prints it */
}

/* Column widths scaled to fill `max_width` (awscli's Section.calculate_column_widths); n = s->columns. */
static size_t *column_widths(const section *s, size_t max_width)
{
    size_t n = s->columns;
    size_t *w = calloc(n + 1, sizeof *w);
    if (!w || !n)
        return w;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)(s->max_widths[i] + 4);
    double scale = (double)max_width / total;
    long long sum = 0;
    for (size_t i = 0; i < n; i++) {
        w[i] = (size_t)nearbyint(scale * (double)(s->max_widths[i] + 4)); /* ties to even, as Python's round */
        sum += (long long)w[i];
    }
    long long off = sum - (long long)max_width;
    while (off != 0) {
        for (size_t k = 0; k < n && off != 0; k++) {
            size_t i = off < 0 ? n - 1 - k : k;
            if (off > 0)
                w[i]--, off--;
            else
                w[i]++, off++;
        }
    }
    return w;
}

static size_t total_width(const section *s)
{
    size_t total = 2 + 2 * (size_t)s->indent;
    for (size_t i = 0; i < s->columns; i++)
        total += s->max_widths[i] + 4;
    size_t title = s->title_width + 2 + 2 * (size_t)s->indent;
    return total > title ? total : title;
}

static int rep(awsc_buf *b, char c, long long n)
{
    for (long long i = 0; i < n; i++)
        if (awsc_buf_putc(b, c))
            return -1;
    return 0;
}

/* One line of a section: '|' per indent level on both sides. */
static int line(awsc_buf *b, const section *s, const awsc_buf *content)
{
    return rep(b, '|', s->indent) || awsc_buf_append(b, content->data ? content->data : "", content->len) ||
           rep(b, '|', s->indent) || awsc_buf_putc(b, '\n');
}

static int center(awsc_buf *b, const char *text, size_t text_width_, size_t length, const char *left)
{
    long long start = (long long)(length / 2) - (long long)(text_width_ / 2) - 1;
    long long so_far = (long long)strlen(left) + start + (long long)text_width_;
    return awsc_buf_puts(b, left) || rep(b, ' ', start) || awsc_buf_puts(b, text) ||
           rep(b, ' ', (long long)length - 1 - so_far) || awsc_buf_putc(b, '|');
}

static int line_break(awsc_buf *b, const section *s, const size_t *widths)
{
    awsc_buf l = AWSC_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < s->columns && !rc; i++)
        rc = i == 0 ? awsc_buf_putc(&l, '+') || rep(&l, '-', (long long)widths[i] - 2) || awsc_buf_putc(&l, '+')
                    : rep(&l, '-', (long long)widths[i] - 1) || awsc_buf_putc(&l, '+');
    rc = rc || line(b, s, &l);
    awsc_buf_free(&l);
    return rc;
}

static int render_section(awsc_buf *b, const section *s, size_t max_width)
{
    max_width -= 2 * (size_t)s->indent;
    awsc_buf l = AWSC_BUF_INIT;
    int rc = 0;
    if (s->title) {
        rc = center(&l, s->title, s->title_width, max_width, "|") || line(b, s, &l);
        l.len = 0;
        if (!rc && !s->header_count && !s->row_count)
            rc = awsc_buf_putc(&l, '+') || rep(&l, '-', (long long)max_width - 2) || awsc_buf_putc(&l, '+') ||
                 line(b, s, &l);
        l.len = 0;
    }
    size_t *widths = rc ? NULL : column_widths(s, max_width);
    if (!widths) {
        awsc_buf_free(&l);
        return -1;
    }
    if (s->header_count && s->columns) {
        rc = line_break(b, s, widths);
        for (size_t i = 0; i < s->header_count && !rc; i++)
            rc = center(&l, s->headers[i].text, s->headers[i].width, widths[i], i == 0 ? "|" : "");
        rc = rc || line(b, s, &l);
        l.len = 0;
    }
    if (!rc && s->row_count && s->columns) {
        rc = line_break(b, s, widths);
        for (size_t r = 0; r < s->row_count && !rc; r++) {
            for (size_t i = 0; i < s->columns && !rc; i++) {
                const char *text = i < s->row_len[r] ? s->rows[r][i].text : "";
                size_t tw = i < s->row_len[r] ? s->rows[r][i].width : 0;
                const char *left = i == 0 ? "|" : "";
                long long pad = (long long)widths[i] - (long long)(tw + 2 + strlen(left) + 1) >= 0 ? 2 : 0;
                long long so_far = (long long)strlen(left) + pad + (long long)tw;
                rc = awsc_buf_puts(&l, left) || rep(&l, ' ', pad) || awsc_buf_puts(&l, text) ||
                     rep(&l, ' ', (long long)widths[i] - so_far - 1) || awsc_buf_putc(&l, '|');
            }
            rc = rc || line(b, s, &l);
            l.len = 0;
        }
        rc = rc || line_break(b, s, widths);
    }
    free(widths);
    awsc_buf_free(&l);
    return rc;
}

static void free_section(section *s)
{
    free(s->title);
    for (size_t i = 0; i < s->header_count; i++)
        free(s->headers[i].text);
    free(s->headers);
    for (size_t r = 0; r < s->row_count; r++) {
        for (size_t i = 0; i < s->row_len[r]; i++)
            free(s->rows[r][i].text);
        free(s->rows[r]);
    }
    free(s->rows);
    free(s->row_len);
    free(s->max_widths);
}

/* A too wide table: each section of one row with headers becomes header | value rows. */
static void to_vertical(table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        section *s = &t->s[i];
        if (s->row_count != 1 || !s->header_count)
            continue;
        section v = {.title = s->title, .title_width = s->title_width, .indent = s->indent};
        s->title = NULL;
        table one = {&v, 1, 1, false};
        for (size_t k = 0; k < s->header_count && k < s->row_len[0]; k++) {
            cell *row = calloc(2, sizeof *row);
            if (!row) {
                t->failed = true;
                break;
            }
            row[0] = s->headers[k], row[1] = s->rows[0][k];
            s->headers[k].text = NULL, s->rows[0][k].text = NULL;
            add_row(&one, row, 2);
        }
        t->failed |= one.failed;
        free_section(s);
        *s = v;
    }
}

static int print_table(awsc_buf *b, value *v, const char *title, int width)
{
    table t = {0};
    build_table(&t, title, strlen(title), v, 0);
    size_t max = 0;
    for (size_t i = 0; i < t.count; i++)
        if (total_width(&t.s[i]) > max)
            max = total_width(&t.s[i]);
    if (width > 0 && max > (size_t)width && !t.failed) {
        to_vertical(&t);
        max = 0;
        for (size_t i = 0; i < t.count; i++)
            if (total_width(&t.s[i]) > max)
                max = total_width(&t.s[i]);
    }
    int rc = t.failed ? -1 : 0;
    if (!rc && t.count) {
        rc = rep(b, '-', (long long)max) || awsc_buf_putc(b, '\n');
        for (size_t i = 0; i < t.count && !rc; i++)
            rc = render_section(b, &t.s[i], max);
    }
    for (size_t i = 0; i < t.count; i++)
        free_section(&t.s[i]);
    free(t.s);
    return rc;
}

/* ---- yaml ---- */

static bool matches_number(const char *s, size_t n)
{
    /* YAML 1.1's int and float forms, roughly: [-+]? digits/underscores, '.', exponent, 0x/0o, .inf/.nan */
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i == n)
        return false;
    if (n - i >= 4 && (strncasecmp(s + i, ".inf", 4) == 0 || strncasecmp(s + i, ".nan", 4) == 0) && n - i == 4)
        return true;
    if (n - i > 2 && s[i] == '0' && strchr("xXoObB", s[i + 1]))
        return true;
    bool digits = false;
    for (; i < n && (isdigit((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'); i++)
        digits = true;
    if (i < n && s[i] == '.')
        for (i++; i < n && (isdigit((unsigned char)s[i]) || s[i] == '_'); i++)
            digits = true;
    if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        if (i == n)
            return false;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    return digits && i == n;
}

/* A string that a YAML reader would take for something else, or that plain style cannot carry. */
static bool needs_quotes(const char *s, size_t n)
{
    static const char *const words[] = {"yes", "Yes", "YES", "no", "No", "NO", "true", "True",
                                        "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
                                        "null", "Null", "NULL", "~", "<<", "="};
    if (n == 0 || strchr("-?:,[]{}#&*!|>'\"%@` \t", s[0]) || s[n - 1] == ' ' || s[n - 1] == ':')
        return true;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    if (matches_number(s, n))
        return true;
    /* dates and timestamps: 2001-12-14... */
    if (n >= 8 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
        isdigit((unsigned char)s[3]) && s[4] == '-')
        return true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c1_at(s, n, i) || (c == ':' && i + 1 < n && s[i + 1] == ' ') ||
            (c == ' ' && i + 1 < n && s[i + 1] == '#'))
            return true;
    }
    return false;
}

static int yaml_string(awsc_buf *b, const char *s, size_t n)
{
    if (!needs_quotes(s, n))
        return awsc_buf_append(b, s, n);
    bool printable = true;
    for (size_t i = 0; i < n && printable; i++)
        printable = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f && !c1_at(s, n, i);
    if (printable) {
        if (awsc_buf_putc(b, '\''))
            return -1;
        for (size_t i = 0; i < n; i++)
            if ((s[i] == '\'' && awsc_buf_putc(b, '\'')) || awsc_buf_putc(b, s[i]))
                return -1;
        return awsc_buf_putc(b, '\'');
    }
    if (awsc_buf_putc(b, '"'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        switch (c) {
        case '"': rc = awsc_buf_puts(b, "\\\""); break;
        case '\\': rc = awsc_buf_puts(b, "\\\\"); break;
        case '\n': rc = awsc_buf_puts(b, "\\n"); break;
        case '\t': rc = awsc_buf_puts(b, "\\t"); break;
        case '\r': rc = awsc_buf_puts(b, "\\r"); break;
        case 0: rc = awsc_buf_puts(b, "\\0"); break;
        default:
            if (c1_at(s, n, i)) /* YAML's \x escapes a code point: U+009B is \x9b */
                rc = awsc_buf_printf(b, "\\x%02x", (unsigned char)s[++i]);
            else
                rc = c < 0x20 || c == 0x7f ? awsc_buf_printf(b, "\\x%02x", c) : awsc_buf_putc(b, (char)c);
        }
        if (rc)
            return -1;
    }
    return awsc_buf_putc(b, '"');
}

static int yaml_scalar(awsc_buf *b, value *v)
{
    switch (v->type) {
    case AWSC_JMESPATH_NULL:
        return awsc_buf_puts(b, "null");
    case AWSC_JMESPATH_BOOL:
        return awsc_buf_puts(b, v->u.boolean ? "true" : "false");
    case AWSC_JMESPATH_NUMBER:
        return put_scalar(b, v);
    case AWSC_JMESPATH_STRING:
        return yaml_string(b, v->u.string.data, v->u.string.len);
    case AWSC_JMESPATH_ARRAY:
        return awsc_buf_puts(b, "[]");
    case AWSC_JMESPATH_OBJECT:
        return awsc_buf_puts(b, "{}");
    }
    return -1;
}

static bool inline_value(value *v)
{
    return is_scalar(v) || (v->type == AWSC_JMESPATH_ARRAY && v->u.array.count == 0) ||
           (v->type == AWSC_JMESPATH_OBJECT && v->u.object.count == 0);
}

/* A block collection at `indent`; `continued`: the cursor already stands there (after "- "). */
static int yaml_block(awsc_buf *b, value *v, int indent, bool continued)
{
    if (v->type == AWSC_JMESPATH_OBJECT) {
        keys sorted = {0}, unused = {0};
        for (size_t i = 0; i < v->u.object.count; i++)
            if (keys_add(&sorted, &v->u.object.members[i])) {
                free((void *)sorted.items);
                return -1;
            }
        (void)unused;
        int rc = 0;
        for (size_t i = 0; i < sorted.count && !rc; i++) {
            const awsc_jmespath_member *m = sorted.items[i];
            value *x = lookup(v, m->key, m->key_len);
            rc = ((i || !continued) && rep(b, ' ', indent)) || yaml_string(b, m->key, m->key_len) ||
                 awsc_buf_putc(b, ':');
            if (rc)
                break;
            if (inline_value(x))
                rc = awsc_buf_putc(b, ' ') || yaml_scalar(b, x) || awsc_buf_putc(b, '\n');
            else /* a list under a key is not indented; a mapping is */
                rc = awsc_buf_putc(b, '\n') ||
                     yaml_block(b, x, x->type == AWSC_JMESPATH_ARRAY ? indent : indent + 2, false);
        }
        free((void *)sorted.items);
        return rc;
    }
    for (size_t i = 0; i < v->u.array.count; i++) {
        value *x = v->u.array.items[i];
        if (((i || !continued) && rep(b, ' ', indent)) || awsc_buf_puts(b, "- "))
            return -1;
        if (inline_value(x) ? yaml_scalar(b, x) || awsc_buf_putc(b, '\n') : yaml_block(b, x, indent + 2, true))
            return -1;
    }
    return 0;
}

static int print_yaml(awsc_buf *b, value *v)
{
    if (!inline_value(v))
        return yaml_block(b, v, 0, false);
    int rc = yaml_scalar(b, v) || awsc_buf_putc(b, '\n');
    /* a plain scalar alone is an open-ended document: YAML dumpers close it */
    bool plain = v->type != AWSC_JMESPATH_STRING || !needs_quotes(v->u.string.data, v->u.string.len);
    if (!rc && is_scalar(v) && plain)
        rc = awsc_buf_puts(b, "...\n");
    return rc;
}

int cli_print(FILE *out, cli_output fmt, const awsc_jmespath_value *v, const char *title, int width)
{
    if (v->type == AWSC_JMESPATH_OBJECT && v->u.object.count == 0)
        return 0;
    awsc_buf b = AWSC_BUF_INIT;
    int rc;
    switch (fmt) {
    case CLI_OUT_TEXT:
        rc = text_value(&b, v, NULL, 0, NULL);
        break;
    case CLI_OUT_TABLE:
        rc = print_table(&b, v, title, width);
        break;
    case CLI_OUT_YAML:
        rc = print_yaml(&b, v);
        break;
    default:
        rc = -1;
    }
    if (!rc && b.len && fwrite(b.data, 1, b.len, out) != b.len)
        rc = -1;
    awsc_buf_free(&b);
    return rc || fflush(out) ? -1 : 0;
}
