/*
 * device_agent: an AWS IoT Jobs device agent built only on the generated client's public API.
 *
 * It asks for the thing's next pending job, runs the steps of its JSON document (echo, sleep,
 * download, fail; see examples/JOB_DOCUMENTS.md), reports progress after every step with
 * optimistic versioning (expectedVersion), and gives a job up cleanly when the service cancels,
 * removes or times it out.
 *
 *   device_agent --thing NAME --endpoint URL [--region R] [--until-idle]
 *                [--poll-interval SECONDS] [--workdir DIR] [--max-jobs N] [--quiet]
 *
 * Exit status: 0 done (or stopped by SIGINT/SIGTERM), 1 fatal error, 2 usage error.
 */
#include <awsc/iot_jobs_data.h>
#ifdef AWSC_HAVE_STS_CREDENTIALS
#include <awsc/sts_credentials.h>
#endif
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AGENT_NAME "awsc-device-agent"
#define RETRY_BASE_MS 200        /* first backoff ceiling; doubles per attempt */
#define RETRY_CAP_MS 5000
#define RETRY_MAX_ATTEMPTS 6     /* attempts per call, the first included */
#define CONFLICT_RETRIES 3       /* version conflicts tolerated per update */
#define DOWNLOAD_MAX_BYTES (256L * 1024 * 1024)
#define SLEEP_MAX_SECONDS 86400.0
#define DETAIL_MAX 256           /* statusDetails values are clipped (visibly, with "...") to this */

typedef awsc_iot_jobs_data_details_map_entry detail;
typedef awsc_iot_jobs_data_job_execution_status exec_status;
#define ST(x) AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_##x

/* The only global: a signal handler can reach the main loop through nothing else. */
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    g_stop = sig;
}

typedef struct options {
    const char *thing, *endpoint, *region, *workdir;
    double poll_interval;
    long max_jobs;               /* 0: no limit */
    int until_idle, quiet;
} options;

typedef struct summary {
    char *job_id;
    const char *status;          /* a string constant */
    int64_t version;
    double seconds;
} summary;

typedef struct agent {
    options opt;
    awsc_iot_jobs_data_client *client;
    uint64_t rng;                /* xorshift state for backoff jitter */
    summary *done;
    size_t done_count, done_cap;
} agent;

typedef struct job {
    char *id;
    int64_t version;
    int has_version;
    int step_timeout;            /* minutes; 0 = the document asked for none */
    cJSON *doc;
    const cJSON *steps;
    int nsteps;
    const char *gone_status;     /* why the service took the job away, when it did */
} job;

/* What became of a call that touches a job. */
typedef enum outcome { OUT_OK, OUT_GONE, OUT_ERROR } outcome;

typedef enum step_result { STEP_OK, STEP_FAILED, STEP_GONE, STEP_STOPPED } step_result;

/* ---- small helpers ------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps up to `ms`, returning early when a signal asks us to stop. */
static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (!g_stop && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static uint64_t next_random(agent *a)
{
    a->rng ^= a->rng << 13;
    a->rng ^= a->rng >> 7;
    a->rng ^= a->rng << 17;
    return a->rng;
}

/* Copies `s` into `buf`, marking a cut with "..." rather than truncating silently. */
static const char *clip(char *buf, size_t n, const char *s)
{
    if ((size_t)snprintf(buf, n, "%s", s) >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
    return buf;
}

static void vlog(const agent *a, FILE *f, const char *tag, const char *fmt, va_list ap)
{
    struct timespec ts;
    struct tm tm;
    char when[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(f, "%s.%03ldZ [%s] %s", when, ts.tv_nsec / 1000000L, a->opt.thing, tag);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
}

__attribute__((format(printf, 2, 3))) static void log_info(const agent *a, const char *fmt, ...)
{
    if (a->opt.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(a, stdout, "", fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void log_error(const agent *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(a, stderr, "error: ", fmt, ap);
    va_end(ap);
}

static const char *err_code(const awsc_error *e)
{
    return e->code ? e->code : awsc_status_str(e->status);
}

static int code_is(const awsc_error *e, const char *code)
{
    return e->code && strcmp(e->code, code) == 0;
}

static const char *status_name(exec_status s)
{
    const char *name = awsc_iot_jobs_data_job_execution_status_to_string(s);
    return name ? name : "UNKNOWN";
}

/* ---- calls with retries ---------------------------------------------------------------- */

/* Throttling, unavailability, server faults and transport failures are worth another try. */
static int transient(const awsc_error *e)
{
    if (e->status == AWSC_E_TRANSPORT)
        return 1;
    if (e->status != AWSC_E_SERVICE)
        return 0;
    return e->http_status == 429 || e->http_status >= 500 || code_is(e, "ThrottlingException") ||
           code_is(e, "ServiceUnavailableException") || code_is(e, "InternalServerException");
}

/*
 * After a failed attempt: sleeps an exponential backoff with jitter and says whether to try
 * again. Equal jitter (half fixed, half random) keeps agents that failed together from
 * retrying together, without ever retrying immediately.
 */
static int retry_after(agent *a, const char *op, int attempt, const awsc_error *e)
{
    if (!transient(e) || attempt + 1 >= RETRY_MAX_ATTEMPTS || g_stop)
        return 0;
    long ceiling = RETRY_BASE_MS << attempt;
    if (ceiling > RETRY_CAP_MS)
        ceiling = RETRY_CAP_MS;
    long delay = ceiling / 2 + (long)(next_random(a) % (uint64_t)(ceiling / 2 + 1));
    log_info(a, "%s failed (%s: %s); retry %d/%d in %ld ms", op, err_code(e), e->message,
             attempt + 1, RETRY_MAX_ATTEMPTS - 1, delay);
    pause_ms(delay);
    return !g_stop;
}

static int start_next(agent *a, awsc_iot_jobs_data_start_next_pending_job_execution_response **out,
                      awsc_error *err)
{
    detail d[] = {{"agent", AGENT_NAME}};
    awsc_iot_jobs_data_start_next_pending_job_execution_request req = {
        .thing_name = a->opt.thing, .status_details = {d, 1}};
    for (int i = 0;; i++) {
        int rc = awsc_iot_jobs_data_start_next_pending_job_execution(a->client, &req, out, err);
        if (rc == AWSC_OK || !retry_after(a, "StartNextPendingJobExecution", i, err))
            return rc;
    }
}

static int describe(agent *a, const char *job_id, awsc_iot_jobs_data_describe_job_execution_response **out,
                    awsc_error *err)
{
    awsc_iot_jobs_data_describe_job_execution_request req = {
        .job_id = job_id, .thing_name = a->opt.thing,
        .include_job_document = false, .has_include_job_document = true};
    for (int i = 0;; i++) {
        int rc = awsc_iot_jobs_data_describe_job_execution(a->client, &req, out, err);
        if (rc == AWSC_OK || !retry_after(a, "DescribeJobExecution", i, err))
            return rc;
    }
}

static int update(agent *a, const awsc_iot_jobs_data_update_job_execution_request *req,
                  awsc_iot_jobs_data_update_job_execution_response **out, awsc_error *err)
{
    for (int i = 0;; i++) {
        int rc = awsc_iot_jobs_data_update_job_execution(a->client, req, out, err);
        if (rc == AWSC_OK || !retry_after(a, "UpdateJobExecution", i, err))
            return rc;
    }
}

/* ---- job state -------------------------------------------------------------------------- */

/*
 * Asks the service what became of a job: OUT_OK while it is still ours to run (`*version`, if
 * not NULL, then gets the stored version), OUT_GONE when it was canceled, removed, timed out
 * or finished elsewhere (j->gone_status says which).
 */
static outcome check_job(agent *a, job *j, int64_t *version)
{
    awsc_iot_jobs_data_describe_job_execution_response *resp = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    outcome o = OUT_ERROR;
    if (describe(a, j->id, &resp, &err) == AWSC_OK && resp->execution) {
        exec_status s = resp->execution->status;
        if (s == ST(IN_PROGRESS) || s == ST(QUEUED)) {
            if (version)
                *version = resp->execution->version_number;
            o = OUT_OK;
        } else {
            j->gone_status = status_name(s);
            j->version = resp->execution->version_number; /* for the log; no more updates follow */
            o = OUT_GONE;
        }
    } else if (code_is(&err, "ResourceNotFoundException")) {
        j->gone_status = "REMOVED";
        o = OUT_GONE;
    } else if (code_is(&err, "TerminalStateException")) {
        j->gone_status = "TERMINAL";
        o = OUT_GONE;
    } else if (!g_stop) {
        log_error(a, "job %s: DescribeJobExecution failed: %s: %s", j->id, err_code(&err),
                  err.message ? err.message : "no execution in the response");
    }
    awsc_output_free(resp);
    awsc_error_clear(&err);
    return o;
}

/* The answers an update gets when the job moved under us: version bumped, canceled, removed. */
static int job_moved(const awsc_error *e)
{
    return e->http_status == 409 || e->http_status == 410 || e->http_status == 404 ||
           code_is(e, "InvalidStateTransitionException") || code_is(e, "ConflictException") ||
           code_is(e, "TerminalStateException") || code_is(e, "ResourceNotFoundException");
}

/*
 * Sends one UpdateJobExecution guarded by expectedVersion and remembers the version it
 * produced. A 409 means the stored version moved or the job left IN_PROGRESS: re-read it, then
 * either retry with the fresh version or give the job up.
 */
static outcome report(agent *a, job *j, exec_status status, detail *d, size_t n)
{
    awsc_iot_jobs_data_update_job_execution_request req = {
        .job_id = j->id,
        .thing_name = a->opt.thing,
        .status = status,
        .status_details = {d, n},
        .include_job_execution_state = true,
        .has_include_job_execution_state = true,
    };
    /* Every progress report restarts the step timer, so each step gets the full allowance. */
    if (status == ST(IN_PROGRESS) && j->step_timeout) {
        req.step_timeout_in_minutes = j->step_timeout;
        req.has_step_timeout_in_minutes = true;
    }
    for (int conflicts = 0;; conflicts++) {
        req.expected_version = j->version;
        req.has_expected_version = j->has_version;
        awsc_iot_jobs_data_update_job_execution_response *resp = NULL;
        awsc_error err = AWSC_ERROR_INIT;
        if (update(a, &req, &resp, &err) == AWSC_OK) {
            /* Without a state in the reply, the next update goes unguarded rather than guessed. */
            j->has_version = resp->execution_state != NULL;
            if (resp->execution_state)
                j->version = resp->execution_state->version_number;
            awsc_output_free(resp);
            return OUT_OK;
        }
        outcome o = OUT_ERROR;
        if (job_moved(&err)) {
            int64_t current = j->version;
            o = check_job(a, j, &current);
            if (o == OUT_OK && conflicts < CONFLICT_RETRIES && (!j->has_version || current != j->version)) {
                log_info(a, "job %s version conflict (%s: sent v%lld, stored v%lld); retrying", j->id,
                         err_code(&err), (long long)j->version, (long long)current);
                j->version = current;
                j->has_version = 1;
                awsc_error_clear(&err);
                continue;
            }
            if (o == OUT_OK) {
                log_error(a, "job %s: UpdateJobExecution %s refused: %s: %s", j->id, status_name(status),
                          err_code(&err), err.message);
                o = OUT_ERROR;
            } else if (o == OUT_GONE && strcmp(j->gone_status, status_name(status)) == 0) {
                o = OUT_OK; /* an earlier attempt whose reply was lost did land */
            }
        } else if (!g_stop) {
            log_error(a, "job %s: UpdateJobExecution %s failed: %s: %s", j->id, status_name(status),
                      err_code(&err), err.message);
        }
        awsc_error_clear(&err);
        return o;
    }
}

/* ---- the job document ------------------------------------------------------------------- */

static const char *str_member(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A download target must be a plain file name inside the work directory. */
static int plain_file_name(const char *p)
{
    return p[0] && strlen(p) <= 255 && !strchr(p, '/') && !strchr(p, '\\') && !strstr(p, "..") &&
           strcmp(p, ".") != 0;
}

static int sha256_hex(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    return strspn(s, "0123456789abcdefABCDEF") == 64;
}

/* Checks one step; returns 0 or writes the reason for rejecting the document. */
static int check_step(const cJSON *step, int i, char *why, size_t n)
{
    const char *action = cJSON_IsObject(step) ? str_member(step, "action") : NULL;
    if (!action)
        return snprintf(why, n, "step %d has no \"action\" string", i), -1;
    if (strcmp(action, "echo") == 0) {
        if (!str_member(step, "message"))
            return snprintf(why, n, "step %d (echo) needs a \"message\" string", i), -1;
    } else if (strcmp(action, "sleep") == 0) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(step, "seconds");
        if (!cJSON_IsNumber(s) || !(s->valuedouble >= 0 && s->valuedouble <= SLEEP_MAX_SECONDS))
            return snprintf(why, n, "step %d (sleep) needs \"seconds\" from 0 to %.0f", i,
                            SLEEP_MAX_SECONDS), -1;
    } else if (strcmp(action, "download") == 0) {
        const char *url = str_member(step, "url"), *sha = str_member(step, "sha256");
        const char *path = str_member(step, "path");
        if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
            return snprintf(why, n, "step %d (download) needs an http(s) \"url\"", i), -1;
        if (!sha || !sha256_hex(sha))
            return snprintf(why, n, "step %d (download) needs a 64-hex-digit \"sha256\"", i), -1;
        if (!path || !plain_file_name(path))
            return snprintf(why, n, "step %d (download) \"path\" must be a plain file name", i), -1;
    } else if (strcmp(action, "fail") == 0) {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(step, "reason");
        if (r && !cJSON_IsString(r))
            return snprintf(why, n, "step %d (fail) \"reason\" must be a string", i), -1;
    } else {
        char name[64];
        return snprintf(why, n, "unknown action %s", clip(name, sizeof name, action)), -1;
    }
    return 0;
}

/* Checks the whole document before anything runs, so a job is either rejected untouched or run. */
static int parse_document(const char *text, job *j, char *why, size_t n)
{
    if (!text)
        return snprintf(why, n, "the job has no document"), -1;
    j->doc = cJSON_ParseWithOpts(text, NULL, 1);
    if (!j->doc)
        return snprintf(why, n, "the job document is not valid JSON"), -1;
    j->steps = cJSON_GetObjectItemCaseSensitive(j->doc, "steps");
    if (!cJSON_IsObject(j->doc) || !cJSON_IsArray(j->steps) || cJSON_GetArraySize(j->steps) == 0)
        return snprintf(why, n, "the job document has no \"steps\""), -1;
    j->nsteps = cJSON_GetArraySize(j->steps);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j->doc, "stepTimeoutInMinutes");
    if (t) {
        if (!cJSON_IsNumber(t) || !(t->valuedouble >= 1 && t->valuedouble <= 10080) ||
            t->valuedouble != (double)(int)t->valuedouble)
            return snprintf(why, n, "\"stepTimeoutInMinutes\" must be a whole number from 1 to 10080"), -1;
        j->step_timeout = (int)t->valuedouble;
    }
    int i = 1;
    for (const cJSON *s = j->steps->child; s; s = s->next, i++)
        if (check_step(s, i, why, n) != 0)
            return -1;
    return 0;
}

/* ---- steps ------------------------------------------------------------------------------ */

/* Sleeps in slices of at most a second, asking the service each time whether the job lives on. */
static step_result step_sleep(agent *a, job *j, double seconds)
{
    double end = now_s() + seconds;
    for (;;) {
        double left = end - now_s();
        if (g_stop)
            return STEP_STOPPED;
        if (left <= 0)
            return STEP_OK;
        pause_ms(left > 1.0 ? 1000 : (long)(left * 1000.0) + 1);
        if (g_stop)
            return STEP_STOPPED;
        /* A failed check is not a cancellation: the next report will notice real trouble. */
        if (end - now_s() > 0 && check_job(a, j, NULL) == OUT_GONE)
            return STEP_GONE;
    }
}

typedef struct download {
    FILE *f;
    EVP_MD_CTX *md;
    curl_off_t size;
    int too_big;
} download;

static size_t download_write(char *p, size_t size, size_t count, void *userdata)
{
    download *d = userdata;
    size_t n = size * count;
    if (d->size + (curl_off_t)n > DOWNLOAD_MAX_BYTES) {
        d->too_big = 1;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    if (EVP_DigestUpdate(d->md, p, n) != 1 || fwrite(p, 1, n, d->f) != n)
        return 0;
    d->size += (curl_off_t)n;
    return n;
}

static int download_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                             curl_off_t ulnow)
{
    (void)userdata, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return g_stop != 0; /* non-zero aborts the transfer */
}

/* GETs the file into a temp file, and renames it into place only when its SHA-256 matches. */
static step_result step_download(agent *a, const cJSON *step, char *msg, size_t n)
{
    const char *url = str_member(step, "url"), *want = str_member(step, "sha256");
    const char *name = str_member(step, "path");
    char final[PATH_MAX], tmp[PATH_MAX];
    if ((size_t)snprintf(final, sizeof final, "%s/%s", a->opt.workdir, name) >= sizeof final ||
        (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", a->opt.workdir, name) >= sizeof tmp)
        return snprintf(msg, n, "download %s: path too long", name), STEP_FAILED;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return snprintf(msg, n, "download %s: cannot create a temp file: %s", name, strerror(errno)),
               STEP_FAILED;

    download d = {fdopen(fd, "wb"), EVP_MD_CTX_new(), 0, 0};
    if (!d.f)
        close(fd);
    CURL *curl = curl_easy_init();
    char curl_err[CURL_ERROR_SIZE] = "";
    step_result r = STEP_FAILED;
    if (!d.f || !d.md || !curl || EVP_DigestInit_ex(d.md, EVP_sha256(), NULL) != 1) {
        snprintf(msg, n, "download %s: out of resources", name);
        goto done;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L); /* an HTTP error page is not the file */
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L); /* give up on a stalled server after 30 s */
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)DOWNLOAD_MAX_BYTES);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, download_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, download_progress);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode cc = curl_easy_perform(curl);
    if (g_stop) {
        r = STEP_STOPPED;
        goto done;
    }
    if (d.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(msg, n, "download %s: larger than %ld bytes", name, DOWNLOAD_MAX_BYTES);
        goto done;
    }
    if (cc != CURLE_OK) {
        snprintf(msg, n, "download %s: %s", name, curl_err[0] ? curl_err : curl_easy_strerror(cc));
        goto done;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    char got[2 * EVP_MAX_MD_SIZE + 1];
    EVP_DigestFinal_ex(d.md, md, &md_len);
    for (unsigned int i = 0; i < md_len; i++)
        snprintf(got + 2 * i, 3, "%02x", md[i]);
    if (strcasecmp(got, want) != 0) {
        snprintf(msg, n, "download %s: sha256 mismatch (got %s)", name, got);
        goto done;
    }
    /* Flushed to disk before the rename, so a power cut never leaves a torn file in place. */
    int bad = fflush(d.f) != 0 || fsync(fileno(d.f)) != 0;
    bad |= fclose(d.f) != 0;
    d.f = NULL;
    if (bad) {
        snprintf(msg, n, "download %s: write failed: %s", name, strerror(errno));
        goto done;
    }
    if (rename(tmp, final) != 0) {
        snprintf(msg, n, "download %s: rename failed: %s", name, strerror(errno));
        goto done;
    }
    snprintf(msg, n, "download %s ok (%lld bytes)", name, (long long)d.size);
    r = STEP_OK;
done:
    if (d.f)
        fclose(d.f);
    if (r != STEP_OK)
        unlink(tmp);
    curl_easy_cleanup(curl);
    EVP_MD_CTX_free(d.md);
    return r;
}

/* Runs one (already checked) step; `msg` gets the success note or the failure reason. */
static step_result run_step(agent *a, job *j, const cJSON *step, char *msg, size_t n)
{
    const char *action = str_member(step, "action");
    if (strcmp(action, "echo") == 0) {
        log_info(a, "job %s echo: %s", j->id, str_member(step, "message"));
        snprintf(msg, n, "echo %s", str_member(step, "message")); /* clipped, visibly, when reported */
        return STEP_OK;
    }
    if (strcmp(action, "sleep") == 0) {
        double seconds = cJSON_GetObjectItemCaseSensitive(step, "seconds")->valuedouble;
        snprintf(msg, n, "sleep %gs ok", seconds);
        return step_sleep(a, j, seconds);
    }
    if (strcmp(action, "download") == 0)
        return step_download(a, step, msg, n);
    const char *reason = str_member(step, "reason");
    snprintf(msg, n, "%s", reason ? reason : "the job asked to fail");
    return STEP_FAILED;
}

/* ---- one job ---------------------------------------------------------------------------- */

static void remember(agent *a, const job *j, const char *status, double started)
{
    if (a->done_count == a->done_cap) {
        size_t cap = a->done_cap ? 2 * a->done_cap : 8;
        summary *grown = realloc(a->done, cap * sizeof *grown);
        if (!grown)
            return; /* the summary is a convenience; losing a line beats failing the job */
        a->done = grown;
        a->done_cap = cap;
    }
    char *id = strdup(j->id);
    if (id)
        a->done[a->done_count++] = (summary){id, status, j->version, now_s() - started};
}

/* Logs and records how a final report went; returns 0, or 1 when the agent must stop. */
static int finish(agent *a, job *j, outcome o, const char *sent, const char *note, double started)
{
    const char *status = sent;
    if (o == OUT_GONE) {
        status = j->gone_status;
        log_info(a, "job %s v%lld %s by the service; abandoning it", j->id, (long long)j->version, status);
    } else if (o == OUT_OK) {
        log_info(a, "job %s v%lld %s %s", j->id, (long long)j->version, sent, note);
    } else {
        status = "IN_PROGRESS";
    }
    remember(a, j, status, started);
    return o == OUT_ERROR && !g_stop;
}

/* Runs one started execution to its end. Returns 0, or 1 on a fatal error. */
static int run_job(agent *a, const awsc_iot_jobs_data_job_execution *ex)
{
    double started = now_s();
    job j = {.id = strdup(ex->job_id), .version = ex->version_number, .has_version = 1};
    if (!j.id)
        return log_error(a, "out of memory"), 1;
    char why[DETAIL_MAX], step_no[32], note[1024], last[DETAIL_MAX];
    int rc = 0;
    log_info(a, "job %s v%lld IN_PROGRESS started", j.id, (long long)j.version);

    if (parse_document(ex->job_document, &j, why, sizeof why) != 0) {
        detail d[] = {{"agent", AGENT_NAME}, {"reason", why}};
        rc = finish(a, &j, report(a, &j, ST(REJECTED), d, 2), "REJECTED", why, started);
        goto done;
    }
    /* The first report accepts the document and starts the first step's timer. */
    snprintf(step_no, sizeof step_no, "0/%d", j.nsteps);
    detail accepted[] = {{"agent", AGENT_NAME}, {"step", step_no}, {"last", "document accepted"}};
    outcome o = report(a, &j, ST(IN_PROGRESS), accepted, 3);
    if (o != OUT_OK) {
        rc = finish(a, &j, o, "IN_PROGRESS", "", started);
        goto done;
    }
    log_info(a, "job %s v%lld IN_PROGRESS step 0/%d document accepted", j.id, (long long)j.version, j.nsteps);

    int k = 1;
    for (const cJSON *step = j.steps->child; step; step = step->next, k++) {
        if (g_stop) {
            log_info(a, "job %s v%lld left IN_PROGRESS before step %d/%d (stopping)", j.id,
                     (long long)j.version, k, j.nsteps);
            remember(a, &j, "IN_PROGRESS", started);
            goto done;
        }
        snprintf(step_no, sizeof step_no, "%d/%d", k, j.nsteps);
        step_result r = run_step(a, &j, step, note, sizeof note);
        if (r == STEP_STOPPED) {
            log_info(a, "job %s v%lld left IN_PROGRESS in step %s (stopping)", j.id, (long long)j.version,
                     step_no);
            remember(a, &j, "IN_PROGRESS", started);
            goto done;
        }
        if (r == STEP_GONE) {
            rc = finish(a, &j, OUT_GONE, NULL, NULL, started);
            goto done;
        }
        if (r == STEP_FAILED) {
            char reason[DETAIL_MAX], line[DETAIL_MAX + 64];
            clip(reason, sizeof reason, note);
            detail d[] = {{"agent", AGENT_NAME}, {"step", step_no}, {"reason", reason}};
            snprintf(line, sizeof line, "step %s failed: %s", step_no, reason);
            rc = finish(a, &j, report(a, &j, ST(FAILED), d, 3), "FAILED", line, started);
            goto done;
        }
        detail d[] = {{"agent", AGENT_NAME}, {"step", step_no}, {"last", clip(last, sizeof last, note)}};
        o = report(a, &j, ST(IN_PROGRESS), d, 3);
        if (o != OUT_OK) {
            rc = finish(a, &j, o, "IN_PROGRESS", "", started);
            goto done;
        }
        log_info(a, "job %s v%lld IN_PROGRESS step %s %s", j.id, (long long)j.version, step_no, note);
    }
    detail d[] = {{"agent", AGENT_NAME}, {"step", step_no}, {"last", "all steps ok"}};
    rc = finish(a, &j, report(a, &j, ST(SUCCEEDED), d, 3), "SUCCEEDED", "all steps ok", started);
done:
    cJSON_Delete(j.doc);
    free(j.id);
    return rc;
}

/* ---- main loop -------------------------------------------------------------------------- */

/* Polls for jobs until idle (with --until-idle), the job limit, a signal, or a fatal error. */
static int run(agent *a)
{
    int idle_logged = 0;
    for (long handled = 0; !g_stop && (a->opt.max_jobs == 0 || handled < a->opt.max_jobs);) {
        awsc_iot_jobs_data_start_next_pending_job_execution_response *next = NULL;
        awsc_error err = AWSC_ERROR_INIT;
        if (start_next(a, &next, &err) != AWSC_OK) {
            int stopped = g_stop != 0;
            if (!stopped)
                log_error(a, "StartNextPendingJobExecution failed: %s: %s", err_code(&err), err.message);
            awsc_error_clear(&err);
            return stopped ? 0 : 1;
        }
        if (!next->execution) {
            awsc_output_free(next);
            if (a->opt.until_idle) {
                log_info(a, "idle: no pending jobs; exiting");
                return 0;
            }
            if (!idle_logged)
                log_info(a, "idle: no pending jobs; polling every %gs", a->opt.poll_interval);
            idle_logged = 1;
            pause_ms((long)(a->opt.poll_interval * 1000.0));
            continue;
        }
        idle_logged = 0;
        int rc = run_job(a, next->execution);
        awsc_output_free(next);
        if (rc)
            return rc;
        handled++;
    }
    if (!g_stop)
        log_info(a, "handled %ld job(s); exiting", a->opt.max_jobs);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: device_agent --thing NAME --endpoint URL [--region R] [--until-idle]\n"
               "                    [--poll-interval SECONDS] [--workdir DIR] [--max-jobs N] [--quiet]\n"
               "Runs the thing's AWS IoT jobs (document format: examples/JOB_DOCUMENTS.md).\n"
               "Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY[, AWS_SESSION_TOKEN];"
               " region: AWS_REGION or --region.\n");
}

/* Returns -1 to go on, else the exit status (0 for --help, 2 for a usage error). */
static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        {"thing", required_argument, NULL, 't'},    {"endpoint", required_argument, NULL, 'e'},
        {"region", required_argument, NULL, 'r'},   {"until-idle", no_argument, NULL, 'u'},
        {"poll-interval", required_argument, NULL, 'p'}, {"workdir", required_argument, NULL, 'w'},
        {"max-jobs", required_argument, NULL, 'm'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    *o = (options){.workdir = ".", .poll_interval = 5.0};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 't': o->thing = optarg; break;
        case 'e': o->endpoint = optarg; break;
        case 'r': o->region = optarg; break;
        case 'u': o->until_idle = 1; break;
        case 'w': o->workdir = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'p':
            errno = 0;
            o->poll_interval = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(o->poll_interval >= 0.1 && o->poll_interval <= 86400))
                return fprintf(stderr, "device_agent: --poll-interval must be 0.1 to 86400 seconds\n"), 2;
            break;
        case 'm':
            errno = 0;
            o->max_jobs = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || o->max_jobs < 1)
                return fprintf(stderr, "device_agent: --max-jobs must be a positive integer\n"), 2;
            break;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "device_agent: unexpected argument '%s'\n", argv[optind]), usage(stderr), 2;
    if (!o->thing || !*o->thing || !o->endpoint || !*o->endpoint)
        return fprintf(stderr, "device_agent: --thing and --endpoint are required\n"), usage(stderr), 2;
    return -1;
}

int main(int argc, char **argv)
{
    agent a = {.rng = 0};
    int rc = parse_args(argc, argv, &a.opt);
    if (rc >= 0)
        return rc;
    setvbuf(stdout, NULL, _IOLBF, 0); /* one whole line at a time, even into a pipe */

    struct stat st;
    if (mkdir(a.opt.workdir, 0755) != 0 && errno != EEXIST)
        return log_error(&a, "cannot create --workdir %s: %s", a.opt.workdir, strerror(errno)), 1;
    if (stat(a.opt.workdir, &st) != 0 || !S_ISDIR(st.st_mode))
        return log_error(&a, "--workdir %s is not a directory", a.opt.workdir), 1;

    /* No SA_RESTART: a signal must cut a sleep short. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a dropped connection is an error to handle, not a death */

    struct timespec seed;
    clock_gettime(CLOCK_REALTIME, &seed);
    /* Jitter only has to differ between devices and runs; it need not be unpredictable. */
    a.rng = ((uint64_t)seed.tv_nsec << 20) ^ (uint64_t)seed.tv_sec ^ ((uint64_t)getpid() << 40) ^
            0x9e3779b97f4a7c15u;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return log_error(&a, "libcurl failed to initialise"), 1;
    awsc_config cfg = AWSC_CONFIG_INIT;
#ifdef AWSC_HAVE_STS_CREDENTIALS
    cfg.sts = awsc_sts_credentials_api(); /* web identity (Kubernetes) and role_arn profiles */
#endif
    cfg.endpoint_url = a.opt.endpoint;
    cfg.region = a.opt.region;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &a.client, &err) != AWSC_OK) {
        log_error(&a, "cannot create the client: %s", err.message);
        awsc_error_clear(&err);
        curl_global_cleanup();
        return 1;
    }
    log_info(&a, "agent started: endpoint %s, workdir %s", a.opt.endpoint, a.opt.workdir);

    rc = run(&a);
    if (g_stop)
        log_info(&a, "stopped by signal %d", (int)g_stop);
    for (size_t i = 0; i < a.done_count; i++) {
        if (a.opt.until_idle)
            printf("summary thing=%s job=%s status=%s version=%lld seconds=%.1f\n", a.opt.thing,
                   a.done[i].job_id, a.done[i].status, (long long)a.done[i].version, a.done[i].seconds);
        free(a.done[i].job_id);
    }
    free(a.done);
    awsc_iot_jobs_data_client_free(a.client);
    curl_global_cleanup();
    return rc;
}
