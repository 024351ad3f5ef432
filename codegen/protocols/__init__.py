"""Protocol layer: one module per Smithy protocol trait.

A protocol object has: `trait`, `name`, `codec` (the runtime awsc_codec it uses), optionally
`codec_header` (the public header declaring a codec outside schema.h, e.g. "awsc/xml.h"),
`content_type`, `honors_json_name`, and methods `http(op)` -> (method, uri, code),
`target(service, op)`, `binding(member)` -> (binding, wire name), `check_operation(model, op)`,
`member_extras(model, member, context)` -> dict with optional keys "wire" (overrides the
wire name), "flags" (extra AWSC_F_* names), "xml_namespace", "query_name", and
`shape_extras(model, shape)` -> dict with optional "xml_name", "xml_namespace", "error_code"
(all C string values; absent or None = not emitted). JSON protocols inherit the empty
defaults from NoExtras.
"""

from ..errors import GenerationError
from .awsjson import AwsJson
from .awsquery import AwsQuery, Ec2Query
from .restjson1 import RestJson1
from .restxml import RestXml
from .rpcv2cbor import RpcV2Cbor, RpcV2Json

# A service that offers several protocols gets the first of this order that it
# offers: the order of the AWS SDK for JavaScript v3 (and botocore), which
# prefer JSON to CBOR (CloudWatch offers awsJson1_0, awsQuery and rpcv2Cbor:
# @aws-sdk/client-cloudwatch sends awsJson1_0), and CBOR to the query protocols
# (rpcv2Json, which no AWS model offers yet, sits with the JSON ones).
# `python3 -m codegen --protocol rpcv2Cbor` (or AWSC_SERVICE_PROTOCOLS in
# CMake) picks another one the model offers.
PROTOCOLS = {p.trait: p for p in (RestJson1(), RestXml(), AwsJson("1_0"), AwsJson("1_1"), RpcV2Json(), RpcV2Cbor(),
                                  AwsQuery(), Ec2Query())}


def protocol_for(service, override=None):
    """The protocol to generate `service` with; `override` names one it offers ('rpcv2Cbor', 'awsJson1_0')."""
    if override:
        offered = [p for t, p in PROTOCOLS.items() if t in service.traits]
        for proto in offered:
            if override in (proto.name, proto.trait):
                return proto
        raise GenerationError(f"{service.id}: protocol '{override}' is not one the model offers "
                              f"({', '.join(p.name for p in offered) or 'none supported'})")
    for trait, proto in PROTOCOLS.items():
        if trait in service.traits:
            return proto
    declared = [t for t in service.traits if t.startswith(("aws.protocols#", "smithy.protocols#"))]
    raise GenerationError(f"{service.id}: protocol {', '.join(declared) or '(none)'} is not supported yet "
                          f"(supported: {', '.join(PROTOCOLS)})")
