/*
 * A profile table for the SSO tests: what the SSO plug-in asks its host for (a profile's
 * values, whether a profile exists) answered from `props`, which each test points at rows of
 * profile, key, value, ..., NULL (session_props or its own).
 */
#ifndef AWSC_TEST_SSO_FAKE_PROFILE_H
#define AWSC_TEST_SSO_FAKE_PROFILE_H

#include <stdbool.h>
#include <string.h>

static const char *const *props;

/* The profiles both tests read: "dev" through an sso-session, "old" in the legacy form. */
static const char *const session_props[] = {
    "dev", "sso_session", "corp",
    "dev", "sso_account_id", "111122223333",
    "dev", "sso_role_name", "admin",
    "sso-session corp", "sso_start_url", "https://corp.awsapps.com/start",
    "sso-session corp", "sso_region", "us-west-2",
    "old", "sso_start_url", "https://corp.awsapps.com/start",
    "old", "sso_region", "eu-west-1",
    "old", "sso_account_id", "111122223333",
    "old", "sso_role_name", "admin",
    NULL,
};

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
