#include "tls_server.h"
#include "test_time.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct awsc_test_tls {
    pid_t pid;
    int stdin_fd;   /* kept open until finish: s_server reads the response from it */
    int port;
    char out_path[128];
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int awsc_test_tls_make_certs(char dir[64])
{
    strcpy(dir, "/tmp/awsc_tls_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char cmd[2048];
    /* P-256 keys: quick to make. */
    snprintf(cmd, sizeof cmd,
             "(cd %s && "
             "K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
             "openssl req -x509 $K -keyout ca.key -out ca.pem -days 2 -subj /CN=awsc-test-ca && "
             "openssl req -x509 $K -keyout rogue-ca.key -out rogue-ca.pem -days 2 -subj /CN=awsc-rogue-ca && "
             "openssl req $K -keyout server.key -out server.csr -subj /CN=localhost && "
             "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext && "
             "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
             "-extfile server.ext -out server.pem && "
             "openssl req $K -keyout client.key -out client.csr -subj /CN=awsc-test-thing && "
             "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem && "
             "openssl req $K -keyout rogue.key -out rogue.csr -subj /CN=awsc-rogue-thing && "
             "openssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -days 2 "
             "-out rogue.pem"
             ") >/dev/null 2>&1",
             dir);
    return system(cmd) == 0 ? 0 : -1;
}

void awsc_test_tls_remove_certs(const char *dir)
{
    char cmd[128];
    if (strncmp(dir, "/tmp/awsc_tls_", 14) != 0)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Whether 127.0.0.1:port is listening, from /proc/net/tcp (a probe connection would use up the one accept). */
static int listening(int port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f)
        return 0;
    char line[512];
    char want[32];
    snprintf(want, sizeof want, "0100007F:%04X", port);
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char local[64], remote[64], state[8];
        if (sscanf(line, " %*d: %63s %63s %7s", local, remote, state) == 3 && strcmp(local, want) == 0 &&
            strcmp(state, "0A") == 0)
            found = 1;
    }
    fclose(f);
    return found;
}

awsc_test_tls *awsc_test_tls_start(const char *dir, int port, const char *response)
{
    return awsc_test_tls_start_args(dir, port, response, NULL);
}

awsc_test_tls *awsc_test_tls_start_args(const char *dir, int port, const char *response, const char *const *extra)
{
    awsc_test_tls *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->port = port ? port : free_port();
    snprintf(t->out_path, sizeof t->out_path, "%s/received-%d-%ld.txt", dir, t->port, (long)time(NULL));
    char accept[32], cert[128], key[128], ca[128];
    snprintf(accept, sizeof accept, "127.0.0.1:%d", t->port);
    snprintf(cert, sizeof cert, "%s/server.pem", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    char *argv[24] = {"openssl", "s_server", "-quiet", "-naccept", "1", "-accept", accept, "-cert", cert, "-key", key,
                      "-CAfile", ca, "-Verify", "1", "-verify_return_error", NULL};
    if (extra) { /* instead of the client-certificate arguments */
        size_t n = 11;
        for (size_t i = 0; extra[i] && n < sizeof argv / sizeof *argv - 1; i++)
            argv[n++] = (char *)extra[i];
        argv[n] = NULL;
    }
    int in[2];
    if (t->port <= 0 || pipe(in) != 0) {
        free(t);
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addopen(&fa, 1, t->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&t->pid, "openssl", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    t->stdin_fd = in[1];
    if (rc != 0) {
        close(in[1]);
        free(t);
        return NULL;
    }
    size_t len = strlen(response);
    if (write(t->stdin_fd, response, len) != (ssize_t)len) {
        free(awsc_test_tls_finish(t));
        return NULL;
    }
    for (long i = 0; i < awsc_test_ms(10000) / 10 && !listening(t->port); i++)
        sleep_ms(10);
    if (!listening(t->port)) {
        free(awsc_test_tls_finish(t));
        return NULL;
    }
    return t;
}

int awsc_test_tls_port(const awsc_test_tls *t)
{
    return t->port;
}

char *awsc_test_tls_finish(awsc_test_tls *t)
{
    if (!t)
        return NULL;
    int status;
    int done = 0;
    for (long i = 0; i < awsc_test_ms(10000) / 10 && !done; i++) {
        done = waitpid(t->pid, &status, WNOHANG) == t->pid;
        if (!done)
            sleep_ms(10);
    }
    if (!done) {
        kill(t->pid, SIGKILL);
        waitpid(t->pid, &status, 0);
    }
    close(t->stdin_fd);
    char *out = NULL;
    FILE *f = fopen(t->out_path, "rb");
    if (f) {
        size_t cap = 65536, n;
        out = malloc(cap + 1);
        if (out) {
            n = fread(out, 1, cap, f);
            out[n] = '\0';
        }
        fclose(f);
    }
    unlink(t->out_path);
    free(t);
    return out;
}

const char *const awsc_test_tls1_1_only[] = {"-tls1_1", "-cipher", "ALL:@SECLEVEL=0", NULL};

int awsc_test_tls_allow_tls1_1(const char *dir)
{
    char conf[128];
    snprintf(conf, sizeof conf, "%s/openssl-tls1.cnf", dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return 0;
    fputs("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n"
          "[tls]\nMinProtocol = TLSv1\nCipherString = ALL:@SECLEVEL=0\n",
          f);
    fclose(f);
    setenv("OPENSSL_CONF", conf, 1);
    awsc_test_tls *t = awsc_test_tls_start_args(dir, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                                                awsc_test_tls1_1_only);
    if (!t)
        return 0;
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "openssl s_client -tls1_1 -cipher ALL:@SECLEVEL=0 -connect 127.0.0.1:%d </dev/null 2>/dev/null "
             "| grep -q 'TLSv1.1'",
             t->port);
    int ok = system(cmd) == 0;
    free(awsc_test_tls_finish(t));
    return ok;
}
