/*
 * Input event streams end to end: Bedrock runtime's
 * InvokeModelWithBidirectionalStream (restJson1, eventStreamHttp h2; its
 * events are JSON documents) and Transcribe streaming's
 * StartStreamTranscription (an @eventPayload blob, input members in HTTP
 * headers), generated from the official models, against h2_peer.js — a node HTTP/2 server over
 * cleartext that verifies every message's chained signature on its own and
 * echoes each event back as an output event. Checks the round trip (each next
 * event sent only after the previous answer arrived), an event ready only
 * after the source twice had nothing (the upload pauses, and with no answer
 * due only the periodic ask brings the source back), a wrong
 * secret (the peer refuses: InvalidSignatureException), and a failing source
 * callback (the call ends with a clear error). The same conversations run
 * again without blocking: driven by awsc_client_run, and by a poll() loop on
 * the socket and timer callbacks (where only the timer brings a waiting
 * source back). Skips visibly without node.
 * Prints "eventstream-input: P passed, S skipped, F failed".
 */
#include <awsc/bedrock_runtime.h>
#include <awsc/transcribe_streaming.h>

#include "test_poll_loop.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int passed, skipped, failed;

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "FAIL %s:%d (%s): ", __func__, __LINE__, mode_names[current_mode]);                                                       \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
            failed++;                                                                                                  \
            return;                                                                                                    \
        }                                                                                                              \
    } while (0)

static char url[64];

/* How a call is made: blocking, or started and then driven by awsc_client_run or by a poll() loop. */
typedef enum mode { BLOCKING, ASYNC_RUN, ASYNC_POLL } mode;
static const char *const mode_names[] = {"blocking", "async, client_run", "async, poll loop"};
static mode current_mode; /* for the failure lines */

static long timeout_ms(void)
{
    const char *v = getenv("AWSC_TEST_TIMEOUT_MS");
    return v && atol(v) > 0 ? atol(v) : 20000;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static awsc_bedrock_runtime_client *client(const char *secret)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = secret;
    cfg.request_timeout_ms = timeout_ms();
    cfg.max_attempts = 1;
    awsc_bedrock_runtime_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_bedrock_runtime_client_new(&cfg, &c, &err) != AWSC_OK)
        fprintf(stderr, "client: %s\n", err.message);
    awsc_error_clear(&err);
    return c;
}

/* ---- the conversation ---------------------------------------------------- */

typedef struct talk {
    int events;       /* to send */
    int sent, answers;
    int fail_at;      /* > 0: the source fails when asked for this event (1-based) */
    int not_ready;    /* times the source has nothing before its first event: only the periodic ask comes back */
    int waits;        /* times the source had nothing yet */
    char text[8][32];
    awsc_bedrock_runtime_bidirectional_input_payload_part part;
    char replies[8][96];
    char last[96];
    /* a call without blocking: how it ended (its done callback) */
    bool finished;
    int status;
    awsc_error err;
} talk;

static int next_event(void *user, awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_input *event, bool *done)
{
    talk *t = user;
    if (t->fail_at && t->sent + 1 == t->fail_at)
        return -7;
    if (t->sent == t->events) {
        *done = t->answers == t->events; /* end once every event was answered */
        if (!*done)
            t->waits++;
        return 0;
    }
    /* A conversation: the next event only after the answer to the previous one. */
    if (t->answers < t->sent || t->not_ready > 0) {
        if (t->answers == t->sent)
            t->not_ready--;
        t->waits++;
        return 0;
    }
    snprintf(t->text[t->sent], sizeof t->text[0], "hello-%d", t->sent);
    t->part.bytes = (awsc_blob){(const uint8_t *)t->text[t->sent], strlen(t->text[t->sent])};
    event->type = AWSC_BEDROCK_RUNTIME_INVOKE_MODEL_WITH_BIDIRECTIONAL_STREAM_INPUT_CHUNK;
    event->value.chunk = &t->part;
    t->sent++;
    return 0;
}

static int on_event(void *user, const awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_response *response,
                    const awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_output *event)
{
    talk *t = user;
    (void)response;
    if (event->type != AWSC_BEDROCK_RUNTIME_INVOKE_MODEL_WITH_BIDIRECTIONAL_STREAM_OUTPUT_CHUNK)
        return 1;
    const awsc_blob *b = &event->value.chunk->bytes;
    char *to = t->answers < 8 && t->answers < t->sent ? t->replies[t->answers++] : t->last;
    snprintf(to, sizeof t->last, "%.*s", (int)b->len, (const char *)b->data);
    return 0;
}

static void on_done(void *user, int status, awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_response *out,
                    const awsc_error *err)
{
    talk *t = user;
    t->finished = true;
    t->status = status;
    if (err) { /* valid during the callback only: the fields the checks read are copied */
        t->err.status = err->status;
        t->err.http_status = err->http_status;
        t->err.message = err->message ? strdup(err->message) : NULL;
        t->err.code = err->code ? strdup(err->code) : NULL;
    }
    awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_response_free(out);
}

static awsc_test_loop poll_loop;

/* Drives the client's calls until none is in flight or the test's time is up. */
static void drive(awsc_client *base, mode how)
{
    double deadline = now_ms() + timeout_ms();
    if (how == ASYNC_RUN) {
        while (awsc_client_in_flight(base) > 0 && now_ms() < deadline)
            awsc_client_run(base, 100);
        return;
    }
    /* No wait without a timer: a waiting source must be brought back by the timer alone. */
    while (awsc_client_in_flight(base) > 0 && now_ms() < deadline)
        awsc_test_loop_turn(&poll_loop, base, 100000);
}

static int run_as(mode how, const char *secret, talk *t, awsc_error *err)
{
    awsc_bedrock_runtime_client *c = client(secret);
    if (!c)
        return -1;
    awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_request in = {.model_id = "amazon.nova-sonic-v1:0"};
    int rc;
    if (how == BLOCKING) {
        awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_response *out = NULL;
        rc = awsc_bedrock_runtime_invoke_model_with_bidirectional_stream(c, &in, &out, next_event, on_event, t, err);
        awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_response_free(out);
    } else {
        awsc_client *base = awsc_bedrock_runtime_client_base(c);
        if (how == ASYNC_POLL)
            awsc_test_loop_attach(&poll_loop, base);
        rc = awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_async(c, &in, next_event, on_event, on_done,
                                                                               t, err);
        if (rc == AWSC_OK) {
            drive(base, how);
            if (!t->finished)
                rc = -2; /* still in flight when the test's time ran out: the checks say so */
            else if ((rc = t->status) != AWSC_OK) { /* the error as the blocking call returns it */
                awsc_error_clear(err);
                *err = t->err;
                t->err = (awsc_error)AWSC_ERROR_INIT;
            }
        }
    }
    awsc_bedrock_runtime_client_free(c);
    return rc;
}

static void round_trip(mode how)
{
    talk t = {.events = 3};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = run_as(how, "peer-secret", &t, &err);
    CHECK(rc == AWSC_OK, "rc %d: %s", rc, err.message ? err.message : "");
    CHECK(t.sent == 3 && t.answers == 3, "sent %d, answered %d", t.sent, t.answers);
    for (int i = 0; i < 3; i++) {
        char want[64];
        snprintf(want, sizeof want, "echo event chunk application/json hello-%d", i);
        CHECK(strcmp(t.replies[i], want) == 0, "answer %d: \"%s\"", i, t.replies[i]);
    }
    CHECK(strcmp(t.last, "verified 4") == 0, "the peer's count: \"%s\" (3 events and the end message)", t.last);
    awsc_error_clear(&err);
    passed++;
}

static void ready_later(mode how)
{
    /* Nothing is due from the peer while the source waits: each ask back is the periodic one. */
    talk t = {.events = 1, .not_ready = 2};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = run_as(how, "peer-secret", &t, &err);
    CHECK(rc == AWSC_OK, "rc %d: %s", rc, err.message ? err.message : "");
    CHECK(t.not_ready == 0 && t.sent == 1, "%d asks still to be answered with nothing, %d sent", t.not_ready, t.sent);
    CHECK(t.answers == 1 && strcmp(t.last, "verified 2") == 0, "answers %d, last \"%s\"", t.answers, t.last);
    awsc_error_clear(&err);
    passed++;
}

static void wrong_secret(mode how)
{
    talk t = {.events = 2};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = run_as(how, "not-the-secret", &t, &err);
    CHECK(rc == AWSC_E_SERVICE, "rc %d: %s", rc, err.message ? err.message : "");
    CHECK(err.code && strcmp(err.code, "InvalidSignatureException") == 0, "code %s", err.code ? err.code : "(none)");
    CHECK(err.http_status == 403, "HTTP %ld", (long)err.http_status);
    CHECK(t.answers == 0, "%d answers to a refused stream", t.answers);
    awsc_error_clear(&err);
    passed++;
}

static void source_fails(mode how)
{
    talk t = {.events = 3, .fail_at = 2};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = run_as(how, "peer-secret", &t, &err);
    CHECK(rc == AWSC_E_VALIDATION, "rc %d: %s", rc, err.message ? err.message : "");
    CHECK(err.message && strstr(err.message, "input event callback failed (it returned -7)"), "message: %s",
          err.message ? err.message : "(none)");
    CHECK(t.sent == 1, "sent %d", t.sent);
    awsc_error_clear(&err);
    passed++;
}

static int untyped_event(void *user, const void *response, const void *event)
{
    (void)user, (void)response, (void)event;
    return 0;
}

static void untyped_done(void *user, int status, void *output, const awsc_error *err)
{
    (void)user, (void)status, (void)err;
    awsc_output_free(output);
}

/* Misuse is refused up front, with what to do instead: no call starts. */
static void misuse(void)
{
    awsc_bedrock_runtime_client *c = client("peer-secret");
    CHECK(c, "no client");
    awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_request in = {.model_id = "m"};
    talk t = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_async(c, &in, NULL, on_event, on_done, &t,
                                                                               &err);
    CHECK(rc == AWSC_E_CONFIG && err.message && strstr(err.message, "needs its next_event callback"), "rc %d: %s",
          rc, err.message ? err.message : "");
    rc = awsc_bedrock_runtime_invoke_model_with_bidirectional_stream_async(c, &in, next_event, NULL, on_done, &t,
                                                                           &err);
    CHECK(rc == AWSC_E_CONFIG && err.message && strstr(err.message, "needs an event callback"), "rc %d: %s", rc,
          err.message ? err.message : "");
    awsc_client *base = awsc_bedrock_runtime_client_base(c);
    const awsc_service *svc = awsc_bedrock_runtime_service();
    const awsc_operation *op = NULL;
    for (uint32_t i = 0; i < svc->operation_count && !op; i++)
        if (strcmp(svc->operations[i].name, "InvokeModelWithBidirectionalStream") == 0)
            op = &svc->operations[i];
    CHECK(op, "no operation");
    rc = awsc_client_invoke_events_async(base, op, &in, untyped_event, untyped_done, &t, &err);
    CHECK(rc == AWSC_E_CONFIG && err.message && strstr(err.message, "awsc_client_invoke_event_stream_async"),
          "rc %d: %s", rc, err.message ? err.message : "");
    CHECK(awsc_client_in_flight(base) == 0 && !t.finished, "a refused call started");
    awsc_bedrock_runtime_client_free(c);
    awsc_error_clear(&err);
    passed++;
}

/* ---- Transcribe: an @eventPayload blob, input members in HTTP headers ----- */

typedef struct audio {
    int sent, answers;
    awsc_transcribe_streaming_audio_event event;
    char transcript[2][96];
    char last[96];
} audio;

static int next_audio(void *user, awsc_transcribe_streaming_audio_stream *event, bool *done)
{
    audio *a = user;
    static const char *const chunks[] = {"pcm-one", "pcm-two"};
    if (a->sent == 2) {
        *done = a->answers == 2;
        return 0;
    }
    a->event.audio_chunk = (awsc_blob){(const uint8_t *)chunks[a->sent], strlen(chunks[a->sent])};
    event->type = AWSC_TRANSCRIBE_STREAMING_AUDIO_STREAM_AUDIO_EVENT;
    event->value.audio_event = &a->event;
    a->sent++;
    return 0;
}

static int on_transcript(void *user, const awsc_transcribe_streaming_start_stream_transcription_response *response,
                         const awsc_transcribe_streaming_transcript_result_stream *event)
{
    audio *a = user;
    (void)response;
    if (event->type != AWSC_TRANSCRIBE_STREAMING_TRANSCRIPT_RESULT_STREAM_TRANSCRIPT_EVENT)
        return 1;
    const awsc_transcribe_streaming_transcript *t = event->value.transcript_event->transcript;
    const char *text = t && t->results.count && t->results.items[0].alternatives.count
                           ? t->results.items[0].alternatives.items[0].transcript
                           : "(none)";
    char *to = a->answers < 2 ? a->transcript[a->answers++] : a->last;
    snprintf(to, sizeof a->last, "%s", text ? text : "(null)");
    return 0;
}

static void transcribe(void)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-west-2";
    cfg.endpoint_url = url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "peer-secret";
    cfg.request_timeout_ms = timeout_ms();
    awsc_transcribe_streaming_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_transcribe_streaming_client_new(&cfg, &c, &err);
    CHECK(rc == AWSC_OK, "client: %s", err.message);
    awsc_transcribe_streaming_start_stream_transcription_request in = {
        .language_code = AWSC_TRANSCRIBE_STREAMING_LANGUAGE_CODE_EN_US,
        .media_sample_rate_hertz = 16000,
        .media_encoding = AWSC_TRANSCRIBE_STREAMING_MEDIA_ENCODING_PCM,
    };
    audio a = {0};
    rc = awsc_transcribe_streaming_start_stream_transcription(c, &in, NULL, next_audio, on_transcript, &a, &err);
    awsc_transcribe_streaming_client_free(c);
    CHECK(rc == AWSC_OK, "rc %d: %s", rc, err.message ? err.message : "");
    CHECK(strcmp(a.transcript[0], "echo event AudioEvent application/octet-stream pcm-one at 16000 Hz") == 0,
          "first: \"%s\"", a.transcript[0]);
    CHECK(strcmp(a.transcript[1], "echo event AudioEvent application/octet-stream pcm-two at 16000 Hz") == 0,
          "second: \"%s\"", a.transcript[1]);
    CHECK(strcmp(a.last, "verified 3") == 0, "the peer's count: \"%s\"", a.last);
    awsc_error_clear(&err);
    passed++;
}

/* ---- the peer ----------------------------------------------------------- */

static pid_t peer_start(int *to_peer)
{
    int out[2], in[2];
    if (pipe(out) || pipe(in))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execlp("node", "node", "tests/eventstream/h2_peer.js", "peer-secret", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    *to_peer = in[1];
    FILE *f = fdopen(out[0], "r");
    char line[64] = "";
    int port = 0;
    if (!f || !fgets(line, sizeof line, f) || sscanf(line, "port %d", &port) != 1) {
        if (f)
            fclose(f);
        close(in[1]);
        waitpid(pid, NULL, 0);
        return -1;
    }
    fclose(f);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    return pid;
}

int main(void)
{
    int to_peer = -1;
    pid_t pid = access("tests/eventstream/h2_peer.js", R_OK) == 0 ? peer_start(&to_peer) : -1;
    if (pid < 0) {
        bool ci = getenv("CI") && strcmp(getenv("CI"), "true") == 0;
        fprintf(stderr, "eventstream-input: node (or tests/eventstream/h2_peer.js) unavailable%s\n",
                ci ? " under CI=true" : ", skipping");
        printf("eventstream-input: 0 passed, 14 skipped, %d failed\n", ci ? 1 : 0);
        return ci ? 1 : 0;
    }
    for (current_mode = BLOCKING; current_mode <= ASYNC_POLL; current_mode++) {
        round_trip(current_mode);
        ready_later(current_mode);
        wrong_secret(current_mode);
        source_fails(current_mode);
    }
    current_mode = BLOCKING;
    misuse();
    transcribe();
    close(to_peer); /* the peer exits when its stdin closes */
    int status;
    waitpid(pid, &status, 0);
    printf("eventstream-input: %d passed, %d skipped, %d failed\n", passed, skipped, failed);
    return failed ? 1 : 0;
}
