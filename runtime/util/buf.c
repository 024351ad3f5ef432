#define AWSC_BUF_DEFINE /* the inline definitions, even in size builds */
#include "util/buf.h"

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
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
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

void awsc_buf_free(awsc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
