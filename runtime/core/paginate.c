/* Following pagination tokens: one loop for every paginated operation. */
#include "util/arena.h"
#include "awsc/schema.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static const char *next_token(const awsc_paginator *p, const void *output)
{
    const unsigned char *at = output;
    for (uint32_t i = 0; at && i < p->output_token_depth; i++) {
        const awsc_member *m = p->output_token[i];
        const unsigned char *slot = at + m->offset;
        if (i + 1 == p->output_token_depth)
            return *(const char *const *)slot;
        at = *(const unsigned char *const *)slot; /* a nested structure member is a pointer */
    }
    return NULL;
}

int awsc_client_paginate(awsc_client *c, const awsc_paginator *p, const void *input, awsc_page_fn on_page,
                         void *user, awsc_error *err)
{
    const awsc_shape *in_shape = p->operation->input;
    void *page_input = malloc(in_shape->size);
    if (!page_input)
        return awsc_error_nomem(err);
    memcpy(page_input, input, in_shape->size); /* shallow: only the token member changes */
    const char **token = (const char **)((unsigned char *)page_input + p->input_token->offset);
    char *current = NULL; /* the token sent with the page being requested, owned here */
    int rc = AWSC_OK;
    for (;;) {
        void *page = NULL;
        rc = awsc_client_invoke(c, p->operation, page_input, &page, err);
        if (rc)
            break;
        const char *next = next_token(p, page);
        bool more = next && *next && !(current && strcmp(current, next) == 0); /* a repeat would loop forever */
        char *copy = more ? awsc_strdup(next) : NULL;
        int stop = on_page(page, user);
        awsc_output_free(page);
        *token = NULL;
        free(current);
        current = copy;
        if (more && !copy) {
            rc = awsc_error_nomem(err);
            break;
        }
        if (stop || !current)
            break;
        *token = current;
    }
    free(current);
    free(page_input);
    return rc;
}
