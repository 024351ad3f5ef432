/*
 * Client-side validation before a request is sent: required members and
 * length/range minimums. Maximums and patterns are left to the service, as
 * botocore does, so that a service relaxing a limit needs no SDK update.
 */
#include "buf.h"
#include "error.h"
#include "json.h"

#include <inttypes.h>
#include <string.h>

static int check_struct(const awsc_shape *shape, const void *obj, awsc_buf *where, int depth, awsc_error *err);

static int too_short(awsc_buf *where, const awsc_member *m, long long have, awsc_error *err, const char *what)
{
    return awsc_error_set(err, AWSC_E_VALIDATION, "%s: %s %lld is below the minimum %" PRId64,
                          where->data ? where->data : m->name, what, have, m->min);
}

static int check_value(const awsc_member *m, const void *container, awsc_buf *where, int depth, awsc_error *err)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    if (m->flags & AWSC_F_BOXED) { /* a sparse collection's scalar: NULL is null, else check the value */
        const void *box = *(const void *const *)slot;
        if (!box)
            return 0;
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~(AWSC_F_BOXED | AWSC_F_NULLABLE);
        inner.offset = 0;
        return check_value(&inner, box, where, depth, err);
    }
    bool has_min = m->flags & AWSC_F_HAS_MIN;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING: {
        const char *s = *(const char *const *)slot;
        if (!s)
            return 0;
        long long n = awsc_utf8_length(s, strlen(s));
        if (n < 0)
            return awsc_error_set(err, AWSC_E_VALIDATION, "%s: string is not valid UTF-8", where->data);
        return has_min && n < m->min ? too_short(where, m, n, err, "length") : 0;
    }
    case AWSC_T_BLOB: {
        const awsc_blob *b = (const awsc_blob *)slot;
        return has_min && b->data && (long long)b->len < m->min ? too_short(where, m, (long long)b->len, err, "length")
                                                                 : 0;
    }
    case AWSC_T_BYTE:
        return has_min && *(const int8_t *)slot < m->min ? too_short(where, m, *(const int8_t *)slot, err, "value") : 0;
    case AWSC_T_SHORT:
        return has_min && *(const int16_t *)slot < m->min ? too_short(where, m, *(const int16_t *)slot, err, "value")
                                                          : 0;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        return has_min && *(const int32_t *)slot < m->min ? too_short(where, m, *(const int32_t *)slot, err, "value")
                                                          : 0;
    case AWSC_T_LONG:
        return has_min && *(const int64_t *)slot < m->min
                   ? too_short(where, m, (long long)*(const int64_t *)slot, err, "value")
                   : 0;
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE: {
        double d = m->type == AWSC_T_FLOAT ? *(const float *)slot : *(const double *)slot;
        if (has_min && d < (double)m->min)
            return awsc_error_set(err, AWSC_E_VALIDATION, "%s: value %g is below the minimum %" PRId64, where->data,
                                  d, m->min);
        return 0;
    }
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        const void *obj = (m->flags & AWSC_F_INLINE) ? (const void *)slot : *(const void *const *)slot;
        return obj ? check_struct(m->shape, obj, where, depth + 1, err) : 0;
    }
    case AWSC_T_LIST: {
        const struct {
            const unsigned char *items;
            size_t count;
        } *list = (const void *)slot;
        if (!list->items) {
            if (list->count)
                return awsc_error_set(err, AWSC_E_VALIDATION, "%s: count is %zu but items is NULL", where->data,
                                      list->count);
            return 0;
        }
        if (has_min && (long long)list->count < m->min)
            return too_short(where, m, (long long)list->count, err, "length");
        const awsc_member *elem = &m->shape->members[0];
        size_t mark = where->len;
        for (size_t i = 0; i < list->count; i++) {
            if (awsc_buf_printf(where, "[%zu]", i) != 0)
                return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
            int rc = check_value(elem, list->items + i * m->shape->size, where, depth, err);
            if (rc)
                return rc;
            where->len = mark;
            where->data[mark] = '\0';
        }
        return 0;
    }
    case AWSC_T_MAP: {
        const struct {
            const unsigned char *entries;
            size_t count;
        } *map = (const void *)slot;
        if (!map->entries) {
            if (map->count)
                return awsc_error_set(err, AWSC_E_VALIDATION, "%s: count is %zu but entries is NULL", where->data,
                                      map->count);
            return 0;
        }
        if (has_min && (long long)map->count < m->min)
            return too_short(where, m, (long long)map->count, err, "length");
        const awsc_member *key = &m->shape->members[0], *val = &m->shape->members[1];
        size_t mark = where->len;
        for (size_t i = 0; i < map->count; i++) {
            const unsigned char *e = map->entries + i * m->shape->size;
            const char *k = *(const char *const *)(e + key->offset);
            if (!k)
                return awsc_error_set(err, AWSC_E_VALIDATION, "%s: entry %zu has a NULL key", where->data, i);
            if (awsc_buf_printf(where, "[\"%s\"]", k) != 0)
                return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
            int rc = check_value(key, e, where, depth, err);
            if (!rc)
                rc = check_value(val, e, where, depth, err);
            if (rc)
                return rc;
            where->len = mark;
            where->data[mark] = '\0';
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int check_struct(const awsc_shape *shape, const void *obj, awsc_buf *where, int depth, awsc_error *err)
{
    if (depth > AWSC_JSON_MAX_DEPTH)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: nesting deeper than %d levels", where->data,
                              AWSC_JSON_MAX_DEPTH);
    size_t mark = where->len;
    if (shape->type == AWSC_T_UNION) {
        int tag = *(const int *)((const unsigned char *)obj + shape->union_tag_offset);
        if (tag < 1 || (uint32_t)tag > shape->member_count)
            return awsc_error_set(err, AWSC_E_VALIDATION, "%s: union %s has no member set",
                                  where->len ? where->data : shape->name, shape->name);
        const awsc_member *m = &shape->members[tag - 1];
        if (awsc_buf_printf(where, "%s%s", where->len ? "." : "", m->name) != 0)
            return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
        int rc = check_value(m, obj, where, depth, err);
        where->len = mark;
        where->data[mark] = '\0';
        return rc;
    }
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        if (awsc_buf_printf(where, "%s%s", mark ? "." : "", m->name) != 0)
            return awsc_error_set(err, AWSC_E_NOMEM, "out of memory");
        int rc = 0;
        if (!awsc_member_present(m, obj)) {
            /* { NULL, n > 0 } is a caller's mistake, not an absent list: say so rather than drop it. */
            if ((m->type == AWSC_T_LIST || m->type == AWSC_T_MAP) &&
                ((const size_t *)awsc_member_slot(m, obj))[1] != 0)
                rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: count is %zu but %s is NULL", where->data,
                                    ((const size_t *)awsc_member_slot(m, obj))[1],
                                    m->type == AWSC_T_LIST ? "items" : "entries");
            else if (m->flags & AWSC_F_REQUIRED)
                rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: required member is missing (in %s)", where->data,
                                    shape->name);
        } else {
            rc = check_value(m, obj, where, depth, err);
        }
        where->len = mark;
        if (where->data)
            where->data[mark] = '\0';
        if (rc)
            return rc;
    }
    return 0;
}

int awsc_validate(const awsc_shape *shape, const void *value, awsc_error *err)
{
    if (!value)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: input is NULL", shape->name);
    awsc_buf where = AWSC_BUF_INIT;
    int rc = check_struct(shape, value, &where, 0, err);
    awsc_buf_free(&where);
    return rc;
}
