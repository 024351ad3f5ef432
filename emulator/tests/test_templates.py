"""CreateJob from AWS managed job templates (jobTemplateArn + documentParameters)."""
import json

from emulator.tests._client import CONTROL, REGION, EmulatorTestCase, thing_arn

ARN = "arn:aws:iot:%s::jobtemplate/%%s:1.0" % REGION


class TemplatesTest(EmulatorTestCase):
    def create(self, job, template, params=None, **extra):
        body = {"targets": [thing_arn("t")], "jobTemplateArn": ARN % template, **extra}
        if params is not None:
            body["documentParameters"] = params
        return self.client.call("PUT", "/jobs/" + job, body, "", CONTROL)

    def document(self, job):
        return json.loads(self.ok("GET", "/jobs/%s/job-document" % job, service=CONTROL)["document"])

    def test_run_command_substitutes_parameters(self):
        status, _, payload = self.create("j", "AWS-Run-Command",
                                         {"command": 'echo,say "hi"\\,there', "runAsUser": "nobody"})
        self.assertEqual(status, 200, payload)
        doc = self.document("j")
        self.assertEqual(doc["version"], "1.0")
        action = doc["steps"][0]["action"]
        self.assertEqual(action["type"], "runCommand")
        self.assertEqual(action["input"]["command"], 'echo,say "hi"\\,there')
        self.assertEqual(action["runAsUser"], "nobody")
        # the device sees the same document
        pending = self.ok("PUT", "/things/t/jobs/$next", {})
        self.assertEqual(json.loads(pending["execution"]["jobDocument"]), doc)
        # DescribeJob names the template and its parameters, as AWS IoT does
        job = self.ok("GET", "/jobs/j", service=CONTROL)["job"]
        self.assertEqual(job["jobTemplateArn"], ARN % "AWS-Run-Command")
        self.assertEqual(job["documentParameters"], {"command": 'echo,say "hi"\\,there', "runAsUser": "nobody"})

    def test_every_managed_template(self):
        params = {"AWS-Download-File": {"downloadUrl": "https://example.com/f", "filePath": "/tmp/f"},
                  "AWS-Install-Application": {"packages": "a b"},
                  "AWS-Remove-Application": {"packages": "a"},
                  "AWS-Restart-Application": {"services": "s"},
                  "AWS-Start-Application": {"services": "s"},
                  "AWS-Stop-Application": {"services": "s"},
                  "AWS-Reboot": {},
                  "AWS-Run-Command": {"command": "true"}}
        for i, (name, p) in enumerate(sorted(params.items())):
            status, _, payload = self.create("j%d" % i, name, p)
            self.assertEqual(status, 200, (name, payload))
            doc = self.document("j%d" % i)
            self.assertNotIn("${aws:iot:parameter:", json.dumps(doc), name)
            action = doc["steps"][0]["action"]
            if action["type"] == "runHandler":
                self.assertEqual(action["input"]["path"], "default")
                self.assertEqual(action["runAsUser"], "")
        self.assertEqual(self.document("j0")["steps"][0]["action"]["input"]["args"],
                         ["https://example.com/f", "/tmp/f"])
        self.assertEqual(self.document("j2")["steps"][0]["action"]["input"]["handler"], "reboot.sh")

    def test_errors(self):
        self.assertEqual(self.create("a", "AWS-Nope", {})[0], 404)
        status, headers, _ = self.create("b", "AWS-Run-Command", {})
        self.assertEqual((status, headers.get("x-amzn-errortype")), (400, "InvalidRequestException"))
        self.assertEqual(self.create("c", "AWS-Run-Command", {"command": "x", "other": "y"})[0], 400)
        self.assertEqual(self.create("d", "AWS-Run-Command", {"command": "x"}, document="{}")[0], 400)
        self.assertEqual(self.create("e", "AWS-Run-Command", {"command": 1})[0], 400)
        body = {"targets": [thing_arn("t")], "document": "{}", "documentParameters": {"a": "b"}}
        self.assertEqual(self.client.call("PUT", "/jobs/f", body, "", CONTROL)[0], 400)
        body = {"targets": [thing_arn("t")], "jobTemplateArn": "arn:aws:iot:eu-west-1::jobtemplate/AWS-Reboot:1.0"}
        self.assertEqual(self.client.call("PUT", "/jobs/g", body, "", CONTROL)[0], 400)
