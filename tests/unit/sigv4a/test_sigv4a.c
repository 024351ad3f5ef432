/*
 * SigV4a (libawsc-sigv4a) against the aws-c-auth v4a suite
 * (../shared/sigv4-test-suite/v4a): the derived key's public half equals
 * public-key.json, the canonical request and string to sign are the suite's,
 * the suite's signature verifies with our key, and ours verifies too (ECDSA
 * signatures are randomised, so they are checked, not compared).
 */
#include <criterion/criterion.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "auth/sigv4.h"

#include <awsc/sigv4a.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *read_all(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    awsc_buf b = AWSC_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        cr_assert_eq(awsc_buf_append(&b, chunk, n), 0);
    fclose(f);
    if (len)
        *len = b.len;
    return awsc_buf_take(&b);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    cr_assert_not_null(p);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

typedef struct suite_request {
    char *method, *path, *query;
    awsc_header *headers; /* names and values heap-owned */
    size_t count;
    const char *body;     /* points into the file text */
    size_t body_len;
} suite_request;

static void suite_request_free(suite_request *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->headers[i].name);
        free((char *)r->headers[i].value);
    }
    free(r->headers);
    free(r->method);
    free(r->path);
    free(r->query);
}

static void add_header(suite_request *r, char *name, char *value)
{
    awsc_header *h = realloc(r->headers, (r->count + 1) * sizeof *h);
    cr_assert_not_null(h);
    r->headers = h;
    r->headers[r->count++] = (awsc_header){name, value};
}

/* request.txt: request line, header lines (a line starting with space or tab continues the
 * previous value, folded into it with one space as HTTP/1.1 obs-fold allows), a blank line, body. */
static bool parse_request(const char *text, size_t len, suite_request *r)
{
    memset(r, 0, sizeof *r);
    const char *p = text, *end = text + len;
    bool first = true;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        size_t n = (size_t)(eol - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (first) {
            /* "METHOD target HTTP/1.1": the target may hold spaces (get-space-*). */
            const char *sp1 = memchr(p, ' ', n), *sp2 = p + n;
            while (sp2 > p && sp2[-1] != ' ')
                sp2--;
            if (!sp1 || sp2 - 1 <= sp1)
                return false;
            const char *target = sp1 + 1, *tend = sp2 - 1;
            const char *q = memchr(target, '?', (size_t)(tend - target));
            r->method = dup_n(p, (size_t)(sp1 - p));
            r->path = dup_n(target, (size_t)((q ? q : tend) - target));
            r->query = q ? dup_n(q + 1, (size_t)(tend - q - 1)) : NULL;
            first = false;
        } else if (n == 0) {
            r->body = next;
            r->body_len = (size_t)(end - next);
            return true;
        } else if (p[0] == ' ' || p[0] == '\t') {
            if (!r->count)
                return false;
            awsc_header *h = &r->headers[r->count - 1];
            size_t old = strlen(h->value);
            char *v = realloc((char *)h->value, old + 1 + n + 1);
            cr_assert_not_null(v);
            v[old] = ' ';
            memcpy(v + old + 1, p, n);
            v[old + 1 + n] = '\0';
            h->value = v;
        } else {
            const char *colon = memchr(p, ':', n);
            if (!colon)
                return false;
            add_header(r, dup_n(p, (size_t)(colon - p)), dup_n(colon + 1, (size_t)(p + n - colon - 1)));
        }
        p = next;
    }
    return !first;
}

static const char *json_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool json_true(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static bool same_text(const char *name, const char *what, const char *got, const char *want)
{
    if (got && want && strcmp(got, want) == 0)
        return true;
    fprintf(stderr, "sigv4a-suite: %s: %s differs\n--- got\n%s\n--- want\n%s\n", name, what, got ? got : "(null)",
            want ? want : "(missing)");
    return false;
}

static int unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strcspn(s, "\r\n \t");
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

/* Verifies a hex DER ECDSA signature of SHA-256(sts) with the public point (x, y). */
static bool verifies(const uint8_t x[32], const uint8_t y[32], const char *sts, const char *sig_hex)
{
    uint8_t pub[65], der[80], digest[32];
    pub[0] = 4;
    memcpy(pub + 1, x, 32);
    memcpy(pub + 33, y, 32);
    int dl = unhex(sig_hex, der, sizeof der);
    if (dl <= 0 || awsc_sha256(sts, strlen(sts), digest) != 0)
        return false;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL), *vctx = NULL;
    EVP_PKEY *key = NULL;
    bool ok = bld && ctx && OSSL_PARAM_BLD_push_utf8_string(bld, "group", "prime256v1", 0) &&
              OSSL_PARAM_BLD_push_octet_string(bld, "pub", pub, sizeof pub) &&
              (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(ctx) > 0 &&
              EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) > 0 && (vctx = EVP_PKEY_CTX_new(key, NULL)) &&
              EVP_PKEY_verify_init(vctx) > 0 && EVP_PKEY_verify(vctx, der, (size_t)dl, digest, sizeof digest) == 1;
    EVP_PKEY_CTX_free(vctx);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return ok;
}

/* One case: 1 passed, 0 failed, -1 skipped (the suite gives no expected results for it). */
static int run_case(const char *suite, const char *name)
{
    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", suite, name) >= sizeof dir)
        return false;
    size_t req_len = 0;
    char *req_text = read_all(dir, "request.txt", &req_len);
    char *ctx_text = read_all(dir, "context.json", NULL);
    char *key_text = read_all(dir, "public-key.json", NULL);
    char *want_creq = read_all(dir, "header-canonical-request.txt", NULL);
    char *want_sts = read_all(dir, "header-string-to-sign.txt", NULL);
    char *want_sig = read_all(dir, "header-signature.txt", NULL);
    cJSON *ctx = ctx_text ? cJSON_Parse(ctx_text) : NULL, *keyj = key_text ? cJSON_Parse(key_text) : NULL;
    suite_request sr;
    memset(&sr, 0, sizeof sr);
    awsc_sigv4_result r;
    memset(&r, 0, sizeof r);
    bool ok = false;
    int result = 0;
    if (req_text && ctx && !want_creq && !want_sts && !want_sig) {
        fprintf(stderr, "sigv4a-suite: %s: skipped: the suite has no expected header-signing results for it\n", name);
        result = -1;
        goto done;
    }
    if (!req_text || !ctx || !keyj || !want_creq || !want_sts || !want_sig || !parse_request(req_text, req_len, &sr)) {
        fprintf(stderr, "sigv4a-suite: %s: unreadable case files\n", name);
        goto done;
    }
    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(ctx, "credentials");
    const char *stamp = json_str(ctx, "timestamp");
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!stamp || sscanf(stamp, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                         &tm.tm_min, &tm.tm_sec) != 6)
        goto done;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const char *akid = json_str(creds, "access_key_id"), *secret = json_str(creds, "secret_access_key");
    uint8_t x[32], y[32], want_x[32], want_y[32];
    if (awsc_sigv4a_public_key(akid, secret, x, y) != 0 || !json_str(keyj, "X") || !json_str(keyj, "Y") ||
        unhex(json_str(keyj, "X"), want_x, 32) != 32 || unhex(json_str(keyj, "Y"), want_y, 32) != 32) {
        fprintf(stderr, "sigv4a-suite: %s: no key derived\n", name);
        goto done;
    }
    ok = memcmp(x, want_x, 32) == 0 && memcmp(y, want_y, 32) == 0;
    if (!ok)
        fprintf(stderr, "sigv4a-suite: %s: the derived public key differs from public-key.json\n", name);
    awsc_sigv4_params p = {
        .creds = {akid, secret, json_str(creds, "token")},
        .region = json_str(ctx, "region"),
        .service = json_str(ctx, "service"),
        .time = (int64_t)timegm(&tm),
        .normalize_path = json_true(ctx, "normalize"),
        .double_encode_path = true,
        .omit_session_token = json_true(ctx, "omit_session_token"),
        .region_set = json_str(ctx, "region"),
        .sigv4a = awsc_sigv4a_signer(),
    };
    uint8_t hash[32];
    char hex[65];
    if (json_true(ctx, "sign_body")) {
        cr_assert_eq(awsc_sha256(sr.body, sr.body_len, hash), 0);
        awsc_hex(hash, sizeof hash, hex);
        add_header(&sr, dup_n("X-Amz-Content-Sha256", 20), dup_n(hex, 64));
    }
    awsc_sigv4_request req = {sr.method, sr.path, sr.query, sr.headers, sr.count,
                              (const uint8_t *)sr.body, sr.body_len, NULL};
    if (awsc_sigv4_sign(&p, &req, NULL, &r) != 0) {
        fprintf(stderr, "sigv4a-suite: %s: signing failed\n", name);
        ok = false;
        goto done;
    }
    ok = same_text(name, "canonical request", r.canonical_request, want_creq) && ok;
    ok = same_text(name, "string to sign", r.string_to_sign, want_sts) && ok;
    if (!verifies(x, y, want_sts, want_sig)) {
        fprintf(stderr, "sigv4a-suite: %s: the suite's signature does not verify with the derived key\n", name);
        ok = false;
    }
    if (!verifies(x, y, r.string_to_sign, r.signature)) {
        fprintf(stderr, "sigv4a-suite: %s: our signature does not verify\n", name);
        ok = false;
    }
    char prefix[256];
    snprintf(prefix, sizeof prefix, "AWS4-ECDSA-P256-SHA256 Credential=%s/", akid);
    if (strncmp(r.authorization, prefix, strlen(prefix)) != 0 || !strstr(r.authorization, r.signature)) {
        fprintf(stderr, "sigv4a-suite: %s: Authorization %s\n", name, r.authorization);
        ok = false;
    }
done:
    awsc_sigv4_result_free(&r);
    suite_request_free(&sr);
    cJSON_Delete(ctx);
    cJSON_Delete(keyj);
    free(req_text);
    free(ctx_text);
    free(key_text);
    free(want_creq);
    free(want_sts);
    free(want_sig);
    return result < 0 ? result : ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(sigv4a, aws_signing_test_suite_v4a)
{
    const char *root = getenv("AWSC_SOURCE_DIR");
    char suite[4096];
    snprintf(suite, sizeof suite, "%s/../shared/sigv4-test-suite/v4a", root ? root : ".");
    DIR *d = opendir(suite);
    if (!d) {
        const char *ci = getenv("CI");
        printf("sigv4a-suite: 0 passed, 1 skipped, 0 failed (not found at %s)\n", suite);
        fflush(stdout);
        if (ci && strcmp(ci, "true") == 0)
            cr_assert_fail("sigv4a test suite not found at %s", suite);
        cr_skip_test("sigv4a test suite not found at %s", suite);
        return;
    }
    char **names = NULL;
    size_t count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (count + 1) * sizeof *names);
        cr_assert_not_null(grown);
        names = grown;
        names[count++] = dup_n(e->d_name, strlen(e->d_name));
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    size_t passed = 0, skipped = 0, failed = 0;
    for (size_t i = 0; i < count; i++) {
        int rc = run_case(suite, names[i]);
        if (rc > 0)
            passed++;
        else if (rc < 0)
            skipped++;
        else
            failed++;
        free(names[i]);
    }
    free(names);
    printf("sigv4a-suite: %zu passed, %zu skipped, %zu failed\n", passed, skipped, failed);
    fflush(stdout);
    cr_assert_eq(failed, 0, "%zu sigv4a suite cases failed", failed);
    cr_assert_gt(passed, 0, "no sigv4a suite case ran");
}

/* A wrong secret derives another key: the suite's signature must not verify with it. */
Test(sigv4a, other_credentials_other_key)
{
    uint8_t x[32], y[32], x2[32], y2[32];
    cr_assert_eq(awsc_sigv4a_public_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", x, y), 0);
    cr_assert_eq(awsc_sigv4a_public_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ", x2, y2), 0);
    cr_assert_neq(memcmp(x, x2, 32), 0);
    cr_assert_eq(awsc_sigv4a_public_key("", "secret", x, y), -1);
    cr_assert_eq(awsc_sigv4a_public_key(NULL, "secret", x, y), -1);
}

/* Without a signer, or with an empty region set, SigV4a refuses to sign. */
Test(sigv4a, refuses_without_signer)
{
    awsc_header h[] = {{"Host", "example.amazonaws.com"}};
    awsc_sigv4_params p = {.creds = {"AKIDEXAMPLE", "secret", NULL}, .region = "us-east-1", .service = "s3",
                           .time = 1440938160, .region_set = "*"};
    awsc_sigv4_request req = {"GET", "/", NULL, h, 1, NULL, 0, NULL};
    awsc_sigv4_result r;
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), -1);
    p.sigv4a = awsc_sigv4a_signer();
    p.region_set = "";
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), -1);
    p.region_set = "*";
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), 0);
    cr_assert(strstr(r.canonical_request, "x-amz-region-set:*\n"));
    awsc_sigv4_result_free(&r);
}
