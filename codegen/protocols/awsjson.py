"""awsJson1_0 / awsJson1_1: every call is a POST to / naming its operation in
X-Amz-Target; every member travels in the JSON body under its own name (HTTP
binding traits and jsonName do not apply)."""

from .base import NoExtras


class AwsJson(NoExtras):
    def __init__(self, version):
        self.trait = f"aws.protocols#awsJson{version}"
        self.name = f"awsJson{version}"
        self.content_type = "application/x-amz-json-" + version.replace("_", ".")
        self.honors_json_name = False
        self.codec = "awsc_codec_aws_json"

    def binding(self, member):
        return "BODY", member.name

    def check_operation(self, model, op):
        return {}

    def http(self, op):
        return "POST", "/", 200

    def target(self, service, op):
        return f"{service.name}.{op.name}"
