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

/* The number of bytes text[0..len) decodes to, or -2 when no base64 has that length (or misplaces '='). */
long awsc_base64_decoded_size(const char *text, size_t len);

/*
 * Decodes text[0..len) into `out`, which has room for awsc_base64_decoded_size
 * bytes: returns that size, or -2 (as awsc_base64_decode rejects; `out` then
 * holds garbage).
 */
long awsc_base64_decode_to(uint8_t *out, const char *text, size_t len);

#endif
