/* Glacier ListVaults to the loopback recorder at argv[1]: test_s3_signing.py checks X-Amz-Content-Sha256. */
#include <awsc/glacier.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = argv[1];
    cfg.max_attempts = 1;
    awsc_glacier_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_glacier_client_new(&cfg, &c, &err) != AWSC_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    awsc_glacier_list_vaults_input in = {0};
    in.account_id = "-";
    awsc_glacier_list_vaults_output *out = NULL;
    int rc = awsc_glacier_list_vaults(c, &in, &out, &err);
    printf("ListVaults: %s %s\n", awsc_status_str(rc), err.message ? err.message : "");
    awsc_glacier_list_vaults_output_free(out);
    awsc_error_clear(&err);
    awsc_glacier_client_free(c);
    return 0;
}
