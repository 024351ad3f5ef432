"""awsQuery and ec2Query: every call is a form-encoded POST to / that starts with
Action=<operation>&Version=<API version>; the response is XML.

Both send every input member in the body (HTTP binding traits do not apply).
Responses and errors are XML read by the names restXml uses (xmlName, else the
member name; "member", "key", "value" inside lists and maps). The request keys
differ: awsQuery uses those same names, ec2Query its own (ec2QueryName, else
xmlName or the member name with the first letter upper-cased), which the
descriptor carries in query_name when it differs from the XML name.
"""

from urllib.parse import quote

from ..errors import GenerationError

XML_NAME = "smithy.api#xmlName"
FLATTENED = "smithy.api#xmlFlattened"
ATTRIBUTE = "smithy.api#xmlAttribute"
EC2_NAME = "aws.protocols#ec2QueryName"
QUERY_ERROR = "aws.protocols#awsQueryError"


def _form(text):
    """Form-encodes one key or value: unreserved characters stay, all else is %XX."""
    return quote(text, safe="-_.~")


def _upper_first(name):
    return name[:1].upper() + name[1:]


class AwsQuery:
    trait = "aws.protocols#awsQuery"
    name = "awsQuery"
    codec = "awsc_codec_aws_query"
    codec_header = "awsc/xml.h"
    content_type = "application/x-www-form-urlencoded"
    honors_json_name = False

    def http(self, op):
        return "POST", "/", 200

    def target(self, service, op):
        """The pre-encoded start of every request body."""
        version = service.node.get("version")
        if not version:
            raise GenerationError(f"{service.id}: {self.name} needs the service's API version")
        return f"Action={_form(op.name)}&Version={_form(version)}"

    def binding(self, member):
        return "BODY", self.xml_name(member)

    def check_operation(self, model, op):
        return {}

    @staticmethod
    def xml_name(member):
        """The element name in responses; list members default to "member", map entries to "key"/"value"."""
        return member.traits.get(XML_NAME, member.name)

    def query_key(self, member):
        """The request key of a structure member (None: the same as its XML name)."""
        return None

    def member_extras(self, model, member, context):
        extras = {"wire": self.xml_name(member)}
        flags = []
        if FLATTENED in member.traits:
            flags.append("AWSC_F_XML_FLATTENED")
        if ATTRIBUTE in member.traits:
            flags.append("AWSC_F_XML_ATTRIBUTE")
        if flags:
            extras["flags"] = flags
        if context in ("member", "variant"):
            key = self.query_key(member)
            if key is not None and key != extras["wire"]:
                extras["query_name"] = key
        return extras

    def shape_extras(self, model, shape):
        code = shape.traits.get(QUERY_ERROR, {}).get("code")
        return {"error_code": code} if code else {}


class Ec2Query(AwsQuery):
    trait = "aws.protocols#ec2Query"
    name = "ec2Query"
    codec = "awsc_codec_ec2_query"

    def query_key(self, member):
        t = member.traits
        if EC2_NAME in t:
            return t[EC2_NAME]
        return _upper_first(t.get(XML_NAME, member.name))
