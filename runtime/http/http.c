#include "http/http.h"

#include "util/copy.h"
#include "util/error.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
#include <emmintrin.h>
#endif

#define AWSC_HTTP_DEFAULT_CONNECT_MS 3000L
#define AWSC_HTTP_DEFAULT_REQUEST_MS 30000L
#define AWSC_HTTP_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)
/* libcurl's buffer for a body read through a callback (see CURLOPT_UPLOAD_BUFFERSIZE below) */
#define UPLOAD_BUFFER (256L * 1024)

extern char **environ; /* POSIX: awsc_http_env_proxy walks it */

struct awsc_http {
    CURL *curl;            /* reused so its connection cache keeps connections alive */
    struct awsc_http_exchange *sync; /* the blocking path's exchange on `curl`, reused call after call */
    pthread_mutex_t lock;  /* one transfer at a time per easy handle */
    char *ca_file;
    char *ca_path;
    char *cert_file; /* client certificate for mutual TLS, or NULL */
    char *key_file;
    long connect_timeout_ms;
    long request_timeout_ms;
    size_t max_response_bytes;
};

/* ---- process-wide libcurl initialisation ---------------------------------- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/*
 * libcurl's memory comes from awsc_cleansing_malloc: every block it frees is cleansed first. Its
 * request buffer holds the X-Amz-Security-Token and Authorization lines, its receive buffers the
 * credentials a response carries; freed as they were, they lingered in the heap.
 */
static void *mem_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = awsc_cleansing_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

static char *mem_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = awsc_cleansing_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static void global_init_once(void)
{
    /* When the program initialised libcurl first, its allocator stays (curl keeps the first). */
    global_rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, awsc_cleansing_malloc, awsc_cleansing_free,
                                     awsc_cleansing_realloc, mem_strdup, mem_calloc);
}

int awsc_http_global_init(void)
{
    if (pthread_once(&global_once, global_init_once) != 0)
        return -1;
    return global_rc == CURLE_OK ? 0 : -1;
}

const char *awsc_http_env_proxy(const char *url)
{
    /* strncasecmp(url, "http://", 7) spelt out: | 0x20 folds only H, T and P onto h, t and p here. */
    if ((url[0] | 0x20) != 'h' || (url[1] | 0x20) != 't' || (url[2] | 0x20) != 't' || (url[3] | 0x20) != 'p' ||
        url[4] != ':' || url[5] != '/' || url[6] != '/')
        return NULL;
    /*
     * Every call asks: one walk of the environment for the three names instead of three
     * getenv walks. The first entry of a name counts, as with getenv.
     */
    const char *upper = NULL;
    bool upper_seen = false;
    char **e = environ;
    if (!e)
        return NULL;
    /* The first byte of an entry, through a table: one load and one branch for most names. */
#if defined(__OPTIMIZE_SIZE__)
#define FIRST(c) ((c) == 'h' || (c) == 'H' || (c) == 'R') /* -Os: the compares, not the table */
#else
    static const bool first[256] = {['h'] = true, ['H'] = true, ['R'] = true};
#define FIRST(c) first[(unsigned char)(c)]
#endif
    for (const char *v; (v = *e) != NULL; e++) {
        if (!FIRST(v[0]))
            continue;
        if (v[0] == 'h' && v[1] == 't' && strncmp(v, "http_proxy=", 11) == 0)
            return NULL;
        if (v[0] == 'R' && v[1] == 'E' && strncmp(v, "REQUEST_METHOD=", 15) == 0)
            return NULL;
        if (!upper_seen && v[0] == 'H' && v[1] == 'T' && strncmp(v, "HTTP_PROXY=", 11) == 0) {
            upper = v + 11;
            upper_seen = true;
        }
    }
#undef FIRST
    return upper && *upper ? upper : NULL;
}

/* ---- handle lifetime -------------------------------------------------------- */

awsc_http *awsc_http_new(const awsc_http_options *opts)
{
    awsc_http_options none = {0};
    if (!opts)
        opts = &none;
    if (opts->connect_timeout_ms < 0 || opts->request_timeout_ms < 0)
        return NULL;
    if (awsc_http_global_init() != 0)
        return NULL;

    awsc_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->connect_timeout_ms = opts->connect_timeout_ms ? opts->connect_timeout_ms : AWSC_HTTP_DEFAULT_CONNECT_MS;
    h->request_timeout_ms = opts->request_timeout_ms ? opts->request_timeout_ms : AWSC_HTTP_DEFAULT_REQUEST_MS;
    h->max_response_bytes = opts->max_response_bytes ? opts->max_response_bytes : AWSC_HTTP_DEFAULT_MAX_BYTES;
    h->ca_file = awsc_strdup(opts->ca_file);
    h->ca_path = awsc_strdup(opts->ca_path);
    h->cert_file = awsc_strdup(opts->cert_file);
    h->key_file = awsc_strdup(opts->key_file);
    if ((opts->ca_file && !h->ca_file) || (opts->ca_path && !h->ca_path) || (opts->cert_file && !h->cert_file) ||
        (opts->key_file && !h->key_file))
        goto fail;
    if (pthread_mutex_init(&h->lock, NULL) != 0)
        goto fail;
    h->curl = curl_easy_init();
    if (!h->curl) {
        pthread_mutex_destroy(&h->lock);
        goto fail;
    }
    return h;
fail:
    free(h->ca_file);
    free(h->ca_path);
    free(h->cert_file);
    free(h->key_file);
    free(h);
    return NULL;
}

void awsc_http_free(awsc_http *h)
{
    if (!h)
        return;
    awsc_http_exchange_free(h->sync); /* not its easy handle: that is h->curl */
    curl_easy_cleanup(h->curl);
    pthread_mutex_destroy(&h->lock);
    free(h->ca_file);
    free(h->ca_path);
    free(h->cert_file);
    free(h->key_file);
    free(h);
}

void awsc_http_response_free(awsc_http_response *resp)
{
    if (!resp)
        return;
    free(resp->headers);
    awsc_buf_free(&resp->header_text);
    awsc_buf_free(&resp->body);
    resp->headers = NULL;
    resp->header_count = 0;
    resp->header_cap = 0;
    resp->status = 0;
}

void awsc_http_response_reset(awsc_http_response *resp)
{
    if (!resp)
        return;
    resp->status = 0;
    resp->header_count = 0;
    resp->header_text.len = 0;
    if (resp->header_text.data)
        resp->header_text.data[0] = '\0';
    resp->body.len = 0;
    if (resp->body.data)
        resp->body.data[0] = '\0';
    resp->timed_out = false;
    resp->final_failure = false;
}

const char *awsc_http_response_header(const awsc_http_response *resp, const char *name)
{
    if (!resp || !name)
        return NULL;
    for (size_t i = 0; i < resp->header_count; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* ---- response callbacks ------------------------------------------------------ */

typedef struct transfer {
    awsc_http_response *resp;
    size_t max_bytes;
    size_t header_bytes;
    bool too_large;
    bool nomem;
    const awsc_http_request *req;
    CURL *curl;
    bool read_failed;
    bool sink_aborted;
    bool headers_done; /* the blank line after the final response's headers arrived */
    bool read_paused;  /* body_read had nothing to send: the upload waits for resume() */
    bool refused_whole; /* a pausing upload's error response arrived whole: the transfer was stopped */
    struct timespec paused_at;
} transfer;

/*
 * Asks a paused body_read again: an answer may be what it was waiting for. False when it failed
 * then: libcurl ignores an abort from a read inside curl_easy_pause, so the caller aborts instead.
 */
static bool resume(transfer *t)
{
    if (t->read_paused) {
        t->read_paused = false;
        curl_easy_pause(t->curl, CURLPAUSE_CONT);
    }
    return !t->read_failed;
}

/* A paused upload asked again at once would spin while the caller has nothing: 200 ms apart at most. */
static bool paused_recently(const transfer *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long waited_ms = (now.tv_sec - t->paused_at.tv_sec) * 1000 + (now.tv_nsec - t->paused_at.tv_nsec) / 1000000;
    return t->read_paused && waited_ms < 200;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    transfer *t = userdata;
    if (paused_recently(t)) /* libcurl calls this on every turn of its loop */
        return 0;
    return resume(t) ? 0 : 1;
}

/* An error response (not 2xx) whose body has all its Content-Length. */
static bool refused_whole(const transfer *t)
{
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status <= 299)
        return false;
    const char *len = awsc_http_response_header(t->resp, "Content-Length");
    char *end;
    unsigned long long n = len && *len ? strtoull(len, &end, 10) : 0;
    return len && *len && *end == '\0' && t->resp->body.len >= n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (t->req->sink) {
        /* Only a successful body streams out; an error body is kept to be parsed. */
        long status = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status <= 299) {
            if (t->req->sink(t->req->sink_user, (const uint8_t *)data, n) != 0) {
                t->sink_aborted = true;
                return 0;
            }
            return resume(t) ? n : 0;
        }
    }
    /* The buffer grows as data arrives: a server's Content-Length reserves nothing up front. */
    if (n > t->max_bytes - t->resp->body.len) {
        t->too_large = true;
        return 0; /* anything but n aborts the transfer */
    }
    if (awsc_buf_append(&t->resp->body, data, n) != 0) {
        t->nomem = true;
        return 0;
    }
    if (t->req->body_read_pauses && refused_whole(t)) {
        /*
         * An event stream refused (a wrong signature): its answer is all here, and libcurl before
         * 8.11 would wait for the rest of the upload on an HTTP/2 stream the server has ended
         * (curl issues #10433, #15316). Stopped here; exchange_finish reads it as the response.
         */
        t->refused_whole = true;
        return 0;
    }
    resume(t); /* a paused upload learns of the refusal (on_read) */
    return n;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* After header_text moved (it grew), points the headers at their new place: "name\0value\0" in order. */
static void repoint_headers(awsc_http_response *resp)
{
    const char *p = resp->header_text.data;
    for (size_t i = 0; i < resp->header_count; i++) {
        resp->headers[i].name = p;
        p += strlen(p) + 1;
        resp->headers[i].value = p;
        p += strlen(p) + 1;
    }
}

/* Room for `need` more bytes in header_text, keeping the headers pointing into it if it moves. */
static int text_room(awsc_http_response *resp, size_t need)
{
    const char *before = resp->header_text.data;
    if (before && need <= resp->header_text.cap - resp->header_text.len - 1)
        return 0; /* the common case, every header line: room already */
    /* A typical header block at once, instead of doubling up to it from 64 bytes. */
    if (awsc_buf_reserve(&resp->header_text, before || need > 1000 ? need : 1000) != 0)
        return -1;
    if (before && resp->header_text.data != before)
        repoint_headers(resp);
    return 0;
}

/* All headers' text lives in one growing block, reused across responses: no allocation per header. */
static int push_header(awsc_http_response *resp, const char *name, size_t name_len, const char *value,
                       size_t value_len)
{
    if (resp->header_count == resp->header_cap) {
        size_t cap = resp->header_cap ? resp->header_cap * 2 : 16;
        awsc_header *grown = realloc(resp->headers, cap * sizeof *grown);
        if (!grown)
            return -1;
        resp->headers = grown;
        resp->header_cap = cap;
    }
    if (name_len > SIZE_MAX / 4 || value_len > SIZE_MAX / 4 || text_room(resp, name_len + value_len + 2) != 0)
        return -1;
    awsc_buf *t = &resp->header_text;
    char *at = t->data + t->len; /* "name" NUL "value" NUL, both NULs part of the text */
    memcpy(at, name, name_len);
    at[name_len] = '\0';
    memcpy(at + name_len + 1, value, value_len);
    at[name_len + 1 + value_len] = '\0';
    t->len += name_len + value_len + 2;
    t->data[t->len] = '\0';
    resp->headers[resp->header_count].name = at;
    resp->headers[resp->header_count].value = at + name_len + 1;
    resp->header_count++;
    return 0;
}

static void drop_headers(awsc_http_response *resp)
{
    resp->header_count = 0;
    resp->header_text.len = 0;
}

/* Adds "name: value" to the response; malformed lines are skipped, not fatal. */
static int add_header_line(awsc_http_response *resp, const char *line, size_t len)
{
    if (len >= 2 && line[len - 1] == '\n' && line[len - 2] == '\r') /* how every line ends: one compare, not a loop turn a byte */
        len -= 2;
    while (len > 0 && is_ows(line[len - 1]))
        len--;
    if (len == 0 || memchr(line, '\0', len))
        return 0;
    /* obs-fold continuation: extend the previous value, which ends the header text. */
    if (line[0] == ' ' || line[0] == '\t') {
        if (resp->header_count == 0)
            return 0;
        while (len > 0 && is_ows(*line))
            line++, len--;
        if (len > SIZE_MAX / 2 || text_room(resp, len + 1) != 0)
            return -1;
        awsc_buf *t = &resp->header_text;
        char *at = t->data + t->len - 1; /* over the value's NUL */
        at[0] = ' ';
        memcpy(at + 1, line, len);
        at[len + 1] = '\0';
        t->len += len + 1;
        t->data[t->len] = '\0';
        return 0;
    }
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return 0;
    size_t name_len = (size_t)(colon - line);
    while (name_len > 0 && is_ows(line[name_len - 1]))
        name_len--;
    if (name_len == 0)
        return 0;
    const char *value = colon + 1;
    size_t value_len = len - (size_t)(value - line);
    while (value_len > 0 && is_ows(*value))
        value++, value_len--;
    return push_header(resp, line, name_len, value, value_len);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    t->header_bytes += n;
    if (t->header_bytes > t->max_bytes) {
        t->too_large = true;
        return 0;
    }
    /* A status line starts a new response (after 1xx): keep only the final one's headers. */
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        t->headers_done = false;
        drop_headers(t->resp);
        return n;
    }
    if (n <= 2 && (n == 0 || data[0] == '\r' || data[0] == '\n'))
        t->headers_done = true;
    if (add_header_line(t->resp, data, n) != 0) {
        t->nomem = true;
        return 0;
    }
    return n;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *userdata)
{
    transfer *t = userdata;
    /* A pausing upload (an event stream) the server already refused ends: the refusal is the answer. */
    long status = 0;
    if (t->req->body_read_pauses && t->headers_done &&
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status > 299)
        return 0;
    long n = t->req->body_read(t->req->body_read_user, (uint8_t *)buf, size * nitems);
    if (n == AWSC_HTTP_READ_PAUSE && t->req->body_read_pauses) {
        t->read_paused = true;
        clock_gettime(CLOCK_MONOTONIC, &t->paused_at);
        return CURL_READFUNC_PAUSE;
    }
    if (n < 0 || (size_t)n > size * nitems) {
        t->read_failed = true;
        return CURL_READFUNC_ABORT;
    }
    return (size_t)n;
}

/* ---- request validation -------------------------------------------------------- */

/* What validate refuses, by the kind of text: a method or URL, a header name, a header value. */
enum { TEXT_TOKEN, TEXT_NAME, TEXT_VALUE };

/* Spaces or control characters are never valid in a method, URL or header name, nor ':' in a
 * name; a header value may hold tab but no other control character (RFC 9110), nor DEL. */
static bool bad_byte(unsigned char c, int kind)
{
    if (kind == TEXT_VALUE)
        return (c < 0x20 && c != '\t') || c == 0x7f;
    return c <= ' ' || c == 0x7f || (kind == TEXT_NAME && c == ':');
}

/*
 * Whether s[0..n) holds a byte validate refuses. Headers are checked on every call, so the
 * check goes a block at a time and the byte loop runs only for a flagged block (a candidate: a
 * value's tab is flagged too, and bad_byte decides) or a string shorter than a block.
 */
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
/* The lanes of x holding a byte below `lim` + 1, DEL or `ext`, as movemask bits. */
static int block_flags(__m128i x, __m128i lim, __m128i del, __m128i ext)
{
    __m128i bad = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
                               _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, ext)));
    return _mm_movemask_epi8(bad);
}

/*
 * Sixteen bytes a compare; the last block overlaps the one before it, and a string of 4 to 15
 * bytes is two overlapping loads in one register (its first and last 4 or 8 bytes), so no byte
 * beyond the string is read and no tail is walked a byte at a time.
 */
static bool has_bad(const char *s, size_t n, int kind)
{
    unsigned char below = kind == TEXT_VALUE ? 0x20 : 0x21, extra = kind == TEXT_NAME ? ':' : 0x7f;
    const __m128i lim = _mm_set1_epi8((char)(below - 1)), del = _mm_set1_epi8(0x7f), ext = _mm_set1_epi8((char)extra);
    int flags;
    if (n >= 16) {
        flags = 0;
        for (size_t i = 0; !flags && n - i > 16; i += 16)
            flags = block_flags(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), lim, del, ext);
        if (!flags)
            flags = block_flags(_mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)), lim, del, ext);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        flags = block_flags(_mm_set_epi64x((long long)b, (long long)a), lim, del, ext);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        /* the upper eight lanes are zeros, which would be flagged: only the low eight count */
        flags = block_flags(_mm_set_epi32(0, 0, (int)b, (int)a), lim, del, ext) & 0xff;
    } else {
        flags = 1; /* one to three bytes: the byte loop */
    }
    if (!flags)
        return false;
    for (size_t i = 0; i < n; i++)
        if (bad_byte((unsigned char)s[i], kind))
            return true;
    return false;
}
#else
/* Whether an 8-byte word may hold a bad byte: one below `below`, DEL or `extra` (a candidate
 * only: a value's tab is flagged too, and bad_byte decides). */
static bool word_flagged(uint64_t x, uint64_t below, unsigned char extra)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t d = x ^ (ones * 0x7f), e = x ^ (ones * extra);
    return ((((x - ones * below) & ~x) | ((d - ones) & ~d) | ((e - ones) & ~e)) & highs) != 0;
}

/* Eight bytes at a time while none is a candidate, and the last few as one overlapping word. */
static bool has_bad(const char *s, size_t n, int kind)
{
    unsigned char below = kind == TEXT_VALUE ? 0x20 : 0x21, extra = kind == TEXT_NAME ? ':' : 0x7f;
    size_t i = 0;
    bool flagged = false;
#if defined(__OPTIMIZE_SIZE__)
    flagged = true; /* -Os: the byte loop alone, which decides the same */
#endif
    for (; !flagged && n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (word_flagged(x, below, extra)) {
            flagged = true; /* the byte loop takes it from this word */
            break;
        }
    }
    if (!flagged && i < n && n >= 8) {
        uint64_t x;
        memcpy(&x, s + n - 8, 8); /* the tail, overlapping bytes already checked */
        if (!word_flagged(x, below, extra))
            return false;
    }
    for (; i < n; i++)
        if (bad_byte((unsigned char)s[i], kind))
            return true;
    return false;
}
#endif

/* The lengths of a request's first headers' names and values, [2i] and [2i + 1]: validate
 * measures them, build_headers uses them (rather than measuring every header again). */
enum { KEPT_LENS = 32 };

static int validate(const awsc_http_request *req, awsc_error *err, size_t lens[2 * KEPT_LENS])
{
    if (!req->method || !*req->method || has_bad(req->method, strlen(req->method), TEXT_TOKEN))
        return awsc_error_set(err, AWSC_E_TRANSPORT, "invalid HTTP method");
    if (!req->url || !*req->url || has_bad(req->url, strlen(req->url), TEXT_TOKEN))
        return awsc_error_set(err, AWSC_E_TRANSPORT, "invalid URL (empty, or contains spaces or control characters)");
    if (req->header_count && !req->headers)
        return awsc_error_set(err, AWSC_E_TRANSPORT, "header_count is %zu but headers is NULL", req->header_count);
    if (req->body_len && !req->body)
        return awsc_error_set(err, AWSC_E_TRANSPORT, "body_len is %zu but body is NULL", req->body_len);
    const size_t *given = req->header_lens;
    for (size_t i = 0; i < req->header_count; i++) {
        const awsc_header *hd = &req->headers[i];
        /* A given length counts when the NUL is there (has_bad refuses any NUL before it), else strlen. */
        size_t nl = given ? given[2 * i] : 0, vl = given ? given[2 * i + 1] : 0;
        if (hd->name && !(nl && !hd->name[nl]))
            nl = strlen(hd->name);
        if (!hd->name || !nl || has_bad(hd->name, nl, TEXT_NAME))
            return awsc_error_set(err, AWSC_E_TRANSPORT, "invalid HTTP header name at index %zu", i);
        if (hd->value && !(vl && !hd->value[vl]))
            vl = strlen(hd->value);
        if (!hd->value || has_bad(hd->value, vl, TEXT_VALUE))
            return awsc_error_set(err, AWSC_E_TRANSPORT, "invalid value for HTTP header '%s' (NULL, or a control character)",
                                  hd->name);
        if (i < KEPT_LENS) {
            lens[2 * i] = nl;
            lens[2 * i + 1] = vl;
        }
    }
    return AWSC_OK;
}

/* "scheme://user@host:port/path" -> "host:port", for error messages. */
static void url_host(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t len = strcspn(p, "/?#");
    const char *at = memchr(p, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (len >= cap)
        len = cap - 1;
    memcpy(out, p, len);
    out[len] = '\0';
}

/* Header lines for curl: one text block and a node array, kept and reused by an exchange. */
typedef struct header_lines {
    awsc_buf text;              /* "Name: value\0Name2;\0..." */
    struct curl_slist *nodes;   /* our own list nodes: curl only reads them */
    size_t cap;
} header_lines;

/* Our headers, plus empty entries that stop curl adding its own defaults. */
static int build_headers(const awsc_http_request *req, header_lines *hl, struct curl_slist **out,
                         const size_t lens[2 * KEPT_LENS])
{
    static const char *const suppressed[] = {"Expect:", "Accept:", "Content-Type:"};
    static const size_t suppressed_len[] = {7, 7, 13}; /* with the ':' */
    size_t count = req->header_count + 3;
    hl->text.len = 0;
    *out = NULL;
    if (count > hl->cap) {
        struct curl_slist *n = realloc(hl->nodes, count * sizeof *n);
        if (!n)
            return -1;
        hl->nodes = n;
        hl->cap = count;
    }
    /* Sized first, so the text never moves while the nodes are pointed into it. */
    size_t total = 0;
    for (size_t i = 0; i < req->header_count; i++)
        total += i < KEPT_LENS ? lens[2 * i] + lens[2 * i + 1] + 3
                               : strlen(req->headers[i].name) + strlen(req->headers[i].value) + 3;
    for (size_t i = 0; i < 3; i++)
        total += suppressed_len[i] + 1;
    if (awsc_buf_reserve(&hl->text, total) != 0)
        return -1;
    char *o = hl->text.data;
    size_t lines = 0;
    bool present[3] = {false, false, false};
    for (size_t i = 0; i < req->header_count; i++) {
        const char *name = req->headers[i].name, *value = req->headers[i].value;
        size_t nl = i < KEPT_LENS ? lens[2 * i] : strlen(name), vl = i < KEPT_LENS ? lens[2 * i + 1] : strlen(value);
        /* Is it one of the three? Its first letter rules out most names without a compare. */
        int j = (name[0] | 0x20) == 'e' ? 0 : (name[0] | 0x20) == 'a' ? 1 : (name[0] | 0x20) == 'c' ? 2 : -1;
        if (j >= 0 && nl == suppressed_len[j] - 1 && strncasecmp(name, suppressed[j], nl) == 0)
            present[j] = true;
        hl->nodes[lines].data = o;
        hl->nodes[lines].next = &hl->nodes[lines + 1]; /* the last one's is cleared below */
        lines++;
        awsc_copy_short(o, name, nl);
        o += nl;
        /* curl reads "Name:" (even with trailing blanks) as "remove Name"; "Name;" sends it empty. */
        size_t blank = 0;
        while (blank < vl && (value[blank] == ' ' || value[blank] == '\t'))
            blank++;
        if (blank == vl) {
            *o++ = ';';
        } else {
            *o++ = ':';
            *o++ = ' ';
            awsc_copy_short(o, value, vl);
            o += vl;
        }
        *o++ = '\0';
    }
    for (size_t i = 0; i < 3; i++) {
        if (present[i])
            continue;
        size_t n = suppressed_len[i] + 1; /* "Name:" and its NUL */
        hl->nodes[lines].data = o;
        hl->nodes[lines].next = &hl->nodes[lines + 1];
        lines++;
        memcpy(o, suppressed[i], n);
        o += n;
    }
    *o = '\0';
    hl->text.len = (size_t)(o - hl->text.data);
    if (lines)
        hl->nodes[lines - 1].next = NULL;
    *out = lines ? hl->nodes : NULL;
    return 0;
}

/* ---- sending ------------------------------------------------------------------- */

/* Every option is set; any refusal makes the whole setup fail (curl refuses only bad values). */
#define SET(opt, val) (refused += curl_easy_setopt(c, opt, val) != CURLE_OK)

/* What stays the same for every request on one easy handle: set once, not per call. */
static CURLcode set_fixed_options(awsc_http *h, CURL *c, transfer *t, char *errbuf)
{
    int refused = 0;
    SET(CURLOPT_PATH_AS_IS, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 added the string form and deprecated the bitmask */
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for timeouts: safe in threaded programs */
    SET(CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, h->request_timeout_ms);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2); /* a minimum: TLS 1.3 stays allowed */
    if (h->ca_file)
        SET(CURLOPT_CAINFO, h->ca_file);
    if (h->ca_path)
        SET(CURLOPT_CAPATH, h->ca_path);
    else if (h->ca_file)
        SET(CURLOPT_CAPATH, (char *)NULL); /* trust only the given bundle */
    if (h->cert_file) { /* mutual TLS: the device's X.509 identity */
        SET(CURLOPT_SSLCERT, h->cert_file);
        SET(CURLOPT_SSLCERTTYPE, "PEM");
        SET(CURLOPT_SSLKEY, h->key_file ? h->key_file : h->cert_file);
        SET(CURLOPT_SSLKEYTYPE, "PEM");
    }
    /* The exchange's own transfer state and error buffer: their addresses never change. */
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, t);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, t);
    SET(CURLOPT_READFUNCTION, on_read);
    SET(CURLOPT_READDATA, t);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, t);
    return refused ? CURLE_BAD_FUNCTION_ARGUMENT : CURLE_OK;
}

/*
 * A string option curl copies (URL, method) is set only when it changed: call after call to one
 * operation it does not, and each setting costs curl an allocation. `last` remembers the value set.
 */
static int set_string_once(CURL *c, CURLoption opt, const char *value, awsc_buf *last)
{
    size_t n = strlen(value);
    if (last->data && last->len == n && memcmp(last->data, value, n) == 0)
        return 0;
    last->len = 0;
    /*
     * (curl_easy_setopt): the function itself, not gcc's type-checking macro, which cannot check a
     * variable option and would compile in a warning stub for every option type.
     */
    if ((curl_easy_setopt)(c, opt, value) != CURLE_OK)
        return 1;
    if (awsc_buf_append(last, value, n) != 0)
        awsc_buf_free(last); /* nothing remembered: set again next time */
    return 0;
}

/*
 * The plain-value options an easy handle has now, as set_request_options last set them: one
 * the next request sets to the same value is not set again (curl only stores these).
 */
typedef struct kept_options {
    bool valid;
    curl_off_t max_file;
    struct curl_slist *headers;
    long version, noprogress;
    bool no_proxy_set; /* CURLOPT_PROXY is NULL (a proxy string is set every time) */
    bool post_fields;  /* the last request sent its body from memory (POSTFIELDS): HTTPGET is not needed */
    curl_off_t post_size;
} kept_options;

/* strcmp(s, lit) == 0 spelt out, for a literal: inlined, it is a few compares (the first one rules
 * out most), where each strcmp was a call; it stops at s's NUL, so a shorter s is not read past. */
static inline bool is_word(const char *s, const char *lit)
{
    size_t i = 0;
    for (; lit[i]; i++)
        if (s[i] != lit[i])
            return false;
    return s[i] == '\0';
}

/* SET, unless the handle has it already. */
#define SET_KEPT(opt, field, val)                                                                               \
    do {                                                                                                         \
        if (!kept->valid || kept->field != (val)) {                                                              \
            if (curl_easy_setopt(c, opt, val) != CURLE_OK)                                                       \
                refused++;                                                                                       \
            kept->field = (val);                                                                                 \
        }                                                                                                        \
    } while (0)

/* What each request sets: every option a previous request may have changed is set again. */
static CURLcode set_request_options(awsc_http *h, CURL *c, const awsc_http_request *req, struct curl_slist *headers,
                                    awsc_buf *last_url, awsc_buf *last_method, kept_options *kept)
{
    int refused = 0;
    refused += set_string_once(c, CURLOPT_URL, req->url, last_url);
    bool head = is_word(req->method, "HEAD");
    /*
     * A sink takes bodies of any size (0: no limit); a HEAD response has no body, though its
     * Content-Length (a large S3 object's) would trip libcurl's check.
     */
    SET_KEPT(CURLOPT_MAXFILESIZE_LARGE, max_file, (curl_off_t)(req->sink || head ? 0 : h->max_response_bytes));
    SET_KEPT(CURLOPT_HTTPHEADER, headers, headers);
    /*
     * HTTP/1.1 so the signed headers go on the wire exactly as given; HTTP/2 only where the model
     * asks for it (bidirectional event streams), with prior knowledge over plain http.
     */
    long version = !req->http2                        ? (long)CURL_HTTP_VERSION_1_1
                   : strncmp(req->url, "https:", 6) == 0 ? (long)CURL_HTTP_VERSION_2TLS
                                                       : (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    SET_KEPT(CURLOPT_HTTP_VERSION, version, version);
    /* The progress callback is the pausing upload's periodic resume; otherwise it costs a call per loop. */
    SET_KEPT(CURLOPT_NOPROGRESS, noprogress, req->body_read_pauses ? 0L : 1L);
    const char *proxy = awsc_http_env_proxy(req->url); /* NULL: libcurl's environment rules */
    if (proxy || !kept->valid || !kept->no_proxy_set) {
        SET(CURLOPT_PROXY, proxy);
        kept->no_proxy_set = !proxy;
    }
    bool bodyless = head || is_word(req->method, "GET") || is_word(req->method, "DELETE") ||
                    is_word(req->method, "OPTIONS");
    bool post_fields = !req->body_read && (req->body_len > 0 || !bodyless);
    /*
     * Back to a plain request: clears POST, UPLOAD and NOBODY from before. After a body from
     * memory, which left UPLOAD and NOBODY clear, the next one's POSTFIELDS sets all it needs.
     */
    if (!post_fields || !kept->valid || !kept->post_fields)
        SET(CURLOPT_HTTPGET, 1L);
    if (req->body_read) {
        /* UPLOAD reads through the callback; CUSTOMREQUEST below keeps the real method. */
        SET(CURLOPT_UPLOAD, 1L);
        SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_read_length);
        /*
         * Larger than libcurl's 64 KiB: an aws-chunked encoder frames whole 64 KiB chunks in
         * it, in place, and fewer larger sends move a large body faster.
         */
        SET(CURLOPT_UPLOAD_BUFFERSIZE, UPLOAD_BUFFER);
    } else if (post_fields) {
        /* An empty POST/PUT still gets "Content-Length: 0", which servers require. The size goes first:
         * setting it may drop the fields. */
        if (!kept->valid || !kept->post_fields || kept->post_size != (curl_off_t)req->body_len)
            SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        kept->post_size = (curl_off_t)req->body_len;
        SET(CURLOPT_POSTFIELDS, req->body_len ? (const char *)req->body : "");
    } else if (head) {
        SET(CURLOPT_NOBODY, 1L);
    }
    refused += set_string_once(c, CURLOPT_CUSTOMREQUEST, req->method, last_method);
    kept->post_fields = post_fields;
    kept->valid = refused == 0; /* after a refusal, everything is set again next time */
    return refused ? CURLE_BAD_FUNCTION_ARGUMENT : CURLE_OK;
}
#undef SET_KEPT
#undef SET

/* One request/response on one easy handle: shared by blocking sends and the multi interface. */
struct awsc_http_exchange {
    CURL *easy;               /* owned by the exchange, or the awsc_http's own handle */
    bool own_easy;
    header_lines lines;       /* storage reused call after call */
    awsc_buf last_url, last_method; /* what the easy handle has now (see set_string_once) */
    kept_options kept;        /* and its plain-value options */
    bool configured;          /* the easy handle has its fixed options */
    struct curl_slist *headers;
    transfer t;
    char errbuf[CURL_ERROR_SIZE];
    char host[256];           /* for error messages: set by exchange_finish when it has one */
    awsc_http_request req;    /* a copy: the caller keeps the strings alive until finish */
};

/* `lens`: what validate measured of req's headers (it runs first on every path). */
static int exchange_setup(awsc_http *h, awsc_http_exchange *x, const awsc_http_request *req, awsc_http_response *resp,
                          const size_t lens[2 * KEPT_LENS], awsc_error *err)
{
    x->req = *req;
    if (build_headers(req, &x->lines, &x->headers, lens) != 0)
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory building HTTP headers");
    x->errbuf[0] = '\0';
    x->t = (transfer){resp, h->max_response_bytes, 0, false, false, &x->req, x->easy, false, false, false, false, false, {0, 0}};
    if (!x->configured) {
        if (set_fixed_options(h, x->easy, &x->t, x->errbuf) != CURLE_OK)
            return awsc_error_set(err, AWSC_E_TRANSPORT, "libcurl refused the handle's options");
        x->configured = true;
    }
    if (set_request_options(h, x->easy, &x->req, x->headers, &x->last_url, &x->last_method, &x->kept) != CURLE_OK)
        return awsc_error_set(err, AWSC_E_TRANSPORT, "libcurl refused the request's options");
    return AWSC_OK;
}

static int exchange_finish(awsc_http *h, awsc_http_exchange *x, CURLcode rc, awsc_http_response *resp, awsc_error *err)
{
    long status = 0;
    if (x->t.refused_whole && rc == CURLE_WRITE_ERROR)
        rc = CURLE_OK; /* stopped on purpose: the response is complete (on_body) */
    if (rc == CURLE_OK)
        rc = curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    x->headers = NULL; /* its storage stays with the exchange for the next request */

    transfer *t = &x->t;
    /* The host only names a failure: found from the URL (alive until here) only then. */
    if (t->nomem || t->sink_aborted || t->too_large || rc != CURLE_OK)
        url_host(x->req.url, x->host, sizeof x->host);
    const char *host = x->host;
    int out = AWSC_OK;
    resp->final_failure = t->read_failed || t->sink_aborted || t->too_large || rc == CURLE_FILESIZE_EXCEEDED;
    resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    if (t->nomem) {
        out = awsc_error_set(err, AWSC_E_NOMEM, "out of memory reading the response from %s", host);
    } else if (t->read_failed) {
        out = awsc_error_set(err, AWSC_E_VALIDATION, "the request body's read callback failed");
    } else if (t->sink_aborted) {
        out = awsc_error_set(err, AWSC_E_TRANSPORT, "the response sink stopped the transfer from %s", host);
    } else if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        out = awsc_error_set(err, AWSC_E_TRANSPORT, "response from %s exceeds the limit of %zu bytes (max_response_bytes)",
                             host, h->max_response_bytes);
    } else if (rc == CURLE_OUT_OF_MEMORY && !t->headers_done) {
        /* curl refuses a header line over its limit (100 KiB) as "out of memory": the server's fault. */
        resp->final_failure = true;
        out = awsc_error_set(err, AWSC_E_RESPONSE, "response from %s has a header line longer than libcurl accepts "
                             "(100 KiB)", host);
    } else if (rc != CURLE_OK) {
        size_t elen = strlen(x->errbuf);
        while (elen > 0 && is_ows(x->errbuf[elen - 1]))
            x->errbuf[--elen] = '\0';
        out = awsc_error_set(err, AWSC_E_TRANSPORT, "HTTP %s to %s failed: %s", x->req.method, host,
                             x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    }
    if (out != AWSC_OK) {
        bool timed_out = resp->timed_out, final_failure = resp->final_failure;
        awsc_http_response_reset(resp); /* no half responses on failure (the storage stays for reuse) */
        resp->timed_out = timed_out;
        resp->final_failure = final_failure;
        return out;
    }
    resp->status = status;
    awsc_error_ok(err);
    return AWSC_OK;
}

awsc_http_exchange *awsc_http_exchange_new(void)
{
    awsc_http_exchange *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->easy = curl_easy_init();
    x->own_easy = true;
    if (!x->easy) {
        free(x);
        return NULL;
    }
    return x;
}

void awsc_http_exchange_free(awsc_http_exchange *x)
{
    if (!x)
        return;
    awsc_buf_free(&x->lines.text);
    free(x->lines.nodes);
    awsc_buf_free(&x->last_url);
    awsc_buf_free(&x->last_method);
    if (x->own_easy)
        curl_easy_cleanup(x->easy);
    free(x);
}

void *awsc_http_exchange_easy(awsc_http_exchange *x)
{
    return x->easy;
}

bool awsc_http_exchange_poke(awsc_http_exchange *x)
{
    transfer *t = &x->t;
    if (!t->read_paused || paused_recently(t))
        return t->read_paused;
    /* A source that fails now is seen by the progress callback, which aborts the transfer. */
    resume(t);
    return t->read_paused;
}

int awsc_http_exchange_start_reusing(awsc_http *h, awsc_http_exchange *x, const awsc_http_request *req,
                                     awsc_http_response *resp, awsc_error *err)
{
    awsc_http_response_reset(resp);
    size_t lens[2 * KEPT_LENS];
    int rc = validate(req, err, lens);
    return rc != AWSC_OK ? rc : exchange_setup(h, x, req, resp, lens, err);
}

int awsc_http_exchange_start(awsc_http *h, awsc_http_exchange *x, const awsc_http_request *req,
                             awsc_http_response *resp, awsc_error *err)
{
    memset(resp, 0, sizeof *resp);
    return awsc_http_exchange_start_reusing(h, x, req, resp, err);
}

int awsc_http_exchange_finish(awsc_http *h, awsc_http_exchange *x, int curl_code, awsc_http_response *resp,
                              awsc_error *err)
{
    return exchange_finish(h, x, (CURLcode)curl_code, resp, err);
}

static int send_locked(awsc_http *h, const awsc_http_request *req, awsc_http_response *resp,
                       const size_t lens[2 * KEPT_LENS], awsc_error *err)
{
    if (!h->sync) {
        if (!(h->sync = calloc(1, sizeof *h->sync)))
            return awsc_error_nomem(err);
        h->sync->easy = h->curl;
    }
    int rc = exchange_setup(h, h->sync, req, resp, lens, err);
    if (rc != AWSC_OK)
        return rc;
    return exchange_finish(h, h->sync, curl_easy_perform(h->curl), resp, err);
}

int awsc_http_send(awsc_http *h, const awsc_http_request *req, awsc_http_response *resp, awsc_error *err)
{
    if (resp)
        memset(resp, 0, sizeof *resp);
    return awsc_http_send_reusing(h, req, resp, err);
}

int awsc_http_send_reusing(awsc_http *h, const awsc_http_request *req, awsc_http_response *resp, awsc_error *err)
{
    if (!resp)
        return awsc_error_set(err, AWSC_E_INTERNAL, "awsc_http_send: resp is NULL");
    awsc_http_response_reset(resp);
    if (!h || !req)
        return awsc_error_set(err, AWSC_E_INTERNAL, "awsc_http_send: NULL handle or request");
    size_t lens[2 * KEPT_LENS];
    int rc = validate(req, err, lens);
    if (rc != AWSC_OK)
        return rc;
    if (pthread_mutex_lock(&h->lock) != 0)
        return awsc_error_set(err, AWSC_E_INTERNAL, "awsc_http_send: cannot lock the handle");
    rc = send_locked(h, req, resp, lens, err);
    pthread_mutex_unlock(&h->lock);
    return rc;
}
