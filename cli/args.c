/* The command line's shape: `--opt=value`, and global options before the service and operation. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The AWS CLI's global options that awsc reads, and whether each takes a value. */
static const struct {
    const char *name;
    bool value;
} globals[] = {
    {"region", true},      {"profile", true},          {"output", true},           {"query", true},
    {"endpoint-url", true}, {"cli-connect-timeout", true}, {"cli-read-timeout", true}, {"cli-binary-format", true},
    {"debug", false},      {"no-cli-pager", false},    {"no-paginate", false},
};

bool cli_global_option(const char *opt, bool *takes_value)
{
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++)
        if (strcmp(opt, globals[i].name) == 0) {
            if (takes_value)
                *takes_value = globals[i].value;
            return true;
        }
    return false;
}

char **cli_normalize_args(int *argc, char **argv)
{
    int n = *argc;
    /* at most twice as many (each --opt=value splits in two), plus the terminating NULL */
    char **split = calloc(2 * (size_t)n + 1, sizeof *split);
    char **out = calloc(2 * (size_t)n + 1, sizeof *out);
    char **moved = calloc(2 * (size_t)n + 1, sizeof *moved);
    if (!split || !out || !moved) {
        free(split), free(out), free(moved);
        return NULL;
    }
    int s = 0;
    bool only_values = false;
    for (int i = 0; i < n; i++) {
        char *a = argv[i];
        char *eq = i > 0 && !only_values && strncmp(a, "--", 2) == 0 && a[2] ? strchr(a, '=') : NULL;
        if (strcmp(a, "--") == 0)
            only_values = true;
        if (eq && eq > a + 2) {
            /* "--opt=value": the argument's own storage, split in place (argv is writable) */
            *eq = '\0';
            split[s++] = a;
            split[s++] = eq + 1;
        } else {
            split[s++] = a;
        }
    }
    int o = 0, m = 0, positional = 0;
    out[o++] = split[0];
    for (int i = 1; i < s; i++) {
        char *a = split[i];
        bool takes = false;
        if (positional < 2 && strncmp(a, "--", 2) == 0 && cli_global_option(a + 2, &takes)) {
            moved[m++] = a;
            if (takes && i + 1 < s)
                moved[m++] = split[++i];
            continue;
        }
        out[o++] = a;
        if (positional < 2 && strncmp(a, "--", 2) != 0 && ++positional == 2) {
            for (int k = 0; k < m; k++)
                out[o++] = moved[k];
            m = 0;
        }
    }
    for (int k = 0; k < m; k++)
        out[o++] = moved[k];
    out[o] = NULL;
    free(split);
    free(moved);
    *argc = o;
    return out;
}
