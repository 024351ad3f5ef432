/*
 * Descriptor-driven CBOR reader: RPC v2 CBOR bytes -> typed C structures in
 * an arena. Recursive descent over awsc_cbor_head with the decoder's depth
 * limit; malformed input is an error with a byte offset, never a crash.
 */
#include "serde/cbor/cbor.h"

#include "util/error.h"
#include "serde/collect.h"
#include "serde/json/json.h"
#include "serde/scalar.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    awsc_cbor_decoder d;
    awsc_arena *arena;
    const char *member; /* member being read when it failed */
    awsc_buf scratch;   /* joins the chunks of indefinite strings */
} reader;

static int fail(reader *r, const char *problem)
{
    if (!r->d.problem)
        r->d.problem = problem;
    return -1;
}

static void *alloc(reader *r, size_t n)
{
    void *p = awsc_arena_alloc(r->arena, n);
    if (!p)
        fail(r, "out of memory");
    return p;
}

static bool is_break(const awsc_cbor_item *it)
{
    return it->major == AWSC_CBOR_SIMPLE && it->simple == AWSC_CBOR_BREAK;
}

static bool is_null(const awsc_cbor_item *it)
{
    return it->major == AWSC_CBOR_SIMPLE && (it->simple == AWSC_CBOR_NULL || it->simple == AWSC_CBOR_UNDEFINED);
}

static int read_value(reader *r, const awsc_member *m, void *container, const awsc_cbor_item *it);
static int read_struct(reader *r, const awsc_shape *shape, void *obj, const awsc_cbor_item *it, bool top);

/* An integer item in [lo, hi]. */
static int get_int(reader *r, const awsc_cbor_item *it, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    if (it->major == AWSC_CBOR_UINT) {
        if (it->arg > (uint64_t)INT64_MAX)
            return fail(r, "integer out of range");
        v = (int64_t)it->arg;
    } else if (it->major == AWSC_CBOR_NEGINT) {
        if (it->arg > (uint64_t)INT64_MAX)
            return fail(r, "integer out of range");
        v = -1 - (int64_t)it->arg;
    } else {
        return fail(r, "expected an integer");
    }
    if (v < lo || v > hi)
        return fail(r, "integer out of range");
    *out = v;
    return 0;
}

/* A number of any kind as a double (floats may arrive as integers). */
static int get_double(reader *r, const awsc_cbor_item *it, double *out)
{
    if (it->major == AWSC_CBOR_SIMPLE && it->simple == AWSC_CBOR_FLOAT)
        *out = it->f;
    else if (it->major == AWSC_CBOR_UINT)
        *out = (double)it->arg;
    else if (it->major == AWSC_CBOR_NEGINT)
        *out = -1.0 - (double)it->arg;
    else
        return fail(r, "expected a number");
    return 0;
}

static int get_string(reader *r, const awsc_cbor_item *it, uint8_t major, char **out, size_t *len)
{
    if (it->major != major)
        return fail(r, major == AWSC_CBOR_TEXT ? "expected a text string" : "expected a byte string");
    const uint8_t *data = it->data;
    size_t n = (size_t)it->arg;
    /* A definite string is where it lies (text checked here); the rest, errors included, the full way. */
    if ((it->indefinite || (major == AWSC_CBOR_TEXT && !awsc_cbor_utf8(data, n))) &&
        awsc_cbor_string(&r->d, it, &r->scratch, &data, &n) != 0)
        return -1;
    char *copy = awsc_arena_strndup(r->arena, (const char *)data, n);
    if (!copy)
        return fail(r, "out of memory");
    *out = copy;
    if (len)
        *len = n;
    return 0;
}

static int read_timestamp(reader *r, const awsc_cbor_item *it, awsc_timestamp *ts)
{
    awsc_cbor_item inner = *it;
    if (it->major == AWSC_CBOR_TAG) {
        if (it->arg != 1)
            return fail(r, "a timestamp must be tag 1 (epoch seconds)");
        if (awsc_cbor_head(&r->d, &inner) != 0)
            return -1;
    }
    if (inner.major == AWSC_CBOR_UINT || inner.major == AWSC_CBOR_NEGINT) {
        int64_t s;
        if (get_int(r, &inner, INT64_MIN, INT64_MAX, &s) != 0)
            return -1;
        ts->seconds = s;
        ts->nanos = 0;
        return 0;
    }
    double d;
    if (get_double(r, &inner, &d) != 0)
        return -1;
    if (!isfinite(d) || d < -9.2e18 || d > 9.2e18)
        return fail(r, "timestamp out of range");
    double whole = floor(d);
    /* microseconds: what a double of today's epoch seconds holds exactly enough */
    long long micros = llround((d - whole) * 1e6);
    if (micros >= 1000000) {
        whole += 1;
        micros -= 1000000;
    }
    ts->seconds = (int64_t)whole;
    ts->nanos = (uint32_t)micros * 1000u;
    return 0;
}

static int read_collection(reader *r, const awsc_member *m, void *slot, const awsc_cbor_item *it)
{
    bool map = m->type == AWSC_T_MAP;
    if (it->major != (map ? AWSC_CBOR_MAP : AWSC_CBOR_ARRAY))
        return fail(r, map ? "expected a map" : "expected an array");
    if (++r->d.depth > AWSC_CBOR_MAX_DEPTH)
        return fail(r, "nesting too deep");
    const awsc_shape *cs = m->shape;
    const awsc_member *val = &cs->members[map ? 1 : 0];
    awsc_entries ents = AWSC_ENTRIES_INIT;
    int rc = 0;
    for (uint64_t i = 0; it->indefinite || i < it->arg; i++) {
        awsc_cbor_item e;
        if ((rc = awsc_cbor_head(&r->d, &e)) != 0)
            break;
        if (is_break(&e)) {
            if (!it->indefinite)
                rc = fail(r, "unexpected break");
            break;
        }
        char *key = NULL;
        if (map) {
            if ((rc = get_string(r, &e, AWSC_CBOR_TEXT, &key, NULL)) != 0)
                break;
            if ((rc = awsc_cbor_head(&r->d, &e)) != 0)
                break;
            if (is_break(&e)) {
                rc = fail(r, "a map key without a value");
                break;
            }
        }
        bool null = is_null(&e);
        if (null && !(m->flags & AWSC_F_SPARSE))
            continue; /* dense lists and maps drop nulls, as the other SDKs do */
        unsigned char *entry = awsc_entries_add(&ents, cs->size);
        if (!entry) {
            rc = fail(r, "out of memory");
            break;
        }
        if (map)
            *(char **)(entry + cs->members[0].offset) = key;
        if (!null && (rc = read_value(r, val, entry, &e)) != 0)
            break;
    }
    r->d.depth--;
    if (rc == 0 && awsc_entries_store(&ents, cs->size, r->arena, slot) != 0)
        rc = fail(r, "out of memory");
    awsc_entries_free(&ents);
    return rc;
}

/* Fills the model's default (JSON text in the descriptor) into members the body left out. */
static int apply_defaults(reader *r, const awsc_shape *shape, void *obj, const unsigned char *seen)
{
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *m = &shape->members[i];
        const char *dflt = awsc_member_default(m);
        if (!dflt || seen[i])
            continue;
        awsc_error e = AWSC_ERROR_INIT;
        int rc = awsc_json_read_member(m, obj, dflt, strlen(dflt), r->arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, &e);
        awsc_error_clear(&e);
        if (rc == AWSC_E_NOMEM)
            return fail(r, "out of memory");
        if (rc != AWSC_OK)
            return fail(r, "a model default does not read");
    }
    return 0;
}

static int read_struct(reader *r, const awsc_shape *shape, void *obj, const awsc_cbor_item *it, bool top)
{
    if (it->major != AWSC_CBOR_MAP)
        return fail(r, "expected a map");
    if (++r->d.depth > AWSC_CBOR_MAX_DEPTH)
        return fail(r, "nesting too deep");
    bool is_union = shape->type == AWSC_T_UNION;
    int *tag = is_union ? (int *)((unsigned char *)obj + shape->union_tag_offset) : NULL;
    int set = 0;
    unsigned char *seen = NULL;
    if (!is_union && awsc_shape_needs_seen(shape) && !(seen = calloc(shape->member_count, 1)))
        return fail(r, "out of memory");
    int rc = 0;
    uint32_t next_member = 0;
    for (uint64_t i = 0; it->indefinite || i < it->arg; i++) {
        awsc_cbor_item k;
        if ((rc = awsc_cbor_head(&r->d, &k)) != 0)
            break;
        if (is_break(&k)) {
            if (!it->indefinite)
                rc = fail(r, "unexpected break");
            break;
        }
        if (k.major != AWSC_CBOR_TEXT) {
            rc = fail(r, "a structure's key is not a text string");
            break;
        }
        const uint8_t *key;
        size_t klen;
        /* A key that names a member is that member's (ASCII) name: only other keys need the UTF-8 check. */
        if (!k.indefinite) {
            key = k.data;
            klen = (size_t)k.arg;
        } else if ((rc = awsc_cbor_string_unchecked(&r->d, &k, &r->scratch, &key, &klen)) != 0) {
            break;
        }
        /* Keys mostly come in model order: look from the member after the last one found. */
        const awsc_member *found = NULL;
        for (uint32_t j = 0, n = shape->member_count; j < n && !found; j++) {
            uint32_t idx = next_member + j < n ? next_member + j : next_member + j - n;
            const awsc_member *m = &shape->members[idx];
            if (top && m->binding != AWSC_B_BODY)
                continue;
            /* memcmp within the name's length: a key may hold NUL bytes */
            if ((klen == 0 || m->wire_name[0] == (char)key[0]) && strlen(m->wire_name) == klen &&
                memcmp(m->wire_name, key, klen) == 0) {
                found = m;
                next_member = idx + 1 < n ? idx + 1 : 0;
            }
        }
        if (!found && !awsc_cbor_utf8(key, klen)) {
            rc = fail(r, "text string is not valid UTF-8");
            break;
        }
        awsc_cbor_item v;
        if ((rc = awsc_cbor_head(&r->d, &v)) != 0)
            break;
        if (is_break(&v)) {
            rc = fail(r, "a map key without a value");
            break;
        }
        if (is_null(&v))
            continue; /* null means absent */
        if (is_union && klen == 6 && memcmp(key, "__type", 6) == 0) {
            if ((rc = awsc_cbor_skip_rest(&r->d, &v)) != 0)
                break;
            continue;
        }
        if (is_union && ++set > 1) {
            rc = fail(r, "union has more than one member set");
            break;
        }
        if (!found) {
            if (is_union)
                *tag = -1; /* a variant this SDK does not know */
            if ((rc = awsc_cbor_skip_rest(&r->d, &v)) != 0)
                break;
            continue;
        }
        if (seen)
            seen[found - shape->members] = 1;
        const char *outer = r->member;
        r->member = found->name;
        if ((rc = read_value(r, found, obj, &v)) != 0)
            break;
        r->member = outer;
        if (is_union)
            *tag = (int)(found - shape->members) + 1;
    }
    r->d.depth--;
    if (rc == 0 && seen)
        rc = apply_defaults(r, shape, obj, seen);
    if (rc == 0 && seen && awsc_correct_required(shape, obj, seen, r->arena) != 0)
        rc = fail(r, "out of memory");
    free(seen);
    return rc;
}

static int read_value(reader *r, const awsc_member *m, void *container, const awsc_cbor_item *it)
{
    unsigned char *slot = awsc_member_slot(m, container);
    int64_t v;
    if (m->flags & AWSC_F_BOXED) { /* a non-null scalar of a sparse collection: allocate its box */
        awsc_member inner = *m;
        inner.flags &= (uint16_t)~AWSC_F_BOXED;
        inner.offset = 0;
        void *box = alloc(r, sizeof(awsc_timestamp)); /* the largest boxed scalar */
        if (!box)
            return -1;
        *(void **)slot = box;
        return read_value(r, &inner, box, it);
    }
    if (m->has_offset != AWSC_NO_OFFSET)
        *((bool *)((unsigned char *)container + m->has_offset)) = true;
    switch ((awsc_type)m->type) {
    case AWSC_T_STRING:
        return get_string(r, it, AWSC_CBOR_TEXT, (char **)slot, NULL);
    case AWSC_T_ENUM: {
        char *s;
        if (get_string(r, it, AWSC_CBOR_TEXT, &s, NULL) != 0)
            return -1;
        awsc_enum_set(m, container, s);
        return 0;
    }
    case AWSC_T_BOOL:
        if (it->major != AWSC_CBOR_SIMPLE || (it->simple != AWSC_CBOR_TRUE && it->simple != AWSC_CBOR_FALSE))
            return fail(r, "expected true or false");
        *(bool *)slot = it->simple == AWSC_CBOR_TRUE;
        return 0;
    case AWSC_T_BYTE:
        if (get_int(r, it, INT8_MIN, INT8_MAX, &v) != 0)
            return -1;
        *(int8_t *)slot = (int8_t)v;
        return 0;
    case AWSC_T_SHORT:
        if (get_int(r, it, INT16_MIN, INT16_MAX, &v) != 0)
            return -1;
        *(int16_t *)slot = (int16_t)v;
        return 0;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        if (get_int(r, it, INT32_MIN, INT32_MAX, &v) != 0)
            return -1;
        *(int32_t *)slot = (int32_t)v;
        return 0;
    case AWSC_T_LONG:
        return get_int(r, it, INT64_MIN, INT64_MAX, (int64_t *)slot);
    case AWSC_T_FLOAT: {
        double d;
        if (get_double(r, it, &d) != 0)
            return -1;
        if (isfinite(d) && fabs(d) > FLT_MAX) /* the conversion would be undefined */
            return fail(r, "number out of range for a float");
        *(float *)slot = (float)d;
        return 0;
    }
    case AWSC_T_DOUBLE:
        return get_double(r, it, (double *)slot);
    case AWSC_T_BIG_INTEGER:
    case AWSC_T_BIG_DECIMAL: {
        /* plain integers only: bignums (tags 2, 3) and decimal fractions (tag 4) are not supported */
        char tmp[24];
        if (it->major == AWSC_CBOR_UINT)
            snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)it->arg);
        else if (it->major == AWSC_CBOR_NEGINT && it->arg < UINT64_MAX)
            snprintf(tmp, sizeof tmp, "-%llu", (unsigned long long)it->arg + 1);
        else
            return fail(r, "expected an integer (bignums are not supported)");
        char *copy = awsc_arena_strndup(r->arena, tmp, strlen(tmp));
        if (!copy)
            return fail(r, "out of memory");
        *(char **)slot = copy;
        return 0;
    }
    case AWSC_T_STREAM:
    case AWSC_T_BLOB: {
        char *s;
        size_t n;
        if (get_string(r, it, AWSC_CBOR_BYTES, &s, &n) != 0)
            return -1;
        ((awsc_blob *)slot)->data = (const uint8_t *)s;
        ((awsc_blob *)slot)->len = n;
        return 0;
    }
    case AWSC_T_TIMESTAMP:
        return read_timestamp(r, it, (awsc_timestamp *)slot);
    case AWSC_T_DOCUMENT:
        return fail(r, "documents are not supported by the rpcv2Cbor protocol");
    case AWSC_T_STRUCT:
    case AWSC_T_UNION: {
        void *obj = slot;
        if (!(m->flags & AWSC_F_INLINE)) {
            obj = alloc(r, m->shape->size);
            if (!obj)
                return -1;
            *(void **)slot = obj;
        }
        return read_struct(r, m->shape, obj, it, false);
    }
    case AWSC_T_LIST:
    case AWSC_T_MAP:
        return read_collection(r, m, slot, it);
    case AWSC_T_UNIT:
        if (it->major != AWSC_CBOR_MAP)
            return fail(r, "expected a map");
        return awsc_cbor_skip_rest(&r->d, it);
    }
    return fail(r, "unsupported member type");
}

int awsc_cbor_read(const awsc_shape *shape, void *obj, const uint8_t *data, size_t len, awsc_arena *arena,
                   awsc_status status_on_error, awsc_error *err)
{
    reader r = {.d = {.start = data, .p = data, .end = data + len}, .arena = arena};
    awsc_cbor_item it;
    int rc = awsc_cbor_head(&r.d, &it);
    if (rc == 0)
        rc = read_struct(&r, shape, obj, &it, true);
    if (rc == 0 && r.d.p != r.d.end)
        rc = fail(&r, "trailing bytes after the CBOR item");
    awsc_buf_free(&r.scratch);
    if (rc == 0)
        return AWSC_OK;
    if (r.d.problem && strcmp(r.d.problem, "out of memory") == 0)
        return awsc_error_set(err, AWSC_E_NOMEM, "out of memory while parsing CBOR");
    size_t at = (size_t)(r.d.p - r.d.start);
    if (r.member)
        return awsc_error_set(err, status_on_error, "invalid CBOR at byte %zu (member %s): %s", at, r.member,
                              r.d.problem ? r.d.problem : "parse error");
    return awsc_error_set(err, status_on_error, "invalid CBOR at byte %zu: %s", at,
                          r.d.problem ? r.d.problem : "parse error");
}
