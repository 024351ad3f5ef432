"""Many clients at once: no lost updates, no cross-talk."""

import threading

from emulator.tests._client import CONTROL, Client, EmulatorTestCase


class ConcurrencyTest(EmulatorTestCase):
    THREADS = 20
    ROUNDS = 10

    def test_parallel_updates_of_different_executions(self):
        things = ["thing%d" % i for i in range(self.THREADS)]
        self.create_job("j", things)
        errors = []

        def worker(thing):
            c = Client(self.client.port, self.clock)
            try:
                for i in range(self.ROUNDS):
                    status, _, body = c.call(
                        "POST", "/things/%s/jobs/j" % thing,
                        {"status": "IN_PROGRESS", "expectedVersion": i + 1,
                         "statusDetails": {"round": str(i)}})
                    if status != 200:
                        errors.append((thing, i, status, body))
                status, _, body = c.call("POST", "/things/%s/jobs/j" % thing,
                                         {"status": "SUCCEEDED"})
                if status != 200:
                    errors.append((thing, "final", status, body))
            except Exception as e:  # surfaced in the main thread
                errors.append((thing, repr(e)))
            finally:
                c.close()

        threads = [threading.Thread(target=worker, args=(t,)) for t in things]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        for thing in things:
            ex = self.describe(thing, "j")
            self.assertEqual((ex["status"], ex["versionNumber"],
                              ex["statusDetails"]),
                             ("SUCCEEDED", self.ROUNDS + 2,
                              {"round": str(self.ROUNDS - 1)}))
        job = self.ok("GET", "/jobs/j", service=CONTROL)["job"]
        self.assertEqual(job["status"], "COMPLETED")
        self.assertEqual(job["jobProcessDetails"]["numberOfSucceededThings"],
                         self.THREADS)

    def test_racing_writers_on_one_execution(self):
        self.create_job("j", ["t"])
        results = []
        barrier = threading.Barrier(self.THREADS)

        def worker():
            c = Client(self.client.port, self.clock)
            try:
                barrier.wait()
                results.append(c.call("POST", "/things/t/jobs/j", {
                    "status": "IN_PROGRESS", "expectedVersion": 1})[0])
            finally:
                c.close()

        threads = [threading.Thread(target=worker)
                   for _ in range(self.THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        # Exactly one writer holding version 1 may win.
        self.assertEqual(sorted(results),
                         [200] + [409] * (self.THREADS - 1))
        self.assertEqual(self.describe("t", "j")["versionNumber"], 2)
