/*
 * The request being built: headers and cleanup. Apart from rest.c so that the
 * awsc-xml library's codecs can add headers without carrying the HTTP bindings.
 */
#include "rest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int awsc_rest_add_header(awsc_rest_request *req, const char *name, const char *value)
{
    if (req->header_count == req->header_cap) {
        size_t cap = req->header_cap ? req->header_cap * 2 : 16;
        awsc_header *h = realloc(req->headers, cap * sizeof *h);
        if (!h)
            return -1;
        req->headers = h;
        req->header_cap = cap;
    }
    if (!req->strings && !(req->strings = awsc_arena_create()))
        return -1;
    char *n = awsc_arena_strndup(req->strings, name, strlen(name));
    char *v = awsc_arena_strndup(req->strings, value, strlen(value));
    if (!n || !v)
        return -1;
    req->headers[req->header_count].name = n;
    req->headers[req->header_count].value = v;
    req->header_count++;
    return 0;
}


bool awsc_rest_has_header(const awsc_rest_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return true;
    return false;
}


void awsc_rest_request_free(awsc_rest_request *req)
{
    awsc_arena_destroy(req->strings);
    free(req->headers);
    for (size_t i = 0; i < req->param_count; i++) {
        free(req->params[i].key);
        free(req->params[i].encoded);
    }
    free(req->params);
    awsc_buf_free(&req->path);
    awsc_buf_free(&req->query);
    awsc_buf_free(&req->body);
    awsc_buf_free(&req->host_prefix);
    memset(req, 0, sizeof *req);
}
