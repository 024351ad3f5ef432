"""scripts/demo.py end to end against the build: every job ends as expected."""
import os
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build"))


class Demo(unittest.TestCase):
    def test_demo_succeeds_and_both_views_agree(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "demo.py"), "--build", BUILD],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
        rows = [l for l in r.stdout.splitlines() if l.endswith("  ok")]
        self.assertEqual(len(rows), 5, r.stdout[-3000:])
        self.assertIn("service and devices agree", r.stdout)


if __name__ == "__main__":
    unittest.main()
