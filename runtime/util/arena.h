/* A bump allocator that owns everything one parsed output points to. */
#ifndef AWSC_ARENA_H
#define AWSC_ARENA_H

#include "awsc/awsc.h"

#include <stddef.h>

typedef struct awsc_arena awsc_arena;

awsc_arena *awsc_arena_create(void);
/* An arena whose first `first` bytes come in the same allocation as the arena itself. */
awsc_arena *awsc_arena_create_sized(size_t first);
/* Frees everything allocated from the arena but its first block, which is kept (emptied) for reuse. */
void awsc_arena_reset(awsc_arena *a);
/* Zeroed memory aligned for any type; never NULL for size 0 (a unique pointer). NULL when out of memory. */
void *awsc_arena_alloc(awsc_arena *a, size_t size);
/* Copies `len` bytes and adds a NUL. */
char *awsc_arena_strndup(awsc_arena *a, const char *s, size_t len);
void awsc_arena_destroy(awsc_arena *a);
/*
 * The free bytes at the end of the arena's current block (*room of them, possibly 0), to write
 * into before knowing how much will be kept; awsc_arena_claim(a, n) with n <= *room then keeps
 * the first n as written (the same pointer). Bytes written but not claimed are the caller's to
 * cleanse: a reset cleanses only what was taken.
 */
char *awsc_arena_tail(awsc_arena *a, size_t *room);
void *awsc_arena_claim(awsc_arena *a, size_t n);

/*
 * Outputs handed to users: a block whose header remembers its arena, so that
 * awsc_output_free(out) releases everything with one call.
 */
void *awsc_arena_new_root(awsc_arena **arena_out, size_t size);
/* The same with room for about `more` bytes besides the root in the arena's first block (0: a default). */
void *awsc_arena_new_root_sized(awsc_arena **arena_out, size_t size, size_t more);

/* Records a call's metadata with its output (see awsc_output_metadata); the request id is copied. */
void awsc_arena_set_metadata(void *root, const awsc_call_metadata *meta);

#endif
