#include "crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <limits.h>
#include <string.h>

int awsc_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 0;
    /* OpenSSL rejects a NULL pointer even for zero bytes. */
    if (!data)
        data = "";
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        memset(out, 0, 32);
        return -1;
    }
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

int awsc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 0;
    if (!key)
        key = "";
    if (!data)
        data = "";
    /* The one-shot HMAC() is not deprecated in OpenSSL 3 (only HMAC_CTX is). */
    if (key_len > INT_MAX || !HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n) || n != 32) {
        memset(out, 0, 32);
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
