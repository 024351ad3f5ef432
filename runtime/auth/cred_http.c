/*
 * Credentials over HTTP: ECS container credentials, EC2 IMDSv2 and the AWS
 * IoT credentials provider (mutual TLS). Each request uses its own short-lived
 * libcurl handle with short timeouts, no redirects and a 64 KiB answer cap;
 * answers are wiped after parsing.
 */
#include "auth/cred_sources.h"
#include "http/http.h"
#include "util/error.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ANSWER_BYTES (64 * 1024)
#define MAX_TOKEN_FILE_BYTES (16 * 1024)
#define IMDS_DEFAULT_ENDPOINT "http://169.254.169.254"
#define IMDS_IPV6_ENDPOINT "http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL "21600"
#define ECS_DEFAULT_BASE "http://169.254.170.2"

typedef struct cred_req {
    const char *method; /* "GET" or "PUT" (with an empty body) */
    const char *url;
    const char *headers[3]; /* "Name: value" lines; NULL ends the list */
    long timeout_ms;        /* the whole request */
    const char *cert_file, *key_file, *ca_file, *ca_path;
    bool use_proxy;         /* link-local endpoints never go through a proxy */
} cred_req;

typedef struct answer {
    long status;
    awsc_buf body;
    bool too_large;
} answer;

static void answer_free(answer *a)
{
    if (a->body.data)
        OPENSSL_cleanse(a->body.data, a->body.cap);
    awsc_buf_free(&a->body);
    memset(a, 0, sizeof *a);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    answer *a = user;
    size_t len = size * n;
    if (a->body.len + len > MAX_ANSWER_BYTES) {
        a->too_large = true;
        return 0;
    }
    return awsc_buf_append(&a->body, data, len) == 0 ? len : 0;
}

/* Sends one request. AWSC_OK with `a` filled (any status), else AWSC_E_TRANSPORT / AWSC_E_NOMEM. */
static int send_req(const cred_req *r, answer *a, awsc_error *err)
{
    memset(a, 0, sizeof *a);
    CURL *h = curl_easy_init();
    if (!h)
        return awsc_error_nomem(err);
    struct curl_slist *hdrs = NULL;
    bool nomem = false;
    /* Only our headers: no Accept, and an empty PUT body without a Content-Type. */
    const char *fixed[] = {"Accept:", "Content-Type:", "Expect:"};
    for (size_t i = 0; i < 3 && !nomem; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, fixed[i]);
        nomem = !n;
        hdrs = n ? n : hdrs;
    }
    for (size_t i = 0; i < 3 && r->headers[i] && !nomem; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, r->headers[i]);
        nomem = !n;
        hdrs = n ? n : hdrs;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, r->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2); /* a minimum, as for service calls */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "awsc/" AWSC_VERSION " credentials");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_PROXY, r->use_proxy ? awsc_http_env_proxy(r->url) : "");
    if (strcmp(r->method, "PUT") == 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    }
    if (r->cert_file) {
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLCERT, r->cert_file);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEY, r->key_file);
    }
    if (r->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, r->ca_file);
    if (r->ca_path)
        curl_easy_setopt(h, CURLOPT_CAPATH, r->ca_path);
    int rc = AWSC_OK;
    CURLcode cc = nomem ? CURLE_OUT_OF_MEMORY : curl_easy_perform(h);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
    } else if (cc == CURLE_OUT_OF_MEMORY) {
        rc = awsc_error_nomem(err);
    } else {
        rc = awsc_error_set(err, AWSC_E_TRANSPORT, "%s", a->too_large ? "the answer is larger than 64 KiB"
                                                         : errbuf[0]    ? errbuf
                                                                        : curl_easy_strerror(cc));
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    if (rc) {
        bool too_large = a->too_large;
        answer_free(a);
        a->too_large = too_large;
    }
    return rc;
}

/* Replaces err's message with "<prefix>: <message>". */
static int prefix_error(awsc_error *err, int rc, const char *prefix)
{
    char *msg = awsc_strdup(awsc_error_target(err)->message);
    awsc_error_set(err, (awsc_status)rc, "%s: %s", prefix, msg ? msg : "failed");
    free(msg);
    return rc;
}

/* Sends `r` up to `attempts` times: again after a transport error (not an oversized answer) or a 5xx. */
static int send_retrying(const cred_req *r, int attempts, answer *a, awsc_error *err)
{
    int rc = AWSC_OK;
    for (int attempt = 1; attempt <= attempts; attempt++) {
        rc = send_req(r, a, err);
        if (rc == AWSC_OK && a->status >= 500 && attempt < attempts) {
            answer_free(a);
            continue;
        }
        if (rc != AWSC_E_TRANSPORT || a->too_large)
            break;
    }
    return rc;
}

/* "<what><what2> answered HTTP <status><extra><extra2>", with the status in err. */
static int refused(awsc_error *err, long status, const char *what, const char *what2, const char *extra,
                   const char *extra2)
{
    int rc = awsc_error_set(err, AWSC_E_SERVICE, "%s%s answered HTTP %ld%s%s", what, what2, status, extra, extra2);
    awsc_error_target(err)->http_status = status;
    return rc;
}

/* A header value we may send: printable ASCII only (no CR/LF to split the header). */
static bool header_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

static char *strip_slash(const char *s)
{
    char *c = awsc_strdup(s);
    if (c) {
        size_t n = strlen(c);
        while (n && c[n - 1] == '/')
            c[--n] = '\0';
    }
    return c;
}

/* ---- ECS container credentials -------------------------------------------- */

/*
 * AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback
 * address or one of the link-local container endpoints (ECS, EKS Pod
 * Identity): the SDKs' rule, so the token and credentials do not cross a
 * network in clear text.
 */
static bool full_uri_allowed(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return true;
    if (strncasecmp(url, "http://", 7) != 0)
        return false;
    const char *auth = url + 7;
    size_t alen = strcspn(auth, "/?#");
    char host[64];
    if (memchr(auth, '@', alen))
        return false;
    const char *h = auth;
    size_t hlen;
    if (*h == '[') {
        const char *close = memchr(h, ']', alen);
        if (!close)
            return false;
        h++;
        hlen = (size_t)(close - h);
    } else {
        const char *colon = memchr(h, ':', alen);
        hlen = colon ? (size_t)(colon - h) : alen;
    }
    if (hlen == 0 || hlen >= sizeof host)
        return false;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, host, &v4) == 1) {
        unsigned char *b = (unsigned char *)&v4;
        return b[0] == 127 || strcmp(host, "169.254.170.2") == 0 || strcmp(host, "169.254.170.23") == 0;
    }
    if (inet_pton(AF_INET6, host, &v6) == 1) {
        struct in6_addr eks;
        inet_pton(AF_INET6, "fd00:ec2::23", &eks);
        return IN6_IS_ADDR_LOOPBACK(&v6) || memcmp(&v6, &eks, sizeof v6) == 0;
    }
    return strcasecmp(host, "localhost") == 0;
}

/* The authorization token: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE wins over AWS_CONTAINER_AUTHORIZATION_TOKEN. */
static int container_token(char **out, awsc_error *err)
{
    *out = NULL;
    const char *path = awsc_nonempty(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    if (!path) {
        const char *t = awsc_nonempty(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        if (t && !header_safe(t))
            return awsc_error_set(err, AWSC_E_CONFIG, "AWS_CONTAINER_AUTHORIZATION_TOKEN holds control characters");
        if (t && !(*out = awsc_strdup(t)))
            return awsc_error_nomem(err);
        return AWSC_OK;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return awsc_error_set(err, AWSC_E_CONFIG, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", path,
                              strerror(errno));
    setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer: it would be freed holding the token */
    char *buf = malloc(MAX_TOKEN_FILE_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_TOKEN_FILE_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf)
        return awsc_error_nomem(err);
    int rc = AWSC_OK;
    if (n > MAX_TOKEN_FILE_BYTES) {
        rc = awsc_error_set(err, AWSC_E_CONFIG, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s is larger than %d bytes",
                            path, MAX_TOKEN_FILE_BYTES);
    } else {
        /* Files usually end with a newline, which is not part of the token. */
        while (n && isspace((unsigned char)buf[n - 1]))
            n--;
        buf[n] = '\0';
        if (!n || !header_safe(buf) || memchr(buf, '\0', n))
            rc = awsc_error_set(err, AWSC_E_CONFIG, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s is empty or holds "
                                "control characters", path);
    }
    if (rc) {
        OPENSSL_cleanse(buf, MAX_TOKEN_FILE_BYTES + 1);
        free(buf);
        return rc;
    }
    *out = buf;
    return AWSC_OK;
}

int awsc_cred_ecs(const awsc_credentials_options *o, awsc_credentials *out, awsc_buf *why, awsc_error *err)
{
    const char *rel = awsc_nonempty(getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
    const char *full = awsc_nonempty(getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    if (!rel && !full) {
        awsc_buf_puts(why, "ECS (not configured)");
        return AWSC_CRED_ABSENT;
    }
    if (rel && rel[0] != '/')
        return awsc_error_set(err, AWSC_E_CONFIG, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    if (!rel && !full_uri_allowed(full))
        return awsc_error_set(err, AWSC_E_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to "
                              "a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23");
    awsc_buf url = AWSC_BUF_INIT, auth = AWSC_BUF_INIT;
    char *token = NULL;
    int rc = container_token(&token, err);
    if (rc)
        return rc;
    if ((rel ? awsc_buf_printf(&url, "%s%s", o->ecs_base_url ? o->ecs_base_url : ECS_DEFAULT_BASE, rel)
             : awsc_buf_puts(&url, full)) != 0 ||
        (token && awsc_buf_printf(&auth, "Authorization: %s", token) != 0)) {
        rc = awsc_error_nomem(err);
        goto done;
    }
    cred_req r = {.method = "GET", .url = url.data, .headers = {auth.data},
                  .timeout_ms = o->http_timeout_ms > 0 ? o->http_timeout_ms : 5000};
    answer a;
    /* Two attempts: the agent may be starting, or briefly busy. */
    rc = send_retrying(&r, 2, &a, err);
    if (rc) {
        prefix_error(err, rc, "ECS credentials endpoint");
    } else if (a.status != 200) {
        rc = refused(err, a.status, "ECS credentials endpoint", "", "", "");
    } else {
        rc = awsc_cred_parse_json(AWSC_CRED_JSON_CONTAINER, a.body.data ? a.body.data : "", a.body.len,
                                  "ECS credentials endpoint", out, err);
    }
    answer_free(&a);
done:
    if (auth.data)
        OPENSSL_cleanse(auth.data, auth.len);
    awsc_buf_free(&auth);
    awsc_buf_free(&url);
    awsc_cred_wipe(token);
    return rc;
}

/* ---- EC2 instance metadata (IMDSv2) --------------------------------------- */

/* One IMDS request with the configured attempts; retries transport errors and 5xx. */
static int imds_send(const awsc_credentials_options *o, cred_req *r, answer *a, awsc_error *err)
{
    r->timeout_ms = o->imds_timeout_ms > 0 ? o->imds_timeout_ms : 1000;
    return send_retrying(r, o->imds_attempts > 0 ? o->imds_attempts : 2, a, err);
}

int awsc_cred_imds(const awsc_credentials_options *o, awsc_credentials *out, awsc_buf *why, awsc_error *err)
{
    const char *disabled = getenv("AWS_EC2_METADATA_DISABLED");
    if (disabled && strcasecmp(disabled, "true") == 0) {
        awsc_buf_puts(why, "IMDS (disabled by AWS_EC2_METADATA_DISABLED)");
        return AWSC_CRED_ABSENT;
    }
    const char *endpoint = awsc_nonempty(getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
    if (!endpoint) {
        const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
        endpoint = mode && strcasecmp(mode, "IPv6") == 0 ? IMDS_IPV6_ENDPOINT : IMDS_DEFAULT_ENDPOINT;
    }
    if (strncasecmp(endpoint, "http://", 7) != 0 && strncasecmp(endpoint, "https://", 8) != 0)
        return awsc_error_set(err, AWSC_E_CONFIG,
                              "AWS_EC2_METADATA_SERVICE_ENDPOINT must start with http:// or https://");
    char *base = strip_slash(endpoint);
    awsc_buf url = AWSC_BUF_INIT, tok_hdr = AWSC_BUF_INIT;
    char *token = NULL, *role = NULL;
    answer a = {0};
    int rc = AWSC_OK;
    if (!base || awsc_buf_printf(&url, "%s/latest/api/token", base) != 0) {
        rc = awsc_error_nomem(err);
        goto done;
    }

    cred_req r = {.method = "PUT", .url = url.data,
                  .headers = {"X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL}};
    rc = imds_send(o, &r, &a, err);
    if (rc == AWSC_E_TRANSPORT && !a.too_large) {
        /* Nothing answers: not on EC2 (or IMDS is off). Not an error of its own. */
        char *msg = awsc_strdup(awsc_error_target(err)->message);
        awsc_buf_printf(why, "IMDS (no answer from %s: %s)", base, msg ? msg : "failed");
        free(msg);
        awsc_error_ok(err);
        rc = AWSC_CRED_ABSENT;
        goto done;
    }
    if (rc) {
        prefix_error(err, rc, "IMDS token request");
        goto done;
    }
    if (a.status != 200) {
        rc = refused(err, a.status, "IMDS token request", "", "", "");
        goto done;
    }
    if (!a.body.len || a.body.len > 4096 || !header_safe(a.body.data)) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "IMDS answered the token request with a malformed token");
        goto done;
    }
    token = awsc_strdup(a.body.data);
    answer_free(&a);
    url.len = 0;
    if (!token || awsc_buf_printf(&tok_hdr, "X-aws-ec2-metadata-token: %s", token) != 0 ||
        awsc_buf_printf(&url, "%s/latest/meta-data/iam/security-credentials/", base) != 0) {
        rc = awsc_error_nomem(err);
        goto done;
    }

    /* The instance profile's role name, then its credentials. */
    r = (cred_req){.method = "GET", .url = url.data, .headers = {tok_hdr.data}};
    rc = imds_send(o, &r, &a, err);
    if (rc == AWSC_OK && a.status == 404) {
        awsc_buf_puts(why, "IMDS (no instance profile)");
        rc = AWSC_CRED_ABSENT;
        goto done;
    }
    if (rc) {
        prefix_error(err, rc, "IMDS role request");
        goto done;
    }
    if (a.status != 200) {
        rc = refused(err, a.status, "IMDS role request", "", a.status == 401 ? " (the token was refused)" : "", "");
        goto done;
    }
    size_t rlen = a.body.data ? strcspn(a.body.data, "\r\n") : 0;
    if (rlen == 0 || rlen > 128) {
        rc = awsc_error_set(err, AWSC_E_RESPONSE, "IMDS answered the role request without a role name");
        goto done;
    }
    a.body.data[rlen] = '\0';
    for (size_t i = 0; i < rlen; i++) {
        char c = a.body.data[i];
        if (!isalnum((unsigned char)c) && !strchr("+=,.@_-", c)) {
            rc = awsc_error_set(err, AWSC_E_RESPONSE, "IMDS answered the role request with a malformed role name");
            goto done;
        }
    }
    role = awsc_strdup(a.body.data);
    answer_free(&a);
    url.len = 0;
    if (!role || awsc_buf_printf(&url, "%s/latest/meta-data/iam/security-credentials/%s", base, role) != 0) {
        rc = awsc_error_nomem(err);
        goto done;
    }
    r = (cred_req){.method = "GET", .url = url.data, .headers = {tok_hdr.data}};
    rc = imds_send(o, &r, &a, err);
    if (rc) {
        prefix_error(err, rc, "IMDS credentials request");
    } else if (a.status != 200) {
        rc = refused(err, a.status, "IMDS credentials request for role ", role, "", "");
    } else {
        rc = awsc_cred_parse_json(AWSC_CRED_JSON_CONTAINER, a.body.data ? a.body.data : "", a.body.len, "IMDS",
                                  out, err);
    }
done:
    answer_free(&a);
    if (tok_hdr.data)
        OPENSSL_cleanse(tok_hdr.data, tok_hdr.len);
    awsc_buf_free(&tok_hdr);
    awsc_buf_free(&url);
    awsc_cred_wipe(token);
    free(role);
    free(base);
    return rc;
}

/* ---- AWS IoT credentials provider ------------------------------------------ */

int awsc_cred_iot(const awsc_cred_iot_config *c, const awsc_credentials_options *o, awsc_credentials *out,
                  awsc_error *err)
{
    const char *host = c->endpoint;
    if (strncasecmp(host, "https://", 8) == 0)
        host += 8;
    char *h = strip_slash(host);
    if (!h)
        return awsc_error_nomem(err);
    if (!*h || strpbrk(h, "/?#@ \t\r\n")) {
        free(h);
        return awsc_error_set(err, AWSC_E_CONFIG, "iot_credentials_endpoint must be a host name (and port)");
    }
    awsc_buf url = AWSC_BUF_INIT, thing = AWSC_BUF_INIT;
    answer a = {0};
    int rc = AWSC_OK;
    if (awsc_buf_printf(&url, "https://%s/role-aliases/%s/credentials", h, c->role_alias) != 0 ||
        (c->thing_name && awsc_buf_printf(&thing, "x-amzn-iot-thingname: %s", c->thing_name) != 0)) {
        rc = awsc_error_nomem(err);
        goto done;
    }
    cred_req r = {.method = "GET", .url = url.data, .headers = {thing.data},
                  .timeout_ms = o->http_timeout_ms > 0 ? o->http_timeout_ms : 5000,
                  .cert_file = c->cert_file, .key_file = c->key_file, .ca_file = c->ca_file, .ca_path = c->ca_path,
                  .use_proxy = true};
    rc = send_req(&r, &a, err);
    if (rc) {
        prefix_error(err, rc, "IoT credentials provider");
    } else if (a.status != 200) {
        char *msg = a.body.data ? awsc_cred_error_message(a.body.data, a.body.len) : NULL;
        rc = refused(err, a.status, "IoT credentials provider", "", msg ? ": " : "", msg ? msg : "");
        free(msg);
    } else {
        rc = awsc_cred_parse_json(AWSC_CRED_JSON_IOT, a.body.data ? a.body.data : "", a.body.len,
                                  "IoT credentials provider", out, err);
    }
done:
    answer_free(&a);
    awsc_buf_free(&url);
    awsc_buf_free(&thing);
    free(h);
    return rc;
}
