/**
 * @file checksums.h
 * Flexible checksums (aws.protocols#httpChecksum) in their own library
 * (libawsc-checksums, which needs zlib), so that programs whose services have
 * none carry none of it. Generated services with such operations include this
 * header and link awsc-checksums.
 */
#ifndef AWSC_CHECKSUMS_H
#define AWSC_CHECKSUMS_H

#include "awsc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The engine an operation's awsc_http_checksum points at. */
AWSC_API extern const awsc_checksum_engine awsc_flexible_checksums;
/**
 * Glacier's UploadArchive and UploadMultipartPart: X-Amz-Content-Sha256 and
 * X-Amz-Sha256-Tree-Hash (SHA-256 tree hash of 1 MiB pieces) of the body.
 */
AWSC_API extern const awsc_checksum_engine awsc_glacier_tree_hash;

#ifdef __cplusplus
}
#endif
#endif
