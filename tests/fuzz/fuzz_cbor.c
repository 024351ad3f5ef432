/*
 * libawsc-cbor: the bounded CBOR decoder (runtime/serde/cbor/cbor.c) through
 * diagnostic notation, then the descriptor-driven reader and writer against a
 * hand-written descriptor with every scalar kind, nesting, lists and maps
 * (dense and sparse), a union and recursion. Input: the CBOR bytes themselves.
 *
 * Oracles besides the sanitizers: a refusal carries a message; the decoder and
 * the reader agree on what is one well-formed item (the reader may refuse more:
 * wrong types); whatever the reader accepts, the writer writes (or refuses as
 * invalid input with a message); what it writes is one well-formed item that
 * reads back, and reading and writing that again gives the same bytes (unless
 * a timestamp is set: a double's epoch seconds may round once more).
 */
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/cbor/cbor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum color { COLOR_RED = 1, COLOR_GREEN = 2 } color;

typedef struct inner {
    const char *name;
    int32_t n;
    bool has_n;
} inner;

#define LIST(T, name) typedef struct name { T *items; size_t count; } name
LIST(const char *, str_list);
LIST(inner, inner_list);
LIST(const double *, sparse_dbl_list);
LIST(str_list, list_list);
typedef struct str_map_entry { const char *key; const char *value; } str_map_entry;
typedef struct str_map { str_map_entry *entries; size_t count; } str_map;
typedef struct sparse_entry { const char *key; const int64_t *value; } sparse_entry;
typedef struct sparse_map { sparse_entry *entries; size_t count; } sparse_map;

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
    const char *bigi;
    awsc_blob blob;
    awsc_timestamp ts;
    bool has_ts;
    const inner *nested;
    str_list strs;
    inner_list inners;
    sparse_dbl_list doubles;
    list_list lists;
    str_map map;
    sparse_map smap;
    const uni *u;
    const node *tree;
} all;

#define M(C, nm, fld, T) .name = nm, .wire_name = nm, .offset = offsetof(C, fld), .type = T
#define NOHAS .has_offset = AWSC_NO_OFFSET
#define HAS(C, f) .has_offset = offsetof(C, f)
#define NORAW .raw_offset = AWSC_NO_OFFSET
#define ELEM(T) .name = "member", .wire_name = "member", .offset = 0, .type = T, NOHAS, NORAW
#define SHAPE(var, nm, T, sz, mem)                                                                                \
    static const awsc_shape var = {.name = nm, .type = T, .size = sz, .members = mem,                           \
                                   .member_count = sizeof mem / sizeof mem[0]}

static const char *const color_values[] = {"RED", "GREEN"};
static const awsc_shape color_shape = {.name = "Color", .type = AWSC_T_ENUM, .size = sizeof(color),
                                       .enum_values = color_values, .enum_count = 2};

static const awsc_member inner_members[] = {
    {M(inner, "name", name, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner, "n", n, AWSC_T_INT), HAS(inner, has_n), NORAW},
};
SHAPE(inner_shape, "Inner", AWSC_T_STRUCT, sizeof(inner), inner_members);

static const awsc_member str_list_m[] = {{ELEM(AWSC_T_STRING)}};
SHAPE(str_list_shape, "StrList", AWSC_T_LIST, sizeof(const char *), str_list_m);
static const awsc_member inner_list_m[] = {{ELEM(AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &inner_shape}};
SHAPE(inner_list_shape, "InnerList", AWSC_T_LIST, sizeof(inner), inner_list_m);
static const awsc_member dbl_list_m[] = {{ELEM(AWSC_T_DOUBLE), .flags = AWSC_F_BOXED | AWSC_F_NULLABLE}};
SHAPE(dbl_list_shape, "DblList", AWSC_T_LIST, sizeof(const double *), dbl_list_m);
static const awsc_member list_list_m[] = {{ELEM(AWSC_T_LIST), .shape = &str_list_shape}};
SHAPE(list_list_shape, "ListList", AWSC_T_LIST, sizeof(str_list), list_list_m);

static const awsc_member str_map_m[] = {
    {M(str_map_entry, "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", value, AWSC_T_STRING), NOHAS, NORAW},
};
SHAPE(str_map_shape, "StrMap", AWSC_T_MAP, sizeof(str_map_entry), str_map_m);
static const awsc_member sparse_map_m[] = {
    {M(sparse_entry, "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(sparse_entry, "value", value, AWSC_T_LONG), NOHAS, NORAW, .flags = AWSC_F_BOXED | AWSC_F_NULLABLE},
};
SHAPE(sparse_map_shape, "SparseMap", AWSC_T_MAP, sizeof(sparse_entry), sparse_map_m);

static const awsc_member uni_members[] = {
    {M(uni, "s", value.s, AWSC_T_STRING), NOHAS, NORAW},
    {M(uni, "l", value.l, AWSC_T_LONG), NOHAS, NORAW},
    {M(uni, "st", value.st, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
    {M(uni, "sl", value.sl, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
};
static const awsc_shape uni_shape = {.name = "Uni", .type = AWSC_T_UNION, .size = sizeof(uni),
                                     .members = uni_members, .member_count = 4,
                                     .union_tag_offset = offsetof(uni, type)};

static const awsc_shape node_shape;
static const awsc_member node_members[] = {
    {M(node, "label", label, AWSC_T_STRING), NOHAS, NORAW},
    {M(node, "child", child, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
};
static const awsc_shape node_shape = {.name = "Node", .type = AWSC_T_STRUCT, .size = sizeof(node),
                                      .members = node_members, .member_count = 2};

static const awsc_member all_members[] = {
    {M(all, "str", str, AWSC_T_STRING), NOHAS, NORAW},
    {M(all, "col", col, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(all, col_raw), .shape = &color_shape},
    {M(all, "b", b, AWSC_T_BOOL), HAS(all, has_b), NORAW},
    {M(all, "by", by, AWSC_T_BYTE), HAS(all, has_by), NORAW},
    {M(all, "sh", sh, AWSC_T_SHORT), HAS(all, has_sh), NORAW},
    {M(all, "i", i, AWSC_T_INT), HAS(all, has_i), NORAW},
    {M(all, "l", l, AWSC_T_LONG), HAS(all, has_l), NORAW},
    {M(all, "f", f, AWSC_T_FLOAT), HAS(all, has_f), NORAW},
    {M(all, "d", d, AWSC_T_DOUBLE), HAS(all, has_d), NORAW},
    {M(all, "bigi", bigi, AWSC_T_BIG_INTEGER), NOHAS, NORAW},
    {M(all, "blob", blob, AWSC_T_BLOB), NOHAS, NORAW},
    {M(all, "ts", ts, AWSC_T_TIMESTAMP), HAS(all, has_ts), NORAW},
    {M(all, "nested", nested, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
    {M(all, "strs", strs, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
    {M(all, "inners", inners, AWSC_T_LIST), NOHAS, NORAW, .shape = &inner_list_shape},
    {M(all, "doubles", doubles, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE, .shape = &dbl_list_shape},
    {M(all, "lists", lists, AWSC_T_LIST), NOHAS, NORAW, .shape = &list_list_shape},
    {M(all, "map", map, AWSC_T_MAP), NOHAS, NORAW, .shape = &str_map_shape},
    {M(all, "smap", smap, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_SPARSE, .shape = &sparse_map_shape},
    {M(all, "u", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &uni_shape},
    {M(all, "tree", tree, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
};
SHAPE(all_shape, "All", AWSC_T_STRUCT, sizeof(all), all_members);

static void require_message(const awsc_error *err, const char *what)
{
    if (!err->message || !*err->message) {
        fprintf(stderr, "%s failed without a message (status %d)\n", what, (int)err->status);
        abort();
    }
}

static bool well_formed(const uint8_t *data, size_t len)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc = awsc_cbor_diagnostic(data, len, false, NULL, NULL, &text);
    if (rc == -1)
        abort(); /* nothing this small runs out of memory */
    awsc_buf_free(&text);
    return rc == 0;
}

/* Reads `data` and writes the value into `out`: 0 when written, 1 when refused (with a message). */
static int read_write(const uint8_t *data, size_t len, awsc_buf *out, bool *has_ts)
{
    awsc_arena *arena = awsc_arena_create();
    all *a = arena ? awsc_arena_alloc(arena, sizeof *a) : NULL;
    if (!a)
        abort();
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_cbor_read(&all_shape, a, data, len, arena, AWSC_E_RESPONSE, &err);
    if (rc == AWSC_OK && !well_formed(data, len)) {
        fprintf(stderr, "the reader accepted what the decoder refuses\n");
        abort();
    }
    if (rc == AWSC_OK) {
        *has_ts = a->has_ts;
        rc = awsc_cbor_write(out, &all_shape, a, true, NULL, &err);
        if (rc != AWSC_OK && rc != AWSC_E_VALIDATION) {
            fprintf(stderr, "writing what was read failed with %d: %s\n", rc, err.message);
            abort();
        }
    }
    if (rc != AWSC_OK) {
        if (rc == AWSC_E_NOMEM)
            abort();
        require_message(&err, "cbor");
        rc = 1;
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)well_formed(data, size);
    awsc_buf first = AWSC_BUF_INIT, second = AWSC_BUF_INIT;
    bool has_ts = false;
    if (read_write(data, size, &first, &has_ts) == 0) {
        const uint8_t *f = (const uint8_t *)(first.data ? first.data : "");
        if (!well_formed(f, first.len)) {
            fprintf(stderr, "the writer wrote %zu bytes that do not decode\n", first.len);
            abort();
        }
        int rc = read_write(f, first.len, &second, &has_ts);
        if (rc != 0 || (!has_ts && (second.len != first.len || memcmp(first.data, second.data, first.len) != 0))) {
            fprintf(stderr, "cbor round trip differs (rc %d, %zu and %zu bytes)\n", rc, first.len, second.len);
            abort();
        }
    }
    awsc_buf_free(&first);
    awsc_buf_free(&second);
    return 0;
}
