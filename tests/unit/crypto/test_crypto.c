/*
 * Our SHA-256 and HMAC-SHA256 (runtime/crypto): the FIPS 180-4 and RFC 4231
 * vectors, and OpenSSL's answers for every length around the block edges, on
 * both block functions: the SHA extensions (where the CPU has them) and the
 * fallback, forced through awsc_sha256_use_hardware(false).
 */
#include <criterion/criterion.h>

#include "crypto/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each test runs the path it names; the process's mode is set before and restored after. */
static bool hardware_available(void)
{
    bool on = awsc_sha256_use_hardware(true);
    return on;
}

static void hex_of(const uint8_t *b, size_t n, char *out)
{
    awsc_hex(b, n, out);
}

static void check_sha(const void *data, size_t len, const char *want)
{
    uint8_t d[32];
    char hex[65];
    cr_assert_eq(awsc_sha256(data, len, d), 0);
    hex_of(d, 32, hex);
    cr_assert_str_eq(hex, want, "SHA-256 of %zu bytes", len);
    /* The same through the streaming state, fed in uneven pieces. */
    awsc_sha256_state s;
    awsc_sha256_init(&s);
    const uint8_t *p = data;
    size_t step = 1, left = len;
    while (left) {
        size_t n = step < left ? step : left;
        awsc_sha256_update(&s, p, n);
        p += n;
        left -= n;
        step = step * 3 + 1;
    }
    awsc_sha256_final(&s, d);
    hex_of(d, 32, hex);
    cr_assert_str_eq(hex, want, "streamed SHA-256 of %zu bytes", len);
}

static void fips_vectors(void)
{
    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha(m448, strlen(m448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       "mnopqrstnopqrstu";
    check_sha(m896, strlen(m896), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    size_t mil = 1000000;
    char *a = malloc(mil);
    cr_assert_not_null(a);
    memset(a, 'a', mil);
    check_sha(a, mil, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

Test(crypto, fips_180_4_vectors_hardware)
{
    if (!hardware_available())
        cr_skip_test("this CPU has no SHA extensions");
    fips_vectors();
}

Test(crypto, fips_180_4_vectors_fallback)
{
    cr_assert_not(awsc_sha256_use_hardware(false));
    fips_vectors();
    awsc_sha256_use_hardware(true);
}

/* RFC 4231's test cases 1-7 (case 5's output is truncated to 128 bits there). */
static void unhex(const char *h, uint8_t *out, size_t *len)
{
    size_t n = strlen(h) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        cr_assert_eq(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    *len = n;
}

static void rfc4231_vectors(void)
{
    static const struct {
        const char *key, *data, *mac;
    } cases[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b"},
        {NULL /* 131 bytes of 0xaa */,
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {NULL /* 131 bytes of 0xaa */,
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e"
         "642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f2062652068"
         "6173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t key[256], data[256], mac[32];
        size_t kl, dl;
        char hex[65];
        if (cases[i].key) {
            unhex(cases[i].key, key, &kl);
        } else {
            kl = 131;
            memset(key, 0xaa, kl);
        }
        unhex(cases[i].data, data, &dl);
        cr_assert_eq(awsc_hmac_sha256(key, kl, data, dl, mac), 0);
        hex_of(mac, 32, hex);
        cr_assert(strncmp(hex, cases[i].mac, strlen(cases[i].mac)) == 0, "RFC 4231 case %zu: %s", i + 1, hex);
    }
}

Test(crypto, rfc_4231_vectors_hardware)
{
    if (!hardware_available())
        cr_skip_test("this CPU has no SHA extensions");
    rfc4231_vectors();
}

Test(crypto, rfc_4231_vectors_fallback)
{
    awsc_sha256_use_hardware(false);
    rfc4231_vectors();
    awsc_sha256_use_hardware(true);
}

/* Every message length 0..1024 and every HMAC key length 0..200 against OpenSSL, and every
 * way the signer uses the midstates: pair, absorb then final, an HMAC from a midstate. */
static void against_openssl(void)
{
    enum { MAX = 1024 };
    static uint8_t msg[MAX + 64];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 131 + 7);
    for (size_t len = 0; len <= MAX; len++) {
        uint8_t ours[32], theirs[32];
        unsigned n = 0;
        awsc_sha256(msg, len, ours);
        cr_assert_eq(EVP_Digest(msg, len, theirs, &n, EVP_sha256(), NULL), 1);
        cr_assert_eq(memcmp(ours, theirs, 32), 0, "SHA-256 of %zu bytes", len);

        /* The same message as whole blocks absorbed, then the rest. */
        awsc_sha256_mid m;
        awsc_sha256_mid_init(&m);
        awsc_sha256_mid_absorb(&m, msg, len / 64);
        awsc_sha256_mid_final(&m, msg + len / 64 * 64, len % 64, ours);
        cr_assert_eq(memcmp(ours, theirs, 32), 0, "midstate SHA-256 of %zu bytes", len);

        /* Paired with another message's blocks: both must come out right. */
        size_t other = (len * 7) % 9;
        awsc_sha256_mid_init(&m);
        awsc_sha256_pair(msg, len, ours, &m, msg + 3, other);
        cr_assert_eq(memcmp(ours, theirs, 32), 0, "paired SHA-256 of %zu bytes", len);
        awsc_sha256_mid_final(&m, msg + 3 + other * 64, 5, ours);
        cr_assert_eq(EVP_Digest(msg + 3, other * 64 + 5, theirs, &n, EVP_sha256(), NULL), 1);
        cr_assert_eq(memcmp(ours, theirs, 32), 0, "the blocks paired with %zu bytes (%zu)", len, other);

        /* As the signer pairs: a block or a few at a time as they become ready, then the rest
         * alone; and the other message finished with its padding written in place. */
        uint8_t job_digest[32], copy[MAX + 256];
        awsc_sha256_job j;
        awsc_sha256_job_init(&j, len ? msg : NULL, len);
        awsc_sha256_mid_init(&m);
        size_t step = 1 + len % 3, absorbed = 0;
        for (; absorbed + step <= 6; absorbed += step)
            awsc_sha256_job_pair(&j, &m, msg + 5 + absorbed * 64, step);
        awsc_sha256_job_final(&j, job_digest);
        cr_assert_eq(EVP_Digest(msg, len, theirs, &n, EVP_sha256(), NULL), 1);
        cr_assert_eq(memcmp(job_digest, theirs, 32), 0, "job SHA-256 of %zu bytes (step %zu)", len, step);
        size_t rest = len % 200;
        memcpy(copy, msg + 5 + absorbed * 64, rest);
        awsc_sha256_mid_final_inplace(&m, copy, rest, ours);
        cr_assert_eq(EVP_Digest(msg + 5, absorbed * 64 + rest, theirs, &n, EVP_sha256(), NULL), 1);
        cr_assert_eq(memcmp(ours, theirs, 32), 0, "in-place final after %zu blocks, %zu bytes", absorbed, rest);
    }
    for (size_t kl = 0; kl <= 200; kl++) {
        size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200, 1000};
        for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++) {
            size_t len = lens[j];
            uint8_t ours[32], theirs[32];
            unsigned n = 0;
            awsc_hmac_sha256(msg + 17, kl, msg, len, ours);
            cr_assert_not_null(HMAC(EVP_sha256(), msg + 17, (int)kl, msg, len, theirs, &n));
            cr_assert_eq(memcmp(ours, theirs, 32), 0, "HMAC, key %zu bytes, message %zu", kl, len);

            /* Through a kept key: whole blocks into a midstate from its inner pad, then the rest. */
            awsc_hmac_key k;
            awsc_hmac_key_init(&k, msg + 17, kl);
            awsc_sha256_mid inner = k.inner;
            awsc_sha256_mid_absorb(&inner, msg, len / 64);
            awsc_hmac_with_mid(&k, &inner, msg + len / 64 * 64, len % 64, ours);
            cr_assert_eq(memcmp(ours, theirs, 32), 0, "HMAC from a midstate, key %zu, message %zu", kl, len);
            uint8_t copy[1024 + 128];
            memcpy(copy, msg + len / 64 * 64, len % 64);
            awsc_hmac_mids_inplace(&inner, &k.outer, copy, len % 64, ours);
            cr_assert_eq(memcmp(ours, theirs, 32), 0, "HMAC from midstates in place, key %zu, message %zu", kl, len);
            memcpy(copy, msg, len);
            awsc_hmac_mids_inplace(&k.inner, &k.outer, copy, len, ours);
            cr_assert_eq(memcmp(ours, theirs, 32), 0, "HMAC in place, key %zu, message %zu", kl, len);
            awsc_sha256_state s;
            awsc_sha256_init_from(&s, &k.inner);
            awsc_sha256_update(&s, msg, len);
            awsc_hmac_finish(&k, &s, ours);
            cr_assert_eq(memcmp(ours, theirs, 32), 0, "HMAC finished from a state, key %zu, message %zu", kl, len);
            awsc_hmac_key_wipe(&k);
        }
    }
}

Test(crypto, same_as_openssl_hardware)
{
    if (!hardware_available())
        cr_skip_test("this CPU has no SHA extensions");
    against_openssl();
}

Test(crypto, same_as_openssl_fallback)
{
    awsc_sha256_use_hardware(false);
    against_openssl();
    awsc_sha256_use_hardware(true);
}

Test(crypto, hex)
{
    uint8_t b[40];
    char out[81];
    for (int i = 0; i < 40; i++)
        b[i] = (uint8_t)(i * 37 + 250);
    for (size_t n = 0; n <= 40; n++) {
        char want[81] = "";
        for (size_t i = 0; i < n; i++)
            snprintf(want + 2 * i, 3, "%02x", b[i]);
        awsc_hex(b, n, out);
        cr_assert_str_eq(out, want, "%zu bytes", n);
    }
}

/* An empty input may come as NULL (a request without a body): every entry point takes it
 * (UBSan in the ASan tree checks that no arithmetic is done on the NULL pointer). */
Test(crypto, empty_input_as_null)
{
    static const char *const empty =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    for (int hw = 0; hw < 2; hw++) {
        awsc_sha256_use_hardware(hw);
        uint8_t a[32], b[32];
        char hex[65];
        cr_assert_eq(awsc_sha256(NULL, 0, a), 0);
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", a[i]);
        cr_assert_str_eq(hex, empty);
        awsc_sha256_mid m;
        awsc_sha256_mid_init(&m);
        awsc_sha256_mid_final(&m, NULL, 0, b);
        cr_assert_eq(memcmp(a, b, 32), 0);
        awsc_sha256_mid_init(&m);
        awsc_sha256_pair(NULL, 0, b, &m, NULL, 0);
        cr_assert_eq(memcmp(a, b, 32), 0);
        cr_assert_eq(awsc_hmac_sha256("k", 1, NULL, 0, b), 0);
    }
    awsc_sha256_use_hardware(true);
}
