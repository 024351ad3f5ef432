/*
 * Event-stream outputs as the client calls them: through the operation's
 * awsc_event_stream.engine only, so that a program none of whose operations
 * streams events links none of this (nor zlib).
 */
#ifndef AWSC_EVENTS_H
#define AWSC_EVENTS_H

#include "core/client_internal.h"

/* What the client lends the engine: parsing a response's bound headers into the output structure. */
typedef int (*awsc_event_parse_fn)(const awsc_operation *op, const awsc_http_response *resp, void **output,
                                   awsc_error *err);

/*
 * The engine lives in libawsc-eventstream (with zlib), beside the runtime as
 * libawsc-checksums is; it reaches the runtime only through what that library
 * may use too (util, scalar.c, the codecs' tables) and what the client lends it.
 */
struct awsc_event_engine {
    /*
     * After the input is serialized, before the first attempt: sets k->events
     * and makes k->sink / k->sink_user the stream's decoder, which reads the
     * initial response from k->resp's headers at the first byte of the body.
     * With an input stream (`source`, op->event_stream->input_events) it also
     * makes k->req.stream the encoder of the caller's events (the request
     * carries STREAMING-AWS4-HMAC-SHA256-EVENTS: call_begin set that).
     */
    int (*begin)(awsc_call *k, awsc_event_source_fn source, awsc_event_fn on_event, void *user,
                 awsc_event_parse_fn parse, awsc_error *err);
    /* True once any byte of the stream arrived, or an input event was asked for: the call must not be repeated. */
    bool (*started)(const awsc_call *k);
    /*
     * An attempt that got a 2xx response, or failed after its stream started
     * (`rc` what the exchange returned): the call's result, with *output the
     * initial response on AWSC_OK.
     */
    int (*finish)(awsc_call *k, int rc, const awsc_http_response *resp, void **output, awsc_error *err);
    /* Frees what begin set up. */
    void (*end)(awsc_call *k);
};

#endif
