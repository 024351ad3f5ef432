/*
 * Runs a model's endpoint test cases against its compiled rule set. Every
 * mismatch is collected; the model's test fails once, listing them all.
 */
#include "harness.h"

#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Turns the case's params object into evaluator inputs (names as the rule set spells them). */
static int build_params(const cJSON *obj, awsc_endpoint_param **out, size_t *count, const char ***strings)
{
    size_t n = (size_t)cJSON_GetArraySize(obj), nstrings = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) if (cJSON_IsArray(it)) nstrings += (size_t)cJSON_GetArraySize(it);
    *out = calloc(n ? n : 1, sizeof **out);
    *strings = calloc(nstrings ? nstrings : 1, sizeof **strings);
    if (!*out || !*strings)
        return -1;
    size_t i = 0, s = 0;
    cJSON_ArrayForEach(it, obj)
    {
        awsc_endpoint_param *p = &(*out)[i++];
        p->name = it->string;
        if (cJSON_IsBool(it)) {
            p->type = AWSC_EP_BOOLEAN;
            p->boolean = cJSON_IsTrue(it);
        } else if (cJSON_IsString(it)) {
            p->type = AWSC_EP_STRING;
            p->string = it->valuestring;
        } else if (cJSON_IsArray(it)) {
            p->type = AWSC_EP_STRING_ARRAY;
            p->strings = *strings + s;
            const cJSON *e;
            cJSON_ArrayForEach(e, it)
            {
                if (!cJSON_IsString(e))
                    return -1;
                (*strings)[s++] = e->valuestring;
            }
            p->count = (size_t)cJSON_GetArraySize(it);
        } else {
            return -1;
        }
    }
    *count = n;
    return 0;
}

/* Headers as a JSON object {"name": ["v1", "v2"]}, for comparing with the expectation. */
static cJSON *headers_json(const awsc_endpoint *ep)
{
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj && i < ep->header_count; i++) {
        cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, ep->headers[i].name);
        if (!list)
            list = cJSON_AddArrayToObject(obj, ep->headers[i].name);
        cJSON_AddItemToArray(list, cJSON_CreateString(ep->headers[i].value));
    }
    return obj;
}

/* Compares JSON texts (objects in any key order); `got` NULL means absent, which equals {}. */
static int json_equal(const char *want, const char *got)
{
    cJSON *w = cJSON_Parse(want), *g = cJSON_Parse(got ? got : "{}");
    int eq = w && g && cJSON_Compare(w, g, 1);
    cJSON_Delete(w);
    cJSON_Delete(g);
    return eq;
}

static void run_case(const awsc_endpoint_rules *rules, const awsc_ept_case *tc, awsc_buf *problems, int *failed)
{
    size_t before = problems->len;
    cJSON *params = cJSON_Parse(tc->params);
    awsc_endpoint_param *in = NULL;
    const char **strings = NULL;
    size_t count = 0;
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    if (!params || build_params(params, &in, &count, &strings) != 0) {
        awsc_buf_printf(problems, "  %s: unusable params %s\n", tc->documentation, tc->params);
        goto done;
    }
    int rc = awsc_endpoint_resolve(rules, in, count, &ep, &err);
    if (tc->error) {
        if (rc == AWSC_OK)
            awsc_buf_printf(problems, "  %s: expected error \"%s\", got endpoint %s\n", tc->documentation, tc->error,
                            ep.url);
        else if (rc != AWSC_E_CONFIG || !err.message || strcmp(err.message, tc->error) != 0)
            awsc_buf_printf(problems, "  %s: expected error \"%s\", got %s \"%s\"\n", tc->documentation, tc->error,
                            awsc_status_str(rc), err.message ? err.message : "");
        goto done;
    }
    if (rc != AWSC_OK) {
        awsc_buf_printf(problems, "  %s: expected %s, got %s \"%s\"\n", tc->documentation, tc->url,
                        awsc_status_str(rc), err.message ? err.message : "");
        goto done;
    }
    if (strcmp(ep.url, tc->url) != 0)
        awsc_buf_printf(problems, "  %s: expected url %s, got %s\n", tc->documentation, tc->url, ep.url);
    if (!json_equal(tc->properties ? tc->properties : "{}", ep.properties))
        awsc_buf_printf(problems, "  %s: expected properties %s, got %s\n", tc->documentation,
                        tc->properties ? tc->properties : "{}", ep.properties ? ep.properties : "(none)");
    cJSON *h = headers_json(&ep);
    char *got_headers = h ? cJSON_PrintUnformatted(h) : NULL;
    if (!got_headers || !json_equal(tc->headers ? tc->headers : "{}", got_headers))
        awsc_buf_printf(problems, "  %s: expected headers %s, got %s\n", tc->documentation,
                        tc->headers ? tc->headers : "{}", got_headers ? got_headers : "(none)");
    free(got_headers);
    cJSON_Delete(h);
done:
    *failed += problems->len != before;
    awsc_endpoint_free(&ep);
    awsc_error_clear(&err);
    free(in);
    free(strings);
    cJSON_Delete(params);
}

void awsc_ept_run(const char *label, const awsc_endpoint_rules *rules, const awsc_ept_case *cases, size_t count)
{
    awsc_buf problems = AWSC_BUF_INIT;
    int failed = 0;
    for (size_t i = 0; i < count; i++)
        run_case(rules, &cases[i], &problems, &failed);
    printf("endpoint-tests %s: %d passed, %d failed\n", label, (int)count - failed, failed);
    fflush(stdout);
    cr_expect(count > 0, "%s: no endpoint test cases", label);
    cr_expect(failed == 0, "%s:\n%s", label, problems.data ? problems.data : "");
    awsc_buf_free(&problems);
}
