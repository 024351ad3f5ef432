/*
 * The `--cli-input-json` path of the awsc tool for every IoT Jobs operation:
 * awsc_json_read with AWSC_JSON_MODEL on the operation's input shape, then
 * what the CLI does next with an accepted input: validate and serialize it
 * into an HTTP request (awsc_rest_serialize).
 *
 * Input: byte 0 picks the operation, the rest is the JSON text.
 */
#include <awsc/iot_jobs_data.h>

#include "util/arena.h"
#include "util/error.h"
#include "serde/json/json.h"
#include "serde/rest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const awsc_service *svc = awsc_iot_jobs_data_service();
    const awsc_operation *op = &svc->operations[data[0] % svc->operation_count];
    if (!op->input)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    awsc_arena *arena = awsc_arena_create();
    void *input = arena ? awsc_arena_alloc(arena, op->input->size) : NULL;
    if (!input) {
        awsc_arena_destroy(arena);
        return 0;
    }
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_json_read(op->input, input, text, len, arena, AWSC_JSON_MODEL, AWSC_E_VALIDATION, &err);
    if (rc != AWSC_OK && (err.status != AWSC_E_VALIDATION || !err.message)) {
        fprintf(stderr, "%s: read failed with status %d and no message\n", op->name, (int)err.status);
        abort();
    }
    if (rc == AWSC_OK)
        rc = awsc_validate(op->input, input, &err);
    if (rc == AWSC_OK) {
        awsc_rest_request req;
        memset(&req, 0, sizeof req);
        rc = awsc_rest_serialize(op, input, "7f0e5a2e-4a6f-4b44-9d8e-2f1f3b0c9a11", &req, &err);
        if (rc != AWSC_OK && !err.message) {
            fprintf(stderr, "%s: serialize failed with status %d and no message\n", op->name, rc);
            abort();
        }
        if (rc == AWSC_OK && (!req.path.data || req.path.data[0] != '/')) {
            fprintf(stderr, "%s: serialized path does not start with '/'\n", op->name);
            abort();
        }
        awsc_rest_request_free(&req);
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return 0;
}
