"""scripts/lib.sh on a fresh machine: every package a test needs comes from one list, and is
installed before the first check that depends on it (node, which decides `npm ci` for
tests/interop). Runs prepare_test_tools with apt-get, dpkg-query and id stubbed on a PATH
that has nothing else, so nothing is installed for real."""
import os
import shutil
import stat
import subprocess
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(ROOT, "scripts", "lib.sh")
BASH = shutil.which("bash") or "/bin/bash"


def stub(directory, name, body):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write("#!" + BASH + "\n" + textwrap.dedent(body))
    os.chmod(path, stat.S_IRWXU)


class FreshMachine(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="awsc_fresh_")
        self.addCleanup(shutil.rmtree, self.dir)
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        self.log = os.path.join(self.dir, "calls")
        for tool in ("grep", "cat", "mkdir", "dirname", "chmod"):  # what lib.sh and the stubs run
            os.symlink(shutil.which(tool), os.path.join(self.bin, tool))
        stub(self.bin, "id", "echo 0\n")
        stub(self.bin, "dpkg-query", "exit 1\n")  # nothing is installed
        # apt-get "installs" node and npm by putting stubs on PATH; npm records its calls.
        stub(self.bin, "apt-get", f"""\
            echo "apt-get $*" >> {self.log}
            for p in "$@"; do
                case $p in
                nodejs) printf '#!{BASH}\\necho "node $*" >> {self.log}\\n' > {self.bin}/node; chmod +x {self.bin}/node ;;
                npm) printf '#!{BASH}\\necho "npm $* in $PWD" >> {self.log}\\n' > {self.bin}/npm; chmod +x {self.bin}/npm ;;
                esac
            done
            """)

    def run_lib(self, command):
        env = {"PATH": self.bin, "HOME": self.dir}
        return subprocess.run([BASH, "-c", f'. "{LIB}" && {command}'], env=env, capture_output=True, text=True,
                              timeout=60)

    def calls(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def test_test_packages_are_installed_before_node_is_looked_for(self):
        r = self.run_lib("prepare_test_tools")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("node/npm not found", r.stdout + r.stderr)
        installs = [c for c in self.calls() if c.startswith("apt-get install")]
        self.assertEqual(len(installs), 1, self.calls())
        for package in ("nodejs", "npm", "nginx", "python3-botocore", "gcovr", "libclang-rt-14-dev", "valgrind",
                        "cmake", "libcriterion-dev"):
            self.assertIn(f" {package}", installs[0] + " ")
        if not os.path.isdir(os.path.join(ROOT, "tests", "interop", "node_modules")):
            self.assertIn(f"npm ci --no-audit --no-fund --loglevel=error in {ROOT}/tests/interop", self.calls())

    def test_scripts_share_the_one_list(self):
        for script in ("scripts/test", "scripts/reliability"):
            with open(os.path.join(ROOT, script)) as f:
                text = f.read()
            self.assertNotIn("command -v node", text, f"{script} checks for node itself")
            self.assertTrue("prepare_test_tools" in text or "$AWSC_TEST_PACKAGES" in text, script)
        with open(os.path.join(ROOT, "bench", "run")) as f:
            bench = f.read()
        self.assertNotIn("DEB_PACKAGES", bench)
        self.assertIn("AWSC_TEST_PACKAGES", bench)

    def test_the_demo_installs_what_it_builds_with_not_the_test_toolchain(self):
        with open(os.path.join(ROOT, "scripts", "demo")) as f:
            demo = f.read()
        self.assertRegex(demo, r"\nensure_packages\b(?! *\$AWSC_TEST_PACKAGES)")
        self.assertNotIn("prepare_test_tools", demo)
        r = self.run_lib("ensure_packages")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        install = [c for c in self.calls() if c.startswith("apt-get install")][0] + " "
        for package in ("cmake", "gcc", "pkg-config", "libcurl4-openssl-dev", "libssl-dev", "zlib1g-dev",
                        "libcjson-dev", "libexpat1-dev", "python3"):
            self.assertIn(f" {package} ", install)
        for package in ("clang", "libcriterion-dev", "valgrind", "doxygen", "nodejs", "nginx", "gcovr",
                        "python3-jinja2", "gcc-aarch64-linux-gnu"):
            self.assertNotIn(f" {package} ", install)

    def test_node_from_elsewhere_is_not_installed_again(self):
        stub(self.bin, "node", "exit 0\n")
        stub(self.bin, "npm", f'echo "npm $*" >> {self.log}\n')
        r = self.run_lib("ensure_packages $AWSC_TEST_PACKAGES")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        install = [c for c in self.calls() if c.startswith("apt-get install")][0] + " "
        self.assertNotIn(" nodejs ", install)
        self.assertNotIn(" npm ", install)
        self.assertIn(" nginx ", install)


if __name__ == "__main__":
    unittest.main()
