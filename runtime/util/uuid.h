/* Random (version 4) UUIDs for idempotency tokens and invocation ids. */
#ifndef AWSC_UUID_H
#define AWSC_UUID_H

/*
 * Writes a lower-case UUID v4 ("xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx", 36 chars
 * plus NUL) drawn from OpenSSL's CSPRNG. Returns 0, or -1 if the CSPRNG fails.
 */
int awsc_uuid_v4(char out[37]);

#endif
