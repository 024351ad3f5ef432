/* Streamed request bodies read from a file piece by piece (never loaded whole): `--body FILE`. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_body {
    int fd;
} file_body;

static long body_read(void *user, uint8_t *buf, size_t cap)
{
    file_body *b = user;
    for (;;) {
        ssize_t n = read(b->fd, buf, cap);
        if (n >= 0)
            return (long)n;
        if (errno != EINTR)
            return -1;
    }
}

static int body_rewind(void *user)
{
    file_body *b = user;
    return lseek(b->fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

int cli_stream_open(awsc_stream *st, const char *opt, const char *path)
{
    if (strncmp(path, "fileb://", 8) == 0)
        path += 8; /* the AWS CLI takes either spelling */
    else if (strncmp(path, "file://", 7) == 0)
        path += 7;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        fprintf(stderr, "awsc: --%s: cannot read %s: %s\n", opt, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return CLI_EXIT_USAGE;
    }
    if (!S_ISREG(sb.st_mode)) {
        /* the body is read twice (signed, then sent) and again on a retry: it must rewind */
        fprintf(stderr, "awsc: --%s: %s is not a regular file\n", opt, path);
        close(fd);
        return CLI_EXIT_USAGE;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    file_body *b = malloc(sizeof *b);
    if (!b) {
        close(fd);
        fprintf(stderr, "awsc: out of memory\n");
        return CLI_EXIT_OTHER;
    }
    cli_stream_close(st);
    b->fd = fd;
    memset(st, 0, sizeof *st);
    st->read = body_read;
    st->rewind = body_rewind;
    st->user = b;
    st->length = (int64_t)sb.st_size;
    return 0;
}

void cli_stream_close(awsc_stream *st)
{
    if (st->read == body_read && st->user) {
        file_body *b = st->user;
        close(b->fd);
        free(b);
        st->user = NULL;
        st->read = NULL;
    }
}
