/*
 * Client-side validation before a request is sent: required members and
 * length/range minimums. Maximums and patterns are left to the service, as
 * botocore does, so that a service relaxing a limit needs no SDK update.
 *
 * The walk keeps where it is as a chain of stack frames and spells the path
 * ("a.b[2].c", "statusDetails[\"k\"]") only when it reports an error, so
 * valid input (every call) costs no formatting and no allocation.
 */
#include "util/buf.h"
#include "util/error.h"
#include "serde/json/json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct path {
    const struct path *up;
    const char *member; /* set for a member step */
    const char *key;    /* set for a map entry step */
    size_t index;       /* a list element step otherwise */
} path;

static void spell(awsc_buf *b, const path *p)
{
    if (!p)
        return;
    spell(b, p->up);
    if (p->member)
        awsc_buf_printf(b, "%s%s", b->len ? "." : "", p->member);
    else if (p->key)
        awsc_buf_printf(b, "[\"%s\"]", p->key);
    else
        awsc_buf_printf(b, "[%zu]", p->index);
}

static int fail(const path *where, const char *fallback, awsc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(const path *where, const char *fallback, awsc_error *err, const char *fmt, ...)
{
    awsc_buf b = AWSC_BUF_INIT;
    spell(&b, where);
    awsc_buf detail = AWSC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    awsc_buf_vprintf(&detail, fmt, ap);
    va_end(ap);
    int rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: %s", b.len ? b.data : fallback,
                            detail.len ? detail.data : "invalid value");
    awsc_buf_free(&detail);
    awsc_buf_free(&b);
    return rc;
}

static int check_struct(const awsc_shape *shape, const void *obj, const path *where, int depth, awsc_error *err);

static int too_short(const path *where, const awsc_member *m, long long have, awsc_error *err, const char *what)
{
    return fail(where, m->name, err, "%s %lld is below the minimum %" PRId64, what, have, awsc_member_min(m));
}

/*
 * A byte length or element count against the minimum, compared and printed unsigned: a size past
 * PTRDIFF_MAX (SIZE_MAX from a caller's bug) is no object's size and said so, never printed as -1.
 */
static int check_size(const path *where, const awsc_member *m, size_t have, awsc_error *err)
{
    if (have > PTRDIFF_MAX)
        return fail(where, m->name, err, "length %zu is larger than any object can be", have);
    if ((m->flags & AWSC_F_HAS_MIN) && awsc_member_min(m) > 0 && (uint64_t)have < (uint64_t)awsc_member_min(m))
        return fail(where, m->name, err, "length %zu is below the minimum %" PRId64, have, awsc_member_min(m));
    return 0;
}

static int check_value(const awsc_member *m, const void *container, const path *where, int depth, awsc_error *err)
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
            return fail(where, m->name, err, "string is not valid UTF-8");
        return has_min && n < awsc_member_min(m) ? too_short(where, m, n, err, "length") : 0;
    }
    case AWSC_T_BLOB: {
        const awsc_blob *b = (const awsc_blob *)slot;
        return b->data ? check_size(where, m, b->len, err) : 0;
    }
    case AWSC_T_BYTE:
        return has_min && *(const int8_t *)slot < awsc_member_min(m) ? too_short(where, m, *(const int8_t *)slot, err, "value") : 0;
    case AWSC_T_SHORT:
        return has_min && *(const int16_t *)slot < awsc_member_min(m) ? too_short(where, m, *(const int16_t *)slot, err, "value")
                                                          : 0;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        return has_min && *(const int32_t *)slot < awsc_member_min(m) ? too_short(where, m, *(const int32_t *)slot, err, "value")
                                                          : 0;
    case AWSC_T_LONG:
        return has_min && *(const int64_t *)slot < awsc_member_min(m)
                   ? too_short(where, m, (long long)*(const int64_t *)slot, err, "value")
                   : 0;
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE: {
        double d = m->type == AWSC_T_FLOAT ? *(const float *)slot : *(const double *)slot;
        if (has_min && d < (double)awsc_member_min(m))
            return fail(where, m->name, err, "value %g is below the minimum %" PRId64, d, awsc_member_min(m));
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
        if (!list->items)
            return list->count ? fail(where, m->name, err, "count is %zu but items is NULL", list->count) : 0;
        int rc = check_size(where, m, list->count, err);
        if (rc)
            return rc;
        const awsc_member *elem = &m->shape->members[0];
        for (size_t i = 0; i < list->count; i++) {
            path step = {.up = where, .index = i};
            rc = check_value(elem, list->items + i * m->shape->size, &step, depth, err);
            if (rc)
                return rc;
        }
        return 0;
    }
    case AWSC_T_MAP: {
        const struct {
            const unsigned char *entries;
            size_t count;
        } *map = (const void *)slot;
        if (!map->entries)
            return map->count ? fail(where, m->name, err, "count is %zu but entries is NULL", map->count) : 0;
        int rc = check_size(where, m, map->count, err);
        if (rc)
            return rc;
        const awsc_member *key = &m->shape->members[0], *val = &m->shape->members[1];
        for (size_t i = 0; i < map->count; i++) {
            const unsigned char *e = map->entries + i * m->shape->size;
            const char *k = *(const char *const *)(e + key->offset);
            if (!k)
                return fail(where, m->name, err, "entry %zu has a NULL key", i);
            path step = {.up = where, .key = k};
            rc = check_value(key, e, &step, depth, err);
            if (!rc)
                rc = check_value(val, e, &step, depth, err);
            if (rc)
                return rc;
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int check_struct(const awsc_shape *shape, const void *obj, const path *where, int depth, awsc_error *err)
{
    if (depth > AWSC_JSON_MAX_DEPTH)
        return fail(where, shape->name, err, "nesting deeper than %d levels", AWSC_JSON_MAX_DEPTH);
    if (shape->type == AWSC_T_UNION) {
        int tag = *(const int *)((const unsigned char *)obj + shape->union_tag_offset);
        if (tag < 1 || (uint32_t)tag > shape->member_count)
            return fail(where, shape->name, err, "union %s has no member set", shape->name);
        const awsc_member *m = &shape->members[tag - 1];
        path step = {.up = where, .member = m->name};
        return check_value(m, obj, &step, depth, err);
    }
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        path step = {.up = where, .member = m->name};
        int rc = 0;
        if (!awsc_member_present(m, obj)) {
            /* { NULL, n > 0 } is a caller's mistake, not an absent list: say so rather than drop it. */
            size_t count = (m->type == AWSC_T_LIST || m->type == AWSC_T_MAP)
                               ? ((const size_t *)awsc_member_slot(m, obj))[1]
                               : 0;
            if (count)
                rc = fail(&step, m->name, err, "count is %zu but %s is NULL", count,
                          m->type == AWSC_T_LIST ? "items" : "entries");
            else if (m->flags & AWSC_F_REQUIRED)
                rc = fail(&step, m->name, err, "required member is missing (in %s)", shape->name);
        } else {
            rc = check_value(m, obj, &step, depth, err);
        }
        if (rc)
            return rc;
    }
    return 0;
}

int awsc_validate(const awsc_shape *shape, const void *value, awsc_error *err)
{
    if (!value)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: input is NULL", shape->name);
    return check_struct(shape, value, NULL, 0, err);
}
