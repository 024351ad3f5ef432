/* Event-stream inputs (input.c): the request body as the caller's events, signed one by one. */
#ifndef AWSC_EVENTSTREAM_INPUT_H
#define AWSC_EVENTSTREAM_INPUT_H

#include "awsc/eventstream.h"
#include "core/events.h"

typedef struct awsc_event_input awsc_event_input;

/* Makes k->req.stream the encoder of `source`'s events (*out: free it with awsc_event_input_free, even on failure). */
int awsc_event_input_begin(awsc_call *k, awsc_event_source_fn source, void *user, awsc_event_input **out,
                           awsc_error *err);
/* True once the source was asked for an event: the call must not be repeated. */
bool awsc_event_input_started(const awsc_event_input *in);
/* What ended the input stream (moved into err), or AWSC_OK. */
int awsc_event_input_failure(awsc_event_input *in, awsc_error *err);
void awsc_event_input_free(awsc_event_input *in);

#endif
