/*
 * Event-stream outputs: the response body of a 2xx answer runs through the
 * framing decoder as libcurl hands it over (the call's sink), and each
 * message becomes the operation's @streaming union, passed to the caller's
 * callback before the next one is read (../shared/specs/aws/amazon-eventstream.rst,
 * "Amazon Event Semantics"):
 *
 *   :message-type event      :event-type names the union member; its
 *                            structure's @eventHeader members come from the
 *                            message headers, an @eventPayload member is the
 *                            payload (blob, string, or a structure through the
 *                            codec), other members are the payload document
 *   :message-type exception  :exception-type names an error member: the call
 *                            fails with that typed error
 *   :message-type error      :error-code / :error-message: an unmodeled error
 *
 * REST protocols carry the initial response in the HTTP headers (read at the
 * first byte of the body); RPC protocols send it as an `initial-response`
 * event. One arena holds one event and is emptied for the next: memory stays
 * flat however long the stream.
 */
#include "awsc/eventstream.h"
#include "core/events.h"
#include "serde/eventstream/input.h"
#include "serde/eventstream/event_message.h"
#include "serde/codec.h"
#include "serde/scalar.h"
#include "util/arena.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct awsc_event_call {
    awsc_call *k;
    const awsc_event_stream *es;
    awsc_es_decoder *dec;
    awsc_event_fn on_event;
    void *user;
    awsc_event_parse_fn parse;
    void *initial;      /* the output structure (its own arena), once known */
    awsc_arena *arena;  /* the current event */
    bool bytes;         /* some of the stream arrived */
    bool stopped;       /* the callback asked to stop */
    int failure;        /* what the stream itself failed with (in err), or 0 */
    awsc_error err;
    awsc_event_input *input; /* an input stream's encoder (input.c), or NULL */
} awsc_event_call;

static bool eq_n(const awsc_es_header *h, const char *s, size_t n)
{
    return h && h->type == AWSC_ES_STRING && h->len == n && memcmp(h->bytes, s, n) == 0;
}

static bool eq(const awsc_es_header *h, const char *s)
{
    return h && eq_n(h, s, strlen(s));
}

/*
 * The header named `name` (`n` bytes), or NULL: awsc_es_find for the names
 * this file knows at compile time, inlined so that no strlen or memcmp call
 * runs per header on each of the stream's messages.
 */
static inline const awsc_es_header *find_n(const awsc_es_message *m, const char *name, size_t n)
{
    for (size_t i = 0; i < m->header_count; i++)
        if (m->headers[i].name_len == n && memcmp(m->headers[i].name, name, n) == 0)
            return &m->headers[i];
    return NULL;
}
#define FIND(m, literal) find_n((m), literal, sizeof literal - 1)
#define EQ(h, literal) eq_n((h), literal, sizeof literal - 1)

/* The union member named by a string header's value, or -1. */
static int variant(const awsc_shape *u, const awsc_es_header *h)
{
    for (uint32_t i = 0; h && h->type == AWSC_ES_STRING && i < u->member_count; i++)
        if (eq(h, u->members[i].name))
            return (int)i;
    return -1;
}

/* Records what ends the stream (`what`, and the name it concerns when not NULL); 1 stops the decoder. */
static int stream_error(awsc_event_call *s, int status, const char *what, const char *name, size_t len)
{
    s->failure = awsc_error_set(&s->err, (awsc_status)status, "%s%s%.*s", what, name ? " " : "", (int)len,
                                name ? name : "");
    return 1;
}

static int make_initial(awsc_event_call *s, const awsc_es_message *m)
{
    const awsc_operation *op = s->k->op;
    if (!s->es->initial_response_event) /* REST: from the response headers */
        return s->parse(op, &s->k->resp, &s->initial, &s->err);
    awsc_arena *arena;
    void *out = awsc_arena_new_root(&arena, op->output->size);
    if (!out)
        return awsc_error_nomem(&s->err);
    int rc = m ? op->codec->read_body(op, op->output, false, out, (const char *)m->payload, m->payload_len, arena,
                                      &s->err)
               : AWSC_OK;
    if (rc) {
        awsc_output_free(out);
        return rc;
    }
    s->initial = out;
    return AWSC_OK;
}

/* An @eventHeader member from its header: the header's own type, or text parsed by the member's. */
static int set_header(const awsc_member *mb, void *obj, const awsc_es_header *h, awsc_arena *arena)
{
    unsigned char *slot = awsc_member_slot(mb, obj);
    bool ok = true;
    switch (mb->type) {
    case AWSC_T_BOOL:
        ok = h->type == AWSC_ES_TRUE || h->type == AWSC_ES_FALSE;
        *(bool *)slot = h->i != 0;
        break;
    case AWSC_T_BYTE:
        ok = h->type == AWSC_ES_BYTE;
        *(int8_t *)slot = (int8_t)h->i;
        break;
    case AWSC_T_SHORT:
        ok = h->type == AWSC_ES_SHORT || h->type == AWSC_ES_BYTE;
        *(int16_t *)slot = (int16_t)h->i;
        break;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        ok = h->type >= AWSC_ES_BYTE && h->type <= AWSC_ES_INT;
        *(int32_t *)slot = (int32_t)h->i;
        break;
    case AWSC_T_LONG:
        ok = h->type >= AWSC_ES_BYTE && h->type <= AWSC_ES_LONG;
        *(int64_t *)slot = h->i;
        break;
    case AWSC_T_TIMESTAMP: {
        ok = h->type == AWSC_ES_TIMESTAMP;
        awsc_timestamp *t = (awsc_timestamp *)slot;
        /* Floor division by remainder: negating or multiplying back could overflow at INT64_MIN. */
        int64_t ms = h->i, rem = ms % 1000;
        t->seconds = ms / 1000 - (rem < 0);
        t->nanos = (uint32_t)((rem < 0 ? rem + 1000 : rem) * 1000000);
        break;
    }
    case AWSC_T_BLOB: {
        ok = h->type == AWSC_ES_BYTES;
        uint8_t *copy = ok ? awsc_arena_alloc(arena, h->len) : NULL;
        if (ok && !copy)
            return AWSC_E_NOMEM;
        if (ok) {
            memcpy(copy, h->bytes, h->len);
            *(awsc_blob *)slot = (awsc_blob){copy, h->len};
        }
        break;
    }
    default: /* strings, enums and the other text forms */
        ok = h->type == AWSC_ES_STRING;
        if (ok) {
            int rc = awsc_scalar_parse(mb, obj, (const char *)h->bytes, h->len, arena, AWSC_TS_EPOCH_SECONDS, false);
            if (rc == -1)
                return AWSC_E_NOMEM;
            ok = rc == 0;
        }
    }
    if (!ok)
        return AWSC_E_RESPONSE;
    if (mb->has_offset != AWSC_NO_OFFSET)
        *((unsigned char *)obj + mb->has_offset) = 1;
    return AWSC_OK;
}

/* Fills event structure `shape` at `obj` from message `m`. */
static int read_event(const awsc_operation *op, const awsc_shape *shape, void *obj, const awsc_es_message *m,
                      awsc_arena *arena, awsc_error *err)
{
    bool body = false;
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *mb = &shape->members[i];
        if (mb->binding == AWSC_B_HEADER) {
            const awsc_es_header *h = awsc_es_find(m, mb->wire_name);
            int rc = h ? set_header(mb, obj, h, arena) : AWSC_OK;
            if (rc == AWSC_E_RESPONSE)
                return awsc_error_set(err, AWSC_E_RESPONSE, "an event header does not fit its member's type: %s",
                                      mb->wire_name);
            if (rc)
                return awsc_error_nomem(err);
        } else if (mb->binding == AWSC_B_PAYLOAD) {
            unsigned char *slot = awsc_member_slot(mb, obj);
            if (mb->type == AWSC_T_BLOB) { /* the payload as it lies: valid during the callback, as the event is */
                *(awsc_blob *)slot = (awsc_blob){m->payload, m->payload_len};
            } else if (mb->type == AWSC_T_STRING) {
                char *text = awsc_arena_strndup(arena, (const char *)m->payload, m->payload_len);
                if (!text)
                    return awsc_error_nomem(err);
                *(const char **)slot = text;
            } else {
                int rc = op->codec->read_payload(mb, obj, (const char *)m->payload, m->payload_len, arena, err);
                if (rc)
                    return rc;
            }
        } else {
            body = true;
        }
    }
    if (body)
        return op->codec->read_body(op, shape, false, obj, (const char *)m->payload, m->payload_len, arena, err);
    return AWSC_OK;
}

/* A modeled exception: the call's error, typed as its shape. */
static int exception(const awsc_service *svc, const awsc_operation *op, const awsc_member *vm,
                     const awsc_es_message *m, awsc_error *e)
{
    awsc_error_clear(e);
    e->status = AWSC_E_SERVICE;
    const awsc_shape *shape = vm->shape;
    for (uint32_t i = 0; svc && i < svc->error_count; i++)
        if (svc->errors[i] == shape)
            e->modeled = (int)i + 1;
    e->code = awsc_strdup(awsc_shape_error_code(shape));
    awsc_arena *arena;
    void *detail = awsc_arena_new_root(&arena, shape->size);
    if (detail) {
        awsc_error perr = AWSC_ERROR_INIT;
        if (op->codec->read_body(op, shape, true, detail, (const char *)m->payload, m->payload_len, arena, &perr) ==
            AWSC_OK) {
            e->detail = detail;
            e->detail_arena_ = arena;
        } else {
            awsc_arena_destroy(arena);
        }
        awsc_error_clear(&perr);
    }
    /* The message as the protocol's error bodies carry it. */
    awsc_http_response fake = {.body = {(char *)m->payload, m->payload_len, m->payload_len}};
    awsc_arena *scratch = awsc_arena_create();
    awsc_error_fields fields = {0};
    if (scratch && m->payload_len && op->codec->error_fields(&fake, scratch, &fields) == 0 && fields.message)
        e->message = awsc_strdup(fields.message);
    awsc_arena_destroy(scratch);
    if (!e->message) {
        awsc_buf b = AWSC_BUF_INIT;
        awsc_buf_printf(&b, "the event stream ended with %s", e->code ? e->code : shape->name);
        e->message = awsc_buf_take(&b);
    }
    return AWSC_E_SERVICE;
}

/* The text of string header `h` for a message, or "" when it is not one. */
#define HEADER_TEXT(h) (h) && (h)->type == AWSC_ES_STRING ? (int)(h)->len : 0, \
                       (h) && (h)->type == AWSC_ES_STRING ? (const char *)(h)->bytes : ""

/* A message whose :message-type header `type` is not "event": the error it ends the stream with. */
static int not_event(const awsc_service *svc, const awsc_operation *op, const awsc_es_message *m,
                     const awsc_es_header *type, const awsc_shape *u, awsc_error *err)
{
    if (EQ(type, "error")) {
        const awsc_es_header *code = FIND(m, ":error-code"), *msg = FIND(m, ":error-message");
        awsc_error *e = awsc_error_target(err);
        awsc_error_clear(e);
        e->status = AWSC_E_SERVICE;
        awsc_buf b = AWSC_BUF_INIT;
        if (code && code->type == AWSC_ES_STRING && code->len) {
            awsc_buf_append(&b, code->bytes, code->len);
            e->code = awsc_buf_take(&b);
        }
        if (msg && msg->type == AWSC_ES_STRING)
            awsc_buf_append(&b, msg->bytes, msg->len);
        else
            awsc_buf_puts(&b, "the event stream ended with an error");
        e->message = awsc_buf_take(&b);
        return AWSC_E_SERVICE;
    }
    if (EQ(type, "exception")) {
        const awsc_es_header *name = FIND(m, ":exception-type");
        int i = u ? variant(u, name) : -1;
        if (i < 0 || u->members[i].type != AWSC_T_STRUCT)
            return awsc_error_set(err, AWSC_E_SERVICE, "the event stream ended with an exception of unknown type %.*s",
                                  HEADER_TEXT(name));
        return exception(svc, op, &u->members[i], m, awsc_error_target(err));
    }
    return awsc_error_set(err, AWSC_E_RESPONSE, "event stream message without a known :message-type");
}

/* awsc_es_decode_event with `type`, m's :message-type header (or NULL), looked up already. */
static int decode_event(const awsc_service *svc, const awsc_operation *op, const awsc_es_message *m,
                        const awsc_es_header *type, awsc_arena *arena, void *event, awsc_error *err)
{
    const awsc_shape *u = op->event_stream ? op->event_stream->events : NULL;
    if (!EQ(type, "event"))
        return not_event(svc, op, m, type, u, err);
    if (!u) /* an operation that only sends events */
        return awsc_error_set(err, AWSC_E_RESPONSE, "an event arrived on a stream that has no output events");
    const awsc_es_header *name = FIND(m, ":event-type");
    if (!name || name->type != AWSC_ES_STRING)
        return awsc_error_set(err, AWSC_E_RESPONSE, "event stream message without an :event-type");
    int *tag = (int *)((unsigned char *)event + u->union_tag_offset);
    int i = variant(u, name);
    if (i < 0) {
        *tag = -1; /* an event this SDK does not know: passed on as such */
        return AWSC_OK;
    }
    const awsc_member *vm = &u->members[i];
    *tag = i + 1;
    if (vm->type != AWSC_T_STRUCT)
        return AWSC_OK;
    void *obj = awsc_arena_alloc(arena, vm->shape->size);
    if (!obj)
        return awsc_error_nomem(err);
    *(void **)((unsigned char *)event + vm->offset) = obj;
    return read_event(op, vm->shape, obj, m, arena, err);
}

int awsc_es_decode_event(const awsc_service *svc, const awsc_operation *op, const awsc_es_message *m,
                         awsc_arena *arena, void *event, awsc_error *err)
{
    return decode_event(svc, op, m, FIND(m, ":message-type"), arena, event, err);
}

static int on_message(void *user, const awsc_es_message *m)
{
    awsc_event_call *s = user;
    const awsc_es_header *type = FIND(m, ":message-type");
    if (EQ(type, "event")) {
        if (s->es->initial_response_event && EQ(FIND(m, ":event-type"), "initial-response")) {
            if (s->initial)
                return stream_error(s, AWSC_E_RESPONSE, "a second initial-response event", NULL, 0);
            int rc = make_initial(s, m);
            return rc ? (s->failure = rc, 1) : 0;
        }
        if (!s->initial && s->es->events) {
            int rc = make_initial(s, NULL);
            if (rc)
                return s->failure = rc, 1;
        }
    }
    awsc_arena_reset(s->arena);
    const awsc_shape *u = s->es->events;
    void *ev = awsc_arena_alloc(s->arena, u ? u->size : 1);
    if (!ev)
        return stream_error(s, AWSC_E_NOMEM, "out of memory", NULL, 0);
    int rc = decode_event(s->k->c->svc, s->k->op, m, type, s->arena, ev, &s->err);
    if (rc) {
        s->failure = rc;
        /* (http.c's lookup is the runtime's, hidden from this library) */
        for (size_t i = 0; rc == AWSC_E_SERVICE && i < s->k->resp.header_count && !s->err.request_id; i++)
            if (strcasecmp(s->k->resp.headers[i].name, "x-amzn-requestid") == 0)
                s->err.request_id = awsc_strdup(s->k->resp.headers[i].value);
        return 1;
    }
    if (s->on_event(s->user, s->initial, ev) != 0) {
        s->stopped = true;
        return 1;
    }
    return 0;
}

static int sink(void *user, const uint8_t *data, size_t len)
{
    awsc_event_call *s = user;
    s->bytes = true;
    if (!s->initial && !s->es->initial_response_event) {
        int rc = make_initial(s, NULL);
        if (rc)
            return s->failure = rc, 1;
    }
    int rc = awsc_es_decoder_feed(s->dec, data, len, &s->err);
    if (rc != AWSC_OK && rc != 1)
        s->failure = rc;
    return rc != AWSC_OK;
}

static int begin(awsc_call *k, awsc_event_source_fn source, awsc_event_fn on_event, void *user,
                 awsc_event_parse_fn parse, awsc_error *err)
{
    awsc_event_call *s = calloc(1, sizeof *s);
    if (!s)
        return awsc_error_nomem(err);
    k->events = s;
    s->k = k;
    s->es = k->op->event_stream;
    s->on_event = on_event;
    s->user = user;
    s->parse = parse;
    s->err = (awsc_error)AWSC_ERROR_INIT;
    s->dec = awsc_es_decoder_new(0, on_message, s);
    s->arena = awsc_arena_create_sized(16384); /* kept across events: most need no more */
    if (!s->dec || !s->arena)
        return awsc_error_nomem(err);
    k->sink = sink;
    k->sink_user = s;
    return source ? awsc_event_input_begin(k, source, user, &s->input, err) : AWSC_OK;
}

static bool started(const awsc_call *k)
{
    return k->events->bytes || awsc_event_input_started(k->events->input);
}

static int finish(awsc_call *k, int rc, const awsc_http_response *resp, void **output, awsc_error *err)
{
    awsc_event_call *s = k->events;
    (void)resp;
    /* The caller's events failed first: that is why the exchange stopped. */
    int input_rc = awsc_event_input_failure(s->input, err);
    if (input_rc)
        return input_rc;
    if (s->failure) {
        awsc_error *e = awsc_error_target(err);
        awsc_error_clear(e);
        *e = s->err;
        s->err = (awsc_error)AWSC_ERROR_INIT;
        return s->failure;
    }
    if (!s->stopped) {
        if (rc)
            return rc; /* the exchange failed: err says how */
        if ((rc = awsc_es_decoder_finish(s->dec, err)) != AWSC_OK)
            return rc;
        /* An empty stream: the initial response is all there is. */
        if (!s->initial && (rc = make_initial(s, NULL)) != AWSC_OK) {
            awsc_error *e = awsc_error_target(err);
            awsc_error_clear(e);
            *e = s->err;
            s->err = (awsc_error)AWSC_ERROR_INIT;
            return rc;
        }
    }
    if (output) {
        *output = s->initial;
        s->initial = NULL;
    }
    awsc_error_ok(err);
    return AWSC_OK;
}

static void end(awsc_call *k)
{
    awsc_event_call *s = k->events;
    k->events = NULL;
    if (!s)
        return;
    awsc_event_input_free(s->input);
    awsc_es_decoder_free(s->dec);
    awsc_arena_destroy(s->arena);
    awsc_output_free(s->initial);
    awsc_error_clear(&s->err);
    free(s);
}

const awsc_event_engine awsc_event_streams = {begin, started, finish, end};
