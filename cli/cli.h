#ifndef AWSC_CLI_H
#define AWSC_CLI_H

#include <awsc/jmespath.h>
#include <awsc/schema.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli_docs.h"
#include "util/buf.h"

/* Every service built into this awsc, NULL-terminated. */
extern const awsc_service *(*const awsc_cli_services[])(void);
/* Parallel to awsc_cli_services: each service's documentation for help, or NULL. */
extern const cli_service_docs *const awsc_cli_service_docs[];

/* Exit statuses, as the AWS CLI's: bad usage or input, configuration, a service error, anything else. */
enum { CLI_EXIT_USAGE = 252, CLI_EXIT_CONFIG = 253, CLI_EXIT_SERVICE = 254, CLI_EXIT_OTHER = 255 };

/* "thingName" -> "thing-name": a member's or operation's option name. */
void cli_kebab(const char *name, char *out, size_t cap);

/* ---- safe.c: what a server sent, printed without its control characters ---- */

/* Writes `s` with C0 and C1 control characters (and DEL) escaped as \xNN; NULL writes nothing. */
void cli_put_untrusted(FILE *f, const char *s);

/* ---- args.c: the command line's shape before it is read ---- */

/*
 * Splits "--opt=value" into two arguments and moves the global options (and
 * their values) that stand before the service or operation after them, so that
 * the reader sees `awsc <service> <operation> [options]`. Returns a new argv
 * (argv[0] kept) and its count in *argc, or NULL when memory ran out.
 */
char **cli_normalize_args(int *argc, char **argv);

/* Whether `opt` (without "--") is a global option and whether it takes a value. */
bool cli_global_option(const char *opt, bool *takes_value);

/* ---- value.c: option values and input documents, checked against the model ---- */

typedef enum cli_binary_format { CLI_BLOB_BASE64, CLI_BLOB_RAW } cli_binary_format;

typedef struct cli_value_opts {
    bool lenient;                 /* shorthand and YAML: scalars are text, converted to the member's type */
    bool strict_members;          /* unknown structure members are errors */
    cli_binary_format blobs;      /* how blob strings are given */
} cli_value_opts;

/*
 * Writes `v` as the JSON of a value of member `m`'s type (model member names),
 * checking its type all the way down. On a mismatch returns -1 with the reason
 * in `why` ("expected an integer at step, got \"abc\""). `path` is where `v`
 * is ("" at the top).
 */
int cli_value_json(awsc_buf *out, const awsc_member *m, const awsc_jmespath_value *v, const char *path,
                   const cli_value_opts *o, char *why, size_t why_cap);

/* As cli_value_json for a whole structure (an operation's input). */
int cli_struct_json(awsc_buf *out, const awsc_shape *s, const awsc_jmespath_value *v, const char *path,
                    const cli_value_opts *o, char *why, size_t why_cap);

/* A phrase naming member type `m`'s values: "an integer", "a JSON object"... */
const char *cli_type_phrase(const awsc_member *m);

/* ---- options.c: one option's value(s) as the JSON of its member ---- */

/*
 * The JSON of member `m` from the `n` arguments given to --`opt` (several for a
 * list): file:// and fileb:// read files, a value starting with { or [ is
 * JSON, another one of a structure, map or list is shorthand, scalars take the
 * member's type. Errors are printed naming --opt; returns 0 or CLI_EXIT_USAGE.
 */
int cli_option_json(awsc_buf *json, const awsc_member *m, const char *opt, char *const *values, size_t n,
                    cli_binary_format blobs);

/* Reads a regular file of at most 16 MiB for `what` (an option); NULL with the reason printed. */
char *cli_read_file(const char *what, const char *path, size_t *len);

/* An input document (--cli-input-json / --cli-input-yaml) checked against `shape` into model JSON. */
int cli_input_document(awsc_buf *json, const awsc_shape *shape, const char *opt, const char *text, size_t len,
                       cli_binary_format blobs);

/* ---- stream.c: streamed bodies from and to files ---- */

/* Opens `path` as the request body of a streamed member; 0, or CLI_EXIT_USAGE with the reason printed. */
int cli_stream_open(awsc_stream *st, const char *opt, const char *path);
void cli_stream_close(awsc_stream *st);

/* ---- shorthand.c: the AWS CLI's shorthand syntax ---- */

/*
 * Parses the shorthand `text` (`a=1,b=[x,y],c={d=e}`) into JSON whose scalars
 * are all strings: an object, or (`top_list`) a scalar string / array when the
 * text is a list of values. -1 with the reason in `why`.
 */
int cli_shorthand_json(awsc_buf *out, const char *text, bool top_object, char *why, size_t why_cap);

/* ---- yaml.c: the block YAML the AWS CLI's skeletons use ---- */

/* Converts a YAML document (block maps and lists, scalars, quoted strings, comments) to JSON. */
int cli_yaml_to_json(awsc_buf *out, const char *text, size_t len, char *why, size_t why_cap);

/* ---- skeleton.c: --generate-cli-skeleton ---- */

/* The skeleton of `shape` as JSON: placeholders of each member's type (`names`: strings hold their names). */
int cli_skeleton_json(awsc_buf *out, const awsc_shape *shape, bool names);

/* ---- help.c ---- */

void cli_help_services(FILE *f);
void cli_help_service(FILE *f, const awsc_service *svc);
void cli_help_operation(FILE *f, const awsc_service *svc, const awsc_operation *op);

/* ---- configure.c: awsc configure list|get|set ---- */

int cli_configure(int argc, char **argv, const char *profile);

/* ---- main.c, for the other commands ---- */

/* The built service whose CLI name is `name` (e.g. "s3api"), or NULL. */
const awsc_service *awsc_cli_find_service(const char *name);

/* What every command's client configuration starts from: the STS and SSO plug-ins, the MFA prompt. */
void awsc_cli_base_config(awsc_config *cfg);

/*
 * The AWS CLI's nested S3 profile setting, read for cfg->profile:
 *     s3 =
 *       addressing_style = path        (or virtual, auto)
 * `path` sets cfg->s3_force_path_style. Returns 0, or CLI_EXIT_CONFIG after printing what is wrong.
 */
int awsc_cli_s3_addressing(awsc_config *cfg);

/* ---- s3.c: awsc s3 ... (argv[0] is "s3"); returns the exit status ---- */

int awsc_cli_s3(int argc, char **argv);

#endif
