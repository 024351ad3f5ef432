import unittest

from codegen.errors import GenerationError
from codegen.symbols import Symbols, field, kebab, snake


class Shape:
    def __init__(self, name):
        self.name = name
        self.id = "example#" + name


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


class Names(unittest.TestCase):
    def test_prefixes(self):
        s = Symbols("iot-jobs-data")
        self.assertEqual(s.prefix, "awsc_iot_jobs_data")
        self.assertEqual(s.type_name(Shape("JobExecution")), "awsc_iot_jobs_data_job_execution")
        self.assertEqual(s.enum_constant(Shape("JobExecutionStatus"), "IN_PROGRESS"),
                         "AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_IN_PROGRESS")
        self.assertEqual(s.header_file(), "awsc/iot_jobs_data.h")

    def test_bad_service_name(self):
        with self.assertRaises(GenerationError):
            Symbols("Bad Name")


if __name__ == "__main__":
    unittest.main()
