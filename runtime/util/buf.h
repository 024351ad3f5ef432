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
/* Frees the buffer, cleansed first (see awsc_cleanse). */
void awsc_buf_free(awsc_buf *b);

/*
 * Zeroes `n` bytes in a way the compiler keeps before a free: memory that held a secret (a
 * credential, a token, a request signed with them) is cleansed before it goes back to the heap.
 * Buffers and arenas cleanse themselves when they free or move their storage.
 */
void awsc_cleanse(void *p, size_t n);

/* Cleanses a NUL-terminated string, then frees it (NULL: nothing). */
void awsc_free_cleansed(char *s);

/*
 * An allocator whose blocks are cleansed when freed or moved, for libraries that take one
 * (libcurl, expat): each block remembers its size in a header, so no allocator extension is needed.
 */
void *awsc_cleansing_malloc(size_t n);
void *awsc_cleansing_realloc(void *p, size_t n);
void awsc_cleansing_free(void *p);

#endif
