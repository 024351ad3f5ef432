/*
 * Checksum speed for bench/run: `checksums N` runs CRC32C and CRC64NVME (ours)
 * and CRC32 (zlib's, what the SDKs use for x-amz-checksum-crc32) over the same
 * 64 MiB buffer N times each, interleaved, and prints the best GB/s of each.
 */
#include "checksums/crc.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#define SIZE (64u << 20)

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return fprintf(stderr, "usage: checksums N\n"), 2;
    long rounds = atol(argv[1]);
    unsigned char *buf = malloc(SIZE);
    if (!buf || rounds < 1)
        return fprintf(stderr, "checksums: no memory or bad N\n"), 1;
    for (size_t i = 0; i < SIZE; i++)
        buf[i] = (unsigned char)(i * 2654435761u >> 13);
    double best[3] = {1e9, 1e9, 1e9};
    volatile uint64_t sink = 0; /* keeps the results alive */
    /* One untimed pass each: CPU detection, tables, and the caches and clocks settle. */
    sink ^= awsc_crc32c(0, buf, SIZE) ^ awsc_crc64nvme(0, buf, SIZE) ^ crc32(0, buf, SIZE);
    for (long r = 0; r < rounds; r++) {
        double t0 = seconds();
        sink ^= awsc_crc32c(0, buf, SIZE);
        double t1 = seconds();
        sink ^= awsc_crc64nvme(0, buf, SIZE);
        double t2 = seconds();
        sink ^= crc32(0, buf, SIZE);
        double t3 = seconds();
        best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
        best[1] = t2 - t1 < best[1] ? t2 - t1 : best[1];
        best[2] = t3 - t2 < best[2] ? t3 - t2 : best[2];
    }
    free(buf);
    printf("{\"implementation\": \"%s\", \"crc32c_gbs\": %.2f, \"crc64nvme_gbs\": %.2f, \"zlib_crc32_gbs\": %.2f}\n",
           awsc_crc_implementation(), SIZE / best[0] / 1e9, SIZE / best[1] / 1e9, SIZE / best[2] / 1e9);
    return 0;
}
