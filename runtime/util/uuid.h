/* Random (version 4) UUIDs for idempotency tokens and invocation ids. */
#ifndef AWSC_UUID_H
#define AWSC_UUID_H

#include <stddef.h>

/*
 * Fills `out` with `len` bytes from a CSPRNG: the kernel's (getrandom), else OpenSSL's.
 * Returns 0, or -1 if neither can give them.
 */
int awsc_random_bytes(void *out, size_t len);

/*
 * Writes a lower-case UUID v4 ("xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx", 36 chars
 * plus NUL) drawn from awsc_random_bytes. Returns 0, or -1 if that fails.
 */
int awsc_uuid_v4(char out[37]);

#endif
