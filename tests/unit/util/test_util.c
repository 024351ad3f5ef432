/* Core helpers: the arena, the growable buffer and error reporting. */
#include <criterion/criterion.h>

#include "util/arena.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/error.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- arena ------------------------------------------------------------ */

static bool aligned(const void *p)
{
    return ((uintptr_t)p % alignof(max_align_t)) == 0;
}

Test(arena, every_allocation_is_aligned_zeroed_and_disjoint)
{
    awsc_arena *a = awsc_arena_create();
    cr_assert_not_null(a);
    /* Odd sizes interleaved so a misaligned bump pointer would show. */
    enum { N = 500 };
    unsigned char *ptrs[N];
    size_t sizes[N];
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i * 7 % 61) + (size_t)(i % 3);
        ptrs[i] = awsc_arena_alloc(a, sizes[i]);
        cr_assert_not_null(ptrs[i]);
        cr_assert(aligned(ptrs[i]), "allocation %d (size %zu) at %p is misaligned", i, sizes[i], (void *)ptrs[i]);
        for (size_t j = 0; j < sizes[i]; j++)
            cr_assert_eq(ptrs[i][j], 0, "allocation %d byte %zu not zeroed", i, j);
        memset(ptrs[i], (int)(i & 0xFF), sizes[i]);
    }
    /* Writing every block with its own pattern must not disturb any other block. */
    for (int i = 0; i < N; i++)
        for (size_t j = 0; j < sizes[i]; j++)
            cr_assert_eq(ptrs[i][j], (unsigned char)(i & 0xFF), "block %d overwritten", i);
    awsc_arena_destroy(a);
}

Test(arena, zero_size_allocations_are_unique_and_non_null)
{
    awsc_arena *a = awsc_arena_create();
    void *p[64];
    for (int i = 0; i < 64; i++) {
        p[i] = awsc_arena_alloc(a, 0);
        cr_assert_not_null(p[i]);
        cr_assert(aligned(p[i]));
        for (int j = 0; j < i; j++)
            cr_assert_neq(p[i], p[j], "zero-size allocations %d and %d share %p", i, j, p[i]);
    }
    awsc_arena_destroy(a);
}

Test(arena, large_allocations_span_chunks)
{
    awsc_arena *a = awsc_arena_create();
    unsigned char *small = awsc_arena_alloc(a, 10);
    cr_assert_not_null(small);
    memset(small, 0xAB, 10);
    /* Larger than the first chunk, larger than the chunk growth cap (1 MiB). */
    size_t sizes[] = {5000, 3u << 20, 100, 17u << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = awsc_arena_alloc(a, sizes[i]);
        cr_assert_not_null(p, "size %zu", sizes[i]);
        cr_assert(aligned(p));
        cr_assert_eq(p[0], 0);
        cr_assert_eq(p[sizes[i] - 1], 0);
        memset(p, 0x5A, sizes[i]);
    }
    for (int i = 0; i < 10; i++)
        cr_assert_eq(small[i], 0xAB);
    awsc_arena_destroy(a);
}

Test(arena, impossible_sizes_fail_without_crashing)
{
    awsc_arena *a = awsc_arena_create();
    cr_assert_null(awsc_arena_alloc(a, SIZE_MAX));
    cr_assert_null(awsc_arena_alloc(a, SIZE_MAX - 3));
    cr_assert_null(awsc_arena_alloc(a, SIZE_MAX / 2 + 2));
    cr_assert_null(awsc_arena_strndup(a, "x", SIZE_MAX));
    /* Still usable afterwards. */
    cr_assert_not_null(awsc_arena_alloc(a, 8));
    awsc_arena_destroy(a);
    awsc_arena_destroy(NULL);
}

Test(arena, strndup_copies_exactly_len_bytes)
{
    awsc_arena *a = awsc_arena_create();
    char *s = awsc_arena_strndup(a, "hello world", 5);
    cr_assert_str_eq(s, "hello");
    char *e = awsc_arena_strndup(a, "abc", 0);
    cr_assert_str_eq(e, "");
    /* Embedded bytes after len are not read into the copy. */
    char *bin = awsc_arena_strndup(a, "a\0b", 3);
    cr_assert_eq(memcmp(bin, "a\0b\0", 4), 0);
    awsc_arena_destroy(a);
}

Test(arena, new_root_is_freed_by_output_free)
{
    awsc_arena *a = NULL;
    unsigned char *root = awsc_arena_new_root(&a, 40);
    cr_assert_not_null(root);
    cr_assert_not_null(a);
    cr_assert(aligned(root));
    for (int i = 0; i < 40; i++)
        cr_assert_eq(root[i], 0);
    /* Everything else allocated in the arena goes with the root (ASan/valgrind check leaks). */
    for (int i = 0; i < 100; i++)
        cr_assert_not_null(awsc_arena_alloc(a, (size_t)i * 100));
    memset(root, 0xEE, 40);
    awsc_output_free(root);
    awsc_output_free(NULL);
}

Test(arena, new_root_zero_size)
{
    awsc_arena *a = NULL;
    void *root = awsc_arena_new_root(&a, 0);
    cr_assert_not_null(root);
    cr_assert(aligned(root));
    void *other = awsc_arena_alloc(a, 0);
    cr_assert_neq(root, other);
    awsc_output_free(root);
}

Test(arena, new_root_huge_size_fails)
{
    awsc_arena *a = NULL;
    /*
     * A size whose header addition wraps around must fail, not hand back a
     * block far smaller than asked for.
     */
    void *huge = awsc_arena_new_root(&a, SIZE_MAX - 8);
    cr_assert_null(huge, "awsc_arena_new_root(SIZE_MAX - 8) returned %p (size overflow)", huge);
}

/* ---- buf -------------------------------------------------------------- */

Test(buf, grows_and_stays_nul_terminated)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_null(b.data);
    for (int i = 0; i < 10000; i++) {
        cr_assert_eq(awsc_buf_putc(&b, (char)('a' + i % 26)), 0);
        cr_assert_eq(b.len, (size_t)i + 1);
        cr_assert_eq(b.data[b.len], '\0');
        cr_assert_gt(b.cap, b.len);
    }
    for (int i = 0; i < 10000; i++)
        cr_assert_eq(b.data[i], 'a' + i % 26);
    awsc_buf_free(&b);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
}

Test(buf, append_binary_and_empty)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_append(&b, "", 0), 0);
    cr_assert_not_null(b.data, "an empty append still makes a NUL-terminated buffer");
    cr_assert_str_eq(b.data, "");
    cr_assert_eq(awsc_buf_append(&b, "x\0y", 3), 0);
    cr_assert_eq(b.len, 3);
    cr_assert_eq(memcmp(b.data, "x\0y\0", 4), 0);
    cr_assert_eq(awsc_buf_puts(&b, "zz"), 0);
    cr_assert_eq(b.len, 5);
    awsc_buf_free(&b);
}

Test(buf, reserve_overflow_fails_and_leaves_buffer)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_puts(&b, "keep"), 0);
    cr_assert_eq(awsc_buf_reserve(&b, SIZE_MAX), -1);
    cr_assert_eq(awsc_buf_reserve(&b, SIZE_MAX - 4), -1);
    cr_assert_eq(awsc_buf_append(&b, "x", SIZE_MAX - 2), -1);
    cr_assert_str_eq(b.data, "keep");
    cr_assert_eq(b.len, 4);
    cr_assert_eq(awsc_buf_reserve(&b, 1000), 0);
    cr_assert_geq(b.cap, 1005);
    cr_assert_str_eq(b.data, "keep");
    awsc_buf_free(&b);
}

Test(buf, printf_short_and_long)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_printf(&b, "%d-%s", 42, "x"), 0);
    cr_assert_str_eq(b.data, "42-x");
    /* Longer than the internal 128-byte stack buffer. */
    char big[1000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(awsc_buf_printf(&b, "[%s]%d", big, 7), 0);
    cr_assert_eq(b.len, 4 + 1 + 999 + 1 + 1);
    cr_assert_eq(strncmp(b.data, "42-x[", 5), 0);
    cr_assert_eq(b.data[5 + 999], ']');
    cr_assert_str_eq(b.data + 5 + 999 + 1, "7");
    /* Exactly at the boundary of the stack buffer. */
    awsc_buf c = AWSC_BUF_INIT;
    char s127[128], s128[129];
    memset(s127, 'a', 127);
    s127[127] = '\0';
    memset(s128, 'b', 128);
    s128[128] = '\0';
    cr_assert_eq(awsc_buf_printf(&c, "%s", s127), 0);
    cr_assert_eq(awsc_buf_printf(&c, "%s", s128), 0);
    cr_assert_eq(c.len, 255);
    cr_assert_eq(strlen(c.data), 255);
    cr_assert_eq(c.data[126], 'a');
    cr_assert_eq(c.data[127], 'b');
    cr_assert_eq(awsc_buf_printf(&c, "%s", ""), 0);
    cr_assert_eq(c.len, 255);
    awsc_buf_free(&b);
    awsc_buf_free(&c);
}

Test(buf, take_hands_over_and_resets)
{
    awsc_buf b = AWSC_BUF_INIT;
    char *empty = awsc_buf_take(&b);
    cr_assert_not_null(empty);
    cr_assert_str_eq(empty, "");
    free(empty);
    cr_assert_eq(awsc_buf_puts(&b, "abc"), 0);
    char *s = awsc_buf_take(&b);
    cr_assert_str_eq(s, "abc");
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    /* The buffer is reusable after take. */
    cr_assert_eq(awsc_buf_puts(&b, "def"), 0);
    cr_assert_str_eq(b.data, "def");
    cr_assert_str_eq(s, "abc");
    free(s);
    awsc_buf_free(&b);
    awsc_buf_free(&b); /* double free of a reset buffer is harmless */
}

/* ---- error ------------------------------------------------------------ */

Test(error, set_fills_status_and_message)
{
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_error_set(&err, AWSC_E_VALIDATION, "%s: %d", "field", 3);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert_eq(err.status, AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "field: 3");
    cr_assert_null(err.code);
    cr_assert_null(err.request_id);
    /* Setting again replaces (and frees) the previous contents. */
    err.code = awsc_strdup("Stale");
    err.request_id = awsc_strdup("rid");
    awsc_error_set(&err, AWSC_E_CONFIG, "second");
    cr_assert_eq(err.status, AWSC_E_CONFIG);
    cr_assert_str_eq(err.message, "second");
    cr_assert_null(err.code);
    cr_assert_null(err.request_id);
    awsc_error_clear(&err);
    cr_assert_eq(err.status, AWSC_OK);
    cr_assert_null(err.message);
    awsc_error_clear(&err);
    awsc_error_clear(NULL);
}

Test(error, long_messages_are_not_truncated)
{
    awsc_error err = AWSC_ERROR_INIT;
    size_t lens[] = {254, 255, 256, 257, 300, 5000};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char *s = malloc(lens[i] + 1);
        for (size_t j = 0; j < lens[i]; j++)
            s[j] = (char)('A' + j % 26);
        s[lens[i]] = '\0';
        awsc_error_set(&err, AWSC_E_INTERNAL, "<%s>", s);
        cr_assert_not_null(err.message);
        cr_assert_eq(strlen(err.message), lens[i] + 2, "length %zu became %zu", lens[i] + 2, strlen(err.message));
        cr_assert_eq(err.message[0], '<');
        cr_assert_eq(strncmp(err.message + 1, s, lens[i]), 0);
        cr_assert_eq(err.message[lens[i] + 1], '>');
        free(s);
    }
    awsc_error_clear(&err);
}

Test(error, null_err_fills_the_thread_local_last_error)
{
    int rc = awsc_error_set(NULL, AWSC_E_TRANSPORT, "boom %d", 1);
    cr_assert_eq(rc, AWSC_E_TRANSPORT);
    const awsc_error *last = awsc_last_error();
    cr_assert_eq(last->status, AWSC_E_TRANSPORT);
    cr_assert_str_eq(last->message, "boom 1");
    cr_assert_eq(awsc_error_target(NULL), last);
    awsc_error mine = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_error_target(&mine), &mine);
    awsc_error_set(&mine, AWSC_E_CONFIG, "mine");
    cr_assert_str_eq(awsc_last_error()->message, "boom 1", "a non-NULL err leaves the last error alone");
    awsc_error_clear(&mine);
    awsc_error_ok(NULL);
    cr_assert_eq(awsc_last_error()->status, AWSC_OK);
    cr_assert_null(awsc_last_error()->message);
}

typedef struct thread_case {
    int id;
    int ok;
} thread_case;

static void *set_in_thread(void *arg)
{
    thread_case *c = arg;
    c->ok = 1;
    for (int i = 0; i < 200; i++) {
        awsc_error_set(NULL, (awsc_status)(1 + c->id % 7), "thread %d iteration %d", c->id, i);
        char want[64];
        snprintf(want, sizeof want, "thread %d iteration %d", c->id, i);
        const awsc_error *e = awsc_last_error();
        if (e->status != (awsc_status)(1 + c->id % 7) || !e->message || strcmp(e->message, want) != 0)
            c->ok = 0;
    }
    awsc_error_ok(NULL); /* frees this thread's message */
    return NULL;
}

Test(error, last_error_is_per_thread)
{
    awsc_error_set(NULL, AWSC_E_SERVICE, "main thread");
    enum { T = 8 };
    pthread_t th[T];
    thread_case cases[T];
    for (int i = 0; i < T; i++) {
        cases[i] = (thread_case){i, 0};
        cr_assert_eq(pthread_create(&th[i], NULL, set_in_thread, &cases[i]), 0);
    }
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        cr_assert(cases[i].ok, "thread %d saw another thread's error", i);
    }
    cr_assert_eq(awsc_last_error()->status, AWSC_E_SERVICE);
    cr_assert_str_eq(awsc_last_error()->message, "main thread");
    awsc_error_ok(NULL);
}

Test(error, status_names_and_strdup)
{
    cr_assert_str_eq(awsc_status_str(AWSC_OK), "ok");
    cr_assert_str_eq(awsc_status_str(AWSC_E_SERVICE), "service error");
    cr_assert_str_eq(awsc_status_str(AWSC_E_NOMEM), "out of memory");
    cr_assert_str_eq(awsc_status_str(-1), "unknown status");
    cr_assert_str_eq(awsc_status_str(99), "unknown status");
    for (int s = AWSC_OK; s <= AWSC_E_INTERNAL; s++)
        cr_assert_str_neq(awsc_status_str(s), "unknown status", "status %d", s);
    cr_assert_null(awsc_strdup(NULL));
    char *d = awsc_strdup("dup");
    cr_assert_str_eq(d, "dup");
    free(d);
}

/* The inline case-insensitive compares agree with strncasecmp/strcasecmp (C locale) on every byte pair. */
Test(ascii, nocase_compares_agree_with_the_c_library)
{
    for (int c = 1; c < 256; c++) {
        for (int l = 1; l < 128; l++) {
            if (l >= 'A' && l <= 'Z')
                continue; /* the pattern is lower case */
            char s[3] = {(char)c, 'x', '\0'}, lw[3] = {(char)l, 'x', '\0'};
            bool want = strncasecmp(s, lw, 2) == 0;
            cr_assert_eq(awsc_starts_nocase(s, lw), want, "%d %d", c, l);
            cr_assert_eq(awsc_eq_nocase(s, lw), want, "%d %d", c, l);
        }
    }
    cr_assert(awsc_starts_nocase("X-Amz-Checksum-CRC32", "x-amz-checksum-"));
    cr_assert(!awsc_starts_nocase("x-amz", "x-amz-checksum-"), "a shorter string stops at its end");
    cr_assert(awsc_eq_nocase("X-AMZ-TRAILER", "x-amz-trailer"));
    cr_assert(!awsc_eq_nocase("x-amz-trailers", "x-amz-trailer"));
    cr_assert(!awsc_eq_nocase("x-amz-traile", "x-amz-trailer"));
    cr_assert(awsc_eq_nocase("", ""));
}
