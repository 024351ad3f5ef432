/*
 * SigV4a's asymmetric half: the P-256 key derived from the credentials and
 * the ECDSA signature of a string to sign's digest. The canonical request and
 * the string to sign are the runtime's (auth/sigv4.c, with params.region_set).
 *
 * The key, as aws-c-auth and the SDKs derive it: NIST SP 800-108 KDF in
 * counter mode with HMAC-SHA256 as the PRF, keyed by "AWS4A" + secret, over
 *   i = 1 (4 bytes BE) || "AWS4-ECDSA-P256-SHA256" || 0x00 || access key id || counter (1 byte) || L = 256 (4 bytes BE)
 * giving a 256-bit candidate c; counter starts at 1 and grows while c > n - 2
 * (n: the curve's order); the private key is c + 1.
 */
#include "auth/sigv4.h"

#include <awsc/sigv4a.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <pthread.h>
#include <string.h>

#define LABEL "AWS4-ECDSA-P256-SHA256"
#define MAX_COUNTER 254

/* The private scalar d (BIGNUM) for the credentials: 0, or -1. */
static int derive_scalar(const char *akid, const char *secret, const BIGNUM *order, BIGNUM *d)
{
    size_t al = strlen(akid), sl = strlen(secret);
    if (!al || !sl || al > 256 || sl > 1024)
        return -1;
    unsigned char key[5 + 1024], input[4 + sizeof LABEL + 256 + 1 + 4];
    memcpy(key, "AWS4A", 5);
    memcpy(key + 5, secret, sl);
    size_t n = 0;
    memcpy(input, "\x00\x00\x00\x01", 4);
    n = 4;
    memcpy(input + n, LABEL, sizeof LABEL); /* the label and its 0x00 separator */
    n += sizeof LABEL;
    memcpy(input + n, akid, al);
    n += al;
    size_t counter_at = n++;
    memcpy(input + n, "\x00\x00\x01\x00", 4);
    n += 4;

    int rc = -1;
    BIGNUM *limit = BN_dup(order);
    if (!limit || !BN_sub_word(limit, 2))
        goto done;
    for (int counter = 1; counter <= MAX_COUNTER; counter++) {
        input[counter_at] = (unsigned char)counter;
        unsigned char k0[32];
        unsigned int kl = 0;
        if (!HMAC(EVP_sha256(), key, (int)(5 + sl), input, n, k0, &kl) || kl != 32)
            goto done;
        int ok = BN_bin2bn(k0, 32, d) != NULL;
        OPENSSL_cleanse(k0, sizeof k0);
        if (!ok)
            goto done;
        if (BN_cmp(d, limit) <= 0) {
            rc = BN_add_word(d, 1) ? 0 : -1;
            goto done;
        }
    }
done:
    OPENSSL_cleanse(key, sizeof key);
    BN_free(limit);
    return rc;
}

/* The key pair of the credentials: an EVP_PKEY able to sign, and its public point (65 bytes, uncompressed). */
static EVP_PKEY *derive_key(const char *akid, const char *secret, unsigned char pub[65])
{
    EVP_PKEY *pkey = NULL;
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *d = BN_secure_new();
    EC_POINT *point = group ? EC_POINT_new(group) : NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    if (!group || !bn || !d || !point || !bld || derive_scalar(akid, secret, EC_GROUP_get0_order(group), d) != 0 ||
        !EC_POINT_mul(group, point, d, NULL, NULL, bn) ||
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, pub, 65, bn) != 65)
        goto done;
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) || !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
        EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
        pkey = NULL;
done:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EC_POINT_free(point);
    BN_clear_free(d);
    BN_CTX_free(bn);
    EC_GROUP_free(group);
    return pkey;
}

/*
 * One derived key, kept for the next signature with the same credentials
 * (the derivation costs a scalar multiplication; a signature, one more).
 */
static struct {
    pthread_mutex_t lock;
    char akid[257];
    unsigned char secret_hash[32];
    EVP_PKEY *pkey;
} cache = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, NULL};

static EVP_PKEY *cached_key(const char *akid, const char *secret)
{
    unsigned char h[32];
    unsigned int hl = 0;
    if (strlen(akid) >= sizeof cache.akid || !EVP_Digest(secret, strlen(secret), h, &hl, EVP_sha256(), NULL))
        return NULL;
    EVP_PKEY *key = NULL;
    pthread_mutex_lock(&cache.lock);
    if (cache.pkey && strcmp(cache.akid, akid) == 0 && CRYPTO_memcmp(cache.secret_hash, h, 32) == 0) {
        key = cache.pkey;
    } else {
        unsigned char pub[65];
        if ((key = derive_key(akid, secret, pub)) != NULL) {
            EVP_PKEY_free(cache.pkey);
            cache.pkey = key;
            strcpy(cache.akid, akid);
            memcpy(cache.secret_hash, h, 32);
        }
    }
    if (key && !EVP_PKEY_up_ref(key))
        key = NULL;
    pthread_mutex_unlock(&cache.lock);
    return key;
}

static int sign_digest(const char *akid, const char *secret, const uint8_t digest[32], char *hex, size_t cap)
{
    if (!akid || !secret || !digest || !hex)
        return -1;
    EVP_PKEY *key = cached_key(akid, secret);
    EVP_PKEY_CTX *ctx = key ? EVP_PKEY_CTX_new(key, NULL) : NULL;
    unsigned char der[80];
    size_t dl = sizeof der;
    int rc = -1;
    if (ctx && EVP_PKEY_sign_init(ctx) > 0 && EVP_PKEY_sign(ctx, der, &dl, digest, 32) > 0 && dl * 2 < cap) {
        static const char digits[] = "0123456789abcdef";
        for (size_t i = 0; i < dl; i++) {
            hex[2 * i] = digits[der[i] >> 4];
            hex[2 * i + 1] = digits[der[i] & 15];
        }
        hex[2 * dl] = '\0';
        rc = (int)(2 * dl);
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return rc;
}

static const awsc_sigv4a_api signer = {sign_digest};

const awsc_sigv4a_api *awsc_sigv4a_signer(void)
{
    return &signer;
}

int awsc_sigv4a_public_key(const char *access_key_id, const char *secret_access_key, uint8_t x[32], uint8_t y[32])
{
    if (!access_key_id || !secret_access_key || !x || !y)
        return -1;
    unsigned char pub[65];
    EVP_PKEY *key = derive_key(access_key_id, secret_access_key, pub);
    if (!key)
        return -1;
    EVP_PKEY_free(key);
    memcpy(x, pub + 1, 32);
    memcpy(y, pub + 33, 32);
    return 0;
}
