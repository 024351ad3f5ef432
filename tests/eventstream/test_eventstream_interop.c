/*
 * The framing against the AWS SDK for JavaScript's: tests/interop/eventstream_codec.mjs
 * (the pinned @smithy/eventstream-codec, tests/interop/package.json) encodes a fixed set
 * of messages (every header type at its bounds, empty and 64 KiB payloads, a 32767-byte
 * value, 200 headers). Each JS frame must decode here to the same headers and payload,
 * field by field; then awsc encodes the same messages and the JS codec must decode them
 * back to the same fields (and awsc's frame must equal the JS one byte for byte, as both
 * keep the headers' order). Skips visibly without node or tests/interop/node_modules
 * (fails then under CI=true). Prints "eventstream-interop: P passed, S skipped, F failed".
 */
#include "awsc/eventstream.h"
#include "util/base64.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCRIPT "tests/interop/eventstream_codec.mjs"
#define MODULE "tests/interop/node_modules/@smithy/eventstream-codec/package.json"

static int passed, failed;

/* Runs `cmd` and returns its whole standard output as parsed JSON, or NULL. */
static cJSON *run_json(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    awsc_buf out = AWSC_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        awsc_buf_append(&out, chunk, n);
    int status = pclose(p);
    cJSON *json = status == 0 && out.len ? cJSON_ParseWithLength(out.data, out.len) : NULL;
    awsc_buf_free(&out);
    return json;
}

/* A message as the script's JSON describes it; the strings and bytes live in `store`. */
typedef struct owned {
    awsc_es_header headers[AWSC_ES_MAX_HEADERS];
    awsc_es_message m;
    awsc_buf store[AWSC_ES_MAX_HEADERS + 1];
} owned;

static void owned_free(owned *o)
{
    for (size_t i = 0; i <= AWSC_ES_MAX_HEADERS; i++)
        awsc_buf_free(&o->store[i]);
}

static bool from_json(const cJSON *j, owned *o)
{
    memset(o, 0, sizeof *o);
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(j, "headers");
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(j, "payload");
    if (!cJSON_IsArray(headers) || !cJSON_IsString(payload) || cJSON_GetArraySize(headers) > AWSC_ES_MAX_HEADERS)
        return false;
    size_t n = 0;
    for (const cJSON *h = headers->child; h; h = h->next, n++) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(h, "name");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(h, "type");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(h, "value");
        if (!cJSON_IsString(name) || !cJSON_IsNumber(type) || strlen(name->valuestring) > 255)
            return false;
        awsc_es_header *e = &o->headers[n];
        *e = (awsc_es_header){.name = name->valuestring, .name_len = (uint8_t)strlen(name->valuestring),
                              .type = (uint8_t)type->valueint};
        awsc_buf *b = &o->store[n];
        switch (e->type) {
        case AWSC_ES_TRUE:
        case AWSC_ES_FALSE:
            e->i = e->type == AWSC_ES_TRUE;
            break;
        case AWSC_ES_BYTE:
        case AWSC_ES_SHORT:
        case AWSC_ES_INT:
            if (!cJSON_IsNumber(value))
                return false;
            e->i = (int64_t)value->valuedouble;
            break;
        case AWSC_ES_LONG:
        case AWSC_ES_TIMESTAMP:
            if (!cJSON_IsString(value))
                return false;
            e->i = strtoll(value->valuestring, NULL, 10);
            break;
        case AWSC_ES_BYTES:
            if (!cJSON_IsString(value) || awsc_base64_decode(b, value->valuestring, strlen(value->valuestring)) != 0)
                return false;
            e->bytes = (const uint8_t *)b->data, e->len = (uint16_t)b->len;
            break;
        case AWSC_ES_STRING:
            if (!cJSON_IsString(value))
                return false;
            awsc_buf_append(b, value->valuestring, strlen(value->valuestring));
            e->bytes = (const uint8_t *)b->data, e->len = (uint16_t)b->len;
            break;
        case AWSC_ES_UUID:
            if (!cJSON_IsString(value) || strlen(value->valuestring) != 32)
                return false;
            for (int i = 0; i < 16; i++) {
                unsigned v;
                if (sscanf(value->valuestring + 2 * i, "%2x", &v) != 1)
                    return false;
                uint8_t byte = (uint8_t)v;
                awsc_buf_append(b, &byte, 1);
            }
            e->bytes = (const uint8_t *)b->data, e->len = 16;
            break;
        default:
            return false;
        }
    }
    awsc_buf *pb = &o->store[AWSC_ES_MAX_HEADERS];
    if (awsc_base64_decode(pb, payload->valuestring, strlen(payload->valuestring)) != 0)
        return false;
    o->m = (awsc_es_message){o->headers, n, (const uint8_t *)pb->data, pb->len};
    return true;
}

/* Field-by-field equality of two messages; the first difference goes to `why`. */
static bool same_message(const awsc_es_message *want, const awsc_es_message *got, char *why, size_t cap)
{
    if (want->header_count != got->header_count) {
        snprintf(why, cap, "%zu headers, expected %zu", got->header_count, want->header_count);
        return false;
    }
    for (size_t i = 0; i < want->header_count; i++) {
        const awsc_es_header *w = &want->headers[i], *g = &got->headers[i];
        bool bytes = w->type == AWSC_ES_BYTES || w->type == AWSC_ES_STRING || w->type == AWSC_ES_UUID;
        bool same = w->name_len == g->name_len && memcmp(w->name, g->name, w->name_len) == 0 && w->type == g->type &&
                    (bytes ? w->len == g->len && (w->len == 0 || memcmp(w->bytes, g->bytes, w->len) == 0)
                           : (w->type <= AWSC_ES_FALSE || w->i == g->i));
        if (!same) {
            snprintf(why, cap, "header %zu (%.*s, type %u): differs (got %.*s, type %u, %" PRId64 ")", i,
                     (int)w->name_len, w->name, w->type, (int)g->name_len, g->name, g->type, g->i);
            return false;
        }
    }
    if (want->payload_len != got->payload_len ||
        (want->payload_len && memcmp(want->payload, got->payload, want->payload_len) != 0)) {
        snprintf(why, cap, "payload of %zu bytes, expected %zu", got->payload_len, want->payload_len);
        return false;
    }
    return true;
}

typedef struct check {
    const awsc_es_message *want;
    int messages;
    bool same;
    char why[512];
} check;

static int on_message(void *user, const awsc_es_message *m)
{
    check *c = user;
    if (c->messages++ == 0)
        c->same = same_message(c->want, m, c->why, sizeof c->why);
    return 0;
}

static void result(const char *what, size_t index, bool ok, const char *why)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "eventstream-interop: %s, message %zu: %s\n", what, index, why);
    }
}

/* JS frames decoded by awsc: each must give back the message the script describes. */
static void js_to_awsc(const cJSON *messages)
{
    size_t index = 0;
    for (const cJSON *j = messages->child; j; j = j->next, index++) {
        owned *o = malloc(sizeof *o);
        awsc_buf frame = AWSC_BUF_INIT;
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "frame");
        if (!o || !from_json(j, o) || !cJSON_IsString(f) ||
            awsc_base64_decode(&frame, f->valuestring, strlen(f->valuestring)) != 0) {
            result("JS -> awsc", index, false, "the script's message is not understood");
        } else {
            check c = {.want = &o->m};
            awsc_error err = AWSC_ERROR_INIT;
            awsc_es_decoder *d = awsc_es_decoder_new(0, on_message, &c);
            /* in two pieces split mid-frame, as libcurl may hand them over */
            size_t half = frame.len / 2;
            int rc = d ? awsc_es_decoder_feed(d, (const uint8_t *)frame.data, half, &err) : AWSC_E_NOMEM;
            if (rc == AWSC_OK)
                rc = awsc_es_decoder_feed(d, (const uint8_t *)frame.data + half, frame.len - half, &err);
            if (rc == AWSC_OK)
                rc = awsc_es_decoder_finish(d, &err);
            if (rc != AWSC_OK)
                result("JS -> awsc", index, false, err.message ? err.message : "decoder failed");
            else if (c.messages != 1)
                result("JS -> awsc", index, false, "not exactly one message");
            else
                result("JS -> awsc", index, c.same, c.why);
            awsc_es_decoder_free(d);
            awsc_error_clear(&err);
        }
        awsc_buf_free(&frame);
        if (o)
            owned_free(o);
        free(o);
    }
}

/* awsc's frames of the same messages, decoded by the JS codec (and compared with the JS frames' bytes). */
static void awsc_to_js(const cJSON *messages, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/awsc-es-interop-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        result("awsc -> JS", 0, false, "cannot create a temporary file");
        return;
    }
    FILE *fh = fdopen(fd, "w");
    cJSON *frames = cJSON_CreateArray();
    size_t index = 0, count = (size_t)cJSON_GetArraySize(messages);
    for (const cJSON *j = messages->child; j; j = j->next, index++) {
        owned *o = malloc(sizeof *o);
        uint8_t *out = NULL;
        size_t len = 0;
        awsc_error err = AWSC_ERROR_INIT;
        awsc_buf text = AWSC_BUF_INIT, js = AWSC_BUF_INIT;
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "frame");
        if (o && from_json(j, o) && awsc_es_encode(&o->m, &out, &len, &err) == AWSC_OK &&
            awsc_base64_encode(&text, out, len) == 0) {
            cJSON_AddItemToArray(frames, cJSON_CreateString(text.data ? text.data : ""));
            bool identical = cJSON_IsString(f) && awsc_base64_decode(&js, f->valuestring, strlen(f->valuestring)) == 0 &&
                             js.len == len && memcmp(js.data, out, len) == 0;
            result("awsc frame = JS frame", index, identical, "the bytes differ");
        } else {
            cJSON_AddItemToArray(frames, cJSON_CreateString(""));
            result("awsc -> JS", index, false, err.message ? err.message : "cannot encode");
        }
        free(out);
        awsc_error_clear(&err);
        awsc_buf_free(&text);
        awsc_buf_free(&js);
        if (o)
            owned_free(o);
        free(o);
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "frames", frames);
    char *doc = cJSON_PrintUnformatted(root);
    bool written = fh && doc && fputs(doc, fh) >= 0;
    if (fh)
        fclose(fh);
    cJSON_free(doc);
    cJSON_Delete(root);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "node " SCRIPT " decode '%s'", path);
    cJSON *decoded = written ? run_json(cmd) : NULL;
    unlink(path);
    const cJSON *back = cJSON_GetObjectItemCaseSensitive(decoded, "messages");
    if (!cJSON_IsArray(back) || (size_t)cJSON_GetArraySize(back) != count) {
        result("awsc -> JS", 0, false, "the JS decoder gave no answer");
        cJSON_Delete(decoded);
        return;
    }
    index = 0;
    for (const cJSON *j = messages->child, *b = back->child; j && b; j = j->next, b = b->next, index++) {
        const cJSON *error = cJSON_GetObjectItemCaseSensitive(b, "error");
        owned *want = malloc(sizeof *want), *got = malloc(sizeof *got);
        char why[512] = "the JS decoder's answer is not understood";
        if (cJSON_IsString(error))
            snprintf(why, sizeof why, "the JS codec refused it: %s", error->valuestring);
        bool ok = !cJSON_IsString(error) && want && got && from_json(j, want) && from_json(b, got) &&
                  same_message(&want->m, &got->m, why, sizeof why);
        result("awsc -> JS", index, ok, why);
        if (want)
            owned_free(want);
        if (got)
            owned_free(got);
        free(want);
        free(got);
    }
    cJSON_Delete(decoded);
}

int main(void)
{
    bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
    cJSON *encoded = NULL;
    if (access(SCRIPT, R_OK) == 0 && access(MODULE, R_OK) == 0)
        encoded = run_json("node " SCRIPT " encode");
    const cJSON *messages = cJSON_GetObjectItemCaseSensitive(encoded, "messages");
    if (!cJSON_IsArray(messages)) {
        fprintf(stderr, "eventstream-interop: node or " MODULE " unavailable (npm ci --prefix tests/interop)%s\n",
                ci ? " under CI=true" : ", skipping");
        printf("eventstream-interop: 0 passed, 1 skipped, %d failed\n", ci ? 1 : 0);
        cJSON_Delete(encoded);
        return ci ? 1 : 0;
    }
    const char *tmp = getenv("TMPDIR");
    js_to_awsc(messages);
    awsc_to_js(messages, tmp && *tmp ? tmp : "/tmp");
    cJSON_Delete(encoded);
    printf("eventstream-interop: %d passed, 0 skipped, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
