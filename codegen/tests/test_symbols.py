import unittest

from codegen.errors import GenerationError
from codegen.symbols import Symbols, field, kebab, service_names, snake


class Shape:
    def __init__(self, name):
        self.name = name
        self.id = "example#" + name
        self.members = []


class SnakeCase(unittest.TestCase):
    def test_camel_and_pascal(self):
        self.assertEqual(snake("thingName"), "thing_name")
        self.assertEqual(snake("JobExecutionSummary"), "job_execution_summary")
        self.assertEqual(snake("includeJobExecutionState"), "include_job_execution_state")

    def test_acronyms(self):
        self.assertEqual(snake("HTTPResponseCode"), "http_response_code")
        self.assertEqual(snake("BIN"), "bin")
        self.assertEqual(snake("UL"), "ul")
        self.assertEqual(snake("targetArn"), "target_arn")
        self.assertEqual(snake("SSEKMSKeyId"), "ssekms_key_id")

    def test_digits_and_separators(self):
        self.assertEqual(snake("iot-jobs-data"), "iot_jobs_data")
        self.assertEqual(snake("Ec2Instance"), "ec2_instance")
        self.assertEqual(snake("md5Checksum"), "md5_checksum")

    def test_keywords_are_escaped(self):
        self.assertEqual(field("default"), "default_")
        self.assertEqual(field("type"), "type")
        self.assertEqual(field("Int"), "int_")

    def test_kebab(self):
        self.assertEqual(kebab("DescribeJobExecution"), "describe-job-execution")
        self.assertEqual(kebab("stepTimeoutInMinutes"), "step-timeout-in-minutes")

    def test_unnamable(self):
        with self.assertRaises(GenerationError):
            snake("$$")


class Service:
    def __init__(self, sdk_id=None, signing_name=None, name="Svc"):
        self.name = name
        self.traits = {}
        if sdk_id:
            self.traits["aws.api#service"] = {"sdkId": sdk_id}
        if signing_name:
            self.traits["aws.auth#sigv4"] = {"name": signing_name}


class Names(unittest.TestCase):
    def assigned(self, *shapes, service="iot-jobs-data"):
        s = Symbols(service.replace("-", "_"), service)
        s.assign([], shapes, [], set(), lambda shape: "structure", lambda shape: [])
        return s

    def test_prefixes(self):
        job = Shape("JobExecution")
        s = self.assigned(job)
        self.assertEqual(s.prefix, "awsc_iot_jobs_data")
        self.assertEqual(s.type_name(job), "awsc_iot_jobs_data_job_execution")
        self.assertEqual(s.header_file(), "awsc/iot_jobs_data.h")
        self.assertEqual(s.cli_name, "iot-jobs-data")

    def test_the_service_api_wins(self):
        service, client = Shape("Service"), Shape("ClientNew")
        s = self.assigned(service, client)
        self.assertEqual(s.type_name(service), "awsc_iot_jobs_data_service_value")
        self.assertEqual(s.type_name(client), "awsc_iot_jobs_data_client_new_value")

    def test_runtime_names_are_taken(self):
        api = Shape("Api")
        s = self.assigned(api, service="sts")
        self.assertEqual(s.type_name(api), "awsc_sts_api_value", "awsc_sts_api is the runtime's STS plug-in table")

    def test_bad_service_name(self):
        with self.assertRaises(GenerationError):
            Symbols("Bad Name")


class ServiceNames(unittest.TestCase):
    def test_the_aws_cli_names(self):
        self.assertEqual(service_names(Service("DynamoDB", "dynamodb")), ("dynamodb", "dynamodb"))
        self.assertEqual(service_names(Service("DynamoDB Streams", "dynamodb")), ("dynamodbstreams", "dynamodbstreams"))
        self.assertEqual(service_names(Service("CloudWatch Logs", "logs")), ("logs", "logs"))
        self.assertEqual(service_names(Service("IoT Jobs Data Plane", "iot-jobs-data")), ("iot-jobs-data", "iot_jobs_data"))
        self.assertEqual(service_names(Service("S3", "s3")), ("s3api", "s3"))
        self.assertEqual(service_names(Service("CodeCatalyst")), ("codecatalyst", "codecatalyst"))
        self.assertEqual(service_names(Service("IoTSecureTunneling", "IoTSecuredTunneling")),
                         ("iotsecuretunneling", "iotsecuretunneling"))
        self.assertEqual(service_names(Service("Bedrock Runtime", "bedrock")), ("bedrock-runtime", "bedrock_runtime"))

    def test_fallbacks_and_override(self):
        self.assertEqual(service_names(Service(signing_name="weather")), ("weather", "weather"))
        self.assertEqual(service_names(Service(name="RestJson")), ("rest-json", "rest_json"))
        self.assertEqual(service_names(Service("DynamoDB"), "ddb-local"), ("ddb-local", "ddb_local"))
        with self.assertRaises(GenerationError):
            service_names(Service("DynamoDB"), "DDB")
        with self.assertRaises(GenerationError):
            service_names(Service("DynamoDB"), "schema")


if __name__ == "__main__":
    unittest.main()
