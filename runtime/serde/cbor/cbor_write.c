/* Descriptor-driven CBOR writer: typed C structures -> RPC v2 CBOR bytes. */
#include "serde/cbor/cbor.h"

#include "util/error.h"
#include "serde/json/json.h"
#include "serde/scalar.h"

#include <string.h>

typedef struct writer {
    awsc_buf *out;
    awsc_error *err;
    int depth;
    const char *token; /* fills an unset top-level idempotency token, or NULL */
    awsc_arena *scratch; /* model defaults read for writing, made on first need */
} writer;

__attribute__((noinline, cold)) static int oom(writer *w)
{
    return awsc_error_set(w->err, AWSC_E_NOMEM, "out of memory while writing CBOR");
}

static int put_text(writer *w, const char *name, const char *s, size_t len)
{
    if (awsc_utf8_length(s, len) < 0)
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: string is not valid UTF-8", name);
    return awsc_cbor_put_text(w->out, s, len) ? oom(w) : 0;
}

static int write_struct(writer *w, const awsc_shape *shape, const void *obj, bool top);

static int deeper(writer *w, const char *name)
{
    if (++w->depth > AWSC_CBOR_MAX_DEPTH)
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nesting deeper than %d levels", name,
                              AWSC_CBOR_MAX_DEPTH);
    return 0;
}

static int write_value(writer *w, const awsc_member *m, const void *container)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    awsc_buf *o = w->out;
    if ((m->flags & AWSC_F_NULLABLE) && !awsc_member_present(m, container))
        return awsc_cbor_put_head(o, AWSC_CBOR_SIMPLE, AWSC_CBOR_NULL) ? oom(w) : 0;
    if (m->flags & AWSC_F_BOXED) {
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~(AWSC_F_BOXED | AWSC_F_NULLABLE);
        inner.offset = 0;
        return write_value(w, &inner, *(const void *const *)slot);
    }
    int rc = 0;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING: {
        const char *s = *(const char *const *)slot;
        if (!s)
            return awsc_cbor_put_head(o, AWSC_CBOR_SIMPLE, AWSC_CBOR_NULL) ? oom(w) : 0;
        return put_text(w, m->name, s, strlen(s));
    }
    case AWSC_T_ENUM: {
        const char *s = awsc_enum_wire(m, container);
        if (!s)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: invalid value %d for enum %s", m->name,
                                  *(const int *)slot, m->shape->name);
        return put_text(w, m->name, s, strlen(s));
    }
    case AWSC_T_BOOL:
        rc = awsc_cbor_put_head(o, AWSC_CBOR_SIMPLE, *(const bool *)slot ? AWSC_CBOR_TRUE : AWSC_CBOR_FALSE);
        break;
    case AWSC_T_BYTE:
        rc = awsc_cbor_put_int(o, *(const int8_t *)slot);
        break;
    case AWSC_T_SHORT:
        rc = awsc_cbor_put_int(o, *(const int16_t *)slot);
        break;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        rc = awsc_cbor_put_int(o, *(const int32_t *)slot);
        break;
    case AWSC_T_LONG:
        rc = awsc_cbor_put_int(o, *(const int64_t *)slot);
        break;
    case AWSC_T_FLOAT:
        rc = awsc_cbor_put_float(o, *(const float *)slot);
        break;
    case AWSC_T_DOUBLE:
        rc = awsc_cbor_put_double(o, *(const double *)slot);
        break;
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL:
    case AWSC_T_DOCUMENT:
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: the rpcv2Cbor protocol cannot carry this type",
                              m->name);
    case AWSC_T_STREAM:
    case AWSC_T_BLOB: {
        if (m->type == AWSC_T_STREAM && ((const awsc_stream *)slot)->read)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: a read callback cannot be written as CBOR",
                                  m->name);
        const awsc_blob *b = (const awsc_blob *)slot;
        rc = awsc_cbor_put_head(o, AWSC_CBOR_BYTES, b->len) || (b->len && awsc_buf_append(o, b->data, b->len));
        break;
    }
    case AWSC_T_TIMESTAMP: {
        /* tag 1 (epoch-based date/time) with the seconds as a double, fractions included */
        awsc_timestamp t = *(const awsc_timestamp *)slot;
        if (t.nanos >= 1000000000u)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nanoseconds out of range", m->name);
        rc = awsc_cbor_put_head(o, AWSC_CBOR_TAG, 1) ||
             awsc_cbor_put_double(o, (double)t.seconds + (double)t.nanos / 1e9);
        break;
    }
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        const void *obj = (m->flags & AWSC_F_INLINE) ? (const void *)slot : *(const void *const *)slot;
        if (!obj)
            return awsc_cbor_put_head(o, AWSC_CBOR_SIMPLE, AWSC_CBOR_NULL) ? oom(w) : 0;
        return write_struct(w, m->shape, obj, false);
    }
    case AWSC_T_LIST:
    case AWSC_T_MAP: {
        bool map = m->type == AWSC_T_MAP;
        const struct {
            const unsigned char *entries;
            size_t count;
        } *coll = (const void *)slot;
        if (!coll->entries && coll->count)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: count is %zu but its array is NULL", m->name,
                                  coll->count);
        if ((rc = deeper(w, m->name)) != 0)
            return rc;
        if (awsc_cbor_put_head(o, map ? AWSC_CBOR_MAP : AWSC_CBOR_ARRAY, coll->count))
            return oom(w);
        const awsc_member *val = &m->shape->members[map ? 1 : 0];
        for (size_t i = 0; i < coll->count; i++) {
            const unsigned char *e = coll->entries + i * m->shape->size;
            if (map) {
                const char *k = *(const char *const *)(e + m->shape->members[0].offset);
                if (!k)
                    return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: map entry %zu has a NULL key", m->name, i);
                if ((rc = put_text(w, m->name, k, strlen(k))) != 0)
                    return rc;
            }
            if ((rc = write_value(w, val, e)) != 0)
                return rc;
        }
        w->depth--;
        return 0;
    }
    case AWSC_T_UNIT:
        rc = awsc_cbor_put_head(o, AWSC_CBOR_MAP, 0);
        break;
    }
    return rc ? oom(w) : 0;
}

/* The members a structure map holds: present ones (body-bound only at the top level). */
static bool written(const awsc_member *m, const void *obj, bool top)
{
    if (top && m->binding != AWSC_B_BODY)
        return false;
    return awsc_member_present(m, obj);
}

/* An unset nested member with a model default sends the default, as the AWS SDKs do (not at the top level). */
static bool sends_default(const awsc_member *m, const void *obj, bool top)
{
    return !top && awsc_member_default(m) && !awsc_member_present(m, obj);
}

/* The model default (JSON text in the descriptor) read into a copy of the structure, then written. */
static int write_default(writer *w, const awsc_shape *shape, const awsc_member *m, const void *obj)
{
    if (!w->scratch && !(w->scratch = awsc_arena_create()))
        return oom(w);
    void *copy = awsc_arena_alloc(w->scratch, shape->size);
    if (!copy)
        return oom(w);
    memcpy(copy, obj, shape->size);
    const char *dflt = awsc_member_default(m);
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_json_read_member(m, copy, dflt, strlen(dflt), w->scratch, AWSC_JSON_WIRE, AWSC_E_INTERNAL, &e);
    awsc_error_clear(&e);
    if (rc == AWSC_E_NOMEM)
        return oom(w);
    if (rc != AWSC_OK)
        return awsc_error_set(w->err, AWSC_E_INTERNAL, "%s: the model default does not read", m->name);
    return write_value(w, m, copy);
}

static bool token_filled(const writer *w, const awsc_member *m, const void *obj, bool top)
{
    return top && w->token && m->binding == AWSC_B_BODY && (m->flags & AWSC_F_IDEMPOTENCY_TOKEN) &&
           m->type == AWSC_T_STRING && !awsc_member_present(m, obj);
}

static int write_struct(writer *w, const awsc_shape *shape, const void *obj, bool top)
{
    int rc = deeper(w, shape->name);
    if (rc)
        return rc;
    if (shape->type == AWSC_T_UNION) {
        int tag = *(const int *)((const unsigned char *)obj + shape->union_tag_offset);
        if (tag < 1 || (uint32_t)tag > shape->member_count)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: union has no known member set", shape->name);
        const awsc_member *m = &shape->members[tag - 1];
        if (awsc_cbor_put_head(w->out, AWSC_CBOR_MAP, 1) || awsc_cbor_put_text(w->out, m->wire_name, strlen(m->wire_name)))
            return oom(w);
        if ((rc = write_value(w, m, obj)) != 0)
            return rc;
        w->depth--;
        return 0;
    }
    size_t count = 0;
    for (uint32_t i = 0; i < shape->member_count; i++)
        count += written(&shape->members[i], obj, top) || token_filled(w, &shape->members[i], obj, top) ||
                 sends_default(&shape->members[i], obj, top);
    if (awsc_cbor_put_head(w->out, AWSC_CBOR_MAP, count))
        return oom(w);
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        bool fill = token_filled(w, m, obj, top), dflt = sends_default(m, obj, top);
        if (!fill && !dflt && !written(m, obj, top))
            continue;
        if (awsc_cbor_put_text(w->out, m->wire_name, strlen(m->wire_name)))
            return oom(w);
        if (fill) {
            if (awsc_cbor_put_text(w->out, w->token, strlen(w->token)))
                return oom(w);
            continue;
        }
        if (dflt) {
            if ((rc = write_default(w, shape, m, obj)) != 0)
                return rc;
            continue;
        }
        if ((rc = write_value(w, m, obj)) != 0)
            return rc;
    }
    w->depth--;
    return 0;
}

int awsc_cbor_write(awsc_buf *out, const awsc_shape *shape, const void *obj, bool top_level, const char *token,
                    awsc_error *err)
{
    writer w = {.out = out, .err = err, .token = token};
    int rc = write_struct(&w, shape, obj, top_level);
    awsc_arena_destroy(w.scratch);
    return rc;
}
