/*
 * The JMESPath evaluator (runtime/jmespath/): our own cases of the
 * specification (tests/unit/jmespath/cases/, JSON files: given, expression, result
 * or error), read with cJSON and compared with cJSON, then the limits: depth,
 * memory, the step budget, error positions.
 */
#include <awsc/jmespath.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* One case: NULL when it passes, else why not (static buffer). */
static const char *run_case(const cJSON *given, const cJSON *c)
{
    static char why[1024];
    const char *expr = cJSON_GetStringValue(cJSON_GetObjectItem(c, "expression"));
    const cJSON *want = cJSON_GetObjectItem(c, "result");
    const char *error = cJSON_GetStringValue(cJSON_GetObjectItem(c, "error"));
    if (!expr || (!want && !error))
        return "malformed case";
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_jmespath_expr *e = NULL;
    const awsc_jmespath_value *data = NULL, *out = NULL;
    char *given_text = cJSON_PrintUnformatted(given);
    const char *verdict = NULL;
    int rc = awsc_jmespath_compile(ctx, expr, &e, &err);
    if (rc && (!err.message || !strstr(err.message, "column"))) {
        snprintf(why, sizeof why, "compile error without a position: %s", err.message ? err.message : "(none)");
        verdict = why;
    } else if (rc) {
        if (!error) {
            snprintf(why, sizeof why, "unexpected compile error: %s", err.message);
            verdict = why;
        }
    } else if (error && strcmp(error, "syntax") == 0) {
        verdict = "compiled, but it is a syntax error";
    } else if (awsc_jmespath_parse_json(ctx, given_text, strlen(given_text), &data, &err)) {
        snprintf(why, sizeof why, "given not parsed: %s", err.message);
        verdict = why;
    } else if (awsc_jmespath_eval(ctx, e, data, &out, &err)) {
        if (!error) {
            snprintf(why, sizeof why, "unexpected error: %s", err.message);
            verdict = why;
        } else if (!err.message || !*err.message) {
            verdict = "error without a message";
        }
    } else if (error) {
        char *got = awsc_jmespath_to_json(out, NULL);
        snprintf(why, sizeof why, "expected error %s, got %s", error, got ? got : "?");
        free(got);
        verdict = why;
    } else {
        char *got = awsc_jmespath_to_json(out, NULL);
        cJSON *parsed = got ? cJSON_Parse(got) : NULL;
        if (!parsed || !cJSON_Compare(parsed, want, true)) {
            char *w = cJSON_PrintUnformatted(want);
            snprintf(why, sizeof why, "expected %s, got %s", w, got ? got : "(nothing)");
            free(w);
            verdict = why;
        }
        cJSON_Delete(parsed);
        free(got);
    }
    free(given_text);
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
    return verdict;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(jmespath, cases)
{
    const char *root = getenv("AWSC_SOURCE_DIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/unit/jmespath/cases", root ? root : ".");
    DIR *d = opendir(dir);
    cr_assert(d, "no case folder %s", dir);
    char *names[64];
    size_t files = 0;
    for (struct dirent *ent; (ent = readdir(d)) && files < 64;)
        if (strstr(ent->d_name, ".json"))
            names[files++] = strdup(ent->d_name);
    closedir(d);
    qsort(names, files, sizeof *names, cmp_names);
    size_t passed = 0, failed = 0;
    for (size_t f = 0; f < files; f++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        char *text = read_file(path);
        cJSON *suites = text ? cJSON_Parse(text) : NULL;
        cr_assert(suites, "%s: not JSON", path);
        const cJSON *suite;
        size_t s = 0;
        cJSON_ArrayForEach(suite, suites)
        {
            const cJSON *given = cJSON_GetObjectItem(suite, "given"), *c;
            size_t k = 0;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(suite, "cases"))
            {
                const char *why = run_case(given, c);
                if (why) {
                    failed++;
                    printf("FAIL %s suite %zu case %zu: %s: %s\n", names[f], s, k,
                           cJSON_GetStringValue(cJSON_GetObjectItem(c, "expression")), why);
                } else {
                    passed++;
                }
                k++;
            }
            s++;
        }
        cJSON_Delete(suites);
        free(text);
        free(names[f]);
    }
    printf("jmespath: %zu passed, %zu failed\n", passed, failed);
    fflush(stdout);
    cr_assert_gt(passed, 300, "only %zu cases ran", passed);
    cr_assert_eq(failed, 0);
}

/* search() with the given expression and JSON; the result or the error message, malloc'd. */
static char *search(const char *expr, const char *json, int *rc)
{
    awsc_error err = AWSC_ERROR_INIT;
    char *out = NULL;
    *rc = awsc_jmespath_search(expr, json, strlen(json), &out, &err);
    if (*rc) {
        out = strdup(err.message ? err.message : "(no message)");
        awsc_error_clear(&err);
    }
    return out;
}

Test(jmespath, syntax_errors_name_the_column)
{
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_jmespath_expr *e;
    cr_assert_eq(awsc_jmespath_compile(ctx, "foo.bar[?a == ", &e, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "jmespath: syntax error at column 15: unexpected the end of the expression");
    cr_assert_eq(awsc_jmespath_error_offset(ctx), 14);
    cr_assert_eq(awsc_jmespath_compile(ctx, "a.b  ^", &e, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "jmespath: syntax error at column 6: unexpected character '^'");
    cr_assert_eq(awsc_jmespath_compile(ctx, "nope(@)", &e, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "jmespath: syntax error at column 1: unknown function nope()");
    cr_assert_eq(awsc_jmespath_compile(ctx, "a || length(@, @)", &e, &err), AWSC_E_VALIDATION);
    cr_assert_str_eq(err.message, "jmespath: syntax error at column 6: length() takes exactly 1 argument");
    cr_assert_eq(awsc_jmespath_compile(ctx, "a = b", &e, &err), AWSC_E_VALIDATION);
    cr_assert(strstr(err.message, "did you mean '=='"), "%s", err.message);
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
}

Test(jmespath, type_errors_name_the_function_and_argument)
{
    int rc;
    char *msg = search("[0].abs(name)", "[{\"name\": \"x\"}]", &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert_str_eq(msg, "jmespath: at column 5: abs(): argument 1 must be a number, got string");
    free(msg);
    msg = search("sort_by(@, &a)", "[{\"a\": 1}, {\"a\": \"x\"}]", &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert(strstr(msg, "sort_by(): the expression must give every item a number or every item a string"), "%s",
              msg);
    free(msg);
}

Test(jmespath, deep_expressions_and_documents_are_refused)
{
    char expr[8192], json[8192];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        expr[n++] = '(';
    expr[n++] = 'a';
    for (int i = 0; i < 1000; i++)
        expr[n++] = ')';
    expr[n] = '\0';
    int rc;
    char *msg = search(expr, "{}", &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert(strstr(msg, "nests deeper than 256"), "%s", msg);
    free(msg);
    /* a left-deep chain: no recursion in the parser, but the tree is deep */
    n = 0;
    for (int i = 0; i < 2000; i++)
        expr[n++] = 'a', expr[n++] = '.';
    expr[n++] = 'a';
    expr[n] = '\0';
    msg = search(expr, "{}", &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert(strstr(msg, "nests deeper than 256"), "%s", msg);
    free(msg);
    n = 0;
    for (int i = 0; i < 3000; i++)
        json[n++] = '[';
    json[n] = '\0';
    msg = search("@", json, &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert(strstr(msg, "nested too deeply"), "%s", msg);
    free(msg);
    /* values built by the evaluation are bounded too */
    n = 0;
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(expr + n, sizeof expr - n, "[@] | ");
    snprintf(expr + n, sizeof expr - n, "[@]");
    char deep[1024];
    n = 0;
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    msg = search(expr, deep, &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert(strstr(msg, "a value nests deeper than 256"), "%s", msg);
    free(msg);
}

/* One evaluation in a context with the given limits; the result or the error message. */
static char *search_bounded(const char *expr, const char *json, size_t memory, unsigned long long steps, int *rc)
{
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(memory);
    cr_assert_not_null(ctx);
    awsc_jmespath_ctx_set_max_steps(ctx, steps);
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_jmespath_expr *e;
    const awsc_jmespath_value *data, *out;
    char *text = NULL;
    *rc = awsc_jmespath_compile(ctx, expr, &e, &err);
    if (!*rc)
        *rc = awsc_jmespath_parse_json(ctx, json, strlen(json), &data, &err);
    if (!*rc)
        *rc = awsc_jmespath_eval(ctx, e, data, &out, &err);
    if (*rc)
        text = strdup(err.message ? err.message : "(no message)");
    else if (!(text = awsc_jmespath_to_json_bounded(out, memory, NULL)))
        *rc = AWSC_E_NOMEM, text = strdup("the result is too large");
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
    return text;
}

/*
 * Runaway expressions stop at the context's limits. Small limits keep the test quick: the
 * defaults, 256 MiB and 10^8 steps, take seconds to reach, and minutes under ASan.
 */
Test(jmespath, runaway_evaluations_stop)
{
    enum { MEMORY = 4 << 20 };
    const unsigned long long STEPS = 1000000;
    /* Each step doubles the text: the memory limit stops it. */
    char expr[4096];
    size_t n = 0;
    n += (size_t)snprintf(expr + n, sizeof expr - n, "@");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(expr + n, sizeof expr - n, " | join('', [@, @])");
    int rc;
    char *msg = search_bounded(expr, "\"0123456789\"", MEMORY, STEPS, &rc);
    cr_assert_eq(rc, AWSC_E_NOMEM, "%s", msg);
    cr_assert(strstr(msg, "memory limit"), "%s", msg);
    free(msg);
    /* Two values sharing their items 2^60 times over: comparing them must not walk it all. */
    n = 0;
    n += (size_t)snprintf(expr + n, sizeof expr - n, "[[@, @], [@, @]]");
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(expr + n, sizeof expr - n, " | [[@[0], @[0]], [@[1], @[1]]]");
    n += (size_t)snprintf(expr + n, sizeof expr - n, " | @[0] == @[1]");
    msg = search_bounded(expr, "[1]", MEMORY, STEPS, &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION, "%s", msg);
    cr_assert(strstr(msg, "more than 1000000 steps"), "%s", msg);
    free(msg);
    /* ...nor writing it out */
    n = 0;
    n += (size_t)snprintf(expr + n, sizeof expr - n, "@");
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(expr + n, sizeof expr - n, " | [@, @]");
    msg = search_bounded(expr, "[1]", MEMORY, STEPS, &rc);
    cr_assert_eq(rc, AWSC_E_NOMEM, "%s", msg);
    free(msg);
    /* A bound set back to 0 is the default again; a bounded context still evaluates what fits. */
    msg = search_bounded("`[1, 2]`[1]", "null", MEMORY, 0, &rc);
    cr_assert_eq(rc, 0, "%s", msg);
    cr_assert_str_eq(msg, "2");
    free(msg);
}

Test(jmespath, numbers_keep_their_spelling)
{
    int rc;
    char *out = search("[a, b, sum([c, c]), avg([c, d])]",
                       "{\"a\": 12345678901234567890, \"b\": 1.50, \"c\": 0.1, \"d\": 3}", &rc);
    cr_assert_eq(rc, AWSC_OK, "%s", out);
    cr_assert_str_eq(out, "[12345678901234567890,1.50,0.2,1.55]");
    free(out);
}

Test(jmespath, strings_with_nul_and_escapes)
{
    int rc;
    char *out = search("[\"a\\u0000b\", length(\"a\\u0000b\"), keys(@)]", "{\"a\\u0000b\": \"\\n\\u001f\"}", &rc);
    cr_assert_eq(rc, AWSC_OK, "%s", out);
    cr_assert_str_eq(out, "[\"\\n\\u001f\",2,[\"a\\u0000b\"]]");
    free(out);
    out = search("@", "\"\\ud83d\\ude00\"", &rc);
    cr_assert_eq(rc, AWSC_OK, "%s", out);
    cr_assert_str_eq(out, "\"\xf0\x9f\x98\x80\"");
    free(out);
    out = search("@", "\"\\ud83d\"", &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    free(out);
    out = search("@", "\"\xff\"", &rc);
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert(strstr(out, "UTF-8"), "%s", out);
    free(out);
}

Test(jmespath, bad_json_is_an_error)
{
    static const char *const bad[] = {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "[1] 2", "{\"a\":1,}",
                                      "\"\x01\"", "nul", "1e", "\"\\x\""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc;
        char *msg = search("@", bad[i], &rc);
        cr_assert_eq(rc, AWSC_E_VALIDATION, "%s: %s", bad[i], msg);
        cr_assert(strstr(msg, "invalid JSON at byte"), "%s", msg);
        free(msg);
    }
}

Test(jmespath, value_api)
{
    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(0);
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_jmespath_value *v, *out;
    const awsc_jmespath_expr *e;
    cr_assert_eq(awsc_jmespath_parse_json(ctx, "{\"a\": [1, {\"b\": true}], \"a\": 2}", 31, &v, &err), AWSC_OK);
    cr_assert_eq(v->type, AWSC_JMESPATH_OBJECT);
    cr_assert_eq(v->depth, 3);
    cr_assert_eq(awsc_jmespath_get(v, "a")->type, AWSC_JMESPATH_NUMBER); /* the last duplicate wins */
    cr_assert_null(awsc_jmespath_get(v, "zz"));
    cr_assert_eq(awsc_jmespath_compile(ctx, "a", &e, &err), AWSC_OK);
    cr_assert_eq(awsc_jmespath_eval(ctx, e, v, &out, &err), AWSC_OK);
    cr_assert_str_eq(out->u.number.text, "2");
    cr_assert(awsc_jmespath_truthy(out));
    awsc_jmespath_ctx_free(ctx);
    /* a tiny context runs out cleanly */
    ctx = awsc_jmespath_ctx_new(256);
    cr_assert_eq(awsc_jmespath_parse_json(ctx, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]", 40, &v, &err),
                 AWSC_E_NOMEM);
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
}
