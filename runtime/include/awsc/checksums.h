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

/**
 * A running checksum of one of the flexible-checksum algorithms, for code that
 * computes them itself (the transfer helper's per-part checksums): "CRC32",
 * "CRC32C", "CRC64NVME", "SHA1" or "SHA256" (case-insensitive).
 */
typedef struct awsc_checksum awsc_checksum;

/** A new checksum of `algorithm`; NULL when the name is unknown or memory is short. */
AWSC_API awsc_checksum *awsc_checksum_new(const char *algorithm);
/** Absorbs `len` bytes. */
AWSC_API void awsc_checksum_update(awsc_checksum *cs, const void *data, size_t len);
/**
 * Ends the checksum: its digest (CRCs big-endian, as S3 sends them) into `raw`
 * (32 bytes are always enough) and its length returned; `base64` (when not
 * NULL, at least 48 bytes) receives the x-amz-checksum-* header's text. The
 * checksum starts over afterwards.
 */
AWSC_API size_t awsc_checksum_final(awsc_checksum *cs, uint8_t raw[32], char *base64);
/** The algorithm's canonical name ("CRC32"...). */
AWSC_API const char *awsc_checksum_name(const awsc_checksum *cs);
AWSC_API void awsc_checksum_free(awsc_checksum *cs);

#ifdef __cplusplus
}
#endif
#endif
