/*
 * One step in a supervised child, the "runner".
 *
 * The agent forks a runner per step. The runner leaves the agent's session (so it outlives an
 * agent killed by kill -9 or restarted by systemd with KillMode=process), waits for one "go"
 * byte that the agent sends only after its state file names the runner, then forks the step's
 * program in a process group of its own: argv exactly as the document gave it (never a shell),
 * for runCommand the user of runAsUser (setgid, initgroups, setuid; a handler gets that user
 * as its first argument instead, as with the Device Client), a scrubbed environment, stdin from
 * /dev/null. It keeps the last characters of stdout and stderr, counts stderr lines, kills
 * the group when the step's time is up or when the agent sends SIGTERM (the job was
 * canceled), and writes what happened to a result file (fsync, atomic rename) as its last act.
 *
 * A runner whose "go" pipe closes before the byte arrives (the agent died before its state was
 * durable) writes {"notStarted": true}: the step never ran and may run later. So a step runs at
 * most once per job, whatever crashes when.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static volatile sig_atomic_t g_cancel;

static void on_term(int sig)
{
    (void)sig;
    g_cancel = 1;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long long process_start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    /* after ")": state is field 3, starttime field 22 */
    char state = 0;
    long long start = -1;
    int field = 2;
    for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
        field++;
        if (field == 3)
            state = tok[0];
        if (field == 22) {
            start = atoll(tok);
            break;
        }
    }
    if (state == 'Z' || state == 'X')
        return -2;
    return start;
}

int runner_alive(pid_t pid, long long start_time)
{
    if (pid <= 0)
        return 0;
    long long now = process_start_time(pid);
    return now >= 0 && now == start_time;
}

/* The last `OUTPUT_TAIL` bytes of a stream. */
typedef struct tail {
    char buf[OUTPUT_TAIL];
    size_t len;
    long lines;
    int partial; /* the last byte seen was not a newline */
} tail;

static void tail_add(tail *t, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\n')
            t->lines++;
    if (n)
        t->partial = p[n - 1] != '\n';
    if (n >= OUTPUT_TAIL) {
        memcpy(t->buf, p + n - OUTPUT_TAIL, OUTPUT_TAIL);
        t->len = OUTPUT_TAIL;
        return;
    }
    if (t->len + n > OUTPUT_TAIL) {
        size_t drop = t->len + n - OUTPUT_TAIL;
        memmove(t->buf, t->buf + drop, t->len - drop);
        t->len -= drop;
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static int find_program(const char *name, char *out, size_t n)
{
    if (strchr(name, '/'))
        return snprintf(out, n, "%s", name) < (int)n ? 0 : -1;
    const char *p = SAFE_PATH;
    while (*p) {
        const char *e = strchr(p, ':');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if ((size_t)snprintf(out, n, "%.*s/%s", (int)l, p, name) < n && access(out, X_OK) == 0)
            return 0;
        p += l + (e != NULL);
    }
    return -1;
}

static void close_from(int lowest, int keep)
{
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = lowest; fd < max; fd++)
        if (fd != keep)
            close(fd);
}

/* In the step's own process: identity, environment, exec. Never returns. */
static void exec_step(const step *s, const char *prog, const struct passwd *pw, const char *job_id,
                      const char *thing, int out, int err, int report)
{
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) /* what the runner ignores would stay ignored across exec */
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        goto fail;
    close_from(3, report);
    if (pw) {
        if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
            goto fail;
        if (pw->pw_uid != 0 && setuid(0) == 0) { /* the switch must not be undoable */
            errno = EPERM;
            goto fail;
        }
    }
    const struct passwd *me = pw ? pw : getpwuid(geteuid());
    const char *home = me && me->pw_dir && *me->pw_dir ? me->pw_dir : "/";
    if (chdir(home) != 0 && chdir("/") != 0)
        goto fail;
    static char env[6][512];
    char *envp[8];
    int k = 0;
    snprintf(env[0], sizeof env[0], "PATH=%s", SAFE_PATH);
    snprintf(env[1], sizeof env[1], "HOME=%s", home);
    snprintf(env[2], sizeof env[2], "USER=%s", me ? me->pw_name : "");
    snprintf(env[3], sizeof env[3], "LANG=C");
    snprintf(env[4], sizeof env[4], "AWS_IOT_JOB_ID=%s", job_id);
    snprintf(env[5], sizeof env[5], "AWS_IOT_THING_NAME=%s", thing);
    for (; k < 6; k++)
        envp[k] = env[k];
    envp[k] = NULL;
    if (s->download) {
        close(report); /* nothing to exec: the runner stops waiting for an exec error */
        _exit(download_run(s));
    }
    execve(prog, s->argv, envp);
fail:;
    int e = errno ? errno : EINVAL;
    ssize_t w = write(report, &e, sizeof e);
    (void)w;
    _exit(127);
}

static void run_step(const step *s, const char *job_id, const agent_config *cfg, step_result *res)
{
    char prog[4096];
    struct passwd *pw = NULL, pwbuf;
    char pwstore[4096];
    res->exit_code = -1;
    if (!s->run_command && !s->download) {
        char why[256];
        if (handler_safe(s->argv[0], why, sizeof why) != 0) { /* again, right before it runs */
            snprintf(res->error, sizeof res->error, "%s", why);
            return;
        }
    }
    if (s->download)
        snprintf(prog, sizeof prog, "download");
    else if (find_program(s->argv[0], prog, sizeof prog) != 0) {
        snprintf(res->error, sizeof res->error, "command %.200s not found", s->argv[0]);
        return;
    }
    /* runCommand and the built-in download run as runAsUser; a handler runs as the agent and
     * gets runAsUser as its first argument, as the Device Client's handlers expect */
    if (s->run_as && (s->run_command || s->download) && (getpwnam_r(s->run_as, &pwbuf, pwstore, sizeof pwstore, &pw) != 0 || !pw)) {
        snprintf(res->error, sizeof res->error, "user %.64s not found", s->run_as);
        return;
    }
    int out[2], err[2], rep[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(rep, O_CLOEXEC)) {
        snprintf(res->error, sizeof res->error, "pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(res->error, sizeof res->error, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0)
        exec_step(s, prog, pw, job_id, cfg->thing, out[1], err[1], rep[1]);
    setpgid(pid, pid);
    close(out[1]);
    close(err[1]);
    close(rep[1]);
    int e = 0;
    ssize_t got;
    while ((got = read(rep[0], &e, sizeof e)) < 0 && errno == EINTR) {
    }
    close(rep[0]);
    if (got == (ssize_t)sizeof e) {
        snprintf(res->error, sizeof res->error, "cannot run %.200s: %s", prog, strerror(e));
        waitpid(pid, NULL, 0);
        close(out[0]);
        close(err[0]);
        return;
    }
    tail to = {{0}, 0, 0, 0}, te = {{0}, 0, 0, 0};
    double deadline = s->timeout > 0 ? mono() + s->timeout : 0, exited_at = 0;
    int status = 0, done = 0;
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    for (;;) {
        if (g_cancel && !res->canceled) {
            res->canceled = 1;
            kill(-pid, SIGKILL);
        }
        if (deadline && mono() >= deadline && !res->timed_out && !done) {
            res->timed_out = 1;
            kill(-pid, SIGKILL);
        }
        if (!done && waitpid(pid, &status, WNOHANG) == pid) {
            done = 1;
            exited_at = mono();
        }
        int open_fds = (fds[0].fd >= 0) + (fds[1].fd >= 0);
        /* A program that left children holding its output gets a second to finish writing. */
        if (done && (open_fds == 0 || mono() - exited_at > 1.0))
            break;
        if (poll(fds, 2, 100) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[4096];
            ssize_t r = read(fds[i].fd, buf, sizeof buf);
            if (r > 0)
                tail_add(i ? &te : &to, buf, (size_t)r);
            else if (r == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    if (WIFEXITED(status))
        res->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        res->signal = WTERMSIG(status);
    res->stderr_lines = te.lines + te.partial;
    memcpy(res->out, to.buf, to.len);
    res->out[to.len] = 0;
    memcpy(res->err, te.buf, te.len);
    res->err[te.len] = 0;
}

static int result_write(const char *path, const step_result *res)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return -1;
    cJSON_AddBoolToObject(o, "notStarted", res->not_started);
    cJSON_AddNumberToObject(o, "exit", res->exit_code);
    cJSON_AddNumberToObject(o, "signal", res->signal);
    cJSON_AddBoolToObject(o, "timedOut", res->timed_out);
    cJSON_AddBoolToObject(o, "canceled", res->canceled);
    cJSON_AddNumberToObject(o, "stderrLines", (double)res->stderr_lines);
    cJSON_AddStringToObject(o, "error", res->error);
    cJSON_AddStringToObject(o, "stdout", res->out);
    cJSON_AddStringToObject(o, "stderr", res->err);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = text ? write_atomic(path, text) : -1;
    free(text);
    return rc;
}

int result_read(const char *path, step_result *res)
{
    memset(res, 0, sizeof *res);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;
    cJSON *o = cJSON_Parse(buf);
    if (!o)
        return -1;
    const cJSON *v;
    res->not_started = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "notStarted"));
    res->timed_out = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "timedOut"));
    res->canceled = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "canceled"));
    res->exit_code = (v = cJSON_GetObjectItemCaseSensitive(o, "exit")) && cJSON_IsNumber(v) ? v->valueint : -1;
    res->signal = (v = cJSON_GetObjectItemCaseSensitive(o, "signal")) && cJSON_IsNumber(v) ? v->valueint : 0;
    res->stderr_lines = (v = cJSON_GetObjectItemCaseSensitive(o, "stderrLines")) && cJSON_IsNumber(v)
                            ? (long)v->valuedouble : 0;
    const char *names[] = {"error", "stdout", "stderr"};
    char *dst[] = {res->error, res->out, res->err};
    size_t cap[] = {sizeof res->error, sizeof res->out, sizeof res->err};
    for (int i = 0; i < 3; i++)
        if ((v = cJSON_GetObjectItemCaseSensitive(o, names[i])) && cJSON_IsString(v))
            snprintf(dst[i], cap[i], "%s", v->valuestring);
    cJSON_Delete(o);
    return 0;
}

int runner_spawn(const step *s, const char *job_id, const agent_config *cfg, const char *rpath, runner *r,
                 char *why, size_t n)
{
    int go[2];
    if (pipe2(go, O_CLOEXEC) != 0)
        return snprintf(why, n, "pipe: %s", strerror(errno)), -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(go[0]);
        close(go[1]);
        return snprintf(why, n, "fork: %s", strerror(errno)), -1;
    }
    if (pid == 0) {
        close(go[1]);
        setsid();
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_term;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        close_from(3, go[0]);
        step_result res;
        memset(&res, 0, sizeof res);
        char c;
        ssize_t got;
        while ((got = read(go[0], &c, 1)) < 0 && errno == EINTR && !g_cancel) {
        }
        close(go[0]);
        if (got != 1) {
            res.not_started = 1;
            res.exit_code = -1;
        } else {
            run_step(s, job_id, cfg, &res);
        }
        _exit(result_write(rpath, &res) == 0 ? 0 : 1);
    }
    close(go[0]);
    r->pid = pid;
    r->go_fd = go[1];
    r->start_time = process_start_time(pid);
    return 0;
}

int runner_go(runner *r)
{
    ssize_t w;
    while ((w = write(r->go_fd, "g", 1)) < 0 && errno == EINTR) {
    }
    close(r->go_fd);
    r->go_fd = -1;
    return w == 1 ? 0 : -1;
}
