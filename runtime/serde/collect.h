/*
 * What the descriptor-driven readers (JSON, CBOR, XML) do alike whatever the
 * wire: gathering list and map entries of unknown count, and Smithy's client
 * error correction of required members a response left out. Internal (no
 * AWSC_API); the optional libraries' shared builds get a hidden copy.
 */
#ifndef AWSC_COLLECT_H
#define AWSC_COLLECT_H

#include "util/arena.h"
#include "awsc/schema.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Entries of a list or map while they are read: a small block on the stack
 * first (most lists and maps are short), then a heap block that doubles.
 * Start with `awsc_entries e = AWSC_ENTRIES_INIT;` and do not copy it.
 */
typedef struct awsc_entries {
    unsigned char *tmp; /* NULL, `stack`, or a heap block */
    size_t count, cap;
    _Alignas(max_align_t) unsigned char stack[256];
} awsc_entries;

#define AWSC_ENTRIES_INIT {.tmp = NULL}

/* Room for one more entry of `size` bytes. Returns 0, -1 out of memory. */
int awsc_entries_grow(awsc_entries *e, size_t size);

/* A new zeroed entry of `size` bytes at the end, or NULL out of memory. */
static inline unsigned char *awsc_entries_add(awsc_entries *e, size_t size)
{
    if (e->count == e->cap && awsc_entries_grow(e, size) != 0)
        return NULL;
    unsigned char *entry = e->tmp + e->count++ * size;
    memset(entry, 0, size);
    return entry;
}

/*
 * Copies the entries into the arena as the {entries, count} every list and
 * map member is. Returns 0, -1 out of memory. Does not free: call
 * awsc_entries_free whatever happened.
 */
int awsc_entries_store(const awsc_entries *e, size_t size, awsc_arena *a, void *slot);

static inline void awsc_entries_free(awsc_entries *e)
{
    if (e->tmp != e->stack)
        free(e->tmp);
    e->tmp = NULL;
}

/* Members with a default or marked required need to know whether the document named them. */
static inline bool awsc_shape_needs_seen(const awsc_shape *shape)
{
    for (uint32_t i = 0; i < shape->member_count; i++)
        if (awsc_member_default(&shape->members[i]) || (shape->members[i].flags & AWSC_F_REQUIRED))
            return true;
    return false;
}

/*
 * Smithy's client error correction: required member `m` of `obj`, left out
 * of a response, gets its type's zero value rather than staying absent, so
 * code that trusts the model's `required` never meets a NULL there. Scalars
 * are already zero; enums and unions have no zero value to invent. Returns
 * 0, -1 out of memory.
 */
int awsc_required_zero(const awsc_member *m, void *obj, awsc_arena *a);

/*
 * awsc_required_zero for each required member of `shape` without a default
 * that `seen` (one byte a member) says the document left out and that is not
 * present. Returns 0, -1 out of memory.
 */
int awsc_correct_required(const awsc_shape *shape, void *obj, const unsigned char *seen, awsc_arena *a);

#endif
