/*
 * libawsc-sigv4a: AWS Signature Version 4a (ECDSA P-256 over OpenSSL).
 *
 * Endpoint rules select SigV4a for S3 Multi-Region Access Points (and any
 * rule set whose authSchemes name "sigv4a"). The runtime reaches it only
 * through awsc_config.sigv4a, so that programs that never sign with SigV4a
 * carry no elliptic-curve code:
 *
 *     awsc_config cfg = AWSC_CONFIG_INIT;
 *     cfg.sigv4a = awsc_sigv4a_signer();
 *     cfg.sigv4a_signing_region_set = "*";   (optional: else the endpoint's set, else the region)
 *
 * Without it, a request whose endpoint asks for SigV4a alone fails with
 * AWSC_E_CONFIG before anything is sent.
 */
#ifndef AWSC_SIGV4A_H
#define AWSC_SIGV4A_H

#include <awsc/awsc.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The SigV4a signer for awsc_config.sigv4a. A constant: share it freely. */
AWSC_API const awsc_sigv4a_api *awsc_sigv4a_signer(void);

/**
 * The public key (affine x, y, big-endian) of the P-256 key SigV4a derives
 * from these credentials, as the aws-c-auth test suite lists it: for checking
 * signatures elsewhere. 0, or -1 on bad input or an OpenSSL failure.
 */
AWSC_API int awsc_sigv4a_public_key(const char *access_key_id, const char *secret_access_key, uint8_t x[32],
                                    uint8_t y[32]);

#ifdef __cplusplus
}
#endif
#endif
