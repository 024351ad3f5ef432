/* awsc help, awsc <service> help, awsc <service> <operation> help. */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

#define NEST_MAX 4
#define HELP_WIDTH 79

/* The services' documentation (generated/<service>/cli/); help runs once per process. */
static const cli_service_docs *help_docs;

static const cli_service_docs *docs_of(const awsc_service *svc)
{
    for (size_t i = 0; awsc_cli_services[i]; i++)
        if (awsc_cli_services[i]() == svc)
            return awsc_cli_service_docs[i];
    return NULL;
}

static const cli_member_doc *member_doc(const awsc_shape *container, const char *member)
{
    if (!help_docs || !container || !container->name || !member)
        return NULL;
    uint32_t lo = 0, hi = help_docs->member_count;
    while (lo < hi) { /* sorted by shape, then member */
        uint32_t mid = lo + (hi - lo) / 2;
        const cli_member_doc *d = &help_docs->members[mid];
        int c = strcmp(d->shape, container->name);
        if (!c)
            c = strcmp(d->member, member);
        if (!c)
            return d;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* n bytes of a model's text; a control character (none should be there) prints as '?'. */
static void put_text(FILE *f, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc((unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i], f);
}

/* Text wrapped at HELP_WIDTH columns, each line indented; words longer than a line stay whole. */
static void print_wrapped(FILE *f, int indent, const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        int col = indent;
        fprintf(f, "%*s", indent, "");
        bool first = true;
        while (*p) {
            size_t w = strcspn(p, " ");
            if (!first && col + 1 + (int)w > HELP_WIDTH)
                break;
            if (!first)
                fputc(' ', f), col++;
            put_text(f, p, w);
            col += (int)w;
            first = false;
            p += w;
            while (*p == ' ')
                p++;
        }
        fputc('\n', f);
    }
}

void cli_help_services(FILE *f)
{
    fprintf(f, "usage: awsc [options] <service> <operation> [parameters]\n"
               "       awsc <service> help                 the service's operations\n"
               "       awsc <service> <operation> help     the operation's parameters, types and errors\n"
               "       awsc configure list|get|set         the shared config and credentials files\n\n"
               "global options (before or after the service and operation; --opt=value also works):\n"
               "  --region REGION  --profile NAME  --endpoint-url URL  --output json|text|table|yaml\n"
               "  --query JMESPATH  --debug  --no-cli-pager  --cli-binary-format base64|raw-in-base64-out\n"
               "  --cli-connect-timeout SECONDS  --cli-read-timeout SECONDS\n\n"
               "operation options: --cli-input-json JSON|file://PATH  --cli-input-yaml YAML|file://PATH\n"
               "  --generate-cli-skeleton [input|yaml-input|output]\n"
               "  --no-paginate  --max-items N  --starting-token TOKEN  --page-size N\n\n"
               "services:\n");
    for (size_t i = 0; awsc_cli_services[i]; i++) {
        const awsc_service *s = awsc_cli_services[i]();
        fprintf(f, "  %-24s %s (API %s)\n", s->cli_name, s->sdk_id, s->api_version);
    }
}

void cli_help_service(FILE *f, const awsc_service *svc)
{
    char k[128];
    const cli_service_docs *docs = docs_of(svc);
    fprintf(f, "%s (%s, API %s)\n", svc->cli_name, svc->sdk_id, svc->api_version);
    if (docs && docs->service_doc) {
        fputc('\n', f);
        print_wrapped(f, 2, docs->service_doc);
    }
    fprintf(f, "\noperations:\n");
    for (uint32_t i = 0; i < svc->operation_count; i++) {
        cli_kebab(svc->operations[i].name, k, sizeof k);
        fprintf(f, "  %s\n", k);
    }
    fprintf(f, "\nawsc %s <operation> help: an operation's parameters\n", svc->cli_name);
}

static const char *type_name(const awsc_member *m)
{
    static const char *const names[] = {"string", "string", "boolean", "byte", "short", "integer", "integer",
                                        "long", "float", "double", "bigInteger", "bigDecimal", "blob",
                                        "timestamp", "document", "structure", "union", "list", "map", "unit",
                                        "streaming blob"};
    return m->type < sizeof names / sizeof names[0] ? names[m->type] : "?";
}

static bool sized(const awsc_member *m)
{
    return m->type == AWSC_T_STRING || m->type == AWSC_T_BLOB || m->type == AWSC_T_LIST || m->type == AWSC_T_MAP ||
           m->type == AWSC_T_ENUM;
}

/* "length 1-64", "range >= 0": the member's constraints, or "". */
static void constraints(const awsc_member *m, char *out, size_t cap)
{
    bool lo = m->flags & AWSC_F_HAS_MIN, hi = m->flags & AWSC_F_HAS_MAX;
    const char *what = sized(m) ? "length" : "range";
    int64_t min = awsc_member_min(m), max = awsc_member_max(m);
    if (lo && hi)
        snprintf(out, cap, "%s %" PRId64 "-%" PRId64, what, min, max);
    else if (lo)
        snprintf(out, cap, "%s >= %" PRId64, what, min);
    else if (hi)
        snprintf(out, cap, "%s <= %" PRId64, what, max);
    else
        out[0] = '\0';
}

static void describe_members(FILE *f, const awsc_shape *s, int level, const awsc_shape **stack);

/* "pattern: ..." for a member of `container`, when the model gives one. */
static void print_pattern(FILE *f, const awsc_shape *container, const awsc_member *m, int indent, const char *what)
{
    const cli_member_doc *d = member_doc(container, m->name);
    if (d && d->pattern) {
        fprintf(f, "%*s%spattern: ", indent, "", what);
        put_text(f, d->pattern, strlen(d->pattern));
        fputc('\n', f);
    }
}

/* One member of `container`: its line, documentation and constraints, then its nested members. */
static void describe_member(FILE *f, const awsc_shape *container, const awsc_member *m, const char *label, int level,
                            const awsc_shape **stack)
{
    char cons[64];
    constraints(m, cons, sizeof cons);
    const awsc_member *elem = m->type == AWSC_T_LIST && m->shape ? &m->shape->members[0] : NULL;
    fprintf(f, "%*s%s (%s%s%s)%s%s%s%s\n", 2 + 4 * level, "", label, type_name(m), elem ? " of " : "",
            elem ? type_name(elem) : "", (m->flags & AWSC_F_REQUIRED) ? " [required]" : "", *cons ? " [" : "", cons,
            *cons ? "]" : "");
    const cli_member_doc *doc = member_doc(container, m->name);
    if (doc && doc->doc)
        print_wrapped(f, 6 + 4 * level, doc->doc);
    print_pattern(f, container, m, 6 + 4 * level, "");
    if (m->flags & AWSC_F_SENSITIVE)
        fprintf(f, "%*ssensitive: never written to a log\n", 6 + 4 * level, "");
    const awsc_member *target = elem ? elem : m;
    if (target->type == AWSC_T_ENUM && target->shape && target->shape->enum_count) {
        fprintf(f, "%*svalues:", 6 + 4 * level, "");
        for (uint32_t i = 0; i < target->shape->enum_count; i++)
            fprintf(f, "%s %s", i ? "," : "", target->shape->enum_values[i]);
        fputc('\n', f);
    }
    if (elem && elem != m) {
        char c[64];
        constraints(elem, c, sizeof c);
        if (*c)
            fprintf(f, "%*seach item: %s\n", 6 + 4 * level, "", c);
        print_pattern(f, m->shape, elem, 6 + 4 * level, "each item ");
    }
    if (m->type == AWSC_T_MAP && m->shape && m->shape->member_count == 2) {
        describe_member(f, m->shape, &m->shape->members[0], "key", level + 1, stack);
        describe_member(f, m->shape, &m->shape->members[1], "value", level + 1, stack);
    }
    if ((target->type == AWSC_T_STRUCT || target->type == AWSC_T_UNION) && target->shape)
        describe_members(f, target->shape, level + 1, stack);
}

static void describe_members(FILE *f, const awsc_shape *s, int level, const awsc_shape **stack)
{
    if (level >= NEST_MAX) {
        fprintf(f, "%*s...\n", 2 + 4 * level, "");
        return;
    }
    for (int i = 0; i < level; i++)
        if (stack[i] == s) {
            fprintf(f, "%*s(%s, recursively)\n", 2 + 4 * level, "", s->name);
            return;
        }
    stack[level] = s;
    if (s->type == AWSC_T_UNION)
        fprintf(f, "%*s(a union: exactly one of)\n", 2 + 4 * level, "");
    for (uint32_t i = 0; i < s->member_count; i++)
        describe_member(f, s, &s->members[i], s->members[i].name, level, stack);
}

/* The shorthand that fills a structure option, as the AWS CLI's help shows it. */
static void shorthand_hint(FILE *f, const awsc_member *m)
{
    const awsc_member *t = m->type == AWSC_T_LIST && m->shape ? &m->shape->members[0] : m;
    if (t->type == AWSC_T_MAP) {
        fprintf(f, "      shorthand: KeyName1=%s,KeyName2=%s\n", type_name(&t->shape->members[1]),
                type_name(&t->shape->members[1]));
        return;
    }
    if ((t->type != AWSC_T_STRUCT && t->type != AWSC_T_UNION) || !t->shape) {
        if (m->type == AWSC_T_LIST)
            fprintf(f, "      syntax: %s %s ... (one argument each) or a JSON list\n", type_name(t), type_name(t));
        return;
    }
    fprintf(f, "      shorthand: ");
    for (uint32_t i = 0; i < t->shape->member_count; i++) {
        const awsc_member *x = &t->shape->members[i];
        const char *v = x->type == AWSC_T_LIST ? "value1,value2" : x->type == AWSC_T_STRUCT ? "{...}"
                        : type_name(x);
        fprintf(f, "%s%s=%s", i ? "," : "", x->name, v);
    }
    fprintf(f, "%s\n", m->type == AWSC_T_LIST ? " ..." : "");
}

void cli_help_operation(FILE *f, const awsc_service *svc, const awsc_operation *op)
{
    char k[128];
    const awsc_shape *stack[NEST_MAX + 1];
    help_docs = docs_of(svc);
    cli_kebab(op->name, k, sizeof k);
    fprintf(f, "awsc %s %s  (%s %s)\n\n", svc->cli_name, k, op->method, op->uri);
    for (uint32_t i = 0; help_docs && i < help_docs->operation_count; i++)
        if (!strcmp(help_docs->operations[i].operation, op->name)) {
            fprintf(f, "DESCRIPTION\n");
            print_wrapped(f, 2, help_docs->operations[i].doc);
            fputc('\n', f);
            break;
        }
    fprintf(f, "PARAMETERS\n");
    bool any = false;
    const awsc_member *outfile = NULL;
    for (uint32_t i = 0; op->output && i < op->output->member_count; i++)
        if (op->output->members[i].type == AWSC_T_STREAM)
            outfile = &op->output->members[i];
    for (uint32_t i = 0; op->input && i < op->input->member_count; i++) {
        const awsc_member *m = &op->input->members[i];
        char label[160];
        cli_kebab(m->name, k, sizeof k);
        snprintf(label, sizeof label, "--%s%s", k, m->type == AWSC_T_STREAM ? " <file>" : "");
        stack[0] = op->input;
        describe_member(f, op->input, m, label, 0, stack);
        if (m->type == AWSC_T_STREAM)
            fprintf(f, "      streamed from the file, not read into memory\n");
        if (m->type == AWSC_T_BOOL)
            fprintf(f, "      --no-%s sets it to false\n", k);
        if (m->type == AWSC_T_BLOB)
            fprintf(f, "      base64 text, fileb://PATH for a file's bytes (--cli-binary-format raw-in-base64-out: raw text)\n");
        shorthand_hint(f, m);
        any = true;
    }
    if (!any)
        fprintf(f, "  (none)\n");
    if (outfile)
        fprintf(f, "  <outfile> (positional, required): the file %s is streamed to\n", outfile->name);
    fprintf(f, "\nOUTPUT\n");
    if (op->output && op->output->member_count) {
        stack[0] = op->output;
        describe_members(f, op->output, 0, stack);
    } else {
        fprintf(f, "  (none)\n");
    }
    fprintf(f, "\nERRORS\n");
    if (!op->error_count)
        fprintf(f, "  (none modeled)\n");
    for (uint16_t i = 0; i < op->error_count; i++) {
        if (op->errors[i] >= svc->error_count)
            continue;
        const awsc_shape *e = svc->errors[op->errors[i]];
        fprintf(f, "  %s%s\n", awsc_shape_error_code(e), (e->flags & AWSC_SHAPE_RETRYABLE) ? " (retryable)" : "");
    }
}
