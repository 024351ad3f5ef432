/*
 * awsc s3: the high-level S3 commands, as the AWS CLI's `aws s3` (the operations one by one are
 * `awsc s3api`). Each command is a row of `commands`: its name, its synopsis and the function
 * that runs it with the arguments after its name.
 *
 *   awsc s3 cp LOCAL s3://BUCKET/KEY | s3://BUCKET/KEY LOCAL (cli/s3_cp.c, with libawsc-transfer)
 *   awsc s3 presign s3://BUCKET/KEY [--expires-in SECONDS] [--region R] [--endpoint-url URL]
 *                   [--profile NAME] [--debug]
 */
#include "cli.h"
#ifdef AWSC_HAVE_TRANSFER
#include "s3_cp.h"
#endif

#include <awsc/awsc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options every s3 command takes, into the client's configuration; 0, 1 when `argv[*i]` is not one, or an exit status. */
static int common_option(int argc, char **argv, int *i, awsc_config *cfg)
{
    const char *a = argv[*i];
    if (strcmp(a, "--debug") == 0) {
        cfg->log_level = AWSC_LOG_TRACE; /* to stderr, secrets redacted */
        return 0;
    }
    const char **slot = strcmp(a, "--region") == 0         ? &cfg->region
                        : strcmp(a, "--endpoint-url") == 0 ? &cfg->endpoint_url
                        : strcmp(a, "--profile") == 0      ? &cfg->profile
                                                           : NULL;
    if (!slot)
        return 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "awsc: %s needs a value\n", a);
        return CLI_EXIT_USAGE;
    }
    *slot = argv[++*i];
    return 0;
}

/* "s3://bucket/key": the bucket and the key (the rest, slashes and all), pointing into `uri`. */
static int parse_s3_uri(char *uri, const char **bucket, const char **key)
{
    if (strncmp(uri, "s3://", 5) != 0) {
        fprintf(stderr, "awsc: expected s3://BUCKET/KEY, got \"%s\"\n", uri);
        return CLI_EXIT_USAGE;
    }
    char *slash = strchr(uri + 5, '/');
    if (!slash || slash == uri + 5 || !slash[1]) {
        fprintf(stderr, "awsc: \"%s\" names no object: expected s3://BUCKET/KEY\n", uri);
        return CLI_EXIT_USAGE;
    }
    *slash = '\0';
    *bucket = uri + 5;
    *key = slash + 1;
    return 0;
}

/* Sets string member `name` of `op`'s input. */
static void set_string(const awsc_operation *op, void *input, const char *name, const char *value)
{
    for (uint32_t i = 0; i < op->input->member_count; i++)
        if (strcmp(op->input->members[i].name, name) == 0)
            *(const char **)((unsigned char *)input + op->input->members[i].offset) = value;
}

/* A presigned GetObject URL, as `aws s3 presign` prints it: valid --expires-in seconds (3600 by default). */
static int cmd_presign(const awsc_service *svc, int argc, char **argv)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_cli_base_config(&cfg);
    char *uri = NULL;
    long long expires = 3600;
    for (int i = 0; i < argc; i++) {
        int rc = common_option(argc, argv, &i, &cfg);
        if (rc == 0)
            continue;
        if (rc != 1)
            return rc;
        if (strcmp(argv[i], "--expires-in") == 0) {
            char *end = NULL;
            const char *v = i + 1 < argc ? argv[++i] : "";
            expires = strtoll(v, &end, 10);
            if (!*v || *end || *v == '-' || *v == '+') {
                fprintf(stderr, "awsc: --expires-in needs a whole number of seconds (1 to 604800), got \"%s\"\n", v);
                return CLI_EXIT_USAGE;
            }
        } else if (argv[i][0] != '-' && !uri) {
            uri = argv[i];
        } else {
            fprintf(stderr, "awsc: s3 presign: unexpected argument '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    int addressing = awsc_cli_s3_addressing(&cfg);
    if (addressing)
        return addressing;
    const char *bucket, *key;
    if (!uri) {
        fprintf(stderr, "usage: awsc s3 presign s3://BUCKET/KEY [--expires-in SECONDS]\n");
        return CLI_EXIT_USAGE;
    }
    int status = parse_s3_uri(uri, &bucket, &key);
    if (status)
        return status;
    const awsc_operation *op = NULL;
    for (uint32_t i = 0; i < svc->operation_count && !op; i++)
        if (strcmp(svc->operations[i].name, "GetObject") == 0)
            op = &svc->operations[i];
    void *input = op && op->input ? calloc(1, op->input->size) : NULL;
    if (!input) {
        fprintf(stderr, "awsc: %s\n", op ? "out of memory" : "this S3 client has no GetObject");
        return CLI_EXIT_OTHER;
    }
    set_string(op, input, "Bucket", bucket);
    set_string(op, input, "Key", key);
    awsc_error err = AWSC_ERROR_INIT;
    awsc_client *client = NULL;
    char *url = NULL;
    int rc = awsc_client_new(svc, &cfg, &client, &err);
    if (rc == AWSC_OK)
        rc = awsc_client_presign(client, op, input, (int64_t)expires, &url, &err);
    if (rc == AWSC_OK) {
        printf("%s\n", url);
    } else {
        fprintf(stderr, "awsc: %s: %s\n", awsc_status_str(rc), err.message ? err.message : "");
        status = rc == AWSC_E_VALIDATION ? CLI_EXIT_USAGE : rc == AWSC_E_CONFIG ? CLI_EXIT_CONFIG : CLI_EXIT_OTHER;
    }
    free(url);
    awsc_client_free(client);
    awsc_error_clear(&err);
    free(input);
    return status;
}

typedef struct s3_command {
    const char *name;
    const char *synopsis;
    int (*run)(const awsc_service *svc, int argc, char **argv);
} s3_command;

#ifdef AWSC_HAVE_TRANSFER
/* Copies through libawsc-transfer (cli/s3_cp.c), which finds its client itself. */
static int cmd_cp(const awsc_service *svc, int argc, char **argv)
{
    (void)svc;
    return awsc_cli_s3_cp(argc, argv);
}
#endif

static const s3_command commands[] = {
#ifdef AWSC_HAVE_TRANSFER
    {"cp", "LOCAL s3://BUCKET/KEY | s3://BUCKET/KEY LOCAL   copy a file (or -) with multipart transfers", cmd_cp},
#endif
    {"presign", "s3://BUCKET/KEY [--expires-in SECONDS]   a presigned URL for GetObject", cmd_presign},
};

static void s3_usage(FILE *f)
{
    fprintf(f, "usage: awsc s3 <command> [options] [--region R] [--endpoint-url URL] [--profile NAME] [--debug]\n"
               "       (the S3 operations one by one: awsc s3api)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].synopsis);
}

int awsc_cli_s3(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        s3_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    const awsc_service *svc = awsc_cli_find_service("s3api");
    if (!svc) {
        fprintf(stderr, "awsc: s3 needs the S3 client, which this awsc was built without (AWSC_SERVICES)\n");
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(svc, argc - 2, argv + 2);
    fprintf(stderr, "awsc: s3 has no command '%s'\n", argv[1]);
    s3_usage(stderr);
    return CLI_EXIT_USAGE;
}
