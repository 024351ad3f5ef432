/*
 * Element tree -> typed C structures, by the shape descriptors. Scalars go
 * through the same text parser as headers (scalar.c), so an integer is
 * range-checked and a timestamp read the same way everywhere.
 */
#include "xml.h"

#include "error.h"
#include "scalar.h"

#include <string.h>

typedef struct reader {
    awsc_arena *arena;
    awsc_error *err;
    const char *member; /* being read, for the message */
} reader;

typedef struct {
    void *items;
    size_t count;
} any_list;

static int oom(reader *r)
{
    return awsc_error_set(r->err, AWSC_E_NOMEM, "out of memory while reading XML");
}

static int bad(reader *r, const awsc_xml_node *e, const char *what)
{
    return awsc_error_set(r->err, AWSC_E_RESPONSE, "invalid XML response: member %s (element <%s>): %s",
                          r->member ? r->member : "?", e ? e->name : "?", what);
}

static void set_present(const awsc_member *m, void *container)
{
    if (m->has_offset != AWSC_NO_OFFSET)
        *(bool *)((unsigned char *)container + m->has_offset) = true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Text of a scalar: strings and enums as they are, numbers, booleans, blobs and timestamps trimmed. */
static int read_scalar_text(reader *r, const awsc_member *m, void *container, const awsc_xml_node *e,
                            const char *s, size_t len)
{
    if (m->type != AWSC_T_STRING && m->type != AWSC_T_ENUM) {
        while (len && is_space(*s))
            s++, len--;
        while (len && is_space(s[len - 1]))
            len--;
    }
    int rc = awsc_scalar_parse(m, container, s, len, r->arena, AWSC_TS_DATE_TIME, false);
    if (rc == -1)
        return oom(r);
    if (rc)
        return bad(r, e, m->type == AWSC_T_BOOL          ? "expected true or false"
                         : m->type == AWSC_T_TIMESTAMP   ? "invalid timestamp"
                         : m->type == AWSC_T_BLOB        ? "invalid base64"
                         : m->type == AWSC_T_FLOAT || m->type == AWSC_T_DOUBLE ? "invalid number"
                                                                               : "invalid or out-of-range integer");
    return 0;
}

static int read_struct(reader *r, const awsc_shape *shape, void *obj, const awsc_xml_node *e);
static int read_value(reader *r, const awsc_member *m, void *container, const awsc_xml_node *e);

/* Children of `e` named `name`, or siblings from `first` on (flattened), counted. */
static size_t count_named(const awsc_xml_node *first, const char *name)
{
    size_t n = 0;
    for (const awsc_xml_node *c = first; c; c = c->next)
        n += strcmp(c->name, name) == 0;
    return n;
}

/*
 * A list: the items are the elements named `item_name` among `first` and its
 * following siblings (wrapped: the children of the list element; flattened:
 * the repeated member elements in the parent).
 */
static int read_list(reader *r, const awsc_member *m, void *slot, const awsc_xml_node *first, const char *item_name)
{
    const awsc_shape *ls = m->shape;
    const awsc_member *elem = &ls->members[0];
    size_t count = count_named(first, item_name);
    if (ls->size && count > SIZE_MAX / ls->size)
        return oom(r);
    unsigned char *items = awsc_arena_alloc(r->arena, count * ls->size);
    if (!items)
        return oom(r);
    size_t i = 0;
    for (const awsc_xml_node *c = first; c && i < count; c = c->next) {
        if (strcmp(c->name, item_name) != 0)
            continue;
        int rc = read_value(r, elem, items + i * ls->size, c);
        if (rc)
            return rc;
        i++;
    }
    any_list *list = slot;
    list->items = items;
    list->count = count;
    return 0;
}

/* One map entry element: <key>k</key><value>v</value> (names from the map's members). */
static int read_entry(reader *r, const awsc_shape *ms, unsigned char *entry, const awsc_xml_node *e)
{
    const awsc_member *key = &ms->members[0], *val = &ms->members[1];
    const awsc_xml_node *k = awsc_xml_child(e, key->wire_name);
    if (!k)
        return bad(r, e, "map entry without a key");
    int rc = read_value(r, key, entry, k);
    if (rc)
        return rc;
    const awsc_xml_node *v = awsc_xml_child(e, val->wire_name);
    return v ? read_value(r, val, entry, v) : 0;
}

static int read_map(reader *r, const awsc_member *m, void *slot, const awsc_xml_node *first, const char *entry_name)
{
    const awsc_shape *ms = m->shape;
    size_t count = count_named(first, entry_name);
    if (ms->size && count > SIZE_MAX / ms->size)
        return oom(r);
    unsigned char *entries = awsc_arena_alloc(r->arena, count * ms->size);
    if (!entries)
        return oom(r);
    size_t n = 0;
    for (const awsc_xml_node *c = first; c && n < count; c = c->next) {
        if (strcmp(c->name, entry_name) != 0)
            continue;
        int rc = read_entry(r, ms, entries + n * ms->size, c);
        if (rc)
            return rc;
        /* A repeated key replaces the earlier entry, as a map's reader would. */
        const char *key = *(const char *const *)(entries + n * ms->size + ms->members[0].offset);
        size_t j = 0;
        while (j < n && strcmp(*(const char *const *)(entries + j * ms->size + ms->members[0].offset), key) != 0)
            j++;
        if (j < n)
            memcpy(entries + j * ms->size, entries + n * ms->size, ms->size);
        else
            n++;
    }
    struct {
        void *entries;
        size_t count;
    } *map = slot;
    map->entries = entries;
    map->count = n;
    return 0;
}

static int read_union(reader *r, const awsc_shape *shape, void *obj, const awsc_xml_node *e)
{
    int *tag = (int *)((unsigned char *)obj + shape->union_tag_offset);
    for (const awsc_xml_node *c = e->first_child; c; c = c->next) {
        const awsc_member *found = NULL;
        for (uint32_t i = 0; i < shape->member_count && !found; i++)
            if (strcmp(shape->members[i].wire_name, c->name) == 0)
                found = &shape->members[i];
        if (*tag != 0)
            return bad(r, e, "union has more than one member set");
        if (!found) {
            *tag = -1; /* a variant this SDK does not know */
            continue;
        }
        const char *outer = r->member;
        r->member = found->name;
        int rc = read_value(r, found, obj, c);
        r->member = outer;
        if (rc)
            return rc;
        *tag = (int)(found - shape->members) + 1;
    }
    return 0;
}

static int read_member_of(reader *r, const awsc_member *m, void *obj, const awsc_xml_node *e)
{
    if (m->flags & AWSC_F_XML_ATTRIBUTE) {
        const char *v = awsc_xml_attr_value(e, m->wire_name);
        if (!v)
            return 0;
        int rc = read_scalar_text(r, m, obj, e, v, strlen(v));
        if (!rc)
            set_present(m, obj);
        return rc;
    }
    const awsc_xml_node *c = awsc_xml_child(e, m->wire_name);
    if (!c)
        return 0;
    if ((m->flags & AWSC_F_XML_FLATTENED) && (m->type == AWSC_T_LIST || m->type == AWSC_T_MAP)) {
        int rc = m->type == AWSC_T_LIST ? read_list(r, m, awsc_member_slot(m, obj), c, m->wire_name)
                                        : read_map(r, m, awsc_member_slot(m, obj), c, m->wire_name);
        if (!rc)
            set_present(m, obj);
        return rc;
    }
    return read_value(r, m, obj, c);
}

static int read_struct(reader *r, const awsc_shape *shape, void *obj, const awsc_xml_node *e)
{
    if (shape->type == AWSC_T_UNION)
        return read_union(r, shape, obj, e);
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        /*
         * Headers, prefix headers and the status code are read by rest.c. Label
         * and query bindings mean nothing in a response: such members travel
         * in the body there (IgnoreQueryParamsInResponse).
         */
        if (m->binding == AWSC_B_HEADER || m->binding == AWSC_B_PREFIX_HEADERS ||
            m->binding == AWSC_B_RESPONSE_CODE || m->binding == AWSC_B_PAYLOAD)
            continue;
        const char *outer = r->member;
        r->member = m->name;
        int rc = read_member_of(r, m, obj, e);
        r->member = outer;
        if (rc)
            return rc;
    }
    return 0;
}

/* Reads the value of member `m` (its slot inside `container`) from its element `e`. */
static int read_value(reader *r, const awsc_member *m, void *container, const awsc_xml_node *e)
{
    unsigned char *slot = awsc_member_slot(m, container);
    if (m->flags & AWSC_F_BOXED) { /* a scalar of a sparse collection: allocate its box */
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~AWSC_F_BOXED;
        inner.offset = 0;
        void *box = awsc_arena_alloc(r->arena, sizeof(awsc_timestamp)); /* the largest boxed scalar */
        if (!box)
            return oom(r);
        *(void **)slot = box;
        return read_value(r, &inner, box, e);
    }
    int rc;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        void *obj = slot;
        if (!(m->flags & AWSC_F_INLINE)) {
            if (!(obj = awsc_arena_alloc(r->arena, m->shape->size)))
                return oom(r);
            *(void **)slot = obj;
        }
        rc = read_struct(r, m->shape, obj, e);
        break;
    }
    case AWSC_T_LIST:
        rc = read_list(r, m, slot, e->first_child, m->shape->members[0].wire_name);
        break;
    case AWSC_T_MAP:
        rc = read_map(r, m, slot, e->first_child, "entry");
        break;
    case AWSC_T_UNIT:
        rc = 0;
        break;
    case AWSC_T_DOCUMENT:
    case AWSC_T_STREAM:
        return bad(r, e, "this type cannot be read from XML");
    default:
        rc = read_scalar_text(r, m, container, e, e->text, e->text_len);
        break;
    }
    if (!rc)
        set_present(m, container);
    return rc;
}

int awsc_xml_read_struct(const awsc_shape *shape, void *out, const awsc_xml_node *element, awsc_arena *arena,
                         awsc_error *err)
{
    reader r = {.arena = arena, .err = err};
    return read_struct(&r, shape, out, element);
}

int awsc_xml_read_member(const awsc_member *m, void *container, const awsc_xml_node *element, awsc_arena *arena,
                         awsc_error *err)
{
    reader r = {.arena = arena, .err = err, .member = m->name};
    return read_value(&r, m, container, element);
}
