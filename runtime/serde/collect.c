/*
 * What the descriptor-driven readers share whatever the wire: list and map
 * entries of unknown count, and the zero values of required members left out
 * (serde/collect.h).
 */
#include "serde/collect.h"

#include "serde/scalar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int awsc_entries_grow(awsc_entries *e, size_t size)
{
    if (!e->tmp && sizeof e->stack / size > 0) {
        e->tmp = e->stack;
        e->cap = sizeof e->stack / size;
        return 0;
    }
    size_t ncap = e->cap ? e->cap * 2 : 8;
    if (ncap > SIZE_MAX / size)
        return -1;
    unsigned char *t = e->tmp == e->stack ? malloc(ncap * size) : realloc(e->tmp, ncap * size);
    if (!t)
        return -1;
    if (e->tmp == e->stack)
        memcpy(t, e->stack, e->count * size);
    e->tmp = t;
    e->cap = ncap;
    return 0;
}

int awsc_entries_store(const awsc_entries *e, size_t size, awsc_arena *a, void *slot)
{
    void *entries = awsc_arena_alloc(a, e->count * size);
    if (!entries)
        return -1;
    if (e->count)
        memcpy(entries, e->tmp, e->count * size);
    struct {
        void *entries;
        size_t count;
    } *coll = slot;
    coll->entries = entries;
    coll->count = e->count;
    return 0;
}

int awsc_required_zero(const awsc_member *m, void *obj, awsc_arena *a)
{
    unsigned char *slot = awsc_member_slot(m, obj);
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL:
        if (!(*(char **)slot = awsc_arena_strndup(a, m->type == AWSC_T_STRING ? "" : "0", m->type != AWSC_T_STRING)))
            return -1;
        return 0;
    case AWSC_T_BLOB:
    case AWSC_T_STREAM:
    case AWSC_T_LIST:
    case AWSC_T_MAP: /* all start with a data pointer: non-NULL and empty */
        if (!(*(void **)slot = awsc_arena_alloc(a, 0)))
            return -1;
        return 0;
    case AWSC_T_STRUCT:
        if (!(m->flags & AWSC_F_INLINE) && !(*(void **)slot = awsc_arena_alloc(a, m->shape->size)))
            return -1;
        return 0;
    default:
        return 0; /* scalars are already zero; enums and unions have no zero value to invent */
    }
}

int awsc_correct_required(const awsc_shape *shape, void *obj, const unsigned char *seen, awsc_arena *a)
{
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        if (!(m->flags & AWSC_F_REQUIRED) || seen[i] || awsc_member_default(m) || awsc_member_present(m, obj))
            continue;
        if (awsc_required_zero(m, obj, a) != 0)
            return -1;
    }
    return 0;
}
