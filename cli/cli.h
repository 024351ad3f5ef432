#ifndef AWSC_CLI_H
#define AWSC_CLI_H

#include <awsc/schema.h>

/* Every service built into this awsc, NULL-terminated. */
extern const awsc_service *(*const awsc_cli_services[])(void);

#endif
