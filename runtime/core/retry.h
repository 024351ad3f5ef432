/*
 * The AWS standard retry strategy as pure decisions: which failures are worth
 * another attempt, how long to wait, and the token bucket that stops a client
 * from retrying into an outage.
 */
#ifndef AWSC_RETRY_H
#define AWSC_RETRY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/*
 * Standard mode's numbers, as the AWS SDKs and Tools reference guide's "Retry
 * behavior" page gives them since the 2026 update (aws-sdk-cpp issue 3832):
 * one table, read by the code and by the tests rule by rule.
 */
typedef struct awsc_retry_service_rule {
    const char *sdk_id;       /* the model's sdkId */
    long transient_base_ms;   /* replaces transient_base_ms for this service */
    int max_attempts;         /* its default attempts (an explicit setting wins) */
} awsc_retry_service_rule;

typedef struct awsc_retry_long_poll {
    const char *sdk_id;
    const char *operation;
} awsc_retry_long_poll;

typedef struct awsc_retry_table {
    int default_attempts;        /* 3 */
    int bucket_capacity;         /* the retry quota: 500 tokens */
    int transient_cost;          /* a retry after a transient error or a timeout: 14 */
    int throttle_cost;           /* a retry after throttling: 5 */
    int success_refund;          /* a first-try success gives back 1 */
    long transient_base_ms;      /* 50 */
    long throttle_base_ms;       /* 1000 */
    long max_backoff_ms;         /* 20000, applied before the jitter */
    long retry_after_extra_ms;   /* x-amz-retry-after is clamped to [computed, computed + 5000] */
    const awsc_retry_service_rule *services;
    size_t service_count;
    /* Operations that back off even when the quota refuses a retry (polling loops must not spin). */
    const awsc_retry_long_poll *long_polls;
    size_t long_poll_count;
} awsc_retry_table;

extern const awsc_retry_table awsc_retry_rules;

/* What one client uses: the table's numbers with its service's exceptions applied. */
typedef struct awsc_retry_policy {
    long transient_base_ms;
    long throttle_base_ms;
    int default_attempts;
} awsc_retry_policy;

/* The policy for a service (sdk_id may be NULL). */
awsc_retry_policy awsc_retry_policy_for(const char *sdk_id);

/* Whether an operation of a service is a long-polling one. */
bool awsc_retry_is_long_poll(const char *sdk_id, const char *operation);

#define AWSC_RETRY_DEFAULT_ATTEMPTS (awsc_retry_rules.default_attempts)
#define AWSC_RETRY_BUCKET_CAPACITY (awsc_retry_rules.bucket_capacity)

typedef enum awsc_retry_kind {
    AWSC_RETRY_NO,        /* not retryable */
    AWSC_RETRY_TRANSIENT, /* 5xx, connection failures */
    AWSC_RETRY_TIMEOUT,   /* the request timed out (since 2026 costed and delayed as transient) */
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
 * rand01 * min(max_backoff, base * 2^(next_attempt - 2)), base by kind from
 * `policy` (NULL: the table's defaults). A server's x-amz-retry-after (ms, or
 * -1 when absent or invalid) is honoured, clamped to [computed, computed + 5 s].
 */
long awsc_retry_delay_ms(const awsc_retry_policy *policy, int next_attempt, awsc_retry_kind kind, double rand01,
                         long retry_after_ms);

/* Tokens a retry after a failure of this kind costs. */
int awsc_retry_cost(awsc_retry_kind kind);

typedef struct awsc_retry_bucket {
    pthread_mutex_t lock;
    _Atomic int tokens; /* changed under lock; read without it to see a full bucket (release) */
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