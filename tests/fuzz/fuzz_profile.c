/*
 * The shared config / credentials file parser (runtime/auth/cred_sources.h,
 * awsc_profile_parse). Input: byte 0 bit 0 picks the config form
 * ("[profile x]") over the credentials form ("[x]"); the rest is the file.
 * Byte 0 bit 1: a large file, up to the 1 MiB that awsc_profile_load reads:
 * the text before the first NUL comes once, the text after it is repeated
 * with each '@' replaced by the copy's number (many sections, many
 * continuation lines). libFuzzer's -timeout catches a parser that is not
 * linear.
 *
 * Oracles: every property parsed has its three parts and a lower-case key;
 * its profile is found by awsc_profile_has, and awsc_profile_get returns the
 * value of the last property with its profile and key (that one found here
 * through a hash table built in one pass, not by a scan per property).
 * awsc_profile_get itself is a linear lookup: on large files these two are
 * checked for a sample of the properties.
 */
#include "auth/cred_sources.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const awsc_profile_prop *p)
{
    fprintf(stderr, "profile: %s: [%s] %s\n", what, p->profile ? p->profile : "(null)", p->key ? p->key : "(null)");
    abort();
}

/*
 * String equality and hashing of the harness's own, not instrumented for
 * coverage: libFuzzer hooks strcmp and every compare in instrumented code to
 * trace its operands, which made the oracle, whose branches guide nothing,
 * cost as much as the parse on large files.
 */
#if defined(__clang__)
#define ORACLE __attribute__((no_sanitize("coverage")))
#else
#define ORACLE
#endif
ORACLE static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

ORACLE static size_t hash(const char *s, size_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The index of the last property with each (profile, key): an open-addressing table of indexes + 1. */
ORACLE static size_t *last_index(const awsc_profile_file *f, size_t *cap_out)
{
    size_t cap = 16;
    while (cap < 2 * f->count)
        cap *= 2;
    size_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return NULL;
    for (size_t i = 0; i < f->count; i++) {
        const awsc_profile_prop *p = &f->props[i];
        size_t h = hash(p->key, hash(p->profile, 14695981039346656037u) * 31);
        size_t at = h & (cap - 1);
        while (slots[at] && !(same(f->props[slots[at] - 1].profile, p->profile) &&
                              same(f->props[slots[at] - 1].key, p->key)))
            at = (at + 1) & (cap - 1);
        slots[at] = i + 1; /* a later property replaces an earlier one */
    }
    *cap_out = cap;
    return slots;
}

ORACLE static size_t find_last(const awsc_profile_file *f, const size_t *slots, size_t cap,
                                const awsc_profile_prop *p)
{
    size_t at = hash(p->key, hash(p->profile, 14695981039346656037u) * 31) & (cap - 1);
    while (!(same(f->props[slots[at] - 1].profile, p->profile) && same(f->props[slots[at] - 1].key, p->key)))
        at = (at + 1) & (cap - 1);
    return slots[at] - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool is_config = data[0] & 1, large = data[0] & 2;
    size_t len = size - 1;
    char *text;
    if (large) {
        const uint8_t *in = data + 1, *nul = memchr(in, '\0', len);
        size_t head = nul ? (size_t)(nul - in) : 0, unit = len - head - (nul ? 1 : 0);
        const uint8_t *body = in + len - unit;
        size_t cap = (size_t)1 << 20;
        if (!(text = malloc(cap)))
            return 0;
        memcpy(text, in, head);
        len = head;
        /* Runs between '@'s copied whole: a byte-at-a-time loop under the coverage instrumentation cost as much as a parse. */
        for (unsigned copy = 0; unit && len < cap; copy++) {
            char num[16];
            size_t numlen = (size_t)snprintf(num, sizeof num, "%u", copy);
            for (size_t i = 0; i < unit && len < cap;) {
                const uint8_t *at = memchr(body + i, '@', unit - i);
                size_t run = (at ? (size_t)(at - body) : unit) - i;
                if (run > cap - len)
                    run = cap - len;
                memcpy(text + len, body + i, run);
                len += run, i += run;
                if (at && i < unit && len < cap) {
                    size_t n = numlen < cap - len ? numlen : cap - len;
                    memcpy(text + len, num, n);
                    len += n, i++;
                }
            }
        }
    } else {
        text = malloc(len ? len : 1); /* exact size, no NUL: the parser takes a length */
        if (!text)
            return 0;
        memcpy(text, data + 1, len);
    }

    awsc_profile_file f;
    memset(&f, 0, sizeof f);
    if (awsc_profile_parse(&f, text, len, is_config) == 0) {
        size_t cap = 0, *slots = last_index(&f, &cap);
        if (!slots) {
            awsc_profile_free(&f);
            free(text);
            return 0;
        }
        size_t step = f.count > 256 ? f.count / 64 : 1; /* a sample on large files: get is linear */
        for (size_t i = 0; i < f.count; i++) {
            const awsc_profile_prop *p = &f.props[i];
            if (!p->profile || !p->key || !p->value)
                fail("property with a NULL part", p);
            for (const char *k = p->key; *k; k++)
                if (isupper((unsigned char)*k))
                    fail("key not lower case", p);
            if (i % step)
                continue;
            if (!awsc_profile_has(&f, p->profile))
                fail("profile of a property is unknown", p);
            /* The last value wins: get returns the value of the last property with that profile and key. */
            const char *v = awsc_profile_get(&f, p->profile, p->key);
            if (!v)
                fail("property not found again", p);
            if (v != f.props[find_last(&f, slots, cap, p)].value)
                fail("get does not return the last value", p);
        }
        free(slots);
    }
    awsc_profile_free(&f);
    free(text);
    return 0;
}
