/* One option's value(s) turned into the JSON of its member, checked against the model. */
#include "cli.h"

#include "serde/json/json.h"
#include "util/base64.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLI_FILE_MAX_BYTES (16u << 20)

char *cli_read_file(const char *what, const char *path, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before the type is checked. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "awsc: %s: cannot read %s: %s\n", what, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "awsc: %s: %s is not a regular file\n", what, path);
        close(fd);
        return NULL;
    }
    awsc_buf b = AWSC_BUF_INIT;
    char chunk[4096];
    ssize_t n = 0;
    bool too_big = false, nomem = false;
    while (!too_big && !nomem && (n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;
        }
        too_big = b.len + (size_t)n > CLI_FILE_MAX_BYTES;
        nomem = !too_big && awsc_buf_append(&b, chunk, (size_t)n) != 0;
    }
    int read_errno = errno;
    close(fd);
    if (n < 0 || too_big || nomem) {
        if (too_big)
            fprintf(stderr, "awsc: %s: %s is larger than the %u MiB limit\n", what, path, CLI_FILE_MAX_BYTES >> 20);
        else if (nomem)
            fprintf(stderr, "awsc: %s: out of memory reading %s\n", what, path);
        else
            fprintf(stderr, "awsc: %s: cannot read %s: %s\n", what, path, strerror(read_errno));
        awsc_buf_free(&b);
        return NULL;
    }
    if (awsc_buf_putc(&b, '\0')) { /* text values end with a NUL */
        awsc_buf_free(&b);
        fprintf(stderr, "awsc: %s: out of memory reading %s\n", what, path);
        return NULL;
    }
    *len = b.len - 1;
    return awsc_buf_take(&b);
}

static bool complex_type(const awsc_member *m)
{
    return m->type == AWSC_T_STRUCT || m->type == AWSC_T_UNION || m->type == AWSC_T_MAP || m->type == AWSC_T_LIST;
}

static const char *first_char(const char *s)
{
    return s + strspn(s, " \t\r\n");
}

/* Checks `doc` (JSON text) against `m` into `json`; errors name --opt. */
static int check(awsc_buf *json, const awsc_member *m, const char *opt, const char *doc, size_t len, bool lenient,
                 cli_binary_format blobs)
{
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
    const awsc_jmespath_value *v = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    char why[768];
    int status = 0;
    cli_value_opts o = {.lenient = lenient, .strict_members = true, .blobs = blobs};
    if (!ctx) {
        fprintf(stderr, "awsc: out of memory\n");
        status = CLI_EXIT_OTHER;
    } else if (awsc_jmespath_parse_json(ctx, doc, len, &v, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: --%s: expected %s, got invalid JSON\n", opt, m->type == AWSC_T_LIST ? "a JSON array"
                : complex_type(m) ? "a JSON object" : "one JSON value");
        status = CLI_EXIT_USAGE;
    } else if (cli_value_json(json, m, v, "", &o, why, sizeof why) != 0) {
        fputs("awsc: --", stderr);
        cli_put_untrusted(stderr, opt);
        fputs(": ", stderr);
        cli_put_untrusted(stderr, why);
        fputc('\n', stderr);
        status = CLI_EXIT_USAGE;
    }
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
    return status;
}

/* One argument as the JSON of an item of type `m`: JSON, shorthand or a string (lenient). */
static int item_doc(awsc_buf *doc, const awsc_member *m, const char *opt, const char *value, bool *lenient,
                    bool csv)
{
    const char *p = first_char(value);
    char why[256];
    if (complex_type(m) && (*p == '{' || *p == '[')) {
        if (!awsc_json_valid(value, strlen(value))) {
            fprintf(stderr, "awsc: --%s: expected %s, got \"", opt, *p == '[' ? "a JSON array" : "a JSON object");
            cli_put_untrusted(stderr, value);
            fputs("\" (not valid JSON)\n", stderr);
            return CLI_EXIT_USAGE;
        }
        return awsc_buf_puts(doc, value) ? CLI_EXIT_OTHER : 0;
    }
    *lenient = true;
    int rc = 0;
    if (m->type == AWSC_T_STRUCT || m->type == AWSC_T_UNION || m->type == AWSC_T_MAP)
        rc = cli_shorthand_json(doc, value, true, why, sizeof why);
    else if (m->type == AWSC_T_LIST || csv)
        rc = cli_shorthand_json(doc, value, false, why, sizeof why);
    else
        return awsc_json_write_string(doc, value, strlen(value)) ? CLI_EXIT_OTHER : 0;
    if (rc) {
        fprintf(stderr, "awsc: --%s: ", opt);
        cli_put_untrusted(stderr, why);
        fputc('\n', stderr);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* file:// (text) and fileb:// (bytes, blobs only) values; the others as given. */
static int load(const char *opt, const awsc_member *m, const char *value, char **text, bool *bytes)
{
    char what[160];
    size_t len;
    snprintf(what, sizeof what, "--%s", opt);
    *bytes = false;
    if (strncmp(value, "fileb://", 8) == 0) {
        *bytes = true;
        if (m->type != AWSC_T_BLOB) {
            fprintf(stderr, "awsc: --%s: fileb:// is for blob parameters; this one is %s (use file://)\n", opt,
                    cli_type_phrase(m));
            return CLI_EXIT_USAGE;
        }
        fprintf(stderr, "awsc: --%s: fileb:// gives one blob\n", opt);
        return CLI_EXIT_USAGE;
    } else if (strncmp(value, "file://", 7) == 0) {
        *text = cli_read_file(what, value + 7, &len);
        if (*text && memchr(*text, '\0', len)) {
            fprintf(stderr, "awsc: --%s: %s holds a NUL byte: not text (fileb:// reads a blob's bytes)\n", opt,
                    value + 7);
            free(*text);
            return CLI_EXIT_USAGE;
        }
        /* the AWS CLI keeps the file's text as it is, newline and all */
    } else {
        *text = strdup(value);
        if (!*text)
            fprintf(stderr, "awsc: out of memory\n");
    }
    return *text ? 0 : CLI_EXIT_USAGE;
}

int cli_option_json(awsc_buf *json, const awsc_member *m, const char *opt, char *const *values, size_t n,
                    cli_binary_format blobs)
{
    awsc_buf doc = AWSC_BUF_INIT;
    bool lenient = false;
    int status = 0;
    char **texts = calloc(n ? n : 1, sizeof *texts);
    if (!texts)
        return fprintf(stderr, "awsc: out of memory\n"), CLI_EXIT_OTHER;
    if (m->type == AWSC_T_BLOB && n == 1 && strncmp(values[0], "fileb://", 8) == 0) {
        /* a blob's bytes, sent as base64 whatever --cli-binary-format says */
        char what[160];
        size_t len;
        snprintf(what, sizeof what, "--%s", opt);
        char *raw = cli_read_file(what, values[0] + 8, &len);
        awsc_buf b64 = AWSC_BUF_INIT;
        status = !raw ? CLI_EXIT_USAGE
                      : awsc_base64_encode(&b64, (const uint8_t *)raw, len) ||
                        awsc_json_write_string(json, b64.data ? b64.data : "", b64.len) ? CLI_EXIT_OTHER : 0;
        free(raw);
        awsc_buf_free(&b64);
        free(texts);
        return status;
    }
    for (size_t i = 0; i < n && !status; i++) {
        bool bytes;
        status = load(opt, m, values[i], &texts[i], &bytes);
    }
    if (!status && m->type == AWSC_T_LIST && m->shape) {
        const awsc_member *elem = &m->shape->members[0];
        if (n == 1 && *first_char(texts[0]) == '[') {
            status = item_doc(&doc, m, opt, texts[0], &lenient, false);
        } else {
            status = awsc_buf_putc(&doc, '[') ? CLI_EXIT_OTHER : 0;
            for (size_t i = 0; i < n && !status; i++) {
                if (i && awsc_buf_putc(&doc, ','))
                    status = CLI_EXIT_OTHER;
                /* one argument of scalars may be "a,b,c" */
                else
                    status = item_doc(&doc, elem, opt, texts[i], &lenient, n == 1 && !complex_type(elem));
            }
            /* "a,b" came out as a list inside the list: flattened by reading it as the list itself */
            if (!status && n == 1 && !complex_type(elem)) {
                doc.len = 0;
                status = item_doc(&doc, m, opt, texts[0], &lenient, true);
            } else if (!status && awsc_buf_putc(&doc, ']')) {
                status = CLI_EXIT_OTHER;
            }
        }
    } else if (!status) {
        status = item_doc(&doc, m, opt, texts[0], &lenient, false);
    }
    if (!status)
        status = check(json, m, opt, doc.data, doc.len, lenient, blobs);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    awsc_buf_free(&doc);
    return status;
}

int cli_input_document(awsc_buf *json, const awsc_shape *shape, const char *opt, const char *text, size_t len,
                       cli_binary_format blobs)
{
    bool yaml = strstr(opt, "yaml") != NULL;
    awsc_buf doc = AWSC_BUF_INIT;
    char why[768];
    int status = 0;
    if (yaml) {
        if (cli_yaml_to_json(&doc, text, len, why, sizeof why) != 0) {
            fprintf(stderr, "awsc: --%s: ", opt);
            cli_put_untrusted(stderr, why);
            fputc('\n', stderr);
            awsc_buf_free(&doc);
            return CLI_EXIT_USAGE;
        }
        text = doc.data;
        len = doc.len;
    }
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
    const awsc_jmespath_value *v = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cli_value_opts o = {.lenient = yaml, .strict_members = true, .blobs = blobs};
    if (!ctx) {
        fprintf(stderr, "awsc: out of memory\n");
        status = CLI_EXIT_OTHER;
    } else if (awsc_jmespath_parse_json(ctx, text, len, &v, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: --%s is not valid JSON: %s\n", opt, err.message ? err.message : "");
        status = CLI_EXIT_USAGE;
    } else if (!shape) {
        if (v->type != AWSC_JMESPATH_OBJECT || v->u.object.count) {
            fprintf(stderr, "awsc: --%s: this operation takes no input: expected {}\n", opt);
            status = CLI_EXIT_USAGE;
        }
    } else if (cli_struct_json(json, shape, v, "", &o, why, sizeof why) != 0) {
        fprintf(stderr, "awsc: --%s: ", opt);
        cli_put_untrusted(stderr, why);
        fputc('\n', stderr);
        status = CLI_EXIT_USAGE;
    }
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
    awsc_buf_free(&doc);
    return status;
}
