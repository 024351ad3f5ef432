/* Descriptor-driven JSON writer: typed C structures -> compact JSON bytes. */
#include "util/base64.h"
#include "util/error.h"
#include "serde/json/json.h"
#include "serde/json/plain.h"
#include "util/timefmt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer {
    awsc_buf *out;
    awsc_json_names names;
    awsc_error *err;
    int depth;
    const char *member;
} writer;

/* Out of memory while writing: one cold call at each of the many sites, not a varargs call. */
__attribute__((noinline, cold)) static int oom(writer *w)
{
    return awsc_error_set(w->err, AWSC_E_NOMEM, "out of memory while writing JSON");
}
#define OOM(w) oom(w)

int awsc_json_write_string(awsc_buf *out, const char *s, size_t len)
{
    /* The plain prefix is whole UTF-8 sequences (ASCII): only the rest is checked and escaped. */
    size_t plain = len ? (size_t)(awsc_json_plain_run(s, s + len) - s) : 0;
    if (plain == len && out->data && out->cap - out->len > len + 2) { /* quotes, bytes, NUL: one copy */
        char *o = out->data + out->len;
        o[0] = '"';
        memcpy(o + 1, s, len);
        o[len + 1] = '"';
        o[len + 2] = '\0';
        out->len += len + 2;
        return 0;
    }
    if (plain < len && awsc_utf8_length(s + plain, len - plain) < 0)
        return -1;
    if (awsc_buf_reserve(out, len + 2) != 0)
        return -2;
    if (awsc_buf_putc(out, '"') != 0)
        return -2;
    size_t run = 0;
    for (size_t i = plain; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                snprintf(hex, sizeof hex, "\\u%04x", c);
                esc = hex;
            }
        }
        if (!esc)
            continue;
        if (awsc_buf_append(out, s + run, i - run) != 0 || awsc_buf_puts(out, esc) != 0)
            return -2;
        run = i + 1;
    }
    if (awsc_buf_append(out, s + run, len - run) != 0 || awsc_buf_putc(out, '"') != 0)
        return -2;
    return 0;
}

static int put_string(writer *w, const char *s, size_t len)
{
    int rc = awsc_json_write_string(w->out, s, len);
    if (rc == -1)
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: string is not valid UTF-8",
                              w->member ? w->member : "value");
    return rc ? OOM(w) : 0;
}

static int put_double(writer *w, double d, bool single)
{
    char tmp[32];
    awsc_format_double(tmp, d, single);
    if (!isfinite(d))
        return awsc_buf_printf(w->out, "\"%s\"", tmp) ? OOM(w) : 0;
    return awsc_buf_puts(w->out, tmp) ? OOM(w) : 0;
}

static int write_struct(writer *w, const awsc_shape *shape, const void *obj, bool top);

static int write_value(writer *w, const awsc_member *m, const void *container)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    awsc_buf *o = w->out;
    int rc = 0;
    if ((m->flags & AWSC_F_NULLABLE) && !awsc_member_present(m, container))
        return awsc_buf_puts(o, "null") ? OOM(w) : 0;
    if (m->flags & AWSC_F_BOXED) {
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~(AWSC_F_BOXED | AWSC_F_NULLABLE);
        inner.offset = 0;
        return write_value(w, &inner, *(const void *const *)slot);
    }
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING: {
        const char *s = *(const char *const *)slot;
        return s ? put_string(w, s, strlen(s)) : (awsc_buf_puts(o, "null") ? OOM(w) : 0);
    }
    case AWSC_T_ENUM: {
        const char *s = awsc_enum_wire(m, container);
        if (!s)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: invalid value %d for enum %s", m->name,
                                  *(const int *)slot, m->shape->name);
        return put_string(w, s, strlen(s));
    }
    case AWSC_T_BOOL:
        rc = awsc_buf_puts(o, *(const bool *)slot ? "true" : "false");
        break;
    case AWSC_T_BYTE:
        rc = awsc_buf_printf(o, "%d", (int)*(const int8_t *)slot);
        break;
    case AWSC_T_SHORT:
        rc = awsc_buf_printf(o, "%d", (int)*(const int16_t *)slot);
        break;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        rc = awsc_buf_printf(o, "%" PRId32, *(const int32_t *)slot);
        break;
    case AWSC_T_LONG:
        rc = awsc_buf_printf(o, "%" PRId64, *(const int64_t *)slot);
        break;
    case AWSC_T_FLOAT:
        return put_double(w, *(const float *)slot, true);
    case AWSC_T_DOUBLE:
        return put_double(w, *(const double *)slot, false);
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL: {
        const char *s = *(const char *const *)slot;
        if (!s || !awsc_json_valid(s, strlen(s)) || s[strspn(s, "-+.0123456789eE")] != '\0')
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: not a decimal number", m->name);
        if ((m->flags & AWSC_F_BIG_AS_STRING) && w->names == AWSC_JSON_WIRE)
            return put_string(w, s, strlen(s)); /* rpcv2Json keeps every digit in a string */
        rc = awsc_buf_puts(o, s);
        break;
    }
    case AWSC_T_STREAM: /* a buffered stream is a blob: data/len come first */
    case AWSC_T_BLOB: {
        if (m->type == AWSC_T_STREAM && ((const awsc_stream *)slot)->read)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: a read callback cannot be written as JSON",
                                  m->name);
        const awsc_blob *b = (const awsc_blob *)slot;
        if (w->names == AWSC_JSON_PARAMS)
            return put_string(w, (const char *)b->data, b->len);
        awsc_buf enc = AWSC_BUF_INIT;
        if (awsc_base64_encode(&enc, b->data, b->len) != 0) {
            awsc_buf_free(&enc);
            return OOM(w);
        }
        rc = put_string(w, enc.data ? enc.data : "", enc.len);
        awsc_buf_free(&enc);
        return rc;
    }
    case AWSC_T_TIMESTAMP: {
        awsc_timestamp t = *(const awsc_timestamp *)slot;
        if (t.nanos >= 1000000000u)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nanoseconds out of range", m->name);
        bool as_text = w->names != AWSC_JSON_PARAMS && w->names != AWSC_JSON_QUERY; /* else epoch seconds */
        if (as_text && (m->ts_format == AWSC_TS_DATE_TIME || m->ts_format == AWSC_TS_HTTP_DATE)) {
            awsc_buf t_text = AWSC_BUF_INIT;
            int frc = m->ts_format == AWSC_TS_DATE_TIME ? awsc_time_format_date_time(&t_text, t)
                                                        : awsc_time_format_http_date(&t_text, t);
            rc = frc == -2 ? awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: timestamp out of range", m->name)
                 : frc     ? OOM(w)
                           : put_string(w, t_text.data, t_text.len);
            awsc_buf_free(&t_text);
            return rc;
        }
        rc = awsc_time_format_epoch(o, t);
        if (rc == -2)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: timestamp out of range", m->name);
        break;
    }
    case AWSC_T_DOCUMENT: {
        const char *s = *(const char *const *)slot;
        if (!s || !awsc_json_valid(s, strlen(s)))
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: document is not valid JSON", m->name);
        rc = awsc_buf_puts(o, s);
        break;
    }
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        const void *obj = (m->flags & AWSC_F_INLINE) ? (const void *)slot : *(const void *const *)slot;
        if (!obj)
            return awsc_buf_puts(o, "null") ? OOM(w) : 0;
        return write_struct(w, m->shape, obj, false);
    }
    case AWSC_T_LIST: {
        const struct {
            const unsigned char *items;
            size_t count;
        } *list = (const void *)slot;
        if (!list->items && list->count)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: count is %zu but items is NULL", m->name,
                                  list->count);
        if (++w->depth > AWSC_JSON_MAX_DEPTH)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nesting deeper than %d levels", m->name,
                                  AWSC_JSON_MAX_DEPTH);
        if (awsc_buf_putc(o, '['))
            return OOM(w);
        const awsc_member *elem = &m->shape->members[0];
        for (size_t i = 0; i < list->count; i++) {
            if (i && awsc_buf_putc(o, ','))
                return OOM(w);
            if ((rc = write_value(w, elem, list->items + i * m->shape->size)) != 0)
                return rc;
        }
        w->depth--;
        rc = awsc_buf_putc(o, ']');
        break;
    }
    case AWSC_T_UNIT:
        rc = awsc_buf_puts(o, "{}");
        break;
    case AWSC_T_MAP: {
        const struct {
            const unsigned char *entries;
            size_t count;
        } *map = (const void *)slot;
        if (!map->entries && map->count)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: count is %zu but entries is NULL", m->name,
                                  map->count);
        if (++w->depth > AWSC_JSON_MAX_DEPTH)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nesting deeper than %d levels", m->name,
                                  AWSC_JSON_MAX_DEPTH);
        if (awsc_buf_putc(o, '{'))
            return OOM(w);
        const awsc_member *key = &m->shape->members[0], *val = &m->shape->members[1];
        for (size_t i = 0; i < map->count; i++) {
            const unsigned char *e = map->entries + i * m->shape->size;
            const char *k = *(const char *const *)(e + key->offset);
            if (!k)
                return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: map entry %zu has a NULL key", m->name, i);
            if ((i && awsc_buf_putc(o, ',')))
                return OOM(w);
            if ((rc = put_string(w, k, strlen(k))) != 0)
                return rc;
            if (awsc_buf_putc(o, ':'))
                return OOM(w);
            if ((rc = write_value(w, val, e)) != 0)
                return rc;
        }
        w->depth--;
        rc = awsc_buf_putc(o, '}');
        break;
    }
    }
    return rc ? OOM(w) : 0;
}

static int write_struct(writer *w, const awsc_shape *shape, const void *obj, bool top)
{
    if (++w->depth > AWSC_JSON_MAX_DEPTH)
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nesting deeper than %d levels", shape->name,
                              AWSC_JSON_MAX_DEPTH);
    if (awsc_buf_putc(w->out, '{'))
        return OOM(w);
    int rc;
    if (shape->type == AWSC_T_UNION) {
        int tag = *(const int *)((const unsigned char *)obj + shape->union_tag_offset);
        if (tag < 1 || (uint32_t)tag > shape->member_count)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: union has no known member set", shape->name);
        const awsc_member *m = &shape->members[tag - 1];
        const char *key = w->names != AWSC_JSON_WIRE ? m->name : m->wire_name;
        if ((rc = put_string(w, key, strlen(key))) != 0)
            return rc;
        if (awsc_buf_putc(w->out, ':'))
            return OOM(w);
        if ((rc = write_value(w, m, obj)) != 0)
            return rc;
    } else {
        bool first = true;
        for (uint32_t i = 0; i < shape->member_count; i++) {
            const awsc_member *m = &shape->members[i];
            if (top && w->names == AWSC_JSON_WIRE && m->binding != AWSC_B_BODY)
                continue;
            /* An unset member with a model default sends the default, as the AWS SDKs do. */
            /* Top-level input members are left to the service (Smithy: clients skip those defaults). */
            bool send_default = w->names == AWSC_JSON_WIRE && !top && awsc_member_default(m) && !awsc_member_present(m, obj);
            if (!send_default && !awsc_member_present(m, obj))
                continue;
            const char *key = w->names != AWSC_JSON_WIRE ? m->name : m->wire_name;
            if ((!first && awsc_buf_putc(w->out, ',')))
                return OOM(w);
            first = false;
            if ((rc = put_string(w, key, strlen(key))) != 0)
                return rc;
            if (awsc_buf_putc(w->out, ':'))
                return OOM(w);
            if (send_default) {
                if (awsc_buf_puts(w->out, awsc_member_default(m)))
                    return OOM(w);
                continue;
            }
            const char *outer = w->member;
            w->member = m->name;
            if ((rc = write_value(w, m, obj)) != 0)
                return rc;
            w->member = outer;
        }
    }
    w->depth--;
    return awsc_buf_putc(w->out, '}') ? OOM(w) : 0;
}

int awsc_json_write(awsc_buf *out, const awsc_shape *shape, const void *obj, awsc_json_names names, bool top_level,
                    awsc_error *err)
{
    writer w = {.out = out, .names = names, .err = err};
    return write_struct(&w, shape, obj, top_level);
}

int awsc_json_write_member(awsc_buf *out, const awsc_member *m, const void *container, awsc_json_names names,
                           awsc_error *err)
{
    writer w = {.out = out, .names = names, .err = err, .member = m->name};
    return write_value(&w, m, container);
}
