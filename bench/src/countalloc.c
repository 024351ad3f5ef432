/*
 * LD_PRELOAD heap counter for bench/run: counts every allocation call and the
 * bytes requested, and forwards to glibc's own allocator (__libc_*), so there is
 * no dlsym bootstrap problem. The bench programs read the totals through
 * bench_alloc_totals(), looked up with dlsym so they run without the preload too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static uint64_t n_allocs, n_bytes, n_frees;

static void count(size_t bytes)
{
    __atomic_add_fetch(&n_allocs, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&n_bytes, bytes, __ATOMIC_RELAXED);
}

void bench_alloc_totals(uint64_t *allocs, uint64_t *bytes, uint64_t *frees)
{
    *allocs = __atomic_load_n(&n_allocs, __ATOMIC_RELAXED);
    *bytes = __atomic_load_n(&n_bytes, __ATOMIC_RELAXED);
    *frees = __atomic_load_n(&n_frees, __ATOMIC_RELAXED);
}

void *malloc(size_t n)
{
    count(n);
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    count(a * b);
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    count(n); /* a realloc is an allocator call like any other, whether it moves or not */
    return __libc_realloc(p, n);
}

void free(void *p)
{
    if (p)
        __atomic_add_fetch(&n_frees, 1, __ATOMIC_RELAXED);
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    count(n);
    return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p = memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
