#include "arena.h"

#include "awsc/awsc.h"

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
};

#define ALIGN (alignof(max_align_t))

awsc_arena *awsc_arena_create(void)
{
    awsc_arena *a = calloc(1, sizeof *a);
    if (a)
        a->next_cap = 1024;
    return a;
}

void *awsc_arena_alloc(awsc_arena *a, size_t size)
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
    memset(p, 0, need);
    return p;
}

char *awsc_arena_strndup(awsc_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = awsc_arena_alloc(a, len + 1);
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
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
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
    awsc_arena *a = awsc_arena_create();
    if (!a)
        return NULL;
    /* At least one byte past the header, so the root never shares an address with the next allocation. */
    if (size > SIZE_MAX - 2 * HEADER_SIZE) {
        awsc_arena_destroy(a);
        return NULL;
    }
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
    /* Without memory for the copy the id is left out rather than pointing at freed bytes. */
    hdr->meta.request_id = meta->request_id ? awsc_arena_strndup(hdr->arena, meta->request_id,
                                                                 strlen(meta->request_id))
                                            : NULL;
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
