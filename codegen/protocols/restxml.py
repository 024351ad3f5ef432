"""restXml: HTTP bindings as restJson1; the body is XML, named by @xmlName, with @xmlNamespace etc."""

from .restjson1 import RestJson1

XML_NAME = "smithy.api#xmlName"
XML_NAMESPACE = "smithy.api#xmlNamespace"
# Traits that bind a member outside the body: their wire name is the header/query/label name.
_HTTP_BINDINGS = ("smithy.api#httpLabel", "smithy.api#httpQuery", "smithy.api#httpQueryParams",
                  "smithy.api#httpHeader", "smithy.api#httpPrefixHeaders", "smithy.api#httpResponseCode")


def xmlns_attribute(trait):
    """{"uri": u, "prefix": p} -> ' xmlns:p="u"' (or ' xmlns="u"'): written as is on the element."""
    if not trait:
        return None
    uri = (trait["uri"].replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;"))
    prefix = trait.get("prefix")
    return f' xmlns{":" + prefix if prefix else ""}="{uri}"'


class RestXml(RestJson1):
    trait = "aws.protocols#restXml"
    name = "restXml"
    honors_json_name = False
    codec = "awsc_codec_rest_xml"
    codec_header = "awsc/xml.h"  # declares the codec; the service then links awsc-xml

    def binding(self, member):
        binding, wire = super().binding(member)
        if binding in ("BODY", "PAYLOAD"):
            wire = self._element_name(member)
        return binding, wire

    def _element_name(self, member):
        return member.traits.get(XML_NAME, member.name)

    def member_extras(self, model, member, context):
        t = member.traits
        out = {"flags": [], "xml_namespace": xmlns_attribute(t.get(XML_NAMESPACE))}
        if "smithy.api#xmlAttribute" in t:
            out["flags"].append("AWSC_F_XML_ATTRIBUTE")
        if "smithy.api#xmlFlattened" in t:
            out["flags"].append("AWSC_F_XML_FLATTENED")
        if "smithy.api#httpPayload" in t:
            # A structure or union payload is the whole body: its element is named by the
            # member's @xmlName, else the target's, else the target's shape name.
            target = model.target(member)
            out["wire"] = t.get(XML_NAME) or target.traits.get(XML_NAME) or target.name
        elif not any(b in t for b in _HTTP_BINDINGS):
            out["wire"] = self._element_name(member)
        return out

    def shape_extras(self, model, shape):
        if shape.type != "structure":
            return {}
        ns = shape.traits.get(XML_NAMESPACE) or self._service_namespace(model, shape)
        return {"xml_name": shape.traits.get(XML_NAME), "xml_namespace": xmlns_attribute(ns)}

    def _service_xmlns(self, model):
        for sid in model.services():
            ns = model.get(sid).traits.get(XML_NAMESPACE)
            if ns:
                return ns
        return None

    def _service_namespace(self, model, shape):
        """The service's @xmlNamespace, for the structures that are a request's root element: an operation's
        input, or the target of its input's structure or union @httpPayload (S3's DeleteObjects sends
        `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`, as the AWS SDKs do). A shape's namespace
        is only written on a root element, so a payload target also nested elsewhere is unaffected there."""
        cache = getattr(model, "_restxml_input_ns", None)
        if cache is None:
            cache = {}
            for sid in model.services():
                svc = model.get(sid)
                ns = svc.traits.get(XML_NAMESPACE)
                if not ns:
                    continue
                for op in model.operations(svc):
                    ref = op.node.get("input", {}).get("target")
                    if not ref:
                        continue
                    cache[ref] = ns
                    for member in model.get(ref).members:
                        if "smithy.api#httpPayload" in member.traits:
                            target = model.target(member)
                            if target.type in ("structure", "union"):
                                cache.setdefault(target.id, ns)
            model._restxml_input_ns = cache
        return cache.get(shape.id)
