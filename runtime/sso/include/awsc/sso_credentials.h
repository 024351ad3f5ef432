/*
 * libawsc-sso-credentials: IAM Identity Center (SSO) for the default credentials chain.
 *
 * The runtime reaches SSO only through awsc_config.sso, so that programs that
 * never sign in with IAM Identity Center do not carry the SSO and SSO-OIDC
 * clients. A program that wants profiles with sso_session (and an
 * [sso-session NAME] section) or the legacy sso_start_url links this library and sets
 *
 *     awsc_config cfg = AWSC_CONFIG_INIT;
 *     cfg.sso = awsc_sso_credentials_api();
 *
 * The token comes from the cache `aws sso login` writes
 * (~/.aws/sso/cache/<SHA-1 of the session name or start URL>.json); an
 * sso-session token close to expiry is refreshed through SSO-OIDC CreateToken
 * and the cache file rewritten atomically. A missing or expired token is an
 * error that says to run `aws sso login`. The endpoints are the regional ones
 * of sso_region, or AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC when set.
 */
#ifndef AWSC_SSO_CREDENTIALS_H
#define AWSC_SSO_CREDENTIALS_H

#include <awsc/awsc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The SSO calls of the credentials chain, made with the generated SSO and SSO-OIDC clients. A constant: share it freely. */
AWSC_API const awsc_sso_api *awsc_sso_credentials_api(void);

#ifdef __cplusplus
}
#endif
#endif
