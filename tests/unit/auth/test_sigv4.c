#include <criterion/criterion.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "auth/sigv4.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the AWS documentation's example (IAM ListUsers) -------------------- */

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T_20150830_123600 INT64_C(1440938160)

static const awsc_header iam_headers[] = {
    {"Host", "iam.amazonaws.com"},
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
};

static awsc_sigv4_params iam_params(void)
{
    return (awsc_sigv4_params){
        .creds = {"AKIDEXAMPLE", SECRET, NULL},
        .region = "us-east-1",
        .service = "iam",
        .time = T_20150830_123600,
        .normalize_path = true,
        .double_encode_path = true,
    };
}

static awsc_sigv4_request iam_request(void)
{
    return (awsc_sigv4_request){"GET", "/", "Action=ListUsers&Version=2010-05-08", iam_headers, 2, NULL, 0, NULL};
}

Test(sigv4, aws_documentation_example)
{
    awsc_sigv4_params p = iam_params();
    awsc_sigv4_request req = iam_request();
    awsc_sigv4_result r;
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    cr_assert_eq(awsc_sigv4_sign(&p, &req, &cache, &r), 0);
    cr_assert_str_eq(r.amz_date, "20150830T123600Z");
    cr_assert_str_eq(r.canonical_request, "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
                                          "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
                                          "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                                          "content-type;host;x-amz-date\n"
                                          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* Hash of the canonical request and signing key as printed in the AWS documentation. */
    cr_assert_str_eq(r.string_to_sign, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                                       "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    char key_hex[65];
    awsc_hex(cache.key, sizeof cache.key, key_hex);
    cr_assert_str_eq(key_hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    cr_assert_str_eq(r.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    cr_assert_str_eq(r.authorization,
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date, "
                     "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    awsc_sigv4_result_free(&r);
    cr_assert_null(r.authorization);
    awsc_sigv4_key_cache_destroy(&cache);
}

/* ---- the single steps ----------------------------------------------------- */

static void check_path(const char *in, bool normalize, bool encode, const char *want)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_sigv4_canonical_path(&b, in, normalize, encode), 0, "%s", in);
    cr_assert_str_eq(b.data, want, "path \"%s\" normalize=%d encode=%d", in, normalize, encode);
    awsc_buf_free(&b);
}

Test(sigv4, canonical_path)
{
    check_path("", true, true, "/");
    check_path("", false, false, "/");
    check_path("/", true, true, "/");
    check_path("/a/b/../c/./d", true, false, "/a/c/d");
    check_path("/a/b/..", true, false, "/a/");
    check_path("/a/b/.", true, false, "/a/b/");
    check_path("/../../a", true, false, "/a");
    check_path("///a//b///", true, false, "/a/b/");
    check_path("/a/..b/.c", true, false, "/a/..b/.c");
    check_path("/a//b/../", false, false, "/a//b/../");
    /* The wire path is already encoded: non-S3 services sign it encoded once more. */
    check_path("/things/my%2Fthing/a b", true, true, "/things/my%252Fthing/a%20b");
    check_path("/things/my%2Fthing", true, false, "/things/my%2Fthing");
    check_path("/a:b/c@d", false, true, "/a%3Ab/c%40d");
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_sigv4_canonical_path(&b, NULL, true, true), -1);
    cr_assert_eq(awsc_sigv4_canonical_path(NULL, "/", true, true), -1);
}

/* Normalizing and encoding at once equals normalizing, then encoding: for paths long enough to
 * be checked sixteen bytes at a time, with the bytes that decide it at every offset. */
Test(sigv4, canonical_path_normalized_and_encoded_in_one_pass)
{
    static const char alphabet[] = "a/.-Z9_~%:";
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        char path[48];
        size_t len = 14 + (size_t)(round % 30);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            /* Mostly letters, so the one-pass check often passes and its edges get crossed. */
            unsigned r = (seed >> 16) % 40;
            path[i] = r < 31 ? (char)('a' + r % 26) : alphabet[r - 30];
        }
        path[0] = round % 7 ? '/' : path[0];
        path[len] = '\0';
        awsc_buf both = AWSC_BUF_INIT, norm = AWSC_BUF_INIT, twice = AWSC_BUF_INIT;
        cr_assert_eq(awsc_sigv4_canonical_path(&both, path, true, true), 0);
        cr_assert_eq(awsc_sigv4_canonical_path(&norm, path, true, false), 0);
        cr_assert_eq(awsc_sigv4_canonical_path(&twice, norm.data, false, true), 0);
        cr_assert_str_eq(both.data, twice.data, "path \"%s\"", path);
        awsc_buf_free(&both);
        awsc_buf_free(&norm);
        awsc_buf_free(&twice);
    }
    check_path("/things/sensor-01/jobs/fw-2024-06", true, true, "/things/sensor-01/jobs/fw-2024-06");
    check_path("/things/sensor-01/jobs/fw-2024-0/", true, true, "/things/sensor-01/jobs/fw-2024-0/");
    check_path("/things/sensor-01//jobs/fw-2024", true, true, "/things/sensor-01/jobs/fw-2024");
    check_path("/things/sensor-01/jobs/fw-2024/.", true, true, "/things/sensor-01/jobs/fw-2024/");
    check_path("/things/sensor-0/../jobs/fw-2024", true, true, "/things/jobs/fw-2024");
    check_path("/things/sensor-01/jobs/fw 2024", true, true, "/things/sensor-01/jobs/fw%202024");
}

static void check_query(const char *in, const char *want)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_sigv4_canonical_query(&b, in), 0, "%s", in ? in : "(null)");
    cr_assert_str_eq(b.data, want, "query \"%s\"", in ? in : "(null)");
    awsc_buf_free(&b);
}

Test(sigv4, canonical_query)
{
    check_query(NULL, "");
    check_query("", "");
    check_query("b=2&a=1&a=0", "a=0&a=1&b=2");
    check_query("flag&x=1", "flag=&x=1");
    check_query("a=1&&b=&", "a=1&b=");
    check_query("B=1&a=1&_=1", "B=1&_=1&a=1");
    check_query("k=a%2fb%7E&sp=a b+c", "k=a%2Fb~&sp=a%20b%2Bc");
    check_query("%E1%88%B4=v&\xE1\x88\xB4=w", "%E1%88%B4=v&%E1%88%B4=w");
    check_query("a=x=y", "a=x%3Dy");

    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_puts(&b, "keep"), 0);
    cr_assert_eq(awsc_sigv4_canonical_query(&b, "a=1&b=%zz"), -1);
    cr_assert_str_eq(b.data, "keep");
    cr_assert_eq(awsc_sigv4_canonical_query(NULL, "a"), -1);
    awsc_buf_free(&b);
}

Test(sigv4, canonical_headers)
{
    const awsc_header h[] = {
        {"My-Header1", "  a   b\t\tc  "}, {"host", "example.com"}, {"my-header1", "second"},
        {"Empty", ""},                  {"X-Tab", "\t x \t"},    {"MY-HEADER1", " third"},
    };
    awsc_buf out = AWSC_BUF_INIT, sh = AWSC_BUF_INIT;
    cr_assert_eq(awsc_sigv4_canonical_headers(&out, &sh, h, 6), 0);
    cr_assert_str_eq(out.data, "empty:\nhost:example.com\nmy-header1:a b c,second,third\nx-tab:x\n");
    cr_assert_str_eq(sh.data, "empty;host;my-header1;x-tab");
    awsc_buf_free(&out);
    awsc_buf_free(&sh);

    static const awsc_header bad[][1] = {
        {{NULL, "v"}},      {{"Name", NULL}},     {{"", "v"}},          {{"Bad Name", "v"}},
        {{"Bad:Name", "v"}}, {{"N\xC3\xA9", "v"}}, {{"Name", "a\r\nX: y"}}, {{"Name", "a\nb"}},
        {{"Name", "a\rb"}},
    };
    cr_assert_eq(awsc_buf_puts(&out, "o"), 0);
    cr_assert_eq(awsc_buf_puts(&sh, "s"), 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(awsc_sigv4_canonical_headers(&out, &sh, bad[i], 1), -1, "case %zu", i);
        cr_assert_str_eq(out.data, "o");
        cr_assert_str_eq(sh.data, "s");
    }
    cr_assert_eq(awsc_sigv4_canonical_headers(&out, &sh, NULL, 1), -1);
    awsc_buf_free(&out);
    awsc_buf_free(&sh);
}

/* Every run of blanks (and a tab, CR or LF) at every place of values 1..48 bytes long, against
 * a byte-by-byte reference: the 16-byte scans must agree with it across their boundaries. */
Test(sigv4, canonical_header_values_at_every_offset)
{
    static const char *const runs[] = {"  ", " \t", "\t", " ", "   ", "\r", "\n", "\x01"};
    for (size_t len = 1; len <= 48; len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
                char v[64], want[80];
                memset(v, 'a' + (int)(len % 26), len);
                v[len] = '\0';
                size_t rl = strlen(runs[r]);
                if (at + rl > len)
                    continue;
                memcpy(v + at, runs[r], rl);
                /* the reference: trim, collapse runs of spaces and tabs, refuse CR and LF */
                bool refused = strpbrk(v, "\r\n") != NULL;
                size_t o = 0;
                const char *q = v;
                while (*q == ' ' || *q == '\t')
                    q++;
                while (*q) {
                    if (*q == ' ' || *q == '\t') {
                        while (*q == ' ' || *q == '\t')
                            q++;
                        if (*q)
                            want[o++] = ' ';
                        continue;
                    }
                    want[o++] = *q++;
                }
                want[o] = '\0';
                awsc_header h[] = {{"x", v}};
                awsc_buf out = AWSC_BUF_INIT, sh = AWSC_BUF_INIT;
                int rc = awsc_sigv4_canonical_headers(&out, &sh, h, 1);
                if (refused) {
                    cr_assert_eq(rc, -1, "len %zu at %zu run %zu", len, at, r);
                } else {
                    cr_assert_eq(rc, 0, "len %zu at %zu run %zu", len, at, r);
                    char line[96];
                    snprintf(line, sizeof line, "x:%s\n", want);
                    cr_assert_str_eq(out.data, line, "len %zu at %zu run %zu", len, at, r);
                }
                awsc_buf_free(&out);
                awsc_buf_free(&sh);
            }
        }
    }
}

/* ---- signing-key cache ---------------------------------------------------- */

static void sign_ok(const awsc_sigv4_params *p, awsc_sigv4_key_cache *cache, char sig[65])
{
    awsc_sigv4_request req = iam_request();
    awsc_sigv4_result r;
    cr_assert_eq(awsc_sigv4_sign(p, &req, cache, &r), 0);
    memcpy(sig, r.signature, 65);
    awsc_sigv4_result_free(&r);
}

Test(sigv4, key_cache_reuse_and_refresh)
{
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    awsc_sigv4_params base = iam_params();
    char plain[65], cached[65];

    sign_ok(&base, NULL, plain);
    sign_ok(&base, &cache, cached);
    cr_assert_str_eq(cached, plain);
    cr_assert(cache.valid);

    /* A hit uses the stored key as is: spoil it and the signature must change. */
    cache.hmac.outer.h[0] ^= 1;
    sign_ok(&base, &cache, cached);
    cr_assert_str_neq(cached, plain);

    /* Any change of (secret, date, region, service) must derive afresh. */
    awsc_sigv4_params variants[4] = {base, base, base, base};
    variants[0].time += 86400;
    variants[1].region = "eu-west-1";
    variants[2].service = "sts";
    variants[3].creds.secret_access_key = "another-secret";
    for (size_t i = 0; i < 4; i++) {
        cache.hmac.outer.h[0] ^= 1;
        sign_ok(&variants[i], NULL, plain);
        sign_ok(&variants[i], &cache, cached);
        cr_assert_str_eq(cached, plain, "variant %zu", i);
        cr_assert_str_eq(cache.region, variants[i].region);
        cr_assert_str_eq(cache.service, variants[i].service);
        cr_assert_str_eq(cache.secret, variants[i].creds.secret_access_key);
    }
    cr_assert_str_eq(cache.date, "20150830");
    awsc_sigv4_key_cache_destroy(&cache);
}

/* Within one day the key stays the same while the signature follows the time. */
Test(sigv4, key_cache_same_day_other_time)
{
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    awsc_sigv4_params p = iam_params();
    char a[65], b[65];
    sign_ok(&p, &cache, a);
    uint8_t key[32];
    memcpy(key, cache.key, 32);
    p.time += 3600;
    sign_ok(&p, &cache, b);
    cr_assert_str_neq(a, b);
    cr_assert_eq(memcmp(key, cache.key, 32), 0);
    awsc_sigv4_key_cache_destroy(&cache);
}

typedef struct worker {
    awsc_sigv4_key_cache *cache;
    const char (*want)[65]; /* expected signature for day 0 and day 1 */
    int mismatches;
} worker;

static void *sign_many(void *arg)
{
    worker *w = arg;
    awsc_sigv4_request req = iam_request();
    for (int i = 0; i < 300; i++) {
        /* Alternate days so threads keep replacing the cached key under each other. */
        awsc_sigv4_params p = iam_params();
        p.time += (i % 2) * 86400;
        awsc_sigv4_result r;
        if (awsc_sigv4_sign(&p, &req, w->cache, &r) != 0 || strcmp(r.signature, w->want[i % 2]) != 0)
            w->mismatches++;
        awsc_sigv4_result_free(&r);
    }
    return NULL;
}

/* The cache keeps the first block of a second's strings to sign absorbed: other requests in that
 * second, the same request a second later, and another region must all still sign as without a cache. */
Test(sigv4, key_cache_string_to_sign_head)
{
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    static const char *const queries[] = {"Action=ListUsers&Version=2010-05-08", "Action=ListRoles&Version=2010-05-08"};
    int64_t times[] = {T_20150830_123600, T_20150830_123600, T_20150830_123600 + 1, T_20150830_123600};
    for (int round = 0; round < 2; round++) {
        for (size_t t = 0; t < sizeof times / sizeof times[0]; t++) {
            for (size_t q = 0; q < 2; q++) {
                awsc_sigv4_params p = iam_params();
                p.time = times[t];
                p.skip_intermediate = true;
                if (round == 1)
                    p.region = "eu-west-1";
                awsc_sigv4_request req = iam_request();
                req.query = queries[q];
                awsc_sigv4_result cached, fresh;
                cr_assert_eq(awsc_sigv4_sign(&p, &req, &cache, &cached), 0);
                cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &fresh), 0);
                cr_assert_str_eq(cached.signature, fresh.signature, "round %d time %zu query %zu", round, t, q);
                cr_assert_str_eq(cached.authorization, fresh.authorization);
                awsc_sigv4_result_free(&cached);
                awsc_sigv4_result_free(&fresh);
            }
        }
    }
    awsc_sigv4_key_cache_destroy(&cache);
}

/* More headers than the signer keeps on its stack, and an Authorization longer than its inline room. */
Test(sigv4, many_long_headers)
{
    enum { N = 40 };
    char names[N][40];
    awsc_header h[N + 1];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "X-Custom-Header-Long-Name-%02d", N - i); /* reverse order */
        h[i] = (awsc_header){names[i], " v  a l\tue "};
    }
    h[N] = (awsc_header){"Host", "iam.amazonaws.com"};
    awsc_sigv4_params p = iam_params();
    awsc_sigv4_request req = iam_request();
    req.headers = h;
    req.header_count = N + 1;
    awsc_sigv4_result full, quick;
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &full), 0);
    p.skip_intermediate = true;
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &quick), 0);
    cr_assert_str_eq(full.authorization, quick.authorization);
    cr_assert_gt(strlen(quick.authorization), sizeof quick.auth_inline);
    cr_assert(strstr(full.canonical_request, "\nx-custom-header-long-name-01:v a l ue\nx-custom-header-long-name-02:"));
    cr_assert(strstr(quick.authorization,
                     "SignedHeaders=host;x-amz-date;x-custom-header-long-name-01;x-custom-header-long-name-02;"));
    cr_assert(strstr(quick.authorization, ";x-custom-header-long-name-40, Signature="));
    awsc_sigv4_result_free(&full);
    awsc_sigv4_result_free(&quick);
}

Test(sigv4, concurrent_signing_shares_one_cache)
{
    char want[2][65];
    awsc_sigv4_params p = iam_params();
    sign_ok(&p, NULL, want[0]);
    p.time += 86400;
    sign_ok(&p, NULL, want[1]);
    cr_assert_str_neq(want[0], want[1]);

    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){&cache, (const char(*)[65])want, 0};
        cr_assert_eq(pthread_create(&t[i], NULL, sign_many, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].mismatches, 0, "thread %d", i);
    }
    awsc_sigv4_key_cache_destroy(&cache);
}

/* ---- bad input and session tokens ---------------------------------------- */

static void expect_reject(const awsc_sigv4_params *p, const awsc_sigv4_request *req, const char *what)
{
    /* Without a cache, with a new one, and with one that holds the good request's key: with a
     * cache the scope parts are checked when an entry is made, and must be all the same. */
    awsc_sigv4_key_cache cold, warm;
    awsc_sigv4_key_cache_init(&cold);
    awsc_sigv4_key_cache_init(&warm);
    const awsc_sigv4_params good = iam_params();
    char before[65], after[65];
    sign_ok(&good, &warm, before);
    awsc_sigv4_key_cache *caches[] = {NULL, &cold, &warm};
    for (size_t i = 0; i < 3; i++) {
        awsc_sigv4_result r;
        memset(&r, 0x5a, sizeof r);
        cr_assert_eq(awsc_sigv4_sign(p, req, caches[i], &r), -1, "%s (cache %zu)", what, i);
        cr_assert_null(r.authorization, "%s", what);
        cr_assert_null(r.canonical_request, "%s", what);
        cr_assert_null(r.string_to_sign, "%s", what);
        awsc_sigv4_result_free(&r);
    }
    /* A refused request leaves the entry as it was. */
    sign_ok(&good, &warm, after);
    cr_assert_str_eq(after, before, "%s", what);
    awsc_sigv4_key_cache_destroy(&cold);
    awsc_sigv4_key_cache_destroy(&warm);
}

/* The key id is no part of the key: a new one is checked (and kept) without deriving again. */
Test(sigv4, key_cache_checks_each_new_key_id)
{
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    awsc_sigv4_params p = iam_params();
    awsc_sigv4_request req = iam_request();
    awsc_sigv4_result r;
    char first[65];
    sign_ok(&p, &cache, first);
    const char *ids[] = {"AKIDOTHER", "AKID/X", "AKIDEXAMPLE", "AKID, Signature=x", "A", "AKIDOTHER"};
    const bool ok[] = {true, false, true, false, true, true};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        p.creds.access_key_id = ids[i];
        cr_assert_eq(awsc_sigv4_sign(&p, &req, &cache, &r), ok[i] ? 0 : -1, "%s", ids[i]);
        if (ok[i]) {
            char want[64];
            snprintf(want, sizeof want, " Credential=%s/", ids[i]);
            cr_assert_not_null(strstr(r.authorization, want), "%s", r.authorization);
            cr_assert_str_eq(r.signature, first); /* the key id is not signed */
        }
        awsc_sigv4_result_free(&r);
    }
    awsc_sigv4_key_cache_destroy(&cache);
}

Test(sigv4, invalid_input_is_rejected)
{
    const awsc_sigv4_params good = iam_params();
    const awsc_sigv4_request req = iam_request();
    awsc_sigv4_params p;
    awsc_sigv4_request q;
    awsc_sigv4_result r;

    cr_assert_eq(awsc_sigv4_sign(&good, &req, NULL, NULL), -1);
    expect_reject(NULL, &req, "NULL params");
    expect_reject(&good, NULL, "NULL request");

#define BAD_PARAM(field, value)                                                                                        \
    do {                                                                                                               \
        p = good;                                                                                                      \
        p.field = value;                                                                                               \
        expect_reject(&p, &req, #field " = " #value);                                                                  \
    } while (0)
    BAD_PARAM(creds.access_key_id, NULL);
    BAD_PARAM(creds.access_key_id, "");
    BAD_PARAM(creds.access_key_id, "AKID/X");
    BAD_PARAM(creds.access_key_id, "AKID, Signature=x");
    BAD_PARAM(creds.secret_access_key, NULL);
    BAD_PARAM(creds.secret_access_key, "");
    BAD_PARAM(creds.session_token, "");
    BAD_PARAM(creds.session_token, "tok\r\nX-Evil: 1");
    BAD_PARAM(region, NULL);
    BAD_PARAM(region, "");
    BAD_PARAM(region, "us-east-1/x");
    BAD_PARAM(region, "0123456789012345678901234567890123456789012345678901234567890123");
    BAD_PARAM(service, NULL);
    BAD_PARAM(service, "iam service");
    BAD_PARAM(time, -1);
    BAD_PARAM(time, INT64_C(253402300800));
#undef BAD_PARAM

    static const awsc_header with_date[] = {{"Host", "h"}, {"x-AMZ-date", "20150830T123600Z"}};
    static const awsc_header with_auth[] = {{"Authorization", "x"}};
    static const awsc_header bad_name[] = {{"Host", "h"}, {"Ho st", "h"}};
    static const awsc_header bad_value[] = {{"Host", "h"}, {"X-Y", "h\r\nX: y"}};
#define BAD_REQ(field, value)                                                                                          \
    do {                                                                                                               \
        q = req;                                                                                                       \
        q.field = value;                                                                                               \
        expect_reject(&good, &q, #field " = " #value);                                                                 \
    } while (0)
    BAD_REQ(method, NULL);
    BAD_REQ(method, "");
    BAD_REQ(method, "GET /x");
    BAD_REQ(path, NULL);
    BAD_REQ(query, "a=%zz");
    BAD_REQ(payload_len, 3);
    BAD_REQ(headers, NULL);
    BAD_REQ(headers, with_date);
    BAD_REQ(headers, bad_name);
    BAD_REQ(headers, bad_value);
    BAD_REQ(header_count, SIZE_MAX);
#undef BAD_REQ
    q = req;
    q.headers = with_auth;
    q.header_count = 1;
    expect_reject(&good, &q, "Authorization header");

    /* The same request with good input still signs. */
    cr_assert_eq(awsc_sigv4_sign(&good, &req, NULL, &r), 0);
    awsc_sigv4_result_free(&r);
}

Test(sigv4, session_token_signed_or_omitted)
{
    awsc_sigv4_params p = iam_params();
    awsc_sigv4_request req = iam_request();
    awsc_sigv4_result none, signed_tok, omitted;

    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &none), 0);
    p.creds.session_token = "TOKEN/+=";
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &signed_tok), 0);
    p.omit_session_token = true;
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &omitted), 0);

    cr_assert(strstr(signed_tok.canonical_request, "\nx-amz-date:20150830T123600Z\nx-amz-security-token:TOKEN/+=\n\n"));
    cr_assert(strstr(signed_tok.authorization, "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"));
    cr_assert_str_neq(signed_tok.signature, none.signature);

    /* Omitted: the token is sent unsigned, so the signature is the one without a token. */
    cr_assert_null(strstr(omitted.canonical_request, "security-token"));
    cr_assert_str_eq(omitted.canonical_request, none.canonical_request);
    cr_assert_str_eq(omitted.authorization, none.authorization);

    /* With a token the signer owns X-Amz-Security-Token; without one the caller may sign their own. */
    awsc_header own[] = {iam_headers[0], iam_headers[1], {"X-Amz-Security-Token", "mine"}};
    req.headers = own;
    req.header_count = 3;
    expect_reject(&p, &req, "token header with omit_session_token");
    p.omit_session_token = false;
    expect_reject(&p, &req, "token header with a token");
    p.creds.session_token = NULL;
    awsc_sigv4_result r;
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), 0);
    cr_assert(strstr(r.canonical_request, "\nx-amz-security-token:mine\n"));
    awsc_sigv4_result_free(&r);

    awsc_sigv4_result_free(&none);
    awsc_sigv4_result_free(&signed_tok);
    awsc_sigv4_result_free(&omitted);
}

/* ---- the aws-c-auth SigV4 test suite (../shared/sigv4-test-suite/v4) ------ */

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
    fprintf(stderr, "sigv4-suite: %s: %s differs\n--- got\n%s\n--- want\n%s\n", name, what, got ? got : "(null)",
            want ? want : "(missing)");
    return false;
}

/* The case's query-* files: the presigned request's canonical request, string to sign and signature. */
static bool presign_case(const char *dir, const char *name, awsc_sigv4_params *p, const awsc_sigv4_request *hreq,
                         size_t header_count, const cJSON *ctx)
{
    char *want_creq = read_all(dir, "query-canonical-request.txt", NULL);
    char *want_sts = read_all(dir, "query-string-to-sign.txt", NULL);
    char *want_sig = read_all(dir, "query-signature.txt", NULL);
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(ctx, "expiration_in_seconds");
    bool ok = true;
    if (want_sig && cJSON_IsNumber(exp)) {
        awsc_sigv4_request req = *hreq;
        req.header_count = header_count;
        p->skip_intermediate = false;
        awsc_buf q = AWSC_BUF_INIT;
        awsc_sigv4_result r;
        ok = awsc_sigv4_presign(p, &req, (int64_t)exp->valuedouble, NULL, &q, &r) == 0;
        if (!ok)
            fprintf(stderr, "sigv4-suite: %s: presigning failed\n", name);
        ok = ok && same_text(name, "presigned canonical request", r.canonical_request, want_creq);
        ok = ok && same_text(name, "presigned string to sign", r.string_to_sign, want_sts);
        ok = ok && same_text(name, "presigned signature", r.signature, want_sig);
        /* The URL's query ends with the signature, the session token after it when it is not signed. */
        char tail[200];
        snprintf(tail, sizeof tail, "X-Amz-Signature=%s", want_sig);
        ok = ok && q.data && strstr(q.data, tail) != NULL;
        awsc_sigv4_result_free(&r);
        awsc_buf_free(&q);
    }
    free(want_creq);
    free(want_sts);
    free(want_sig);
    return ok;
}

/* Signs one case and compares canonical request, string to sign, signature and Authorization. */
static bool run_case(const char *suite, const char *name)
{
    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", suite, name) >= sizeof dir)
        return false; /* a path this long is not the suite's */
    size_t req_len = 0;
    char *req_text = read_all(dir, "request.txt", &req_len);
    char *ctx_text = read_all(dir, "context.json", NULL);
    char *want_creq = read_all(dir, "header-canonical-request.txt", NULL);
    char *want_sts = read_all(dir, "header-string-to-sign.txt", NULL);
    char *want_sig = read_all(dir, "header-signature.txt", NULL);
    char *signed_req = read_all(dir, "header-signed-request.txt", NULL);
    cJSON *ctx = ctx_text ? cJSON_Parse(ctx_text) : NULL;
    suite_request sr;
    memset(&sr, 0, sizeof sr);
    awsc_sigv4_result r;
    memset(&r, 0, sizeof r);
    bool ok = false;

    if (!req_text || !ctx || !parse_request(req_text, req_len, &sr)) {
        fprintf(stderr, "sigv4-suite: %s: unreadable request.txt or context.json\n", name);
        goto done;
    }
    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(ctx, "credentials");
    const char *stamp = json_str(ctx, "timestamp");
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!stamp || sscanf(stamp, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                         &tm.tm_min, &tm.tm_sec) != 6) {
        fprintf(stderr, "sigv4-suite: %s: bad timestamp\n", name);
        goto done;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    awsc_sigv4_params p = {
        .creds = {json_str(creds, "access_key_id"), json_str(creds, "secret_access_key"), json_str(creds, "token")},
        .region = json_str(ctx, "region"),
        .service = json_str(ctx, "service"),
        .time = (int64_t)timegm(&tm),
        .normalize_path = json_true(ctx, "normalize"),
        /* The suite is for non-S3 services; its paths are raw, so this single encoding is the expected one. */
        .double_encode_path = true,
        .omit_session_token = json_true(ctx, "omit_session_token"),
    };
    /* sign_body is the S3-style option of aws-c-auth: it adds X-Amz-Content-Sha256 (the payload hash)
     * as a signed header. Our signer leaves that header to the caller, so the harness adds it. */
    uint8_t hash[32];
    char hex[65];
    size_t unsigned_count = sr.count; /* a presigned URL signs the payload's hash without the header */
    if (json_true(ctx, "sign_body")) {
        cr_assert_eq(awsc_sha256(sr.body, sr.body_len, hash), 0);
        awsc_hex(hash, sizeof hash, hex);
        add_header(&sr, dup_n("X-Amz-Content-Sha256", 20), dup_n(hex, 64));
    }
    awsc_sigv4_request req = {sr.method, sr.path, sr.query, sr.headers, sr.count,
                              (const uint8_t *)sr.body, sr.body_len, NULL};
    if (awsc_sigv4_sign(&p, &req, NULL, &r) != 0) {
        fprintf(stderr, "sigv4-suite: %s: signing failed\n", name);
        goto done;
    }
    const char *auth_line = signed_req ? strstr(signed_req, "\nAuthorization:") : NULL;
    char *want_auth = auth_line ? dup_n(auth_line + 15, strcspn(auth_line + 15, "\r\n")) : NULL;
    ok = same_text(name, "canonical request", r.canonical_request, want_creq);
    ok = same_text(name, "string to sign", r.string_to_sign, want_sts) && ok;
    ok = same_text(name, "signature", r.signature, want_sig) && ok;
    ok = same_text(name, "Authorization", r.authorization, want_auth) && ok;
    /* The client's way: no intermediate strings, the day's key from a cache; the same signature. */
    p.skip_intermediate = true;
    awsc_sigv4_key_cache cache;
    awsc_sigv4_key_cache_init(&cache);
    awsc_sigv4_result quick;
    if (awsc_sigv4_sign(&p, &req, &cache, &quick) == 0) {
        ok = same_text(name, "signature (skip_intermediate, cached key)", quick.signature, want_sig) && ok;
        ok = same_text(name, "Authorization (skip_intermediate, cached key)", quick.authorization, want_auth) && ok;
        ok = ok && !quick.canonical_request && !quick.string_to_sign;
        awsc_sigv4_result_free(&quick);
    } else {
        fprintf(stderr, "sigv4-suite: %s: signing with skip_intermediate failed\n", name);
        ok = false;
    }
    awsc_sigv4_key_cache_destroy(&cache);
    free(want_auth);
    ok = presign_case(dir, name, &p, &req, unsigned_count, ctx) && ok;
done:
    awsc_sigv4_result_free(&r);
    suite_request_free(&sr);
    cJSON_Delete(ctx);
    free(req_text);
    free(ctx_text);
    free(want_creq);
    free(want_sts);
    free(want_sig);
    free(signed_req);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* tests/sigv4_suite_skips.txt: "case-name reason" per line, '#' comments; absent means none. */
static char *skip_reason(const char *skips, const char *name)
{
    if (!skips)
        return NULL;
    size_t n = strlen(name);
    for (const char *line = skips; *line;) {
        size_t len = strcspn(line, "\n");
        if (len > n && strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '\t'))
            return dup_n(line + n + 1, len - n - 1);
        line += len + (line[len] == '\n');
    }
    return NULL;
}

Test(sigv4, aws_signing_test_suite)
{
    const char *root = getenv("AWSC_SOURCE_DIR");
    if (!root)
        root = ".";
    char suite[4096];
    snprintf(suite, sizeof suite, "%s/../shared/sigv4-test-suite/v4", root);
    DIR *d = opendir(suite);
    if (!d) {
        const char *ci = getenv("CI");
        fprintf(stderr, "sigv4-suite: not found at %s\n", suite); /* Criterion shows skips only with --verbose */
        if (ci && strcmp(ci, "true") == 0)
            cr_assert_fail("sigv4 test suite not found at %s", suite);
        else
            cr_skip_test("sigv4 test suite not found at %s", suite);
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

    char *skips = read_all(root, "tests/sigv4_suite_skips.txt", NULL);
    size_t passed = 0, skipped = 0, failed = 0;
    for (size_t i = 0; i < count; i++) {
        char *reason = skip_reason(skips, names[i]);
        if (reason) {
            fprintf(stderr, "sigv4-suite: %s: skipped: %s\n", names[i], reason);
            skipped++;
        } else if (run_case(suite, names[i])) {
            passed++;
        } else {
            failed++;
        }
        free(reason);
        free(names[i]);
    }
    free(names);
    free(skips);
    printf("sigv4-suite: %zu passed, %zu skipped, %zu failed\n", passed, skipped, failed);
    fflush(stdout);
    cr_assert_eq(failed, 0, "%zu sigv4 suite cases failed", failed);
    cr_assert_gt(passed, 0, "no sigv4 suite case ran");
}

/* ---- the per-thread memo of the last header layout ------------------------- */

static char *canonical_of(const awsc_sigv4_params *p, const awsc_sigv4_request *req)
{
    awsc_sigv4_result r;
    cr_assert_eq(awsc_sigv4_sign(p, req, NULL, &r), 0);
    char *c = strdup(r.canonical_request);
    awsc_sigv4_result_free(&r);
    return c;
}

Test(sigv4, header_memo_follows_the_names_not_their_addresses)
{
    awsc_sigv4_params p = iam_params();
    awsc_sigv4_request req = iam_request();
    char name[16] = "Host";
    awsc_header h[] = {{name, "iam.amazonaws.com"}, {"Content-Type", "text/plain"}};
    req.headers = h;
    req.header_count = 2;
    char *first = canonical_of(&p, &req), *again = canonical_of(&p, &req);
    cr_assert_str_eq(again, first);
    cr_assert(strstr(first, "\ncontent-type:text/plain\nhost:iam.amazonaws.com\nx-amz-date:"));

    /* The same buffer, other names: each sorts where it belongs. */
    strcpy(name, "Zeta");
    char *zeta = canonical_of(&p, &req);
    cr_assert(strstr(zeta, "\ncontent-type:text/plain\nx-amz-date:20150830T123600Z\nzeta:iam.amazonaws.com\n"), "%s", zeta);
    strcpy(name, "Hos"); /* a prefix of the name signed before */
    char *hos = canonical_of(&p, &req);
    cr_assert(strstr(hos, "\ncontent-type:text/plain\nhos:iam.amazonaws.com\nx-amz-date:"), "%s", hos);
    strcpy(name, "Hostx"); /* longer than it */
    char *hostx = canonical_of(&p, &req);
    cr_assert(strstr(hostx, "\nhostx:iam.amazonaws.com\nx-amz-date:"), "%s", hostx);
    strcpy(name, "Host");
    char *back = canonical_of(&p, &req);
    cr_assert_str_eq(back, first);
    free(first);
    free(again);
    free(zeta);
    free(hos);
    free(hostx);
    free(back);
}

Test(sigv4, header_memo_keeps_reserved_names_reserved)
{
    /* Without a session token the caller may sign X-Amz-Security-Token; the same names signed
     * with a token must still be refused, though the layout was just kept. */
    awsc_sigv4_params p = iam_params();
    awsc_sigv4_request req = iam_request();
    awsc_header own[] = {iam_headers[0], iam_headers[1], {"X-Amz-Security-Token", "mine"}};
    req.headers = own;
    req.header_count = 3;
    awsc_sigv4_result r;
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), 0);
    awsc_sigv4_result_free(&r);
    cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), 0);
    awsc_sigv4_result_free(&r);
    p.creds.session_token = "TOKEN";
    p.omit_session_token = true; /* the same number of headers as before */
    expect_reject(&p, &req, "token header once a token is in use");
    /* And a bad name is refused however often the good ones were signed. */
    awsc_header bad[] = {iam_headers[0], iam_headers[1], {"X-Bad Name", "v"}};
    p = iam_params();
    req.headers = bad;
    expect_reject(&p, &req, "a space in a name");
}

/* X-Amz-Date across the calendar: the epoch, leap days, century rules, the last signable second,
 * and the same second twice (the per-thread text a build may keep, issue 21). */
Test(sigv4, amz_date_calendar)
{
    static const struct {
        int64_t t;
        const char *want;
    } cases[] = {
        {0, "19700101T000000Z"},
        {951782400, "20000229T000000Z"},
        {951868800, "20000301T000000Z"},
        {1709164799, "20240228T235959Z"},
        {1709164800, "20240229T000000Z"},
        {1709251200, "20240301T000000Z"},
        {4107542400, "21000301T000000Z"},
        {4107542400, "21000301T000000Z"},
        {INT64_C(253402300799), "99991231T235959Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        awsc_sigv4_params p = iam_params();
        p.time = cases[i].t;
        awsc_sigv4_request req = iam_request();
        awsc_sigv4_result r;
        cr_assert_eq(awsc_sigv4_sign(&p, &req, NULL, &r), 0, "t=%lld", (long long)cases[i].t);
        cr_assert_str_eq(r.amz_date, cases[i].want, "t=%lld", (long long)cases[i].t);
        awsc_sigv4_result_free(&r);
    }
}
