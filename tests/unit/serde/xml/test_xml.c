/*
 * libawsc-xml: the hardened parser, and the descriptor-driven reader and
 * writer through hand-written structures and descriptor tables, so that each
 * XML form (attributes, wrapped and flattened lists and maps, unions,
 * namespaces) is covered on its own.
 */
#include <criterion/criterion.h>

#include "util/arena.h"
#include "awsc/xml.h"
#include "util/buf.h"
#include "serde/codec.h"
#include "util/error.h"
#include "http/http.h"
#include "serde/xml/xml.h"

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
    cr_assert_str_eq(f.type, "Sender");
    cr_assert_null(f.host_id);
    /* noErrorWrapping services (S3's style): <Error> is the root, the request id and HostId inside it. */
    f = error_fields_of("<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>no key</Message>"
                        "<RequestId>r-2</RequestId><HostId>h0st/Id=</HostId></Error>");
    cr_assert_str_eq(f.code, "NoSuchKey");
    cr_assert_str_eq(f.message, "no key");
    cr_assert_str_eq(f.request_id, "r-2");
    cr_assert_str_eq(f.host_id, "h0st/Id=");
    cr_assert_null(f.type);
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

/* ---- more forms: sparse lists, maps of structures, unions of every kind, recursion ---- */

typedef struct int_ptr_list {
    int32_t **items;
    size_t count;
} int_ptr_list;

typedef struct inner_map_entry {
    const char *key;
    inner value;
} inner_map_entry;

typedef struct inner_map {
    inner_map_entry *entries;
    size_t count;
} inner_map;

typedef struct uni2 {
    int type; /* 1 nothing, 2 items (flattened), 3 st */
    union {
        str_list items;
        const inner *st;
    } value;
} uni2;

typedef struct extra {
    int_ptr_list sparse_ints;
    str_list sparse_strs;
    inner_map inner_map;
    const uni2 *u;
    const char *doc;
    const char *bigi;
    int32_t n_attr;
    bool has_n_attr;
    const struct extra *child;
    awsc_timestamp hd;
    bool has_hd;
    float f;
    bool has_f;
    awsc_blob blob;
    color col;
    const char *col_raw;
} extra;

static const awsc_member sparse_int_members[] = {{ELEM("member", AWSC_T_INT), .flags = AWSC_F_BOXED | AWSC_F_NULLABLE}};
static const awsc_shape sparse_int_shape = {.name = "SparseInts", .type = AWSC_T_LIST, .size = sizeof(int32_t *),
                                            .members = sparse_int_members, .member_count = 1};
static const awsc_member sparse_str_members[] = {{ELEM("member", AWSC_T_STRING), .flags = AWSC_F_NULLABLE}};
static const awsc_shape sparse_str_shape = {.name = "SparseStrs", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                            .members = sparse_str_members, .member_count = 1};
static const awsc_member inner_map_members[] = {
    {M(inner_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner_map_entry, "value", "value", value, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_INLINE,
     .shape = &inner_shape},
};
static const awsc_shape inner_map_shape = {.name = "InnerMap", .type = AWSC_T_MAP, .size = sizeof(inner_map_entry),
                                           .members = inner_map_members, .member_count = 2};
static const awsc_member uni2_members[] = {
    {.name = "nothing", .wire_name = "Nothing", .type = AWSC_T_UNIT, NOHAS, NORAW},
    {M(uni2, "items", "Item", value.items, AWSC_T_LIST), NOHAS, NORAW, .flags = AWSC_F_XML_FLATTENED,
     .shape = &str_list_shape},
    {M(uni2, "st", "St", value.st, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &inner_shape},
};
static const awsc_shape uni2_shape = {.name = "Uni2", .type = AWSC_T_UNION, .size = sizeof(uni2),
                                      .members = uni2_members, .member_count = 3,
                                      .union_tag_offset = offsetof(uni2, type)};
static const awsc_shape extra_shape;
static const awsc_member extra_members[] = {
    {M(extra, "sparseInts", "SparseInts", sparse_ints, AWSC_T_LIST), NOHAS, NORAW, .shape = &sparse_int_shape},
    {M(extra, "sparseStrs", "SparseStrs", sparse_strs, AWSC_T_LIST), NOHAS, NORAW, .shape = &sparse_str_shape},
    {M(extra, "innerMap", "InnerMap", inner_map, AWSC_T_MAP), NOHAS, NORAW, .shape = &inner_map_shape},
    {M(extra, "u", "U", u, AWSC_T_UNION), NOHAS, NORAW, .shape = &uni2_shape},
    {M(extra, "doc", "Doc", doc, AWSC_T_DOCUMENT), NOHAS, NORAW},
    {M(extra, "bigi", "BigI", bigi, AWSC_T_BIG_INTEGER), NOHAS, NORAW},
    {M(extra, "nAttr", "n", n_attr, AWSC_T_INT), HAS(extra, has_n_attr), NORAW, .flags = AWSC_F_XML_ATTRIBUTE},
    {M(extra, "child", "Child", child, AWSC_T_STRUCT), NOHAS, NORAW, .shape = &extra_shape},
    {M(extra, "hd", "Hd", hd, AWSC_T_TIMESTAMP), HAS(extra, has_hd), NORAW, .ts_format = AWSC_TS_HTTP_DATE},
    {M(extra, "f", "F", f, AWSC_T_FLOAT), HAS(extra, has_f), NORAW},
    {M(extra, "blob", "Blob", blob, AWSC_T_BLOB), NOHAS, NORAW},
    {M(extra, "col", "Col", col, AWSC_T_ENUM), NOHAS, NORAW, .shape = &color_shape},
};
static const awsc_shape extra_shape = {.name = "Extra", .type = AWSC_T_STRUCT, .size = sizeof(extra),
                                       .members = extra_members,
                                       .member_count = sizeof extra_members / sizeof *extra_members};

static int read_extra(const char *text, extra *out, awsc_error *err)
{
    awsc_xml_node *root;
    memset(out, 0, sizeof *out);
    int rc = parse(text, &root, err);
    return rc ? rc : awsc_xml_read_struct(&extra_shape, out, root, arena, err);
}

/* Reads `doc`, which must be refused with exactly `message`. */
static void extra_refused(const char *doc, const char *message)
{
    extra x;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_extra(doc, &x, &err), AWSC_E_RESPONSE, "%s", doc);
    cr_assert_str_eq(err.message, message, "%s: %s", doc, err.message);
    awsc_error_clear(&err);
}

static char *write_extra(const extra *x, awsc_error *err)
{
    awsc_buf out = AWSC_BUF_INIT;
    if (awsc_xml_write_struct(&out, &extra_shape, x, "X", NULL, err) != AWSC_OK) {
        awsc_buf_free(&out);
        return NULL;
    }
    return awsc_buf_take(&out);
}

static void extra_write_refused(const extra *x, const char *message)
{
    awsc_error err = AWSC_ERROR_INIT;
    char *xml = write_extra(x, &err);
    cr_assert_null(xml, "written: %s", xml);
    cr_assert_eq(err.status, AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, message);
    awsc_error_clear(&err);
}

Test(xml, reads_sparse_lists_maps_of_structures_and_attributes)
{
    extra x;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_extra("<X n=\" 42 \"><SparseInts><member>1</member><member/><member> -2 </member></SparseInts>"
                            "<SparseStrs><member>a</member><member/></SparseStrs>"
                            "<InnerMap><entry><key>k</key><value id=\"i\"><Name>nm</Name><N>3</N></value></entry>"
                            "<entry><key>only-key</key></entry></InnerMap>"
                            "<BigI>-12345678901234567890</BigI><Hd>Mon, 16 Dec 2019 23:48:18 GMT</Hd>"
                            "<Col>\tRED</Col></X>",
                            &x, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert(x.has_n_attr && x.n_attr == 42, "attribute values are trimmed like element text");
    cr_assert_eq(x.sparse_ints.count, 3);
    cr_assert_eq(*x.sparse_ints.items[0], 1);
    cr_assert_null(x.sparse_ints.items[1], "an empty element in a sparse list is a null");
    cr_assert_eq(*x.sparse_ints.items[2], -2);
    cr_assert_eq(x.sparse_strs.count, 2);
    cr_assert_str_eq(x.sparse_strs.items[1], "");
    cr_assert_eq(x.inner_map.count, 2);
    cr_assert_str_eq(x.inner_map.entries[0].key, "k");
    cr_assert_str_eq(x.inner_map.entries[0].value.id, "i");
    cr_assert_str_eq(x.inner_map.entries[0].value.name, "nm");
    cr_assert_eq(x.inner_map.entries[0].value.n, 3);
    cr_assert_str_eq(x.inner_map.entries[1].key, "only-key");
    cr_assert_null(x.inner_map.entries[1].value.name, "an entry without <value> leaves the value empty");
    cr_assert_str_eq(x.bigi, "-12345678901234567890");
    cr_assert(x.has_hd && x.hd.seconds == 1576540098, "the member's own timestamp format wins");
    cr_assert_eq(x.col, COLOR_UNKNOWN, "enum text is not trimmed: \"\\tRED\" is not RED");
}

Test(xml, reads_each_kind_of_union_variant)
{
    extra x;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(read_extra("<X><U><Nothing/></U></X>", &x, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(x.u->type, 1);
    cr_assert_eq(read_extra("<X><U><Item>a</Item><Item>b</Item></U></X>", &x, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(x.u->type, 2, "a flattened list variant repeats its element and is still one member");
    cr_assert_eq(x.u->value.items.count, 2);
    cr_assert_str_eq(x.u->value.items.items[1], "b");
    cr_assert_eq(read_extra("<X><U><St id=\"s\"><Name>x</Name></St></U></X>", &x, &err), AWSC_OK, "%s",
                 err.message);
    cr_assert_eq(x.u->type, 3);
    cr_assert_str_eq(x.u->value.st->name, "x");
    cr_assert_str_eq(x.u->value.st->id, "s");
    cr_assert_eq(read_extra("<X><U><Future>1</Future></U></X>", &x, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(x.u->type, -1, "a variant this SDK does not know is kept as unknown");
    cr_assert_eq(read_extra("<X><U/></X>", &x, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(x.u->type, 0);
    extra_refused("<X><U><Future/><Nothing/></U></X>",
                  "invalid XML response: member u (element <U>): union has more than one member set");
    extra_refused("<X><U><Item>a</Item><Nothing/></U></X>",
                  "invalid XML response: member u (element <U>): union has more than one member set");
    extra_refused("<X><U><St><N>x</N></St></U></X>",
                  "invalid XML response: member n (element <N>): invalid or out-of-range integer");
}

Test(xml, each_bad_scalar_has_its_own_message)
{
    bad_value("<R><B>1</B></R>", "invalid XML response: member b (element <B>): expected true or false");
    bad_value("<R><Ts>2019-13-01T00:00:00Z</Ts></R>", "member ts (element <Ts>): invalid timestamp");
    bad_value("<R><TsEpoch>12x</TsEpoch></R>", "member tsEpoch (element <TsEpoch>): invalid timestamp");
    bad_value("<R><Blob>aGk=x</Blob></R>", "member blob (element <Blob>): invalid base64");
    bad_value("<R><F>one</F></R>", "member f (element <F>): invalid number");
    /* Decimal text only: not the hexadecimal and spelled-out forms C's strtod also takes. */
    const char *not_decimal[] = {"0x10", "0x1p3", "inf", "-infinity", "nan", "NAN", "Inf"};
    for (size_t i = 0; i < sizeof not_decimal / sizeof *not_decimal; i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "<R><D>%s</D></R>", not_decimal[i]);
        bad_value(doc, "member d (element <D>): invalid number");
    }
    bad_value("<R><L>1.0</L></R>", "member l (element <L>): invalid or out-of-range integer");
    bad_value("<R><BigD>1.</BigD></R>", "member bigd (element <BigD>): invalid number");
    bad_value("<R><BigD>1.5e+</BigD></R>", "member bigd (element <BigD>): invalid number");
    bad_value("<R><BigD>-</BigD></R>", "member bigd (element <BigD>): invalid number");
    /* Errors inside collections name the innermost member and element. */
    bad_value("<R><Inners><Inner><N>1</N></Inner><Inner><N>x</N></Inner></Inners></R>",
              "member n (element <N>): invalid or out-of-range integer");
    bad_value("<R><Flat>a</Flat><Wrapped><item>b</item></Wrapped><U><I>z</I></U></R>",
              "member i (element <I>): invalid or out-of-range integer");
    bad_value("<R><FlatMap><V>1</V></FlatMap></R>", "member flatMap (element <FlatMap>): map entry without a key");
    bad_value("<R><Nested id=\"x\"><N>9999999999</N></Nested></R>", "member n (element <N>)");
    /* Big numbers: the accepted forms, with the sign and exponent variants. */
    all a;
    awsc_error err = AWSC_ERROR_INIT;
    const char *good[] = {"+1", "-0.5", "1.5E-3", "7e+2", " 12 "};
    const char *want[] = {"+1", "-0.5", "1.5E-3", "7e+2", "12"};
    for (size_t i = 0; i < 5; i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "<R><BigD>%s</BigD></R>", good[i]);
        cr_assert_eq(read_all(doc, &a, &err), AWSC_OK, "%s: %s", doc, err.message);
        cr_assert_str_eq(a.bigd, want[i]);
    }
    extra_refused("<X><BigI>1.5</BigI></X>", "invalid XML response: member bigi (element <BigI>): invalid number");
    extra_refused("<X><BigI>1e3</BigI></X>", "invalid XML response: member bigi (element <BigI>): invalid number");
    extra_refused("<X n=\"x\"/>", "invalid XML response: member nAttr (element <X>): invalid or out-of-range integer");
    extra_refused("<X><SparseInts><member>1</member><member>a</member></SparseInts></X>",
                  "invalid XML response: member sparseInts (element <member>): invalid or out-of-range integer");
    extra_refused("<X><Doc>{}</Doc></X>",
                  "invalid XML response: member doc (element <Doc>): this type cannot be read from XML");
    extra_refused("<X><InnerMap><entry><key>k</key><value><N>?</N></value></entry></InnerMap></X>",
                  "invalid XML response: member n (element <N>): invalid or out-of-range integer");
}

Test(xml, writes_sparse_lists_maps_of_structures_and_unions)
{
    int32_t one = 1;
    int32_t *ints[] = {&one, NULL};
    const char *strs[] = {"s", NULL};
    inner_map_entry im[] = {{"k", {.name = "nm", .id = "i"}}};
    const char *items[] = {"a", "b"};
    uni2 u = {.type = 2, .value.items = {items, 2}};
    extra x = {.sparse_ints = {ints, 2}, .sparse_strs = {strs, 2}, .inner_map = {im, 1}, .u = &u,
               .bigi = "-1", .n_attr = 7, .has_n_attr = true, .hd = {1576540098, 0}, .has_hd = true};
    awsc_error err = AWSC_ERROR_INIT;
    char *xml = write_extra(&x, &err);
    cr_assert_not_null(xml, "%s", err.message);
    cr_assert_str_eq(xml, "<X n=\"7\"><SparseInts><member>1</member><member/></SparseInts>"
                          "<SparseStrs><member>s</member><member/></SparseStrs>"
                          "<InnerMap><entry><key>k</key><value id=\"i\"><Name>nm</Name></value></entry></InnerMap>"
                          "<U><Item>a</Item><Item>b</Item></U><BigI>-1</BigI>"
                          "<Hd>Mon, 16 Dec 2019 23:48:18 GMT</Hd></X>");
    /* The nulls read back as nulls where XML can tell (a string's empty element is ""). */
    extra back;
    cr_assert_eq(read_extra(xml, &back, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(back.sparse_ints.count, 2);
    cr_assert_eq(*back.sparse_ints.items[0], 1);
    cr_assert_null(back.sparse_ints.items[1]);
    cr_assert_str_eq(back.sparse_strs.items[1], "");
    cr_assert_eq(back.u->type, 2);
    cr_assert(back.has_n_attr && back.n_attr == 7);
    free(xml);
    /* A unit variant is an empty element; a structure variant carries its attributes. */
    uni2 unit = {.type = 1};
    extra y = {.u = &unit};
    xml = write_extra(&y, &err);
    cr_assert_str_eq(xml, "<X><U><Nothing/></U></X>");
    free(xml);
    inner st = {.id = "a<b", .n = 1, .has_n = true};
    uni2 with_st = {.type = 3, .value.st = &st};
    extra z = {.u = &with_st};
    xml = write_extra(&z, &err);
    cr_assert_str_eq(xml, "<X><U><St id=\"a&lt;b\"><N>1</N></St></U></X>");
    free(xml);
}

Test(xml, writer_refuses_what_xml_cannot_carry)
{
    extra doc = {.doc = "{}"};
    extra_write_refused(&doc, "doc: this type cannot be written as XML");
    extra bad_attr = {.n_attr = 1, .has_n_attr = true, .col = 9};
    extra_write_refused(&bad_attr, "col: value cannot be written as XML");
    extra bad_ts = {.hd = {0, 1000000000u}, .has_hd = true};
    extra_write_refused(&bad_ts, "hd: value cannot be written as XML");
    uni2 unknown = {.type = -1};
    extra u = {.u = &unknown};
    extra_write_refused(&u, "u: union has no member set");
    uni2 too_big = {.type = 4};
    extra u4 = {.u = &too_big};
    extra_write_refused(&u4, "u: union has no member set");
    /* A bad value deep inside a union, a map and a list names its own member. */
    inner st = {.name = "\x01"};
    uni2 bad_st = {.type = 3, .value.st = &st};
    extra u5 = {.u = &bad_st};
    extra_write_refused(&u5, "name: string is not valid UTF-8 or holds a character XML cannot carry");
    inner_map_entry im[] = {{"k\x02", {.name = "n"}}};
    extra m = {.inner_map = {im, 1}};
    extra_write_refused(&m, "innerMap: string is not valid UTF-8 or holds a character XML cannot carry");
    inner_map_entry im2[] = {{"k", {.id = "\xc3"}}};
    extra m2 = {.inner_map = {im2, 1}};
    extra_write_refused(&m2, "id: string is not valid UTF-8 or holds a character XML cannot carry");
    const char *bad_items[] = {"ok", "\xef\xbf\xbf"};
    uni2 bad_list = {.type = 2, .value.items = {bad_items, 2}};
    extra u6 = {.u = &bad_list};
    extra_write_refused(&u6, "items: string is not valid UTF-8 or holds a character XML cannot carry");
    /* A structure that contains itself 65 levels deep is refused, not a stack overflow. */
    extra chain[AWSC_XML_MAX_DEPTH + 1];
    memset(chain, 0, sizeof chain);
    for (int i = 0; i < AWSC_XML_MAX_DEPTH; i++)
        chain[i].child = &chain[i + 1];
    extra_write_refused(&chain[0], "child: nested too deeply");
    chain[AWSC_XML_MAX_DEPTH - 1].child = NULL; /* exactly the limit */
    awsc_error err = AWSC_ERROR_INIT;
    char *xml = write_extra(&chain[0], &err);
    cr_assert_not_null(xml, "%s", err.message);
    free(xml);
}

Test(xml, escape_handles_every_special_character)
{
    struct {
        const char *in;
        const char *text, *attr;
    } cases[] = {
        {"&<>\"'", "&amp;&lt;&gt;\"'", "&amp;&lt;&gt;&quot;'"},
        {"a\tb\nc\rd", "a\tb\nc&#xD;d", "a&#x9;b&#xA;c&#xD;d"},
        {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
         "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
        {"\xef\xbf\xbd\xee\x80\x80", "\xef\xbf\xbd\xee\x80\x80", "\xef\xbf\xbd\xee\x80\x80"}, /* U+FFFD, U+E000 */
        {"", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int attr = 0; attr < 2; attr++) {
            awsc_buf out = AWSC_BUF_INIT;
            cr_assert_eq(awsc_xml_escape(&out, cases[i].in, strlen(cases[i].in), attr), 0, "%s", cases[i].in);
            cr_assert_str_eq(out.data ? out.data : "", attr ? cases[i].attr : cases[i].text);
            awsc_buf_free(&out);
        }
    }
    /* What XML 1.0 cannot carry at all, in either position. */
    const char *bad[] = {"\x1f", "a\x7f\x00", "\x0b", "\x0c", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xed\xa0\x80", "\xc0\x80",
                         "\xf4\x90\x80\x80"};
    size_t bad_len[] = {1, 3, 1, 1, 3, 3, 3, 2, 4};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        awsc_buf out = AWSC_BUF_INIT;
        cr_assert_eq(awsc_xml_escape(&out, bad[i], bad_len[i], false), -1, "case %zu", i);
        cr_assert_eq(awsc_xml_escape(&out, bad[i], bad_len[i], true), -1, "case %zu", i);
        cr_assert_eq(out.len, 0, "nothing is written for a refused string");
        awsc_buf_free(&out);
    }
}

/* Required members of every kind a response left out, and defaults that do not fit their member. */
typedef struct req_all {
    awsc_blob blob;
    const char *bigi;
    const char *bigd;
    str_map map;
    inner in;
    color col;
    int32_t n;
    str_list not_a_list;
    int32_t bad_default;
    const char *set;
} req_all;

static const awsc_member req_all_members[] = {
    {M(req_all, "blob", "Blob", blob, AWSC_T_BLOB), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(req_all, "bigi", "BigI", bigi, AWSC_T_BIG_INTEGER), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(req_all, "bigd", "BigD", bigd, AWSC_T_BIG_DECIMAL), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    {M(req_all, "map", "Map", map, AWSC_T_MAP), NOHAS, NORAW, .flags = AWSC_F_REQUIRED, .shape = &str_map_shape},
    {M(req_all, "in", "In", in, AWSC_T_STRUCT), NOHAS, NORAW, .flags = AWSC_F_REQUIRED | AWSC_F_INLINE,
     .shape = &inner_shape},
    {M(req_all, "col", "Col", col, AWSC_T_ENUM), NOHAS, NORAW, .flags = AWSC_F_REQUIRED, .shape = &color_shape},
    {M(req_all, "n", "N", n, AWSC_T_INT), NOHAS, NORAW, .flags = AWSC_F_REQUIRED},
    /* a {} default on a list and a [] default on a number: only collections take them */
    {M(req_all, "notAList", "L", not_a_list, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape,
     .ext = &(const awsc_member_ext){.default_json = "{}"}},
    {M(req_all, "badDefault", "B", bad_default, AWSC_T_INT), NOHAS, NORAW,
     .ext = &(const awsc_member_ext){.default_json = "[]"}},
    {M(req_all, "set", "S", set, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_REQUIRED,
     .ext = &(const awsc_member_ext){.default_json = "\""}},
};
static const awsc_shape req_all_shape = {.name = "ReqAll", .type = AWSC_T_STRUCT, .size = sizeof(req_all),
                                         .members = req_all_members, .member_count = 10};

Test(xml, required_members_of_every_kind_get_their_zero_value)
{
    awsc_xml_node *root;
    awsc_error err = AWSC_ERROR_INIT;
    req_all r;
    memset(&r, 0, sizeof r);
    r.n = 3; /* already set by the caller: left alone */
    cr_assert_eq(parse("<R/>", &root, &err), AWSC_OK);
    cr_assert_eq(awsc_xml_read_struct(&req_all_shape, &r, root, arena, &err), AWSC_OK, "%s", err.message);
    cr_assert(r.blob.data && r.blob.len == 0);
    cr_assert_str_eq(r.bigi, "0");
    cr_assert_str_eq(r.bigd, "0");
    cr_assert(r.map.entries && r.map.count == 0);
    cr_assert_null(r.in.name, "an inline structure is already there");
    cr_assert_eq(r.col, COLOR_NOT_SET, "an enum has no zero value to invent");
    cr_assert_eq(r.n, 3);
    cr_assert_not_null(r.not_a_list.items, "a {} default still gives an empty collection");
    cr_assert_eq(r.bad_default, 0);
    cr_assert_null(r.set, "a malformed quoted default is ignored, and a member with a default is not corrected");
}

/* ---- the restXml codec: bodies and payloads -------------------------------- */

static const char *header_of(const awsc_rest_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (strcmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

typedef struct tok_in {
    const char *token;
    const char *name;
} tok_in;

static const awsc_member tok_members[] = {
    {M(tok_in, "token", "Token", token, AWSC_T_STRING), NOHAS, NORAW, .flags = AWSC_F_IDEMPOTENCY_TOKEN},
    {M(tok_in, "name", "Name", name, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape tok_shape = {.name = "TokIn", .type = AWSC_T_STRUCT, .size = sizeof(tok_in),
                                     .members = tok_members, .member_count = 2,
                                     .ext = &(const awsc_shape_ext){.xml_name = "Tok", .xml_namespace = " xmlns=\"urn:t\""}};

Test(xml, rest_xml_body_fills_an_unset_token_without_touching_the_input)
{
    awsc_operation op = {.name = "Put", .input = &tok_shape, .codec = &awsc_codec_rest_xml};
    tok_in in = {.name = "n"};
    awsc_rest_request req = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_codec_rest_xml.write_body(&op, &in, "tok-1", &req, &err), AWSC_OK, "%s", err.message);
    cr_assert(req.has_body);
    cr_assert_str_eq(req.body.data, "<Tok xmlns=\"urn:t\"><Token>tok-1</Token><Name>n</Name></Tok>");
    cr_assert_str_eq(header_of(&req, "Content-Type"), "application/xml");
    cr_assert_null(in.token);
    awsc_rest_request_free(&req);
    /* A token already set is kept, and a Content-Type a member bound is not replaced. */
    tok_in set = {.token = "mine"};
    awsc_rest_request req2 = {0};
    cr_assert_eq(awsc_rest_add_header(&req2, "content-type", "text/xml"), 0);
    cr_assert_eq(awsc_codec_rest_xml.write_body(&op, &set, "tok-2", &req2, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(req2.body.data, "<Tok xmlns=\"urn:t\"><Token>mine</Token></Tok>");
    cr_assert_eq(req2.header_count, 1);
    cr_assert_null(header_of(&req2, "Content-Type"));
    awsc_rest_request_free(&req2);
    /* A value XML cannot carry fails the request. */
    tok_in bad = {.name = "\x1b[0m"};
    awsc_rest_request req3 = {0};
    cr_assert_eq(awsc_codec_rest_xml.write_body(&op, &bad, NULL, &req3, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "name: string is not valid UTF-8 or holds a character XML cannot carry");
    cr_assert(!req3.has_body);
    awsc_rest_request_free(&req3);
    awsc_error_clear(&err);
}

typedef struct payload_in {
    const inner *body;
    const uni *u;
    const char *text;
} payload_in;

static const awsc_member payload_members[] = {
    {M(payload_in, "body", "Body", body, AWSC_T_STRUCT), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD,
     .shape = &(const awsc_shape){.name = "Inner", .type = AWSC_T_STRUCT, .size = sizeof(inner),
                                  .members = inner_members, .member_count = 3,
                                  .ext = &(const awsc_shape_ext){.xml_namespace = " xmlns=\"urn:shape\""}}},
    {M(payload_in, "u", "U", u, AWSC_T_UNION), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD, .shape = &uni_shape,
     .ext = &(const awsc_member_ext){.xml_namespace = " xmlns=\"urn:member\"", .media_type = "application/x-u+xml"}},
    {M(payload_in, "text", "Text", text, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD},
};

Test(xml, rest_xml_payloads_of_each_kind)
{
    inner body = {.name = "b", .id = "1"};
    uni u = {.type = 2, .value.i = 4};
    payload_in in = {.body = &body, .u = &u, .text = "t"};
    awsc_error err = AWSC_ERROR_INIT;
    awsc_rest_request req = {0};
    cr_assert_eq(awsc_codec_rest_xml.write_payload(&payload_members[0], &in, &req, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(req.body.data, "<Body xmlns=\"urn:shape\" id=\"1\"><Name>b</Name></Body>",
                     "the structure's own namespace when the member has none");
    cr_assert_str_eq(header_of(&req, "Content-Type"), "application/xml");
    awsc_rest_request_free(&req);
    awsc_rest_request req2 = {0};
    cr_assert_eq(awsc_codec_rest_xml.write_payload(&payload_members[1], &in, &req2, &err), AWSC_OK, "%s",
                 err.message);
    cr_assert_str_eq(req2.body.data, "<U xmlns=\"urn:member\"><I>4</I></U>");
    cr_assert_str_eq(header_of(&req2, "Content-Type"), "application/x-u+xml");
    awsc_rest_request_free(&req2);
    /* Absent: no body at all. */
    payload_in none = {0};
    awsc_rest_request req3 = {0};
    cr_assert_eq(awsc_codec_rest_xml.write_payload(&payload_members[0], &none, &req3, &err), AWSC_OK);
    cr_assert(!req3.has_body);
    cr_assert_eq(req3.body.len, 0);
    cr_assert_eq(req3.header_count, 0);
    /* Only structures and unions are XML payloads. */
    cr_assert_eq(awsc_codec_rest_xml.write_payload(&payload_members[2], &in, &req3, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "text: this payload type cannot be sent as XML");
    /* An unset union payload is refused. */
    uni unset = {0};
    payload_in bad = {.u = &unset};
    cr_assert_eq(awsc_codec_rest_xml.write_payload(&payload_members[1], &bad, &req3, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "Uni: union has no member set");
    cr_assert(!req3.has_body);
    awsc_rest_request_free(&req3);
    awsc_error_clear(&err);
}

Test(xml, rest_xml_reads_payloads_and_blank_bodies)
{
    payload_in out = {0};
    awsc_error err = AWSC_ERROR_INIT;
    const char *doc = "<Body id=\"7\"><Name>n</Name></Body>";
    cr_assert_eq(awsc_codec_rest_xml.read_payload(&payload_members[0], &out, doc, strlen(doc), arena, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_str_eq(out.body->name, "n");
    cr_assert_str_eq(out.body->id, "7");
    /* Blank: the payload stays absent. */
    payload_in blank = {0};
    cr_assert_eq(awsc_codec_rest_xml.read_payload(&payload_members[0], &blank, " \r\n\t", 4, arena, &err), AWSC_OK);
    cr_assert_null(blank.body);
    inner nothing = {0};
    cr_assert_eq(awsc_codec_rest_xml.read_body(NULL, &inner_shape, false, &nothing, "\n", 1, arena, &err), AWSC_OK);
    cr_assert_null(nothing.name);
    /* Truncated: an error with the position, and a union payload with two members is refused. */
    cr_assert_eq(awsc_codec_rest_xml.read_payload(&payload_members[0], &blank, "<Body><Name>", 12, arena, &err),
                 AWSC_E_RESPONSE);
    cr_assert_str_eq(err.message, "invalid XML at line 1, column 13: no element found");
    const char *two = "<U><S>a</S><I>1</I></U>";
    cr_assert_eq(awsc_codec_rest_xml.read_payload(&payload_members[1], &blank, two, strlen(two), arena, &err),
                 AWSC_E_RESPONSE);
    cr_assert_str_eq(err.message, "invalid XML response: member u (element <U>): union has more than one member set");
    awsc_error_clear(&err);
}

Test(xml, rest_xml_error_request_id_inside_a_wrapped_error_and_unknown_roots)
{
    /* Wrapped, with the request id inside <Error> rather than beside it. */
    awsc_error_fields f = error_fields_of("<ErrorResponse><Error><Code>C</Code><RequestId>in</RequestId></Error>"
                                          "</ErrorResponse>");
    cr_assert_str_eq(f.code, "C");
    cr_assert_null(f.message);
    cr_assert_str_eq(f.request_id, "in");
    /* A root that is neither: its own children are read. */
    f = error_fields_of("<Oops><Code>X</Code><Message>m</Message><RequestId>r</RequestId></Oops>");
    cr_assert_str_eq(f.code, "X");
    cr_assert_str_eq(f.message, "m");
    cr_assert_str_eq(f.request_id, "r");
    f = error_fields_of(" \n ");
    cr_assert(!f.code && !f.message && !f.request_id);
    /* Entity-escaped text is decoded. */
    f = error_fields_of("<Error><Code>A&amp;B</Code><Message>&lt;&#x41;&#66;&gt;</Message></Error>");
    cr_assert_str_eq(f.code, "A&B");
    cr_assert_str_eq(f.message, "<AB>");
}

/* ---- parser details ------------------------------------------------------------ */

Test(xml, layout_white_space_of_every_kind_is_dropped_and_lookups_tolerate_null)
{
    awsc_xml_node *root;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(parse("<r>\t\r\n <a/>\r\n\t</r>", &root, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(root->text, "");
    cr_assert_eq(root->text_len, 0);
    cr_assert_eq(parse("<r> x <a/></r>", &root, &err), AWSC_OK);
    cr_assert_str_eq(root->text, " x ", "text beside children that is not white space is kept");
    cr_assert_eq(parse("<r>&#xD;<a/></r>", &root, &err), AWSC_OK);
    cr_assert_str_eq(root->text, "", "a character reference CR is white space too");
    cr_assert_null(awsc_xml_child(NULL, "a"));
    cr_assert_null(awsc_xml_child_text(NULL, "a"));
    cr_assert_null(awsc_xml_next_same(root->first_child));
    /* Comments and processing instructions are skipped. */
    cr_assert_eq(parse("<!-- c --><?pi x?><r><!-- in --><a>1<!-- x -->2</a></r><!-- after -->", &root, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_str_eq(root->first_child->text, "12");
    cr_assert_str_eq(root->text, "");
}
