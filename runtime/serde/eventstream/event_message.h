/*
 * One event of an operation's @streaming union as one message, and back: the
 * step of input.c (before signing) and of events.c (after the framing decoder)
 * that the event-stream compliance cases (tests/protocol/eventstream_harness.c)
 * check on their own.
 */
#ifndef AWSC_EVENTSTREAM_EVENT_MESSAGE_H
#define AWSC_EVENTSTREAM_EVENT_MESSAGE_H

#include "awsc/eventstream.h"
#include "util/arena.h"

/*
 * Encodes `event`, a filled input union of `op` (its tag set), as one unsigned
 * message, malloc'd into *out. An error member of `svc` goes as an exception
 * message. AWSC_OK, AWSC_E_VALIDATION (err says why) or AWSC_E_NOMEM.
 */
int awsc_es_encode_event(const awsc_service *svc, const awsc_operation *op, const void *event, awsc_arena *arena,
                         uint8_t **out, size_t *out_len, awsc_error *err);

/*
 * Decodes message `m` into `event`, a zeroed output union of `op` allocated in
 * `arena` (which holds what it points to; a blob payload points into `m`):
 * AWSC_OK for an event (tag -1: one this SDK does not know); AWSC_E_SERVICE
 * with err as the typed error (err->modeled, err->detail) for an exception or
 * an error message; AWSC_E_RESPONSE for a malformed message; AWSC_E_NOMEM.
 * The initial-response event of RPC protocols is the caller's to handle.
 */
int awsc_es_decode_event(const awsc_service *svc, const awsc_operation *op, const awsc_es_message *m,
                         awsc_arena *arena, void *event, awsc_error *err);

#endif
