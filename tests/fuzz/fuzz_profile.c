/*
 * The shared config / credentials file parser (runtime/auth/cred_sources.h,
 * awsc_profile_parse). Input: byte 0 bit 0 picks the config form
 * ("[profile x]") over the credentials form ("[x]"); the rest is the file.
 *
 * Oracles: every property parsed is found again by awsc_profile_get (its
 * last value) and its profile by awsc_profile_has; keys are lower case.
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
    bool is_config = data[0] & 1;
    size_t len = size - 1;
    char *text = malloc(len ? len : 1); /* exact size, no NUL: the parser takes a length */
    if (!text)
        return 0;
    memcpy(text, data + 1, len);

    awsc_profile_file f;
    memset(&f, 0, sizeof f);
    if (awsc_profile_parse(&f, text, len, is_config) == 0) {
        for (size_t i = 0; i < f.count; i++) {
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
            for (size_t j = i + 1; j < f.count; j++)
                later |= strcmp(f.props[j].profile, p->profile) == 0 && strcmp(f.props[j].key, p->key) == 0;
            if (!later && strcmp(v, p->value) != 0)
                fail("get does not return the last value", p);
        }
    }
    awsc_profile_free(&f);
    free(text);
    return 0;
}
