/*
 * The endpoint rules' standard library (isValidHostLabel, substring,
 * uriEncode, parseURL), for the evaluator in endpoints.c and its tests.
 * Every function is safe on any NUL-terminated input.
 */
#ifndef AWSC_ENDPOINTS_LIB_H
#define AWSC_ENDPOINTS_LIB_H

#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

/* isValidHostLabel: [a-zA-Z0-9][a-zA-Z0-9-]{0,62}; with subdomains, every '.'-separated label. */
bool awsc_ep_is_valid_host_label(const char *s, bool allow_subdomains);

/*
 * substring(s, start, stop, reverse): 0 and *out (in `a`), 1 when the rules'
 * substring is unset (non-ASCII input, start >= stop, stop beyond the end),
 * -1 out of memory. `reverse` counts from the end.
 */
int awsc_ep_substring(awsc_arena *a, const char *s, long start, long stop, bool reverse, const char **out);

/* uriEncode: percent-encodes all but A-Z a-z 0-9 - _ . ~ (upper-case hex); NULL when out of memory. */
const char *awsc_ep_uri_encode(awsc_arena *a, const char *s);

typedef struct awsc_ep_url {
    const char *scheme;          /* "http" or "https" */
    const char *authority;       /* host[:port] */
    const char *path;            /* as given, "" when none */
    const char *normalized_path; /* path with a leading and a trailing '/' */
    bool is_ip;
} awsc_ep_url;

/* parseURL: 0 and `out` filled, 1 when not an http(s) URL without query or fragment, -1 out of memory. */
int awsc_ep_parse_url(awsc_arena *a, const char *s, awsc_ep_url *out);

#endif
