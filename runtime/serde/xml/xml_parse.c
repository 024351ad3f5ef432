/*
 * XML text -> element tree, with expat. Responses come from the network, so
 * the parser is kept to what AWS services send: no DOCTYPE at all (hence no
 * entity declarations, no billion laughs, no external entities), a depth
 * limit, UTF-8 only. The tree lives in the caller's arena.
 */
#include "serde/xml/xml.h"

#include "util/error.h"

#include <expat.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

typedef struct builder {
    XML_Parser parser;
    awsc_arena *arena;
    awsc_xml_node *root;
    awsc_xml_node *current;        /* the innermost open element */
    awsc_xml_node *last_child[AWSC_XML_MAX_DEPTH + 1]; /* per depth: where to link the next child */
    awsc_buf text[AWSC_XML_MAX_DEPTH + 1];            /* per depth: character data of the open element */
    int depth;                     /* open elements */
    const char *problem;           /* our own reason to stop, when expat's error code is XML_ERROR_ABORTED */
    bool oom;
} builder;

static void stop(builder *b, const char *problem, bool oom)
{
    if (!b->problem) {
        b->problem = problem;
        b->oom = oom;
    }
    XML_StopParser(b->parser, XML_FALSE);
}

static char *copy(builder *b, const char *s)
{
    char *c = awsc_arena_strndup(b->arena, s, strlen(s));
    if (!c)
        stop(b, "out of memory", true);
    return c;
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **atts)
{
    builder *b = user;
    if (b->depth >= AWSC_XML_MAX_DEPTH) {
        stop(b, "elements nested too deeply", false);
        return;
    }
    awsc_xml_node *n = awsc_arena_alloc(b->arena, sizeof *n);
    if (!n || !(n->name = copy(b, name))) {
        stop(b, "out of memory", true);
        return;
    }
    size_t count = 0;
    while (atts[2 * count])
        count++;
    if (count) {
        /* count <= the document's length, so count * sizeof cannot overflow size_t in practice; checked anyway */
        if (count > SIZE_MAX / sizeof(awsc_xml_attr)) {
            stop(b, "out of memory", true);
            return;
        }
        awsc_xml_attr *attrs = awsc_arena_alloc(b->arena, count * sizeof *attrs);
        if (!attrs) {
            stop(b, "out of memory", true);
            return;
        }
        for (size_t i = 0; i < count; i++) {
            if (!(attrs[i].name = copy(b, atts[2 * i])) || !(attrs[i].value = copy(b, atts[2 * i + 1])))
                return;
        }
        n->attrs = attrs;
        n->attr_count = count;
    }
    n->text = "";
    n->parent = b->current;
    if (b->current) {
        if (b->last_child[b->depth])
            b->last_child[b->depth]->next = n;
        else
            b->current->first_child = n;
        b->current->child_count++;
    } else {
        b->root = n;
    }
    b->last_child[b->depth] = n;
    b->depth++;
    b->last_child[b->depth] = NULL;
    b->text[b->depth].len = 0;
    b->current = n;
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    (void)name; /* expat has checked that it matches */
    builder *b = user;
    awsc_xml_node *n = b->current;
    awsc_buf *t = &b->text[b->depth];
    /* White space between child elements is layout: not kept (the tree's text is "" then). */
    bool layout = n->first_child != NULL;
    for (size_t i = 0; layout && i < t->len; i++)
        layout = t->data[i] == ' ' || t->data[i] == '\t' || t->data[i] == '\n' || t->data[i] == '\r';
    if (t->len && !layout) {
        char *s = awsc_arena_strndup(b->arena, t->data, t->len);
        if (!s) {
            stop(b, "out of memory", true);
            return;
        }
        n->text = s;
        n->text_len = t->len;
    }
    b->depth--;
    b->current = n->parent;
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len)
{
    builder *b = user;
    if (b->depth > 0 && len > 0 && awsc_buf_append(&b->text[b->depth], s, (size_t)len) != 0)
        stop(b, "out of memory", true);
}

static void XMLCALL on_doctype(void *user, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    stop(user, "a DOCTYPE is not allowed", false);
}

static void XMLCALL on_entity_decl(void *user, const XML_Char *name, int is_param, const XML_Char *value,
                                   int value_len, const XML_Char *base, const XML_Char *sysid,
                                   const XML_Char *pubid, const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid, (void)notation;
    stop(user, "entity declarations are not allowed", false);
}

int awsc_xml_parse(const char *text, size_t len, awsc_arena *arena, awsc_xml_node **root, awsc_error *err)
{
    *root = NULL;
    builder b = {.arena = arena};
    /* "UTF-8" overrides the document's own encoding declaration: AWS sends UTF-8 only. */
    /* expat's buffers hold the document (an STS answer holds credentials): cleansed when freed. */
    static const XML_Memory_Handling_Suite cleansing = {awsc_cleansing_malloc, awsc_cleansing_realloc,
                                                        awsc_cleansing_free};
    b.parser = XML_ParserCreate_MM("UTF-8", &cleansing, NULL);
    if (!b.parser)
        return awsc_error_nomem(err);
    XML_SetUserData(b.parser, &b);
    XML_SetElementHandler(b.parser, on_start, on_end);
    XML_SetCharacterDataHandler(b.parser, on_text);
    XML_SetStartDoctypeDeclHandler(b.parser, on_doctype);
    XML_SetEntityDeclHandler(b.parser, on_entity_decl);
    XML_SetParamEntityParsing(b.parser, XML_PARAM_ENTITY_PARSING_NEVER);

    /* XML_Parse takes an int length: feed large documents in pieces. */
    enum XML_Status st = XML_STATUS_OK;
    size_t off = 0;
    do {
        size_t n = len - off > (size_t)INT_MAX / 2 ? (size_t)INT_MAX / 2 : len - off;
        bool last = off + n == len;
        st = XML_Parse(b.parser, text + off, (int)n, last);
        off += n;
        if (last)
            break;
    } while (st == XML_STATUS_OK);

    int rc = AWSC_OK;
    if (st != XML_STATUS_OK || !b.root) {
        unsigned long line = XML_GetCurrentLineNumber(b.parser);
        unsigned long col = XML_GetCurrentColumnNumber(b.parser);
        enum XML_Error code = XML_GetErrorCode(b.parser);
        if (b.oom || code == XML_ERROR_NO_MEMORY)
            rc = awsc_error_set(err, AWSC_E_NOMEM, "out of memory while parsing XML");
        else
            rc = awsc_error_set(err, AWSC_E_RESPONSE, "invalid XML at line %lu, column %lu: %s", line, col + 1,
                                b.problem ? b.problem : XML_ErrorString(code));
    } else {
        *root = b.root;
    }
    for (int i = 0; i <= AWSC_XML_MAX_DEPTH; i++)
        awsc_buf_free(&b.text[i]);
    XML_ParserFree(b.parser);
    return rc;
}

const awsc_xml_node *awsc_xml_child(const awsc_xml_node *node, const char *name)
{
    for (const awsc_xml_node *c = node ? node->first_child : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const awsc_xml_node *awsc_xml_next_same(const awsc_xml_node *node)
{
    for (const awsc_xml_node *c = node->next; c; c = c->next)
        if (strcmp(c->name, node->name) == 0)
            return c;
    return NULL;
}

const char *awsc_xml_attr_value(const awsc_xml_node *node, const char *name)
{
    for (size_t i = 0; i < node->attr_count; i++)
        if (strcmp(node->attrs[i].name, name) == 0)
            return node->attrs[i].value;
    return NULL;
}

const char *awsc_xml_child_text(const awsc_xml_node *node, const char *name)
{
    const awsc_xml_node *c = awsc_xml_child(node, name);
    return c ? c->text : NULL;
}

bool awsc_xml_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", s[i]))
            return false;
    return true;
}
