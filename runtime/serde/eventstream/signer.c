/*
 * SigV4 for the messages of an input event stream
 * (../shared/specs/aws/aws-auth.rst, and the SDKs' event signers): each
 * message travels as the payload of an outer message whose headers are
 * `:date` (timestamp) and `:chunk-signature` (32 bytes), the signature of
 *
 *   AWS4-HMAC-SHA256-PAYLOAD \n <yyyymmddThhmmssZ> \n <date>/<region>/<service>/aws4_request \n
 *   <the previous signature, hex: the request's for the first message> \n
 *   hex(SHA-256(the encoded :date header)) \n hex(SHA-256(the inner message))
 *
 * Pure functions: the caller keeps the chain (each signature is the next one's prior).
 */
#include "awsc/eventstream.h"
#include "crypto/crypto.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void hmac(const void *key, size_t key_len, const char *data, uint8_t out[32])
{
    awsc_hmac_sha256(key, key_len, data, strlen(data), out);
}

int awsc_es_signature(const awsc_es_signing *s, int64_t time_ms, const char *prior_signature, const uint8_t *headers,
                      size_t headers_len, const uint8_t *payload, size_t payload_len, char out[65], awsc_error *err)
{
    if (!s || !s->secret_access_key || !s->region || !s->service || !prior_signature)
        return awsc_error_set(err, AWSC_E_CONFIG, "event signing needs a secret key, region, service and prior signature");
    time_t secs = (time_t)(time_ms >= 0 ? time_ms / 1000 : -((-time_ms + 999) / 1000));
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
        return awsc_error_set(err, AWSC_E_VALIDATION, "event signing: time %lld ms is out of range", (long long)time_ms);
    char stamp[17], day[9];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    memcpy(day, stamp, 8);
    day[8] = '\0';
    /* The signing key: "AWS4" + secret, then the date, region, service and "aws4_request". */
    size_t slen = strlen(s->secret_access_key);
    char first[8 + 256];
    if (slen > 256)
        return awsc_error_set(err, AWSC_E_CONFIG, "event signing: secret key too long");
    memcpy(first, "AWS4", 4);
    memcpy(first + 4, s->secret_access_key, slen);
    uint8_t k1[32], k2[32], k3[32], key[32];
    hmac(first, 4 + slen, day, k1);
    hmac(k1, 32, s->region, k2);
    hmac(k2, 32, s->service, k3);
    hmac(k3, 32, "aws4_request", key);
    uint8_t h[32], p[32];
    char hh[65], ph[65];
    awsc_sha256(headers, headers_len, h);
    awsc_sha256(payload, payload_len, p);
    awsc_hex(h, 32, hh);
    awsc_hex(p, 32, ph);
    awsc_buf sts = AWSC_BUF_INIT;
    if (awsc_buf_printf(&sts, "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%s/%s/%s/aws4_request\n%s\n%s\n%s", stamp, day, s->region,
                        s->service, prior_signature, hh, ph) != 0) {
        awsc_buf_free(&sts);
        return awsc_error_nomem(err);
    }
    uint8_t sig[32];
    awsc_hmac_sha256(key, 32, sts.data, sts.len, sig);
    awsc_hex(sig, 32, out);
    awsc_buf_free(&sts);
    memset(first, 0, sizeof first);
    memset(key, 0, sizeof key);
    memset(k1, 0, sizeof k1);
    memset(k2, 0, sizeof k2);
    memset(k3, 0, sizeof k3);
    return AWSC_OK;
}

int awsc_es_sign_message(const awsc_es_signing *s, int64_t time_ms, const char *prior_signature,
                         const uint8_t *message, size_t message_len, uint8_t **out, size_t *out_len, char signature[65],
                         awsc_error *err)
{
    *out = NULL;
    *out_len = 0;
    /* The :date header as it is encoded: name length, name, type 8, milliseconds big-endian. */
    uint8_t date[15] = {5, ':', 'd', 'a', 't', 'e', AWSC_ES_TIMESTAMP};
    for (int i = 0; i < 8; i++)
        date[7 + i] = (uint8_t)((uint64_t)time_ms >> (56 - 8 * i));
    int rc = awsc_es_signature(s, time_ms, prior_signature, date, sizeof date, message, message_len, signature, err);
    if (rc)
        return rc;
    uint8_t raw[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(signature + 2 * i, "%2x", &v);
        raw[i] = (uint8_t)v;
    }
    awsc_es_header h[] = {
        {.name = ":date", .name_len = 5, .type = AWSC_ES_TIMESTAMP, .i = time_ms},
        {.name = ":chunk-signature", .name_len = 16, .type = AWSC_ES_BYTES, .bytes = raw, .len = 32},
    };
    awsc_es_message m = {h, 2, message, message_len};
    return awsc_es_encode(&m, out, out_len, err);
}
