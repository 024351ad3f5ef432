/*
 * Hashes for signing. SHA-256 runs on OpenSSL's low-level block functions
 * (hardware SHA where the CPU has it) with state on the caller's stack: no
 * allocation and no algorithm lookup per call, which is most of what a
 * signature costs. HMAC keys can be absorbed once and reused.
 */
#ifndef AWSC_CRYPTO_H
#define AWSC_CRYPTO_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

/* An in-progress SHA-256 (OpenSSL's SHA256_CTX, kept opaque here). */
typedef struct awsc_sha256_state {
    alignas(8) unsigned char opaque[128];
} awsc_sha256_state;

void awsc_sha256_init(awsc_sha256_state *s);
void awsc_sha256_update(awsc_sha256_state *s, const void *data, size_t len);
void awsc_sha256_final(awsc_sha256_state *s, uint8_t out[32]);

/* An HMAC-SHA256 key with its inner and outer pads already absorbed. */
typedef struct awsc_hmac_key {
    awsc_sha256_state inner, outer;
} awsc_hmac_key;

void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t len);
void awsc_hmac_with(const awsc_hmac_key *k, const void *data, size_t len, uint8_t out[32]);
/* The HMAC of a message whose inner hash (begun from k->inner) is `inner`, absorbed up to its end. */
void awsc_hmac_finish(const awsc_hmac_key *k, awsc_sha256_state *inner, uint8_t out[32]);
/* Wipes a key's state (it holds the key's secret material). */
void awsc_hmac_key_wipe(awsc_hmac_key *k);

/* One-shot forms; they return 0 (kept for callers that check). */
int awsc_sha256(const void *data, size_t len, uint8_t out[32]);
int awsc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32]);
/* MD5, only for the Content-MD5 header that @httpChecksumRequired operations must send. */
int awsc_md5(const void *data, size_t len, uint8_t out[16]);
/* Lower-case hex of `len` bytes into `out` (2*len+1 bytes, NUL-terminated). */
void awsc_hex(const uint8_t *bytes, size_t len, char *out);

#endif
