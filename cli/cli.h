#ifndef AWSC_CLI_H
#define AWSC_CLI_H

#include <awsc/schema.h>

/* Every service built into this awsc, NULL-terminated. */
extern const awsc_service *(*const awsc_cli_services[])(void);

/* Exit statuses, as the AWS CLI's: bad usage or input, configuration, the service's error, anything else. */
enum { EXIT_USAGE = 252, EXIT_CONFIG = 253, EXIT_SERVICE = 254, EXIT_OTHER = 255 };

/* The built service whose CLI name is `name` (e.g. "s3api"), or NULL. */
const awsc_service *awsc_cli_find_service(const char *name);

/* What every command's client configuration starts from: the STS and SSO plug-ins, the MFA prompt. */
void awsc_cli_base_config(awsc_config *cfg);

/* awsc s3 ... (cli/s3.c): argv[0] is "s3". Returns the exit status. */
int awsc_cli_s3(int argc, char **argv);

#endif
