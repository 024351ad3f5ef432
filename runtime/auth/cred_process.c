/*
 * credential_process: a profile's command, run with /bin/sh -c, prints
 * {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
 * on stdout. It gets a deadline and a stdout size cap; a non-zero exit is an
 * error that quotes the start of its stderr (never its stdout, which may hold
 * secrets).
 */
#include "auth/cred_sources.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STDOUT_BYTES (64 * 1024)
#define STDERR_EXCERPT 512
#define DEFAULT_TIMEOUT_MS 60000

extern char **environ;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cloexec_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    /* Not inherited by processes other threads start meanwhile (pipe2 is not POSIX). */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Printable one-line excerpt of stderr for the error message. */
static void excerpt(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
    for (char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
}

int awsc_cred_process(const char *command, long timeout_ms, awsc_credentials *out, awsc_error *err)
{
    memset(out, 0, sizeof *out);
    if (timeout_ms <= 0)
        timeout_ms = DEFAULT_TIMEOUT_MS;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    if (cloexec_pipe(out_pipe) != 0 || cloexec_pipe(err_pipe) != 0) {
        int e = errno;
        for (int i = 0; i < 2; i++)
            if (out_pipe[i] >= 0)
                close(out_pipe[i]);
        return awsc_error_set(err, AWSC_E_CONFIG, "credential_process: cannot create a pipe: %s", strerror(e));
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawnattr_init(&attr);
    /* Its own process group, so a timeout kills the shell and whatever it started. */
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    pid_t pid;
    int spawn_rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (spawn_rc != 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        return awsc_error_set(err, AWSC_E_CONFIG, "credential_process: cannot start /bin/sh: %s",
                              strerror(spawn_rc));
    }

    awsc_buf stdout_buf = AWSC_BUF_INIT;
    char stderr_buf[STDERR_EXCERPT + 1];
    size_t stderr_len = 0;
    const char *problem = NULL;
    bool nomem = false;
    long long deadline = now_ms() + timeout_ms;
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    int status = 0;
    bool reaped = false, drained = false;
    /*
     * Until the command has exited and its pipes are read (or, once it has exited, hold no more
     * data: a background child it left may hold them open for ever), all against the deadline.
     */
    while (!problem && !drained && (open_fds > 0 || !reaped)) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            problem = "timed out";
            break;
        }
        if (!reaped) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            reaped = w == pid || (w < 0 && errno == ECHILD);
        }
        /* Exited: what it printed is in the pipes already, so stop when they have nothing more. */
        int wait = reaped ? 0 : (int)(left > 50 ? 50 : left);
        int n = open_fds ? poll(fds, 2, wait) : poll(NULL, 0, wait);
        if (n < 0 && errno != EINTR) {
            problem = "poll failed";
            break;
        }
        if (reaped && n == 0)
            drained = true;
        for (int i = 0; i < 2 && n > 0; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[4096];
            ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            if (i == 0) {
                if (stdout_buf.len + (size_t)got > MAX_STDOUT_BYTES)
                    problem = "printed more than 64 KiB";
                else if (awsc_buf_append(&stdout_buf, chunk, (size_t)got) != 0)
                    nomem = true, problem = "out of memory";
                OPENSSL_cleanse(chunk, sizeof chunk);
            } else {
                size_t take = (size_t)got < STDERR_EXCERPT - stderr_len ? (size_t)got : STDERR_EXCERPT - stderr_len;
                memcpy(stderr_buf + stderr_len, chunk, take);
                stderr_len += take;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    if (!reaped) { /* failed or timed out, perhaps after closing its pipes: the whole group goes */
        kill(-pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    stderr_buf[stderr_len] = '\0';
    excerpt(stderr_buf);

    int rc;
    if (nomem)
        rc = awsc_error_nomem(err);
    else if (problem)
        rc = awsc_error_set(err, AWSC_E_CONFIG, "credential_process %s (after %ld ms limit)", problem, timeout_ms);
    else if (WIFSIGNALED(status))
        rc = awsc_error_set(err, AWSC_E_CONFIG, "credential_process was killed by signal %d%s%s",
                            WTERMSIG(status), stderr_buf[0] ? ": " : "", stderr_buf);
    else if (WEXITSTATUS(status) != 0)
        rc = awsc_error_set(err, AWSC_E_CONFIG, "credential_process exited with status %d%s%s",
                            WEXITSTATUS(status), stderr_buf[0] ? ": " : "", stderr_buf);
    else if (!stdout_buf.len)
        rc = awsc_error_set(err, AWSC_E_CONFIG, "credential_process printed nothing");
    else
        rc = awsc_cred_parse_json(AWSC_CRED_JSON_PROCESS, stdout_buf.data, stdout_buf.len, "credential_process",
                                  out, err);
    if (rc == AWSC_E_RESPONSE)
        awsc_error_target(err)->status = AWSC_E_CONFIG; /* a broken local command is a configuration problem */
    if (stdout_buf.data)
        OPENSSL_cleanse(stdout_buf.data, stdout_buf.cap);
    awsc_buf_free(&stdout_buf);
    return rc == AWSC_E_RESPONSE ? AWSC_E_CONFIG : rc;
}
