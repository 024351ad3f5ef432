/*
 * The role logic of libawsc-sts-credentials, apart from the STS client so that
 * it can be tested with a fake STS: web identity from the environment, and
 * profiles with role_arn (source_profile chains, credential_source,
 * web_identity_token_file).
 */
#ifndef AWSC_ROLE_CHAIN_H
#define AWSC_ROLE_CHAIN_H

#include "awsc/awsc.h"

/* One STS call, as the role logic asks for it. */
typedef struct awsc_role_request {
    const char *role_arn;
    const char *role_session_name;
    const char *web_identity_token;   /* set: AssumeRoleWithWebIdentity (unsigned); NULL: AssumeRole */
    const char *external_id;          /* NULL when none */
    const char *serial_number;        /* mfa_serial, with token_code (the device's current code); NULL when none */
    const char *token_code;
    int duration_seconds;             /* 0: the service's default */
    const awsc_role_credentials *source; /* AssumeRole: what to sign with */
    const char *what;                 /* the source, for messages: "profile dev (role_arn)" */
} awsc_role_request;

/* Makes one STS call; `err` is never NULL and the message should start with req->what. */
typedef int (*awsc_assume_fn)(const awsc_config *config, const awsc_role_request *req, awsc_role_credentials *out,
                              awsc_error *err);

int awsc_role_web_identity_env(awsc_assume_fn assume, const awsc_role_host *host, awsc_role_credentials *out,
                               awsc_error *err);
int awsc_role_profile(awsc_assume_fn assume, const awsc_role_host *host, const char *profile,
                      awsc_role_credentials *out, awsc_error *err);

/* Frees credentials, wiping the secrets. */
void awsc_role_credentials_clear(awsc_role_credentials *c);

/* Fills `err` (clearing it first) with a printf-style message; returns `status`. */
int awsc_role_error(awsc_error *err, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
