#define AWSC_BUF_DEFINE /* the inline definitions, even in size builds */
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The external definitions of buf.h's inline functions. */
extern inline int awsc_buf_append(awsc_buf *b, const void *data, size_t len);
extern inline int awsc_buf_puts(awsc_buf *b, const char *s);
extern inline int awsc_buf_putc(awsc_buf *b, char c);

int awsc_buf_reserve(awsc_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* Moved by hand rather than realloc: the old block is cleansed before it is freed. */
    char *p = malloc(cap);
    if (!p)
        return -1;
    if (b->data) {
        memcpy(p, b->data, b->cap);
        awsc_cleanse(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int awsc_buf_append_slow(awsc_buf *b, const void *data, size_t len)
{
    if (awsc_buf_reserve(b, len) != 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int awsc_buf_vprintf(awsc_buf *b, const char *fmt, va_list ap)
{
    /* Most strings fit the stack buffer: one format pass, no guessing at sizes. */
    char small[256];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    int rc = -1;
    if (n < 0)
        goto out;
    if ((size_t)n < sizeof small) {
        rc = awsc_buf_append(b, small, (size_t)n);
        goto out;
    }
    if (awsc_buf_reserve(b, (size_t)n) != 0)
        goto out;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    b->len += (size_t)n;
    rc = 0;
out:
    va_end(again);
    return rc;
}

int awsc_buf_printf(awsc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = awsc_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *awsc_buf_take(awsc_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

/* memset through a volatile pointer: a store the compiler cannot drop as dead before free. */
static void *(*const volatile cleanse_memset)(void *, int, size_t) = memset;

void awsc_cleanse(void *p, size_t n)
{
    if (p && n)
        cleanse_memset(p, 0, n);
}

void awsc_free_cleansed(char *s)
{
    if (s) {
        awsc_cleanse(s, strlen(s));
        free(s);
    }
}

#define MEM_HEADER sizeof(max_align_t)

void *awsc_cleansing_malloc(size_t n)
{
    if (n > SIZE_MAX - MEM_HEADER)
        return NULL;
    unsigned char *p = malloc(n + MEM_HEADER);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + MEM_HEADER;
}

void awsc_cleansing_free(void *q)
{
    if (!q)
        return;
    unsigned char *p = (unsigned char *)q - MEM_HEADER;
    size_t n;
    memcpy(&n, p, sizeof n);
    awsc_cleanse(q, n);
    free(p);
}

void *awsc_cleansing_realloc(void *q, size_t n)
{
    if (!q)
        return awsc_cleansing_malloc(n);
    size_t old;
    memcpy(&old, (unsigned char *)q - MEM_HEADER, sizeof old);
    if (n <= old)
        return q; /* shrinking keeps the block (and its size, for the cleansing) */
    void *grown = awsc_cleansing_malloc(n);
    if (!grown)
        return NULL;
    memcpy(grown, q, old);
    awsc_cleansing_free(q);
    return grown;
}

void awsc_buf_free(awsc_buf *b)
{
    awsc_cleanse(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
