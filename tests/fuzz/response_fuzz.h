/*
 * Response parsing of a generated service's operations: awsc_rest_parse_output
 * (a 2xx answer into the typed output) and awsc_rest_parse_error (an error
 * answer into awsc_error with the modeled detail), with the generated
 * descriptors. Included by fuzz_rest_response.c (IoT Jobs, restJson1) and
 * fuzz_sts_response.c (STS, awsQuery over XML): the same oracles hold for
 * every protocol.
 *
 * Input: byte 0 picks the operation, byte 1 bit 0 the error parser, bytes 2-3
 * the HTTP status (100..599); then header lines "Name: value\n" up to an empty
 * line; the rest is the body.
 *
 * Oracles: a parsed output can be printed as the CLI prints it (JSON, model
 * names); a failed parse is a malformed-response error with a message; a
 * parsed error has the service status, the HTTP status and a message.
 */
#ifndef AWSC_RESPONSE_FUZZ_H
#define AWSC_RESPONSE_FUZZ_H

#include "util/arena.h"
#include "util/error.h"
#include "serde/json/json.h"
#include "serde/rest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADERS 64

/* Splits "Name: value" lines of `block` (modified in place) into headers, trimming values as curl's reader does. */
static size_t split_headers(char *block, awsc_header *h)
{
    size_t n = 0;
    char *line = block;
    while (line && *line && n < MAX_HEADERS) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            char *end = v + strlen(v);
            while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                *--end = '\0';
            h[n].name = line;
            h[n].value = v;
            n++;
        }
        line = next;
    }
    return n;
}

/* One input against `svc`'s operations (layout and oracles: see the harnesses that include this). */
static int fuzz_response(const awsc_service *svc, const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const awsc_operation *op = &svc->operations[data[0] % svc->operation_count];
    bool error_mode = data[1] & 1;
    long status = 100 + (long)(((unsigned)data[2] << 8 | data[3]) % 500);
    const char *rest = (const char *)data + 4;
    size_t rest_len = size - 4;

    /* Header block up to the first empty line; without one, everything is body. */
    size_t hdr_len = 0, body_off = 0;
    for (size_t i = 0; i + 1 < rest_len; i++) {
        if (rest[i] == '\n' && rest[i + 1] == '\n') {
            hdr_len = i;
            body_off = i + 2;
            break;
        }
    }
    char *block = malloc(hdr_len + 1);
    /* The body as awsc_http_send leaves it: NUL-terminated, but nothing readable beyond. */
    size_t body_len = rest_len - body_off;
    char *body = malloc(body_len + 1);
    if (!block || !body) {
        free(block);
        free(body);
        return 0;
    }
    memcpy(block, rest, hdr_len);
    block[hdr_len] = '\0';
    memcpy(body, rest + body_off, body_len);
    body[body_len] = '\0';

    awsc_header headers[MAX_HEADERS];
    awsc_http_response resp = {.status = status};
    resp.headers = headers;
    resp.header_count = split_headers(block, headers);
    resp.body.data = body;
    resp.body.len = body_len;
    resp.body.cap = body_len + 1;

    awsc_error err = AWSC_ERROR_INIT;
    if (!error_mode && op->output) {
        awsc_arena *arena;
        void *out = awsc_arena_new_root(&arena, op->output->size);
        if (out && awsc_rest_parse_output(op, &resp, arena, out, &err) == AWSC_OK) {
            awsc_buf json = AWSC_BUF_INIT;
            awsc_error werr = AWSC_ERROR_INIT;
            if (awsc_json_write(&json, op->output, out, AWSC_JSON_MODEL, false, &werr) != AWSC_OK) {
                fprintf(stderr, "%s: parsed output cannot be written: %s\n", op->name, werr.message);
                abort();
            }
            awsc_error_clear(&werr);
            awsc_buf_free(&json);
        } else if (out && (err.status != AWSC_E_RESPONSE || !err.message)) {
            fprintf(stderr, "%s: parse failed with status %d, message %s\n", op->name, (int)err.status,
                    err.message ? err.message : "(none)");
            abort();
        }
        awsc_output_free(out);
    } else if (error_mode) {
        int rc = awsc_rest_parse_error(svc, op, &resp, &err);
        if (rc != AWSC_E_SERVICE || err.status != AWSC_E_SERVICE || !err.message || err.http_status != status) {
            fprintf(stderr, "%s: error parse gave rc %d status %d message %s\n", op->name, rc, (int)err.status,
                    err.message ? err.message : "(none)");
            abort();
        }
    }
    awsc_error_clear(&err);
    free(block);
    free(body);
    return 0;
}

#endif
