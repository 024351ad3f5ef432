/* Client-side validation (required members and minimums) over hand-written descriptors. */
#include <criterion/criterion.h>

#include "util/arena.h"
#include "util/error.h"
#include "serde/json/json.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef enum kind { KIND_NOT_SET = 0, KIND_A = 1, KIND_UNKNOWN = -1 } kind;

typedef struct str_list {
    const char **items;
    size_t count;
} str_list;

typedef struct str_map_entry {
    const char *key;
    const char *value;
} str_map_entry;

typedef struct str_map {
    str_map_entry *entries;
    size_t count;
} str_map;

typedef struct leaf {
    const char *c; /* required */
    const char *s; /* min length 2 (code points) */
    awsc_blob bl;  /* min length 3 (bytes) */
    int32_t i;     /* min -5 */
    bool has_i;
    int64_t l; /* min 1000000000000 */
    bool has_l;
    double d; /* min 0 */
    bool has_d;
    float f; /* min 1 */
    bool has_f;
    int8_t by; /* min -100 */
    bool has_by;
    int16_t sh; /* min 10 */
    bool has_sh;
    str_list names; /* min 1 entry, elements min length 1 */
    str_map tags;   /* min 1 entry, keys min length 2 */
    str_list sparse;
} leaf;

typedef struct leaf_list {
    leaf *items;
    size_t count;
} leaf_list;

typedef struct leaf_map_entry {
    const char *key;
    leaf value;
} leaf_map_entry;

typedef struct leaf_map {
    leaf_map_entry *entries;
    size_t count;
} leaf_map;

typedef struct choice {
    int type;
    union {
        const char *s; /* min length 3 */
        const leaf *lf;
    } value;
} choice;

typedef struct mid {
    const leaf *one;
    leaf_list b;
    leaf_map m;
    const choice *u;
} mid;

typedef struct top top;
struct top {
    const mid *a;
    const char *name; /* required */
    int32_t plain;    /* required, no has flag: always present */
    kind k;           /* required enum */
    const char *k_raw;
    awsc_blob data;   /* required blob */
    str_list list;    /* required list */
    const top *next;  /* recursion for the depth limit */
};

#define M(C, nm, fld, T) .name = nm, .wire_name = nm, .offset = offsetof(C, fld), .type = T
#define NOHAS .has_offset = AWSC_NO_OFFSET
#define HAS(C, f) .has_offset = offsetof(C, f)
#define NORAW .raw_offset = AWSC_NO_OFFSET
#define MIN(v) .flags = AWSC_F_HAS_MIN, .ext = &(const awsc_member_ext){.min = (v)}

static const awsc_member names_members[] = {
    {.name = "member", .wire_name = "member", .offset = 0, .type = AWSC_T_STRING, NOHAS, NORAW, MIN(1)}};
static const awsc_shape names_shape = {.name = "Names", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                       .members = names_members, .member_count = 1};

static const awsc_member tags_members[] = {
    {M(str_map_entry, "key", key, AWSC_T_STRING), NOHAS, NORAW, MIN(2)},
    {M(str_map_entry, "value", value, AWSC_T_STRING), NOHAS, NORAW, MIN(1)},
};
static const awsc_shape tags_shape = {.name = "Tags", .type = AWSC_T_MAP, .size = sizeof(str_map_entry),
                                      .members = tags_members, .member_count = 2};

static const awsc_member leaf_members[] = {
    {M(leaf, "c", c, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(leaf, "s", s, AWSC_T_STRING), NOHAS, NORAW, MIN(2)},
    {M(leaf, "bl", bl, AWSC_T_BLOB), NOHAS, NORAW, MIN(3)},
    {M(leaf, "i", i, AWSC_T_INT), HAS(leaf, has_i), NORAW, MIN(-5)},
    {M(leaf, "l", l, AWSC_T_LONG), HAS(leaf, has_l), NORAW, MIN(1000000000000LL)},
    {M(leaf, "d", d, AWSC_T_DOUBLE), HAS(leaf, has_d), NORAW, MIN(0)},
    {M(leaf, "f", f, AWSC_T_FLOAT), HAS(leaf, has_f), NORAW, MIN(1)},
    {M(leaf, "by", by, AWSC_T_BYTE), HAS(leaf, has_by), NORAW, MIN(-100)},
    {M(leaf, "sh", sh, AWSC_T_SHORT), HAS(leaf, has_sh), NORAW, MIN(10)},
    {M(leaf, "names", names, AWSC_T_LIST), NOHAS, NORAW, MIN(1), .shape = &names_shape},
    {M(leaf, "tags", tags, AWSC_T_MAP), NOHAS, NORAW, MIN(1), .shape = &tags_shape},
    {M(leaf, "sparse", sparse, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_SPARSE, .shape = &names_shape},
};
static const awsc_shape leaf_shape = {.name = "Leaf", .type = AWSC_T_STRUCT, .size = sizeof(leaf),
                                      .members = leaf_members,
                                      .member_count = sizeof leaf_members / sizeof leaf_members[0]};

static const awsc_member leaf_list_members[] = {{.name = "member", .wire_name = "member", .offset = 0,
                                                 .type = AWSC_T_STRUCT, NOHAS, NORAW, .flags = AWSC_F_INLINE,
                                                 .shape = &leaf_shape}};
static const awsc_shape leaf_list_shape = {.name = "LeafList", .type = AWSC_T_LIST, .size = sizeof(leaf),
                                           .members = leaf_list_members, .member_count = 1};

static const awsc_member leaf_map_members[] = {
    {M(leaf_map_entry, "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(leaf_map_entry, "value", value, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_INLINE, .shape = &leaf_shape},
};
static const awsc_shape leaf_map_shape = {.name = "LeafMap", .type = AWSC_T_MAP, .size = sizeof(leaf_map_entry),
                                          .members = leaf_map_members, .member_count = 2};

static const awsc_member choice_members[] = {
    {M(choice, "s", value.s, AWSC_T_STRING), NOHAS, NORAW, MIN(3)},
    {M(choice, "lf", value.lf, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &leaf_shape},
};
static const awsc_shape choice_shape = {.name = "Choice", .type = AWSC_T_UNION, .size = sizeof(choice),
                                        .members = choice_members, .member_count = 2,
                                        .union_tag_offset = offsetof(choice, type)};

static const awsc_member mid_members[] = {
    {M(mid, "one", one, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &leaf_shape},
    {M(mid, "b", b, AWSC_T_LIST), NOHAS, NORAW, .shape = &leaf_list_shape},
    {M(mid, "m", m, AWSC_T_MAP), NOHAS, NORAW, .shape = &leaf_map_shape},
    {M(mid, "u", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &choice_shape},
};
static const awsc_shape mid_shape = {.name = "Mid", .type = AWSC_T_STRUCT, .size = sizeof(mid),
                                     .members = mid_members, .member_count = 4};

static const char *const kind_values[] = {"A"};
static const awsc_shape kind_shape = {.name = "Kind", .type = AWSC_T_ENUM, .size = sizeof(kind),
                                      .enum_values = kind_values, .enum_count = 1};

static const awsc_shape top_shape;
static const awsc_member top_members[] = {
    {M(top, "a", a, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &mid_shape},
    {M(top, "name", name, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(top, "plain", plain, AWSC_T_INT), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(top, "k", k, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(top, k_raw), .flags = AWSC_F_REQUIRED,
     .shape = &kind_shape},
    {M(top, "data", data, AWSC_T_BLOB), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(top, "list", list, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_REQUIRED, .shape = &names_shape},
    {M(top, "next", next, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &top_shape},
};
static const awsc_shape top_shape = {.name = "Top", .type = AWSC_T_STRUCT, .size = sizeof(top),
                                     .members = top_members, .member_count = 7};

/* ---- helpers ------------------------------------------------------------ */

static const char *empty_items[1];

/* A top-level value that passes validation. */
static top valid_top(void)
{
    top t;
    memset(&t, 0, sizeof t);
    t.name = "n";
    t.k = KIND_A;
    t.data.data = (const uint8_t *)"";
    t.list.items = empty_items;
    return t;
}

static leaf valid_leaf(void)
{
    leaf l;
    memset(&l, 0, sizeof l);
    l.c = "c";
    return l;
}

static void expect_ok(const awsc_shape *shape, const void *v)
{
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_validate(shape, v, &err);
    cr_assert_eq(rc, AWSC_OK, "unexpected failure: %s", err.message ? err.message : "?");
    awsc_error_clear(&err);
}

/* Expects a validation error whose message starts with `prefix`. */
static void expect_fail(const awsc_shape *shape, const void *v, const char *prefix)
{
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_validate(shape, v, &err);
    cr_assert_eq(rc, AWSC_E_VALIDATION, "expected a failure starting \"%s\"", prefix);
    cr_assert_eq(err.status, AWSC_E_VALIDATION);
    cr_assert_not_null(err.message);
    cr_assert(strncmp(err.message, prefix, strlen(prefix)) == 0, "message \"%s\" should start \"%s\"", err.message,
              prefix);
    awsc_error_clear(&err);
}

/* ---- required ----------------------------------------------------------- */

Test(validate, minimal_valid_input)
{
    top t = valid_top();
    expect_ok(&top_shape, &t);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_validate(&top_shape, NULL, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
}

Test(validate, required_top_level_members)
{
    top t = valid_top();
    t.name = NULL;
    expect_fail(&top_shape, &t, "name: required member is missing");
    t = valid_top();
    t.k = KIND_NOT_SET;
    expect_fail(&top_shape, &t, "k: required");
    t = valid_top();
    t.k = KIND_UNKNOWN;
    t.k_raw = "B";
    expect_ok(&top_shape, &t);
    t = valid_top();
    t.data.data = NULL;
    expect_fail(&top_shape, &t, "data: required");
    t = valid_top();
    t.list.items = NULL;
    expect_fail(&top_shape, &t, "list: required");
    /* An empty string, blob or list is present. */
    t = valid_top();
    t.name = "";
    t.list.count = 0;
    expect_ok(&top_shape, &t);
}

Test(validate, required_at_depth_names_the_path)
{
    leaf leaves[3] = {valid_leaf(), valid_leaf(), valid_leaf()};
    leaves[2].c = NULL;
    mid m;
    memset(&m, 0, sizeof m);
    m.b.items = leaves;
    m.b.count = 3;
    top t = valid_top();
    t.a = &m;
    expect_fail(&top_shape, &t, "a.b[2].c: required member is missing (in Leaf)");
    leaves[2].c = "ok";
    expect_ok(&top_shape, &t);

    leaf one = valid_leaf();
    one.c = NULL;
    m.one = &one;
    expect_fail(&top_shape, &t, "a.one.c: required");
    one.c = "x";

    leaf_map_entry e[2] = {{"first", valid_leaf()}, {"second", valid_leaf()}};
    e[1].value.c = NULL;
    m.m.entries = e;
    m.m.count = 2;
    expect_fail(&top_shape, &t, "a.m[\"second\"].c: required");
    e[1].value.c = "y";
    expect_ok(&top_shape, &t);

    leaf in_union = valid_leaf();
    in_union.c = NULL;
    choice ch = {2, {.lf = &in_union}};
    m.u = &ch;
    expect_fail(&top_shape, &t, "a.u.lf.c: required");

    /* Recursion: the path grows with each level. */
    top second = valid_top();
    second.name = NULL;
    top first = valid_top();
    first.next = &second;
    expect_fail(&top_shape, &first, "next.name: required");
}

Test(validate, first_failure_wins_and_path_resets_between_elements)
{
    leaf leaves[3] = {valid_leaf(), valid_leaf(), valid_leaf()};
    leaves[1].s = "x"; /* below min 2 */
    leaves[2].c = NULL;
    mid m;
    memset(&m, 0, sizeof m);
    m.b.items = leaves;
    m.b.count = 3;
    top t = valid_top();
    t.a = &m;
    expect_fail(&top_shape, &t, "a.b[1].s: length 1 is below the minimum 2");
    leaves[1].s = "xy";
    expect_fail(&top_shape, &t, "a.b[2].c:");
}

/* ---- length minimums ---------------------------------------------------- */

static void check_leaf(const leaf *l, const char *prefix)
{
    if (prefix)
        expect_fail(&leaf_shape, l, prefix);
    else
        expect_ok(&leaf_shape, l);
}

Test(validate, string_length_counts_code_points)
{
    leaf l = valid_leaf();
    l.s = "a";
    check_leaf(&l, "s: length 1 is below the minimum 2");
    l.s = "\xC3\xA9"; /* two bytes, one code point */
    check_leaf(&l, "s: length 1 is below the minimum 2");
    l.s = "\xF0\x9F\x98\x80"; /* four bytes, one code point */
    check_leaf(&l, "s: length 1");
    l.s = "";
    check_leaf(&l, "s: length 0");
    l.s = "\xC3\xA9\xC3\xA9";
    check_leaf(&l, NULL);
    l.s = "ab";
    check_leaf(&l, NULL);
    l.s = NULL; /* absent: no minimum */
    check_leaf(&l, NULL);
    l.s = "a\xFF"; /* not UTF-8 */
    check_leaf(&l, "s:");
}

Test(validate, blob_length_counts_bytes)
{
    leaf l = valid_leaf();
    l.bl.data = (const uint8_t *)"\xC3\xA9";
    l.bl.len = 2;
    check_leaf(&l, "bl: length 2 is below the minimum 3");
    l.bl.len = 0;
    check_leaf(&l, "bl: length 0");
    l.bl.data = (const uint8_t *)"abc";
    l.bl.len = 3;
    check_leaf(&l, NULL);
    l.bl.data = NULL;
    l.bl.len = 0;
    check_leaf(&l, NULL);
}

/* A size is printed unsigned: SIZE_MAX (a caller's bug) is neither -1 nor "below the minimum". */
Test(validate, huge_sizes_print_unsigned)
{
    leaf l = valid_leaf();
    l.bl.data = (const uint8_t *)"abc";
    l.bl.len = SIZE_MAX;
    check_leaf(&l, "bl: length 18446744073709551615 is larger than any object can be");
    l = valid_leaf();
    const char *one[] = {"x"};
    l.names.items = one;
    l.names.count = SIZE_MAX;
    check_leaf(&l, "names: length 18446744073709551615 is larger");
    l = valid_leaf();
    str_map_entry e[] = {{"ok", "v"}};
    l.tags.entries = e;
    l.tags.count = SIZE_MAX;
    check_leaf(&l, "tags: length 18446744073709551615 is larger");
}

Test(validate, list_and_map_counts)
{
    leaf l = valid_leaf();
    l.names.items = empty_items;
    l.names.count = 0;
    check_leaf(&l, "names: length 0 is below the minimum 1");
    const char *one[] = {"x"};
    l.names.items = one;
    l.names.count = 1;
    check_leaf(&l, NULL);
    /* Element constraints apply with the index in the path. */
    const char *two[] = {"x", ""};
    l.names.items = two;
    l.names.count = 2;
    check_leaf(&l, "names[1]: length 0 is below the minimum 1");
    l.names.items = NULL;
    l.names.count = 0;
    check_leaf(&l, NULL);

    str_map_entry none[1];
    l.tags.entries = none;
    l.tags.count = 0;
    check_leaf(&l, "tags: length 0 is below the minimum 1");
    str_map_entry e[] = {{"ok", "v"}, {"k", "v"}};
    l.tags.entries = e;
    l.tags.count = 1;
    check_leaf(&l, NULL);
    l.tags.count = 2;
    check_leaf(&l, "tags[\"k\"]: length 1 is below the minimum 2");
    e[1].key = "kk";
    e[1].value = "";
    check_leaf(&l, "tags[\"kk\"]: length 0");
    e[1].value = "v";
    check_leaf(&l, NULL);
    e[1].key = NULL;
    check_leaf(&l, "tags: entry 1 has a NULL key");
}

/*
 * A count with a NULL items pointer is a caller bug: validation must say so
 * rather than let the writer drop the list as absent.
 */
Test(validate, count_without_items_is_reported)
{
    leaf l = valid_leaf();
    l.names.count = 3;
    check_leaf(&l, "names: count is 3 but items is NULL");
    l = valid_leaf();
    l.tags.count = 2;
    check_leaf(&l, "tags: count is 2 but entries is NULL");
    /* Nested inside a list element as well. */
    leaf leaves[2] = {valid_leaf(), valid_leaf()};
    leaves[1].names.count = 1;
    mid m;
    memset(&m, 0, sizeof m);
    m.b.items = leaves;
    m.b.count = 2;
    top t = valid_top();
    t.a = &m;
    expect_fail(&top_shape, &t, "a.b[1].names: count is 1 but items is NULL");
}

Test(validate, sparse_list_null_elements_are_fine)
{
    leaf l = valid_leaf();
    const char *items[] = {NULL, "x", NULL};
    l.sparse.items = items;
    l.sparse.count = 3;
    check_leaf(&l, NULL);
    items[1] = "";
    check_leaf(&l, "sparse[1]: length 0");
}

/* ---- range minimums ----------------------------------------------------- */

Test(validate, integer_ranges)
{
    leaf l = valid_leaf();
    l.i = -6;
    check_leaf(&l, NULL); /* absent: has flag off */
    l.has_i = true;
    check_leaf(&l, "i: value -6 is below the minimum -5");
    l.i = -5;
    check_leaf(&l, NULL);
    l.i = INT32_MIN;
    check_leaf(&l, "i: value -2147483648");
    l.i = INT32_MAX;
    check_leaf(&l, NULL);

    l.has_l = true;
    l.l = 999999999999LL;
    check_leaf(&l, "l: value 999999999999 is below the minimum 1000000000000");
    l.l = 1000000000000LL;
    check_leaf(&l, NULL);
    l.l = INT64_MIN;
    check_leaf(&l, "l: value -9223372036854775808");

    l = valid_leaf();
    l.has_by = true;
    l.by = -101;
    check_leaf(&l, "by: value -101 is below the minimum -100");
    l.by = -100;
    check_leaf(&l, NULL);
    l.has_sh = true;
    l.sh = 9;
    check_leaf(&l, "sh: value 9 is below the minimum 10");
    l.sh = 10;
    check_leaf(&l, NULL);
}

Test(validate, floating_ranges)
{
    leaf l = valid_leaf();
    l.has_d = true;
    l.d = -0.5;
    check_leaf(&l, "d: value -0.5 is below the minimum 0");
    l.d = -1e-300;
    check_leaf(&l, "d: value");
    l.d = -INFINITY;
    check_leaf(&l, "d: value -inf");
    l.d = 0.0;
    check_leaf(&l, NULL);
    l.d = -0.0;
    check_leaf(&l, NULL);
    l.d = INFINITY;
    check_leaf(&l, NULL);
    l = valid_leaf();
    l.has_f = true;
    l.f = 0.99f;
    check_leaf(&l, "f: value 0.99");
    l.f = 1.0f;
    check_leaf(&l, NULL);
}

/* ---- unions, depth ------------------------------------------------------ */

Test(validate, unions)
{
    mid m;
    memset(&m, 0, sizeof m);
    top t = valid_top();
    t.a = &m;
    choice ch = {1, {.s = "ab"}};
    m.u = &ch;
    expect_fail(&top_shape, &t, "a.u.s: length 2 is below the minimum 3");
    ch.value.s = "abc";
    expect_ok(&top_shape, &t);
    ch.type = 0;
    expect_fail(&top_shape, &t, "a.u: union Choice has no member set");
    ch.type = -1;
    expect_fail(&top_shape, &t, "a.u: union Choice");
    ch.type = 3;
    expect_fail(&top_shape, &t, "a.u: union Choice");
}

Test(validate, deep_and_cyclic_inputs_fail_cleanly)
{
    enum { N = 100000 };
    top *chain = calloc(N, sizeof *chain);
    for (int i = 0; i < N; i++) {
        chain[i] = valid_top();
        if (i + 1 < N)
            chain[i].next = &chain[i + 1];
    }
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_validate(&top_shape, chain, &err), AWSC_E_VALIDATION);
    cr_assert(strstr(err.message, "nesting") != NULL, "%s", err.message);
    /* Exactly at the limit is fine: the top level is depth 0. */
    chain[AWSC_JSON_MAX_DEPTH].next = NULL;
    cr_assert_eq(awsc_validate(&top_shape, chain, &err), AWSC_OK, "%s", err.message ? err.message : "");
    chain[AWSC_JSON_MAX_DEPTH].next = &chain[AWSC_JSON_MAX_DEPTH + 1];
    chain[AWSC_JSON_MAX_DEPTH + 1].next = NULL;
    cr_assert_eq(awsc_validate(&top_shape, chain, &err), AWSC_E_VALIDATION);
    /* A cycle. */
    top self = valid_top();
    self.next = &self;
    cr_assert_eq(awsc_validate(&top_shape, &self, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
    free(chain);
}

Test(validate, null_err_uses_last_error)
{
    top t = valid_top();
    t.name = NULL;
    cr_assert_eq(awsc_validate(&top_shape, &t, NULL), AWSC_E_VALIDATION);
    cr_assert_eq(awsc_last_error()->status, AWSC_E_VALIDATION);
    cr_assert(strncmp(awsc_last_error()->message, "name:", 5) == 0);
    awsc_error_ok(NULL);
}
