/*
 * The CRCs of flexible checksums (x-amz-checksum-crc32c, -crc64nvme). Each
 * takes the running value (0 to start) and returns the updated one, as zlib's
 * crc32() does, so a body can be checksummed piece by piece. The hardware
 * path (SSE4.2 / ARMv8 CRC, and carry-less multiply folding on longer
 * buffers) is chosen once per process from the CPU; the portable one is
 * table-driven slicing-by-8.
 */
#ifndef AWSC_CRC_H
#define AWSC_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint32_t awsc_crc32c(uint32_t crc, const void *data, size_t len);
/* CRC-32 (zlib's crc32(), folded with a carry-less multiply on long buffers where the CPU has one) */
uint32_t awsc_crc32(uint32_t crc, const void *data, size_t len);
uint64_t awsc_crc64nvme(uint64_t crc, const void *data, size_t len);

/* The table-driven forms, whatever the CPU has (tests compare them with the above). */
uint32_t awsc_crc32c_portable(uint32_t crc, const void *data, size_t len);
uint64_t awsc_crc64nvme_portable(uint64_t crc, const void *data, size_t len);

/* What awsc_crc32c / awsc_crc64nvme run on this CPU, e.g. "sse4.2+pclmul" or "portable". */
const char *awsc_crc_implementation(void);

/* ---- shared by the CRC files ---- */

/* Loads little-endian words whatever the host's byte order. */
static inline uint32_t awsc_load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t awsc_load_le64(const uint8_t *p)
{
    return (uint64_t)awsc_load_le32(p) | (uint64_t)awsc_load_le32(p + 4) << 32;
}

/*
 * Fills the eight slicing-by-8 tables of a reflected CRC of polynomial `poly`
 * (`table` is T[8][256] of uint32_t or uint64_t): table[0] is one byte's
 * CRC, table[k] a byte followed by k zero bytes. A macro so that both widths
 * share it.
 */
#define AWSC_CRC_SLICING_TABLES(table, poly)                                                                     \
    do {                                                                                                        \
        for (unsigned n_ = 0; n_ < 256; n_++) {                                                                 \
            table[0][n_] = n_;                                                                                  \
            for (int b_ = 0; b_ < 8; b_++)                                                                      \
                table[0][n_] = table[0][n_] & 1 ? (table[0][n_] >> 1) ^ (poly) : table[0][n_] >> 1;             \
        }                                                                                                       \
        for (int k_ = 1; k_ < 8; k_++)                                                                          \
            for (unsigned n_ = 0; n_ < 256; n_++)                                                               \
                table[k_][n_] = (table[k_ - 1][n_] >> 8) ^ table[0][table[k_ - 1][n_] & 0xff];                  \
    } while (0)

/*
 * Folding with carry-less multiplication, for any reflected CRC of up to 64
 * bits. The buffer is read as 128-bit lanes, each lane L*x^64 + H (L: its
 * first 8 bytes); moving a lane D bits further on multiplies it by x^D, and
 * L*(x^(D+64) mod P) + H*(x^D mod P) is the same modulo P and fits in 128
 * bits. The constants are those remainders, bit-reflected to 64 bits and
 * divided by x (the product of two reflected 64-bit values comes out one bit
 * short): by_1024 for eight lanes at once, by_128 for one.
 */
typedef struct awsc_fold_constants {
    uint64_t by_1024[2]; /* reflect64(x^1087 mod P), reflect64(x^1023 mod P) */
    uint64_t by_128[2];  /* reflect64(x^191 mod P), reflect64(x^127 mod P) */
} awsc_fold_constants;

/* Whether this CPU has a carry-less multiply (PCLMULQDQ, ARMv8 PMULL). */
bool awsc_clmul_available(void);
/*
 * Folds `len` bytes (a multiple of 16, at least 128) into 16 bytes whose CRC
 * from 0 is the CRC of the buffer from `crc` (the raw register, not inverted).
 * Only when awsc_clmul_available().
 */
void awsc_clmul_fold(const awsc_fold_constants *k, uint64_t crc, const uint8_t *data, size_t len, uint8_t out[16]);

#endif
