"""AWS managed job templates (CreateJob with jobTemplateArn + documentParameters).

The documents follow what the AWS IoT developer guide describes for each managed template
("Managed template remote actions and job documents"): Device Client schema 1.0, one
runHandler step per template naming the handler the Device Client ships
(sample-job-handlers/), and AWS-Run-Command as a runCommand step. Parameters are
`${aws:iot:parameter:NAME}` placeholders, substituted as JSON string contents. Written for
the emulator from that description, not copied from the service; the service's own
documents may carry more parameters.
"""

import json
import re

# name -> (the document's steps as (action name, type, input), parameters the caller must give)
_USER = "${aws:iot:parameter:runAsUser}"
_PATH = "${aws:iot:parameter:pathToHandler}"


def _handler(name, handler, args=()):
    return {"action": {"name": name, "type": "runHandler",
                       "input": {"handler": handler, "args": list(args), "path": _PATH},
                       "runAsUser": _USER}}


TEMPLATES = {
    "AWS-Download-File": ([_handler("Download-File", "download-file.sh",
                                    ["${aws:iot:parameter:downloadUrl}", "${aws:iot:parameter:filePath}"])],
                          ("downloadUrl", "filePath")),
    "AWS-Install-Application": ([_handler("Install-Application", "install-packages.sh",
                                          ["${aws:iot:parameter:packages}"])], ("packages",)),
    "AWS-Reboot": ([_handler("Reboot", "reboot.sh")], ()),
    "AWS-Remove-Application": ([_handler("Remove-Application", "remove-packages.sh",
                                         ["${aws:iot:parameter:packages}"])], ("packages",)),
    "AWS-Restart-Application": ([_handler("Restart-Application", "restart-services.sh",
                                          ["${aws:iot:parameter:services}"])], ("services",)),
    "AWS-Start-Application": ([_handler("Start-Application", "start-services.sh",
                                        ["${aws:iot:parameter:services}"])], ("services",)),
    "AWS-Stop-Application": ([_handler("Stop-Application", "stop-services.sh",
                                       ["${aws:iot:parameter:services}"])], ("services",)),
    "AWS-Run-Command": ([{"action": {"name": "Run-Command", "type": "runCommand",
                                     "input": {"command": "${aws:iot:parameter:command}"},
                                     "runAsUser": _USER}}], ("command",)),
}
# Optional everywhere: empty means the agent's user and its default handler directory.
DEFAULTS = {"runAsUser": "", "pathToHandler": "default"}
ARN_RE = re.compile(r"^arn:aws:iot:([a-z0-9-]+)::jobtemplate/([A-Za-z0-9-]+):([0-9.]+)$")
PLACEHOLDER = re.compile(r"\$\{aws:iot:parameter:([A-Za-z0-9_]+)\}")


class TemplateError(ValueError):
    """status, error type, message."""

    def __init__(self, status, name, message):
        super().__init__(message)
        self.status, self.name, self.message = status, name, message


def render(arn, params, region):
    """The job document (JSON text) of a managed template ARN with its parameters."""
    m = ARN_RE.match(arn or "")
    if not m or m.group(1) != region:
        raise TemplateError(400, "InvalidRequestException",
                            "jobTemplateArn must be arn:aws:iot:%s::jobtemplate/NAME:VERSION." % region)
    name, version = m.group(2), m.group(3)
    if name not in TEMPLATES or version != "1.0":
        raise TemplateError(404, "ResourceNotFoundException",
                            "Managed job template %s:%s does not exist." % (name, version))
    steps, required = TEMPLATES[name]
    if params is None:
        params = {}
    if not isinstance(params, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in params.items()):
        raise TemplateError(400, "InvalidRequestException", "documentParameters must map names to strings.")
    allowed = set(required) | set(DEFAULTS)
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise TemplateError(400, "InvalidRequestException",
                            "%s does not take the parameter(s) %s." % (name, ", ".join(unknown)))
    missing = [p for p in required if not params.get(p)]
    if missing:
        raise TemplateError(400, "InvalidRequestException",
                            "%s needs the parameter(s) %s." % (name, ", ".join(missing)))
    values = dict(DEFAULTS, **params)
    text = json.dumps({"version": "1.0", "steps": steps})
    # each placeholder sits inside a JSON string: substitute the escaped contents
    return PLACEHOLDER.sub(lambda mm: json.dumps(values[mm.group(1)])[1:-1], text)
