/*
 * Event-stream outputs through generated clients of two official models:
 * Bedrock runtime's InvokeModelWithResponseStream (restJson1: the initial
 * response is the HTTP headers) and Kinesis SubscribeToShard (awsJson1_1: an
 * initial-response event), against a loopback server that writes the stream
 * a few bytes at a time and holds each next event back until the client's
 * callback has had the previous one (so events are shown to arrive one by
 * one, never buffered to the end of the stream).
 */
#include <awsc/bedrock_runtime.h>
#include <awsc/eventstream.h>
#include <awsc/kinesis.h>
#include <awsc/s3.h>

#include "http/http.h"

#include <arpa/inet.h>
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

/* Generous: a loaded machine may be slow. AWSC_TEST_TIMEOUT_MS overrides. */
static long timeout_ms(void)
{
    const char *v = getenv("AWSC_TEST_TIMEOUT_MS");
    return v && atol(v) > 0 ? atol(v) : 20000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the streaming server ----------------------------------------------- */

#define MAX_EVENTS 16

typedef struct server {
    int fd, port;
    pthread_t thread;
    char url[64];
    /* the answer */
    int status;
    char headers[512];
    uint8_t body[65536];
    size_t body_len;
    uint8_t block[65536]; /* repeat's blocks */
    size_t event_end[MAX_EVENTS]; /* body offsets where each message ends */
    int events;
    int uncounted;  /* leading messages the callback does not see (Kinesis's initial-response) */
    size_t cut_at;  /* > 0: close the connection after this many body bytes */
    size_t piece;   /* bytes per write */
    size_t repeat;  /* > 0: the body is sent this many times, as fast as it goes (no holds, no pauses) */
    /* what happened */
    atomic_int seen;     /* events the client's callback has had (the test's callback counts) */
    atomic_int requests;
    atomic_bool stalled; /* waited in vain for the client to take an event */
    char request[8192];
} server;

static void send_all(int c, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = send(c, b, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        b += w;
        n -= (size_t)w;
    }
}

/* The client closed its end (it stopped reading the stream): nothing more to wait for. */
static bool client_gone(int c)
{
    char b;
    ssize_t r = recv(c, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void serve(server *s, int c)
{
    /* the request: headers, then Content-Length bytes */
    size_t have = 0;
    char *end = NULL;
    while (!end && have < sizeof s->request - 1) {
        ssize_t r = recv(c, s->request + have, sizeof s->request - 1 - have, 0);
        if (r <= 0)
            return;
        have += (size_t)r;
        s->request[have] = '\0';
        end = strstr(s->request, "\r\n\r\n");
    }
    const char *cl = strstr(s->request, "Content-Length:");
    size_t want = (size_t)(end - s->request) + 4 + (cl ? (size_t)atol(cl + 15) : 0);
    while (have < want && have < sizeof s->request - 1) {
        ssize_t r = recv(c, s->request + have, sizeof s->request - 1 - have, 0);
        if (r <= 0)
            return;
        have += (size_t)r;
        s->request[have] = '\0';
    }
    atomic_fetch_add(&s->requests, 1);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nx-amzn-RequestId: req-1\r\n%sConnection: close\r\n\r\n", s->status, s->headers);
    send_all(c, head, (size_t)n);
    if (s->repeat) {
        /* As fast as it goes: the body repeated into blocks of about 64 KiB, written whole (writing
           each 1 KiB copy on its own would make this server, not the client, what is measured). */
        size_t per_block = sizeof s->block / s->body_len, blocks = s->repeat / per_block;
        for (size_t i = 0; i < per_block; i++)
            memcpy(s->block + i * s->body_len, s->body, s->body_len);
        for (size_t b = 0; b < blocks; b++)
            send_all(c, s->block, per_block * s->body_len);
        send_all(c, s->block, (s->repeat - blocks * per_block) * s->body_len);
        return;
    }
    size_t limit = s->cut_at ? s->cut_at : s->body_len;
    int next = 0; /* the event whose bytes are being written */
    for (size_t at = 0; at < limit;) {
        /* Before the first byte of message `next`: the client must have had the events before it. */
        int before = next - s->uncounted;
        if (before > 0 && at == s->event_end[next - 1]) {
            long waited = 0;
            while (atomic_load(&s->seen) < before && waited < timeout_ms()) {
                if (client_gone(c))
                    return; /* a client that stopped early: waiting out the timeout would only slow the test */
                sleep_ms(1);
                waited++;
            }
            if (atomic_load(&s->seen) < before)
                atomic_store(&s->stalled, true);
        }
        size_t stop = next < s->events ? s->event_end[next] : limit;
        if (stop > limit)
            stop = limit;
        size_t step = s->piece < stop - at ? s->piece : stop - at;
        send_all(c, s->body + at, step);
        at += step;
        if (next < s->events && at == s->event_end[next])
            next++;
        sleep_ms(1); /* a pause between pieces: libcurl gets them one by one */
    }
}

static void *server_main(void *arg)
{
    server *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        int one = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        serve(s, c);
        shutdown(c, SHUT_RDWR);
        close(c);
    }
}

static server *server_new(int status, const char *headers)
{
    server *s = calloc(1, sizeof *s);
    cr_assert_not_null(s);
    s->status = status;
    snprintf(s->headers, sizeof s->headers, "%s", headers);
    s->piece = 5;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    cr_assert_eq(listen(s->fd, 8), 0);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    return s;
}

static void server_start(server *s)
{
    cr_assert_eq(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void server_stop(server *s)
{
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
    free(s);
}

/* Appends one message: string headers as name/value pairs, then the payload. */
static void add_message(server *s, const char *const *pairs, size_t npairs, const char *payload)
{
    awsc_es_header h[8];
    for (size_t i = 0; i < npairs; i++)
        h[i] = (awsc_es_header){.name = pairs[2 * i], .name_len = (uint8_t)strlen(pairs[2 * i]), .type = AWSC_ES_STRING,
                                .bytes = (const uint8_t *)pairs[2 * i + 1], .len = (uint16_t)strlen(pairs[2 * i + 1])};
    awsc_es_message m = {h, npairs, (const uint8_t *)payload, strlen(payload)};
    uint8_t *out;
    size_t len;
    cr_assert_eq(awsc_es_encode(&m, &out, &len, NULL), AWSC_OK);
    cr_assert_lt(s->body_len + len, sizeof s->body);
    memcpy(s->body + s->body_len, out, len);
    s->body_len += len;
    s->event_end[s->events++] = s->body_len;
    free(out);
}

static void add_event(server *s, const char *type, const char *payload)
{
    const char *h[] = {":message-type", "event", ":event-type", type, ":content-type", "application/json"};
    add_message(s, h, 3, payload);
}

/* ---- Bedrock runtime: restJson1 ------------------------------------------ */

#define ES_HEADERS "Content-Type: application/vnd.amazon.eventstream\r\nX-Amzn-Bedrock-Content-Type: application/json\r\n"

typedef struct got {
    server *srv;
    int events;
    char text[1024];
    char content_type[64];
    int stop_after;
    const void *first_response;
    bool same_response;
} got;

static int on_chunk(void *user, const awsc_bedrock_runtime_invoke_model_with_response_stream_response *response,
                    const awsc_bedrock_runtime_response_stream *event)
{
    got *g = user;
    if (!g->first_response) {
        g->first_response = response;
        g->same_response = true;
        snprintf(g->content_type, sizeof g->content_type, "%s", response->content_type ? response->content_type : "-");
    }
    g->same_response &= g->first_response == response;
    g->events++;
    size_t at = strlen(g->text);
    if (event->type == AWSC_BEDROCK_RUNTIME_RESPONSE_STREAM_CHUNK)
        snprintf(g->text + at, sizeof g->text - at, "[%.*s]", (int)event->value.chunk->bytes.len,
                 (const char *)event->value.chunk->bytes.data);
    else
        snprintf(g->text + at, sizeof g->text - at, "[type %d]", (int)event->type);
    atomic_store(&g->srv->seen, g->events);
    return g->stop_after && g->events >= g->stop_after;
}

static awsc_bedrock_runtime_client *bedrock(server *s)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = s->url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.request_timeout_ms = timeout_ms() * 3;
    awsc_bedrock_runtime_client *c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_bedrock_runtime_client_new(&cfg, &c, &err), AWSC_OK, "%s", err.message);
    return c;
}

static int invoke(server *s, got *g, awsc_bedrock_runtime_invoke_model_with_response_stream_response **out,
                  awsc_error *err)
{
    server_start(s);
    awsc_bedrock_runtime_client *c = bedrock(s);
    awsc_bedrock_runtime_invoke_model_with_response_stream_request in = {
        .model_id = "anthropic.claude-v2", .body = {(const uint8_t *)"{\"prompt\":\"hi\"}", 15}};
    g->srv = s;
    int rc = awsc_bedrock_runtime_invoke_model_with_response_stream(c, &in, out, on_chunk, g, err);
    awsc_bedrock_runtime_client_free(c);
    return rc;
}

Test(eventstream_client, events_arrive_one_by_one)
{
    server *s = server_new(200, ES_HEADERS);
    add_event(s, "chunk", "{\"bytes\":\"eyJhIjoxfQ==\"}"); /* {"a":1} */
    add_event(s, "chunk", "{\"bytes\":\"eyJiIjoyfQ==\"}"); /* {"b":2} */
    add_event(s, "chunk", "{\"bytes\":\"\"}");
    got g = {0};
    awsc_bedrock_runtime_invoke_model_with_response_stream_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, &out, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_eq(g.events, 3);
    cr_assert_str_eq(g.text, "[{\"a\":1}][{\"b\":2}][]");
    cr_assert_not(atomic_load(&s->stalled), "an event was held back until the stream ended");
    /* the initial response, from the HTTP headers, with every event and as the output */
    cr_assert_str_eq(g.content_type, "application/json");
    cr_assert(g.same_response);
    cr_assert_not_null(out);
    cr_assert_str_eq(out->content_type, "application/json");
    /* the request as the model says */
    cr_assert(strstr(s->request, "POST /model/anthropic.claude-v2/invoke-with-response-stream HTTP/1.1"), "%s",
              s->request);
    cr_assert(strstr(s->request, "Authorization: AWS4-HMAC-SHA256"));
    awsc_output_free(out);
    awsc_error_clear(&err);
    server_stop(s);
}

Test(eventstream_client, stop_early)
{
    server *s = server_new(200, ES_HEADERS);
    for (int i = 0; i < 5; i++)
        add_event(s, "chunk", "{\"bytes\":\"eA==\"}");
    got g = {.stop_after = 2};
    awsc_bedrock_runtime_invoke_model_with_response_stream_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, &out, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_eq(g.events, 2);
    cr_assert_not_null(out);
    cr_assert_eq(atomic_load(&s->requests), 1);
    awsc_output_free(out);
    awsc_error_clear(&err);
    server_stop(s);
}

Test(eventstream_client, modeled_exception_event)
{
    server *s = server_new(200, ES_HEADERS);
    add_event(s, "chunk", "{\"bytes\":\"eA==\"}");
    const char *h[] = {":message-type", "exception", ":exception-type", "modelStreamErrorException",
                       ":content-type", "application/json"};
    add_message(s, h, 3, "{\"message\":\"the model failed\",\"originalStatusCode\":529}");
    add_event(s, "chunk", "{\"bytes\":\"eA==\"}");
    got g = {0};
    awsc_bedrock_runtime_invoke_model_with_response_stream_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, &out, &err);
    cr_assert_eq(rc, AWSC_E_SERVICE, "%d %s", rc, err.message);
    cr_assert_eq(g.events, 1);
    cr_assert_null(out);
    cr_assert_str_eq(err.code, "ModelStreamErrorException");
    cr_assert_str_eq(err.message, "the model failed");
    cr_assert_str_eq(err.request_id, "req-1");
    cr_assert_eq(err.modeled, AWSC_BEDROCK_RUNTIME_MODEL_STREAM_ERROR_EXCEPTION);
    const awsc_bedrock_runtime_model_stream_error_exception *d = err.detail;
    cr_assert_not_null(d);
    cr_assert(d->has_original_status_code);
    cr_assert_eq(d->original_status_code, 529);
    cr_assert_eq(err.attempts, 1); /* a stream that started is not retried */
    cr_assert_eq(atomic_load(&s->requests), 1);
    awsc_error_clear(&err);
    server_stop(s);
}

Test(eventstream_client, unmodeled_error_event)
{
    server *s = server_new(200, ES_HEADERS);
    const char *h[] = {":message-type", "error", ":error-code", "InternalError", ":error-message", "try later"};
    add_message(s, h, 3, "");
    got g = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, NULL, &err);
    cr_assert_eq(rc, AWSC_E_SERVICE, "%d %s", rc, err.message);
    cr_assert_str_eq(err.code, "InternalError");
    cr_assert_str_eq(err.message, "try later");
    cr_assert_eq(err.modeled, 0);
    cr_assert_eq(atomic_load(&s->requests), 1);
    awsc_error_clear(&err);
    server_stop(s);
}

Test(eventstream_client, corrupt_frame_mid_stream)
{
    server *s = server_new(200, ES_HEADERS);
    add_event(s, "chunk", "{\"bytes\":\"eA==\"}");
    add_event(s, "chunk", "{\"bytes\":\"eQ==\"}");
    s->body[s->body_len - 6] ^= 0x20; /* a payload byte of the second message */
    got g = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, NULL, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE, "%d %s", rc, err.message);
    cr_assert(strstr(err.message, "message CRC mismatch"), "%s", err.message);
    cr_assert_eq(g.events, 1);
    cr_assert_eq(atomic_load(&s->requests), 1);
    awsc_error_clear(&err);
    server_stop(s);
}

Test(eventstream_client, connection_lost_inside_a_message)
{
    server *s = server_new(200, ES_HEADERS);
    add_event(s, "chunk", "{\"bytes\":\"eA==\"}");
    add_event(s, "chunk", "{\"bytes\":\"eQ==\"}");
    s->cut_at = s->body_len - 10;
    got g = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, NULL, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE, "%d %s", rc, err.message);
    cr_assert(strstr(err.message, "ended inside message 2"), "%s", err.message);
    cr_assert_eq(g.events, 1);
    cr_assert_eq(atomic_load(&s->requests), 1); /* not repeated: event 1 was delivered */
    awsc_error_clear(&err);
    server_stop(s);
}

Test(eventstream_client, unknown_event_passed_on)
{
    server *s = server_new(200, ES_HEADERS);
    add_event(s, "somethingNew", "{}");
    add_event(s, "chunk", "{\"bytes\":\"eg==\"}");
    got g = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, NULL, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_str_eq(g.text, "[type -1][z]");
    awsc_error_clear(&err);
    server_stop(s);
}

/* An error status before any stream is an ordinary error response. */
Test(eventstream_client, http_error_before_the_stream)
{
    server *s = server_new(404, "Content-Type: application/json\r\nx-amzn-ErrorType: ResourceNotFoundException\r\n");
    const char *body = "{\"message\":\"no such model\"}";
    memcpy(s->body, body, strlen(body));
    s->body_len = strlen(body);
    got g = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = invoke(s, &g, NULL, &err);
    cr_assert_eq(rc, AWSC_E_SERVICE, "%d %s", rc, err.message);
    cr_assert_eq(err.modeled, AWSC_BEDROCK_RUNTIME_RESOURCE_NOT_FOUND_EXCEPTION);
    cr_assert_str_eq(err.message, "no such model");
    cr_assert_eq(g.events, 0);
    awsc_error_clear(&err);
    server_stop(s);
}

/* Without the event engine the events would be dropped unseen: the generic calls refuse. */
static void ignore_done(void *user, int status, void *output, const awsc_error *err)
{
    (void)user, (void)status, (void)output, (void)err;
}

Test(eventstream_client, generic_calls_refuse_event_streams)
{
    server *s = server_new(200, ES_HEADERS);
    awsc_bedrock_runtime_client *c = bedrock(s);
    const awsc_service *svc = awsc_bedrock_runtime_service();
    const awsc_operation *op = NULL;
    for (uint32_t i = 0; i < svc->operation_count; i++)
        if (strcmp(svc->operations[i].name, "InvokeModelWithResponseStream") == 0)
            op = &svc->operations[i];
    cr_assert_not_null(op);
    cr_assert_not_null(op->event_stream);
    awsc_bedrock_runtime_invoke_model_with_response_stream_request in = {.model_id = "m", .body = {(const uint8_t *)"{}", 2}};
    void *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_client *base = awsc_bedrock_runtime_client_base(c);
    cr_assert_eq(awsc_client_invoke(base, op, &in, &out, &err), AWSC_E_CONFIG);
    cr_assert(strstr(err.message, "awsc_client_invoke_events"), "%s", err.message);
    cr_assert_eq(awsc_client_invoke_async(base, op, &in, ignore_done, NULL, &err), AWSC_E_CONFIG);
    cr_assert_eq(awsc_client_invoke_events(base, op, &in, &out, NULL, NULL, &err), AWSC_E_CONFIG);
    cr_assert_eq(awsc_bedrock_runtime_invoke_model_with_response_stream(c, &in, NULL, NULL, NULL, &err), AWSC_E_CONFIG);
    cr_assert_eq(atomic_load(&s->requests), 0);
    awsc_error_clear(&err);
    awsc_bedrock_runtime_client_free(c);
    server_start(s);
    server_stop(s);
}

/* The same stream without blocking: events while the client runs, then `done` with the initial response. */
typedef struct async_got {
    got g;
    int done_calls, status;
    char content_type[64];
} async_got;

static int on_chunk_untyped(void *user, const void *response, const void *event)
{
    return on_chunk(&((async_got *)user)->g, response, event);
}

static void on_done(void *user, int status, void *output, const awsc_error *err)
{
    async_got *a = user;
    a->done_calls++;
    a->status = status;
    const awsc_bedrock_runtime_invoke_model_with_response_stream_response *r = output;
    snprintf(a->content_type, sizeof a->content_type, "%s", r && r->content_type ? r->content_type : err->message);
    awsc_output_free(output);
}

Test(eventstream_client, async_events)
{
    server *s = server_new(200, ES_HEADERS);
    add_event(s, "chunk", "{\"bytes\":\"eyJhIjoxfQ==\"}");
    add_event(s, "chunk", "{\"bytes\":\"eyJiIjoyfQ==\"}");
    server_start(s);
    awsc_bedrock_runtime_client *c = bedrock(s);
    const awsc_service *svc = awsc_bedrock_runtime_service();
    const awsc_operation *op = NULL;
    for (uint32_t i = 0; i < svc->operation_count; i++)
        if (strcmp(svc->operations[i].name, "InvokeModelWithResponseStream") == 0)
            op = &svc->operations[i];
    awsc_bedrock_runtime_invoke_model_with_response_stream_request in = {.model_id = "m", .body = {(const uint8_t *)"{}", 2}};
    async_got a = {.g = {.srv = s}};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke_events_async(awsc_bedrock_runtime_client_base(c), op, &in, on_chunk_untyped,
                                                 on_done, &a, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_eq(a.g.events, 0); /* nothing happens until the client runs */
    cr_assert_eq(awsc_bedrock_runtime_client_run(c, (int)timeout_ms() * 3), 0);
    cr_assert_eq(a.done_calls, 1);
    cr_assert_eq(a.status, AWSC_OK, "%s", a.content_type);
    cr_assert_str_eq(a.g.text, "[{\"a\":1}][{\"b\":2}]");
    cr_assert_str_eq(a.content_type, "application/json");
    cr_assert_not(atomic_load(&s->stalled));
    awsc_bedrock_runtime_client_free(c);
    awsc_error_clear(&err);
    server_stop(s);
}

/* ConverseStream: events whose JSON payloads hold unions, enums, documents and nested structures. */
static int on_converse(void *user, const awsc_bedrock_runtime_converse_stream_response *response,
                       const awsc_bedrock_runtime_converse_stream_output *ev)
{
    got *g = user;
    (void)response;
    g->events++;
    size_t at = strlen(g->text);
    char *o = g->text + at;
    size_t room = sizeof g->text - at;
    switch (ev->type) {
    case AWSC_BEDROCK_RUNTIME_CONVERSE_STREAM_OUTPUT_MESSAGE_START:
        snprintf(o, room, "start(%s)", ev->value.message_start->role_raw ? ev->value.message_start->role_raw : "?");
        break;
    case AWSC_BEDROCK_RUNTIME_CONVERSE_STREAM_OUTPUT_CONTENT_BLOCK_DELTA: {
        const awsc_bedrock_runtime_content_block_delta_event *d = ev->value.content_block_delta;
        snprintf(o, room, "delta%d(%s)", (int)d->content_block_index,
                 d->delta && d->delta->type == AWSC_BEDROCK_RUNTIME_CONTENT_BLOCK_DELTA_TEXT ? d->delta->value.text : "?");
        break;
    }
    case AWSC_BEDROCK_RUNTIME_CONVERSE_STREAM_OUTPUT_MESSAGE_STOP:
        snprintf(o, room, "stop(%d,%s)", ev->value.message_stop->stop_reason == AWSC_BEDROCK_RUNTIME_STOP_REASON_END_TURN,
                 ev->value.message_stop->additional_model_response_fields);
        break;
    case AWSC_BEDROCK_RUNTIME_CONVERSE_STREAM_OUTPUT_METADATA:
        snprintf(o, room, "usage(%d+%d=%d)", (int)ev->value.metadata->usage->input_tokens,
                 (int)ev->value.metadata->usage->output_tokens, (int)ev->value.metadata->usage->total_tokens);
        break;
    default:
        snprintf(o, room, "type%d", (int)ev->type);
    }
    atomic_store(&g->srv->seen, g->events);
    return 0;
}

Test(eventstream_client, converse_stream)
{
    server *s = server_new(200, "Content-Type: application/vnd.amazon.eventstream\r\n");
    add_event(s, "messageStart", "{\"role\":\"assistant\"}");
    add_event(s, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"}}");
    add_event(s, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"lo\"},\"p\":\"abcd\"}");
    add_event(s, "messageStop", "{\"stopReason\":\"end_turn\",\"additionalModelResponseFields\":{\"k\":[1,2]}}");
    add_event(s, "metadata", "{\"usage\":{\"inputTokens\":3,\"outputTokens\":2,\"totalTokens\":5},"
                             "\"metrics\":{\"latencyMs\":120}}");
    server_start(s);
    awsc_bedrock_runtime_client *c = bedrock(s);
    awsc_bedrock_runtime_converse_stream_request in = {.model_id = "anthropic.claude-3"};
    got g = {.srv = s};
    awsc_bedrock_runtime_converse_stream_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_bedrock_runtime_converse_stream(c, &in, &out, on_converse, &g, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_str_eq(g.text, "start(assistant)delta0(Hel)delta0(lo)stop(1,{\"k\":[1,2]})usage(3+2=5)");
    cr_assert_not(atomic_load(&s->stalled));
    cr_assert(strstr(s->request, "POST /model/anthropic.claude-3/converse-stream HTTP/1.1"), "%s", s->request);
    awsc_output_free(out);
    awsc_bedrock_runtime_client_free(c);
    awsc_error_clear(&err);
    server_stop(s);
}

/*
 * A long stream (AWSC_TEST_STREAM_MIB, default 100 MiB, of 1 KiB events) at full speed: memory
 * stays flat (the process's peak RSS grows by less than 16 MiB), and the events' throughput is
 * printed beside that of the same bytes read raw through libcurl (issue 16's target: 0.8 of it;
 * printed, not asserted: a shared machine's load moves it).
 */
static int count_event(void *user, const awsc_bedrock_runtime_invoke_model_with_response_stream_response *response,
                       const awsc_bedrock_runtime_response_stream *event)
{
    (void)response;
    size_t *n = user;
    *n += event->value.chunk->bytes.len;
    return 0;
}

static int count_bytes(void *user, const uint8_t *data, size_t len)
{
    (void)data;
    *(size_t *)user += len;
    return 0;
}

static double seconds_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double thread_cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

Test(eventstream_client, long_stream_flat_memory)
{
    const char *v = getenv("AWSC_TEST_STREAM_MIB");
    size_t mib = v && atol(v) > 0 ? (size_t)atol(v) : 100;
    server *s = server_new(200, ES_HEADERS);
    /* one event of 1 KiB in all: a base64 JSON payload of 700 bytes' data */
    char payload[1100] = "{\"bytes\":\"";
    size_t at = strlen(payload);
    while (at < 10 + 936)
        payload[at++] = 'A';
    strcpy(payload + at, "\"}");
    add_event(s, "chunk", payload);
    s->events = 0; /* no holds: as fast as it goes */
    size_t per = s->body_len;
    s->repeat = (mib << 20) / per;
    server_start(s);
    awsc_bedrock_runtime_client *c = bedrock(s);
    awsc_bedrock_runtime_invoke_model_with_response_stream_request in = {.model_id = "m", .body = {(const uint8_t *)"{}", 2}};
    awsc_http *h = awsc_http_new(NULL);
    awsc_error err = AWSC_ERROR_INIT;
    long before = peak_rss_kib();
    /*
     * Events and the same bytes raw through libcurl (the runtime's HTTP layer with a counting sink),
     * in turn, three times: the best of each (other work on the machine slows some rounds), in wall
     * time and in this thread's CPU time (what decoding adds, whatever the machine's load).
     */
    double best_events = 1e9, best_raw = 1e9, cpu_events = 1e9, cpu_raw = 1e9;
    for (int round = 0; round < 3; round++) {
        size_t data = 0;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        double c0 = thread_cpu_seconds();
        int rc = awsc_bedrock_runtime_invoke_model_with_response_stream(c, &in, NULL, count_event, &data, &err);
        double cpu = thread_cpu_seconds() - c0, wall = seconds_since(&t0);
        cr_assert_eq(rc, AWSC_OK, "%s", err.message);
        cr_assert_eq(data, s->repeat * 702, "%zu", data);
        best_events = wall < best_events ? wall : best_events;
        cpu_events = cpu < cpu_events ? cpu : cpu_events;

        awsc_http_request req = {.method = "GET", .url = s->url, .sink = count_bytes};
        size_t raw = 0;
        req.sink_user = &raw;
        awsc_http_response resp = {0};
        clock_gettime(CLOCK_MONOTONIC, &t0);
        c0 = thread_cpu_seconds();
        cr_assert_eq(awsc_http_send(h, &req, &resp, &err), AWSC_OK, "%s", err.message);
        cpu = thread_cpu_seconds() - c0, wall = seconds_since(&t0);
        cr_assert_eq(raw, s->repeat * per);
        awsc_http_response_free(&resp);
        best_raw = wall < best_raw ? wall : best_raw;
        cpu_raw = cpu < cpu_raw ? cpu : cpu_raw;
    }
    long grown = peak_rss_kib() - before;
#ifdef UNDER_ASAN
    (void)grown; /* ASan's quarantine keeps freed blocks (up to 256 MiB): peak RSS says nothing there */
#else
    cr_assert_lt(grown, 16 * 1024, "peak RSS grew by %ld KiB over a %zu MiB stream", grown, mib);
#endif
    awsc_http_free(h);
    awsc_bedrock_runtime_client_free(c);
    double total = (double)(s->repeat * per) / 1048576.0;
    printf("eventstream-throughput: %.0f MiB of %zu-byte events: %.0f MiB/s as events, %.0f MiB/s raw, ratio %.2f "
           "(best of 3; client CPU %.0f vs %.0f ms, ratio %.2f); peak RSS +%ld KiB\n",
           total, per, total / best_events, total / best_raw, best_raw / best_events, cpu_events * 1e3, cpu_raw * 1e3,
           cpu_raw / cpu_events, grown);
    fflush(stdout);
    awsc_error_clear(&err);
    server_stop(s);
}

/* ---- Kinesis: awsJson1_1, the initial response as an event ---------------- */

typedef struct kgot {
    server *srv;
    int events;
    char text[1024];
} kgot;

static int on_shard(void *user, const awsc_kinesis_subscribe_to_shard_output *response,
                    const awsc_kinesis_subscribe_to_shard_event_stream *event)
{
    kgot *g = user;
    (void)response;
    g->events++;
    size_t at = strlen(g->text);
    if (event->type == AWSC_KINESIS_SUBSCRIBE_TO_SHARD_EVENT_STREAM_SUBSCRIBE_TO_SHARD_EVENT) {
        const awsc_kinesis_subscribe_to_shard_event *e = event->value.subscribe_to_shard_event;
        at += (size_t)snprintf(g->text + at, sizeof g->text - at, "%s %lld:", e->continuation_sequence_number,
                               (long long)e->millis_behind_latest);
        for (size_t i = 0; i < e->records.count && at < sizeof g->text; i++)
            at += (size_t)snprintf(g->text + at, sizeof g->text - at, " %s=%.*s", e->records.items[i].partition_key,
                                   (int)e->records.items[i].data.len, (const char *)e->records.items[i].data.data);
        snprintf(g->text + at, sizeof g->text - at, ";");
    }
    atomic_store(&g->srv->seen, g->events);
    return 0;
}

Test(eventstream_client, kinesis_subscribe_to_shard)
{
    server *s = server_new(200, "Content-Type: application/vnd.amazon.eventstream\r\n");
    add_event(s, "initial-response", "{}");
    s->uncounted = 1; /* the initial response is not an event the callback sees */
    add_event(s, "SubscribeToShardEvent",
              "{\"Records\":[{\"SequenceNumber\":\"1\",\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"p1\","
              "\"ApproximateArrivalTimestamp\":1.7E9}],\"ContinuationSequenceNumber\":\"2\",\"MillisBehindLatest\":0}");
    add_event(s, "SubscribeToShardEvent",
              "{\"Records\":[],\"ContinuationSequenceNumber\":\"3\",\"MillisBehindLatest\":5}");
    server_start(s);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = s->url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.request_timeout_ms = timeout_ms() * 3;
    awsc_kinesis_client *c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_kinesis_client_new(&cfg, &c, &err), AWSC_OK, "%s", err.message);
    awsc_kinesis_subscribe_to_shard_input in = {
        .consumer_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1",
        .shard_id = "shardId-000000000000",
        .starting_position = &(awsc_kinesis_starting_position){.type = AWSC_KINESIS_SHARD_ITERATOR_TYPE_LATEST}};
    kgot g = {.srv = s};
    awsc_kinesis_subscribe_to_shard_output *out = NULL;
    int rc = awsc_kinesis_subscribe_to_shard(c, &in, &out, on_shard, &g, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_eq(g.events, 2);
    cr_assert_str_eq(g.text, "2 0: p1=hello;3 5:;");
    cr_assert_not_null(out);
    cr_assert_not(atomic_load(&s->stalled));
    cr_assert(strstr(s->request, "X-Amz-Target: Kinesis_20131202.SubscribeToShard"), "%s", s->request);
    awsc_output_free(out);
    awsc_kinesis_client_free(c);
    awsc_error_clear(&err);
    server_stop(s);
}

/* ---- S3 SelectObjectContent: restXml, payloads that are raw bytes or XML documents ---- */

static int on_select(void *user, const awsc_s3_select_object_content_output *response,
                     const awsc_s3_select_object_content_event_stream *ev)
{
    got *g = user;
    (void)response;
    g->events++;
    size_t at = strlen(g->text);
    char *o = g->text + at;
    size_t room = sizeof g->text - at;
    if (ev->type == AWSC_S3_SELECT_OBJECT_CONTENT_EVENT_STREAM_RECORDS)
        snprintf(o, room, "records(%.*s)", (int)ev->value.records->payload.len,
                 (const char *)ev->value.records->payload.data);
    else if (ev->type == AWSC_S3_SELECT_OBJECT_CONTENT_EVENT_STREAM_STATS && ev->value.stats->details)
        snprintf(o, room, "stats(%lld,%lld,%lld)", (long long)ev->value.stats->details->bytes_scanned,
                 (long long)ev->value.stats->details->bytes_processed,
                 (long long)ev->value.stats->details->bytes_returned);
    else
        snprintf(o, room, "type%d", (int)ev->type);
    atomic_store(&g->srv->seen, g->events);
    return 0;
}

Test(eventstream_client, s3_select_object_content)
{
    server *s = server_new(200, "Content-Type: application/octet-stream\r\n");
    const char *records[] = {":message-type", "event", ":event-type", "Records", ":content-type",
                             "application/octet-stream"};
    add_message(s, records, 3, "a,1\nb,2\n");
    const char *stats[] = {":message-type", "event", ":event-type", "Stats", ":content-type", "text/xml"};
    add_message(s, stats, 3,
                "<Stats xmlns=\"\"><BytesScanned>100</BytesScanned><BytesProcessed>90</BytesProcessed>"
                "<BytesReturned>8</BytesReturned></Stats>");
    const char *end[] = {":message-type", "event", ":event-type", "End"};
    add_message(s, end, 2, "");
    server_start(s);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = s->url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.request_timeout_ms = timeout_ms() * 3;
    awsc_s3_client *c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_client_new(&cfg, &c, &err), AWSC_OK, "%s", err.message);
    awsc_s3_select_object_content_request in = {
        .bucket = "bucket", .key = "data.csv", .expression = "select * from s3object",
        .expression_type = AWSC_S3_EXPRESSION_TYPE_SQL,
        .input_serialization = &(awsc_s3_input_serialization){.csv = &(awsc_s3_csv_input){.comments = "#"}},
        .output_serialization = &(awsc_s3_output_serialization){.csv = &(awsc_s3_csv_output){.record_delimiter = "\n"}}};
    got g = {.srv = s};
    awsc_s3_select_object_content_output *out = NULL;
    int rc = awsc_s3_select_object_content(c, &in, &out, on_select, &g, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_str_eq(g.text, "records(a,1\nb,2\n)stats(100,90,8)type5");
    cr_assert_not(atomic_load(&s->stalled));
    cr_assert(strstr(s->request, "?select&select-type=2"), "%s", s->request);
    cr_assert(strstr(s->request, "<Expression>select * from s3object</Expression>"), "%s", s->request);
    awsc_output_free(out);
    awsc_s3_client_free(c);
    awsc_error_clear(&err);
    server_stop(s);
}

/* The typed asynchronous wrapper: the event union and the initial response as their own types. */
typedef struct typed_async {
    int events, done_calls, status;
    char text[256];
    char content_type[64];
    server *srv;
    int stop_after;
} typed_async;

static int on_select_async(void *user, const awsc_s3_select_object_content_output *response,
                           const awsc_s3_select_object_content_event_stream *ev)
{
    typed_async *t = user;
    (void)response;
    t->events++;
    size_t at = strlen(t->text);
    if (ev->type == AWSC_S3_SELECT_OBJECT_CONTENT_EVENT_STREAM_RECORDS)
        snprintf(t->text + at, sizeof t->text - at, "records(%.*s)", (int)ev->value.records->payload.len,
                 (const char *)ev->value.records->payload.data);
    else
        snprintf(t->text + at, sizeof t->text - at, "%s",
                 ev->type == AWSC_S3_SELECT_OBJECT_CONTENT_EVENT_STREAM_END ? "end" : "other");
    atomic_store(&t->srv->seen, t->events);
    return t->stop_after && t->events >= t->stop_after;
}

static void on_select_done(void *user, int status, awsc_s3_select_object_content_output *output, const awsc_error *err)
{
    typed_async *t = user;
    t->done_calls++;
    t->status = status;
    snprintf(t->content_type, sizeof t->content_type, "%s", status == AWSC_OK ? (output ? "output" : "none") : err->message);
    awsc_s3_select_object_content_output_free(output);
}

static awsc_s3_client *s3_client(server *s)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = s->url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.request_timeout_ms = timeout_ms() * 3;
    awsc_s3_client *c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_client_new(&cfg, &c, &err), AWSC_OK, "%s", err.message);
    return c;
}

static const awsc_s3_select_object_content_request select_in = {
    .bucket = "bucket", .key = "data.csv", .expression = "select * from s3object",
    .expression_type = AWSC_S3_EXPRESSION_TYPE_SQL,
    .input_serialization = &(awsc_s3_input_serialization){.csv = &(awsc_s3_csv_input){.comments = "#"}},
    .output_serialization = &(awsc_s3_output_serialization){.csv = &(awsc_s3_csv_output){.record_delimiter = "\n"}}};

Test(eventstream_client, typed_async_events)
{
    server *s = server_new(200, "Content-Type: application/octet-stream\r\n");
    const char *records[] = {":message-type", "event", ":event-type", "Records", ":content-type",
                             "application/octet-stream"};
    add_message(s, records, 3, "a,1\n");
    add_message(s, records, 3, "b,2\n");
    const char *end[] = {":message-type", "event", ":event-type", "End"};
    add_message(s, end, 2, "");
    server_start(s);
    awsc_s3_client *c = s3_client(s);
    typed_async t = {.srv = s};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_select_object_content_async(c, &select_in, on_select_async, on_select_done, &t, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_eq(t.events, 0); /* nothing happens until the client runs */
    cr_assert_eq(awsc_s3_client_run(c, (int)timeout_ms() * 3), 0);
    cr_assert_eq(t.done_calls, 1);
    cr_assert_eq(t.status, AWSC_OK, "%s", t.content_type);
    cr_assert_str_eq(t.content_type, "output");
    cr_assert_str_eq(t.text, "records(a,1\n)records(b,2\n)end");
    cr_assert_not(atomic_load(&s->stalled), "an event was held back until the stream ended");
    cr_assert(strstr(s->request, "POST /bucket/data.csv?select&select-type=2"), "%s", s->request);
    /* NULL callbacks are refused before anything is sent */
    int before = atomic_load(&s->requests);
    cr_assert_eq(awsc_s3_select_object_content_async(c, &select_in, NULL, on_select_done, &t, &err), AWSC_E_CONFIG);
    cr_assert_eq(awsc_s3_select_object_content_async(c, &select_in, on_select_async, NULL, &t, &err), AWSC_E_CONFIG);
    cr_assert_eq(atomic_load(&s->requests), before);
    awsc_s3_client_free(c);
    awsc_error_clear(&err);
    server_stop(s);
}

/* Stopped by the event callback, and failed by an error event: `done` says which, once. */
static server *records_server(bool with_error)
{
    server *s = server_new(200, "Content-Type: application/octet-stream\r\n");
    const char *records[] = {":message-type", "event", ":event-type", "Records", ":content-type",
                             "application/octet-stream"};
    add_message(s, records, 3, "a,1\n");
    add_message(s, records, 3, "b,2\n");
    const char *error[] = {":message-type", "error", ":error-code", "InternalError", ":error-message", "it broke"};
    if (with_error)
        add_message(s, error, 3, "");
    server_start(s);
    return s;
}

Test(eventstream_client, typed_async_stop_and_error)
{
    server *s = records_server(false);
    awsc_s3_client *c = s3_client(s);
    typed_async stopped = {.srv = s, .stop_after = 1};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_select_object_content_async(c, &select_in, on_select_async, on_select_done, &stopped, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_s3_client_run(c, (int)timeout_ms() * 3), 0);
    cr_assert_eq(stopped.done_calls, 1);
    cr_assert_eq(stopped.status, AWSC_OK, "%s", stopped.content_type);
    cr_assert_str_eq(stopped.text, "records(a,1\n)");
    awsc_s3_client_free(c);
    server_stop(s);

    s = records_server(true);
    c = s3_client(s);
    typed_async failed = {.srv = s};
    cr_assert_eq(awsc_s3_select_object_content_async(c, &select_in, on_select_async, on_select_done, &failed, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_s3_client_run(c, (int)timeout_ms() * 3), 0);
    cr_assert_eq(failed.done_calls, 1);
    cr_assert_eq(failed.status, AWSC_E_SERVICE);
    cr_assert_str_eq(failed.content_type, "it broke");
    cr_assert_str_eq(failed.text, "records(a,1\n)records(b,2\n)");
    awsc_s3_client_free(c);
    awsc_error_clear(&err);
    server_stop(s);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    printf("eventstream-client: %zu passed, %zu skipped, %zu failed\n", stats->tests_passed, stats->tests_skipped,
           stats->tests_failed + stats->tests_crashed);
    fflush(stdout);
}
