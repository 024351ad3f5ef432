/*
 * libawsc-xml: the hardened expat parser (runtime/serde/xml/xml_parse.c), then the
 * descriptor-driven reader and writer against a hand-written descriptor with
 * attributes, wrapped and flattened lists and maps, unions, nesting and every
 * scalar kind. Input: the XML text itself (any bytes).
 *
 * Oracles besides the sanitizers: a refusal carries a message; whatever the
 * reader accepts, the writer writes (or refuses as invalid input with a
 * message), what it writes parses, and reading and writing that again gives
 * the same bytes (a fixed point: reader and writer agree on every value).
 */
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/xml/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum color { COLOR_RED = 1, COLOR_GREEN = 2 } color;

typedef struct inner {
    const char *name;
    int32_t n;
    bool has_n;
    const char *id;
} inner;

#define LIST(T, name) typedef struct name { T *items; size_t count; } name
LIST(const char *, str_list);
LIST(inner, inner_list);
LIST(double, dbl_list);
LIST(str_list, list_list);
typedef struct str_map_entry { const char *key; const char *value; } str_map_entry;
typedef struct str_map { str_map_entry *entries; size_t count; } str_map;
typedef struct inner_map_entry { const char *key; inner value; } inner_map_entry;
typedef struct inner_map { inner_map_entry *entries; size_t count; } inner_map;

typedef struct uni {
    int type;
    union {
        const char *s;
        int64_t l;
        const inner *st;
        str_list sl;
    } value;
} uni;

typedef struct node node;
struct node {
    const char *label;
    const node *child;
};

typedef struct all {
    const char *str;
    color col;
    const char *col_raw;
    bool b, has_b;
    int8_t by;
    bool has_by;
    int16_t sh;
    bool has_sh;
    int32_t i;
    bool has_i;
    int64_t l;
    bool has_l;
    float f;
    bool has_f;
    double d;
    bool has_d;
    const char *bigi, *bigd;
    awsc_blob blob;
    awsc_timestamp ts, ts_http, ts_epoch;
    bool has_ts, has_ts_http, has_ts_epoch;
    const char *attr;
    int32_t attr_n;
    bool has_attr_n;
    const inner *nested;
    str_list wrapped, flat;
    inner_list inners, flat_inners;
    dbl_list doubles;
    list_list lists;
    str_map map, flat_map;
    inner_map imap;
    const uni *u;
    const node *tree;
} all;

#define M(C, nm, wire, fld, T) .name = nm, .wire_name = wire, .offset = offsetof(C, fld), .type = T
#define NOHAS .has_offset = AWSC_NO_OFFSET
#define HAS(C, f) .has_offset = offsetof(C, f)
#define NORAW .raw_offset = AWSC_NO_OFFSET
#define ELEM(wire, T) .name = "member", .wire_name = wire, .offset = 0, .type = T, NOHAS, NORAW
#define SHAPE(var, nm, T, sz, mem)                                                                                \
    static const awsc_shape var = {.name = nm, .type = T, .size = sz, .members = mem,                           \
                                   .member_count = sizeof mem / sizeof mem[0]}

static const char *const color_values[] = {"RED", "GREEN"};
static const awsc_shape color_shape = {.name = "Color", .type = AWSC_T_ENUM, .size = sizeof(color),
                                       .enum_values = color_values, .enum_count = 2};

static const awsc_member inner_members[] = {
    {M(inner, "name", "Name", name, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner, "n", "N", n, AWSC_T_INT), HAS(inner, has_n), NORAW},
    {M(inner, "id", "id", id, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
};
SHAPE(inner_shape, "Inner", AWSC_T_STRUCT, sizeof(inner), inner_members);

static const awsc_member str_list_m[] = {{ELEM("member", AWSC_T_STRING)}};
SHAPE(str_list_shape, "StrList", AWSC_T_LIST, sizeof(const char *), str_list_m);
static const awsc_member item_list_m[] = {{ELEM("item", AWSC_T_STRING), .ext = &(const awsc_member_ext){.xml_namespace = " xmlns=\"urn:i\""}}};
SHAPE(item_list_shape, "ItemList", AWSC_T_LIST, sizeof(const char *), item_list_m);
static const awsc_member inner_list_m[] = {{ELEM("Inner", AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &inner_shape}};
SHAPE(inner_list_shape, "InnerList", AWSC_T_LIST, sizeof(inner), inner_list_m);
static const awsc_member dbl_list_m[] = {{ELEM("member", AWSC_T_DOUBLE)}};
SHAPE(dbl_list_shape, "DblList", AWSC_T_LIST, sizeof(double), dbl_list_m);
static const awsc_member list_list_m[] = {{ELEM("member", AWSC_T_LIST), .shape = &str_list_shape}};
SHAPE(list_list_shape, "ListList", AWSC_T_LIST, sizeof(str_list), list_list_m);

static const awsc_member str_map_m[] = {
    {M(str_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "value", value, AWSC_T_STRING), NOHAS, NORAW},
};
SHAPE(str_map_shape, "StrMap", AWSC_T_MAP, sizeof(str_map_entry), str_map_m);
static const awsc_member named_map_m[] = {
    {M(str_map_entry, "key", "K", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "V", value, AWSC_T_STRING), NOHAS, NORAW},
};
SHAPE(named_map_shape, "NamedMap", AWSC_T_MAP, sizeof(str_map_entry), named_map_m);
static const awsc_member inner_map_m[] = {
    {M(inner_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner_map_entry, "value", "value", value, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_INLINE,
     .shape = &inner_shape},
};
SHAPE(inner_map_shape, "InnerMap", AWSC_T_MAP, sizeof(inner_map_entry), inner_map_m);

static const awsc_member uni_members[] = {
    {M(uni, "s", "S", value.s, AWSC_T_STRING), NOHAS, NORAW},
    {M(uni, "l", "L", value.l, AWSC_T_LONG), NOHAS, NORAW},
    {M(uni, "st", "St", value.st, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
    {M(uni, "sl", "Sl", value.sl, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED,
     .shape = &str_list_shape},
};
static const awsc_shape uni_shape = {.name = "Uni", .type = AWSC_T_UNION, .size = sizeof(uni),
                                     .members = uni_members, .member_count = 4,
                                     .union_tag_offset = offsetof(uni, type)};

static const awsc_shape node_shape;
static const awsc_member node_members[] = {
    {M(node, "label", "label", label, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
    {M(node, "child", "child", child, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
};
static const awsc_shape node_shape = {.name = "Node", .type = AWSC_T_STRUCT, .size = sizeof(node),
                                      .members = node_members, .member_count = 2};

static const awsc_member all_members[] = {
    {M(all, "str", "Str", str, AWSC_T_STRING), NOHAS, NORAW},
    {M(all, "col", "Col", col, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(all, col_raw), .shape = &color_shape},
    {M(all, "b", "B", b, AWSC_T_BOOL), HAS(all, has_b), NORAW},
    {M(all, "by", "By", by, AWSC_T_BYTE), HAS(all, has_by), NORAW},
    {M(all, "sh", "Sh", sh, AWSC_T_SHORT), HAS(all, has_sh), NORAW},
    {M(all, "i", "I", i, AWSC_T_INT), HAS(all, has_i), NORAW},
    {M(all, "l", "L", l, AWSC_T_LONG), HAS(all, has_l), NORAW},
    {M(all, "f", "F", f, AWSC_T_FLOAT), HAS(all, has_f), NORAW},
    {M(all, "d", "D", d, AWSC_T_DOUBLE), HAS(all, has_d), NORAW},
    {M(all, "bigi", "BigI", bigi, AWSC_T_BIG_INTEGER), NOHAS, NORAW},
    {M(all, "bigd", "BigD", bigd, AWSC_T_BIG_DECIMAL), NOHAS, NORAW},
    {M(all, "blob", "Blob", blob, AWSC_T_BLOB), NOHAS, NORAW},
    {M(all, "ts", "Ts", ts, AWSC_T_TIMESTAMP), HAS(all, has_ts), NORAW},
    {M(all, "tsHttp", "TsHttp", ts_http, AWSC_T_TIMESTAMP), HAS(all, has_ts_http), NORAW,
     .ts_format = AWSC_TS_HTTP_DATE},
    {M(all, "tsEpoch", "TsEpoch", ts_epoch, AWSC_T_TIMESTAMP), HAS(all, has_ts_epoch), NORAW,
     .ts_format = AWSC_TS_EPOCH_SECONDS},
    {M(all, "attr", "a:attr", attr, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
    {M(all, "attrN", "n", attr_n, AWSC_T_INT), HAS(all, has_attr_n), NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
    {M(all, "nested", "Nested", nested, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape,
     .ext = &(const awsc_member_ext){.xml_namespace = " xmlns:p=\"urn:p\""}},
    {M(all, "wrapped", "Wrapped", wrapped, AWSC_T_LIST), NOHAS, NORAW, .shape = &item_list_shape},
    {M(all, "flat", "Flat", flat, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED,
     .shape = &str_list_shape},
    {M(all, "inners", "Inners", inners, AWSC_T_LIST), NOHAS, NORAW, .shape = &inner_list_shape},
    {M(all, "flatInners", "FI", flat_inners, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED,
     .shape = &inner_list_shape},
    {M(all, "doubles", "Doubles", doubles, AWSC_T_LIST), NOHAS, NORAW, .shape = &dbl_list_shape},
    {M(all, "lists", "Lists", lists, AWSC_T_LIST), NOHAS, NORAW, .shape = &list_list_shape},
    {M(all, "map", "Map", map, AWSC_T_MAP), NOHAS, NORAW, .shape = &str_map_shape},
    {M(all, "flatMap", "FlatMap", flat_map, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED,
     .shape = &named_map_shape},
    {M(all, "imap", "IMap", imap, AWSC_T_MAP), NOHAS, NORAW, .shape = &inner_map_shape},
    {M(all, "u", "U", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &uni_shape},
    {M(all, "tree", "Tree", tree, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
};
SHAPE(all_shape, "All", AWSC_T_STRUCT, sizeof(all), all_members);

static void require_message(const awsc_error *err, const char *what)
{
    if (!err->message || !*err->message) {
        fprintf(stderr, "%s failed without a message (status %d)\n", what, (int)err->status);
        abort();
    }
}

/*
 * Parses and reads `text`, then writes the value into `out`. Returns 0 when
 * written, 1 when the text or the value was refused (with a message).
 */
static int read_write(const char *text, size_t len, awsc_buf *out)
{
    awsc_arena *arena = awsc_arena_create();
    if (!arena)
        abort();
    awsc_error err = AWSC_ERROR_INIT;
    awsc_xml_node *root;
    int rc = awsc_xml_parse(text, len, arena, &root, &err);
    if (rc == AWSC_OK) {
        all *a = awsc_arena_alloc(arena, sizeof *a);
        if (!a)
            abort();
        rc = awsc_xml_read_struct(&all_shape, a, root, arena, &err);
        if (rc == AWSC_OK) {
            rc = awsc_xml_write_struct(out, &all_shape, a, "All", " xmlns=\"urn:all\"", &err);
            if (rc != AWSC_OK && rc != AWSC_E_VALIDATION) {
                fprintf(stderr, "writing what was read failed with %d: %s\n", rc, err.message);
                abort();
            }
        }
    }
    if (rc != AWSC_OK) {
        if (rc == AWSC_E_NOMEM)
            abort(); /* nothing this small runs out of memory */
        require_message(&err, "xml");
        rc = 1;
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    awsc_buf first = AWSC_BUF_INIT, second = AWSC_BUF_INIT;
    if (read_write((const char *)data, size, &first) == 0) {
        /* What the writer wrote parses and is a fixed point of read + write. */
        int rc = read_write(first.data, first.len, &second);
        if (rc != 0 || second.len != first.len || memcmp(first.data, second.data, first.len) != 0) {
            fprintf(stderr, "xml round trip differs (rc %d)\nfirst:  %s\nsecond: %s\n", rc, first.data,
                    second.data ? second.data : "(none)");
            abort();
        }
    }
    awsc_buf_free(&first);
    awsc_buf_free(&second);
    return 0;
}
