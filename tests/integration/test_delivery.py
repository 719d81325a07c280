"""The real edgelog binary against moto with signature checking on: what is
written to a file arrives in CloudWatch Logs, byte for byte."""
import os
import random
import signal
import subprocess
import time
import unittest

import harness

# The largest message of one event: 1 MiB minus the 26 bytes the API counts
# per event.
MAX_MESSAGE_BYTES = 1048576 - 26


def expected_messages(raw: bytes):
    """What CloudWatch should hold for file contents `raw`, computed
    independently of edgelog: complete lines without "\\n" and one "\\r",
    invalid UTF-8 replaced (Python's decoder follows Unicode's maximal-subpart
    practice), long ones split on characters. An empty line belongs to the
    record before it, as in the CloudWatch agent (every other line here
    starts a record of its own); with none before it, it is skipped."""
    out = []
    joinable = False  # the last event is a whole line an empty line may join
    for line in raw.split(b"\n")[:-1]:
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            if joinable:
                out[-1] += "\n"
            continue
        text = line.decode("utf-8", errors="replace")
        data = text.encode("utf-8")
        joinable = len(data) <= MAX_MESSAGE_BYTES
        while len(data) > MAX_MESSAGE_BYTES:
            cut = MAX_MESSAGE_BYTES
            while data[cut] & 0xC0 == 0x80:
                cut -= 1
            out.append(data[:cut].decode("utf-8"))
            data = data[cut:]
        out.append(data.decode("utf-8"))
    return out


def varied_lines(count, seed=7):
    """`count` lines meant to break a careless encoder."""
    rng = random.Random(seed)
    pieces = ["plain ascii", "é ü ß", "中文 日本語", "emoji 😀🚀", "quote \" and \\\\",
              "tab\there", "ctrl \x01\x02\x1f\x7f", "u2028 \u2028 u2029 \u2029",
              "trailing spaces   ", "{\"json\": [1, 2]}", "<xml a='b'/>", "nul \x00 byte",
              "back\\slash\\", "percent %s %d", "   leading spaces"]
    lines = []
    for i in range(count):
        body = " | ".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        lines.append(f"{i:06d} {body}".encode("utf-8"))
    return lines


class DeliveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = harness.Moto().start()
        cls.key_id, cls.secret = cls.moto.create_identity()
        cls.logs = harness.client("logs", cls.moto.url, cls.key_id, cls.secret)

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.work = harness.Workdir()

    def tearDown(self):
        self.work.remove()

    def env(self, **extra):
        return harness.agent_env(self.key_id, self.secret, **extra)

    def test_every_line_arrives_byte_for_byte_and_a_second_run_adds_nothing(self):
        lines = varied_lines(10100)
        lines[100] = b"x" * (200 * 1024)                       # a 200 KB line
        lines[200] = ("\u00e9" * 800000).encode("utf-8")      # 1.6 MB of 2-byte chars: split
        lines[300] = b"bad utf8 \xff\xfe \xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xe1\x80A end"
        lines[400] = b"crlf line\r"
        lines[500] = b""                                        # empty: joins line 499
        lines[600] = b"\r"                                      # empty after CR: joins 599
        raw = b"\n".join(lines) + b"\n"
        path = self.work.file("app.log")
        with open(path, "wb") as f:
            f.write(raw)
        config = self.work.write_config(self.moto.url, [{
            "file_path": path, "log_group_name": "/it/varied", "log_stream_name": "byte-exact"}])
        before = int(time.time() * 1000)

        code, err = harness.run_once(config, self.env())
        self.assertEqual(code, 0, err)

        events = harness.read_events(self.logs, "/it/varied", "byte-exact")
        want = expected_messages(raw)
        self.assertGreaterEqual(len(want), 10000)
        got = [e["message"] for e in events]
        self.assertEqual(len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            self.assertEqual(g.encode("utf-8"), w.encode("utf-8"), f"event {i} differs")
        split = [m for m in got if m and m[0] == "\u00e9"]
        self.assertEqual([len(m.encode()) for m in split],
                         [MAX_MESSAGE_BYTES, 1600000 - MAX_MESSAGE_BYTES])
        after = int(time.time() * 1000)
        self.assertTrue(all(before - 1000 <= e["timestamp"] <= after for e in events))

        code, err = harness.run_once(config, self.env())
        self.assertEqual(code, 0, err)
        again = harness.read_events(self.logs, "/it/varied", "byte-exact")
        self.assertEqual(len(again), len(events), "a second --once shipped something")

        with open(path, "ab") as f:
            f.write(b"appended later\n")
        code, err = harness.run_once(config, self.env())
        self.assertEqual(code, 0, err)
        last = harness.read_events(self.logs, "/it/varied", "byte-exact")
        self.assertEqual([e["message"] for e in last[len(events):]], ["appended later"])

    def test_group_stream_and_retention_are_created_on_demand(self):
        path = self.work.file("svc.log")
        with open(path, "w") as f:
            f.write("first\nsecond\n")
        config = self.work.write_config(self.moto.url, [{
            "file_path": path, "log_group_name": "/it/created", "log_stream_name": "on-demand",
            "retention_in_days": 14}])
        code, err = harness.run_once(config, self.env())
        self.assertEqual(code, 0, err)
        groups = self.logs.describe_log_groups(logGroupNamePrefix="/it/created")["logGroups"]
        self.assertEqual([(g["logGroupName"], g.get("retentionInDays")) for g in groups],
                         [("/it/created", 14)])
        streams = self.logs.describe_log_streams(logGroupName="/it/created")["logStreams"]
        self.assertEqual([s["logStreamName"] for s in streams], ["on-demand"])
        self.assertEqual([e["message"] for e in
                          harness.read_events(self.logs, "/it/created", "on-demand")],
                         ["first", "second"])
        self.assertIn("created log group /it/created", err)

    def test_wrong_secret_exits_3_and_says_the_signature_was_refused(self):
        path = self.work.file("denied.log")
        with open(path, "w") as f:
            f.write("never delivered\n")
        config = self.work.write_config(self.moto.url, [{
            "file_path": path, "log_group_name": "/it/denied", "log_stream_name": "s"}])
        started = time.monotonic()
        code, err = harness.run_once(config, harness.agent_env(self.key_id, "not-the-secret"))
        elapsed = time.monotonic() - started
        self.assertEqual(code, 3, err)
        self.assertLess(elapsed, 30)
        self.assertIn("refused the signature or credentials", err)
        self.assertIn("SignatureDoesNotMatch", err)
        groups = self.logs.describe_log_groups(logGroupNamePrefix="/it/denied")["logGroups"]
        self.assertEqual(groups, [])

    def test_bad_config_exits_2_naming_file_and_key(self):
        path = self.work.file("bad.json")
        with open(path, "w") as f:
            f.write('{"logs": {"logs_collected": {"files": {"collect_list": ['
                    '{"file_path": "/tmp/x.log", "retention_in_days": 4}]}}}}')
        proc = subprocess.run([harness.EDGELOG, "check-config", "--config", path],
                              capture_output=True, env=self.env(), timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(path + ": logs.logs_collected.files.collect_list[0].retention_in_days:",
                      proc.stderr.decode())


class RestartTest(unittest.TestCase):
    """moto restarted mid-run, all its state lost: the running agent
    recreates group and stream and loses nothing."""

    def test_endpoint_restart_loses_nothing_and_sigterm_exits_0(self):
        moto = harness.Moto().start()
        key_id, secret = moto.create_identity()
        logs = harness.client("logs", moto.url, key_id, secret)
        work = harness.Workdir()
        agent = None
        try:
            path = work.file("live.log")
            config = work.write_config(moto.url, [{
                "file_path": path, "log_group_name": "/it/restart", "log_stream_name": "live"}])
            with open(path, "w") as f:
                f.writelines(f"before {i}\n" for i in range(1000))
            agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                                     env=harness.agent_env(key_id, secret),
                                     stderr=subprocess.PIPE)
            harness.wait_until(
                lambda: len(self._events(logs, "/it/restart", "live")) >= 1000,
                60, "the first 1000 lines")
            moto.stop()
            with open(path, "a") as f:
                f.writelines(f"during {i}\n" for i in range(1000))
            moto.start(identity=(key_id, secret))  # same port, empty state
            with open(path, "a") as f:
                f.writelines(f"after {i}\n" for i in range(1000))
            harness.wait_until(
                lambda: len(self._events(logs, "/it/restart", "live")) >= 2000,
                120, "2000 lines in the restarted endpoint")
            agent.send_signal(signal.SIGTERM)
            code = agent.wait(30)
            err = agent.stderr.read().decode(errors="replace")
            self.assertEqual(code, 0, err)
            got = [e["message"] for e in self._events(logs, "/it/restart", "live")]
            want = [f"during {i}" for i in range(1000)] + [f"after {i}" for i in range(1000)]
            self.assertEqual(got, want)
            self.assertIn("SIGTERM", err)
        finally:
            if agent and agent.poll() is None:
                agent.kill()
                agent.wait()
            moto.stop()
            work.remove()

    @staticmethod
    def _events(logs, group, stream):
        try:
            return harness.read_events(logs, group, stream)
        except logs.exceptions.ResourceNotFoundException:
            return []


if __name__ == "__main__":
    unittest.main()
