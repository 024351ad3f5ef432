/*
 * An LD_PRELOAD library that looks for secrets in memory as it is freed (tests/py/test_freed_secrets.py).
 *
 *   AWSC_FREED_SCAN="secret1,token2"   what to look for (each at least 8 bytes)
 *   AWSC_FREED_SCAN_LOG=/path          where to append one line per hit and a closing count
 *   AWSC_FREED_SCAN_PROGRAM=awsc       scan only in this program (not in the commands it starts)
 *   AWSC_FREED_SCAN_BACKTRACE=1        each hit with the stack that freed the block (addr2line it)
 *
 * free() and realloc() look through the whole block (malloc_usable_size) before it goes back to
 * the allocator; realloc always moves the data, so that every old block is looked at. Not for
 * production: a test tool, glibc only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);

#define MAX_MARKERS 16

static char markers[MAX_MARKERS][256];
static size_t marker_len[MAX_MARKERS];
static int marker_count = -1; /* -1: not read yet */
static unsigned long frees, hits;
static int log_fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int with_backtrace;

static void say(const char *text)
{
    int fd = log_fd >= 0 ? log_fd : 2;
    size_t n = strlen(text);
    while (n) {
        ssize_t w = write(fd, text, n);
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}

__attribute__((constructor)) static void init(void)
{
    const char *spec = getenv("AWSC_FREED_SCAN"), *log = getenv("AWSC_FREED_SCAN_LOG");
    const char *only = getenv("AWSC_FREED_SCAN_PROGRAM");
    if (only && *only && strcmp(only, program_invocation_short_name) != 0) {
        __atomic_store_n(&marker_count, 0, __ATOMIC_RELEASE);
        return;
    }
    if (log && *log)
        log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if ((with_backtrace = getenv("AWSC_FREED_SCAN_BACKTRACE") != NULL)) {
        void *warm[4];
        backtrace(warm, 4); /* loads what backtrace needs now, not inside free() */
    }
    int n = 0;
    while (spec && *spec && n < MAX_MARKERS) {
        size_t len = strcspn(spec, ",");
        if (len >= 8 && len < sizeof markers[0]) {
            memcpy(markers[n], spec, len);
            marker_len[n++] = len;
        }
        spec += len + (spec[len] == ',');
    }
    __atomic_store_n(&marker_count, n, __ATOMIC_RELEASE);
}

__attribute__((destructor)) static void fini(void)
{
    if (marker_count <= 0)
        return;
    char line[160];
    snprintf(line, sizeof line, "freed-scan: pid %ld: %lu blocks freed, %lu held a secret\n", (long)getpid(), frees,
             hits);
    say(line);
}

static void scan(void *p)
{
    int n = __atomic_load_n(&marker_count, __ATOMIC_ACQUIRE);
    if (!p || n <= 0)
        return;
    size_t size = malloc_usable_size(p);
    pthread_mutex_lock(&lock);
    frees++;
    for (int i = 0; i < n; i++) {
        if (memmem(p, size, markers[i], marker_len[i])) {
            hits++;
            char line[400];
            snprintf(line, sizeof line, "freed-scan: pid %ld: \"%s\" in a freed block of %zu bytes\n", (long)getpid(),
                     markers[i], size);
            say(line);
            if (with_backtrace) {
                void *frames[32];
                backtrace_symbols_fd(frames, backtrace(frames, 32), log_fd >= 0 ? log_fd : 2);
            }
        }
    }
    pthread_mutex_unlock(&lock);
}

__attribute__((visibility("default"))) void free(void *p)
{
    scan(p);
    __libc_free(p);
}

__attribute__((visibility("default"))) void *realloc(void *p, size_t size)
{
    if (!p)
        return __libc_malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    void *q = __libc_malloc(size);
    if (!q)
        return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(q, p, old < size ? old : size);
    free(p);
    return q;
}
