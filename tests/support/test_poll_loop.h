/*
 * An external event loop for asynchronous calls in tests: poll() on the sockets the client's
 * socket callback asks for, with the timeout its timer callback last set, as an application's
 * own loop would (awsc_client_set_event_callbacks, awsc_client_socket_action).
 */
#ifndef AWSC_TEST_POLL_LOOP_H
#define AWSC_TEST_POLL_LOOP_H

#include <awsc/schema.h>

#include <poll.h>

typedef struct awsc_test_loop {
    struct pollfd fds[64];
    int n;
    long timeout_ms; /* the timer callback's last value; -1: none */
} awsc_test_loop;

static inline int awsc_test_loop_on_socket(void *user, int fd, int events)
{
    awsc_test_loop *l = user;
    int i = 0;
    while (i < l->n && l->fds[i].fd != fd)
        i++;
    if (events & AWSC_POLL_REMOVE) {
        if (i < l->n)
            l->fds[i] = l->fds[--l->n];
        return 0;
    }
    if (i == l->n) {
        if (l->n == 64)
            return -1;
        l->n++;
    }
    l->fds[i].fd = fd;
    l->fds[i].events = (short)((events & AWSC_POLL_IN ? POLLIN : 0) | (events & AWSC_POLL_OUT ? POLLOUT : 0));
    return 0;
}

static inline int awsc_test_loop_on_timer(void *user, long timeout_ms)
{
    ((awsc_test_loop *)user)->timeout_ms = timeout_ms;
    return 0;
}

/* Makes `l` (emptied) the loop of client `c`: 0, or -1 when the client refused the callbacks. */
static inline int awsc_test_loop_attach(awsc_test_loop *l, awsc_client *c)
{
    *l = (awsc_test_loop){.timeout_ms = -1};
    return awsc_client_set_event_callbacks(c, awsc_test_loop_on_socket, awsc_test_loop_on_timer, l);
}

/*
 * One turn: waits for a socket or the timer (at most `no_timer_ms` when no timer is set) and
 * tells the client what happened. Returns poll()'s result.
 */
static inline int awsc_test_loop_turn(awsc_test_loop *l, awsc_client *c, int no_timer_ms)
{
    int ready = poll(l->fds, (nfds_t)l->n, l->timeout_ms < 0 ? no_timer_ms : (int)l->timeout_ms);
    if (ready <= 0) {
        awsc_client_socket_action(c, -1, 0);
        return ready;
    }
    for (int i = 0; i < l->n; i++) {
        short re = l->fds[i].revents;
        l->fds[i].revents = 0;
        if (re)
            awsc_client_socket_action(c, l->fds[i].fd,
                                      (re & POLLIN ? AWSC_POLL_IN : 0) | (re & POLLOUT ? AWSC_POLL_OUT : 0) |
                                          (re & (POLLERR | POLLHUP) ? AWSC_POLL_ERR : 0));
    }
    return ready;
}

#endif
