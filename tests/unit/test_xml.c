/*
 * libawsc-xml: the hardened parser, and the descriptor-driven reader and
 * writer through hand-written structures and descriptor tables, so that each
 * XML form (attributes, wrapped and flattened lists and maps, unions,
 * namespaces) is covered on its own.
 */
#include <criterion/criterion.h>

#include "arena.h"
#include "awsc/xml.h"
#include "buf.h"
#include "codec.h"
#include "error.h"
#include "http.h"
#include "xml.h"

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
    const char *id; /* an attribute */
} inner;

typedef struct str_list {
    const char **items;
    size_t count;
} str_list;

typedef struct inner_list {
    inner *items;
    size_t count;
} inner_list;

typedef struct str_map_entry {
    const char *key;
    const char *value;
} str_map_entry;

typedef struct str_map {
    str_map_entry *entries;
    size_t count;
} str_map;

typedef struct uni {
    int type; /* 0 unset, 1 s, 2 i, -1 unknown */
    union {
        const char *s;
        int32_t i;
    } value;
} uni;

typedef struct all {
    const char *str;
    color col;
    const char *col_raw;
    bool b;
    bool has_b;
    int8_t by;
    bool has_by;
    int32_t i;
    bool has_i;
    int64_t l;
    bool has_l;
    float f;
    bool has_f;
    double d;
    bool has_d;
    const char *bigd;
    awsc_blob blob;
    awsc_timestamp ts;
    bool has_ts;
    awsc_timestamp ts_epoch;
    bool has_ts_epoch;
    const char *attr;
    const inner *nested;
    str_list wrapped;
    str_list flat;
    inner_list inners;
    str_map map;
    str_map flat_map;
    const uni *u;
    const char *hdr; /* header-bound: not in the body */
} all;

#define M(C, nm, wire, fld, T) .name = nm, .wire_name = wire, .offset = offsetof(C, fld), .type = T
#define NOHAS .has_offset = AWSC_NO_OFFSET
#define HAS(C, f) .has_offset = offsetof(C, f)
#define NORAW .raw_offset = AWSC_NO_OFFSET
#define ELEM(wire, T) .name = "member", .wire_name = wire, .offset = 0, .type = T, NOHAS, NORAW

static const char *const color_values[] = {"RED", "GREEN"};
static const awsc_shape color_shape = {.name = "Color", .type = AWSC_T_ENUM, .size = sizeof(color),
                                       .enum_values = color_values, .enum_count = 2};

static const awsc_member inner_members[] = {
    {M(inner, "name", "Name", name, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner, "n", "N", n, AWSC_T_INT), HAS(inner, has_n), NORAW},
    {M(inner, "id", "id", id, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
};
static const awsc_shape inner_shape = {.name = "Inner", .type = AWSC_T_STRUCT, .size = sizeof(inner),
                                       .members = inner_members, .member_count = 3};

static const awsc_member str_list_members[] = {{ELEM("member", AWSC_T_STRING)}};
static const awsc_shape str_list_shape = {.name = "StrList", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                          .members = str_list_members, .member_count = 1};
static const awsc_member item_list_members[] = {{ELEM("item", AWSC_T_STRING)}};
static const awsc_shape item_list_shape = {.name = "ItemList", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                           .members = item_list_members, .member_count = 1};
static const awsc_member inner_list_members[] = {
    {ELEM("Inner", AWSC_T_STRUCT), .flags = AWSC_F_INLINE, .shape = &inner_shape}};
static const awsc_shape inner_list_shape = {.name = "InnerList", .type = AWSC_T_LIST, .size = sizeof(inner),
                                            .members = inner_list_members, .member_count = 1};

static const awsc_member str_map_members[] = {
    {M(str_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "value", value, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape str_map_shape = {.name = "StrMap", .type = AWSC_T_MAP, .size = sizeof(str_map_entry),
                                         .members = str_map_members, .member_count = 2};
static const awsc_member named_map_members[] = {
    {M(str_map_entry, "key", "K", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "V", value, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape named_map_shape = {.name = "NamedMap", .type = AWSC_T_MAP, .size = sizeof(str_map_entry),
                                           .members = named_map_members, .member_count = 2};

static const awsc_member uni_members[] = {
    {M(uni, "s", "S", value.s, AWSC_T_STRING), NOHAS, NORAW},
    {M(uni, "i", "I", value.i, AWSC_T_INT), NOHAS, NORAW},
};
static const awsc_shape uni_shape = {.name = "Uni", .type = AWSC_T_UNION, .size = sizeof(uni),
                                     .members = uni_members, .member_count = 2,
                                     .union_tag_offset = offsetof(uni, type)};

static const awsc_member all_members[] = {
    {M(all, "str", "Str", str, AWSC_T_STRING), NOHAS, NORAW},
    {M(all, "col", "Col", col, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(all, col_raw), .shape = &color_shape},
    {M(all, "b", "B", b, AWSC_T_BOOL), HAS(all, has_b), NORAW},
    {M(all, "by", "By", by, AWSC_T_BYTE), HAS(all, has_by), NORAW},
    {M(all, "i", "I", i, AWSC_T_INT), HAS(all, has_i), NORAW},
    {M(all, "l", "L", l, AWSC_T_LONG), HAS(all, has_l), NORAW},
    {M(all, "f", "F", f, AWSC_T_FLOAT), HAS(all, has_f), NORAW},
    {M(all, "d", "D", d, AWSC_T_DOUBLE), HAS(all, has_d), NORAW},
    {M(all, "bigd", "BigD", bigd, AWSC_T_BIG_DECIMAL), NOHAS, NORAW},
    {M(all, "blob", "Blob", blob, AWSC_T_BLOB), NOHAS, NORAW},
    {M(all, "ts", "Ts", ts, AWSC_T_TIMESTAMP), HAS(all, has_ts), NORAW},
    {M(all, "tsEpoch", "TsEpoch", ts_epoch, AWSC_T_TIMESTAMP), HAS(all, has_ts_epoch), NORAW,
     .ts_format = AWSC_TS_EPOCH_SECONDS},
    {M(all, "attr", "a:attr", attr, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
    {M(all, "nested", "Nested", nested, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape,
     .ext = &(const awsc_member_ext){.xml_namespace = " xmlns=\"urn:n\""}},
    {M(all, "wrapped", "Wrapped", wrapped, AWSC_T_LIST), NOHAS, NORAW, .shape = &item_list_shape},
    {M(all, "flat", "Flat", flat, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED, .shape = &str_list_shape},
    {M(all, "inners", "Inners", inners, AWSC_T_LIST), NOHAS, NORAW, .shape = &inner_list_shape},
    {M(all, "map", "Map", map, AWSC_T_MAP), NOHAS, NORAW, .shape = &str_map_shape},
    {M(all, "flatMap", "FlatMap", flat_map, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED,
     .shape = &named_map_shape},
    {M(all, "u", "U", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &uni_shape},
    {M(all, "hdr", "X-Hdr", hdr, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
};
static const awsc_shape all_shape = {.name = "All", .type = AWSC_T_STRUCT, .size = sizeof(all),
                                     .members = all_members, .member_count = sizeof all_members / sizeof *all_members};

/* ---- helpers ------------------------------------------------------------ */

static awsc_arena *arena;

static void setup(void)
{
    arena = awsc_arena_create();
    cr_assert_not_null(arena);
}

static void teardown(void)
{
    awsc_arena_destroy(arena);
}

TestSuite(xml, .init = setup, .fini = teardown);

static int parse(const char *text, awsc_xml_node **root, awsc_error *err)
{
    return awsc_xml_parse(text, strlen(text), arena, root, err);
}

/* Parses text that must be refused, and returns the message (static storage for the assertion). */
static const char *refused(const char *text, size_t len)
{
    static char msg[512];
    awsc_error err = AWSC_ERROR_INIT;
    awsc_xml_node *root = (awsc_xml_node *)1;
    int rc = awsc_xml_parse(text, len, arena, &root, &err);
    cr_assert_eq(rc, AWSC_E_RESPONSE, "expected a refusal, got %d", rc);
    cr_assert_eq(err.status, AWSC_E_RESPONSE);
    cr_assert_null(root);
    snprintf(msg, sizeof msg, "%s", err.message ? err.message : "");
    awsc_error_clear(&err);
    return msg;
}

static int read_all(const char *text, all *out, awsc_error *err)
{
    awsc_xml_node *root;
    int rc = parse(text, &root, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    return awsc_xml_read_struct(&all_shape, out, root, arena, err);
}

/* ---- parser ------------------------------------------------------------- */

Test(xml, tree_keeps_names_attributes_text_and_order)
{
    awsc_xml_node *root;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(parse("<?xml version=\"1.0\"?><r:Root xmlns:r=\"urn:r\" a=\"1 &amp; 2\">"
                       "<A>x&lt;y</A><B/><A>second<![CDATA[<raw>]]></A>tail</r:Root>",
                       &root, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_str_eq(root->name, "r:Root");
    cr_assert_eq(root->attr_count, 2);
    cr_assert_str_eq(awsc_xml_attr_value(root, "a"), "1 & 2");
    cr_assert_str_eq(awsc_xml_attr_value(root, "xmlns:r"), "urn:r");
    cr_assert_null(awsc_xml_attr_value(root, "b"));
    cr_assert_eq(root->child_count, 3);
    const awsc_xml_node *a = awsc_xml_child(root, "A");
    cr_assert_str_eq(a->text, "x<y");
    cr_assert_str_eq(a->next->name, "B");
    cr_assert_str_eq(a->next->text, "");
    const awsc_xml_node *a2 = awsc_xml_next_same(a);
    cr_assert_str_eq(a2->text, "second<raw>");
    cr_assert_null(awsc_xml_next_same(a2));
    cr_assert_eq(a2->parent, root);
    cr_assert_str_eq(root->text, "tail");
    cr_assert_str_eq(awsc_xml_child_text(root, "B"), "");
    cr_assert_null(awsc_xml_child_text(root, "C"));
    /* Indentation between elements is not text; in a leaf it is. */
    cr_assert_eq(parse("<r>\n  <a>  </a>\n</r>", &root, &err), AWSC_OK);
    cr_assert_str_eq(root->text, "");
    cr_assert_str_eq(root->first_child->text, "  ");
}

Test(xml, declared_encoding_is_ignored_utf8_is_read)
{
    awsc_xml_node *root;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xc3\xa9</a>", &root, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_str_eq(root->text, "\xc3\xa9");
}

Test(xml, doctype_and_entity_bombs_are_refused)
{
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                         "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                         "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                         "<lolz>&lol3;</lolz>";
    cr_assert(strstr(refused(laughs, strlen(laughs)), "DOCTYPE"), "%s", refused(laughs, strlen(laughs)));
    const char *external = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    cr_assert(strstr(refused(external, strlen(external)), "DOCTYPE"));
    const char *plain = "<!DOCTYPE r><r/>";
    cr_assert(strstr(refused(plain, strlen(plain)), "DOCTYPE"));
    /* An undeclared entity is an error, not an empty string. */
    const char *undeclared = "<r>&x;</r>";
    cr_assert(strstr(refused(undeclared, strlen(undeclared)), "entity"), "%s",
              refused(undeclared, strlen(undeclared)));
}

Test(xml, depth_limit)
{
    char doc[2 * 8 * (AWSC_XML_MAX_DEPTH + 2)] = "";
    for (int i = 0; i < AWSC_XML_MAX_DEPTH; i++)
        strcat(doc, "<a>");
    for (int i = 0; i < AWSC_XML_MAX_DEPTH; i++)
        strcat(doc, "</a>");
    awsc_xml_node *root;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(parse(doc, &root, &err), AWSC_OK, "exactly the limit is fine: %s", err.message);
    doc[0] = '\0';
    for (int i = 0; i <= AWSC_XML_MAX_DEPTH; i++)
        strcat(doc, "<a>");
    for (int i = 0; i <= AWSC_XML_MAX_DEPTH; i++)
        strcat(doc, "</a>");
    cr_assert(strstr(refused(doc, strlen(doc)), "nested too deeply"));
}

Test(xml, truncated_and_malformed_documents)
{
    const char *bad[] = {"", "   ", "<a>", "<a><b></a>", "<a></b>", "<a>x</a><b/>", "text", "<a x=1/>",
                         "<a x=\"1\" x=\"2\"/>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a", "<?xml version=\"1.0\"?>"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *msg = refused(bad[i], strlen(bad[i]));
        cr_assert(strstr(msg, "invalid XML at line"), "%s: %s", bad[i], msg);
    }
    /* Every prefix of a good document is refused, never crashes. */
    const char *good = "<a x=\"1\"><b>t&amp;</b><c/></a>";
    for (size_t n = 0; n < strlen(good); n++)
        refused(good, n);
}

Test(xml, invalid_utf8_is_refused)
{
    const char *bad[] = {"<a>\xff</a>", "<a>\xc3</a>", "<a>\xed\xa0\x80</a>", "<a b=\"\xc0\xaf\"/>", "<\xfe/>"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        refused(bad[i], strlen(bad[i]));
    /* An embedded NUL byte is not XML. */
    refused("<a>\0</a>", 8);
}

/* ---- reader ------------------------------------------------------------- */

Test(xml, reads_every_form)
{
    const char *doc =
        "<AllResponse xmlns=\"urn:x\" a:attr=\"at&amp;tr\">\n"
        "  <Str>  spaced &lt;text&gt;\n</Str>\n"
        "  <Col>GREEN</Col><B> true </B><By>-128</By><I>2147483647</I><L>-9223372036854775808</L>\n"
        "  <F>1.5</F><D>-Infinity</D><BigD>123.456e7</BigD><Blob>aGk=</Blob>\n"
        "  <Ts>2019-12-16T23:48:18.5Z</Ts><TsEpoch>1576540098</TsEpoch>\n"
        "  <Nested id=\"n1\"><Name>in</Name><N>7</N></Nested>\n"
        "  <Wrapped><item>w1</item><item>w2</item></Wrapped>\n"
        "  <Flat>f1</Flat><Unknown><Flat>not me</Flat></Unknown><Flat>f2</Flat>\n"
        "  <Inners><Inner id=\"x\"><Name>a</Name></Inner><Inner><N>2</N></Inner></Inners>\n"
        "  <Map><entry><key>k1</key><value>v1</value></entry><entry><key>k2</key><value>v2</value></entry>"
        "<entry><key>k1</key><value>v3</value></entry></Map>\n"
        "  <FlatMap><K>a</K><V>1</V></FlatMap><Str2/><FlatMap><K>b</K><V>2</V></FlatMap>\n"
        "  <U><I>5</I></U><X-Hdr>ignored</X-Hdr>\n"
        "</AllResponse>";
    all a;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_all(doc, &a, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(a.str, "  spaced <text>\n");
    cr_assert_eq(a.col, COLOR_GREEN);
    cr_assert_str_eq(a.col_raw, "GREEN");
    cr_assert(a.b && a.has_b);
    cr_assert(a.by == -128 && a.has_by);
    cr_assert(a.i == 2147483647 && a.has_i);
    cr_assert(a.l == INT64_MIN && a.has_l);
    cr_assert(a.f == 1.5f && a.has_f);
    cr_assert(isinf(a.d) && a.d < 0 && a.has_d);
    cr_assert_str_eq(a.bigd, "123.456e7");
    cr_assert(a.blob.len == 2 && memcmp(a.blob.data, "hi", 2) == 0);
    cr_assert(a.has_ts && a.ts.seconds == 1576540098 && a.ts.nanos == 500000000);
    cr_assert(a.has_ts_epoch && a.ts_epoch.seconds == 1576540098);
    cr_assert_str_eq(a.attr, "at&tr");
    cr_assert_not_null(a.nested);
    cr_assert_str_eq(a.nested->name, "in");
    cr_assert(a.nested->n == 7 && a.nested->has_n);
    cr_assert_str_eq(a.nested->id, "n1");
    cr_assert_eq(a.wrapped.count, 2);
    cr_assert_str_eq(a.wrapped.items[1], "w2");
    cr_assert_eq(a.flat.count, 2, "flattened items need not be adjacent, nested ones do not count");
    cr_assert_str_eq(a.flat.items[0], "f1");
    cr_assert_str_eq(a.flat.items[1], "f2");
    cr_assert_eq(a.inners.count, 2);
    cr_assert_str_eq(a.inners.items[0].name, "a");
    cr_assert_str_eq(a.inners.items[0].id, "x");
    cr_assert(!a.inners.items[0].has_n);
    cr_assert(a.inners.items[1].n == 2 && a.inners.items[1].has_n);
    cr_assert_eq(a.map.count, 2, "a repeated key replaces the earlier entry");
    cr_assert_str_eq(a.map.entries[0].key, "k1");
    cr_assert_str_eq(a.map.entries[0].value, "v3");
    cr_assert_eq(a.flat_map.count, 2);
    cr_assert_str_eq(a.flat_map.entries[1].key, "b");
    cr_assert_str_eq(a.flat_map.entries[1].value, "2");
    cr_assert_not_null(a.u);
    cr_assert_eq(a.u->type, 2);
    cr_assert_eq(a.u->value.i, 5);
    cr_assert_null(a.hdr, "header-bound members are not read from the body");
}

Test(xml, absent_members_stay_absent_and_empty_collections_are_present)
{
    all a;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_all("<R><Wrapped/><Map></Map><Str></Str><Col>PURPLE</Col></R>", &a, &err), AWSC_OK, "%s",
                 err.message);
    cr_assert(!a.has_b && !a.has_i && !a.has_ts);
    cr_assert_null(a.nested);
    cr_assert_null(a.flat.items);
    cr_assert_not_null(a.wrapped.items);
    cr_assert_eq(a.wrapped.count, 0);
    cr_assert_not_null(a.map.entries);
    cr_assert_str_eq(a.str, "");
    cr_assert_eq(a.col, COLOR_UNKNOWN);
    cr_assert_str_eq(a.col_raw, "PURPLE");
}

static void bad_value(const char *doc, const char *member)
{
    all a;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_all(doc, &a, &err), AWSC_E_RESPONSE, "%s", doc);
    cr_assert(strstr(err.message, member), "%s: %s", doc, err.message);
    awsc_error_clear(&err);
}

Test(xml, bad_values_are_errors_naming_the_member)
{
    bad_value("<R><I>2147483648</I></R>", "member i");
    bad_value("<R><I>-2147483649</I></R>", "member i");
    bad_value("<R><By>128</By></R>", "member by");
    bad_value("<R><L>9223372036854775808</L></R>", "member l");
    bad_value("<R><L>99999999999999999999999999999999</L></R>", "member l");
    bad_value("<R><I>12abc</I></R>", "member i");
    bad_value("<R><I></I></R>", "member i");
    bad_value("<R><B>yes</B></R>", "member b");
    bad_value("<R><D>1.5.5</D></R>", "member d");
    bad_value("<R><Blob>!!!</Blob></R>", "member blob");
    bad_value("<R><BigD>1.5.5</BigD></R>", "member bigd");
    bad_value("<R><BigD>abc</BigD></R>", "member bigd");
    bad_value("<R><BigD>1e</BigD></R>", "member bigd");
    bad_value("<R><BigD>.5</BigD></R>", "member bigd");
    bad_value("<R><BigD></BigD></R>", "member bigd");
    bad_value("<R><Ts>yesterday</Ts></R>", "member ts");
    bad_value("<R><Nested><N>x</N></Nested></R>", "member n");
    bad_value("<R><U><S>a</S><I>1</I></U></R>", "more than one");
    bad_value("<R><Map><entry><value>v</value></entry></Map></R>", "without a key");
}

/* ---- writer ------------------------------------------------------------- */

static char *write_all(const all *a, const char *ns, awsc_error *err)
{
    awsc_buf out = AWSC_BUF_INIT;
    if (awsc_xml_write_struct(&out, &all_shape, a, "AllRequest", ns, err) != AWSC_OK) {
        awsc_buf_free(&out);
        return NULL;
    }
    return awsc_buf_take(&out);
}

Test(xml, writes_every_form)
{
    const char *wrapped[] = {"w1", "w<2"};
    const char *flat[] = {"f1", "f2"};
    inner inners[] = {{.name = "a", .id = "x\"y"}, {.n = 3, .has_n = true}};
    str_map_entry map[] = {{"k", "v"}};
    str_map_entry flat_map[] = {{"a", "1"}, {"b", "2"}};
    inner nested = {.name = "in"};
    uni u = {.type = 1, .value.s = "s"};
    all a = {.str = "a&b\r\nc>", .col = COLOR_RED, .b = false, .has_b = true, .i = -5, .has_i = true,
             .f = 0.1f, .has_f = true, .d = NAN, .has_d = true, .blob = {(const uint8_t *)"hi", 2},
             .ts = {1576540098, 0}, .has_ts = true, .ts_epoch = {1576540098, 250000000}, .has_ts_epoch = true,
             .attr = "v\n1", .nested = &nested, .wrapped = {wrapped, 2}, .flat = {flat, 2},
             .inners = {inners, 2}, .map = {map, 1}, .flat_map = {flat_map, 2}, .u = &u, .hdr = "not in body"};
    awsc_error err = AWSC_ERROR_INIT;
    char *xml = write_all(&a, " xmlns=\"urn:x\"", &err);
    cr_assert_not_null(xml, "%s", err.message);
    cr_assert_str_eq(xml,
                     "<AllRequest xmlns=\"urn:x\" a:attr=\"v&#xA;1\">"
                     "<Str>a&amp;b&#xD;\nc&gt;</Str><Col>RED</Col><B>false</B><I>-5</I><F>0.1</F><D>NaN</D>"
                     "<Blob>aGk=</Blob><Ts>2019-12-16T23:48:18Z</Ts><TsEpoch>1576540098.25</TsEpoch>"
                     "<Nested xmlns=\"urn:n\"><Name>in</Name></Nested>"
                     "<Wrapped><item>w1</item><item>w&lt;2</item></Wrapped>"
                     "<Flat>f1</Flat><Flat>f2</Flat>"
                     "<Inners><Inner id=\"x&quot;y\"><Name>a</Name></Inner><Inner><N>3</N></Inner></Inners>"
                     "<Map><entry><key>k</key><value>v</value></entry></Map>"
                     "<FlatMap><K>a</K><V>1</V></FlatMap><FlatMap><K>b</K><V>2</V></FlatMap>"
                     "<U><S>s</S></U>"
                     "</AllRequest>");
    /* What is written reads back. */
    all back;
    cr_assert_eq(read_all(xml, &back, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(back.str, "a&b\r\nc>");
    cr_assert_str_eq(back.attr, "v\n1");
    cr_assert_str_eq(back.inners.items[0].id, "x\"y");
    cr_assert(isnan(back.d));
    cr_assert_eq(back.ts_epoch.nanos, 250000000);
    free(xml);
}

Test(xml, writer_refuses_invalid_values)
{
    awsc_error err = AWSC_ERROR_INIT;
    all a = {.str = "bad \xff utf-8"};
    cr_assert_null(write_all(&a, NULL, &err));
    cr_assert_eq(err.status, AWSC_E_VALIDATION);
    cr_assert(strstr(err.message, "str"), "%s", err.message);
    awsc_error_clear(&err);
    const char *controls[] = {"bell\a", "nul\x01", "\xef\xbf\xbe"};
    for (size_t i = 0; i < 3; i++) {
        all c = {.str = controls[i]};
        cr_assert_null(write_all(&c, NULL, &err), "%s", controls[i]);
        cr_assert_eq(err.status, AWSC_E_VALIDATION);
        awsc_error_clear(&err);
    }
    uni unset = {0};
    all b = {.u = &unset};
    cr_assert_null(write_all(&b, NULL, &err));
    cr_assert_eq(err.status, AWSC_E_VALIDATION);
    awsc_error_clear(&err);
}

Test(xml, write_member_uses_the_given_element_name)
{
    inner nested = {.name = "n", .id = "7"};
    all a = {.nested = &nested};
    awsc_buf out = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_xml_write_member(&out, &all_members[13], &a, "Payload", &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(out.data, "<Payload xmlns=\"urn:n\" id=\"7\"><Name>n</Name></Payload>");
    awsc_buf_free(&out);
}

/* ---- defaults and required members a response left out ------------------- */

typedef struct defs {
    int32_t n;
    const char *s;
    bool b;
    str_list l;
    awsc_timestamp ts;
    const char *escaped;
    const char *req;
    const inner *req_st;
    str_list req_l;
} defs;

static const awsc_member defs_members[] = {
    {M(defs, "n", "N", n, AWSC_T_INT), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "5"}},
    {M(defs, "s", "S", s, AWSC_T_STRING), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "\"dflt\""}},
    {M(defs, "b", "B", b, AWSC_T_BOOL), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "true"}},
    {M(defs, "l", "L", l, AWSC_T_LIST), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "[]"}, .shape = &str_list_shape},
    {M(defs, "ts", "Ts", ts, AWSC_T_TIMESTAMP), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "1.5"},
     .ts_format = AWSC_TS_HTTP_DATE},
    {M(defs, "escaped", "E", escaped, AWSC_T_STRING), NOHAS, NORAW, .ext = &(const awsc_member_ext){.default_json = "\"a\\\"b\""}},
    {M(defs, "req", "Req", req, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(defs, "reqSt", "ReqSt", req_st, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_REQUIRED, .shape = &inner_shape},
    {M(defs, "reqL", "ReqL", req_l, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_REQUIRED, .shape = &str_list_shape},
};
static const awsc_shape defs_shape = {.name = "Defs", .type = AWSC_T_STRUCT, .size = sizeof(defs),
                                      .members = defs_members, .member_count = 9};

Test(xml, defaults_and_required_members_fill_what_the_response_left_out)
{
    awsc_xml_node *root;
    awsc_error err = AWSC_ERROR_INIT;
    defs d = {0};
    cr_assert_eq(parse("<R/>", &root, &err), AWSC_OK);
    cr_assert_eq(awsc_xml_read_struct(&defs_shape, &d, root, arena, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(d.n, 5);
    cr_assert_str_eq(d.s, "dflt");
    cr_assert(d.b);
    cr_assert(d.l.items && d.l.count == 0);
    cr_assert(d.ts.seconds == 1 && d.ts.nanos == 500000000, "defaults are JSON whatever the wire format");
    cr_assert_null(d.escaped);
    cr_assert_str_eq(d.req, "");
    cr_assert_not_null(d.req_st);
    cr_assert(d.req_l.items && d.req_l.count == 0);
    /* What the response says wins. */
    defs e = {0};
    cr_assert_eq(parse("<R><N>0</N><S>x</S><B>false</B><Req>r</Req></R>", &root, &err), AWSC_OK);
    cr_assert_eq(awsc_xml_read_struct(&defs_shape, &e, root, arena, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(e.n, 0);
    cr_assert_str_eq(e.s, "x");
    cr_assert(!e.b);
    cr_assert_str_eq(e.req, "r");
}

/* ---- the restXml codec's error bodies ------------------------------------ */

static awsc_error_fields error_fields_of(const char *body)
{
    awsc_http_response resp = {.status = 400};
    awsc_buf_puts(&resp.body, body);
    awsc_error_fields f = {0};
    cr_assert_eq(awsc_codec_rest_xml.error_fields(&resp, arena, &f), 0);
    awsc_buf_free(&resp.body);
    return f;
}

Test(xml, rest_xml_error_bodies_wrapped_and_not)
{
    awsc_error_fields f = error_fields_of("<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchThing</Code>"
                                          "<Message>gone</Message></Error><RequestId>r-1</RequestId></ErrorResponse>");
    cr_assert_str_eq(f.code, "NoSuchThing");
    cr_assert_str_eq(f.message, "gone");
    cr_assert_str_eq(f.request_id, "r-1");
    /* noErrorWrapping services (S3's style): <Error> is the root, the request id inside it. */
    f = error_fields_of("<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>no key</Message>"
                        "<RequestId>r-2</RequestId></Error>");
    cr_assert_str_eq(f.code, "NoSuchKey");
    cr_assert_str_eq(f.message, "no key");
    cr_assert_str_eq(f.request_id, "r-2");
    /* Not XML, or nothing: no fields, no failure (the status code speaks). */
    f = error_fields_of("<html><body>Bad Gateway</html>");
    cr_assert(!f.code && !f.message && !f.request_id);
    f = error_fields_of("");
    cr_assert(!f.code && !f.message);
}

Test(xml, rest_xml_error_detail_is_read_from_inside_error)
{
    inner detail = {0};
    awsc_error err = AWSC_ERROR_INIT;
    const char *wrapped = "<ErrorResponse><Error><Code>E</Code><Name>w</Name><N>1</N></Error></ErrorResponse>";
    cr_assert_eq(awsc_codec_rest_xml.read_body(NULL, &inner_shape, true, &detail, wrapped, strlen(wrapped), arena,
                                               &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_str_eq(detail.name, "w");
    cr_assert_eq(detail.n, 1);
    inner bare = {0};
    const char *unwrapped = "<Error><Code>E</Code><Name>u</Name></Error>";
    cr_assert_eq(awsc_codec_rest_xml.read_body(NULL, &inner_shape, true, &bare, unwrapped, strlen(unwrapped), arena,
                                               &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_str_eq(bare.name, "u");
    /* A body that is not XML is a response error with the position. */
    inner bad = {0};
    cr_assert_eq(awsc_codec_rest_xml.read_body(NULL, &inner_shape, false, &bad, "<a>", 3, arena, &err),
                 AWSC_E_RESPONSE);
    cr_assert(strstr(err.message, "line 1"), "%s", err.message);
    awsc_error_clear(&err);
}
