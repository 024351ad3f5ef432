/* HTTP bindings over the shape descriptors, for every protocol; op->codec does the body. */
#include "serde/rest.h"

#include "util/base64.h"
#include "crypto/crypto.h"
#include "util/error.h"
#include "serde/codec.h"
#include "serde/json/json.h"
#include "serde/scalar.h"
#include "util/timefmt.h"
#include "util/uri.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOMEM(err) awsc_error_nomem(err)

typedef struct {
    const void *items;
    size_t count;
} any_list;

/* ---- request ---------------------------------------------------------- */

static int text_error(int rc, const awsc_member *m, awsc_error *err)
{
    if (rc == -1)
        return NOMEM(err);
    return awsc_error_set(err, AWSC_E_VALIDATION, "%s: value cannot be sent in the request's URI or headers",
                          m->name);
}

/*
 * True when a label is "." or ".." (a greedy label: when any of its '/'-separated segments is):
 * a front end that normalises the path would route the request elsewhere, with a valid signature.
 * Percent-encoding does not help: RFC 3986 normalisation decodes "%2E".
 */
static bool dot_segment(const char *s, size_t len, bool greedy)
{
    for (size_t i = 0; i <= len;) {
        size_t n = greedy ? i : len; /* a segment's end */
        while (n < len && s[n] != '/')
            n++;
        size_t seg = n - i;
        if ((seg == 1 || seg == 2) && s[i] == '.' && s[i + seg - 1] == '.')
            return true;
        if (!greedy)
            break;
        i = n + 1;
    }
    return false;
}

static int dot_error(const awsc_member *m, awsc_error *err)
{
    return awsc_error_set(err, AWSC_E_VALIDATION, "%s: URI label must not be \".\" or \"..\" (nor hold such a segment)",
                          m->name);
}

/*
 * The string a label takes when the input leaves it out or empty: its member's
 * default (Glacier's accountId defaults to "-"), or NULL. Only a plain JSON
 * string without escapes counts.
 */
static const char *label_default(const awsc_member *m, size_t *len)
{
    const char *d = awsc_member_default(m);
    size_t n = d ? strlen(d) : 0;
    if (m->type != AWSC_T_STRING || n < 3 || d[0] != '"' || d[n - 1] != '"' || memchr(d + 1, '\\', n - 2) ||
        memchr(d + 1, '"', n - 2))
        return NULL;
    *len = n - 2;
    return d + 1;
}

static int expand_labels(const awsc_operation *op, const void *input, awsc_rest_request *req, awsc_error *err)
{
    /* S3 keeps dot segments: it signs and reads the path as sent (AWSC_OPX_DOT_SEGMENTS) */
    bool dots = (awsc_operation_ext_flags(op) & AWSC_OPX_DOT_SEGMENTS) != 0;
    const char *uri = op->uri;
    const char *qmark = strchr(uri, '?');
    const char *end = qmark ? qmark : uri + strlen(uri);
    const char *p = uri;
    while (p < end) {
        const char *open = memchr(p, '{', (size_t)(end - p));
        if (!open) {
            if (awsc_buf_append(&req->path, p, (size_t)(end - p)))
                return NOMEM(err);
            break;
        }
        const char *close = memchr(open, '}', (size_t)(end - open));
        if (!close)
            return awsc_error_set(err, AWSC_E_INTERNAL, "%s: malformed URI pattern", op->name);
        if (awsc_buf_append(&req->path, p, (size_t)(open - p)))
            return NOMEM(err);
        size_t nlen = (size_t)(close - open - 1);
        bool greedy = nlen && open[nlen] == '+';
        if (greedy)
            nlen--;
        const awsc_member *m = NULL;
        for (uint32_t i = 0; op->input && i < op->input->member_count; i++) {
            const awsc_member *c = &op->input->members[i];
            /* The first byte before any compare: the pattern's text holds no NUL, so strncmp stops within the name. */
            if (c->binding == AWSC_B_LABEL && c->name[0] == open[1] && strncmp(c->name, open + 1, nlen) == 0 &&
                c->name[nlen] == '\0')
                m = c;
        }
        size_t vlen = 0;
        const char *fallback = m ? label_default(m, &vlen) : NULL;
        if (!m || ((!input || !awsc_member_present(m, input)) && !fallback))
            return awsc_error_set(err, AWSC_E_VALIDATION, "%.*s: URI label has no value", (int)nlen, open + 1);
        const char *v = m->type == AWSC_T_STRING && !(m->flags & AWSC_F_BOXED) && input
                            ? *(const char *const *)awsc_member_slot(m, input)
                            : NULL;
        if (v && *v)
            vlen = strlen(v);
        else if (fallback)
            v = fallback; /* absent or empty: the default (Glacier's accountId "-", the caller's own account) */
        else if (v)
            vlen = 0;
        if (v) { /* the common label, a string: encoded straight from the input */
            if (!vlen)
                return awsc_error_set(err, AWSC_E_VALIDATION, "%s: URI label must not be empty", m->name);
            if (!dots && dot_segment(v, vlen, greedy))
                return dot_error(m, err);
            if (awsc_uri_encode(&req->path, v, vlen, greedy))
                return NOMEM(err);
            p = close + 1;
            continue;
        }
        awsc_buf text = AWSC_BUF_INIT;
        int rc = awsc_scalar_text(m, input, AWSC_TS_DATE_TIME, false, &text);
        if (rc) {
            awsc_buf_free(&text);
            return text_error(rc, m, err);
        }
        if (text.len == 0) {
            awsc_buf_free(&text);
            return awsc_error_set(err, AWSC_E_VALIDATION, "%s: URI label must not be empty", m->name);
        }
        if (!dots && dot_segment(text.data, text.len, greedy)) {
            awsc_buf_free(&text);
            return dot_error(m, err);
        }
        rc = awsc_uri_encode(&req->path, text.data, text.len, greedy);
        awsc_buf_free(&text);
        if (rc)
            return NOMEM(err);
        p = close + 1;
    }
    if (qmark && qmark[1] && awsc_buf_puts(&req->query, qmark + 1))
        return NOMEM(err);
    return 0;
}

static int add_query(awsc_rest_request *req, const char *key, const char *value, size_t vlen)
{
    if (req->param_count == req->param_cap) {
        size_t cap = req->param_cap ? req->param_cap * 2 : 8;
        awsc_query_param *p = realloc(req->params, cap * sizeof *p);
        if (!p)
            return -1;
        req->params = p;
        req->param_cap = cap;
    }
    awsc_buf enc = AWSC_BUF_INIT;
    char *k = awsc_strdup(key);
    if (!k || awsc_uri_encode(&enc, key, strlen(key), false) || awsc_buf_putc(&enc, '=') ||
        awsc_uri_encode(&enc, value, vlen, false)) {
        free(k);
        awsc_buf_free(&enc);
        return -1;
    }
    req->params[req->param_count].key = k;
    req->params[req->param_count].encoded = awsc_buf_take(&enc);
    req->param_count++;
    return 0;
}

/*
 * Joins the bound parameters after the URI's literal query, sorted by key as
 * the AWS SDK for JavaScript does (values of one key keep their order), so the
 * bytes on the wire match the reference client's.
 */
static int join_query(awsc_rest_request *req)
{
    for (size_t i = 1; i < req->param_count; i++) { /* insertion sort: stable, lists are short */
        awsc_query_param p = req->params[i];
        size_t j = i;
        for (; j > 0 && strcmp(req->params[j - 1].key, p.key) > 0; j--)
            req->params[j] = req->params[j - 1];
        req->params[j] = p;
    }
    for (size_t i = 0; i < req->param_count; i++)
        if ((req->query.len && awsc_buf_putc(&req->query, '&')) || awsc_buf_puts(&req->query, req->params[i].encoded))
            return -1;
    return 0;
}

/* True when the query already holds `key` (explicit httpQuery wins over httpQueryParams). */
static bool query_has(const awsc_operation *op, const void *input, const char *key)
{
    for (uint32_t i = 0; i < op->input->member_count; i++) {
        const awsc_member *m = &op->input->members[i];
        if (m->binding == AWSC_B_QUERY && strcmp(m->wire_name, key) == 0 && awsc_member_present(m, input))
            return true;
    }
    return false;
}

static int serialize_query(const awsc_operation *op, const void *input, const awsc_member *m, awsc_rest_request *req,
                           awsc_error *err)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc = 0;
    if (m->type == AWSC_T_LIST) {
        const any_list *l = awsc_member_slot(m, input);
        const awsc_member *elem = &m->shape->members[0];
        for (size_t i = 0; i < l->count && !rc; i++) {
            text.len = 0;
            rc = awsc_scalar_text(elem, (const unsigned char *)l->items + i * m->shape->size, AWSC_TS_DATE_TIME, false,
                             &text);
            if (!rc)
                rc = add_query(req, m->wire_name, text.data ? text.data : "", text.len);
        }
    } else if (m->type == AWSC_T_MAP) {
        const struct {
            const unsigned char *entries;
            size_t count;
        } *map = awsc_member_slot(m, input);
        const awsc_member *val = &m->shape->members[1];
        for (size_t i = 0; i < map->count && !rc; i++) {
            const unsigned char *e = map->entries + i * m->shape->size;
            const char *k = *(const char *const *)e;
            if (!k || query_has(op, input, k))
                continue;
            if (val->type == AWSC_T_LIST) {
                const any_list *l = awsc_member_slot(val, e);
                const awsc_member *elem = &val->shape->members[0];
                for (size_t j = 0; j < l->count && !rc; j++) {
                    text.len = 0;
                    rc = awsc_scalar_text(elem, (const unsigned char *)l->items + j * val->shape->size,
                                     AWSC_TS_DATE_TIME, false, &text);
                    if (!rc)
                        rc = add_query(req, k, text.data ? text.data : "", text.len);
                }
            } else {
                text.len = 0;
                rc = awsc_scalar_text(val, e, AWSC_TS_DATE_TIME, false, &text);
                if (!rc)
                    rc = add_query(req, k, text.data ? text.data : "", text.len);
            }
        }
    } else {
        rc = awsc_scalar_text(m, input, AWSC_TS_DATE_TIME, false, &text);
        if (!rc)
            rc = add_query(req, m->wire_name, text.data ? text.data : "", text.len);
    }
    awsc_buf_free(&text);
    return rc ? text_error(rc, m, err) : 0;
}

/* Header list values: comma-joined, strings quoted when they hold ',' or '"'. */
static int header_list_text(const awsc_member *m, const void *input, awsc_buf *out)
{
    const any_list *l = awsc_member_slot(m, input);
    const awsc_member *elem = &m->shape->members[0];
    awsc_buf one = AWSC_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < l->count && !rc; i++) {
        one.len = 0;
        if (one.data)
            one.data[0] = '\0';
        rc = awsc_scalar_text(elem, (const unsigned char *)l->items + i * m->shape->size, AWSC_TS_HTTP_DATE, true, &one);
        if (rc)
            break;
        if (i)
            rc = awsc_buf_puts(out, ", ");
        bool quote = (elem->type == AWSC_T_STRING || elem->type == AWSC_T_ENUM) && one.data &&
                     strpbrk(one.data, ",\"");
        if (!rc && quote) {
            rc = awsc_buf_putc(out, '"');
            for (size_t j = 0; !rc && j < one.len; j++) {
                if (one.data[j] == '"' || one.data[j] == '\\')
                    rc = awsc_buf_putc(out, '\\');
                if (!rc)
                    rc = awsc_buf_putc(out, one.data[j]);
            }
            if (!rc)
                rc = awsc_buf_putc(out, '"');
        } else if (!rc) {
            rc = awsc_buf_append(out, one.data ? one.data : "", one.len);
        }
    }
    awsc_buf_free(&one);
    return rc;
}

static bool header_safe(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n' || *s == '\0')
            return false;
    return true;
}

static int add_checked_header(awsc_rest_request *req, const awsc_member *m, const char *name, awsc_buf *value,
                              awsc_error *err)
{
    const char *v = value->data ? value->data : "";
    if (strlen(v) != value->len || !header_safe(v) || !header_safe(name))
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: header value must not contain CR, LF or NUL", m->name);
    return awsc_rest_add_header(req, name, v) ? NOMEM(err) : 0;
}

/* True when a specific httpHeader member of `shape` that is set sends header `name`. */
static bool header_bound(const awsc_shape *shape, const void *input, const char *name)
{
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        if (m->binding == AWSC_B_HEADER && strcasecmp(m->wire_name, name) == 0 && awsc_member_present(m, input))
            return true;
    }
    return false;
}

static int serialize_header(const awsc_shape *shape, const awsc_member *m, const void *input, awsc_rest_request *req,
                            awsc_error *err)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc = 0;
    if (m->binding == AWSC_B_PREFIX_HEADERS) {
        const struct {
            const unsigned char *entries;
            size_t count;
        } *map = awsc_member_slot(m, input);
        awsc_buf name = AWSC_BUF_INIT;
        for (size_t i = 0; i < map->count && !rc; i++) {
            const unsigned char *e = map->entries + i * m->shape->size;
            const char *k = *(const char *const *)e;
            text.len = 0;
            name.len = 0;
            rc = awsc_buf_puts(&name, m->wire_name) || awsc_buf_puts(&name, k ? k : "") ? -1 : 0;
            if (!rc && header_bound(shape, input, name.data))
                continue; /* a specific header member wins over the prefix map */
            if (!rc)
                rc = awsc_scalar_text(&m->shape->members[1], e, AWSC_TS_HTTP_DATE, true, &text);
            if (!rc) {
                rc = add_checked_header(req, m, name.data, &text, err);
                if (rc) {
                    awsc_buf_free(&name);
                    awsc_buf_free(&text);
                    return rc;
                }
            }
        }
        awsc_buf_free(&name);
    } else if (m->type == AWSC_T_LIST) {
        rc = header_list_text(m, input, &text);
        if (!rc)
            rc = add_checked_header(req, m, m->wire_name, &text, err);
        awsc_buf_free(&text);
        return rc > 0 ? rc : (rc ? text_error(rc, m, err) : 0);
    } else {
        rc = awsc_scalar_text(m, input, AWSC_TS_HTTP_DATE, true, &text);
        if (!rc) {
            rc = add_checked_header(req, m, m->wire_name, &text, err);
            awsc_buf_free(&text);
            return rc;
        }
    }
    awsc_buf_free(&text);
    return rc ? text_error(rc, m, err) : 0;
}

static int serialize_payload(const awsc_codec *codec, const awsc_member *m, const void *input,
                             awsc_rest_request *req, awsc_error *err)
{
    const unsigned char *slot = awsc_member_slot(m, input);
    const char *ctype;
    int rc = 0;
    switch ((awsc_type)m->type) {
    case AWSC_T_BLOB: {
        const awsc_blob *b = (const awsc_blob *)slot;
        if (!b->data)
            return 0;
        ctype = "application/octet-stream";
        rc = awsc_buf_append(&req->body, b->data, b->len) ? NOMEM(err) : 0;
        break;
    }
    case AWSC_T_STREAM: {
        const awsc_stream *st = (const awsc_stream *)slot;
        if (!st->data && !st->read)
            return 0;
        ctype = "application/octet-stream";
        if (st->read) {
            req->stream = st;
            if (st->length >= 0) {
                char len[32];
                snprintf(len, sizeof len, "%lld", (long long)st->length);
                rc = awsc_rest_add_header(req, "Content-Length", len) ? NOMEM(err) : 0;
            }
        } else {
            rc = awsc_buf_append(&req->body, st->data, st->len) ? NOMEM(err) : 0;
        }
        break;
    }
    case AWSC_T_STRING: {
        const char *s = *(const char *const *)slot;
        if (!s)
            return 0;
        ctype = "text/plain";
        rc = awsc_buf_puts(&req->body, s) ? NOMEM(err) : 0;
        break;
    }
    case AWSC_T_ENUM:
        if (!awsc_member_present(m, input))
            return 0;
        ctype = "text/plain";
        rc = awsc_scalar_text(m, input, AWSC_TS_DEFAULT, false, &req->body);
        if (rc)
            return text_error(rc, m, err);
        break;
    default:
        return codec->write_payload(m, input, req, err);
    }
    if (rc)
        return rc;
    req->has_body = true;
    if (awsc_member_media_type(m))
        ctype = awsc_member_media_type(m);
    /* A member bound to Content-Type has already said what the body is. */
    if (awsc_rest_has_header(req, "Content-Type"))
        return 0;
    return awsc_rest_add_header(req, "Content-Type", ctype) ? NOMEM(err) : 0;
}

/* A host label must be a valid DNS label (dots allowed, since a prefix may span labels). */
static bool host_label_ok(const char *s)
{
    if (!*s || strlen(s) > 63 || *s == '-' || *s == '.')
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '.'))
            return false;
    return true;
}

static int expand_host_prefix(const awsc_operation *op, const void *input, awsc_rest_request *req, awsc_error *err)
{
    for (const char *p = op->host_prefix; *p;) {
        if (*p != '{') {
            size_t n = strcspn(p, "{");
            if (awsc_buf_append(&req->host_prefix, p, n))
                return NOMEM(err);
            p += n;
            continue;
        }
        const char *close = strchr(p, '}');
        if (!close)
            return awsc_error_set(err, AWSC_E_INTERNAL, "%s: malformed host prefix", op->name);
        size_t nlen = (size_t)(close - p - 1);
        const awsc_member *m = NULL;
        for (uint32_t i = 0; op->input && i < op->input->member_count; i++) {
            const awsc_member *c = &op->input->members[i];
            if ((c->flags & AWSC_F_HOST_LABEL) && strlen(c->name) == nlen && memcmp(c->name, p + 1, nlen) == 0)
                m = c;
        }
        const char *v = m && input ? *(const char *const *)awsc_member_slot(m, input) : NULL;
        if (!v || !host_label_ok(v))
            return awsc_error_set(err, AWSC_E_VALIDATION, "%.*s: host label must be a valid DNS label",
                                  (int)nlen, p + 1);
        if (awsc_buf_puts(&req->host_prefix, v))
            return NOMEM(err);
        p = close + 1;
    }
    return 0;
}

static int serialize_parts(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                          awsc_error *err);

int awsc_rest_serialize(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                        awsc_error *err)
{
    memset(req, 0, sizeof *req);
    return awsc_rest_serialize_reusing(op, input, token, req, err);
}

/*
 * S3's SSE-C: the key's MD5 must come with the key (S3 refuses the request without it). When the
 * caller sets only the key (base64, as the header carries it), its MD5 is added, as the JS SDK,
 * botocore and the Java SDK do. The names are S3's alone; other services never send them.
 */
static int sse_customer_key_md5(awsc_rest_request *req, awsc_error *err)
{
    static const char *const keys[] = {"x-amz-server-side-encryption-customer-key",
                                       "x-amz-copy-source-server-side-encryption-customer-key"};
    /* Spelt out, not formatted per call. */
    static const char *const md5_names[] = {"x-amz-server-side-encryption-customer-key-MD5",
                                            "x-amz-copy-source-server-side-encryption-customer-key-MD5"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *key = NULL;
        for (size_t i = 0; i < req->header_count && !key; i++)
            if ((req->headers[i].name[0] | 0x20) == 'x' && strcasecmp(req->headers[i].name, keys[k]) == 0)
                key = req->headers[i].value;
        const char *md5_name = md5_names[k];
        if (!key || awsc_rest_has_header(req, md5_name))
            continue;
        awsc_buf raw = AWSC_BUF_INIT, b64 = AWSC_BUF_INIT;
        uint8_t md5[16];
        int rc = awsc_base64_decode(&raw, key, strlen(key));
        if (rc == -1) {
            rc = NOMEM(err);
        } else if (rc) {
            rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: the SSE-C key must be base64 (the header carries it so)",
                                keys[k]);
        } else if (awsc_md5(raw.data, raw.len, md5) != 0) {
            rc = awsc_error_set(err, AWSC_E_INTERNAL, "MD5 failed");
        } else if (awsc_base64_encode(&b64, md5, sizeof md5) || awsc_rest_add_header(req, md5_name, b64.data)) {
            rc = NOMEM(err);
        }
        if (raw.data)
            awsc_cleanse(raw.data, raw.len); /* the key itself */
        awsc_buf_free(&raw);
        awsc_buf_free(&b64);
        if (rc)
            return rc;
    }
    return 0;
}

int awsc_rest_serialize_reusing(const awsc_operation *op, const void *input, const char *token,
                                awsc_rest_request *req, awsc_error *err)
{
    awsc_rest_request_reset(req);
    int rc = serialize_parts(op, input, token, req, err);
    if (!rc && op->ext && op->ext->s3)
        rc = op->ext->s3->finish_request(req, err);
    /* The operation's constant headers (Glacier's version, API Gateway's Accept), unless a member set one. */
    for (const char *const *h = op->ext ? op->ext->headers : NULL; !rc && h && h[0]; h += 2)
        if (!awsc_rest_has_header(req, h[0]) && awsc_rest_add_header(req, h[0], h[1]))
            rc = NOMEM(err);
    if (rc || !(op->flags & AWSC_OP_CHECKSUM_REQUIRED) || awsc_rest_has_header(req, "Content-MD5"))
        return rc;
    uint8_t md5[16];
    awsc_buf b64 = AWSC_BUF_INIT;
    if (awsc_md5(req->body.data, req->body.len, md5) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "MD5 failed");
    rc = awsc_base64_encode(&b64, md5, sizeof md5) || awsc_rest_add_header(req, "Content-MD5", b64.data) ? NOMEM(err)
                                                                                                     : 0;
    awsc_buf_free(&b64);
    return rc;
}

static int serialize_parts(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                          awsc_error *err)
{
    int rc = expand_labels(op, input, req, err);
    if (!rc && op->host_prefix)
        rc = expand_host_prefix(op, input, req, err);
    if (rc)
        return rc;
    /* A service moved from awsQuery says so, so that errors keep their query-era codes. */
    if ((op->flags & AWSC_OP_QUERY_COMPATIBLE) && awsc_rest_add_header(req, "x-amzn-query-mode", "true"))
        return NOMEM(err);
    /* RPC protocols: POST / with every member in the body, however the model binds it. */
    if (op->codec->rpc)
        return op->codec->write_body(op, input, token, req, err);
    if (!op->input)
        return 0;
    bool has_body_members = false;
    const awsc_member *payload = NULL;
    for (uint32_t i = 0; i < op->input->member_count && !rc; i++) {
        const awsc_member *m = &op->input->members[i];
        bool present = awsc_member_present(m, input);
        switch ((awsc_binding)m->binding) {
        case AWSC_B_BODY:
            has_body_members = true;
            break;
        case AWSC_B_PAYLOAD:
            payload = m;
            break;
        case AWSC_B_QUERY:
        case AWSC_B_QUERY_PARAMS:
            if (present)
                rc = serialize_query(op, input, m, req, err);
            break;
        case AWSC_B_HEADER:
        case AWSC_B_PREFIX_HEADERS:
            if (present) {
                rc = serialize_header(op->input, m, input, req, err);
            } else if ((m->flags & AWSC_F_IDEMPOTENCY_TOKEN) && token) {
                rc = awsc_rest_add_header(req, m->wire_name, token) ? NOMEM(err) : 0;
            }
            break;
        default:
            break;
        }
        /* An unset idempotency token in the query is filled like one in the body. */
        if (!rc && !present && m->binding == AWSC_B_QUERY && (m->flags & AWSC_F_IDEMPOTENCY_TOKEN) && token)
            rc = add_query(req, m->wire_name, token, strlen(token)) ? NOMEM(err) : 0;
    }
    if (rc)
        return rc;
    if (join_query(req))
        return NOMEM(err);
    if (payload)
        return serialize_payload(op->codec, payload, input, req, err);
    if (!has_body_members)
        return 0;
    return op->codec->write_body(op, input, token, req, err);
}

/* ---- response --------------------------------------------------------- */

static void set_present(const awsc_member *m, void *container)
{
    if (m->has_offset != AWSC_NO_OFFSET)
        *(bool *)((unsigned char *)container + m->has_offset) = true;
}

/* Splits a header list value on commas outside double quotes. */
static int parse_header_list(const awsc_member *m, void *out, const char *v, awsc_arena *a)
{
    const awsc_shape *ls = m->shape;
    const awsc_member *elem = &ls->members[0];
    size_t cap = 1;
    for (const char *p = v; *p; p++)
        cap += *p == ',';
    unsigned char *items = awsc_arena_alloc(a, cap * ls->size);
    if (!items)
        return -1;
    size_t count = 0;
    const char *p = v;
    bool http_date = elem->type == AWSC_T_TIMESTAMP &&
                     (elem->ts_format == AWSC_TS_DEFAULT || elem->ts_format == AWSC_TS_HTTP_DATE);
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        awsc_buf item = AWSC_BUF_INIT;
        int rc = 0;
        if (*p == '"') {
            p++;
            while (*p && *p != '"' && !rc) {
                if (*p == '\\' && p[1])
                    p++;
                rc = awsc_buf_putc(&item, *p++);
            }
            if (*p != '"') {
                awsc_buf_free(&item);
                return -2;
            }
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p && *p != ',') {
                awsc_buf_free(&item);
                return -2;
            }
        } else {
            const char *start = p;
            /* An http-date holds one comma of its own ("Mon, 16 Dec ..."). */
            const char *comma = strchr(p, ',');
            if (http_date && comma)
                comma = strchr(comma + 1, ',');
            const char *stop = comma ? comma : p + strlen(p);
            const char *e = stop;
            while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            rc = awsc_buf_append(&item, start, (size_t)(e - start));
            p = stop;
        }
        if (!rc && count < cap)
            rc = awsc_scalar_parse(elem, items + count * ls->size, item.data ? item.data : "", item.len, a,
                                   AWSC_TS_HTTP_DATE, true);
        awsc_buf_free(&item);
        if (rc)
            return rc;
        count++;
        if (*p == ',')
            p++;
    }
    any_list *l = awsc_member_slot(m, out);
    l->items = items;
    l->count = count;
    return 0;
}

static int parse_prefix_headers(const awsc_member *m, void *out, const awsc_http_response *resp, awsc_arena *a)
{
    const awsc_shape *ms = m->shape;
    size_t plen = strlen(m->wire_name), count = 0;
    unsigned char *entries = awsc_arena_alloc(a, (resp->header_count ? resp->header_count : 1) * ms->size);
    if (!entries)
        return -1;
    for (size_t i = 0; i < resp->header_count; i++) {
        const awsc_header *h = &resp->headers[i];
        if (strncasecmp(h->name, m->wire_name, plen) != 0)
            continue;
        unsigned char *e = entries + count * ms->size;
        char *key = awsc_arena_strndup(a, h->name + plen, strlen(h->name + plen));
        if (!key)
            return -1;
        *(char **)(e + ms->members[0].offset) = key;
        int rc = awsc_scalar_parse(&ms->members[1], e, h->value, strlen(h->value), a, AWSC_TS_HTTP_DATE, true);
        if (rc)
            return rc;
        count++;
    }
    struct {
        void *entries;
        size_t count;
    } *map = awsc_member_slot(m, out);
    map->entries = entries;
    map->count = count;
    return 0;
}

static int parse_bound(const awsc_operation *op, const awsc_shape *shape, bool is_error,
                       const awsc_http_response *resp, awsc_arena *a, void *out, awsc_error *err)
{
    const awsc_member *payload = NULL;
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        int rc = 0;
        switch ((awsc_binding)m->binding) {
        case AWSC_B_HEADER: {
            const char *v = awsc_http_response_header(resp, m->wire_name);
            if (!v)
                continue;
            rc = m->type == AWSC_T_LIST ? parse_header_list(m, out, v, a)
                                        : awsc_scalar_parse(m, out, v, strlen(v), a, AWSC_TS_HTTP_DATE, true);
            /*
             * HTTP's Expires may be any text ("0", "-1"; RFC 9111 5.3: an invalid date means
             * "already expired"), and servers send it so: a timestamp member bound to it stays
             * absent rather than failing the response (S3's models hold the raw text as a string).
             */
            if (rc == -2 && m->type == AWSC_T_TIMESTAMP && strcasecmp(m->wire_name, "Expires") == 0)
                continue;
            break;
        }
        case AWSC_B_PREFIX_HEADERS:
            rc = parse_prefix_headers(m, out, resp, a);
            break;
        case AWSC_B_RESPONSE_CODE:
            *(int32_t *)awsc_member_slot(m, out) = (int32_t)resp->status;
            break;
        case AWSC_B_PAYLOAD:
            payload = m;
            continue;
        default:
            continue;
        }
        if (rc == -1)
            return NOMEM(err);
        if (rc)
            return awsc_error_set(err, AWSC_E_RESPONSE, "%s: cannot parse the value of header %s", m->name,
                                  m->wire_name);
        set_present(m, out);
    }
    const char *body = resp->body.data ? resp->body.data : "";
    size_t blen = resp->body.len;
    if (payload) {
        unsigned char *slot = awsc_member_slot(payload, out);
        if (payload->type == AWSC_T_BLOB || payload->type == AWSC_T_STREAM) {
            /* Both start with { const uint8_t *data; size_t len; }. */
            if (blen == 0)
                return 0; /* no body: the payload is absent */
            uint8_t *data = awsc_arena_alloc(a, blen);
            if (!data)
                return NOMEM(err);
            if (blen)
                memcpy(data, body, blen);
            ((awsc_blob *)slot)->data = data;
            ((awsc_blob *)slot)->len = blen;
            return 0;
        }
        if (blen == 0)
            return 0;
        if (payload->type == AWSC_T_STRING) { /* the body is the text itself (no base64, even with @mediaType) */
            char *copy = awsc_arena_strndup(a, body, blen);
            if (!copy)
                return NOMEM(err);
            *(char **)slot = copy;
            return 0;
        }
        if (payload->type == AWSC_T_ENUM) {
            int rc = awsc_scalar_parse(payload, out, body, blen, a, AWSC_TS_DEFAULT, false);
            return rc == -1 ? NOMEM(err) : 0;
        }
        return op->codec->read_payload(payload, out, body, blen, a, err);
    }
    return op->codec->read_body(op, shape, is_error, out, body, blen, a, err);
}

/* Smithy RPC v2: whether the response carries the request's Smithy-Protocol (other protocols: always). */
static bool smithy_protocol_matches(const awsc_operation *op, const awsc_http_response *resp)
{
    const char *want = op->codec->smithy_protocol;
    const char *got = want ? awsc_http_response_header(resp, "smithy-protocol") : NULL;
    return !want || (got && strcmp(got, want) == 0);
}

int awsc_rest_parse_output(const awsc_operation *op, const awsc_http_response *resp, awsc_arena *arena, void *out,
                           awsc_error *err)
{
    if (!smithy_protocol_matches(op, resp)) {
        const char *got = awsc_http_response_header(resp, "smithy-protocol");
        return awsc_error_set(err, AWSC_E_RESPONSE, "malformed response: its Smithy-Protocol is %s, not %s",
                              got ? got : "missing", op->codec->smithy_protocol);
    }
    return parse_bound(op, op->output, false, resp, arena, out, err);
}

void awsc_rest_sanitize_error_code(const char *raw, size_t len, awsc_buf *out)
{
    const char *end = raw + len;
    const char *colon = memchr(raw, ':', len);
    if (colon)
        end = colon;
    const char *start = raw;
    for (const char *p = raw; p < end; p++)
        if (*p == '#')
            start = p + 1;
    while (start < end && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    awsc_buf_append(out, start, (size_t)(end - start));
}

static const awsc_shape *find_error(const awsc_service *svc, const awsc_operation *op, const char *code, int *index)
{
    for (uint32_t i = 0; i < op->error_count; i++) {
        const awsc_shape *s = svc->errors[op->errors[i]];
        if (strcmp(awsc_shape_error_code(s), code) == 0) {
            *index = op->errors[i] + 1;
            return s;
        }
    }
    for (uint32_t i = 0; i < svc->error_count; i++) {
        if (strcmp(awsc_shape_error_code(svc->errors[i]), code) == 0) {
            *index = (int)i + 1;
            return svc->errors[i];
        }
    }
    return NULL;
}

/*
 * A response that names no error (no body, no x-amzn-errortype: S3's HEAD 404)
 * is the operation's modeled error with that status (smithy.api#httpError),
 * when exactly one has it. Otherwise a restXml 404 is "NotFound", as the JS
 * SDK and smithy-rs call it (S3's NotFound of HeadObject and HeadBucket has no
 * httpError trait), modeled where the operation or service has that error;
 * any other status keeps no code (the HTTP status stands for it).
 */
static const awsc_shape *error_without_code(const awsc_service *svc, const awsc_operation *op, long status,
                                            awsc_error *err)
{
    const awsc_shape *found = NULL;
    int index = 0, matches = 0;
    for (uint32_t i = 0; i < op->error_count; i++) {
        const awsc_shape *s = svc->errors[op->errors[i]];
        if (s->http_error && s->http_error == status) {
            found = s;
            index = op->errors[i] + 1;
            matches++;
        }
    }
    const char *code = NULL;
    if (matches == 1)
        code = awsc_shape_error_code(found);
    else if (status == 404 && op->codec->name && strcmp(op->codec->name, "restXml") == 0)
        code = "NotFound";
    if (!code || !(err->code = awsc_strdup(code)))
        return NULL;
    if (matches == 1) {
        err->modeled = index;
        return found;
    }
    return find_error(svc, op, code, &err->modeled);
}

/* One pass over the headers (every call takes this path): the first of each name counts. */
void awsc_rest_response_ids(const awsc_http_response *resp, awsc_response_ids *out)
{
    const char *amzn = NULL, *amz = NULL;
    out->extended_request_id = out->cf_id = NULL;
    for (size_t i = 0; i < resp->header_count; i++) {
        const char *n = resp->headers[i].name, *v = resp->headers[i].value;
        if ((n[0] | 0x20) != 'x' || strncasecmp(n, "x-amz", 5) != 0) /* most names fail the first byte */
            continue;
        if (!amzn && strcasecmp(n + 5, "n-requestid") == 0)
            amzn = v;
        else if (!amz && strcasecmp(n + 5, "-request-id") == 0)
            amz = v;
        else if (!out->extended_request_id && strcasecmp(n + 5, "-id-2") == 0)
            out->extended_request_id = v;
        else if (!out->cf_id && strcasecmp(n + 5, "-cf-id") == 0)
            out->cf_id = v;
    }
    out->request_id = amzn ? amzn : amz;
}

/*
 * awsQueryCompatible: "Code;Type" in x-amzn-query-error is the error as the
 * service's awsQuery API named it. It replaces the code (after the modeled
 * error was found by the body's), as botocore and smithy-rs do, so that code
 * written against the query API keeps matching; a malformed header is ignored.
 */
static void take_query_error(const awsc_http_response *resp, awsc_error *err)
{
    const char *v = awsc_http_response_header(resp, "x-amzn-query-error");
    const char *semi = v ? strchr(v, ';') : NULL;
    if (!semi || semi == v || !semi[1] || strchr(semi + 1, ';'))
        return;
    awsc_buf code = AWSC_BUF_INIT;
    char *type = awsc_strdup(semi + 1);
    if (awsc_buf_append(&code, v, (size_t)(semi - v)) || !type) { /* keep the body's code rather than none */
        awsc_buf_free(&code);
        free(type);
        return;
    }
    free(err->code);
    free(err->type);
    err->code = awsc_buf_take(&code);
    err->type = type;
}

int awsc_rest_parse_error(const awsc_service *svc, const awsc_operation *op, const awsc_http_response *resp,
                          awsc_error *err)
{
    err = awsc_error_target(err);
    awsc_error_clear(err);
    err->status = AWSC_E_SERVICE;
    err->http_status = resp->status;
    awsc_response_ids ids;
    awsc_rest_response_ids(resp, &ids);
    err->request_id = awsc_strdup(ids.request_id);
    err->extended_request_id = awsc_strdup(ids.extended_request_id);
    err->cf_id = awsc_strdup(ids.cf_id);

    awsc_arena *scratch = awsc_arena_create();
    awsc_error_fields fields = {0};
    /* A malformed RPC v2 response counts by its status alone. */
    if (!scratch || (smithy_protocol_matches(op, resp) && op->codec->error_fields(resp, scratch, &fields))) {
        awsc_arena_destroy(scratch);
        return awsc_error_nomem(err);
    }
    if (!err->request_id && fields.request_id)
        err->request_id = awsc_strdup(fields.request_id);
    if (!err->extended_request_id && fields.host_id)
        err->extended_request_id = awsc_strdup(fields.host_id);
    awsc_buf code = AWSC_BUF_INIT;
    if (fields.code)
        awsc_rest_sanitize_error_code(fields.code, strlen(fields.code), &code);
    if (code.len)
        err->code = awsc_buf_take(&code);
    awsc_buf_free(&code);
    if (fields.type && *fields.type)
        err->type = awsc_strdup(fields.type);

    const bool named = err->code != NULL; /* by the response, not inferred from its status */
    const awsc_shape *shape = named ? find_error(svc, op, err->code, &err->modeled)
                                        : error_without_code(svc, op, resp->status, err);
    if (op->flags & AWSC_OP_QUERY_COMPATIBLE)
        take_query_error(resp, err);
    if (shape) {
        awsc_arena *arena;
        void *detail = awsc_arena_new_root(&arena, shape->size);
        if (detail) {
            awsc_error perr = AWSC_ERROR_INIT;
            if (parse_bound(op, shape, true, resp, arena, detail, &perr) == AWSC_OK) {
                err->detail = detail;
                err->detail_arena_ = arena;
            } else {
                awsc_arena_destroy(arena);
            }
            awsc_error_clear(&perr);
        }
    }
    const char *msg = fields.message;
    if (msg) {
        err->message = awsc_strdup(msg);
    } else {
        awsc_buf m = AWSC_BUF_INIT;
        awsc_buf_printf(&m, "HTTP %ld%s%s", resp->status, named ? " " : "", named ? err->code : "");
        err->message = awsc_buf_take(&m);
    }
    awsc_arena_destroy(scratch);
    return AWSC_E_SERVICE;
}

/* ---- S3 ------------------------------------------------------------------ */

/*
 * S3 (AWSC_OPX_ERROR_IN_2XX): a 200 whose body is an <Error> document failed
 * (CopyObject, UploadPartCopy, CompleteMultipartUpload answer 200 at once and
 * report an error that happened later in the body). Its root element decides,
 * after an XML declaration and white space, as the AWS SDKs read it.
 */
static bool error_document(const awsc_http_response *resp)
{
    const char *p = resp->body.data ? resp->body.data : "", *end = p + resp->body.len;
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (end - p >= 2 && p[0] == '<' && (p[1] == '?' || p[1] == '!')) { /* declaration, comment */
            const char *close = memchr(p, '>', (size_t)(end - p));
            if (!close)
                return false;
            p = close + 1;
            continue;
        }
        break;
    }
    return end - p >= 7 && memcmp(p, "<Error", 6) == 0 &&
           (p[6] == '>' || p[6] == ' ' || p[6] == '\t' || p[6] == '\r' || p[6] == '\n' || p[6] == '/');
}

/*
 * CopyObject's, UploadPartCopy's or CompleteMultipartUpload's 200 with nothing
 * but white space (S3 sends spaces to keep the connection open while it
 * works): S3 aborted the request before it wrote a result. An InternalError, retried as one, as the JS SDK throws it
 * (botocore makes it a 500): never a success without the result.
 */
static bool empty_body(const awsc_http_response *resp)
{
    for (size_t i = 0; i < resp->body.len; i++) {
        char ch = resp->body.data[i];
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
            return false;
    }
    return true;
}

static int aborted_error(const awsc_service *svc, const awsc_operation *op, const awsc_http_response *resp,
                         awsc_error *err)
{
    int rc = awsc_rest_parse_error(svc, op, resp, err); /* status, request ids */
    awsc_error *e = awsc_error_target(err);
    free(e->code);
    free(e->message);
    e->code = awsc_strdup("InternalError");
    awsc_buf m = AWSC_BUF_INIT;
    awsc_buf_printf(&m, "S3 aborted the request: %s answered HTTP %ld without a result", op->name, resp->status);
    e->message = awsc_buf_take(&m);
    if (!e->code || !e->message)
        return awsc_error_nomem(err);
    return rc;
}

/* A 2xx answer S3 uses for an error (InternalError, SlowDown: retried as any error response). */
static int s3_error_in_2xx(const awsc_service *svc, const awsc_operation *op, const awsc_http_response *resp,
                           awsc_error *err)
{
    uint32_t flags = awsc_operation_ext_flags(op);
    if ((flags & AWSC_OPX_ERROR_IN_2XX) && error_document(resp))
        return awsc_rest_parse_error(svc, op, resp, err);
    if ((flags & AWSC_OPX_EMPTY_2XX_ABORTED) && empty_body(resp))
        return aborted_error(svc, op, resp, err);
    return AWSC_OK;
}

const struct awsc_s3_customizations awsc_s3_customizations = {sse_customer_key_md5, s3_error_in_2xx};
