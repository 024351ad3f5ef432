/*
 * Request compression (libawsc-compression): the settings as the SDKs read
 * them (code, environment, profile; bounds), and what a body looks like after
 * the engine: gzip that inflates to it, Content-Encoding appended, small,
 * streamed or disabled bodies left alone.
 */
#include "awsc/compression.h"
#include "core/compression.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A profile given as "key=value" pairs (NULL-terminated), read as the client's reader would. */
static const char *const *profile_pairs;

static char *pairs_value(const char *profile, const char *key)
{
    (void)profile;
    for (const char *const *p = profile_pairs; p && *p; p++) {
        size_t n = strlen(key);
        if (strncmp(*p, key, n) == 0 && (*p)[n] == '=')
            return strdup(*p + n + 1);
    }
    return NULL;
}

static void clear_env(void)
{
    unsetenv("AWS_DISABLE_REQUEST_COMPRESSION");
    unsetenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES");
    profile_pairs = NULL;
}

TestSuite(gzip, .init = clear_env, .fini = clear_env);

static int configure(awsc_client *c, const awsc_config *cfg, awsc_error *err)
{
    memset(c, 0, sizeof *c);
    awsc_lent_profile lent = {NULL, pairs_value};
    return awsc_gzip_compression.configure(c, cfg, &lent, err);
}

Test(gzip, defaults_are_the_sdks)
{
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    cr_assert_not(c.request_compression_disabled);
    cr_assert_eq(c.request_min_compression_size, 10240u);
}

Test(gzip, code_then_environment_then_profile)
{
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    static const char *const pairs[] = {"disable_request_compression=true", "request_min_compression_size_bytes=77",
                                        NULL};
    profile_pairs = pairs;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    cr_assert(c.request_compression_disabled);
    cr_assert_eq(c.request_min_compression_size, 77u);

    setenv("AWS_DISABLE_REQUEST_COMPRESSION", "FALSE", 1);
    setenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "0", 1); /* 0 is allowed: compress every body */
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    cr_assert_not(c.request_compression_disabled);
    cr_assert_eq(c.request_min_compression_size, 0u);

    cfg.disable_request_compression = true;
    cfg.request_min_compression_size_bytes = 10485760;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    cr_assert(c.request_compression_disabled);
    cr_assert_eq(c.request_min_compression_size, 10485760u);
}

Test(gzip, bad_settings_are_configuration_errors)
{
    static const char *const sizes[] = {"10485761", "-1", " 5", "5 bytes", "", "99999999999999999999999", "0x10"};
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (!*sizes[i]) /* an empty variable counts as unset, as everywhere in the SDKs */
            continue;
        setenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", sizes[i], 1);
        cr_assert_eq(configure(&c, &cfg, &err), AWSC_E_CONFIG, "%s", sizes[i]);
        cr_assert(strstr(err.message, "request_min_compression_size_bytes"), "%s", err.message);
        awsc_error_clear(&err);
    }
    unsetenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES");
    setenv("AWS_DISABLE_REQUEST_COMPRESSION", "yes", 1);
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_E_CONFIG);
    cr_assert(strstr(err.message, "disable_request_compression must be true or false, not 'yes'"), "%s", err.message);
    awsc_error_clear(&err);
    unsetenv("AWS_DISABLE_REQUEST_COMPRESSION");
    cfg.request_min_compression_size_bytes = 10485761;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_E_CONFIG);
    awsc_error_clear(&err);
    cfg.request_min_compression_size_bytes = -5;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_E_CONFIG);
    awsc_error_clear(&err);
}

/* ---- one request ---- */

static char *inflate_all(const awsc_buf *gz, size_t *len)
{
    size_t cap = 1 << 20;
    char *out = malloc(cap);
    cr_assert_not_null(out);
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)gz->data;
    z.avail_in = (uInt)gz->len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    cr_assert_eq(z.avail_in, 0, "bytes after the gzip member");
    *len = z.total_out;
    inflateEnd(&z);
    return out;
}

static const char *header(const awsc_rest_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

/* A call whose serialized body is `len` bytes of a metrics-like text. */
static void make_call(awsc_call *k, awsc_client *c, size_t len)
{
    memset(k, 0, sizeof *k);
    k->c = c;
    k->req.has_body = true;
    for (size_t i = 0; i < len; i++)
        cr_assert_eq(awsc_buf_putc(&k->req.body, "MetricData.member.1.Value=42&"[i % 29]), 0);
}

Test(gzip, a_large_body_is_gzip_that_inflates_to_it)
{
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    awsc_call k;
    make_call(&k, &c, 10240); /* exactly the threshold: compressed */
    awsc_buf plain = AWSC_BUF_INIT;
    cr_assert_eq(awsc_buf_append(&plain, k.req.body.data, k.req.body.len), 0);
    cr_assert_eq(awsc_gzip_compression.compress(&k, &err), AWSC_OK);
    cr_assert_lt(k.req.body.len, plain.len / 10, "a repetitive body compresses: %zu bytes", k.req.body.len);
    cr_assert_eq((uint8_t)k.req.body.data[0], 0x1f); /* the gzip magic, not zlib's or raw deflate */
    cr_assert_eq((uint8_t)k.req.body.data[1], 0x8b);
    size_t n;
    char *back = inflate_all(&k.req.body, &n);
    cr_assert_eq(n, plain.len);
    cr_assert_eq(memcmp(back, plain.data, n), 0);
    cr_assert_str_eq(header(&k.req, "Content-Encoding"), "gzip");
    free(back);
    awsc_buf_free(&plain);
    awsc_rest_request_free(&k.req);
}

Test(gzip, gzip_is_appended_to_the_inputs_encoding)
{
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    awsc_call k;
    make_call(&k, &c, 20000);
    cr_assert_eq(awsc_rest_add_header(&k.req, "content-encoding", "custom"), 0);
    cr_assert_eq(awsc_gzip_compression.compress(&k, &err), AWSC_OK);
    cr_assert_str_eq(header(&k.req, "Content-Encoding"), "custom, gzip");
    size_t count = 0;
    for (size_t i = 0; i < k.req.header_count; i++)
        count += strcasecmp(k.req.headers[i].name, "Content-Encoding") == 0;
    cr_assert_eq(count, 1, "one Content-Encoding header");
    awsc_rest_request_free(&k.req);
}

Test(gzip, small_streamed_or_disabled_bodies_go_as_they_are)
{
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    awsc_call k;
    make_call(&k, &c, 10239); /* one byte under the threshold */
    cr_assert_eq(awsc_gzip_compression.compress(&k, &err), AWSC_OK);
    cr_assert_eq(k.req.body.len, 10239);
    cr_assert_null(header(&k.req, "Content-Encoding"));
    awsc_rest_request_free(&k.req);

    static const awsc_stream stream = {.data = NULL, .len = 0};
    make_call(&k, &c, 0);
    k.req.stream = &stream;
    cr_assert_eq(awsc_gzip_compression.compress(&k, &err), AWSC_OK);
    cr_assert_null(header(&k.req, "Content-Encoding"));
    awsc_rest_request_free(&k.req);

    cfg.disable_request_compression = true;
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    make_call(&k, &c, 50000);
    cr_assert_eq(awsc_gzip_compression.compress(&k, &err), AWSC_OK);
    cr_assert_eq(k.req.body.len, 50000);
    cr_assert_null(header(&k.req, "Content-Encoding"));
    awsc_rest_request_free(&k.req);
}

Test(gzip, threshold_zero_compresses_every_body)
{
    awsc_client c;
    awsc_config cfg = AWSC_CONFIG_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    setenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "0", 1);
    cr_assert_eq(configure(&c, &cfg, &err), AWSC_OK);
    awsc_call k;
    make_call(&k, &c, 3);
    cr_assert_eq(awsc_gzip_compression.compress(&k, &err), AWSC_OK);
    cr_assert_str_eq(header(&k.req, "Content-Encoding"), "gzip");
    size_t n;
    char *back = inflate_all(&k.req.body, &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(back, "Met", 3), 0);
    free(back);
    awsc_rest_request_free(&k.req);
}
