/* CBOR items: the bounded decoder, the encoder's primitives and diagnostic notation. */
#include "serde/cbor/cbor.h"

#include "serde/scalar.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int fail(awsc_cbor_decoder *d, const char *problem)
{
    if (!d->problem)
        d->problem = problem;
    return -1;
}

static size_t left(const awsc_cbor_decoder *d)
{
    return (size_t)(d->end - d->p);
}

bool awsc_cbor_utf8(const uint8_t *p, size_t len)
{
    /* ASCII eight bytes at a time (most keys and values), the full check from the first other byte */
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < len && p[i] < 0x80)
        i++;
    return i == len || awsc_utf8_length((const char *)p + i, len - i) >= 0;
}

/* Text (and each chunk of an indefinite text, which may not split a character) must be UTF-8. */
static int check_text(awsc_cbor_decoder *d, const awsc_cbor_item *it)
{
    if (it->major == AWSC_CBOR_TEXT && !it->indefinite && !awsc_cbor_utf8(it->data, (size_t)it->arg))
        return fail(d, "text string is not valid UTF-8");
    return 0;
}

double awsc_cbor_half(uint16_t bits)
{
    int exp = (bits >> 10) & 0x1f;
    int mant = bits & 0x3ff;
    double v;
    if (exp == 0)
        v = ldexp(mant, -24);
    else if (exp != 31)
        v = ldexp(mant + 1024, exp - 25);
    else
        v = mant == 0 ? INFINITY : NAN;
    return (bits & 0x8000) ? -v : v;
}

int awsc_cbor_head_any(awsc_cbor_decoder *d, awsc_cbor_item *it)
{
    it->indefinite = false;
    it->simple = 0;
    it->arg = 0;
    it->data = NULL;
    if (d->p >= d->end)
        return fail(d, "unexpected end of data");
    uint8_t ib = *d->p++;
    it->major = (uint8_t)(ib >> 5);
    unsigned ai = ib & 0x1f;
    uint64_t arg = 0;
    if (ai < 24) {
        arg = ai;
    } else if (ai <= 27) {
        size_t n = (size_t)1 << (ai - 24);
        if (left(d) < n)
            return fail(d, "unexpected end of data");
        for (size_t i = 0; i < n; i++)
            arg = (arg << 8) | d->p[i];
        d->p += n;
    } else if (ai == 31) {
        if (it->major == AWSC_CBOR_UINT || it->major == AWSC_CBOR_NEGINT || it->major == AWSC_CBOR_TAG)
            return fail(d, "indefinite length on an integer or tag");
        if (it->major == AWSC_CBOR_SIMPLE) {
            it->simple = AWSC_CBOR_BREAK;
            return 0;
        }
        it->indefinite = true;
        return 0;
    } else {
        return fail(d, "reserved additional information (28..30)");
    }
    it->arg = arg;
    switch (it->major) {
    case AWSC_CBOR_BYTES:
    case AWSC_CBOR_TEXT:
        if (arg > left(d))
            return fail(d, "string longer than the data left");
        it->data = d->p;
        d->p += arg;
        break;
    case AWSC_CBOR_ARRAY:
    case AWSC_CBOR_MAP:
        /* Each element takes at least one byte: a bigger count cannot be honest. */
        if (arg > left(d) || (it->major == AWSC_CBOR_MAP && arg > left(d) / 2))
            return fail(d, "more elements than the data left could hold");
        break;
    case AWSC_CBOR_SIMPLE:
        if (ai == 25) {
            it->simple = AWSC_CBOR_FLOAT;
            it->f = awsc_cbor_half((uint16_t)arg);
        } else if (ai == 26) {
            uint32_t bits = (uint32_t)arg;
            float f;
            memcpy(&f, &bits, sizeof f);
            it->simple = AWSC_CBOR_FLOAT;
            it->f = f;
        } else if (ai == 27) {
            memcpy(&it->f, &arg, sizeof it->f);
            it->simple = AWSC_CBOR_FLOAT;
        } else if (ai == 24) {
            if (arg < 32)
                return fail(d, "simple value in two bytes below 32");
            it->simple = (uint8_t)arg;
        } else {
            it->simple = (uint8_t)arg;
        }
        break;
    default:
        break;
    }
    return 0;
}

int awsc_cbor_string(awsc_cbor_decoder *d, const awsc_cbor_item *it, awsc_buf *scratch, const uint8_t **data,
                     size_t *len)
{
    if (awsc_cbor_string_unchecked(d, it, scratch, data, len) != 0)
        return -1;
    return it->indefinite ? 0 : check_text(d, it);
}

int awsc_cbor_string_unchecked(awsc_cbor_decoder *d, const awsc_cbor_item *it, awsc_buf *scratch,
                               const uint8_t **data, size_t *len)
{
    if (!it->indefinite) {
        *data = it->data;
        *len = (size_t)it->arg;
    } else {
        scratch->len = 0;
        if (scratch->data)
            scratch->data[0] = '\0';
        for (;;) {
            awsc_cbor_item chunk;
            if (awsc_cbor_head(d, &chunk) != 0)
                return -1;
            if (chunk.major == AWSC_CBOR_SIMPLE && chunk.simple == AWSC_CBOR_BREAK)
                break;
            if (chunk.major != it->major || chunk.indefinite)
                return fail(d, "an indefinite string holds a chunk of another type");
            if (check_text(d, &chunk) != 0)
                return -1;
            if (awsc_buf_append(scratch, chunk.data, (size_t)chunk.arg) != 0)
                return fail(d, "out of memory");
        }
        *data = (const uint8_t *)(scratch->data ? scratch->data : "");
        *len = scratch->len;
    }
    return 0;
}

int awsc_cbor_skip_rest(awsc_cbor_decoder *d, const awsc_cbor_item *it)
{
    switch (it->major) {
    case AWSC_CBOR_BYTES:
    case AWSC_CBOR_TEXT: {
        if (!it->indefinite)
            return check_text(d, it);
        for (;;) {
            awsc_cbor_item chunk;
            if (awsc_cbor_head(d, &chunk) != 0)
                return -1;
            if (chunk.major == AWSC_CBOR_SIMPLE && chunk.simple == AWSC_CBOR_BREAK)
                return 0;
            if (chunk.major != it->major || chunk.indefinite)
                return fail(d, "an indefinite string holds a chunk of another type");
            if (check_text(d, &chunk) != 0)
                return -1;
        }
    }
    case AWSC_CBOR_ARRAY:
    case AWSC_CBOR_MAP:
    case AWSC_CBOR_TAG: {
        if (++d->depth > AWSC_CBOR_MAX_DEPTH)
            return fail(d, "nesting too deep");
        if (it->major == AWSC_CBOR_TAG) {
            int rc = awsc_cbor_skip(d);
            d->depth--;
            return rc;
        }
        uint64_t per = it->major == AWSC_CBOR_MAP ? 2 : 1;
        for (uint64_t i = 0; it->indefinite || i < it->arg * per; i++) {
            awsc_cbor_item e;
            if (awsc_cbor_head(d, &e) != 0)
                return -1;
            if (e.major == AWSC_CBOR_SIMPLE && e.simple == AWSC_CBOR_BREAK) {
                if (!it->indefinite || (per == 2 && i % 2))
                    return fail(d, "unexpected break");
                break;
            }
            if (awsc_cbor_skip_rest(d, &e) != 0)
                return -1;
        }
        d->depth--;
        return 0;
    }
    case AWSC_CBOR_SIMPLE:
        if (it->simple == AWSC_CBOR_BREAK)
            return fail(d, "unexpected break");
        return 0;
    default:
        return 0;
    }
}

int awsc_cbor_skip(awsc_cbor_decoder *d)
{
    awsc_cbor_item it;
    if (awsc_cbor_head(d, &it) != 0)
        return -1;
    return awsc_cbor_skip_rest(d, &it);
}

/* ---- encoding ----------------------------------------------------------- */

int awsc_cbor_put_head(awsc_buf *out, unsigned major, uint64_t arg)
{
    uint8_t b[9];
    size_t n;
    uint8_t m = (uint8_t)(major << 5);
    if (arg < 24) {
        b[0] = (uint8_t)(m | arg);
        n = 1;
    } else if (arg <= UINT8_MAX) {
        b[0] = m | 24;
        b[1] = (uint8_t)arg;
        n = 2;
    } else if (arg <= UINT16_MAX) {
        b[0] = m | 25;
        n = 3;
    } else if (arg <= UINT32_MAX) {
        b[0] = m | 26;
        n = 5;
    } else {
        b[0] = m | 27;
        n = 9;
    }
    for (size_t i = 1; n > 2 && i < n; i++)
        b[i] = (uint8_t)(arg >> (8 * (n - 1 - i)));
    return awsc_buf_append(out, b, n);
}

int awsc_cbor_put_int(awsc_buf *out, int64_t v)
{
    if (v >= 0)
        return awsc_cbor_put_head(out, AWSC_CBOR_UINT, (uint64_t)v);
    return awsc_cbor_put_head(out, AWSC_CBOR_NEGINT, (uint64_t)(-(v + 1)));
}

int awsc_cbor_put_text(awsc_buf *out, const char *s, size_t len)
{
    if (awsc_cbor_put_head(out, AWSC_CBOR_TEXT, len) != 0)
        return -1;
    return awsc_buf_append(out, s, len);
}

int awsc_cbor_put_double(awsc_buf *out, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    uint8_t b[9] = {0xfb};
    for (int i = 0; i < 8; i++)
        b[1 + i] = (uint8_t)(bits >> (56 - 8 * i));
    return awsc_buf_append(out, b, sizeof b);
}

int awsc_cbor_put_float(awsc_buf *out, float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint8_t b[5] = {0xfa};
    for (int i = 0; i < 4; i++)
        b[1 + i] = (uint8_t)(bits >> (24 - 8 * i));
    return awsc_buf_append(out, b, sizeof b);
}

/* ---- diagnostic notation ----------------------------------------------- */

typedef struct diag {
    awsc_cbor_decoder d;
    bool sorted;
    bool (*secret)(const void *user, const char *name, size_t len);
    const void *user;
    awsc_buf scratch;
} diag;

static int diag_item(diag *g, awsc_buf *out, bool as_float);

static int put_number(awsc_buf *out, double v)
{
    char tmp[32];
    awsc_format_double(tmp, v, false);
    if (awsc_buf_puts(out, tmp))
        return -1;
    /* a float stays distinguishable from an integer: 2.0, not 2 */
    if (isfinite(v) && !strpbrk(tmp, ".e"))
        return awsc_buf_puts(out, ".0");
    return 0;
}

static int put_quoted(awsc_buf *out, const uint8_t *s, size_t len, bool bytes)
{
    if (bytes) {
        if (awsc_buf_puts(out, "h'"))
            return -1;
        for (size_t i = 0; i < len; i++)
            if (awsc_buf_printf(out, "%02x", s[i]))
                return -1;
        return awsc_buf_putc(out, '\'');
    }
    if (awsc_buf_putc(out, '"'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        int rc = (s[i] == '"' || s[i] == '\\') ? awsc_buf_printf(out, "\\%c", s[i])
                 : s[i] < 0x20                 ? awsc_buf_printf(out, "\\u%04x", s[i])
                                               : awsc_buf_putc(out, (char)s[i]);
        if (rc)
            return -1;
    }
    return awsc_buf_putc(out, '"');
}

static int cmp_text(const void *a, const void *b)
{
    const awsc_buf *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data ? x->data : "", y->data ? y->data : "", n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Elements of an array or entries of a map, each rendered on its own, then joined (sorted for maps). */
static int diag_container(diag *g, awsc_buf *out, const awsc_cbor_item *it)
{
    bool map = it->major == AWSC_CBOR_MAP;
    if (++g->d.depth > AWSC_CBOR_MAX_DEPTH)
        return fail(&g->d, "nesting too deep");
    awsc_buf *parts = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    for (uint64_t i = 0; it->indefinite || i < it->arg; i++) {
        if (it->indefinite) {
            if (g->d.p < g->d.end && *g->d.p == 0xff) {
                g->d.p++;
                break;
            }
        }
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            awsc_buf *np = realloc(parts, ncap * sizeof *np);
            if (!np) {
                rc = fail(&g->d, "out of memory");
                break;
            }
            parts = np;
            cap = ncap;
        }
        awsc_buf *part = &parts[count++];
        *part = (awsc_buf)AWSC_BUF_INIT;
        if (!map) {
            if ((rc = diag_item(g, part, false)) != 0)
                break;
            continue;
        }
        const uint8_t *key_at = g->d.p;
        if ((rc = diag_item(g, part, false)) != 0)
            break;
        if (awsc_buf_puts(part, ": ")) {
            rc = fail(&g->d, "out of memory");
            break;
        }
        bool hide = false;
        if (g->secret && key_at < g->d.end && (*key_at >> 5) == AWSC_CBOR_TEXT) {
            awsc_cbor_decoder kd = {.start = g->d.start, .p = key_at, .end = g->d.end};
            awsc_cbor_item k;
            const uint8_t *kdata;
            size_t klen;
            if (awsc_cbor_head(&kd, &k) == 0 && awsc_cbor_string(&kd, &k, &g->scratch, &kdata, &klen) == 0)
                hide = g->secret(g->user, (const char *)kdata, klen);
        }
        if (hide) {
            if (awsc_cbor_skip(&g->d) != 0) {
                rc = -1;
                break;
            }
            if (awsc_buf_puts(part, "\"<redacted>\"")) {
                rc = fail(&g->d, "out of memory");
                break;
            }
        } else if ((rc = diag_item(g, part, false)) != 0) {
            break;
        }
    }
    if (rc == 0 && map && g->sorted && count > 1)
        qsort(parts, count, sizeof *parts, cmp_text);
    if (rc == 0 && awsc_buf_putc(out, map ? '{' : '['))
        rc = fail(&g->d, "out of memory");
    for (size_t i = 0; rc == 0 && i < count; i++)
        if ((i && awsc_buf_puts(out, ", ")) || awsc_buf_append(out, parts[i].data ? parts[i].data : "", parts[i].len))
            rc = fail(&g->d, "out of memory");
    if (rc == 0 && awsc_buf_putc(out, map ? '}' : ']'))
        rc = fail(&g->d, "out of memory");
    for (size_t i = 0; i < count; i++)
        awsc_buf_free(&parts[i]);
    free(parts);
    g->d.depth--;
    return rc;
}

static int diag_item(diag *g, awsc_buf *out, bool as_float)
{
    awsc_cbor_item it;
    if (awsc_cbor_head(&g->d, &it) != 0)
        return -1;
    int rc = 0;
    switch (it.major) {
    case AWSC_CBOR_UINT:
        rc = as_float ? put_number(out, (double)it.arg) : awsc_buf_printf(out, "%" PRIu64, it.arg);
        break;
    case AWSC_CBOR_NEGINT:
        if (as_float)
            rc = put_number(out, -1.0 - (double)it.arg);
        else
            rc = it.arg == UINT64_MAX ? awsc_buf_puts(out, "-18446744073709551616")
                                      : awsc_buf_printf(out, "-%" PRIu64, it.arg + 1);
        break;
    case AWSC_CBOR_BYTES:
    case AWSC_CBOR_TEXT: {
        const uint8_t *data;
        size_t len;
        if (awsc_cbor_string(&g->d, &it, &g->scratch, &data, &len) != 0)
            return -1;
        rc = put_quoted(out, data, len, it.major == AWSC_CBOR_BYTES);
        break;
    }
    case AWSC_CBOR_ARRAY:
    case AWSC_CBOR_MAP:
        return diag_container(g, out, &it);
    case AWSC_CBOR_TAG:
        if (awsc_buf_printf(out, "%" PRIu64 "(", it.arg))
            return fail(&g->d, "out of memory");
        if (++g->d.depth > AWSC_CBOR_MAX_DEPTH)
            return fail(&g->d, "nesting too deep");
        if (diag_item(g, out, it.arg == 1) != 0)
            return -1;
        g->d.depth--;
        rc = awsc_buf_putc(out, ')');
        break;
    default:
        switch (it.simple) {
        case AWSC_CBOR_FALSE: rc = awsc_buf_puts(out, "false"); break;
        case AWSC_CBOR_TRUE: rc = awsc_buf_puts(out, "true"); break;
        case AWSC_CBOR_NULL: rc = awsc_buf_puts(out, "null"); break;
        case AWSC_CBOR_UNDEFINED: rc = awsc_buf_puts(out, "undefined"); break;
        case AWSC_CBOR_FLOAT: rc = put_number(out, it.f); break;
        case AWSC_CBOR_BREAK: return fail(&g->d, "unexpected break");
        default: rc = awsc_buf_printf(out, "simple(%u)", it.simple); break;
        }
    }
    return rc ? fail(&g->d, "out of memory") : 0;
}

int awsc_cbor_diagnostic(const uint8_t *data, size_t len, bool sorted,
                         bool (*secret)(const void *user, const char *name, size_t len), const void *user,
                         awsc_buf *out)
{
    diag g = {.d = {.start = data, .p = data, .end = data + len}, .sorted = sorted, .secret = secret, .user = user};
    int rc = diag_item(&g, out, false);
    if (rc == 0 && g.d.p != g.d.end)
        rc = fail(&g.d, "trailing bytes after the item");
    awsc_buf_free(&g.scratch);
    if (rc == 0)
        return 0;
    return strcmp(g.d.problem, "out of memory") == 0 ? -1 : -2;
}
