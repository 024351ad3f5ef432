/*
 * The CRC-32 of the event-stream framing (zlib's): awsc_es_crc32 folds long
 * spans with a carry-less multiply when the CPU has one; awsc_es_crc32_zlib
 * is zlib alone (tests compare the two). Both take and return zlib's value:
 * 0 to start, the previous result to go on.
 */
#ifndef AWSC_ES_CRC32_H
#define AWSC_ES_CRC32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint32_t awsc_es_crc32(uint32_t crc, const uint8_t *p, size_t len);
uint32_t awsc_es_crc32_zlib(uint32_t crc, const uint8_t *p, size_t len);
/*
 * For tests, so every path runs on any CPU: 2 folds four lanes an instruction (AVX-512),
 * 1 one lane, -1 none (zlib); 0 or more than the CPU has: the best it has. Returns the mode
 * now in use.
 */
int awsc_es_crc32_fold_mode(int how);

#endif
