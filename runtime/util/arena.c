#include "util/arena.h"

#include "awsc/awsc.h"
#include "util/buf.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Chunks grow geometrically so small outputs cost one malloc and big ones few. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} chunk;

struct awsc_arena {
    chunk *head;
    size_t next_cap;
    chunk *first;   /* allocated with the arena itself: a small output costs one malloc */
};

#define ALIGN (alignof(max_align_t))
#define ARENA_SIZE ((sizeof(awsc_arena) + ALIGN - 1) & ~(ALIGN - 1))

awsc_arena *awsc_arena_create_sized(size_t first)
{
    first = (first + ALIGN - 1) & ~(ALIGN - 1);
    if (first < 256)
        first = 256;
    if (first > SIZE_MAX - ARENA_SIZE - sizeof(chunk))
        return NULL;
    awsc_arena *a = malloc(ARENA_SIZE + sizeof(chunk) + first);
    if (!a)
        return NULL;
    chunk *c = (chunk *)((unsigned char *)a + ARENA_SIZE);
    *c = (chunk){NULL, 0, first};
    *a = (awsc_arena){c, first < 1024 ? 1024 : first * 2, c};
    return a;
}

awsc_arena *awsc_arena_create(void)
{
    return awsc_arena_create_sized(1024);
}

void awsc_arena_reset(awsc_arena *a)
{
    if (!a)
        return;
    /* Cleansed: an output or a request may hold credentials. */
    for (chunk *c = a->head; c != a->first;) {
        chunk *n = c->next;
        awsc_cleanse(c->data, c->used);
        free(c);
        c = n;
    }
    a->head = a->first;
    awsc_cleanse(a->first->data, a->first->used);
    a->first->used = 0;
}

/* `size` bytes, not zeroed (the callers that fill every byte skip the memset). */
static void *arena_take(awsc_arena *a, size_t size)
{
    size_t need = (size + ALIGN - 1) & ~(ALIGN - 1);
    if (need < size)
        return NULL;
    if (need == 0)
        need = ALIGN;
    chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        size_t cap = a->next_cap;
        while (cap < need) {
            if (cap > SIZE_MAX / 2)
                return NULL;
            cap *= 2;
        }
        if (cap > SIZE_MAX - sizeof(chunk))
            return NULL;
        c = malloc(sizeof(chunk) + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
        if (a->next_cap < (1u << 20))
            a->next_cap *= 2;
    }
    void *p = c->data + c->used;
    c->used += need;
    return p;
}

char *awsc_arena_tail(awsc_arena *a, size_t *room)
{
    chunk *c = a->head;
    *room = c ? c->cap - c->used : 0;
    return c ? (char *)c->data + c->used : NULL;
}

void *awsc_arena_claim(awsc_arena *a, size_t n)
{
    return arena_take(a, n); /* cap and used are multiples of ALIGN: n <= the room fits the same block */
}

void *awsc_arena_alloc(awsc_arena *a, size_t size)
{
    void *p = arena_take(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

char *awsc_arena_strndup(awsc_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = arena_take(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void awsc_arena_destroy(awsc_arena *a)
{
    if (!a)
        return;
    awsc_arena_reset(a); /* every chunk but the first, which lives in the arena's own block */
    free(a);
}

/* What sits just before an output: its arena and the call's metadata. */
typedef struct root_header {
    awsc_arena *arena;
    awsc_call_metadata meta;
} root_header;

#define HEADER_SIZE ((sizeof(root_header) + ALIGN - 1) & ~(ALIGN - 1))

static root_header *header_of(const void *output)
{
    return (root_header *)((unsigned char *)output - HEADER_SIZE);
}

void *awsc_arena_new_root(awsc_arena **arena_out, size_t size)
{
    return awsc_arena_new_root_sized(arena_out, size, 0);
}

void *awsc_arena_new_root_sized(awsc_arena **arena_out, size_t size, size_t more)
{
    /* At least one byte past the header, so the root never shares an address with the next allocation. */
    if (size > SIZE_MAX / 4 || more > SIZE_MAX / 4)
        return NULL;
    awsc_arena *a = awsc_arena_create_sized(HEADER_SIZE + size + ALIGN + (more ? more : 1024));
    if (!a)
        return NULL;
    root_header *hdr = awsc_arena_alloc(a, HEADER_SIZE + (size ? size : 1));
    if (!hdr) {
        awsc_arena_destroy(a);
        return NULL;
    }
    hdr->arena = a;
    *arena_out = a;
    return (unsigned char *)hdr + HEADER_SIZE;
}

void awsc_arena_set_metadata(void *root, const awsc_call_metadata *meta)
{
    root_header *hdr = header_of(root);
    hdr->meta = *meta;
    /* Without memory for a copy that id is left out rather than pointing at freed bytes. */
    const char **ids[] = {&hdr->meta.request_id, &hdr->meta.extended_request_id, &hdr->meta.cf_id};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        *ids[i] = *ids[i] ? awsc_arena_strndup(hdr->arena, *ids[i], strlen(*ids[i])) : NULL;
}

const awsc_call_metadata *awsc_output_metadata(const void *output)
{
    return output ? &header_of(output)->meta : NULL;
}

void awsc_output_free(void *output)
{
    if (!output)
        return;
    awsc_arena_destroy(header_of(output)->arena);
}
