/*
 * presign_tool: one presigned URL from the runtime's awsc_client_presign, for the tests that
 * compare it with botocore (tests/py/test_presign.py) or send it to moto.
 *
 *   presign_tool SERVICE OPERATION EXPIRES [--time EPOCH] [--region R] [--endpoint-url U]
 *                [--path-style] [--global-endpoint] [--access-key ID] [--secret KEY] [--token T] [Member=value]...
 *
 * SERVICE is s3, sts or iot-jobs-data; members are string or enum input members by their model name. --time fixes the clock (the config's `now` hook); without it the real
 * clock signs. Prints the URL; on failure the error, exit status 1 (2: bad usage).
 */
#include <awsc/awsc.h>
#include <awsc/schema.h>

#include "serde/scalar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const awsc_service *awsc_s3_service(void);
const awsc_service *awsc_sts_service(void);
const awsc_service *awsc_iot_jobs_data_service(void);

static int64_t fixed_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

static int usage(const char *why)
{
    fprintf(stderr, "presign_tool: %s\n", why);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return usage("SERVICE OPERATION EXPIRES [options] [Member=value]...");
    const awsc_service *svc = strcmp(argv[1], "s3") == 0    ? awsc_s3_service()
                              : strcmp(argv[1], "sts") == 0 ? awsc_sts_service()
                              : strcmp(argv[1], "iot-jobs-data") == 0 ? awsc_iot_jobs_data_service()
                                                                      : NULL;
    if (!svc)
        return usage("unknown service");
    const awsc_operation *op = NULL;
    for (uint32_t i = 0; i < svc->operation_count; i++)
        if (strcmp(svc->operations[i].name, argv[2]) == 0)
            op = &svc->operations[i];
    if (!op)
        return usage("unknown operation");
    int64_t expires = strtoll(argv[3], NULL, 10), now = 0;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.max_attempts = 1;
    void *input = op->input ? calloc(1, op->input->size) : NULL;
    if (op->input && !input)
        return usage("out of memory");
    for (int i = 4; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--path-style") == 0 || strcmp(a, "--global-endpoint") == 0) {
            *(a[2] == 'p' ? &cfg.s3_force_path_style : &cfg.s3_use_global_endpoint) = true;
            continue;
        }
        const char **slot = strcmp(a, "--region") == 0         ? &cfg.region
                            : strcmp(a, "--endpoint-url") == 0 ? &cfg.endpoint_url
                            : strcmp(a, "--access-key") == 0   ? &cfg.access_key_id
                            : strcmp(a, "--secret") == 0       ? &cfg.secret_access_key
                            : strcmp(a, "--token") == 0        ? &cfg.session_token
                                                               : NULL;
        if (slot || strcmp(a, "--time") == 0) {
            if (!v)
                return usage("an option needs a value");
            if (slot)
                *slot = v;
            else {
                now = strtoll(v, NULL, 10);
                cfg.now = fixed_now;
                cfg.hooks_ctx = &now;
            }
            i++;
            continue;
        }
        const char *eq = strchr(a, '=');
        const awsc_member *m = NULL;
        for (uint32_t k = 0; eq && op->input && k < op->input->member_count; k++)
            if (strlen(op->input->members[k].name) == (size_t)(eq - a) &&
                strncmp(op->input->members[k].name, a, (size_t)(eq - a)) == 0)
                m = &op->input->members[k];
        if (!m)
            return usage("unknown argument or member");
        if (m->type == AWSC_T_ENUM)
            awsc_enum_set(m, input, (char *)(eq + 1));
        else if (m->type == AWSC_T_STRING)
            *(const char **)((unsigned char *)input + m->offset) = eq + 1;
        else
            return usage("only string and enum members");
    }
    awsc_error err = AWSC_ERROR_INIT;
    awsc_client *client = NULL;
    char *url = NULL;
    int rc = awsc_client_new(svc, &cfg, &client, &err);
    if (rc == AWSC_OK)
        rc = awsc_client_presign(client, op, input, expires, &url, &err);
    if (rc == AWSC_OK)
        printf("%s\n", url);
    else
        fprintf(stderr, "presign_tool: %s: %s\n", awsc_status_str(rc), err.message ? err.message : "");
    free(url);
    awsc_client_free(client);
    awsc_error_clear(&err);
    free(input);
    return rc == AWSC_OK ? 0 : 1;
}
