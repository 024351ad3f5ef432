/* Base64 (RFC 4648, standard alphabet, padded) for blobs in JSON and headers. */
#ifndef AWSC_BASE64_H
#define AWSC_BASE64_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

/* Appends the encoding of data[0..len). Returns 0, or -1 when out of memory. */
int awsc_base64_encode(awsc_buf *out, const uint8_t *data, size_t len);

/*
 * Appends the decoded bytes of text[0..len). Accepts padded input and, like
 * the AWS SDKs, unpadded input; rejects any other character, misplaced
 * padding or a length that cannot be base64 (returns -2, nothing appended).
 * Returns 0, or -1 when out of memory.
 */
int awsc_base64_decode(awsc_buf *out, const char *text, size_t len);

#endif
