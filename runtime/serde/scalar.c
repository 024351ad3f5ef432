/*
 * What every body codec needs besides its format: scalars as text (the form
 * of URI labels, query strings, headers and XML bodies), member presence,
 * UTF-8 checks, and adding headers to the request being built. Shared by
 * rest.c, the JSON codecs and libawsc-xml (whose shared library compiles its
 * own hidden copy of this file, see CMakeLists.txt).
 */
#include "serde/scalar.h"

#include "serde/rest.h"

#include "util/base64.h"
#include "util/error.h"
#include "util/timefmt.h"

#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool awsc_member_present(const awsc_member *m, const void *container)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    if (m->flags & AWSC_F_BOXED)
        return *(const void *const *)slot != NULL;
    if (m->has_offset != AWSC_NO_OFFSET)
        return *(const bool *)((const unsigned char *)container + m->has_offset);
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL:
    case AWSC_T_DOCUMENT:
        return *(const char *const *)slot != NULL;
    case AWSC_T_ENUM:
        return *(const int *)slot != 0;
    case AWSC_T_BLOB:
        return ((const awsc_blob *)slot)->data != NULL;
    case AWSC_T_STREAM:
        return ((const awsc_stream *)slot)->data != NULL || ((const awsc_stream *)slot)->read != NULL;
    case AWSC_T_STRUCT:
    case AWSC_T_UNION:
        return (m->flags & AWSC_F_INLINE) || *(const void *const *)slot != NULL;
    case AWSC_T_LIST:
    case AWSC_T_MAP:
        /* { items, count }: absent when the pointer is NULL */
        return *(const void *const *)slot != NULL;
    default:
        return true; /* required or defaulted scalars are always sent */
    }
}


double awsc_strtod_dot(const char *text, char **end)
{
    /* The calling thread's decimal point (uselocale or setlocale); "." in the C locale. */
    const char *radix = nl_langinfo(RADIXCHAR);
    if (!radix || !*radix || strcmp(radix, ".") == 0 || !strchr(text, '.'))
        return strtod(text, end);
    size_t rlen = strlen(radix), n = strlen(text);
    char local[128], *buf = local;
    if (n > (SIZE_MAX - 1) / rlen || (n * rlen + 1 > sizeof local && !(buf = malloc(n * rlen + 1)))) {
        if (end)
            *end = (char *)text;
        return 0;
    }
    char *w = buf;
    for (const char *p = text; *p; p++) {
        if (*p == '.') {
            memcpy(w, radix, rlen);
            w += rlen;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    char *bend;
    double d = strtod(buf, &bend);
    if (end) { /* walk both texts to where strtod stopped */
        const char *p = text;
        for (const char *q = buf; q < bend; p++)
            q += *p == '.' ? rlen : 1;
        *end = (char *)p;
    }
    if (buf != local)
        free(buf);
    return d;
}

int awsc_format_double(char out[32], double d, bool single)
{
    if (isnan(d))
        return snprintf(out, 32, "NaN");
    if (isinf(d))
        return snprintf(out, 32, d > 0 ? "Infinity" : "-Infinity");
    if (d == 0)
        return snprintf(out, 32, "0");
    /* The fewest significant digits that read back as the same value... */
    char e[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        /* e is in the locale's own form (snprintf), so strtod reads it back as written. */
        if (single ? (float)strtod(e, NULL) == (float)d : strtod(e, NULL) == d)
            break;
    }
    /* ...laid out as JavaScript's Number.prototype.toString does. */
    const char *p = e;
    bool neg = *p == '-';
    if (neg)
        p++;
    char digits[20];
    int k = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && k < 19)
            digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = atoi(p + 1) + 1; /* value = 0.digits x 10^n */
    char *o = out;
    if (neg)
        *o++ = '-';
    if (k <= n && n <= 21) { /* integer: digits then zeros */
        memcpy(o, digits, (size_t)k);
        o += k;
        for (int i = k; i < n; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) { /* point inside the digits */
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) { /* 0.000ddd */
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)k);
        o += k;
    } else { /* exponential: d.ddde+x */
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += sprintf(o, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    *o = '\0';
    return (int)(o - out);
}

/* Code point `cp` as UTF-8 into t: how many bytes (serde/scalar.h). */
size_t awsc_utf8_encode(char t[4], unsigned cp)
{
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return n;
}

/* Appends code point `cp` as UTF-8 (serde/scalar.h). */
int awsc_utf8_put(awsc_buf *b, unsigned cp)
{
    char t[4];
    return awsc_buf_append(b, t, awsc_utf8_encode(t, cp)) != 0 ? -1 : 0;
}

int awsc_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Length of one valid UTF-8 sequence at p (1..4), or 0 when invalid. */
size_t awsc_utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        min = 0x80;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        min = 0x800;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return n;
}


long long awsc_utf8_length(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    long long count = 0;
    while (p < end) {
        /* ASCII eight bytes a compare: every call's strings are checked, and most are ASCII. */
        while ((size_t)(end - p) >= 8) {
            uint64_t x;
            memcpy(&x, p, 8);
            if (x & 0x8080808080808080u)
                break;
            p += 8;
            count += 8;
        }
        if (p == end)
            break;
        size_t n = awsc_utf8_seq(p, end);
        if (!n)
            return -1;
        p += n;
        count++;
    }
    return count;
}

const char *awsc_enum_wire(const awsc_member *m, const void *container)
{
    int v = *(const int *)awsc_member_slot(m, container);
    if (v >= 1 && (uint32_t)v <= m->shape->enum_count)
        return m->shape->enum_values[v - 1];
    if (v == -1 && m->raw_offset != AWSC_NO_OFFSET)
        return *(const char *const *)((const unsigned char *)container + m->raw_offset);
    return NULL;
}

int awsc_scalar_text(const awsc_member *m, const void *container, awsc_timestamp_format default_ts, bool header,
                     awsc_buf *out)
{
    const unsigned char *slot = awsc_member_slot(m, container);
    const char *text = NULL; /* the cases that produce a C string share one append */
    char num[32];
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL:
        text = *(const char *const *)slot;
        if (text && header && (m->flags & AWSC_F_MEDIA_TYPE))
            return awsc_base64_encode(out, (const uint8_t *)text, strlen(text));
        break;
    case AWSC_T_ENUM:
        text = awsc_enum_wire(m, container);
        break;
    case AWSC_T_BOOL:
        text = *(const bool *)slot ? "true" : "false";
        break;
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG: {
        long long n = m->type == AWSC_T_BYTE    ? *(const int8_t *)slot
                      : m->type == AWSC_T_SHORT ? *(const int16_t *)slot
                      : m->type == AWSC_T_LONG  ? *(const int64_t *)slot
                                                : *(const int32_t *)slot;
        return awsc_buf_printf(out, "%lld", n);
    }
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE:
        if (m->type == AWSC_T_FLOAT)
            awsc_format_double(num, *(const float *)slot, true);
        else
            awsc_format_double(num, *(const double *)slot, false);
        text = num;
        break;
    case AWSC_T_BLOB: {
        const awsc_blob *b = (const awsc_blob *)slot;
        return awsc_base64_encode(out, b->data, b->len);
    }
    case AWSC_T_TIMESTAMP: {
        awsc_timestamp t = *(const awsc_timestamp *)slot;
        if (t.nanos >= 1000000000u)
            return -2;
        awsc_timestamp_format f = m->ts_format != AWSC_TS_DEFAULT ? (awsc_timestamp_format)m->ts_format : default_ts;
        if (f == AWSC_TS_HTTP_DATE)
            return awsc_time_format_http_date(out, t);
        if (f == AWSC_TS_EPOCH_SECONDS)
            return awsc_time_format_epoch(out, t);
        return awsc_time_format_date_time(out, t);
    }
    default:
        break;
    }
    return text ? awsc_buf_append_slow(out, text, strlen(text)) : -2;
}

int awsc_scalar_parse(const awsc_member *m, void *container, const char *s, size_t len, awsc_arena *a,
                      awsc_timestamp_format default_ts, bool header)
{
    unsigned char *slot = awsc_member_slot(m, container);
    char tmp[64];
    char *end;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL: {
        if (header && (m->flags & AWSC_F_MEDIA_TYPE))
            break; /* base64, as a blob */
        char *copy = awsc_arena_strndup(a, s, len);
        if (!copy)
            return -1;
        *(char **)slot = copy;
        return 0;
    }
    case AWSC_T_ENUM: {
        char *copy = awsc_arena_strndup(a, s, len);
        if (!copy)
            return -1;
        awsc_enum_set(m, container, copy);
        return 0;
    }
    case AWSC_T_BOOL:
        if (len == 4 && memcmp(s, "true", 4) == 0)
            *(bool *)slot = true;
        else if (len == 5 && memcmp(s, "false", 5) == 0)
            *(bool *)slot = false;
        else
            return -2;
        return 0;
    case AWSC_T_BYTE:
    case AWSC_T_SHORT:
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
    case AWSC_T_LONG: {
        if (len == 0 || len >= sizeof tmp)
            return -2;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        errno = 0;
        long long v = strtoll(tmp, &end, 10);
        if (errno || *end)
            return -2;
        /* Range-checked for the member's type; the slot is only written with a value that fits. */
        if (m->type == AWSC_T_LONG) {
            *(int64_t *)slot = v;
        } else if (m->type == AWSC_T_BYTE) {
            if (v < INT8_MIN || v > INT8_MAX)
                return -2;
            *(int8_t *)slot = (int8_t)v;
        } else if (m->type == AWSC_T_SHORT) {
            if (v < INT16_MIN || v > INT16_MAX)
                return -2;
            *(int16_t *)slot = (int16_t)v;
        } else {
            if (v < INT32_MIN || v > INT32_MAX)
                return -2;
            *(int32_t *)slot = (int32_t)v;
        }
        return 0;
    }
    case AWSC_T_FLOAT:
    case AWSC_T_DOUBLE: {
        if (len == 0 || len >= sizeof tmp)
            return -2;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        double d;
        if (strcmp(tmp, "NaN") == 0)
            d = NAN;
        else if (strcmp(tmp, "Infinity") == 0)
            d = INFINITY;
        else if (strcmp(tmp, "-Infinity") == 0)
            d = -INFINITY;
        else {
            /* Decimal text only: strtod alone would also take "0x1p3", "inf", "nan" and leading spaces. */
            if (tmp[strspn(tmp, "0123456789+-.eE")] != '\0')
                return -2;
            d = awsc_strtod_dot(tmp, &end);
            if (*end)
                return -2;
        }
        if (m->type == AWSC_T_FLOAT)
            *(float *)slot = (float)d;
        else
            *(double *)slot = d;
        return 0;
    }
    case AWSC_T_BLOB:
        break;
    case AWSC_T_TIMESTAMP: {
        awsc_timestamp_format f = m->ts_format != AWSC_TS_DEFAULT ? (awsc_timestamp_format)m->ts_format : default_ts;
        awsc_timestamp *t = (awsc_timestamp *)slot;
        int rc = f == AWSC_TS_HTTP_DATE   ? awsc_time_parse_http_date(s, len, t)
                 : f == AWSC_TS_EPOCH_SECONDS ? awsc_time_parse_epoch(s, len, t)
                                              : awsc_time_parse_date_time(s, len, t);
        return rc ? -2 : 0;
    }
    default:
        return -2;
    }
    /* Blobs and @mediaType strings in headers: base64, kept NUL-terminated (a string's terminator). */
    awsc_buf dec = AWSC_BUF_INIT;
    if (awsc_base64_decode(&dec, s, len) != 0) {
        awsc_buf_free(&dec);
        return -2;
    }
    char *copy = awsc_arena_strndup(a, dec.data ? dec.data : "", dec.len);
    size_t n = dec.len;
    awsc_buf_free(&dec);
    if (!copy)
        return -1;
    if (m->type == AWSC_T_BLOB) {
        ((awsc_blob *)slot)->data = (const uint8_t *)copy;
        ((awsc_blob *)slot)->len = n;
    } else {
        *(char **)slot = copy;
    }
    return 0;
}

/* ---- the request being built: headers, cleanup (every codec adds headers) ---- */

/* A free slot in the header table, growing it (and creating the string arena) when needed. */
static awsc_header *header_slot(awsc_rest_request *req)
{
    if (req->header_count == req->header_cap) {
        /* One block: the headers, then their lengths (moved up to the grown table's end). */
        size_t cap = req->header_cap ? req->header_cap * 2 : 16, entry = sizeof(awsc_header) + 2 * sizeof(size_t);
        if (cap > SIZE_MAX / entry)
            return NULL;
        awsc_header *h = realloc(req->headers, cap * entry);
        if (!h)
            return NULL;
        size_t *lens = (size_t *)(void *)(h + cap);
        if (req->header_count)
            memmove(lens, h + req->header_cap, req->header_count * 2 * sizeof *lens);
        req->headers = h;
        req->header_lens = lens;
        req->header_cap = cap;
    }
    if (!req->strings && !(req->strings = awsc_arena_create()))
        return NULL;
    return &req->headers[req->header_count];
}

int awsc_rest_add_header_lens(awsc_rest_request *req, const char *name, size_t name_len, const char *value,
                              size_t value_len, bool copy)
{
    /* The slot first: it creates the string arena a copied value goes into. */
    awsc_header *h = header_slot(req);
    if (!h)
        return -1;
    if (copy && !(value = awsc_arena_strndup(req->strings, value, value_len)))
        return -1;
    *h = (awsc_header){name, value};
    req->header_lens[2 * req->header_count] = name_len;
    req->header_lens[2 * req->header_count + 1] = value_len;
    req->header_count++;
    return 0;
}

int awsc_rest_add_header(awsc_rest_request *req, const char *name, const char *value)
{
    size_t nl = strlen(name);
    char *n = header_slot(req) ? awsc_arena_strndup(req->strings, name, nl) : NULL;
    return n ? awsc_rest_add_header_lens(req, n, nl, value, strlen(value), true) : -1;
}

bool awsc_rest_has_header(const awsc_rest_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return true;
    return false;
}

int awsc_rest_content_type(awsc_rest_request *req, const char *type, awsc_error *err)
{
    /* A member bound to Content-Type has already said what the body is. */
    if (awsc_rest_has_header(req, "Content-Type"))
        return 0;
    /* The name is a literal: not copied (a body's request does this every call). */
    return awsc_rest_add_header_lit(req, "Content-Type", type, strlen(type), true) ? awsc_error_nomem(err) : 0;
}

void awsc_rest_request_free(awsc_rest_request *req)
{
    awsc_arena_destroy(req->strings);
    free(req->headers);
    for (size_t i = 0; i < req->param_count; i++) { /* a form body's parameters may be tokens */
        awsc_free_cleansed(req->params[i].key);
        awsc_free_cleansed(req->params[i].encoded);
    }
    free(req->params);
    awsc_buf_free(&req->path);
    awsc_buf_free(&req->query);
    awsc_buf_free(&req->body);
    awsc_buf_free(&req->host_prefix);
    memset(req, 0, sizeof *req);
}

void awsc_rest_request_reset(awsc_rest_request *req)
{
    for (size_t i = 0; i < req->param_count; i++) {
        free(req->params[i].key);
        free(req->params[i].encoded);
    }
    req->param_count = 0;
    req->header_count = 0;
    awsc_arena_reset(req->strings);
    awsc_buf *bufs[] = {&req->path, &req->query, &req->body, &req->host_prefix};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        bufs[i]->len = 0;
        if (bufs[i]->data)
            bufs[i]->data[0] = '\0';
    }
    req->has_body = false;
    req->stream = NULL;
}
