#include "test_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_HEAD_BYTES (64 * 1024)
#define MAX_BODY_BYTES ((size_t)64 * 1024 * 1024)

typedef struct queued {
    awsc_test_response r; /* pointers below replace the caller's */
    char *headers;
    uint8_t *body;
    uint8_t *raw;
    struct queued *next;
} queued;

typedef struct conn {
    awsc_test_server *srv;
    pthread_t thread;
    int fd;
    size_t index;
    struct conn *next;
} conn;

struct awsc_test_server {
    int listen_fd;
    int wake[2]; /* a byte in wake[1] tells every thread to stop */
    int port;
    char base_url[64];
    pthread_t accept_thread;
    pthread_mutex_t lock; /* guards everything below */
    queued *head, *tail;
    awsc_test_request **requests; /* pointers, so they stay put when the array grows */
    size_t request_count, request_cap;
    size_t connection_count;
    conn *conns;
};

/* ---- small helpers ----------------------------------------------------------- */

static char *dup_range(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p) {
        if (len)
            memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static void *dup_bytes(const void *s, size_t len)
{
    return s ? dup_range(s, len) : NULL;
}

static void free_request(awsc_test_request *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->method);
    free(r->target);
    free(r->body);
    free(r);
}

static void free_queued(queued *q)
{
    if (!q)
        return;
    free(q->headers);
    free(q->body);
    free(q->raw);
    free(q);
}

static bool stopping(awsc_test_server *srv)
{
    struct pollfd p = {srv->wake[0], POLLIN, 0};
    return poll(&p, 1, 0) > 0;
}

/* Waits for `events` on fd; false when the server is stopping or on error. */
static bool wait_fd(awsc_test_server *srv, int fd, short events)
{
    struct pollfd p[2] = {{fd, events, 0}, {srv->wake[0], POLLIN, 0}};
    for (;;) {
        int n = poll(p, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || p[1].revents)
            return false;
        if (p[0].revents)
            return true;
    }
}

/* Sleeps up to ms; false when interrupted by stop. */
static bool sleep_ms(awsc_test_server *srv, unsigned ms)
{
    struct pollfd p = {srv->wake[0], POLLIN, 0};
    return poll(&p, 1, (int)ms) == 0;
}

static bool send_all(awsc_test_server *srv, int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        if (!wait_fd(srv, fd, POLLOUT))
            return false;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* ---- reading requests ---------------------------------------------------------- */

typedef struct inbuf {
    char *data;
    size_t len, cap;
} inbuf;

/* Reads more bytes; false on EOF, error or stop. */
static bool read_more(awsc_test_server *srv, int fd, inbuf *in)
{
    if (in->cap - in->len < 4096) {
        size_t cap = in->cap ? in->cap * 2 : 8192;
        char *p = realloc(in->data, cap);
        if (!p)
            return false;
        in->data = p;
        in->cap = cap;
    }
    for (;;) {
        if (!wait_fd(srv, fd, POLLIN))
            return false;
        ssize_t n = recv(fd, in->data + in->len, in->cap - in->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        in->len += (size_t)n;
        return true;
    }
}

/* The first CRLF in [p, end), or end. */
static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '\r' && p[1] == '\n')
            return p;
    return end;
}

static const char *find_head_end(const inbuf *in)
{
    for (size_t i = 0; i + 4 <= in->len; i++)
        if (memcmp(in->data + i, "\r\n\r\n", 4) == 0)
            return in->data + i;
    return NULL;
}

static int add_header(awsc_test_request *r, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return -1;
    const char *v = colon + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    awsc_test_header *h = realloc(r->headers, (r->header_count + 1) * sizeof *h);
    if (!h)
        return -1;
    r->headers = h;
    h[r->header_count].name = dup_range(line, (size_t)(colon - line));
    h[r->header_count].value = dup_range(v, (size_t)(end - v));
    r->header_count++;
    if (!h[r->header_count - 1].name || !h[r->header_count - 1].value)
        return -1;
    return 0;
}

/* Parses request line and headers in [data, end) (no final CRLF CRLF). */
static awsc_test_request *parse_head(const char *data, const char *end)
{
    awsc_test_request *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const char *eol = find_crlf(data, end);
    const char *sp1 = memchr(data, ' ', (size_t)(eol - data));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp1 || !sp2 || sp1 == data || sp2 == sp1 + 1)
        goto fail;
    r->method = dup_range(data, (size_t)(sp1 - data));
    r->target = dup_range(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    if (!r->method || !r->target)
        goto fail;
    const char *line = eol;
    while (line < end) {
        line += 2; /* skip CRLF */
        const char *next = find_crlf(line, end);
        if (add_header(r, line, (size_t)(next - line)) != 0)
            goto fail;
        line = next;
    }
    return r;
fail:
    free_request(r);
    return NULL;
}

/* ---- answering ------------------------------------------------------------------- */

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static bool has_content_length(const char *headers)
{
    /* Header lines start the string or follow "\n". */
    for (const char *p = headers; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            return true;
    }
    return false;
}

/* Sends one canned answer; false when the connection must close afterwards. */
static bool answer(awsc_test_server *srv, int fd, const awsc_test_response *r, bool head_only)
{
    if (r->delay_ms && !sleep_ms(srv, r->delay_ms))
        return false;
    if (r->close_without_answer)
        return false;
    if (r->raw)
        return send_all(srv, fd, r->raw, r->raw_len) && !r->close_after;

    int status = r->status ? r->status : 200;
    size_t body_len = r->fill_body_len ? r->fill_body_len : r->body_len;
    const char *extra = r->headers ? r->headers : "";
    size_t cap = strlen(extra) + 256;
    char *head = malloc(cap);
    if (!head)
        return false;
    int n = snprintf(head, cap, "HTTP/1.1 %d %s\r\n%s", status, reason(status), extra);
    if (!has_content_length(extra))
        n += snprintf(head + n, cap - (size_t)n, "Content-Length: %zu\r\n", body_len);
    if (r->close_after)
        n += snprintf(head + n, cap - (size_t)n, "Connection: close\r\n");
    n += snprintf(head + n, cap - (size_t)n, "\r\n");
    bool ok = send_all(srv, fd, head, (size_t)n);
    free(head);
    if (!ok || head_only)
        return ok && !r->close_after;

    if (r->fill_body_len) {
        char chunk[65536];
        memset(chunk, 'x', sizeof chunk);
        for (size_t left = r->fill_body_len; ok && left > 0;) {
            size_t k = left < sizeof chunk ? left : sizeof chunk;
            ok = send_all(srv, fd, chunk, k);
            left -= k;
        }
    } else if (r->body_len) {
        ok = send_all(srv, fd, r->body, r->body_len);
    }
    return ok && !r->close_after;
}

/* Records the request and takes the next canned answer, atomically so they pair up in order. */
static queued *record(awsc_test_server *srv, awsc_test_request *req)
{
    pthread_mutex_lock(&srv->lock);
    if (srv->request_count == srv->request_cap) {
        size_t cap = srv->request_cap ? srv->request_cap * 2 : 16;
        awsc_test_request **p = realloc(srv->requests, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&srv->lock);
            free_request(req);
            return NULL;
        }
        srv->requests = p;
        srv->request_cap = cap;
    }
    srv->requests[srv->request_count++] = req;
    queued *q = srv->head;
    if (q) {
        srv->head = q->next;
        if (!srv->head)
            srv->tail = NULL;
    }
    pthread_mutex_unlock(&srv->lock);
    return q;
}

static void *serve(void *arg)
{
    conn *c = arg;
    awsc_test_server *srv = c->srv;
    inbuf in = {NULL, 0, 0};
    for (;;) {
        const char *head_end;
        while (!(head_end = find_head_end(&in))) {
            if (in.len > MAX_HEAD_BYTES || !read_more(srv, c->fd, &in))
                goto out;
            /* Not HTTP (e.g. a TLS ClientHello): hang up now rather than stall the client. */
            if (in.data[0] < 'A' || in.data[0] > 'Z')
                goto out;
        }
        size_t head_len = (size_t)(head_end - in.data) + 4;
        awsc_test_request *req = parse_head(in.data, head_end);
        if (!req)
            goto out;
        req->connection = c->index;

        const char *cl = awsc_test_request_header(req, "Content-Length");
        const char *te = awsc_test_request_header(req, "Transfer-Encoding");
        const char *expect = awsc_test_request_header(req, "Expect");
        const char *connection = awsc_test_request_header(req, "Connection");
        bool close_after = connection && strcasecmp(connection, "close") == 0;
        char *endp = NULL;
        unsigned long long body_len = cl ? strtoull(cl, &endp, 10) : 0;
        if (te || (cl && (*endp || endp == cl || body_len > MAX_BODY_BYTES))) {
            free_request(req); /* unsupported or bogus framing */
            goto out;
        }
        if (expect && strcasecmp(expect, "100-continue") == 0 &&
            !send_all(srv, c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25)) {
            free_request(req);
            goto out;
        }
        while (in.len < head_len + body_len) {
            if (!read_more(srv, c->fd, &in)) {
                free_request(req);
                goto out;
            }
        }
        req->body = dup_bytes(in.data + head_len, (size_t)body_len);
        req->body_len = (size_t)body_len;
        if (!req->body) {
            free_request(req);
            goto out;
        }
        size_t used = head_len + (size_t)body_len;
        memmove(in.data, in.data + used, in.len - used);
        in.len -= used;

        bool head_only = strcmp(req->method, "HEAD") == 0;
        queued *q = record(srv, req); /* req now belongs to the server */
        static const awsc_test_response dflt = {
            200, "Content-Type: application/json\r\n", "{}", 2, 0, 0, false, false, NULL, 0};
        bool keep = answer(srv, c->fd, q ? &q->r : &dflt, head_only);
        free_queued(q);
        if (!keep || close_after)
            goto out;
    }
out:
    free(in.data);
    shutdown(c->fd, SHUT_RDWR);
    close(c->fd);
    c->fd = -1;
    return NULL;
}

static void *accept_loop(void *arg)
{
    awsc_test_server *srv = arg;
    while (wait_fd(srv, srv->listen_fd, POLLIN)) {
        int fd = accept(srv->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        int one = 1; /* no Nagle delay between a response's head and body */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->srv = srv;
        c->fd = fd;
        pthread_mutex_lock(&srv->lock);
        c->index = ++srv->connection_count;
        if (pthread_create(&c->thread, NULL, serve, c) != 0) {
            pthread_mutex_unlock(&srv->lock);
            close(fd);
            free(c);
            continue;
        }
        c->next = srv->conns;
        srv->conns = c;
        pthread_mutex_unlock(&srv->lock);
    }
    return NULL;
}

/* ---- public API -------------------------------------------------------------------- */

awsc_test_server *awsc_test_server_start(void)
{
    awsc_test_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return NULL;
    srv->listen_fd = srv->wake[0] = srv->wake[1] = -1;
    if (pthread_mutex_init(&srv->lock, NULL) != 0) {
        free(srv);
        return NULL;
    }
    if (pipe(srv->wake) != 0)
        goto fail;
    srv->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (srv->listen_fd < 0)
        goto fail;
    int one = 1;
    setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; /* ephemeral */
    socklen_t alen = sizeof addr;
    if (bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(srv->listen_fd, 64) != 0 ||
        getsockname(srv->listen_fd, (struct sockaddr *)&addr, &alen) != 0)
        goto fail;
    srv->port = ntohs(addr.sin_port);
    snprintf(srv->base_url, sizeof srv->base_url, "http://127.0.0.1:%d", srv->port);
    if (pthread_create(&srv->accept_thread, NULL, accept_loop, srv) != 0)
        goto fail;
    return srv;
fail:
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    if (srv->wake[0] >= 0) {
        close(srv->wake[0]);
        close(srv->wake[1]);
    }
    pthread_mutex_destroy(&srv->lock);
    free(srv);
    return NULL;
}

void awsc_test_server_stop(awsc_test_server *srv)
{
    if (!srv)
        return;
    if (write(srv->wake[1], "x", 1) != 1 && !stopping(srv))
        return; /* cannot signal the threads; leaking beats hanging */
    pthread_join(srv->accept_thread, NULL);
    /* The accept thread is gone, so the connection list no longer changes. */
    for (conn *c = srv->conns, *next; c; c = next) {
        next = c->next;
        pthread_join(c->thread, NULL);
        free(c);
    }
    for (queued *q = srv->head, *next; q; q = next) {
        next = q->next;
        free_queued(q);
    }
    for (size_t i = 0; i < srv->request_count; i++)
        free_request(srv->requests[i]);
    free(srv->requests);
    close(srv->listen_fd);
    close(srv->wake[0]);
    close(srv->wake[1]);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}

int awsc_test_server_port(const awsc_test_server *srv)
{
    return srv->port;
}

const char *awsc_test_server_base_url(const awsc_test_server *srv)
{
    return srv->base_url;
}

int awsc_test_server_push(awsc_test_server *srv, const awsc_test_response *resp)
{
    queued *q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    q->r = *resp;
    q->headers = resp->headers ? strdup(resp->headers) : NULL;
    q->body = dup_bytes(resp->body, resp->body_len);
    q->raw = dup_bytes(resp->raw, resp->raw_len);
    if ((resp->headers && !q->headers) || (resp->body && !q->body) || (resp->raw && !q->raw)) {
        free_queued(q);
        return -1;
    }
    q->r.headers = q->headers;
    q->r.body = q->body;
    q->r.raw = q->raw;
    pthread_mutex_lock(&srv->lock);
    if (srv->tail)
        srv->tail->next = q;
    else
        srv->head = q;
    srv->tail = q;
    pthread_mutex_unlock(&srv->lock);
    return 0;
}

int awsc_test_server_push_response(awsc_test_server *srv, int status, const char *headers, const void *body,
                                   size_t body_len)
{
    awsc_test_response r = {0};
    r.status = status;
    r.headers = headers;
    r.body = body;
    r.body_len = body ? body_len : 0;
    return awsc_test_server_push(srv, &r);
}

size_t awsc_test_server_request_count(awsc_test_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    size_t n = srv->request_count;
    pthread_mutex_unlock(&srv->lock);
    return n;
}

const awsc_test_request *awsc_test_server_request(awsc_test_server *srv, size_t i)
{
    pthread_mutex_lock(&srv->lock);
    const awsc_test_request *r = i < srv->request_count ? srv->requests[i] : NULL;
    pthread_mutex_unlock(&srv->lock);
    return r;
}

size_t awsc_test_server_connection_count(awsc_test_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    size_t n = srv->connection_count;
    pthread_mutex_unlock(&srv->lock);
    return n;
}

const char *awsc_test_request_header(const awsc_test_request *req, const char *name)
{
    for (size_t i = 0; req && i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

size_t awsc_test_request_header_count(const awsc_test_request *req, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; req && i < req->header_count; i++)
        n += strcasecmp(req->headers[i].name, name) == 0;
    return n;
}
