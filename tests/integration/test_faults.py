"""The real agent against a CloudWatch Logs stand-in that fails on purpose
(faulty_cloudwatch.py): 5xx, throttling, slow answers, reset and dropped
connections, and a long outage of several streams. Every line arrives
exactly once; an outage costs few requests; delivery resumes when the
endpoint heals."""
import time
import unittest

import harness
from faulty_cloudwatch import Fault, FaultyCloudWatch
from test_outages import MAX_EVENTS_PER_REQUEST, Agent, LogFile, seq_of, tally, write_config

GROUP = "/it/faults"


class FaultCase(unittest.TestCase):
    def setUp(self):
        self.cw = FaultyCloudWatch().start()
        self.work = harness.Workdir()
        # The stand-in does not check signatures; any key will do.
        self.env = harness.agent_env("AKIAFAULTYSTANDIN001", "not-checked")
        self.agents = []
        self.files = []

    def tearDown(self):
        for agent in self.agents:
            agent.cleanup()
        for f in self.files:
            f.close()
        self.cw.stop()
        self.work.remove()

    def start_agent(self, streams, **edgelog):
        """An agent following one file per stream name; returns it and the files."""
        files = [LogFile(self.work.file(f"{name}.log")) for name in streams]
        self.files += files
        entries = [{"file_path": f.path, "log_group_name": GROUP, "log_stream_name": name}
                   for f, name in zip(files, streams)]
        agent = Agent(self.work, write_config(self.work, self.cw.url, entries, **edgelog),
                      self.env)
        self.agents.append(agent)
        return agent.start(), files

    def wait_delivered(self, stream, count, timeout=30):
        harness.wait_until(lambda: len(self.cw.events(GROUP, stream)) >= count, timeout,
                           f"{count} events in {stream}", interval=0.05)

    def assert_exactly_once_in_order(self, stream, total):
        got = [seq_of(m) for m in self.cw.messages(GROUP, stream)]
        lost, duplicates, strays = tally(got, total)
        self.assertEqual((len(lost), duplicates, strays), (0, 0, []),
                         f"{stream}: (lost, duplicates, strays)")
        self.assertEqual(got, list(range(total)), f"{stream}: out of order")


class FaultModesTest(FaultCase):
    def test_each_fault_for_a_while_then_healthy_delivers_every_line_exactly_once(self):
        # Even the very first requests (the put that finds no stream, the
        # creation of group and stream) meet a fault.
        self.cw.set_fault(Fault.RESET, count=2)
        agent, (app,) = self.start_agent(["app"])
        app.write(1000)
        self.wait_delivered("app", 1000)
        figures = []
        for fault, count in [(Fault.UNAVAILABLE, 3), (Fault.INTERNAL, 3), (Fault.THROTTLE, 3),
                             (Fault.RESET, 3), (Fault.CLOSE, 3), (Fault.PORTAL, 3),
                             (Fault.SLOW, 1)]:
            requests = self.cw.count("requests")
            started = time.monotonic()
            self.cw.set_fault(fault, count=count, delay=2.0)
            app.write(2000)
            self.wait_delivered("app", app.seq)
            # Every faulty answer was needed before the lines got through.
            self.assertEqual(self.cw.fault_left(), 0, fault)
            figures.append(f"{fault.name.lower()} {self.cw.count('requests') - requests} "
                           f"requests/{time.monotonic() - started:.1f} s")
        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        stats = self.cw.stats()
        lost, duplicates, _ = tally([seq_of(m) for m in self.cw.messages(GROUP, "app")], app.seq)
        print(f"\n    fault modes: {app.seq} lines, {stats['requests']} requests on "
              f"{stats['connections']} connections, lost {len(lost)}, duplicates "
              f"{duplicates}; " + ", ".join(figures), flush=True)
        self.assert_exactly_once_in_order("app", app.seq)
        for fault in Fault:
            if fault is not Fault.NONE:
                self.assertGreater(stats.get("fault:" + fault.value, 0), 0, fault)

    def test_answers_slower_than_the_request_timeout_repeat_only_those_requests(self):
        # CloudWatch stores a request it answers too late: the agent cannot
        # know, and sends it again. The only repeats allowed besides a crash.
        agent, (app,) = self.start_agent(["app"], http={"request_timeout": 2})
        app.write(500)
        self.wait_delivered("app", 500)
        slow = 2
        self.cw.set_fault(Fault.SLOW, count=slow, delay=3.5)
        app.write(1500)
        harness.wait_until(lambda: self.cw.fault_left() == 0, 30, "the slow requests")
        harness.wait_until(
            lambda: len({seq_of(m) for m in self.cw.messages(GROUP, "app")}) >= app.seq,
            30, "every line")
        harness.wait_until(lambda: not self.cw.busy(), 10, "the slow requests to finish")
        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        got = [seq_of(m) for m in self.cw.messages(GROUP, "app")]
        lost, duplicates, strays = tally(got, app.seq)
        print(f"\n    answers after the request timeout: {app.seq} lines, {slow} requests "
              f"timed out: lost {len(lost)}, duplicates {duplicates}", flush=True)
        self.assertEqual((len(lost), strays), (0, []))
        self.assertLessEqual(duplicates, slow * min(1500, MAX_EVENTS_PER_REQUEST))
        self.assertIn("timed out", agent.log())


class OutageTest(FaultCase):
    def test_ten_second_outage_of_five_streams_costs_few_requests_and_resumes_quickly(self):
        names = [f"s{i}" for i in range(5)]
        agent, files = self.start_agent(names)
        for f in files:
            f.write(200)
        for name in names:
            self.wait_delivered(name, 200)
        requests, connections = self.cw.count("requests"), self.cw.count("connections")
        puts = self.cw.count("puts")

        # 5 s of 503, then 5 s of connections closed unanswered (as an
        # overloaded CloudWatch may), each until changed.
        self.cw.set_fault(Fault.UNAVAILABLE)
        started = time.monotonic()
        for round_ in range(1, 6):
            for f in files:
                f.write(300)
            # The outage lasts 10 s whatever the writes cost.
            time.sleep(max(0.0, started + 2.0 * round_ - time.monotonic()))
            if round_ == 2:
                time.sleep(max(0.0, started + 5.0 - time.monotonic()))
                self.cw.set_fault(Fault.CLOSE)
        during_requests = self.cw.count("requests") - requests
        during_connections = self.cw.count("connections") - connections
        self.cw.heal()
        healed = time.monotonic()
        harness.wait_until(lambda: self.cw.count("puts") > puts, 30, "a put after the outage",
                           interval=0.02)
        resumed = time.monotonic() - healed
        for name, f in zip(names, files):
            self.wait_delivered(name, f.seq)
        caught_up = time.monotonic() - healed
        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        lost = duplicates = 0
        for name, f in zip(names, files):
            missing, repeated, _ = tally([seq_of(m) for m in self.cw.messages(GROUP, name)],
                                         f.seq)
            lost, duplicates = lost + len(missing), duplicates + repeated
        print(f"\n    outage: 10 s of 503 then dropped connections, 5 streams, "
              f"{sum(f.seq for f in files)} lines: {during_requests} requests and "
              f"{during_connections} connection attempts during it; first put "
              f"{resumed:.1f} s after healing, all delivered after {caught_up:.1f} s; "
              f"lost {lost}, duplicates {duplicates}", flush=True)
        for name, f in zip(names, files):
            self.assert_exactly_once_in_order(name, f.seq)
        self.assertLess(during_requests, 40, "the streams did not share one backoff")
        self.assertLess(during_connections, 40)
        # The probe waits at most the backoff cap (20 s) after the last failure.
        self.assertLess(resumed, 22.0)


if __name__ == "__main__":
    unittest.main()
