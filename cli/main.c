/*
 * awsc: call any generated operation from the shell, shaped like the AWS CLI.
 *
 *   awsc <service> <operation> [--member-name VALUE]... [--cli-input-json JSON|file://PATH]
 *        [--endpoint-url URL] [--region REGION] [--profile NAME] [--debug]
 *        [--cli-connect-timeout SECONDS] [--cli-read-timeout SECONDS]
 *
 * Input members use the model's names (JSON) or kebab-case options; the
 * output is printed as JSON with the model's member names. Exit status
 * follows the AWS CLI: 252 bad usage or input, 253 configuration, 254 the
 * service returned an error, 255 anything else.
 */
#include "util/arena.h"
#include "util/buf.h"
#include "cli.h"
#include "serde/json/json.h"

#ifdef AWSC_HAVE_STS_CREDENTIALS
#include <awsc/sts_credentials.h>
#endif
#ifdef AWSC_HAVE_SSO_CREDENTIALS
#include <awsc/sso_credentials.h>
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_USAGE = 252, EXIT_CONFIG = 253, EXIT_SERVICE = 254, EXIT_OTHER = 255 };

/* "thingName" -> "thing-name", "BIN" -> "bin": the generator's snake_case with dashes. */
static void kebab(const char *name, char *out, size_t cap)
{
    size_t o = 0;
    size_t n = strlen(name);
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        char c = name[i];
        if (!isalnum((unsigned char)c)) {
            if (o && out[o - 1] != '-')
                out[o++] = '-';
            continue;
        }
        bool upper = isupper((unsigned char)c);
        bool prev_lower = i && (islower((unsigned char)name[i - 1]) || isdigit((unsigned char)name[i - 1]));
        bool prev_upper = i && isupper((unsigned char)name[i - 1]);
        bool next_lower = i + 1 < n && islower((unsigned char)name[i + 1]);
        if (upper && o && out[o - 1] != '-' && (prev_lower || (prev_upper && next_lower)))
            out[o++] = '-';
        out[o++] = (char)tolower((unsigned char)c);
    }
    out[o] = '\0';
}

static const awsc_service *find_service(const char *name)
{
    for (size_t i = 0; awsc_cli_services[i]; i++) {
        const awsc_service *s = awsc_cli_services[i]();
        if (strcmp(s->cli_name, name) == 0)
            return s;
    }
    return NULL;
}

static const awsc_operation *find_operation(const awsc_service *svc, const char *name)
{
    char k[128];
    for (uint32_t i = 0; i < svc->operation_count; i++) {
        kebab(svc->operations[i].name, k, sizeof k);
        if (strcmp(k, name) == 0 || strcmp(svc->operations[i].name, name) == 0)
            return &svc->operations[i];
    }
    return NULL;
}

static const awsc_member *find_member(const awsc_shape *in, const char *opt, bool *negated)
{
    char k[128];
    *negated = false;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; in && i < in->member_count; i++) {
            const awsc_member *m = &in->members[i];
            kebab(m->name, k, sizeof k);
            const char *want = opt;
            if (pass == 1) {
                if (m->type != AWSC_T_BOOL || strncmp(opt, "no-", 3) != 0)
                    continue;
                want = opt + 3;
            }
            if (strcmp(k, want) == 0 || strcmp(m->name, want) == 0) {
                *negated = pass == 1;
                return m;
            }
        }
    }
    return NULL;
}

static const char *type_label(const awsc_member *m)
{
    static const char *const names[] = {"string", "enum", "boolean", "byte", "short", "integer", "intEnum", "long",
                                        "float", "double", "bigInteger", "bigDecimal", "blob (base64)", "timestamp",
                                        "document (JSON)", "structure (JSON)", "union (JSON)", "list (JSON)",
                                        "map (JSON)"};
    return m->type < sizeof names / sizeof names[0] ? names[m->type] : "?";
}

static void usage(FILE *f)
{
    fprintf(f, "usage: awsc <service> <operation> [--member VALUE]... [--cli-input-json JSON|file://PATH]\n"
               "            [--endpoint-url URL] [--region REGION] [--profile NAME] [--debug]\n"
               "            [--cli-connect-timeout SECONDS] [--cli-read-timeout SECONDS]\n"
               "       awsc <service>                  list operations\n"
               "       awsc <service> <operation> help list an operation's options\n\nservices:\n");
    for (size_t i = 0; awsc_cli_services[i]; i++) {
        const awsc_service *s = awsc_cli_services[i]();
        fprintf(f, "  %-24s %s (API %s)\n", s->cli_name, s->sdk_id, s->api_version);
    }
}

static void list_operations(const awsc_service *svc)
{
    char k[128];
    printf("%s operations:\n", svc->cli_name);
    for (uint32_t i = 0; i < svc->operation_count; i++) {
        kebab(svc->operations[i].name, k, sizeof k);
        printf("  %s\n", k);
    }
}

static void describe_operation(const awsc_service *svc, const awsc_operation *op)
{
    char k[128];
    kebab(op->name, k, sizeof k);
    printf("awsc %s %s  (%s %s)\n", svc->cli_name, k, op->method, op->uri);
    for (uint32_t i = 0; op->input && i < op->input->member_count; i++) {
        const awsc_member *m = &op->input->members[i];
        kebab(m->name, k, sizeof k);
        printf("  --%-28s %s%s%s\n", k, type_label(m), (m->flags & AWSC_F_REQUIRED) ? ", required" : "",
               (m->flags & AWSC_F_SENSITIVE) ? ", sensitive (never logged)" : "");
    }
}

/* The largest --cli-input-json file read: an input is kilobytes; a device or a FIFO never ends. */
#define CLI_INPUT_MAX_BYTES (16u << 20)

/* Reads a regular file of at most CLI_INPUT_MAX_BYTES; NULL with the reason printed. */
static char *read_input_file(const char *path, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before the type is checked. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "awsc: --cli-input-json: cannot read %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "awsc: --cli-input-json: %s is not a regular file\n", path);
        close(fd);
        return NULL;
    }
    awsc_buf b = AWSC_BUF_INIT;
    char chunk[4096];
    ssize_t n = 0;
    bool too_big = false, nomem = false;
    /* Bounded by the cap, not by st_size: the file may grow while it is read. */
    while (!too_big && !nomem && (n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;
        }
        too_big = b.len + (size_t)n > CLI_INPUT_MAX_BYTES;
        nomem = !too_big && awsc_buf_append(&b, chunk, (size_t)n) != 0;
    }
    int read_errno = errno;
    close(fd);
    if (n < 0 || too_big || nomem) {
        if (too_big)
            fprintf(stderr, "awsc: --cli-input-json: %s is larger than the %u MiB limit\n", path,
                    CLI_INPUT_MAX_BYTES >> 20);
        else if (nomem)
            fprintf(stderr, "awsc: --cli-input-json: out of memory reading %s\n", path);
        else
            fprintf(stderr, "awsc: --cli-input-json: cannot read %s: %s\n", path, strerror(read_errno));
        awsc_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return awsc_buf_take(&b);
}

/* Re-indents compact JSON with four spaces, the AWS CLI's layout. */
static int pretty_print(const char *s, size_t len, FILE *out)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            fputc(c, out);
            if (c == '\\' && i + 1 < len)
                fputc(s[++i], out);
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            fputc(c, out);
            break;
        case '{':
        case '[':
            if (i + 1 < len && (s[i + 1] == '}' || s[i + 1] == ']')) {
                fputc(c, out);
                fputc(s[++i], out);
                break;
            }
            fprintf(out, "%c\n%*s", c, 4 * ++depth, "");
            break;
        case '}':
        case ']':
            fprintf(out, "\n%*s%c", 4 * --depth, "", c);
            break;
        case ',':
            fprintf(out, ",\n%*s", 4 * depth, "");
            break;
        case ':':
            fputs(": ", out);
            break;
        default:
            fputc(c, out);
        }
    }
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}

/*
 * What an unquoted option value must be, as a phrase for the error; NULL when it
 * fits. Each value is exactly one JSON value of the member's type: pasted into
 * the input unchecked, '1, "thingName": "x"' would set other members.
 */
static const char *option_value_mismatch(const awsc_member *m, const char *value)
{
    const char *want = "one JSON value", *starts = NULL; /* documents: any value */
    bool integer = false;
    switch (m->type) {
    case AWSC_T_BOOL:
        want = "true or false", starts = "tf";
        break;
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG:
    case AWSC_T_BIG_INTEGER:
        want = "an integer", starts = "-0123456789", integer = true;
        break;
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
    case AWSC_T_BIG_DECIMAL:
    case AWSC_T_TIMESTAMP:
        want = "a number", starts = "-0123456789";
        break;
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
    case AWSC_T_MAP:
        want = "a JSON object", starts = "{";
        break;
    case AWSC_T_LIST:
        want = "a JSON array", starts = "[";
        break;
    default:
        break;
    }
    if (!awsc_json_valid(value, strlen(value)))
        return want;
    const char *p = value + strspn(value, " \t\r\n");
    if (starts && !strchr(starts, *p)) /* valid JSON: *p is not the NUL */
        return want;
    return integer && strpbrk(p, ".eE") ? want : NULL;
}

/* Builds {"name": value} for one option (`opt`, as the user typed it) and merges it into the input. */
static int apply_option(const awsc_member *m, const char *opt, const char *value, void *input,
                        const awsc_shape *shape, awsc_arena *arena, awsc_error *err)
{
    bool special_float = (m->type == AWSC_T_FLOAT || m->type == AWSC_T_DOUBLE) &&
                         (strcmp(value, "NaN") == 0 || strcmp(value, "Infinity") == 0 ||
                          strcmp(value, "-Infinity") == 0);
    bool quote = m->type == AWSC_T_STRING || m->type == AWSC_T_ENUM || m->type == AWSC_T_BLOB || special_float ||
                 (m->type == AWSC_T_TIMESTAMP && !isdigit((unsigned char)value[0]) && value[0] != '-');
    const char *want = quote ? NULL : option_value_mismatch(m, value);
    if (want) {
        fprintf(stderr, "awsc: --%s: expected %s, got \"%s\"\n", opt, want, value);
        return EXIT_USAGE;
    }
    awsc_buf json = AWSC_BUF_INIT;
    int rc = awsc_buf_putc(&json, '{') || awsc_json_write_string(&json, m->name, strlen(m->name)) ||
             awsc_buf_putc(&json, ':');
    if (!rc)
        rc = quote ? awsc_json_write_string(&json, value, strlen(value)) : awsc_buf_puts(&json, value);
    if (!rc)
        rc = awsc_buf_putc(&json, '}');
    if (rc) {
        awsc_buf_free(&json);
        fprintf(stderr, "awsc: --%s: value is not valid UTF-8 or memory ran out\n", opt);
        return EXIT_USAGE;
    }
    rc = awsc_json_read(shape, input, json.data, json.len, arena, AWSC_JSON_MODEL, AWSC_E_VALIDATION, err);
    awsc_buf_free(&json);
    if (rc) {
        fprintf(stderr, "awsc: --%s: %s\n", opt, err->message);
        return EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("awsc %s\n", AWSC_VERSION);
        return 0;
    }
    const awsc_service *svc = find_service(argv[1]);
    if (!svc) {
        fprintf(stderr, "awsc: unknown service '%s'\n", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (argc < 3 || strcmp(argv[2], "help") == 0) {
        list_operations(svc);
        return argc < 3 ? EXIT_USAGE : 0;
    }
    const awsc_operation *op = find_operation(svc, argv[2]);
    if (!op) {
        fprintf(stderr, "awsc: %s has no operation '%s'\n", svc->cli_name, argv[2]);
        list_operations(svc);
        return EXIT_USAGE;
    }
    if (argc > 3 && (strcmp(argv[3], "help") == 0 || strcmp(argv[3], "--help") == 0)) {
        describe_operation(svc, op);
        return 0;
    }

    awsc_config cfg = AWSC_CONFIG_INIT;
#ifdef AWSC_HAVE_STS_CREDENTIALS
    cfg.sts = awsc_sts_credentials_api(); /* web identity and role_arn profiles */
#endif
#ifdef AWSC_HAVE_SSO_CREDENTIALS
    cfg.sso = awsc_sso_credentials_api(); /* sso_session and sso_start_url profiles */
#endif
    awsc_error err = AWSC_ERROR_INIT;
    awsc_arena *arena = awsc_arena_create();
    void *input = op->input && arena ? awsc_arena_alloc(arena, op->input->size) : NULL;
    if (!arena || (op->input && !input)) {
        fprintf(stderr, "awsc: out of memory\n");
        awsc_arena_destroy(arena);
        return EXIT_OTHER;
    }
    int status = 0;

    /* --cli-input-json first, so that individual options override it. */
    for (int i = 3; i < argc && !status; i++) {
        if (strcmp(argv[i], "--cli-input-json") != 0)
            continue;
        if (i + 1 >= argc) {
            fprintf(stderr, "awsc: --cli-input-json needs a value\n");
            status = EXIT_USAGE;
            break;
        }
        const char *text = argv[i + 1];
        size_t len = strlen(text);
        char *file = NULL;
        if (strncmp(text, "file://", 7) == 0) {
            file = read_input_file(text + 7, &len);
            if (!file) {
                status = EXIT_USAGE;
                break;
            }
            text = file;
        }
        if (!op->input) {
            if (!awsc_json_valid(text, len)) {
                fprintf(stderr, "awsc: --cli-input-json is not valid JSON\n");
                status = EXIT_USAGE;
            }
        } else if (awsc_json_read(op->input, input, text, len, arena, AWSC_JSON_MODEL, AWSC_E_VALIDATION, &err)) {
            fprintf(stderr, "awsc: --cli-input-json: %s\n", err.message);
            status = EXIT_USAGE;
        }
        free(file);
    }
    for (int i = 3; i < argc && !status; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "awsc: unexpected argument '%s'\n", a);
            status = EXIT_USAGE;
            break;
        }
        const char *opt = a + 2;
        bool has_value = i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0;
        if (strcmp(opt, "cli-input-json") == 0) {
            i++;
            continue;
        }
        if (strcmp(opt, "debug") == 0) {
            cfg.log_level = AWSC_LOG_TRACE; /* to stderr, secrets redacted */
            continue;
        }
        if (strcmp(opt, "endpoint-url") == 0 || strcmp(opt, "region") == 0 || strcmp(opt, "profile") == 0) {
            if (!has_value) {
                fprintf(stderr, "awsc: --%s needs a value\n", opt);
                status = EXIT_USAGE;
                break;
            }
            *(opt[0] == 'e' ? &cfg.endpoint_url : opt[0] == 'r' ? &cfg.region : &cfg.profile) = argv[++i];
            continue;
        }
        if (strcmp(opt, "cli-connect-timeout") == 0 || strcmp(opt, "cli-read-timeout") == 0) {
            char *end = NULL;
            double secs = has_value ? strtod(argv[i + 1], &end) : -1;
            if (!has_value || *end || secs < 0 || secs > 86400) {
                fprintf(stderr, "awsc: --%s needs a number of seconds\n", opt);
                status = EXIT_USAGE;
                break;
            }
            i++;
            *(opt[4] == 'c' ? &cfg.connect_timeout_ms : &cfg.request_timeout_ms) = (long)(secs * 1000);
            continue;
        }
        bool negated;
        const awsc_member *m = find_member(op->input, opt, &negated);
        if (!m) {
            fprintf(stderr, "awsc: unknown option '--%s' (see: awsc %s %s help)\n", opt, svc->cli_name, argv[2]);
            status = EXIT_USAGE;
            break;
        }
        const char *value;
        if (m->type == AWSC_T_BOOL && (negated || !has_value ||
                                       (strcmp(argv[i + 1], "true") != 0 && strcmp(argv[i + 1], "false") != 0))) {
            value = negated ? "false" : "true";
        } else if (!has_value) {
            fprintf(stderr, "awsc: --%s needs a value\n", opt);
            status = EXIT_USAGE;
            break;
        } else {
            value = argv[++i];
        }
        status = apply_option(m, opt, value, input, op->input, arena, &err);
    }

    awsc_client *client = NULL;
    void *output = NULL;
    if (!status && awsc_client_new(svc, &cfg, &client, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: %s\n", err.message);
        status = EXIT_CONFIG;
    }
    if (!status) {
        int rc = awsc_client_invoke(client, op, input, &output, &err);
        if (rc == AWSC_E_SERVICE) {
            /* Without a code the HTTP status stands in for it, as in the AWS CLI. */
            char status_code[24];
            snprintf(status_code, sizeof status_code, "%ld", err.http_status);
            fprintf(stderr, "An error occurred (%s) when calling the %s operation: %s\n",
                    err.code ? err.code : status_code, op->name, err.message ? err.message : "");
            if (err.request_id)
                fprintf(stderr, "Request ID: %s\n", err.request_id);
            if (err.extended_request_id) /* S3 support asks for both */
                fprintf(stderr, "Extended Request ID: %s\n", err.extended_request_id);
            status = EXIT_SERVICE;
        } else if (rc) {
            fprintf(stderr, "awsc: %s: %s\n", awsc_status_str(rc), err.message ? err.message : "");
            status = rc == AWSC_E_VALIDATION ? EXIT_USAGE : rc == AWSC_E_CONFIG ? EXIT_CONFIG : EXIT_OTHER;
        } else if (op->output) {
            awsc_buf json = AWSC_BUF_INIT;
            if (awsc_json_write(&json, op->output, output, AWSC_JSON_MODEL, false, &err) != AWSC_OK) {
                fprintf(stderr, "awsc: cannot print the output: %s\n", err.message);
                status = EXIT_OTHER;
            } else if (pretty_print(json.data, json.len, stdout) != 0) {
                status = EXIT_OTHER;
            }
            awsc_buf_free(&json);
        }
    }
    awsc_output_free(output);
    awsc_client_free(client);
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return status;
}
