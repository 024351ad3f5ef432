/*
 * The awsQuery and ec2Query codecs. Requests are forms (Action=Op&Version=V
 * then one key=value per scalar, keys joined with '.'); responses and errors
 * are XML, read by the XML decoder.
 *
 * The two differ in a few places, chosen by `ec2` below: ec2Query keys come
 * from query_name (ec2QueryName, or the capitalized XML name), its lists are
 * always "Name.N", and an empty list sends nothing; awsQuery lists are
 * "Name.member.N" unless flattened and an empty one is sent as "Name=".
 */
#include "serde/codec.h"

#include "util/base64.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/scalar.h"
#include "util/uri.h"
#include "serde/xml/xml.h"

#include "awsc/xml.h"

#include <string.h>

#define NOMEM(err) awsc_error_nomem(err)

/* ---- requests ------------------------------------------------------------ */

typedef struct form {
    awsc_buf *body;
    awsc_buf key; /* the current key, e.g. "Nested.List.member.2"; trimmed back after each member */
    bool ec2;
    int depth;
    awsc_error *err;
} form;

typedef struct {
    const unsigned char *items;
    size_t count;
} any_list;

static int put_pair(form *f, const char *value, size_t len)
{
    if (awsc_buf_putc(f->body, '&') || awsc_uri_encode(f->body, f->key.data, f->key.len, false) ||
        awsc_buf_putc(f->body, '=') || awsc_uri_encode(f->body, value, len, false))
        return NOMEM(f->err);
    return 0;
}

/*
 * Appends ".part" (just "part" to an empty key), or ".N" when part is NULL;
 * returns the length to trim back to, or SIZE_MAX when out of memory.
 */
static size_t push(form *f, const char *part, size_t n)
{
    size_t len = f->key.len;
    int rc = part ? ((len && awsc_buf_putc(&f->key, '.')) || awsc_buf_puts(&f->key, part))
                  : awsc_buf_printf(&f->key, ".%zu", n);
    return rc ? SIZE_MAX : len;
}

static void pop(form *f, size_t len)
{
    f->key.len = len;
    if (f->key.data)
        f->key.data[len] = '\0';
}

/* The key of a structure member: ec2Query's own name when it has one, else the XML name. */
static const char *member_key(const form *f, const awsc_member *m)
{
    return f->ec2 && awsc_member_query_name(m) ? awsc_member_query_name(m) : m->wire_name;
}

static int write_value(form *f, const awsc_member *m, const void *container);

static int write_struct(form *f, const awsc_shape *shape, const void *obj)
{
    if (++f->depth > AWSC_XML_MAX_DEPTH)
        return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: nesting deeper than %d levels", shape->name,
                              AWSC_XML_MAX_DEPTH);
    int rc = 0;
    if (shape->type == AWSC_T_UNION) {
        int tag = *(const int *)((const unsigned char *)obj + shape->union_tag_offset);
        if (tag < 1 || (uint32_t)tag > shape->member_count)
            return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: union has no known member set", shape->name);
        const awsc_member *m = &shape->members[tag - 1];
        size_t len = push(f, member_key(f, m), 0);
        if (len == SIZE_MAX)
            return NOMEM(f->err);
        rc = write_value(f, m, obj);
        pop(f, len);
    } else {
        for (uint32_t i = 0; i < shape->member_count && !rc; i++) {
            const awsc_member *m = &shape->members[i];
            if (!awsc_member_present(m, obj))
                continue;
            size_t len = push(f, member_key(f, m), 0);
            if (len == SIZE_MAX)
                return NOMEM(f->err);
            rc = write_value(f, m, obj);
            pop(f, len);
        }
    }
    f->depth--;
    return rc;
}

static int write_list(form *f, const awsc_member *m, const any_list *list)
{
    if (!list->items && list->count)
        return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: count is %zu but items is NULL", m->name,
                              list->count);
    if (list->count == 0)
        return f->ec2 ? 0 : put_pair(f, "", 0); /* awsQuery says "empty" as Name= */
    const awsc_member *elem = &m->shape->members[0];
    size_t base = f->key.len;
    if (!f->ec2 && !(m->flags & AWSC_F_XML_FLATTENED) && push(f, elem->wire_name, 0) == SIZE_MAX)
        return NOMEM(f->err);
    size_t outer = f->key.len;
    int rc = 0;
    size_t n = 0;
    for (size_t i = 0; i < list->count && !rc; i++) {
        const void *item = list->items + i * m->shape->size;
        /* A null in a sparse list has no form encoding: it is left out and the numbering stays dense. */
        if ((elem->flags & AWSC_F_NULLABLE) && !awsc_member_present(elem, item))
            continue;
        if (push(f, NULL, ++n) == SIZE_MAX)
            return NOMEM(f->err);
        rc = write_value(f, elem, item);
        pop(f, outer);
    }
    pop(f, base);
    return rc;
}

static int write_map(form *f, const awsc_member *m, const any_list *map)
{
    if (!map->items && map->count)
        return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: count is %zu but entries is NULL", m->name,
                              map->count);
    const awsc_member *key = &m->shape->members[0], *val = &m->shape->members[1];
    size_t base = f->key.len;
    if (!(m->flags & AWSC_F_XML_FLATTENED) && push(f, "entry", 0) == SIZE_MAX)
        return NOMEM(f->err);
    size_t outer = f->key.len;
    int rc = 0;
    for (size_t i = 0; i < map->count && !rc; i++) {
        const unsigned char *e = map->items + i * m->shape->size;
        const char *k = *(const char *const *)(e + key->offset);
        if (!k)
            return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: map entry %zu has a NULL key", m->name, i);
        if (push(f, NULL, i + 1) == SIZE_MAX)
            return NOMEM(f->err);
        size_t entry = f->key.len;
        if (push(f, key->wire_name, 0) == SIZE_MAX || put_pair(f, k, strlen(k)))
            return NOMEM(f->err);
        pop(f, entry);
        if (!(val->flags & AWSC_F_NULLABLE) || awsc_member_present(val, e)) {
            if (push(f, val->wire_name, 0) == SIZE_MAX)
                return NOMEM(f->err);
            rc = write_value(f, val, e);
        }
        pop(f, outer);
    }
    pop(f, base);
    return rc;
}

static int write_value(form *f, const awsc_member *m, const void *container)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    if (m->flags & AWSC_F_BOXED) {
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~(AWSC_F_BOXED | AWSC_F_NULLABLE);
        inner.offset = 0;
        return write_value(f, &inner, *(const void *const *)slot);
    }
    awsc_buf text = AWSC_BUF_INIT;
    int rc = 0;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL: {
        const char *s = *(const char *const *)slot;
        return s ? put_pair(f, s, strlen(s)) : 0;
    }
    case AWSC_T_ENUM: {
        const char *s = awsc_enum_wire(m, container);
        if (!s)
            return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: invalid value %d for enum %s", m->name,
                                  *(const int *)slot, m->shape->name);
        return put_pair(f, s, strlen(s));
    }
    case AWSC_T_BOOL:
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG:
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
        rc = awsc_scalar_text(m, container, AWSC_TS_DATE_TIME, false, &text);
        break;
    case AWSC_T_STREAM:
    case AWSC_T_BLOB: {
        if (m->type == AWSC_T_STREAM && ((const awsc_stream *)slot)->read)
            return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: a read callback cannot be sent in a form",
                                  m->name);
        const awsc_blob *b = (const awsc_blob *)slot;
        rc = awsc_base64_encode(&text, b->data, b->len);
        break;
    }
    case AWSC_T_TIMESTAMP:
        if (((const awsc_timestamp *)slot)->nanos >= 1000000000u)
            return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: nanoseconds out of range", m->name);
        rc = awsc_scalar_text(m, container, AWSC_TS_DATE_TIME, false, &text);
        if (rc == -2) {
            awsc_buf_free(&text);
            return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: timestamp out of range", m->name);
        }
        break;
    case AWSC_T_DOCUMENT:
        return awsc_error_set(f->err, AWSC_E_VALIDATION, "%s: documents cannot be sent in a query form", m->name);
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        const void *obj = (m->flags & AWSC_F_INLINE) ? (const void *)slot : *(const void *const *)slot;
        return obj ? write_struct(f, m->shape, obj) : 0;
    }
    case AWSC_T_LIST:
        return write_list(f, m, (const any_list *)slot);
    case AWSC_T_MAP:
        return write_map(f, m, (const any_list *)slot);
    case AWSC_T_UNIT:
        return put_pair(f, "", 0);
    }
    if (rc) {
        awsc_buf_free(&text);
        return NOMEM(f->err);
    }
    rc = put_pair(f, text.data ? text.data : "", text.len);
    awsc_buf_free(&text);
    return rc;
}

static int write_form(const awsc_operation *op, const void *input, const char *token, bool ec2,
                      awsc_rest_request *req, awsc_error *err)
{
    if (awsc_rest_add_header(req, "Content-Type", op->content_type))
        return NOMEM(err);
    req->has_body = true;
    if (awsc_buf_puts(&req->body, op->target)) /* "Action=Op&Version=V", encoded by the generator */
        return NOMEM(err);
    if (!op->input)
        return 0;
    form f = {.body = &req->body, .key = AWSC_BUF_INIT, .ec2 = ec2, .err = err};
    int rc = write_struct(&f, op->input, input);
    /* Fill an unset idempotency token without touching the caller's input. */
    for (uint32_t i = 0; !rc && token && i < op->input->member_count; i++) {
        const awsc_member *m = &op->input->members[i];
        if (!(m->flags & AWSC_F_IDEMPOTENCY_TOKEN) || awsc_member_present(m, input))
            continue;
        rc = push(&f, member_key(&f, m), 0) == SIZE_MAX ? NOMEM(err) : put_pair(&f, token, strlen(token));
        pop(&f, 0);
    }
    awsc_buf_free(&f.key);
    return rc;
}

static int query_write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                            awsc_error *err)
{
    return write_form(op, input, token, false, req, err);
}

static int ec2_write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                          awsc_error *err)
{
    return write_form(op, input, token, true, req, err);
}

/* ---- responses ------------------------------------------------------------ */

/*
 * The <Error> element of an error document, in either form the query
 * services use: <ErrorResponse><Error> (awsQuery) or
 * <Response><Errors><Error> (ec2Query); a bare <Error> root is taken too.
 * `request_id` gets the document's request id, if any.
 */
static const awsc_xml_node *error_element(const awsc_xml_node *root, const char **request_id)
{
    const awsc_xml_node *e = NULL;
    if (strcmp(root->name, "ErrorResponse") == 0) {
        e = awsc_xml_child(root, "Error");
    } else if (strcmp(root->name, "Response") == 0) {
        const awsc_xml_node *errors = awsc_xml_child(root, "Errors");
        e = errors ? awsc_xml_child(errors, "Error") : NULL;
    } else if (strcmp(root->name, "Error") == 0) {
        e = root;
    }
    if (request_id) {
        *request_id = awsc_xml_child_text(root, "RequestId");
        if (!*request_id)
            *request_id = awsc_xml_child_text(root, "RequestID");
    }
    return e;
}

/*
 * Success: awsQuery wraps the members in <OpResponse><OpResult>, ec2Query
 * puts them straight in <OpResponse> (beside a <requestId> no shape has).
 * Errors: the detail members sit in the <Error> element with Code and Message.
 */
static int read_response(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out,
                         const char *body, size_t len, awsc_arena *arena, bool ec2, awsc_error *err)
{
    if (awsc_xml_blank(body, len))
        return 0; /* no body: no members */
    awsc_xml_node *root = NULL;
    int rc = awsc_xml_parse(body, len, arena, &root, err);
    if (rc)
        return rc;
    const awsc_xml_node *from = root;
    if (is_error) {
        from = error_element(root, NULL);
        if (!from)
            return awsc_error_set(err, AWSC_E_RESPONSE, "error response has no <Error> element (root <%s>)",
                                  root->name);
    } else if (!ec2) {
        awsc_buf name = AWSC_BUF_INIT;
        if (awsc_buf_printf(&name, "%sResult", op->name)) {
            awsc_buf_free(&name);
            return awsc_error_nomem(err);
        }
        from = awsc_xml_child(root, name.data);
        awsc_buf_free(&name);
        if (!from)
            return 0; /* an operation without output members may leave out its Result element */
    }
    return awsc_xml_read_struct(shape, out, from, arena, err);
}

static int query_read_body(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out,
                           const char *body, size_t len, awsc_arena *arena, awsc_error *err)
{
    return read_response(op, shape, is_error, out, body, len, arena, false, err);
}

static int ec2_read_body(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out,
                         const char *body, size_t len, awsc_arena *arena, awsc_error *err)
{
    return read_response(op, shape, is_error, out, body, len, arena, true, err);
}

static int error_fields(const awsc_http_response *resp, awsc_arena *scratch, awsc_error_fields *out)
{
    awsc_xml_node *root = NULL;
    int rc = awsc_xml_error_root(resp, scratch, &root);
    if (rc <= 0)
        return rc;
    const awsc_xml_node *e = error_element(root, &out->request_id);
    if (e)
        awsc_xml_error_code(e, out);
    return 0;
}

const awsc_codec awsc_codec_aws_query = {
    .name = "awsQuery",
    .rpc = true,
    .write_body = query_write_body,
    .read_body = query_read_body,
    .error_fields = error_fields,
    .redact = awsc_xml_redact,
};

const awsc_codec awsc_codec_ec2_query = {
    .name = "ec2Query",
    .rpc = true,
    .write_body = ec2_write_body,
    .read_body = ec2_read_body,
    .error_fields = error_fields,
    .redact = awsc_xml_redact,
};
