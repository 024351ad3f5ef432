/*
 * STS (awsQuery: XML responses, <ErrorResponse> errors) through the generated
 * descriptors: see response_fuzz.h. The credentials chain parses these bytes
 * from the network on every role refresh.
 */
#include <awsc/sts.h>

#include "response_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_response(awsc_sts_service(), data, size);
}
