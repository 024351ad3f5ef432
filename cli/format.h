/* The CLI's output formats (--output), as the AWS CLI v2 prints them. */
#ifndef AWSC_CLI_FORMAT_H
#define AWSC_CLI_FORMAT_H

#include <awsc/jmespath.h>

#include <stdio.h>

typedef enum cli_output { CLI_OUT_JSON, CLI_OUT_TEXT, CLI_OUT_TABLE, CLI_OUT_YAML } cli_output;

/* "json", "text", "table", "yaml" (and "yaml-stream"): 0 and *out, or -1. */
int cli_output_parse(const char *name, cli_output *out);

/*
 * Prints `v` (a tree, not a value with shared items) in `fmt`; `title` heads
 * a table (the operation's name), `width` is the terminal's (a table wider
 * turns its one-row sections vertical). An empty object prints nothing, as in
 * the AWS CLI. Returns 0, or -1 when writing failed or memory ran out.
 */
int cli_print(FILE *out, cli_output fmt, const awsc_jmespath_value *v, const char *title, int width);

#endif
