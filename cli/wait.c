/*
 * `awsc <service> wait <waiter-name> [options]`: calls the waiter's operation with the
 * operation's options until its acceptors say success (exit 0, nothing printed, as the
 * AWS CLI) or failure, or the time runs out (exit 255, "Waiter NAME failed: ...").
 * The waiter's delays are the model's; the time allowed is --cli-wait-timeout seconds
 * (default 600; the Smithy specification makes the caller choose one).
 */
#include "cli.h"
#include "wait.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define DEFAULT_WAIT_SECONDS 600

const awsc_waiter *cli_wait_find(const awsc_service *svc, const char *name)
{
    if (name && name[0] == '-')
        name = NULL; /* an option: the name is missing */
    const awsc_waiter *w = name ? awsc_waiter_find(svc, name) : NULL;
    if (w)
        return w;
    if (name)
        fprintf(stderr, "awsc: %s has no waiter '%s'\n", svc->cli_name, name);
    fprintf(stderr, "usage: awsc %s wait <waiter-name> [options of its operation] [--cli-wait-timeout SECONDS]\n"
                    "            [--cli-wait-min-delay SECONDS] [--cli-wait-max-delay SECONDS]\n",
            svc->cli_name);
    if (!svc->waiter_count)
        fprintf(stderr, "%s has no waiters\n", svc->cli_name);
    for (uint32_t i = 0; i < svc->waiter_count; i++) {
        char k[128];
        size_t o = 0;
        const char *n = svc->waiters[i].name;
        for (size_t j = 0; n[j] && o + 2 < sizeof k; j++) {
            if (j && isupper((unsigned char)n[j]) &&
                (!isupper((unsigned char)n[j - 1]) || (n[j + 1] && islower((unsigned char)n[j + 1]))))
                k[o++] = '-';
            k[o++] = (char)tolower((unsigned char)n[j]);
        }
        k[o] = '\0';
        fprintf(stderr, "  %-40s %s\n", k, svc->waiters[i].operation->name);
    }
    return NULL;
}

int cli_wait_option(cli_wait_opts *w, const char *opt, const char *value)
{
    uint32_t *slot = strcmp(opt, "cli-wait-timeout") == 0     ? &w->options.max_wait_seconds
                     : strcmp(opt, "cli-wait-min-delay") == 0 ? &w->options.min_delay
                     : strcmp(opt, "cli-wait-max-delay") == 0 ? &w->options.max_delay
                                                              : NULL;
    if (!slot)
        return 0;
    char *end = NULL;
    unsigned long n = value && isdigit((unsigned char)value[0]) ? strtoul(value, &end, 10) : 0;
    if (!value || *end || n < 1 || n > 366ul * 24 * 3600) {
        fprintf(stderr, "awsc: --%s needs a whole number of seconds (1 to 31622400)\n", opt);
        return -1;
    }
    *slot = (uint32_t)n;
    return 1;
}

int cli_wait_run(awsc_client *client, const awsc_service *svc, const awsc_waiter *waiter, const void *input,
                 cli_wait_opts *w, awsc_error *err)
{
    awsc_waiter_options o = w->options;
    if (!o.max_wait_seconds)
        o.max_wait_seconds = DEFAULT_WAIT_SECONDS;
    void *output = NULL;
    int rc = awsc_waiter_wait(client, svc, waiter, input, &o, &output, err);
    awsc_output_free(output);
    if (rc == AWSC_OK)
        return 0;
    if (rc == AWSC_E_WAITER_FAILED || rc == AWSC_E_WAITER_TIMEOUT) {
        fprintf(stderr, "\n%s\n", err->message);
        return CLI_EXIT_OTHER;
    }
    fprintf(stderr, "awsc: %s: %s\n", awsc_status_str(rc), err->message ? err->message : "");
    return rc == AWSC_E_VALIDATION ? CLI_EXIT_USAGE : rc == AWSC_E_CONFIG ? CLI_EXIT_CONFIG : CLI_EXIT_OTHER;
}
