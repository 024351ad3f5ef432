/* A growable byte buffer, always NUL-terminated, used to build requests. */
#ifndef AWSC_BUF_H
#define AWSC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct awsc_buf {
    char *data; /* NULL until the first append; NUL-terminated after it */
    size_t len;
    size_t cap;
} awsc_buf;

#define AWSC_BUF_INIT {NULL, 0, 0}

/* All return 0 on success and -1 when memory runs out (the buffer is unchanged). */
int awsc_buf_reserve(awsc_buf *b, size_t extra);
int awsc_buf_append(awsc_buf *b, const void *data, size_t len);
int awsc_buf_puts(awsc_buf *b, const char *s);
int awsc_buf_putc(awsc_buf *b, char c);
int awsc_buf_printf(awsc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (never NULL: "" for an empty buffer) and resets the buffer. */
char *awsc_buf_take(awsc_buf *b);
void awsc_buf_free(awsc_buf *b);

#endif
