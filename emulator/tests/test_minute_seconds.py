"""--minute-seconds: a shorter timer minute, so that tests see step timers fire quickly."""
import unittest

from emulator.__main__ import main
from emulator.store import FakeClock, Store


class MinuteSecondsTest(unittest.TestCase):
    def run_step_timer(self, minute_seconds, wait):
        clock = FakeClock()
        store = Store(clock=clock, minute_seconds=minute_seconds)
        store.create_job("j", ["t"], "{}")
        store.start_next_pending_job_execution("t", step_timeout=1)
        clock.advance(wait)
        return store.describe_job_execution("t", "j")["execution"]["status"]

    def test_a_step_timer_minute_lasts_minute_seconds(self):
        self.assertEqual(self.run_step_timer(2, 1.5), "IN_PROGRESS")
        self.assertEqual(self.run_step_timer(2, 2.5), "TIMED_OUT")

    def test_default_minute_is_sixty_seconds(self):
        self.assertEqual(self.run_step_timer(60, 59), "IN_PROGRESS")
        self.assertEqual(self.run_step_timer(60, 61), "TIMED_OUT")

    def test_heartbeat_restarts_the_shortened_timer(self):
        clock = FakeClock()
        store = Store(clock=clock, minute_seconds=2)
        store.create_job("j", ["t"], "{}")
        store.start_next_pending_job_execution("t", step_timeout=1)
        for _ in range(5):
            clock.advance(1.5)
            store.update_job_execution("t", "j", "IN_PROGRESS", step_timeout=1)
        self.assertEqual(store.describe_job_execution("t", "j")["execution"]["status"], "IN_PROGRESS")

    def test_not_positive_is_refused(self):
        with self.assertRaises(SystemExit):
            main(["--credentials", "A:B", "--minute-seconds", "0"])


if __name__ == "__main__":
    unittest.main()
