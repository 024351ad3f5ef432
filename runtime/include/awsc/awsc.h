/*
 * awsc: a C SDK for AWS service APIs, generated from Smithy models.
 *
 * This header is the runtime's public API: status codes, the error object,
 * client configuration and the shared value types that generated service
 * headers use (blobs, timestamps, lists, maps). Include the service header
 * (for example <awsc/iot_jobs_data.h>), which includes this one.
 */
#ifndef AWSC_AWSC_H
#define AWSC_AWSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(AWSC_STATIC)
#define AWSC_API
#elif defined(__GNUC__)
#define AWSC_API __attribute__((visibility("default")))
#else
#define AWSC_API
#endif

#define AWSC_VERSION "0.1.0"

/** Every fallible function returns one of these; AWSC_OK is zero. */
typedef enum awsc_status {
    AWSC_OK = 0,
    /** The caller's input broke a model constraint (required, length, range). */
    AWSC_E_VALIDATION = 1,
    /** Configuration is missing or wrong: region, credentials, endpoint. */
    AWSC_E_CONFIG = 2,
    /** No usable HTTP response: DNS, connect, TLS, timeout, size cap. */
    AWSC_E_TRANSPORT = 3,
    /** The service answered with an error status (see awsc_error.code). */
    AWSC_E_SERVICE = 4,
    /** The service's response could not be parsed against the model. */
    AWSC_E_RESPONSE = 5,
    /** Out of memory. */
    AWSC_E_NOMEM = 6,
    /** A bug or an impossible state inside the SDK. */
    AWSC_E_INTERNAL = 7,
    /** A waiter reached a failure state (awsc/waiters.h). */
    AWSC_E_WAITER_FAILED = 8,
    /** A waiter ran out of time, or was canceled, before a success or failure state. */
    AWSC_E_WAITER_TIMEOUT = 9
} awsc_status;

/**
 * What went wrong, filled by every call that takes an `awsc_error *`.
 * Initialise with AWSC_ERROR_INIT and release with awsc_error_clear(); a
 * filled error may be passed to another call, which clears it first.
 * Strings are NULL when unknown.
 */
typedef struct awsc_error {
    awsc_status status;   /**< AWSC_OK when the last call succeeded */
    int attempts;         /**< HTTP attempts the call made (retries included) */
    long retry_delay_ms;  /**< total time spent waiting between attempts */
    long http_status;     /**< HTTP status of the response, 0 if none */
    /**
     * Service error code, e.g. "ResourceNotFoundException". A service that
     * kept its awsQuery error codes (aws.protocols#awsQueryCompatible: SQS,
     * CloudWatch...) gives the legacy code of x-amzn-query-error here, e.g.
     * "AWS.SimpleQueueService.NonExistentQueue", as the AWS SDKs and CLI do;
     * `modeled` still names the modeled error.
     */
    char *code;
    char *message;        /**< human-readable message, always set on failure */
    char *request_id;     /**< x-amzn-requestid of the response (S3: x-amz-request-id) */
    /**
     * Index of the modeled error type, from the service header's
     * `<service>_error_type` enum; 0 when the error is not modeled.
     */
    int modeled;
    /** The modeled error's typed structure (e.g. its resourceId), or NULL. */
    const void *detail;
    void *detail_arena_; /* internal: owns `detail` */
    /**
     * Whose fault the error is, where the service says: "Sender" or "Receiver",
     * from an XML error's `Type` element (awsQuery, restXml) or an awsQueryCompatible
     * service's x-amzn-query-error; else NULL.
     */
    char *type;
    /** S3's extended request id (x-amz-id-2, or the error body's `HostId`), or NULL */
    char *extended_request_id;
    /** x-amz-cf-id of a response through CloudFront, or NULL */
    char *cf_id;
} awsc_error;

#define AWSC_ERROR_INIT {AWSC_OK, 0, 0, 0, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL}

/** Frees what an error holds and resets it to AWSC_ERROR_INIT. */
AWSC_API void awsc_error_clear(awsc_error *err);

/** A short constant name for a status, e.g. "service error". */
AWSC_API const char *awsc_status_str(int status);

/**
 * The error of the calling thread's last failed call, for callers that
 * passed NULL as the error argument. Valid until that thread's next call.
 */
AWSC_API const awsc_error *awsc_last_error(void);

/** Log levels; each includes the ones above it. */
typedef enum awsc_log_level {
    AWSC_LOG_OFF = 0,
    AWSC_LOG_ERROR,  /**< a call failed */
    AWSC_LOG_WARN,   /**< something the user should know: a clock correction, a retry */
    AWSC_LOG_INFO,   /**< one line per attempt: operation, status, attempt, duration, request id */
    AWSC_LOG_DEBUG,  /**< decisions: endpoint, credentials source, backoff */
    AWSC_LOG_TRACE   /**< the wire: requests and responses, secrets redacted */
} awsc_log_level;

/** Receives one log line (no newline); called on the calling thread. */
typedef void (*awsc_log_fn)(void *user, awsc_log_level level, const char *line);

struct awsc_config;

/** A role's temporary credentials: malloc'd strings that the receiver owns and frees (secrets wiped). */
typedef struct awsc_role_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
    int64_t expiration; /**< seconds since the epoch; 0: does not expire */
    char *account_id;   /**< the role's account (from the session's ARN), or NULL */
} awsc_role_credentials;

/**
 * What the credentials chain lends an STS or SSO plug-in for one refresh: the shared
 * config files and the chain's other sources. Strings returned are valid
 * during the plug-in call.
 */
typedef struct awsc_role_host {
    void *ctx;
    /** What applies to STS and SSO of the calling client's configuration: region (resolved), CA, timeouts, retries, FIPS and dual-stack, logging, clock hooks. */
    const struct awsc_config *config;
    int64_t now; /**< seconds since the epoch, from the configured clock */
    /**
     * `key` of `profile` (the credentials file winning over the config file), or NULL.
     * `profile` "sso-session NAME" reads the config file's [sso-session NAME] section.
     */
    const char *(*profile_value)(void *ctx, const char *profile, const char *key);
    /** Whether the credentials or the config file has `profile`. */
    bool (*profile_exists)(void *ctx, const char *profile);
    /**
     * The profile's own credentials, its role_arn ignored: keys or
     * credential_process. AWSC_OK, -1 when it has none, or an error status.
     */
    int (*profile_credentials)(void *ctx, const char *profile, awsc_role_credentials *out, awsc_error *err);
    /** A credential_source: "Environment", "Ec2InstanceMetadata" or "EcsContainer"; -1 when it has nothing. */
    int (*credential_source)(void *ctx, const char *name, awsc_role_credentials *out, awsc_error *err);
} awsc_role_host;

/**
 * How the credentials chain reaches AWS STS. The runtime links no STS client
 * (a program that speaks JSON only stays small), so web identity and profiles
 * with role_arn need one plugged in: set awsc_config.sts to
 * awsc_sts_credentials_api() from libawsc-sts-credentials
 * (<awsc/sts_credentials.h>). Without it those sources fail with an error
 * that says so. Each function fills `out` and returns AWSC_OK, or fills `err`
 * (never NULL) and returns its status.
 */
typedef struct awsc_sts_api {
    /** AWS_WEB_IDENTITY_TOKEN_FILE or AWS_ROLE_ARN is set (the chain's step after the environment's keys). */
    int (*web_identity_env)(const awsc_role_host *host, awsc_role_credentials *out, awsc_error *err);
    /** `profile` has role_arn: web_identity_token_file, source_profile or credential_source. */
    int (*profile_role)(const awsc_role_host *host, const char *profile, awsc_role_credentials *out,
                        awsc_error *err);
} awsc_sts_api;

/**
 * How the credentials chain reaches IAM Identity Center (SSO). As with STS, the
 * runtime links no SSO client: profiles with sso_session or sso_start_url need
 * one plugged in: set awsc_config.sso to awsc_sso_credentials_api() from
 * libawsc-sso-credentials (<awsc/sso_credentials.h>). Without it those profiles
 * fail with an error that says so. The function fills `out` and returns
 * AWSC_OK, or fills `err` (never NULL) and returns its status.
 */
typedef struct awsc_sso_api {
    /** `profile` has sso_session or sso_start_url: the credentials of its sso_account_id and sso_role_name. */
    int (*profile_sso)(const awsc_role_host *host, const char *profile, awsc_role_credentials *out,
                       awsc_error *err);
    /**
     * `profile` has sso_session: its access token (malloc'd, a secret: the
     * caller wipes it) and when it expires, refreshed first when close to
     * expiry. For services signed with smithy.api#httpBearerAuth (CodeCatalyst).
     */
    int (*profile_token)(const awsc_role_host *host, const char *profile, char **token, int64_t *expires,
                         awsc_error *err);
} awsc_sso_api;

/**
 * SigV4a's signer (ECDSA P-256), from libawsc-sigv4a: awsc_sigv4a_signer() in
 * <awsc/sigv4a.h>. Opaque here: the core runtime carries no elliptic-curve code.
 */
typedef struct awsc_sigv4a_api awsc_sigv4a_api;

/**
 * Client configuration. Zero (AWSC_CONFIG_INIT) means defaults: region from
 * AWS_REGION, credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, the endpoint from the service's endpoint rules.
 * Strings are copied by the client constructor.
 */
typedef struct awsc_config {
    const char *region;
    /** e.g. "https://abc123.jobs.iot.us-east-1.amazonaws.com" or "http://127.0.0.1:8080" */
    const char *endpoint_url;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
    /** PEM bundle or directory of trusted CAs; NULL uses the system's. */
    const char *ca_file;
    const char *ca_path;
    /** 0 means the default (3000 ms connect, 30000 ms whole request). */
    long connect_timeout_ms;
    long request_timeout_ms;
    /** Largest response body accepted; 0 means the default (16 MiB). */
    size_t max_response_bytes;
    /**
     * Attempts per call, first one included; 0 means AWS_MAX_ATTEMPTS, the
     * profile's max_attempts, or 3; 1 turns retries off.
     */
    int max_attempts;
    /**
     * "standard" (the default) or "adaptive" (standard plus client-side rate
     * limiting after throttling); NULL means AWS_RETRY_MODE, the profile's
     * retry_mode, else standard.
     */
    const char *retry_mode;
    /**
     * Hooks for tests and unusual platforms; NULL uses the real clock, sleep and
     * CSPRNG. `now` returns seconds since the epoch, `random01` a value in [0, 1).
     */
    int64_t (*now)(void *ctx);
    void (*sleep_ms)(void *ctx, long ms);
    double (*random01)(void *ctx);
    void *hooks_ctx;
    /** Shared config/credentials profile; NULL means AWS_PROFILE, else "default". */
    const char *profile;
    /** Endpoint rules inputs: FIPS and dual-stack endpoints (also AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT). */
    bool use_fips;
    bool use_dual_stack;
    /**
     * A device's X.509 identity (PEM files). With `iot_credentials_endpoint` and
     * `iot_role_alias` set, credentials come from the AWS IoT credentials provider
     * (`https://ENDPOINT/role-aliases/ALIAS/credentials`, mutual TLS, sending
     * `iot_thing_name` as x-amzn-iot-thingname). With `use_mtls`, requests are
     * authenticated by the certificate instead of SigV4 (the Jobs endpoint on
     * port 8443 accepts this).
     */
    const char *tls_cert_file;
    const char *tls_key_file;
    const char *iot_credentials_endpoint;
    const char *iot_role_alias;
    const char *iot_thing_name;
    bool use_mtls;
    /** Connections the asynchronous calls of one client may hold open at once; 0 means 32. */
    long max_connections;
    /** Logging: lines at `log_level` and above go to `log_fn` (NULL: stderr). AWSC_LOG_OFF by default. */
    awsc_log_level log_level;
    awsc_log_fn log_fn;
    void *log_user;
    /**
     * AWS STS for the role credentials sources (AWS_WEB_IDENTITY_TOKEN_FILE,
     * profiles with role_arn): awsc_sts_credentials_api() from
     * libawsc-sts-credentials, or NULL (those sources then report that it is missing).
     */
    const awsc_sts_api *sts;
    /**
     * IAM Identity Center for profiles with sso_session (and an [sso-session]
     * section) or the legacy sso_start_url: awsc_sso_credentials_api() from
     * libawsc-sso-credentials, or NULL (those profiles then report that it is missing).
     */
    const awsc_sso_api *sso;
    /**
     * Flexible checksums (S3): "when_supported" (the default) or "when_required".
     * request_checksum_calculation: send a CRC32 of the body whenever the
     * operation supports a checksum, or only when it requires one (an
     * algorithm set in the input is always used). response_checksum_validation:
     * check the response body against its x-amz-checksum-* header whenever the
     * operation supports it, or only when the input asks (ChecksumMode ENABLED).
     * NULL means AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION,
     * the profile's request_checksum_calculation / response_checksum_validation,
     * else when_supported.
     */
    const char *request_checksum_calculation;
    const char *response_checksum_validation;
    /**
     * SigV4a (endpoints whose authSchemes name "sigv4a": S3 Multi-Region Access
     * Points): awsc_sigv4a_signer() from libawsc-sigv4a, or NULL (such an
     * endpoint then signs with SigV4 when its rules allow it, else fails with
     * AWSC_E_CONFIG). `sigv4a_signing_region_set` ("*", "us-east-1,us-west-2")
     * overrides the endpoint's signingRegionSet; NULL means AWS_SIGV4A_SIGNING_REGION_SET,
     * the profile's sigv4a_signing_region_set, else the endpoint's set, else the region.
     */
    const awsc_sigv4a_api *sigv4a;
    const char *sigv4a_signing_region_set;
    /**
     * Endpoint rules inputs of S3 and S3 Control (their built-ins and
     * clientContextParams): path-style addressing, Transfer Acceleration,
     * taking an ARN's region (also
     * AWS_S3_USE_ARN_REGION), no Multi-Region Access Points (also
     * AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS), the global us-east-1 endpoint.
     */
    bool s3_force_path_style;
    bool s3_use_accelerate;
    bool s3_use_arn_region;
    bool s3_disable_multi_region_access_points;
    bool s3_use_global_endpoint;
    /**
     * Any other endpoint rules parameter of the service (its clientContextParams,
     * by name: {"DisableS3ExpressSessionAuth", AWSC_EP_BOOLEAN, true}); they
     * override the fields above. The array (not copied) must outlive the client.
     */
    const struct awsc_endpoint_param *endpoint_params;
    size_t endpoint_param_count;
    /**
     * Request compression (operations with smithy.api#requestCompression, such
     * as CloudWatch PutMetricData): a body of at least
     * `request_min_compression_size_bytes` is sent gzip-compressed.
     * `disable_request_compression` true turns it off; false means
     * AWS_DISABLE_REQUEST_COMPRESSION or the profile's
     * disable_request_compression, else on. A size of 0 means
     * AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES or the profile's
     * request_min_compression_size_bytes, else 10240; at most 10485760.
     */
    bool disable_request_compression;
    long request_min_compression_size_bytes;
    /**
     * The application's name in the user agent (`app/<id>`, at most 50
     * characters); NULL means AWS_SDK_UA_APP_ID, else the profile's sdk_ua_app_id.
     */
    const char *app_id;
    /**
     * Account-based endpoints (DynamoDB): "preferred" (the default: used when the
     * credentials carry an account id), "disabled" or "required"; NULL means
     * AWS_ACCOUNT_ID_ENDPOINT_MODE, else the profile's account_id_endpoint_mode.
     */
    const char *account_id_endpoint_mode;
    /** The account of the explicit access_key_id above, for account-based endpoints; NULL: none. */
    const char *account_id;
    /**
     * Asks for the current code of the MFA device `serial` (a role profile's
     * mfa_serial): writes it, NUL-terminated, into `code` and returns 0, or returns
     * non-zero to give up. NULL: such profiles fail with an error that says so.
     * The awsc CLI reads the code from the terminal.
     */
    int (*mfa_code)(void *user, const char *serial, char *code, size_t cap);
    void *mfa_user;
    /**
     * The token of services with smithy.api#httpBearerAuth (CodeCatalyst,
     * Bedrock API keys), sent as `Authorization: Bearer <token>`. NULL means
     * AWS_BEARER_TOKEN_<SIGNING NAME> (AWS_BEARER_TOKEN_BEDROCK), else the
     * profile's sso_session token through awsc_config.sso.
     */
    const char *bearer_token;
    /**
     * The schemes to prefer when an operation offers several, most wanted
     * first: "sigv4a,sigv4", "httpBearerAuth". NULL means
     * AWS_AUTH_SCHEME_PREFERENCE, else the profile's auth_scheme_preference,
     * else the model's order. Names the operation does not offer are ignored.
     */
    const char *auth_scheme_preference;
} awsc_config;

#define AWSC_CONFIG_INIT {0}

/** Bytes; `data == NULL` means absent. An empty blob has non-NULL data and len 0. */
typedef struct awsc_blob {
    const uint8_t *data;
    size_t len;
} awsc_blob;

/**
 * A streamed body (a `@streaming` blob member). In a request, give either
 * `data`/`len` (a buffer) or `read`, which is called until it returns 0 (the
 * end) or -1 (an error that fails the call); with `read`, `length` is the
 * total size when known, else -1 (sent chunked). A `rewind` callback (return
 * 0 on success) lets the SDK read the body twice, to sign it, and again on a
 * retry; without one, only operations that allow an unsigned payload accept a
 * `read` stream, and such a call is not retried. In a response, the body is in
 * `data`/`len`, unless the call was given a sink (see the operation's
 * `_to_sink` function), which then received it.
 */
typedef struct awsc_stream {
    const uint8_t *data;
    size_t len;
    long (*read)(void *user, uint8_t *buf, size_t cap);
    int (*rewind)(void *user);
    void *user;
    int64_t length;
} awsc_stream;

/** Receives a streamed response body piece by piece; return non-zero to abort the call. */
typedef int (*awsc_sink_fn)(void *user, const uint8_t *data, size_t len);

/** A point in time: seconds since the Unix epoch plus nanoseconds. */
typedef struct awsc_timestamp {
    int64_t seconds;
    uint32_t nanos;
} awsc_timestamp;

/** Frees a generated operation's output and everything it points to. NULL is a no-op. */
AWSC_API void awsc_output_free(void *output);

/** What a successful call took, kept with its output. */
typedef struct awsc_call_metadata {
    const char *request_id; /**< x-amzn-requestid (S3: x-amz-request-id), or NULL */
    long http_status;
    int attempts;
    long retry_delay_ms;
    const char *extended_request_id; /**< S3's x-amz-id-2, or NULL: S3 support asks for both ids */
    const char *cf_id;               /**< x-amz-cf-id of a response through CloudFront, or NULL */
} awsc_call_metadata;

/** The metadata of a generated operation's output (NULL for NULL). */
AWSC_API const awsc_call_metadata *awsc_output_metadata(const void *output);

#ifdef __cplusplus
}
#endif
#endif
