/*
 * The JMESPath evaluator (runtime/jmespath/, awsc/jmespath.h): expression
 * compile, JSON parse, evaluation and output. Input: the expression, a NUL
 * byte, then the JSON document (without a NUL: the whole input is the
 * expression, evaluated against {"a": [1, "x", {"b": null}]}).
 *
 * Oracle besides the sanitizers: every failure carries a message, a syntax
 * error's offset lies inside the expression, and a result's JSON parses back
 * to a value that writes the same text (a fixed point).
 */
#include <awsc/jmespath.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_failure(int rc, const awsc_error *err, const char *what)
{
    if (rc != AWSC_OK && (!err->message || !*err->message || (int)err->status != rc)) {
        fprintf(stderr, "%s failed with status %d and no message\n", what, rc);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nul = memchr(data, '\0', size);
    size_t expr_len = nul ? (size_t)(nul - (const char *)data) : size;
    char *expr = malloc(expr_len + 1);
    if (!expr)
        return 0;
    memcpy(expr, data, expr_len);
    expr[expr_len] = '\0';
    const char *json = nul ? nul + 1 : "{\"a\": [1, \"x\", {\"b\": null}]}";
    size_t json_len = nul ? size - expr_len - 1 : strlen(json);

    awsc_jmespath_ctx *ctx = awsc_jmespath_ctx_new(16u << 20);
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_jmespath_expr *e = NULL;
    const awsc_jmespath_value *doc = NULL, *out = NULL;
    int rc = ctx ? awsc_jmespath_compile(ctx, expr, &e, &err) : AWSC_E_NOMEM;
    check_failure(rc, &err, "compile");
    if (rc == AWSC_E_VALIDATION && awsc_jmespath_error_offset(ctx) > expr_len) {
        fprintf(stderr, "syntax error offset %zu past the expression (%zu bytes)\n", awsc_jmespath_error_offset(ctx),
                expr_len);
        abort();
    }
    if (rc == AWSC_OK) {
        rc = awsc_jmespath_parse_json(ctx, json, json_len, &doc, &err);
        check_failure(rc, &err, "parse");
    }
    if (rc == AWSC_OK) {
        rc = awsc_jmespath_eval(ctx, e, doc, &out, &err);
        check_failure(rc, &err, "eval");
    }
    if (rc == AWSC_OK) {
        size_t len = 0;
        char *text = awsc_jmespath_to_json(out, &len);
        if (text) {
            const awsc_jmespath_value *again = NULL;
            awsc_jmespath_ctx *ctx2 = awsc_jmespath_ctx_new(64u << 20);
            if (ctx2 && awsc_jmespath_parse_json(ctx2, text, len, &again, &err) == AWSC_OK) {
                char *text2 = awsc_jmespath_to_json(again, NULL);
                if (text2 && strcmp(text, text2) != 0) {
                    fprintf(stderr, "not a fixed point:\n%s\n%s\n", text, text2);
                    abort();
                }
                free(text2);
            } else if (ctx2 && err.status == AWSC_E_VALIDATION) {
                fprintf(stderr, "the result's JSON does not parse: %s\n%s\n", err.message, text);
                abort();
            }
            awsc_jmespath_ctx_free(ctx2);
            free(text);
        }
    }
    awsc_error_clear(&err);
    awsc_jmespath_ctx_free(ctx);
    free(expr);
    return 0;
}
