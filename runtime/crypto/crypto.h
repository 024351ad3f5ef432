/*
 * Hashes for signing. SHA-256 is our own, on state the caller keeps (no
 * allocation, no algorithm lookup): x86 SHA extensions where the CPU has them
 * (chosen at run time, so the build flags stay generic), else OpenSSL's block
 * function (its assembly: ARMv8 SHA-2, AVX2). A signature is a dozen blocks;
 * what a block costs is nearly all of it. HMAC keys are absorbed once into two
 * midstates and reused.
 */
#ifndef AWSC_CRYPTO_H
#define AWSC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A midstate: SHA-256's chaining value after a whole number of 64-byte blocks
 * (`len` bytes). Cheap to copy: what a cached key keeps. The words of `h` are in
 * the order the SHA instructions use (crypto.c), not FIPS 180-4's: only crypto.c
 * reads them.
 */
typedef struct awsc_sha256_mid {
    uint32_t h[8];
    uint64_t len;
} awsc_sha256_mid;

/* An in-progress SHA-256: the midstate and the partial block after it. */
typedef struct awsc_sha256_state {
    awsc_sha256_mid mid;
    uint8_t buf[64];
    size_t n; /* bytes in buf, < 64 */
} awsc_sha256_state;

void awsc_sha256_init(awsc_sha256_state *s);
void awsc_sha256_update(awsc_sha256_state *s, const void *data, size_t len);
void awsc_sha256_final(awsc_sha256_state *s, uint8_t out[32]);

/* The initial midstate (nothing absorbed). */
void awsc_sha256_mid_init(awsc_sha256_mid *m);
/* Absorbs `blocks` whole 64-byte blocks. */
void awsc_sha256_mid_absorb(awsc_sha256_mid *m, const void *data, size_t blocks);
/* The digest of what `m` absorbed followed by `data` (any length); `m` is unchanged. */
void awsc_sha256_mid_final(const awsc_sha256_mid *m, const void *data, size_t len, uint8_t out[32]);
/*
 * The digest of `data` (as awsc_sha256) while `m` absorbs `count` whole blocks of `blocks`: two
 * independent hashes interleaved, which with SHA extensions take about the time of the longer one.
 */
void awsc_sha256_pair(const void *data, size_t len, uint8_t out[32], awsc_sha256_mid *m, const void *blocks,
                      size_t count);
/*
 * A hash of a buffer known in advance, whose blocks go a few at a time, each paired with a block
 * of another hash as that one's blocks become ready (the payload's with the canonical request's).
 */
typedef struct awsc_sha256_job {
    uint32_t h[8];
    const uint8_t *data;
    size_t whole, total, next; /* data's whole blocks; all blocks, padding included; blocks hashed */
    uint8_t tail[128];
} awsc_sha256_job;
void awsc_sha256_job_init(awsc_sha256_job *j, const void *data, size_t len);
/* `m` absorbs `count` whole blocks of `blocks`, each paired with the job's next block while it has one. */
void awsc_sha256_job_pair(awsc_sha256_job *j, awsc_sha256_mid *m, const void *blocks, size_t count);
/* The job's blocks not hashed yet, then its digest. */
void awsc_sha256_job_final(awsc_sha256_job *j, uint8_t out[32]);
/*
 * awsc_sha256_mid_final, the padding written in place after `len` bytes of `data` (which has
 * room for len - len % 64 + 128 bytes): no copy of the tail.
 */
void awsc_sha256_mid_final_inplace(const awsc_sha256_mid *m, uint8_t *data, size_t len, uint8_t out[32]);
/* HMAC-SHA256 from a key's two midstates (`inner` may have absorbed the message's first blocks);
 * `data` has room as for awsc_sha256_mid_final_inplace. */
void awsc_hmac_mids_inplace(const awsc_sha256_mid *inner, const awsc_sha256_mid *outer, uint8_t *data, size_t len,
                            uint8_t out[32]);
/* A state that continues from `m`. */
void awsc_sha256_init_from(awsc_sha256_state *s, const awsc_sha256_mid *m);

/* An HMAC-SHA256 key as its inner and outer pads' midstates (one block each). */
typedef struct awsc_hmac_key {
    awsc_sha256_mid inner, outer;
} awsc_hmac_key;

void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t len);
void awsc_hmac_with(const awsc_hmac_key *k, const void *data, size_t len, uint8_t out[32]);
/*
 * The HMAC of a message whose first whole blocks are absorbed into `inner`
 * (begun from k->inner) and whose rest is `data`.
 */
void awsc_hmac_with_mid(const awsc_hmac_key *k, const awsc_sha256_mid *inner, const void *data, size_t len,
                        uint8_t out[32]);
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

/*
 * For tests: `false` makes SHA-256 use the fallback block function even where
 * the CPU has SHA extensions, `true` goes back to the best one. Returns whether
 * the SHA extensions are now in use. Not for concurrent use with hashing.
 */
bool awsc_sha256_use_hardware(bool on);

#endif
