/*
 * Canary for scripts/reliability: a Criterion binary with one deliberate bug
 * chosen by AWSC_CANARY (overflow, leak, ub). The script runs it the way it
 * runs the real tests and requires that each bug makes the run fail, proving
 * that sanitizer and valgrind reports from Criterion's forked test processes
 * are not lost. Never part of the suite.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool bug(const char *name)
{
    const char *c = getenv("AWSC_CANARY");
    return c && strcmp(c, name) == 0;
}

Test(canary, clean) { cr_assert_eq(1 + 1, 2); }

Test(canary, overflow)
{
    char *volatile p = malloc(4);
    if (bug("overflow"))
        p[4] = 1;
    free(p);
}

Test(canary, leak)
{
    char *volatile p = malloc(40);
    memset(p, 1, 40);
    if (!bug("leak"))
        free(p);
    p = NULL;
}

Test(canary, ub)
{
    volatile int i = INT_MAX;
    if (bug("ub"))
        i = i + 1;
    cr_assert(i != 0);
}
