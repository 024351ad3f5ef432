/*
 * The descriptor-driven JSON reader (runtime/serde/json/json.h) in all three name
 * modes, against a hand-written descriptor that uses every awsc_type and
 * collection flag. Input: byte 0 picks the mode, the rest is the JSON text.
 *
 * Oracle besides the sanitizers: whatever the reader accepts, the writer
 * must write, and reading that text back and writing it again must give the
 * same text (a fixed point), so reader and writer agree on every value.
 */
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/json/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum color { COLOR_RED = 1, COLOR_GREEN = 2 } color;

typedef struct inner {
    const char *name;
    int32_t n;
    bool has_n;
} inner;

typedef struct uni uni;
typedef struct node node;

#define LIST(T, name) typedef struct name { T *items; size_t count; } name
LIST(inner, inner_list);
LIST(const inner *, inner_ptr_list);
LIST(const char *, str_list);
LIST(int64_t, long_list);
LIST(int32_t *, int_box_list);
LIST(awsc_blob, blob_list);
LIST(awsc_timestamp, ts_list);
LIST(uni, uni_list);
LIST(node, node_list);

typedef struct str_map_entry { const char *key; const char *value; } str_map_entry;
typedef struct str_map { str_map_entry *entries; size_t count; } str_map;
typedef struct inner_map_entry { const char *key; inner value; } inner_map_entry;
typedef struct inner_map { inner_map_entry *entries; size_t count; } inner_map;
typedef struct dbl_box_map_entry { const char *key; double *value; } dbl_box_map_entry;
typedef struct dbl_box_map { dbl_box_map_entry *entries; size_t count; } dbl_box_map;
typedef struct list_map_entry { const char *key; str_list value; } list_map_entry;
typedef struct list_map { list_map_entry *entries; size_t count; } list_map;

struct uni {
    int type; /* 0 unset, 1.. variant, -1 unknown */
    union {
        const char *s;
        int32_t i;
        const inner *st;
        awsc_blob b;
        str_list l;
    } value;
};

struct node {
    const node *child;
    node_list kids;
    const char *doc;
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
    int32_t ie;
    bool has_ie;
    int64_t l;
    bool has_l;
    float f;
    bool has_f;
    double d;
    bool has_d;
    const char *bigi, *bigd;
    awsc_blob blob;
    awsc_timestamp ts, ts_dt, ts_http, ts_epoch;
    bool has_ts, has_ts_dt, has_ts_http, has_ts_epoch;
    const char *doc;
    const inner *nested;
    inner_list inners;
    str_list dense, sparse;
    inner_ptr_list sparse_inners;
    long_list longs;
    int_box_list boxed_ints;
    blob_list blobs;
    ts_list stamps;
    str_map smap, sparse_map;
    inner_map imap;
    dbl_box_map dmap;
    list_map lmap;
    const uni *u;
    uni_list unions;
    const node *tree;
    int32_t plain;     /* has a model default: no has flag */
    const char *dflt;  /* has a model default */
    const char *hdr;   /* header-bound: not in the wire body */
} all;

#define M(C, nm, wire, fld, T) .name = nm, .wire_name = wire, .offset = offsetof(C, fld), .type = T
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
    {M(inner, "name", "Name", name, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner, "n", "N", n, AWSC_T_INT), HAS(inner, has_n), NORAW},
};
SHAPE(inner_shape, "Inner", AWSC_T_STRUCT, sizeof(inner), inner_members);

static const awsc_member inner_list_m[] = {{ELEM(AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &inner_shape}};
SHAPE(inner_list_shape, "InnerList", AWSC_T_LIST, sizeof(inner), inner_list_m);
static const awsc_member inner_ptr_list_m[] = {{ELEM(AWSC_T_STRUCT), .flags = AWSC_F_NULLABLE, .shape = &inner_shape}};
SHAPE(inner_ptr_list_shape, "InnerPtrList", AWSC_T_LIST, sizeof(const inner *), inner_ptr_list_m);
static const awsc_member str_list_m[] = {{ELEM(AWSC_T_STRING)}};
SHAPE(str_list_shape, "StrList", AWSC_T_LIST, sizeof(const char *), str_list_m);
static const awsc_member sparse_str_list_m[] = {{ELEM(AWSC_T_STRING), .flags = AWSC_F_NULLABLE}};
SHAPE(sparse_str_list_shape, "SparseStrList", AWSC_T_LIST, sizeof(const char *), sparse_str_list_m);
static const awsc_member long_list_m[] = {{ELEM(AWSC_T_LONG)}};
SHAPE(long_list_shape, "LongList", AWSC_T_LIST, sizeof(int64_t), long_list_m);
static const awsc_member int_box_list_m[] = {{ELEM(AWSC_T_INT), .flags = AWSC_F_NULLABLE | AWSC_F_BOXED}};
SHAPE(int_box_list_shape, "IntBoxList", AWSC_T_LIST, sizeof(int32_t *), int_box_list_m);
static const awsc_member blob_list_m[] = {{ELEM(AWSC_T_BLOB)}};
SHAPE(blob_list_shape, "BlobList", AWSC_T_LIST, sizeof(awsc_blob), blob_list_m);
static const awsc_member ts_list_m[] = {{ELEM(AWSC_T_TIMESTAMP), .ts_format = AWSC_TS_DATE_TIME}};
SHAPE(ts_list_shape, "TsList", AWSC_T_LIST, sizeof(awsc_timestamp), ts_list_m);

static const awsc_member str_map_m[] = {
    {M(str_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "value", value, AWSC_T_STRING), NOHAS, NORAW},
};
SHAPE(str_map_shape, "StrMap", AWSC_T_MAP, sizeof(str_map_entry), str_map_m);
static const awsc_member sparse_str_map_m[] = {
    {M(str_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "value", value, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_NULLABLE},
};
SHAPE(sparse_str_map_shape, "SparseStrMap", AWSC_T_MAP, sizeof(str_map_entry), sparse_str_map_m);
static const awsc_member inner_map_m[] = {
    {M(inner_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner_map_entry, "value", "value", value, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_INLINE,
     .shape = &inner_shape},
};
SHAPE(inner_map_shape, "InnerMap", AWSC_T_MAP, sizeof(inner_map_entry), inner_map_m);
static const awsc_member dbl_box_map_m[] = {
    {M(dbl_box_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(dbl_box_map_entry, "value", "value", value, AWSC_T_DOUBLE), NOHAS, NORAW,
     .flags = AWSC_F_NULLABLE | AWSC_F_BOXED},
};
SHAPE(dbl_box_map_shape, "DblBoxMap", AWSC_T_MAP, sizeof(dbl_box_map_entry), dbl_box_map_m);
static const awsc_member list_map_m[] = {
    {M(list_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(list_map_entry, "value", "value", value, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
};
SHAPE(list_map_shape, "ListMap", AWSC_T_MAP, sizeof(list_map_entry), list_map_m);

static const awsc_member uni_m[] = {
    {M(uni, "s", "S", value.s, AWSC_T_STRING), NOHAS, NORAW},
    {M(uni, "i", "I", value.i, AWSC_T_INT), NOHAS, NORAW},
    {M(uni, "st", "St", value.st, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
    {M(uni, "b", "B", value.b, AWSC_T_BLOB), NOHAS, NORAW},
    {M(uni, "l", "L", value.l, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
    {.name = "nothing", .wire_name = "Nothing", .offset = 0, .type = AWSC_T_UNIT, NOHAS, NORAW},
};
static const awsc_shape uni_shape = {.name = "Uni", .type = AWSC_T_UNION, .size = sizeof(uni), .members = uni_m,
                                     .member_count = sizeof uni_m / sizeof uni_m[0],
                                     .union_tag_offset = offsetof(uni, type)};
static const awsc_member uni_list_m[] = {{ELEM(AWSC_T_UNION), .flags = AWSC_F_INLINE, .shape = &uni_shape}};
SHAPE(uni_list_shape, "UniList", AWSC_T_LIST, sizeof(uni), uni_list_m);

static const awsc_shape node_shape;
static const awsc_member node_list_m[] = {{ELEM(AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &node_shape}};
SHAPE(node_list_shape, "NodeList", AWSC_T_LIST, sizeof(node), node_list_m);
static const awsc_member node_m[] = {
    {M(node, "child", "child", child, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
    {M(node, "kids", "kids", kids, AWSC_T_LIST), NOHAS, NORAW, .shape = &node_list_shape},
    {M(node, "doc", "doc", doc, AWSC_T_DOCUMENT), NOHAS, NORAW},
};
SHAPE(node_shape, "Node", AWSC_T_STRUCT, sizeof(node), node_m);

static const awsc_member all_m[] = {
    {M(all, "str", "Str", str, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_HAS_MIN, .ext = &(const awsc_member_ext){.min = 2}},
    {M(all, "col", "col", col, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(all, col_raw), .shape = &color_shape},
    {M(all, "b", "b", b, AWSC_T_BOOL), HAS(all, has_b), NORAW},
    {M(all, "by", "by", by, AWSC_T_BYTE), HAS(all, has_by), NORAW},
    {M(all, "sh", "sh", sh, AWSC_T_SHORT), HAS(all, has_sh), NORAW},
    {M(all, "i", "i", i, AWSC_T_INT), HAS(all, has_i), NORAW},
    {M(all, "ie", "ie", ie, AWSC_T_INT_ENUM), HAS(all, has_ie), NORAW},
    {M(all, "l", "l", l, AWSC_T_LONG), HAS(all, has_l), NORAW},
    {M(all, "f", "f", f, AWSC_T_FLOAT), HAS(all, has_f), NORAW},
    {M(all, "d", "d", d, AWSC_T_DOUBLE), HAS(all, has_d), NORAW},
    {M(all, "bigi", "bigi", bigi, AWSC_T_BIG_INTEGER), NOHAS, NORAW},
    {M(all, "bigd", "bigd", bigd, AWSC_T_BIG_DECIMAL), NOHAS, NORAW},
    {M(all, "blob", "blob", blob, AWSC_T_BLOB), NOHAS, NORAW},
    {M(all, "ts", "ts", ts, AWSC_T_TIMESTAMP), HAS(all, has_ts), NORAW},
    {M(all, "tsDt", "tsDt", ts_dt, AWSC_T_TIMESTAMP), HAS(all, has_ts_dt), NORAW, .ts_format = AWSC_TS_DATE_TIME},
    {M(all, "tsHttp", "tsHttp", ts_http, AWSC_T_TIMESTAMP), HAS(all, has_ts_http), NORAW,
     .ts_format = AWSC_TS_HTTP_DATE},
    {M(all, "tsEpoch", "tsEpoch", ts_epoch, AWSC_T_TIMESTAMP), HAS(all, has_ts_epoch), NORAW,
     .ts_format = AWSC_TS_EPOCH_SECONDS},
    {M(all, "doc", "doc", doc, AWSC_T_DOCUMENT), NOHAS, NORAW},
    {M(all, "nested", "nested", nested, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
    {M(all, "inners", "inners", inners, AWSC_T_LIST), NOHAS, NORAW, .shape = &inner_list_shape},
    {M(all, "dense", "dense", dense, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
    {M(all, "sparse", "sparse", sparse, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE,
     .shape = &sparse_str_list_shape},
    {M(all, "sparseInners", "sparseInners", sparse_inners, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE,
     .shape = &inner_ptr_list_shape},
    {M(all, "longs", "longs", longs, AWSC_T_LIST), NOHAS, NORAW, .shape = &long_list_shape},
    {M(all, "boxedInts", "boxedInts", boxed_ints, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE,
     .shape = &int_box_list_shape},
    {M(all, "blobs", "blobs", blobs, AWSC_T_LIST), NOHAS, NORAW, .shape = &blob_list_shape},
    {M(all, "stamps", "stamps", stamps, AWSC_T_LIST), NOHAS, NORAW, .shape = &ts_list_shape},
    {M(all, "smap", "smap", smap, AWSC_T_MAP), NOHAS, NORAW, .shape = &str_map_shape},
    {M(all, "sparseMap", "sparseMap", sparse_map, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_SPARSE,
     .shape = &sparse_str_map_shape},
    {M(all, "imap", "imap", imap, AWSC_T_MAP), NOHAS, NORAW, .shape = &inner_map_shape},
    {M(all, "dmap", "dmap", dmap, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_SPARSE, .shape = &dbl_box_map_shape},
    {M(all, "lmap", "lmap", lmap, AWSC_T_MAP), NOHAS, NORAW, .shape = &list_map_shape},
    {M(all, "u", "u", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &uni_shape},
    {M(all, "unions", "unions", unions, AWSC_T_LIST), NOHAS, NORAW, .shape = &uni_list_shape},
    {M(all, "tree", "tree", tree, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
    {M(all, "plain", "plain", plain, AWSC_T_INT), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "5"}},
    {M(all, "dflt", "dflt", dflt, AWSC_T_STRING), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "\"x\""}},
    {M(all, "hdr", "X-Hdr", hdr, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
};
SHAPE(all_shape, "All", AWSC_T_STRUCT, sizeof(all), all_m);

/* Reads `len` bytes into a fresh `all` and writes it back; 0 and the text on success. */
static int read_write(awsc_json_names mode, const char *text, size_t len, awsc_buf *out, awsc_status *write_status)
{
    awsc_arena *arena = awsc_arena_create();
    if (!arena)
        return -1;
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_json_read(&all_shape, &v, text, len, arena, mode, AWSC_E_RESPONSE, &err);
    if (rc != AWSC_OK && (!err.message || err.status != AWSC_E_RESPONSE)) {
        fprintf(stderr, "json read failed without a response error and message (status %d)\n", (int)err.status);
        abort();
    }
    awsc_error_clear(&err);
    if (rc == AWSC_OK) {
        *write_status = awsc_json_write(out, &all_shape, &v, mode, true, &err);
        awsc_error_clear(&err);
        rc = *write_status == AWSC_OK ? 0 : 1;
    } else {
        rc = -1;
    }
    awsc_arena_destroy(arena);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    awsc_json_names mode = (awsc_json_names)(data[0] % 3);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    awsc_buf first = AWSC_BUF_INIT, second = AWSC_BUF_INIT;
    awsc_status ws = AWSC_OK;
    int rc = read_write(mode, text, len, &first, &ws);
    if (rc == 0) {
        /* What the writer wrote must read back to the same value. */
        int rc2 = read_write(mode, first.data, first.len, &second, &ws);
        if (rc2 != 0 || second.len != first.len || memcmp(first.data, second.data, first.len) != 0) {
            fprintf(stderr, "json round trip differs (mode %d, rc %d, status %d)\nfirst:  %s\nsecond: %s\n",
                    (int)mode, rc2, (int)ws, first.data, second.data ? second.data : "(none)");
            abort();
        }
    }
    awsc_buf_free(&first);
    awsc_buf_free(&second);
    return 0;
}
