/*
 * Endpoint rules: a service's `smithy.rules#endpointRuleSet`, compiled by the
 * generator into static tables (below), and the small evaluator that walks
 * them to turn a region, FIPS/dual-stack flags, an endpoint override and any
 * service parameters into an endpoint URL, its properties and headers.
 *
 * Applications normally never call this: the client resolves its endpoint at
 * creation. The tables are for generated code; the resolve function is also
 * public for tools and tests.
 */
#ifndef AWSC_ENDPOINTS_H
#define AWSC_ENDPOINTS_H

#include "awsc/awsc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct awsc_endpoint_rules; /* defined below */

/* ---- inputs and result ---------------------------------------------------- */

/* Parameter types, as the rule set declares them. */
typedef enum awsc_endpoint_param_type {
    AWSC_EP_STRING = 1,
    AWSC_EP_BOOLEAN = 2,
    AWSC_EP_STRING_ARRAY = 3
} awsc_endpoint_param_type;

/*
 * One input value. `name` is a parameter name of the rule set ("Bucket") or a
 * built-in ("AWS::Region", "AWS::UseFIPS", "AWS::UseDualStack",
 * "SDK::Endpoint", "AWS::STS::UseGlobalEndpoint", ...). Values the rule set
 * does not declare are ignored, so a client may pass every built-in it knows.
 * A string value of NULL counts as unset (the parameter's default applies).
 */
typedef struct awsc_endpoint_param {
    const char *name;
    uint8_t type;                  /* awsc_endpoint_param_type */
    bool boolean;
    const char *string;
    const char *const *strings;    /* AWSC_EP_STRING_ARRAY */
    size_t count;
} awsc_endpoint_param;

#define AWSC_EP_PARAM_STRING(n, s) {(n), AWSC_EP_STRING, false, (s), NULL, 0}
#define AWSC_EP_PARAM_BOOL(n, b) {(n), AWSC_EP_BOOLEAN, (b), NULL, NULL, 0}

/* One endpoint header value; a header with several values appears several times. */
typedef struct awsc_endpoint_header {
    char *name;
    char *value;
} awsc_endpoint_header;

/*
 * One entry of the endpoint's properties.authSchemes, in the rule set's order
 * of preference: the scheme ("sigv4", "sigv4a", "sigv4-s3express") and the
 * signing settings that override the service's defaults. Strings are NULL
 * when the entry does not set them.
 */
typedef struct awsc_endpoint_auth {
    char *name;
    char *signing_name;
    char *signing_region;
    char *signing_region_set;      /* sigv4a: the regions, comma-separated ("*", "us-east-1,us-west-2") */
    bool disable_double_encoding;  /* sign the path as sent (S3) */
    bool disable_normalize_path;   /* keep dot segments and duplicate slashes in the signed path (S3) */
} awsc_endpoint_auth;

/* A resolved endpoint. Every string is owned by it: release with awsc_endpoint_free. */
typedef struct awsc_endpoint {
    char *url;
    /* The rule's `properties` as a JSON object text, NULL when it has none. */
    char *properties;
    awsc_endpoint_header *headers;
    size_t header_count;
    /*
     * From the first entry of properties.authSchemes, NULL when absent: the
     * scheme ("sigv4", "sigv4a") and the signing name/region that override
     * the service's defaults.
     */
    char *auth_scheme;
    char *signing_name;
    char *signing_region;
    /* Every entry of properties.authSchemes (the fields above repeat the first one's). */
    awsc_endpoint_auth *auth_schemes;
    size_t auth_scheme_count;
} awsc_endpoint;

#define AWSC_ENDPOINT_INIT {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0}

/*
 * Evaluates `rules` with the given inputs. On AWSC_OK `out` holds the
 * endpoint; when the rules end in an error rule (e.g. "Invalid
 * Configuration: Missing Region") or match nothing, it returns AWSC_E_CONFIG
 * with the rule's message as err->message, and `out` stays empty.
 */
AWSC_API int awsc_endpoint_resolve(const struct awsc_endpoint_rules *rules, const awsc_endpoint_param *params,
                                   size_t param_count, awsc_endpoint *out, awsc_error *err);

/* Frees what `ep` holds and resets it to AWSC_ENDPOINT_INIT. */
AWSC_API void awsc_endpoint_free(awsc_endpoint *ep);

/* ---- the compiled rule set (generated data) -------------------------------- */

#define AWSC_EP_NONE UINT16_MAX

/* Expression kinds. */
enum {
    AWSC_EP_X_BOOL = 1,   /* literal: a = 0 or 1 */
    AWSC_EP_X_INT,        /* literal: a = value */
    AWSC_EP_X_STRING,     /* literal: s */
    AWSC_EP_X_TEMPLATE,   /* "{Region}.x": the n parts at exprs[a..], each a string, ref or getAttr */
    AWSC_EP_X_REF,        /* a = slot (parameters first, then assigned variables) */
    AWSC_EP_X_FN          /* fn applied to the n arguments at exprs[a..]; getAttr's path is s */
};

/* Library functions. */
enum {
    AWSC_EP_FN_IS_SET = 1,
    AWSC_EP_FN_NOT,
    AWSC_EP_FN_BOOLEAN_EQUALS,
    AWSC_EP_FN_STRING_EQUALS,
    AWSC_EP_FN_GET_ATTR,
    AWSC_EP_FN_SUBSTRING,
    AWSC_EP_FN_URI_ENCODE,
    AWSC_EP_FN_PARSE_URL,
    AWSC_EP_FN_IS_VALID_HOST_LABEL,
    AWSC_EP_FN_PARTITION,
    AWSC_EP_FN_PARSE_ARN,
    AWSC_EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET
};

typedef struct awsc_ep_expr {
    uint8_t kind;
    uint8_t fn;
    uint16_t n;                    /* before `a`: the row packs into 16 bytes */
    uint32_t a;
    const char *s;
} awsc_ep_expr;

/*
 * Conditions and rules index their tables with 16 bits (the generator refuses
 * a rule set with 65535 or more expressions, conditions, rules, properties,
 * headers or slots; the largest AWS rule sets use a few thousand).
 */
typedef struct awsc_ep_condition {
    uint16_t expr;
    uint16_t assign;               /* slot the result is bound to, or AWSC_EP_NONE */
} awsc_ep_condition;

enum { AWSC_EP_RULE_ENDPOINT = 1, AWSC_EP_RULE_ERROR, AWSC_EP_RULE_TREE };

typedef struct awsc_ep_rule {
    uint8_t kind;
    uint16_t cond_first, cond_count;
    uint16_t first, count;         /* tree: child rules; endpoint: headers */
    uint16_t expr;                 /* endpoint: url; error: message */
    uint16_t props;                /* endpoint: root of its properties, or AWSC_EP_NONE */
} awsc_ep_rule;

/* Endpoint properties: a JSON tree whose strings are templates. */
enum { AWSC_EP_P_OBJECT = 1, AWSC_EP_P_ARRAY, AWSC_EP_P_STRING, AWSC_EP_P_BOOL, AWSC_EP_P_INT };

typedef struct awsc_ep_prop {
    uint8_t kind;
    const char *key;               /* member name inside an object, else NULL */
    uint32_t first, count;         /* object/array: children; string: first = expr; bool/int: first = value */
} awsc_ep_prop;

typedef struct awsc_ep_header {
    const char *name;
    uint32_t first, count;         /* its values: template exprs */
} awsc_ep_header;

typedef struct awsc_ep_param {
    const char *name;
    const char *built_in;          /* or NULL */
    uint8_t type;                  /* awsc_endpoint_param_type */
    bool required;
    bool has_default;
    bool default_bool;
    const char *default_string;
} awsc_ep_param;

typedef struct awsc_endpoint_rules {
    const awsc_ep_param *params;   /* slots 0 .. param_count-1 */
    uint32_t param_count;
    uint32_t slot_count;           /* parameters plus assigned variables */
    const awsc_ep_expr *exprs;
    uint32_t expr_count;
    const awsc_ep_condition *conditions;
    uint32_t condition_count;
    const awsc_ep_rule *rules;     /* the top-level rules are rules[0 .. root_count-1] */
    uint32_t rule_count;
    uint32_t root_count;
    const awsc_ep_prop *props;
    uint32_t prop_count;
    const awsc_ep_header *headers;
    uint32_t header_count;
    /* substring, uriEncode, parseURL, isValidHostLabel, aws.parseArn, aws.isVirtualHostableS3Bucket:
     * &awsc_ep_more_functions in a rule set that calls any of them, else NULL (so a program whose
     * rule sets call none links none) */
    const struct awsc_ep_functions *more_functions;
} awsc_endpoint_rules;

typedef struct awsc_ep_functions awsc_ep_functions;
AWSC_API extern const awsc_ep_functions awsc_ep_more_functions;

#ifdef __cplusplus
}
#endif
#endif
