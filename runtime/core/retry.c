#include "core/retry.h"

#include "awsc/awsc.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

static const awsc_retry_service_rule service_rules[] = {
    {"DynamoDB", 25, 4},
    {"DynamoDB Streams", 25, 4},
};

static const awsc_retry_long_poll long_polls[] = {
    {"SQS", "ReceiveMessage"},
    {"SFN", "GetActivityTask"},
    {"SWF", "PollForActivityTask"},
    {"SWF", "PollForDecisionTask"},
};

const awsc_retry_table awsc_retry_rules = {
    .default_attempts = 3,
    .bucket_capacity = 500,
    .transient_cost = 14,
    .throttle_cost = 5,
    .success_refund = 1,
    .transient_base_ms = 50,
    .throttle_base_ms = 1000,
    .max_backoff_ms = 20000,
    .retry_after_extra_ms = 5000,
    .services = service_rules,
    .service_count = sizeof service_rules / sizeof *service_rules,
    .long_polls = long_polls,
    .long_poll_count = sizeof long_polls / sizeof *long_polls,
};

awsc_retry_policy awsc_retry_policy_for(const char *sdk_id)
{
    const awsc_retry_table *t = &awsc_retry_rules;
    awsc_retry_policy p = {t->transient_base_ms, t->throttle_base_ms, t->default_attempts};
    for (size_t i = 0; sdk_id && i < t->service_count; i++) {
        if (strcmp(sdk_id, t->services[i].sdk_id) == 0) {
            p.transient_base_ms = t->services[i].transient_base_ms;
            p.default_attempts = t->services[i].max_attempts;
        }
    }
    return p;
}

bool awsc_retry_is_long_poll(const char *sdk_id, const char *operation)
{
    const awsc_retry_table *t = &awsc_retry_rules;
    for (size_t i = 0; sdk_id && operation && i < t->long_poll_count; i++)
        if (strcmp(sdk_id, t->long_polls[i].sdk_id) == 0 && strcmp(operation, t->long_polls[i].operation) == 0)
            return true;
    return false;
}

int awsc_retry_cost(awsc_retry_kind kind)
{
    return kind == AWSC_RETRY_THROTTLE ? awsc_retry_rules.throttle_cost : awsc_retry_rules.transient_cost;
}

bool awsc_retry_is_throttling_code(const char *code)
{
    static const char codes[] =
        "Throttling\0ThrottlingException\0ThrottledException\0RequestThrottledException\0"
        "TooManyRequestsException\0ProvisionedThroughputExceededException\0TransactionInProgressException\0"
        "RequestLimitExceeded\0BandwidthLimitExceeded\0LimitExceededException\0RequestThrottled\0"
        "SlowDown\0PriorRequestNotComplete\0EC2ThrottledException\0";
    return awsc_one_of(code, codes);
}

static bool is_transient_code(const char *code)
{
    static const char codes[] = "RequestTimeout\0RequestTimeoutException\0InternalError\0InternalServerError\0"
                                "ServiceUnavailable\0ServiceUnavailableException\0"
                                "IDPCommunicationError\0" /* STS */;
    return awsc_one_of(code, codes);
}

awsc_retry_kind awsc_retry_classify(const awsc_attempt_failure *f)
{
    if (f->status == AWSC_E_TRANSPORT && f->final)
        return AWSC_RETRY_NO;
    if (f->status == AWSC_E_TRANSPORT)
        return f->timed_out ? AWSC_RETRY_TIMEOUT : AWSC_RETRY_TRANSIENT;
    if (f->status != AWSC_E_SERVICE && f->status != AWSC_E_RESPONSE)
        return AWSC_RETRY_NO; /* validation, configuration, memory: another try changes nothing */
    if (f->modeled_throttling || awsc_retry_is_throttling_code(f->code) || f->http_status == 429)
        return AWSC_RETRY_THROTTLE;
    if (f->modeled_retryable || is_transient_code(f->code))
        return AWSC_RETRY_TRANSIENT;
    switch (f->http_status) {
    case 500:
    case 502:
    case 503:
    case 504:
        return AWSC_RETRY_TRANSIENT;
    default:
        return AWSC_RETRY_NO;
    }
}

long awsc_retry_delay_ms(const awsc_retry_policy *policy, int next_attempt, awsc_retry_kind kind, double rand01,
                         long retry_after_ms)
{
    const awsc_retry_table *t = &awsc_retry_rules;
    awsc_retry_policy defaults = awsc_retry_policy_for(NULL);
    if (!policy)
        policy = &defaults;
    long base = kind == AWSC_RETRY_THROTTLE ? policy->throttle_base_ms : policy->transient_base_ms;
    /* The cap applies to the exponential ceiling, before the jitter draws from it. */
    long ceiling = base;
    for (int i = 2; i < next_attempt && ceiling < t->max_backoff_ms; i++)
        ceiling *= 2;
    if (ceiling > t->max_backoff_ms)
        ceiling = t->max_backoff_ms;
    if (rand01 < 0 || rand01 >= 1)
        rand01 = 0;
    long delay = (long)(rand01 * (double)ceiling);
    /* A server hint moves the wait within [computed, computed + 5 s]. */
    if (retry_after_ms >= 0) {
        if (retry_after_ms > delay + t->retry_after_extra_ms)
            delay += t->retry_after_extra_ms;
        else if (retry_after_ms > delay)
            delay = retry_after_ms;
    }
    return delay;
}

void awsc_retry_bucket_init(awsc_retry_bucket *b)
{
    pthread_mutex_init(&b->lock, NULL);
    b->tokens = awsc_retry_rules.bucket_capacity;
}

void awsc_retry_bucket_destroy(awsc_retry_bucket *b)
{
    pthread_mutex_destroy(&b->lock);
}

bool awsc_retry_bucket_acquire(awsc_retry_bucket *b, awsc_retry_kind kind, int *taken)
{
    int cost = awsc_retry_cost(kind);
    pthread_mutex_lock(&b->lock);
    bool ok = b->tokens >= cost;
    if (ok) {
        b->tokens -= cost;
        *taken += cost;
    }
    pthread_mutex_unlock(&b->lock);
    return ok;
}

void awsc_retry_bucket_release(awsc_retry_bucket *b, int taken)
{
    /* A success that retried nothing, on a full bucket (every call while nothing fails), changes nothing. */
    if (taken <= 0 && awsc_retry_rules.success_refund >= 0 &&
        atomic_load_explicit(&b->tokens, memory_order_relaxed) == awsc_retry_rules.bucket_capacity)
        return;
    pthread_mutex_lock(&b->lock);
    b->tokens += taken > 0 ? taken : awsc_retry_rules.success_refund;
    if (b->tokens > awsc_retry_rules.bucket_capacity)
        b->tokens = awsc_retry_rules.bucket_capacity;
    pthread_mutex_unlock(&b->lock);
}

int awsc_retry_bucket_tokens(awsc_retry_bucket *b)
{
    pthread_mutex_lock(&b->lock);
    int t = b->tokens;
    pthread_mutex_unlock(&b->lock);
    return t;
}

/* ---- adaptive mode ---- */

#define RL_BETA 0.7
#define RL_SCALE 0.4
#define RL_SMOOTH 0.8
#define RL_MIN_FILL 0.5
#define RL_MIN_CAPACITY 1.0

void awsc_rate_limiter_init(awsc_rate_limiter *l, double now)
{
    memset(l, 0, sizeof *l);
    l->last_timestamp = now;
    l->last_tx_rate_bucket = floor(now);
    l->last_throttle_time = now;
}

static void refill(awsc_rate_limiter *l, double now)
{
    if (now > l->last_timestamp) {
        l->current_capacity = fmin(l->max_capacity, l->current_capacity + (now - l->last_timestamp) * l->fill_rate);
        l->last_timestamp = now;
    }
}

double awsc_rate_limiter_acquire(awsc_rate_limiter *l, double now)
{
    if (!l->enabled)
        return 0;
    refill(l, now);
    double wait = 0;
    if (l->current_capacity < 1)
        wait = (1 - l->current_capacity) / l->fill_rate;
    l->current_capacity -= 1; /* may go negative: the wait pays it back */
    return wait;
}

static void update_measured_rate(awsc_rate_limiter *l, double now)
{
    double bucket = floor(now * 2) / 2;
    l->request_count++;
    if (bucket > l->last_tx_rate_bucket) {
        double current = (double)l->request_count / (bucket - l->last_tx_rate_bucket);
        l->measured_tx_rate = current * RL_SMOOTH + l->measured_tx_rate * (1 - RL_SMOOTH);
        l->request_count = 0;
        l->last_tx_rate_bucket = bucket;
    }
}

static void update_window(awsc_rate_limiter *l)
{
    l->time_window = cbrt(l->last_max_rate * (1 - RL_BETA) / RL_SCALE);
}

void awsc_rate_limiter_update(awsc_rate_limiter *l, bool throttled, double now)
{
    update_measured_rate(l, now);
    double rate;
    if (throttled) {
        double use = l->enabled ? fmin(l->measured_tx_rate, l->fill_rate) : l->measured_tx_rate;
        l->last_max_rate = use;
        update_window(l);
        l->last_throttle_time = now;
        rate = use * RL_BETA;
        l->enabled = true;
    } else {
        update_window(l);
        double t = now - l->last_throttle_time - l->time_window;
        rate = RL_SCALE * t * t * t + l->last_max_rate;
    }
    rate = fmin(rate, 2 * l->measured_tx_rate);
    refill(l, now);
    l->fill_rate = fmax(rate, RL_MIN_FILL);
    l->max_capacity = fmax(rate, RL_MIN_CAPACITY);
    l->current_capacity = fmin(l->current_capacity, l->max_capacity);
}
