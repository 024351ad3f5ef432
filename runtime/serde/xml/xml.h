/*
 * XML for the restXml, awsQuery and ec2Query codecs: a hardened expat-based
 * parser building a small element tree in an arena, and a reader and writer
 * driven by the same shape descriptors as the JSON ones.
 */
#ifndef AWSC_XML_INTERNAL_H
#define AWSC_XML_INTERNAL_H

#include "serde/codec.h"
#include "util/arena.h"
#include "awsc/schema.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Elements nested deeper than this are refused (the reader recurses along the tree). */
#define AWSC_XML_MAX_DEPTH 64

typedef struct awsc_xml_attr {
    const char *name;  /* as written, with any prefix: "xsi:type", "xmlns:b" */
    const char *value; /* entities decoded, NUL-terminated */
} awsc_xml_attr;

typedef struct awsc_xml_node {
    const char *name;             /* as written, with any prefix */
    /* all character data directly inside, decoded and concatenated; "" if none, or if it is
       only the white space around child elements (pretty-printing) */
    const char *text;
    size_t text_len;              /* strlen(text): XML cannot carry a NUL, not even as &#0; */
    const awsc_xml_attr *attrs;
    size_t attr_count;
    struct awsc_xml_node *parent; /* NULL for the root */
    struct awsc_xml_node *first_child;
    struct awsc_xml_node *next;   /* next sibling, in document order */
    size_t child_count;
} awsc_xml_node;

/* Whether `len` bytes are only XML white space: an empty body stands for no members. */
bool awsc_xml_blank(const char *s, size_t len);

/*
 * Parses one XML document (UTF-8, whatever its declaration says) into a tree
 * allocated in `arena`. Refuses, with AWSC_E_RESPONSE and the line and column:
 * malformed or truncated XML, invalid UTF-8, any DOCTYPE (so no entity
 * declarations, entity expansion or external entities), and elements nested
 * deeper than AWSC_XML_MAX_DEPTH. Out of memory is AWSC_E_NOMEM.
 */
int awsc_xml_parse(const char *text, size_t len, awsc_arena *arena, awsc_xml_node **root, awsc_error *err);

/* The first child element of `node` named `name` (prefix included), or NULL. */
const awsc_xml_node *awsc_xml_child(const awsc_xml_node *node, const char *name);
/* The next sibling after `node` with the same name as `node`, or NULL (to walk repeated elements). */
const awsc_xml_node *awsc_xml_next_same(const awsc_xml_node *node);
/* The value of attribute `name` of `node`, or NULL. */
const char *awsc_xml_attr_value(const awsc_xml_node *node, const char *name);
/* The child text of `name`, or NULL when there is no such child (a shortcut for error fields). */
const char *awsc_xml_child_text(const awsc_xml_node *node, const char *name);

/*
 * Fills the structure or union `out` of `shape` from `element`: each
 * body-bound member from the child element named by its wire_name (or the
 * attribute, for AWSC_F_XML_ATTRIBUTE), lists and maps wrapped or flattened,
 * scalars from their text (timestamps date-time unless ts_format says
 * otherwise). Unknown elements are ignored; members absent stay as they are.
 * Nested values are allocated in `arena`. A value that does not parse is
 * AWSC_E_RESPONSE naming the member.
 */
int awsc_xml_read_struct(const awsc_shape *shape, void *out, const awsc_xml_node *element, awsc_arena *arena,
                         awsc_error *err);

/* Reads one member's value (e.g. a payload) from `element`, which is the member's own element. */
int awsc_xml_read_member(const awsc_member *m, void *container, const awsc_xml_node *element, awsc_arena *arena,
                         awsc_error *err);

/*
 * Appends `obj` (a structure or union of `shape`) as the element
 * `<element_name xmlns_attr attributes...>children</element_name>`:
 * body-bound members only, attributes for AWSC_F_XML_ATTRIBUTE members,
 * lists and maps wrapped or flattened, namespaces from the descriptors.
 * `xmlns_attr` is pre-rendered attribute text (" xmlns=\"...\"") or NULL.
 * Invalid values (bad UTF-8, unset union) are AWSC_E_VALIDATION.
 */
int awsc_xml_write_struct(awsc_buf *out, const awsc_shape *shape, const void *obj, const char *element_name,
                          const char *xmlns_attr, awsc_error *err);

/*
 * Appends member `m` of `container` as its element(s) named `element_name`
 * (NULL: m->wire_name), with m->xml_namespace; a flattened list or map
 * repeats the element. Nothing is written for an absent member.
 */
int awsc_xml_write_member(awsc_buf *out, const awsc_member *m, const void *container, const char *element_name,
                          awsc_error *err);

/*
 * Appends `s` escaped for element text (attr false: & < > and CR as &#xD;)
 * or a double-quoted attribute value (attr true: also " and LF/TAB as
 * character references). -1 when `s` is not valid UTF-8 or holds a character
 * XML 1.0 cannot carry (NUL, C0 controls but TAB/LF/CR, U+FFFE, U+FFFF),
 * -2 out of memory.
 */
int awsc_xml_escape(awsc_buf *out, const char *s, size_t len, bool attr);

/*
 * The XML protocols' awsc_codec.redact: appends the XML body or form to `out`
 * with the values of the elements, attributes and fields `secret` names
 * replaced by <redacted> (a cut start tag and what follows it are left out).
 */
int awsc_xml_redact(const char *body, size_t len, bool (*secret)(const void *user, const char *name, size_t len),
                    const void *user, awsc_buf *out);

/*
 * For the XML codecs' error_fields: the root element of an error response's
 * body. Returns 1 with *root set; 0 when the body is blank or not XML (a
 * proxy's HTML page, say: the HTTP status speaks for itself); -1 out of memory.
 */
int awsc_xml_error_root(const awsc_http_response *resp, awsc_arena *scratch, awsc_xml_node **root);

/* The <Code>, <Message> and <Type> of error element `e` into `out`. */
void awsc_xml_error_code(const awsc_xml_node *e, awsc_error_fields *out);

#endif
