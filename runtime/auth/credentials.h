/*
 * Credentials providers and the default chain, as the AWS SDKs order it:
 * explicit → environment → web identity (AWS_WEB_IDENTITY_TOKEN_FILE) →
 * shared config/credentials files (profiles: role_arn through STS,
 * credential_process, keys) → ECS container credentials → EC2 IMDSv2; and the AWS
 * IoT credentials provider (X.509 → temporary credentials) for devices.
 * Credentials with an expiration are cached and refreshed ahead of it.
 */
#ifndef AWSC_CREDENTIALS_H
#define AWSC_CREDENTIALS_H

#include "awsc/awsc.h"

#include <stdint.h>

typedef struct awsc_credentials {
    char *access_key_id;
    char *secret_access_key;  /* wiped (OPENSSL_cleanse) when freed */
    char *session_token;      /* NULL when none; wiped when freed */
    int64_t expiration;       /* seconds since the epoch; 0 = does not expire */
    char *account_id;         /* the account the credentials belong to, when their source says; else NULL */
} awsc_credentials;

void awsc_credentials_clear(awsc_credentials *c);
int awsc_credentials_copy(awsc_credentials *dst, const awsc_credentials *src);

typedef struct awsc_credentials_provider awsc_credentials_provider;

/*
 * The provider a client uses, built from its configuration: explicit keys if
 * given, the IoT credentials provider if configured, else the default chain.
 * Reads nothing yet (providers are asked lazily, at the first call).
 */
awsc_credentials_provider *awsc_credentials_provider_new(const awsc_config *cfg, awsc_error *err);

/*
 * Current credentials (a copy the caller clears). Cached; refreshed when less
 * than five minutes remain. Safe to call from many threads at once: one
 * refresh runs while the others wait for it.
 */
int awsc_credentials_provider_get(awsc_credentials_provider *p, awsc_credentials *out, awsc_error *err);

/*
 * The same for a caller that keeps its copy between calls: `out` and
 * `*version` are what an earlier call left (or zeroed). When the provider's
 * cached credentials are still that version, `out` is left as it is: no copy.
 * Otherwise `out` is cleared and refilled, and *version says what it holds
 * (0: credentials that are not cached, such as the environment's). On failure
 * `out` is cleared.
 */
int awsc_credentials_provider_get_reusing(awsc_credentials_provider *p, awsc_credentials *out,
                                          unsigned long *version, awsc_error *err);

void awsc_credentials_provider_free(awsc_credentials_provider *p);

/* Knobs for tests and unusual platforms; zero fields mean the defaults. */
typedef struct awsc_credentials_options {
    /* Replaces "http://169.254.170.2" in front of AWS_CONTAINER_CREDENTIALS_RELATIVE_URI. */
    const char *ecs_base_url;
    long imds_timeout_ms;      /* per IMDS request, connect included; 0: 1000 */
    int imds_attempts;         /* 0: 2 */
    long http_timeout_ms;      /* per ECS or IoT request; 0: 5000 */
    long process_timeout_ms;   /* credential_process; 0: 60000 */
} awsc_credentials_options;

awsc_credentials_provider *awsc_credentials_provider_new_with(const awsc_config *cfg,
                                                              const awsc_credentials_options *opts,
                                                              awsc_error *err);

/*
 * The bearer token of the chain's profile (its sso_session, through the SSO
 * plug-in): AWSC_OK with *token (malloc'd, wipe it) and *expires, -1 when the
 * profile has no sso_session or no SSO plug-in is set, or an error status.
 */
int awsc_credentials_provider_token(awsc_credentials_provider *p, char **token, int64_t *expires, awsc_error *err);

/* The start of the chain's message when it has no credentials. */
#define AWSC_NO_CREDENTIALS "no credentials: tried "

/* Whether the last refresh failed because no source is configured at all (optionalAuth then sends unsigned). */
bool awsc_credentials_provider_found_none(awsc_credentials_provider *p);

/* How many times the provider has fetched credentials (for tests). */
unsigned long awsc_credentials_provider_refreshes(awsc_credentials_provider *p);

/* ---- shared config files ---- */

/*
 * Looks up `key` of `profile` in the shared config file (AWS_CONFIG_FILE or
 * ~/.aws/config, sections "[default]" / "[profile name]") and credentials file
 * (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, sections "[name]");
 * the credentials file wins. Returns a new string or NULL.
 */
char *awsc_profile_value(const char *profile, const char *key);

/*
 * Between begin and end (nested, per thread), awsc_profile_value reads both files once
 * rather than once per lookup: awsc_client_new's many settings take one read.
 */
void awsc_profile_scope_begin(void);
void awsc_profile_scope_end(void);

/* The region: explicit → AWS_REGION → AWS_DEFAULT_REGION → the profile's `region`. New string or NULL. */
char *awsc_resolve_region(const awsc_config *cfg);

#endif
