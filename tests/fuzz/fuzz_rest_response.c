/* IoT Jobs (restJson1) responses through the generated descriptors: see response_fuzz.h. */
#include <awsc/iot_jobs_data.h>

#include "response_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_response(awsc_iot_jobs_data_service(), data, size);
}
