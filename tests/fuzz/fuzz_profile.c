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
 * Oracles: every property parsed is found again by awsc_profile_get (its
 * last value) and its profile by awsc_profile_has; keys are lower case.
 * (awsc_profile_get is a linear lookup: on large files the oracle checks a
 * sample of the properties.)
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
        for (unsigned copy = 0; unit && len < cap; copy++) {
            char num[16];
            int numlen = snprintf(num, sizeof num, "%u", copy);
            for (size_t i = 0; i < unit && len < cap; i++) {
                if (body[i] != '@') {
                    text[len++] = (char)body[i];
                    continue;
                }
                for (int d = 0; d < numlen && len < cap; d++)
                    text[len++] = num[d];
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
        size_t step = f.count > 256 ? f.count / 64 : 1; /* a sample on large files: get is linear */
        for (size_t i = 0; i < f.count; i += step) {
            const awsc_profile_prop *p = &f.props[i];
            if (!p->profile || !p->key || !p->value)
                fail("property with a NULL part", p);
            for (const char *k = p->key; *k; k++)
                if (isupper((unsigned char)*k))
                    fail("key not lower case", p);
            if (!awsc_profile_has(&f, p->profile))
                fail("profile of a property is unknown", p);
            const char *v = awsc_profile_get(&f, p->profile, p->key);
            if (!v)
                fail("property not found again", p);
            /* The last value wins: no later property may have the same profile and key. */
            bool later = false;
            for (size_t j = i + 1; j < f.count && !later; j++)
                later |= strcmp(f.props[j].profile, p->profile) == 0 && strcmp(f.props[j].key, p->key) == 0;
            if (!later && strcmp(v, p->value) != 0)
                fail("get does not return the last value", p);
        }
    }
    awsc_profile_free(&f);
    free(text);
    return 0;
}
