#include "sigv4.h"

#include "crypto.h"
#include "uri.h"

#include "error.h"

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Largest time whose year still has four digits: 9999-12-31T23:59:59Z. */
#define MAX_SIGNING_TIME INT64_C(253402300799)

/* RFC 7230 token characters: what a method or header name may contain. */
static bool is_token(const char *s)
{
    static const unsigned char tchar[256] = {
        ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
        ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
        ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
        ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
        ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
        ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
        ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
        ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    };
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!tchar[(unsigned char)*s])
            return false;
    return true;
}

/* Key id, region and service go into the credential scope, where '/', ',' or spaces would be ambiguous. */
static bool is_scope_part(const char *s, size_t max_len)
{
    if (!s || !*s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '_' && c != '.')
            return false;
    }
    return n <= max_len;
}

/* A header value may not break the header block it is sent in. */
static bool is_header_value(const char *v)
{
    return v && !strpbrk(v, "\r\n");
}

/* Undoes a partial append so a failed step leaves the caller's buffer as it was. */
static void truncate_buf(awsc_buf *b, size_t len)
{
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
}

/* ---- canonical path ------------------------------------------------------ */

/* Removes "." and ".." segments and empty segments (repeated slashes), keeping a trailing slash. */
static int normalize_path(awsc_buf *tmp, const char *path)
{
    const char *seg = path;
    bool dir = true; /* the last segment asks for a trailing slash */
    for (;;) {
        const char *end = strchr(seg, '/');
        if (!end)
            end = seg + strlen(seg);
        size_t n = (size_t)(end - seg);
        if (n == 0 || (n == 1 && seg[0] == '.')) {
            dir = true;
        } else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (tmp->len > 0 && tmp->data[tmp->len - 1] != '/')
                tmp->len--;
            if (tmp->len > 0)
                tmp->len--;
            dir = true;
        } else {
            if (awsc_buf_putc(tmp, '/') != 0 || awsc_buf_append(tmp, seg, n) != 0)
                return -1;
            dir = false;
        }
        if (!*end)
            break;
        seg = end + 1;
    }
    if (tmp->len == 0 || dir)
        return awsc_buf_putc(tmp, '/');
    truncate_buf(tmp, tmp->len);
    return 0;
}

int awsc_sigv4_canonical_path(awsc_buf *out, const char *path, bool normalize, bool double_encode)
{
    if (!out || !path)
        return -1;
    awsc_buf tmp = AWSC_BUF_INIT;
    int rc = -1;
    if (normalize) {
        if (normalize_path(&tmp, path) != 0)
            goto done;
    } else {
        /* The canonical URI is absolute even when the caller's path is empty. */
        if ((path[0] != '/' && awsc_buf_putc(&tmp, '/') != 0) || awsc_buf_puts(&tmp, path) != 0)
            goto done;
    }
    /* '/' stays as is: it separates the segments that are encoded. */
    rc = double_encode ? awsc_uri_encode(out, tmp.data, tmp.len, true) : awsc_buf_append(out, tmp.data, tmp.len);
done:
    awsc_buf_free(&tmp);
    return rc;
}

/* ---- canonical query ----------------------------------------------------- */

typedef struct query_param {
    char *key;   /* both re-encoded */
    char *value;
} query_param;

static int compare_params(const void *a, const void *b)
{
    const query_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

/* The wire may encode more or less than SigV4 wants: decode, then encode with the unreserved set. */
static char *reencode(const char *s, size_t len)
{
    awsc_buf raw = AWSC_BUF_INIT, enc = AWSC_BUF_INIT;
    char *res = NULL;
    if (awsc_uri_decode(&raw, s, len, false) == 0 && awsc_uri_encode(&enc, raw.data, raw.len, false) == 0)
        res = awsc_buf_take(&enc);
    awsc_buf_free(&raw);
    awsc_buf_free(&enc);
    return res;
}

int awsc_sigv4_canonical_query(awsc_buf *out, const char *query)
{
    if (!out)
        return -1;
    size_t mark = out->len;
    if (awsc_buf_append(out, "", 0) != 0)
        return -1;
    if (!query || !*query)
        return 0;

    size_t max = 1;
    for (const char *c = query; *c; c++)
        max += *c == '&';
    query_param *params = calloc(max, sizeof *params);
    if (!params)
        return -1;

    size_t count = 0;
    int rc = -1;
    for (const char *s = query;;) {
        const char *end = strchr(s, '&');
        if (!end)
            end = s + strlen(s);
        if (end > s) { /* "a&&b" and a trailing '&' carry no parameter */
            const char *eq = memchr(s, '=', (size_t)(end - s));
            query_param *qp = &params[count++];
            qp->key = reencode(s, (size_t)((eq ? eq : end) - s));
            qp->value = eq ? reencode(eq + 1, (size_t)(end - eq - 1)) : reencode(end, 0); /* "k" means "k=" */
            if (!qp->key || !qp->value)
                goto done;
        }
        if (!*end)
            break;
        s = end + 1;
    }
    qsort(params, count, sizeof *params, compare_params);
    for (size_t i = 0; i < count; i++) {
        if ((i > 0 && awsc_buf_putc(out, '&') != 0) || awsc_buf_puts(out, params[i].key) != 0 ||
            awsc_buf_putc(out, '=') != 0 || awsc_buf_puts(out, params[i].value) != 0)
            goto done;
    }
    rc = 0;
done:
    for (size_t i = 0; i < count; i++) {
        free(params[i].key);
        free(params[i].value);
    }
    free(params);
    if (rc != 0)
        truncate_buf(out, mark);
    return rc;
}

/* ---- canonical headers --------------------------------------------------- */

typedef struct header_entry {
    const char *name; /* lower-cased copy */
    const char *value;
    size_t order; /* keeps same-name values in request order after sorting */
} header_entry;

static int compare_headers(const void *a, const void *b)
{
    const header_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Appends `v` trimmed, with inner runs of spaces and tabs collapsed to one space. */
static int put_trimmed(awsc_buf *out, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    while (*v) {
        size_t word = strcspn(v, " \t");
        if (awsc_buf_append(out, v, word) != 0)
            return -1;
        v += word;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v && awsc_buf_putc(out, ' ') != 0)
            return -1;
    }
    return 0;
}

int awsc_sigv4_canonical_headers(awsc_buf *out, awsc_buf *signed_headers, const awsc_header *headers, size_t count)
{
    if (!out || !signed_headers || (!headers && count))
        return -1;
    size_t names_len = 0;
    for (size_t i = 0; i < count; i++) {
        if (!is_token(headers[i].name) || !is_header_value(headers[i].value))
            return -1;
        names_len += strlen(headers[i].name) + 1;
    }
    size_t out_mark = out->len, sh_mark = signed_headers->len;
    if (awsc_buf_append(out, "", 0) != 0 || awsc_buf_append(signed_headers, "", 0) != 0)
        return -1;
    /* Lower-cased names live in one block; a request's few headers fit on the stack. */
    header_entry stack_e[32];
    char stack_names[1024];
    header_entry *e = count <= 32 ? stack_e : malloc(count * sizeof *e);
    char *names = names_len <= sizeof stack_names ? stack_names : malloc(names_len);
    int rc = -1;
    if (!e || !names)
        goto done;
    char *np = names;
    for (size_t i = 0; i < count; i++) {
        const char *src = headers[i].name;
        e[i].name = np;
        for (; *src; src++)
            *np++ = *src >= 'A' && *src <= 'Z' ? (char)(*src - 'A' + 'a') : *src;
        *np++ = '\0';
        e[i].value = headers[i].value;
        e[i].order = i;
    }
    /* Insertion sort: stable, and faster than qsort for a dozen entries. */
    for (size_t i = 1; i < count; i++) {
        header_entry x = e[i];
        size_t j = i;
        for (; j > 0 && compare_headers(&e[j - 1], &x) > 0; j--)
            e[j] = e[j - 1];
        e[j] = x;
    }
    for (size_t i = 0; i < count; i++) {
        if (i == 0 || strcmp(e[i].name, e[i - 1].name) != 0) {
            if ((i > 0 && awsc_buf_putc(out, '\n') != 0) || (i > 0 && awsc_buf_putc(signed_headers, ';') != 0) ||
                awsc_buf_puts(signed_headers, e[i].name) != 0 || awsc_buf_puts(out, e[i].name) != 0 ||
                awsc_buf_putc(out, ':') != 0)
                goto done;
        } else if (awsc_buf_putc(out, ',') != 0) { /* repeated header: values joined in request order */
            goto done;
        }
        if (put_trimmed(out, e[i].value) != 0)
            goto done;
    }
    if (count && awsc_buf_putc(out, '\n') != 0)
        goto done;
    rc = 0;
done:
    if (e != stack_e)
        free(e);
    if (names != stack_names)
        free(names);
    if (rc != 0) {
        truncate_buf(out, out_mark);
        truncate_buf(signed_headers, sh_mark);
    }
    return rc;
}

/* ---- signing key --------------------------------------------------------- */

void awsc_sigv4_key_cache_init(awsc_sigv4_key_cache *c)
{
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
}

static void forget_secret(awsc_sigv4_key_cache *c)
{
    if (c->secret) {
        OPENSSL_cleanse(c->secret, strlen(c->secret));
        free(c->secret);
        c->secret = NULL;
    }
}

void awsc_sigv4_key_cache_destroy(awsc_sigv4_key_cache *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    forget_secret(c);
    OPENSSL_cleanse(c->key, sizeof c->key);
    awsc_hmac_key_wipe(&c->hmac);
    c->valid = false;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static int derive_key(const char *secret, const char *date, const char *region, const char *service, uint8_t key[32])
{
    size_t n = strlen(secret);
    char *k = malloc(n + 4);
    if (!k)
        return -1;
    memcpy(k, "AWS4", 4);
    memcpy(k + 4, secret, n);
    uint8_t a[32], b[32];
    awsc_hmac_sha256(k, n + 4, date, strlen(date), a);
    awsc_hmac_sha256(a, 32, region, strlen(region), b);
    awsc_hmac_sha256(b, 32, service, strlen(service), a);
    awsc_hmac_sha256(a, 32, "aws4_request", 12, key);
    OPENSSL_cleanse(k, n + 4);
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
    free(k);
    return 0;
}

/* The signature of `sts` with the day's key: from the cache, or derived (and cached). */
static int sign_with_key(awsc_sigv4_key_cache *c, const awsc_sigv4_params *p, const char *date, const char *sts,
                         size_t sts_len, uint8_t sig[32])
{
    const char *secret = p->creds.secret_access_key;
    if (!c) {
        uint8_t key[32];
        awsc_hmac_key k;
        if (derive_key(secret, date, p->region, p->service, key) != 0)
            return -1;
        awsc_hmac_key_init(&k, key, sizeof key);
        awsc_hmac_with(&k, sts, sts_len, sig);
        OPENSSL_cleanse(key, sizeof key);
        awsc_hmac_key_wipe(&k);
        return 0;
    }
    if (pthread_mutex_lock(&c->lock) != 0)
        return -1;
    int rc = 0;
    size_t n = strlen(secret);
    if (!c->valid || strlen(c->secret) != n || CRYPTO_memcmp(c->secret, secret, n) != 0 || strcmp(c->date, date) != 0 ||
        strcmp(c->region, p->region) != 0 || strcmp(c->service, p->service) != 0) {
        c->valid = false;
        forget_secret(c);
        rc = (c->secret = malloc(n + 1)) ? derive_key(secret, date, p->region, p->service, c->key) : -1;
        if (rc == 0) {
            memcpy(c->secret, secret, n + 1);
            awsc_hmac_key_init(&c->hmac, c->key, sizeof c->key);
            /* Lengths were checked against these fields before signing started. */
            strcpy(c->date, date);
            strcpy(c->region, p->region);
            strcpy(c->service, p->service);
            c->valid = true;
        }
    }
    /* Signing under the lock spares copying (and wiping) the key's state: two hash finals. */
    if (rc == 0)
        awsc_hmac_with(&c->hmac, sts, sts_len, sig);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* ---- signing ------------------------------------------------------------- */

static bool valid_request(const awsc_sigv4_params *p, const awsc_sigv4_request *req)
{
    const awsc_sigv4_credentials *cr = &p->creds;
    if (!is_scope_part(cr->access_key_id, 128) || !cr->secret_access_key || !*cr->secret_access_key ||
        !is_scope_part(p->region, sizeof ((awsc_sigv4_key_cache *)0)->region - 1) ||
        !is_scope_part(p->service, sizeof ((awsc_sigv4_key_cache *)0)->service - 1) ||
        p->time < 0 || p->time > MAX_SIGNING_TIME)
        return false;
    if (cr->session_token && (!*cr->session_token || !is_header_value(cr->session_token)))
        return false;
    if (!is_token(req->method) || !req->path || (!req->payload && req->payload_len) ||
        (!req->headers && req->header_count) || req->header_count > SIZE_MAX / sizeof(awsc_header) - 2)
        return false;
    /* The signer owns these; a second copy would be sent twice or signed when it must not be. */
    for (size_t i = 0; i < req->header_count; i++) {
        const char *n = req->headers[i].name;
        if (!n || (*n != 'x' && *n != 'X' && *n != 'a' && *n != 'A')) /* the three start with x or a */
            continue;
        if (!strcasecmp(n, "x-amz-date") || !strcasecmp(n, "authorization") ||
            (cr->session_token && !strcasecmp(n, "x-amz-security-token")))
            return false;
    }
    return true;
}

static int build_canonical_request(awsc_buf *creq, awsc_buf *signed_headers, const awsc_sigv4_params *p,
                                   const awsc_sigv4_request *req, const awsc_header *headers, size_t count)
{
    uint8_t hash[32];
    char hex[65];
    if (awsc_buf_puts(creq, req->method) != 0 || awsc_buf_putc(creq, '\n') != 0 ||
        awsc_sigv4_canonical_path(creq, req->path, p->normalize_path, p->double_encode_path) != 0 ||
        awsc_buf_putc(creq, '\n') != 0 || awsc_sigv4_canonical_query(creq, req->query) != 0 ||
        awsc_buf_putc(creq, '\n') != 0 || awsc_sigv4_canonical_headers(creq, signed_headers, headers, count) != 0 ||
        awsc_buf_putc(creq, '\n') != 0 || awsc_buf_puts(creq, signed_headers->data) != 0 ||
        awsc_buf_putc(creq, '\n') != 0)
        return -1;
    if (req->payload_hash) /* hashed by the caller (a streamed body) or UNSIGNED-PAYLOAD */
        return awsc_buf_puts(creq, req->payload_hash);
    if (awsc_sha256(req->payload, req->payload_len, hash) != 0)
        return -1;
    awsc_hex(hash, sizeof hash, hex);
    return awsc_buf_puts(creq, hex);
}

/* "YYYYMMDDTHHMMSSZ" from seconds since the epoch, without the C library's time zone state. */
static bool format_amz_date(int64_t t, char out[17])
{
    int64_t days = t / 86400, secs = t % 86400;
    /* civil-from-days (H. Hinnant), valid for the years 1970..9999 checked by the caller */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    int v[6] = {(int)y, (int)m, (int)d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)};
    char *o = out;
    for (int i = 0; i < 6; i++) {
        int width = i == 0 ? 4 : 2;
        for (int w = width - 1, x = v[i]; w >= 0; w--, x /= 10)
            o[w] = (char)('0' + x % 10);
        o += width;
        if (i == 2)
            *o++ = 'T';
    }
    *o++ = 'Z';
    *o = '\0';
    return true;
}

static char *put(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return o + n;
}

int awsc_sigv4_sign(const awsc_sigv4_params *p, const awsc_sigv4_request *req,
                    awsc_sigv4_key_cache *cache, awsc_sigv4_result *out)
{
    if (!out)
        return -1;
    memset(out, 0, sizeof *out);
    if (!p || !req || !valid_request(p, req) || !format_amz_date(p->time, out->amz_date))
        return -1;
    char date[9];
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';

    /* X-Amz-Date and the session token are signed as if the caller had sent them already. */
    awsc_header stack_headers[32];
    awsc_header *all = req->header_count + 2 <= 32 ? stack_headers : malloc((req->header_count + 2) * sizeof *all);
    if (!all)
        return -1;
    size_t n = req->header_count;
    if (n)
        memcpy(all, req->headers, n * sizeof *all);
    all[n++] = (awsc_header){"X-Amz-Date", out->amz_date};
    if (p->creds.session_token && !p->omit_session_token)
        all[n++] = (awsc_header){"X-Amz-Security-Token", p->creds.session_token};

    awsc_buf creq = AWSC_BUF_INIT, signed_headers = AWSC_BUF_INIT, auth = AWSC_BUF_INIT;
    uint8_t hash[32], sig[32];
    char hex[65];
    int rc = -1;
    if (awsc_buf_reserve(&creq, 1024) != 0 || awsc_buf_reserve(&signed_headers, 256) != 0 ||
        build_canonical_request(&creq, &signed_headers, p, req, all, n) != 0)
        goto done;
    awsc_sha256(creq.data, creq.len, hash);
    awsc_hex(hash, sizeof hash, hex);

    /* String to sign: bounded by the checked lengths of region and service. */
    char sts[256];
    size_t rl = strlen(p->region), sl = strlen(p->service);
    char *o = put(sts, "AWS4-HMAC-SHA256\n", 17);
    o = put(o, out->amz_date, 16);
    *o++ = '\n';
    char *scope = o;
    o = put(o, date, 8);
    *o++ = '/';
    o = put(o, p->region, rl);
    *o++ = '/';
    o = put(o, p->service, sl);
    o = put(o, "/aws4_request", 13);
    size_t scope_len = (size_t)(o - scope);
    *o++ = '\n';
    o = put(o, hex, 64);
    *o = '\0';
    if (sign_with_key(cache, p, date, sts, (size_t)(o - sts), sig) != 0)
        goto done;
    awsc_hex(sig, sizeof sig, out->signature);

    size_t akl = strlen(p->creds.access_key_id);
    if (awsc_buf_reserve(&auth, 64 + akl + scope_len + signed_headers.len + 64) != 0)
        goto done;
    awsc_buf_append(&auth, "AWS4-HMAC-SHA256 Credential=", 28);
    awsc_buf_append(&auth, p->creds.access_key_id, akl);
    awsc_buf_putc(&auth, '/');
    awsc_buf_append(&auth, scope, scope_len);
    awsc_buf_append(&auth, ", SignedHeaders=", 16);
    awsc_buf_append(&auth, signed_headers.data, signed_headers.len);
    awsc_buf_append(&auth, ", Signature=", 12);
    awsc_buf_append(&auth, out->signature, 64);
    out->authorization = awsc_buf_take(&auth);
    if (!p->skip_intermediate) {
        out->canonical_request = awsc_buf_take(&creq);
        out->string_to_sign = awsc_strdup(sts);
        rc = out->canonical_request && out->string_to_sign ? 0 : -1;
    } else {
        rc = 0;
    }
    rc = rc == 0 && out->authorization ? 0 : -1;
done:
    if (all != stack_headers)
        free(all);
    awsc_buf_free(&creq);
    awsc_buf_free(&signed_headers);
    awsc_buf_free(&auth);
    if (rc != 0)
        awsc_sigv4_result_free(out);
    return rc;
}

void awsc_sigv4_result_free(awsc_sigv4_result *r)
{
    if (!r)
        return;
    free(r->authorization);
    free(r->canonical_request);
    free(r->string_to_sign);
    memset(r, 0, sizeof *r);
}
