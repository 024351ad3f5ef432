/*
 * CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), x-amz-checksum-crc32:
 * zlib's, except over long buffers on a CPU with a carry-less multiply, where
 * the folding of crc.h runs several times faster (zlib's braided CRC reaches
 * about 1 GB/s; an upload's trailer checksum must keep up with the network).
 */
#include "checksums/crc.h"

#include <pthread.h>
#include <zlib.h>

#define FOLD_MIN 256

static const awsc_fold_constants fold_constants = {
    .by_1024 = {0x7d657a1000000000u, 0x7406fa9500000000u},
    .by_128 = {0x65673b4600000000u, 0x9ba54c6f00000000u},
};

static bool fold;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
    fold = awsc_clmul_available();
}

/* zlib's, on the raw register (zlib inverts before and after). */
static uint32_t update_zlib(uint32_t reg, const uint8_t *p, size_t len)
{
    return ~(uint32_t)crc32_z(~reg & 0xffffffffu, p, len);
}

uint32_t awsc_crc32(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&once, init);
    const uint8_t *p = data;
    if (!fold || len < FOLD_MIN)
        return (uint32_t)crc32_z(crc, p, len);
    uint8_t folded[16];
    size_t whole = len & ~(size_t)15;
    awsc_clmul_fold(&fold_constants, ~crc, p, whole, folded);
    uint32_t reg = update_zlib(update_zlib(0, folded, sizeof folded), p + whole, len - whole);
    return ~reg;
}
