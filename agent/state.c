/*
 * The agent's durable state: which job it is running, which step, and which runner runs it.
 * Written before every step (temp file, fsync, rename, fsync of the folder), so that after a
 * crash or a reboot the agent knows what ran and never runs a step twice.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *phase_names[] = {"pending", "running", "rebooting", "finishing"};

int write_atomic(const char *path, const char *text)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return -1;
    snprintf(tmp, plen + 16, "%s.tmp%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = -1;
    if (fd >= 0) {
        size_t len = strlen(text), off = 0;
        while (off < len) {
            ssize_t w = write(fd, text + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (off == len && fsync(fd) == 0)
            rc = 0;
        if (close(fd) != 0)
            rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    if (rc == 0) { /* the rename itself */
        char *dir = strdup(path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash) {
            *slash = 0;
            int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
        }
        free(dir);
    }
    return rc;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *result_path(const char *dir, int step)
{
    char name[32];
    snprintf(name, sizeof name, "result-%d.json", step);
    return join(dir, name);
}

void read_boot_id(const char *file, char *out, size_t n)
{
    out[0] = 0;
    FILE *f = fopen(file, "r");
    if (!f)
        return;
    if (fgets(out, (int)n, f))
        out[strcspn(out, "\r\n")] = 0;
    fclose(f);
}

void state_free(agent_state *st)
{
    free(st->job_id);
    free(st->final_status);
    free(st->reason);
    memset(st, 0, sizeof *st);
}

int state_save(const char *dir, const agent_state *st)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return -1;
    cJSON_AddStringToObject(o, "jobId", st->job_id);
    cJSON_AddNumberToObject(o, "step", st->step);
    cJSON_AddStringToObject(o, "phase", phase_names[st->ph]);
    cJSON_AddNumberToObject(o, "runnerPid", st->runner_pid);
    cJSON_AddNumberToObject(o, "runnerStart", (double)st->runner_start);
    cJSON_AddStringToObject(o, "bootId", st->boot_id);
    cJSON_AddNumberToObject(o, "failures", st->failures);
    cJSON_AddBoolToObject(o, "failed", st->failed);
    if (st->final_status)
        cJSON_AddStringToObject(o, "finalStatus", st->final_status);
    if (st->reason)
        cJSON_AddStringToObject(o, "reason", st->reason);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char *path = join(dir, "state.json");
    int rc = text && path ? write_atomic(path, text) : -1;
    free(text);
    free(path);
    return rc;
}

int state_load(const char *dir, agent_state *st)
{
    memset(st, 0, sizeof *st);
    char *path = join(dir, "state.json");
    if (!path)
        return -1;
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return errno == ENOENT ? 0 : -1;
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;
    cJSON *o = cJSON_Parse(buf);
    const cJSON *v;
    int rc = -1;
    if (!o || !cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "jobId")))
        goto out;
    st->job_id = strdup(v->valuestring);
    v = cJSON_GetObjectItemCaseSensitive(o, "step");
    st->step = cJSON_IsNumber(v) ? v->valueint : 0;
    v = cJSON_GetObjectItemCaseSensitive(o, "phase");
    st->ph = PHASE_PENDING;
    for (int i = 0; i < 4 && cJSON_IsString(v); i++)
        if (!strcmp(v->valuestring, phase_names[i]))
            st->ph = (phase)i;
    v = cJSON_GetObjectItemCaseSensitive(o, "runnerPid");
    st->runner_pid = cJSON_IsNumber(v) ? (pid_t)v->valueint : 0;
    v = cJSON_GetObjectItemCaseSensitive(o, "runnerStart");
    st->runner_start = cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
    v = cJSON_GetObjectItemCaseSensitive(o, "bootId");
    if (cJSON_IsString(v))
        snprintf(st->boot_id, sizeof st->boot_id, "%s", v->valuestring);
    v = cJSON_GetObjectItemCaseSensitive(o, "failures");
    st->failures = cJSON_IsNumber(v) ? v->valueint : 0;
    st->failed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "failed"));
    if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "finalStatus")))
        st->final_status = strdup(v->valuestring);
    if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "reason")))
        st->reason = strdup(v->valuestring);
    rc = st->job_id ? 1 : -1;
out:
    cJSON_Delete(o);
    if (rc != 1)
        state_free(st);
    return rc;
}

int state_clear(const char *dir)
{
    char *path = join(dir, "state.json");
    if (!path)
        return -1;
    int rc = unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    free(path);
    for (int i = 0; i <= 65; i++) { /* results of the steps of the job that ended */
        char *r = result_path(dir, i);
        if (r)
            unlink(r);
        free(r);
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return rc;
}
