/*
 * A loopback HTTP/1.1 server for tests.
 *
 * It listens on 127.0.0.1 on an ephemeral port and serves each connection in
 * its own thread, with keep-alive (many requests per connection). Every
 * request is recorded before it is answered, so once the client has its
 * response (or its error) the request is visible to the test. Answers come
 * from a FIFO of canned responses that the test pushes; when the queue is
 * empty the answer is 200 with "Content-Type: application/json" and "{}".
 *
 *     awsc_test_server *srv = awsc_test_server_start();
 *     awsc_test_server_push_response(srv, 404, "X-Id: 7\r\n", "nope", 4);
 *     ... send to awsc_test_server_base_url(srv) + "/path" ...
 *     const awsc_test_request *r = awsc_test_server_request(srv, 0);
 *     cr_assert_str_eq(r->method, "GET");
 *     awsc_test_server_stop(srv);
 *
 * All functions are safe to call from any thread while the server runs.
 * Requests with "Transfer-Encoding: chunked" bodies are not supported (the
 * connection is closed); an "Expect: 100-continue" request gets a 100 first.
 */
#ifndef AWSC_TEST_SERVER_H
#define AWSC_TEST_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct awsc_test_server awsc_test_server;

typedef struct awsc_test_header {
    char *name;   /* as received */
    char *value;  /* without surrounding whitespace */
} awsc_test_header;

/* One received request; owned by the server and valid until it stops. */
typedef struct awsc_test_request {
    char *method;
    char *target;                /* path and query exactly as on the request line */
    awsc_test_header *headers;   /* in the order received */
    size_t header_count;
    uint8_t *body;               /* NUL-terminated for convenience; may contain NULs */
    size_t body_len;
    size_t connection;           /* 1-based index of the connection it arrived on */
} awsc_test_request;

/* A canned answer. Zero-initialise and set what you need. */
typedef struct awsc_test_response {
    int status;                  /* 0 means 200 */
    const char *headers;         /* extra lines "Name: value\r\n...", may be NULL; a
                                    Content-Length here replaces the computed one */
    const void *body;
    size_t body_len;
    size_t fill_body_len;        /* > 0: the body is this many 'x' bytes instead */
    unsigned delay_ms;           /* wait this long before answering (timeouts) */
    bool close_without_answer;   /* read the request, then close the connection */
    bool close_after;            /* answer with "Connection: close", then close */
    const void *raw;             /* when set, these bytes are sent verbatim instead */
    size_t raw_len;
} awsc_test_response;

/* Starts the server; NULL if sockets or threads fail. */
awsc_test_server *awsc_test_server_start(void);

/* Stops all threads, closes all connections and frees everything (NULL: no-op). */
void awsc_test_server_stop(awsc_test_server *srv);

int awsc_test_server_port(const awsc_test_server *srv);

/* "http://127.0.0.1:<port>", valid until stop. */
const char *awsc_test_server_base_url(const awsc_test_server *srv);

/* Queues an answer (all data is copied). Returns 0, or -1 when out of memory. */
int awsc_test_server_push(awsc_test_server *srv, const awsc_test_response *resp);

/* Shorthand for push with status, header lines and body only. */
int awsc_test_server_push_response(awsc_test_server *srv, int status, const char *headers, const void *body,
                                   size_t body_len);

size_t awsc_test_server_request_count(awsc_test_server *srv);

/* The i-th request received (0-based), or NULL when there is none yet. */
const awsc_test_request *awsc_test_server_request(awsc_test_server *srv, size_t i);

/* Connections accepted so far. */
size_t awsc_test_server_connection_count(awsc_test_server *srv);

/* Case-insensitive lookup of a request header: the first match's value, or NULL. */
const char *awsc_test_request_header(const awsc_test_request *req, const char *name);

/* How many times a header name (case-insensitive) occurs in the request. */
size_t awsc_test_request_header_count(const awsc_test_request *req, const char *name);

#endif
