/*
 * The AWS standard retry strategy as pure decisions: which failures are worth
 * another attempt, how long to wait, and the token bucket that stops a client
 * from retrying into an outage.
 */
#ifndef AWSC_RETRY_H
#define AWSC_RETRY_H

#include <pthread.h>
#include <stdbool.h>

#define AWSC_RETRY_DEFAULT_ATTEMPTS 3
#define AWSC_RETRY_BASE_MS 50          /* first backoff ceiling for ordinary failures */
#define AWSC_RETRY_THROTTLE_BASE_MS 1000 /* ...and for throttling */
#define AWSC_RETRY_CAP_MS 20000        /* no single wait is longer */
#define AWSC_RETRY_BUCKET_CAPACITY 500
#define AWSC_RETRY_COST 5
#define AWSC_RETRY_TIMEOUT_COST 10

typedef enum awsc_retry_kind {
    AWSC_RETRY_NO,        /* not retryable */
    AWSC_RETRY_TRANSIENT, /* 5xx, connection failures */
    AWSC_RETRY_TIMEOUT,   /* the request timed out */
    AWSC_RETRY_THROTTLE   /* the service asked us to slow down */
} awsc_retry_kind;

/* A failed attempt: the awsc_status, the HTTP status (0 without a response),
 * the error code (may be NULL) and what the model says of the error shape. */
typedef struct awsc_attempt_failure {
    int status;
    long http_status;
    const char *code;
    bool timed_out;
    bool final;             /* a transport failure that would repeat (size cap, callbacks) */
    bool modeled_retryable;
    bool modeled_throttling;
} awsc_attempt_failure;

awsc_retry_kind awsc_retry_classify(const awsc_attempt_failure *f);

/* True for the codes AWS services use for throttling. */
bool awsc_retry_is_throttling_code(const char *code);

/*
 * Full-jitter exponential backoff before attempt `next_attempt` (2, 3, ...):
 * rand01 * min(cap, base * 2^(next_attempt - 2)). A server's
 * x-amz-retry-after (ms, or -1) is honoured when within [computed, cap + 5 s].
 */
long awsc_retry_delay_ms(int next_attempt, awsc_retry_kind kind, double rand01, long retry_after_ms);

typedef struct awsc_retry_bucket {
    pthread_mutex_t lock;
    int tokens;
} awsc_retry_bucket;

void awsc_retry_bucket_init(awsc_retry_bucket *b);
void awsc_retry_bucket_destroy(awsc_retry_bucket *b);
/* Takes the cost of a retry; false (nothing taken) when the bucket cannot pay. */
bool awsc_retry_bucket_acquire(awsc_retry_bucket *b, awsc_retry_kind kind, int *taken);
/* After a success: gives back what the call's retries took, or 1 when it needed none. */
void awsc_retry_bucket_release(awsc_retry_bucket *b, int taken);
int awsc_retry_bucket_tokens(awsc_retry_bucket *b);

/*
 * Adaptive mode's client-side rate limiter, as the AWS SDKs define it: a token
 * bucket whose fill rate follows CUBIC, cut on throttling responses and grown
 * back on successes, measured against the rate the client actually sends at.
 * Times are seconds (any monotonic origin). Not thread-safe by itself: the
 * client holds its lock around these calls.
 */
typedef struct awsc_rate_limiter {
    double fill_rate, max_capacity, current_capacity, last_timestamp;
    bool enabled;              /* only after the first throttle */
    double measured_tx_rate, last_tx_rate_bucket;
    long request_count;
    double last_max_rate, last_throttle_time, time_window;
} awsc_rate_limiter;

void awsc_rate_limiter_init(awsc_rate_limiter *l, double now);
/* Seconds to wait before sending one request (0 when a token is there); the token is taken. */
double awsc_rate_limiter_acquire(awsc_rate_limiter *l, double now);
/* After each response: was it a throttling error? */
void awsc_rate_limiter_update(awsc_rate_limiter *l, bool throttled, double now);

#endif