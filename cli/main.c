/*
 * awsc: call any generated operation from the shell, shaped like the AWS CLI.
 *
 *   awsc [global options] <service> <operation> [--member-name VALUE]... [global options]
 *        [--cli-input-json|--cli-input-yaml DOC|file://PATH] [--generate-cli-skeleton [input|yaml-input|output]]
 *        [--endpoint-url URL] [--region REGION] [--profile NAME] [--debug] [--cli-binary-format FORMAT]
 *        [--cli-connect-timeout SECONDS] [--cli-read-timeout SECONDS]
 *        [--query JMESPATH] [--output json|text|table|yaml] [--no-cli-pager]
 *        [--no-paginate] [--max-items N] [--starting-token TOKEN] [--page-size N] [OUTFILE]
 *   awsc help | awsc <service> [help] | awsc <service> <operation> help (help.c)
 *   awsc configure list|get|set (configure.c)
 *   awsc <service> wait <waiter-name> [the operation's options] [--cli-wait-timeout SECONDS] (wait.c)
 *
 * Values: JSON or shorthand (shorthand.c), checked against the model (value.c, options.c);
 * skeletons (skeleton.c), YAML input (yaml.c), streamed bodies (stream.c).
 *
 * Input members use the model's names (JSON) or kebab-case options; the
 * output has the model's member names, timestamps in ISO 8601 (the profile's
 * cli_timestamp_format = wire: as the protocol sends them), filtered by
 * --query and printed as --output, AWS_DEFAULT_OUTPUT or the profile's
 * `output` says (JSON by default). Exit status
 * follows the AWS CLI: 252 bad usage or input, 253 configuration, 254 the
 * service returned an error, 255 anything else.
 */
#include "util/arena.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "auth/credentials.h"
#include "cli.h"
#include "format.h"
#include "wait.h"
#include "wait.h"
#include "serde/json/json.h"

#include <awsc/jmespath.h>

#ifdef AWSC_HAVE_TRANSFER
#include "s3_cp.h"
#endif
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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

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

void cli_kebab(const char *name, char *out, size_t cap)
{
    kebab(name, out, cap);
}

const awsc_service *awsc_cli_find_service(const char *name)
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

/* Re-indents compact JSON with four spaces, the AWS CLI's layout. */
static int pretty_print(const char *s, size_t len, FILE *out)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            /* DEL and the C1 controls (CSI is U+009B) are valid JSON raw: escaped for the terminal */
            if (c == 0x7f)
                fputs("\\u007f", out);
            else if ((unsigned char)c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
                     (unsigned char)s[i + 1] <= 0x9f)
                fprintf(out, "\\u%04x", (unsigned char)s[++i]);
            else
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
        return CLI_EXIT_USAGE;
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
        return CLI_EXIT_USAGE;
    }
    rc = awsc_json_read(shape, input, json.data, json.len, arena, AWSC_JSON_MODEL, AWSC_E_VALIDATION, err);
    awsc_buf_free(&json);
    if (rc) {
        fprintf(stderr, "awsc: --%s: %s\n", opt, err->message);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/*
 * A role profile's mfa_serial: the device's code, typed on the terminal as the
 * AWS CLI asks for it (standard input when there is no terminal, for scripts).
 */
static int ask_mfa_code(void *user, const char *serial, char *code, size_t cap)
{
    (void)user;
    FILE *tty = fopen("/dev/tty", "r+");
    FILE *in = tty ? tty : stdin, *out = tty ? tty : stderr;
    fprintf(out, "Enter MFA code for %s: ", serial);
    fflush(out);
    char line[64];
    bool got = fgets(line, sizeof line, in) != NULL;
    if (tty)
        fclose(tty);
    if (!got)
        return -1;
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(code, cap, "%s", line);
    memset(line, 0, sizeof line);
    return 0;
}

void awsc_cli_base_config(awsc_config *cfg)
{
#ifdef AWSC_HAVE_STS_CREDENTIALS
    cfg->sts = awsc_sts_credentials_api(); /* web identity and role_arn profiles */
#endif
#ifdef AWSC_HAVE_SSO_CREDENTIALS
    cfg->sso = awsc_sso_credentials_api(); /* sso_session and sso_start_url profiles */
#endif
    cfg->mfa_code = ask_mfa_code; /* role profiles with mfa_serial */
}

int awsc_cli_s3_addressing(awsc_config *cfg)
{
    char *s3 = awsc_profile_value(cfg->profile, "s3");
    int status = 0;
    /* The value holds the sub-settings, one "key = value" a line (the profile parser joins them). */
    for (char *line = s3, *next; line && *line && !status; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        char *k = line, *v = eq + 1, *kend = eq;
        while (*k == ' ' || *k == '\t')
            k++;
        while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
            kend--;
        *kend = '\0';
        while (*v == ' ' || *v == '\t')
            v++;
        v[strcspn(v, " \t\r")] = '\0';
        if (strcmp(k, "addressing_style") != 0)
            continue;
        if (strcmp(v, "path") == 0)
            cfg->s3_force_path_style = true;
        else if (strcmp(v, "virtual") == 0 || strcmp(v, "auto") == 0)
            cfg->s3_force_path_style = false;
        else {
            fputs("awsc: the profile's s3 addressing_style is '", stderr);
            cli_put_untrusted(stderr, v);
            fputs("', valid values are: auto, virtual or path\n", stderr);
            status = CLI_EXIT_CONFIG;
        }
    }
    free(s3);
    return status;
}

/* One event of an event stream, as one line of JSON on stdout, as soon as it arrives. */
static int print_event(void *user, const void *response, const void *event)
{
    const awsc_operation *op = user;
    const awsc_shape *events = op->event_stream->events;
    (void)response;
    if (*(const int *)((const unsigned char *)event + events->union_tag_offset) < 1) {
        fprintf(stderr, "awsc: skipped an event of a type this version does not know\n");
        return 0;
    }
    awsc_buf json = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_json_write(&json, events, event, AWSC_JSON_MODEL, false, &err);
    if (rc == AWSC_OK) {
        /* DEL and C1 controls can only stand inside strings: escaped there for the terminal */
        for (size_t i = 0; i < json.len; i++) {
            unsigned char c = (unsigned char)json.data[i];
            if (c == 0x7f)
                fputs("\\u007f", stdout);
            else if (c == 0xc2 && i + 1 < json.len && (unsigned char)json.data[i + 1] >= 0x80 &&
                     (unsigned char)json.data[i + 1] <= 0x9f)
                printf("\\u%04x", (unsigned char)json.data[++i]);
            else
                fputc(c, stdout);
        }
        fputc('\n', stdout);
        fflush(stdout);
    } else {
        fprintf(stderr, "awsc: cannot print an event: %s\n", err.message);
    }
    awsc_buf_free(&json);
    awsc_error_clear(&err);
    return rc != AWSC_OK;
}

/* How the output is printed: --query, --output and the profile's settings, resolved before the call. */
typedef struct output_opts {
    const char *query;
    const char *output; /* --output, or NULL */
    cli_output format;
    bool wire_timestamps;
    awsc_jmespath_ctx *ctx;
    const awsc_jmespath_expr *expr;
} output_opts;

/* The terminal's width for tables: the COLUMNS variable, the terminal's, else 80 (the AWS CLI's default). */
static int terminal_width(void)
{
    const char *columns = getenv("COLUMNS");
    char *end = NULL;
    long n = columns ? strtol(columns, &end, 10) : 0;
    if (columns && *columns && !*end && n > 0 && n < 100000)
        return (int)n;
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Resolves the output format and timestamp setting and compiles the query; an exit status or 0. */
static int resolve_output(output_opts *o, const char *profile)
{
    const char *source = "--output";
    char *from_profile = NULL;
    const char *name = o->output;
    if (!name && (name = getenv("AWS_DEFAULT_OUTPUT")) && *name)
        source = "AWS_DEFAULT_OUTPUT";
    else if (!o->output && (name = from_profile = awsc_profile_value(profile, "output")))
        source = "the profile's output";
    int status = 0;
    if (name && *name && cli_output_parse(name, &o->format) != 0) {
        fprintf(stderr, "awsc: %s: invalid choice '%s', valid choices are: json | text | table | yaml | yaml-stream\n",
                source, name);
        status = o->output ? CLI_EXIT_USAGE : CLI_EXIT_CONFIG;
    }
    free(from_profile);
    char *ts = status ? NULL : awsc_profile_value(profile, "cli_timestamp_format");
    if (ts && strcmp(ts, "wire") == 0)
        o->wire_timestamps = true;
    else if (ts && strcmp(ts, "iso8601") != 0) {
        fprintf(stderr, "awsc: unknown cli_timestamp_format value '%s' in the profile, valid values are: wire or iso8601\n",
                ts);
        status = CLI_EXIT_CONFIG;
    }
    free(ts);
    if (status || !o->query)
        return status;
    awsc_error err = AWSC_ERROR_INIT;
    if (!(o->ctx = awsc_jmespath_ctx_new(0))) {
        fprintf(stderr, "awsc: out of memory\n");
        return CLI_EXIT_OTHER;
    }
    if (awsc_jmespath_compile(o->ctx, o->query, &o->expr, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: --query: %s\n", err.message);
        if (err.status == AWSC_E_VALIDATION && !strstr(o->query, "\n")) {
            size_t at = awsc_jmespath_error_offset(o->ctx);
            fprintf(stderr, "  %s\n  %*s^\n", o->query, (int)(at < 4096 ? at : 0), "");
        }
        status = err.status == AWSC_E_VALIDATION ? CLI_EXIT_USAGE : CLI_EXIT_OTHER;
    }
    awsc_error_clear(&err);
    return status;
}

/* Prints an output's JSON as --query and --output say; an exit status or 0. */
static int print_json(output_opts *o, const awsc_operation *op, const awsc_buf *json_text)
{
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_buf json = *json_text;
    int status = 0;
    if (!o->expr && o->format == CLI_OUT_JSON) { /* the common case: as written */
        if (!(json.len == 2 && json.data[0] == '{') && pretty_print(json.data, json.len, stdout) != 0)
            status = CLI_EXIT_OTHER;
        return status;
    }
    if (!o->ctx && !(o->ctx = awsc_jmespath_ctx_new(0))) {
        fprintf(stderr, "awsc: out of memory\n");
        return CLI_EXIT_OTHER;
    }
    const awsc_jmespath_value *doc = NULL, *result = NULL;
    char *text = NULL;
    size_t len = 0;
    if (awsc_jmespath_parse_json(o->ctx, json.data, json.len, &doc, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: cannot print the output: %s\n", err.message);
        status = CLI_EXIT_OTHER;
    } else if (o->expr && awsc_jmespath_eval(o->ctx, o->expr, doc, &result, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: --query: %s\n", err.message);
        status = CLI_EXIT_OTHER;
    } else if (!(text = awsc_jmespath_to_json(result ? result : doc, &len))) {
        fprintf(stderr, "awsc: --query: the result is too large to print\n");
        status = CLI_EXIT_OTHER;
    } else if (o->format == CLI_OUT_JSON) {
        if (!(len == 2 && text[0] == '{') && pretty_print(text, len, stdout) != 0)
            status = CLI_EXIT_OTHER;
    } else {
        /* Printed from its JSON: a query's result may share values, the text is a plain tree. */
        const awsc_jmespath_value *tree = NULL;
        if (awsc_jmespath_parse_json(o->ctx, text, len, &tree, &err) != AWSC_OK) {
            fprintf(stderr, "awsc: cannot print the output: %s\n", err.message);
            status = CLI_EXIT_OTHER;
        } else if (cli_print(stdout, o->format, tree, op->name, terminal_width()) != 0) {
            status = CLI_EXIT_OTHER;
        }
    }
    free(text);
    awsc_error_clear(&err);
    return status;
}

/* ---- ISO 8601 timestamps (the AWS CLI's default cli_timestamp_format) ---- */

/* "2019-12-16T23:48:18.500000+00:00", Python's isoformat(): microseconds when not zero. */
static int put_iso(awsc_buf *b, awsc_timestamp t)
{
    awsc_buf text = AWSC_BUF_INIT;
    t.nanos = t.nanos / 1000u * 1000u;
    int rc = awsc_time_format_date_time(&text, t);
    if (!rc && text.len >= 20) {
        char iso[48];
        size_t n = text.len - 1; /* without the Z */
        memcpy(iso, text.data, n);
        if (t.nanos) {
            for (size_t digits = n - 20; digits < 6; digits++) /* after "YYYY-MM-DDTHH:MM:SS." */
                iso[n++] = '0';
            n = 26;
        }
        memcpy(iso + n, "+00:00", 6);
        rc = awsc_json_write_string(b, iso, n + 6);
    }
    awsc_buf_free(&text);
    return rc;
}

static int iso_value(awsc_buf *b, const awsc_jmespath_value *v, const awsc_member *m);

static int raw_value(awsc_buf *b, const awsc_jmespath_value *v)
{
    char *json = awsc_jmespath_to_json(v, NULL);
    int rc = json ? awsc_buf_puts(b, json) : -1;
    free(json);
    return rc;
}

/* An object of a structure, union or map: each value by its member's (or the map value's) descriptor. */
static int iso_object(awsc_buf *b, const awsc_jmespath_value *v, const awsc_shape *shape)
{
    if (awsc_buf_putc(b, '{'))
        return -1;
    for (size_t i = 0; i < v->u.object.count; i++) {
        const awsc_jmespath_member *jm = &v->u.object.members[i];
        const awsc_member *m = NULL;
        if (shape->type == AWSC_T_MAP)
            m = &shape->members[1];
        for (uint32_t k = 0; !m && k < shape->member_count; k++)
            if (strcmp(shape->members[k].name, jm->key) == 0)
                m = &shape->members[k];
        if ((i && awsc_buf_putc(b, ',')) || awsc_json_write_string(b, jm->key, jm->key_len) ||
            awsc_buf_putc(b, ':') || (m ? iso_value(b, jm->value, m) : raw_value(b, jm->value)))
            return -1;
    }
    return awsc_buf_putc(b, '}');
}

static int iso_value(awsc_buf *b, const awsc_jmespath_value *v, const awsc_member *m)
{
    awsc_timestamp t;
    switch (m->type) {
    case AWSC_T_TIMESTAMP:
        if (v->type == AWSC_JMESPATH_NUMBER && v->u.number.text &&
            awsc_time_parse_epoch(v->u.number.text, strlen(v->u.number.text), &t) == 0)
            return put_iso(b, t);
        if (v->type == AWSC_JMESPATH_STRING &&
            (awsc_time_parse_date_time(v->u.string.data, v->u.string.len, &t) == 0 ||
             awsc_time_parse_http_date(v->u.string.data, v->u.string.len, &t) == 0))
            return put_iso(b, t);
        break;
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
    case AWSC_T_MAP:
        if (v->type == AWSC_JMESPATH_OBJECT && m->shape)
            return iso_object(b, v, m->shape);
        break;
    case AWSC_T_LIST:
        if (v->type == AWSC_JMESPATH_ARRAY && m->shape && m->shape->member_count) {
            if (awsc_buf_putc(b, '['))
                return -1;
            for (size_t i = 0; i < v->u.array.count; i++)
                if ((i && awsc_buf_putc(b, ',')) || iso_value(b, v->u.array.items[i], &m->shape->members[0]))
                    return -1;
            return awsc_buf_putc(b, ']');
        }
        break;
    default:
        break;
    }
    return raw_value(b, v);
}

/*
 * Writes an output structure as JSON with the model's names; unless `wire`, its
 * timestamps (found by the descriptors, wherever they nest) in ISO 8601, done
 * here rather than in the runtime's writer, which a device carries.
 */
static int output_json(const awsc_operation *op, const void *output, bool wire, awsc_buf *json)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_buf model = AWSC_BUF_INIT;
    int status = 0;
    if (awsc_json_write(wire ? json : &model, op->output, output, AWSC_JSON_MODEL, false, &err) != AWSC_OK) {
        fprintf(stderr, "awsc: cannot print the output: %s\n", err.message);
        status = CLI_EXIT_OTHER;
    } else if (!wire) {
        awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
        const awsc_jmespath_value *v = NULL;
        if (!ctx || awsc_jmespath_parse_json(ctx, model.data, model.len, &v, &err) != AWSC_OK ||
            iso_object(json, v, op->output) != 0) {
            fprintf(stderr, "awsc: cannot print the output: %s\n", err.message ? err.message : "out of memory");
            status = CLI_EXIT_OTHER;
        }
        awsc_jmespath_ctx_free(ctx);
    }
    awsc_error_clear(&err);
    awsc_buf_free(&model);
    return status;
}

static int print_output(output_opts *o, const awsc_operation *op, const void *output)
{
    awsc_buf json = AWSC_BUF_INIT;
    int status = output_json(op, output, o->wire_timestamps, &json);
    if (!status)
        status = print_json(o, op, &json);
    awsc_buf_free(&json);
    return status;
}

/* ---- automatic pagination (--no-paginate, --max-items, --starting-token, --page-size) ---- */

typedef struct paging {
    bool off;                 /* --no-paginate */
    const char *max_items_text;
    long long max_items;      /* 0: all */
    const char *starting_token;
    const char *page_size;
} paging;

static const awsc_paginator *find_paginator(const awsc_service *svc, const awsc_operation *op)
{
    for (uint32_t i = 0; i < svc->paginator_count; i++)
        if (svc->paginators[i]->operation == op)
            return svc->paginators[i];
    return NULL;
}

/* Whether the caller set the input token member (then the AWS CLI pages no more). */
static bool token_given(const awsc_member *m, const void *input)
{
    const unsigned char *slot = (const unsigned char *)input + m->offset;
    if (m->type == AWSC_T_LIST || m->type == AWSC_T_MAP) {
        size_t count;
        memcpy(&count, slot + sizeof(void *), sizeof count); /* {items, count} */
        return count > 0;
    }
    const void *p;
    memcpy(&p, slot, sizeof p);
    return p != NULL;
}

/* Sets one input member from JSON text: {"Name": value}. */
static int set_member_json(const awsc_operation *op, void *input, const awsc_member *m, const char *value,
                           size_t len, awsc_arena *arena, const char *what)
{
    awsc_buf j = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_buf_putc(&j, '{') || awsc_json_write_string(&j, m->name, strlen(m->name)) ||
             awsc_buf_putc(&j, ':') || awsc_buf_append(&j, value, len) || awsc_buf_putc(&j, '}');
    if (!rc && awsc_json_read(op->input, input, j.data, j.len, arena, AWSC_JSON_MODEL, AWSC_E_VALIDATION, &err)) {
        fprintf(stderr, "awsc: %s: %s\n", what, err.message);
        rc = -1;
    } else if (rc) {
        fprintf(stderr, "awsc: out of memory\n");
    }
    awsc_error_clear(&err);
    awsc_buf_free(&j);
    return rc;
}

/* A member path's value in a JSON value (model names), or NULL. */
static const awsc_jmespath_value *path_get(const awsc_jmespath_value *v, const awsc_member *const *path,
                                           uint32_t depth)
{
    for (uint32_t i = 0; v && i < depth; i++)
        v = awsc_jmespath_get(v, path[i]->name);
    return v;
}

/* Our --starting-token / NextToken: base64 of {"token": <the input token's JSON>, "skip": <items to drop>}. */
static int encode_token(awsc_buf *out, const char *token_json, long long skip)
{
    awsc_buf raw = AWSC_BUF_INIT;
    int rc = awsc_buf_printf(&raw, "{\"token\":%s,\"skip\":%lld}", token_json ? token_json : "null", skip) ||
             awsc_base64_encode(out, (const uint8_t *)raw.data, raw.len);
    awsc_buf_free(&raw);
    return rc;
}

/* Writes `v` with the member path's value replaced by `items` (first) and the top-level token left out. */
static int write_merged(awsc_buf *b, const awsc_jmespath_value *v, const awsc_paginator *p, uint32_t level,
                        const awsc_buf *items)
{
    const char *key = p->items[level]->name;
    bool last = level + 1 == p->items_depth;
    const awsc_jmespath_value *inner = awsc_jmespath_get(v, key);
    int rc = awsc_buf_putc(b, '{') || awsc_json_write_string(b, key, strlen(key)) || awsc_buf_putc(b, ':');
    if (rc)
        return -1;
    if (last)
        rc = awsc_buf_append(b, items->data, items->len);
    else if (inner && inner->type == AWSC_JMESPATH_OBJECT)
        rc = write_merged(b, inner, p, level + 1, items);
    else
        rc = awsc_buf_puts(b, "null");
    for (size_t i = 0; !rc && v->type == AWSC_JMESPATH_OBJECT && i < v->u.object.count; i++) {
        const awsc_jmespath_member *m = &v->u.object.members[i];
        if (strcmp(m->key, key) == 0 || (level == 0 && strcmp(m->key, p->output_token[0]->name) == 0))
            continue;
        char *value = awsc_jmespath_to_json(m->value, NULL);
        rc = !value || awsc_buf_putc(b, ',') || awsc_json_write_string(b, m->key, m->key_len) ||
             awsc_buf_putc(b, ':') || awsc_buf_puts(b, value);
        free(value);
    }
    return rc || awsc_buf_putc(b, '}');
}

/*
 * Calls the operation page after page as the AWS CLI does: the pages' item lists
 * merged into the first page (its other members kept, its token left out), at most
 * --max-items of them, with "NextToken" for --starting-token when more remain.
 */
static int run_paginated(awsc_client *client, const awsc_operation *op, const awsc_paginator *p, void *input,
                         awsc_arena *arena, output_opts *o, const paging *pg, awsc_error *err, bool *service_error)
{
    if (!o->ctx && !(o->ctx = awsc_jmespath_ctx_new(0)))
        return fprintf(stderr, "awsc: out of memory\n"), CLI_EXIT_OTHER;
    long long skip = 0;
    char *sent_token = NULL; /* the JSON of the token that asked for the current page */
    if (pg->page_size && set_member_json(op, input, p->page_size, pg->page_size, strlen(pg->page_size), arena,
                                         "--page-size"))
        return CLI_EXIT_USAGE;
    if (pg->starting_token) {
        awsc_buf raw = AWSC_BUF_INIT;
        awsc_error perr = AWSC_ERROR_INIT;
        const awsc_jmespath_value *t = NULL, *tok, *sk;
        bool ok = awsc_base64_decode(&raw, pg->starting_token, strlen(pg->starting_token)) == 0 &&
                  awsc_jmespath_parse_json(o->ctx, raw.data ? raw.data : "", raw.len, &t, &perr) == AWSC_OK &&
                  (tok = awsc_jmespath_get(t, "token")) && (sk = awsc_jmespath_get(t, "skip")) &&
                  sk->type == AWSC_JMESPATH_NUMBER && sk->u.number.value >= 0 && sk->u.number.value < 1e15;
        awsc_buf_free(&raw);
        awsc_error_clear(&perr);
        if (!ok) {
            fprintf(stderr, "awsc: --starting-token: not a token that awsc printed as NextToken\n");
            return CLI_EXIT_USAGE;
        }
        skip = (long long)sk->u.number.value;
        if (tok->type != AWSC_JMESPATH_NULL) {
            sent_token = awsc_jmespath_to_json(tok, NULL);
            if (!sent_token || set_member_json(op, input, p->input_token, sent_token, strlen(sent_token), arena,
                                               "--starting-token")) {
                free(sent_token);
                return CLI_EXIT_USAGE;
            }
        }
    }
    awsc_buf items = AWSC_BUF_INIT, next = AWSC_BUF_INIT;
    const awsc_jmespath_value *first = NULL;
    long long taken = 0;
    int status = 0;
    bool more = true;
    awsc_buf_putc(&items, '[');
    while (more && !status) {
        void *page = NULL;
        int rc = awsc_client_invoke(client, op, input, &page, err);
        if (rc) {
            *service_error = true;
            status = rc;
            break;
        }
        awsc_buf model = AWSC_BUF_INIT, shown = AWSC_BUF_INIT;
        const awsc_jmespath_value *mv = NULL, *sv = NULL;
        awsc_error perr = AWSC_ERROR_INIT;
        status = output_json(op, page, true, &model);
        if (!status)
            status = o->wire_timestamps ? (awsc_buf_append(&shown, model.data, model.len) ? CLI_EXIT_OTHER : 0)
                                        : output_json(op, page, false, &shown);
        awsc_output_free(page);
        if (!status && (awsc_jmespath_parse_json(o->ctx, model.data, model.len, &mv, &perr) != AWSC_OK ||
                        awsc_jmespath_parse_json(o->ctx, shown.data, shown.len, &sv, &perr) != AWSC_OK)) {
            fprintf(stderr, "awsc: cannot read a page: %s\n", perr.message);
            status = CLI_EXIT_OTHER;
        }
        awsc_error_clear(&perr);
        awsc_buf_free(&model);
        awsc_buf_free(&shown);
        if (status)
            break;
        if (!first)
            first = sv;
        const awsc_jmespath_value *list = path_get(sv, p->items, p->items_depth);
        size_t count = list && list->type == AWSC_JMESPATH_ARRAY ? list->u.array.count : 0;
        size_t i = (size_t)(skip < (long long)count ? skip : (long long)count);
        for (; i < count && !status && (!pg->max_items || taken < pg->max_items); i++, taken++) {
            char *item = awsc_jmespath_to_json(list->u.array.items[i], NULL);
            if (!item || (taken && awsc_buf_putc(&items, ',')) || awsc_buf_puts(&items, item))
                status = CLI_EXIT_OTHER;
            free(item);
        }
        const awsc_jmespath_value *tok = path_get(mv, p->output_token, p->output_token_depth);
        char *tok_json = tok && awsc_jmespath_truthy(tok) ? awsc_jmespath_to_json(tok, NULL) : NULL;
        if (i < count) { /* --max-items ends inside this page: resume here */
            if (encode_token(&next, sent_token, (long long)i))
                status = CLI_EXIT_OTHER;
            more = false;
        } else if (!tok_json || (sent_token && strcmp(tok_json, sent_token) == 0)) {
            more = false; /* the last page (a repeated token would loop forever) */
        } else if (pg->max_items && taken >= pg->max_items) {
            if (encode_token(&next, tok_json, 0))
                status = CLI_EXIT_OTHER;
            more = false;
        } else if (set_member_json(op, input, p->input_token, tok_json, strlen(tok_json), arena, "next page")) {
            status = CLI_EXIT_OTHER;
        }
        free(sent_token);
        sent_token = tok_json;
        skip = 0;
    }
    free(sent_token);
    if (!status && first) {
        awsc_buf merged = AWSC_BUF_INIT;
        status = awsc_buf_putc(&items, ']') || write_merged(&merged, first, p, 0, &items) ? CLI_EXIT_OTHER : 0;
        if (!status && next.len) { /* NextToken last, after the closing brace is taken back */
            merged.len--;
            status = awsc_buf_puts(&merged, ",\"NextToken\":\"") || awsc_buf_append(&merged, next.data, next.len) ||
                     awsc_buf_puts(&merged, "\"}") ? CLI_EXIT_OTHER : 0;
        }
        if (!status)
            status = print_json(o, op, &merged);
        awsc_buf_free(&merged);
    }
    awsc_buf_free(&items);
    awsc_buf_free(&next);
    return status;
}

/* The argument vector with --opt=value split and global options moved after the operation. */
static char **normalized_args;

static void free_normalized_args(void)
{
    free(normalized_args);
}

/* A streamed output's file: written beside it and renamed into place once the call succeeded. */
typedef struct out_file {
    const char *path;
    char *tmp;   /* the file written, or NULL when writing `path` itself (a device, say) */
    FILE *f;
} out_file;

static int out_file_open(out_file *o)
{
    struct stat st;
    if (stat(o->path, &st) != 0 || S_ISREG(st.st_mode)) {
        awsc_buf t = AWSC_BUF_INIT;
        int fd = -1;
        if (awsc_buf_printf(&t, "%s.awsc-XXXXXX", o->path) == 0 && (fd = mkstemp(t.data)) >= 0) {
            mode_t mask = umask(0); /* as a file opened for writing would be: 0666 less the umask */
            umask(mask);
            if (fchmod(fd, 0666 & ~mask) == 0) {
                o->tmp = awsc_buf_take(&t);
                o->f = fdopen(fd, "wb");
            } else {
                unlink(t.data);
            }
        }
        awsc_buf_free(&t);
        if (fd >= 0 && !o->f)
            close(fd);
    } else {
        o->f = fopen(o->path, "wb");
    }
    if (!o->f) {
        fprintf(stderr, "awsc: cannot write %s: %s\n", o->path, strerror(errno));
        if (o->tmp)
            unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int out_file_sink(void *user, const uint8_t *data, size_t len)
{
    out_file *o = user;
    return fwrite(data, 1, len, o->f) == len ? 0 : -1;
}

/* Closes the file: renamed into place when `ok`, else removed. 0, or an exit status. */
static int out_file_close(out_file *o, bool ok)
{
    if (!o->f)
        return 0;
    bool written = fflush(o->f) == 0 && (!o->tmp || fsync(fileno(o->f)) == 0);
    written = fclose(o->f) == 0 && written;
    o->f = NULL;
    int status = 0;
    if (ok && !written) {
        fprintf(stderr, "awsc: cannot write %s: %s\n", o->path, strerror(errno));
        status = CLI_EXIT_OTHER;
    } else if (ok && o->tmp && rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "awsc: cannot write %s: %s\n", o->path, strerror(errno));
        status = CLI_EXIT_OTHER;
    }
    if (o->tmp && (status || !ok))
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return status;
}

static const awsc_member *stream_member(const awsc_shape *s)
{
    for (uint32_t i = 0; s && i < s->member_count; i++)
        if (s->members[i].type == AWSC_T_STREAM)
            return &s->members[i];
    return NULL;
}

/* --generate-cli-skeleton [input|yaml-input|output]: printed, and nothing sent. */
static int print_skeleton(const awsc_operation *op, const char *kind)
{
    bool output = strcmp(kind, "output") == 0, yaml = strcmp(kind, "yaml-input") == 0;
    if (!output && !yaml && strcmp(kind, "input") != 0) {
        fprintf(stderr, "awsc: --generate-cli-skeleton: invalid choice '%s', valid choices are: input | yaml-input | "
                        "output\n", kind);
        return CLI_EXIT_USAGE;
    }
    awsc_buf json = AWSC_BUF_INIT;
    int status = 0;
    if (cli_skeleton_json(&json, output ? op->output : op->input, output) != 0) {
        fprintf(stderr, "awsc: out of memory\n");
        status = CLI_EXIT_OTHER;
    } else if (!yaml) {
        status = pretty_print(json.data, json.len, stdout) ? CLI_EXIT_OTHER : 0;
    } else {
        awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
        const awsc_jmespath_value *v = NULL;
        awsc_error err = AWSC_ERROR_INIT;
        if (!ctx || awsc_jmespath_parse_json(ctx, json.data, json.len, &v, &err) != AWSC_OK)
            status = CLI_EXIT_OTHER;
        else if (v->u.object.count == 0)
            fputs("{}\n", stdout);
        else if (cli_print(stdout, CLI_OUT_YAML, v, op->name, 80) != 0)
            status = CLI_EXIT_OTHER;
        awsc_error_clear(&err);
        awsc_jmespath_ctx_free(ctx);
    }
    awsc_buf_free(&json);
    return status;
}

/* "An error occurred" and the awsc: lines carry what a server sent: control characters escaped. */
static void print_call_error(const awsc_operation *op, int rc, const awsc_error *err)
{
    if (rc == AWSC_E_SERVICE) {
        /* Without a code the HTTP status stands in for it, as in the AWS CLI. */
        char status_code[24];
        snprintf(status_code, sizeof status_code, "%ld", err->http_status);
        fputs("An error occurred (", stderr);
        cli_put_untrusted(stderr, err->code ? err->code : status_code);
        fprintf(stderr, ") when calling the %s operation: ", op->name);
        cli_put_untrusted(stderr, err->message ? err->message : "");
        fputc('\n', stderr);
        if (err->request_id) {
            fputs("Request ID: ", stderr);
            cli_put_untrusted(stderr, err->request_id);
            fputc('\n', stderr);
        }
        if (err->extended_request_id) { /* S3 support asks for both */
            fputs("Extended Request ID: ", stderr);
            cli_put_untrusted(stderr, err->extended_request_id);
            fputc('\n', stderr);
        }
        return;
    }
    fprintf(stderr, "awsc: %s: ", awsc_status_str(rc));
    cli_put_untrusted(stderr, err->message ? err->message : "");
    fputc('\n', stderr);
    if (rc == AWSC_E_CONFIG && err->message && strstr(err->message, "no region"))
        fprintf(stderr, "awsc: give one with --region REGION, AWS_REGION, or `awsc configure set region REGION`\n");
}

int main(int argc, char **argv)
{
    if (!(normalized_args = cli_normalize_args(&argc, argv))) {
        fprintf(stderr, "awsc: out of memory\n");
        return CLI_EXIT_OTHER;
    }
    atexit(free_normalized_args);
    argv = normalized_args;
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help_services(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("awsc %s\n", AWSC_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "configure") == 0)
        return cli_configure(argc - 1, argv + 1, NULL);
    if (strcmp(argv[1], "s3") == 0) /* the high-level S3 commands (presign, cp); the operations are s3api's */
        return awsc_cli_s3(argc - 1, argv + 1);
    const awsc_service *svc = awsc_cli_find_service(argv[1]);
    if (!svc && strncmp(argv[1], "--", 2) == 0) {
        fputs("awsc: unknown option '", stderr);
        cli_put_untrusted(stderr, argv[1]);
        fputs("' before the service (awsc help lists the options)\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (!svc) {
        fputs("awsc: unknown service '", stderr);
        cli_put_untrusted(stderr, argv[1]);
        fputs("' (awsc help lists them)\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (argc < 3 || strcmp(argv[2], "help") == 0 || strcmp(argv[2], "--help") == 0) {
        cli_help_service(stdout, svc);
        return 0;
    }
    const awsc_waiter *waiter = NULL;
    if (strcmp(argv[2], "wait") == 0) { /* `wait <waiter-name> ...` runs as its operation would, in wait.c */
        if (!(waiter = cli_wait_find(svc, argc > 3 ? argv[3] : NULL)))
            return CLI_EXIT_USAGE;
        argv++, argc--;
    }
    const awsc_operation *op = waiter ? waiter->operation : find_operation(svc, argv[2]);
    if (!op) {
        fprintf(stderr, "awsc: %s has no operation '", svc->cli_name);
        cli_put_untrusted(stderr, argv[2]);
        fprintf(stderr, "' (awsc %s help lists them)\n", svc->cli_name);
        return CLI_EXIT_USAGE;
    }
    if (argc > 3 && (strcmp(argv[3], "help") == 0 || strcmp(argv[3], "--help") == 0)) {
        cli_help_operation(stdout, svc, op);
        return 0;
    }

    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_cli_base_config(&cfg);
    awsc_error err = AWSC_ERROR_INIT;
    int status = 0;
    output_opts out_opts = {0};
    paging pg = {0};
    cli_wait_opts wait_opts = {0};
    const awsc_member *in_stream = stream_member(op->input), *out_stream = stream_member(op->output);
    out_file outfile = {0};
    cli_binary_format blobs = CLI_BLOB_BASE64;
    const char *binary_format = NULL, *profile = NULL;

    /* Before the values are read: --generate-cli-skeleton, --cli-binary-format (and --profile, whose may say it). */
    for (int i = 3; i < argc; i++) {
        bool has_value = i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0;
        if (strcmp(argv[i], "--generate-cli-skeleton") == 0)
            return print_skeleton(op, has_value ? argv[i + 1] : "input");
        if (strcmp(argv[i], "--cli-binary-format") == 0 && has_value)
            binary_format = argv[i + 1];
        if (strcmp(argv[i], "--profile") == 0 && has_value)
            profile = argv[i + 1];
    }
    char *profile_format = binary_format ? NULL : awsc_profile_value(profile, "cli_binary_format");
    if (!binary_format)
        binary_format = profile_format;
    if (binary_format && strcmp(binary_format, "raw-in-base64-out") == 0) {
        blobs = CLI_BLOB_RAW;
    } else if (binary_format && strcmp(binary_format, "base64") != 0) {
        fprintf(stderr, "awsc: %s: invalid choice '%s', valid choices are: base64 | raw-in-base64-out\n",
                profile_format ? "the profile's cli_binary_format" : "--cli-binary-format", binary_format);
        free(profile_format);
        return profile_format ? CLI_EXIT_CONFIG : CLI_EXIT_USAGE;
    }
    free(profile_format);

    awsc_arena *arena = awsc_arena_create();
    void *input = op->input && arena ? awsc_arena_alloc(arena, op->input->size) : NULL;
    if (!arena || (op->input && !input)) {
        fprintf(stderr, "awsc: out of memory\n");
        awsc_arena_destroy(arena);
        return CLI_EXIT_OTHER;
    }

    /* --cli-input-json and --cli-input-yaml first, so that individual options override them. */
    for (int i = 3; i < argc && !status; i++) {
        if (strcmp(argv[i], "--cli-input-json") != 0 && strcmp(argv[i], "--cli-input-yaml") != 0)
            continue;
        const char *opt = argv[i] + 2;
        if (i + 1 >= argc) {
            fprintf(stderr, "awsc: --%s needs a value\n", opt);
            status = CLI_EXIT_USAGE;
            break;
        }
        const char *text = argv[i + 1];
        size_t len = strlen(text);
        char *file = NULL;
        if (strncmp(text, "file://", 7) == 0) {
            char what[32];
            snprintf(what, sizeof what, "--%s", opt);
            file = cli_read_file(what, text + 7, &len);
            if (!file) {
                status = CLI_EXIT_USAGE;
                break;
            }
            text = file;
        }
        awsc_buf json = AWSC_BUF_INIT;
        status = cli_input_document(&json, op->input, opt, text, len, blobs);
        if (!status && op->input &&
            awsc_json_read(op->input, input, json.data, json.len, arena, AWSC_JSON_MODEL, AWSC_E_VALIDATION, &err)) {
            fprintf(stderr, "awsc: --%s: %s\n", opt, err.message);
            status = CLI_EXIT_USAGE;
        }
        awsc_buf_free(&json);
        free(file);
    }
    for (int i = 3; i < argc && !status; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            if (out_stream && !outfile.path) { /* the file a streamed output goes to */
                outfile.path = a;
                continue;
            }
            fputs("awsc: unexpected argument '", stderr);
            cli_put_untrusted(stderr, a);
            fputs("'\n", stderr);
            status = CLI_EXIT_USAGE;
            break;
        }
        const char *opt = a + 2;
        bool has_value = i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0;
        if (strcmp(opt, "cli-input-json") == 0 || strcmp(opt, "cli-input-yaml") == 0 ||
            strcmp(opt, "cli-binary-format") == 0) {
            i++;
            continue;
        }
        if (strcmp(opt, "no-cli-pager") == 0)
            continue; /* awsc never pages */
        if (strcmp(opt, "no-paginate") == 0) {
            pg.off = true;
            continue;
        }
        if (strcmp(opt, "max-items") == 0 || strcmp(opt, "page-size") == 0 || strcmp(opt, "starting-token") == 0) {
            /* checked once it is known whether the operation pages (else a member of that name takes them) */
            if (!has_value) {
                fprintf(stderr, "awsc: --%s needs a value\n", opt);
                status = CLI_EXIT_USAGE;
                break;
            }
            *(opt[0] == 'm' ? &pg.max_items_text : opt[0] == 'p' ? &pg.page_size : &pg.starting_token) = argv[++i];
            continue;
        }
        if (strcmp(opt, "query") == 0 || strcmp(opt, "output") == 0) {
            if (!has_value) {
                fprintf(stderr, "awsc: --%s needs a value\n", opt);
                status = CLI_EXIT_USAGE;
                break;
            }
            *(opt[0] == 'q' ? &out_opts.query : &out_opts.output) = argv[++i];
            continue;
        }
        if (strcmp(opt, "debug") == 0) {
            cfg.log_level = AWSC_LOG_TRACE; /* to stderr, secrets redacted */
            continue;
        }
        if (strcmp(opt, "endpoint-url") == 0 || strcmp(opt, "region") == 0 || strcmp(opt, "profile") == 0) {
            if (!has_value) {
                fprintf(stderr, "awsc: --%s needs a value\n", opt);
                status = CLI_EXIT_USAGE;
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
                status = CLI_EXIT_USAGE;
                break;
            }
            i++;
            *(opt[4] == 'c' ? &cfg.connect_timeout_ms : &cfg.request_timeout_ms) = (long)(secs * 1000);
            continue;
        }
        int waited = waiter ? cli_wait_option(&wait_opts, opt, has_value ? argv[i + 1] : NULL) : 0;
        if (waited) {
            status = waited < 0 ? CLI_EXIT_USAGE : 0;
            i++;
            continue;
        }
        bool negated;
        const awsc_member *m = find_member(op->input, opt, &negated);
        if (!m) {
            fputs("awsc: unknown option '--", stderr);
            cli_put_untrusted(stderr, opt);
            fprintf(stderr, "' (see: awsc %s %s help)\n", svc->cli_name, argv[2]);
            status = CLI_EXIT_USAGE;
            break;
        }
        if (m->type == AWSC_T_BOOL) {
            const char *value;
            if (negated || !has_value || (strcmp(argv[i + 1], "true") != 0 && strcmp(argv[i + 1], "false") != 0))
                value = negated ? "false" : "true";
            else
                value = argv[++i];
            status = apply_option(m, opt, value, input, op->input, arena, &err);
            continue;
        }
        if (!has_value) {
            fprintf(stderr, "awsc: --%s needs a value\n", opt);
            status = CLI_EXIT_USAGE;
            break;
        }
        if (m->type == AWSC_T_STREAM) { /* --body FILE: streamed from the file */
            status = cli_stream_open((awsc_stream *)((unsigned char *)input + m->offset), opt, argv[++i]);
            continue;
        }
        /* a list takes every value up to the next option: --values a b c */
        int n = 1;
        while (m->type == AWSC_T_LIST && i + n + 1 < argc && strncmp(argv[i + n + 1], "--", 2) != 0)
            n++;
        awsc_buf json = AWSC_BUF_INIT;
        status = cli_option_json(&json, m, opt, argv + i + 1, (size_t)n, blobs);
        char what[160];
        snprintf(what, sizeof what, "--%s", opt);
        if (!status && set_member_json(op, input, m, json.data, json.len, arena, what))
            status = CLI_EXIT_USAGE;
        awsc_buf_free(&json);
        i += n;
    }
    if (!status && out_stream && !outfile.path) {
        fprintf(stderr, "awsc: %s streams its %s to a file: name it after the options (awsc %s %s ... outfile)\n",
                op->name, out_stream->name, svc->cli_name, argv[2]);
        status = CLI_EXIT_USAGE;
    }
    if (!status && in_stream && (in_stream->flags & AWSC_F_REQUIRED) &&
        !((awsc_stream *)((unsigned char *)input + in_stream->offset))->read) {
        char k[128];
        kebab(in_stream->name, k, sizeof k);
        fprintf(stderr, "awsc: --%s FILE is required\n", k);
        status = CLI_EXIT_USAGE;
    }

    if (!status)
        status = resolve_output(&out_opts, cfg.profile);
    if (!status)
        status = awsc_cli_s3_addressing(&cfg);
    /* Paginated operations run page after page, unless --no-paginate or the token was given. */
    const awsc_paginator *pager = waiter ? NULL : find_paginator(svc, op);
    if (pager && (!pager->items || (op->input && token_given(pager->input_token, input))))
        pager = NULL;
    const char *paging_names[] = {"max-items", "page-size", "starting-token"};
    const char *paging_values[] = {pg.max_items_text, pg.page_size, pg.starting_token};
    for (int k = 0; k < 3 && !status && !pager; k++) {
        /* Not paging: an input member of the option's name takes it (Route 53's MaxItems). */
        bool negated;
        const awsc_member *m = paging_values[k] ? find_member(op->input, paging_names[k], &negated) : NULL;
        if (m && !negated) {
            status = apply_option(m, paging_names[k], paging_values[k], input, op->input, arena, &err);
        } else if (paging_values[k]) {
            fprintf(stderr, "awsc: --max-items, --starting-token and --page-size need a paginated operation%s\n",
                    find_paginator(svc, op) ? " (not its token given as an option)" : "");
            status = CLI_EXIT_USAGE;
        }
    }
    if (pager && !status && (pg.max_items_text || pg.page_size)) {
        for (int k = 0; k < 2 && !status; k++) {
            char *end = NULL;
            long long n = paging_values[k] ? strtoll(paging_values[k], &end, 10) : 1;
            if (paging_values[k] && (*end || n <= 0 || n > 1000000000 || !isdigit((unsigned char)paging_values[k][0]))) {
                fprintf(stderr, "awsc: --%s: expected a positive integer, got \"%s\"\n", paging_names[k],
                        paging_values[k]);
                status = CLI_EXIT_USAGE;
            } else if (k == 0 && paging_values[k]) {
                pg.max_items = n;
            }
        }
    }
    if (!status && pager && pg.page_size && !pager->page_size) {
        fprintf(stderr, "awsc: --page-size: %s has no page size\n", op->name);
        status = CLI_EXIT_USAGE;
    }
    awsc_client *client = NULL;
    void *output = NULL;
    if (!status && awsc_client_new(svc, &cfg, &client, &err) != AWSC_OK) {
        print_call_error(op, err.status ? err.status : AWSC_E_CONFIG, &err);
        status = CLI_EXIT_CONFIG;
    }
    if (!status && outfile.path)
        status = out_file_open(&outfile);
    if (!status) {
        bool failed_call = false;
        int rc = 0;
        if (waiter) {
            status = cli_wait_run(client, svc, waiter, input, &wait_opts, &err);
        } else if (op->event_stream) {
            /* An event stream: each event printed as one JSON line as it arrives. */
            rc = awsc_client_invoke_events(client, op, input, &output, print_event, (void *)op, &err);
        } else if (pager && !pg.off) {
            status = run_paginated(client, op, pager, input, arena, &out_opts, &pg, &err, &failed_call);
            if (failed_call)
                rc = status, status = 0;
        } else if (outfile.path) {
            /* A streamed output: written to the file as it arrives, never held whole. */
            rc = awsc_client_invoke_to_sink(client, op, input, &output, out_file_sink, &outfile, &err);
            int closed = out_file_close(&outfile, rc == AWSC_OK);
            if (!rc && closed)
                status = closed;
        } else {
            rc = awsc_client_invoke(client, op, input, &output, &err);
        }
        if (rc == AWSC_E_SERVICE) {
            print_call_error(op, rc, &err);
            status = CLI_EXIT_SERVICE;
        } else if (rc) {
            print_call_error(op, rc, &err);
            status = rc == AWSC_E_VALIDATION ? CLI_EXIT_USAGE : rc == AWSC_E_CONFIG ? CLI_EXIT_CONFIG : CLI_EXIT_OTHER;
        } else if (!status && op->output && !waiter && !op->event_stream && !(pager && !pg.off)) {
            status = print_output(&out_opts, op, output);
        }
    }
    out_file_close(&outfile, false);
    if (in_stream && input)
        cli_stream_close((awsc_stream *)((unsigned char *)input + in_stream->offset));
    awsc_jmespath_ctx_free(out_opts.ctx);
    awsc_output_free(output);
    awsc_client_free(client);
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return status;
}
