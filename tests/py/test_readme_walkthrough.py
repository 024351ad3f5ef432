"""README.md's "Try it by hand", run as written, so that the README cannot drift.

The walkthrough's console blocks are marked in README.md with HTML comments:

  <!-- walkthrough: service -->   the first terminal: `$ awsc-local ...` and what it prints
                                   (started in the background; its `export`/`unset` lines are
                                   then applied, as the reader pastes them)
  <!-- walkthrough: commands -->  the second terminal: `$ command` lines (a trailing `\\`
                                   continues one), each followed by its exact output
  <!-- walkthrough: stop -->      `^C` (SIGINT to the service) and what the service then says

In a shown output `<time>` stands for a timestamp, `<port>` for the port the service picked,
`<id>` for a UUID and `<epoch>` for a time in epoch seconds (the Jobs data plane's); everything else must match line for line. The
commands run with bash in an empty folder, with the build's bin/ first on PATH (the README
says to put it there) and no AWS_* settings but the pasted ones.

Prints `readme-walkthrough: P passed, S skipped, F failed` (one per command).
"""
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest

from tests.py.cli import AWSC, ROOT, TIMEOUT, require_awsc

README = os.path.join(ROOT, "README.md")
BIN = os.path.dirname(AWSC)
BASH = shutil.which("bash") or "/bin/bash"
MARK = re.compile(r"^<!-- walkthrough: (service|commands|stop)\b")
PLACEHOLDERS = {
    "<time>": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00",
    "<port>": r"\d{1,5}",
    "<epoch>": r"\d{10}",
    "<id>": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
}


def marked_blocks(text):
    """[(kind, [lines])] of the fenced blocks right after a walkthrough mark, in order."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if not m:
            i += 1
            continue
        while i < len(lines) and "-->" not in lines[i]:     # a comment may run over lines
            i += 1
        i += 1
        if i >= len(lines) or not lines[i].startswith("```"):
            raise AssertionError(f"README.md line {i}: a walkthrough mark must be followed by a ``` block")
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        blocks.append((m.group(1), body))
    return blocks


def steps(body):
    """[(command, [expected output lines])] of a block of `$ ` commands."""
    out = []
    for line in body:
        if line.startswith("$ "):
            out.append([line[2:], []])
        elif out and out[-1][0].endswith("\\") and not out[-1][1]:
            out[-1][0] += "\n" + line      # a continued command: bash reads the `\` too
        elif out:
            out[-1][1].append(line)
        else:
            raise AssertionError(f"output before any command in a walkthrough block: {line!r}")
    return [(cmd, expected) for cmd, expected in out]


def pattern(line):
    """A shown output line as a regex: placeholders vary, the rest is literal."""
    parts = re.split("(" + "|".join(map(re.escape, PLACEHOLDERS)) + ")", line)
    return re.compile("".join(PLACEHOLDERS.get(p, re.escape(p)) for p in parts) + r"\Z")


def mismatch(expected, actual):
    """None when the actual lines match the shown ones, else a description."""
    if len(expected) != len(actual) or not all(pattern(e).match(a) for e, a in zip(expected, actual)):
        return "README shows:\n" + "\n".join(expected) + "\n--- but it printed:\n" + "\n".join(actual)
    return None


class Walkthrough(unittest.TestCase):
    results = {"passed": 0, "skipped": 0, "failed": 0}

    @classmethod
    def tearDownClass(cls):
        r = cls.results
        print(f"readme-walkthrough: {r['passed']} passed, {r['skipped']} skipped, {r['failed']} failed", flush=True)

    def check(self, label, expected, actual, problems=None):
        """Counts one step; its mismatch fails the test, or is kept in `problems` to report all at once."""
        problem = mismatch(expected, actual)
        self.results["failed" if problem else "passed"] += 1
        if problem and problems is not None:
            problems.append(f"{label}\n{problem}")
        else:
            self.assertIsNone(problem, f"{label}\n{problem}")

    def test_the_c_example_is_the_one_built(self):
        with open(README) as f:
            text = f.read()
        m = re.search(r"This is\s+`examples/first_job\.c`.*?\n```c\n(.*?)```\n", text, re.S)
        self.assertIsNotNone(m, "README.md shows examples/first_job.c in a ```c block")
        with open(os.path.join(ROOT, "examples", "first_job.c")) as f:
            self.assertEqual(m.group(1), f.read(), "README.md's copy of examples/first_job.c differs from the file")

    def test_walkthrough(self):
        with open(README) as f:
            blocks = marked_blocks(f.read())
        kinds = [k for k, _ in blocks]
        self.assertEqual(kinds[0], "service", kinds)
        self.assertEqual(kinds[-1], "stop", kinds)
        self.assertGreaterEqual(kinds.count("commands"), 1, kinds)
        try:
            require_awsc()
        except unittest.SkipTest:
            self.results["skipped"] += sum(len(steps(b)) for k, b in blocks if k == "commands")
            raise
        for tool in ("awsc-local", "first_job"):
            self.assertTrue(os.access(os.path.join(BIN, tool), os.X_OK), f"{BIN}/{tool} is not built")

        work = tempfile.mkdtemp(prefix="awsc-walkthrough-")
        self.addCleanup(shutil.rmtree, work, True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(PATH=BIN + os.pathsep + env.get("PATH", "/usr/bin:/bin"), HOME=work,
                   NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", AWS_EC2_METADATA_DISABLED="true")
        env.pop("COLUMNS", None)

        # The first terminal.
        (service_cmd, shown), = steps(blocks[0][1])
        service = subprocess.Popen([BASH, "-c", "exec " + service_cmd], cwd=work, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        # Cleanups run last first: the service is gone before its pipes are closed (a close
        # would wait for the reader thread's read).
        self.addCleanup(lambda: service.stdout.close() or service.stderr.close())
        self.addCleanup(lambda: service.poll() is None and (service.kill() or service.wait(TIMEOUT)))
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in service.stdout], daemon=True).start()
        printed = []
        try:
            while len(printed) < len(shown):
                printed.append(lines.get(timeout=TIMEOUT))
        except queue.Empty:
            pass
        self.check(f"$ {service_cmd}", shown, printed)
        for line in printed:            # what the reader pastes into the second terminal
            m = re.match(r"export (AWS_[A-Z_]+)=(\S*)$", line)
            if m:
                env[m.group(1)] = m.group(2)
            m = re.match(r"unset (AWS_[A-Z_ ]+)$", line)
            if m:
                for name in m.group(1).split():
                    env.pop(name, None)
        self.assertIn("AWS_ENDPOINT_URL", env, printed)

        # The second terminal.
        stop, problems = None, []
        for kind, body in blocks[1:]:
            if kind == "stop":
                stop = body
                continue
            for cmd, expected in steps(body):
                r = subprocess.run([BASH, "-c", cmd], cwd=work, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT)
                self.check(f"$ {cmd}\n(exit status {r.returncode})", expected, r.stdout.splitlines(), problems)

        # Ctrl-C in the first terminal: the service stops cleanly and says where the jobs are.
        self.assertEqual(stop[0], "^C", stop)
        service.send_signal(signal.SIGINT)
        self.assertEqual(service.wait(TIMEOUT), 0)
        self.check("^C (SIGINT to awsc-local)", stop[1:], service.stderr.read().splitlines(), problems)
        self.assertEqual(problems, [], "\n\n".join(problems))


if __name__ == "__main__":
    unittest.main()
