/*
 * The model's documentation and string patterns, which `help` prints and the
 * descriptors do not carry (a device has no use for them). Each service's table
 * is generated beside it: generated/<service>/cli/<name>_docs.c.
 */
#ifndef AWSC_CLI_DOCS_H
#define AWSC_CLI_DOCS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *operation; /* the model's operation name */
    const char *doc;       /* plain text */
} cli_operation_doc;

typedef struct {
    const char *shape;   /* the descriptor's shape name */
    const char *member;  /* the member's model name */
    const char *doc;     /* plain text, or NULL */
    const char *pattern; /* smithy.api#pattern, or NULL */
} cli_member_doc;

typedef struct {
    const char *service_doc; /* or NULL */
    const cli_operation_doc *operations;
    uint32_t operation_count;
    const cli_member_doc *members; /* sorted by shape, then member */
    uint32_t member_count;
} cli_service_docs;

#endif
