/*
 * Descriptor-driven JSON reader: bytes -> typed C structures in an arena.
 * A recursive-descent parser with a depth limit; every malformed input is
 * an error with a byte offset, never a crash.
 */
#include "util/base64.h"
#include "util/error.h"
#include "serde/collect.h"
#include "serde/json/json.h"
#include "serde/json/plain.h"
#include "util/timefmt.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
#include <emmintrin.h>
#endif
#include <string.h>

typedef struct reader {
    const char *start, *p, *end;
    awsc_arena *arena;
    awsc_json_names names;
    int depth;
    const char *problem;    /* static text of the first error */
    const char *member;     /* member being read when it happened */
    awsc_buf scratch;       /* decodes strings with escapes; one buffer for the whole document */
    /* awsc_json_redact: which keys hold secrets, the copy, how far it got, the secret value being skipped */
    bool (*secret)(const void *user, const char *name, size_t len);
    const void *secret_user;
    awsc_buf *redacted;
    const char *copied, *secret_start;
} reader;

static int fail(reader *r, const char *problem)
{
    if (!r->problem)
        r->problem = problem;
    return -1;
}

static void skip_ws(reader *r)
{
    /* Most calls stand on a token already: one compare says so (every JSON space is <= ' '). */
    if (r->p < r->end && (unsigned char)*r->p > ' ')
        return;
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool peek(reader *r, char c)
{
    skip_ws(r);
    return r->p < r->end && *r->p == c;
}

static bool accept(reader *r, char c)
{
    if (peek(r, c)) {
        r->p++;
        return true;
    }
    return false;
}

static bool accept_word(reader *r, const char *w)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != w[0]) /* every member's value is asked whether it is null */
        return false;
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) >= n && memcmp(r->p, w, n) == 0) {
        r->p += n;
        return true;
    }
    return false;
}

/*
 * The escape at *pp (its backslash, two bytes at least left) decoded into out: 1 to 4 bytes,
 * *pp moved past it; or 0 with *problem saying why. Both ways of reading a string use it.
 */
static size_t decode_escape(const char **pp, const char *end, char out[4], const char **problem)
{
    const char *p = *pp;
    char e = p[1];
    p += 2;
    *pp = p;
    switch (e) { /* a switch, not a strchr per escape: a JSON document in a string escapes every quote */
    case '"': case '\\': case '/': out[0] = e; return 1;
    case 'b': out[0] = '\b'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'u': break;
    default:
        *problem = "invalid escape in string";
        return 0;
    }
    unsigned cp;
    if (end - p < 4 || awsc_hex4(p, &cp) != 0) {
        *problem = "invalid \\u escape";
        return 0;
    }
    p += 4;
    *pp = p;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned lo;
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || awsc_hex4(p + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
            *problem = "unpaired surrogate in string";
            return 0;
        }
        *pp = p + 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        *problem = "unpaired surrogate in string";
        return 0;
    } else if (cp == 0) {
        /* C strings end at NUL: refuse rather than silently cut the value short. */
        *problem = "string contains \\u0000, which a C string cannot hold";
        return 0;
    }
    return awsc_utf8_encode(out, cp);
}

/* Parses a string literal into `out` (decoded, NUL-terminated). */
static int read_string_buf(reader *r, awsc_buf *out)
{
    if (!accept(r, '"'))
        return fail(r, "expected a string");
    int oom = 0;
    /* The document's scratch buffer, first used: sized once for what a string of the rest of the
     * input can decode to (at most its length), up to 4 KiB, instead of doubling from 64 bytes. */
    if (out == &r->scratch && !out->data) {
        size_t rest = (size_t)(r->end - r->p);
        if (awsc_buf_reserve(out, rest < 4096 ? rest : 4096) != 0)
            oom = 1;
    }
    while (r->p < r->end) {
        const char *run = r->p;
        r->p = awsc_json_plain_run(r->p, r->end);
        if (r->p > run && awsc_buf_append(out, run, (size_t)(r->p - run)) != 0)
            oom = 1;
        if (r->p >= r->end)
            break;
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            if (!out->data && awsc_buf_reserve(out, 0) == 0)
                out->data[0] = '\0';
            if (oom || !out->data)
                return fail(r, "out of memory");
            return 0;
        }
        if (c < 0x20)
            return fail(r, "control character in string");
        if (c >= 0x80) {
            size_t n = awsc_utf8_seq((const unsigned char *)r->p, (const unsigned char *)r->end);
            if (!n)
                return fail(r, "invalid UTF-8 in string");
            if (awsc_buf_append(out, r->p, n) != 0)
                oom = 1;
            r->p += n;
            continue;
        }
        /* backslash escape */
        if (r->end - r->p < 2)
            break;
        char bytes[4];
        const char *problem;
        size_t k = decode_escape(&r->p, r->end, bytes, &problem);
        if (!k)
            return fail(r, problem);
        if (awsc_buf_append(out, bytes, k) != 0)
            oom = 1;
    }
    return fail(r, "unterminated string");
}

/*
 * The common string: plain ASCII without escapes. Returns its span (the
 * reader moved past the closing quote), or false with the reader untouched.
 */
static bool plain_string(reader *r, const char **start, size_t *len)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '"')
        return false;
    const char *p = awsc_json_plain_run(r->p + 1, r->end);
    if (p >= r->end || *p != '"')
        return false;
    *start = r->p + 1;
    *len = (size_t)(p - *start);
    r->p = p + 1;
    return true;
}

/*
 * One pass for a string with escapes (or non-ASCII): decoded as it is scanned into mem[0..cap), the
 * free end of the arena's block, NUL-terminated, the reader moved past the closing quote. 0 when
 * done, 1 when it did not fit or is not valid (the reader not to be trusted; *n bytes written), for
 * read_string to go the two-pass way, which sizes the memory first and reports the error.
 */
static int decode_into(reader *r, char *mem, size_t cap, size_t *n, size_t *written)
{
    size_t o = 0, hw = 0; /* bytes decoded; bytes of mem written (16-byte stores go past o) */
    const char *p = r->p, *end = r->end;
    *n = 0;
    *written = 0;
    while (p < end) {
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
        /* Scan and copy as one: sixteen bytes stored whole, kept up to the first special one. */
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
        while (end - p >= 16 && cap - o > 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            _mm_storeu_si128((__m128i *)(void *)(mem + o), x);
            hw = o + 16 > hw ? o + 16 : hw;
            int mask = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                                      _mm_cmplt_epi8(x, space)));
            if (mask) {
                unsigned k = (unsigned)__builtin_ctz((unsigned)mask);
                p += k;
                o += k;
                goto special;
            }
            p += 16;
            o += 16;
        }
#endif
        {
            const char *run = p;
            p = awsc_json_plain_run(p, end);
            size_t k = (size_t)(p - run);
            if (k >= cap - o)
                break;
            memcpy(mem + o, run, k);
            o += k;
            hw = o > hw ? o : hw;
        }
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
    special:
#endif
        *written = hw; /* every byte written so far, for the caller to cleanse what it does not keep */
        if (p >= end)
            break;
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            mem[o] = '\0';
            *n = o;
            *written = hw > o + 1 ? hw : o + 1;
            r->p = p + 1;
            return 0;
        }
        if (c < 0x20)
            return 1;
        if (c >= 0x80) {
            size_t q = awsc_utf8_seq((const unsigned char *)p, (const unsigned char *)end);
            if (!q || q >= cap - o)
                return 1;
            memcpy(mem + o, p, q);
            o += q;
            hw = o > hw ? o : hw;
            p += q;
            continue;
        }
        if (end - p < 2 || cap - o < 5) /* room for any escape's bytes and the NUL */
            return 1;
        char e = p[1];
        if (e == '"' || e == '\\' || e == '/') { /* a JSON document's quotes, escaped every one: no call each */
            mem[o++] = e;
            hw = o > hw ? o : hw;
            p += 2;
            continue;
        }
        const char *problem;
        size_t k = decode_escape(&p, end, mem + o, &problem);
        if (!k)
            return 1;
        o += k;
        hw = o > hw ? o : hw;
    }
    *written = hw;
    return 1;
}

static int read_string(reader *r, char **s, size_t *len)
{
    const char *plain;
    size_t plain_len;
    if (plain_string(r, &plain, &plain_len)) { /* straight into the arena, no scratch buffer */
        *s = awsc_arena_strndup(r->arena, plain, plain_len);
        if (len)
            *len = plain_len;
        return *s ? 0 : fail(r, "out of memory");
    }
    if (r->p < r->end && *r->p == '"') {
        const char *open = r->p;
        size_t n = 0, written = 0, room;
        char *mem = awsc_arena_tail(r->arena, &room);
        r->p++;
        int rc = mem ? decode_into(r, mem, room, &n, &written) : 1;
        if (rc == 0) {
            if (written > n + 1) /* a 16-byte store's bytes past the end: not kept, not left behind */
                awsc_cleanse(mem + n + 1, written - (n + 1));
            if (awsc_arena_claim(r->arena, n + 1) != mem) /* cannot happen: n + 1 <= room */
                return fail(r, "out of memory");
            *s = mem;
            if (len)
                *len = n;
            return 0;
        }
        if (mem)
            awsc_cleanse(mem, written); /* written, not kept: nothing of a secret left behind */
        r->p = open;
    }
    /*
     * An escape never decodes to more bytes than it takes (\n: 2 -> 1, \uXXXX: 6 -> at most 3, a
     * surrogate pair: 12 -> 4), so the string is decoded straight into arena memory the size of
     * its encoded form, through a buffer that never needs to grow (no allocation of its own).
     */
    if (r->p >= r->end || *r->p != '"')
        return fail(r, "expected a string");
    const char *q = r->p + 1;
    for (;;) { /* the closing quote: the first one after an even number of backslashes */
        const char *e = memchr(q, '"', (size_t)(r->end - q));
        if (!e) {
            q = r->end;
            break;
        }
        size_t bs = 0;
        while (e - bs > r->p + 1 && e[-1 - (ptrdiff_t)bs] == '\\')
            bs++;
        q = e + 1;
        if (bs % 2 == 0) {
            q = e;
            break;
        }
    }
    size_t cap = (size_t)(q < r->end ? q - r->p : r->end - r->p) + 1;
    char *mem = awsc_arena_alloc(r->arena, cap);
    if (!mem)
        return fail(r, "out of memory");
    awsc_buf b = {.data = mem, .len = 0, .cap = cap};
    mem[0] = '\0';
    if (read_string_buf(r, &b) != 0)
        return -1;
    *s = b.data;
    if (len)
        *len = b.len;
    return b.data == mem ? 0 : fail(r, "string grew while decoded"); /* cannot happen: escapes shrink */
}

/* Validates a JSON number and returns its text span. */
static int number_span(reader *r, const char **s, size_t *n)
{
    skip_ws(r);
    const char *p = r->p, *e = r->end;
    *s = p;
    if (p < e && *p == '-')
        p++;
    if (p >= e || !(*p >= '0' && *p <= '9'))
        return fail(r, "expected a number");
    if (*p == '0')
        p++;
    else
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || !(*p >= '0' && *p <= '9'))
            return fail(r, "malformed number");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || !(*p >= '0' && *p <= '9'))
            return fail(r, "malformed number");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    *n = (size_t)(p - *s);
    r->p = p;
    return 0;
}

static int skip_value(reader *r);

/* awsc_json_redact, after a secret's value: copies up to it, and "<redacted>" for it. */
static int redact_value(reader *r)
{
    if (awsc_buf_append(r->redacted, r->copied, (size_t)(r->secret_start - r->copied)) ||
        awsc_buf_puts(r->redacted, "\"<redacted>\""))
        return fail(r, "out of memory");
    r->copied = r->p;
    r->secret_start = NULL;
    return 0;
}

static int skip_container(reader *r, char close, bool object)
{
    if (++r->depth > AWSC_JSON_MAX_DEPTH)
        return fail(r, "nesting too deep");
    if (accept(r, close)) {
        r->depth--;
        return 0;
    }
    do {
        bool secret = false;
        if (object) {
            r->scratch.len = 0;
            if (read_string_buf(r, &r->scratch) != 0)
                return -1;
            if (!accept(r, ':'))
                return fail(r, "expected ':'");
            /* Outside a secret already: its whole value is redacted. */
            secret = r->secret && !r->secret_start && r->secret(r->secret_user, r->scratch.data, r->scratch.len);
            if (secret)
                r->secret_start = r->p;
        }
        if (skip_value(r) != 0 || (secret && redact_value(r) != 0))
            return -1;
    } while (accept(r, ','));
    if (!accept(r, close))
        return fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
    r->depth--;
    return 0;
}

static int skip_value(reader *r)
{
    skip_ws(r);
    if (r->p >= r->end)
        return fail(r, "unexpected end of input");
    switch (*r->p) {
    case '{':
        r->p++;
        return skip_container(r, '}', true);
    case '[':
        r->p++;
        return skip_container(r, ']', false);
    case '"':
        r->scratch.len = 0;
        return read_string_buf(r, &r->scratch);
    case 't':
        return accept_word(r, "true") ? 0 : fail(r, "invalid literal");
    case 'f':
        return accept_word(r, "false") ? 0 : fail(r, "invalid literal");
    case 'n':
        return accept_word(r, "null") ? 0 : fail(r, "invalid literal");
    default: {
        const char *s;
        size_t n;
        return number_span(r, &s, &n);
    }
    }
}

/* Skips one value and the white space after it; true when that was the whole text. */
static bool scan(reader *r)
{
    bool ok = skip_value(r) == 0;
    if (ok)
        skip_ws(r);
    awsc_buf_free(&r->scratch);
    return ok && r->p == r->end;
}

bool awsc_json_valid(const char *text, size_t len)
{
    reader r = {.start = text, .p = text, .end = text + len};
    return scan(&r);
}

int awsc_json_redact(const char *text, size_t len, bool (*secret)(const void *user, const char *name, size_t len),
                     const void *user, awsc_buf *out)
{
    reader r = {.start = text, .p = text, .end = text + len, .secret = secret, .secret_user = user,
                .redacted = out, .copied = text};
    bool whole = scan(&r);
    /* Up to where it stopped, what was not inside a secret's value is safe to show. */
    const char *shown = r.secret_start ? r.secret_start : r.p;
    int rc = awsc_buf_append(out, r.copied, (size_t)(shown - r.copied));
    if (!whole)
        rc |= awsc_buf_puts(out, "... (not JSON)");
    return rc ? -1 : 0;
}

static int read_int(reader *r, int64_t lo, int64_t hi, int64_t *out)
{
    /*
     * The common integer, 1 to 18 digits without a leading zero, fraction or exponent, in range:
     * read in one pass. Anything else goes the general way below, which gives every error.
     */
    skip_ws(r);
    const char *q = r->p + (r->p < r->end && *r->p == '-'), *digits = q;
    if (q < r->end && *q >= '1' && *q <= '9') {
        uint64_t u = 0;
        const char *stop = r->end - q > 18 ? q + 18 : r->end;
        while (q < stop && (unsigned)(*q - '0') <= 9)
            u = u * 10 + (uint64_t)(*q++ - '0');
        if (q == r->end || !((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E')) {
            int64_t x = digits > r->p ? -(int64_t)u : (int64_t)u;
            if (x >= lo && x <= hi) {
                r->p = q;
                *out = x;
                return 0;
            }
        }
    }
    const char *s;
    size_t n;
    if (number_span(r, &s, &n) != 0)
        return -1;
    if (n >= 32)
        return fail(r, "expected an integer");
    /* The span is a valid JSON number: an optional '-' and digits, unless it has a fraction or exponent. */
    const char *p = s, *e = s + n;
    bool neg = *p == '-';
    p += neg;
    uint64_t v = 0;
    /* Up to 19 digits cannot pass UINT64_MAX: only longer spans need the overflow check. */
    bool may_overflow = e - p > 19;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9')
            return fail(r, "expected an integer");
        unsigned d = (unsigned)(*p - '0');
        if (may_overflow && v > (UINT64_MAX - d) / 10)
            return fail(r, "integer out of range");
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + neg)
        return fail(r, "integer out of range");
    int64_t x = neg ? (int64_t)(0 - v) : (int64_t)v; /* 0 - v wraps to INT64_MIN's bits for 2^63 */
    if (x < lo || x > hi)
        return fail(r, "integer out of range");
    *out = x;
    return 0;
}

static int read_double(reader *r, double *out)
{
    skip_ws(r);
    if (peek(r, '"')) {
        char *s;
        if (read_string(r, &s, NULL) != 0)
            return -1;
        if (strcmp(s, "NaN") == 0)
            *out = NAN;
        else if (strcmp(s, "Infinity") == 0)
            *out = INFINITY;
        else if (strcmp(s, "-Infinity") == 0)
            *out = -INFINITY;
        else
            return fail(r, "expected a number");
        return 0;
    }
    const char *s;
    size_t n;
    if (number_span(r, &s, &n) != 0)
        return -1;
    char tmp[64];
    char *big = NULL, *t = tmp;
    if (n >= sizeof tmp) {
        big = malloc(n + 1);
        if (!big)
            return fail(r, "out of memory");
        t = big;
    }
    memcpy(t, s, n);
    t[n] = '\0';
    char *end;
    *out = awsc_strtod_dot(t, &end);
    bool whole = end == t + n; /* number_span checked the syntax: anything short is out of memory */
    free(big);
    return whole ? 0 : fail(r, "out of memory");
}

static int read_timestamp(reader *r, const awsc_member *m, awsc_timestamp *ts)
{
    skip_ws(r);
    if (peek(r, '"')) {
        char *s;
        size_t n;
        if (read_string(r, &s, &n) != 0)
            return -1;
        /* On the wire, the member's format (an unmarked one may also be an HTTP date). In the
         * CLI's --cli-input-json either string form: a member sent as an HTTP date (S3's
         * ResponseExpires query parameter) is written in ISO 8601 there, as the AWS CLI takes it. */
        bool http = m->ts_format == AWSC_TS_HTTP_DATE;
        int rc = http ? awsc_time_parse_http_date(s, n, ts) : awsc_time_parse_date_time(s, n, ts);
        if (rc != 0 && !http && (r->names != AWSC_JSON_WIRE || m->ts_format == AWSC_TS_DEFAULT))
            rc = awsc_time_parse_http_date(s, n, ts);
        else if (rc != 0 && http && r->names != AWSC_JSON_WIRE)
            rc = awsc_time_parse_date_time(s, n, ts);
        return rc == 0 ? 0 : fail(r, "malformed timestamp");
    }
    const char *s;
    size_t n;
    if (number_span(r, &s, &n) != 0)
        return -1;
    if (awsc_time_parse_epoch(s, n, ts) == 0)
        return 0;
    /* Exponent forms (1.5E9) are valid JSON numbers: take them through a double. */
    char tmp[64];
    if (n >= sizeof tmp || !(memchr(s, 'e', n) || memchr(s, 'E', n)))
        return fail(r, "malformed timestamp");
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    double d = awsc_strtod_dot(tmp, &end);
    if (end != tmp + n)
        return fail(r, "malformed timestamp");
    if (!(d > -9.2e18 && d < 9.2e18))
        return fail(r, "timestamp out of range");
    double whole = floor(d);
    ts->seconds = (int64_t)whole;
    long nanos = lround((d - whole) * 1e9);
    if (nanos >= 1000000000L) {
        ts->seconds++;
        nanos = 0;
    }
    ts->nanos = (uint32_t)nanos;
    return 0;
}

static int read_struct(reader *r, const awsc_shape *shape, void *obj, bool top);
static int read_value(reader *r, const awsc_member *m, void *slot);

static void *alloc(reader *r, size_t n)
{
    void *p = awsc_arena_alloc(r->arena, n);
    if (!p)
        fail(r, "out of memory");
    return p;
}

/*
 * A list ([elem, ...]) or a map ({"key": value, ...}): both land as {entries,
 * count}. Called with a constant `map`: speed builds inline a specialised copy
 * at each of the two calls (the hot path keeps its instruction count),
 * size builds (-Os) keep one shared copy.
 */
#ifdef __OPTIMIZE_SIZE__
__attribute__((noinline))
#else
__attribute__((always_inline)) inline
#endif
static int read_collection(reader *r, const awsc_member *m, void *slot, bool map)
{
    const awsc_shape *cs = m->shape;
    const awsc_member *val = &cs->members[map ? 1 : 0];
    char close = map ? '}' : ']';
    if (!accept(r, map ? '{' : '['))
        return fail(r, map ? "expected an object" : "expected an array");
    if (++r->depth > AWSC_JSON_MAX_DEPTH)
        return fail(r, "nesting too deep");
    /* Entries gather in a small stack block first (most lists and maps are short), then on the heap. */
    awsc_entries ents = AWSC_ENTRIES_INIT;
    int rc = 0;
    if (!accept(r, close)) {
        do {
            char *key = NULL;
            if (map && (read_string(r, &key, NULL) != 0 || !accept(r, ':'))) {
                rc = fail(r, "expected a key and ':'");
                break;
            }
            bool is_null = accept_word(r, "null");
            if (is_null && !(m->flags & AWSC_F_SPARSE))
                continue; /* dense lists and maps drop nulls, as the other SDKs do */
            unsigned char *e = awsc_entries_add(&ents, cs->size);
            if (!e) {
                rc = fail(r, "out of memory");
                break;
            }
            if (map)
                *(char **)(e + cs->members[0].offset) = key;
            if (!is_null && read_value(r, val, e) != 0) {
                rc = -1;
                break;
            }
        } while (accept(r, ','));
        if (rc == 0 && !accept(r, close))
            rc = fail(r, map ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    r->depth--;
    if (rc == 0 && awsc_entries_store(&ents, cs->size, r->arena, slot) != 0)
        rc = fail(r, "out of memory");
    awsc_entries_free(&ents);
    return rc;
}

static int read_union(reader *r, const awsc_shape *shape, void *obj)
{
    if (!accept(r, '{'))
        return fail(r, "expected an object");
    if (++r->depth > AWSC_JSON_MAX_DEPTH)
        return fail(r, "nesting too deep");
    int *tag = (int *)((unsigned char *)obj + shape->union_tag_offset);
    int set = 0;
    if (!accept(r, '}')) {
        do {
            char *key;
            if (read_string(r, &key, NULL) != 0 || !accept(r, ':'))
                return fail(r, "expected a key and ':'");
            if (accept_word(r, "null") || strcmp(key, "__type") == 0) {
                if (strcmp(key, "__type") == 0 && skip_value(r) != 0)
                    return -1;
                continue;
            }
            const awsc_member *found = NULL;
            for (uint32_t i = 0; i < shape->member_count; i++) {
                const awsc_member *m = &shape->members[i];
                if (strcmp(r->names != AWSC_JSON_WIRE ? m->name : m->wire_name, key) == 0)
                    found = m;
            }
            if (++set > 1)
                return fail(r, "union has more than one member set");
            if (!found) {
                *tag = -1; /* a variant this SDK does not know */
                if (skip_value(r) != 0)
                    return -1;
                continue;
            }
            r->member = found->name;
            if (read_value(r, found, obj) != 0)
                return -1;
            *tag = (int)(found - shape->members) + 1;
        } while (accept(r, ','));
        if (!accept(r, '}'))
            return fail(r, "expected ',' or '}'");
    }
    r->depth--;
    return 0;
}

/* Fills the model's default into every member with one that the text left out. */
static int apply_defaults(reader *r, const awsc_shape *shape, void *obj, const unsigned char *seen)
{
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        if (!awsc_member_default(m) || seen[i])
            continue;
        const char *dflt = awsc_member_default(m);
        reader d = {.start = dflt, .p = dflt, .end = dflt + strlen(dflt), .arena = r->arena, .names = r->names,
                    .scratch = r->scratch}; /* lent, and taken back with whatever it grew to */
        int rc = read_value(&d, m, obj);
        r->scratch = d.scratch;
        if (rc != 0)
            return fail(r, d.problem);
    }
    return 0;
}

static int read_struct(reader *r, const awsc_shape *shape, void *obj, bool top)
{
    if (shape->type == AWSC_T_UNION)
        return read_union(r, shape, obj);
    if (!accept(r, '{'))
        return fail(r, "expected an object");
    if (++r->depth > AWSC_JSON_MAX_DEPTH)
        return fail(r, "nesting too deep");
    /*
     * Defaults fill what a service response left out. Only there: the CLI
     * layers several texts into one input, where a later text must not reset
     * what an earlier one set.
     */
    unsigned char *seen = NULL;
    if (r->names == AWSC_JSON_WIRE && awsc_shape_needs_seen(shape) && !(seen = calloc(shape->member_count, 1)))
        return fail(r, "out of memory");
    int rc = 0;
    if (!accept(r, '}')) {
        uint32_t next_member = 0;
        do {
            /* Keys are matched where they lie in the text; only escaped ones are decoded first. */
            awsc_buf key = AWSC_BUF_INIT;
            const char *k;
            size_t klen;
            if (!plain_string(r, &k, &klen)) {
                if (read_string_buf(r, &key) != 0) {
                    awsc_buf_free(&key);
                    rc = fail(r, "expected a key and ':'");
                    break;
                }
                k = key.data;
                klen = key.len;
            }
            if (!accept(r, ':')) {
                awsc_buf_free(&key);
                rc = fail(r, "expected a key and ':'");
                break;
            }
            /* Keys mostly come in model order: look from the member after the last one found, and
             * compare the first byte before the rest. */
            const awsc_member *found = NULL;
            char first = klen ? k[0] : '\0';
            for (uint32_t j = 0, n = shape->member_count; j < n && !found; j++) {
                uint32_t i = next_member + j < n ? next_member + j : next_member + j - n;
                const awsc_member *m = &shape->members[i];
                const char *want = r->names != AWSC_JSON_WIRE ? m->name : m->wire_name;
                if (want[0] != first || (r->names == AWSC_JSON_WIRE && top && m->binding != AWSC_B_BODY))
                    continue;
                /* A key never holds a NUL (plain ones stop at control bytes, read_string_buf refuses
                 * \u0000), so a match of klen bytes leaves want[klen] inside want. */
                if (strncmp(want, k, klen) == 0 && want[klen] == '\0') {
                    found = m;
                    next_member = i + 1 < n ? i + 1 : 0;
                }
            }
            if (key.data) /* only an escaped key was decoded into it: not a call per key */
                awsc_buf_free(&key);
            if (!found) {
                if ((rc = skip_value(r)) != 0)
                    break;
                continue;
            }
            if (accept_word(r, "null"))
                continue; /* null means absent */
            if (seen)
                seen[found - shape->members] = 1;
            const char *outer = r->member;
            r->member = found->name;
            if ((rc = read_value(r, found, obj)) != 0)
                break;
            r->member = outer;
        } while (accept(r, ','));
        if (rc == 0 && !accept(r, '}'))
            rc = fail(r, "expected ',' or '}'");
    }
    r->depth--;
    if (rc == 0 && seen)
        rc = apply_defaults(r, shape, obj, seen);
    if (rc == 0 && seen && awsc_correct_required(shape, obj, seen, r->arena) != 0)
        rc = fail(r, "out of memory");
    free(seen);
    return rc;
}

/* Reads the value of member `m` into its slot inside `container`. */
static int read_value(reader *r, const awsc_member *m, void *container)
{
    unsigned char *slot = awsc_member_slot(m, container);
    int64_t v;
    skip_ws(r);
    if (m->flags & AWSC_F_BOXED) { /* a non-null scalar of a sparse collection: allocate its box */
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~AWSC_F_BOXED;
        inner.offset = 0;
        void *box = alloc(r, sizeof(awsc_timestamp)); /* the largest boxed scalar */
        if (!box)
            return -1;
        *(void **)slot = box;
        return read_value(r, &inner, box);
    }
    if (m->has_offset != AWSC_NO_OFFSET)
        *((bool *)((unsigned char *)container + m->has_offset)) = true;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
        return read_string(r, (char **)slot, NULL);
    case AWSC_T_ENUM: {
        char *s;
        if (read_string(r, &s, NULL) != 0)
            return -1;
        awsc_enum_set(m, container, s);
        return 0;
    }
    case AWSC_T_BOOL:
        if (accept_word(r, "true"))
            *(bool *)slot = true;
        else if (accept_word(r, "false"))
            *(bool *)slot = false;
        else
            return fail(r, "expected true or false");
        return 0;
    case AWSC_T_BYTE:
        if (read_int(r, INT8_MIN, INT8_MAX, &v) != 0)
            return -1;
        *(int8_t *)slot = (int8_t)v;
        return 0;
    case AWSC_T_SHORT:
        if (read_int(r, INT16_MIN, INT16_MAX, &v) != 0)
            return -1;
        *(int16_t *)slot = (int16_t)v;
        return 0;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        if (read_int(r, INT32_MIN, INT32_MAX, &v) != 0)
            return -1;
        *(int32_t *)slot = (int32_t)v;
        return 0;
    case AWSC_T_LONG:
        return read_int(r, INT64_MIN, INT64_MAX, (int64_t *)slot);
    case AWSC_T_FLOAT: {
        double d;
        if (read_double(r, &d) != 0)
            return -1;
        *(float *)slot = (float)d;
        return 0;
    }
    case AWSC_T_DOUBLE:
        return read_double(r, (double *)slot);
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL: {
        const char *s;
        size_t n;
        if ((m->flags & AWSC_F_BIG_AS_STRING) && peek(r, '"')) {
            /* rpcv2Json: "1.5", the text itself a JSON number */
            char *text;
            if (read_string(r, &text, &n) != 0)
                return -1;
            reader inner = {.start = text, .p = text, .end = text + n};
            if (number_span(&inner, &s, &n) != 0 || inner.p != inner.end)
                return fail(r, "expected a number in the string");
            *(char **)slot = text;
            return 0;
        }
        if (number_span(r, &s, &n) != 0)
            return -1;
        char *copy = awsc_arena_strndup(r->arena, s, n);
        if (!copy)
            return fail(r, "out of memory");
        *(char **)slot = copy;
        return 0;
    }
    case AWSC_T_STREAM: /* in a JSON body a stream is a blob: its data/len come first */
    case AWSC_T_BLOB: {
        char *s;
        size_t n;
        const char *plain;
        if (r->names != AWSC_JSON_PARAMS && plain_string(r, &plain, &n)) {
            /* The common case (base64 has no escapes): decoded from the body straight into the arena. */
            long size = awsc_base64_decoded_size(plain, n);
            uint8_t *data = size < 0 ? NULL : alloc(r, (size_t)size);
            if (size >= 0 && !data)
                return -1;
            if (size < 0 || awsc_base64_decode_to(data, plain, n) < 0)
                return fail(r, "invalid base64 in blob");
            ((awsc_blob *)slot)->data = data;
            ((awsc_blob *)slot)->len = (size_t)size;
            return 0;
        }
        if (read_string(r, &s, &n) != 0)
            return -1;
        if (r->names == AWSC_JSON_PARAMS) { /* the text itself is the bytes */
            ((awsc_blob *)slot)->data = (const uint8_t *)s;
            ((awsc_blob *)slot)->len = n;
            return 0;
        }
        awsc_buf b = AWSC_BUF_INIT;
        int rc = awsc_base64_decode(&b, s, n);
        if (rc != 0) {
            awsc_buf_free(&b);
            return fail(r, rc == -1 ? "out of memory" : "invalid base64 in blob");
        }
        awsc_blob *blob = (awsc_blob *)slot;
        uint8_t *data = alloc(r, b.len);
        if (!data) {
            awsc_buf_free(&b);
            return -1;
        }
        if (b.len)
            memcpy(data, b.data, b.len);
        blob->data = data;
        blob->len = b.len;
        awsc_buf_free(&b);
        return 0;
    }
    case AWSC_T_TIMESTAMP:
        return read_timestamp(r, m, (awsc_timestamp *)slot);
    case AWSC_T_DOCUMENT: {
        const char *s = r->p;
        if (skip_value(r) != 0)
            return -1;
        char *copy = awsc_arena_strndup(r->arena, s, (size_t)(r->p - s));
        if (!copy)
            return fail(r, "out of memory");
        *(char **)slot = copy;
        return 0;
    }
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        void *obj = slot;
        if (!(m->flags & AWSC_F_INLINE)) {
            obj = alloc(r, m->shape->size);
            if (!obj)
                return -1;
            *(void **)slot = obj;
        }
        return read_struct(r, m->shape, obj, false);
    }
    case AWSC_T_LIST:
        return read_collection(r, m, slot, false);
    case AWSC_T_MAP:
        return read_collection(r, m, slot, true);
    case AWSC_T_UNIT:
        if (!peek(r, '{'))
            return fail(r, "expected an object");
        return skip_value(r);
    }
    return fail(r, "unsupported member type");
}

static int finish(reader *r, int rc, awsc_status status, awsc_error *err)
{
    if (rc == 0) {
        skip_ws(r);
        if (r->p != r->end)
            rc = fail(r, "trailing characters after the JSON value");
    }
    if (rc == 0)
        return AWSC_OK;
    if (r->problem && strcmp(r->problem, "out of memory") == 0)
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory while parsing JSON");
    if (r->member)
        return awsc_error_set(err, status, "invalid JSON at byte %zu (member %s): %s", (size_t)(r->p - r->start),
                              r->member, r->problem ? r->problem : "parse error");
    return awsc_error_set(err, status, "invalid JSON at byte %zu: %s", (size_t)(r->p - r->start),
                          r->problem ? r->problem : "parse error");
}

int awsc_json_read(const awsc_shape *shape, void *obj, const char *text, size_t len, awsc_arena *arena,
                   awsc_json_names names, awsc_status status_on_error, awsc_error *err)
{
    reader r = {.start = text, .p = text, .end = text + len, .arena = arena, .names = names};
    int rc = read_struct(&r, shape, obj, true);
    awsc_buf_free(&r.scratch);
    return finish(&r, rc, status_on_error, err);
}

int awsc_json_read_member(const awsc_member *m, void *container, const char *text, size_t len,
                          awsc_arena *arena, awsc_json_names names, awsc_status status_on_error,
                          awsc_error *err)
{
    reader r = {.start = text, .p = text, .end = text + len, .arena = arena, .names = names, .member = m->name};
    int rc = read_value(&r, m, container);
    awsc_buf_free(&r.scratch);
    return finish(&r, rc, status_on_error, err);
}
