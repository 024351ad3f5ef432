/* Display width of table cells, as the AWS CLI counts it (East Asian Width W, F, A: two columns). */
#ifndef AWSC_CLI_WIDTH_H
#define AWSC_CLI_WIDTH_H

#include <stddef.h>

size_t cli_text_width(const char *s, size_t len);

#endif
