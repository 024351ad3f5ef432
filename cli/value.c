/*
 * Option values and input documents, checked against the model as they are
 * turned into the JSON the runtime reads: every mismatch is reported with the
 * path the user wrote (statusDetails.step), never as a reader's byte offset.
 * Shorthand and YAML give every scalar as text (`lenient`): the member's type
 * decides what it becomes, as in the AWS CLI.
 */
#include "cli.h"

#include "serde/json/json.h"
#include "util/base64.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *cli_type_phrase(const awsc_member *m)
{
    switch (m->type) {
    case AWSC_T_STRING:
    case AWSC_T_ENUM:
        return "a string";
    case AWSC_T_BOOL:
        return "true or false";
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG:
    case AWSC_T_BIG_INTEGER:
        return "an integer";
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
    case AWSC_T_BIG_DECIMAL:
        return "a number";
    case AWSC_T_BLOB:
        return "a blob (base64 text)";
    case AWSC_T_TIMESTAMP:
        return "a timestamp";
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
    case AWSC_T_MAP:
        return "an object";
    case AWSC_T_LIST:
        return "a list";
    case AWSC_T_STREAM:
        return "a file name";
    default:
        return "a JSON value";
    }
}

/* `v` shortened for an error message, its control characters escaped. */
static void describe(const awsc_jmespath_value *v, char *out, size_t cap)
{
    char *json = awsc_jmespath_to_json(v, NULL);
    size_t o = 0;
    for (size_t i = 0; json && json[i] && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)json[i];
        if (o > 60) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    free(json);
}

static int fail(char *why, size_t cap, const char *path, const awsc_jmespath_value *v, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(char *why, size_t cap, const char *path, const awsc_jmespath_value *v, const char *fmt, ...)
{
    char what[256], got[80];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (v) {
        describe(v, got, sizeof got);
        snprintf(why, cap, "%s%s%s, got %s", what, *path ? " at " : "", path, got);
    } else {
        snprintf(why, cap, "%s%s%s", what, *path ? " at " : "", path);
    }
    return -1;
}

/* A scalar's text: a string's bytes, a number's or a boolean's spelling. */
static const char *scalar_text(const awsc_jmespath_value *v, char *tmp, size_t cap)
{
    switch (v->type) {
    case AWSC_JMESPATH_STRING:
        return v->u.string.data;
    case AWSC_JMESPATH_BOOL:
        return v->u.boolean ? "true" : "false";
    case AWSC_JMESPATH_NUMBER:
        if (v->u.number.text)
            return v->u.number.text;
        snprintf(tmp, cap, "%.17g", v->u.number.value);
        return tmp;
    default:
        return NULL;
    }
}

/* Whether `s` is a decimal integer within [lo, hi] (BIG_INTEGER: any length). */
static bool integer_text(const char *s, bool big, long long lo, long long hi)
{
    const char *p = s + (*s == '-');
    if (!isdigit((unsigned char)*p) || strspn(p, "0123456789") != strlen(p))
        return false;
    if (big)
        return true;
    errno = 0;
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0' && n >= lo && n <= hi;
}

static bool number_text(const char *s)
{
    if (!*s || isspace((unsigned char)*s))
        return false;
    char *end = NULL;
    double d = strtod(s, &end);
    (void)d;
    /* JSON's spelling only: no hex, no leading '+', no "inf" */
    return *end == '\0' && strspn(s, "-0123456789.eE+") == strlen(s) && (isdigit((unsigned char)s[*s == '-']));
}

static void join(char *out, size_t cap, const char *path, const char *name)
{
    snprintf(out, cap, "%s%s%s", path, *path ? "." : "", name);
}

static int scalar_json(awsc_buf *out, const awsc_member *m, const awsc_jmespath_value *v, const char *path,
                       const cli_value_opts *o, char *why, size_t cap)
{
    char tmp[40];
    const char *text = scalar_text(v, tmp, sizeof tmp);
    bool is_string = v->type == AWSC_JMESPATH_STRING;
    const char *want = cli_type_phrase(m);
    if (!text)
        return fail(why, cap, path, v, "expected %s", want);
    /* A JSON string may hold \u0000: its length, never strlen, so nothing after a NUL is lost. */
    size_t tlen = is_string ? v->u.string.len : strlen(text);
    bool nul = tlen != strlen(text);
    if (nul && m->type != AWSC_T_STRING && m->type != AWSC_T_ENUM && m->type != AWSC_T_BLOB)
        return fail(why, cap, path, v, "expected %s, got text with a NUL character", want);
    switch (m->type) {
    case AWSC_T_STRING:
    case AWSC_T_ENUM:
        if (!is_string && !o->lenient)
            return fail(why, cap, path, v, "expected %s", want);
        return awsc_json_write_string(out, text, tlen);
    case AWSC_T_BOOL:
        if ((is_string && !o->lenient) || (strcmp(text, "true") != 0 && strcmp(text, "false") != 0))
            return fail(why, cap, path, v, "expected %s", want);
        return awsc_buf_puts(out, text);
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG:
    case AWSC_T_BIG_INTEGER: {
        long long lo = m->type == AWSC_T_BYTE ? -128 : m->type == AWSC_T_SHORT ? -32768
                       : m->type == AWSC_T_LONG ? INT64_MIN : INT32_MIN;
        long long hi = m->type == AWSC_T_BYTE ? 127 : m->type == AWSC_T_SHORT ? 32767
                       : m->type == AWSC_T_LONG ? INT64_MAX : INT32_MAX;
        if ((is_string && !o->lenient) || v->type == AWSC_JMESPATH_BOOL)
            return fail(why, cap, path, v, "expected %s", want);
        if (!integer_text(text, m->type == AWSC_T_BIG_INTEGER, lo, hi)) {
            if (integer_text(text, true, 0, 0))
                return fail(why, cap, path, v, "expected an integer from %lld to %lld", lo, hi);
            return fail(why, cap, path, v, "expected %s", want);
        }
        return awsc_buf_puts(out, text);
    }
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
    case AWSC_T_BIG_DECIMAL:
        if (is_string && (strcmp(text, "NaN") == 0 || strcmp(text, "Infinity") == 0 ||
                          strcmp(text, "-Infinity") == 0) && m->type != AWSC_T_BIG_DECIMAL)
            return awsc_json_write_string(out, text, tlen);
        if ((is_string && !o->lenient) || v->type == AWSC_JMESPATH_BOOL || !number_text(text))
            return fail(why, cap, path, v, "expected %s", want);
        return awsc_buf_puts(out, text);
    case AWSC_T_TIMESTAMP:
        if (v->type == AWSC_JMESPATH_BOOL)
            return fail(why, cap, path, v, "expected %s", want);
        if (number_text(text))
            return awsc_buf_puts(out, text);
        return awsc_json_write_string(out, text, tlen);
    case AWSC_T_BLOB: {
        if (!is_string && !o->lenient)
            return fail(why, cap, path, v, "expected %s", want);
        size_t len = tlen;
        if (o->blobs == CLI_BLOB_RAW) {
            awsc_buf b64 = AWSC_BUF_INIT;
            int rc = awsc_base64_encode(&b64, (const uint8_t *)text, len) ||
                     awsc_json_write_string(out, b64.data ? b64.data : "", b64.len);
            awsc_buf_free(&b64);
            return rc;
        }
        awsc_buf raw = AWSC_BUF_INIT;
        int bad = awsc_base64_decode(&raw, text, len);
        awsc_buf_free(&raw);
        if (bad)
            return fail(why, cap, path, v,
                        "expected base64 text (or --cli-binary-format raw-in-base64-out for raw text)");
        return awsc_json_write_string(out, text, len);
    }
    default:
        return fail(why, cap, path, v, "expected %s", want);
    }
}

int cli_struct_json(awsc_buf *out, const awsc_shape *s, const awsc_jmespath_value *v, const char *path,
                    const cli_value_opts *o, char *why, size_t cap)
{
    if (v->type != AWSC_JMESPATH_OBJECT)
        return fail(why, cap, path, v, "expected a JSON object");
    if (awsc_buf_putc(out, '{'))
        return -1;
    bool first = true;
    size_t set = 0;
    for (size_t i = 0; i < v->u.object.count; i++) {
        const awsc_jmespath_member *jm = &v->u.object.members[i];
        const awsc_member *m = NULL;
        for (uint32_t k = 0; !m && k < s->member_count; k++)
            if (strcmp(s->members[k].name, jm->key) == 0)
                m = &s->members[k];
        char sub[512];
        join(sub, sizeof sub, path, jm->key);
        if (!m) {
            awsc_buf names = AWSC_BUF_INIT;
            for (uint32_t k = 0; k < s->member_count; k++)
                awsc_buf_printf(&names, "%s%s", k ? ", " : "", s->members[k].name);
            char key[80];
            snprintf(key, sizeof key, "%s", jm->key);
            for (char *c = key; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                    *c = '?';
            snprintf(why, cap, "unknown member \"%s\"%s%s; %s has: %s", key, *path ? " in " : "", path,
                     s->name, names.data ? names.data : "no members");
            awsc_buf_free(&names);
            return -1;
        }
        if (jm->value->type == AWSC_JMESPATH_NULL)
            continue; /* not set */
        if (m->type == AWSC_T_STREAM)
            return fail(why, cap, sub, NULL, "a streamed member is given as a file on the command line");
        if ((!first && awsc_buf_putc(out, ',')) || awsc_json_write_string(out, m->name, strlen(m->name)) ||
            awsc_buf_putc(out, ':'))
            return -1;
        if (cli_value_json(out, m, jm->value, sub, o, why, cap))
            return -1;
        first = false;
        set++;
    }
    if (s->type == AWSC_T_UNION && set > 1)
        return fail(why, cap, path, NULL, "%s is a union: set exactly one of its members", s->name);
    return awsc_buf_putc(out, '}');
}

int cli_value_json(awsc_buf *out, const awsc_member *m, const awsc_jmespath_value *v, const char *path,
                   const cli_value_opts *o, char *why, size_t cap)
{
    char sub[512];
    switch (m->type) {
    case AWSC_T_DOCUMENT: {
        char *json = awsc_jmespath_to_json(v, NULL);
        int rc = !json || awsc_buf_puts(out, json);
        free(json);
        return rc ? -1 : 0;
    }
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
        if (!m->shape)
            return -1;
        return cli_struct_json(out, m->shape, v, path, o, why, cap);
    case AWSC_T_LIST: {
        const awsc_member *elem = m->shape ? &m->shape->members[0] : NULL;
        if (!elem)
            return -1;
        if (v->type != AWSC_JMESPATH_ARRAY) {
            if (!o->lenient)
                return fail(why, cap, path, v, "expected a JSON array");
            /* shorthand's one value where a list goes: a list of one */
            return awsc_buf_putc(out, '[') || cli_value_json(out, elem, v, path, o, why, cap) ||
                   awsc_buf_putc(out, ']') ? -1 : 0;
        }
        if (awsc_buf_putc(out, '['))
            return -1;
        for (size_t i = 0; i < v->u.array.count; i++) {
            const awsc_jmespath_value *x = v->u.array.items[i];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (i && awsc_buf_putc(out, ','))
                return -1;
            if (x->type == AWSC_JMESPATH_NULL && (elem->flags & AWSC_F_NULLABLE)) {
                if (awsc_buf_puts(out, "null"))
                    return -1;
            } else if (cli_value_json(out, elem, x, sub, o, why, cap)) {
                return -1;
            }
        }
        return awsc_buf_putc(out, ']');
    }
    case AWSC_T_MAP: {
        if (v->type != AWSC_JMESPATH_OBJECT)
            return fail(why, cap, path, v, "expected a JSON object");
        const awsc_member *key = m->shape ? &m->shape->members[0] : NULL;
        const awsc_member *val = m->shape ? &m->shape->members[1] : NULL;
        if (!key || !val || awsc_buf_putc(out, '{'))
            return -1;
        for (size_t i = 0; i < v->u.object.count; i++) {
            const awsc_jmespath_member *jm = &v->u.object.members[i];
            join(sub, sizeof sub, path, jm->key);
            if ((i && awsc_buf_putc(out, ',')) || awsc_json_write_string(out, jm->key, jm->key_len) ||
                awsc_buf_putc(out, ':'))
                return -1;
            if (jm->value->type == AWSC_JMESPATH_NULL && (val->flags & AWSC_F_NULLABLE)) {
                if (awsc_buf_puts(out, "null"))
                    return -1;
            } else if (cli_value_json(out, val, jm->value, sub, o, why, cap)) {
                return -1;
            }
        }
        return awsc_buf_putc(out, '}');
    }
    default:
        return scalar_json(out, m, v, path, o, why, cap);
    }
}
