/* Typed C structures -> XML elements, by the shape descriptors. */
#include "serde/xml/xml.h"

#include "util/error.h"
#include "serde/scalar.h"

#include <string.h>

typedef struct writer {
    awsc_buf *out;
    awsc_error *err;
    const char *member; /* being written, for the message */
    int depth;
} writer;

typedef struct {
    const void *items;
    size_t count;
} any_list;

static int oom(writer *w)
{
    return awsc_error_set(w->err, AWSC_E_NOMEM, "out of memory while writing XML");
}

/* XML 1.0 has no way to carry NUL, most C0 controls, U+FFFE or U+FFFF, not even as references. */
static bool xml_char_ok(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0] >= 0x20 || p[0] == '\t' || p[0] == '\n' || p[0] == '\r';
    return !(n == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF));
}

int awsc_xml_escape(awsc_buf *out, const char *s, size_t len, bool attr)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0, n; i < len; i += n)
        if (!(n = awsc_utf8_seq(u + i, u + len)) || !xml_char_ok(u + i, n))
            return -1;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        /* A parser turns a literal CR into LF (and, in attributes, CR, LF and TAB into spaces): keep them. */
        case '\r': esc = "&#xD;"; break;
        case '"': esc = attr ? "&quot;" : NULL; break;
        case '\n': esc = attr ? "&#xA;" : NULL; break;
        case '\t': esc = attr ? "&#x9;" : NULL; break;
        default: break;
        }
        if (!esc)
            continue;
        if (awsc_buf_append(out, s + run, i - run) || awsc_buf_puts(out, esc))
            return -2;
        run = i + 1;
    }
    return awsc_buf_append(out, s + run, len - run) ? -2 : 0;
}

static int put_escaped(writer *w, const char *s, size_t len, bool attr)
{
    int rc = awsc_xml_escape(w->out, s, len, attr);
    if (rc == -1)
        return awsc_error_set(w->err, AWSC_E_VALIDATION,
                              "%s: string is not valid UTF-8 or holds a character XML cannot carry",
                              w->member ? w->member : "value");
    return rc ? oom(w) : 0;
}

/* A scalar's text, escaped. */
static int put_scalar(writer *w, const awsc_member *m, const void *container, bool attr)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc = awsc_scalar_text(m, container, AWSC_TS_DATE_TIME, false, &text);
    if (rc == 0)
        rc = put_escaped(w, text.data ? text.data : "", text.len, attr);
    else if (rc == -1)
        rc = oom(w);
    else
        rc = awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: value cannot be written as XML",
                            w->member ? w->member : "value");
    awsc_buf_free(&text);
    return rc;
}

static int open_tag(writer *w, const char *name, const char *ns)
{
    if (awsc_buf_putc(w->out, '<') || awsc_buf_puts(w->out, name) || (ns && awsc_buf_puts(w->out, ns)))
        return oom(w);
    return 0;
}

static int close_tag(writer *w, const char *name)
{
    if (awsc_buf_puts(w->out, "</") || awsc_buf_puts(w->out, name) || awsc_buf_putc(w->out, '>'))
        return oom(w);
    return 0;
}

/* <name ns/> */
static int empty_element(writer *w, const char *name, const char *ns)
{
    int rc = open_tag(w, name, ns);
    return rc ? rc : awsc_buf_puts(w->out, "/>") ? oom(w) : 0;
}

static int write_element(writer *w, const awsc_member *m, const void *container, const char *name,
                         const char *ns);

/* The attributes and child elements of a structure, after its '<name ns'. Closes the start tag. */
static int write_fields(writer *w, const awsc_shape *shape, const void *obj, const char *name)
{
    if (++w->depth > AWSC_XML_MAX_DEPTH)
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: nested too deeply", w->member ? w->member : "value");
    const char *outer = w->member;
    int rc = 0;
    if (shape->type == AWSC_T_UNION) {
        int tag = *(const int *)((const unsigned char *)obj + shape->union_tag_offset);
        if (tag < 1 || (uint32_t)tag > shape->member_count)
            return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: union has no member set",
                                  outer ? outer : shape->name);
        const awsc_member *m = &shape->members[tag - 1];
        w->member = m->name;
        if (awsc_buf_putc(w->out, '>'))
            return oom(w);
        rc = m->type == AWSC_T_UNIT ? empty_element(w, m->wire_name, awsc_member_xml_namespace(m))
                                    : write_element(w, m, obj, m->wire_name, awsc_member_xml_namespace(m));
        w->member = outer;
        w->depth--;
        return rc ? rc : close_tag(w, name);
    }
    for (uint32_t i = 0; i < shape->member_count && !rc; i++) {
        const awsc_member *m = &shape->members[i];
        if (m->binding != AWSC_B_BODY || !(m->flags & AWSC_F_XML_ATTRIBUTE) || !awsc_member_present(m, obj))
            continue;
        w->member = m->name;
        if (awsc_buf_putc(w->out, ' ') || awsc_buf_puts(w->out, m->wire_name) || awsc_buf_puts(w->out, "=\""))
            return oom(w);
        rc = put_scalar(w, m, obj, true);
        if (!rc && awsc_buf_putc(w->out, '"'))
            rc = oom(w);
    }
    if (!rc && awsc_buf_putc(w->out, '>'))
        rc = oom(w);
    for (uint32_t i = 0; i < shape->member_count && !rc; i++) {
        const awsc_member *m = &shape->members[i];
        if (m->binding != AWSC_B_BODY || (m->flags & AWSC_F_XML_ATTRIBUTE) || !awsc_member_present(m, obj))
            continue;
        w->member = m->name;
        rc = write_element(w, m, obj, m->wire_name, awsc_member_xml_namespace(m));
    }
    w->member = outer;
    w->depth--;
    return rc ? rc : close_tag(w, name);
}

/* Writes the value of `m` (a list or map item when container is the item) as <name ns>value</name>. */
static int write_value(writer *w, const awsc_member *m, const void *container, const char *name, const char *ns)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    /* A null in a sparse collection (a NULL string, or a NULL box): an empty element. */
    if ((m->flags & (AWSC_F_NULLABLE | AWSC_F_BOXED)) && !awsc_member_present(m, container))
        return empty_element(w, name, ns);
    if (m->flags & AWSC_F_BOXED) {
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~(AWSC_F_BOXED | AWSC_F_NULLABLE);
        inner.offset = 0;
        return write_value(w, &inner, *(const void *const *)slot, name, ns);
    }
    switch ((awsc_type)m->type) {
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        const void *obj = (m->flags & AWSC_F_INLINE) ? (const void *)slot : *(const void *const *)slot;
        if (!obj)
            return empty_element(w, name, ns);
        /* Only the member's namespace: a structure's own applies where it is the document (or payload) root. */
        int rc = open_tag(w, name, ns);
        return rc ? rc : write_fields(w, m->shape, obj, name);
    }
    case AWSC_T_LIST: {
        const any_list *l = (const any_list *)slot;
        const awsc_member *elem = &m->shape->members[0];
        int rc = open_tag(w, name, ns);
        if (!rc && awsc_buf_putc(w->out, '>'))
            rc = oom(w);
        for (size_t i = 0; i < l->count && !rc; i++)
            rc = write_value(w, elem, (const unsigned char *)l->items + i * m->shape->size, elem->wire_name,
                             awsc_member_xml_namespace(elem));
        return rc ? rc : close_tag(w, name);
    }
    case AWSC_T_MAP: {
        const any_list *l = (const any_list *)slot;
        const awsc_member *key = &m->shape->members[0], *val = &m->shape->members[1];
        int rc = open_tag(w, name, ns);
        if (!rc && awsc_buf_putc(w->out, '>'))
            rc = oom(w);
        for (size_t i = 0; i < l->count && !rc; i++) {
            const unsigned char *e = (const unsigned char *)l->items + i * m->shape->size;
            rc = awsc_buf_puts(w->out, "<entry>") ? oom(w) : 0;
            if (!rc)
                rc = write_value(w, key, e, key->wire_name, awsc_member_xml_namespace(key));
            if (!rc)
                rc = write_value(w, val, e, val->wire_name, awsc_member_xml_namespace(val));
            if (!rc)
                rc = close_tag(w, "entry");
        }
        return rc ? rc : close_tag(w, name);
    }
    case AWSC_T_UNIT:
        return empty_element(w, name, ns);
    case AWSC_T_DOCUMENT:
    case AWSC_T_STREAM:
        return awsc_error_set(w->err, AWSC_E_VALIDATION, "%s: this type cannot be written as XML",
                              w->member ? w->member : "value");
    default: {
        int rc = open_tag(w, name, ns);
        if (!rc && awsc_buf_putc(w->out, '>'))
            rc = oom(w);
        if (!rc)
            rc = put_scalar(w, m, container, false);
        return rc ? rc : close_tag(w, name);
    }
    }
}

/* A member as its element, or for flattened lists and maps as one element per item. */
static int write_element(writer *w, const awsc_member *m, const void *container, const char *name, const char *ns)
{
    if (!(m->flags & AWSC_F_XML_FLATTENED) || (m->type != AWSC_T_LIST && m->type != AWSC_T_MAP))
        return write_value(w, m, container, name, ns);
    const any_list *l = (const any_list *)awsc_member_slot(m, container);
    int rc = 0;
    if (m->type == AWSC_T_LIST) {
        const awsc_member *elem = &m->shape->members[0];
        for (size_t i = 0; i < l->count && !rc; i++)
            rc = write_value(w, elem, (const unsigned char *)l->items + i * m->shape->size, name, ns);
        return rc;
    }
    const awsc_member *key = &m->shape->members[0], *val = &m->shape->members[1];
    for (size_t i = 0; i < l->count && !rc; i++) {
        const unsigned char *e = (const unsigned char *)l->items + i * m->shape->size;
        rc = open_tag(w, name, ns);
        if (!rc && awsc_buf_putc(w->out, '>'))
            rc = oom(w);
        if (!rc)
            rc = write_value(w, key, e, key->wire_name, awsc_member_xml_namespace(key));
        if (!rc)
            rc = write_value(w, val, e, val->wire_name, awsc_member_xml_namespace(val));
        if (!rc)
            rc = close_tag(w, name);
    }
    return rc;
}

int awsc_xml_write_struct(awsc_buf *out, const awsc_shape *shape, const void *obj, const char *element_name,
                          const char *xmlns_attr, awsc_error *err)
{
    writer w = {.out = out, .err = err};
    int rc = open_tag(&w, element_name, xmlns_attr);
    return rc ? rc : write_fields(&w, shape, obj, element_name);
}

int awsc_xml_write_member(awsc_buf *out, const awsc_member *m, const void *container, const char *element_name,
                          awsc_error *err)
{
    writer w = {.out = out, .err = err, .member = m->name};
    if (!awsc_member_present(m, container))
        return 0;
    return write_element(&w, m, container, element_name ? element_name : m->wire_name, awsc_member_xml_namespace(m));
}
