"""restJson1: HTTP binding traits place members; the rest is a JSON body."""

import re

from ..errors import GenerationError
from .base import NoExtras

_LABEL = re.compile(r"\{([^}]+)\}")


class RestJson1(NoExtras):
    trait = "aws.protocols#restJson1"
    name = "restJson1"
    honors_json_name = True
    content_type = None
    codec = "awsc_codec_rest_json"

    def http(self, op):
        t = op.traits["smithy.api#http"]
        return t["method"], t["uri"], t.get("code", 200)

    def target(self, service, op):
        return None

    def binding(self, member):
        """(binding, wire name) of a member of an operation's input, output or error structure."""
        t = member.traits
        if "smithy.api#httpLabel" in t:
            return "LABEL", member.name
        if "smithy.api#httpQuery" in t:
            return "QUERY", t["smithy.api#httpQuery"]
        if "smithy.api#httpQueryParams" in t:
            return "QUERY_PARAMS", member.name
        if "smithy.api#httpHeader" in t:
            return "HEADER", t["smithy.api#httpHeader"]
        if "smithy.api#httpPrefixHeaders" in t:
            return "PREFIX_HEADERS", t["smithy.api#httpPrefixHeaders"]
        if "smithy.api#httpPayload" in t:
            return "PAYLOAD", t.get("smithy.api#jsonName", member.name)
        if "smithy.api#httpResponseCode" in t:
            return "RESPONSE_CODE", member.name
        return "BODY", t.get("smithy.api#jsonName", member.name)

    def check_operation(self, model, op):
        """The http trait exists and every {label} in its URI names an httpLabel member."""
        http = op.traits.get("smithy.api#http")
        if not http:
            raise GenerationError(f"{op.id}: {self.name} operation has no smithy.api#http trait")
        path = http["uri"].split("?", 1)[0]
        labels = {}
        for name in _LABEL.findall(path):
            greedy = name.endswith("+")
            labels[name.rstrip("+")] = greedy
        input_ref = op.node.get("input", {}).get("target", "smithy.api#Unit")
        members = {m.name: m for m in model.get(input_ref).members}
        for name in labels:
            m = members.get(name)
            if m is None or "smithy.api#httpLabel" not in m.traits:
                raise GenerationError(f"{op.id}: URI label '{{{name}}}' has no httpLabel member in {input_ref}")
        for m in members.values():
            if "smithy.api#httpLabel" in m.traits and m.name not in labels:
                raise GenerationError(f"{input_ref}${m.name}: httpLabel member is not in the URI {http['uri']}")
        return labels
