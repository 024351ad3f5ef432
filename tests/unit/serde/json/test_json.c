/*
 * The descriptor-driven JSON reader and writer, exercised through hand-written
 * structures and descriptor tables (not a generated service), so that every
 * awsc_type and flag is covered on its own.
 */
#include <criterion/criterion.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/json/json.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    {M(defaults, "n", "n", n, AWSC_T_INT), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "5"}},
    {M(defaults, "b", "b", b, AWSC_T_BOOL), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "true"}},
    {M(defaults, "d", "d", d, AWSC_T_DOUBLE), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "1.5"}},
    {M(defaults, "l", "l", l, AWSC_T_LONG), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "-7"}},
    {M(defaults, "s", "s", s, AWSC_T_STRING), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "\"dflt\""}},
    {M(defaults, "c", "c", c, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(defaults, c_raw), .shape = &color_shape,
     .ext = &(const awsc_member_ext){.default_json = "\"GREEN\""}},
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

/* Escaped strings are decoded into the arena's free tail when they fit (sixteen bytes a store), else in two passes: every
 * length around the block's edge, in a fresh arena and in one already partly used, reads the same. */
Test(json_read, escaped_strings_at_every_length_around_the_arena_block)
{
    for (size_t run = 3; run <= 43; run += 40) /* escapes every few bytes, or between long plain runs */
    for (size_t used = 0; used <= 600; used += 300) {
        for (size_t k = 0; k < 2600; k += 7) {
            awsc_arena *a = awsc_arena_create();
            cr_assert_not_null(awsc_arena_alloc(a, used));
            char *doc = malloc(2 * k + 64), *want = malloc(k + 8);
            size_t d = 0, w = 0;
            d += (size_t)sprintf(doc, "{\"Str\":\"");
            for (size_t i = 0; i < k; i++) {
                if (i % run == 0) {
                    memcpy(doc + d, "\\\"", 2);
                    d += 2;
                    want[w++] = '"';
                } else if (i % run == 1) {
                    memcpy(doc + d, "\\n", 2);
                    d += 2;
                    want[w++] = '\n';
                } else {
                    doc[d++] = 'a';
                    want[w++] = 'a';
                }
            }
            memcpy(doc + d, "\\u20ac\"}", 9);
            memcpy(want + w, "\xE2\x82\xAC", 4);
            want[w + 3] = '\0';
            all v = read_all(doc, a);
            cr_assert_str_eq(v.str, want, "length %zu after %zu bytes", k, used);
            free(doc);
            free(want);
            awsc_arena_destroy(a);
        }
    }
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
    /* Either side of the one-pass reader's 18 digits, with blanks around. */
    v = read_all("{\"l\": 999999999999999999 ,\"i\":\t7}", a);
    cr_assert_eq(v.l, 999999999999999999LL);
    cr_assert_eq(v.i, 7);
    v = read_all("{\"l\":-1234567890123456789}", a);
    cr_assert_eq(v.l, -1234567890123456789LL);
    const char *bad[] = {
        "{\"i\":12.5}", "{\"i\":12e1}", "{\"by\":1000}", "{\"i\":-0.5}",
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

Test(json_read, big_numbers_keep_their_text)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"bigi\":-123456789012345678901234567890,\"bigd\":1.50000000000000000000000001e-400}", a);
    cr_assert_str_eq(v.bigi, "-123456789012345678901234567890");
    cr_assert_str_eq(v.bigd, "1.50000000000000000000000001e-400");
    v = read_all("{\"bigi\":0,\"bigd\":-0.0}", a);
    cr_assert_str_eq(v.bigi, "0");
    cr_assert_str_eq(v.bigd, "-0.0");
    read_all_bad("{\"bigi\":\"12\"}", 13);
    read_all_bad("{\"bigd\":1.}", 11);
    read_all_bad("{\"bigi\":012}", 12);
    awsc_arena_destroy(a);
}

Test(json_read, blobs_are_base64)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"blob\":\"aGVsbG8=\"}", a);
    cr_assert_eq(v.blob.len, 5);
    cr_assert_eq(memcmp(v.blob.data, "hello", 5), 0);
    v = read_all("{\"blob\":\"AP8A\"}", a);
    cr_assert_eq(v.blob.len, 3);
    cr_assert_eq(v.blob.data[0], 0);
    cr_assert_eq(v.blob.data[1], 0xFF);
    cr_assert_eq(v.blob.data[2], 0);
    v = read_all("{\"blob\":\"\"}", a);
    cr_assert_not_null(v.blob.data, "an empty blob is present: data non-NULL");
    cr_assert_eq(v.blob.len, 0);
    v = read_all("{\"blob\":null}", a);
    cr_assert_null(v.blob.data);
    read_all_bad("{\"blob\":\"!!!!\"}", 15);
    read_all_bad("{\"blob\":\"a\"}", 12);
    read_all_bad("{\"blob\":5}", 10);
    awsc_arena_destroy(a);
}

Test(json_read, timestamps_in_every_format)
{
    awsc_arena *a = awsc_arena_create();
    /* Body default is epoch-seconds. */
    all v = read_all("{\"ts\":1576540098,\"tsEpoch\":1576540098.123}", a);
    cr_assert(v.has_ts);
    cr_assert_eq(v.ts.seconds, 1576540098);
    cr_assert_eq(v.ts.nanos, 0);
    cr_assert_eq(v.ts_epoch.seconds, 1576540098);
    cr_assert_eq(v.ts_epoch.nanos, 123000000);
    v = read_all("{\"tsEpoch\":-1.5}", a);
    cr_assert_eq(v.ts_epoch.seconds, -2);
    cr_assert_eq(v.ts_epoch.nanos, 500000000);
    v = read_all("{\"tsDt\":\"2019-12-16T23:48:18.5Z\",\"tsHttp\":\"Mon, 16 Dec 2019 23:48:18 GMT\"}", a);
    cr_assert_eq(v.ts_dt.seconds, 1576540098);
    cr_assert_eq(v.ts_dt.nanos, 500000000);
    cr_assert_eq(v.ts_http.seconds, 1576540098);
    /* A string in a default-format member is read leniently (date-time or http-date). */
    v = read_all("{\"ts\":\"2019-12-16T23:48:18Z\"}", a);
    cr_assert_eq(v.ts.seconds, 1576540098);
    v = read_all("{\"ts\":\"Mon, 16 Dec 2019 23:48:18 GMT\"}", a);
    cr_assert_eq(v.ts.seconds, 1576540098);
    read_all_bad("{\"tsDt\":\"yesterday\"}", 20);
    read_all_bad("{\"tsHttp\":\"2019-12-16T23:48:18Z\"}", 33);
    read_all_bad("{\"ts\":true}", 11);
    awsc_arena_destroy(a);
}

/* JSON allows exponents; a service written in Java may send 1.5E9 for an epoch time. */
Test(json_read, epoch_timestamp_with_exponent)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"ts\":1.576540098E9}", a);
    cr_assert_eq(v.ts.seconds, 1576540098);
    cr_assert_eq(v.ts.nanos, 0);
    awsc_arena_destroy(a);
}

Test(json_read, documents_keep_raw_json)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"doc\": {\"a\" : [1, 2.5e3, {\"b\":null}], \"s\":\"\\u00e9\\\"\"} }", a);
    cr_assert_str_eq(v.doc, "{\"a\" : [1, 2.5e3, {\"b\":null}], \"s\":\"\\u00e9\\\"\"}");
    v = read_all("{\"doc\":\"text\"}", a);
    cr_assert_str_eq(v.doc, "\"text\"");
    v = read_all("{\"doc\":-12}", a);
    cr_assert_str_eq(v.doc, "-12");
    v = read_all("{\"doc\":false}", a);
    cr_assert_str_eq(v.doc, "false");
    v = read_all("{\"doc\":[]}", a);
    cr_assert_str_eq(v.doc, "[]");
    v = read_all("{\"doc\":null}", a);
    cr_assert_null(v.doc);
    read_all_bad("{\"doc\":{\"a\":}}", 14);
    read_all_bad("{\"doc\":[1,]}", 12);
    read_all_bad("{\"doc\":{1:2}}", 13);
    awsc_arena_destroy(a);
}

/* ---- aggregates --------------------------------------------------------- */

Test(json_read, nested_struct_and_inline_struct_list)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"nested\":{\"Name\":\"x\",\"N\":3},\"inners\":[{\"Name\":\"a\"},{\"N\":-1},{}]}", a);
    cr_assert_not_null(v.nested);
    cr_assert_str_eq(v.nested->name, "x");
    cr_assert(v.nested->has_n);
    cr_assert_eq(v.nested->n, 3);
    cr_assert_eq(v.inners.count, 3);
    cr_assert_str_eq(v.inners.items[0].name, "a");
    cr_assert(!v.inners.items[0].has_n);
    cr_assert_null(v.inners.items[1].name);
    cr_assert(v.inners.items[1].has_n);
    cr_assert_eq(v.inners.items[1].n, -1);
    cr_assert_null(v.inners.items[2].name);
    cr_assert(!v.inners.items[2].has_n);
    v = read_all("{\"nested\":{}}", a);
    cr_assert_not_null(v.nested, "an empty object is a present structure");
    v = read_all("{\"nested\":null}", a);
    cr_assert_null(v.nested);
    read_all_bad("{\"nested\":[]}", 13);
    read_all_bad("{\"nested\":\"x\"}", 14);
    awsc_arena_destroy(a);
}

Test(json_read, dense_lists_drop_null_sparse_lists_keep_it)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"dense\":[\"a\",null,\"b\",null],\"sparse\":[\"a\",null,\"b\",null],"
                     "\"sparseInners\":[null,{\"N\":2}],\"inners\":[null,{\"N\":4},null]}",
                     a);
    cr_assert_eq(v.dense.count, 2);
    cr_assert_str_eq(v.dense.items[0], "a");
    cr_assert_str_eq(v.dense.items[1], "b");
    cr_assert_eq(v.sparse.count, 4);
    cr_assert_str_eq(v.sparse.items[0], "a");
    cr_assert_null(v.sparse.items[1]);
    cr_assert_str_eq(v.sparse.items[2], "b");
    cr_assert_null(v.sparse.items[3]);
    cr_assert_eq(v.sparse_inners.count, 2);
    cr_assert_null(v.sparse_inners.items[0]);
    cr_assert_eq(v.sparse_inners.items[1]->n, 2);
    cr_assert_eq(v.inners.count, 1);
    cr_assert_eq(v.inners.items[0].n, 4);
    v = read_all("{\"dense\":[],\"longs\":[null]}", a);
    cr_assert_not_null(v.dense.items, "an empty list is present");
    cr_assert_eq(v.dense.count, 0);
    cr_assert_not_null(v.longs.items);
    cr_assert_eq(v.longs.count, 0);
    v = read_all("{\"dense\":null}", a);
    cr_assert_null(v.dense.items);
    /* Many elements force the temporary array to grow. */
    awsc_buf b = AWSC_BUF_INIT;
    awsc_buf_puts(&b, "{\"longs\":[");
    for (int i = 0; i < 5000; i++)
        awsc_buf_printf(&b, "%s%d", i ? "," : "", i * 3 - 7);
    awsc_buf_puts(&b, "]}");
    v = read_all(b.data, a);
    cr_assert_eq(v.longs.count, 5000);
    for (int i = 0; i < 5000; i++)
        cr_assert_eq(v.longs.items[i], i * 3 - 7);
    awsc_buf_free(&b);
    read_all_bad("{\"dense\":[\"a\",1]}", 17);
    read_all_bad("{\"dense\":{}}", 12);
    read_all_bad("{\"dense\":[\"a\"", 13);
    awsc_arena_destroy(a);
}

Test(json_read, maps)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"smap\":{\"k1\":\"v1\",\"k2\":null,\"\":\"empty key\"},\"sparseMap\":{\"x\":null,\"y\":\"Y\"},"
                     "\"imap\":{\"a\":{\"N\":1},\"b\":{\"Name\":\"bee\"}},"
                     "\"lmap\":{\"l\":[\"p\",\"q\"],\"e\":[]}}",
                     a);
    cr_assert_eq(v.smap.count, 2);
    cr_assert_str_eq(v.smap.entries[0].key, "k1");
    cr_assert_str_eq(v.smap.entries[0].value, "v1");
    cr_assert_str_eq(v.smap.entries[1].key, "");
    cr_assert_str_eq(v.smap.entries[1].value, "empty key");
    cr_assert_eq(v.sparse_map.count, 2);
    cr_assert_str_eq(v.sparse_map.entries[0].key, "x");
    cr_assert_null(v.sparse_map.entries[0].value);
    cr_assert_str_eq(v.sparse_map.entries[1].value, "Y");
    cr_assert_eq(v.imap.count, 2);
    cr_assert_str_eq(v.imap.entries[0].key, "a");
    cr_assert(v.imap.entries[0].value.has_n);
    cr_assert_eq(v.imap.entries[0].value.n, 1);
    cr_assert_str_eq(v.imap.entries[1].value.name, "bee");
    cr_assert_eq(v.lmap.count, 2);
    cr_assert_eq(v.lmap.entries[0].value.count, 2);
    cr_assert_str_eq(v.lmap.entries[0].value.items[1], "q");
    cr_assert_not_null(v.lmap.entries[1].value.items);
    cr_assert_eq(v.lmap.entries[1].value.count, 0);
    v = read_all("{\"smap\":{}}", a);
    cr_assert_not_null(v.smap.entries);
    cr_assert_eq(v.smap.count, 0);
    read_all_bad("{\"smap\":{\"a\":1}}", 16);
    read_all_bad("{\"smap\":{a:\"1\"}}", 16);
    read_all_bad("{\"smap\":[]}", 11);
    read_all_bad("{\"smap\":{\"a\" \"b\"}}", 18);
    awsc_arena_destroy(a);
}

Test(json_read, unions)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"u\":{\"S\":\"hi\"}}", a);
    cr_assert_not_null(v.u);
    cr_assert_eq(v.u->type, 1);
    cr_assert_str_eq(v.u->value.s, "hi");
    v = read_all("{\"u\":{\"I\":7}}", a);
    cr_assert_eq(v.u->type, 2);
    cr_assert_eq(v.u->value.i, 7);
    v = read_all("{\"u\":{\"St\":{\"N\":9}}}", a);
    cr_assert_eq(v.u->type, 3);
    cr_assert_eq(v.u->value.st->n, 9);
    /* A variant this SDK does not know (with any value) is tag -1. */
    v = read_all("{\"u\":{\"Future\":{\"deep\":[1,{\"x\":2}]}}}", a);
    cr_assert_eq(v.u->type, -1);
    /* Null members and __type are not variants. */
    v = read_all("{\"u\":{\"S\":null,\"__type\":\"ns#Uni\",\"I\":1}}", a);
    cr_assert_eq(v.u->type, 2);
    cr_assert_eq(v.u->value.i, 1);
    v = read_all("{\"unions\":[{\"S\":\"a\"},{\"I\":2},{\"Zzz\":0}]}", a);
    cr_assert_eq(v.unions.count, 3);
    cr_assert_eq(v.unions.items[0].type, 1);
    cr_assert_str_eq(v.unions.items[0].value.s, "a");
    cr_assert_eq(v.unions.items[1].type, 2);
    cr_assert_eq(v.unions.items[2].type, -1);
    read_all_bad("{\"u\":{\"S\":\"a\",\"I\":1}}", 21);
    read_all_bad("{\"u\":{\"S\":\"a\",\"Unknown\":1}}", 27);
    read_all_bad("{\"u\":{\"S\":1}}", 13);
    read_all_bad("{\"u\":[]}", 8);
    awsc_arena_destroy(a);
}

Test(json_read, model_defaults_apply_to_pointers_when_absent)
{
    awsc_arena *a = awsc_arena_create();
    defaults d;
    memset(&d, 0, sizeof d);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(rd(&defaults_shape, &d, "{}", a, &err), AWSC_OK);
    cr_assert_str_eq(d.s, "dflt");
    cr_assert_eq(d.c, COLOR_GREEN);
    memset(&d, 0, sizeof d);
    cr_assert_eq(rd(&defaults_shape, &d, "{\"s\":\"given\",\"c\":\"RED\"}", a, &err), AWSC_OK);
    cr_assert_str_eq(d.s, "given");
    cr_assert_eq(d.c, COLOR_RED);
    awsc_arena_destroy(a);
}

/*
 * Scalars with a model default have no has flag, so "absent" cannot be told
 * from the flag: the reader must still fill the default when the key is missing.
 */
Test(json_read, model_defaults_apply_to_scalars_when_absent)
{
    awsc_arena *a = awsc_arena_create();
    defaults d;
    memset(&d, 0, sizeof d);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(rd(&defaults_shape, &d, "{}", a, &err), AWSC_OK);
    cr_expect_eq(d.n, 5, "int default: got %d", d.n);
    cr_expect(d.b, "bool default true not applied");
    cr_expect_eq(d.d, 1.5, "double default: got %g", d.d);
    cr_expect_eq(d.l, -7, "long default: got %" PRId64, d.l);
    /* Present values (even zero) win over defaults. */
    memset(&d, 0, sizeof d);
    cr_assert_eq(rd(&defaults_shape, &d, "{\"n\":0,\"b\":false,\"d\":0,\"l\":0}", a, &err), AWSC_OK);
    cr_assert_eq(d.n, 0);
    cr_assert(!d.b);
    cr_assert_eq(d.d, 0);
    cr_assert_eq(d.l, 0);
    awsc_arena_destroy(a);
}

Test(json_read, unknown_keys_ignored_at_any_depth)
{
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"zz\":{\"a\":[1,2,{\"b\":[true,false,null,\"s\\\"\"]}],\"c\":-1.5e-3},\"Str\":\"x\","
                     "\"nested\":{\"unknown\":[[[]]],\"N\":1,\"more\":{}},"
                     "\"inners\":[{\"q\":\"r\",\"Name\":\"n\"}],"
                     "\"imap\":{\"k\":{\"extra\":1,\"N\":2}},"
                     "\"u\":{\"I\":3},\"str\":\"model-name-is-not-the-wire-name\",\"tail\":null}",
                     a);
    cr_assert_str_eq(v.str, "x");
    cr_assert_eq(v.nested->n, 1);
    cr_assert_str_eq(v.inners.items[0].name, "n");
    cr_assert_eq(v.imap.entries[0].value.n, 2);
    cr_assert_eq(v.u->value.i, 3);
    /* Unknown keys must still be valid JSON. */
    read_all_bad("{\"zz\":[1,}", 10);
    read_all_bad("{\"zz\":\"\\x\"}", 11);
    read_all_bad("{\"zz\":tru}", 10);
    awsc_arena_destroy(a);
}

Test(json_read, wire_and_model_names)
{
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    /* Wire form at the top level: only body members, by jsonName. */
    const char *wire =
        "{\"Str\":\"w\",\"str\":\"m\",\"X-Hdr\":\"h\",\"hdr\":\"h2\",\"nested\":{\"Name\":\"n\",\"name\":\"x\"}}";
    cr_assert_eq(read_n(&all_shape, &v, wire, strlen(wire), AWSC_JSON_WIRE, a, &err), AWSC_OK);
    cr_assert_str_eq(v.str, "w");
    cr_assert_null(v.hdr, "header-bound members are not read from the body");
    cr_assert_str_eq(v.nested->name, "n");
    memset(&v, 0, sizeof v);
    cr_assert_eq(read_n(&all_shape, &v, wire, strlen(wire), AWSC_JSON_MODEL, a, &err), AWSC_OK);
    cr_assert_str_eq(v.str, "m");
    cr_assert_str_eq(v.hdr, "h2", "the model form covers every member");
    cr_assert_str_eq(v.nested->name, "x");
    /* Union variants by model name too. */
    memset(&v, 0, sizeof v);
    const char *un = "{\"u\":{\"i\":4}}";
    cr_assert_eq(read_n(&all_shape, &v, un, strlen(un), AWSC_JSON_MODEL, a, &err), AWSC_OK);
    cr_assert_eq(v.u->type, 2);
    awsc_arena_destroy(a);
}

Test(json_read, layered_reads_keep_earlier_values)
{
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    v.hdr = "from a header";
    v.i = 9;
    v.has_i = true;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(rd(&all_shape, &v, "{\"Str\":\"s\"}", a, &err), AWSC_OK);
    cr_assert_str_eq(v.hdr, "from a header");
    cr_assert(v.has_i);
    cr_assert_eq(v.i, 9);
    awsc_arena_destroy(a);
}

Test(json_read, read_member_for_payloads)
{
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_member *nested = NULL, *dense = NULL;
    for (size_t i = 0; i < all_shape.member_count; i++) {
        if (strcmp(all_members[i].name, "nested") == 0)
            nested = &all_members[i];
        if (strcmp(all_members[i].name, "dense") == 0)
            dense = &all_members[i];
    }
    cr_assert_eq(awsc_json_read_member(nested, &v, "{\"N\":5}", 7, a, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &err),
                 AWSC_OK);
    cr_assert_eq(v.nested->n, 5);
    cr_assert_eq(awsc_json_read_member(dense, &v, " [\"a\"] ", 7, a, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &err), AWSC_OK);
    cr_assert_eq(v.dense.count, 1);
    int rc = awsc_json_read_member(nested, &v, "{\"N\":5} x", 9, a, AWSC_JSON_WIRE, AWSC_E_VALIDATION, &err);
    cr_assert_eq(rc, AWSC_E_VALIDATION, "the caller's status is used");
    cr_assert(strstr(err.message, "nested") != NULL, "message names the member: %s", err.message);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

Test(json_read, error_names_offset_and_member)
{
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = rd(&all_shape, &v, "{\"Str\":\"ok\",\"i\":\"x\"}", a, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE);
    cr_assert(strstr(err.message, "byte 16") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "member i") != NULL, "%s", err.message);
    awsc_error_clear(&err);
    /* NULL err goes to the thread's last error. */
    rc = awsc_json_read(&all_shape, &v, "{", 1, a, AWSC_JSON_WIRE, AWSC_E_RESPONSE, NULL);
    cr_assert_eq(rc, AWSC_E_RESPONSE);
    cr_assert_eq(awsc_last_error()->status, AWSC_E_RESPONSE);
    awsc_arena_destroy(a);
}

/* ---- depth limits ------------------------------------------------------- */

/* prefix + open x depth + mid + close x depth + suffix */
static char *nest_mid(const char *prefix, const char *open, const char *mid, const char *close, const char *suffix,
                      int depth)
{
    size_t ol = strlen(open), cl = strlen(close);
    size_t n = strlen(prefix) + (ol + cl) * (size_t)depth + strlen(mid) + strlen(suffix) + 1;
    char *s = malloc(n), *p = s;
    p += sprintf(p, "%s", prefix);
    for (int i = 0; i < depth; i++, p += ol)
        memcpy(p, open, ol);
    p += sprintf(p, "%s", mid);
    for (int i = 0; i < depth; i++, p += cl)
        memcpy(p, close, cl);
    strcpy(p, suffix);
    return s;
}

static char *nest(const char *prefix, const char *open, const char *close, const char *suffix, int depth)
{
    return nest_mid(prefix, open, "", close, suffix, depth);
}

static int read_node(const char *text, size_t len)
{
    awsc_arena *a = awsc_arena_create();
    node v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = read_n(&node_shape, &v, text, len, AWSC_JSON_WIRE, a, &err);
    if (rc)
        cr_assert_not_null(err.message);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
    return rc;
}

Test(json_depth, limit_is_exact_for_documents_structs_and_lists)
{
    /* The top-level object is level 1. */
    int ok = AWSC_JSON_MAX_DEPTH - 1, over = AWSC_JSON_MAX_DEPTH;
    char *s = nest("{\"doc\":", "[", "]", "}", ok);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_OK, "depth %d should be accepted", ok + 1);
    free(s);
    s = nest("{\"doc\":", "[", "]", "}", over);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE);
    free(s);
    s = nest_mid("", "{\"child\":", "{}", "}", "", ok);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_OK);
    free(s);
    s = nest_mid("", "{\"child\":", "{}", "}", "", over);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE);
    free(s);
    s = nest_mid("{\"unknown\":", "{\"a\":", "1", "}", "}", ok);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_OK);
    free(s);
    s = nest_mid("{\"unknown\":", "{\"a\":", "1", "}", "}", over);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE, "skipped objects count too");
    free(s);
    /* A list level and a structure level each count: 1 + 2 x 31 + 1 = 64. */
    s = nest_mid("", "{\"kids\":[", "{}", "]}", "", ok / 2);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_OK);
    free(s);
    s = nest_mid("", "{\"kids\":[", "{}", "]}", "", ok / 2 + 1);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE);
    free(s);
}

Test(json_depth, huge_nesting_fails_cleanly_everywhere)
{
    const int deep = 100000;
    const char *prefixes[] = {"{\"doc\":", "{\"unknown\":", "{\"kids\":"};
    for (size_t i = 0; i < 3; i++) {
        char *s = nest(prefixes[i], "[", "]", "}", deep);
        cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE, "%s", prefixes[i]);
        /* Unclosed as well. */
        cr_assert_eq(read_node(s, strlen(prefixes[i]) + (size_t)deep), AWSC_E_RESPONSE);
        free(s);
    }
    char *s = nest_mid("", "{\"child\":", "{}", "}", "", deep);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE);
    free(s);
    s = nest_mid("", "{\"kids\":[", "{}", "]}", "", deep);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE);
    free(s);
    s = nest_mid("{\"doc\":", "{\"a\":", "1", "}", "}", deep);
    cr_assert_eq(read_node(s, strlen(s)), AWSC_E_RESPONSE);
    free(s);
    s = nest("", "[", "]", "", deep);
    cr_assert(!awsc_json_valid(s, strlen(s)));
    free(s);
    s = nest("", "[", "]", "", AWSC_JSON_MAX_DEPTH);
    cr_assert(awsc_json_valid(s, strlen(s)));
    free(s);
    /* Unions and maps count too. */
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    s = nest("{\"u\":{\"St\":{\"Name\":\"x\",\"q\":", "[", "]", "}}}", deep);
    cr_assert_eq(read_n(&all_shape, &v, s, strlen(s), AWSC_JSON_WIRE, a, &err), AWSC_E_RESPONSE);
    free(s);
    s = nest("{\"imap\":{\"k\":{\"zz\":", "[", "]", "}}}", deep);
    cr_assert_eq(read_n(&all_shape, &v, s, strlen(s), AWSC_JSON_WIRE, a, &err), AWSC_E_RESPONSE);
    free(s);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

/* A chain of `n` nodes linked by `child` (n >= 1), in `a`. */
static node *chain(awsc_arena *a, int n)
{
    node *nodes = awsc_arena_alloc(a, sizeof(node) * (size_t)n);
    for (int i = 0; i + 1 < n; i++)
        nodes[i].child = &nodes[i + 1];
    return nodes;
}

Test(json_depth, writer_limit_and_huge_structures)
{
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    node *ok = chain(a, AWSC_JSON_MAX_DEPTH);
    char *text = write_ok(&node_shape, ok, AWSC_JSON_WIRE, true);
    /* What the writer accepts, the reader reads back. */
    cr_assert_eq(read_node(text, strlen(text)), AWSC_OK);
    free(text);
    node *over = chain(a, AWSC_JSON_MAX_DEPTH + 1);
    cr_assert_eq(write_status(&node_shape, over, &err), AWSC_E_VALIDATION);
    cr_assert(strstr(err.message, "nesting") != NULL, "%s", err.message);
    node *huge = chain(a, 100000);
    cr_assert_eq(write_status(&node_shape, huge, &err), AWSC_E_VALIDATION);
    /* A self-referencing structure (a cycle) fails instead of recursing forever. */
    node *loop = awsc_arena_alloc(a, sizeof(node));
    loop->child = loop;
    cr_assert_eq(write_status(&node_shape, loop, &err), AWSC_E_VALIDATION);
    /* A document that is too deep is not valid JSON to the writer. */
    node d;
    memset(&d, 0, sizeof d);
    char *deep = nest("", "[", "]", "", 100000);
    d.doc = deep;
    cr_assert_eq(write_status(&node_shape, &d, &err), AWSC_E_VALIDATION);
    free(deep);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

/* ---- malformed input ---------------------------------------------------- */

/* JSON values that are not objects: valid JSON, but not a structure. */
static const char *const not_objects[] = {"[]", "null", "1", "\"s\"", "true", " [ {} ] "};

/* Whole documents that are not JSON at all. */
static const char *const bad_documents[] = {
    "", " ", "{", "}", "{\"Str\":\"a\"", "{\"Str\" \"a\"}", "{\"Str\":\"a\",}", "{,}",
    "{\"Str\":\"a\"}}", "{\"Str\":\"a\"} x", "{}{}", "{} {", "{'Str':'a'}", "{Str:\"a\"}", "{\"Str\":}",
    "{\"Str\"}", "{\"Str\":\"a\" \"i\":1}", "{/*c*/}", "{\"i\":1,,\"b\":true}", "{\"Str\":\"a\";}",
    "\xEF\xBB\xBF{}" /* a BOM is not JSON */,
};

/* Values that are malformed in any position (string, number, unknown key, document). */
static const char *const bad_values[] = {
    /* strings */
    "\"abc", "\"\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\ud800\"", "\"\\ud800x\"",
    "\"\\ud800\\u0041\"", "\"\\udc00\"", "\"\\udfff\\ud800\"", "\"\\ud800\\ud800\"", "\"\\ud83d\\u\"", "\"\\",
    "\"\\u", "\"\\ud800\\", "\"\x01\"", "\"\x1f\"", "\"a\tb\"", "\"a\nb\"", "\"\xC3\"", "\"\xC3\x28\"",
    "\"\xE2\x82\"", "\"\xF0\x9F\x98\"", "\"\xC0\x80\"", "\"\xC1\xBF\"", "\"\xE0\x80\x80\"", "\"\xED\xA0\x80\"",
    "\"\xED\xBF\xBF\"", "\"\xF4\x90\x80\x80\"", "\"\xF8\x88\x80\x80\x80\"", "\"\xFF\"", "\"\x80\"",
    "\"\xC3\xA9\xA9\"",
    /* numbers */
    "1.", ".5", "-", "+1", "01", "-01", "00", "1e", "1e+", "1e-", "--1", "0x1", "1.e5", "-.5", "Infinity", "NaN",
    "-Infinity", "1_000", "١",
    /* literals and containers */
    "tru", "nul", "fals", "TRUE", "nulll", "[1,]", "[,1]", "[1 2]", "{\"a\"}", "{\"a\":1,}", "{1:2}", "[",
    "{", "]", "}", "\xFF",
};

/* `fmt` holds one %s for the value. */
static void check_bad_fmt(const char *fmt, const char *value)
{
    char *doc = malloc(strlen(fmt) + strlen(value) + 1);
    sprintf(doc, fmt, value);
    awsc_arena *a = awsc_arena_create();
    all v;
    memset(&v, 0, sizeof v);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = read_n(&all_shape, &v, doc, strlen(doc), AWSC_JSON_WIRE, a, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE, "accepted %s", doc);
    cr_assert_not_null(err.message);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
    free(doc);
}

static void check_bad_value(const char *key, const char *value)
{
    char fmt[64];
    snprintf(fmt, sizeof fmt, "{\"%s\":%%s}", key);
    check_bad_fmt(fmt, value);
}

Test(json_malformed, documents_are_refused)
{
    for (size_t i = 0; i < sizeof bad_documents / sizeof bad_documents[0]; i++) {
        read_all_bad(bad_documents[i], strlen(bad_documents[i]));
        cr_assert(!awsc_json_valid(bad_documents[i], strlen(bad_documents[i])), "valid: %s", bad_documents[i]);
    }
    for (size_t i = 0; i < sizeof not_objects / sizeof not_objects[0]; i++) {
        cr_assert(awsc_json_valid(not_objects[i], strlen(not_objects[i])), "%s", not_objects[i]);
        read_all_bad(not_objects[i], strlen(not_objects[i]));
    }
}

Test(json_malformed, values_are_refused_in_every_position)
{
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        const char *val = bad_values[i];
        cr_assert(!awsc_json_valid(val, strlen(val)), "valid: %s", val);
        check_bad_value("zz", val);  /* skipped unknown member */
        check_bad_value("doc", val); /* document */
        if (val[0] == '"' || val[0] == '\\') {
            check_bad_value("Str", val);
            check_bad_value("col", val);
            check_bad_value("blob", val);
            check_bad_fmt("{\"dense\":[%s]}", val);
            check_bad_fmt("{\"smap\":{\"k\":%s}}", val);
            check_bad_fmt("{%s:1}", val); /* as a key */
        } else {
            check_bad_value("d", val);
            check_bad_value("l", val);
            check_bad_value("bigd", val);
        }
    }
}

Test(json_malformed, nul_bytes_and_u0000)
{
    /* \u0000 cannot live in a C string: refused rather than cut short. */
    read_all_bad("{\"Str\":\"a\\u0000b\"}", 18);
    read_all_bad("{\"a\\u0000\":1}", 13);
    check_bad_fmt("{\"dense\":[%s]}", "\"\\u0000\"");
    check_bad_fmt("{\"zz\":%s}", "\"\\u0000\"");
    /* A raw NUL byte, inside and outside strings (length-delimited input). */
    read_all_bad("{\"Str\":\"a\0b\"}", 13);
    read_all_bad("{\"Str\":\"ab\"}\0", 13);
    read_all_bad("{\0\"Str\":\"ab\"}", 13);
    cr_assert(!awsc_json_valid("\"a\0\"", 4));
    cr_assert(!awsc_json_valid("1\0", 2));
    /* \u0001 is fine. */
    awsc_arena *a = awsc_arena_create();
    all v = read_all("{\"Str\":\"a\\u0001\"}", a);
    cr_assert_str_eq(v.str, "a\x01");
    awsc_arena_destroy(a);
}

Test(json_malformed, valid_edge_values_are_accepted)
{
    const char *good[] = {"0", "-0", "1e5", "1E-5", "-1.5e+10", "0.0", "\"\"", "\"\\u0041\\u00e9\\uD83D\\uDE00\"",
                          "[]", "{}", " [ 1 , [ ] , { } ] ", "true", "false", "null", "\"\\/\"",
                          "\"\xF4\x8F\xBF\xBF\"", "\"\xEF\xBF\xBF\""};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_assert(awsc_json_valid(good[i], strlen(good[i])), "refused %s", good[i]);
}

/* A document touching every reader path, for truncation and mutation. */
static const char rich_doc[] =
    "{\"Str\":\"a\\\"\\u00e9\\ud83d\\ude00\xC3\xA9\",\"col\":\"GREEN\",\"b\":true,\"by\":-5,\"sh\":300,\"i\":-7,"
    "\"ie\":2,\"l\":-9223372036854775808,\"f\":1.5,\"d\":-2.5e-3,\"bigi\":123456789012345678901,"
    "\"bigd\":-1.5e+300,\"blob\":\"aGVsbG8=\",\"ts\":1576540098.5,\"tsDt\":\"2019-12-16T23:48:18Z\","
    "\"tsHttp\":\"Mon, 16 Dec 2019 23:48:18 GMT\",\"tsEpoch\":1,\"doc\":{\"x\":[1,\"y\",null,true]},"
    "\"nested\":{\"Name\":\"n\",\"N\":1},\"inners\":[{\"Name\":\"a\"},null,{\"N\":2}],\"dense\":[\"a\",null],"
    "\"sparse\":[null,\"b\"],\"sparseInners\":[null,{\"N\":3}],\"longs\":[1,-2,3],"
    "\"smap\":{\"k\":\"v\"},\"sparseMap\":{\"n\":null},\"imap\":{\"i\":{\"N\":4}},\"lmap\":{\"l\":[\"x\"]},"
    "\"u\":{\"St\":{\"Name\":\"s\"}},\"unions\":[{\"S\":\"a\"},{\"Q\":1}],\"plain\":42,\"zz\":[{\"q\":[]}],"
    "\"d\":NaN_PLACEHOLDER}";

static char *rich(size_t *len)
{
    /* The last member is replaced so the document stays valid JSON. */
    char *s = strdup(rich_doc);
    char *p = strstr(s, "NaN_PLACEHOLDER");
    memcpy(p, "\"NaN\"          ", 15);
    *len = strlen(s);
    return s;
}

Test(json_malformed, rich_document_reads)
{
    size_t len;
    char *doc = rich(&len);
    awsc_arena *a = awsc_arena_create();
    all v = read_all(doc, a);
    cr_assert(isnan(v.d));
    cr_assert_eq(v.u->type, 3);
    cr_assert_eq(v.unions.items[1].type, -1);
    cr_assert_eq(v.plain, 42);
    cr_assert_str_eq(v.bigi, "123456789012345678901");
    awsc_arena_destroy(a);
    free(doc);
}

Test(json_malformed, every_truncation_fails_cleanly)
{
    size_t len;
    char *doc = rich(&len);
    for (size_t n = 0; n < len; n++) {
        awsc_arena *a = awsc_arena_create();
        all v;
        memset(&v, 0, sizeof v);
        awsc_error err = AWSC_ERROR_INIT;
        /* No proper prefix of an object is complete: every one must fail. */
        int rc = read_n(&all_shape, &v, doc, n, AWSC_JSON_WIRE, a, &err);
        cr_assert_eq(rc, AWSC_E_RESPONSE, "prefix of %zu bytes: rc %d", n, rc);
        cr_assert_not_null(err.message);
        awsc_error_clear(&err);
        awsc_arena_destroy(a);
        char *copy = malloc(n ? n : 1);
        memcpy(copy, doc, n);
        cr_assert(!awsc_json_valid(copy, n), "prefix %zu is not one JSON value", n);
        free(copy);
    }
    free(doc);
}

Test(json_malformed, byte_mutations_never_crash)
{
    size_t len;
    char *doc = rich(&len);
    const char subst[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '\0', 'e', '-', (char)0xFF, (char)0xC3, ' '};
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof subst; k++) {
            char *m = malloc(len);
            memcpy(m, doc, len);
            m[i] = subst[k];
            awsc_arena *a = awsc_arena_create();
            all v;
            memset(&v, 0, sizeof v);
            awsc_error err = AWSC_ERROR_INIT;
            int rc = awsc_json_read(&all_shape, &v, m, len, a, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &err);
            cr_assert(rc == AWSC_OK || rc == AWSC_E_RESPONSE, "byte %zu -> 0x%02x: rc %d", i,
                      (unsigned char)subst[k], rc);
            if (rc)
                cr_assert_not_null(err.message);
            (void)awsc_json_valid(m, len);
            awsc_error_clear(&err);
            awsc_arena_destroy(a);
            free(m);
        }
    }
    free(doc);
}

/* ---- writer ------------------------------------------------------------- */

Test(json_write, every_type_exactly)
{
    awsc_arena *a = awsc_arena_create();
    static const inner nested = {"n", 1, true};
    static inner inners[] = {{"a", 0, false}, {NULL, 2, true}};
    static const char *dense[] = {"x", "y"};
    static const char *sparse[] = {NULL, "z"};
    static const inner *sparse_inners[] = {&nested, NULL};
    static int64_t longs[] = {INT64_MIN, INT64_MAX, 9007199254740993LL};
    static str_map_entry smap[] = {{"k", "v"}, {"k2", ""}};
    static str_map_entry sparse_map[] = {{"n", NULL}};
    static inner_map_entry imap[] = {{"i", {NULL, 4, true}}};
    static const char *lm_items[] = {"p"};
    static list_map_entry lmap[] = {{"l", {lm_items, 1}}, {"e", {lm_items, 0}}};
    static const uni u = {2, {.i = -3}};
    static uni unions[] = {{1, {.s = "s"}}, {3, {.st = &nested}}};
    static const uint8_t bytes[] = {'h', 'i', 0, 0xFF};
    all v = {
        .str = "s",
        .col = COLOR_GREEN,
        .b = false,
        .has_b = true,
        .by = -128,
        .has_by = true,
        .sh = 32767,
        .has_sh = true,
        .i = INT32_MIN,
        .has_i = true,
        .ie = 3,
        .has_ie = true,
        .l = INT64_MAX,
        .has_l = true,
        .f = 0.1f,
        .has_f = true,
        .d = 1e21,
        .has_d = true,
        .bigi = "-123456789012345678901234567890",
        .bigd = "1.5e-400",
        .blob = {bytes, 4},
        .ts = {1576540098, 123000000},
        .has_ts = true,
        .ts_dt = {1576540098, 0},
        .has_ts_dt = true,
        .ts_http = {1576540098, 0},
        .has_ts_http = true,
        .ts_epoch = {-2, 500000000},
        .has_ts_epoch = true,
        .doc = " {\"a\": [1, null]} ",
        .nested = &nested,
        .inners = {inners, 2},
        .dense = {dense, 2},
        .sparse = {sparse, 2},
        .sparse_inners = {sparse_inners, 2},
        .longs = {longs, 3},
        .smap = {smap, 2},
        .sparse_map = {sparse_map, 1},
        .imap = {imap, 1},
        .lmap = {lmap, 2},
        .u = &u,
        .unions = {unions, 2},
        .plain = 0,
        .hdr = "header only",
    };
    char *text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    const char *want =
        "{\"Str\":\"s\",\"col\":\"GREEN\",\"b\":false,\"by\":-128,\"sh\":32767,\"i\":-2147483648,\"ie\":3,"
        "\"l\":9223372036854775807,\"f\":0.1,\"d\":1e+21,\"bigi\":-123456789012345678901234567890,"
        "\"bigd\":1.5e-400,\"blob\":\"aGkA/w==\",\"ts\":1576540098.123,\"tsDt\":\"2019-12-16T23:48:18Z\","
        "\"tsHttp\":\"Mon, 16 Dec 2019 23:48:18 GMT\",\"tsEpoch\":-1.5,\"doc\": {\"a\": [1, null]} ,"
        "\"nested\":{\"Name\":\"n\",\"N\":1},\"inners\":[{\"Name\":\"a\"},{\"N\":2}],\"dense\":[\"x\",\"y\"],"
        "\"sparse\":[null,\"z\"],\"sparseInners\":[{\"Name\":\"n\",\"N\":1},null],"
        "\"longs\":[-9223372036854775808,9223372036854775807,9007199254740993],"
        "\"smap\":{\"k\":\"v\",\"k2\":\"\"},\"sparseMap\":{\"n\":null},\"imap\":{\"i\":{\"N\":4}},"
        "\"lmap\":{\"l\":[\"p\"],\"e\":[]},\"u\":{\"I\":-3},"
        "\"unions\":[{\"S\":\"s\"},{\"St\":{\"Name\":\"n\",\"N\":1}}],"
        "\"plain\":0}";
    cr_assert_str_eq(text, want);
    cr_assert(awsc_json_valid(text, strlen(text)));
    free(text);
    /* The model form: member names, and every member (the header-bound one too). */
    text = write_ok(&all_shape, &v, AWSC_JSON_MODEL, true);
    cr_assert(strstr(text, "{\"str\":\"s\",") == text, "%s", text);
    cr_assert(strstr(text, "\"nested\":{\"name\":\"n\",\"n\":1}") != NULL, "%s", text);
    cr_assert(strstr(text, "\"u\":{\"i\":-3}") != NULL, "%s", text);
    cr_assert(strstr(text, ",\"hdr\":\"header only\"}") != NULL, "%s", text);
    free(text);
    /* Not at the top level, bindings do not matter. */
    text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, false);
    cr_assert(strstr(text, "\"X-Hdr\":\"header only\"") != NULL, "%s", text);
    free(text);
    awsc_arena_destroy(a);
}

Test(json_write, absent_members_are_omitted)
{
    all v;
    memset(&v, 0, sizeof v);
    char *text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    /* Only the flagless scalar remains. */
    cr_assert_str_eq(text, "{\"plain\":0}");
    free(text);
    /* A list or map is absent when its pointer is NULL, whatever the count (validation reports that). */
    v.dense.count = 2;
    v.smap.count = 1;
    v.inners.count = 3;
    text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"plain\":0}");
    free(text);
    memset(&v, 0, sizeof v);
    static const char *none[1];
    v.dense.items = none; /* empty but present */
    v.smap.entries = (str_map_entry *)none;
    v.blob.data = (const uint8_t *)"";
    v.str = "";
    text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"Str\":\"\",\"blob\":\"\",\"dense\":[],\"smap\":{},\"plain\":0}");
    free(text);
}

Test(json_write, non_finite_numbers_are_strings)
{
    all v;
    memset(&v, 0, sizeof v);
    v.f = NAN;
    v.has_f = true;
    v.d = -INFINITY;
    v.has_d = true;
    char *text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"f\":\"NaN\",\"d\":\"-Infinity\",\"plain\":0}");
    free(text);
    v.f = INFINITY;
    v.d = -0.0;
    text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"f\":\"Infinity\",\"d\":0,\"plain\":0}");
    free(text);
}

Test(json_write, string_escaping)
{
    awsc_buf b = AWSC_BUF_INIT;
    const char in[] = "q\"b\\s/n\nr\rt\tb\bf\f\x01\x1f\x7f \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    cr_assert_eq(awsc_json_write_string(&b, in, sizeof in - 1), 0);
    /* Control characters may be written \u00XX in either hex case. */
    const char *want = "\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\x7f \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"";
    cr_assert(strcasecmp(b.data, want) == 0, "got %s", b.data);
    cr_assert(awsc_json_valid(b.data, b.len));
    awsc_buf_free(&b);
    /* Every byte below 0x20 is escaped, and reads back. */
    char all_ctl[32];
    for (int c = 1; c < 32; c++)
        all_ctl[c - 1] = (char)c;
    all_ctl[31] = '\0';
    cr_assert_eq(awsc_json_write_string(&b, all_ctl, 31), 0);
    for (size_t i = 0; i < b.len; i++)
        cr_assert_geq((unsigned char)b.data[i], 0x20, "raw control byte at %zu", i);
    awsc_buf_puts(&b, "}");
    char *doc = malloc(b.len + 8);
    sprintf(doc, "{\"Str\":%s", b.data);
    awsc_arena *a = awsc_arena_create();
    all v = read_all(doc, a);
    cr_assert_str_eq(v.str, all_ctl);
    awsc_arena_destroy(a);
    free(doc);
    awsc_buf_free(&b);
    /* Embedded NUL in a length-delimited string is written as \u0000. */
    cr_assert_eq(awsc_json_write_string(&b, "a\0b", 3), 0);
    cr_assert(strcasecmp(b.data, "\"a\\u0000b\"") == 0, "%s", b.data);
    awsc_buf_free(&b);
}

/* The plain ASCII prefix is copied as it is: every length to 40 with a byte that needs an escape,
 * a multi-byte character or an invalid byte at every place, into a buffer with and without room. */
Test(json_write, strings_around_the_plain_prefix)
{
    const char *special[] = {"\"", "\\", "\n", "\x01", "\x1f", "\xC3\xA9", "\x7f", " ", "~"};
    const char *escaped[] = {"\\\"", "\\\\", "\\n", "\\u0001", "\\u001f", "\xC3\xA9", "\x7f", " ", "~"};
    for (size_t len = 0; len <= 40; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (size_t k = 0; k < sizeof special / sizeof *special; k++) {
                char in[64], want[128];
                size_t sl = strlen(special[k]), n = 0, w = 0;
                want[w++] = '"';
                for (size_t i = 0; i < len; i++) {
                    if (i == at) {
                        memcpy(in + n, special[k], sl);
                        n += sl;
                        memcpy(want + w, escaped[k], strlen(escaped[k]));
                        w += strlen(escaped[k]);
                    } else {
                        in[n++] = (char)('a' + i % 26);
                        want[w++] = (char)('a' + i % 26);
                    }
                }
                want[w++] = '"';
                want[w] = '\0';
                for (int room = 0; room < 2; room++) {
                    awsc_buf b = AWSC_BUF_INIT;
                    if (room)
                        awsc_buf_reserve(&b, 256);
                    awsc_buf_puts(&b, "x");
                    cr_assert_eq(awsc_json_write_string(&b, in, n), 0);
                    cr_assert_str_eq(b.data + 1, want, "len %zu at %zu case %zu", len, at, k);
                    cr_assert_eq(b.len, w + 1);
                    awsc_buf_free(&b);
                }
                if (at < len && sl == 1) { /* the same place holding an invalid byte */
                    in[at] = '\xFF';
                    awsc_buf b = AWSC_BUF_INIT;
                    cr_assert_eq(awsc_json_write_string(&b, in, n), -1, "len %zu at %zu", len, at);
                    awsc_buf_free(&b);
                }
            }
        }
    }
}

Test(json_write, invalid_utf8_is_a_validation_error)
{
    const char *bad[] = {"\xC3", "a\xC3(", "\xE2\x82", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF",
                         "\x80", "ok\xF0\x9F\x98"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        awsc_buf b = AWSC_BUF_INIT;
        awsc_buf_puts(&b, "keep");
        cr_assert_eq(awsc_json_write_string(&b, bad[i], strlen(bad[i])), -1, "case %zu", i);
        cr_assert_str_eq(b.data, "keep", "nothing appended on error");
        awsc_buf_free(&b);

        awsc_error err = AWSC_ERROR_INIT;
        all v;
        memset(&v, 0, sizeof v);
        v.str = bad[i];
        cr_assert_eq(write_status(&all_shape, &v, &err), AWSC_E_VALIDATION, "case %zu", i);
        cr_assert(strstr(err.message, "str") != NULL, "names the member: %s", err.message);
        memset(&v, 0, sizeof v);
        const char *items[] = {"fine", bad[i]};
        v.dense.items = items;
        v.dense.count = 2;
        cr_assert_eq(write_status(&all_shape, &v, &err), AWSC_E_VALIDATION);
        memset(&v, 0, sizeof v);
        str_map_entry e = {bad[i], "v"};
        v.smap.entries = &e;
        v.smap.count = 1;
        cr_assert_eq(write_status(&all_shape, &v, &err), AWSC_E_VALIDATION, "map key");
        memset(&v, 0, sizeof v);
        inner in = {bad[i], 0, false};
        v.nested = &in;
        cr_assert_eq(write_status(&all_shape, &v, &err), AWSC_E_VALIDATION, "nested");
        memset(&v, 0, sizeof v);
        v.col = COLOR_UNKNOWN;
        v.col_raw = bad[i];
        cr_assert_eq(write_status(&all_shape, &v, &err), AWSC_E_VALIDATION, "enum raw value");
        awsc_error_clear(&err);
    }
}

Test(json_write, invalid_values_are_validation_errors)
{
    awsc_error err = AWSC_ERROR_INIT;
    all v;
#define EXPECT_INVALID(setup)                                                                                      \
    do {                                                                                                           \
        memset(&v, 0, sizeof v);                                                                                   \
        setup;                                                                                                     \
        cr_assert_eq(write_status(&all_shape, &v, &err), AWSC_E_VALIDATION, "%s", #setup);                         \
        cr_assert_not_null(err.message);                                                                           \
    } while (0)
    uni bad_tag = {0, {.i = 1}}, unknown = {-1, {.i = 1}}, out_of_range = {4, {.i = 1}};
    EXPECT_INVALID(v.u = &bad_tag);
    EXPECT_INVALID(v.u = &unknown);
    EXPECT_INVALID(v.u = &out_of_range);
    EXPECT_INVALID((v.unions.items = &bad_tag, v.unions.count = 1));
    EXPECT_INVALID(v.col = (color)3);
    EXPECT_INVALID(v.col = COLOR_UNKNOWN); /* unknown without a raw value */
    str_map_entry null_key = {NULL, "v"};
    EXPECT_INVALID((v.smap.entries = &null_key, v.smap.count = 1));
    const char *bad_numbers[] = {"", "12a", " 1", "1 ", "NaN", "Infinity", "1e", "0x10", "--1", "1.", ".5", "+1",
                                 "01", "\"1\"", "[1]", "1,2"};
    for (size_t i = 0; i < sizeof bad_numbers / sizeof bad_numbers[0]; i++) {
        EXPECT_INVALID(v.bigi = bad_numbers[i]);
        EXPECT_INVALID(v.bigd = bad_numbers[i]);
    }
    const char *bad_docs[] = {"", "{", "{\"a\":}", "[1,]", "nul", "1 2", "{}x", "'s'"};
    for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++)
        EXPECT_INVALID(v.doc = bad_docs[i]);
    EXPECT_INVALID((v.ts.nanos = 1000000000u, v.has_ts = true));
    EXPECT_INVALID((v.ts_dt.nanos = 1000000000u, v.has_ts_dt = true));
    /* Years beyond 9999 cannot be a date-time or http-date. */
    EXPECT_INVALID((v.ts_dt.seconds = 253402300800LL, v.has_ts_dt = true));
    EXPECT_INVALID((v.ts_http.seconds = INT64_MAX, v.has_ts_http = true));
    EXPECT_INVALID((v.ts_http.seconds = -62167219201LL, v.has_ts_http = true));
#undef EXPECT_INVALID
    awsc_error_clear(&err);
    /* Unknown enum values with a raw string are sent as that string. */
    memset(&v, 0, sizeof v);
    v.col = COLOR_UNKNOWN;
    v.col_raw = "PURPLE";
    char *text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"col\":\"PURPLE\",\"plain\":0}");
    free(text);
    /* Good big numbers pass through unchanged. */
    v.col = COLOR_NOT_SET;
    v.bigi = "-0";
    v.bigd = "1E+5";
    text = write_ok(&all_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"bigi\":-0,\"bigd\":1E+5,\"plain\":0}");
    free(text);
}

Test(json_write, write_member_for_payloads)
{
    all v;
    memset(&v, 0, sizeof v);
    inner in = {"p", 1, true};
    v.nested = &in;
    awsc_buf b = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_member *nested = NULL, *doc = NULL;
    for (size_t i = 0; i < all_shape.member_count; i++) {
        if (strcmp(all_members[i].name, "nested") == 0)
            nested = &all_members[i];
        if (strcmp(all_members[i].name, "doc") == 0)
            doc = &all_members[i];
    }
    cr_assert_eq(awsc_json_write_member(&b, nested, &v, AWSC_JSON_WIRE, &err), AWSC_OK);
    cr_assert_str_eq(b.data, "{\"Name\":\"p\",\"N\":1}");
    awsc_buf_free(&b);
    v.doc = "[1,2]";
    cr_assert_eq(awsc_json_write_member(&b, doc, &v, AWSC_JSON_WIRE, &err), AWSC_OK);
    cr_assert_str_eq(b.data, "[1,2]");
    awsc_buf_free(&b);
    v.doc = "[1,2";
    cr_assert_eq(awsc_json_write_member(&b, doc, &v, AWSC_JSON_WIRE, &err), AWSC_E_VALIDATION);
    awsc_buf_free(&b);
    awsc_error_clear(&err);
}

/* ---- number formatting -------------------------------------------------- */

typedef struct fmt_case {
    double d;
    const char *js;
} fmt_case;

/* Expected strings produced once by node v20: String(x) (Number.prototype.toString). */
static const fmt_case js_cases[] = {
    {0.1, "0.1"},
    {1.5, "1.5"},
    {100, "100"},
    {1e21, "1e+21"},
    {1e-7, "1e-7"},
    {123456789012345680000.0, "123456789012345680000"},
    {5e-324, "5e-324"},
    {-0.0, "0"},
    {0.0, "0"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {0.000001, "0.000001"},
    {1.0 / 3.0, "0.3333333333333333"},
    {-1.5, "-1.5"},
    {9007199254740993.0, "9007199254740992"},
    {1e20, "100000000000000000000"},
    {123e-20, "1.23e-18"},
    {0.5, "0.5"},
    {1.5e-6, "0.0000015"},
    {-1e21, "-1e+21"},
    {255, "255"},
    {4.35, "4.35"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {1e100, "1e+100"},
    {123456.789, "123456.789"},
    {1e-5, "0.00001"},
    {0.1 + 0.2, "0.30000000000000004"},
    {3e-7, "3e-7"},
    {1.5e-323, "1.5e-323"},
    {9007199254740991.0, "9007199254740991"},
    {999999999999999900000.0, "999999999999999900000"},
    {0.000001234, "0.000001234"},
    {1.2345e-7, "1.2345e-7"},
    {-123.456, "-123.456"},
    {1e16, "10000000000000000"},
    {12345678901234567890.0, "12345678901234567000"},
};

/* Random doubles by bit pattern; strings from node v20 String(x). */
static const struct {
    uint64_t bits;
    const char *js;
} js_bits[] = {
    {0x3e142800a1ea7000ULL, "1.1732487270452573e-9"},  {0x3ff89800ac51d000ULL, "1.53711001694046"},
    {0x413bc840b50fe600ULL, "1820736.707273841"},      {0x43b54b0056763e00ULL, "1534320469400748000"},
    {0x017a570094727680ULL, "1.536376634161224e-301"}, {0x7e7ed240c99e6b00ULL, "2.0640805869882314e+301"},
    {0x3f87c8001c80b000ULL, "0.011611939306099828"},   {0x445c53005db30e00ULL, "2.0899588695705235e+21"},
    {0x3e12ff00eb318600ULL, "1.105718999671639e-9"},   {0x3ffa9b006dbc5e00ULL, "1.6628422056727459"},
    {0x413be70028871680ULL, "1828608.1583112776"},     {0x43b0d8808126bd00ULL, "1213861391765405700"},
    {0x01782c00c0e5d800ULL, "1.4099213911753317e-301"}, {0x7e7f6c40df998e00ULL, "2.1043668870112798e+301"},
    {0x3f883f00892a0600ULL, "0.011838916955869472"},   {0x4450db001c6ede00ULL, "1.2437141981446223e+21"},
    {0x3e1ac200b0e19480ULL, "1.5575102904659833e-9"},  {0x3ffe7900410f6a00ULL, "1.9045412579931735"},
    {0x413fdd006b0e9200ULL, "2088192.4181910753"},     {0x43bb910005d5da00ULL, "1986368935709769700"},
    {0x0172fd00aab7d280ULL, "1.1075675978149311e-301"}, {0x7e74303847d39000ULL, "1.352000011914766e+301"},
    {0x3f87a800cda57080ULL, "0.011550909305406032"},   {0x44551700d919f600ULL, "1.55615675566519e+21"},
};

Test(format_double, matches_javascript)
{
    char out[32];
    for (size_t i = 0; i < sizeof js_cases / sizeof js_cases[0]; i++) {
        int n = awsc_format_double(out, js_cases[i].d, false);
        cr_assert_str_eq(out, js_cases[i].js, "case %zu (%.17g)", i, js_cases[i].d);
        cr_assert_eq(n, (int)strlen(out));
        /* Negated, when not zero, is the same text with a minus. */
        if (js_cases[i].d != 0) {
            char neg[40];
            awsc_format_double(out, -js_cases[i].d, false);
            snprintf(neg, sizeof neg, "%s%s", js_cases[i].js[0] == '-' ? "" : "-",
                     js_cases[i].js + (js_cases[i].js[0] == '-'));
            cr_assert_str_eq(out, neg);
        }
    }
    for (size_t i = 0; i < sizeof js_bits / sizeof js_bits[0]; i++) {
        double d;
        memcpy(&d, &js_bits[i].bits, sizeof d);
        awsc_format_double(out, d, false);
        cr_assert_str_eq(out, js_bits[i].js, "bits %016" PRIx64, js_bits[i].bits);
    }
    cr_assert_eq(awsc_format_double(out, NAN, false), 3);
    cr_assert_str_eq(out, "NaN");
    awsc_format_double(out, INFINITY, false);
    cr_assert_str_eq(out, "Infinity");
    awsc_format_double(out, -INFINITY, true);
    cr_assert_str_eq(out, "-Infinity");
}

Test(format_double, single_precision_is_shortest_for_float)
{
    /* Shortest decimal that reads back as the same float (as Java's Float.toString picks digits). */
    const struct {
        float f;
        const char *want;
    } cases[] = {
        {0.1f, "0.1"}, {1.1f, "1.1"}, {16777216.0f, "16777216"}, {FLT_MAX, "3.4028235e+38"},
        {1e-45f, "1e-45"}, {0.3f, "0.3"}, {-2.5f, "-2.5"}, {1e21f, "1e+21"}, {1e-7f, "1e-7"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        awsc_format_double(out, cases[i].f, true);
        cr_assert_str_eq(out, cases[i].want, "case %zu", i);
        cr_assert_eq((float)strtod(out, NULL), cases[i].f);
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* Significant digits of a formatted number (leading zeros excluded, trailing zeros of integers excluded). */
static int sig_digits(const char *s)
{
    char d[40];
    int k = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && (k || *s != '0'))
            d[k++] = *s;
    while (k > 1 && d[k - 1] == '0')
        k--;
    return k;
}

Test(format_double, shortest_round_trip_for_random_bits)
{
    char out[32];
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = rng();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        int n = awsc_format_double(out, d, false);
        cr_assert_lt(n, 32);
        cr_assert_eq(strtod(out, NULL), d, "%016" PRIx64 " -> %s", bits, out);
        cr_assert(awsc_json_valid(out, (size_t)n), "%s is not a JSON number", out);
        cr_assert_leq(sig_digits(out), 17, "%s", out);
        uint32_t fb = (uint32_t)bits;
        float f;
        memcpy(&f, &fb, sizeof f);
        if (!isfinite(f))
            continue;
        n = awsc_format_double(out, f, true);
        cr_assert_eq((float)strtod(out, NULL), f, "float %08" PRIx32 " -> %s", fb, out);
        cr_assert_leq(sig_digits(out), 9, "%s", out);
        cr_assert(awsc_json_valid(out, (size_t)n));
    }
}

/* ---- round trips -------------------------------------------------------- */

static const char *rand_string(awsc_arena *a)
{
    /* Pieces that stress the escaper: quotes, backslashes, controls, multi-byte UTF-8. */
    static const char *const pieces[] = {"a", "Z", "\"", "\\", "/", "\n", "\x01", "\x1f", "\x7f", " ", "\xC3\xA9",
                                         "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF",
                                         "\t", "{", "}", ",", ":"};
    size_t n = rng() % 12;
    awsc_buf b = AWSC_BUF_INIT;
    awsc_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++)
        awsc_buf_puts(&b, pieces[rng() % (sizeof pieces / sizeof pieces[0])]);
    char *s = awsc_arena_strndup(a, b.data, b.len);
    awsc_buf_free(&b);
    return s;
}

static awsc_timestamp rand_ts(bool date_range)
{
    awsc_timestamp t;
    /* 0001-01-01 .. 9999-12-31 for the text formats. */
    int64_t lo = -62135596800LL, hi = 253402300799LL;
    t.seconds = date_range ? lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1))
                           : (int64_t)(rng() % 4000000000ULL) - 2000000000;
    uint32_t choice = (uint32_t)(rng() % 3);
    t.nanos = choice == 0 ? 0 : choice == 1 ? (uint32_t)(rng() % 1000) * 1000000u : (uint32_t)(rng() % 1000000000u);
    return t;
}

static void rand_inner(awsc_arena *a, inner *in)
{
    in->name = rng() % 2 ? rand_string(a) : NULL;
    in->has_n = rng() % 2;
    in->n = in->has_n ? (int32_t)rng() : 0;
}

static void rand_all(awsc_arena *a, all *v, bool model)
{
    memset(v, 0, sizeof *v);
    v->str = rng() % 4 ? rand_string(a) : NULL;
    int c = (int)(rng() % 4) - 1; /* -1 .. 2 */
    v->col = (color)c;
    if (c == -1)
        v->col_raw = "FUTURE_VALUE";
    uint64_t r = rng();
    v->has_b = r & 1;
    v->b = v->has_b && (r & 2);
    v->has_by = true;
    v->by = (int8_t)rng();
    v->has_sh = true;
    v->sh = (int16_t)rng();
    v->has_i = rng() % 2;
    v->i = v->has_i ? (int32_t)rng() : 0;
    v->has_ie = true;
    v->ie = (int32_t)(rng() % 5);
    v->has_l = true;
    uint64_t lbits = rng();
    switch (rng() % 4) {
    case 0: v->l = INT64_MIN; break;
    case 1: v->l = INT64_MAX; break;
    default: memcpy(&v->l, &lbits, sizeof lbits);
    }
    uint32_t fb = (uint32_t)rng();
    memcpy(&v->f, &fb, sizeof fb);
    v->has_f = true;
    uint64_t db = rng();
    memcpy(&v->d, &db, sizeof db);
    v->has_d = true;
    v->bigi = rng() % 2 ? "-98765432109876543210987654321" : NULL;
    v->bigd = rng() % 2 ? "3.14159265358979323846264338327950288e-1000" : NULL;
    if (rng() % 2) {
        size_t n = rng() % 20;
        uint8_t *d = awsc_arena_alloc(a, n);
        for (size_t i = 0; i < n; i++)
            d[i] = (uint8_t)rng();
        v->blob.data = d;
        v->blob.len = n;
    }
    v->has_ts = true;
    v->ts = rand_ts(false);
    v->has_ts_dt = true;
    v->ts_dt = rand_ts(true);
    v->has_ts_http = rng() % 2;
    if (v->has_ts_http)
        v->ts_http = rand_ts(true);
    v->has_ts_epoch = true;
    v->ts_epoch = rand_ts(false);
    static const char *const docs[] = {"{\"a\":[1,2.5,\"x\",null,true,{}]}", "[]", "\"s\"", "-1e-5", "false"};
    v->doc = rng() % 2 ? docs[rng() % 5] : NULL;
    if (rng() % 2) {
        inner *in = awsc_arena_alloc(a, sizeof *in);
        rand_inner(a, in);
        v->nested = in;
    }
    if (rng() % 2) {
        size_t n = rng() % 4;
        v->inners.items = awsc_arena_alloc(a, n * sizeof(inner));
        v->inners.count = n;
        for (size_t i = 0; i < n; i++)
            rand_inner(a, &v->inners.items[i]);
    }
    if (rng() % 2) {
        size_t n = rng() % 4;
        v->dense.items = awsc_arena_alloc(a, n * sizeof(char *));
        v->dense.count = n;
        for (size_t i = 0; i < n; i++)
            v->dense.items[i] = rand_string(a);
        v->sparse.items = awsc_arena_alloc(a, n * sizeof(char *));
        v->sparse.count = n;
        for (size_t i = 0; i < n; i++)
            v->sparse.items[i] = rng() % 2 ? rand_string(a) : NULL;
    }
    if (rng() % 2) {
        size_t n = rng() % 4;
        v->longs.items = awsc_arena_alloc(a, n * sizeof(int64_t));
        v->longs.count = n;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = rng();
            memcpy(&v->longs.items[i], &x, sizeof x);
        }
    }
    if (rng() % 2) {
        size_t n = rng() % 4;
        v->smap.entries = awsc_arena_alloc(a, n * sizeof(str_map_entry));
        v->smap.count = n;
        for (size_t i = 0; i < n; i++) {
            char *k = awsc_arena_alloc(a, 24);
            snprintf(k, 24, "k%zu\xC3\xA9", i); /* distinct keys: a JSON object keeps one of each */
            v->smap.entries[i].key = k;
            v->smap.entries[i].value = rand_string(a);
        }
        v->imap.entries = awsc_arena_alloc(a, n * sizeof(inner_map_entry));
        v->imap.count = n;
        for (size_t i = 0; i < n; i++) {
            v->imap.entries[i].key = v->smap.entries[i].key;
            rand_inner(a, &v->imap.entries[i].value);
        }
    }
    if (rng() % 2) {
        uni *u = awsc_arena_alloc(a, sizeof *u);
        u->type = (int)(rng() % 3) + 1;
        if (u->type == 1)
            u->value.s = rand_string(a);
        else if (u->type == 2)
            u->value.i = (int32_t)rng();
        else {
            inner *in = awsc_arena_alloc(a, sizeof *in);
            rand_inner(a, in);
            u->value.st = in;
        }
        v->u = u;
    }
    v->plain = (int32_t)rng();
    v->hdr = model && rng() % 2 ? rand_string(a) : NULL;
}

static void same_ts(awsc_timestamp x, awsc_timestamp y, const char *what, const char *text)
{
    cr_assert(x.seconds == y.seconds && x.nanos == y.nanos, "%s: {%" PRId64 ",%u} became {%" PRId64 ",%u} in %s",
              what, x.seconds, x.nanos, y.seconds, y.nanos, text);
}

static void same_str(const char *x, const char *y, const char *what)
{
    if (!x)
        cr_assert_null(y, "%s", what);
    else
        cr_assert(y && strcmp(x, y) == 0, "%s: \"%s\" became \"%s\"", what, x, y ? y : "(null)");
}

static void same_inner(const inner *x, const inner *y)
{
    same_str(x->name, y->name, "inner.name");
    cr_assert_eq(x->has_n, y->has_n);
    cr_assert_eq(x->n, y->n);
}

Test(json_round_trip, random_structures)
{
    for (int iter = 0; iter < 600; iter++) {
        bool model = iter % 2;
        awsc_json_names names = model ? AWSC_JSON_MODEL : AWSC_JSON_WIRE;
        awsc_arena *a = awsc_arena_create();
        all in, out;
        rand_all(a, &in, model);
        char *text = write_ok(&all_shape, &in, names, true);
        cr_assert(awsc_json_valid(text, strlen(text)), "%s", text);
        memset(&out, 0, sizeof out);
        awsc_error err = AWSC_ERROR_INIT;
        int rc = read_n(&all_shape, &out, text, strlen(text), names, a, &err);
        cr_assert_eq(rc, AWSC_OK, "iteration %d: %s\n%s", iter, err.message, text);
        same_str(in.str, out.str, "str");
        cr_assert_eq(in.col, out.col);
        if (in.col == COLOR_UNKNOWN)
            same_str(in.col_raw, out.col_raw, "col_raw");
        else if (in.col != COLOR_NOT_SET)
            same_str(color_values[in.col - 1], out.col_raw, "col_raw of a known value");
        cr_assert_eq(in.has_b, out.has_b);
        cr_assert_eq(in.b, out.b);
        cr_assert_eq(in.by, out.by);
        cr_assert_eq(in.sh, out.sh);
        cr_assert_eq(in.has_i, out.has_i);
        cr_assert_eq(in.i, out.i);
        cr_assert_eq(in.ie, out.ie);
        cr_assert_eq(in.l, out.l, "%" PRId64 " vs %" PRId64, in.l, out.l);
        cr_assert(in.f == out.f || (isnan(in.f) && isnan(out.f)), "float %a became %a", (double)in.f,
                  (double)out.f);
        cr_assert(in.d == out.d || (isnan(in.d) && isnan(out.d)), "double %a became %a in %s", in.d, out.d, text);
        same_str(in.bigi, out.bigi, "bigi");
        same_str(in.bigd, out.bigd, "bigd");
        cr_assert_eq(in.blob.data == NULL, out.blob.data == NULL);
        cr_assert_eq(in.blob.len, out.blob.len);
        if (in.blob.len)
            cr_assert_eq(memcmp(in.blob.data, out.blob.data, in.blob.len), 0);
        same_ts(in.ts, out.ts, "ts", text);
        same_ts(in.ts_dt, out.ts_dt, "ts_dt", text);
        cr_assert_eq(in.has_ts_http, out.has_ts_http);
        same_ts(in.ts_http, out.ts_http, "ts_http", text);
        same_ts(in.ts_epoch, out.ts_epoch, "ts_epoch", text);
        same_str(in.doc, out.doc, "doc");
        cr_assert_eq(in.nested == NULL, out.nested == NULL);
        if (in.nested)
            same_inner(in.nested, out.nested);
        cr_assert_eq(in.inners.count, out.inners.count);
        for (size_t i = 0; i < in.inners.count; i++)
            same_inner(&in.inners.items[i], &out.inners.items[i]);
        cr_assert_eq(in.dense.count, out.dense.count);
        for (size_t i = 0; i < in.dense.count; i++)
            same_str(in.dense.items[i], out.dense.items[i], "dense");
        cr_assert_eq(in.sparse.count, out.sparse.count);
        for (size_t i = 0; i < in.sparse.count; i++)
            same_str(in.sparse.items[i], out.sparse.items[i], "sparse");
        cr_assert_eq(in.longs.count, out.longs.count);
        for (size_t i = 0; i < in.longs.count; i++)
            cr_assert_eq(in.longs.items[i], out.longs.items[i]);
        cr_assert_eq(in.smap.count, out.smap.count);
        for (size_t i = 0; i < in.smap.count; i++) {
            same_str(in.smap.entries[i].key, out.smap.entries[i].key, "smap key");
            same_str(in.smap.entries[i].value, out.smap.entries[i].value, "smap value");
            same_inner(&in.imap.entries[i].value, &out.imap.entries[i].value);
        }
        cr_assert_eq(in.u == NULL, out.u == NULL);
        if (in.u) {
            cr_assert_eq(in.u->type, out.u->type);
            if (in.u->type == 1)
                same_str(in.u->value.s, out.u->value.s, "union s");
            else if (in.u->type == 2)
                cr_assert_eq(in.u->value.i, out.u->value.i);
            else
                same_inner(in.u->value.st, out.u->value.st);
        }
        cr_assert_eq(in.plain, out.plain);
        same_str(in.hdr, out.hdr, "hdr");
        /* And writing what was read gives the same bytes. */
        char *again = write_ok(&all_shape, &out, names, true);
        cr_assert_str_eq(again, text);
        free(again);
        free(text);
        awsc_arena_destroy(a);
    }
}

/* ---- UTF-8 -------------------------------------------------------------- */

Test(utf8, length_counts_code_points_and_rejects_invalid)
{
    const struct {
        const char *s;
        long long n;
    } cases[] = {
        {"", 0},
        {"abc", 3},
        {"\xC3\xA9", 1},
        {"\xE2\x82\xAC", 1},
        {"\xF0\x9F\x98\x80", 1},
        {"a\xC3\xA9" "b\xF0\x9F\x98\x80", 4},
        {"\xC2\x80", 1},
        {"\xDF\xBF", 1},
        {"\xE0\xA0\x80", 1},
        {"\xED\x9F\xBF", 1},         /* U+D7FF */
        {"\xEE\x80\x80", 1},         /* U+E000 */
        {"\xF4\x8F\xBF\xBF", 1},     /* U+10FFFF */
        {"\xC3", -1},                /* truncated */
        {"\xE2\x82", -1},
        {"\xF0\x9F\x98", -1},
        {"\xC0\x80", -1},            /* overlong NUL */
        {"\xC1\xBF", -1},            /* overlong */
        {"\xE0\x9F\xBF", -1},        /* overlong */
        {"\xF0\x8F\xBF\xBF", -1},    /* overlong */
        {"\xED\xA0\x80", -1},        /* surrogate U+D800 */
        {"\xED\xBF\xBF", -1},        /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", -1},    /* above U+10FFFF */
        {"\xF5\x80\x80\x80", -1},
        {"\xF8\x88\x80\x80\x80", -1},
        {"\xFF", -1},
        {"\x80", -1},                /* lone continuation */
        {"\xC3\x28", -1},
        {"a\xC3\xA9\xA9", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].s);
        char *copy = malloc(len ? len : 1);
        memcpy(copy, cases[i].s, len);
        cr_assert_eq(awsc_utf8_length(copy, len), cases[i].n, "case %zu", i);
        free(copy);
    }
    /* Embedded NUL counts as one code point (length-delimited). */
    cr_assert_eq(awsc_utf8_length("a\0b", 3), 3);
}

/* The eight-byte ASCII runs: a multi-byte or invalid sequence at every place of every length to 40. */
Test(utf8, length_around_the_ascii_words)
{
    for (size_t len = 1; len <= 40; len++) {
        for (size_t at = 0; at < len; at++) {
            char *s = malloc(len + 1);
            memset(s, 'a', len);
            s[at] = '\x80'; /* a lone continuation byte */
            cr_assert_eq(awsc_utf8_length(s, len), -1, "len %zu at %zu", len, at);
            if (at + 1 < len) {
                s[at] = '\xC3';
                s[at + 1] = '\xA9'; /* e acute: two bytes, one code point */
                cr_assert_eq(awsc_utf8_length(s, len), (long long)len - 1, "len %zu at %zu", len, at);
            }
            free(s);
        }
    }
}

/* ---- unit variants, the protocol-test form, enum elements ---------------- */

typedef struct unit_uni {
    int type; /* 1 unit, 2 s */
    union {
        const char *s;
    } value;
} unit_uni;
typedef struct has_unit {
    const unit_uni *u;
} has_unit;
static const awsc_member unit_uni_members[] = {
    {.name = "nothing", .wire_name = "Nothing", .offset = 0, .type = AWSC_T_UNIT, NOHAS, NORAW},
    {M(unit_uni, "s", "S", value.s, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape unit_uni_shape = {.name = "UnitUni", .type = AWSC_T_UNION, .size = sizeof(unit_uni),
                                          .members = unit_uni_members, .member_count = 2,
                                          .union_tag_offset = offsetof(unit_uni, type)};
static const awsc_member has_unit_members[] = {
    {M(has_unit, "u", "u", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &unit_uni_shape},
};
static const awsc_shape has_unit_shape = {.name = "HasUnit", .type = AWSC_T_STRUCT, .size = sizeof(has_unit),
                                          .members = has_unit_members, .member_count = 1};

Test(json_read, unit_variants)
{
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    has_unit v;
    memset(&v, 0, sizeof v);
    cr_assert_eq(rd(&has_unit_shape, &v, "{\"u\":{\"Nothing\":{}}}", a, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(v.u->type, 1);
    char *text = write_ok(&has_unit_shape, &v, AWSC_JSON_WIRE, true);
    cr_assert_str_eq(text, "{\"u\":{\"Nothing\":{}}}");
    free(text);
    memset(&v, 0, sizeof v);
    cr_assert_eq(rd(&has_unit_shape, &v, "{\"u\":{\"Nothing\":1}}", a, &err), AWSC_E_RESPONSE);
    cr_assert_eq(rd(&has_unit_shape, &v, "{\"u\":{\"Nothing\":{\"a\":[}}}", a, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

Test(json_write, params_form_has_plain_blobs_and_epoch_timestamps)
{
    all v;
    memset(&v, 0, sizeof v);
    v.blob.data = (const uint8_t *)"raw text";
    v.blob.len = 8;
    v.ts_dt = (awsc_timestamp){1576540098, 0};
    v.has_ts_dt = true;
    v.hdr = "h";
    char *text = write_ok(&all_shape, &v, AWSC_JSON_PARAMS, true);
    cr_assert_str_eq(text, "{\"blob\":\"raw text\",\"tsDt\":1576540098,\"plain\":0,\"hdr\":\"h\"}");
    awsc_arena *a = awsc_arena_create();
    all back;
    memset(&back, 0, sizeof back);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_n(&all_shape, &back, text, strlen(text), AWSC_JSON_PARAMS, a, &err), AWSC_OK, "%s",
                 err.message);
    cr_assert_eq(back.blob.len, 8);
    cr_assert_eq(memcmp(back.blob.data, "raw text", 8), 0);
    cr_assert_eq(back.ts_dt.seconds, 1576540098);
    cr_assert_str_eq(back.hdr, "h");
    free(text);
    awsc_arena_destroy(a);
}

/*
 * An enum used as a list element has no raw-string slot (raw_offset is
 * AWSC_NO_OFFSET), which the writer and rest.c respect: the reader must not
 * write through that offset.
 */
typedef struct color_list {
    color *items;
    size_t count;
} color_list;
typedef struct has_colors {
    color_list colors;
} has_colors;
static const awsc_member color_list_members[] = {{ELEM(AWSC_T_ENUM), .shape = &color_shape}};
static const awsc_shape color_list_shape = {.name = "ColorList", .type = AWSC_T_LIST, .size = sizeof(color),
                                            .members = color_list_members, .member_count = 1};
static const awsc_member has_colors_members[] = {
    {M(has_colors, "colors", "colors", colors, AWSC_T_LIST), NOHAS, NORAW, .shape = &color_list_shape},
};
static const awsc_shape has_colors_shape = {.name = "HasColors", .type = AWSC_T_STRUCT, .size = sizeof(has_colors),
                                            .members = has_colors_members, .member_count = 1};

Test(json_read, enum_without_raw_slot)
{
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    has_colors v;
    memset(&v, 0, sizeof v);
    cr_assert_eq(rd(&has_colors_shape, &v, "{\"colors\":[\"GREEN\",\"NEW\"]}", a, &err), AWSC_OK);
    cr_assert_eq(v.colors.count, 2);
    cr_assert_eq(v.colors.items[0], COLOR_GREEN);
    cr_assert_eq(v.colors.items[1], COLOR_UNKNOWN);
    /* An unknown value with no raw string cannot be sent back. */
    cr_assert_eq(write_status(&has_colors_shape, &v, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}
