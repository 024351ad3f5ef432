/* `awsc <service> wait <waiter-name> [options]`: the service's waiters (awsc/waiters.h), as the AWS CLI's. */
#ifndef AWSC_CLI_WAIT_H
#define AWSC_CLI_WAIT_H

#include <awsc/waiters.h>

/* The waiter options: --cli-wait-timeout, --cli-wait-min-delay, --cli-wait-max-delay (seconds). */
typedef struct cli_wait_opts {
    awsc_waiter_options options;
} cli_wait_opts;

/* The waiter `name` (kebab case) of `svc`; NULL after listing the service's waiters on stderr. */
const awsc_waiter *cli_wait_find(const awsc_service *svc, const char *name);

/* Takes `--opt value` when it is a waiter option: 1 (value used), 0 (not one), -1 (bad value, message printed). */
int cli_wait_option(cli_wait_opts *w, const char *opt, const char *value);

/* Runs the waiter; the exit status: 0 on success (nothing printed), else the AWS CLI's (255: failed or timed out). */
int cli_wait_run(awsc_client *client, const awsc_service *svc, const awsc_waiter *waiter, const void *input,
                 cli_wait_opts *w, awsc_error *err);

#endif
