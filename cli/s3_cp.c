/*
 * awsc s3 cp: copies a file (or standard input/output, "-") to or from S3
 * through libawsc-transfer, as `aws s3 cp` does: multipart uploads and
 * parallel ranged downloads with checksums, a progress bar on a terminal.
 *
 *   awsc s3 cp LOCAL s3://bucket/key     awsc s3 cp s3://bucket/key LOCAL
 *   [--endpoint-url URL] [--region REGION] [--profile NAME] [--debug]
 *   [--part-size SIZE] [--max-concurrency N] [--checksum-algorithm ALG]
 *   [--content-type TYPE] [--no-progress] [--quiet]
 */
#include "cli.h"
#include "s3_cp.h"

#include <awsc/s3.h>
#include <awsc/transfer.h>

#ifdef AWSC_HAVE_STS_CREDENTIALS
#include <awsc/sts_credentials.h>
#endif
#ifdef AWSC_HAVE_SSO_CREDENTIALS
#include <awsc/sso_credentials.h>
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


static void cp_usage(FILE *f)
{
    fprintf(f, "usage: awsc s3 cp LOCAL s3://BUCKET/KEY | s3://BUCKET/KEY LOCAL   (LOCAL may be - for stdin/stdout)\n"
               "         [--endpoint-url URL] [--region REGION] [--profile NAME] [--debug]\n"
               "         [--part-size SIZE (8MB)] [--max-concurrency N (8)] [--checksum-algorithm CRC32|CRC32C|"
               "CRC64NVME|SHA1|SHA256]\n"
               "         [--content-type TYPE] [--no-progress] [--quiet]\n");
}

/* "s3://bucket/key" -> bucket and key (malloc'd; key NULL when absent or empty). */
static int parse_s3_url(const char *url, char **bucket, char **key)
{
    if (strncmp(url, "s3://", 5) != 0)
        return -1;
    const char *b = url + 5, *slash = strchr(b, '/');
    size_t blen = slash ? (size_t)(slash - b) : strlen(b);
    if (blen == 0)
        return -1;
    *bucket = strndup(b, blen);
    *key = slash && slash[1] ? strdup(slash + 1) : NULL;
    return *bucket ? 0 : -1;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* "8MB", "16MiB", "5242880": bytes (K/M/G are powers of 1024, as the AWS CLI reads them). */
static int parse_size(const char *text, size_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || text[0] == '-')
        return -1;
    unsigned long long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024ULL;
    else if (*end == 'm' || *end == 'M')
        mult = 1024ULL * 1024;
    else if (*end == 'g' || *end == 'G')
        mult = 1024ULL * 1024 * 1024;
    else if (*end)
        return -1;
    if (*end && end[1] && strcmp(end + 1, "B") != 0 && strcmp(end + 1, "b") != 0 && strcmp(end + 1, "iB") != 0)
        return -1;
    if (v == 0 || v > (5ULL << 30) / mult)
        return -1;
    *out = (size_t)(v * mult);
    return 0;
}

typedef struct bar {
    bool on;
    struct timespec start;
    double last;
    int64_t last_done;
} bar;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(void *user, int64_t done, int64_t total)
{
    bar *b = user;
    double t = seconds_since(&b->start);
    if (t - b->last < 0.1 && done != total)
        return; /* at most ten updates a second */
    b->last = t;
    b->last_done = done;
    double mib = (double)done / (1024.0 * 1024.0), rate = t > 0 ? mib / t : 0;
    if (total > 0)
        fprintf(stderr, "\rCompleted %.1f MiB/%.1f MiB (%.1f MiB/s) %3d%%   ", mib, (double)total / (1024.0 * 1024.0),
                rate, (int)(done * 100 / total));
    else
        fprintf(stderr, "\rCompleted %.1f MiB (%.1f MiB/s)   ", mib, rate);
    fflush(stderr);
}

static int report(int rc, const awsc_error *err, const char *what)
{
    if (rc == AWSC_E_SERVICE) {
        char status_code[24];
        snprintf(status_code, sizeof status_code, "%ld", err->http_status);
        fprintf(stderr, "%s failed: An error occurred (%s): %s\n", what, err->code ? err->code : status_code,
                err->message ? err->message : "");
        if (err->request_id)
            fprintf(stderr, "Request ID: %s\n", err->request_id);
        return CLI_EXIT_SERVICE;
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, awsc_status_str(rc), err->message ? err->message : "");
    return rc == AWSC_E_VALIDATION ? CLI_EXIT_USAGE : rc == AWSC_E_CONFIG ? CLI_EXIT_CONFIG : CLI_EXIT_OTHER;
}

static long read_stdin(void *user, uint8_t *buf, size_t cap)
{
    (void)user;
    for (;;) {
        ssize_t n = read(0, buf, cap);
        if (n >= 0 || errno != EINTR)
            return (long)n;
    }
}

int awsc_cli_s3_cp(int argc, char **argv)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
#ifdef AWSC_HAVE_STS_CREDENTIALS
    cfg.sts = awsc_sts_credentials_api();
#endif
#ifdef AWSC_HAVE_SSO_CREDENTIALS
    cfg.sso = awsc_sso_credentials_api();
#endif
    awsc_transfer_options opt = AWSC_TRANSFER_OPTIONS_INIT;
    const char *paths[2] = {NULL, NULL};
    int npaths = 0;
    bool quiet = false, no_progress = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "help") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cp_usage(stdout);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0 || strcmp(a, "-") == 0) {
            if (npaths == 2) {
                fprintf(stderr, "awsc: s3 cp: unexpected argument '%s'\n", a);
                return CLI_EXIT_USAGE;
            }
            paths[npaths++] = a;
            continue;
        }
        const char *o = a + 2;
        if (strcmp(o, "quiet") == 0) {
            quiet = true;
            continue;
        }
        if (strcmp(o, "no-progress") == 0) {
            no_progress = true;
            continue;
        }
        if (strcmp(o, "debug") == 0) {
            cfg.log_level = AWSC_LOG_TRACE;
            continue;
        }
        if (strcmp(o, "no-cli-pager") == 0)
            continue;
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "awsc: s3 cp: --%s needs a value\n", o);
            return CLI_EXIT_USAGE;
        }
        i++;
        if (strcmp(o, "endpoint-url") == 0)
            cfg.endpoint_url = v;
        else if (strcmp(o, "region") == 0)
            cfg.region = v;
        else if (strcmp(o, "profile") == 0)
            cfg.profile = v;
        else if (strcmp(o, "content-type") == 0)
            opt.content_type = v;
        else if (strcmp(o, "checksum-algorithm") == 0)
            opt.checksum_algorithm = v;
        else if (strcmp(o, "part-size") == 0 || strcmp(o, "multipart-chunksize") == 0) {
            if (parse_size(v, &opt.part_size) != 0) {
                fprintf(stderr, "awsc: s3 cp: --%s: expected a size such as 8MB, got \"%s\"\n", o, v);
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(o, "max-concurrency") == 0) {
            char *end = NULL;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 64) {
                fprintf(stderr, "awsc: s3 cp: --max-concurrency: expected 1 to 64, got \"%s\"\n", v);
                return CLI_EXIT_USAGE;
            }
            opt.max_in_flight = (int)n;
        } else {
            fprintf(stderr, "awsc: s3 cp: unknown option '--%s'\n", o);
            cp_usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (npaths != 2) {
        cp_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    int addressing = awsc_cli_s3_addressing(&cfg);
    if (addressing)
        return addressing;
    bool up = strncmp(paths[1], "s3://", 5) == 0, down = strncmp(paths[0], "s3://", 5) == 0;
    if (up == down) {
        fprintf(stderr, "awsc: s3 cp: %s\n",
                up ? "copies between two S3 locations are not supported yet (use awsc s3api copy-object)"
                   : "one of the two paths must be an s3://bucket/key URL");
        return CLI_EXIT_USAGE;
    }
    const char *local = up ? paths[0] : paths[1];
    char *bucket = NULL, *key = NULL;
    if (parse_s3_url(up ? paths[1] : paths[0], &bucket, &key) != 0) {
        fprintf(stderr, "awsc: s3 cp: '%s' is not an s3://bucket/key URL\n", up ? paths[1] : paths[0]);
        return CLI_EXIT_USAGE;
    }
    int status = 0;
    char *local_path = NULL;
    bool std_stream = strcmp(local, "-") == 0;
    if (!key || key[strlen(key) - 1] == '/') {
        /* s3://bucket/ or s3://bucket/prefix/: the local file's name goes after it. */
        if (!up || std_stream) {
            fprintf(stderr, "awsc: s3 cp: '%s' names no object\n", up ? paths[1] : paths[0]);
            status = CLI_EXIT_USAGE;
        } else {
            size_t n = (key ? strlen(key) : 0) + strlen(base_name(local)) + 1;
            char *k = malloc(n);
            if (k)
                snprintf(k, n, "%s%s", key ? key : "", base_name(local));
            free(key);
            key = k;
        }
    }
    if (!status && down && !std_stream) {
        struct stat st;
        bool dir = local[strlen(local) - 1] == '/' || (stat(local, &st) == 0 && S_ISDIR(st.st_mode));
        size_t n = strlen(local) + strlen(base_name(key)) + 2;
        if ((local_path = malloc(n)) != NULL)
            snprintf(local_path, n, dir ? "%s%s%s" : "%s", local,
                     dir && local[strlen(local) - 1] != '/' ? "/" : "", dir ? base_name(key) : "");
    }
    if (!status && (!key || (down && !std_stream && !local_path))) {
        fprintf(stderr, "awsc: out of memory\n");
        status = CLI_EXIT_OTHER;
    }
    /* A ranged GET's body is held in memory: let a part through the response cap. */
    size_t part = opt.part_size ? opt.part_size : 8u << 20;
    if (part + (1u << 20) > (16u << 20))
        cfg.max_response_bytes = part + (1u << 20);

    awsc_s3_client *client = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (!status && awsc_s3_client_new(&cfg, &client, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: %s\n", err.message);
        status = CLI_EXIT_CONFIG;
    }
    bar b = {0};
    b.on = !quiet && !no_progress && isatty(2);
    clock_gettime(CLOCK_MONOTONIC, &b.start);
    b.last = -1;
    if (b.on) {
        opt.progress = show_progress;
        opt.progress_user = &b;
    }
    awsc_transfer_result res = {0};
    if (!status) {
        int rc;
        if (up && std_stream)
            rc = awsc_transfer_upload_stream(client, bucket, key, read_stdin, NULL, -1, &opt, &res, &err);
        else if (up)
            rc = awsc_transfer_upload_file(client, bucket, key, local, &opt, &res, &err);
        else if (std_stream)
            rc = awsc_transfer_download_fd(client, bucket, key, 1, &opt, &res, &err);
        else
            rc = awsc_transfer_download_file(client, bucket, key, local_path, &opt, &res, &err);
        if (b.on)
            fputc('\n', stderr);
        if (rc) {
            char what[512];
            snprintf(what, sizeof what, "%s: %s to %s", up ? "upload" : "download", paths[0], paths[1]);
            status = report(rc, &err, what);
        } else {
            if (down && res.checksum && !res.checksum_validated)
                fprintf(stderr, "warning: the object's %s checksum %s could not be checked (its parts' size is unknown)\n",
                        res.checksum_algorithm ? res.checksum_algorithm : "", res.checksum);
            if (!quiet && up)
                printf("upload: %s to s3://%s/%s\n", local, bucket, key);
            else if (!quiet && !std_stream)
                printf("download: %s to %s\n", paths[0], local_path);
        }
    }
    awsc_transfer_result_free(&res);
    awsc_s3_client_free(client);
    awsc_error_clear(&err);
    free(bucket);
    free(key);
    free(local_path);
    return status;
}
