/*
 * Shape descriptors: the static tables that generated service code hands to
 * the runtime. One small engine reads them to validate, serialize and parse;
 * generated code holds only data and thin typed wrappers (the upb approach).
 *
 * This header is for generated code; applications use the service headers.
 */
#ifndef AWSC_SCHEMA_H
#define AWSC_SCHEMA_H

#include "awsc/awsc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The C representation of each Smithy type (see README "Types"). */
typedef enum awsc_type {
    AWSC_T_STRING,      /* const char *, NULL = absent */
    AWSC_T_ENUM,        /* C enum (0 = not set) + const char * raw value */
    AWSC_T_BOOL,        /* bool */
    AWSC_T_BYTE,        /* int8_t */
    AWSC_T_SHORT,       /* int16_t */
    AWSC_T_INT,         /* int32_t */
    AWSC_T_INT_ENUM,    /* int32_t */
    AWSC_T_LONG,        /* int64_t */
    AWSC_T_FLOAT,       /* float */
    AWSC_T_DOUBLE,      /* double */
    AWSC_T_BIG_INTEGER, /* const char * decimal text */
    AWSC_T_BIG_DECIMAL, /* const char * decimal text */
    AWSC_T_BLOB,        /* awsc_blob */
    AWSC_T_TIMESTAMP,   /* awsc_timestamp */
    AWSC_T_DOCUMENT,    /* const char * JSON text */
    AWSC_T_STRUCT,      /* const T * (member) or T (list element / map value) */
    AWSC_T_UNION,       /* const T * (member) or T (element); T = { int type; union {...} } */
    AWSC_T_LIST,        /* { T *items; size_t count; } items NULL = absent */
    AWSC_T_MAP,         /* { E *entries; size_t count; } E = { const char *key; V value; } */
    AWSC_T_UNIT,        /* a union variant without a value: no storage, {} in JSON */
    AWSC_T_STREAM       /* awsc_stream: a @streaming blob payload */
} awsc_type;

/* Where a member travels in an HTTP request or response. */
typedef enum awsc_binding {
    AWSC_B_BODY,
    AWSC_B_LABEL,          /* greedy or not, as the operation's URI pattern says ({name+}) */
    AWSC_B_QUERY,
    AWSC_B_QUERY_PARAMS,
    AWSC_B_HEADER,
    AWSC_B_PREFIX_HEADERS,
    AWSC_B_PAYLOAD,
    AWSC_B_RESPONSE_CODE
} awsc_binding;

typedef enum awsc_timestamp_format {
    AWSC_TS_DEFAULT,
    AWSC_TS_DATE_TIME,
    AWSC_TS_HTTP_DATE,
    AWSC_TS_EPOCH_SECONDS
} awsc_timestamp_format;

/* awsc_member.flags */
#define AWSC_F_REQUIRED 0x01u          /* validated before sending */
#define AWSC_F_IDEMPOTENCY_TOKEN 0x02u /* filled with a UUID v4 when absent */
#define AWSC_F_HAS_MIN 0x04u           /* min is a length/range minimum */
#define AWSC_F_SPARSE 0x08u            /* list/map whose values may be null */
#define AWSC_F_MEDIA_TYPE 0x10u        /* string with @mediaType: base64 in headers */
#define AWSC_F_HAS_MAX 0x20u           /* max is set (documentation and CLI only) */
#define AWSC_F_INLINE 0x40u            /* struct/union stored by value (list elements, map values) */
#define AWSC_F_HOST_LABEL 0x80u        /* also fills a {label} of the operation's host prefix */
#define AWSC_F_NULLABLE 0x100u         /* element of a sparse list/map: absent is written as null */
#define AWSC_F_BOXED 0x200u            /* a scalar held through a pointer (NULL = null), in sparse collections */
#define AWSC_F_XML_ATTRIBUTE 0x400u    /* @xmlAttribute: an attribute of the enclosing element */
#define AWSC_F_XML_FLATTENED 0x800u    /* @xmlFlattened: list/map entries repeat the member's element, unwrapped */
#define AWSC_F_SENSITIVE 0x1000u       /* @sensitive (on the member or its target): never shown in a log line */
#define AWSC_F_BIG_AS_STRING 0x2000u   /* bigInteger/bigDecimal written as a JSON string (rpcv2Json); both read */

#define AWSC_NO_OFFSET UINT16_MAX

struct awsc_shape;

/* One member of a structure/union, or the element of a list, or the value of a map. */
/*
 * What only some members need: constraints, defaults, media types and the XML
 * and query names. Kept out of awsc_member so that the common member costs 48
 * bytes instead of 96 (descriptors are most of a client's size); generated
 * code shares one of these between members with the same values.
 */
typedef struct awsc_member_ext {
    int64_t min;                   /* length (code points / bytes / entries) or range minimum (AWSC_F_HAS_MIN) */
    int64_t max;                   /* (AWSC_F_HAS_MAX) */
    const char *default_json;      /* the model's non-zero default as JSON text, or NULL */
    const char *media_type;        /* payloads: the target's @mediaType (the Content-Type to send), or NULL */
    /* XML protocols: an xmlns attribute to write on the member's element, e.g. ` xmlns:b="urn:b"`, or NULL */
    const char *xml_namespace;
    /* awsQuery/ec2Query: the request key when it differs from wire_name (the XML element name), or NULL */
    const char *query_name;
} awsc_member_ext;

typedef struct awsc_member {
    const char *name;              /* model member name, e.g. "thingName" */
    const char *wire_name;         /* JSON key (jsonName), XML element, header, query or label name */
    const struct awsc_shape *shape; /* target of enums, structs, unions, lists and maps */
    const awsc_member_ext *ext;    /* NULL when every field of it would be zero */
    /* 16 bits: a generated struct is far below 64 KiB (a larger offset fails the build, -Woverflow) */
    uint16_t offset;               /* of the value inside the container */
    uint16_t has_offset;           /* of the bool presence flag, or AWSC_NO_OFFSET */
    uint16_t raw_offset;           /* enums: of the raw string, or AWSC_NO_OFFSET */
    uint16_t flags;                /* AWSC_F_* */
    uint8_t type;                  /* awsc_type */
    uint8_t binding;               /* awsc_binding */
    uint8_t ts_format;             /* awsc_timestamp_format */
} awsc_member;

/* The awsc_member_ext fields, or their zero values when the member has none. */
static inline int64_t awsc_member_min(const awsc_member *m) { return m->ext ? m->ext->min : 0; }
static inline int64_t awsc_member_max(const awsc_member *m) { return m->ext ? m->ext->max : 0; }
static inline const char *awsc_member_default(const awsc_member *m) { return m->ext ? m->ext->default_json : NULL; }
static inline const char *awsc_member_media_type(const awsc_member *m) { return m->ext ? m->ext->media_type : NULL; }
static inline const char *awsc_member_xml_namespace(const awsc_member *m)
{
    return m->ext ? m->ext->xml_namespace : NULL;
}
static inline const char *awsc_member_query_name(const awsc_member *m) { return m->ext ? m->ext->query_name : NULL; }

/* Protocol-specific names of a structure (XML protocols, awsQuery errors). */
typedef struct awsc_shape_ext {
    /* the element name of a structure written as a document or payload (@xmlName), or NULL = name */
    const char *xml_name;
    /* the xmlns attribute of that element (see awsc_member_ext.xml_namespace), or NULL */
    const char *xml_namespace;
    /* errors: the code the service sends when it differs from the shape name (@awsQueryError), or NULL */
    const char *error_code;
} awsc_shape_ext;

typedef struct awsc_shape {
    const char *name;              /* shape name without namespace, e.g. "JobExecution" */
    /* structures and unions: members; lists: [0] = element; maps: [0] = key, [1] = value */
    const awsc_member *members;
    /* enums: the wire values, in C enum order starting at 1 */
    const char *const *enum_values;
    const awsc_shape_ext *ext;     /* NULL when none applies */
    uint32_t size;                 /* sizeof the C type (list element / struct / map entry) */
    uint16_t member_count;
    uint16_t enum_count;
    /* unions: offset of the int tag (0 unset, 1.. member index + 1, -1 unknown) */
    uint16_t union_tag_offset;
    uint8_t type;                  /* awsc_type */
    uint8_t flags;                 /* AWSC_SHAPE_* */
    /*
     * errors: the status the model gives them (smithy.api#httpError), or 0. A
     * response without an error code (S3's bodiless HEAD 404) is the
     * operation's one modeled error with that status. Fills padding.
     */
    uint16_t http_error;
} awsc_shape;

static inline const char *awsc_shape_xml_name(const awsc_shape *s)
{
    return s->ext && s->ext->xml_name ? s->ext->xml_name : s->name;
}
static inline const char *awsc_shape_xml_namespace(const awsc_shape *s) { return s->ext ? s->ext->xml_namespace : NULL; }
static inline const char *awsc_shape_error_code(const awsc_shape *s)
{
    return s->ext && s->ext->error_code ? s->ext->error_code : s->name;
}

/* awsc_shape.flags, from the error shape's smithy.api#retryable trait */
#define AWSC_SHAPE_RETRYABLE 0x01u
#define AWSC_SHAPE_THROTTLING 0x02u

/*
 * How a protocol puts a structure into a body and reads it back: JSON (restJson1,
 * awsJson) in the runtime, XML and query forms (restXml, awsQuery, ec2Query) in
 * the awsc-xml library, so that JSON-only programs do not carry an XML parser.
 * Generated operations point at one; the layout is private to the runtime.
 */
typedef struct awsc_codec awsc_codec;
AWSC_API extern const awsc_codec awsc_codec_rest_json;
AWSC_API extern const awsc_codec awsc_codec_aws_json;
/* smithy.protocols#rpcv2Json: POST /service/{Service}/operation/{Operation}, JSON bodies (rpcv2Cbor's is in awsc/cbor.h) */
AWSC_API extern const awsc_codec awsc_codec_rpcv2_json;

/*
 * Flexible checksums (aws.protocols#httpChecksum): the x-amz-checksum-* header
 * of a request body, and the validation of a response's. The code is
 * libawsc-checksums' (awsc/checksums.h), reached through `engine` only, so
 * that a program whose operations have no checksums links none of it.
 */
typedef struct awsc_checksum_engine awsc_checksum_engine;

/* The algorithms, as bits of awsc_http_checksum.response_algorithms */
#define AWSC_CHECKSUM_CRC32 0x01u
#define AWSC_CHECKSUM_CRC32C 0x02u
#define AWSC_CHECKSUM_CRC64NVME 0x04u
#define AWSC_CHECKSUM_SHA1 0x08u
#define AWSC_CHECKSUM_SHA256 0x10u

typedef struct awsc_http_checksum {
    const awsc_checksum_engine *engine;   /* &awsc_flexible_checksums (awsc/checksums.h) */
    const awsc_member *request_algorithm; /* requestAlgorithmMember: the input's algorithm (enum), or NULL */
    const awsc_member *validation_mode;   /* requestValidationModeMember: "ENABLED" asks for validation, or NULL */
    uint8_t response_algorithms;          /* responseAlgorithms: AWSC_CHECKSUM_* */
    /* requestChecksumRequired or @httpChecksumRequired: always sent, whatever the configuration */
    bool request_required;
} awsc_http_checksum;

/*
 * An endpoint rules input an operation sets: smithy.rules#contextParam (an
 * input member's value), staticContextParams (a constant) or
 * operationContextParams (a path into the input). S3's Bucket and Key, say:
 * the client resolves the endpoint per call for an operation that has any.
 */
typedef struct awsc_endpoint_binding {
    const char *name;              /* the rule set's parameter, e.g. "Bucket" */
    uint8_t type;                  /* awsc_endpoint_param_type (awsc/endpoints.h) */
    const awsc_member *member;     /* the input's string or boolean member, or NULL */
    const char *string;            /* constant string, or NULL */
    bool boolean;                  /* constant boolean (member and string NULL) */
    /*
     * operationContextParams beyond one member: the members walked from the
     * input, NULL-terminated; a list member projects over its items. Then, per
     * item, `select`'s paths (`[a.b, c.d][]`: a NULL after each, another at the
     * end), or with `keys` the map's keys (`keys(m)`). The strings found, in
     * order, make a string array (or the one string of a string parameter).
     */
    const awsc_member *const *path;
    const awsc_member *const *select;
    bool keys;
} awsc_endpoint_binding;

/*
 * Request compression (smithy.api#requestCompression): a body at least the
 * configured size is sent gzip-compressed. The code is libawsc-compression's
 * (awsc/compression.h), reached through the operation's pointer only, so that
 * programs whose operations never compress link neither it nor zlib.
 */
typedef struct awsc_compression_engine awsc_compression_engine;

/*
 * An event-stream output (a @streaming union): each message of the response
 * body decoded into that union and handed to the caller as it arrives. The
 * code is libawsc-eventstream's (awsc/eventstream.h), reached through
 * `engine` only, so that a program whose operations stream no events links
 * none of it.
 */
typedef struct awsc_event_engine awsc_event_engine;
typedef struct awsc_event_stream {
    const awsc_event_engine *engine; /* &awsc_event_streams (awsc/eventstream.h) */
    const awsc_shape *events;        /* the output @streaming union: events and modeled exceptions, or NULL */
    /* RPC protocols (awsJson): the output's other members come as an `initial-response` event */
    bool initial_response_event;
    /* the input @streaming union: the request body is a stream of signed event messages, or NULL */
    const awsc_shape *input_events;
    /* the protocol's eventStreamHttp lists "h2": the call goes over HTTP/2 */
    bool http2;
} awsc_event_stream;

/*
 * Supplies the next event of an input stream: `event` points at a zeroed
 * input @streaming union (its tag 0). Fill it (set the tag and the member;
 * what it points to must stay valid until the next call) and return 0 to send
 * it; leave the tag 0 and return 0 when no event is ready yet (asked again
 * after the next output event arrives, and about once a second meanwhile);
 * set *done and return 0 to end the stream; return non-zero to abandon the
 * call (it fails with AWSC_E_VALIDATION, nothing more is sent).
 */
typedef int (*awsc_event_source_fn)(void *user, void *event, bool *done);

/*
 * Receives one event of a stream (`event` points at the operation's
 * @streaming union type) with the operation's initial response (its output
 * structure, the same on every call). Both are valid during the call only.
 * Return 0 for the next event, non-zero to stop the stream (the call then
 * returns AWSC_OK).
 */
typedef int (*awsc_event_fn)(void *user, const void *response, const void *event);

/*
 * What few operations need, kept out of awsc_operation (one pointer for all of
 * it): the service customizations the Smithy specifications name, as data.
 */
typedef struct awsc_operation_ext {
    /*
     * Headers every request carries, "name", "value" pairs then NULL: Glacier's
     * X-Amz-Glacier-Version (the service's version), API Gateway's Accept.
     * A member bound to the same header wins.
     */
    const char *const *headers;
    /*
     * An input member holding a URL whose scheme and authority replace the
     * endpoint's for the call (Machine Learning's Predict: PredictEndpoint), or NULL.
     */
    const awsc_member *endpoint_member;
    uint32_t flags;                /* AWSC_OPX_* */
    /*
     * S3's customizations that are code rather than data: &awsc_s3_customizations
     * in S3's operations, NULL in every other service's, so that their programs
     * link none of it.
     */
    const struct awsc_s3_customizations *s3;
} awsc_operation_ext;

/* The SSE-C key's MD5, and the 200s that are errors (AWSC_OPX_ERROR_IN_2XX, AWSC_OPX_EMPTY_2XX_ABORTED). */
AWSC_API extern const struct awsc_s3_customizations awsc_s3_customizations;

/* awsc_operation_ext.flags */
/* aws.customizations#s3UnwrappedXmlOutput: the body's root element is the output's one body member */
#define AWSC_OPX_UNWRAPPED_OUTPUT 0x01u
/*
 * S3: labels keep "." and ".." segments; the path is signed as sent (no
 * normalisation) and S3 reads it so, so no other resource can be reached.
 */
#define AWSC_OPX_DOT_SEGMENTS 0x02u
/* S3: a 2xx response whose body is an <Error> document is that error (CopyObject, CompleteMultipartUpload...) */
#define AWSC_OPX_ERROR_IN_2XX 0x04u
/*
 * S3's CopyObject, UploadPartCopy, CompleteMultipartUpload: an empty 2xx body
 * (or white space alone) is S3 aborting after the 200, an InternalError
 */
#define AWSC_OPX_EMPTY_2XX_ABORTED 0x08u

typedef struct awsc_operation {
    const char *name;              /* "DescribeJobExecution" */
    const char *method;            /* "GET" */
    const char *uri;               /* "/things/{thingName}/jobs/{jobId}" */
    const awsc_shape *input;
    const awsc_shape *output;
    const uint16_t *errors;        /* indexes into the service's error table */
    const char *host_prefix;       /* from the endpoint trait, e.g. "{accountId}.data.", or NULL */
    /*
     * RPC protocols: the X-Amz-Target value (awsJson) or the form's encoded
     * "Action=Op&Version=V" start (awsQuery, ec2Query), and the body's
     * Content-Type; NULL for REST protocols
     */
    const char *target;
    const char *content_type;
    const awsc_codec *codec;       /* the service protocol's body format */
    const awsc_http_checksum *checksum; /* flexible checksums, or NULL */
    const awsc_compression_engine *compression; /* &awsc_gzip_compression (awsc/compression.h), or NULL */
    const awsc_event_stream *event_stream; /* an event-stream output or input, or NULL */
    /*
     * The wire names (keys, elements, headers, query keys) of the sensitive
     * values anywhere in the input, output and errors, NULL-terminated, or
     * NULL: log lines redact their values. Members named like credentials
     * (SecretAccessKey, SessionToken...) count whatever the model says.
     */
    const char *const *sensitive_names;
    const awsc_endpoint_binding *endpoint_params; /* endpoint rules inputs from this operation, or NULL */
    const awsc_operation_ext *ext; /* service customizations, or NULL */
    /* the small fields last, together: no padding between pointers */
    uint16_t http_code;            /* success status, e.g. 200 */
    uint16_t error_count;
    uint8_t flags;                 /* AWSC_OP_* */
    uint8_t endpoint_param_count;
    uint8_t auth;                  /* its own AWSC_AUTH_LIST (smithy.api#auth), or 0: the service's */
} awsc_operation;

static inline uint32_t awsc_operation_ext_flags(const awsc_operation *op) { return op->ext ? op->ext->flags : 0; }

/* awsc_operation.flags */
/* @httpChecksumRequired without aws.protocols#httpChecksum: send Content-MD5 of the body */
#define AWSC_OP_CHECKSUM_REQUIRED 0x01u
#define AWSC_OP_UNSIGNED_PAYLOAD 0x02u  /* aws.auth#unsignedPayload: a streamed body may go unhashed */
#define AWSC_OP_QUERY_COMPATIBLE 0x04u  /* aws.protocols#awsQueryCompatible: send x-amzn-query-mode */
#define AWSC_OP_NO_AUTH 0x08u          /* smithy.api#auth []: sent unsigned, no credentials looked up (STS AssumeRoleWithWebIdentity) */
#define AWSC_OP_SENSITIVE_URL 0x10u    /* a sensitive label or query parameter: logs show no path or query */
#define AWSC_OP_SENSITIVE_PAYLOAD 0x20u /* a sensitive @httpPayload (input or output): logs show no body */
/* smithy.api#optionalAuth: signed when the client finds credentials (or a token), else sent unsigned */
#define AWSC_OP_OPTIONAL_AUTH 0x40u

/*
 * Authentication schemes, in the model's priority order (smithy.api#auth, or
 * the schemes applied to the service in shape-id order), packed two bits each
 * into one byte: AWSC_AUTH_LIST(AWSC_AUTH_SIGV4, AWSC_AUTH_BEARER, 0). The
 * first scheme the client has an identity for signs the request;
 * awsc_config.auth_scheme_preference reorders them.
 */
#define AWSC_AUTH_SIGV4 1u  /* aws.auth#sigv4 */
#define AWSC_AUTH_SIGV4A 2u /* aws.auth#sigv4a (needs awsc_config.sigv4a) */
#define AWSC_AUTH_BEARER 3u /* smithy.api#httpBearerAuth: Authorization: Bearer <token> */
#define AWSC_AUTH_LIST(a, b, c) ((uint8_t)((a) | (b) << 2 | (c) << 4))

typedef struct awsc_service {
    const char *sdk_id;            /* "IoT Jobs Data Plane" */
    const char *cli_name;          /* "iot-jobs-data" */
    const char *signing_name;      /* SigV4 service name */
    const char *endpoint_prefix;   /* "data.jobs.iot" */
    const char *api_version;
    const awsc_operation *operations;
    /* All modeled errors; awsc_error.modeled is an index here plus one. */
    const awsc_shape *const *errors;
    /* The model's endpoint rule set, compiled (awsc/endpoints.h), or NULL. */
    const struct awsc_endpoint_rules *endpoint_rules;
    /* The paginated operations' paginators (generic callers: the CLI), or NULL. */
    const struct awsc_paginator *const *paginators;
    /* The waiters (smithy.waiters#waitable) of every operation, or NULL (awsc/waiters.h runs them). */
    const struct awsc_waiter *waiters;
    uint32_t operation_count;
    uint32_t error_count;
    uint32_t paginator_count;
    uint32_t waiter_count;
    uint8_t auth;                  /* AWSC_AUTH_LIST of the service, or 0: SigV4 alone */
    /*
     * &awsc_bearer_auth when its list or an operation's names httpBearerAuth,
     * else NULL: the token lookup (configured, or the profile's sso_session)
     * that programs of other services do not link.
     */
    const struct awsc_bearer_auth *bearer;
    /*
     * &awsc_operation_endpoints when an operation has endpoint_params or an
     * endpoint member, or the rules take AWS::Auth::AccountId; else NULL: the
     * code resolving a call's own endpoint, which other programs do not link.
     */
    const struct awsc_operation_endpoints *operation_endpoints;
} awsc_service;

AWSC_API extern const struct awsc_bearer_auth awsc_bearer_auth;
AWSC_API extern const struct awsc_operation_endpoints awsc_operation_endpoints;

/* ---- waiters (smithy.waiters#waitable): data read by libawsc-waiters ---- */

typedef enum awsc_waiter_state {
    AWSC_WAITER_SUCCESS = 1,
    AWSC_WAITER_FAILURE,
    AWSC_WAITER_RETRY
} awsc_waiter_state;

typedef enum awsc_waiter_matcher {
    AWSC_MATCH_OUTPUT = 1,   /* `path` over the output */
    AWSC_MATCH_INPUT_OUTPUT, /* `path` over {"input": ..., "output": ...} */
    AWSC_MATCH_SUCCESS,      /* the call succeeded (`expected` "true") or failed ("false") */
    AWSC_MATCH_ERROR_TYPE    /* the call failed with the error named `expected` */
} awsc_waiter_matcher;

typedef enum awsc_waiter_comparator {
    AWSC_CMP_NONE = 0,
    AWSC_CMP_STRING_EQUALS,
    AWSC_CMP_BOOLEAN_EQUALS,
    AWSC_CMP_ALL_STRING_EQUALS,
    AWSC_CMP_ANY_STRING_EQUALS
} awsc_waiter_comparator;

/* One acceptor: when `matcher` matches, the waiter goes to `state`. */
typedef struct awsc_waiter_acceptor {
    const char *path;     /* JMESPath expression (output, inputOutput matchers), else NULL */
    const char *expected; /* the value compared, "true"/"false" (success), or the error's name (errorType) */
    const char *message;  /* JMESPath expression of a failure's message, or NULL */
    uint8_t state;        /* awsc_waiter_state */
    uint8_t matcher;      /* awsc_waiter_matcher */
    uint8_t comparator;   /* awsc_waiter_comparator */
} awsc_waiter_acceptor;

/* A named waiter of one operation: its acceptors in order and its delays in seconds. */
typedef struct awsc_waiter {
    const char *name; /* "TableExists" */
    const awsc_operation *operation;
    const awsc_waiter_acceptor *acceptors;
    uint32_t acceptor_count;
    uint32_t min_delay; /* the model's minDelay, 2 when it has none */
    uint32_t max_delay; /* the model's maxDelay, 120 when it has none */
} awsc_waiter;

/* A paginated operation (smithy.api#paginated): where its tokens live. */
typedef struct awsc_paginator {
    const awsc_operation *operation;
    const awsc_member *input_token;          /* the input member: a string, structure, list or map */
    const awsc_member *const *output_token;  /* path of members to the output's next token */
    const awsc_member *const *items;         /* path of members to the page's list of results, or NULL */
    const awsc_member *page_size;            /* the input member that limits a page's size, or NULL */
    uint32_t output_token_depth;
    uint32_t items_depth;
} awsc_paginator;

/* Called once per page; return non-zero to stop early. The paginator frees the page: do not keep it. */
typedef int (*awsc_page_fn)(const void *page, void *user);

/* ---- the engine, for generated wrappers and the CLI ---- */

typedef struct awsc_client awsc_client;

AWSC_API int awsc_client_new(const awsc_service *svc, const awsc_config *cfg, awsc_client **out, awsc_error *err);
AWSC_API void awsc_client_free(awsc_client *c);

/*
 * Runs one operation: validate, serialize, sign, send, parse. On AWSC_OK
 * *output is a new output structure (free with awsc_output_free).
 */
AWSC_API int awsc_client_invoke(awsc_client *c, const awsc_operation *op, const void *input,
                                void **output, awsc_error *err);

/*
 * A presigned URL for one operation: the request `input` makes, built as
 * awsc_client_invoke would build it (endpoint rules, S3 virtual-host or
 * path-style addressing, the endpoint's signing name and region), signed in
 * its query string (SigV4, or SigV4a when the endpoint asks for it and
 * awsc_config.sigv4a is set) for `expires_seconds` (1..604800) from now.
 * Whoever holds the URL can make that request without credentials until
 * then: with the method of the operation, and the headers its input binds
 * (they are signed). S3 URLs sign no payload (any body may be sent); for
 * other services the signature covers the serialized body, and an awsQuery
 * form body moves into the query (STS GetCallerIdentity). Nothing is sent.
 * On AWSC_OK *url is a new string: free it with free().
 */
AWSC_API int awsc_client_presign(awsc_client *c, const awsc_operation *op, const void *input,
                                 int64_t expires_seconds, char **url, awsc_error *err);

/* As awsc_client_invoke, with a successful response's body streamed to `sink`. */
AWSC_API int awsc_client_invoke_to_sink(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                                        awsc_sink_fn sink, void *sink_user, awsc_error *err);

/*
 * Runs an operation whose output is an event stream: each event is passed to
 * `on_event` as it arrives (nothing is buffered beyond one message). On
 * AWSC_OK the stream ended cleanly or `on_event` stopped it, and *output (when
 * `output` is not NULL) is the initial response (free with awsc_output_free).
 * A modeled exception event fails the call with AWSC_E_SERVICE and its typed
 * error (awsc_error.modeled, .detail); an unmodeled error event with
 * AWSC_E_SERVICE and its code; a malformed stream with AWSC_E_RESPONSE. A call
 * is never retried once its stream has started. The whole stream must end
 * within the configured request_timeout_ms.
 */
AWSC_API int awsc_client_invoke_events(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                                       awsc_event_fn on_event, void *user, awsc_error *err);

/*
 * Runs an operation whose input is an event stream (and, when it has one,
 * whose output is too: a bidirectional stream, over HTTP/2 when the model
 * says so). The request body is produced on demand: `next_event` is asked for
 * each event (see awsc_event_source_fn), which is encoded, signed (SigV4,
 * chained from the request's signature) and sent; the stream ends with the
 * signed empty message once it sets *done. Output events reach `on_event` as
 * with awsc_client_invoke_events (NULL for an operation without them); both
 * get `user`. Never retried once the first event was asked for.
 */
AWSC_API int awsc_client_invoke_event_stream(awsc_client *c, const awsc_operation *op, const void *input,
                                             void **output, awsc_event_source_fn next_event, awsc_event_fn on_event,
                                             void *user, awsc_error *err);

/*
 * Calls the operation page after page, feeding each output's next token into
 * the next input (the caller's input is not modified), until the service
 * returns no token, repeats a token, or `on_page` returns non-zero.
 */
AWSC_API int awsc_client_paginate(awsc_client *c, const awsc_paginator *p, const void *input, awsc_page_fn on_page,
                                  void *user, awsc_error *err);

/* ---- non-blocking calls (libcurl's multi interface) ---- */

/*
 * Completion of an asynchronous call: `output` (owned by the callback: free it
 * with awsc_output_free) on AWSC_OK, else `err` (valid during the callback).
 */
typedef void (*awsc_done_fn)(void *user, int status, void *output, const awsc_error *err);

/*
 * Starts a call and returns at once (the input is serialized before it returns,
 * so it may be freed). The call completes through `done` while the client is
 * driven by awsc_client_run or the event callbacks, from one thread.
 */
AWSC_API int awsc_client_invoke_async(awsc_client *c, const awsc_operation *op, const void *input, awsc_done_fn done,
                                      void *user, awsc_error *err);

/*
 * For generated wrappers with typed callbacks: `done` gets `fn` back and calls
 * it converted to its real type (a function pointer round trip C allows).
 */
typedef void (*awsc_typed_done_fn)(void (*fn)(void), void *user, int status, void *output, const awsc_error *err);
AWSC_API int awsc_client_invoke_async_typed(awsc_client *c, const awsc_operation *op, const void *input,
                                            awsc_typed_done_fn done, void (*fn)(void), void *user, awsc_error *err);

/*
 * awsc_client_invoke_events without blocking: `on_event` receives each event
 * while the client is driven (awsc_client_run or the event callbacks), then
 * `done` the initial response (it owns it) or the error. Both get `user`.
 */
AWSC_API int awsc_client_invoke_events_async(awsc_client *c, const awsc_operation *op, const void *input,
                                             awsc_event_fn on_event, awsc_done_fn done, void *user, awsc_error *err);

/*
 * For generated wrappers with typed callbacks (<op>_async of an event-stream
 * operation): `on_event` gets `event_fn` back and calls it converted to its
 * real type, as `done` does with `done_fn` (awsc_client_invoke_async_typed).
 */
typedef int (*awsc_typed_event_fn)(void (*fn)(void), void *user, const void *response, const void *event);
AWSC_API int awsc_client_invoke_events_async_typed(awsc_client *c, const awsc_operation *op, const void *input,
                                                   awsc_typed_event_fn on_event, void (*event_fn)(void),
                                                   awsc_typed_done_fn done, void (*done_fn)(void), void *user,
                                                   awsc_error *err);

/*
 * awsc_client_invoke_event_stream without blocking: while the client is
 * driven, `next_event` is asked for each input event (a source with nothing
 * yet is asked again after the next output event, and every quarter second
 * or so: awsc_client_run wakes up for it, and the timer callback asks for
 * it), `on_event` receives each output event (NULL for an operation without
 * them), then `done` the initial response (it owns it) or the error. All get
 * `user`; all run on the thread that drives the client.
 */
AWSC_API int awsc_client_invoke_event_stream_async(awsc_client *c, const awsc_operation *op, const void *input,
                                                   awsc_event_source_fn next_event, awsc_event_fn on_event,
                                                   awsc_done_fn done, void *user, awsc_error *err);

/*
 * For generated wrappers with typed callbacks (<op>_async of an operation whose
 * input is an event stream): `next_event` gets `source_fn` back and calls it
 * converted to its real type, as on_event and done do theirs (on_event and
 * event_fn NULL for an operation without output events).
 */
typedef int (*awsc_typed_source_fn)(void (*fn)(void), void *user, void *event, bool *done);
AWSC_API int awsc_client_invoke_event_stream_async_typed(awsc_client *c, const awsc_operation *op,
                                                         const void *input, awsc_typed_source_fn next_event,
                                                         void (*source_fn)(void), awsc_typed_event_fn on_event,
                                                         void (*event_fn)(void), awsc_typed_done_fn done,
                                                         void (*done_fn)(void), void *user, awsc_error *err);

/* Calls started and not yet completed. */
AWSC_API int awsc_client_in_flight(awsc_client *c);

/*
 * Drives asynchronous calls until none is in flight or `timeout_ms` has passed
 * (-1: no limit). Returns how many are still in flight, or -1 on an error.
 */
AWSC_API int awsc_client_run(awsc_client *c, int timeout_ms);

/* Event-loop integration, as libcurl's curl_multi_socket_action users know it. */
#define AWSC_POLL_IN 1
#define AWSC_POLL_OUT 2
#define AWSC_POLL_ERR 4
#define AWSC_POLL_REMOVE 8
/* Watch `fd` for `events` (AWSC_POLL_IN/OUT), or stop watching it (AWSC_POLL_REMOVE). */
typedef int (*awsc_socket_fn)(void *user, int fd, int events);
/* Call awsc_client_socket_action(c, -1, 0) in `timeout_ms` (-1: no timer needed). */
typedef int (*awsc_timer_fn)(void *user, long timeout_ms);
AWSC_API int awsc_client_set_event_callbacks(awsc_client *c, awsc_socket_fn on_socket, awsc_timer_fn on_timer,
                                             void *user);
/* Tells the client that `fd` is ready for `events`, or (fd = -1) that its timer fired. Returns calls in flight. */
AWSC_API int awsc_client_socket_action(awsc_client *c, int fd, int events);

/* Checks the required and minimum constraints of `value` (a `shape` struct). */
AWSC_API int awsc_validate(const awsc_shape *shape, const void *value, awsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
