/*
 * Time limits in tests, scaled for a loaded machine: AWSC_TEST_TIME_SCALE (a number, default 1)
 * multiplies every limit a test waits for. scripts/test --stress and the valgrind runs raise it;
 * set it by hand on a slow machine. A limit is an upper bound a test fails at, never a wait: tests
 * poll for their condition.
 */
#ifndef AWSC_TEST_TIME_H
#define AWSC_TEST_TIME_H

#include <stdlib.h>
#include <time.h>

static inline double awsc_test_time_scale(void)
{
    const char *s = getenv("AWSC_TEST_TIME_SCALE");
    double f = s ? strtod(s, NULL) : 1.0;
    return f >= 1.0 && f <= 1000.0 ? f : 1.0;
}

/* `ms` scaled. */
static inline long awsc_test_ms(long ms)
{
    return (long)((double)ms * awsc_test_time_scale());
}

static inline double awsc_test_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
