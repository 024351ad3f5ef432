/*
 * The credential sources behind credentials.c's provider, and the shared
 * config file parser. Each source returns AWSC_OK (credentials in `out`),
 * AWSC_CRED_ABSENT (not configured here: `why` gets a short note such as
 * "ECS (not configured)" and the chain moves on), or an awsc_status with
 * `err` filled (configured but failed: the chain stops there).
 */
#ifndef AWSC_CRED_SOURCES_H
#define AWSC_CRED_SOURCES_H

#include "util/buf.h"
#include "auth/credentials.h"

#include <stdbool.h>

#define AWSC_CRED_ABSENT (-1)

/* Frees a string after overwriting it (OPENSSL_cleanse); NULL is a no-op. */
void awsc_cred_wipe(char *s);

/* Takes ownership of the strings (NULL allowed for the token) or wipes them when it fails. */
/* Sets the account id of credentials just set (a copy of `id`, NULL or empty: none): 0, or -1 out of memory. */
int awsc_cred_set_account(awsc_credentials *c, const char *id);
int awsc_cred_set(awsc_credentials *out, char *access_key_id, char *secret, char *token, int64_t expiration);

/* ---- JSON documents that carry credentials ---- */

typedef enum awsc_cred_json {
    AWSC_CRED_JSON_PROCESS,   /* credential_process: Version 1, AccessKeyId, ..., SessionToken */
    AWSC_CRED_JSON_CONTAINER, /* ECS and IMDS: AccessKeyId, SecretAccessKey, Token, Expiration, Code */
    AWSC_CRED_JSON_IOT        /* {"credentials": {accessKeyId, secretAccessKey, sessionToken, expiration}} */
} awsc_cred_json;

/* `source` names where the text came from, for the error message (which never quotes values). */
int awsc_cred_parse_json(awsc_cred_json kind, const char *text, size_t len, const char *source,
                         awsc_credentials *out, awsc_error *err);

/* The "message" of a JSON error answer, made printable and cut to 200 bytes; NULL when there is none. */
char *awsc_cred_error_message(const char *text, size_t len);

/* ---- sources ---- */

int awsc_cred_env(awsc_credentials *out, awsc_buf *why, awsc_error *err);

/* ---- role credentials, through the STS plug-in (awsc_config.sts) ---- */

typedef struct awsc_cred_sts {
    const awsc_sts_api *sts;     /* NULL: role sources fail, saying what to link */
    const awsc_sso_api *sso;     /* NULL: SSO profiles fail, saying what to link */
    const awsc_config *config;   /* what the plug-in's STS client gets */
    int64_t now;
} awsc_cred_sts;

/* AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN: handed to the plug-in. */
int awsc_cred_web_identity_env(const awsc_cred_sts *s, const awsc_credentials_options *o, awsc_credentials *out,
                               awsc_buf *why, awsc_error *err);

/*
 * `named`: the profile was chosen (config or AWS_PROFILE), so its absence is an error.
 * A profile with role_arn goes to the STS plug-in in `s`, one with
 * sso_session or sso_start_url (itself or as a source_profile) to the SSO plug-in.
 */
int awsc_cred_profile(const char *profile, bool named, const awsc_credentials_options *o, const awsc_cred_sts *s,
                      awsc_credentials *out, awsc_buf *why, awsc_error *err);

/* Runs `command` with /bin/sh -c and reads its JSON answer from stdout. */
int awsc_cred_process(const char *command, long timeout_ms, awsc_credentials *out, awsc_error *err);

int awsc_cred_ecs(const awsc_credentials_options *o, awsc_credentials *out, awsc_buf *why, awsc_error *err);
int awsc_cred_imds(const awsc_credentials_options *o, awsc_credentials *out, awsc_buf *why, awsc_error *err);

typedef struct awsc_cred_iot_config {
    const char *endpoint;   /* host[:port], "https://" allowed in front */
    const char *role_alias;
    const char *thing_name; /* NULL: no x-amzn-iot-thingname header */
    const char *cert_file;
    const char *key_file;
    const char *ca_file;
    const char *ca_path;
} awsc_cred_iot_config;

int awsc_cred_iot(const awsc_cred_iot_config *c, const awsc_credentials_options *o, awsc_credentials *out,
                  awsc_error *err);

/* ---- shared config and credentials files ---- */

typedef struct awsc_profile_prop {
    const char *profile; /* one of the file's `profiles`: each section's name is kept once */
    char *key;   /* lower case: keys match case-insensitively, as in the AWS CLI */
    char *value; /* sub-properties and continuation lines follow as "\n..." */
} awsc_profile_prop;

typedef struct awsc_profile_file {
    char *path;
    bool present; /* false: the file does not exist */
    awsc_profile_prop *props;
    size_t count, cap;
    char **profiles; /* every valid section seen, even empty ones */
    size_t profile_count, profile_cap;
    size_t *profile_index; /* open-addressing hash of `profiles`: index + 1, 0 empty */
    size_t index_cap;      /* a power of two, at least twice profile_count */
} awsc_profile_file;

/*
 * Parses a file's text. `is_config`: sections are "[default]",
 * "[profile name]" and "[sso-session name]", whose properties are kept under
 * the profile name "sso-session name" (a profile name has no blank, so the two
 * never meet); other kinds are skipped. Otherwise "[name]". Returns 0 or -1
 * when out of memory.
 */
int awsc_profile_parse(awsc_profile_file *f, const char *text, size_t len, bool is_config);

/* ~/.aws/config or AWS_CONFIG_FILE (`is_config`), else ~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE. */
char *awsc_profile_path(bool is_config);

/* Reads and parses a file; a missing one is not an error (present = false). */
int awsc_profile_load(awsc_profile_file *f, bool is_config, awsc_error *err);

/* The last value of `key` in `profile`, or NULL. */
const char *awsc_profile_get(const awsc_profile_file *f, const char *profile, const char *key);
bool awsc_profile_has(const awsc_profile_file *f, const char *profile);
void awsc_profile_free(awsc_profile_file *f);

/* The profile to use: `configured` → AWS_PROFILE → "default"; *named tells whether one was chosen. */
const char *awsc_profile_name(const char *configured, bool *named);

#endif
