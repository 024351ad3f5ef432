/* CRC32, CRC32C and CRC64NVME: published check values, and the hardware path against the portable one. */
#include "checksums/crc.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

Test(crc, check_values)
{
    /* The catalogue's "check" (CRC of "123456789") and RFC 3720's iSCSI vectors for CRC32C. */
    cr_assert_eq(awsc_crc32c(0, "123456789", 9), 0xE3069283u);
    cr_assert_eq(awsc_crc64nvme(0, "123456789", 9), 0xAE8B14860A799888u);
    uint8_t buf[32];
    memset(buf, 0, sizeof buf);
    cr_assert_eq(awsc_crc32c(0, buf, sizeof buf), 0x8A9136AAu);
    memset(buf, 0xff, sizeof buf);
    cr_assert_eq(awsc_crc32c(0, buf, sizeof buf), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    cr_assert_eq(awsc_crc32c(0, buf, sizeof buf), 0x46DD794Eu);
    cr_assert_eq(awsc_crc32c(0, "", 0), 0);
    cr_assert_eq(awsc_crc64nvme(0, "", 0), 0);
    cr_assert_eq(awsc_crc32(0, "123456789", 9), 0xCBF43926u);
    cr_assert_eq(awsc_crc32(0, "", 0), 0);
    cr_assert_eq(awsc_crc32c_portable(0, "123456789", 9), 0xE3069283u);
    cr_assert_eq(awsc_crc64nvme_portable(0, "123456789", 9), 0xAE8B14860A799888u);
}

/* Every length 0..4096 at every alignment mod 8: the folding, the crc32 instruction and their tails. */
Test(crc, hardware_matches_portable)
{
    cr_log_info("crc implementation: %s", awsc_crc_implementation());
    enum { MAX = 4096 };
    uint8_t *buf = malloc(MAX + 8);
    cr_assert_not_null(buf);
    srand(14);
    for (size_t i = 0; i < MAX + 8; i++)
        buf[i] = (uint8_t)rand();
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n <= MAX; n++) {
            const uint8_t *p = buf + off;
            cr_assert_eq(awsc_crc32c(0, p, n), awsc_crc32c_portable(0, p, n), "crc32c off %zu len %zu", off, n);
            cr_assert_eq(awsc_crc64nvme(0, p, n), awsc_crc64nvme_portable(0, p, n), "crc64 off %zu len %zu", off, n);
            cr_assert_eq(awsc_crc32(0x5A5A5A5Au, p, n), (uint32_t)crc32_z(0x5A5A5A5Au, p, n), "crc32 off %zu len %zu",
                         off, n); /* zlib's is the reference (and the fallback) */
        }
    }
    free(buf);
}

/* A CRC computed piece by piece (a streamed body) equals the one over the whole buffer. */
Test(crc, incremental_equals_whole)
{
    enum { LEN = 70000 };
    uint8_t *buf = malloc(LEN);
    cr_assert_not_null(buf);
    for (size_t i = 0; i < LEN; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    uint32_t whole32 = awsc_crc32c(0, buf, LEN), whole_iso = awsc_crc32(0, buf, LEN);
    cr_assert_eq(whole_iso, (uint32_t)crc32_z(0, buf, LEN));
    uint64_t whole64 = awsc_crc64nvme(0, buf, LEN);
    static const size_t steps[] = {1, 7, 255, 256, 4093, 16384};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        uint32_t c32 = 0, iso = 0;
        uint64_t c64 = 0;
        for (size_t at = 0; at < LEN; at += steps[s]) {
            size_t n = LEN - at < steps[s] ? LEN - at : steps[s];
            c32 = awsc_crc32c(c32, buf + at, n);
            c64 = awsc_crc64nvme(c64, buf + at, n);
            iso = awsc_crc32(iso, buf + at, n);
        }
        cr_assert_eq(iso, whole_iso, "step %zu", steps[s]);
        cr_assert_eq(c32, whole32, "step %zu", steps[s]);
        cr_assert_eq(c64, whole64, "step %zu", steps[s]);
    }
    free(buf);
}
