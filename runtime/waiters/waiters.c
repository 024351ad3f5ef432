/*
 * libawsc-waiters: the one engine behind every generated
 * <prefix>_wait_until_<waiter>() and `awsc <service> wait`. It calls the
 * waiter's operation, runs the acceptors of its descriptor (schema.h) over
 * the result - JMESPath paths over the output written as JSON with the model's
 * member names and epoch-second timestamps (Smithy's data model for waiters),
 * parsed by libawsc-jmespath - and sleeps between attempts as the Smithy
 * specification's backoff says.
 */
#include "serde/json/json.h"
#include "util/buf.h"
#include "util/error.h"

#include <awsc/jmespath.h>
#include <awsc/waiters.h>

#include <ctype.h>
#include <math.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The longest wait accepted: a year (the milliseconds fit any int64_t arithmetic below). */
#define MAX_WAIT_SECONDS (366u * 24u * 3600u)
/* A canceled waiter notices within this much of a delay. */
#define CANCEL_SLICE_MS 200

static int64_t real_now_ms(void *user)
{
    (void)user;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void real_sleep_ms(void *user, long ms)
{
    (void)user;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static double real_random01(void *user)
{
    (void)user;
    uint64_t r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        return 0.5; /* jitter is not a secret: the middle of the range will do */
    return (double)(r >> 11) / 9007199254740992.0;
}

int64_t awsc_waiter_delay_ms(uint32_t attempt, uint32_t min_delay, uint32_t max_delay, int64_t remaining_ms, double r)
{
    if (min_delay < 1)
        min_delay = 1;
    if (max_delay < min_delay)
        max_delay = min_delay;
    /* attemptCeiling = log(maxDelay / minDelay) / log(2) + 1: past it, 2^(attempt-1) only overflows. */
    double ceiling = log((double)max_delay / min_delay) / log(2.0) + 1;
    uint64_t delay = max_delay;
    if (attempt >= 1 && attempt <= ceiling && attempt < 32) {
        delay = (uint64_t)min_delay << (attempt - 1);
        if (delay > max_delay)
            delay = max_delay;
    }
    if (!(r >= 0 && r < 1))
        r = 0;
    /* random(minDelay, delay), both inclusive, in whole seconds as the specification's integers */
    uint64_t pick = min_delay + (uint64_t)(r * (double)(delay - min_delay + 1));
    if (pick > delay)
        pick = delay;
    int64_t ms = (int64_t)pick * 1000;
    if (remaining_ms - ms <= (int64_t)min_delay * 1000)
        ms = remaining_ms > 0 ? remaining_ms : 0; /* one last attempt at the deadline */
    return ms;
}

/* "TableExists" against "TableExists" or "table-exists" (the CLI's kebab case). */
static bool name_matches(const char *name, const char *want)
{
    if (strcmp(name, want) == 0)
        return true;
    const char *w = want;
    for (size_t i = 0; name[i]; i++) {
        if (i && isupper((unsigned char)name[i]) &&
            (islower((unsigned char)name[i - 1]) || isdigit((unsigned char)name[i - 1]) ||
             (name[i + 1] && islower((unsigned char)name[i + 1]) && isupper((unsigned char)name[i - 1])))) {
            if (*w++ != '-')
                return false;
        }
        if (*w++ != tolower((unsigned char)name[i]))
            return false;
    }
    return *w == '\0';
}

const awsc_waiter *awsc_waiter_find(const awsc_service *svc, const char *name)
{
    for (uint32_t i = 0; svc && name && i < svc->waiter_count; i++)
        if (name_matches(svc->waiters[i].name, name))
            return &svc->waiters[i];
    return NULL;
}

/* The state of one attempt, evaluated lazily: the JSON of the input and output, their JMESPath values. */
typedef struct attempt {
    const awsc_service *svc;
    const awsc_operation *op;
    const void *input;
    const void *output;      /* NULL when the call failed */
    const awsc_error *error; /* the call's error when it failed */
    int rc;
    awsc_jmespath_ctx *ctx;
    const awsc_jmespath_value *out_v, *io_v;
    awsc_buf input_json; /* kept across attempts: the input does not change */
} attempt;

static int write_json(awsc_buf *b, const awsc_shape *shape, const void *obj, awsc_error *err)
{
    if (!shape || !obj)
        return awsc_buf_puts(b, "{}") ? awsc_error_nomem(err) : AWSC_OK;
    return awsc_json_write(b, shape, obj, AWSC_JSON_QUERY, false, err);
}

/* The document a path matcher queries: the output, or {"input": ..., "output": ...}. */
static int document(attempt *a, bool with_input, const awsc_jmespath_value **out, awsc_error *err)
{
    const awsc_jmespath_value **slot = with_input ? &a->io_v : &a->out_v;
    if (*slot) {
        *out = *slot;
        return AWSC_OK;
    }
    awsc_buf b = AWSC_BUF_INIT;
    int rc = AWSC_OK;
    if (with_input) {
        if (!a->input_json.len)
            rc = write_json(&a->input_json, a->op->input, a->input, err);
        if (!rc && (awsc_buf_puts(&b, "{\"input\":") || awsc_buf_append(&b, a->input_json.data, a->input_json.len) ||
                    awsc_buf_puts(&b, ",\"output\":")))
            rc = awsc_error_nomem(err);
    }
    if (!rc)
        rc = write_json(&b, a->op->output, a->output, err);
    if (!rc && with_input && awsc_buf_putc(&b, '}'))
        rc = awsc_error_nomem(err);
    if (!rc)
        rc = awsc_jmespath_parse_json(a->ctx, b.data, b.len, slot, err);
    awsc_buf_free(&b);
    *out = *slot;
    return rc;
}

/* Whether a path's result compares as the acceptor says (the specification's four comparators). */
static bool compare(const awsc_waiter_acceptor *acc, const awsc_jmespath_value *v)
{
    const char *want = acc->expected;
    switch (acc->comparator) {
    case AWSC_CMP_STRING_EQUALS:
        return v->type == AWSC_JMESPATH_STRING && strlen(want) == v->u.string.len &&
               memcmp(v->u.string.data, want, v->u.string.len) == 0;
    case AWSC_CMP_BOOLEAN_EQUALS:
        return v->type == AWSC_JMESPATH_BOOL && v->u.boolean == (strcmp(want, "true") == 0);
    case AWSC_CMP_ALL_STRING_EQUALS:
    case AWSC_CMP_ANY_STRING_EQUALS: {
        if (v->type != AWSC_JMESPATH_ARRAY)
            return false;
        bool all = acc->comparator == AWSC_CMP_ALL_STRING_EQUALS;
        size_t n = v->u.array.count;
        if (all && n == 0)
            return false; /* allStringEquals needs at least one value */
        for (size_t i = 0; i < n; i++) {
            const awsc_jmespath_value *item = v->u.array.items[i];
            bool eq = item->type == AWSC_JMESPATH_STRING && strlen(want) == item->u.string.len &&
                      memcmp(item->u.string.data, want, item->u.string.len) == 0;
            if (eq != all)
                return !all;
        }
        return all;
    }
    default:
        return false;
    }
}

/* The name part of an absolute shape id: "com.amazonaws.s3#NotFound" -> "NotFound". */
static const char *shape_name(const char *id)
{
    const char *hash = strrchr(id, '#');
    return hash ? hash + 1 : id;
}

static bool error_matches(const attempt *a, const char *expected)
{
    if (a->rc != AWSC_E_SERVICE)
        return false;
    const char *want = shape_name(expected);
    const awsc_error *e = a->error;
    if (e->code && strcmp(shape_name(e->code), want) == 0)
        return true;
    /* A modeled error whose code the service renamed (awsQueryCompatible's legacy codes). */
    if (e->modeled > 0 && (uint32_t)e->modeled <= a->svc->error_count &&
        strcmp(shape_name(a->svc->errors[e->modeled - 1]->name), want) == 0)
        return true;
    /* A HEAD's 404 has no body to name it: the SDKs call it NotFound (S3 HeadBucket, HeadObject). */
    return !e->code && e->http_status == 404 && strcmp(want, "NotFound") == 0;
}

/* Whether acceptor `acc` matches this attempt; AWSC_OK and *match, or an error (a path that cannot run). */
static int matches(attempt *a, const awsc_waiter_acceptor *acc, bool *match, awsc_error *err)
{
    *match = false;
    switch (acc->matcher) {
    case AWSC_MATCH_SUCCESS:
        *match = (a->rc == AWSC_OK) == (strcmp(acc->expected, "true") == 0);
        return AWSC_OK;
    case AWSC_MATCH_ERROR_TYPE:
        *match = error_matches(a, acc->expected);
        return AWSC_OK;
    case AWSC_MATCH_OUTPUT:
    case AWSC_MATCH_INPUT_OUTPUT: {
        if (a->rc != AWSC_OK)
            return AWSC_OK; /* checked only when the call succeeded */
        const awsc_jmespath_expr *expr = NULL;
        const awsc_jmespath_value *doc = NULL, *v = NULL;
        int rc = awsc_jmespath_compile(a->ctx, acc->path, &expr, err);
        if (!rc)
            rc = document(a, acc->matcher == AWSC_MATCH_INPUT_OUTPUT, &doc, err);
        if (!rc)
            rc = awsc_jmespath_eval(a->ctx, expr, doc, &v, err);
        if (rc == AWSC_E_VALIDATION) {
            /* a function given the wrong type by this output: no match, as the SDKs' evaluators do */
            awsc_error_clear(err);
            return AWSC_OK;
        }
        if (!rc)
            *match = compare(acc, v);
        return rc;
    }
    default:
        return awsc_error_set(err, AWSC_E_INTERNAL, "unknown waiter matcher %d", acc->matcher);
    }
}

/* Describes the acceptor that matched, for the failure's message (as the AWS CLI words it). */
static void describe(awsc_buf *b, const awsc_waiter_acceptor *acc, const attempt *a)
{
    switch (acc->matcher) {
    case AWSC_MATCH_OUTPUT:
    case AWSC_MATCH_INPUT_OUTPUT:
        awsc_buf_printf(b, "For expression \"%s\" we matched expected path: \"%s\"%s", acc->path, acc->expected,
                        acc->comparator == AWSC_CMP_ANY_STRING_EQUALS ? " at least once" : "");
        break;
    case AWSC_MATCH_ERROR_TYPE:
        awsc_buf_printf(b, "Matched expected service error code: %s", acc->expected);
        break;
    default:
        awsc_buf_printf(b, "Matched expected %s", a->rc == AWSC_OK ? "success" : "error");
        break;
    }
}

/*
 * The waiter's final error: the last call's own error (code, status, detail)
 * when it failed, with `status` and a message that starts "Waiter NAME failed: ".
 */
static int finish(awsc_error *err, awsc_error *last, int last_rc, int status, const awsc_waiter *w,
                  const awsc_buf *reason)
{
    err = awsc_error_target(err);
    awsc_error_clear(err);
    awsc_buf m = AWSC_BUF_INIT;
    int rc = awsc_buf_printf(&m, "Waiter %s failed: %.*s", w->name, (int)reason->len, reason->data ? reason->data : "");
    if (!rc && last_rc != AWSC_OK)
        rc = awsc_buf_printf(&m, "%s%s%s%s", reason->len ? " (last error: " : "", last->code ? last->code : "",
                             last->code ? ": " : "", last->message ? last->message : awsc_status_str(last_rc)) ||
             (reason->len && awsc_buf_putc(&m, ')'));
    if (rc) {
        awsc_buf_free(&m);
        return awsc_error_nomem(err);
    }
    *err = *last;
    *last = (awsc_error)AWSC_ERROR_INIT;
    free(err->message);
    err->message = awsc_buf_take(&m);
    err->status = (awsc_status)status;
    return status;
}

int awsc_waiter_wait(awsc_client *c, const awsc_service *svc, const awsc_waiter *w, const void *input,
                     const awsc_waiter_options *o, void **output, awsc_error *err)
{
    if (output)
        *output = NULL;
    if (!c || !svc || !w || !w->operation || !o)
        return awsc_error_set(err, AWSC_E_VALIDATION, "awsc_waiter_wait: client, service, waiter and options are required");
    uint32_t min = o->min_delay ? o->min_delay : w->min_delay;
    uint32_t max = o->max_delay ? o->max_delay : w->max_delay;
    if (o->max_wait_seconds == 0 || o->max_wait_seconds > MAX_WAIT_SECONDS)
        return awsc_error_set(err, AWSC_E_VALIDATION, "waiter %s: max_wait_seconds must be 1 to %u, got %u", w->name,
                              MAX_WAIT_SECONDS, o->max_wait_seconds);
    if (min < 1 || max < 1 || min > max || max > MAX_WAIT_SECONDS)
        return awsc_error_set(err, AWSC_E_VALIDATION,
                              "waiter %s: the delays must be at least 1 second with min_delay <= max_delay, got %u and %u",
                              w->name, min, max);
    if (o->attempts)
        *o->attempts = 0;
    int64_t (*now_ms)(void *) = o->now_ms ? o->now_ms : real_now_ms;
    void (*sleep_ms)(void *, long) = o->sleep_ms ? o->sleep_ms : real_sleep_ms;
    double (*random01)(void *) = o->random01 ? o->random01 : real_random01;

    /* Every path compiles before anything is sent: a bad one is the descriptor's bug, not the resource's state. */
    awsc_jmespath_ctx *check = awsc_jmespath_ctx_new(0);
    if (!check)
        return awsc_error_nomem(err);
    for (uint32_t i = 0; i < w->acceptor_count; i++) {
        const awsc_jmespath_expr *expr;
        awsc_error cerr = AWSC_ERROR_INIT;
        if (w->acceptors[i].path && awsc_jmespath_compile(check, w->acceptors[i].path, &expr, &cerr) != AWSC_OK) {
            awsc_jmespath_ctx_free(check);
            awsc_error_set(err, AWSC_E_INTERNAL, "waiter %s: acceptor %u's path does not compile: %s", w->name, i + 1,
                           cerr.message ? cerr.message : "");
            awsc_error_clear(&cerr);
            return AWSC_E_INTERNAL;
        }
    }
    awsc_jmespath_ctx_free(check);

    int64_t deadline = now_ms(o->user) + (int64_t)o->max_wait_seconds * 1000;
    attempt a = {.svc = svc, .op = w->operation, .input = input, .input_json = AWSC_BUF_INIT};
    awsc_error last = AWSC_ERROR_INIT;
    void *out = NULL;
    int last_rc = AWSC_OK, status = AWSC_OK;
    awsc_buf reason = AWSC_BUF_INIT;
    bool final_attempt = false;
    for (uint32_t n = 1;; n++) {
        if (o->cancel && o->cancel(o->user)) {
            awsc_buf_printf(&reason, "canceled after %u attempts", n - 1);
            status = AWSC_E_WAITER_TIMEOUT;
            break;
        }
        awsc_output_free(out);
        out = NULL;
        awsc_error_clear(&last);
        last_rc = awsc_client_invoke(c, w->operation, input, &out, &last);
        if (o->attempts)
            *o->attempts = n;
        if (last_rc == AWSC_E_VALIDATION || last_rc == AWSC_E_CONFIG || last_rc == AWSC_E_NOMEM ||
            last_rc == AWSC_E_INTERNAL) {
            /* the caller's input or setup, not the resource's state: as the call reports it */
            status = last_rc;
            break;
        }
        a.output = last_rc == AWSC_OK ? out : NULL;
        a.error = &last;
        a.rc = last_rc;
        a.out_v = a.io_v = NULL;
        if (!(a.ctx = awsc_jmespath_ctx_new(0))) {
            status = AWSC_E_NOMEM;
            break;
        }
        awsc_error merr = AWSC_ERROR_INIT;
        int state = 0;
        const awsc_waiter_acceptor *hit = NULL;
        for (uint32_t i = 0; i < w->acceptor_count && !state; i++) {
            bool match = false;
            if (matches(&a, &w->acceptors[i], &match, &merr) != AWSC_OK) {
                state = -1;
                break;
            }
            if (match)
                hit = &w->acceptors[i], state = hit->state;
        }
        if (state == AWSC_WAITER_FAILURE && hit->message && a.rc == AWSC_OK) {
            /* the acceptor's own words for the failure, a string or strings */
            const awsc_jmespath_expr *expr;
            const awsc_jmespath_value *doc, *v;
            awsc_error ignored = AWSC_ERROR_INIT;
            if (!awsc_jmespath_compile(a.ctx, hit->message, &expr, &ignored) &&
                !document(&a, false, &doc, &ignored) && !awsc_jmespath_eval(a.ctx, expr, doc, &v, &ignored)) {
                char *text = v->type == AWSC_JMESPATH_STRING ? NULL : awsc_jmespath_to_json(v, NULL);
                awsc_buf_printf(&reason, "%s: ", text ? text : v->u.string.data);
                free(text);
            }
            awsc_error_clear(&ignored);
        }
        if (hit)
            describe(&reason, hit, &a);
        awsc_jmespath_ctx_free(a.ctx);
        a.ctx = NULL;
        if (state == -1) {
            awsc_buf_free(&reason);
            awsc_error_clear(&last);
            awsc_output_free(out);
            awsc_buf_free(&a.input_json);
            awsc_error *e = awsc_error_target(err);
            awsc_error_clear(e);
            *e = merr;
            return e->status;
        }
        awsc_error_clear(&merr);
        if (state == AWSC_WAITER_SUCCESS) {
            status = AWSC_OK;
            break;
        }
        if (state == AWSC_WAITER_FAILURE) {
            status = AWSC_E_WAITER_FAILED;
            break;
        }
        if (!state && last_rc != AWSC_OK) {
            status = AWSC_E_WAITER_FAILED; /* an error no acceptor expected */
            break;
        }
        awsc_buf_free(&reason); /* retry */
        int64_t remaining = deadline - now_ms(o->user);
        if (final_attempt || remaining <= 0) {
            awsc_buf_printf(&reason, "Max wait time of %u seconds exceeded after %u attempts", o->max_wait_seconds, n);
            status = AWSC_E_WAITER_TIMEOUT;
            break;
        }
        int64_t delay = awsc_waiter_delay_ms(n, min, max, remaining, random01(o->user));
        final_attempt = delay >= remaining;
        for (int64_t slept = 0; slept < delay;) {
            long slice = (long)(delay - slept);
            if (o->cancel && slice > CANCEL_SLICE_MS)
                slice = CANCEL_SLICE_MS;
            sleep_ms(o->user, slice);
            slept += slice;
            if (o->cancel && o->cancel(o->user))
                break; /* noticed at the top of the loop */
        }
    }
    awsc_buf_free(&a.input_json);
    if (status == AWSC_OK) {
        awsc_error_clear(&last);
        awsc_error_ok(err);
    } else if (status == AWSC_E_WAITER_FAILED || status == AWSC_E_WAITER_TIMEOUT) {
        status = finish(err, &last, last_rc, status, w, &reason);
    } else if (status == AWSC_E_NOMEM) {
        awsc_error_clear(&last);
        awsc_error_nomem(err);
    } else {
        awsc_error *e = awsc_error_target(err);
        awsc_error_clear(e);
        *e = last;
    }
    awsc_buf_free(&reason);
    if (output && (status == AWSC_OK || status == AWSC_E_WAITER_FAILED || status == AWSC_E_WAITER_TIMEOUT))
        *output = out;
    else
        awsc_output_free(out);
    return status;
}
