/*
 * The protocol compliance harness: serializes a case's `params` and checks the
 * HTTP request, or parses a case's HTTP response and checks the result against
 * `params`. Every mismatch of a case is collected and reported in one failure,
 * after everything the case allocated is freed.
 *
 * All cases of a suite run in one Criterion test (awsc_pt_run_all): Criterion
 * starts every test in a freshly executed process, which costs more than the case
 * itself (loading libcurl's dependencies), most of all under ASan. Sanitizers still
 * see every case; a crash names the case it happened in.
 */
#include "harness.h"

#include "core/client_internal.h"
#include "core/compression.h"
#include "util/arena.h"
#include "util/buf.h"
#include "http/http.h"
#include "serde/json/json.h"
#include "serde/rest.h"
#include "util/uri.h"
#include "serde/xml/xml.h"
#include "serde/cbor/cbor.h"
#include "util/base64.h"
#include "util/timefmt.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <fnmatch.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

/* The token the suite expects for an unset idempotency token. */
#define PT_TOKEN "00000000-0000-4000-8000-000000000000"

static const awsc_operation *find_operation(const awsc_service *svc, const char *name)
{
    for (uint32_t i = 0; i < svc->operation_count; i++)
        if (strcmp(svc->operations[i].name, name) == 0)
            return &svc->operations[i];
    return NULL;
}

/* The outcome of the case being run, set by report() and skip_case(). */
typedef enum { PT_PASSED, PT_SKIPPED, PT_FAILED } pt_outcome;
static pt_outcome outcome;

static void report(const char *id, awsc_buf *problems)
{
    if (problems->len) {
        outcome = PT_FAILED;
        cr_expect(problems->len == 0, "%s:\n%s", id, problems->data);
    }
    awsc_buf_free(problems);
}

static void fail_case(const char *id, const char *why, const char *what)
{
    outcome = PT_FAILED;
    cr_expect_fail("%s: %s %s", id, why, what);
}

/* ---- JSON comparison ---------------------------------------------------- */

/* A path like $.list[2].key for messages; restored by the caller via `len`. */
typedef struct cmp {
    awsc_buf path;
    awsc_buf *problems;
} cmp;

static void mismatch(cmp *c, const cJSON *want, const cJSON *got, const char *what)
{
    char *w = want ? cJSON_PrintUnformatted(want) : NULL;
    char *g = got ? cJSON_PrintUnformatted(got) : NULL;
    awsc_buf_printf(c->problems, "  %s at $%s: expected %s, got %s\n", what, c->path.data ? c->path.data : "",
                    w ? w : "(absent)", g ? g : "(absent)");
    free(w);
    free(g);
}

static size_t push_key(cmp *c, const char *key)
{
    size_t len = c->path.len;
    awsc_buf_printf(&c->path, ".%s", key);
    return len;
}

static size_t push_index(cmp *c, int i)
{
    size_t len = c->path.len;
    awsc_buf_printf(&c->path, "[%d]", i);
    return len;
}

static void pop(cmp *c, size_t len)
{
    c->path.len = len;
    if (c->path.data)
        c->path.data[len] = '\0';
}

/* Plain JSON equality: object keys in any order, numbers by value. */
static bool json_equal(cmp *c, const cJSON *want, const cJSON *got)
{
    if ((want->type & 0xFF) != (got->type & 0xFF)) {
        mismatch(c, want, got, "different JSON types");
        return false;
    }
    if (cJSON_IsNumber(want) && want->valuedouble != got->valuedouble) {
        mismatch(c, want, got, "different numbers");
        return false;
    }
    if (cJSON_IsString(want) && strcmp(want->valuestring, got->valuestring) != 0) {
        mismatch(c, want, got, "different strings");
        return false;
    }
    if (cJSON_IsArray(want)) {
        if (cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
            mismatch(c, want, got, "different array lengths");
            return false;
        }
        bool ok = true;
        int i = 0;
        for (const cJSON *w = want->child, *g = got->child; w && g; w = w->next, g = g->next, i++) {
            size_t len = push_index(c, i);
            ok = json_equal(c, w, g) && ok;
            pop(c, len);
        }
        return ok;
    }
    if (cJSON_IsObject(want)) {
        bool ok = true;
        for (const cJSON *w = want->child; w; w = w->next) {
            size_t len = push_key(c, w->string);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
            if (!g) {
                mismatch(c, w, NULL, "missing key");
                ok = false;
            } else {
                ok = json_equal(c, w, g) && ok;
            }
            pop(c, len);
        }
        for (const cJSON *g = got->child; g; g = g->next) {
            if (!cJSON_GetObjectItemCaseSensitive(want, g->string)) {
                size_t len = push_key(c, g->string);
                mismatch(c, NULL, g, "unexpected key");
                pop(c, len);
                ok = false;
            }
        }
        return ok;
    }
    return true; /* null, true, false: the type says it all */
}

/* A float or double in the params form: a number or "NaN" / "Infinity" / "-Infinity". */
static bool params_double(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return true;
    }
    if (!cJSON_IsString(v))
        return false;
    if (strcmp(v->valuestring, "NaN") == 0)
        *out = NAN;
    else if (strcmp(v->valuestring, "Infinity") == 0)
        *out = INFINITY;
    else if (strcmp(v->valuestring, "-Infinity") == 0)
        *out = -INFINITY;
    else
        return false;
    return true;
}

static bool value_equal(cmp *c, const awsc_member *m, const cJSON *want, const cJSON *got);

/*
 * Equality of two structures in the params form. A member the params leave
 * out may still hold its model default: the client fills defaults, and plain
 * C scalars (required or defaulted, without a presence flag) always hold one.
 */
static bool struct_equal(cmp *c, const awsc_shape *s, const cJSON *want, const cJSON *got);

static bool is_scalar_number(uint8_t type)
{
    switch ((awsc_type)type) {
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG:
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
    case AWSC_T_TIMESTAMP:
        return true;
    default:
        return false;
    }
}

static bool holds_default(const awsc_member *m, const cJSON *got)
{
    cmp quiet = {AWSC_BUF_INIT, NULL};
    awsc_buf sink = AWSC_BUF_INIT;
    quiet.problems = &sink;
    bool ok = false;
    if (awsc_member_default(m)) {
        cJSON *d = cJSON_Parse(awsc_member_default(m));
        ok = d && value_equal(&quiet, m, d, got);
        cJSON_Delete(d);
    } else if (m->has_offset == AWSC_NO_OFFSET && m->type == AWSC_T_BOOL) {
        ok = cJSON_IsFalse(got);
    } else if (m->has_offset == AWSC_NO_OFFSET && is_scalar_number(m->type)) {
        double d;
        ok = params_double(got, &d) && d == 0;
    }
    awsc_buf_free(&quiet.path);
    awsc_buf_free(&sink);
    return ok;
}

static bool value_equal(cmp *c, const awsc_member *m, const cJSON *want, const cJSON *got)
{
    if (cJSON_IsNull(want) || cJSON_IsNull(got)) {
        if (cJSON_IsNull(want) && cJSON_IsNull(got))
            return true;
        mismatch(c, want, got, "null against a value");
        return false;
    }
    switch ((awsc_type)m->type) {
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE: {
        double w, g;
        if (!params_double(want, &w) || !params_double(got, &g)) {
            mismatch(c, want, got, "not a floating-point value");
            return false;
        }
        bool same = (isnan(w) && isnan(g)) ||
                    (m->type == AWSC_T_FLOAT ? (float)w == (float)g : w == g);
        if (!same)
            mismatch(c, want, got, "different numbers");
        return same;
    }
    case AWSC_T_TIMESTAMP: {
        /* a Smithy node value may give a timestamp as an RFC 3339 date-time (eventStreamTests do) */
        awsc_timestamp t;
        if (cJSON_IsString(want) && cJSON_IsNumber(got) &&
            awsc_time_parse_date_time(want->valuestring, strlen(want->valuestring), &t) == 0) {
            bool same = (double)t.seconds + t.nanos / 1e9 == got->valuedouble;
            if (!same)
                mismatch(c, want, got, "different timestamps");
            return same;
        }
        return json_equal(c, want, got);
    }
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
        return struct_equal(c, m->shape, want, got);
    case AWSC_T_LIST: {
        if (!cJSON_IsArray(want) || !cJSON_IsArray(got) || cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
            mismatch(c, want, got, "different lists");
            return false;
        }
        bool ok = true;
        int i = 0;
        for (const cJSON *w = want->child, *g = got->child; w && g; w = w->next, g = g->next, i++) {
            size_t len = push_index(c, i);
            ok = value_equal(c, &m->shape->members[0], w, g) && ok;
            pop(c, len);
        }
        return ok;
    }
    case AWSC_T_MAP: {
        if (!cJSON_IsObject(want) || !cJSON_IsObject(got) || cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
            mismatch(c, want, got, "different maps");
            return false;
        }
        bool ok = true;
        for (const cJSON *w = want->child; w; w = w->next) {
            size_t len = push_key(c, w->string);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
            if (!g) {
                mismatch(c, w, NULL, "missing map key");
                ok = false;
            } else {
                ok = value_equal(c, &m->shape->members[1], w, g) && ok;
            }
            pop(c, len);
        }
        return ok;
    }
    default: /* strings, enums, blobs (as text), booleans, integers, timestamps, documents */
        return json_equal(c, want, got);
    }
}

static bool struct_equal(cmp *c, const awsc_shape *s, const cJSON *want, const cJSON *got)
{
    if (!cJSON_IsObject(want) || !cJSON_IsObject(got)) {
        mismatch(c, want, got, "not an object");
        return false;
    }
    bool ok = true;
    for (const cJSON *w = want->child; w; w = w->next) {
        const awsc_member *m = NULL;
        for (uint32_t i = 0; i < s->member_count && !m; i++)
            if (strcmp(s->members[i].name, w->string) == 0)
                m = &s->members[i];
        size_t len = push_key(c, w->string);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        if (!m) {
            mismatch(c, w, g, "no such member in the shape");
            ok = false;
        } else if (!g && !cJSON_IsNull(w)) {
            mismatch(c, w, NULL, "member missing");
            ok = false;
        } else if (g) {
            ok = value_equal(c, m, w, g) && ok;
        }
        pop(c, len);
    }
    for (const cJSON *g = got->child; g; g = g->next) {
        if (cJSON_GetObjectItemCaseSensitive(want, g->string))
            continue;
        const awsc_member *m = NULL;
        for (uint32_t i = 0; i < s->member_count && !m; i++)
            if (strcmp(s->members[i].name, g->string) == 0)
                m = &s->members[i];
        if (m && s->type != AWSC_T_UNION && holds_default(m, g))
            continue;
        size_t len = push_key(c, g->string);
        mismatch(c, NULL, g, "unexpected member");
        pop(c, len);
        ok = false;
    }
    return ok;
}

/* Compares `got` (written by the runtime) with the case's `params` for `shape`. */
static void check_params(awsc_buf *problems, const awsc_shape *shape, const char *params, const char *got_text)
{
    cJSON *want = cJSON_Parse(params ? params : "{}");
    cJSON *got = cJSON_Parse(got_text);
    if (!want || !got) {
        awsc_buf_printf(problems, "  %s is not JSON: %s\n", want ? "the runtime's output" : "params",
                        want ? got_text : params);
    } else if (shape) {
        cmp c = {AWSC_BUF_INIT, problems};
        struct_equal(&c, shape, want, got);
        awsc_buf_free(&c.path);
    } else if (cJSON_GetArraySize(want) != 0) {
        awsc_buf_printf(problems, "  params %s given for a shape-less (Unit) structure\n", params);
    }
    cJSON_Delete(want);
    cJSON_Delete(got);
}

void awsc_pt_check_params(awsc_buf *problems, const awsc_shape *shape, const char *params, const char *got_text)
{
    check_params(problems, shape, params, got_text);
}

/* ---- requests ----------------------------------------------------------- */

/* The request's query split at '&' (pieces point into `copy`). */
typedef struct query {
    char *copy;
    char **items;
    bool *used;
    size_t count;
} query;

static void query_split(query *q, const char *text)
{
    memset(q, 0, sizeof *q);
    q->copy = strdup(text ? text : "");
    size_t cap = 1;
    for (const char *p = q->copy; p && *p; p++)
        cap += *p == '&';
    q->items = calloc(cap, sizeof *q->items);
    q->used = calloc(cap, sizeof *q->used);
    if (!q->copy || !q->items || !q->used)
        return;
    char *save = NULL;
    for (char *t = strtok_r(q->copy, "&", &save); t; t = strtok_r(NULL, "&", &save))
        q->items[q->count++] = t;
}

static void query_free(query *q)
{
    free(q->copy);
    free(q->items);
    free(q->used);
}

static size_t key_len(const char *kv)
{
    return strcspn(kv, "=");
}

static bool same_key(const char *a, const char *b)
{
    size_t n = key_len(a);
    return n == key_len(b) && strncmp(a, b, n) == 0;
}

/*
 * Each expected "k=v" must be in the query; values of one key must keep
 * their relative order (lists), other parameters may come in any order.
 */
static void check_query(awsc_buf *problems, const awsc_pt_request_case *c, query *q)
{
    for (size_t i = 0; i < c->query_param_count; i++) {
        const char *want = c->query_params[i];
        size_t from = 0;
        for (size_t j = 0; j < q->count; j++)
            if (q->used[j] && same_key(q->items[j], want))
                from = j + 1;
        size_t hit = q->count;
        for (size_t j = from; j < q->count && hit == q->count; j++)
            if (!q->used[j] && strcmp(q->items[j], want) == 0)
                hit = j;
        if (hit < q->count) {
            q->used[hit] = true;
            continue;
        }
        bool anywhere = false;
        for (size_t j = 0; j < q->count; j++)
            anywhere |= strcmp(q->items[j], want) == 0;
        awsc_buf_printf(problems, "  query parameter %s %s\n", want,
                        anywhere ? "is out of order among its key's values" : "is missing");
    }
    for (size_t i = 0; i < c->forbid_query_param_count; i++)
        for (size_t j = 0; j < q->count; j++)
            if (same_key(q->items[j], c->forbid_query_params[i]))
                awsc_buf_printf(problems, "  forbidden query parameter %s is present\n", q->items[j]);
    for (size_t i = 0; i < c->require_query_param_count; i++) {
        bool found = false;
        for (size_t j = 0; j < q->count; j++)
            found |= same_key(q->items[j], c->require_query_params[i]);
        if (!found)
            awsc_buf_printf(problems, "  required query parameter %s is missing\n", c->require_query_params[i]);
    }
}

/* All values of header `name`, joined by ", " as one field; false when absent. */
static bool header_value(const awsc_rest_request *req, const char *name, awsc_buf *out)
{
    bool found = false;
    for (size_t i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, name) != 0)
            continue;
        if (found)
            awsc_buf_puts(out, ", ");
        awsc_buf_puts(out, req->headers[i].value);
        found = true;
    }
    return found;
}

static void check_headers(awsc_buf *problems, const awsc_pt_request_case *c, const awsc_rest_request *req)
{
    for (size_t i = 0; i < c->header_count; i++) {
        awsc_buf v = AWSC_BUF_INIT;
        if (!header_value(req, c->headers[i].name, &v))
            awsc_buf_printf(problems, "  header %s is missing (expected \"%s\")\n", c->headers[i].name,
                            c->headers[i].value);
        else if (strcmp(v.data, c->headers[i].value) != 0)
            awsc_buf_printf(problems, "  header %s: expected \"%s\", got \"%s\"\n", c->headers[i].name,
                            c->headers[i].value, v.data);
        awsc_buf_free(&v);
    }
    for (size_t i = 0; i < c->forbid_header_count; i++) {
        awsc_buf v = AWSC_BUF_INIT;
        if (header_value(req, c->forbid_headers[i], &v))
            awsc_buf_printf(problems, "  forbidden header %s is present: \"%s\"\n", c->forbid_headers[i], v.data);
        awsc_buf_free(&v);
    }
    for (size_t i = 0; i < c->require_header_count; i++) {
        awsc_buf v = AWSC_BUF_INIT;
        if (!header_value(req, c->require_headers[i], &v))
            awsc_buf_printf(problems, "  required header %s is missing\n", c->require_headers[i]);
        awsc_buf_free(&v);
    }
}

static bool json_media_type(const char *t)
{
    return t && (strcmp(t, "application/json") == 0 || strncmp(t, "application/json;", 17) == 0);
}

/* ---- form bodies (awsQuery, ec2Query) ----------------------------------- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The body's "k=v" pairs percent-decoded and sorted (NULL-terminated; free each and the array). */
static char **form_pairs(const char *body, size_t len, size_t *count)
{
    size_t cap = 2;
    for (size_t i = 0; i < len; i++)
        cap += body[i] == '&';
    char **pairs = calloc(cap, sizeof *pairs);
    *count = 0;
    for (size_t start = 0; pairs && start < len;) {
        size_t end = start;
        while (end < len && body[end] != '&')
            end++;
        awsc_buf pair = AWSC_BUF_INIT;
        size_t eq = start;
        while (eq < end && body[eq] != '=')
            eq++;
        awsc_uri_decode(&pair, body + start, eq - start, true);
        awsc_buf_putc(&pair, '=');
        if (eq < end)
            awsc_uri_decode(&pair, body + eq + 1, end - eq - 1, true);
        pairs[(*count)++] = awsc_buf_take(&pair);
        start = end + 1;
    }
    if (pairs)
        qsort(pairs, *count, sizeof *pairs, compare_strings);
    return pairs;
}

/* Form bodies are compared as sets of decoded pairs: their order carries no meaning (as smithy-rs compares). */
static void check_form_body(awsc_buf *problems, const char *want, size_t want_len, const char *got, size_t got_len)
{
    size_t nw, ng;
    char **w = form_pairs(want, want_len, &nw), **g = form_pairs(got, got_len, &ng);
    cr_assert(w && g);
    size_t i = 0, j = 0, before = problems->len;
    while (i < nw || j < ng) {
        int c = i == nw ? 1 : j == ng ? -1 : strcmp(w[i], g[j]);
        if (c < 0)
            awsc_buf_printf(problems, "  form body: missing %s\n", w[i++]);
        else if (c > 0)
            awsc_buf_printf(problems, "  form body: unexpected %s\n", g[j++]);
        else
            i++, j++;
    }
    if (problems->len != before)
        awsc_buf_printf(problems, "  form body sent: %.*s\n", (int)got_len, got);
    for (size_t k = 0; k < nw; k++)
        free(w[k]);
    for (size_t k = 0; k < ng; k++)
        free(g[k]);
    free(w);
    free(g);
}

static bool xml_media_type(const char *t)
{
    return t && (strcmp(t, "application/xml") == 0 || strncmp(t, "application/xml;", 16) == 0 ||
                 strcmp(t, "text/xml") == 0);
}

static bool blank_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", s[i]))
            return false;
    return true;
}

/*
 * XML equality: element names, attributes as sets, children in order, and
 * text; white space between elements (the cases are pretty-printed) is not
 * significant, the text of an element without children is.
 */
static bool xml_equal(cmp *c, const awsc_xml_node *w, const awsc_xml_node *g)
{
    size_t len = c->path.len;
    awsc_buf_printf(&c->path, "/%s", w->name);
    bool ok = true;
    if (strcmp(w->name, g->name) != 0) {
        awsc_buf_printf(c->problems, "  element at %s: got <%s>\n", c->path.data, g->name);
        ok = false;
        goto out;
    }
    for (size_t i = 0; i < w->attr_count; i++) {
        const char *v = awsc_xml_attr_value(g, w->attrs[i].name);
        if (!v || strcmp(v, w->attrs[i].value) != 0) {
            awsc_buf_printf(c->problems, "  attribute %s of %s: expected \"%s\", got %s%s%s\n", w->attrs[i].name,
                            c->path.data, w->attrs[i].value, v ? "\"" : "", v ? v : "(absent)", v ? "\"" : "");
            ok = false;
        }
    }
    for (size_t i = 0; i < g->attr_count; i++) {
        if (!awsc_xml_attr_value(w, g->attrs[i].name)) {
            awsc_buf_printf(c->problems, "  unexpected attribute %s=\"%s\" on %s\n", g->attrs[i].name,
                            g->attrs[i].value, c->path.data);
            ok = false;
        }
    }
    bool leaf = !w->first_child && !g->first_child;
    bool text_same = leaf ? w->text_len == g->text_len && memcmp(w->text, g->text, w->text_len) == 0
                          : blank_text(w->text, w->text_len) && blank_text(g->text, g->text_len);
    if (!text_same) {
        awsc_buf_printf(c->problems, "  text of %s: expected \"%s\", got \"%s\"\n", c->path.data, w->text,
                        g->text);
        ok = false;
    }
    /*
     * The k-th <x> expected is compared with the k-th <x> sent: repeated
     * elements (lists) keep their order, while the order of a structure's
     * members is not significant (as other SDKs' harnesses treat it).
     */
    for (const awsc_xml_node *wc = w->first_child; wc; wc = wc->next) {
        size_t k = 0;
        for (const awsc_xml_node *p = w->first_child; p != wc; p = p->next)
            k += strcmp(p->name, wc->name) == 0;
        const awsc_xml_node *gc = awsc_xml_child(g, wc->name);
        while (gc && k--)
            gc = awsc_xml_next_same(gc);
        if (gc) {
            ok = xml_equal(c, wc, gc) && ok;
        } else {
            awsc_buf_printf(c->problems, "  element %s/%s missing\n", c->path.data, wc->name);
            ok = false;
        }
    }
    if (w->child_count != g->child_count) {
        awsc_buf_printf(c->problems, "  children of %s: expected %zu, got %zu\n", c->path.data, w->child_count,
                        g->child_count);
        ok = false;
    }
out:
    pop(c, len);
    return ok;
}

static void check_xml_body(awsc_buf *problems, const char *want, size_t want_len, const char *got, size_t got_len)
{
    awsc_arena *arena = awsc_arena_create();
    awsc_xml_node *w = NULL, *g = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_xml_parse(want, want_len, arena, &w, &err) != AWSC_OK) {
        awsc_buf_printf(problems, "  the case's body is not XML: %s\n", err.message);
    } else if (awsc_xml_parse(got, got_len, arena, &g, &err) != AWSC_OK) {
        awsc_buf_printf(problems, "  body: expected %.*s, got non-XML (%s) %.*s\n", (int)want_len, want,
                        err.message, (int)got_len, got);
    } else {
        cmp c = {AWSC_BUF_INIT, problems};
        if (!xml_equal(&c, w, g))
            awsc_buf_printf(problems, "  (body sent: %.*s)\n", (int)got_len, got);
        awsc_buf_free(&c.path);
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
}

static bool cbor_media_type(const char *t)
{
    return t && strcmp(t, "application/cbor") == 0;
}

/*
 * CBOR bodies (the case's is base64) compared as data: both in sorted
 * diagnostic notation, so that map order, definite or indefinite lengths and
 * float widths (half, single, double of the same value) do not count.
 */
static void check_cbor_body(awsc_buf *problems, const char *want, size_t want_len, const char *got, size_t got_len)
{
    awsc_buf raw = AWSC_BUF_INIT, w = AWSC_BUF_INIT, g = AWSC_BUF_INIT;
    if (awsc_base64_decode(&raw, want, want_len) != 0 ||
        awsc_cbor_diagnostic((const uint8_t *)(raw.data ? raw.data : ""), raw.len, true, NULL, NULL, &w) != 0) {
        awsc_buf_printf(problems, "  the case's body is not base64 CBOR\n");
    } else if (awsc_cbor_diagnostic((const uint8_t *)got, got_len, true, NULL, NULL, &g) != 0) {
        awsc_buf_printf(problems, "  body: expected %s, got %zu bytes that are not CBOR\n", w.data, got_len);
    } else if (strcmp(w.data, g.data) != 0) {
        awsc_buf_printf(problems, "  body: expected %s\n        got      %s\n", w.data, g.data);
    }
    awsc_buf_free(&raw);
    awsc_buf_free(&w);
    awsc_buf_free(&g);
}

static void check_body(awsc_buf *problems, const char *media_type, const char *want, size_t want_len,
                       const char *got, size_t got_len)
{
    if (media_type && strcmp(media_type, "application/x-www-form-urlencoded") == 0) {
        check_form_body(problems, want, want_len, got, got_len);
        return;
    }
    if (want_len == 0) {
        if (got_len != 0)
            awsc_buf_printf(problems, "  body: expected none, got %.*s\n", (int)got_len, got);
        return;
    }
    if (json_media_type(media_type)) {
        cJSON *w = cJSON_ParseWithLength(want, want_len);
        cJSON *g = got_len ? cJSON_ParseWithLength(got, got_len) : NULL;
        if (!w) {
            awsc_buf_printf(problems, "  the case's body is not JSON\n");
        } else if (!g) {
            awsc_buf_printf(problems, "  body: expected %.*s, got non-JSON %.*s\n", (int)want_len, want,
                            (int)got_len, got);
        } else {
            cmp c = {AWSC_BUF_INIT, problems};
            json_equal(&c, w, g);
            awsc_buf_free(&c.path);
        }
        cJSON_Delete(w);
        cJSON_Delete(g);
        return;
    }
    if (xml_media_type(media_type)) {
        check_xml_body(problems, want, want_len, got, got_len);
        return;
    }
    if (cbor_media_type(media_type)) {
        check_cbor_body(problems, want, want_len, got, got_len);
        return;
    }
    if (got_len != want_len || memcmp(got, want, want_len) != 0)
        awsc_buf_printf(problems, "  body: expected %zu bytes \"%.*s\", got %zu bytes \"%.*s\"\n", want_len,
                        (int)want_len, want, got_len, (int)got_len, got);
}

/* The case's endpoint "host[/path]": the Host the client sends and the path it prefixes. */
static void check_host_and_path(awsc_buf *problems, const awsc_pt_request_case *c, const awsc_rest_request *req)
{
    const char *base = c->host ? strchr(c->host, '/') : NULL;
    size_t host_len = c->host ? (base ? (size_t)(base - c->host) : strlen(c->host)) : 0;
    awsc_buf path = AWSC_BUF_INIT;
    if (base && strcmp(base, "/") != 0)
        awsc_buf_puts(&path, base);
    awsc_buf_append(&path, req->path.data ? req->path.data : "", req->path.len);
    if (strcmp(path.data ? path.data : "", c->uri) != 0)
        awsc_buf_printf(problems, "  path: expected %s, got %s\n", c->uri, path.data ? path.data : "");
    awsc_buf_free(&path);
    if (!c->resolved_host)
        return;
    awsc_buf host = AWSC_BUF_INIT;
    awsc_buf_append(&host, req->host_prefix.data ? req->host_prefix.data : "", req->host_prefix.len);
    awsc_buf_append(&host, c->host ? c->host : "", host_len);
    if (strcmp(host.data ? host.data : "", c->resolved_host) != 0)
        awsc_buf_printf(problems, "  host: expected %s, got %s\n", c->resolved_host, host.data ? host.data : "");
    awsc_buf_free(&host);
}

/* ---- request compression ------------------------------------------------ */

static char *no_profile_value(const char *profile, const char *key)
{
    (void)profile, (void)key;
    return NULL;
}

/* `gz` is one gzip member whose content is `plain`. */
static bool gunzips_to(const awsc_buf *gz, const awsc_buf *plain)
{
    uint8_t *out = malloc(plain->len + 1);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (!out || inflateInit2(&z, 15 + 16) != Z_OK) {
        free(out);
        return false;
    }
    z.next_in = (Bytef *)gz->data;
    z.avail_in = (uInt)gz->len;
    z.next_out = out;
    z.avail_out = (uInt)plain->len + 1; /* one more: a longer content does not fit */
    int rc = inflate(&z, Z_FINISH);
    bool same = rc == Z_STREAM_END && z.avail_in == 0 && z.total_out == plain->len &&
                memcmp(out, plain->data, plain->len) == 0;
    inflateEnd(&z);
    free(out);
    return same;
}

/*
 * What awsc_call_begin does next for an operation with requestCompression: the
 * engine, configured as a client with no settings is (10240-byte threshold),
 * compresses the body in place; the compressed body must give back the plain one.
 */
static void compress_as_client(awsc_buf *problems, const awsc_operation *op, awsc_rest_request *req)
{
    awsc_client client;
    memset(&client, 0, sizeof client);
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_lent_profile none = {NULL, no_profile_value};
    awsc_error err = AWSC_ERROR_INIT;
    awsc_call k;
    memset(&k, 0, sizeof k);
    k.c = &client;
    k.req = *req;
    awsc_buf plain = AWSC_BUF_INIT;
    cr_assert(awsc_buf_append(&plain, req->body.data ? req->body.data : "", req->body.len) == 0);
    if (op->compression->configure(&client, &cfg, &none, &err) || op->compression->compress(&k, &err))
        awsc_buf_printf(problems, "  request compression failed: %s\n", err.message);
    *req = k.req;
    if (req->body.len < plain.len && !gunzips_to(&req->body, &plain))
        awsc_buf_printf(problems, "  the compressed body does not inflate to the serialized one\n");
    awsc_buf_free(&plain);
    awsc_error_clear(&err);
}

/* ---- requests through a configured client ------------------------------ */

static int64_t fixed_now(void *ctx)
{
    (void)ctx;
    return 1700000000; /* 2023-11-14: signatures do not matter here, only the request's shape */
}

/*
 * The case as a client sends it: a client configured from the case (region, S3's
 * addressing style, dual-stack, Transfer Acceleration; the case's host as the
 * endpoint URL for a service without endpoint rules: one with rules gets its
 * endpoint from them, as a user's client would), then awsc_call_begin and one
 * awsc_call_attempt build the signed request that would go on the wire. Path,
 * Host, query, headers and body are checked on what the attempt holds.
 */
static void run_through_client(const awsc_service *svc, const awsc_operation *op, const awsc_pt_request_case *c)
{
    awsc_buf problems = AWSC_BUF_INIT, url = AWSC_BUF_INIT;
    awsc_arena *arena = awsc_arena_create();
    cr_assert(arena);
    awsc_error err = AWSC_ERROR_INIT;
    awsc_client *client = NULL;
    awsc_call k;
    bool begun = false;
    void *input = NULL;
    if (op->input) {
        input = awsc_arena_alloc(arena, op->input->size);
        cr_assert(input);
        if (c->params &&
            awsc_json_read(op->input, input, c->params, strlen(c->params), arena, AWSC_JSON_PARAMS,
                           AWSC_E_VALIDATION, &err) != AWSC_OK) {
            awsc_buf_printf(&problems, "  params do not read into %s: %s\n", op->input->name, err.message);
            goto done;
        }
    }
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = c->region ? c->region : "us-east-1";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.now = fixed_now;
    cfg.max_attempts = 1;
    if (!svc->endpoint_rules && c->host) {
        cr_assert(awsc_buf_printf(&url, "https://%s", c->host) == 0);
        cfg.endpoint_url = url.data;
    }
    cfg.s3_force_path_style = c->addressing_style && strcmp(c->addressing_style, "path") == 0;
    cfg.s3_use_accelerate = c->accelerate;
    cfg.use_dual_stack = c->dualstack;
    if (awsc_client_new(svc, &cfg, &client, &err) != AWSC_OK) {
        awsc_buf_printf(&problems, "  awsc_client_new failed: %s\n", err.message);
        goto done;
    }
    begun = true;
    awsc_http_request hreq;
    if (awsc_call_begin(client, op, input, NULL, NULL, &k, &err) != AWSC_OK ||
        awsc_call_attempt(&k, &hreq, &err) != AWSC_OK) {
        awsc_buf_printf(&problems, "  the client refused the call: %s\n", err.message);
        goto done;
    }
    if (strcmp(hreq.method, c->method) != 0)
        awsc_buf_printf(&problems, "  method: expected %s, got %s\n", c->method, hreq.method);
    if (strcmp(k.path.data ? k.path.data : "", c->uri) != 0)
        awsc_buf_printf(&problems, "  path: expected %s, got %s\n", c->uri, k.path.data ? k.path.data : "");
    if (c->resolved_host && strcmp(k.host.data ? k.host.data : "", c->resolved_host) != 0)
        awsc_buf_printf(&problems, "  host: expected %s, got %s\n", c->resolved_host, k.host.data ? k.host.data : "");
    query q;
    query_split(&q, k.req.query.data);
    check_query(&problems, c, &q);
    query_free(&q);
    check_headers(&problems, c, &k.req);
    if (c->body)
        check_body(&problems, c->body_media_type, c->body, c->body_len, k.req.body.data ? k.req.body.data : "",
                   k.req.body.len);
done:
    if (begun)
        awsc_call_end(&k);
    awsc_client_free(client);
    awsc_buf_free(&url);
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    report(c->id, &problems);
}

void awsc_pt_run_request(const awsc_service *svc, const awsc_pt_request_case *c)
{
    if (c->skip) {
        outcome = PT_SKIPPED;
        return;
    }
    const awsc_operation *op = find_operation(svc, c->operation);
    if (!op) {
        fail_case(c->id, "the generated service has no operation", c->operation);
        return;
    }
    if (c->through_client) {
        run_through_client(svc, op, c);
        return;
    }

    awsc_buf problems = AWSC_BUF_INIT;
    awsc_arena *arena = awsc_arena_create();
    cr_assert(arena);
    void *input = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_rest_request req;
    memset(&req, 0, sizeof req);
    if (op->input) {
        input = awsc_arena_alloc(arena, op->input->size);
        if (!input) {
            awsc_buf_printf(&problems, "  out of memory\n");
            goto done;
        }
        if (c->params &&
            awsc_json_read(op->input, input, c->params, strlen(c->params), arena, AWSC_JSON_PARAMS,
                           AWSC_E_VALIDATION, &err) != AWSC_OK) {
            awsc_buf_printf(&problems, "  params do not read into %s: %s\n", op->input->name, err.message);
            goto done;
        }
    } else if (c->params && strcmp(c->params, "{}") != 0) {
        awsc_buf_printf(&problems, "  params given for an operation without input\n");
        goto done;
    }
    /* No awsc_validate: the cases may break constraints on purpose. */
    if (awsc_rest_serialize(op, input, PT_TOKEN, &req, &err) != AWSC_OK) {
        awsc_buf_printf(&problems, "  awsc_rest_serialize failed: %s\n", err.message);
        goto done;
    }
    if (op->compression)
        compress_as_client(&problems, op, &req);
    /* What the client's sign_and_send adds to every request with a body (client.c). */
    if (req.has_body) {
        char len[32];
        snprintf(len, sizeof len, "%zu", req.body.len);
        cr_assert(awsc_rest_add_header(&req, "Content-Length", len) == 0);
    }
    if (strcmp(op->method, c->method) != 0)
        awsc_buf_printf(&problems, "  method: expected %s, got %s\n", c->method, op->method);
    check_host_and_path(&problems, c, &req);
    query q;
    query_split(&q, req.query.data);
    check_query(&problems, c, &q);
    query_free(&q);
    check_headers(&problems, c, &req);
    if (c->body)
        check_body(&problems, c->body_media_type, c->body, c->body_len,
                   req.has_body && req.body.data ? req.body.data : "", req.has_body ? req.body.len : 0);
done:
    awsc_rest_request_free(&req);
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    report(c->id, &problems);
}

/* ---- responses ---------------------------------------------------------- */

static int find_error(const awsc_service *svc, const char *name)
{
    for (uint32_t i = 0; i < svc->error_count; i++)
        if (strcmp(svc->errors[i]->name, name) == 0)
            return (int)i;
    return -1;
}

/* The first operation that lists error `index`; the service's errors apply to any. */
static const awsc_operation *operation_with_error(const awsc_service *svc, int index)
{
    for (uint32_t i = 0; i < svc->operation_count; i++)
        for (uint32_t j = 0; j < svc->operations[i].error_count; j++)
            if (svc->operations[i].errors[j] == index)
                return &svc->operations[i];
    return svc->operation_count ? &svc->operations[0] : NULL;
}

static void check_error(awsc_buf *problems, const awsc_service *svc, const awsc_pt_response_case *c,
                        const awsc_http_response *resp)
{
    int index = find_error(svc, c->error);
    const awsc_operation *op = index >= 0 ? operation_with_error(svc, index) : NULL;
    if (!op) {
        awsc_buf_printf(problems, "  error %s is not in the generated service\n", c->error);
        return;
    }
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_rest_parse_error(svc, op, resp, &err);
    if (rc != AWSC_E_SERVICE)
        awsc_buf_printf(problems, "  awsc_rest_parse_error returned %d, not AWSC_E_SERVICE\n", rc);
    /*
     * err.code is the code the service sent: the shape name, or its @awsQueryError code,
     * or for awsQueryCompatible the one in x-amzn-query-error (the case's error_code).
     */
    const char *code = c->error_code ? c->error_code : awsc_shape_error_code(svc->errors[index]);
    if (!err.code || strcmp(err.code, code) != 0)
        awsc_buf_printf(problems, "  error code: expected %s, got %s\n", code, err.code ? err.code : "(none)");
    if (c->error_type && (!err.type || strcmp(err.type, c->error_type) != 0))
        awsc_buf_printf(problems, "  error type: expected %s, got %s\n", c->error_type, err.type ? err.type : "(none)");
    if (err.modeled != index + 1)
        awsc_buf_printf(problems, "  modeled: expected %d, got %d\n", index + 1, err.modeled);
    if (!err.detail) {
        awsc_buf_printf(problems, "  no typed detail for %s\n", c->error);
    } else {
        awsc_buf out = AWSC_BUF_INIT;
        awsc_error werr = AWSC_ERROR_INIT;
        if (awsc_json_write(&out, svc->errors[index], err.detail, AWSC_JSON_PARAMS, false, &werr) != AWSC_OK)
            awsc_buf_printf(problems, "  cannot write the detail: %s\n", werr.message);
        else
            check_params(problems, svc->errors[index], c->params, out.data);
        awsc_error_clear(&werr);
        awsc_buf_free(&out);
    }
    awsc_error_clear(&err);
}

static void check_output(awsc_buf *problems, const awsc_operation *op, const awsc_pt_response_case *c,
                         const awsc_http_response *resp)
{
    if (!op->output) {
        check_params(problems, NULL, c->params, "{}");
        return;
    }
    awsc_arena *arena = awsc_arena_create();
    void *out = arena ? awsc_arena_alloc(arena, op->output->size) : NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_buf text = AWSC_BUF_INIT;
    if (!out) {
        awsc_buf_printf(problems, "  out of memory\n");
    } else if (awsc_rest_parse_output(op, resp, arena, out, &err) != AWSC_OK) {
        awsc_buf_printf(problems, "  awsc_rest_parse_output failed: %s\n", err.message);
    } else if (awsc_json_write(&text, op->output, out, AWSC_JSON_PARAMS, false, &err) != AWSC_OK) {
        awsc_buf_printf(problems, "  cannot write the output: %s\n", err.message);
    } else {
        check_params(problems, op->output, c->params, text.data);
    }
    awsc_buf_free(&text);
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
}

void awsc_pt_run_response(const awsc_service *svc, const awsc_pt_response_case *c)
{
    if (c->skip) {
        outcome = PT_SKIPPED;
        return;
    }
    const awsc_operation *op = c->operation ? find_operation(svc, c->operation) : NULL;
    if (c->operation && !op) {
        fail_case(c->id, "the generated service has no operation", c->operation);
        return;
    }

    awsc_buf problems = AWSC_BUF_INIT;
    awsc_header *headers = calloc(c->header_count ? c->header_count : 1, sizeof *headers);
    cr_assert(headers);
    for (size_t i = 0; i < c->header_count; i++) {
        headers[i].name = c->headers[i].name;
        headers[i].value = c->headers[i].value;
    }
    awsc_http_response resp = {.status = c->code, .headers = headers, .header_count = c->header_count};
    if (c->body && cbor_media_type(c->body_media_type)) {
        /* binary bodies travel in the case as base64 */
        if (awsc_base64_decode(&resp.body, c->body, c->body_len) != 0)
            awsc_buf_printf(&problems, "  the case's body is not base64\n");
    } else if (c->body) {
        awsc_buf_append(&resp.body, c->body, c->body_len);
    }
    if (op)
        check_output(&problems, op, c, &resp);
    else
        check_error(&problems, svc, c, &resp);
    awsc_buf_free(&resp.body);
    free(headers);
    report(c->id, &problems);
}

void awsc_pt_check_body(awsc_buf *problems, const char *media_type, const char *want, size_t want_len, const char *got,
                        size_t got_len)
{
    check_body(problems, media_type, want, want_len, got, got_len);
}

void awsc_pt_report(const char *id, awsc_buf *problems)
{
    report(id, problems);
}

void awsc_pt_skip(void)
{
    outcome = PT_SKIPPED;
}

/* ---- running a suite ------------------------------------------------------ */

static const awsc_pt_entry *running;

static void write_all(const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(2, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Says which case a crash or a sanitizer report happened in (async-signal-safe). */
static void name_the_running_case(void)
{
    if (!running)
        return;
    write_all("protocol-tests: stopped in case ");
    write_all(running->suite);
    write_all("/");
    write_all(running->id);
    write_all("\n");
}

static void on_fatal_signal(int sig)
{
    name_the_running_case();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Declared weak: present only when the test is built with AddressSanitizer. */
extern void __asan_set_death_callback(void (*callback)(void)) __attribute__((weak));

void awsc_pt_run_all(const awsc_pt_entry *cases, size_t count)
{
    char line[256];
    snprintf(line, sizeof line, "protocol-tests %s", awsc_pt_protocol);
    awsc_pt_run_suite(cases, count, line);
}

void awsc_pt_run_suite(const awsc_pt_entry *cases, size_t count, const char *line)
{
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        signal(fatal[i], on_fatal_signal);
    if (__asan_set_death_callback)
        __asan_set_death_callback(name_the_running_case);
    /* AWSC_PT_CASE=GLOB runs only the cases whose "suite/id" matches. */
    const char *only = getenv("AWSC_PT_CASE");
    size_t passed = 0, skipped = 0, failed = 0;
    char name[512];
    for (size_t i = 0; i < count; i++) {
        snprintf(name, sizeof name, "%s/%s", cases[i].suite, cases[i].id);
        if (only && *only && fnmatch(only, name, 0) != 0)
            continue;
        running = &cases[i];
        outcome = PT_PASSED;
        cases[i].run();
        running = NULL;
        if (outcome == PT_PASSED)
            passed++;
        else if (outcome == PT_SKIPPED)
            skipped++;
        else
            failed++;
    }
    printf("%s: %zu passed, %zu skipped, %zu failed\n", line, passed, skipped, failed);
    fflush(stdout);
}
