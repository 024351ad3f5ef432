/* The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of
 * EVP, whose per-call fetch and allocations cost more than hashing a request:
 * ask for the 1.1.1 API level so they are declared without deprecation. */
#define OPENSSL_API_COMPAT 10101
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <string.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(awsc_sha256_state), "awsc_sha256_state too small");

void awsc_sha256_init(awsc_sha256_state *s)
{
    SHA256_Init((SHA256_CTX *)s->opaque);
}

void awsc_sha256_update(awsc_sha256_state *s, const void *data, size_t len)
{
    if (len)
        SHA256_Update((SHA256_CTX *)s->opaque, data, len);
}

void awsc_sha256_final(awsc_sha256_state *s, uint8_t out[32])
{
    SHA256_Final(out, (SHA256_CTX *)s->opaque);
}

int awsc_sha256(const void *data, size_t len, uint8_t out[32])
{
    awsc_sha256_state s;
    awsc_sha256_init(&s);
    awsc_sha256_update(&s, data, len);
    awsc_sha256_final(&s, out);
    return 0;
}

void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t len)
{
    uint8_t block[64] = {0}, pad[64];
    if (len > sizeof block) /* RFC 2104: longer keys are hashed first */
        awsc_sha256(key, len, block);
    else if (len)
        memcpy(block, key, len);
    for (int i = 0; i < 64; i++)
        pad[i] = block[i] ^ 0x36;
    awsc_sha256_init(&k->inner);
    awsc_sha256_update(&k->inner, pad, sizeof pad);
    for (int i = 0; i < 64; i++)
        pad[i] = block[i] ^ 0x5c;
    awsc_sha256_init(&k->outer);
    awsc_sha256_update(&k->outer, pad, sizeof pad);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
}

void awsc_hmac_with(const awsc_hmac_key *k, const void *data, size_t len, uint8_t out[32])
{
    uint8_t inner[32];
    awsc_sha256_state s = k->inner; /* the absorbed pads are copied, not recomputed */
    awsc_sha256_update(&s, data, len);
    awsc_sha256_final(&s, inner);
    s = k->outer;
    awsc_sha256_update(&s, inner, sizeof inner);
    awsc_sha256_final(&s, out);
    OPENSSL_cleanse(&s, sizeof s);
}

void awsc_hmac_key_wipe(awsc_hmac_key *k)
{
    OPENSSL_cleanse(k, sizeof *k);
}

int awsc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32])
{
    awsc_hmac_key k;
    awsc_hmac_key_init(&k, key, key_len);
    awsc_hmac_with(&k, data, len, out);
    awsc_hmac_key_wipe(&k);
    return 0;
}

int awsc_md5(const void *data, size_t len, uint8_t out[16])
{
    unsigned int n = 0;
    if (!data)
        data = "";
    if (EVP_Digest(data, len, out, &n, EVP_md5(), NULL) != 1 || n != 16) {
        memset(out, 0, 16);
        return -1;
    }
    return 0;
}

void awsc_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}
