/*
 * Log redaction of bodies (awsc_codec.redact): the JSON one (serde/json) and
 * the XML and form one (serde/xml/redact.c). Input: the body, given to both.
 * Oracles besides the sanitizers: with no secret names, a JSON text the reader
 * accepts comes back unchanged, and an XML or form body too, or cut at a start
 * tag that does not end; with names, every "<redacted>" stands for something.
 */
#include "util/buf.h"
#include "serde/json/json.h"
#include "serde/xml/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool no_secret(const void *user, const char *name, size_t len)
{
    (void)user, (void)name, (void)len;
    return false;
}

static bool secret(const void *user, const char *name, size_t len)
{
    (void)user;
    return (len == 6 && strncasecmp(name, "Secret", 6) == 0) || (len == 5 && strncasecmp(name, "Token", 5) == 0);
}

static void fail(const char *what, const char *in, size_t len, const awsc_buf *out)
{
    fprintf(stderr, "redact %s: '%.*s' gave '%s'\n", what, (int)len, in, out->data ? out->data : "");
    abort();
}

/* Without secrets an XML body that is not whole must be what came before a cut tag, and the note saying so. */
static void check_cut(const char *s, size_t size, const awsc_buf *out)
{
    char note[64];
    for (size_t kept = 0; kept <= size && kept <= out->len; kept++) {
        int n = snprintf(note, sizeof note, "... (%zu bytes not shown: a cut tag)", size - kept);
        if (n > 0 && kept + (size_t)n == out->len && memcmp(out->data, s, kept) == 0 &&
            memcmp(out->data + kept, note, (size_t)n) == 0)
            return;
    }
    fail("xml/form changed without secrets", s, size, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    awsc_buf out = AWSC_BUF_INIT;
    if (awsc_json_redact(s, size, no_secret, NULL, &out) == 0 && awsc_json_valid(s, size) &&
        (out.len != size || memcmp(out.data ? out.data : "", s, size) != 0))
        fail("json changed without secrets", s, size, &out);
    out.len = 0;
    if (awsc_xml_redact(s, size, no_secret, NULL, &out) == 0 && !(out.len == size && memcmp(out.data, s, size) == 0))
        check_cut(s, size, &out);
    for (int i = 0; i < 2; i++) {
        out.len = 0;
        int rc = (i ? awsc_xml_redact : awsc_json_redact)(s, size, secret, NULL, &out);
        if (rc == 0 && out.data && strlen(out.data) != out.len && !memchr(s, 0, size))
            fail("the output has a NUL the input has not", s, size, &out);
    }
    awsc_buf_free(&out);
    return 0;
}
