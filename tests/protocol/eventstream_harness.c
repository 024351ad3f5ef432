/*
 * The event-stream compliance harness (see eventstream_harness.h). A request
 * event is the unsigned inner message awsc_es_encode_event writes (what
 * input.c then signs); a response event goes through the framing decoder and
 * awsc_es_decode_event, as events.c does with a response body. Every mismatch
 * of a case is collected and reported in one failure (harness.c's report).
 */
#include "eventstream_harness.h"

#include "awsc/eventstream.h"
#include "serde/eventstream/event_message.h"
#include "serde/json/json.h"
#include "serde/rest.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/base64.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const awsc_operation *find_operation(const awsc_service *svc, const char *name)
{
    for (uint32_t i = 0; i < svc->operation_count; i++)
        if (strcmp(svc->operations[i].name, name) == 0)
            return &svc->operations[i];
    return NULL;
}

static void put_base64(awsc_buf *problems, const uint8_t *data, size_t len)
{
    awsc_buf b = AWSC_BUF_INIT;
    if (awsc_base64_encode(&b, data, len) == 0 && b.data)
        awsc_buf_printf(problems, "%s", b.data);
    awsc_buf_free(&b);
}

static const char *type_name(uint8_t t)
{
    static const char *const names[] = {"true", "false", "byte", "short", "integer",
                                        "long", "blob", "string", "timestamp", "uuid"};
    return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

/* The case's headers, forbidden and required headers against the message's, by value. */
static void check_headers(awsc_buf *problems, const awsc_est_event *ev, const awsc_es_message *m)
{
    for (size_t i = 0; i < ev->header_count; i++) {
        const awsc_est_header *w = &ev->headers[i];
        const awsc_es_header *g = awsc_es_find(m, w->name);
        if (!g) {
            awsc_buf_printf(problems, "  header %s: missing\n", w->name);
            continue;
        }
        bool want_bool = w->type == AWSC_ES_TRUE || w->type == AWSC_ES_FALSE;
        bool got_bool = g->type == AWSC_ES_TRUE || g->type == AWSC_ES_FALSE;
        bool same_type = want_bool ? got_bool : g->type == w->type;
        bool same;
        if (w->type == AWSC_ES_BYTES || w->type == AWSC_ES_STRING || w->type == AWSC_ES_UUID)
            same = same_type && g->len == w->len && memcmp(g->bytes, w->bytes, w->len) == 0;
        else if (want_bool)
            same = same_type && g->type == w->type;
        else
            same = same_type && g->i == w->i;
        if (!same)
            awsc_buf_printf(problems, "  header %s: expected %s, got %s (%.*s / %lld)\n", w->name, type_name(w->type),
                            type_name(g->type),
                            g->type == AWSC_ES_STRING || g->type == AWSC_ES_BYTES ? (int)g->len : 0,
                            g->type == AWSC_ES_STRING || g->type == AWSC_ES_BYTES ? (const char *)g->bytes : "",
                            (long long)g->i);
    }
    for (size_t i = 0; i < ev->forbid_header_count; i++)
        if (awsc_es_find(m, ev->forbid_headers[i]))
            awsc_buf_printf(problems, "  header %s: forbidden but present\n", ev->forbid_headers[i]);
    for (size_t i = 0; i < ev->require_header_count; i++)
        if (!awsc_es_find(m, ev->require_headers[i]))
            awsc_buf_printf(problems, "  header %s: required but missing\n", ev->require_headers[i]);
}

/* One verified message from whole `bytes`, handed to `fn` (as the decoder's callback). */
typedef struct one_message {
    awsc_buf *problems;
    const awsc_est_event *ev;
    void *user;
    int (*fn)(void *user, const awsc_es_message *m);
    int calls;
} one_message;

static int on_one(void *user, const awsc_es_message *m)
{
    one_message *o = user;
    o->calls++;
    check_headers(o->problems, o->ev, m);
    if (o->ev->body)
        awsc_pt_check_body(o->problems, o->ev->body_media_type, o->ev->body, o->ev->body_len,
                           (const char *)m->payload, m->payload_len);
    return o->fn ? o->fn(o->user, m) : 0;
}

/* Runs whole `bytes` through the framing decoder: AWSC_OK and exactly one message, or the failure in err. */
static int frame(one_message *o, const uint8_t *bytes, size_t len, awsc_error *err)
{
    awsc_es_decoder *d = awsc_es_decoder_new(0, on_one, o);
    if (!d)
        return awsc_error_nomem(err);
    int rc = awsc_es_decoder_feed(d, bytes, len, err);
    if (rc == AWSC_OK)
        rc = awsc_es_decoder_finish(d, err);
    awsc_es_decoder_free(d);
    if (rc == 1) /* the callback stopped the decoder: err holds why */
        rc = err->status ? err->status : AWSC_E_RESPONSE;
    if (rc == AWSC_OK && o->calls != 1)
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "the bytes hold %d messages, not one", o->calls);
    return rc;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The message as text with its headers sorted by name: equal for the same message in any header order. */
static int canonical_of(void *user, const awsc_es_message *m)
{
    awsc_buf *out = user;
    char **lines = calloc(m->header_count ? m->header_count : 1, sizeof *lines);
    if (!lines)
        return 1;
    for (size_t i = 0; i < m->header_count; i++) {
        const awsc_es_header *h = &m->headers[i];
        awsc_buf b = AWSC_BUF_INIT;
        awsc_buf_printf(&b, "%.*s %u %lld ", (int)h->name_len, h->name, h->type, (long long)h->i);
        for (size_t j = 0; h->bytes && j < h->len; j++)
            awsc_buf_printf(&b, "%02x", h->bytes[j]);
        lines[i] = awsc_buf_take(&b);
    }
    qsort(lines, m->header_count, sizeof *lines, compare_strings);
    for (size_t i = 0; i < m->header_count; i++) {
        awsc_buf_printf(out, "%s\n", lines[i] ? lines[i] : "");
        free(lines[i]);
    }
    free(lines);
    awsc_buf_printf(out, "payload ");
    for (size_t j = 0; j < m->payload_len; j++)
        awsc_buf_printf(out, "%02x", m->payload[j]);
    return 0;
}

static bool same_message(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    awsc_buf ca = AWSC_BUF_INIT, cb = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_es_decoder *da = awsc_es_decoder_new(0, canonical_of, &ca), *db = awsc_es_decoder_new(0, canonical_of, &cb);
    bool same = da && db && awsc_es_decoder_feed(da, a, a_len, &err) == AWSC_OK &&
                awsc_es_decoder_finish(da, &err) == AWSC_OK && awsc_es_decoder_feed(db, b, b_len, &err) == AWSC_OK &&
                awsc_es_decoder_finish(db, &err) == AWSC_OK && ca.len == cb.len &&
                (ca.len == 0 || memcmp(ca.data, cb.data, ca.len) == 0);
    awsc_es_decoder_free(da);
    awsc_es_decoder_free(db);
    awsc_buf_free(&ca);
    awsc_buf_free(&cb);
    awsc_error_clear(&err);
    return same;
}

/* A request event: encode the params and compare with the case's message. Returns the encoder's status. */
static int run_request_event(awsc_buf *problems, const awsc_service *svc, const awsc_operation *op,
                             const awsc_est_event *ev, bool expect_failure)
{
    const awsc_shape *u = op->event_stream ? op->event_stream->input_events : NULL;
    if (!u) {
        awsc_buf_printf(problems, "  %s has no input event stream\n", op->name);
        return AWSC_E_INTERNAL;
    }
    if (!ev->params) {
        awsc_buf_printf(problems, "  an unmodeled request event: a client cannot send one\n");
        return AWSC_E_INTERNAL;
    }
    awsc_arena *arena = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    uint8_t *msg = NULL;
    size_t len = 0;
    void *event = arena ? awsc_arena_alloc(arena, u->size) : NULL;
    int rc = AWSC_E_NOMEM;
    if (event) {
        memset(event, 0, u->size);
        rc = awsc_json_read(u, event, ev->params, strlen(ev->params), arena, AWSC_JSON_PARAMS, AWSC_E_VALIDATION,
                            &err);
        if (rc)
            awsc_buf_printf(problems, "  params do not read into %s: %s\n", u->name, err.message);
        else
            rc = awsc_es_encode_event(svc, op, event, arena, &msg, &len, &err);
    }
    if (rc) {
        if (!expect_failure && event)
            awsc_buf_printf(problems, "  awsc_es_encode_event failed: %s\n", err.message);
    } else {
        /*
         * The message by value, then byte for byte. The specification leaves the headers' order open
         * (`bytes` "SHOULD NOT be used to make assertions about serialized events"): the same headers
         * and payload in another order pass (awsc writes the @eventHeader members in model order).
         */
        one_message o = {.problems = problems, .ev = ev};
        awsc_error ferr = AWSC_ERROR_INIT;
        if (frame(&o, msg, len, &ferr) != AWSC_OK)
            awsc_buf_printf(problems, "  the encoded message does not decode: %s\n", ferr.message);
        awsc_error_clear(&ferr);
        if (ev->bytes && (len != ev->bytes_len || memcmp(msg, ev->bytes, len) != 0) &&
            !same_message(ev->bytes, ev->bytes_len, msg, len)) {
            awsc_buf_printf(problems, "  bytes: expected ");
            put_base64(problems, ev->bytes, ev->bytes_len);
            awsc_buf_printf(problems, "\n         got      ");
            put_base64(problems, msg, len);
            awsc_buf_printf(problems, "\n");
        }
    }
    free(msg);
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return rc;
}

typedef struct decoded {
    const awsc_service *svc;
    const awsc_operation *op;
    awsc_arena *arena;
    void *event;
    awsc_error *err;
    int rc;
    awsc_buf text; /* the event as params JSON, written while the message (a blob payload's bytes) lives */
} decoded;

static int decode_one(void *user, const awsc_es_message *m)
{
    decoded *d = user;
    const awsc_shape *u = d->op->event_stream->events;
    d->event = awsc_arena_alloc(d->arena, u->size);
    if (!d->event)
        return d->rc = awsc_error_nomem(d->err), 1;
    memset(d->event, 0, u->size);
    d->rc = awsc_es_decode_event(d->svc, d->op, m, d->arena, d->event, d->err);
    if (d->rc == AWSC_OK)
        d->rc = awsc_json_write(&d->text, u, d->event, AWSC_JSON_PARAMS, false, d->err);
    return d->rc != AWSC_OK;
}

/* The params of the one member of a union's `params` (an error's detail), as compact JSON; free it. */
static char *inner_params(const char *params)
{
    cJSON *root = params ? cJSON_Parse(params) : NULL;
    char *text = root && root->child ? cJSON_PrintUnformatted(root->child) : NULL;
    cJSON_Delete(root);
    return text;
}

static int find_error(const awsc_service *svc, const char *name)
{
    for (uint32_t i = 0; i < svc->error_count; i++)
        if (strcmp(svc->errors[i]->name, name) == 0)
            return (int)i;
    return -1;
}

/* Whether the failure in err (status rc) is the one the case expects. */
static void check_failure(awsc_buf *problems, const awsc_service *svc, const awsc_est_case *c, int rc,
                          const awsc_error *err, const char *params)
{
    if (rc == AWSC_OK) {
        awsc_buf_printf(problems, "  expected a failure%s%s, got success\n", c->error_id ? " of " : "",
                        c->error_id ? c->error_id : "");
        return;
    }
    if (!c->error_id)
        return;
    int index = find_error(svc, c->error_id);
    if (index < 0) {
        awsc_buf_printf(problems, "  error %s is not in the generated service\n", c->error_id);
        return;
    }
    const char *code = awsc_shape_error_code(svc->errors[index]);
    if (rc != AWSC_E_SERVICE || !err->code || strcmp(err->code, code) != 0)
        awsc_buf_printf(problems, "  expected error %s, got status %d code %s: %s\n", code, rc,
                        err->code ? err->code : "(none)", err->message ? err->message : "");
    if (err->modeled != index + 1)
        awsc_buf_printf(problems, "  modeled: expected %d, got %d\n", index + 1, err->modeled);
    char *detail_params = inner_params(params);
    if (detail_params && !err->detail) {
        awsc_buf_printf(problems, "  no typed detail for %s\n", c->error_id);
    } else if (detail_params) {
        awsc_buf out = AWSC_BUF_INIT;
        awsc_error werr = AWSC_ERROR_INIT;
        if (awsc_json_write(&out, svc->errors[index], err->detail, AWSC_JSON_PARAMS, false, &werr) != AWSC_OK)
            awsc_buf_printf(problems, "  cannot write the detail: %s\n", werr.message);
        else
            awsc_pt_check_params(problems, svc->errors[index], detail_params, out.data);
        awsc_error_clear(&werr);
        awsc_buf_free(&out);
    }
    cJSON_free(detail_params);
}

/* A response event: decode the case's bytes and compare with params or the expected failure. */
static int run_response_event(awsc_buf *problems, const awsc_service *svc, const awsc_operation *op,
                              const awsc_est_case *c, const awsc_est_event *ev)
{
    if (!op->event_stream || !op->event_stream->events) {
        awsc_buf_printf(problems, "  %s has no output event stream\n", op->name);
        return AWSC_E_INTERNAL;
    }
    if (!ev->bytes) {
        awsc_buf_printf(problems, "  a response event without bytes\n");
        return AWSC_E_INTERNAL;
    }
    awsc_error err = AWSC_ERROR_INIT;
    decoded d = {svc, op, awsc_arena_create(), NULL, &err, AWSC_OK, AWSC_BUF_INIT};
    one_message o = {.problems = problems, .ev = ev, .user = &d, .fn = decode_one};
    int rc = d.arena ? frame(&o, ev->bytes, ev->bytes_len, &err) : AWSC_E_NOMEM;
    if (rc == AWSC_OK)
        rc = d.rc;
    if (c->failure) {
        check_failure(problems, svc, c, rc, &err, ev->params);
    } else if (rc) {
        awsc_buf_printf(problems, "  decoding failed (%d): %s\n", rc, err.message ? err.message : "");
    } else {
        awsc_pt_check_params(problems, op->event_stream->events, ev->params, d.text.data ? d.text.data : "{}");
    }
    awsc_buf_free(&d.text);
    awsc_error_clear(&err);
    awsc_arena_destroy(d.arena);
    return rc;
}

/* A protocol error in place of the initial response: the call's error. */
static void run_initial_error(awsc_buf *problems, const awsc_service *svc, const awsc_operation *op,
                              const awsc_est_case *c)
{
    awsc_header *headers = calloc(c->initial_header_count ? c->initial_header_count : 1, sizeof *headers);
    if (!headers) {
        awsc_buf_printf(problems, "  out of memory\n");
        return;
    }
    for (size_t i = 0; i < c->initial_header_count; i++) {
        headers[i].name = c->initial_headers[i].name;
        headers[i].value = c->initial_headers[i].value;
    }
    awsc_http_response resp = {.status = c->initial_code, .headers = headers,
                               .header_count = c->initial_header_count};
    if (c->initial_body)
        awsc_buf_append(&resp.body, c->initial_body, c->initial_body_len);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_rest_parse_error(svc, op, &resp, &err);
    check_failure(problems, svc, c, rc, &err, NULL);
    awsc_error_clear(&err);
    awsc_buf_free(&resp.body);
    free(headers);
}

void awsc_est_run(const awsc_service *svc, const awsc_est_case *c)
{
    if (c->skip) {
        awsc_pt_skip();
        return;
    }
    awsc_buf problems = AWSC_BUF_INIT;
    const awsc_operation *op = find_operation(svc, c->operation);
    if (!op) {
        awsc_buf_printf(&problems, "  the generated service has no operation %s\n", c->operation);
    } else if (c->initial_code) {
        run_initial_error(&problems, svc, op, c);
    } else {
        int rc = AWSC_OK;
        for (size_t i = 0; i < c->event_count && rc == AWSC_OK; i++) {
            const awsc_est_event *ev = &c->events[i];
            rc = ev->request ? run_request_event(&problems, svc, op, ev, c->failure)
                             : run_response_event(&problems, svc, op, c, ev);
        }
        /* A failed response event checked its failure itself; an input case expecting one checks here. */
        if (c->failure && rc == AWSC_OK && c->event_count && c->events[c->event_count - 1].request)
            check_failure(&problems, svc, c, rc, NULL, NULL);
    }
    awsc_pt_report(c->id, &problems);
}
