/*
 * Job documents in the AWS IoT Device Client's schema version 1.0, checked whole before any
 * step runs: a document either becomes a plan, or the job is REJECTED with the reason.
 *
 *   {"version": "1.0", "includeStdOut": "true",
 *    "steps": [{"action": {"name": ..., "type": "runHandler" | "runCommand",
 *                          "input": {"handler": ..., "args": [...], "path": ...} | {"command": ...},
 *                          "runAsUser": ..., "allowStdErr": N, "ignoreStepFailure": "true"}}],
 *    "finalStep": {"action": {...}}}
 */
#define _GNU_SOURCE
#include "agent.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_STEPS 64
#define MAX_ARGS 256

void plan_free(plan *p)
{
    for (int i = 0; i < p->nsteps; i++) {
        step *s = &p->steps[i];
        free(s->name);
        free(s->run_as);
        free(s->url);
        free(s->path);
        free(s->sha256);
        for (char **a = s->argv; a && *a; a++)
            free(*a);
        free(s->argv);
    }
    free(p->steps);
    memset(p, 0, sizeof *p);
}

static int owner_ok(const struct stat *st)
{
    return st->st_uid == 0 || st->st_uid == geteuid();
}

int handler_safe(const char *path, char *why, size_t n)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return snprintf(why, n, "handler %s: %s", path, strerror(errno)), -1;
    if (!S_ISREG(st.st_mode))
        return snprintf(why, n, "handler %s is not a regular file", path), -1;
    if (!owner_ok(&st))
        return snprintf(why, n, "handler %s is owned by uid %u, not by root or the agent's user", path,
                        (unsigned)st.st_uid), -1;
    if ((st.st_mode & 077) || !(st.st_mode & S_IXUSR))
        return snprintf(why, n, "handler %s has mode %03o; handlers must be 700", path,
                        (unsigned)(st.st_mode & 0777)), -1;
    return 0;
}

static int dir_safe(const char *dir, char *why, size_t n)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return snprintf(why, n, "handler directory %s: %s", dir, strerror(errno)), -1;
    if (!S_ISDIR(st.st_mode) || !owner_ok(&st) || (st.st_mode & 022))
        return snprintf(why, n, "handler directory %s must be a directory owned by root or the agent's "
                                "user and writable by no one else", dir), -1;
    return 0;
}

/* "true"/"false" as the Device Client writes them, or a JSON boolean; absent is `dflt`. */
static int flag(const cJSON *v, int dflt, int *out)
{
    if (!v)
        return *out = dflt, 0;
    if (cJSON_IsBool(v))
        return *out = cJSON_IsTrue(v), 0;
    if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "false")))
        return *out = v->valuestring[0] == 't', 0;
    return -1;
}

static int plain_name(const char *s)
{
    return *s && strlen(s) <= 255 && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static int in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == len && !strncmp(p, name, len))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* argv under construction: NULL-terminated, every entry malloc'd. */
static int push(char ***argv, int *argc, const char *s, size_t len)
{
    if (*argc >= MAX_ARGS)
        return -1;
    char **a = realloc(*argv, sizeof *a * (size_t)(*argc + 2));
    if (!a)
        return -1;
    *argv = a;
    if (!(a[*argc] = strndup(s, len)))
        return -1;
    a[++*argc] = NULL;
    return 0;
}

/* The Device Client's runCommand string: arguments split at commas, "\," a literal comma. */
static int split_command(const char *cmd, char ***argv, int *argc)
{
    size_t len = strlen(cmd);
    char *tok = malloc(len + 1);
    if (!tok)
        return -1;
    const char *p = cmd;
    for (;;) {
        size_t k = 0;
        while (*p && *p != ',') {
            if (*p == '\\' && p[1] == ',')
                p++;
            tok[k++] = *p++;
        }
        tok[k] = 0;
        size_t b = 0;
        while (tok[b] && isspace((unsigned char)tok[b]))
            b++;
        while (k > b && isspace((unsigned char)tok[k - 1]))
            k--;
        if (push(argv, argc, tok + b, k - b) != 0)
            return free(tok), -1;
        if (!*p)
            break;
        p++;
    }
    free(tok);
    return 0;
}

/*
 * The built-in download-file.sh of AWS-Download-File: args are the URL (http or https; a
 * presigned S3 URL as IoT substitutes it), the absolute file path, and optionally the
 * SHA-256 the file must have (64 hex digits).
 */
static int parse_download(const cJSON *args, const char *where, step *s, char *why, size_t n)
{
    const char *v[3] = {NULL, NULL, NULL};
    int k = 0;
    for (const cJSON *a = cJSON_IsArray(args) ? args->child : NULL; a; a = a->next, k++)
        if (k >= 3 || !cJSON_IsString(a) || !printable(a->valuestring))
            return snprintf(why, n, "%s: the download takes a URL, a file path and an optional SHA-256", where), -1;
        else
            v[k] = a->valuestring;
    if (k < 2 || (strncmp(v[0], "https://", 8) && strncmp(v[0], "http://", 7)))
        return snprintf(why, n, "%s: the download needs an http(s) URL and a file path", where), -1;
    if (v[1][0] != '/' || strstr(v[1], "/../") || strlen(v[1]) > 1024 || v[1][strlen(v[1]) - 1] == '/')
        return snprintf(why, n, "%s: the download's file path must be an absolute file path", where), -1;
    if (v[2] && (strlen(v[2]) != 64 || strspn(v[2], "0123456789abcdefABCDEF") != 64))
        return snprintf(why, n, "%s: the download's SHA-256 must be 64 hex digits", where), -1;
    s->download = 1;
    if (!(s->url = strdup(v[0])) || !(s->path = strdup(v[1])) || (v[2] && !(s->sha256 = strdup(v[2]))))
        return snprintf(why, n, "out of memory"), -1;
    /* argv for the log and the runner: the program is the agent itself */
    int argc = 0;
    if (push(&s->argv, &argc, "download", 8) != 0)
        return snprintf(why, n, "out of memory"), -1;
    return 0;
}

static int parse_action(const cJSON *holder, const char *where, const agent_config *cfg, step *s, char *why,
                        size_t n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(holder, "action");
    if (!cJSON_IsObject(holder) || !cJSON_IsObject(a))
        return snprintf(why, n, "%s has no \"action\" object", where), -1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(a, "name");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(a, "type");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(a, "input");
    if (!cJSON_IsString(name) || !*name->valuestring || !printable(name->valuestring))
        return snprintf(why, n, "%s: action needs a \"name\"", where), -1;
    if (!(s->name = strdup(name->valuestring)))
        return snprintf(why, n, "out of memory"), -1;
    if (!cJSON_IsString(type) ||
        (strcmp(type->valuestring, "runHandler") && strcmp(type->valuestring, "runCommand")))
        return snprintf(why, n, "%s: action type must be runHandler or runCommand", where), -1;
    if (!cJSON_IsObject(input))
        return snprintf(why, n, "%s: action needs an \"input\" object", where), -1;
    s->run_command = type->valuestring[3] == 'C';

    const cJSON *user = cJSON_GetObjectItemCaseSensitive(a, "runAsUser");
    if (user && !cJSON_IsString(user))
        return snprintf(why, n, "%s: runAsUser must be a string", where), -1;
    if (user && *user->valuestring) {
        struct passwd *pw = getpwnam(user->valuestring);
        if (!pw)
            return snprintf(why, n, "%s: runAsUser %.64s is not a user of this device", where,
                            user->valuestring), -1;
        if (geteuid() != 0 && pw->pw_uid != geteuid())
            return snprintf(why, n, "%s: the agent does not run as root and cannot run as %.64s", where,
                            user->valuestring), -1;
        if (!(s->run_as = strdup(user->valuestring)))
            return snprintf(why, n, "out of memory"), -1;
    }
    const cJSON *allow = cJSON_GetObjectItemCaseSensitive(a, "allowStdErr");
    s->allow_stderr = -1;
    if (allow) {
        if (!cJSON_IsNumber(allow) || allow->valuedouble < 0 || allow->valuedouble > 1e9 ||
            allow->valuedouble != (double)(long)allow->valuedouble)
            return snprintf(why, n, "%s: allowStdErr must be a whole number of lines", where), -1;
        s->allow_stderr = (long)allow->valuedouble;
    }
    if (flag(cJSON_GetObjectItemCaseSensitive(a, "ignoreStepFailure"), 0, &s->ignore_failure) != 0)
        return snprintf(why, n, "%s: ignoreStepFailure must be \"true\" or \"false\"", where), -1;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(a, "timeoutSeconds"); /* awsc extension */
    s->timeout = cfg->step_timeout;
    if (t) {
        if (!cJSON_IsNumber(t) || !(t->valuedouble > 0 && t->valuedouble <= 7 * 86400))
            return snprintf(why, n, "%s: timeoutSeconds must be a number of seconds up to 604800", where), -1;
        s->timeout = t->valuedouble;
    }

    int argc = 0;
    if (!s->run_command) {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(input, "handler");
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(input, "path");
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(input, "args");
        if (!cJSON_IsString(h) || !plain_name(h->valuestring) || !printable(h->valuestring))
            return snprintf(why, n, "%s: handler must be a file name in the handler directory", where), -1;
        if (path && !cJSON_IsString(path))
            return snprintf(why, n, "%s: path must be a string", where), -1;
        if (path && *path->valuestring && strcmp(path->valuestring, "default")) {
            size_t dl = strlen(cfg->handler_dir), pl = strlen(path->valuestring);
            while (pl > 1 && path->valuestring[pl - 1] == '/')
                pl--;
            while (dl > 1 && cfg->handler_dir[dl - 1] == '/')
                dl--;
            if (pl != dl || strncmp(path->valuestring, cfg->handler_dir, dl))
                return snprintf(why, n, "%s: handlers run only from the handler directory %s, not %.128s",
                                where, cfg->handler_dir, path->valuestring), -1;
        }
        if (in_list(cfg->download_handlers, h->valuestring))
            return parse_download(args, where, s, why, n);
        if (dir_safe(cfg->handler_dir, why, n) != 0)
            return -1;
        char full[4096];
        if ((size_t)snprintf(full, sizeof full, "%s/%s", cfg->handler_dir, h->valuestring) >= sizeof full)
            return snprintf(why, n, "%s: handler path too long", where), -1;
        if (handler_safe(full, why, n) != 0)
            return -1;
        /* As the Device Client does, a handler gets the user it runs as first, then args. */
        const char *as = s->run_as;
        struct passwd *pw = as ? NULL : getpwuid(geteuid());
        if (!as)
            as = pw ? pw->pw_name : "";
        if (push(&s->argv, &argc, full, strlen(full)) || push(&s->argv, &argc, as, strlen(as)))
            return snprintf(why, n, "out of memory"), -1;
        if (args && !cJSON_IsArray(args))
            return snprintf(why, n, "%s: args must be an array of strings", where), -1;
        for (const cJSON *v = args ? args->child : NULL; v; v = v->next) {
            if (!cJSON_IsString(v))
                return snprintf(why, n, "%s: args must be an array of strings", where), -1;
            if (push(&s->argv, &argc, v->valuestring, strlen(v->valuestring)) != 0)
                return snprintf(why, n, "%s: more than %d arguments", where, MAX_ARGS), -1;
        }
        s->reboot = in_list(cfg->reboot_handlers, h->valuestring);
    } else {
        if (!cfg->allow_run_command)
            return snprintf(why, n, "%s: runCommand is disabled on this device (allow_run_command)", where), -1;
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(input, "command");
        if (cJSON_IsString(c)) {
            if (split_command(c->valuestring, &s->argv, &argc) != 0)
                return snprintf(why, n, "%s: command has too many arguments", where), -1;
        } else if (cJSON_IsArray(c)) {
            for (const cJSON *v = c->child; v; v = v->next) {
                if (!cJSON_IsString(v))
                    return snprintf(why, n, "%s: command must be a string or an array of strings", where), -1;
                if (push(&s->argv, &argc, v->valuestring, strlen(v->valuestring)) != 0)
                    return snprintf(why, n, "%s: more than %d arguments", where, MAX_ARGS), -1;
            }
        } else {
            return snprintf(why, n, "%s: runCommand needs input.command", where), -1;
        }
        if (argc == 0 || !*s->argv[0])
            return snprintf(why, n, "%s: command is empty", where), -1;
        for (const char *p = s->argv[0]; *p; p++)
            if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20)
                return snprintf(why, n, "%s: the command's first word contains spaces (arguments are "
                                        "separated by commas, never by a shell)", where), -1;
        if (strchr(s->argv[0], '/') && s->argv[0][0] != '/')
            return snprintf(why, n, "%s: a command path must be absolute", where), -1;
    }
    return 0;
}

int plan_parse(const char *text, const agent_config *cfg, plan *p, char *why, size_t n)
{
    memset(p, 0, sizeof *p);
    if (!text)
        return snprintf(why, n, "the job has no document"), -1;
    cJSON *doc = cJSON_ParseWithOpts(text, NULL, 1);
    int rc = -1;
    if (!doc) {
        snprintf(why, n, "the job document is not valid JSON");
        goto out;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "version");
    if (cJSON_IsObject(doc) && !version && cJSON_GetObjectItemCaseSensitive(doc, "operation")) {
        snprintf(why, n, "the Device Client's old schema (\"operation\") is not supported: use \"version\": \"1.0\"");
        goto out;
    }
    if (!cJSON_IsObject(doc) || !cJSON_IsString(version) || strcmp(version->valuestring, "1.0")) {
        snprintf(why, n, "the job document must be an object with \"version\": \"1.0\"");
        goto out;
    }
    if (cJSON_GetObjectItemCaseSensitive(doc, "conditions")) {
        /* running a document whose conditions were skipped could run it where it must not */
        snprintf(why, n, "\"conditions\" are not supported by this agent");
        goto out;
    }
    if (flag(cJSON_GetObjectItemCaseSensitive(doc, "includeStdOut"), 0, &p->include_stdout) != 0) {
        snprintf(why, n, "includeStdOut must be \"true\" or \"false\"");
        goto out;
    }
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(doc, "finalStep");
    int count = cJSON_IsArray(steps) ? cJSON_GetArraySize(steps) : 0;
    if (count == 0) {
        snprintf(why, n, "the job document needs a non-empty \"steps\" array");
        goto out;
    }
    if (count > MAX_STEPS) {
        snprintf(why, n, "the job document has more than %d steps", MAX_STEPS);
        goto out;
    }
    p->has_final = final != NULL;
    if (!(p->steps = calloc((size_t)(count + p->has_final), sizeof *p->steps))) {
        snprintf(why, n, "out of memory");
        goto out;
    }
    const cJSON *s = steps->child;
    for (int i = 0; i < count + p->has_final; i++, s = s ? s->next : NULL) {
        char where[32];
        if (i < count)
            snprintf(where, sizeof where, "step %d", i + 1);
        else
            snprintf(where, sizeof where, "finalStep");
        p->nsteps = i + 1;
        if (parse_action(i < count ? s : final, where, cfg, &p->steps[i], why, n) != 0)
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(doc);
    if (rc != 0)
        plan_free(p);
    return rc;
}
