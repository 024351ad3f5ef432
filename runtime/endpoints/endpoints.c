/*
 * The endpoint rules evaluator: walks a rule set that the generator compiled
 * into static tables (awsc/endpoints.h), with the rules' standard library.
 * Each call works in one arena; nothing is parsed at run time. Recursion
 * follows only the compiled data and is capped, so inputs cannot deepen it.
 */
#include "awsc/endpoints.h"

#include "util/arena.h"
#include "util/buf.h"
#include "endpoints/endpoints_lib.h"
#include "util/error.h"
#include "endpoints/partitions.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any published rule set; the generator refuses deeper ones. */
#define MAX_EXPR_DEPTH 32
#define MAX_RULE_DEPTH 64

/* ---- the standard library ------------------------------------------------- */

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool host_label(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !is_alnum(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

bool awsc_ep_is_valid_host_label(const char *s, bool allow_subdomains)
{
    if (!allow_subdomains)
        return host_label(s, strlen(s));
    for (;;) {
        size_t n = strcspn(s, ".");
        if (!host_label(s, n))
            return false;
        if (s[n] == '\0')
            return true;
        s += n + 1;
    }
}

int awsc_ep_substring(awsc_arena *a, const char *s, long start, long stop, bool reverse, const char **out)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] > 127)
            return 1;
    if (start < 0 || start >= stop || (size_t)stop > len)
        return 1;
    size_t from = reverse ? len - (size_t)stop : (size_t)start;
    size_t to = reverse ? len - (size_t)start : (size_t)stop;
    *out = awsc_arena_strndup(a, s + from, to - from);
    return *out ? 0 : -1;
}

const char *awsc_ep_uri_encode(awsc_arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s), n = 0;
    char *out = awsc_arena_alloc(a, len * 3 + 1); /* no overflow: len is an existing string's */
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_alnum((char)*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
    return out;
}

int awsc_ep_parse_url(awsc_arena *a, const char *s, awsc_ep_url *out)
{
    const char *sep = strstr(s, "://");
    if (!sep)
        return 1;
    size_t scheme_len = (size_t)(sep - s);
    if (!((scheme_len == 4 && memcmp(s, "http", 4) == 0) || (scheme_len == 5 && memcmp(s, "https", 5) == 0)))
        return 1;
    const char *auth = sep + 3;
    for (const char *p = auth; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' || *p == '#')
            return 1; /* a query, a fragment or bytes a URL cannot hold */
    size_t auth_len = strcspn(auth, "/");
    if (auth_len == 0 || memchr(auth, '@', auth_len))
        return 1;
    const char *path = auth + auth_len;
    size_t path_len = strlen(path);
    out->scheme = awsc_arena_strndup(a, s, scheme_len);
    out->authority = awsc_arena_strndup(a, auth, auth_len);
    out->path = awsc_arena_strndup(a, path, path_len);
    bool slash_end = path_len > 0 && path[path_len - 1] == '/';
    char *norm = awsc_arena_alloc(a, path_len + 3);
    if (!out->scheme || !out->authority || !out->path || !norm)
        return -1;
    /* The path is empty or starts with '/': add the trailing slash. */
    memcpy(norm, path_len ? path : "/", path_len ? path_len : 1);
    if (path_len && !slash_end)
        norm[path_len] = '/';
    out->normalized_path = norm;
    /* The host without its port: [v6]:port or host:port. */
    size_t host_len = auth_len;
    if (auth[0] == '[') {
        const char *close = memchr(auth, ']', auth_len);
        if (!close)
            return 1;
        host_len = (size_t)(close - auth) + 1;
    } else {
        const char *colon = memchr(auth, ':', auth_len);
        if (colon)
            host_len = (size_t)(colon - auth);
    }
    char *host = awsc_arena_strndup(a, auth, host_len);
    if (!host)
        return -1;
    out->is_ip = awsc_ep_is_ip_address(host);
    return 0;
}

/* ---- values ------------------------------------------------------------------ */

enum { V_NONE, V_BOOL, V_INT, V_STR, V_ARRAY, V_PARTITION, V_ARN, V_URL };

typedef struct ep_val {
    uint8_t kind;
    bool b;
    const char *s;
    const char *const *items; /* V_ARRAY */
    size_t count;             /* V_ARRAY: items; V_INT: the value */
    const void *obj;          /* V_PARTITION, V_ARN, V_URL */
} ep_val;

static const ep_val none_val = {V_NONE, false, NULL, NULL, 0, NULL};

static ep_val bool_val(bool b)
{
    ep_val v = none_val;
    v.kind = V_BOOL;
    v.b = b;
    return v;
}

static ep_val str_val(const char *s)
{
    ep_val v = none_val;
    if (s) {
        v.kind = V_STR;
        v.s = s;
    }
    return v;
}

typedef struct ep_ctx {
    const awsc_endpoint_rules *r;
    awsc_arena *arena;
    ep_val *slots;
    awsc_error *err;
    int status; /* AWSC_OK until something fails; then evaluation unwinds */
} ep_ctx;

static ep_val fail(ep_ctx *c, int status, const char *what)
{
    if (c->status == AWSC_OK) {
        c->status = status;
        awsc_error_set(c->err, status, "endpoint rules: %s", what);
    }
    return none_val;
}

static ep_val nomem(ep_ctx *c)
{
    return fail(c, AWSC_E_NOMEM, "out of memory");
}

/* One attribute of a partition, ARN or URL; unset when there is none. */
/* What only some rule sets need (more_call, more_field): see awsc_ep_more_functions below. */
struct awsc_ep_functions {
    ep_val (*call)(ep_ctx *c, const awsc_ep_expr *x, const ep_val *a);
    ep_val (*field)(ep_val v, const char *name, size_t n);
};

/*
 * The named attributes of a partition, ARN or URL value: `names` packed ("a\0b\0", an empty
 * name at the end), at[i] the offset of the i-th one's string in its struct, or of its bool
 * with IS_BOOL (no table of pointers: these are tables every program links).
 */
#define IS_BOOL 0x80u

static ep_val attr_of(const void *obj, const char *names, const uint8_t *at, const char *name, size_t n)
{
    for (size_t i = 0; *names; names += strlen(names) + 1, i++)
        if (strncmp(names, name, n) == 0 && names[n] == '\0') {
            const char *p = (const char *)obj + (at[i] & ~IS_BOOL);
            return at[i] & IS_BOOL ? bool_val(*(const bool *)p) : str_val(*(const char *const *)p);
        }
    return none_val;
}

static ep_val field(const ep_ctx *c, ep_val v, const char *name, size_t n)
{
    static const uint8_t at[] = {
        offsetof(awsc_partition, name), offsetof(awsc_partition, dns_suffix),
        offsetof(awsc_partition, dual_stack_dns_suffix), offsetof(awsc_partition, implicit_global_region),
        offsetof(awsc_partition, supports_fips) | IS_BOOL, offsetof(awsc_partition, supports_dual_stack) | IS_BOOL};
    /* arrays, not literals: a literal with NULs inside lands in the file's one .rodata with the others' */
    static const char names[] = "name\0dnsSuffix\0dualStackDnsSuffix\0implicitGlobalRegion\0supportsFIPS\0"
                                "supportsDualStack\0";
    if (v.kind == V_PARTITION)
        return attr_of(v.obj, names, at, name, n);
    /* ARNs and URLs come only from aws.parseArn and parseURL, in rule sets with more_functions. */
    return (v.kind == V_ARN || v.kind == V_URL) && c->r->more_functions ? c->r->more_functions->field(v, name, n)
                                                                         : none_val;
}

/* getAttr's path: name, name[2], [0], a.b — segments split on '.'. */
static ep_val get_attr(const ep_ctx *c, ep_val v, const char *path)
{
    const char *p = path;
    while (v.kind != V_NONE) {
        size_t n = strcspn(p, ".[");
        if (n)
            v = field(c, v, p, n);
        p += n;
        while (*p == '[' && v.kind != V_NONE) {
            char *end;
            unsigned long i = strtoul(p + 1, &end, 10);
            if (end == p + 1 || *end != ']')
                return none_val;
            v = v.kind == V_ARRAY && i < v.count ? str_val(v.items[i]) : none_val;
            p = end + 1;
        }
        if (*p != '.')
            break;
        p++;
    }
    return *p == '\0' ? v : none_val;
}

/* ---- expressions -------------------------------------------------------------- */

static ep_val eval(ep_ctx *c, uint32_t i, int depth);

static bool args_ok(const ep_ctx *c, const awsc_ep_expr *x)
{
    return x->a <= c->r->expr_count && x->n <= c->r->expr_count - x->a;
}

static ep_val template_val(ep_ctx *c, const awsc_ep_expr *x, int depth)
{
    awsc_buf b = AWSC_BUF_INIT;
    for (uint32_t k = 0; k < x->n; k++) {
        ep_val part = eval(c, x->a + k, depth + 1);
        if (c->status != AWSC_OK)
            break;
        if (part.kind != V_STR) {
            fail(c, AWSC_E_INTERNAL, "a template refers to a value that is not a string");
            break;
        }
        if (awsc_buf_puts(&b, part.s) != 0) {
            nomem(c);
            break;
        }
    }
    ep_val v = none_val;
    if (c->status == AWSC_OK) {
        const char *s = awsc_arena_strndup(c->arena, b.data ? b.data : "", b.len);
        v = s ? str_val(s) : nomem(c);
    }
    awsc_buf_free(&b);
    return v;
}

/*
 * The functions only some rule sets call (S3's and S3 Control's, and parseURL and
 * isValidHostLabel those of a few more services): reached
 * through awsc_endpoint_rules.more_functions, which the generator sets only in
 * the rule sets that call them, so that --gc-sections leaves them (and the ARN
 * parser) out of a program whose rule sets call none.
 */

/* What parseArn or parseURL gives for its parser's result `rc`: the object it filled, none, or out of memory. */
static ep_val parsed(ep_ctx *c, int rc, int kind, void *obj)
{
    if (rc < 0)
        return nomem(c);
    ep_val v = none_val;
    if (rc == 0) {
        v.kind = kind;
        v.obj = obj;
    }
    return v;
}

static ep_val more_call(ep_ctx *c, const awsc_ep_expr *x, const ep_val *a)
{
    switch (x->fn) {
    case AWSC_EP_FN_SUBSTRING: {
        const char *out;
        if (a[0].kind != V_STR || a[1].kind != V_INT || a[2].kind != V_INT || a[3].kind != V_BOOL)
            return none_val;
        int rc = awsc_ep_substring(c->arena, a[0].s, (long)a[1].count, (long)a[2].count, a[3].b, &out);
        return rc == 0 ? str_val(out) : rc > 0 ? none_val : nomem(c);
    }
    case AWSC_EP_FN_URI_ENCODE: {
        if (a[0].kind != V_STR)
            return none_val;
        const char *s = awsc_ep_uri_encode(c->arena, a[0].s);
        return s ? str_val(s) : nomem(c);
    }
    case AWSC_EP_FN_PARSE_ARN: {
        awsc_ep_arn *arn = awsc_arena_alloc(c->arena, sizeof *arn);
        if (!arn)
            return nomem(c);
        return parsed(c, a[0].kind == V_STR ? awsc_ep_parse_arn(c->arena, a[0].s, arn) : 1, V_ARN, arn);
    }
    case AWSC_EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET:
        return a[0].kind == V_STR && a[1].kind == V_BOOL
                   ? bool_val(awsc_ep_is_virtual_hostable_s3_bucket(a[0].s, a[1].b))
                   : none_val;
    case AWSC_EP_FN_PARSE_URL: {
        awsc_ep_url *u = awsc_arena_alloc(c->arena, sizeof *u);
        if (!u)
            return nomem(c);
        return parsed(c, a[0].kind == V_STR ? awsc_ep_parse_url(c->arena, a[0].s, u) : 1, V_URL, u);
    }
    case AWSC_EP_FN_IS_VALID_HOST_LABEL:
        return a[0].kind == V_STR && a[1].kind == V_BOOL ? bool_val(awsc_ep_is_valid_host_label(a[0].s, a[1].b))
                                                          : none_val;
    default:
        return fail(c, AWSC_E_INTERNAL, "unknown function");
    }
}

/* The attributes of an ARN (aws.parseArn) and a URL (parseURL). */
static ep_val more_field(ep_val v, const char *name, size_t n)
{
    static const uint8_t arn_at[] = {offsetof(awsc_ep_arn, partition), offsetof(awsc_ep_arn, service),
                                     offsetof(awsc_ep_arn, region), offsetof(awsc_ep_arn, account_id)};
    static const uint8_t url_at[] = {offsetof(awsc_ep_url, scheme), offsetof(awsc_ep_url, authority),
                                     offsetof(awsc_ep_url, path), offsetof(awsc_ep_url, normalized_path),
                                     offsetof(awsc_ep_url, is_ip) | IS_BOOL};
    static const char arn_names[] = "partition\0service\0region\0accountId\0";
    static const char url_names[] = "scheme\0authority\0path\0normalizedPath\0isIp\0";
    if (v.kind == V_URL)
        return attr_of(v.obj, url_names, url_at, name, n);
    const awsc_ep_arn *a = v.obj;
    if (n == 10 && memcmp(name, "resourceId", 10) == 0) {
        ep_val out = none_val;
        out.kind = V_ARRAY;
        out.items = a->resource_id;
        out.count = a->resource_count;
        return out;
    }
    return attr_of(a, arn_names, arn_at, name, n);
}

const awsc_ep_functions awsc_ep_more_functions = {more_call, more_field};

static ep_val call(ep_ctx *c, const awsc_ep_expr *x, int depth)
{
    ep_val a[4] = {none_val, none_val, none_val, none_val};
    if (x->n > 4)
        return fail(c, AWSC_E_INTERNAL, "a function has too many arguments");
    for (uint32_t k = 0; k < x->n; k++) {
        a[k] = eval(c, x->a + k, depth + 1);
        if (c->status != AWSC_OK)
            return none_val;
    }
    switch (x->fn) {
    case AWSC_EP_FN_IS_SET:
        return bool_val(a[0].kind != V_NONE);
    case AWSC_EP_FN_NOT:
        return a[0].kind == V_BOOL ? bool_val(!a[0].b) : none_val;
    case AWSC_EP_FN_BOOLEAN_EQUALS:
        return a[0].kind == V_BOOL && a[1].kind == V_BOOL ? bool_val(a[0].b == a[1].b) : none_val;
    case AWSC_EP_FN_STRING_EQUALS:
        return a[0].kind == V_STR && a[1].kind == V_STR ? bool_val(strcmp(a[0].s, a[1].s) == 0) : none_val;
    case AWSC_EP_FN_GET_ATTR:
        return x->s ? get_attr(c, a[0], x->s) : none_val;
    case AWSC_EP_FN_SUBSTRING:
    case AWSC_EP_FN_URI_ENCODE:
    case AWSC_EP_FN_PARSE_ARN:
    case AWSC_EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET:
    case AWSC_EP_FN_PARSE_URL:
    case AWSC_EP_FN_IS_VALID_HOST_LABEL:
        /* The generator sets more_functions in every rule set that calls one of these. */
        return c->r->more_functions ? c->r->more_functions->call(c, x, a)
                                    : fail(c, AWSC_E_INTERNAL, "unknown function");
    case AWSC_EP_FN_PARTITION: {
        if (a[0].kind != V_STR)
            return none_val;
        ep_val v = none_val;
        v.kind = V_PARTITION;
        v.obj = awsc_partition_for_region(a[0].s);
        return v;
    }
    default:
        return fail(c, AWSC_E_INTERNAL, "unknown function");
    }
}

static ep_val eval(ep_ctx *c, uint32_t i, int depth)
{
    if (depth > MAX_EXPR_DEPTH)
        return fail(c, AWSC_E_INTERNAL, "expressions nested too deeply");
    if (i >= c->r->expr_count)
        return fail(c, AWSC_E_INTERNAL, "expression index out of range");
    const awsc_ep_expr *x = &c->r->exprs[i];
    switch (x->kind) {
    case AWSC_EP_X_BOOL:
        return bool_val(x->a != 0);
    case AWSC_EP_X_INT: {
        ep_val v = none_val;
        v.kind = V_INT;
        v.count = x->a;
        return v;
    }
    case AWSC_EP_X_STRING:
        return str_val(x->s ? x->s : "");
    case AWSC_EP_X_REF:
        return x->a < c->r->slot_count ? c->slots[x->a] : fail(c, AWSC_E_INTERNAL, "reference out of range");
    case AWSC_EP_X_TEMPLATE:
        return args_ok(c, x) ? template_val(c, x, depth) : fail(c, AWSC_E_INTERNAL, "bad template");
    case AWSC_EP_X_FN:
        return args_ok(c, x) ? call(c, x, depth) : fail(c, AWSC_E_INTERNAL, "bad function arguments");
    default:
        return fail(c, AWSC_E_INTERNAL, "unexpected expression");
    }
}

/* A template that must give a string: the url, an error message, a header value. */
static const char *eval_string(ep_ctx *c, uint32_t i)
{
    ep_val v = eval(c, i, 0);
    if (c->status == AWSC_OK && v.kind != V_STR)
        fail(c, AWSC_E_INTERNAL, "a template did not give a string");
    return c->status == AWSC_OK ? v.s : NULL;
}

/* ---- endpoint results ---------------------------------------------------------- */

static int json_string(awsc_buf *b, const char *s)
{
    int rc = awsc_buf_putc(b, '"');
    for (; *s && rc == 0; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            rc = awsc_buf_printf(b, "\\%c", ch);
        else if (ch < 0x20)
            rc = awsc_buf_printf(b, "\\u%04x", ch);
        else
            rc = awsc_buf_putc(b, (char)ch);
    }
    return rc ? rc : awsc_buf_putc(b, '"');
}

static const awsc_ep_prop *prop_at(ep_ctx *c, uint32_t i)
{
    if (i >= c->r->prop_count) {
        fail(c, AWSC_E_INTERNAL, "property index out of range");
        return NULL;
    }
    return &c->r->props[i];
}

static void write_prop(ep_ctx *c, awsc_buf *b, uint32_t i, int depth)
{
    const awsc_ep_prop *p = prop_at(c, i);
    if (!p)
        return;
    if (depth > MAX_EXPR_DEPTH) {
        fail(c, AWSC_E_INTERNAL, "properties nested too deeply");
        return;
    }
    int rc = 0;
    switch (p->kind) {
    case AWSC_EP_P_OBJECT:
    case AWSC_EP_P_ARRAY: {
        bool obj = p->kind == AWSC_EP_P_OBJECT;
        rc = awsc_buf_putc(b, obj ? '{' : '[');
        for (uint32_t k = 0; k < p->count && rc == 0 && c->status == AWSC_OK; k++) {
            const awsc_ep_prop *child = prop_at(c, p->first + k);
            if (!child)
                return;
            if (k)
                rc = awsc_buf_putc(b, ',');
            if (obj && rc == 0)
                rc = json_string(b, child->key ? child->key : "") || awsc_buf_putc(b, ':');
            if (rc == 0)
                write_prop(c, b, p->first + k, depth + 1);
        }
        if (rc == 0)
            rc = awsc_buf_putc(b, obj ? '}' : ']');
        break;
    }
    case AWSC_EP_P_STRING: {
        const char *s = eval_string(c, p->first);
        if (s)
            rc = json_string(b, s);
        break;
    }
    case AWSC_EP_P_BOOL:
        rc = awsc_buf_puts(b, p->first ? "true" : "false");
        break;
    case AWSC_EP_P_INT:
        rc = awsc_buf_printf(b, "%ld", (long)(int32_t)p->first);
        break;
    default:
        fail(c, AWSC_E_INTERNAL, "unknown property kind");
    }
    if (rc)
        nomem(c);
}

static char *dup_or_fail(ep_ctx *c, const char *s)
{
    if (!s || c->status != AWSC_OK)
        return NULL;
    char *d = awsc_strdup(s);
    if (!d)
        nomem(c);
    return d;
}

/* The properties' authSchemes array, or NULL. */
static const awsc_ep_prop *auth_schemes(ep_ctx *c, uint32_t root)
{
    const awsc_ep_prop *p = prop_at(c, root);
    if (!p || p->kind != AWSC_EP_P_OBJECT)
        return NULL;
    for (uint32_t k = 0; k < p->count; k++) {
        const awsc_ep_prop *schemes = prop_at(c, p->first + k);
        if (schemes && schemes->key && strcmp(schemes->key, "authSchemes") == 0)
            return schemes->kind == AWSC_EP_P_ARRAY ? schemes : NULL;
    }
    return NULL;
}

/* One authSchemes entry's members; unknown members (and non-objects) are ignored. */
static void read_auth(ep_ctx *c, const awsc_ep_prop *entry, awsc_endpoint_auth *a)
{
    for (uint32_t m = 0; entry->kind == AWSC_EP_P_OBJECT && m < entry->count && c->status == AWSC_OK; m++) {
        const awsc_ep_prop *f = prop_at(c, entry->first + m);
        if (!f || !f->key)
            continue;
        if (f->kind == AWSC_EP_P_BOOL) {
            if (strcmp(f->key, "disableDoubleEncoding") == 0)
                a->disable_double_encoding = f->first != 0;
            else if (strcmp(f->key, "disableNormalizePath") == 0)
                a->disable_normalize_path = f->first != 0;
            continue;
        }
        char **slot = strcmp(f->key, "name") == 0            ? &a->name
                      : strcmp(f->key, "signingName") == 0   ? &a->signing_name
                      : strcmp(f->key, "signingRegion") == 0 ? &a->signing_region
                                                             : NULL;
        if (slot && f->kind == AWSC_EP_P_STRING && !*slot) {
            *slot = dup_or_fail(c, eval_string(c, f->first));
        } else if (strcmp(f->key, "signingRegionSet") == 0 && f->kind == AWSC_EP_P_ARRAY && !a->signing_region_set) {
            awsc_buf b = AWSC_BUF_INIT;
            for (uint32_t i = 0; i < f->count && c->status == AWSC_OK; i++) {
                const awsc_ep_prop *r = prop_at(c, f->first + i);
                const char *v = r && r->kind == AWSC_EP_P_STRING ? eval_string(c, r->first) : NULL;
                if (v && ((b.len && awsc_buf_putc(&b, ',')) || awsc_buf_puts(&b, v)))
                    nomem(c);
            }
            if (c->status == AWSC_OK && b.len && !(a->signing_region_set = awsc_buf_take(&b)))
                nomem(c);
            awsc_buf_free(&b);
        }
    }
}

static void build_auth(ep_ctx *c, uint32_t root, awsc_endpoint *out)
{
    const awsc_ep_prop *schemes = auth_schemes(c, root);
    if (!schemes || !schemes->count)
        return;
    if (!(out->auth_schemes = calloc(schemes->count, sizeof *out->auth_schemes))) {
        nomem(c);
        return;
    }
    for (uint32_t i = 0; i < schemes->count && c->status == AWSC_OK; i++) {
        const awsc_ep_prop *entry = prop_at(c, schemes->first + i);
        if (entry)
            read_auth(c, entry, &out->auth_schemes[out->auth_scheme_count++]);
    }
    if (c->status == AWSC_OK && out->auth_scheme_count) {
        const awsc_endpoint_auth *first = &out->auth_schemes[0];
        out->auth_scheme = dup_or_fail(c, first->name);
        out->signing_name = dup_or_fail(c, first->signing_name);
        out->signing_region = dup_or_fail(c, first->signing_region);
    }
}

static void build_endpoint(ep_ctx *c, const awsc_ep_rule *rule, awsc_endpoint *out)
{
    out->url = dup_or_fail(c, eval_string(c, rule->expr));
    if (rule->props != AWSC_EP_NONE && c->status == AWSC_OK) {
        awsc_buf b = AWSC_BUF_INIT;
        write_prop(c, &b, rule->props, 0);
        if (c->status == AWSC_OK)
            out->properties = awsc_buf_take(&b);
        awsc_buf_free(&b);
        build_auth(c, rule->props, out);
    }
    size_t values = 0;
    for (uint32_t h = 0; h < rule->count && c->status == AWSC_OK; h++) {
        if (rule->first + h >= c->r->header_count) {
            fail(c, AWSC_E_INTERNAL, "header index out of range");
            return;
        }
        values += c->r->headers[rule->first + h].count;
    }
    if (values == 0 || c->status != AWSC_OK)
        return;
    out->headers = calloc(values, sizeof *out->headers);
    if (!out->headers) {
        nomem(c);
        return;
    }
    for (uint32_t h = 0; h < rule->count && c->status == AWSC_OK; h++) {
        const awsc_ep_header *hd = &c->r->headers[rule->first + h];
        for (uint32_t v = 0; v < hd->count && c->status == AWSC_OK; v++) {
            awsc_endpoint_header *slot = &out->headers[out->header_count];
            slot->name = dup_or_fail(c, hd->name);
            slot->value = dup_or_fail(c, eval_string(c, hd->first + v));
            if (slot->name || slot->value)
                out->header_count++;
        }
    }
}

/* ---- rules ----------------------------------------------------------------------- */

/* 1 when a rule ended the evaluation (endpoint or error), 0 when none matched, -1 on failure. */
static int eval_rules(ep_ctx *c, uint32_t first, uint32_t count, int depth, awsc_endpoint *out)
{
    if (depth > MAX_RULE_DEPTH) {
        fail(c, AWSC_E_INTERNAL, "rules nested too deeply");
        return -1;
    }
    if (first > c->r->rule_count || count > c->r->rule_count - first) {
        fail(c, AWSC_E_INTERNAL, "rule index out of range");
        return -1;
    }
    for (uint32_t i = first; i < first + count; i++) {
        const awsc_ep_rule *rule = &c->r->rules[i];
        if (rule->cond_first > c->r->condition_count || rule->cond_count > c->r->condition_count - rule->cond_first) {
            fail(c, AWSC_E_INTERNAL, "condition index out of range");
            return -1;
        }
        bool match = true;
        for (uint32_t k = 0; k < rule->cond_count && match; k++) {
            const awsc_ep_condition *cond = &c->r->conditions[rule->cond_first + k];
            ep_val v = eval(c, cond->expr, 0);
            if (c->status != AWSC_OK)
                return -1;
            match = v.kind == V_BOOL ? v.b : v.kind != V_NONE;
            if (match && cond->assign != AWSC_EP_NONE) {
                if (cond->assign >= c->r->slot_count) {
                    fail(c, AWSC_E_INTERNAL, "assignment out of range");
                    return -1;
                }
                c->slots[cond->assign] = v;
            }
        }
        if (!match)
            continue;
        switch (rule->kind) {
        case AWSC_EP_RULE_ENDPOINT:
            build_endpoint(c, rule, out);
            return c->status == AWSC_OK ? 1 : -1;
        case AWSC_EP_RULE_ERROR: {
            const char *msg = eval_string(c, rule->expr);
            if (!msg)
                return -1;
            c->status = AWSC_E_CONFIG;
            awsc_error_set(c->err, AWSC_E_CONFIG, "%s", msg);
            return 1;
        }
        case AWSC_EP_RULE_TREE: {
            /* A tree whose conditions hold is final: no later sibling is tried. */
            int rc = eval_rules(c, rule->first, rule->count, depth + 1, out);
            return rc ? rc : (fail(c, AWSC_E_CONFIG, "no endpoint rule matched"), -1);
        }
        default:
            fail(c, AWSC_E_INTERNAL, "unknown rule kind");
            return -1;
        }
    }
    return 0;
}

static const char *type_name(uint8_t t)
{
    return t == AWSC_EP_BOOLEAN ? "boolean" : t == AWSC_EP_STRING_ARRAY ? "string array" : "string";
}

/* Fills the parameter slots from the inputs (by name or built-in) and the defaults. */
static int bind_params(ep_ctx *c, const awsc_endpoint_param *params, size_t count)
{
    for (uint32_t i = 0; i < c->r->param_count; i++) {
        const awsc_ep_param *p = &c->r->params[i];
        ep_val v = none_val;
        for (size_t k = 0; k < count; k++) {
            const awsc_endpoint_param *in = &params[k];
            if (!in->name || !(strcmp(in->name, p->name) == 0 || (p->built_in && strcmp(in->name, p->built_in) == 0)))
                continue;
            if (in->type != p->type)
                return awsc_error_set(c->err, AWSC_E_CONFIG, "endpoint parameter %s must be a %s", p->name,
                                      type_name(p->type));
            if (in->type == AWSC_EP_BOOLEAN) {
                v = bool_val(in->boolean);
            } else if (in->type == AWSC_EP_STRING) {
                v = str_val(in->string);
            } else if (in->strings || in->count == 0) {
                for (size_t j = 0; j < in->count; j++)
                    if (!in->strings[j])
                        return awsc_error_set(c->err, AWSC_E_CONFIG, "endpoint parameter %s holds a NULL string",
                                              p->name);
                v = none_val;
                v.kind = V_ARRAY;
                v.items = in->strings;
                v.count = in->count;
            }
        }
        if (v.kind == V_NONE && p->has_default)
            v = p->type == AWSC_EP_BOOLEAN ? bool_val(p->default_bool) : str_val(p->default_string);
        if (v.kind == V_NONE && p->required)
            return awsc_error_set(c->err, AWSC_E_CONFIG, "endpoint parameter %s is required", p->name);
        c->slots[i] = v;
    }
    return AWSC_OK;
}

int awsc_endpoint_resolve(const awsc_endpoint_rules *rules, const awsc_endpoint_param *params, size_t param_count,
                          awsc_endpoint *out, awsc_error *err)
{
    if (!out)
        return awsc_error_set(err, AWSC_E_VALIDATION, "awsc_endpoint_resolve: no result to fill");
    *out = (awsc_endpoint)AWSC_ENDPOINT_INIT;
    if (!rules)
        return awsc_error_set(err, AWSC_E_CONFIG, "the service has no endpoint rules: set an endpoint URL");
    if (param_count && !params)
        return awsc_error_set(err, AWSC_E_VALIDATION, "awsc_endpoint_resolve: parameters missing");
    if (rules->param_count > rules->slot_count)
        return awsc_error_set(err, AWSC_E_INTERNAL, "endpoint rules: more parameters than slots");
    /* The arena zeroes the slots: every variable starts unset (V_NONE). */
    ep_ctx c = {rules, awsc_arena_create(), NULL, err, AWSC_OK};
    if (!c.arena)
        return awsc_error_nomem(err);
    c.slots = awsc_arena_alloc(c.arena, (size_t)rules->slot_count * sizeof *c.slots);
    int rc = c.slots ? bind_params(&c, params, param_count) : awsc_error_nomem(err);
    if (rc == AWSC_OK) {
        if (eval_rules(&c, 0, rules->root_count, 0, out) == 0)
            fail(&c, AWSC_E_CONFIG, "no endpoint rule matched");
        rc = c.status;
    }
    awsc_arena_destroy(c.arena);
    if (rc != AWSC_OK)
        awsc_endpoint_free(out);
    else
        awsc_error_ok(err);
    return rc;
}

void awsc_endpoint_free(awsc_endpoint *ep)
{
    /* Every call frees its own endpoint, which most never resolved: nothing held, no free(NULL) calls. */
    if (!ep || (!ep->url && !ep->properties && !ep->headers && !ep->header_count && !ep->auth_scheme &&
                !ep->signing_name && !ep->signing_region && !ep->auth_schemes && !ep->auth_scheme_count))
        return;
    free(ep->url);
    free(ep->properties);
    for (size_t i = 0; i < ep->header_count; i++) {
        free(ep->headers[i].name);
        free(ep->headers[i].value);
    }
    free(ep->headers);
    free(ep->auth_scheme);
    free(ep->signing_name);
    free(ep->signing_region);
    for (size_t i = 0; i < ep->auth_scheme_count; i++) {
        awsc_endpoint_auth *a = &ep->auth_schemes[i];
        free(a->name);
        free(a->signing_name);
        free(a->signing_region);
        free(a->signing_region_set);
    }
    free(ep->auth_schemes);
    *ep = (awsc_endpoint)AWSC_ENDPOINT_INIT;
}
