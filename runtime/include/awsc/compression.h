/**
 * @file compression.h
 * Request compression (smithy.api#requestCompression, gzip) in its own library
 * (libawsc-compression, which needs zlib), so that programs whose services
 * never compress carry none of it. Generated services with such operations
 * include this header and link awsc-compression.
 */
#ifndef AWSC_COMPRESSION_API_H
#define AWSC_COMPRESSION_API_H

#include "awsc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The engine an operation's awsc_operation.compression points at. */
AWSC_API extern const awsc_compression_engine awsc_gzip_compression;

#ifdef __cplusplus
}
#endif
#endif
