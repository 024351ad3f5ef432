/*
 * awsc_codec.redact of the XML protocols: an XML body (restXml, query
 * responses) or a form (awsQuery and ec2Query requests) with the values of
 * secret elements, attributes and fields replaced by <redacted>. A plain
 * text scan, not a parse: a log line must show the body as it was sent.
 */
#include "serde/xml/xml.h"

#include <stdbool.h>
#include <string.h>

typedef bool (*secret_fn)(const void *user, const char *name, size_t len);

/* The element or attribute name without its namespace prefix ("a:Token" -> "Token"). */
static bool secret_local(secret_fn secret, const void *user, const char *name, size_t len)
{
    const char *colon = memchr(name, ':', len);
    return colon ? secret(user, colon + 1, len - (size_t)(colon + 1 - name)) : secret(user, name, len);
}

static bool name_end(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>' || c == '=';
}

/* "Action=AssumeRole&Credentials.member.1.Token=..." : a field is secret when any part of its key is. */
static int redact_form(const char *p, const char *end, secret_fn secret, const void *user, awsc_buf *out)
{
    int rc = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp)
            amp = end;
        const char *eq = memchr(p, '=', (size_t)(amp - p));
        bool hide = false;
        for (const char *k = p; eq && k < eq && !hide;) {
            const char *dot = memchr(k, '.', (size_t)(eq - k));
            if (!dot)
                dot = eq;
            hide = secret(user, k, (size_t)(dot - k));
            k = dot + 1;
        }
        if (hide)
            rc |= awsc_buf_append(out, p, (size_t)(eq + 1 - p)) | awsc_buf_puts(out, "<redacted>");
        else
            rc |= awsc_buf_append(out, p, (size_t)(amp - p));
        if (amp < end)
            rc |= awsc_buf_putc(out, '&');
        p = amp + 1;
    }
    return rc ? -1 : 0;
}

/* The '>' that ends the tag starting at p, past quoted attribute values (they may hold '>'), or NULL. */
static const char *tag_end(const char *p, const char *end)
{
    for (char quote = 0; p < end; p++) {
        if (quote)
            quote = *p == quote ? 0 : quote;
        else if (*p == '"' || *p == '\'')
            quote = *p;
        else if (*p == '>')
            return p;
    }
    return NULL;
}

/* Redacts the values of secret attributes in the start tag [p, gt); returns what is copied so far. */
static const char *redact_attributes(const char *p, const char *gt, const char *copied, secret_fn secret,
                                     const void *user, awsc_buf *out, int *rc)
{
    const char *eq;
    while ((eq = memchr(p, '=', (size_t)(gt - p)))) {
        const char *name_stop = eq;
        while (name_stop > p && (name_stop[-1] == ' ' || name_stop[-1] == '\t'))
            name_stop--;
        const char *name = name_stop;
        while (name > p && !name_end(name[-1]))
            name--;
        const char *v = eq + 1;
        while (v < gt && *v != '"' && *v != '\'')
            v++;
        const char *close = v < gt ? memchr(v + 1, *v, (size_t)(gt - v - 1)) : NULL;
        if (!close)
            return copied;
        if (secret_local(secret, user, name, (size_t)(name_stop - name))) {
            *rc |= awsc_buf_append(out, copied, (size_t)(v + 1 - copied)) | awsc_buf_puts(out, "<redacted>");
            copied = close;
        }
        p = close + 1;
    }
    return copied;
}

int awsc_xml_redact(const char *body, size_t len, secret_fn secret, const void *user, awsc_buf *out)
{
    const char *p = body, *end = body + len, *copied = body;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p < end && *p != '<')
        return redact_form(body, end, secret, user, out);
    int rc = 0;
    while ((p = memchr(p, '<', (size_t)(end - p)))) {
        const char *name = p + 1, *q = name;
        while (q < end && !name_end(*q))
            q++;
        const char *gt = tag_end(q, end);
        if (!gt) { /* a cut start tag: what follows it is not shown */
            end = p;
            break;
        }
        if (*name == '/' || *name == '?' || *name == '!') {
            p = gt + 1;
            continue;
        }
        size_t n = (size_t)(q - name);
        copied = redact_attributes(q, gt, copied, secret, user, out, &rc);
        p = gt + 1;
        if (gt[-1] == '/' || !secret_local(secret, user, name, n))
            continue;
        /* The element's content, up to its end tag (or the end of the body), is the secret. */
        const char *close = p;
        while ((close = memchr(close, '<', (size_t)(end - close))) &&
               !((size_t)(end - close) > n + 2 && close[1] == '/' && memcmp(close + 2, name, n) == 0 &&
                 (close[n + 2] == '>' || name_end(close[n + 2]))))
            close++;
        rc |= awsc_buf_append(out, copied, (size_t)(p - copied)) | awsc_buf_puts(out, "<redacted>");
        copied = close ? close : end;
        if (!close)
            break;
        p = close;
    }
    rc |= awsc_buf_append(out, copied, (size_t)(end - copied));
    if (end < body + len)
        rc |= awsc_buf_printf(out, "... (%zu bytes not shown: a cut tag)", (size_t)(body + len - end));
    return rc ? -1 : 0;
}
