/*
 * The IAM Identity Center logic of libawsc-sso-credentials, apart from the
 * generated SSO and SSO-OIDC clients so that it can be tested with fakes:
 * which form a profile uses (sso_session with an [sso-session] section, or the
 * legacy sso_start_url), the token cache (~/.aws/sso/cache/<SHA-1>.json), the
 * refresh decision, and the atomic rewrite of the cache file.
 */
#ifndef AWSC_SSO_TOKEN_H
#define AWSC_SSO_TOKEN_H

#include "awsc/awsc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Refresh a token this long before it expires (the SDKs' five minutes). */
#define AWSC_SSO_REFRESH_AHEAD_S 300
/* A cache file larger than this is not a token (the AWS CLI writes about 2 KiB). */
#define AWSC_SSO_MAX_CACHE_BYTES (64 * 1024)

/* One cache file. Strings are malloc'd; the secrets are wiped when cleared. */
typedef struct awsc_sso_token {
    char *access_token;            /* secret */
    int64_t expires_at;            /* seconds since the epoch */
    char *refresh_token;           /* secret; NULL when none */
    char *client_id;
    char *client_secret;           /* secret */
    char *registration_expires_at; /* as written; NULL when none */
    int64_t registration_expires;  /* parsed; 0 when none */
    char *region;
    char *start_url;
} awsc_sso_token;

void awsc_sso_token_clear(awsc_sso_token *t);

/* Whether the token carries what CreateToken needs to refresh it (not the times). */
bool awsc_sso_token_refreshable(const awsc_sso_token *t);

/* SHA-1 of `key` in lower-case hex: the cache file's name without ".json". */
void awsc_sso_cache_name(const char *key, char hex[41]);

/* $HOME/.aws/sso/cache/<SHA-1 of key>.json (malloc'd), or NULL with `err` filled. */
char *awsc_sso_cache_path(const char *key, awsc_error *err);

/* Parses a cache file's text; `path` is for messages only (which never quote values). */
int awsc_sso_token_parse(const char *text, size_t len, const char *path, awsc_sso_token *out, awsc_error *err);

/* Reads and parses the cache file; a missing one is AWSC_E_CONFIG with `login` (what to run) in the message. */
int awsc_sso_token_load(const char *path, const char *login, awsc_sso_token *out, awsc_error *err);

/*
 * Writes the token as JSON to a new file beside `path` (mode 0600), flushed
 * to disk, then renames it over `path`: a reader sees the old file or the
 * new one, never a part.
 */
int awsc_sso_token_save(const char *path, const awsc_sso_token *t, awsc_error *err);

/* What a refresh brought: the new access token, its lifetime, and a new refresh token or NULL. */
typedef struct awsc_sso_refreshed {
    char *access_token;
    int64_t expires_in;
    char *refresh_token;
} awsc_sso_refreshed;

/* The service calls, made with the generated clients (sso_credentials.c) or with fakes in tests. */
typedef struct awsc_sso_calls {
    /* SSO-OIDC CreateToken with grant_type refresh_token, in `region`. */
    int (*create_token)(const awsc_config *config, const char *region, const awsc_sso_token *token,
                        awsc_sso_refreshed *out, awsc_error *err);
    /* SSO GetRoleCredentials with the access token, in `region`. */
    int (*get_role_credentials)(const awsc_config *config, const char *region, const char *access_token,
                                const char *account_id, const char *role_name, awsc_role_credentials *out,
                                awsc_error *err);
} awsc_sso_calls;

/* The awsc_sso_api.profile_sso function over `calls`. */
int awsc_sso_profile(const awsc_sso_calls *calls, const awsc_role_host *host, const char *profile,
                     awsc_role_credentials *out, awsc_error *err);

/* The awsc_sso_api.profile_token function over `calls`: the sso_session's access token, refreshed when due. */
int awsc_sso_profile_token(const awsc_sso_calls *calls, const awsc_role_host *host, const char *profile, char **token,
                           int64_t *expires, awsc_error *err);

#endif
