/*
 * libawsc-sts-credentials: AWS STS for the default credentials chain.
 *
 * The runtime reaches STS only through awsc_config.sts, so that programs that
 * never assume a role do not carry an XML parser and an STS client. A program
 * that wants web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) and
 * profiles with role_arn links this library and sets
 *
 *     awsc_config cfg = AWSC_CONFIG_INIT;
 *     cfg.sts = awsc_sts_credentials_api();
 *
 * The STS endpoint is the regional one of the client's region
 * (https://sts.REGION.amazonaws.com, by STS's endpoint rules, FIPS and
 * dual-stack included), or AWS_ENDPOINT_URL_STS when set.
 */
#ifndef AWSC_STS_CREDENTIALS_H
#define AWSC_STS_CREDENTIALS_H

#include <awsc/awsc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The STS calls of the credentials chain, made with the generated STS client. A constant: share it freely. */
AWSC_API const awsc_sts_api *awsc_sts_credentials_api(void);

#ifdef __cplusplus
}
#endif
#endif
