/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), x-amz-checksum-crc32c. */
#include "checksums/crc.h"

#include <pthread.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CRC32C_X86 1
#elif defined(__aarch64__) && defined(__GNUC__)
#include <arm_acle.h>
#include <asm/hwcap.h>
#include <sys/auxv.h>
#define CRC32C_ARM 1
#endif

#define POLY 0x82F63B78u
/* Below this the folding's setup costs more than the crc32 instruction saves. */
#define FOLD_MIN 256

static const awsc_fold_constants fold_constants = {
    .by_1024 = {0x6577b24500000000u, 0x7417153f00000000u},
    .by_128 = {0x3743f7bd00000000u, 0x3171d43000000000u},
};

static uint32_t table[8][256];
static uint32_t (*update)(uint32_t crc, const uint8_t *p, size_t len);
static const char *implementation = "portable";
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Slicing-by-8: eight bytes per step through eight tables (table[k] = a byte followed by k zero bytes). */
static uint32_t update_portable(uint32_t crc, const uint8_t *p, size_t len)
{
    for (; len >= 8; p += 8, len -= 8) {
        crc ^= awsc_load_le32(p);
        crc = table[7][crc & 0xff] ^ table[6][(crc >> 8) & 0xff] ^ table[5][(crc >> 16) & 0xff] ^
              table[4][crc >> 24] ^ table[3][p[4]] ^ table[2][p[5]] ^ table[1][p[6]] ^ table[0][p[7]];
    }
    while (len--)
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

#if CRC32C_X86
__attribute__((target("sse4.2"))) static uint32_t update_bytes(uint32_t crc, const uint8_t *p, size_t len)
{
    uint64_t c = crc;
    for (; len >= 8; p += 8, len -= 8)
        c = _mm_crc32_u64(c, awsc_load_le64(p));
    crc = (uint32_t)c;
    while (len--)
        crc = _mm_crc32_u8(crc, *p++);
    return crc;
}
#define HARDWARE_NAME "sse4.2"
#define HAVE_CRC_INSTRUCTION() __builtin_cpu_supports("sse4.2")
#elif CRC32C_ARM
__attribute__((target("+crc"))) static uint32_t update_bytes(uint32_t crc, const uint8_t *p, size_t len)
{
    for (; len >= 8; p += 8, len -= 8)
        crc = __crc32cd(crc, awsc_load_le64(p));
    while (len--)
        crc = __crc32cb(crc, *p++);
    return crc;
}
#define HARDWARE_NAME "armv8-crc"
#define HAVE_CRC_INSTRUCTION() ((getauxval(AT_HWCAP) & HWCAP_CRC32) != 0)
#endif

#ifdef HARDWARE_NAME
/* Long buffers: fold them down to 16 bytes with carry-less multiplies, then the crc32 instruction. */
static uint32_t update_folding(uint32_t crc, const uint8_t *p, size_t len)
{
    if (len < FOLD_MIN)
        return update_bytes(crc, p, len);
    uint8_t folded[16];
    size_t whole = len & ~(size_t)15;
    awsc_clmul_fold(&fold_constants, crc, p, whole, folded);
    return update_bytes(update_bytes(0, folded, sizeof folded), p + whole, len - whole);
}
#endif

static void init(void)
{
    AWSC_CRC_SLICING_TABLES(table, POLY);
    update = update_portable;
#ifdef HARDWARE_NAME
    if (HAVE_CRC_INSTRUCTION()) {
        bool fold = awsc_clmul_available();
        update = fold ? update_folding : update_bytes;
        implementation = fold ? HARDWARE_NAME "+clmul" : HARDWARE_NAME;
    }
#endif
}

uint32_t awsc_crc32c(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&once, init);
    return ~update(~crc, data, len);
}

uint32_t awsc_crc32c_portable(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&once, init);
    return ~update_portable(~crc, data, len);
}

const char *awsc_crc_implementation(void)
{
    pthread_once(&once, init);
    return implementation;
}
