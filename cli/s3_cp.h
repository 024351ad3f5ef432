/* awsc s3 cp (cli/s3_cp.c): file and stream transfers through libawsc-transfer. */
#ifndef AWSC_CLI_S3_CP_H
#define AWSC_CLI_S3_CP_H

/* argv: what follows "awsc s3 cp". Returns the exit status. */
int awsc_cli_s3_cp(int argc, char **argv);

#endif
