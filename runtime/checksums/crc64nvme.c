/* CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), x-amz-checksum-crc64nvme. */
#include "checksums/crc.h"

#include <pthread.h>

#define POLY 0x9A6C9329AC4BC9B5u
#define FOLD_MIN 256

static const awsc_fold_constants fold_constants = {
    .by_1024 = {0xa1ca681e733f9c40u, 0x5f852fb61e8d92dcu},
    .by_128 = {0xeadc41fd2ba3d420u, 0x21e9761e252621acu},
};

static uint64_t table[8][256];
static bool fold;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
    AWSC_CRC_SLICING_TABLES(table, POLY);
    fold = awsc_clmul_available();
}

static uint64_t update_portable(uint64_t crc, const uint8_t *p, size_t len)
{
    for (; len >= 8; p += 8, len -= 8) {
        crc ^= awsc_load_le64(p);
        crc = table[7][crc & 0xff] ^ table[6][(crc >> 8) & 0xff] ^ table[5][(crc >> 16) & 0xff] ^
              table[4][(crc >> 24) & 0xff] ^ table[3][(crc >> 32) & 0xff] ^ table[2][(crc >> 40) & 0xff] ^
              table[1][(crc >> 48) & 0xff] ^ table[0][crc >> 56];
    }
    while (len--)
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

uint64_t awsc_crc64nvme(uint64_t crc, const void *data, size_t len)
{
    pthread_once(&once, init);
    const uint8_t *p = data;
    crc = ~crc;
    if (fold && len >= FOLD_MIN) {
        uint8_t folded[16];
        size_t whole = len & ~(size_t)15;
        awsc_clmul_fold(&fold_constants, crc, p, whole, folded);
        crc = update_portable(0, folded, sizeof folded);
        p += whole;
        len -= whole;
    }
    return ~update_portable(crc, p, len);
}

uint64_t awsc_crc64nvme_portable(uint64_t crc, const void *data, size_t len)
{
    pthread_once(&once, init);
    return ~update_portable(~crc, data, len);
}
