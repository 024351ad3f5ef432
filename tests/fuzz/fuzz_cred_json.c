/*
 * The JSON documents that carry credentials (runtime/auth/cred_sources.h):
 * credential_process output, ECS / IMDS answers, the AWS IoT credentials
 * provider's answer, and the message of their JSON error answers.
 * Input: byte 0 picks the kind (mod 3); the rest is the document.
 *
 * Oracles: accepted credentials have a key id and a secret; a rejection has
 * a message; an error message is at most 200 printable bytes.
 */
#include "auth/cred_sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    awsc_cred_json kind = (awsc_cred_json)(data[0] % 3);
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, len);

    awsc_credentials c;
    memset(&c, 0, sizeof c);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_cred_parse_json(kind, text, len, "fuzz", &c, &err);
    if (rc == AWSC_OK && (!c.access_key_id || !*c.access_key_id || !c.secret_access_key || !*c.secret_access_key)) {
        fprintf(stderr, "cred json (kind %d): accepted without a key id or secret\n", (int)kind);
        abort();
    }
    if (rc != AWSC_OK && (!err.message || err.status == AWSC_OK)) {
        fprintf(stderr, "cred json (kind %d): rejected (rc %d) without a message\n", (int)kind, rc);
        abort();
    }
    awsc_credentials_clear(&c);
    awsc_error_clear(&err);

    char *msg = awsc_cred_error_message(text, len);
    if (msg) {
        size_t n = strlen(msg);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f) {
                fprintf(stderr, "cred error message has a control byte\n");
                abort();
            }
        if (n > 200) {
            fprintf(stderr, "cred error message longer than 200 bytes\n");
            abort();
        }
    }
    free(msg);
    free(text);
    return 0;
}
