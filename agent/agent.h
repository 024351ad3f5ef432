/*
 * awsc-jobs-agent: shared declarations of the agent's parts.
 *
 *   config.c   the configuration (file, flags) and logging
 *   jobdoc.c   job documents (Device Client schema 1.0) into a checked plan
 *   runner.c   one step in a supervised child: argv, user, timeout, output, result file
 *   state.c    the durable state file (fsync, atomic rename)
 *   main.c     the service loop: poll, start, steps, heartbeats, cancel, resume
 */
#ifndef AWSC_AGENT_H
#define AWSC_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AGENT_NAME "awsc-jobs-agent"
#define AGENT_VERSION "1.0"
#define OUTPUT_TAIL 1024 /* statusDetails values hold at most 1024 characters */

/* ---- configuration and logging (config.c) ------------------------------------------------ */

typedef enum { LOG_LVL_ERROR = 1, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG } log_level;

typedef struct agent_config {
    char *endpoint, *region, *thing;
    char *credentials;          /* "default" (the chain), "iot" (credentials provider), "mtls" */
    char *cert, *key, *ca;      /* client certificate and key (iot, mtls); CA bundle */
    char *credentials_endpoint; /* IoT credentials provider host (iot) */
    char *role_alias;           /* IoT role alias (iot) */
    char *handler_dir, *state_dir;
    double poll_interval;       /* seconds between StartNext polls when idle */
    double backoff_max;         /* seconds: ceiling of the throttling backoff */
    double step_timeout;        /* seconds a step may run unless its action says otherwise; 0: none */
    long service_step_timeout;  /* minutes sent as stepTimeoutInMinutes; 0: none */
    double heartbeat_interval;  /* seconds between progress reports while a step runs; 0: none */
    double cancel_check_interval; /* seconds between DescribeJobExecution checks while a step runs */
    double reboot_wait;         /* seconds to wait for the reboot a reboot step asked for */
    char *boot_id_file;         /* tells one boot from the next */
    char *reboot_handlers;      /* comma-separated handler names whose success means a reboot */
    char *download_handlers;    /* handler names the agent serves itself (HTTPS, resume, SHA-256); "" none */
    int allow_run_command;      /* 0: documents with runCommand are REJECTED */
    log_level level;
    int syslog;
    int once;
    int until_idle;             /* exit once no job is pending */
} agent_config;

void config_defaults(agent_config *c);
/* Sets one key; returns 0, or -1 with a message in why. */
int config_set(agent_config *c, const char *key, const char *value, char *why, size_t n);
int config_load(agent_config *c, const char *path, char *why, size_t n);
int config_check(const agent_config *c, char *why, size_t n);
void config_free(agent_config *c);

void log_init(const agent_config *c);
void logf_(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) logf_(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) logf_(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) logf_(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) logf_(LOG_LVL_DEBUG, __VA_ARGS__)

/* ---- job documents (jobdoc.c) ------------------------------------------------------------ */

typedef struct step {
    char *name;
    int run_command;      /* 0: runHandler, 1: runCommand */
    char **argv;          /* NULL-terminated; argv[0] is the program (a path for handlers) */
    char *run_as;         /* NULL: the agent's own user */
    long allow_stderr;    /* -1: stderr lines do not fail the step */
    int ignore_failure;
    int reboot;           /* a reboot handler: done once the device has rebooted */
    double timeout;       /* seconds; 0: none */
    int download;         /* the built-in download: url, path, sha256 (or NULL) below */
    char *url, *path, *sha256;
} step;

typedef struct plan {
    step *steps;          /* the steps, then finalStep when has_final */
    int nsteps;           /* including finalStep */
    int has_final;
    int include_stdout;
} plan;

/* Checks a whole document against the rules; 0, or -1 with the reason to reject it. */
int plan_parse(const char *text, const agent_config *cfg, plan *p, char *why, size_t n);
void plan_free(plan *p);
/* Whether a handler may run: a regular file owned by root or us, mode 700 (no group/other bits). */
int handler_safe(const char *path, char *why, size_t n);

/* ---- the built-in download (download.c) -------------------------------------------------- */

/* In the step's process: fetches url to path (resuming path.part), checks sha256; exit status. */
int download_run(const step *s);

/* ---- steps in a supervised child (runner.c) ---------------------------------------------- */

typedef struct step_result {
    int not_started;      /* the runner was told not to start (the agent died before "go") */
    int exit_code;        /* -1 when killed or not run */
    int signal;
    int timed_out, canceled;
    long stderr_lines;
    char error[256];      /* the step could not be started: exec, user, handler check */
    char out[OUTPUT_TAIL + 1]; /* the last characters of stdout */
    char err[OUTPUT_TAIL + 1]; /* the last characters of stderr */
} step_result;

typedef struct runner {
    pid_t pid;
    int go_fd;            /* write end of the "go" pipe; -1 once sent */
    long long start_time; /* /proc/<pid>/stat field 22, to recognise the process later */
} runner;

/* Forks a runner that waits for runner_go() before it starts the step. */
int runner_spawn(const step *s, const char *job_id, const agent_config *cfg, const char *result_path,
                 runner *r, char *why, size_t n);
int runner_go(runner *r);
/* 1 while the process that was that runner is alive (not a zombie). */
int runner_alive(pid_t pid, long long start_time);
long long process_start_time(pid_t pid);
int result_read(const char *path, step_result *res);

/* ---- durable state (state.c) -------------------------------------------------------------- */

typedef enum { PHASE_PENDING, PHASE_RUNNING, PHASE_REBOOTING, PHASE_FINISHING } phase;

typedef struct agent_state {
    char *job_id;
    int step;             /* steps before it are done */
    phase ph;
    pid_t runner_pid;
    long long runner_start;
    char boot_id[64];
    int failures;         /* failed steps that ignoreStepFailure let pass */
    int failed;           /* a step failed for good: the final step is skipped, the job FAILED */
    char *final_status;   /* PHASE_FINISHING: SUCCEEDED / FAILED */
    char *reason;
} agent_state;

int state_load(const char *dir, agent_state *st); /* 1 loaded, 0 none, -1 unreadable */
int state_save(const char *dir, const agent_state *st);
int state_clear(const char *dir);
void state_free(agent_state *st);
void read_boot_id(const char *file, char *out, size_t n);
char *result_path(const char *dir, int step);
/* Writes `text` to `path` so that a crash leaves the old or the new content. */
int write_atomic(const char *path, const char *text);

#endif
