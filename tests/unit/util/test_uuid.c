#include "util/uuid.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DRAWS 1000

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int hex_value(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx with N in 8..b. */
static void check_format(const char *u)
{
    cr_assert_eq(strlen(u), 36, "%s", u);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            cr_assert_eq(u[i], '-', "%s: position %d", u, i);
        else
            cr_assert(is_lower_hex(u[i]), "%s: position %d", u, i);
    }
    cr_assert_eq(u[14], '4', "%s: version nibble", u);
    cr_assert_eq(hex_value(u[19]) & 0xC, 0x8, "%s: variant bits", u);
}

Test(uuid, format_version_and_variant)
{
    for (int i = 0; i < DRAWS; i++) {
        char u[37];
        memset(u, 'X', sizeof u);
        cr_assert_eq(awsc_uuid_v4(u), 0);
        check_format(u);
    }
}

static int cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

Test(uuid, draws_are_distinct_and_random)
{
    char(*u)[37] = calloc(DRAWS, sizeof *u);
    cr_assert_not_null(u);
    for (int i = 0; i < DRAWS; i++)
        cr_assert_eq(awsc_uuid_v4(u[i]), 0);
    qsort(u, DRAWS, sizeof *u, cmp);
    for (int i = 1; i < DRAWS; i++)
        cr_assert_str_neq(u[i - 1], u[i]);

    /* Every random hex position takes many values: catches a stuck or copied nibble. */
    for (int pos = 0; pos < 36; pos++) {
        if (pos == 8 || pos == 13 || pos == 14 || pos == 18 || pos == 23)
            continue;
        int seen[16] = {0}, distinct = 0;
        for (int i = 0; i < DRAWS; i++)
            seen[hex_value(u[i][pos])] = 1;
        for (int v = 0; v < 16; v++)
            distinct += seen[v];
        /* Position 19 has only the 4 variant values; others all 16 (missing one is ~1e-26). */
        cr_assert_eq(distinct, pos == 19 ? 4 : 16, "position %d has %d values", pos, distinct);
    }
    free(u);
}

/* UUIDs are drawn in batches: a forked child must not hand out what its parent drew but has not used. */
Test(uuid, fork_child_draws_its_own)
{
    char first[37], parent[37], child[37];
    cr_assert_eq(awsc_uuid_v4(first), 0); /* the parent now holds a batch */
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        char u[37] = "";
        ssize_t n = awsc_uuid_v4(u) == 0 ? write(fds[1], u, 37) : -1;
        _exit(n == 37 ? 0 : 1);
    }
    close(fds[1]);
    cr_assert_eq(read(fds[0], child, 37), 37);
    close(fds[0]);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_eq(awsc_uuid_v4(parent), 0);
    check_format(child);
    cr_assert_str_neq(child, parent, "the child repeated the parent's next UUID");
    cr_assert_str_neq(child, first);
}

#define THREADS 4
#define PER_THREAD 100

static void *draw_many(void *arg)
{
    char(*u)[37] = arg;
    for (int i = 0; i < PER_THREAD; i++)
        if (awsc_uuid_v4(u[i]) != 0)
            u[i][0] = '\0';
    return NULL;
}

/* Each thread has its own batch: no two threads hand out the same UUID. */
Test(uuid, threads_draw_distinct)
{
    char(*u)[37] = calloc(THREADS * PER_THREAD, sizeof *u);
    cr_assert_not_null(u);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, draw_many, u + i * PER_THREAD), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    qsort(u, THREADS * PER_THREAD, sizeof *u, cmp);
    for (int i = 0; i < THREADS * PER_THREAD; i++)
        check_format(u[i]);
    for (int i = 1; i < THREADS * PER_THREAD; i++)
        cr_assert_str_neq(u[i - 1], u[i]);
    free(u);
}

/* Large and odd lengths come back whole, and two draws differ (the kernel path, or OpenSSL's). */
Test(uuid, random_bytes_fill_every_byte)
{
    static const size_t lengths[] = {1, 7, 16, 255, 256, 257, 4096, 70000};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        size_t n = lengths[k];
        unsigned char *a = malloc(n + 1), *b = malloc(n + 1);
        cr_assert(a && b);
        memset(a, 0, n + 1);
        memset(b, 0, n + 1);
        a[n] = b[n] = 0xA5; /* a guard byte: nothing is written past the end */
        cr_assert_eq(awsc_random_bytes(a, n), 0);
        cr_assert_eq(awsc_random_bytes(b, n), 0);
        cr_assert_eq(a[n], 0xA5);
        cr_assert_eq(b[n], 0xA5);
        if (n >= 16)
            cr_assert(memcmp(a, b, n) != 0, "two draws of %zu bytes are equal", n);
        /* Of 16+ random bytes, a run of zeros over the whole tail would mean a short fill. */
        if (n >= 256) {
            size_t zeros = 0;
            for (size_t i = n - 64; i < n; i++)
                zeros += a[i] == 0;
            cr_assert_lt(zeros, 16, "the last 64 of %zu bytes are mostly zero", n);
        }
        free(a);
        free(b);
    }
}
