/*
 * Endpoint rules inputs taken from an operation's input: contextParam
 * members, constants, and operationContextParams paths (nested members, list
 * projections, multi-selects, keys()), over hand-written descriptors shaped
 * like DynamoDB's TransactWriteItems and BatchWriteItem.
 */
#include <criterion/criterion.h>

#include "core/client_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct put { const char *table; } put;
typedef struct titem { const put *put; const put *del; } titem;   /* members: pointers */
typedef struct entry { const char *key; const char *value; } entry;
typedef struct input {
    struct { titem *items; size_t count; } items;                   /* list of structures (inline) */
    const char *table;
    struct { entry *entries; size_t count; } map;
    struct { const char **items; size_t count; } names;              /* list of strings */
    bool flag, has_flag;
} input;

static const awsc_member put_members[] = {
    {.name = "TableName", .offset = offsetof(put, table), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape put_shape = {.name = "Put", .type = AWSC_T_STRUCT, .size = sizeof(put),
                                     .members = put_members, .member_count = 1};
static const awsc_member titem_members[] = {
    {.name = "Put", .shape = &put_shape, .offset = offsetof(titem, put), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT},
    {.name = "Delete", .shape = &put_shape, .offset = offsetof(titem, del), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRUCT},
};
static const awsc_shape titem_shape = {.name = "TransactWriteItem", .type = AWSC_T_STRUCT, .size = sizeof(titem),
                                       .members = titem_members, .member_count = 2};
static const awsc_member list_members[] = {
    {.name = "member", .shape = &titem_shape, .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET,
     .flags = AWSC_F_INLINE, .type = AWSC_T_STRUCT},
};
static const awsc_shape list_shape = {.name = "Items", .type = AWSC_T_LIST, .size = sizeof(titem),
                                      .members = list_members, .member_count = 1};
static const awsc_member map_members[] = {
    {.name = "key", .offset = offsetof(entry, key), .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET,
     .type = AWSC_T_STRING},
    {.name = "value", .offset = offsetof(entry, value), .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET,
     .type = AWSC_T_STRING},
};
static const awsc_shape map_shape = {.name = "Map", .type = AWSC_T_MAP, .size = sizeof(entry),
                                     .members = map_members, .member_count = 2};
static const awsc_member names_members[] = {
    {.name = "member", .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape names_shape = {.name = "Names", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                       .members = names_members, .member_count = 1};
static const awsc_member input_members[] = {
    {.name = "TransactItems", .shape = &list_shape, .offset = offsetof(input, items), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_LIST},
    {.name = "TableName", .offset = offsetof(input, table), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
    {.name = "RequestItems", .shape = &map_shape, .offset = offsetof(input, map), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_MAP},
    {.name = "Names", .shape = &names_shape, .offset = offsetof(input, names), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_LIST},
    {.name = "Flag", .offset = offsetof(input, flag), .has_offset = offsetof(input, has_flag),
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_BOOL},
};

/* TransactItems[*].[Put.TableName, Delete.TableName][] */
static const awsc_member *const items_path[] = {&input_members[0], NULL};
static const awsc_member *const items_select[] = {&titem_members[0], &put_members[0], NULL,
                                                  &titem_members[1], &put_members[0], NULL, NULL};
/* TransactItems[*].Put.TableName */
static const awsc_member *const put_path[] = {&input_members[0], &titem_members[0], &put_members[0], NULL};
static const awsc_member *const keys_path[] = {&input_members[2], NULL};
static const awsc_member *const names_path[] = {&input_members[3], NULL};

static input sample(titem *items, put *puts, entry *entries, const char **names)
{
    puts[0] = (put){"t-put-0"};
    puts[1] = (put){"t-del-1"};
    puts[2] = (put){"t-put-2"};
    items[0] = (titem){&puts[0], NULL};
    items[1] = (titem){NULL, &puts[1]};
    items[2] = (titem){&puts[2], NULL};
    entries[0] = (entry){"a", "x"};
    entries[1] = (entry){"b", "y"};
    names[0] = "n1";
    names[1] = "n2";
    input in = {{items, 3}, "t-direct", {entries, 2}, {names, 2}, true, true};
    return in;
}

static void expect_strings(const awsc_endpoint_param *p, const char *const *want, size_t n)
{
    cr_assert_eq(p->type, AWSC_EP_STRING_ARRAY);
    cr_assert_eq(p->count, n);
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(p->strings[i], want[i]);
}

Test(endpoint_params, paths_projections_and_keys)
{
    titem items[3];
    put puts[3];
    entry entries[2];
    const char *names[2];
    input in = sample(items, puts, entries, names);
    awsc_endpoint_param p;
    awsc_ep_strings found = {0};

    awsc_endpoint_binding multi = {"ResourceArnList", AWSC_EP_STRING_ARRAY, NULL, NULL, false, items_path,
                                   items_select, false};
    cr_assert_eq(awsc_endpoint_binding_value(&multi, &in, &p, &found), 1);
    /* per item, in the select's order: the order JMESPath's flatten gives */
    expect_strings(&p, (const char *[]){"t-put-0", "t-del-1", "t-put-2"}, 3);
    free(found.v);

    found = (awsc_ep_strings){0};
    awsc_endpoint_binding proj = {"ResourceArnList", AWSC_EP_STRING_ARRAY, NULL, NULL, false, put_path, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&proj, &in, &p, &found), 1);
    expect_strings(&p, (const char *[]){"t-put-0", "t-put-2"}, 2);
    free(found.v);

    found = (awsc_ep_strings){0};
    awsc_endpoint_binding keys = {"ResourceArnList", AWSC_EP_STRING_ARRAY, NULL, NULL, false, keys_path, NULL, true};
    cr_assert_eq(awsc_endpoint_binding_value(&keys, &in, &p, &found), 1);
    expect_strings(&p, (const char *[]){"a", "b"}, 2);
    free(found.v);

    found = (awsc_ep_strings){0};
    awsc_endpoint_binding strs = {"Names", AWSC_EP_STRING_ARRAY, NULL, NULL, false, names_path, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&strs, &in, &p, &found), 1);
    expect_strings(&p, (const char *[]){"n1", "n2"}, 2);
    free(found.v);

    /* a string parameter takes the first string a path finds; none found leaves it unset */
    found = (awsc_ep_strings){0};
    awsc_endpoint_binding first = {"ResourceArn", AWSC_EP_STRING, NULL, NULL, false, put_path, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&first, &in, &p, &found), 1);
    cr_expect_str_eq(p.string, "t-put-0");
    free(found.v);
    found = (awsc_ep_strings){0};
    input empty = {0};
    cr_assert_eq(awsc_endpoint_binding_value(&first, &empty, &p, &found), 0);
    /* an empty list is an empty array, not an absent one */
    cr_assert_eq(awsc_endpoint_binding_value(&proj, &empty, &p, &found), 1);
    cr_expect_eq(p.count, 0);
    free(found.v);
}

Test(endpoint_params, members_and_constants)
{
    titem items[3];
    put puts[3];
    entry entries[2];
    const char *names[2];
    input in = sample(items, puts, entries, names);
    awsc_endpoint_param p;
    awsc_ep_strings found = {0};
    awsc_endpoint_binding table = {"ResourceArn", AWSC_EP_STRING, &input_members[1], NULL, false, NULL, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&table, &in, &p, &found), 1);
    cr_expect_str_eq(p.string, "t-direct");
    cr_expect_str_eq(p.name, "ResourceArn");
    awsc_endpoint_binding flag = {"Flag", AWSC_EP_BOOLEAN, &input_members[4], NULL, false, NULL, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&flag, &in, &p, &found), 1);
    cr_expect(p.boolean);
    in.has_flag = false; /* absent, not false */
    cr_assert_eq(awsc_endpoint_binding_value(&flag, &in, &p, &found), 0);
    in.table = NULL;
    cr_assert_eq(awsc_endpoint_binding_value(&table, &in, &p, &found), 0);
    awsc_endpoint_binding constant = {"UseControl", AWSC_EP_BOOLEAN, NULL, NULL, true, NULL, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&constant, NULL, &p, &found), 1);
    cr_expect(p.boolean);
    awsc_endpoint_binding mode = {"Mode", AWSC_EP_STRING, NULL, "fast", false, NULL, NULL, false};
    cr_assert_eq(awsc_endpoint_binding_value(&mode, &in, &p, &found), 1);
    cr_expect_str_eq(p.string, "fast");
    cr_expect_null(found.v);
}
