/*
 * Non-blocking calls on libcurl's multi interface. Each call runs the same
 * steps as a blocking one (client_internal.h); here the attempts are easy
 * handles in one multi handle per client, so many calls share a bounded pool
 * of keep-alive connections, and a retry waits on a timer instead of a sleep.
 *
 * One thread drives a client's asynchronous calls (awsc_client_run or the
 * socket/timer callbacks); blocking calls may still be made from any thread.
 */
#include "core/client_internal.h"
#include "core/events.h"
#include "util/error.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct async_op {
    struct async_op *next;   /* in the waiting list while a retry's delay runs */
    struct async_op *live_prev, *live_next; /* every op not yet completed, for freeing the client */
    awsc_call call;
    awsc_http_request hreq;
    awsc_http_exchange *x;   /* its response goes into call.resp */
    awsc_typed_done_fn done; /* calls `fn`, converted back to its real type */
    void (*fn)(void);
    void *user;
    awsc_typed_event_fn on_event; /* an event stream's typed callback: calls `event_fn` as done does `fn` */
    void (*event_fn)(void);
    awsc_typed_source_fn next_event; /* an input stream's typed source: calls `source_fn` likewise */
    void (*source_fn)(void);
    bool sends_events;       /* its upload pauses while the source has nothing: poked (poke_sources) */
    awsc_error err;
    void *output;
    int64_t due_ms;
    bool finish_when_due;    /* a long-polling call refused a retry: it reports `result` after its backoff */
    int result;
} async_op;

struct awsc_async {
    CURLM *multi;
    async_op *live;          /* every op not yet completed */
    async_op *waiting;       /* sorted by due time */
    awsc_http_exchange *spare[16]; /* finished exchanges kept for reuse (their easy handles) */
    int spare_count;
    /*
     * Finished ops kept for the next calls: one is over a kilobyte, past malloc's per-thread
     * cache, so a calloc/free per call costs more than the memset that reuse needs.
     */
    async_op *free_ops;
    int free_count;
    int in_flight;           /* calls started and not yet completed */
    int sending;             /* of those, calls whose request body is an input event stream */
    awsc_socket_fn on_socket;
    awsc_timer_fn on_timer;
    void *events_user;
    long curl_timeout_ms;    /* what curl last asked for; -1 none */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * An input event stream whose source had nothing pauses its upload; libcurl's multi interface
 * may leave a paused handle alone, so the loop asks such sources again this often.
 */
enum { SOURCE_POKE_MS = 250 };

/* ---- curl's socket and timer callbacks, forwarded to the user's event loop ---- */

static int curl_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)socketp;
    struct awsc_async *a = userp;
    if (!a->on_socket)
        return 0;
    int events = what == CURL_POLL_REMOVE ? AWSC_POLL_REMOVE
                                          : (what & CURL_POLL_IN ? AWSC_POLL_IN : 0) |
                                                (what & CURL_POLL_OUT ? AWSC_POLL_OUT : 0);
    return a->on_socket(a->events_user, (int)fd, events) == 0 ? 0 : -1;
}

/* The next moment the user's loop must call us: curl's timeout or a retry falling due. */
static void update_timer(struct awsc_async *a)
{
    if (!a->on_timer)
        return;
    long t = a->curl_timeout_ms;
    if (a->sending && (t < 0 || t > SOURCE_POKE_MS))
        t = SOURCE_POKE_MS;
    if (a->waiting) {
        int64_t until = a->waiting->due_ms - now_ms();
        long w = until < 0 ? 0 : (long)until;
        t = t < 0 || w < t ? w : t;
    }
    a->on_timer(a->events_user, t);
}

static int curl_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    struct awsc_async *a = userp;
    a->curl_timeout_ms = timeout_ms;
    update_timer(a);
    return 0;
}

static void async_free(awsc_client *c);

static struct awsc_async *engine(awsc_client *c, awsc_error *err)
{
    if (c->async)
        return c->async;
    struct awsc_async *a = calloc(1, sizeof *a);
    if (!a || !(a->multi = curl_multi_init())) {
        free(a);
        awsc_error_nomem(err);
        return NULL;
    }
    a->curl_timeout_ms = -1;
    curl_multi_setopt(a->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, c->max_connections);
    curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS, c->max_connections);
    /*
     * curl's socket and timer callbacks are set only with the user's (set_event_callbacks):
     * awsc_client_run has no use for them, and a timer callback makes curl work out its next
     * timeout after every step, a few hundred instructions a call.
     */
    c->async = a;
    c->async_free = async_free;
    return a;
}

/* ---- one call ---- */

enum { FREE_OPS_KEPT = 64 }; /* enough for a busy client's calls in flight */

static async_op *op_new(struct awsc_async *a)
{
    async_op *o = a->free_ops;
    if (!o)
        return calloc(1, sizeof *o);
    a->free_ops = o->next;
    a->free_count--;
    /* All but the call, which awsc_call_begin zeroes itself (it is most of the op). */
    size_t after = offsetof(async_op, call) + sizeof o->call;
    memset(o, 0, offsetof(async_op, call));
    memset((char *)o + after, 0, sizeof *o - after);
    return o;
}

/* A finished op back to the free list, or freed when the list is full. */
static void op_release(struct awsc_async *a, async_op *o)
{
    if (a->free_count >= FREE_OPS_KEPT) {
        free(o);
        return;
    }
    o->next = a->free_ops;
    a->free_ops = o;
    a->free_count++;
}

static void finish_op(awsc_client *c, async_op *op, int status)
{
    struct awsc_async *a = c->async;
    a->in_flight--;
    a->sending -= op->sends_events;
    if (op->live_prev)
        op->live_prev->live_next = op->live_next;
    else
        a->live = op->live_next;
    if (op->live_next)
        op->live_next->live_prev = op->live_prev;
    if (op->x && a->spare_count < (int)(sizeof a->spare / sizeof a->spare[0]))
        a->spare[a->spare_count++] = op->x;
    else
        awsc_http_exchange_free(op->x);
    awsc_call_end(&op->call);
    /* The callback owns the output; the error is valid during the callback only. */
    op->done(op->fn, op->user, status, status == AWSC_OK ? op->output : NULL, status == AWSC_OK ? NULL : &op->err);
    awsc_error_clear(&op->err);
    op_release(a, op);
}

/* Sends the op's next attempt; on failure to even start, the call ends with that error. */
static void start_attempt(awsc_client *c, async_op *op)
{
    struct awsc_async *a = c->async;
    int rc = awsc_call_attempt(&op->call, &op->hreq, &op->err);
    if (!rc && !op->x) {
        op->x = a->spare_count ? a->spare[--a->spare_count] : awsc_http_exchange_new();
        if (!op->x)
            rc = awsc_error_nomem(&op->err);
    }
    if (!rc)
        rc = awsc_http_exchange_start_reusing(c->http, op->x, &op->hreq, &op->call.resp, &op->err);
    if (!rc) {
        CURL *easy = awsc_http_exchange_easy(op->x);
        curl_easy_setopt(easy, CURLOPT_PRIVATE, op);
        if (curl_multi_add_handle(a->multi, easy) != CURLM_OK)
            rc = awsc_error_set(&op->err, AWSC_E_INTERNAL, "libcurl refused the transfer");
    }
    if (rc) {
        awsc_call_fail(&op->call, rc, &op->err);
        finish_op(c, op, rc);
    }
}

static void wait_for_retry(struct awsc_async *a, async_op *op, long delay_ms)
{
    op->due_ms = now_ms() + delay_ms;
    async_op **at = &a->waiting;
    while (*at && (*at)->due_ms <= op->due_ms)
        at = &(*at)->next;
    op->next = *at;
    *at = op;
}

static void start_due_retries(awsc_client *c)
{
    struct awsc_async *a = c->async;
    int64_t now = now_ms();
    while (a->waiting && a->waiting->due_ms <= now) {
        async_op *op = a->waiting;
        a->waiting = op->next;
        op->next = NULL;
        if (op->finish_when_due)
            finish_op(c, op, op->result);
        else
            start_attempt(c, op);
    }
}

/* Judges every transfer curl has finished. */
static void collect_done(awsc_client *c)
{
    struct awsc_async *a = c->async;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(a->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode code = msg->data.result;
        async_op *op = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&op);
        curl_multi_remove_handle(a->multi, easy);
        int sent = awsc_http_exchange_finish(c->http, op->x, code, &op->call.resp, &op->err);
        int result = AWSC_OK;
        long delay = 0;
        awsc_call_next next = awsc_call_complete(&op->call, sent, &op->call.resp, &op->output, &result, &delay, &op->err);
        if (next == AWSC_CALL_DONE && delay > 0) {
            op->finish_when_due = true;
            op->result = result;
            wait_for_retry(a, op, delay);
        } else if (next == AWSC_CALL_DONE)
            finish_op(c, op, result);
        else if (delay > 0)
            wait_for_retry(a, op, delay);
        else
            start_attempt(c, op);
    }
    update_timer(a);
}

static void untyped_done(void (*fn)(void), void *user, int status, void *output, const awsc_error *err)
{
    ((awsc_done_fn)fn)(user, status, output, err);
}

int awsc_client_invoke_async(awsc_client *c, const awsc_operation *op, const void *input, awsc_done_fn done,
                             void *user, awsc_error *err)
{
    return awsc_client_invoke_async_typed(c, op, input, untyped_done, (void (*)(void))done, user, err);
}

/* Hands an event to a typed callback (an async_op's on_event / event_fn). */
static int typed_event(void *ctx, const void *response, const void *event)
{
    async_op *o = ctx;
    return o->on_event(o->event_fn, o->user, response, event);
}

/* Asks a typed source for the next input event (an async_op's next_event / source_fn). */
static int typed_source(void *ctx, void *event, bool *done)
{
    async_op *o = ctx;
    return o->next_event(o->source_fn, o->user, event, done);
}

/* Asks the sources of paused uploads again (SOURCE_POKE_MS). */
static void poke_sources(struct awsc_async *a)
{
    for (async_op *o = a->live; o && a->sending; o = o->live_next)
        if (o->sends_events && o->x)
            awsc_http_exchange_poke(o->x);
}

/* What start_call is to run: its event callbacks and source, typed (with their functions) or not. */
typedef struct call_streams {
    awsc_event_fn on_event;
    awsc_typed_event_fn typed_on_event;
    void (*event_fn)(void);
    awsc_event_source_fn next_event;
    awsc_typed_source_fn typed_next_event;
    void (*source_fn)(void);
} call_streams;

/* Starts a call; an event stream's callbacks (`streams`, or NULL) run while the client runs. */
static int start_call(awsc_client *c, const awsc_operation *op, const void *input, awsc_typed_done_fn done,
                      void (*fn)(void), void *user, const call_streams *streams, awsc_error *err)
{
    struct awsc_async *a = engine(c, err);
    if (!a)
        return AWSC_E_NOMEM;
    async_op *o = op_new(a);
    if (!o)
        return awsc_error_nomem(err);
    o->done = done;
    o->fn = fn;
    o->user = user;
    call_streams s = streams ? *streams : (call_streams){0};
    void *event_user = user;
    if (s.typed_on_event || s.typed_next_event) { /* typed: both reach the caller through the op */
        o->on_event = s.typed_on_event;
        o->event_fn = s.event_fn;
        o->next_event = s.typed_next_event;
        o->source_fn = s.source_fn;
        s.on_event = s.typed_on_event ? typed_event : NULL;
        s.next_event = s.typed_next_event ? typed_source : NULL;
        event_user = o;
    }
    o->sends_events = s.next_event != NULL;
    /* Everything from the borrowed input is serialized now: the caller may free it on return. */
    int rc = awsc_call_begin(c, op, input, NULL, NULL, &o->call, err);
    /* An event stream: its engine decodes the body as it arrives and calls on_event while the client runs. */
    if (!rc && (s.on_event || s.next_event))
        rc = op->event_stream->engine->begin(&o->call, s.next_event, s.on_event, event_user, awsc_call_parse_initial,
                                             err);
    if (rc) {
        awsc_call_end(&o->call);
        op_release(a, o);
        return rc;
    }
    a->in_flight++;
    a->sending += o->sends_events;
    o->live_next = a->live;
    if (a->live)
        a->live->live_prev = o;
    a->live = o;
    bool sends = o->sends_events; /* `o` may be finished (and released) by start_attempt */
    start_attempt(c, o);
    if (sends)
        update_timer(a); /* a paused upload needs the loop back within SOURCE_POKE_MS */
    awsc_error_ok(err);
    return AWSC_OK;
}

int awsc_client_invoke_async_typed(awsc_client *c, const awsc_operation *op, const void *input,
                                   awsc_typed_done_fn done, void (*fn)(void), void *user, awsc_error *err)
{
    if (!c || !op || !done || !fn)
        return awsc_error_set(err, AWSC_E_CONFIG, "client, operation and callback must not be NULL");
    if (op->event_stream)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s streams events: call it with awsc_client_invoke_events",
                              op->name);
    return start_call(c, op, input, done, fn, user, NULL, err);
}

int awsc_client_invoke_events_async(awsc_client *c, const awsc_operation *op, const void *input,
                                    awsc_event_fn on_event, awsc_done_fn done, void *user, awsc_error *err)
{
    if (!c || !op || !done || !on_event)
        return awsc_error_set(err, AWSC_E_CONFIG, "client, operation and callbacks must not be NULL");
    const char *why = awsc_output_stream_misuse(op, true, true);
    if (why)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s", op->name, why);
    return start_call(c, op, input, untyped_done, (void (*)(void))done, user, &(call_streams){.on_event = on_event},
                      err);
}

int awsc_client_invoke_events_async_typed(awsc_client *c, const awsc_operation *op, const void *input,
                                          awsc_typed_event_fn on_event, void (*event_fn)(void),
                                          awsc_typed_done_fn done, void (*done_fn)(void), void *user,
                                          awsc_error *err)
{
    if (!c || !op || !on_event || !event_fn || !done || !done_fn)
        return awsc_error_set(err, AWSC_E_CONFIG, "client, operation and callbacks must not be NULL");
    const char *why = awsc_output_stream_misuse(op, true, true);
    if (why)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s", op->name, why);
    return start_call(c, op, input, done, done_fn, user,
                      &(call_streams){.typed_on_event = on_event, .event_fn = event_fn}, err);
}

int awsc_client_invoke_event_stream_async(awsc_client *c, const awsc_operation *op, const void *input,
                                          awsc_event_source_fn next_event, awsc_event_fn on_event,
                                          awsc_done_fn done, void *user, awsc_error *err)
{
    if (!c || !op || !done)
        return awsc_error_set(err, AWSC_E_CONFIG, "client, operation and callback must not be NULL");
    const char *why = awsc_input_stream_misuse(op, next_event, on_event);
    if (why)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s", op->name, why);
    return start_call(c, op, input, untyped_done, (void (*)(void))done, user,
                      &(call_streams){.on_event = on_event, .next_event = next_event}, err);
}

int awsc_client_invoke_event_stream_async_typed(awsc_client *c, const awsc_operation *op, const void *input,
                                                awsc_typed_source_fn next_event, void (*source_fn)(void),
                                                awsc_typed_event_fn on_event, void (*event_fn)(void),
                                                awsc_typed_done_fn done, void (*done_fn)(void), void *user,
                                                awsc_error *err)
{
    if (!c || !op || !done || !done_fn)
        return awsc_error_set(err, AWSC_E_CONFIG, "client, operation and callback must not be NULL");
    const char *why = awsc_input_stream_misuse(op, next_event && source_fn, on_event && event_fn);
    if (why)
        return awsc_error_set(err, AWSC_E_CONFIG, "%s: %s", op->name, why);
    return start_call(c, op, input, done, done_fn, user,
                      &(call_streams){.typed_on_event = on_event, .event_fn = event_fn,
                                      .typed_next_event = next_event, .source_fn = source_fn}, err);
}

int awsc_client_in_flight(awsc_client *c)
{
    return c && c->async ? c->async->in_flight : 0;
}

int awsc_client_run(awsc_client *c, int timeout_ms)
{
    if (!c || !c->async)
        return 0;
    struct awsc_async *a = c->async;
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    while (a->in_flight > 0) {
        start_due_retries(c);
        int running;
        if (curl_multi_perform(a->multi, &running) != CURLM_OK)
            return -1;
        collect_done(c);
        if (a->in_flight == 0)
            break;
        poke_sources(a);
        int64_t now = now_ms();
        if (deadline >= 0 && now >= deadline)
            break;
        long wait = a->sending ? SOURCE_POKE_MS : 1000;
        if (a->waiting)
            wait = a->waiting->due_ms - now < wait ? (long)(a->waiting->due_ms - now) : wait;
        if (deadline >= 0 && deadline - now < wait)
            wait = (long)(deadline - now);
        if (wait > 0 && curl_multi_poll(a->multi, NULL, 0, (int)wait, NULL) != CURLM_OK)
            return -1;
    }
    return a->in_flight;
}

int awsc_client_set_event_callbacks(awsc_client *c, awsc_socket_fn on_socket, awsc_timer_fn on_timer, void *user)
{
    struct awsc_async *a = c ? engine(c, NULL) : NULL;
    if (!a)
        return -1;
    a->on_socket = on_socket;
    a->on_timer = on_timer;
    a->events_user = user;
    if (curl_multi_setopt(a->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb) != CURLM_OK ||
        curl_multi_setopt(a->multi, CURLMOPT_SOCKETDATA, a) != CURLM_OK ||
        curl_multi_setopt(a->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb) != CURLM_OK ||
        curl_multi_setopt(a->multi, CURLMOPT_TIMERDATA, a) != CURLM_OK)
        return -1;
    return 0;
}

int awsc_client_socket_action(awsc_client *c, int fd, int events)
{
    if (!c || !c->async)
        return 0;
    struct awsc_async *a = c->async;
    if (fd < 0) {
        start_due_retries(c);
        poke_sources(a);
    }
    int mask = (events & AWSC_POLL_IN ? CURL_CSELECT_IN : 0) | (events & AWSC_POLL_OUT ? CURL_CSELECT_OUT : 0) |
               (events & AWSC_POLL_ERR ? CURL_CSELECT_ERR : 0);
    int running;
    if (curl_multi_socket_action(a->multi, fd < 0 ? CURL_SOCKET_TIMEOUT : (curl_socket_t)fd, mask, &running) !=
        CURLM_OK)
        return -1;
    collect_done(c);
    return a->in_flight;
}

/* Ends every asynchronous call still in flight (their callbacks say why) and frees the engine. */
static void async_free(awsc_client *c)
{
    struct awsc_async *a = c->async;
    if (!a)
        return;
    /* Calls still in flight end now, each told why. */
    a->waiting = NULL;
    while (a->live) {
        async_op *op = a->live;
        if (op->x)
            curl_multi_remove_handle(a->multi, awsc_http_exchange_easy(op->x));
        awsc_error_set(&op->err, AWSC_E_TRANSPORT, "the client was freed while the call was in flight");
        finish_op(c, op, AWSC_E_TRANSPORT);
    }
    for (int i = 0; i < a->spare_count; i++)
        awsc_http_exchange_free(a->spare[i]);
    while (a->free_ops) {
        async_op *o = a->free_ops;
        a->free_ops = o->next;
        free(o);
    }
    curl_multi_cleanup(a->multi);
    free(a);
    c->async = NULL;
}
