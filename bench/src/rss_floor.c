/*
 * The memory floor of the agent's idle RSS, for bench/run: a process that links the shared
 * libraries the agent links (libcurl, libcrypto, cJSON), initialises libcurl and makes one
 * request, then prints its memory as the agent's measurement reads it.
 *   rss_floor URL      -> {"rss_kib": ..., "anon_kib": ..., "file_kib": ...}
 * Whatever the agent holds above this is the agent's (and the runtime's) own.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "proc_status.h"

static size_t discard(char *p, size_t size, size_t n, void *user)
{
    (void)p;
    (void)user;
    return size * n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rss_floor URL\n");
        return 2;
    }
    /* The agent touches these libraries too; the floor must map and initialise them alike. */
    cJSON_Delete(cJSON_Parse("{}"));
    OPENSSL_init_crypto(0, NULL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    CURL *h = curl_easy_init();
    if (!h)
        return 1;
    curl_easy_setopt(h, CURLOPT_URL, argv[1]);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        fprintf(stderr, "rss_floor: %s\n", curl_easy_strerror(rc));
        return 1;
    }
    printf("{\"rss_kib\": %ld, \"anon_kib\": %ld, \"file_kib\": %ld}\n", proc_status_kib("VmRSS"),
           proc_status_kib("RssAnon"), proc_status_kib("RssFile"));
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return 0;
}
