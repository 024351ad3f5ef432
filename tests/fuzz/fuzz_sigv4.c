/*
 * The SigV4 canonicalizer and signer (runtime/auth/sigv4.h) over arbitrary
 * method, path, query and headers.
 *
 * Input: byte 0 holds flags (normalize, double-encode, session token, omit
 * token, NULL query); then lines: method, path, query, header lines
 * "name:value" up to an empty line; the rest is the payload.
 *
 * Oracles: canonical query and normalized path are fixed points (canonical
 * input canonicalizes to itself); a signature is 64 hex digits and is the
 * same with and without the key cache.
 */
#include "util/buf.h"
#include "auth/sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADERS 32

static void fail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "sigv4: %s\n  first:  %s\n  second: %s\n", what, a ? a : "(null)", b ? b : "(null)");
    abort();
}

/* Next '\n'-terminated line of [*p, end), NUL-terminated in place; NULL at the end. */
static char *next_line(char **p, char *end)
{
    if (*p >= end)
        return NULL;
    char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = end;
    }
    return line;
}

static void check_fixed_points(const char *path, const char *query)
{
    awsc_buf a = AWSC_BUF_INIT, b = AWSC_BUF_INIT;
    if (query && awsc_sigv4_canonical_query(&a, query) == 0) {
        if (awsc_sigv4_canonical_query(&b, a.data ? a.data : "") != 0 || strcmp(a.data ? a.data : "", b.data ? b.data : "") != 0)
            fail("canonical query is not a fixed point", a.data, b.data);
    }
    awsc_buf_free(&a);
    awsc_buf_free(&b);
    if (awsc_sigv4_canonical_path(&a, path, true, false) == 0) {
        if (awsc_sigv4_canonical_path(&b, a.data, true, false) != 0 || strcmp(a.data, b.data) != 0)
            fail("normalized path is not a fixed point", a.data, b.data);
    }
    awsc_buf_free(&a);
    awsc_buf_free(&b);
    a = (awsc_buf)AWSC_BUF_INIT;
    if (awsc_sigv4_canonical_path(&a, path, false, true) == 0 && a.data[0] != '/')
        fail("canonical path is not absolute", path, a.data);
    awsc_buf_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    /* The bytes after the flags plus a NUL, so the last line is a C string too. */
    char *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data + 1, size - 1);
    copy[size - 1] = '\0';
    char *p = copy, *end = copy + size - 1;
    char *method = next_line(&p, end), *path = next_line(&p, end), *query = next_line(&p, end);
    if (!method || !path || !query) {
        free(copy);
        return 0;
    }
    /* Lines keep their bytes up to the first NUL: what a C caller could pass. */
    awsc_header headers[MAX_HEADERS];
    size_t n = 0;
    char *line;
    while (n < MAX_HEADERS && (line = next_line(&p, end)) != NULL && *line) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        headers[n].name = line;
        headers[n].value = colon + 1;
        n++;
    }
    if (flags & 0x10)
        query = NULL;
    check_fixed_points(path, query);

    awsc_buf ch = AWSC_BUF_INIT, sh = AWSC_BUF_INIT;
    awsc_sigv4_canonical_headers(&ch, &sh, headers, n);
    awsc_buf_free(&ch);
    awsc_buf_free(&sh);

    awsc_sigv4_params params = {
        .creds = {.access_key_id = "AKIDEXAMPLE", .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                  .session_token = (flags & 0x04) ? "token/with+chars=" : NULL},
        .region = "us-east-1",
        .service = "iot-jobs-data",
        .time = 1440938160 + (int64_t)(flags >> 5) * 86400,
        .normalize_path = flags & 0x01,
        .double_encode_path = flags & 0x02,
        .omit_session_token = flags & 0x08,
    };
    awsc_sigv4_request req = {.method = method, .path = path, .query = query, .headers = headers,
                              .header_count = n, .payload = (const uint8_t *)p, .payload_len = (size_t)(end - p)};
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    awsc_sigv4_result r1, r2, r3;
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    memset(&r3, 0, sizeof r3);
    int rc1 = awsc_sigv4_sign(&params, &req, NULL, &r1);
    int rc2 = awsc_sigv4_sign(&params, &req, &cache, &r2); /* fills the cache */
    int rc3 = awsc_sigv4_sign(&params, &req, &cache, &r3); /* uses it */
    if (rc1 != rc2 || rc2 != rc3)
        fail("cache changes the outcome", r1.authorization, r3.authorization);
    if (rc1 == 0) {
        if (strlen(r1.signature) != 64 || strspn(r1.signature, "0123456789abcdef") != 64)
            fail("malformed signature", r1.signature, NULL);
        if (strcmp(r1.signature, r2.signature) != 0 || strcmp(r2.signature, r3.signature) != 0)
            fail("cached key gives another signature", r1.signature, r3.signature);
        if (!r1.authorization || !r1.canonical_request || !r1.string_to_sign)
            fail("result strings missing", r1.authorization, r1.canonical_request);
    }
    awsc_sigv4_result_free(&r1);
    awsc_sigv4_result_free(&r2);
    awsc_sigv4_result_free(&r3);
    awsc_sigv4_key_cache_destroy(&cache);
    free(copy);
    return 0;
}
