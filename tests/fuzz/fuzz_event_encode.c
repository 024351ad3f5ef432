/*
 * Input events to messages (awsc_es_encode_event in
 * runtime/serde/eventstream/input.c), then back through the framing decoder
 * and awsc_es_decode_event, through each body codec that carries event streams.
 * Input: byte 0 picks the codec (restJson1, awsJson1_1, rpcv2Json, restXml,
 * rpcv2Cbor), byte 1 the variant of a union made here (header-bound scalars of
 * each type with a blob payload, a string payload, a structure payload, body
 * members, a unit variant, a modeled exception, and one built per input with
 * up to 1100 header members whose names and values may be longer than the
 * framing allows); the rest fills the event's values: integers and
 * timestamps (extremes among them, nanoseconds too), blobs, strings (odd
 * UTF-8 among them, some longer than a header can carry).
 * Oracles: only AWSC_OK, or AWSC_E_VALIDATION with a message; what the
 * framing cannot carry (a header value over 32767 bytes, more than 1024
 * headers, a header name over 255 bytes, over 128 KiB of headers, a payload
 * over 24 MiB, a timestamp whose milliseconds do not fit 64 bits) is an error,
 * never a shortened message; an encoded message has the length it says and
 * valid CRCs (zlib's, independently), decodes as one message, and reads back
 * as the same event: equal values (timestamps to the millisecond), or for the
 * exception the same typed error.
 */
#include "awsc/eventstream.h"
#include "event_union.h"
#include "serde/eventstream/event_message.h"
#include "serde/scalar.h"
#include "util/arena.h"

#include <awsc/cbor.h>
#include <awsc/xml.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void fail(const char *what)
{
    fprintf(stderr, "event_encode: %s\n", what);
    abort();
}

/* ---- the union: the variants of event_union.h, and one built per input ------ */

/* The "many" variant's shape is made per input (make_many); its union is too. */
enum { V_HEADERS = 1, V_TEXT, V_STRUCT, V_BODY, V_PING, V_FAULT, V_MANY, VARIANTS = V_MANY };

/* ---- values from the input ------------------------------------------------- */

typedef struct src {
    const uint8_t *p;
    size_t n;
} src;

static uint8_t u8(src *s)
{
    if (!s->n)
        return 0;
    s->n--;
    return *s->p++;
}

static uint16_t u16(src *s)
{
    uint16_t hi = u8(s);
    return (uint16_t)(hi << 8 | u8(s));
}

static uint64_t u64(src *s)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | u8(s);
    return v;
}

/* An integer: the edges of each width and of the milliseconds a timestamp header holds, or 8 bytes. */
static int64_t integer(src *s)
{
    static const int64_t edges[] = {0, -1, 1, INT8_MIN, INT8_MAX, INT16_MIN, INT16_MAX, INT32_MIN, INT32_MAX,
                                    INT64_MIN, INT64_MAX, INT64_MIN / 1000, INT64_MAX / 1000, INT64_MIN / 1000 - 1,
                                    INT64_MAX / 1000 + 1, 253402300799, 253402300800, -62135596800,
                                    9007199254740993, -9007199254740993};
    uint8_t k = u8(s);
    if (k < 2 * (sizeof edges / sizeof edges[0]))
        return edges[k / 2];
    return (int64_t)u64(s);
}

/* Text that is not UTF-8, or is at its edges: overlong forms, surrogates, past U+10FFFF, cut sequences. */
static const char *const odd_utf8[] = {"\xc0\x80", "\xed\xa0\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xef\xbb\xbf",
                                       "\x80", "\xe2\x82", "\xef\xbf\xbe", "\xff", "\x01\r\n\t", "]]>&<\"'",
                                       "\xf0\x9f\x98\x80", "\xc3\xa9", " "};
#define ODD (sizeof odd_utf8 / sizeof odd_utf8[0])

/* A string (NULL: absent) in `a`: input bytes up to a NUL, odd UTF-8 among them, or one repeated to up to 64 KiB. */
static const char *string(src *s, awsc_arena *a)
{
    uint8_t k = u8(s);
    if (k % 4 == 0)
        return NULL;
    size_t len = k % 4 == 3 ? u16(s) : u8(s);
    char *t = awsc_arena_alloc(a, len + 1);
    if (!t)
        fail("out of memory");
    size_t at = 0;
    if (k % 4 == 3) { /* long: one byte repeated */
        memset(t, 'a' + u8(s) % 26, len);
        at = len;
    } else {
        while (at < len && s->n) {
            uint8_t c = u8(s);
            if (c == 0) {
                break;
            } else if (k % 4 == 2 && c < ODD) { /* a byte that picks an odd sequence */
                size_t n = strlen(odd_utf8[c]);
                if (at + n > len)
                    break;
                memcpy(t + at, odd_utf8[c], n);
                at += n;
            } else {
                t[at++] = (char)c;
            }
        }
    }
    t[at] = '\0';
    return t;
}

/* A blob: absent, or up to 255 input bytes, or a length over 32767 (a header cannot carry it). */
static awsc_blob blob(src *s, awsc_arena *a)
{
    static const uint8_t filler[40000];
    uint8_t k = u8(s);
    if (k % 4 == 0)
        return (awsc_blob){NULL, 0};
    if (k % 4 == 3) /* long: zeros, 32760 to 40000 bytes */
        return (awsc_blob){filler, 32760 + u16(s) % (sizeof filler - 32760 + 1)};
    size_t len = u8(s);
    if (len > s->n)
        len = s->n;
    uint8_t *b = awsc_arena_alloc(a, len ? len : 1);
    if (!b)
        fail("out of memory");
    if (len)
        memcpy(b, s->p, len);
    s->p += len, s->n -= len;
    return (awsc_blob){b, len};
}

static bool flag(src *s)
{
    return u8(s) & 1;
}

static inner *make_inner(src *s, awsc_arena *a)
{
    if (u8(s) % 3 == 0)
        return NULL;
    inner *x = awsc_arena_alloc(a, sizeof *x);
    if (!x)
        fail("out of memory");
    memset(x, 0, sizeof *x);
    x->name = string(s, a);
    if ((x->has_value = flag(s))) {
        uint64_t bits = u64(s);
        memcpy(&x->value, &bits, sizeof x->value);
    }
    if ((x->has_big = flag(s)))
        x->big = integer(s);
    size_t count = u8(s) % 4;
    if (count) {
        x->tags.items = awsc_arena_alloc(a, count * sizeof *x->tags.items);
        if (!x->tags.items)
            fail("out of memory");
        for (size_t i = 0; i < count; i++) {
            const char *t = string(s, a);
            x->tags.items[i] = t ? t : "";
        }
        x->tags.count = count;
    }
    return x;
}

/* ---- what must be refused -------------------------------------------------- */

/* Whether timestamp `t` as a header (milliseconds in 64 bits) fits, and its value. */
static bool header_ms(awsc_timestamp t, int64_t *ms)
{
    if (t.nanos >= 1000000000u)
        return false;
    __int128 v = (__int128)t.seconds * 1000 + t.nanos / 1000000;
    if (v < INT64_MIN || v > INT64_MAX)
        return false;
    *ms = (int64_t)v;
    return true;
}

static bool too_long(const char *s)
{
    return s && strlen(s) > 32767;
}

/* What the headers variant's values make impossible to encode. */
static bool headers_refused(const header_event *h)
{
    int64_t ms;
    if (h->has_when && !header_ms(h->when, &ms))
        return true;
    if (h->raw.data && h->raw.len > 32767)
        return true;
    if (too_long(h->text))
        return true;
    return (int)h->shade == -1 && too_long(h->shade_raw);
}

/* ---- the dynamic variant --------------------------------------------------- */

#define MANY_MAX 1100
#define SLOT 8 /* each member's slot: a string pointer or a bool */

typedef struct many {
    awsc_shape shape;
    awsc_member members[MANY_MAX];
    awsc_member variants[VARIANTS];
    awsc_shape events;
    size_t count;
    size_t header_bytes; /* what the message's headers take */
    bool refused;        /* the framing cannot carry it */
    unsigned char *obj;
} many;

static char long_text[40001];

/* Up to 1100 bool or string header members named h<i> padded to a length from the input (up to 300). */
static void make_many(many *m, src *s, awsc_arena *a)
{
    if (!long_text[0])
        memset(long_text, 'x', sizeof long_text - 1);
    m->count = u16(s) % (MANY_MAX + 1);
    size_t name_len = u16(s) % 301, value_len = u16(s) % 40001;
    unsigned strings = u8(s); /* every strings-th member is a string (0: none) */
    m->obj = awsc_arena_alloc(a, m->count * SLOT + 1);
    if (!m->obj)
        fail("out of memory");
    memset(m->obj, 0, m->count * SLOT + 1);
    /* :message-type event and :event-type many */
    m->header_bytes = (2 + 13 + 2 + 5) + (2 + 11 + 2 + 4);
    m->refused = false;
    for (size_t i = 0; i < m->count; i++) {
        char *name = awsc_arena_alloc(a, name_len + 16);
        if (!name)
            fail("out of memory");
        int n = snprintf(name, 16, "h%zu", i);
        if ((size_t)n < name_len) {
            memset(name + n, '_', name_len - (size_t)n);
            n = (int)name_len;
        }
        name[n] = '\0';
        bool str = strings && i % strings == 0;
        m->members[i] = (awsc_member){.name = name, .wire_name = name, .offset = (uint16_t)(i * SLOT),
                                      .has_offset = NO, .raw_offset = NO,
                                      .type = str ? AWSC_T_STRING : AWSC_T_BOOL, .binding = AWSC_B_HEADER};
        if (str)
            *(const char **)(m->obj + i * SLOT) = long_text + (sizeof long_text - 1 - value_len);
        else
            *(bool *)(m->obj + i * SLOT) = i & 1;
        m->header_bytes += 2 + (size_t)n + (str ? 2 + value_len : 0);
        if (n > 255 || (str && value_len > 32767))
            m->refused = true;
    }
    /* The encoder keeps a slot for :content-type whether or not the event has a payload: 3 headers of its own. */
    if (m->count + 3 > AWSC_ES_MAX_HEADERS || m->header_bytes > 131072)
        m->refused = true;
    m->shape = (awsc_shape){.name = "Many", .type = AWSC_T_STRUCT, .members = m->members,
                            .member_count = (uint32_t)m->count, .size = m->count * SLOT + 1};
}

static void make_union(many *m)
{
    awsc_member *v = m->variants;
    v[0] = (awsc_member)VARIANT("headers", &header_shape, headers);
    v[1] = (awsc_member)VARIANT("text", &text_shape, text);
    v[2] = (awsc_member)VARIANT("structured", &struct_shape, structured);
    v[3] = (awsc_member)VARIANT("body", &body_shape, body);
    v[4] = (awsc_member){.name = "ping", .wire_name = "ping", .has_offset = NO, .raw_offset = NO, .type = AWSC_T_UNIT};
    v[5] = (awsc_member)VARIANT("Fault", &fault_shape, failure);
    v[6] = (awsc_member)VARIANT("many", &m->shape, many);
    m->events = (awsc_shape){.name = "Events", .type = AWSC_T_UNION, .members = v, .member_count = VARIANTS,
                             .size = sizeof(events), .union_tag_offset = offsetof(events, type)};
}

/* ---- comparing ------------------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_blob(awsc_blob a, awsc_blob b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static bool same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* An absent structure reads back as absent or as one with nothing set. */
static bool same_inner(const inner *a, const inner *b)
{
    static const inner none;
    if (!a)
        a = &none;
    if (!b)
        b = &none;
    if (!same_str(a->name, b->name) || a->has_value != b->has_value || a->has_big != b->has_big)
        return false;
    if ((a->has_value && !same_double(a->value, b->value)) || (a->has_big && a->big != b->big))
        return false;
    if (a->tags.count != b->tags.count)
        return false;
    for (size_t i = 0; i < a->tags.count; i++)
        if (!same_str(a->tags.items[i], b->tags.items[i]))
            return false;
    return true;
}

static void check_headers(const header_event *a, const header_event *b)
{
#define SAME_SCALAR(f)                                                  \
    if (a->has_##f != b->has_##f || (a->has_##f && a->f != b->f))       \
        fail("header " #f " did not round-trip");
    SAME_SCALAR(flag)
    SAME_SCALAR(tiny)
    SAME_SCALAR(small)
    SAME_SCALAR(num)
    SAME_SCALAR(level)
    SAME_SCALAR(big)
#undef SAME_SCALAR
    if (a->has_when != b->has_when)
        fail("header when did not round-trip");
    int64_t ms;
    if (a->has_when && header_ms(a->when, &ms)) {
        /* milliseconds: floor division */
        int64_t rem = ms % 1000, sec = ms / 1000 - (rem < 0);
        uint32_t nanos = (uint32_t)((rem < 0 ? rem + 1000 : rem) * 1000000);
        if (b->when.seconds != sec || b->when.nanos != nanos)
            fail("header when is not the same millisecond");
    }
    if (!!a->raw.data != !!b->raw.data || (a->raw.data && !same_blob(a->raw, b->raw)))
        fail("blob header did not round-trip");
    if (!same_str(a->text, b->text))
        fail("string header did not round-trip");
    int sa = (int)a->shade, sb = (int)b->shade; /* -1: unknown, its raw text */
    const char *wa = sa ? (sa > 0 ? colors[sa - 1] : a->shade_raw) : NULL;
    const char *wb = sb ? (sb > 0 ? colors[sb - 1] : b->shade_raw) : NULL;
    if (!same_str(wa, wb))
        fail("enum header did not round-trip");
    if (!same_blob(a->payload, b->payload))
        fail("blob payload did not round-trip");
}

typedef struct check {
    const awsc_operation *op;
    const events *sent;
    const many *m;
    int messages;
} check;

static int on_message(void *user, const awsc_es_message *msg)
{
    check *c = user;
    if (++c->messages > 1)
        fail("one event encoded as more than one message");
    awsc_arena *arena = awsc_arena_create();
    events *ev = arena ? awsc_arena_alloc(arena, sizeof *ev) : NULL;
    if (!ev)
        fail("out of memory");
    memset(ev, 0, sizeof *ev);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_es_decode_event(&service, c->op, msg, arena, ev, &err);
    const events *s = c->sent;
    if (s->type == V_FAULT) {
        if (rc != AWSC_E_SERVICE || err.modeled != 1)
            fail("the exception did not read back as the service's Fault");
        const fault *a = s->value.failure, *b = err.detail;
        if (!b)
            fail("the exception's detail did not read back");
        if (!same_str(a->message, b->message) || !same_str(a->reason, b->reason))
            fail("the exception's members did not round-trip");
    } else {
        if (rc != AWSC_OK) {
            fprintf(stderr, "event_encode: %s\n", err.message ? err.message : "(no message)");
            fail("an encoded event does not decode");
        }
        if (ev->type != s->type)
            fail("the event came back as another variant");
        switch (s->type) {
        case V_HEADERS:
            check_headers(s->value.headers, ev->value.headers);
            break;
        case V_TEXT: {
            const text_event *a = s->value.text, *b = ev->value.text;
            if (strcmp(a->payload ? a->payload : "", b->payload) != 0 || !same_str(a->id, b->id))
                fail("the string payload event did not round-trip");
            break;
        }
        case V_STRUCT:
            if (!same_inner(s->value.structured->payload, ev->value.structured->payload))
                fail("the structure payload did not round-trip");
            break;
        case V_BODY: {
            const body_event *a = s->value.body, *b = ev->value.body;
            if (!same_str(a->message, b->message) || a->has_count != b->has_count ||
                (a->has_count && a->count != b->count) || !same_inner(a->detail, b->detail) || !same_str(a->id, b->id))
                fail("the body event did not round-trip");
            break;
        }
        case V_MANY: {
            const unsigned char *a = c->m->obj, *b = ev->value.many;
            for (size_t i = 0; i < c->m->count; i++) {
                const awsc_member *mb = &c->m->members[i];
                bool same = mb->type == AWSC_T_BOOL
                                ? *(const bool *)(a + mb->offset) == *(const bool *)(b + mb->offset)
                                : same_str(*(const char *const *)(a + mb->offset), *(const char *const *)(b + mb->offset));
                if (!same)
                    fail("a header of the many-headers event did not round-trip");
            }
            break;
        }
        default:
            fail("an event that should not have encoded");
        }
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The framing, checked without the runtime's own CRC code. */
static void check_frame(const uint8_t *p, size_t len)
{
    if (len < 16 || get32(p) != len)
        fail("the message's total length is not its length");
    if (get32(p + 4) > len - 16)
        fail("headers longer than the message");
    if (crc32(0, p, 8) != get32(p + 8))
        fail("bad prelude CRC");
    if (crc32(0, p, (uInt)(len - 4)) != get32(p + len - 4))
        fail("bad message CRC");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static many m; /* large: not on the stack */
    src s = {data + 2, size - 2};
    awsc_arena *a = awsc_arena_create();
    events *ev = a ? awsc_arena_alloc(a, sizeof *ev) : NULL;
    if (!ev)
        fail("out of memory");
    memset(ev, 0, sizeof *ev);
    m.count = 0;
    m.shape = (awsc_shape){.name = "Many", .type = AWSC_T_STRUCT, .members = m.members, .size = 1};
    make_union(&m);
    awsc_event_stream stream = {.engine = &awsc_event_streams, .events = &m.events, .input_events = &m.events};
    awsc_operation op = {.name = "Publish", .method = "POST", .uri = "/", .output = &output_shape,
                         .target = "Fuzz.Publish", .content_type = "application/x-amz-json-1.1",
                         .codec = codecs[data[0] % (sizeof codecs / sizeof codecs[0])], .event_stream = &stream,
                         .http_code = 200};
    ev->type = data[1] % (VARIANTS + 2); /* 0 and VARIANTS + 1: not a variant */
    bool refused = ev->type == 0 || ev->type > VARIANTS || ev->type == V_PING;
    switch (ev->type) {
    case V_HEADERS: {
        header_event *h = awsc_arena_alloc(a, sizeof *h);
        if (!h)
            fail("out of memory");
        memset(h, 0, sizeof *h);
        if ((h->has_flag = flag(&s)))
            h->flag = flag(&s);
        if ((h->has_tiny = flag(&s)))
            h->tiny = (int8_t)integer(&s);
        if ((h->has_small = flag(&s)))
            h->small = (int16_t)integer(&s);
        if ((h->has_num = flag(&s)))
            h->num = (int32_t)integer(&s);
        if ((h->has_level = flag(&s)))
            h->level = (int32_t)integer(&s);
        if ((h->has_big = flag(&s)))
            h->big = integer(&s);
        if ((h->has_when = flag(&s))) {
            h->when.seconds = integer(&s);
            h->when.nanos = flag(&s) ? (uint32_t)u64(&s) : (uint32_t)(u16(&s) % 1000) * 1000000u + u8(&s);
        }
        h->raw = blob(&s, a);
        h->text = string(&s, a);
        uint8_t shade = u8(&s) % 4;
        if (shade == 3) {
            h->shade = (color)-1; /* a value this SDK does not know: its raw text */
            h->shade_raw = string(&s, a);
            if (!h->shade_raw)
                h->shade_raw = "blue";
        } else {
            h->shade = (color)shade;
        }
        h->payload = blob(&s, a);
        refused = headers_refused(h);
        if (flag(&s) && u8(&s) == 0xa5) { /* a payload over 24 MiB: refused before a byte of it is read */
            static const uint8_t one;
            h->payload = (awsc_blob){&one, (size_t)25165824 + 1};
            refused = true;
        }
        ev->value.headers = h;
        break;
    }
    case V_TEXT: {
        text_event *t = awsc_arena_alloc(a, sizeof *t);
        if (!t)
            fail("out of memory");
        t->payload = string(&s, a);
        t->id = string(&s, a);
        refused = too_long(t->id);
        ev->value.text = t;
        break;
    }
    case V_STRUCT: {
        struct_event *t = awsc_arena_alloc(a, sizeof *t);
        if (!t)
            fail("out of memory");
        t->payload = make_inner(&s, a);
        ev->value.structured = t;
        break;
    }
    case V_BODY: {
        body_event *b = awsc_arena_alloc(a, sizeof *b);
        if (!b)
            fail("out of memory");
        memset(b, 0, sizeof *b);
        b->message = string(&s, a);
        if ((b->has_count = flag(&s)))
            b->count = (int32_t)integer(&s);
        b->detail = make_inner(&s, a);
        b->id = string(&s, a);
        refused = too_long(b->id);
        ev->value.body = b;
        break;
    }
    case V_FAULT: {
        fault *f = awsc_arena_alloc(a, sizeof *f);
        if (!f)
            fail("out of memory");
        f->message = string(&s, a);
        f->reason = string(&s, a);
        ev->value.failure = f;
        break;
    }
    case V_MANY:
        make_many(&m, &s, a);
        ev->value.many = m.obj;
        refused = m.refused;
        break;
    default:
        break;
    }
    /* An event without its structure is refused too. */
    if (ev->type >= 1 && ev->type <= VARIANTS && ev->type != V_PING && flag(&s) && u8(&s) == 0x5a) {
        ev->value.many = NULL;
        refused = true;
    }

    uint8_t *msg = NULL;
    size_t len = 0;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_es_encode_event(&service, &op, ev, a, &msg, &len, &err);
    if (rc == AWSC_OK) {
        if (refused)
            fail("an event the framing cannot carry was encoded");
        check_frame(msg, len);
        check c = {&op, ev, &m, 0};
        awsc_es_decoder *d = awsc_es_decoder_new(0, on_message, &c);
        if (!d)
            fail("out of memory");
        awsc_error derr = AWSC_ERROR_INIT;
        if (awsc_es_decoder_feed(d, msg, len, &derr) != AWSC_OK || awsc_es_decoder_finish(d, &derr) != AWSC_OK) {
            fprintf(stderr, "event_encode: %s\n", derr.message ? derr.message : "(no message)");
            fail("an encoded message does not decode");
        }
        if (c.messages != 1)
            fail("an encoded message decodes to no message");
        awsc_es_decoder_free(d);
        awsc_error_clear(&derr);
        free(msg);
    } else if (rc == AWSC_E_VALIDATION) {
        if (!err.message || !*err.message)
            fail("a refusal without a message");
        if (msg || len)
            fail("a refusal that left a message");
        if (ev->type == V_MANY && ev->value.many && !refused)
            fail("a many-headers event the framing can carry was refused");
    } else {
        fprintf(stderr, "event_encode: status %d: %s\n", rc, err.message ? err.message : "(no message)");
        fail("neither AWSC_OK nor AWSC_E_VALIDATION");
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
    return 0;
}
