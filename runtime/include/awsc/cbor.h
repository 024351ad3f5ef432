/**
 * @file cbor.h
 * The Smithy RPC v2 CBOR protocol's body codec, in its own library
 * (libawsc-cbor) so that JSON-only programs carry no CBOR code. Generated
 * services of this protocol include this header and link awsc-cbor.
 */
#ifndef AWSC_CBOR_PUBLIC_H
#define AWSC_CBOR_PUBLIC_H

#include "awsc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * smithy.protocols#rpcv2Cbor: POST /service/{Service}/operation/{Operation},
 * `smithy-protocol: rpc-v2-cbor`, CBOR bodies, errors named by `__type`.
 */
AWSC_API extern const awsc_codec awsc_codec_rpcv2_cbor;

#ifdef __cplusplus
}
#endif
#endif
