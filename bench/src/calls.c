/*
 * Call benchmarks for bench/run, against the canned server at http://127.0.0.1:PORT.
 *
 *   calls ours   describe|update PORT N          sequential calls through the generated client
 *   calls raw    describe|update PORT N          libcurl replaying the bytes our client sends
 *   calls own    describe|update PORT N THREADS  THREADS threads, one client each, N calls each
 *   calls shared describe|update PORT N THREADS  THREADS threads sharing one client
 *   calls mem    ours|raw describe|update PORT N heap and RSS: allocations per call in steady
 *                                                 state (needs LD_PRELOAD=countalloc.so), RSS
 *                                                 at 10k calls and at N, peak RSS
 *   calls async  describe PORT N IN_FLIGHT       one async client, IN_FLIGHT calls kept in flight
 *   calls multi  describe PORT N IN_FLIGHT       its floor: a libcurl multi handle replaying the
 *                                                 captured bytes on IN_FLIGHT easy handles
 *   calls cold   ours|raw describe PORT          the first call of a process, library
 *                                                 initialisation included: curl_global_init,
 *                                                 client_new (credentials from the environment)
 *                                                 and the call, against curl_global_init and one
 *                                                 raw request (the bytes captured in a child)
 *
 * Prints one JSON object. The raw loop is the floor for any libcurl client: one easy
 * handle set up once, the request our client sent (captured once on a local socket)
 * replayed byte for byte, the response counted and dropped.
 */
#define _GNU_SOURCE
#include <awsc/iot_jobs_data.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc_status.h"

#define WARMUP 200

static int g_update;    /* which operation */
static int g_capturing; /* the capture call gets a minimal reply: skip checking it */
static char g_endpoint[64];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "calls: %s\n", what);
    exit(1);
}

/* ---- our client ---------------------------------------------------------- */

static awsc_iot_jobs_data_client *new_client(const char *endpoint)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.endpoint_url = endpoint;
    cfg.region = "us-east-1";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.max_attempts = 1;
    awsc_iot_jobs_data_client *c;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &c, &err) != AWSC_OK)
        die(err.message);
    return c;
}

static const awsc_iot_jobs_data_details_map_entry g_details[] = {{"progress", "60%"}};

/* One typical call; returns 0 on success. */
static int one_call(awsc_iot_jobs_data_client *c)
{
    awsc_error err = AWSC_ERROR_INIT;
    int rc;
    if (g_update) {
        awsc_iot_jobs_data_update_job_execution_request in = {
            .thing_name = "sensor-01",
            .job_id = "fw-2024-06",
            .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_IN_PROGRESS,
            .status_details = {g_details, 1},
            .include_job_execution_state = true,
            .has_include_job_execution_state = true,
        };
        awsc_iot_jobs_data_update_job_execution_response *out = NULL;
        rc = awsc_iot_jobs_data_update_job_execution(c, &in, &out, &err);
        if (rc == AWSC_OK && (!out->execution_state || (!g_capturing && out->execution_state->version_number != 4)))
            rc = -1;
        awsc_output_free(out);
    } else {
        awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "sensor-01", .job_id = "fw-2024-06"};
        awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
        rc = awsc_iot_jobs_data_describe_job_execution(c, &in, &out, &err);
        if (rc == AWSC_OK && (!out->execution || !out->execution->job_document))
            rc = -1;
        awsc_output_free(out);
    }
    if (rc != AWSC_OK)
        fprintf(stderr, "calls: call failed: %s\n", err.message ? err.message : "unexpected response");
    awsc_error_clear(&err);
    return rc;
}

/* ---- capture: the bytes our client sends ----------------------------------- */

typedef struct captured {
    int listen_fd;
    char buf[16384];
    size_t len;
} captured;

static void *capture_thread(void *arg)
{
    captured *cap = arg;
    int fd = accept(cap->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    size_t want = 0;
    for (;;) {
        ssize_t n = read(fd, cap->buf + cap->len, sizeof cap->buf - 1 - cap->len);
        if (n <= 0)
            break;
        cap->len += (size_t)n;
        cap->buf[cap->len] = '\0';
        char *end = strstr(cap->buf, "\r\n\r\n");
        if (end && !want) {
            char *cl = strcasestr(cap->buf, "\r\nContent-Length:");
            want = (size_t)(end + 4 - cap->buf) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (want && cap->len >= want)
            break;
    }
    const char *reply = g_update ? "{\"executionState\":{\"versionNumber\":1}}" : "{\"execution\":{\"jobDocument\":\"{}\"}}";
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                      strlen(reply));
    if (write(fd, head, (size_t)hl) < 0 || write(fd, reply, strlen(reply)) < 0)
        perror("capture write");
    close(fd);
    return NULL;
}

/* Raw request pieces parsed from the capture. */
typedef struct raw_request {
    char method[16];
    char url[2048];
    struct curl_slist *headers;
    const char *body;
    size_t body_len;
} raw_request;

static void parse_capture(int port, captured *cap, raw_request *rr);

static void capture_request(int port, captured *cap, raw_request *rr)
{
    cap->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (bind(cap->listen_fd, (struct sockaddr *)&sa, sl) || listen(cap->listen_fd, 1) ||
        getsockname(cap->listen_fd, (struct sockaddr *)&sa, &sl))
        die("capture socket");
    pthread_t th;
    pthread_create(&th, NULL, capture_thread, cap);
    char ep[64];
    snprintf(ep, sizeof ep, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    awsc_iot_jobs_data_client *c = new_client(ep);
    g_capturing = 1;
    if (one_call(c) != 0)
        die("capture call failed");
    awsc_iot_jobs_data_client_free(c);
    pthread_join(th, NULL);
    close(cap->listen_fd);
    parse_capture(port, cap, rr);
}

/* Request line, then headers; Host and Content-Length are the ones curl writes itself. */
static void parse_capture(int port, captured *cap, raw_request *rr)
{
    char *p = cap->buf, *eol = strstr(p, "\r\n");
    char target[1024];
    if (!eol || sscanf(p, "%15s %1023s", rr->method, target) != 2)
        die("bad capture");
    snprintf(rr->url, sizeof rr->url, "http://127.0.0.1:%d%s", port, target);
    bool has_accept = false, has_expect = false, has_ctype = false;
    for (p = eol + 2; (eol = strstr(p, "\r\n")) && eol != p; p = eol + 2) {
        *eol = '\0';
        if (strncasecmp(p, "Host:", 5) && strncasecmp(p, "Content-Length:", 15))
            rr->headers = curl_slist_append(rr->headers, p);
        has_accept |= !strncasecmp(p, "Accept:", 7);
        has_expect |= !strncasecmp(p, "Expect:", 7);
        has_ctype |= !strncasecmp(p, "Content-Type:", 13);
    }
    /* Keep curl from adding headers our client did not send. */
    if (!has_accept)
        rr->headers = curl_slist_append(rr->headers, "Accept:");
    if (!has_expect)
        rr->headers = curl_slist_append(rr->headers, "Expect:");
    if (!has_ctype)
        rr->headers = curl_slist_append(rr->headers, "Content-Type:");
    rr->body = eol + 2;
    rr->body_len = cap->len - (size_t)(rr->body - cap->buf);
}

static size_t sink(char *data, size_t size, size_t nmemb, void *user)
{
    (void)data;
    *(size_t *)user += size * nmemb;
    return size * nmemb;
}

static CURL *raw_setup(const raw_request *rr, size_t *received)
{
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, rr->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, rr->headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, received);
    if (strcmp(rr->method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rr->body_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rr->body);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rr->method);
    }
    return h;
}

static int raw_call(CURL *h)
{
    long status = 0;
    if (curl_easy_perform(h) != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
        status != 200) {
        fprintf(stderr, "calls: raw call failed (status %ld)\n", status);
        return -1;
    }
    return 0;
}

/* ---- memory ------------------------------------------------------------------ */

typedef void (*totals_fn)(uint64_t *, uint64_t *, uint64_t *);

/* ---- parallel ----------------------------------------------------------------- */

typedef struct worker {
    awsc_iot_jobs_data_client *client; /* NULL: make its own */
    long calls;
    int failed;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    awsc_iot_jobs_data_client *c = w->client ? w->client : new_client(g_endpoint);
    for (long i = 0; i < w->calls && !w->failed; i++)
        w->failed = one_call(c) != 0;
    if (!w->client)
        awsc_iot_jobs_data_client_free(c);
    return NULL;
}

/* ---- async: one client, one thread, many calls in flight ------------------ */

typedef struct async_run {
    awsc_iot_jobs_data_client *client;
    long started, done, total;
    int failed;
} async_run;

static void async_start(async_run *r);

static void async_done(void *user, int status, awsc_iot_jobs_data_describe_job_execution_response *out,
                       const awsc_error *err)
{
    async_run *r = user;
    (void)err;
    r->done++;
    if (status != AWSC_OK || !out || !out->execution)
        r->failed = 1;
    awsc_output_free(out);
    if (r->started < r->total)
        async_start(r); /* keep the same number in flight */
}

static void async_start(async_run *r)
{
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "sensor-01", .job_id = "fw-2024-06"};
    r->started++;
    if (awsc_iot_jobs_data_describe_job_execution_async(r->client, &in, async_done, r, NULL) != AWSC_OK)
        r->failed = 1;
}

static int run_async(long n, int in_flight)
{
    async_run r = {.client = new_client(g_endpoint), .total = n};
    for (int i = 0; i < in_flight && r.started < n; i++)
        async_start(&r);
    double t0 = now_s();
    awsc_iot_jobs_data_client_run(r.client, -1);
    double dt = now_s() - t0;
    awsc_iot_jobs_data_client_free(r.client);
    if (r.failed || r.done != n)
        die("async calls failed");
    printf("{\"calls\": %ld, \"seconds\": %.6f, \"per_s\": %.1f, \"in_flight\": %d}\n", n, dt, n / dt, in_flight);
    return 0;
}

/* ---- the multi floor: libcurl multi, IN_FLIGHT handles, the captured bytes --- */

static int run_multi(int port, long n, int in_flight)
{
    static captured cap;
    raw_request rr = {0};
    capture_request(port, &cap, &rr);
    size_t received = 0;
    CURLM *m = curl_multi_init();
    CURL **hs = calloc((size_t)in_flight, sizeof *hs);
    if (!m || !hs)
        die("multi setup");
    long started = 0, done = 0;
    for (int i = 0; i < in_flight && started < n; i++, started++) {
        hs[i] = raw_setup(&rr, &received);
        curl_multi_add_handle(m, hs[i]);
    }
    double t0 = now_s();
    int running = 1;
    while (done < n) {
        if (curl_multi_perform(m, &running) != CURLM_OK)
            die("curl_multi_perform");
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *h = msg->easy_handle;
            long status = 0;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result != CURLE_OK || status != 200)
                die("multi call failed");
            done++;
            curl_multi_remove_handle(m, h);
            if (started < n) { /* the same handle again: keep IN_FLIGHT calls going */
                started++;
                curl_multi_add_handle(m, h);
            }
        }
        if (done < n && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
            die("curl_multi_poll");
    }
    double dt = now_s() - t0;
    for (int i = 0; i < in_flight; i++)
        if (hs[i]) {
            curl_multi_remove_handle(m, hs[i]);
            curl_easy_cleanup(hs[i]);
        }
    curl_multi_cleanup(m);
    curl_slist_free_all(rr.headers);
    free(hs);
    printf("{\"calls\": %ld, \"seconds\": %.6f, \"per_s\": %.1f, \"in_flight\": %d}\n", n, dt, n / dt, in_flight);
    return 0;
}

/* ---- cold start: the first call of a process ---------------------------------- */

/* The bytes our client sends, captured in a child so this process stays cold. */
static void capture_in_child(int port, captured *cap)
{
    int fds[2];
    if (pipe(fds))
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(fds[0]);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        raw_request rr = {0};
        capture_request(port, cap, &rr);
        const char *p = cap->buf;
        size_t left = cap->len;
        while (left) {
            ssize_t w = write(fds[1], p, left);
            if (w <= 0)
                _exit(1);
            p += w;
            left -= (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    cap->len = 0;
    ssize_t r;
    while ((r = read(fds[0], cap->buf + cap->len, sizeof cap->buf - 1 - cap->len)) > 0)
        cap->len += (size_t)r;
    close(fds[0]);
    cap->buf[cap->len] = '\0';
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !cap->len)
        die("capture child failed");
}

static int run_cold(bool raw, int port)
{
    static captured cap;
    raw_request rr = {0};
    if (raw) {
        capture_in_child(port, &cap);
        parse_capture(port, &cap, &rr);
    }
    size_t received = 0;
    double t0 = now_s();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    if (raw) {
        CURL *h = raw_setup(&rr, &received);
        rc = raw_call(h);
        curl_easy_cleanup(h);
    } else {
        awsc_config cfg = AWSC_CONFIG_INIT; /* credentials and region from the environment, as users run */
        cfg.endpoint_url = g_endpoint;
        cfg.max_attempts = 1;
        awsc_iot_jobs_data_client *c;
        awsc_error err = AWSC_ERROR_INIT;
        if (awsc_iot_jobs_data_client_new(&cfg, &c, &err) != AWSC_OK)
            die(err.message);
        rc = one_call(c);
        awsc_iot_jobs_data_client_free(c);
    }
    double dt = now_s() - t0;
    curl_slist_free_all(rr.headers);
    if (rc)
        return 1;
    printf("{\"seconds\": %.6f}\n", dt);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        die("usage: calls ours|raw|own|shared|async|multi|mem [ours|raw] describe|update PORT N [THREADS|IN_FLIGHT]\n"
            "       calls cold ours|raw describe|update PORT");
    const char *mode = argv[1];
    if (strcmp(mode, "cold") == 0) { /* calls cold ours|raw describe PORT; nothing initialised yet */
        g_update = strcmp(argv[3], "update") == 0;
        snprintf(g_endpoint, sizeof g_endpoint, "http://127.0.0.1:%d", atoi(argv[4]));
        return run_cold(strcmp(argv[2], "raw") == 0, atoi(argv[4]));
    }
    int a = 2;
    const char *who = "ours";
    if (strcmp(mode, "mem") == 0)
        who = argv[a++];
    if (argc < a + 3)
        die("missing arguments");
    g_update = strcmp(argv[a], "update") == 0;
    int port = atoi(argv[a + 1]);
    long n = atol(argv[a + 2]);
    int threads = argc > a + 3 ? atoi(argv[a + 3]) : 1;
    snprintf(g_endpoint, sizeof g_endpoint, "http://127.0.0.1:%d", port);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    if (strcmp(mode, "ours") == 0 || strcmp(mode, "raw") == 0 || strcmp(mode, "mem") == 0) {
        bool raw = strcmp(mode, "raw") == 0 || strcmp(who, "raw") == 0;
        static captured cap;
        raw_request rr = {0};
        size_t received = 0;
        awsc_iot_jobs_data_client *c = NULL;
        CURL *h = NULL;
        if (raw) {
            capture_request(port, &cap, &rr);
            h = raw_setup(&rr, &received);
        } else {
            c = new_client(g_endpoint);
        }
#define CALL() (raw ? raw_call(h) : one_call(c))
        for (int i = 0; i < WARMUP; i++)
            if (CALL())
                return 1;
        if (strcmp(mode, "mem") != 0) {
            double t0 = now_s();
            for (long i = 0; i < n; i++)
                if (CALL())
                    return 1;
            double dt = now_s() - t0;
            printf("{\"calls\": %ld, \"seconds\": %.6f, \"per_s\": %.1f, \"request_bytes\": %zu}\n", n, dt, n / dt,
                   raw ? cap.len : 0);
        } else {
            /* Allocations over the 10k calls after warm-up; RSS at 10k and at n. */
            totals_fn totals = (totals_fn)dlsym(RTLD_DEFAULT, "bench_alloc_totals");
            uint64_t a0 = 0, b0 = 0, f0 = 0, a1 = 0, b1 = 0, f1 = 0;
            long counted = n < 10000 ? n : 10000;
            long rss_10k = -1;
            if (totals)
                totals(&a0, &b0, &f0);
            for (long i = 0; i < n; i++) {
                if (CALL())
                    return 1;
                if (i + 1 == counted) {
                    if (totals)
                        totals(&a1, &b1, &f1);
                    rss_10k = proc_status_kib("VmRSS");
                }
            }
            long rss_end = proc_status_kib("VmRSS");
            if (totals)
                printf("{\"calls\": %ld, \"counted_calls\": %ld, \"allocs_per_call\": %.2f, \"bytes_per_call\": %.1f, "
                       "\"frees_per_call\": %.2f, ",
                       n, counted, (double)(a1 - a0) / counted, (double)(b1 - b0) / counted,
                       (double)(f1 - f0) / counted);
            else
                printf("{\"calls\": %ld, ", n);
            printf("\"rss_kib_at_10k\": %ld, \"rss_kib_end\": %ld, \"peak_rss_kib\": %ld}\n", rss_10k, rss_end,
                   proc_status_kib("VmHWM"));
        }
        if (c)
            awsc_iot_jobs_data_client_free(c);
        if (h)
            curl_easy_cleanup(h);
        curl_slist_free_all(rr.headers);
        return 0;
    }

    if (strcmp(mode, "async") == 0) /* THREADS here is how many calls are kept in flight */
        return run_async(n, threads);
    if (strcmp(mode, "multi") == 0)
        return run_multi(port, n, threads);
    bool shared = strcmp(mode, "shared") == 0;
    if (!shared && strcmp(mode, "own") != 0)
        die("unknown mode");
    awsc_iot_jobs_data_client *sc = shared ? new_client(g_endpoint) : NULL;
    worker *ws = calloc((size_t)threads, sizeof *ws);
    pthread_t *ts = calloc((size_t)threads, sizeof *ts);
    double t0 = now_s();
    for (int i = 0; i < threads; i++) {
        ws[i].client = sc;
        ws[i].calls = n;
        pthread_create(&ts[i], NULL, worker_main, &ws[i]);
    }
    int failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(ts[i], NULL);
        failed |= ws[i].failed;
    }
    double dt = now_s() - t0;
    if (failed)
        return 1;
    printf("{\"threads\": %d, \"calls\": %ld, \"seconds\": %.6f, \"per_s\": %.1f}\n", threads, n * threads, dt,
           n * threads / dt);
    if (sc)
        awsc_iot_jobs_data_client_free(sc);
    free(ws);
    free(ts);
    return 0;
}
