/*
 * A profile table for the SSO tests: what the SSO plug-in asks its host for (a profile's
 * values, whether a profile exists) answered from `props`, which each test points at its own
 * rows: profile, key, value, ..., NULL.
 */
#ifndef AWSC_TEST_SSO_FAKE_PROFILE_H
#define AWSC_TEST_SSO_FAKE_PROFILE_H

#include <stdbool.h>
#include <string.h>

static const char *const *props;

static const char *fake_value(void *ctx, const char *profile, const char *key)
{
    (void)ctx;
    for (const char *const *p = props; *p; p += 3)
        if (strcmp(p[0], profile) == 0 && strcmp(p[1], key) == 0)
            return p[2];
    return NULL;
}

static bool fake_exists(void *ctx, const char *profile)
{
    (void)ctx;
    for (const char *const *p = props; *p; p += 3)
        if (strcmp(p[0], profile) == 0)
            return true;
    return false;
}

#endif
