/*
 * The descriptor-driven JSON reader and writer, exercised through hand-written
 * structures and descriptor tables (not a generated service), so that every
 * awsc_type and flag is covered on its own.
 */
#include <criterion/criterion.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- test structures ---------------------------------------------------- */

typedef enum color { COLOR_NOT_SET = 0, COLOR_RED = 1, COLOR_GREEN = 2, COLOR_UNKNOWN = -1 } color;

typedef struct inner {
    const char *name;
    int32_t n;
    bool has_n;
} inner;

typedef struct inner_list {
    inner *items; /* inline elements */
    size_t count;
} inner_list;

typedef struct inner_ptr_list {
    const inner **items; /* sparse: pointer elements */
    size_t count;
} inner_ptr_list;

typedef struct str_list {
    const char **items;
    size_t count;
} str_list;

typedef struct long_list {
    int64_t *items;
    size_t count;
} long_list;

typedef struct str_map_entry {
    const char *key;
    const char *value;
} str_map_entry;

typedef struct str_map {
    str_map_entry *entries;
    size_t count;
} str_map;

typedef struct inner_map_entry {
    const char *key;
    inner value;
} inner_map_entry;

typedef struct inner_map {
    inner_map_entry *entries;
    size_t count;
} inner_map;

typedef struct list_map_entry {
    const char *key;
    str_list value;
} list_map_entry;

typedef struct list_map {
    list_map_entry *entries;
    size_t count;
} list_map;

typedef struct uni {
    int type; /* 0 unset, 1 s, 2 i, 3 st, -1 unknown */
    union {
        const char *s;
        int32_t i;
        const inner *st;
    } value;
} uni;

typedef struct uni_list {
    uni *items;
    size_t count;
} uni_list;

typedef struct all {
    const char *str;
    color col;
    const char *col_raw;
    bool b;
    bool has_b;
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
    const char *bigi;
    const char *bigd;
    awsc_blob blob;
    awsc_timestamp ts;
    bool has_ts;
    awsc_timestamp ts_dt;
    bool has_ts_dt;
    awsc_timestamp ts_http;
    bool has_ts_http;
    awsc_timestamp ts_epoch;
    bool has_ts_epoch;
    const char *doc;
    const inner *nested;
    inner_list inners;
    str_list dense;
    str_list sparse;
    inner_ptr_list sparse_inners;
    long_list longs;
    str_map smap;
    str_map sparse_map;
    inner_map imap;
    list_map lmap;
    const uni *u;
    uni_list unions;
    int32_t plain; /* a required/defaulted scalar: no has flag, always written */
    const char *hdr; /* header-bound: ignored by the wire form at top level */
} all;

/* Explicit initializer pieces (no overriding designators: -Woverride-init is in -Wextra). */
#define M(C, nm, wire, fld, T) .name = nm, .wire_name = wire, .offset = offsetof(C, fld), .type = T
#define NOHAS .has_offset = AWSC_NO_OFFSET
#define HAS(C, f) .has_offset = offsetof(C, f)
#define NORAW .raw_offset = AWSC_NO_OFFSET
#define ELEM(T) .name = "member", .wire_name = "member", .offset = 0, .type = T, NOHAS, NORAW

static const char *const color_values[] = {"RED", "GREEN"};
static const awsc_shape color_shape = {.name = "Color", .type = AWSC_T_ENUM, .size = sizeof(color),
                                       .enum_values = color_values, .enum_count = 2};

static const awsc_member inner_members[] = {
    {M(inner, "name", "Name", name, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner, "n", "N", n, AWSC_T_INT), HAS(inner, has_n), NORAW},
};
static const awsc_shape inner_shape = {.name = "Inner", .type = AWSC_T_STRUCT, .size = sizeof(inner),
                                       .members = inner_members, .member_count = 2};

static const awsc_member inner_list_members[] = {{ELEM(AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &inner_shape}};
static const awsc_shape inner_list_shape = {.name = "InnerList", .type = AWSC_T_LIST, .size = sizeof(inner),
                                            .members = inner_list_members, .member_count = 1};

static const awsc_member inner_ptr_list_members[] = {{ELEM(AWSC_T_STRUCT), .shape = &inner_shape}};
static const awsc_shape inner_ptr_list_shape = {.name = "InnerPtrList", .type = AWSC_T_LIST,
                                                .size = sizeof(const inner *), .members = inner_ptr_list_members,
                                                .member_count = 1};

static const awsc_member str_list_members[] = {{ELEM(AWSC_T_STRING)}};
static const awsc_shape str_list_shape = {.name = "StrList", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                          .members = str_list_members, .member_count = 1};

static const awsc_member long_list_members[] = {{ELEM(AWSC_T_LONG)}};
static const awsc_shape long_list_shape = {.name = "LongList", .type = AWSC_T_LIST, .size = sizeof(int64_t),
                                           .members = long_list_members, .member_count = 1};

static const awsc_member str_map_members[] = {
    {M(str_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "value", value, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape str_map_shape = {.name = "StrMap", .type = AWSC_T_MAP, .size = sizeof(str_map_entry),
                                         .members = str_map_members, .member_count = 2};

static const awsc_member inner_map_members[] = {
    {M(inner_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner_map_entry, "value", "value", value, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_INLINE,
     .shape = &inner_shape},
};
static const awsc_shape inner_map_shape = {.name = "InnerMap", .type = AWSC_T_MAP, .size = sizeof(inner_map_entry),
                                           .members = inner_map_members, .member_count = 2};

static const awsc_member list_map_members[] = {
    {M(list_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(list_map_entry, "value", "value", value, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
};
static const awsc_shape list_map_shape = {.name = "ListMap", .type = AWSC_T_MAP, .size = sizeof(list_map_entry),
                                          .members = list_map_members, .member_count = 2};

static const awsc_member uni_members[] = {
    {M(uni, "s", "S", value.s, AWSC_T_STRING), NOHAS, NORAW},
    {M(uni, "i", "I", value.i, AWSC_T_INT), NOHAS, NORAW},
    {M(uni, "st", "St", value.st, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
};
static const awsc_shape uni_shape = {.name = "Uni", .type = AWSC_T_UNION, .size = sizeof(uni), .members = uni_members,
                                     .member_count = 3, .union_tag_offset = offsetof(uni, type)};

static const awsc_member uni_list_members[] = {{ELEM(AWSC_T_UNION), .flags = AWSC_F_INLINE, .shape = &uni_shape}};
static const awsc_shape uni_list_shape = {.name = "UniList", .type = AWSC_T_LIST, .size = sizeof(uni),
                                          .members = uni_list_members, .member_count = 1};

static const awsc_member all_members[] = {
    {M(all, "str", "Str", str, AWSC_T_STRING), NOHAS, NORAW},
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
    {M(all, "sparse", "sparse", sparse, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE, .shape = &str_list_shape},
    {M(all, "sparseInners", "sparseInners", sparse_inners, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE,
     .shape = &inner_ptr_list_shape},
    {M(all, "longs", "longs", longs, AWSC_T_LIST), NOHAS, NORAW, .shape = &long_list_shape},
    {M(all, "smap", "smap", smap, AWSC_T_MAP), NOHAS, NORAW, .shape = &str_map_shape},
    {M(all, "sparseMap", "sparseMap", sparse_map, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_SPARSE,
     .shape = &str_map_shape},
    {M(all, "imap", "imap", imap, AWSC_T_MAP), NOHAS, NORAW, .shape = &inner_map_shape},
    {M(all, "lmap", "lmap", lmap, AWSC_T_MAP), NOHAS, NORAW, .shape = &list_map_shape},
    {M(all, "u", "u", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &uni_shape},
    {M(all, "unions", "unions", unions, AWSC_T_LIST), NOHAS, NORAW, .shape = &uni_list_shape},
    {M(all, "plain", "plain", plain, AWSC_T_INT), NOHAS, NORAW},
    {M(all, "hdr", "X-Hdr", hdr, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
};
static const awsc_shape all_shape = {.name = "All", .type = AWSC_T_STRUCT, .size = sizeof(all),
                                     .members = all_members,
                                     .member_count = sizeof all_members / sizeof all_members[0]};

/* A recursive structure for the depth limits. */
typedef struct node node;
typedef struct node_list {
    node *items;
    size_t count;
} node_list;
struct node {
    const node *child;
    node_list kids;
    const char *doc;
};
static const awsc_shape node_shape;
static const awsc_member node_list_members[] = {{ELEM(AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &node_shape}};
static const awsc_shape node_list_shape = {.name = "NodeList", .type = AWSC_T_LIST, .size = sizeof(node),
                                           .members = node_list_members, .member_count = 1};
static const awsc_member node_members[] = {
    {M(node, "child", "child", child, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &node_shape},
    {M(node, "kids", "kids", kids, AWSC_T_LIST), NOHAS, NORAW, .shape = &node_list_shape},
    {M(node, "doc", "doc", doc, AWSC_T_DOCUMENT), NOHAS, NORAW},
};
static const awsc_shape node_shape = {.name = "Node", .type = AWSC_T_STRUCT, .size = sizeof(node),
                                      .members = node_members, .member_count = 3};

/* Model defaults: members that have one carry no has flag (see README "Absent vs zero"). */
typedef struct defaults {
    int32_t n;
    bool b;
    double d;
    int64_t l;
    const char *s;
    color c;
    const char *c_raw;
} defaults;
static const awsc_member defaults_members[] = {
    {M(defaults, "n", "n", n, AWSC_T_INT), NOHAS, NORAW, .default_json = "5"},
    {M(defaults, "b", "b", b, AWSC_T_BOOL), NOHAS, NORAW, .default_json = "true"},
    {M(defaults, "d", "d", d, AWSC_T_DOUBLE), NOHAS, NORAW, .default_json = "1.5"},
    {M(defaults, "l", "l", l, AWSC_T_LONG), NOHAS, NORAW, .default_json = "-7"},
    {M(defaults, "s", "s", s, AWSC_T_STRING), NOHAS, NORAW, .default_json = "\"dflt\""},
    {M(defaults, "c", "c", c, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(defaults, c_raw), .shape = &color_shape,
     .default_json = "\"GREEN\""},
};
static const awsc_shape defaults_shape = {.name = "Defaults", .type = AWSC_T_STRUCT, .size = sizeof(defaults),
                                          .members = defaults_members, .member_count = 6};

/* ---- helpers ------------------------------------------------------------ */

/* Parses from an exact-size heap copy (no NUL after it) so sanitizers catch over-reads. */
static int read_n(const awsc_shape *shape, void *obj, const char *text, size_t len, awsc_json_names names,
                  awsc_arena *a, awsc_error *err)
{
    char *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, text, len);
    int rc = awsc_json_read(shape, obj, copy, len, a, names, AWSC_E_RESPONSE, err);
    free(copy);
    return rc;
}

static int rd(const awsc_shape *shape, void *obj, const char *text, awsc_arena *a, awsc_error *err)
{
    return read_n(shape, obj, text, strlen(text), AWSC_JSON_WIRE, a, err);
}

/* Reads `text` into a fresh `all`, asserting success. */
static all read_all(const char *text, awsc_arena *a)
{
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = rd(&all_shape, &v, text, a, &err);
    cr_assert_eq(rc, AWSC_OK, "reading %s failed: %s", text, err.message ? err.message : "?");
    awsc_error_clear(&err);
    return v;
}

/* Expects reading `text` into `all` to fail with AWSC_E_RESPONSE and a message. */
static void read_all_bad(const char *text, size_t len)
{
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = read_n(&all_shape, &v, text, len, AWSC_JSON_WIRE, a, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE, "should reject: %.*s (rc %d)", (int)len, text, rc);
    cr_assert_eq(err.status, AWSC_E_RESPONSE);
    cr_assert_not_null(err.message);
    cr_assert(strstr(err.message, "byte") != NULL, "message names the offset: %s", err.message);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

/* Writes `v` and returns the heap text (caller frees), asserting success. */
static char *write_ok(const awsc_shape *shape, const void *v, awsc_json_names names, bool top)
{
    awsc_buf b = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_json_write(&b, shape, v, names, top, &err);
    cr_assert_eq(rc, AWSC_OK, "write failed: %s", err.message ? err.message : "?");
    cr_assert_eq(strlen(b.data), b.len);
    awsc_error_clear(&err);
    return awsc_buf_take(&b);
}

static int write_status(const awsc_shape *shape, const void *v, awsc_error *err)
{
    awsc_buf b = AWSC_BUF_INIT;
    int rc = awsc_json_write(&b, shape, v, AWSC_JSON_WIRE, true, err);
    awsc_buf_free(&b);
    return rc;
}

/* ---- scalars ------------------------------------------------------------ */

Test(json_read, strings_and_escapes)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"Str\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00x\"}", a);
    cr_assert_str_eq(v.str, "a\"b\\c/d\b\f\n\r\t\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80x");
    v = read_all("{\"Str\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 raw\"}", a);
    cr_assert_str_eq(v.str, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 raw");
    v = read_all(" \t\r\n{ \"Str\" : \"\" } \n", a);
    cr_assert_not_null(v.str);
    cr_assert_str_eq(v.str, "");
    /* A long string crosses any internal buffer size. */
    size_t n = 100000;
    char *big = malloc(n + 20);
    strcpy(big, "{\"Str\":\"");
    memset(big + 8, 'z', n);
    strcpy(big + 8 + n, "\"}");
    v = read_all(big, a);
    cr_assert_eq(strlen(v.str), n);
    free(big);
    awsc_arena_destroy(a);
}

Test(json_read, enum_known_unknown_and_raw)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"col\":\"GREEN\"}", a);
    cr_assert_eq(v.col, COLOR_GREEN);
    cr_assert_str_eq(v.col_raw, "GREEN");
    v = read_all("{\"col\":\"PURPLE\"}", a);
    cr_assert_eq(v.col, COLOR_UNKNOWN);
    cr_assert_str_eq(v.col_raw, "PURPLE");
    v = read_all("{\"col\":\"red\"}", a);
    cr_assert_eq(v.col, COLOR_UNKNOWN, "enum values are case-sensitive");
    v = read_all("{\"col\":null}", a);
    cr_assert_eq(v.col, COLOR_NOT_SET);
    read_all_bad("{\"col\":1}", 9);
    awsc_arena_destroy(a);
}

Test(json_read, bool_and_has_flags)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{}", a);
    cr_assert(!v.has_b && !v.has_i && !v.has_l && !v.has_d && !v.has_ts);
    v = read_all("{\"b\":false,\"i\":0}", a);
    cr_assert(v.has_b);
    cr_assert(!v.b);
    cr_assert(v.has_i);
    cr_assert_eq(v.i, 0);
    cr_assert(!v.has_l, "members not in the text stay absent");
    v = read_all("{\"b\":true}", a);
    cr_assert(v.has_b && v.b);
    v = read_all("{\"b\":null,\"i\":null}", a);
    cr_assert(!v.has_b, "null means absent");
    cr_assert(!v.has_i);
    const char *bad[] = {"{\"b\":1}", "{\"b\":\"true\"}", "{\"b\":tru}", "{\"b\":True}", "{\"b\":truex}",
                         "{\"b\":nul}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        read_all_bad(bad[i], strlen(bad[i]));
    awsc_arena_destroy(a);
}

Test(json_read, integer_ranges)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"by\":-128,\"sh\":32767,\"i\":-2147483648,\"ie\":2147483647,"
                     "\"l\":-9223372036854775808}",
                     a);
    cr_assert_eq(v.by, INT8_MIN);
    cr_assert_eq(v.sh, INT16_MAX);
    cr_assert_eq(v.i, INT32_MIN);
    cr_assert_eq(v.ie, INT32_MAX);
    cr_assert_eq(v.l, INT64_MIN);
    v = read_all("{\"by\":127,\"sh\":-32768,\"l\":9223372036854775807,\"plain\":-0}", a);
    cr_assert_eq(v.by, INT8_MAX);
    cr_assert_eq(v.sh, INT16_MIN);
    cr_assert_eq(v.l, INT64_MAX);
    cr_assert_eq(v.plain, 0);
    /* 2^53 + 1 is not a double: it must survive exactly. */
    v = read_all("{\"l\":9007199254740993}", a);
    cr_assert_eq(v.l, 9007199254740993LL);
    v = read_all("{\"l\":-9007199254740993}", a);
    cr_assert_eq(v.l, -9007199254740993LL);
    const char *bad[] = {
        "{\"by\":128}", "{\"by\":-129}", "{\"sh\":32768}", "{\"sh\":-32769}", "{\"i\":2147483648}",
        "{\"i\":-2147483649}", "{\"ie\":2147483648}", "{\"l\":9223372036854775808}", "{\"l\":-9223372036854775809}",
        "{\"l\":99999999999999999999999999999999999}", "{\"i\":1.0}", "{\"i\":1e2}", "{\"i\":1E2}", "{\"i\":\"1\"}",
        "{\"i\":01}", "{\"i\":-}", "{\"i\":+1}", "{\"i\":0x10}", "{\"i\":true}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        read_all_bad(bad[i], strlen(bad[i]));
    awsc_arena_destroy(a);
}

Test(json_read, floats_and_doubles)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"f\":1.5,\"d\":-2.5e-3}", a);
    cr_assert_float_eq(v.f, 1.5f, 0);
    cr_assert_eq(v.d, -2.5e-3);
    v = read_all("{\"f\":\"NaN\",\"d\":\"Infinity\"}", a);
    cr_assert(isnan(v.f));
    cr_assert(isinf(v.d) && v.d > 0);
    v = read_all("{\"f\":\"-Infinity\",\"d\":\"NaN\"}", a);
    cr_assert(isinf(v.f) && v.f < 0);
    cr_assert(isnan(v.d));
    v = read_all("{\"d\":0.1,\"f\":0.1}", a);
    cr_assert_eq(v.d, 0.1);
    cr_assert_eq(v.f, 0.1f);
    v = read_all("{\"d\":-0.0}", a);
    cr_assert(v.d == 0 && signbit(v.d));
    v = read_all("{\"d\":1E+2,\"f\":3e-2}", a);
    cr_assert_eq(v.d, 100.0);
    cr_assert_eq(v.f, 0.03f);
    v = read_all("{\"d\":5e-324}", a);
    cr_assert_eq(v.d, 5e-324);
    v = read_all("{\"d\":1.7976931348623157e308}", a);
    cr_assert_eq(v.d, DBL_MAX);
    /* A number longer than any small stack buffer keeps its value. */
    char big[400];
    strcpy(big, "{\"d\":0.");
    size_t p = strlen(big);
    memset(big + p, '0', 300);
    strcpy(big + p + 300, "25}");
    v = read_all(big, a);
    cr_assert_eq(v.d, 25e-302);
    const char *bad[] = {
        "{\"d\":\"nan\"}", "{\"d\":\"inf\"}", "{\"d\":\"1.5\"}", "{\"d\":NaN}", "{\"d\":Infinity}",
        "{\"d\":-Infinity}", "{\"d\":1.}", "{\"d\":.5}", "{\"d\":-}", "{\"d\":+1}", "{\"d\":1e}",
        "{\"d\":1e+}", "{\"d\":00.5}", "{\"d\":-01}", "{\"d\":1.5.5}", "{\"f\":true}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        read_all_bad(bad[i], strlen(bad[i]));
    awsc_arena_destroy(a);
}
