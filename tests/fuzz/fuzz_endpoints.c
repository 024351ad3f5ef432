/*
 * The endpoint rules evaluator (awsc/endpoints.h) over arbitrary region and
 * endpoint strings, with the IoT Jobs data plane's compiled rule set.
 * Input: byte 0 holds the FIPS and dual-stack flags; the rest is "region\nendpoint".
 * Oracles: no crash, no leak; a success is an https/http URL; an error has a message.
 */
#include <awsc/endpoints.h>
#include <awsc/iot_jobs_data.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *nl = strchr(text, '\n');
    const char *endpoint = NULL;
    if (nl) {
        *nl = '\0';
        endpoint = nl + 1;
    }
    awsc_endpoint_param params[] = {
        AWSC_EP_PARAM_STRING("AWS::Region", text[0] ? text : NULL),
        AWSC_EP_PARAM_BOOL("AWS::UseFIPS", (data[0] & 1) != 0),
        AWSC_EP_PARAM_BOOL("AWS::UseDualStack", (data[0] & 2) != 0),
        AWSC_EP_PARAM_STRING("SDK::Endpoint", endpoint),
    };
    const awsc_service *svc = awsc_iot_jobs_data_service();
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_endpoint_resolve(svc->endpoint_rules, params, sizeof params / sizeof params[0], &ep, &err);
    if (rc == AWSC_OK && !ep.url) {
        fprintf(stderr, "endpoints: success without a URL\n");
        abort();
    }
    if (rc != AWSC_OK && !err.message) {
        fprintf(stderr, "endpoints: failure without a message\n");
        abort();
    }
    awsc_endpoint_free(&ep);
    awsc_error_clear(&err);
    free(text);
    return 0;
}
