/* Following pagination tokens: one loop for every paginated operation. */
#include "core/client_internal.h"
#include "awsc/schema.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A list or map member as the generated structs hold it, by value. */
typedef struct collection_slot {
    const void *items;
    size_t count;
} collection_slot;

/* Bytes of a token member in its structure: a string or structure is a pointer, a list or map a slot. */
static size_t token_size(const awsc_member *m)
{
    return m->type == AWSC_T_LIST || m->type == AWSC_T_MAP ? sizeof(collection_slot) : sizeof(const void *);
}

/* Where the output's next token is, or NULL when a structure on its path is absent. */
static const unsigned char *next_token(const awsc_paginator *p, const void *output)
{
    const unsigned char *at = output;
    for (uint32_t i = 0; at && i < p->output_token_depth; i++) {
        const awsc_member *m = p->output_token[i];
        const unsigned char *slot = at + m->offset;
        if (i + 1 == p->output_token_depth)
            return slot;
        at = *(const unsigned char *const *)slot; /* a nested structure member is a pointer */
    }
    return NULL;
}

/* A token that asks for another page: a non-empty string, a structure, a non-empty list or map. */
static bool token_present(const awsc_member *m, const unsigned char *slot)
{
    if (m->type == AWSC_T_LIST || m->type == AWSC_T_MAP) {
        const collection_slot *c = (const collection_slot *)slot;
        return c->items && c->count > 0;
    }
    const char *ptr = *(const char *const *)slot;
    return ptr && (m->type != AWSC_T_STRING || *ptr);
}

int awsc_client_paginate(awsc_client *c, const awsc_paginator *p, const void *input, awsc_page_fn on_page,
                         void *user, awsc_error *err)
{
    const awsc_shape *in_shape = p->operation->input;
    const awsc_member *out_token = p->output_token[p->output_token_depth - 1];
    void *page_input = malloc(in_shape->size);
    if (!page_input)
        return awsc_error_nomem(err);
    memcpy(page_input, input, in_shape->size); /* shallow: only the token member changes */
    unsigned char *token = (unsigned char *)page_input + p->input_token->offset;
    size_t size = token_size(p->input_token);
    /*
     * The token sent is the previous page's own (any type: DynamoDB's are maps of
     * attribute values), so that page is freed only once the next one has arrived.
     */
    void *previous = NULL;
    int rc;
    for (;;) {
        void *page = NULL;
        rc = awsc_client_invoke_page(c, p->operation, page_input, &page, err);
        if (rc) {
            awsc_output_free(previous);
            break;
        }
        const unsigned char *next = next_token(p, page);
        bool more = next && token_present(out_token, next);
        if (more && out_token->type == AWSC_T_STRING) {
            const char *sent = *(const char *const *)token;
            more = !(sent && strcmp(sent, *(const char *const *)next) == 0); /* a repeat would loop forever */
        }
        memset(token, 0, size);
        awsc_output_free(previous);
        previous = NULL;
        if (on_page(page, user) || !more) {
            awsc_output_free(page);
            break;
        }
        memcpy(token, next, size);
        previous = page;
    }
    free(page_input);
    return rc;
}
