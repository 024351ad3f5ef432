#!/usr/bin/env python3
"""Writes the text and table golden files of test_cli_output.py with the AWS CLI's own formatters.

Needs the `awscli` package (v1: its awscli/text.py, table.py and formatter.py are
the code v2 prints text and tables with), which the test environment does not
have: run it by hand with an interpreter that has it, after changing a response.
The JSON and YAML golden files are written by hand (AWS CLI v2 only has YAML).

    python3 tests/py/golden/make_golden.py
"""
import argparse
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(HERE))))

from awscli import table as aws_table  # noqa: E402
from awscli.formatter import TableFormatter, TextFormatter  # noqa: E402
from tests.py.test_cli_output import DESCRIBE, PENDING  # noqa: E402


def render(formatter, name, doc, width):
    aws_table.determine_terminal_width = lambda default_width=80: width
    args = argparse.Namespace(query=None, color="off")
    out = io.StringIO()
    formatter(args)(name, doc, out)
    return out.getvalue()


def main():
    docs = {"pending": ("GetPendingJobExecutions", json.loads(PENDING)),
            "describe": ("DescribeJobExecution", json.loads(DESCRIBE))}
    for stem, (name, doc) in docs.items():
        for fmt, formatter, width in (("text", TextFormatter, 80), ("table", TableFormatter, 80)):
            with open(os.path.join(HERE, f"{stem}.{fmt}"), "w", encoding="utf-8") as f:
                f.write(render(formatter, name, doc, width))
    with open(os.path.join(HERE, "pending.table-wide"), "w", encoding="utf-8") as f:
        f.write(render(TableFormatter, "GetPendingJobExecutions", docs["pending"][1], 200))


if __name__ == "__main__":
    main()
