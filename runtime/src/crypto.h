/* Hashes for signing: thin wrappers over OpenSSL's one-shot APIs. */
#ifndef AWSC_CRYPTO_H
#define AWSC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Both return 0, or -1 when OpenSSL fails (out of memory); `out` is zeroed then. */
int awsc_sha256(const void *data, size_t len, uint8_t out[32]);
/* MD5, only for the Content-MD5 header that @httpChecksumRequired operations must send. */
int awsc_md5(const void *data, size_t len, uint8_t out[16]);
int awsc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32]);
/* Lower-case hex of `len` bytes into `out` (2*len+1 bytes, NUL-terminated). */
void awsc_hex(const uint8_t *bytes, size_t len, char *out);

#endif
