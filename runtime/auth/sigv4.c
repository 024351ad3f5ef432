#include "auth/sigv4.h"

#include "crypto/crypto.h"
#include "util/timefmt.h"
#include "util/uri.h"

#include "util/copy.h"
#include "util/error.h"

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
 * The word-at-a-time scans and inline copies below are for speed only: a -Os build (a user
 * asking for size) takes their plain byte-by-byte or library equivalents, which give the same
 * results (the unit tests run in both builds).
 */
#if defined(__OPTIMIZE_SIZE__)
#define SIGV4_FAST 0
#else
#define SIGV4_FAST 1
#endif

/* Largest time whose year still has four digits: 9999-12-31T23:59:59Z. */
#define MAX_SIGNING_TIME INT64_C(253402300799)

/* Lower-case of every token character, 0 for every other byte: one table checks and folds a name. */
static const unsigned char token_lower[256] = {
    ['!'] = '!', ['#'] = '#', ['$'] = '$', ['%'] = '%', ['&'] = '&', ['\''] = '\'', ['*'] = '*', ['+'] = '+',
    ['-'] = '-', ['.'] = '.', ['^'] = '^', ['_'] = '_', ['`'] = '`', ['|'] = '|', ['~'] = '~',
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7',
    ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h',
    ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p',
    ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h',
    ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p',
    ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',
};

/* Bytes a canonical path keeps as they are: the unreserved set (A-Z a-z 0-9 - . _ ~) and '/'; one bit each. */
static bool path_keeps(unsigned char c)
{
    static const uint32_t bits[8] = {0, 0x03FFE000, 0x87FFFFFE, 0x47FFFFFE, 0, 0, 0, 0};
    return (bits[c >> 5] >> (c & 31)) & 1;
}

/* RFC 7230 token characters: what a method or header name may contain. */
static bool is_token(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!token_lower[(unsigned char)*s])
            return false;
    return true;
}

/* The top bit of each of x's 8 bytes that is `c`, no other bit (no carry crosses bytes). */
static inline uint64_t bytes_equal(uint64_t x, char c)
{
    const uint64_t high = 0x8080808080808080u;
    uint64_t t = x ^ (0x0101010101010101u * (unsigned char)c);
    return ~(((t & ~high) + ~high) | t | ~high);
}

/* Whether 8 bytes are all letters, digits or marks from '-' to `last_mark` ('.': "-.", '/': "-./"). */
static inline bool alnum_or_marks8(const char *s, char last_mark)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, s, 8);
    if (x & high)
        return false;
    uint64_t folded = x | (ones * 0x20); /* 'A'..'Z' onto 'a'..'z' (and nothing else onto them) */
    uint64_t letter = (folded + ones * (0x80 - 'a')) & ~(folded + ones * (0x7f - 'z'));
    uint64_t digit = (x + ones * (0x80 - '0')) & ~(x + ones * (0x7f - '9'));
    uint64_t mark = (x + ones * (0x80 - '-')) & ~(x + ones * (uint64_t)(0x7f - last_mark));
    return ((letter | digit | mark) & high) == high;
}

/* memcmp(a, b, n) == 0 for the short strings a cache entry compares, inline as awsc_copy_short. */
static inline bool same_short(const char *a, const char *b, size_t n)
{
#if !SIGV4_FAST
    return memcmp(a, b, n) == 0; /* as awsc_copy_short */
#else
#if defined(__SSE2__)
    if (n >= 16) {
        __m128i diff = _mm_setzero_si128();
        for (size_t i = 0; i + 16 < n; i += 16)
            diff = _mm_or_si128(diff, _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)(a + i)),
                                                    _mm_loadu_si128((const __m128i *)(const void *)(b + i))));
        diff = _mm_or_si128(diff, _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)(a + n - 16)),
                                                _mm_loadu_si128((const __m128i *)(const void *)(b + n - 16))));
        return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xffff;
    }
#endif
    if (n >= 8) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b0, b, 8);
        memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b0, b, 4);
        memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
#endif
}

/* Key id, region and service go into the credential scope, where '/', ',' or spaces would be ambiguous:
 * letters, digits, '-', '_' and '.' only (one bit each). */
static bool is_scope_part(const char *s, size_t n)
{
    static const uint32_t bits[8] = {0, 0x03FF6000, 0x87FFFFFE, 0x07FFFFFE, 0, 0, 0, 0};
    size_t i = 0;
    if (n == 0)
        return false;
    /* Eight at a time while they are letters, digits, '-' or '.' (what key ids, regions and
     * services hold); the last eight overlap the ones before them rather than go byte by byte. */
    if (SIGV4_FAST && n >= 8) {
        for (;; i += 8) {
            if (i + 8 > n)
                i = n - 8;
            if (!alnum_or_marks8(s + i, '.'))
                break; /* '_', or a byte that is refused: byte by byte */
            if (i + 8 == n)
                return true;
        }
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((bits[c >> 5] >> (c & 31)) & 1))
            return false;
    }
    return true;
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

/* ---- the canonical request, hashed as it is written ------------------------ */

/*
 * The canonical request goes through a stage buffer into SHA-256 (and, when
 * asked, into `keep` as text): no heap string is built just to be hashed. Its
 * blocks are hashed when the stage fills and at the end, in few calls: each
 * call moves the hash state in and out of the SHA registers.
 * The step functions for tests write text only (`hash` false).
 */
typedef struct creq_writer {
    awsc_sha256_mid sha;
    awsc_buf *keep;  /* the text as well, or NULL */
    bool hash;
    bool failed;     /* `keep` ran out of memory */
    /* The payload, hashed a block alongside each of the canonical request's first ones: the two
     * are independent, and paired they take about the time of one. */
    const uint8_t *payload;
    size_t payload_len;
    bool with_payload, job_started;
    awsc_sha256_job job;
    size_t n;        /* bytes in stage */
    size_t done;     /* of them, hashed already (whole blocks) */
    char stage[640]; /* a usual canonical request (~400 bytes) and its padding, with room */
} creq_writer;

static void writer_init(creq_writer *w, awsc_buf *keep, bool hash)
{
    w->keep = keep;
    w->hash = hash;
    w->failed = false;
    w->with_payload = w->job_started = false;
    w->n = w->done = 0;
    if (hash)
        awsc_sha256_mid_init(&w->sha);
}

/* Hashes `blocks` whole blocks of the stage from `done`, with the payload's while it has some. */
static void w_absorb(creq_writer *w, size_t blocks)
{
    if (SIGV4_FAST && w->with_payload) {
        if (!w->job_started) {
            awsc_sha256_job_init(&w->job, w->payload, w->payload_len);
            w->job_started = true;
        }
        awsc_sha256_job_pair(&w->job, &w->sha, w->stage + w->done, blocks);
    } else {
        awsc_sha256_mid_absorb(&w->sha, w->stage + w->done, blocks);
    }
    w->done += blocks * 64;
}

/* Hashes the stage's whole blocks; what is left of its last block moves to the front. */
static void w_flush(creq_writer *w)
{
    if (!w->hash) {
        w->n = 0;
        return;
    }
    w_absorb(w, (w->n - w->done) / 64);
    memmove(w->stage, w->stage + w->done, w->n - w->done);
    w->n -= w->done;
    w->done = 0;
}

static void w_put_slow(creq_writer *w, const char *s, size_t len)
{
    while (len) {
        if (w->n == sizeof w->stage)
            w_flush(w);
        size_t take = sizeof w->stage - w->n < len ? sizeof w->stage - w->n : len;
        memcpy(w->stage + w->n, s, take);
        w->n += take;
        s += take;
        len -= take;
    }
}

/* Inline: most pieces are a few bytes, often of a known length. */
static inline void w_put(creq_writer *w, const char *s, size_t len)
{
    if (w->keep && awsc_buf_append(w->keep, s, len) != 0)
        w->failed = true;
    if (len > sizeof w->stage - w->n) {
        w_put_slow(w, s, len);
        return;
    }
    awsc_copy_short(w->stage + w->n, s, len);
    w->n += len;
}

static inline void w_putc(creq_writer *w, char c)
{
    w_put(w, &c, 1);
}

/* Room for `need` (small) bytes written in place, then committed with w_commit. */
static inline char *w_room(creq_writer *w, size_t need)
{
    if (sizeof w->stage - w->n < need)
        w_flush(w);
    return w->stage + w->n;
}

static inline void w_commit(creq_writer *w, size_t len)
{
    if (w->keep && awsc_buf_append(w->keep, w->stage + w->n, len) != 0)
        w->failed = true;
    w->n += len;
}

/*
 * Hashes whole blocks as a piece completes them rather than all at once later: the SHA
 * instructions wait on each other (latency, not throughput, bounds them), and hashing early
 * lets the CPU write the next lines meanwhile (the payload's blocks go along, paired). The
 * last whole block waits for the next piece: loading a block just written, from stores that
 * do not line up with the loads, waits for those stores (measured slower, issue 21).
 */
static inline void w_eager(creq_writer *w)
{
    if (w->hash && w->n - w->done >= 128)
        w_absorb(w, (w->n - w->done) / 64 - 1);
}

/* The hash of all that was written, padded in the stage itself. */
static void w_final(creq_writer *w, uint8_t hash[32])
{
    if (w->n + 128 > sizeof w->stage)
        w_flush(w);
    awsc_sha256_mid_final_inplace(&w->sha, (uint8_t *)w->stage + w->done, w->n - w->done, hash);
}

static int w_done(creq_writer *w, size_t keep_mark)
{
    if (!w->failed)
        return 0;
    truncate_buf(w->keep, keep_mark);
    return -1;
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

/* True when normalizing would change nothing: absolute, no empty, "." or ".." segment. */
static bool already_normal(const char *path, size_t len)
{
    if (len == 0 || path[0] != '/')
        return false;
    /* Every segment to remove starts "//" or "/.": where neither occurs the path is normal. Eight
     * bytes at a time, each load overlapping the last by one so no pair falls between two. */
    if (len >= 8) {
        bool pair = false;
        for (size_t i = 0;; i += 7) {
            if (i + 8 > len)
                i = len - 8;
            uint64_t x;
            memcpy(&x, path + i, 8);
            uint64_t slash = bytes_equal(x, '/'), dot = bytes_equal(x, '.');
            if (slash & ((slash | dot) >> 8)) { /* a '/' whose next byte is '/' or '.' */
                pair = true;
                break;
            }
            if (i + 8 == len)
                break;
        }
        if (!pair)
            return true;
    }
    for (size_t i = 0; i < len; i++) {
        if (path[i] != '/')
            continue;
        /* The segment after this '/': empty (unless last: a trailing slash stays), "." or "..". */
        size_t rest = len - i - 1;
        const char *seg = path + i + 1;
        if ((rest > 0 && seg[0] == '/') || (seg[0] == '.' && (rest == 1 || seg[1] == '/')) ||
            (rest >= 2 && seg[0] == '.' && seg[1] == '.' && (rest == 2 || seg[2] == '/')))
            return false;
    }
    return true;
}

/* Whether 8 bytes all stay as they are, when they are letters, digits, '-', '.' or '/' (else false,
 * and path_keeps decides byte by byte). */
static bool keeps8(const char *s)
{
    return alnum_or_marks8(s, '/');
}

/* The path percent-encoded again, '/' kept: what non-S3 services sign. */
static void put_encoded_path(creq_writer *w, const char *s, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t i = 0;
    while (i < len) {
        size_t run = 0; /* bytes that stay as they are go in one piece */
        while (SIGV4_FAST && i + run + 8 <= len && keeps8(s + i + run))
            run += 8;
        while (i + run < len && path_keeps((unsigned char)s[i + run]))
            run++;
        w_put(w, s + i, run);
        i += run;
        if (i < len) {
            unsigned char c = (unsigned char)s[i++];
            char *o = w_room(w, 3);
            o[0] = '%';
            o[1] = digits[c >> 4];
            o[2] = digits[c & 15];
            w_commit(w, 3);
        }
    }
}

/*
 * Whether normalizing and encoding both leave a path as it is, in one pass: absolute, letters,
 * digits, '-', '.' and '/' only, and no '/' followed by '/' or '.' (where a segment to remove
 * starts). Sixteen bytes at a time, each load overlapping the last by one so that no pair falls
 * between two. False sends the path the long way, which decides.
 */
static bool plain_path(const char *path, size_t len)
{
#if defined(__SSE2__) && SIGV4_FAST /* else the long way alone, which gives the same path */
    if (len < 16 || path[0] != '/')
        return false;
    const __m128i fold = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a'), zero = _mm_set1_epi8('0');
    const __m128i dash = _mm_set1_epi8('-'), slash = _mm_set1_epi8('/'), dot = _mm_set1_epi8('.');
    const __m128i n25 = _mm_set1_epi8(25), n9 = _mm_set1_epi8(9), n2 = _mm_set1_epi8(2);
    for (size_t i = 0;; i += 15) {
        if (i + 16 > len)
            i = len - 16;
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(path + i));
        /* Each class as an unsigned range: x - low <= width (bytes >= 0x80 fall outside all). */
        __m128i l = _mm_sub_epi8(_mm_or_si128(x, fold), a), d = _mm_sub_epi8(x, zero), m = _mm_sub_epi8(x, dash);
        __m128i ok = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(l, n25), l),
                                  _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, n9), d),
                                               _mm_cmpeq_epi8(_mm_min_epu8(m, n2), m)));
        unsigned sl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, slash));
        unsigned dt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, dot));
        if (_mm_movemask_epi8(ok) != 0xffff || (sl & ((sl | dt) >> 1)))
            return false;
        if (i + 16 == len)
            return true;
    }
#else
    (void)path;
    (void)len;
    return false;
#endif
}

static int put_canonical_path(creq_writer *w, const char *path, bool normalize, bool double_encode)
{
    size_t len = strlen(path);
    if (normalize && double_encode && plain_path(path, len)) {
        w_put(w, path, len); /* what nearly every non-S3 request has */
        return 0;
    }
    awsc_buf tmp = AWSC_BUF_INIT;
    const char *p = path;
    if (normalize && !already_normal(path, len)) {
        if (normalize_path(&tmp, path) != 0) {
            awsc_buf_free(&tmp);
            return -1;
        }
        p = tmp.data;
        len = tmp.len;
    } else if (!normalize && path[0] != '/') {
        w_putc(w, '/'); /* the canonical URI is absolute even when the caller's path is empty */
    }
    if (double_encode)
        put_encoded_path(w, p, len);
    else
        w_put(w, p, len);
    awsc_buf_free(&tmp);
    return 0;
}

int awsc_sigv4_canonical_path(awsc_buf *out, const char *path, bool normalize, bool double_encode)
{
    if (!out || !path)
        return -1;
    size_t mark = out->len;
    creq_writer w;
    writer_init(&w, out, false);
    if (awsc_buf_append(out, "", 0) != 0 || put_canonical_path(&w, path, normalize, double_encode) != 0) {
        truncate_buf(out, mark);
        return -1;
    }
    return w_done(&w, mark);
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
    size_t name_len;
    const char *value;
    bool repeat;      /* same name as the entry before it (after sorting) */
    unsigned index;   /* its place in the request */
} header_entry;

/* strcmp, with the first byte (which usually decides between header names) compared inline. */
static inline int name_cmp(const char *a, const char *b)
{
    int c = (unsigned char)a[0] - (unsigned char)b[0];
    return c ? c : strcmp(a, b);
}

/* Sorted, lower-cased headers; a request's few fit on the stack. */
typedef struct sorted_headers {
    header_entry *e;
    size_t count;
    size_t signed_len; /* length of "a;b;c" */
    const char *signed_text; /* "a;b;c" already written (the memo's), or NULL */
    char *names;
    header_entry stack_e[32];
    char stack_names[1024];
} sorted_headers;

static void sorted_headers_free(sorted_headers *s)
{
    if (s->e != s->stack_e)
        free(s->e);
    if (s->names != s->stack_names)
        free(s->names);
}

/*
 * The headers the signer owns (lower-case): one among the caller's would be sent twice, or
 * signed when it must not be. X-Amz-Security-Token only with a session token, X-Amz-Region-Set
 * only with SigV4a.
 */
static bool reserved_name(const char *n, size_t len, const awsc_sigv4_params *p)
{
    switch (len) {
    case 10:
        return memcmp(n, "x-amz-date", 10) == 0;
    case 13:
        return memcmp(n, "authorization", 13) == 0;
    case 16:
        return p->region_set && memcmp(n, "x-amz-region-set", 16) == 0;
    case 20:
        return p->creds.session_token && memcmp(n, "x-amz-security-token", 20) == 0;
    default:
        return false;
    }
}

/*
 * Lower-cases `n` bytes of a header name into `dst`; false when one is not a token character.
 * Eight at a time while they are letters, digits and '-' (the names one sees), else by table.
 */
static bool lower_token(char *dst, const char *src, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    size_t i = 0;
    for (; SIGV4_FAST && i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, src + i, 8);
        if (!(x & high)) { /* ASCII: byte + c carries into no other byte, its top bit says byte >= 0x80 - c */
            uint64_t upper = ((x + ones * (0x80 - 'A')) & ~(x + ones * (0x7f - 'Z')) & high);
            x |= upper >> 2; /* 'A'..'Z' + 0x20 */
            uint64_t lower = (x + ones * (0x80 - 'a')) & ~(x + ones * (0x7f - 'z'));
            uint64_t digit = (x + ones * (0x80 - '0')) & ~(x + ones * (0x7f - '9'));
            uint64_t dash = bytes_equal(x, '-');
            if (((lower | digit | dash) & high) == high) {
                memcpy(dst + i, &x, 8);
                continue;
            }
        }
        for (size_t k = i; k < i + 8; k++)
            if (!(dst[k] = (char)token_lower[(unsigned char)src[k]]))
                return false;
    }
    for (; i < n; i++)
        if (!(dst[i] = (char)token_lower[(unsigned char)src[i]]))
            return false;
    return true;
}

/* "a;b;c" into `out` (signed_len bytes, no NUL). */
static void put_signed_names(char *out, const sorted_headers *s)
{
    if (s->signed_text) {
        awsc_copy_short(out, s->signed_text, s->signed_len);
        return;
    }
    for (size_t i = 0; i < s->count; i++) {
        if (s->e[i].repeat)
            continue;
        if (i > 0)
            *out++ = ';';
        memcpy(out, s->e[i].name, s->e[i].name_len);
        out += s->e[i].name_len;
    }
}

/*
 * After hashing, sorting the header names is the largest part of a signature, and a client
 * sends the same names in the same order on every call of an operation. Each thread keeps what
 * sorting made of the last names it signed. That depends on the names as given, how many of
 * them are the caller's and which names the signer reserves (`p`), and on nothing else.
 */
#define MEMO_HEADERS 16
#define MEMO_NAMES 512
typedef struct header_memo {
    size_t count; /* 0: nothing kept */
    size_t own;
    size_t signed_len;
    bool token, region_set;
    uint16_t given_len[MEMO_HEADERS]; /* each name's length, in request order */
    uint16_t lower_at[MEMO_HEADERS];  /* the i-th sorted entry's name, in `lower` */
    uint8_t order[MEMO_HEADERS];      /* the i-th sorted entry is request header order[i] */
    bool repeat[MEMO_HEADERS];
    char given[MEMO_NAMES];           /* the names as given, back to back */
    char lower[MEMO_NAMES];           /* lower-cased, each with its NUL, in sorted order */
    char signed_text[MEMO_NAMES];     /* "a;b;c", signed_len bytes */
} header_memo;

static _Thread_local header_memo memo;

/* The kept layout, when `headers` has the same names: `s` then points into the memo. */
static bool memo_use(sorted_headers *s, const awsc_header *headers, size_t count, size_t own,
                     const awsc_sigv4_params *p)
{
    if (!p || count == 0 || count != memo.count || own != memo.own ||
        (p->creds.session_token != NULL) != memo.token || (p->region_set != NULL) != memo.region_set)
        return false;
    const char *g = memo.given;
    for (size_t i = 0; i < count; i++) {
        size_t n = memo.given_len[i];
        if (!headers[i].name || !headers[i].value || strncmp(headers[i].name, g, n) != 0 || headers[i].name[n])
            return false;
        g += n;
    }
    for (size_t i = 0; i < count; i++) {
        unsigned k = memo.order[i];
        s->e[i] = (header_entry){memo.lower + memo.lower_at[i], memo.given_len[k], headers[k].value, memo.repeat[i], k};
    }
    s->signed_len = memo.signed_len;
    s->signed_text = memo.signed_text;
    return true;
}

static void memo_keep(const sorted_headers *s, const awsc_header *headers, size_t own, const awsc_sigv4_params *p)
{
    memo.count = 0;
    size_t names_len = 0;
    for (size_t i = 0; i < s->count; i++)
        names_len += s->e[i].name_len + 1;
    if (!p || s->count == 0 || s->count > MEMO_HEADERS || names_len > MEMO_NAMES)
        return;
    char *l = memo.lower;
    for (size_t i = 0; i < s->count; i++) {
        const header_entry *x = &s->e[i];
        memo.order[i] = (uint8_t)x->index;
        memo.given_len[x->index] = (uint16_t)x->name_len;
        memo.lower_at[i] = (uint16_t)(l - memo.lower);
        memcpy(l, x->name, x->name_len + 1);
        l += x->name_len + 1;
        memo.repeat[i] = x->repeat;
    }
    char *g = memo.given;
    for (size_t i = 0; i < s->count; i++) {
        memcpy(g, headers[i].name, memo.given_len[i]);
        g += memo.given_len[i];
    }
    put_signed_names(memo.signed_text, s);
    memo.own = own;
    memo.signed_len = s->signed_len;
    memo.token = p->creds.session_token != NULL;
    memo.region_set = p->region_set != NULL;
    memo.count = s->count;
}

/*
 * Validates, lower-cases and sorts (stably: same-name values keep their request order).
 * The first `own` headers are the caller's: none of them may be one the signer writes (`p`).
 */
static int sort_headers(sorted_headers *s, const awsc_header *headers, size_t count, size_t own,
                        const awsc_sigv4_params *p)
{
    s->e = s->stack_e;
    s->names = s->stack_names;
    s->count = count;
    s->signed_len = 0;
    s->signed_text = NULL;
    if (count > sizeof s->stack_e / sizeof s->stack_e[0] && !(s->e = malloc(count * sizeof *s->e)))
        return -1;
    if (SIGV4_FAST && memo_use(s, headers, count, own, p)) /* -Os: no memo, sorting gives the same */
        return 0;
    size_t names_len = 0;
    for (size_t i = 0; i < count; i++) {
        if (!headers[i].name || !headers[i].value) /* CR and LF in values are refused as they are written */
            return -1;
        s->e[i] = (header_entry){NULL, strlen(headers[i].name), headers[i].value, false, (unsigned)i};
        if (s->e[i].name_len == 0)
            return -1;
        names_len += s->e[i].name_len + 1;
    }
    if (names_len > sizeof s->stack_names && !(s->names = malloc(names_len)))
        return -1;
    char *np = s->names;
    unsigned char bad = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = s->e[i].name_len;
        s->e[i].name = np;
        bad |= (unsigned char)!lower_token(np, headers[i].name, n);
        np[n] = '\0';
        np += n + 1;
    }
    if (bad)
        return -1;
    for (size_t i = 0; p && i < own; i++)
        if (reserved_name(s->e[i].name, s->e[i].name_len, p))
            return -1;
    /* Insertion sort: faster than qsort for a dozen entries, and stable (same-name values keep their order). */
    for (size_t i = 1; i < count; i++) {
        header_entry x = s->e[i];
        size_t j = i;
        for (; j > 0 && name_cmp(s->e[j - 1].name, x.name) > 0; j--)
            s->e[j] = s->e[j - 1];
        s->e[j] = x;
    }
    for (size_t i = 0; i < count; i++) {
        header_entry *x = &s->e[i];
        x->repeat = i > 0 && x->name_len == x[-1].name_len && memcmp(x->name, x[-1].name, x->name_len) == 0;
        if (!x->repeat)
            s->signed_len += x->name_len + (i > 0);
    }
    if (SIGV4_FAST)
        memo_keep(s, headers, own, p);
    return 0;
}

/* Appends `v` trimmed, inner runs of spaces and tabs collapsed to one space; false at a CR or LF. */
static bool put_trimmed(creq_writer *w, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    while (*v) {
        size_t word = strcspn(v, " \t\r\n");
        w_put(w, v, word);
        v += word;
        if (*v == '\r' || *v == '\n')
            return false;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v)
            w_putc(w, ' ');
    }
    return true;
}

/*
 * True when a value is signed as it is: nothing to trim at its ends, no run of blanks to
 * collapse, no tab, CR or LF (nor other control byte: those take the general path).
 */
static bool plain_value(const char *v, size_t len)
{
    const unsigned char *u = (const unsigned char *)v;
    if (len == 0)
        return true;
    if (u[0] <= ' ' || u[len - 1] <= ' ')
        return false;
    size_t i = 0;
#if defined(__SSE2__) && SIGV4_FAST
    /* 16 bytes at a time, the last 16 overlapping the ones before them. A byte at or below a
     * space must be a space, and the byte after it above one (the last byte is, checked above). */
    if (len >= 16) {
        const __m128i blank = _mm_set1_epi8(' ');
        for (;; i += 16) {
            if (i + 16 > len)
                i = len - 16;
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            unsigned low = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, blank), x));
            if (low) {
                unsigned space = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, blank));
                if ((low & ~space) || (space & (low >> 1)) || ((space & 0x8000) && u[i + 16] <= ' '))
                    return false;
            }
            if (i + 16 == len)
                return true;
        }
    }
#endif
    /* A space stays when the byte after it is neither blank (u[len - 1] is not one). */
    for (; i < len; i++)
        if (u[i] <= ' ' && (u[i] != ' ' || u[i + 1] <= ' '))
            return false;
    return true;
}

/* "name:value\n" per distinct name, repeated names' values joined by ',' in request order; -1 at a bad value. */
static int put_header_block(creq_writer *w, const sorted_headers *s)
{
    for (size_t i = 0; i < s->count; i++) {
        const header_entry *x = &s->e[i];
        size_t vl = strlen(x->value), nl = x->name_len;
        if (nl + vl + 2 <= 256 && plain_value(x->value, vl)) {
            /* The usual header: written in place in one piece. */
            char *start = w_room(w, nl + vl + 2), *o = start;
            if (!x->repeat) {
                if (i > 0)
                    *o++ = '\n';
                awsc_copy_short(o, x->name, nl);
                o += nl;
                *o++ = ':';
            } else {
                *o++ = ',';
            }
            awsc_copy_short(o, x->value, vl);
            w_commit(w, (size_t)(o + vl - start));
            w_eager(w);
            continue;
        }
        if (!x->repeat) {
            if (i > 0)
                w_putc(w, '\n');
            w_put(w, x->name, nl);
            w_putc(w, ':');
        } else {
            w_putc(w, ',');
        }
        if (!put_trimmed(w, x->value))
            return -1;
    }
    if (s->count)
        w_putc(w, '\n');
    return 0;
}

int awsc_sigv4_canonical_headers(awsc_buf *out, awsc_buf *signed_headers, const awsc_header *headers, size_t count)
{
    if (!out || !signed_headers || (!headers && count))
        return -1;
    size_t out_mark = out->len, sh_mark = signed_headers->len;
    sorted_headers s;
    int rc = -1;
    if (sort_headers(&s, headers, count, 0, NULL) != 0 || awsc_buf_append(out, "", 0) != 0 ||
        awsc_buf_reserve(signed_headers, s.signed_len) != 0)
        goto done;
    creq_writer w;
    writer_init(&w, out, false);
    if (put_header_block(&w, &s) != 0 || w_done(&w, out_mark) != 0)
        goto done;
    put_signed_names(signed_headers->data + sh_mark, &s);
    signed_headers->len = sh_mark + s.signed_len;
    signed_headers->data[signed_headers->len] = '\0';
    rc = 0;
done:
    sorted_headers_free(&s);
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
    OPENSSL_cleanse(&c->sts_mid, sizeof c->sts_mid);
    c->sts_valid = false;
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

/* Compares without an early exit, so the time taken says nothing about where a secret differs. */
static bool same_secret(const char *a, const char *b, size_t n)
{
    uint64_t diff = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        diff |= x ^ y;
    }
    for (; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* A day's key, ready to sign with: its HMAC midstates, copied out of the cache (or derived). */
typedef struct signing_key {
    awsc_sha256_mid inner; /* with the string to sign's first block absorbed, when that was given */
    awsc_sha256_mid outer;
} signing_key;

/* The lengths of what goes into the credential scope (bounded by valid_request). */
typedef struct scope_lens {
    size_t key_id, region, service;
} scope_lens;

/*
 * The day's key for `p` into `k`: from the cache, or derived (and cached). `head`, when not
 * NULL, is the string to sign's first 64 bytes (the same for a whole second): absorbed into the
 * inner midstate once a second, not on every signature.
 *
 * A cache entry's region and service are checked as scope parts when the entry is made, its key
 * id when that is stored (valid_request leaves them to this): signatures that find them equal
 * check nothing again.
 */
static int get_key(awsc_sigv4_key_cache *c, const awsc_sigv4_params *p, const scope_lens *l, const char *date,
                   const char *head, signing_key *k)
{
    const char *secret = p->creds.secret_access_key;
    if (!c) {
        uint8_t key[32];
        awsc_hmac_key hk;
        if (derive_key(secret, date, p->region, p->service, key) != 0)
            return -1;
        awsc_hmac_key_init(&hk, key, sizeof key);
        k->inner = hk.inner;
        k->outer = hk.outer;
        if (head)
            awsc_sha256_mid_absorb(&k->inner, head, 1);
        OPENSSL_cleanse(key, sizeof key);
        awsc_hmac_key_wipe(&hk);
        return 0;
    }
    /* Under the lock, the work waits on the canonical request's hash (see awsc_sigv4_sign):
     * as little as can be, inline. */
    size_t n = strlen(secret);
    if (pthread_mutex_lock(&c->lock) != 0)
        return -1;
    int rc = 0;
    /* Region and service with their NULs: l->region + 1 bytes of each are there to read. */
    if (!c->valid || c->secret_len != n || !same_secret(c->secret, secret, n) || !same_short(c->date, date, 9) ||
        !same_short(c->region, p->region, l->region + 1) || !same_short(c->service, p->service, l->service + 1)) {
        if (!is_scope_part(p->region, l->region) || !is_scope_part(p->service, l->service)) {
            rc = -1; /* the entry stays as it was */
        } else {
            c->valid = false;
            c->sts_valid = false;
            forget_secret(c);
            rc = (c->secret = malloc(n + 1)) ? derive_key(secret, date, p->region, p->service, c->key) : -1;
            if (rc == 0) {
                memcpy(c->secret, secret, n + 1);
                c->secret_len = n;
                awsc_hmac_key_init(&c->hmac, c->key, sizeof c->key);
                /* Lengths were checked against these fields before signing started. */
                memcpy(c->date, date, 9);
                memcpy(c->region, p->region, l->region + 1);
                memcpy(c->service, p->service, l->service + 1);
                c->valid = true;
            }
        }
    }
    /* The key id is no part of the key: another one is checked and kept, nothing derived again. */
    const char *key_id = p->creds.access_key_id;
    if (rc == 0 && (c->key_id_len != l->key_id || !same_short(c->key_id, key_id, l->key_id))) {
        if (is_scope_part(key_id, l->key_id)) {
            memcpy(c->key_id, key_id, l->key_id + 1);
            c->key_id_len = l->key_id;
        } else {
            rc = -1;
        }
    }
    if (rc == 0) {
        if (head && (!c->sts_valid || !same_short(c->sts_head, head, sizeof c->sts_head))) {
            c->sts_mid = c->hmac.inner;
            awsc_sha256_mid_absorb(&c->sts_mid, head, 1);
            memcpy(c->sts_head, head, sizeof c->sts_head);
            c->sts_valid = true;
        }
        k->inner = head ? c->sts_mid : c->hmac.inner;
        k->outer = c->hmac.outer;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* ---- signing ------------------------------------------------------------- */

/*
 * The request's checks, and the scope parts' lengths into `l`. With `deferred` (SigV4 with a key
 * cache) the scope parts' characters are left to get_key, which checks them once per cache entry;
 * their lengths are checked here all the same, before anything is written with them.
 */
static bool valid_request(const awsc_sigv4_params *p, const awsc_sigv4_request *req, bool deferred, scope_lens *l)
{
    const awsc_sigv4_credentials *cr = &p->creds;
    const size_t region_max = sizeof ((awsc_sigv4_key_cache *)0)->region - 1;
    const size_t service_max = sizeof ((awsc_sigv4_key_cache *)0)->service - 1;
    if (!cr->access_key_id || !p->service || (!p->region_set && !p->region))
        return false;
    /* Bounded: a longer one is refused without being read to its end. */
    l->key_id = strnlen(cr->access_key_id, 129);
    l->region = p->region_set ? 0 : strnlen(p->region, region_max + 1);
    l->service = strnlen(p->service, service_max + 1);
    if (l->key_id == 0 || l->key_id > 128 || (!p->region_set && (l->region == 0 || l->region > region_max)) ||
        l->service == 0 || l->service > service_max)
        return false;
    if (!deferred && (!is_scope_part(cr->access_key_id, l->key_id) ||
                      (!p->region_set && !is_scope_part(p->region, l->region)) || !is_scope_part(p->service, l->service)))
        return false;
    if (!cr->secret_access_key || !*cr->secret_access_key ||
        (p->region_set && (!p->sigv4a || !p->sigv4a->sign || !*p->region_set || !is_header_value(p->region_set))) ||
        p->time < 0 || p->time > MAX_SIGNING_TIME)
        return false;
    if (cr->session_token && (!*cr->session_token || !is_header_value(cr->session_token)))
        return false;
    if (!is_token(req->method) || !req->path || (!req->payload && req->payload_len) ||
        (!req->headers && req->header_count) || req->header_count > SIZE_MAX / sizeof(awsc_header) - 2)
        return false;
    /* The signer's own headers among the caller's are refused by sort_headers, which lower-cases the names. */
    return true;
}

static bool format_amz_date(int64_t t, char out[17])
{
    /* A thread signs many requests in one second: the last second's text is kept (a cache,
     * not state: the result depends on `t` alone). */
    static _Thread_local struct {
        int64_t t;
        char text[17];
    } last = {-1, ""};
    if (SIGV4_FAST && t == last.t) { /* -Os: no cache, the same text */
        memcpy(out, last.text, 17);
        return true;
    }
    int64_t secs = t % 86400, y;
    unsigned m, d; /* the years 1970..9999 checked by the caller */
    awsc_time_civil_from_days(t / 86400, &y, &m, &d);
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
    if (SIGV4_FAST) {
        memcpy(last.text, out, 17);
        last.t = t;
    }
    return true;
}

static char *put(char *o, const char *s, size_t n)
{
    awsc_copy_short(o, s, n);
    return o + n;
}

/* `v` (>= 0) in decimal with its NUL; `out` holds 21 bytes. */
static void put_decimal_text(char *out, int64_t v)
{
    char digits[20];
    int d = 0;
    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (d)
        *out++ = digits[--d];
    *out = '\0';
}

/*
 * The canonical request, hashed as it is written, in two steps so the caller can write other
 * things while its first blocks hash: method \n path \n query \n header block \n, then signed
 * names \n payload hash. `keep` also receives its text (NULL: not kept).
 */
static int creq_begin(creq_writer *w, const awsc_sigv4_params *p, const awsc_sigv4_request *req,
                      const sorted_headers *s, awsc_buf *keep)
{
    writer_init(w, keep, true);
    if (SIGV4_FAST && !req->payload_hash) { /* -Os: the payload is hashed on its own, in creq_end */
        w->with_payload = true;
        w->payload = req->payload;
        w->payload_len = req->payload_len;
    }
    w_put(w, req->method, strlen(req->method));
    w_putc(w, '\n');
    if (put_canonical_path(w, req->path, p->normalize_path, p->double_encode_path) != 0)
        return -1;
    w_putc(w, '\n');
    if (req->query && *req->query) {
        awsc_buf q = AWSC_BUF_INIT;
        int rc = awsc_sigv4_canonical_query(&q, req->query);
        if (rc == 0)
            w_put(w, q.data, q.len);
        awsc_buf_free(&q);
        if (rc != 0)
            return -1;
    }
    w_putc(w, '\n');
    w_eager(w);
    if (put_header_block(w, s) != 0)
        return -1;
    w_putc(w, '\n');
    return 0;
}

static int creq_end(creq_writer *w, const awsc_sigv4_request *req, const char *signed_names, size_t signed_len,
                    uint8_t hash[32])
{
    w_put(w, signed_names, signed_len);
    w_putc(w, '\n');
    w_eager(w);
    if (req->payload_hash) { /* hashed by the caller (a streamed body) or UNSIGNED-PAYLOAD */
        w_put(w, req->payload_hash, strlen(req->payload_hash));
    } else {
        /* Its blocks went with the canonical request's (a short request may have had none yet). */
        uint8_t ph[32];
#if SIGV4_FAST
        if (!w->job_started) {
            awsc_sha256_job_init(&w->job, w->payload, w->payload_len);
            w->job_started = true;
        }
        awsc_sha256_job_final(&w->job, ph);
#else
        awsc_sha256(req->payload, req->payload_len, ph);
#endif
        char *o = w_room(w, 65);
        awsc_hex(ph, sizeof ph, o); /* its NUL lands in the stage, past what is committed */
        w_commit(w, 64);
    }
    w_final(w, hash);
    return w->failed ? -1 : 0;
}

static int hash_canonical_request(const awsc_sigv4_params *p, const awsc_sigv4_request *req, const sorted_headers *s,
                                  const char *signed_names, awsc_buf *keep, uint8_t hash[32])
{
    creq_writer w;
    if (creq_begin(&w, p, req, s, keep) != 0)
        return -1;
    return creq_end(&w, req, signed_names, s->signed_len, hash);
}

/* The credential scope: date/region/service/aws4_request (SigV4a: no region, the region set is sent apart). */
static size_t put_scope(const awsc_sigv4_params *p, const scope_lens *l, const char *date, char *scope)
{
    char *o = put(scope, date, 8);
    *o++ = '/';
    if (!p->region_set) {
        o = put(o, p->region, l->region);
        *o++ = '/';
    }
    o = put(o, p->service, l->service);
    o = put(o, "/aws4_request", 13);
    *o = '\0';
    return (size_t)(o - scope);
}

/* A string to sign: algorithm and time (40), scope (149 at most), the hash (64), padded in place. */
#define STS_CAP 384

/* The string to sign up to the canonical request's hash: algorithm \n time \n scope \n; its length. */
static size_t put_sts_prefix(const awsc_sigv4_params *p, const char *amz_date, const char *scope, size_t scope_len,
                             char *sts)
{
    char *o = p->region_set ? put(sts, "AWS4-ECDSA-P256-SHA256\n", 23) : put(sts, "AWS4-HMAC-SHA256\n", 17);
    o = put(o, amz_date, 16);
    *o++ = '\n';
    o = put(o, scope, scope_len);
    *o++ = '\n';
    return (size_t)(o - sts);
}

/*
 * Signs the string to sign (`sts`, `prefix` bytes of it written; the hash's hex goes after them)
 * into `sig_hex` (hex and its NUL, at most `cap` bytes). `head`: k->inner absorbed its first 64
 * bytes. *sts_len gets the string's length (it has no NUL: its padding follows it). Returns
 * the signature's length, or 0 when signing failed.
 */
static size_t sign_sts(const awsc_sigv4_params *p, const signing_key *k, bool head, const uint8_t hash[32], char *sts,
                       size_t prefix, size_t *sts_len, char *sig_hex, size_t cap)
{
    awsc_hex(hash, 32, sts + prefix);
    size_t len = prefix + 64;
    *sts_len = len;
    if (p->region_set) {
        uint8_t digest[32];
        awsc_sha256(sts, len, digest);
        int hl = p->sigv4a->sign(p->creds.access_key_id, p->creds.secret_access_key, digest, sig_hex, cap);
        if (hl <= 0 || (size_t)hl >= cap)
            return 0;
        return (size_t)hl;
    }
    uint8_t sig[32];
    size_t skip = head ? 64 : 0;
    awsc_hmac_mids_inplace(&k->inner, &k->outer, (uint8_t *)sts + skip, len - skip, sig);
    awsc_hex(sig, sizeof sig, sig_hex);
    return 64;
}

/* For presigning: the scope, the string to sign's first part and the day's key. */
static int sign_setup(const awsc_sigv4_params *p, awsc_sigv4_key_cache *cache, const scope_lens *l,
                      const char *amz_date, char *scope, size_t *scope_len, char *sts, size_t *prefix, bool *head,
                      signing_key *k)
{
    char date[9];
    memcpy(date, amz_date, 8);
    date[8] = '\0';
    *scope_len = put_scope(p, l, date, scope);
    *prefix = put_sts_prefix(p, amz_date, scope, *scope_len, sts);
    *head = SIGV4_FAST && !p->region_set && *prefix >= 64; /* -Os: no head kept, the same signature */
    if (p->region_set) {
        memset(k, 0, sizeof *k); /* SigV4a signs with its own key */
        return 0;
    }
    return get_key(cache, p, l, date, *head ? sts : NULL, k);
}

int awsc_sigv4_sign(const awsc_sigv4_params *p, const awsc_sigv4_request *req,
                    awsc_sigv4_key_cache *cache, awsc_sigv4_result *out)
{
    if (!out)
        return -1;
    memset(out, 0, offsetof(awsc_sigv4_result, auth_inline));
    out->auth_inline[0] = '\0';
    scope_lens l;
    if (!p || !req || !valid_request(p, req, cache && !p->region_set, &l) || !format_amz_date(p->time, out->amz_date))
        return -1;

    /* What does not wait on the hash: the scope, the string to sign's first part. */
    char scope[160], sts[STS_CAP];
    size_t scope_len, prefix;
    bool head;
    signing_key k;
    char date[9];
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    scope_len = put_scope(p, &l, date, scope);
    prefix = put_sts_prefix(p, out->amz_date, scope, scope_len, sts);
    head = SIGV4_FAST && !p->region_set && prefix >= 64;
    memset(&k, 0, sizeof k); /* the key comes after the hash; wiped on every way out */

    /* X-Amz-Date and the session token are signed as if the caller had sent them already. */
    awsc_header stack_headers[32];
    awsc_header *all = req->header_count + 3 <= 32 ? stack_headers : malloc((req->header_count + 3) * sizeof *all);
    if (!all)
        return -1;
    size_t n = req->header_count;
    if (n)
        memcpy(all, req->headers, n * sizeof *all);
    all[n++] = (awsc_header){"X-Amz-Date", out->amz_date};
    if (p->creds.session_token && !p->omit_session_token)
        all[n++] = (awsc_header){"X-Amz-Security-Token", p->creds.session_token};
    if (p->region_set)
        all[n++] = (awsc_header){"X-Amz-Region-Set", p->region_set};

    sorted_headers sh;
    awsc_buf creq = AWSC_BUF_INIT;
    uint8_t hash[32];
    int rc = -1;
    creq_writer w;
    if (sort_headers(&sh, all, n, req->header_count, p) != 0)
        goto done;

    /* Authorization: in the result itself when it fits (it nearly always does), else on the heap. */
    const char *algorithm = p->region_set ? "AWS4-ECDSA-P256-SHA256" : "AWS4-HMAC-SHA256";
    size_t al = p->region_set ? 22 : 16;
    size_t sig_max = p->region_set ? sizeof out->signature - 1 : 64;
    size_t auth_len = al + 12 + l.key_id + 1 + scope_len + 16 + sh.signed_len + 12 + sig_max;
    char *auth = auth_len < sizeof out->auth_inline ? out->auth_inline : malloc(auth_len + 1);
    if (!auth)
        goto done;
    out->authorization = auth; /* freed with the result if signing fails */
    if (creq_begin(&w, p, req, &sh, p->skip_intermediate ? NULL : &creq) != 0)
        goto done;
    /* The value up to the signature while the canonical request's first blocks hash; the signed
     * names are written once, here, and the canonical request takes them from it. */
    char *o = put(auth, algorithm, al);
    o = put(o, " Credential=", 12);
    o = put(o, p->creds.access_key_id, l.key_id);
    *o++ = '/';
    o = put(o, scope, scope_len);
    o = put(o, ", SignedHeaders=", 16);
    char *names = o;
    put_signed_names(names, &sh);
    o = put(o + sh.signed_len, ", Signature=", 12);
    if (creq_end(&w, req, names, sh.signed_len, hash) != 0)
        goto done;
    /* The key once the canonical request is hashed, not before: taking the lock waits for every
     * store before it (the hash's too), and at the start it held up all that follows. */
    if (!p->region_set && get_key(cache, p, &l, date, head ? sts : NULL, &k) != 0)
        goto done;
    size_t sts_len, sig_len = sign_sts(p, &k, head, hash, sts, prefix, &sts_len, o, sig_max + 1);
    if (!sig_len)
        goto done;
    memcpy(out->signature, o, sig_len + 1);
    rc = 0;
    if (!p->skip_intermediate) {
        out->canonical_request = awsc_buf_take(&creq);
        out->string_to_sign = awsc_strndup(sts, sts_len);
        rc = out->canonical_request && out->string_to_sign ? 0 : -1;
    }
done:
    OPENSSL_cleanse(&k, sizeof k);
    if (all != stack_headers)
        free(all);
    sorted_headers_free(&sh);
    awsc_buf_free(&creq);
    if (rc != 0)
        awsc_sigv4_result_free(out);
    return rc;
}

static bool put_param(awsc_buf *q, const char *name, const char *value, size_t len)
{
    return awsc_buf_putc(q, '&') == 0 && awsc_buf_puts(q, name) == 0 && awsc_buf_putc(q, '=') == 0 &&
           awsc_uri_encode(q, value, len, false) == 0;
}

int awsc_sigv4_presign(const awsc_sigv4_params *p, const awsc_sigv4_request *req, int64_t expires,
                       awsc_sigv4_key_cache *cache, awsc_buf *query, awsc_sigv4_result *out)
{
    if (!out || !query)
        return -1;
    memset(out, 0, offsetof(awsc_sigv4_result, auth_inline));
    out->auth_inline[0] = '\0';
    scope_lens l;
    if (!p || !req || expires < 1 || expires > AWSC_SIGV4_MAX_EXPIRES ||
        !valid_request(p, req, cache && !p->region_set, &l) || !format_amz_date(p->time, out->amz_date))
        return -1;
    char scope[160], credential[300], expires_text[24], sts[STS_CAP];
    size_t scope_len, prefix;
    bool head;
    signing_key k;
    if (sign_setup(p, cache, &l, out->amz_date, scope, &scope_len, sts, &prefix, &head, &k) != 0)
        return -1;

    sorted_headers sh;
    awsc_buf creq = AWSC_BUF_INIT;
    char sn_stack[512], *signed_names = sn_stack;
    uint8_t hash[32];
    size_t mark = query->len;
    int rc = -1;
    if (sort_headers(&sh, req->headers, req->header_count, req->header_count, p) != 0 ||
        (sh.signed_len > sizeof sn_stack && !(signed_names = malloc(sh.signed_len))))
        goto done;
    put_signed_names(signed_names, &sh);

    /* The operation's own parameters, then the authentication parameters, all of them signed. */
    size_t sig_len = 0, sts_len = 0;
    char *o = put(credential, p->creds.access_key_id, l.key_id); /* at most 128: checked */
    *o++ = '/';
    put(o, scope, scope_len + 1);
    put_decimal_text(expires_text, expires);
    const char *algorithm = p->region_set ? "AWS4-ECDSA-P256-SHA256" : "AWS4-HMAC-SHA256";
    const char *token = p->creds.session_token;
    bool has_query = req->query && *req->query;
    if (awsc_buf_puts(query, has_query ? req->query : "") != 0 ||
        !put_param(query, "X-Amz-Algorithm", algorithm, strlen(algorithm)) ||
        !put_param(query, "X-Amz-Credential", credential, strlen(credential)) ||
        !put_param(query, "X-Amz-Date", out->amz_date, 16) ||
        !put_param(query, "X-Amz-Expires", expires_text, strlen(expires_text)) ||
        !put_param(query, "X-Amz-SignedHeaders", signed_names, sh.signed_len) ||
        (token && !p->omit_session_token && !put_param(query, "X-Amz-Security-Token", token, strlen(token))) ||
        (p->region_set && !put_param(query, "X-Amz-Region-Set", p->region_set, strlen(p->region_set))))
        goto done;
    if (!has_query) { /* no operation parameters: drop the separator in front of the first one */
        memmove(query->data + mark, query->data + mark + 1, query->len - mark); /* its NUL too */
        query->len--;
    }

    awsc_sigv4_request qreq = *req;
    qreq.query = query->data + mark;
    if (hash_canonical_request(p, &qreq, &sh, signed_names, p->skip_intermediate ? NULL : &creq, hash) != 0 ||
        !(sig_len = sign_sts(p, &k, head, hash, sts, prefix, &sts_len, out->signature, sizeof out->signature)) ||
        !put_param(query, "X-Amz-Signature", out->signature, sig_len) ||
        (token && p->omit_session_token && !put_param(query, "X-Amz-Security-Token", token, strlen(token))))
        goto done;
    rc = 0;
    if (!p->skip_intermediate) {
        out->canonical_request = awsc_buf_take(&creq);
        out->string_to_sign = awsc_strndup(sts, sts_len);
        rc = out->canonical_request && out->string_to_sign ? 0 : -1;
    }
done:
    OPENSSL_cleanse(&k, sizeof k);
    sorted_headers_free(&sh);
    if (signed_names != sn_stack)
        free(signed_names);
    awsc_buf_free(&creq);
    if (rc != 0) {
        truncate_buf(query, mark);
        awsc_sigv4_result_free(out);
    }
    return rc;
}

void awsc_sigv4_result_free(awsc_sigv4_result *r)
{
    if (!r)
        return;
    if (r->authorization != r->auth_inline)
        free(r->authorization);
    free(r->canonical_request);
    free(r->string_to_sign);
    memset(r, 0, offsetof(awsc_sigv4_result, auth_inline));
    r->auth_inline[0] = '\0';
}
