/* libawsc-transfer against a loopback fake S3: what is sent, a checksum mismatch, an abort. */
#include <awsc/checksums.h>
#include <awsc/s3.h>
#include <awsc/transfer.h>

#include "test_server.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static awsc_test_server *srv;
static awsc_s3_client *client;
static char dir[64];

static void setup(void)
{
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_attempts = 1;
    cfg.s3_force_path_style = true;
    cr_assert_eq(awsc_s3_client_new(&cfg, &client, NULL), AWSC_OK);
    snprintf(dir, sizeof dir, "/tmp/awsc-transfer-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    awsc_s3_client_free(client);
    awsc_test_server_stop(srv);
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

TestSuite(transfer, .init = setup, .fini = teardown);

static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void crc32_of(const void *data, size_t len, char *out)
{
    awsc_checksum *cs = awsc_checksum_new("crc32");
    cr_assert_not_null(cs);
    uint8_t raw[32];
    awsc_checksum_update(cs, data, len);
    cr_assert_eq(awsc_checksum_final(cs, raw, out), 4);
    awsc_checksum_free(cs);
}

Test(transfer, download_checks_the_full_object_checksum)
{
    char crc[48], headers[256];
    crc32_of("0123456789", 10, crc);
    snprintf(headers, sizeof headers, "Content-Length: 10\r\nETag: \"e1\"\r\nx-amz-checksum-crc32: %s\r\n", crc);
    awsc_test_server_push_response(srv, 200, headers, NULL, 0);
    awsc_test_server_push_response(srv, 206, "Content-Range: bytes 0-9/10\r\n", "0123456789", 10);
    char path[128];
    snprintf(path, sizeof path, "%s/out", dir);
    awsc_transfer_result res;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_transfer_download_file(client, "bkt", "k", path, NULL, &res, &err), AWSC_OK, "%s", err.message);
    cr_assert(res.checksum_validated);
    cr_assert_eq(res.bytes, 10);
    cr_assert_eq(entries(), 1, "only the destination is left");
    const awsc_test_request *get = awsc_test_server_request(srv, 1);
    cr_assert_str_eq(get->method, "GET");
    awsc_transfer_result_free(&res);
}

Test(transfer, download_mismatch_is_an_error_and_leaves_no_file)
{
    awsc_test_server_push_response(srv, 200, "Content-Length: 10\r\nETag: \"e1\"\r\nx-amz-checksum-crc32: AAAAAA==\r\n",
                                   NULL, 0);
    awsc_test_server_push_response(srv, 206, "Content-Range: bytes 0-9/10\r\n", "0123456789", 10);
    char path[128];
    snprintf(path, sizeof path, "%s/out", dir);
    awsc_transfer_result res;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_transfer_download_file(client, "bkt", "k", path, NULL, &res, &err), AWSC_E_RESPONSE);
    cr_assert_str_eq(err.code, "ChecksumMismatch");
    cr_assert_not_null(strstr(err.message, "AAAAAA=="), "%s", err.message);
    cr_assert_eq(entries(), 0, "neither the file nor its temporary is left");
    awsc_error_clear(&err);
}

Test(transfer, short_range_is_an_error)
{
    awsc_test_server_push_response(srv, 200, "Content-Length: 10\r\nETag: \"e1\"\r\n", NULL, 0);
    awsc_test_server_push_response(srv, 206, "Content-Range: bytes 0-4/10\r\n", "01234", 5);
    awsc_error err = AWSC_ERROR_INIT;
    char path[128];
    snprintf(path, sizeof path, "%s/out", dir);
    cr_assert_eq(awsc_transfer_download_file(client, "bkt", "k", path, NULL, NULL, &err), AWSC_E_RESPONSE);
    cr_assert_not_null(strstr(err.message, "5 bytes arrived, not 10"), "%s", err.message);
    cr_assert_eq(entries(), 0);
    awsc_error_clear(&err);
}

static long zeros(void *user, uint8_t *buf, size_t cap)
{
    size_t *left = user;
    size_t n = *left < cap ? *left : cap;
    memset(buf, 0, n);
    *left -= n;
    return (long)n;
}

Test(transfer, failed_part_aborts_the_upload)
{
    static const char created[] = "<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key>"
                                  "<UploadId>up-1</UploadId></InitiateMultipartUploadResult>";
    awsc_test_server_push_response(srv, 200, "Content-Type: application/xml\r\n", created, sizeof created - 1);
    awsc_test_server_push_response(srv, 200, "ETag: \"p1\"\r\n", NULL, 0);
    static const char denied[] = "<Error><Code>AccessDenied</Code><Message>no</Message></Error>";
    awsc_test_server_push_response(srv, 403, "Content-Type: application/xml\r\n", denied, sizeof denied - 1);
    awsc_test_server_push_response(srv, 204, NULL, NULL, 0);
    awsc_transfer_options o = AWSC_TRANSFER_OPTIONS_INIT;
    o.part_size = 5u << 20;
    o.max_in_flight = 1;
    size_t left = 8u << 20;
    awsc_transfer_result res;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_transfer_upload_stream(client, "bkt", "k", zeros, &left, 8 << 20, &o, &res, &err);
    cr_assert_eq(rc, AWSC_E_SERVICE, "%s", err.message);
    cr_assert_str_eq(err.code, "AccessDenied");
    cr_assert_not_null(strstr(err.message, "UploadPart 2"), "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 4);
    const awsc_test_request *create = awsc_test_server_request(srv, 0), *part = awsc_test_server_request(srv, 1),
                            *abort_ = awsc_test_server_request(srv, 3);
    cr_assert_str_eq(create->method, "POST");
    cr_assert_not_null(strstr(create->target, "uploads"), "%s", create->target);
    cr_assert_not_null(strstr(part->target, "partNumber=1"), "%s", part->target);
    bool has_crc = false;
    for (size_t i = 0; i < part->header_count; i++)
        has_crc = has_crc || strcasecmp(part->headers[i].name, "x-amz-checksum-crc32") == 0;
    cr_assert(has_crc, "each part carries its checksum");
    cr_assert_str_eq(abort_->method, "DELETE");
    cr_assert_not_null(strstr(abort_->target, "uploadId=up-1"), "%s", abort_->target);
    cr_assert_null(res.upload_id, "an aborted upload is not offered for a resume");
    awsc_error_clear(&err);
}

Test(transfer, bad_options_are_refused_before_sending)
{
    awsc_transfer_options o = AWSC_TRANSFER_OPTIONS_INIT;
    o.checksum_algorithm = "MD4";
    size_t left = 10;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_transfer_upload_stream(client, "bkt", "k", zeros, &left, 10, &o, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "MD4"));
    cr_assert_eq(awsc_transfer_upload_stream(client, "bkt", NULL, zeros, &left, 10, NULL, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_eq(awsc_transfer_upload_file(client, "bkt", "k", "/nonexistent/file", NULL, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "/nonexistent/file"));
    cr_assert_eq(awsc_test_server_request_count(srv), 0);
    awsc_error_clear(&err);
}
