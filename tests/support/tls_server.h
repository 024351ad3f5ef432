/*
 * A loopback TLS server that requires a client certificate, for tests of
 * mutual TLS (the AWS IoT credentials provider). It is the openssl CLI's
 * s_server in a child process, serving one connection: the canned response
 * goes to its stdin (s_server sends it once the handshake is done) and what
 * the client sent is read back from its stdout.
 *
 *     char dir[64];
 *     awsc_test_tls_make_certs(dir);               // dir/ca.pem, server.*, client.*, rogue.*
 *     awsc_test_tls *t = awsc_test_tls_start(dir, 0, "HTTP/1.1 200 OK\r\n...");
 *     ... connect to 127.0.0.1:awsc_test_tls_port(t) with dir/client.pem ...
 *     char *request = awsc_test_tls_finish(t);     // also stops the server
 */
#ifndef AWSC_TEST_TLS_SERVER_H
#define AWSC_TEST_TLS_SERVER_H

typedef struct awsc_test_tls awsc_test_tls;

/*
 * Creates a fresh directory under /tmp (its name written to `dir`) with a test
 * CA (ca.pem), a server certificate for 127.0.0.1 and localhost (server.pem,
 * server.key), a client certificate from that CA (client.pem, client.key) and
 * one from another CA (rogue.pem, rogue.key). Returns 0, or -1 on failure.
 */
int awsc_test_tls_make_certs(char dir[64]);

/* Removes the directory made by awsc_test_tls_make_certs. */
void awsc_test_tls_remove_certs(const char *dir);

/*
 * Starts a server on 127.0.0.1:`port` (0: a free port) that answers its one
 * connection with `response` (a complete HTTP response). NULL on failure.
 */
awsc_test_tls *awsc_test_tls_start(const char *dir, int port, const char *response);

/*
 * The same, with `extra` (NULL-terminated s_server arguments, e.g. "-tls1_1") instead of the
 * arguments that require a client certificate.
 */
awsc_test_tls *awsc_test_tls_start_args(const char *dir, int port, const char *response, const char *const *extra);

/*
 * For tests of the TLS 1.2 minimum: points OPENSSL_CONF (this process and the servers it starts)
 * at a configuration that lets OpenSSL itself speak TLS 1.0 and 1.1, so that only the client's own
 * minimum can refuse them, then checks that the openssl CLI can make a TLS 1.1 handshake on
 * loopback. Call it before anything in the process initialises OpenSSL. Returns 1 when TLS 1.1
 * works (the test can go on), 0 when this OpenSSL cannot do it (the test should skip, saying so).
 */
int awsc_test_tls_allow_tls1_1(const char *dir);

/* The arguments for awsc_test_tls_start_args that make s_server speak TLS 1.1 only. */
extern const char *const awsc_test_tls1_1_only[];

int awsc_test_tls_port(const awsc_test_tls *t);

/*
 * Waits (at most 10 s, scaled by AWSC_TEST_TIME_SCALE) for the server to end, stops it, and returns the bytes
 * the client sent (a new string; "" when the handshake failed) or NULL.
 */
char *awsc_test_tls_finish(awsc_test_tls *t);

#endif
