/* A growable byte buffer, always NUL-terminated, used to build requests. */
#ifndef AWSC_BUF_H
#define AWSC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct awsc_buf {
    char *data; /* NULL until the first append; NUL-terminated after it */
    size_t len;
    size_t cap;
} awsc_buf;

#define AWSC_BUF_INIT {NULL, 0, 0}

/* All return 0 on success and -1 when memory runs out (the buffer is unchanged). */
int awsc_buf_reserve(awsc_buf *b, size_t extra);
int awsc_buf_append_slow(awsc_buf *b, const void *data, size_t len);

#if defined(__OPTIMIZE_SIZE__) && !defined(AWSC_BUF_DEFINE)
/* Size builds (-Os) call the one copy in buf.c: inlined or cloned per file they only add bytes. */
int awsc_buf_append(awsc_buf *b, const void *data, size_t len);
int awsc_buf_puts(awsc_buf *b, const char *s);
int awsc_buf_putc(awsc_buf *b, char c);
#else
/*
 * The common case (room left) inline: request building appends a great many
 * small pieces. C99 inline, not static: where the compiler does not inline,
 * calls go to the one external copy in buf.c, not to a copy per file.
 */
inline int awsc_buf_append(awsc_buf *b, const void *data, size_t len)
{
    if (b->data && len <= 4096 && len < b->cap - b->len) { /* bounded: big appends take the slow path */
        if (len)
            memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return 0;
    }
    return awsc_buf_append_slow(b, data, len);
}

inline int awsc_buf_puts(awsc_buf *b, const char *s)
{
    return awsc_buf_append(b, s, strlen(s));
}

inline int awsc_buf_putc(awsc_buf *b, char c)
{
    if (b->data && b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return awsc_buf_append_slow(b, &c, 1);
}
#endif
int awsc_buf_printf(awsc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* awsc_buf_printf for callers that already hold a va_list; leaves ap consumed. */
int awsc_buf_vprintf(awsc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the bytes to the caller (never NULL: "" for an empty buffer) and resets the buffer. */
char *awsc_buf_take(awsc_buf *b);
void awsc_buf_free(awsc_buf *b);

#endif
