/* A bump allocator that owns everything one parsed output points to. */
#ifndef AWSC_ARENA_H
#define AWSC_ARENA_H

#include "awsc/awsc.h"

#include <stddef.h>

typedef struct awsc_arena awsc_arena;

awsc_arena *awsc_arena_create(void);
/* Zeroed memory aligned for any type; never NULL for size 0 (a unique pointer). NULL when out of memory. */
void *awsc_arena_alloc(awsc_arena *a, size_t size);
/* Copies `len` bytes and adds a NUL. */
char *awsc_arena_strndup(awsc_arena *a, const char *s, size_t len);
void awsc_arena_destroy(awsc_arena *a);

/*
 * Outputs handed to users: a block whose header remembers its arena, so that
 * awsc_output_free(out) releases everything with one call.
 */
void *awsc_arena_new_root(awsc_arena **arena_out, size_t size);

/* Records a call's metadata with its output (see awsc_output_metadata); the request id is copied. */
void awsc_arena_set_metadata(void *root, const awsc_call_metadata *meta);

#endif
