/**
 * @file waiters.h
 * Waiters (smithy.waiters#waitable): call an operation until the resource it
 * describes reaches the state its acceptors call success or failure, or the
 * caller's time runs out. libawsc-waiters, an optional library over
 * libawsc-jmespath: services with waiters link it, a program that waits for
 * nothing carries none of it once its linker drops unused sections.
 *
 * Each service header declares one typed function per waiter over
 * awsc_waiter_wait(): `<prefix>_wait_until_<waiter>(client, input, &options,
 * &output, &err)`, e.g. DynamoDB's TableExists as
 * `..._wait_until_table_exists` (README.md, "Waiters", has an example).
 *
 * The delays follow the Smithy specification: exponential backoff with full
 * jitter between the waiter's minDelay and maxDelay (seconds), never past the
 * caller's max_wait_seconds, with one last attempt at the deadline.
 */
#ifndef AWSC_WAITERS_H
#define AWSC_WAITERS_H

#include <awsc/schema.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How long to wait, and hooks for tests and event loops. Zero the struct, then set max_wait_seconds. */
typedef struct awsc_waiter_options {
    /** Required: the most seconds the waiter may take in all, > 0 (at most a year). */
    uint32_t max_wait_seconds;
    /** The least delay between attempts in seconds, 0 for the waiter's (the model's minDelay, else 2); >= 1. */
    uint32_t min_delay;
    /** The longest delay in seconds, 0 for the waiter's (maxDelay, else 120); >= min_delay. */
    uint32_t max_delay;
    /**
     * Checked before every attempt and every 200 ms of a delay: returning true
     * stops the waiter with AWSC_E_WAITER_TIMEOUT ("canceled"). NULL: never.
     */
    bool (*cancel)(void *user);
    /** A monotonic clock in milliseconds; NULL: CLOCK_MONOTONIC. */
    int64_t (*now_ms)(void *user);
    /** Sleeps `ms` milliseconds; NULL: nanosleep. */
    void (*sleep_ms)(void *user, long ms);
    /** A value in [0, 1) for the jitter; NULL: OpenSSL's RAND_bytes. */
    double (*random01)(void *user);
    /** Handed to the hooks above. */
    void *user;
    /** Filled when not NULL: how many times the operation was called. */
    uint32_t *attempts;
} awsc_waiter_options;

/**
 * Runs waiter `w` (one of `svc->waiters`) on `input`, which the caller keeps.
 *
 * - AWSC_OK: a success acceptor matched. *output is the last output (free with
 *   awsc_output_free), NULL when success was an error (`errorType` acceptors, as
 *   TableNotExists's ResourceNotFoundException).
 * - AWSC_E_WAITER_FAILED: a failure acceptor matched, or the call failed with
 *   an error no acceptor matched. `err` says "Waiter NAME failed: ..." and,
 *   when the last call failed, keeps that error's code, HTTP status, request
 *   id and typed detail; *output is the last output when that call succeeded.
 * - AWSC_E_WAITER_TIMEOUT: max_wait_seconds ran out (or `cancel` said stop)
 *   with the resource still in a retry state; *output and `err` as above.
 * - AWSC_E_VALIDATION: bad options or input (nothing sent for bad options), and
 *   AWSC_E_CONFIG, AWSC_E_NOMEM as any call returns them.
 */
AWSC_API int awsc_waiter_wait(awsc_client *c, const awsc_service *svc, const awsc_waiter *w, const void *input,
                              const awsc_waiter_options *options, void **output, awsc_error *err);

/** The waiter of `svc` named `name` ("TableExists", or kebab case "table-exists"), or NULL. */
AWSC_API const awsc_waiter *awsc_waiter_find(const awsc_service *svc, const char *name);

/**
 * The delay in milliseconds before retry `attempt` (1 for the first retry) of
 * the Smithy specification: random(min, min * 2^(attempt-1) capped at max)
 * seconds, and all of `remaining_ms` when less than `min` seconds would be
 * left after it. `r` is in [0, 1).
 */
AWSC_API int64_t awsc_waiter_delay_ms(uint32_t attempt, uint32_t min_delay, uint32_t max_delay, int64_t remaining_ms,
                                      double r);

#ifdef __cplusplus
}
#endif

#endif
