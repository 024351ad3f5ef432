/*
 * restXml: rest.c binds labels, query and headers as for restJson1; the body
 * is one XML element named after the input structure (or a payload member),
 * and errors are <ErrorResponse><Error>...</Error></ErrorResponse>, or a bare
 * <Error> root for services with noErrorWrapping (told apart by the root).
 */
#include "awsc/xml.h"

#include "serde/codec.h"
#include "util/error.h"
#include "serde/scalar.h"
#include "serde/xml/xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOMEM(err) awsc_error_nomem(err)

/* The unset body idempotency-token member of `shape` in `input`, or NULL. */
static const awsc_member *unset_token(const awsc_shape *shape, const void *input)
{
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        if (m->binding == AWSC_B_BODY && (m->flags & AWSC_F_IDEMPOTENCY_TOKEN) && m->type == AWSC_T_STRING &&
            !awsc_member_present(m, input))
            return m;
    }
    return NULL;
}

static int write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                      awsc_error *err)
{
    const awsc_shape *in = op->input;
    const awsc_member *tm = token ? unset_token(in, input) : NULL;
    void *copy = NULL;
    if (tm) { /* fill the token into a shallow copy: the caller's input is not modified */
        if (!(copy = malloc(in->size)))
            return NOMEM(err);
        memcpy(copy, input, in->size);
        *(const char **)awsc_member_slot(tm, copy) = token;
        input = copy;
    }
    int rc = awsc_xml_write_struct(&req->body, in, input, awsc_shape_xml_name(in), awsc_shape_xml_namespace(in),
                                   err);
    free(copy);
    if (rc)
        return rc;
    req->has_body = true;
    return awsc_rest_content_type(req, "application/xml", err);
}

/* A structure or union @httpPayload: the whole body is its element. */
static int write_payload(const awsc_member *m, const void *input, awsc_rest_request *req, awsc_error *err)
{
    if (!awsc_member_present(m, input))
        return 0; /* no payload, no body */
    if (m->type != AWSC_T_STRUCT && m->type != AWSC_T_UNION)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: this payload type cannot be sent as XML", m->name);
    const void *obj = *(const void *const *)awsc_member_slot(m, input);
    const char *ns = awsc_member_xml_namespace(m) ? awsc_member_xml_namespace(m) : awsc_shape_xml_namespace(m->shape);
    int rc = awsc_xml_write_struct(&req->body, m->shape, obj, m->wire_name, ns, err);
    if (rc)
        return rc;
    req->has_body = true;
    return awsc_rest_content_type(req, awsc_member_media_type(m) ? awsc_member_media_type(m) : "application/xml", err);
}

/* The <Error> element of an error body: the root itself (noErrorWrapping) or the root's child. */
static const awsc_xml_node *error_element(const awsc_xml_node *root)
{
    if (strcmp(root->name, "Error") == 0)
        return root;
    const awsc_xml_node *e = awsc_xml_child(root, "Error");
    return e ? e : root;
}

/*
 * aws.customizations#s3UnwrappedXmlOutput (S3's GetBucketLocation): the root
 * element is the output's one body member itself,
 * <LocationConstraint xmlns="...">us-west-2</LocationConstraint>. An empty
 * one (us-east-1's) leaves the member absent, as the SDKs report it.
 */
static int read_unwrapped(const awsc_shape *shape, void *out, const awsc_xml_node *root, awsc_arena *arena,
                          awsc_error *err)
{
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        if (m->binding != AWSC_B_BODY)
            continue;
        if (!root->first_child && root->text_len == 0)
            return AWSC_OK;
        return awsc_xml_read_member(m, out, root, arena, err);
    }
    return AWSC_OK;
}

static int read_body(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out, const char *body,
                     size_t len, awsc_arena *arena, awsc_error *err)
{
    if (awsc_xml_blank(body, len))
        return AWSC_OK; /* no body: no members */
    awsc_xml_node *root;
    int rc = awsc_xml_parse(body, len, arena, &root, err);
    if (rc)
        return rc;
    if (!is_error && (awsc_operation_ext_flags(op) & AWSC_OPX_UNWRAPPED_OUTPUT))
        return read_unwrapped(shape, out, root, arena, err);
    /* The root's name (e.g. <FooResponse>) is not checked: services differ. */
    return awsc_xml_read_struct(shape, out, is_error ? error_element(root) : root, arena, err);
}

static int read_payload(const awsc_member *m, void *container, const char *body, size_t len, awsc_arena *arena,
                        awsc_error *err)
{
    if (awsc_xml_blank(body, len))
        return AWSC_OK;
    awsc_xml_node *root;
    int rc = awsc_xml_parse(body, len, arena, &root, err);
    return rc ? rc : awsc_xml_read_member(m, container, root, arena, err);
}

int awsc_xml_error_root(const awsc_http_response *resp, awsc_arena *scratch, awsc_xml_node **root)
{
    const char *body = resp->body.data ? resp->body.data : "";
    if (awsc_xml_blank(body, resp->body.len))
        return 0;
    awsc_error perr = AWSC_ERROR_INIT;
    int rc = awsc_xml_parse(body, resp->body.len, scratch, root, &perr);
    awsc_error_clear(&perr);
    if (rc == AWSC_E_NOMEM)
        return -1;
    return rc ? 0 : 1;
}

void awsc_xml_error_code(const awsc_xml_node *e, awsc_error_fields *out)
{
    out->code = awsc_xml_child_text(e, "Code");
    out->message = awsc_xml_child_text(e, "Message");
    out->type = awsc_xml_child_text(e, "Type");
}

static int error_fields(const awsc_http_response *resp, awsc_arena *scratch, awsc_error_fields *out)
{
    awsc_xml_node *root;
    int rc = awsc_xml_error_root(resp, scratch, &root);
    if (rc <= 0)
        return rc;
    const awsc_xml_node *e = error_element(root);
    awsc_xml_error_code(e, out);
    out->host_id = awsc_xml_child_text(e, "HostId");
    /* <RequestId> beside <Error> (wrapped) or inside it (unwrapped, as S3 sends it). */
    out->request_id = awsc_xml_child_text(root, "RequestId");
    if (!out->request_id)
        out->request_id = awsc_xml_child_text(e, "RequestId");
    return 0;
}

const awsc_codec awsc_codec_rest_xml = {
    .name = "restXml",
    .rpc = false,
    .write_body = write_body,
    .write_payload = write_payload,
    .read_body = read_body,
    .read_payload = read_payload,
    .error_fields = error_fields,
    .redact = awsc_xml_redact,
};
