/*
 * awsc-jobs-agent: runs AWS IoT jobs on a device over HTTPS, with the generated IoT Jobs
 * data-plane client.
 *
 *   awsc-jobs-agent [--config FILE] [--once | --until-idle] [--KEY VALUE | --KEY=VALUE]...
 *
 * Every setting of the configuration file (agent/awsc-jobs-agent.conf.example) is also a flag,
 * with dashes or underscores. Exit status: 0 done or stopped by SIGTERM/SIGINT, 1 an error
 * (with --once: the job could not be handled), 2 a usage or configuration error.
 *
 * The loop: StartNextPendingJobExecution (with jitter between polls, a growing backoff while
 * throttled), the document checked whole (REJECTED with the reason when a rule is broken), then
 * per step: the state file written durably, IN_PROGRESS reported, the step run by a runner
 * (runner.c) while heartbeats extend the service's step timer and DescribeJobExecution notices
 * a cancel (the step's processes are then killed), and the outcome reported. SUCCEEDED or
 * FAILED with the reason ends the job. After a crash or a reboot the state file says where the
 * job was; StartNext returns the IN_PROGRESS execution first and the agent resumes it without
 * running any step twice.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <awsc/iot_jobs_data.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef awsc_iot_jobs_data_details_map_entry detail;
typedef awsc_iot_jobs_data_job_execution_status exec_status;
#define ST(x) AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_##x
#define MAX_DETAILS 8
#define VALUE_MAX OUTPUT_TAIL

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    g_stop = sig;
}

typedef struct agent {
    agent_config cfg;
    awsc_iot_jobs_data_client *client;
    uint64_t rng;
    double backoff; /* seconds; 0 while the service answers */
    long timer_minutes; /* the next IN_PROGRESS update's stepTimeoutInMinutes, if not the configured one */
} agent;

typedef struct job {
    const char *id;
    int64_t version;
    int has_version;
    plan p;
    agent_state st;
    const char *gone; /* the status that took the job away from us */
    double t0;        /* when this agent took the job up */
} job;

typedef enum outcome { OUT_OK, OUT_GONE, OUT_ERROR } outcome;

/* statusDetails under construction: values cleaned to what the service accepts. */
typedef struct details {
    detail d[MAX_DETAILS];
    char v[MAX_DETAILS][VALUE_MAX + 1];
    size_t n;
} details;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (!g_stop && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double random01(agent *a)
{
    a->rng ^= a->rng << 13;
    a->rng ^= a->rng >> 7;
    a->rng ^= a->rng << 17;
    return (double)(a->rng >> 11) / 9007199254740992.0;
}

/*
 * Adds one entry. Values are printable ASCII (other bytes become '?', control characters
 * spaces: the service refuses control characters), at most 1024 characters, the end kept
 * when `keep_end` (output tails), else the start with a visible "...".
 */
static void put(details *ds, const char *key, const char *value, int keep_end)
{
    if (ds->n >= MAX_DETAILS || !value || !*value)
        return;
    size_t len = strlen(value), from = 0;
    char *out = ds->v[ds->n];
    if (len > VALUE_MAX && keep_end)
        from = len - VALUE_MAX;
    size_t k = 0;
    for (size_t i = from; i < len && k < VALUE_MAX; i++) {
        unsigned char c = (unsigned char)value[i];
        out[k++] = c < 0x20 || c == 0x7f ? ' ' : c >= 0x80 ? '?' : (char)c;
    }
    if (len - from > VALUE_MAX)
        memcpy(out + VALUE_MAX - 3, "...", 3);
    out[k] = 0;
    while (k && out[k - 1] == ' ') /* trailing newlines of an output tail */
        out[--k] = 0;
    if (!k)
        return;
    ds->d[ds->n].key = key;
    ds->d[ds->n].value = out;
    ds->n++;
}

static const char *err_code(const awsc_error *e)
{
    return e->code ? e->code : awsc_status_str(e->status);
}

static int code_is(const awsc_error *e, const char *code)
{
    return e->code && !strcmp(e->code, code);
}

static int throttled(const awsc_error *e)
{
    return e->status == AWSC_E_TRANSPORT || e->http_status == 429 || e->http_status >= 500 ||
           code_is(e, "ThrottlingException") || code_is(e, "ServiceUnavailableException");
}

static const char *status_name(exec_status s)
{
    const char *n = awsc_iot_jobs_data_job_execution_status_to_string(s);
    return n ? n : "UNKNOWN";
}

/* One line per job that leaves this device, in a fixed form (scripts/demo.py reads it). */
static void ended(const job *j, const char *status)
{
    log_info("job %s ended %s version=%lld seconds=%.1f", j->id, status, (long long)j->version, mono() - j->t0);
}

/* ---- the service -------------------------------------------------------------------------- */

static int client_new(agent *a)
{
    const agent_config *c = &a->cfg;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.endpoint_url = c->endpoint;
    cfg.region = c->region;
    cfg.ca_file = c->ca;
    cfg.max_attempts = 3;
    cfg.request_timeout_ms = 20000;
    if (!strcmp(c->credentials, "iot")) {
        cfg.tls_cert_file = c->cert;
        cfg.tls_key_file = c->key;
        cfg.iot_credentials_endpoint = c->credentials_endpoint;
        cfg.iot_role_alias = c->role_alias;
        cfg.iot_thing_name = c->thing;
    } else if (!strcmp(c->credentials, "mtls")) {
        cfg.tls_cert_file = c->cert;
        cfg.tls_key_file = c->key;
        cfg.use_mtls = true;
    }
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &a->client, &err) != AWSC_OK) {
        log_error("cannot create the IoT Jobs client: %s", err.message);
        awsc_error_clear(&err);
        return -1;
    }
    return 0;
}

/* The execution as the service sees it: OUT_OK while it is ours to run, else OUT_GONE. */
static outcome check(agent *a, job *j, awsc_iot_jobs_data_describe_job_execution_response **keep)
{
    awsc_iot_jobs_data_describe_job_execution_request req = {
        .job_id = j->id, .thing_name = a->cfg.thing, .include_job_document = false,
        .has_include_job_document = true};
    awsc_iot_jobs_data_describe_job_execution_response *resp = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    outcome o = OUT_ERROR;
    if (awsc_iot_jobs_data_describe_job_execution(a->client, &req, &resp, &err) == AWSC_OK && resp->execution) {
        exec_status s = resp->execution->status;
        j->version = resp->execution->version_number;
        j->has_version = 1;
        if (s == ST(IN_PROGRESS) || s == ST(QUEUED)) {
            o = OUT_OK;
        } else {
            j->gone = status_name(s);
            o = OUT_GONE;
        }
    } else if (code_is(&err, "ResourceNotFoundException") || code_is(&err, "TerminalStateException")) {
        j->gone = "REMOVED";
        o = OUT_GONE;
    } else if (!g_stop) {
        log_warn("job %s: DescribeJobExecution: %s: %s", j->id, err_code(&err),
                 err.message ? err.message : "no execution");
    }
    if (keep && o != OUT_ERROR)
        *keep = resp;
    else
        awsc_output_free(resp);
    awsc_error_clear(&err);
    return o;
}

static int same_details(const awsc_iot_jobs_data_details_map *m, const details *ds)
{
    if (m->count != ds->n)
        return 0;
    for (size_t i = 0; i < ds->n; i++) {
        size_t k = 0;
        while (k < m->count && strcmp(m->entries[k].key, ds->d[i].key))
            k++;
        if (k == m->count || !m->entries[k].value || strcmp(m->entries[k].value, ds->d[i].value))
            return 0;
    }
    return 1;
}

/*
 * One UpdateJobExecution guarded by expectedVersion. When the reply is lost or the version
 * moved, the execution is read back: an update that did land (same status, same details) is
 * taken as done, never sent again as a new one; a job that left IN_PROGRESS is OUT_GONE.
 */
static outcome update(agent *a, job *j, exec_status status, const details *ds)
{
    awsc_iot_jobs_data_update_job_execution_request req = {
        .job_id = j->id, .thing_name = a->cfg.thing, .status = status,
        .status_details = {ds->d, ds->n},
        .include_job_execution_state = true, .has_include_job_execution_state = true};
    if (status == ST(IN_PROGRESS) && a->cfg.service_step_timeout > 0) {
        req.step_timeout_in_minutes = a->timer_minutes ? a->timer_minutes : a->cfg.service_step_timeout;
        req.has_step_timeout_in_minutes = true;
    }
    a->timer_minutes = 0;
    for (int attempt = 0; attempt < 4 && !g_stop; attempt++) {
        req.expected_version = j->version;
        req.has_expected_version = j->has_version;
        awsc_iot_jobs_data_update_job_execution_response *resp = NULL;
        awsc_error err = AWSC_ERROR_INIT;
        if (awsc_iot_jobs_data_update_job_execution(a->client, &req, &resp, &err) == AWSC_OK) {
            j->has_version = resp->execution_state != NULL;
            if (resp->execution_state)
                j->version = resp->execution_state->version_number;
            awsc_output_free(resp);
            return OUT_OK;
        }
        /* a 409 is how a cancel or a moved version shows: what follows says which */
        logf_(err.http_status == 409 ? LOG_LVL_DEBUG : LOG_LVL_WARN, "job %s: UpdateJobExecution %s: %s: %s", j->id,
              status_name(status), err_code(&err), err.message ? err.message : "");
        int reconcile = err.status == AWSC_E_TRANSPORT || err.http_status == 409 || err.http_status >= 500 ||
                        err.http_status == 404 || err.http_status == 429 || err.status == AWSC_E_RESPONSE;
        awsc_error_clear(&err);
        if (!reconcile)
            return OUT_ERROR;
        awsc_iot_jobs_data_describe_job_execution_response *now = NULL;
        outcome o = check(a, j, &now);
        if (o == OUT_ERROR) {
            pause_s(1);
            continue;
        }
        const awsc_iot_jobs_data_job_execution *e = now->execution;
        int landed = e && e->status == status && same_details(&e->status_details, ds);
        awsc_output_free(now);
        if (landed) {
            log_info("job %s: the %s update had landed (version %lld)", j->id, status_name(status),
                     (long long)j->version);
            return OUT_OK;
        }
        if (o == OUT_GONE)
            return OUT_GONE;
        /* still IN_PROGRESS at another version: send again with the version just read */
    }
    return OUT_ERROR;
}

/* ---- steps ---------------------------------------------------------------------------------- */

typedef enum wait_end { WAIT_DONE, WAIT_GONE, WAIT_STOP } wait_end;

static void progress(details *ds, const job *j, int i, const char *state)
{
    char pos[32];
    snprintf(pos, sizeof pos, "%d/%d", i + 1, j->p.nsteps);
    put(ds, "agent", AGENT_NAME, 0);
    put(ds, "step", pos, 0);
    put(ds, "stepName", j->p.steps[i].name, 0);
    put(ds, "state", state, 0);
}

static int runner_exited(pid_t pid, long long start, int is_child)
{
    if (is_child) {
        int status;
        pid_t w = waitpid(pid, &status, WNOHANG);
        return w == pid || (w < 0 && errno == ECHILD);
    }
    return !runner_alive(pid, start);
}

/*
 * Waits for the runner of step i, our child or one a previous agent started. Meanwhile:
 * heartbeats (IN_PROGRESS with stepTimeoutInMinutes) keep the service's step timer from
 * expiring, and a job that is canceled, removed or timed out has its step killed.
 */
static wait_end wait_step(agent *a, job *j, int i, pid_t pid, long long start, int is_child)
{
    double t0 = mono(), next_hb = t0 + a->cfg.heartbeat_interval, next_check = t0 + a->cfg.cancel_check_interval;
    for (;;) {
        if (runner_exited(pid, start, is_child))
            return WAIT_DONE;
        if (g_stop)
            return WAIT_STOP;
        double now = mono();
        outcome o = OUT_OK;
        if (a->cfg.heartbeat_interval > 0 && now >= next_hb) {
            details ds = {0};
            char elapsed[32];
            snprintf(elapsed, sizeof elapsed, "%.0fs", now - t0);
            progress(&ds, j, i, "running");
            put(&ds, "elapsed", elapsed, 0);
            o = update(a, j, ST(IN_PROGRESS), &ds);
            next_hb = now + a->cfg.heartbeat_interval;
            next_check = now + a->cfg.cancel_check_interval;
        } else if (now >= next_check) {
            o = check(a, j, NULL);
            next_check = now + a->cfg.cancel_check_interval;
        }
        if (o == OUT_GONE) {
            log_info("job %s is %s: stopping step %d", j->id, j->gone, i + 1);
            kill(pid, SIGTERM); /* the runner kills the step's process group */
            for (double until = mono() + 3; mono() < until && !runner_exited(pid, start, is_child);)
                pause_s(0.02);
            if (!runner_exited(pid, start, is_child)) {
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                if (is_child)
                    waitpid(pid, NULL, 0);
            }
            return WAIT_GONE;
        }
        pause_s(0.05);
    }
}

/* What a finished step means: 0 success, else a failure with its reason in `why`. */
static int judge(const step *s, const step_result *r, char *why, size_t n)
{
    if (r->error[0])
        return snprintf(why, n, "%s", r->error), -1;
    if (r->timed_out)
        return snprintf(why, n, "timed out after %gs", s->timeout), -1;
    if (r->signal)
        return snprintf(why, n, "killed by signal %d", r->signal), -1;
    if (r->exit_code != 0)
        return snprintf(why, n, "exited with status %d", r->exit_code), -1;
    if (s->allow_stderr >= 0 && r->stderr_lines > s->allow_stderr)
        return snprintf(why, n, "wrote %ld lines to stderr (allowStdErr %ld)", r->stderr_lines,
                        s->allow_stderr), -1;
    return snprintf(why, n, "ok"), 0;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = v ? strdup(v) : NULL;
}

/* After a step: the state moves on, and the service hears how it went. */
static outcome step_done(agent *a, job *j, int i, const step_result *r, int ok, const char *msg)
{
    const step *s = &j->p.steps[i];
    char reason[512];
    snprintf(reason, sizeof reason, "step %d (%s) %s", i + 1, s->name, msg);
    if (ok) {
        log_info("job %s: step %d/%d (%s) ok", j->id, i + 1, j->p.nsteps, s->name);
    } else if (s->ignore_failure) {
        log_info("job %s: %s; ignoreStepFailure", j->id, reason);
        j->st.failures++;
    } else {
        log_info("job %s: %s", j->id, reason);
        j->st.failed = 1;
        set_str(&j->st.reason, reason);
    }
    j->st.step = i + 1;
    j->st.ph = PHASE_PENDING;
    j->st.runner_pid = 0;
    if (state_save(a->cfg.state_dir, &j->st) != 0)
        log_error("cannot write the state file in %s: %s", a->cfg.state_dir, strerror(errno));
    if (j->st.failed && !ok && !s->ignore_failure) {
        /* the FAILED report follows and carries the output */
        return OUT_OK;
    }
    details ds = {0};
    progress(&ds, j, i, ok ? "done" : "failed (ignored)");
    put(&ds, "last", ok ? msg : reason, 0);
    if (r && j->p.include_stdout)
        put(&ds, "stdout", r->out, 1);
    return update(a, j, ST(IN_PROGRESS), &ds);
}

/* Ends the job: the decision is durable before it is sent, so a lost reply is sent again. */
static void finish(agent *a, job *j, const step_result *last)
{
    if (j->st.ph != PHASE_FINISHING) {
        j->st.ph = PHASE_FINISHING;
        set_str(&j->st.final_status, j->st.failed ? "FAILED" : "SUCCEEDED");
        if (!j->st.failed) {
            char msg[64];
            snprintf(msg, sizeof msg, j->st.failures ? "all steps ran; %d failure(s) ignored" : "all steps ok",
                     j->st.failures);
            set_str(&j->st.reason, msg);
        }
        state_save(a->cfg.state_dir, &j->st);
    }
    int failed = !strcmp(j->st.final_status, "FAILED");
    details ds = {0};
    char pos[32];
    snprintf(pos, sizeof pos, "%d/%d", j->st.step, j->p.nsteps);
    put(&ds, "agent", AGENT_NAME, 0);
    put(&ds, "step", pos, 0);
    put(&ds, failed ? "reason" : "last", j->st.reason, 0);
    if (last && (j->p.include_stdout || failed))
        put(&ds, "stdout", last->out, 1);
    if (last && failed)
        put(&ds, "stderr", last->err, 1);
    outcome o = update(a, j, failed ? ST(FAILED) : ST(SUCCEEDED), &ds);
    if (o == OUT_OK) {
        log_info("job %s %s: %s", j->id, j->st.final_status, j->st.reason);
        ended(j, j->st.final_status);
    } else if (o == OUT_GONE) {
        log_info("job %s was %s before it could be reported %s", j->id, j->gone, j->st.final_status);
        ended(j, j->gone);
    } else {
        log_error("job %s: could not report %s; it is reported again on the next poll", j->id,
                  j->st.final_status);
        return;
    }
    state_clear(a->cfg.state_dir);
}

static void forget(agent *a, job *j)
{
    log_info("job %s is %s: given up", j->id, j->gone ? j->gone : "gone");
    ended(j, j->gone ? j->gone : "REMOVED");
    state_clear(a->cfg.state_dir);
}

/* A reboot step asked for a reboot: wait for it (the next boot reports the step done). */
static int wait_reboot(agent *a, job *j)
{
    log_info("job %s: waiting up to %gs for the device to reboot", j->id, a->cfg.reboot_wait);
    double until = mono() + a->cfg.reboot_wait;
    while (!g_stop && mono() < until) {
        pause_s(a->cfg.cancel_check_interval);
        if (check(a, j, NULL) == OUT_GONE)
            return forget(a, j), -1;
    }
    return g_stop ? -1 : 0;
}

static void run_job(agent *a, job *j)
{
    char boot[64], msg[512];
    read_boot_id(a->cfg.boot_id_file, boot, sizeof boot);
    step_result res, *last = NULL;
    char *rpath = NULL;

    if (j->st.ph == PHASE_FINISHING) {
        finish(a, j, NULL);
        return;
    }
    if (j->st.ph == PHASE_REBOOTING) {
        if (strcmp(boot, j->st.boot_id) != 0) {
            memset(&res, 0, sizeof res);
            if (step_done(a, j, j->st.step, NULL, 1, "done: the device rebooted") == OUT_GONE)
                goto gone;
        } else {
            if (wait_reboot(a, j) != 0)
                return;
            snprintf(msg, sizeof msg, "asked for a reboot, but the device did not reboot within %gs",
                     a->cfg.reboot_wait);
            if (step_done(a, j, j->st.step, NULL, 0, msg) == OUT_GONE)
                goto gone;
        }
    }
    while (!g_stop) {
        int i = j->st.step;
        if (i >= j->p.nsteps || j->st.failed) /* a failure ends the job: finalStep is skipped */
            break;
        const step *s = &j->p.steps[i];
        free(rpath);
        rpath = result_path(a->cfg.state_dir, i);
        int have = 0;
        if (j->st.ph == PHASE_RUNNING) {
            /* a previous agent started this step: its result, its runner, or neither */
            int got = result_read(rpath, &res) == 0;
            if (got && !res.not_started) {
                have = 1;
            } else if (got) {
                /* the runner never got "go": the step never ran, and runs now */
            } else if (!strcmp(boot, j->st.boot_id) && runner_alive(j->st.runner_pid, j->st.runner_start)) {
                log_info("job %s: step %d still runs in runner %d; waiting for it", j->id, i + 1,
                         (int)j->st.runner_pid);
                wait_end w = wait_step(a, j, i, j->st.runner_pid, j->st.runner_start, 0);
                if (w == WAIT_STOP)
                    break;
                if (w == WAIT_GONE)
                    goto gone;
                have = result_read(rpath, &res) == 0;
                if (!have) {
                    memset(&res, 0, sizeof res);
                    snprintf(res.error, sizeof res.error, "its runner ended without a result");
                    have = 1;
                }
            } else if (s->reboot && strcmp(boot, j->st.boot_id) != 0) {
                if (step_done(a, j, i, NULL, 1, "done: the device rebooted") == OUT_GONE)
                    goto gone;
                continue;
            } else if (s->download) {
                /* a download is safe to repeat: it resumes from its part file */
                log_info("job %s: download step %d was interrupted; resuming it", j->id, i + 1);
            } else {
                memset(&res, 0, sizeof res);
                snprintf(res.error, sizeof res.error,
                         "was interrupted (the agent or the device restarted while it ran) and is not run twice");
                have = 1;
            }
        }
        if (!have) {
            unlink(rpath);
            j->st.ph = PHASE_PENDING;
            if (state_save(a->cfg.state_dir, &j->st) != 0) {
                log_error("cannot write the state file in %s: %s; not running job %s", a->cfg.state_dir,
                          strerror(errno), j->id);
                break;
            }
            details ds = {0};
            progress(&ds, j, i, "running");
            outcome o = update(a, j, ST(IN_PROGRESS), &ds);
            if (o == OUT_GONE)
                goto gone;
            if (o == OUT_ERROR)
                break; /* the next poll resumes here: the step has not run */
            runner r;
            if (runner_spawn(s, j->id, &a->cfg, rpath, &r, msg, sizeof msg) != 0) {
                memset(&res, 0, sizeof res);
                snprintf(res.error, sizeof res.error, "%.250s", msg);
            } else {
                j->st.ph = PHASE_RUNNING;
                j->st.runner_pid = r.pid;
                j->st.runner_start = r.start_time;
                snprintf(j->st.boot_id, sizeof j->st.boot_id, "%s", boot);
                if (state_save(a->cfg.state_dir, &j->st) != 0) {
                    log_error("cannot write the state file in %s: %s", a->cfg.state_dir, strerror(errno));
                    close(r.go_fd); /* the runner exits without running the step */
                    waitpid(r.pid, NULL, 0);
                    j->st.ph = PHASE_PENDING;
                    break;
                }
                log_info("job %s: step %d/%d (%s) started", j->id, i + 1, j->p.nsteps, s->name);
                runner_go(&r);
                wait_end w = wait_step(a, j, i, r.pid, r.start_time, 1);
                if (w == WAIT_STOP)
                    break;
                if (w == WAIT_GONE)
                    goto gone;
                if (result_read(rpath, &res) != 0) {
                    memset(&res, 0, sizeof res);
                    snprintf(res.error, sizeof res.error, "its runner ended without a result");
                }
            }
        }
        int ok = judge(s, &res, msg, sizeof msg) == 0;
        if (ok && s->reboot) {
            j->st.ph = PHASE_REBOOTING;
            state_save(a->cfg.state_dir, &j->st);
            details ds = {0};
            progress(&ds, j, i, "rebooting");
            /* no heartbeat while the device is down: the service's step timer must outlast it */
            long minutes = (long)(a->cfg.reboot_wait / 60) + 6;
            if (minutes > a->cfg.service_step_timeout)
                a->timer_minutes = minutes > 10080 ? 10080 : minutes;
            if (update(a, j, ST(IN_PROGRESS), &ds) == OUT_GONE)
                goto gone;
            if (wait_reboot(a, j) != 0)
                break;
            snprintf(msg, sizeof msg, "asked for a reboot, but the device did not reboot within %gs",
                     a->cfg.reboot_wait);
            ok = 0;
        }
        last = &res;
        outcome o = step_done(a, j, i, &res, ok, msg);
        if (o == OUT_GONE)
            goto gone;
        if (o == OUT_ERROR)
            log_warn("job %s: progress after step %d not reported; going on", j->id, i + 1);
        if (j->st.failed)
            break;
    }
    free(rpath);
    if (g_stop || (j->st.step < j->p.nsteps && !j->st.failed))
        return; /* stopped, or a report failed: the state says where to resume */
    finish(a, j, last);
    return;
gone:
    free(rpath);
    forget(a, j);
}

/* ---- the loop ------------------------------------------------------------------------------- */

/* 1: a job was handled, 0: nothing to do, -1: the service could not be reached. */
static int poll_once(agent *a)
{
    awsc_iot_jobs_data_start_next_pending_job_execution_request req = {.thing_name = a->cfg.thing};
    if (a->cfg.service_step_timeout > 0) {
        req.step_timeout_in_minutes = a->cfg.service_step_timeout;
        req.has_step_timeout_in_minutes = true;
    }
    awsc_iot_jobs_data_start_next_pending_job_execution_response *resp = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_start_next_pending_job_execution(a->client, &req, &resp, &err) != AWSC_OK) {
        log_warn("StartNextPendingJobExecution: %s: %s", err_code(&err), err.message ? err.message : "");
        int t = throttled(&err);
        awsc_error_clear(&err);
        return t ? -1 : -2;
    }
    a->backoff = 0;
    job j;
    memset(&j, 0, sizeof j);
    int loaded = state_load(a->cfg.state_dir, &j.st);
    if (loaded < 0)
        log_warn("the state file in %s is unreadable; starting afresh", a->cfg.state_dir);
    const awsc_iot_jobs_data_job_execution *e = resp->execution;
    if (loaded == 1 && (!e || strcmp(e->job_id, j.st.job_id) != 0)) {
        /* the job we were running ended while we were away (canceled, timed out) */
        log_info("job %s is no longer pending: its state is dropped", j.st.job_id);
        if (j.st.ph == PHASE_RUNNING && runner_alive(j.st.runner_pid, j.st.runner_start))
            kill(j.st.runner_pid, SIGTERM);
        state_clear(a->cfg.state_dir);
        state_free(&j.st);
        loaded = 0;
    }
    if (!e) {
        awsc_output_free(resp);
        return 0;
    }
    j.id = e->job_id;
    j.t0 = mono();
    j.version = e->version_number;
    j.has_version = 1;
    if (loaded != 1) {
        state_clear(a->cfg.state_dir);
        j.st.job_id = strdup(e->job_id);
        j.st.ph = PHASE_PENDING;
        log_info("job %s started (version %lld)", j.id, (long long)j.version);
    } else {
        log_info("job %s resumed at step %d (%s)", j.id, j.st.step + 1,
                 (const char *[]){"pending", "running", "rebooting", "finishing"}[j.st.ph]);
    }
    char why[512];
    if (plan_parse(e->job_document, &a->cfg, &j.p, why, sizeof why) != 0) {
        log_info("job %s REJECTED: %s", j.id, why);
        details ds = {0};
        put(&ds, "agent", AGENT_NAME, 0);
        put(&ds, "reason", why, 0);
        outcome o = update(a, &j, ST(REJECTED), &ds);
        if (o != OUT_ERROR) {
            ended(&j, o == OUT_OK ? "REJECTED" : j.gone);
            state_clear(a->cfg.state_dir);
        }
    } else {
        run_job(a, &j);
    }
    plan_free(&j.p);
    state_free(&j.st);
    awsc_output_free(resp);
    return 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: " AGENT_NAME " [--config FILE] [--once | --until-idle] [--KEY VALUE]...\n"
               "  keys: endpoint region thing_name credentials(default|iot|mtls) cert key ca\n"
               "        credentials_endpoint role_alias handler_dir state_dir poll_interval\n"
               "        backoff_max step_timeout service_step_timeout heartbeat_interval\n"
               "        cancel_check_interval reboot_wait boot_id_file reboot_handlers\n"
               "        download_handlers\n"
               "        allow_run_command log_level(error|warn|info|debug) syslog\n");
}

static int mkdirs(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
    agent a;
    memset(&a, 0, sizeof a);
    config_defaults(&a.cfg);
    char why[1024];
    /* the file first, then the flags over it */
    for (int i = 1; i < argc; i++)
        if ((!strcmp(argv[i], "--config") && i + 1 < argc) || !strncmp(argv[i], "--config=", 9)) {
            const char *path = argv[i][8] == '=' ? argv[i] + 9 : argv[++i];
            if (config_load(&a.cfg, path, why, sizeof why) != 0)
                return fprintf(stderr, AGENT_NAME ": %s\n", why), config_free(&a.cfg), 2;
        }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
            return usage(stdout), config_free(&a.cfg), 0;
        if (!strcmp(arg, "--version"))
            return printf(AGENT_NAME " " AGENT_VERSION "\n"), config_free(&a.cfg), 0;
        if (!strcmp(arg, "--once")) {
            a.cfg.once = 1;
            continue;
        }
        if (!strcmp(arg, "--until-idle")) {
            a.cfg.until_idle = 1;
            continue;
        }
        if (!strcmp(arg, "--config")) {
            i++;
            continue;
        }
        if (!strncmp(arg, "--config=", 9))
            continue;
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            fprintf(stderr, AGENT_NAME ": unexpected argument %s\n", arg);
            return usage(stderr), config_free(&a.cfg), 2;
        }
        char key[64];
        const char *eq = strchr(arg, '='), *value;
        size_t klen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (klen >= sizeof key)
            return fprintf(stderr, AGENT_NAME ": unknown option %s\n", arg), config_free(&a.cfg), 2;
        memcpy(key, arg + 2, klen);
        key[klen] = 0;
        for (char *p = key; *p; p++)
            if (*p == '-')
                *p = '_';
        if (!strcmp(key, "thing"))
            snprintf(key, sizeof key, "thing_name");
        if (eq)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        else
            return fprintf(stderr, AGENT_NAME ": %s needs a value\n", arg), config_free(&a.cfg), 2;
        if (config_set(&a.cfg, key, value, why, sizeof why) != 0)
            return fprintf(stderr, AGENT_NAME ": %s\n", why), config_free(&a.cfg), 2;
    }
    if (config_check(&a.cfg, why, sizeof why) != 0)
        return fprintf(stderr, AGENT_NAME ": %s\n", why), config_free(&a.cfg), 2;
    log_init(&a.cfg);
    if (mkdirs(a.cfg.state_dir) != 0) {
        log_error("cannot create the state directory %s: %s", a.cfg.state_dir, strerror(errno));
        return config_free(&a.cfg), 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends a pause at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    a.rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ULL;
    if (client_new(&a) != 0)
        return config_free(&a.cfg), 1;
    log_info("started for thing %s at %s (handlers %s, state %s)", a.cfg.thing, a.cfg.endpoint,
             a.cfg.handler_dir, a.cfg.state_dir);
    int rc = 0;
    while (!g_stop) {
        int r = poll_once(&a);
        if (a.cfg.once) {
            rc = r < 0;
            break;
        }
        if (r == 1)
            continue;
        if (r == 0 && a.cfg.until_idle)
            break;
        double wait;
        if (r == -1) { /* throttled or unreachable: back off, with jitter */
            a.backoff = a.backoff ? a.backoff * 2 : a.cfg.poll_interval;
            if (a.backoff > a.cfg.backoff_max)
                a.backoff = a.cfg.backoff_max;
            wait = a.backoff * (0.5 + 0.5 * random01(&a));
            log_info("backing off %.1fs", wait);
        } else {
            wait = a.cfg.poll_interval * (0.8 + 0.4 * random01(&a));
        }
        pause_s(wait);
    }
    log_info("stopping");
    awsc_iot_jobs_data_client_free(a.client);
    config_free(&a.cfg);
    return rc;
}
