/*
 * The built-in download (AWS-Download-File's download-file.sh, firmware images): runs in the
 * step's own process, like any step, so the runner's timeout, cancel and crash rules hold.
 *
 * The bytes go to PATH.part; a part left by an interrupted run is resumed with a Range
 * request (a server that answers 200 instead of 206 starts it over). When the transfer ends
 * the part is flushed, checked against the SHA-256 the document gave (a mismatch deletes
 * it), and renamed to PATH. Progress goes to stdout, errors to stderr.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOWNLOAD_MAX ((curl_off_t)4 << 30) /* 4 GiB */

typedef struct sink {
    CURL *curl;
    int fd;
    curl_off_t have;    /* bytes in the part before this transfer */
    curl_off_t written; /* bytes written by this transfer */
    int checked, restarted, failed;
} sink;

static size_t on_data(char *p, size_t size, size_t count, void *user)
{
    sink *k = user;
    size_t len = size * count;
    if (!k->checked) {
        long code = 0;
        curl_easy_getinfo(k->curl, CURLINFO_RESPONSE_CODE, &code);
        k->checked = 1;
        if (k->have > 0 && code == 200) { /* the Range was ignored: the whole file follows */
            if (ftruncate(k->fd, 0) != 0)
                return k->failed = 1, 0;
            k->have = 0;
            k->restarted = 1;
        }
    }
    if (k->have + k->written + (curl_off_t)len > DOWNLOAD_MAX)
        return k->failed = 1, 0;
    for (size_t off = 0; off < len;) {
        ssize_t w = write(k->fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return k->failed = 1, 0;
        off += (size_t)w;
    }
    k->written += (curl_off_t)len;
    return len;
}

static int sha256_file(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = -1;
    if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1) {
        char buf[65536];
        ssize_t r;
        while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
            if (r > 0 && EVP_DigestUpdate(md, buf, (size_t)r) != 1)
                break;
        unsigned char d[32];
        unsigned int dl = 0;
        if (r == 0 && EVP_DigestFinal_ex(md, d, &dl) == 1 && dl == 32) {
            for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", d[i]);
            rc = 0;
        }
    }
    EVP_MD_CTX_free(md);
    close(fd);
    return rc;
}

static int sync_dir_of(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    fsync(fd);
    close(fd);
    return 0;
}

int download_run(const step *s)
{
    size_t plen = strlen(s->path);
    char *part = malloc(plen + 6);
    if (!part)
        return 1;
    snprintf(part, plen + 6, "%s.part", s->path);
    int fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "cannot open %s: %s\n", part, strerror(errno));
        return free(part), 1;
    }
    struct stat st;
    sink k = {.fd = fd};
    if (fstat(fd, &st) == 0)
        k.have = st.st_size;
    int rc = 1;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(k.curl = curl_easy_init())) {
        fprintf(stderr, "cannot start libcurl\n");
        goto out;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(k.curl, CURLOPT_URL, s->url);
    curl_easy_setopt(k.curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(k.curl, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(k.curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(k.curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(k.curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(k.curl, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(k.curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(k.curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(k.curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(k.curl, CURLOPT_LOW_SPEED_LIMIT, 1L); /* nothing for 60 s: give up */
    curl_easy_setopt(k.curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(k.curl, CURLOPT_NOSIGNAL, 1L);
    if (k.have > 0)
        curl_easy_setopt(k.curl, CURLOPT_RESUME_FROM_LARGE, k.have);
    CURLcode cc = curl_easy_perform(k.curl);
    long code = 0;
    curl_easy_getinfo(k.curl, CURLINFO_RESPONSE_CODE, &code);
    if (cc == CURLE_HTTP_RETURNED_ERROR && code == 416 && k.have > 0) {
        cc = CURLE_OK; /* the part already holds the whole file: the check below decides */
    }
    if (cc != CURLE_OK || k.failed) {
        fprintf(stderr, "download %s failed: %s%s\n", s->url,
                k.failed ? "cannot write the file or larger than 4 GiB" : errbuf[0] ? errbuf : curl_easy_strerror(cc),
                k.have ? " (the part is kept; the next run resumes it)" : "");
        goto out;
    }
    if (fsync(fd) != 0) {
        fprintf(stderr, "cannot flush %s: %s\n", part, strerror(errno));
        goto out;
    }
    if (s->sha256) {
        char hex[65];
        if (sha256_file(part, hex) != 0) {
            fprintf(stderr, "cannot read back %s\n", part);
            goto out;
        }
        if (strcasecmp(hex, s->sha256) != 0) {
            fprintf(stderr, "sha256 mismatch: got %s, want %s\n", hex, s->sha256);
            unlink(part);
            goto out;
        }
    }
    if (rename(part, s->path) != 0) {
        fprintf(stderr, "cannot rename %s: %s\n", part, strerror(errno));
        goto out;
    }
    sync_dir_of(s->path);
    printf("downloaded %s: %lld bytes%s%s\n", s->path, (long long)(k.have + k.written),
           k.have ? " (resumed)" : k.restarted ? " (restarted: no Range support)" : "",
           s->sha256 ? ", sha256 ok" : "");
    rc = 0;
out:
    if (k.curl)
        curl_easy_cleanup(k.curl);
    close(fd);
    free(part);
    fflush(NULL);
    return rc;
}
