/*
 * Element tree -> typed C structures, by the shape descriptors. Scalars go
 * through the same text parser as headers (scalar.c), so an integer is
 * range-checked and a timestamp read the same way everywhere.
 */
#include "serde/xml/xml.h"

#include "util/error.h"
#include "serde/collect.h"
#include "serde/scalar.h"

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

static size_t digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* bigInteger: [+-]digits; bigDecimal: [+-]digits[.digits][(e|E)[+-]digits] (kept as text, so checked here). */
static bool big_number_ok(const char *s, size_t len, bool decimal)
{
    size_t i = len && (s[0] == '-' || s[0] == '+');
    size_t j = digits(s, len, i);
    if (j == i)
        return false;
    if (decimal && j < len && s[j] == '.') {
        size_t k = digits(s, len, j + 1);
        if (k == j + 1)
            return false;
        j = k;
    }
    if (decimal && j < len && (s[j] == 'e' || s[j] == 'E')) {
        size_t e = j + 1 + (j + 1 < len && (s[j + 1] == '-' || s[j + 1] == '+'));
        j = digits(s, len, e);
        if (j == e)
            return false;
    }
    return j == len;
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
    if ((m->type == AWSC_T_BIG_INTEGER || m->type == AWSC_T_BIG_DECIMAL) &&
        !big_number_ok(s, len, m->type == AWSC_T_BIG_DECIMAL))
        return bad(r, e, "invalid number");
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

static bool flattened(const awsc_member *m)
{
    return (m->flags & AWSC_F_XML_FLATTENED) && (m->type == AWSC_T_LIST || m->type == AWSC_T_MAP);
}

static int read_union(reader *r, const awsc_shape *shape, void *obj, const awsc_xml_node *e)
{
    int *tag = (int *)((unsigned char *)obj + shape->union_tag_offset);
    const char *flat_name = NULL; /* a flattened variant repeats its element: one member still */
    for (const awsc_xml_node *c = e->first_child; c; c = c->next) {
        if (flat_name && strcmp(c->name, flat_name) == 0)
            continue;
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
        int rc;
        if (flattened(found)) {
            flat_name = found->wire_name;
            rc = found->type == AWSC_T_LIST ? read_list(r, found, awsc_member_slot(found, obj), c, flat_name)
                                            : read_map(r, found, awsc_member_slot(found, obj), c, flat_name);
        } else {
            rc = read_value(r, found, obj, c);
        }
        r->member = outer;
        if (rc)
            return rc;
        *tag = (int)(found - shape->members) + 1;
    }
    return 0;
}

/* Reads member `m` of `obj` from element `e`'s attributes or children; 1 when `e` does not hold it. */
static int read_member_of(reader *r, const awsc_member *m, void *obj, const awsc_xml_node *e)
{
    int rc;
    if (m->flags & AWSC_F_XML_ATTRIBUTE) {
        const char *v = awsc_xml_attr_value(e, m->wire_name);
        if (!v)
            return 1;
        rc = read_scalar_text(r, m, obj, e, v, strlen(v));
        if (!rc)
            set_present(m, obj);
        return rc;
    }
    const awsc_xml_node *c = awsc_xml_child(e, m->wire_name);
    if (!c)
        return 1;
    if (!flattened(m))
        return read_value(r, m, obj, c);
    rc = m->type == AWSC_T_LIST ? read_list(r, m, awsc_member_slot(m, obj), c, m->wire_name)
                                : read_map(r, m, awsc_member_slot(m, obj), c, m->wire_name);
    if (!rc)
        set_present(m, obj);
    return rc;
}

/*
 * A member's model default (JSON text) for a response that left it out, as
 * the JSON reader fills it: scalars and strings through the scalar parser,
 * [] and {} as empty collections. Defaults of other forms are left unset.
 */
static int apply_default(reader *r, const awsc_member *m, void *obj)
{
    const char *d = awsc_member_default(m);
    size_t len = strlen(d);
    if (d[0] == '[' || d[0] == '{') {
        if (m->type != AWSC_T_LIST && m->type != AWSC_T_MAP)
            return 0;
        void *empty = awsc_arena_alloc(r->arena, 0);
        if (!empty)
            return oom(r);
        ((any_list *)awsc_member_slot(m, obj))->items = empty; /* maps share the { pointer, count } layout */
        return 0;
    }
    /* A timestamp default is JSON: a date-time string or epoch seconds, whatever the member's wire format. */
    awsc_member dm = *m;
    dm.ts_format = AWSC_TS_DEFAULT;
    awsc_timestamp_format ts = AWSC_TS_EPOCH_SECONDS;
    if (d[0] == '"') {
        if (len < 2 || memchr(d + 1, '\\', len - 2))
            return 0; /* escapes: not worth a JSON parser here; no AWS model has one */
        d++;
        len -= 2;
        ts = AWSC_TS_DATE_TIME;
    }
    int rc = awsc_scalar_parse(&dm, obj, d, len, r->arena, ts, false);
    if (rc == -1)
        return oom(r);
    if (rc == 0)
        set_present(m, obj);
    return 0;
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
        if (rc == 1) { /* left out */
            rc = 0;
            if (awsc_member_default(m))
                rc = apply_default(r, m, obj);
            else if ((m->flags & AWSC_F_REQUIRED) && !awsc_member_present(m, obj) &&
                     awsc_required_zero(m, obj, r->arena) != 0) /* Smithy's client error correction */
                rc = oom(r);
        }
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
        /* An empty element is a null, as the writer sends one: the box stays NULL. */
        if (e->text_len == 0 && !e->first_child) {
            *(void **)slot = NULL;
            return 0;
        }
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
