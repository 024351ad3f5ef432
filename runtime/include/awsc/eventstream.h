/**
 * @file eventstream.h
 * The `application/vnd.amazon.eventstream` framing in its own library
 * (libawsc-eventstream, which needs zlib for CRC32), so that programs whose
 * services stream no events carry none of it: messages of typed headers and
 * a payload, each with a prelude CRC and a message CRC. An incremental
 * decoder takes bytes in any chunking (as libcurl hands them over) and calls
 * back once per complete, verified message; an encoder writes one message.
 *
 * Generated services with event-stream operations include this header and
 * link awsc-eventstream; their typed wrappers call awsc_client_invoke_events.
 */
#ifndef AWSC_EVENTSTREAM_H
#define AWSC_EVENTSTREAM_H

#include "awsc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The engine an event-stream operation's awsc_event_stream points at. */
AWSC_API extern const awsc_event_engine awsc_event_streams;

/** Header value types, as their wire indicator. */
typedef enum awsc_es_type {
    AWSC_ES_TRUE = 0,
    AWSC_ES_FALSE = 1,
    AWSC_ES_BYTE = 2,
    AWSC_ES_SHORT = 3,
    AWSC_ES_INT = 4,
    AWSC_ES_LONG = 5,
    AWSC_ES_BYTES = 6,
    AWSC_ES_STRING = 7,
    AWSC_ES_TIMESTAMP = 8, /**< milliseconds since the epoch, in `i` */
    AWSC_ES_UUID = 9       /**< 16 bytes at `bytes` */
} awsc_es_type;

/**
 * One header. Names and string values are NOT NUL-terminated: they are
 * `name_len` / `len` bytes (decoded ones point into the message).
 */
typedef struct awsc_es_header {
    const char *name;
    uint8_t name_len;     /**< 1..255 */
    uint8_t type;         /**< awsc_es_type */
    uint16_t len;         /**< bytes at `bytes` (AWSC_ES_BYTES, AWSC_ES_STRING; 16 for AWSC_ES_UUID) */
    int64_t i;            /**< the integer or timestamp value (bools: 1 / 0) */
    const uint8_t *bytes; /**< byte array, string or UUID value */
} awsc_es_header;

/** One message: its headers in wire order and its payload. */
typedef struct awsc_es_message {
    const awsc_es_header *headers;
    size_t header_count;
    const uint8_t *payload;
    size_t payload_len;
} awsc_es_message;

/** The header named `name` (a C string), or NULL. */
AWSC_API const awsc_es_header *awsc_es_find(const awsc_es_message *m, const char *name);
/** True when `m` has a string header `name` whose value is exactly `value`. */
AWSC_API bool awsc_es_string_is(const awsc_es_message *m, const char *name, const char *value);

/** The largest message the framing allows: a 24 MiB payload, 128 KiB of headers and 16 bytes of framing. */
#define AWSC_ES_MAX_MESSAGE ((size_t)25165824 + 131072 + 16)
/** At most this many headers per message (a message that has more is refused). */
#define AWSC_ES_MAX_HEADERS 1024

/**
 * Receives one verified message; the message and what it points to are valid
 * during the call only. Return 0 to go on, non-zero to stop the decoder.
 */
typedef int (*awsc_es_message_fn)(void *user, const awsc_es_message *msg);

typedef struct awsc_es_decoder awsc_es_decoder;

/**
 * A decoder refusing messages larger than `max_message` bytes (0: AWSC_ES_MAX_MESSAGE).
 * NULL when out of memory.
 */
AWSC_API awsc_es_decoder *awsc_es_decoder_new(size_t max_message, awsc_es_message_fn on_message, void *user);
AWSC_API void awsc_es_decoder_free(awsc_es_decoder *d);

/**
 * Feeds the next `len` bytes of the stream, split anywhere. Calls on_message
 * for every message they complete. Returns AWSC_OK; AWSC_E_RESPONSE (err says
 * why) for a malformed frame (bad CRC, impossible lengths, unknown header
 * type, duplicate header); AWSC_E_NOMEM; or 1 when on_message asked to stop.
 * After anything but AWSC_OK the decoder refuses further bytes.
 */
AWSC_API int awsc_es_decoder_feed(awsc_es_decoder *d, const uint8_t *data, size_t len, awsc_error *err);

/** The stream ended: AWSC_OK, or AWSC_E_RESPONSE when it stopped inside a message. */
AWSC_API int awsc_es_decoder_finish(awsc_es_decoder *d, awsc_error *err);

/** Messages decoded so far. */
AWSC_API uint64_t awsc_es_decoder_count(const awsc_es_decoder *d);

/**
 * Encodes `m` into a new malloc'd buffer (*out, *out_len; free it). Returns
 * AWSC_OK, AWSC_E_VALIDATION for what the framing cannot carry (an empty
 * name, a value over 32767 bytes, duplicate names, an oversized message),
 * or AWSC_E_NOMEM.
 */
AWSC_API int awsc_es_encode(const awsc_es_message *m, uint8_t **out, size_t *out_len, awsc_error *err);

/* ---- input streams: SigV4 per message ---- */

/** What signs an input stream's messages: the credentials' secret and the request's scope. */
typedef struct awsc_es_signing {
    const char *secret_access_key;
    const char *region;
    const char *service; /**< the SigV4 signing name */
} awsc_es_signing;

/**
 * The SigV4 signature (64 hex digits) of one event: `headers` are the encoded
 * non-signature headers of the outer message (its `:date`), `payload` the
 * encoded inner message, `prior_signature` the previous message's signature
 * (the request's own for the first). AWSC_OK, or AWSC_E_CONFIG / AWSC_E_VALIDATION.
 */
AWSC_API int awsc_es_signature(const awsc_es_signing *s, int64_t time_ms, const char *prior_signature,
                               const uint8_t *headers, size_t headers_len, const uint8_t *payload, size_t payload_len,
                               char out[65], awsc_error *err);

/**
 * Wraps an encoded message into its signed outer message (`:date` = time_ms,
 * `:chunk-signature`), malloc'd into *out; `signature` receives the hex
 * signature, the next message's prior.
 */
AWSC_API int awsc_es_sign_message(const awsc_es_signing *s, int64_t time_ms, const char *prior_signature,
                                  const uint8_t *message, size_t message_len, uint8_t **out, size_t *out_len,
                                  char signature[65], awsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
