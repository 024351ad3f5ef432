/*
 * --generate-cli-skeleton: a placeholder of each member's type, as botocore's
 * ArgumentGenerator writes them ("" strings, 0 numbers, true, the first enum
 * value, a list of one, {"KeyName": ...} maps, 1970-01-01T00:00:00). The
 * output skeleton puts each string member's name in it. A shape met again
 * inside itself (a recursive shape) is cut off as {}. Streamed members are
 * given as files on the command line, not in an input document: left out.
 */
#include "cli.h"

#include "serde/json/json.h"

#include <string.h>

#define MAX_DEPTH 24

typedef struct walk {
    awsc_buf *out;
    bool names;
    const awsc_shape *stack[MAX_DEPTH];
    int depth;
} walk;

static int shape_json(walk *w, const awsc_shape *s);

static int value_json(walk *w, const awsc_member *m)
{
    awsc_buf *b = w->out;
    switch (m->type) {
    case AWSC_T_STRING:
        return awsc_json_write_string(b, w->names ? m->name : "", w->names ? strlen(m->name) : 0);
    case AWSC_T_ENUM:
        if (m->shape && m->shape->enum_count)
            return awsc_json_write_string(b, m->shape->enum_values[0], strlen(m->shape->enum_values[0]));
        return awsc_json_write_string(b, "", 0);
    case AWSC_T_BOOL:
        return awsc_buf_puts(b, "true");
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
    case AWSC_T_BIG_DECIMAL:
        return awsc_buf_puts(b, "0.0");
    case AWSC_T_BLOB:
        return awsc_buf_puts(b, "\"\"");
    case AWSC_T_TIMESTAMP:
        return awsc_buf_puts(b, "\"1970-01-01T00:00:00\"");
    case AWSC_T_DOCUMENT:
    case AWSC_T_UNIT:
        return awsc_buf_puts(b, "{}");
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
        return m->shape ? shape_json(w, m->shape) : awsc_buf_puts(b, "{}");
    case AWSC_T_LIST:
        if (!m->shape || !m->shape->member_count)
            return awsc_buf_puts(b, "[]");
        return awsc_buf_putc(b, '[') || value_json(w, &m->shape->members[0]) || awsc_buf_putc(b, ']');
    case AWSC_T_MAP: {
        if (!m->shape || m->shape->member_count < 2)
            return awsc_buf_puts(b, "{}");
        const awsc_member *key = &m->shape->members[0];
        const char *k = key->shape && key->shape->enum_count ? key->shape->enum_values[0] : "KeyName";
        return awsc_buf_putc(b, '{') || awsc_json_write_string(b, k, strlen(k)) || awsc_buf_putc(b, ':') ||
               value_json(w, &m->shape->members[1]) || awsc_buf_putc(b, '}');
    }
    default: /* the integer types */
        return awsc_buf_puts(b, "0");
    }
}

static int shape_json(walk *w, const awsc_shape *s)
{
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i] == s)
            return awsc_buf_puts(w->out, "{}");
    if (w->depth >= MAX_DEPTH)
        return awsc_buf_puts(w->out, "{}");
    w->stack[w->depth++] = s;
    int rc = awsc_buf_putc(w->out, '{');
    bool first = true;
    for (uint32_t i = 0; !rc && i < s->member_count; i++) {
        const awsc_member *m = &s->members[i];
        if (m->type == AWSC_T_STREAM)
            continue;
        rc = (!first && awsc_buf_putc(w->out, ',')) || awsc_json_write_string(w->out, m->name, strlen(m->name)) ||
             awsc_buf_putc(w->out, ':') || value_json(w, m);
        first = false;
        if (s->type == AWSC_T_UNION)
            break; /* a union sets one member: its first stands for all */
    }
    w->depth--;
    return rc || awsc_buf_putc(w->out, '}');
}

int cli_skeleton_json(awsc_buf *out, const awsc_shape *shape, bool names)
{
    walk w = {.out = out, .names = names};
    if (!shape)
        return awsc_buf_puts(out, "{}");
    return shape_json(&w, shape) ? -1 : 0;
}
