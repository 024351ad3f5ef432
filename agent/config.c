/* The agent's configuration (a `key = value` file, then flags) and its log. */
#define _GNU_SOURCE
#include "agent.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

void config_defaults(agent_config *c)
{
    memset(c, 0, sizeof *c);
    c->credentials = strdup("default");
    c->handler_dir = strdup("/etc/awsc-jobs-agent/handlers");
    c->state_dir = strdup("/var/lib/awsc-jobs-agent");
    c->boot_id_file = strdup("/proc/sys/kernel/random/boot_id");
    c->reboot_handlers = strdup("reboot.sh");
    c->download_handlers = strdup("download-file.sh");
    c->poll_interval = 30;
    c->backoff_max = 300;
    c->step_timeout = 3600;
    c->heartbeat_interval = 60;
    c->cancel_check_interval = 2;
    c->reboot_wait = 600;
    c->allow_run_command = 1;
    c->level = LOG_LVL_INFO;
}

void config_free(agent_config *c)
{
    char **s[] = {&c->endpoint, &c->region, &c->thing, &c->credentials, &c->cert, &c->key, &c->ca,
                  &c->credentials_endpoint, &c->role_alias, &c->handler_dir, &c->state_dir,
                  &c->boot_id_file, &c->reboot_handlers, &c->download_handlers};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
        free(*s[i]);
        *s[i] = NULL;
    }
}

static int set_str(char **dst, const char *v)
{
    char *d = strdup(v);
    if (!d)
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

static int set_num(double *dst, const char *v, double lo, double hi)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi))
        return -1;
    *dst = d;
    return 0;
}

static int set_bool(int *dst, const char *v)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1") || !strcmp(v, "on"))
        return *dst = 1, 0;
    if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "off"))
        return *dst = 0, 0;
    return -1;
}

int config_set(agent_config *c, const char *key, const char *v, char *why, size_t n)
{
    struct {
        const char *key;
        char **s;
    } strs[] = {{"endpoint", &c->endpoint},       {"region", &c->region},
                {"thing_name", &c->thing},        {"credentials", &c->credentials},
                {"cert", &c->cert},               {"key", &c->key},
                {"ca", &c->ca},                   {"credentials_endpoint", &c->credentials_endpoint},
                {"role_alias", &c->role_alias},   {"handler_dir", &c->handler_dir},
                {"state_dir", &c->state_dir},     {"boot_id_file", &c->boot_id_file},
                {"reboot_handlers", &c->reboot_handlers},
                {"download_handlers", &c->download_handlers}};
    struct {
        const char *key;
        double *d;
        double lo, hi;
    } nums[] = {{"poll_interval", &c->poll_interval, 0.05, 86400},
                {"backoff_max", &c->backoff_max, 0.1, 86400},
                {"step_timeout", &c->step_timeout, 0, 7 * 86400},
                {"heartbeat_interval", &c->heartbeat_interval, 0, 86400},
                {"cancel_check_interval", &c->cancel_check_interval, 0.05, 3600},
                {"reboot_wait", &c->reboot_wait, 0, 86400}};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        if (!strcmp(key, strs[i].key)) {
            if (set_str(strs[i].s, v) != 0)
                return snprintf(why, n, "out of memory"), -1;
            return 0;
        }
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        if (!strcmp(key, nums[i].key)) {
            if (set_num(nums[i].d, v, nums[i].lo, nums[i].hi) != 0)
                return snprintf(why, n, "%s: \"%s\" is not a number from %g to %g", key, v, nums[i].lo,
                                nums[i].hi), -1;
            return 0;
        }
    if (!strcmp(key, "service_step_timeout")) {
        double d;
        if (set_num(&d, v, 0, 10080) != 0 || d != (double)(long)d)
            return snprintf(why, n, "service_step_timeout: \"%s\" is not a whole number of minutes "
                                    "from 0 (none) to 10080", v), -1;
        c->service_step_timeout = (long)d;
        return 0;
    }
    if (!strcmp(key, "allow_run_command") || !strcmp(key, "syslog")) {
        if (set_bool(key[0] == 'a' ? &c->allow_run_command : &c->syslog, v) != 0)
            return snprintf(why, n, "%s: \"%s\" is not true or false", key, v), -1;
        return 0;
    }
    if (!strcmp(key, "log_level")) {
        static const char *names[] = {"error", "warn", "info", "debug"};
        for (int i = 0; i < 4; i++)
            if (!strcmp(v, names[i]))
                return c->level = (log_level)(i + 1), 0;
        return snprintf(why, n, "log_level: \"%s\" is not error, warn, info or debug", v), -1;
    }
    return snprintf(why, n, "unknown setting \"%s\"", key), -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = 0;
    return s;
}

int config_load(agent_config *c, const char *path, char *why, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return snprintf(why, n, "%s: %s", path, strerror(errno)), -1;
    char line[4096];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(why, n, "%s:%d: line longer than %zu bytes", path, lineno, sizeof line - 2);
            rc = -1;
            break;
        }
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(why, n, "%s:%d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = 0;
        char inner[512];
        if (config_set(c, trim(s), trim(eq + 1), inner, sizeof inner) != 0) {
            snprintf(why, n, "%s:%d: %s", path, lineno, inner);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f))
        rc = -1, snprintf(why, n, "%s: read error", path);
    fclose(f);
    return rc;
}

int config_check(const agent_config *c, char *why, size_t n)
{
    if (!c->thing || !*c->thing)
        return snprintf(why, n, "thing_name is required"), -1;
    if (!c->endpoint || !*c->endpoint)
        return snprintf(why, n, "endpoint is required (the account's iot:Jobs endpoint URL)"), -1;
    if (strcmp(c->credentials, "default") && strcmp(c->credentials, "iot") && strcmp(c->credentials, "mtls"))
        return snprintf(why, n, "credentials must be default, iot or mtls"), -1;
    if (strcmp(c->credentials, "default") && (!c->cert || !c->key))
        return snprintf(why, n, "credentials = %s needs cert and key", c->credentials), -1;
    if (!strcmp(c->credentials, "iot") && (!c->credentials_endpoint || !c->role_alias))
        return snprintf(why, n, "credentials = iot needs credentials_endpoint and role_alias"), -1;
    if (c->service_step_timeout > 0 && c->heartbeat_interval >= (double)c->service_step_timeout * 60)
        return snprintf(why, n, "heartbeat_interval (%gs) must be shorter than service_step_timeout (%ld min), or "
                                "0 for no heartbeats", c->heartbeat_interval, c->service_step_timeout), -1;
    if (c->handler_dir[0] != '/' || c->state_dir[0] != '/')
        return snprintf(why, n, "handler_dir and state_dir must be absolute paths"), -1;
    return 0;
}

/* ---- log ------------------------------------------------------------------------------------ */

static log_level g_level = LOG_LVL_INFO;
static int g_syslog;

void log_init(const agent_config *c)
{
    g_level = c->level;
    g_syslog = c->syslog;
    if (g_syslog)
        openlog(AGENT_NAME, LOG_PID, LOG_DAEMON);
}

void logf_(log_level lvl, const char *fmt, ...)
{
    if (lvl > g_level)
        return;
    static const char *tags[] = {"", "error", "warn", "info", "debug"};
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (g_syslog) {
        static const int prio[] = {LOG_INFO, LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
        syslog(prio[lvl], "%s", msg);
        return;
    }
    struct timespec ts;
    struct tm tm;
    char when[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ %s %s: %s\n", when, ts.tv_nsec / 1000000L, AGENT_NAME, tags[lvl], msg);
}
