"""smithy.protocols#rpcv2Cbor (Smithy RPC v2 CBOR): every call is a POST to
/service/{ServiceName}/operation/{OperationName} with `smithy-protocol:
rpc-v2-cbor` and the input as one CBOR map keyed by member names (HTTP binding
traits and jsonName do not apply). The codec lives in libawsc-cbor."""

from .base import NoExtras


class RpcV2Cbor(NoExtras):
    trait = "smithy.protocols#rpcv2Cbor"
    name = "rpcv2Cbor"
    content_type = "application/cbor"
    honors_json_name = False
    codec = "awsc_codec_rpcv2_cbor"
    codec_header = "awsc/cbor.h"

    def __init__(self):
        self._service = None

    def binding(self, member):
        return "BODY", member.name

    def check_operation(self, model, op):
        # Documents, which the protocol cannot carry, fail at run time with a clear error.
        return {}

    def http(self, op):
        # The service's name is known through target(); the path needs it too.
        return "POST", None, 200

    def uri(self, service, op):
        return f"/service/{service.name}/operation/{op.name}"

    def target(self, service, op):
        return None


class RpcV2Json(RpcV2Cbor):
    """smithy.protocols#rpcv2Json: the same calls with a JSON body (`smithy-protocol: rpc-v2-json`),
    timestamps always epoch seconds whatever @timestampFormat says. The codec is the core runtime's."""
    trait = "smithy.protocols#rpcv2Json"
    name = "rpcv2Json"
    content_type = "application/json"
    codec = "awsc_codec_rpcv2_json"
    codec_header = None
    ignores_timestamp_format = True

    def member_extras(self, model, member, context):
        # Big numbers travel as JSON strings, so that no digit is lost to a double.
        if model.target(member).type in ("bigInteger", "bigDecimal"):
            return {"flags": ["AWSC_F_BIG_AS_STRING"]}
        return {}
