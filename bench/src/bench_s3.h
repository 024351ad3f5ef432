/* The S3 client the transfer and event-stream benchmarks drive: nginx on loopback, one attempt. */
#ifndef AWSC_BENCH_S3_H
#define AWSC_BENCH_S3_H

#include <awsc/s3.h>

static inline int bench_s3_client(const char *base, awsc_s3_client **out, awsc_error *err)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.endpoint_url = base;
    cfg.region = "us-east-1";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.max_attempts = 1;
    cfg.request_timeout_ms = 600000;
    return awsc_s3_client_new(&cfg, out, err);
}

#endif
