"""Protocol layer: one module per Smithy protocol trait."""

from ..errors import GenerationError
from .awsjson import AwsJson
from .restjson1 import RestJson1

PROTOCOLS = {p.trait: p for p in (RestJson1(), AwsJson("1_0"), AwsJson("1_1"))}


def protocol_for(service):
    for trait, proto in PROTOCOLS.items():
        if trait in service.traits:
            return proto
    declared = [t for t in service.traits if t.startswith("aws.protocols#")]
    raise GenerationError(f"{service.id}: protocol {', '.join(declared) or '(none)'} is not supported yet "
                          f"(supported: {', '.join(PROTOCOLS)})")
