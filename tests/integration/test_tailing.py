"""The real agent following files through rotation storms, restarts,
multi-line records, timestamps, filters and encodings, against moto with
signature checking on."""
import collections
import contextlib
import datetime
import os
import random
import shutil
import signal
import subprocess
import time
import unittest

import harness


def seq_numbers(events):
    return [int(e["message"].split()[0].split("=")[1]) for e in events]


class Writer:
    """Writes numbered lines to app.log and rotates it like logrotate does."""

    def __init__(self, path):
        self.path = path
        self.seq = 0
        self.message_bytes = 0  # what CloudWatch counts as stored bytes
        self.f = open(path, "a")
        self.generations = 0

    def write(self, count):
        for _ in range(count):
            line = f"seq={self.seq:08d} payload {'x' * (self.seq % 50)}"
            self.f.write(line + "\n")
            self.message_bytes += len(line)
            self.seq += 1
        self.f.flush()

    def _shift(self):
        # app.log.N → app.log.N+1, oldest first, like logrotate's numbering.
        for i in range(self.generations, 0, -1):
            os.rename(f"{self.path}.{i}", f"{self.path}.{i + 1}")
        self.generations += 1

    def rename_create(self, late_lines=5, recreate_delay=0.0):
        """Rename away, keep writing a little to the old descriptor (the
        application has not reopened yet), then reopen a new file."""
        self._shift()
        os.rename(self.path, f"{self.path}.1")
        self.write(late_lines)
        self.f.close()
        if recreate_delay:
            time.sleep(recreate_delay)  # the new file appears late, on purpose
        self.f = open(self.path, "a")

    def copytruncate(self):
        self._shift()
        self.f.flush()
        shutil.copyfile(self.path, f"{self.path}.1")
        os.truncate(self.path, 0)

    def close(self):
        self.f.close()


class TortureTest(unittest.TestCase):
    """Numbered lines through rename, copytruncate and late-recreate rotations
    while the agent runs, then two rotations while it is stopped: every line
    must arrive exactly once and in order."""

    def test_rotation_storm_and_rotations_while_stopped_lose_and_repeat_nothing(self):
        self.run_storm(slowed=False)

    def test_the_same_storm_with_the_agent_slowed_as_on_a_loaded_cpu(self):
        # The agent runs 30 % of the time in random slices, beside a busy
        # core: timers expire between two looks, rotations pile up unseen.
        self.run_storm(slowed=True)

    def run_storm(self, slowed):
        moto = harness.Moto().start()
        key_id, secret = moto.create_identity()
        logs = harness.client("logs", moto.url, key_id, secret)
        work = harness.Workdir()
        agent = None
        agent_log = None
        try:
            path = work.file("app.log")
            config = work.write_config(moto.url, [{
                "file_path": path, "log_group_name": "/it/torture", "log_stream_name": "app",
                "multi_line_start_pattern": "^seq="}])
            writer = Writer(path)
            writer.write(1000)
            env = harness.agent_env(key_id, secret)
            agent_log = open(work.file("agent.log"), "wb")
            agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=env,
                                     stderr=agent_log)

            def agent_says():
                with open(work.file("agent.log"), "rb") as f:
                    return "\nagent log (tail):\n" + f.read()[-4000:].decode(errors="replace")
            # The storm starts once the agent follows the file.
            first = writer.message_bytes
            stored = harness.StoredBytes(logs, "/it/torture", "app")
            harness.wait_until(lambda: stored() >= first,
                               60, "the first lines")
            rng = random.Random(3)
            kinds = ["rename", "copytruncate", "late"] * 3
            slow = harness.Slowed(agent) if slowed else contextlib.nullcontext()
            with slow:
                for kind in kinds:
                    writer.write(rng.randint(10000, 20000))
                    if kind == "rename":
                        writer.rename_create()
                    elif kind == "copytruncate":
                        writer.copytruncate()
                    else:
                        writer.rename_create(recreate_delay=1.5)
                    if slowed:
                        time.sleep(rng.uniform(0, 1))  # rotations at varied moments
                writer.write(5000)
            live_bytes = writer.message_bytes
            try:
                harness.wait_until(
                    lambda: stored() >= live_bytes,
                    300, f"{writer.seq} lines before the stop", interval=0.5)
            except AssertionError as e:
                raise AssertionError(str(e) + agent_says()) from None
            agent.send_signal(signal.SIGTERM)
            self.assertEqual(agent.wait(60), 0, agent_says())
            agent = None

            # Two rotations while the agent is stopped.
            writer.write(3000)
            writer.rename_create(late_lines=0)
            writer.write(4000)
            writer.rename_create(late_lines=0)
            writer.write(2000)
            writer.close()
            code, err = harness.run_once(config, env)
            self.assertEqual(code, 0, err)

            got = seq_numbers(harness.read_events(logs, "/it/torture", "app"))
            self.assertGreaterEqual(writer.seq, 100000)
            counts = count_lines(got, writer.seq)
            if counts["out_of_order"]:
                print("\n    first disorder: " + describe_disorder(got), flush=True)
            print(f"\n    torture{' (slowed)' if slowed else ''}: {writer.seq} lines written, "
                  f"{len(got)} delivered, {writer.generations} rotations; {counts}", flush=True)
            self.assertEqual(counts, {"lost": 0, "repeated": 0, "out_of_order": 0},
                             describe_repeats(got) + agent_says())
        finally:
            if agent and agent.poll() is None:
                agent.kill()
                agent.wait()
            if agent_log:
                agent_log.close()
            moto.stop()
            work.remove()


def describe_disorder(got):
    """Where the first line arrives after a higher-numbered one, with the
    runs of consecutive numbers around it."""
    highest = -1
    for i, n in enumerate(got):
        if n < highest:
            lo = max(0, i - 3000)
            runs, start = [], lo
            for j in range(lo + 1, min(len(got), i + 3000) + 1):
                if j == min(len(got), i + 3000) or got[j] != got[j - 1] + 1:
                    runs.append(f"{got[start]}..{got[j - 1]}")
                    start = j
            return f"index {i}: {n} after {highest}; runs {' '.join(runs)}"
        highest = max(highest, n)
    return "none"


def describe_repeats(got):
    """The first few line numbers that arrived more than once, and where."""
    where = collections.defaultdict(list)
    for i, n in enumerate(got):
        where[n].append(i)
    twice = sorted((n, at) for n, at in where.items() if len(at) > 1)[:5]
    return "repeated (line: positions): " + (", ".join(f"{n}: {at}" for n, at in twice)
                                            if twice else "none")


def count_lines(got, written):
    """Lost, repeated and out-of-order lines among `got` (sequence numbers)
    of `written` numbered lines. Out of order: a line arriving after a line
    with a higher number (repeats aside)."""
    seen = set()
    repeated = out_of_order = 0
    highest = -1
    for n in got:
        if n in seen:
            repeated += 1
            continue
        seen.add(n)
        if n < highest:
            out_of_order += 1
        highest = max(highest, n)
    return {"lost": len(set(range(written)) - seen), "repeated": repeated,
            "out_of_order": out_of_order}


# The records carry times from an hour ago, so CloudWatch takes them on any
# day the tests run (it refuses events older than 14 days).
def recent_utc(offset_s=0):
    """An hour ago plus `offset_s`, whole seconds, UTC."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return now - datetime.timedelta(hours=1) + datetime.timedelta(seconds=offset_s)


def epoch_ms(when):
    return int(when.timestamp() * 1000)


def java_log(t0, t1):
    a, b = t0.strftime("%Y-%m-%d %H:%M:%S"), t1.strftime("%Y-%m-%d %H:%M:%S")
    return (f"{a},123 ERROR [main] Request failed\n"
            "java.lang.IllegalStateException: boom\n"
            "\tat com.example.Service.handle(Service.java:42)\n"
            "\tat com.example.Main.main(Main.java:7)\n"
            "Caused by: java.io.IOException: disk\n"
            "\tat com.example.Disk.write(Disk.java:9)\n"
            "\t... 2 more\n"
            f"{b},456 INFO [main] Recovered\n")


def python_log(t0, t2):
    a, b = t0.strftime("%Y-%m-%d %H:%M:%S"), t2.strftime("%Y-%m-%d %H:%M:%S")
    return (f"[{a}] ERROR worker crashed\n"
            "Traceback (most recent call last):\n"
            "  File \"worker.py\", line 10, in <module>\n"
            "    main()\n"
            "  File \"worker.py\", line 6, in main\n"
            "    raise ValueError(\"bad input\")\n"
            "ValueError: bad input\n"
            f"[{b}] INFO worker restarted\n")


class RecordsTest(harness.MotoTestCase):
    def ship(self, entries):
        config = self.work.write_config(self.moto.url, entries)
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)
        return err

    def events(self, group, stream="s"):
        return harness.read_events(self.logs, group, stream)

    def test_java_and_python_stack_traces_arrive_as_one_event_each(self):
        t0 = recent_utc()
        java_text, py_text = java_log(t0, t0 + datetime.timedelta(seconds=1)), python_log(
            t0, t0 + datetime.timedelta(seconds=2))
        java, py = self.work.file("java.log"), self.work.file("py.log")
        with open(java, "w") as f:
            f.write(java_text)
        with open(py, "w") as f:
            f.write(py_text)
        self.ship([
            {"file_path": java, "log_group_name": "/it/java", "log_stream_name": "s",
             "timestamp_format": "%Y-%m-%d %H:%M:%S,%f", "timezone": "UTC",
             "multi_line_start_pattern": "{timestamp_format}"},
            {"file_path": py, "log_group_name": "/it/python", "log_stream_name": "s",
             "multi_line_start_pattern": r"^\[\d{4}-"}])
        java_events = self.events("/it/java")
        java_lines = java_text.rstrip("\n").split("\n")
        self.assertEqual([e["message"] for e in java_events],
                         ["\n".join(java_lines[:-1]), java_lines[-1]])
        self.assertEqual([e["timestamp"] for e in java_events],
                         [epoch_ms(t0) + 123, epoch_ms(t0) + 1456])
        py_events = [e["message"] for e in self.events("/it/python")]
        self.assertEqual(len(py_events), 2)
        self.assertTrue(py_events[0].endswith("ValueError: bad input"))
        self.assertIn("\n  File \"worker.py\", line 6, in main\n", py_events[0])

    def test_timestamp_formats_of_the_cloudwatch_agent_documentation(self):
        when = recent_utc()
        plus_one = when.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
        # (format, line, expected UTC time in ms)
        cases = [
            ("%Y-%m-%d %H:%M:%S", when.strftime("%Y-%m-%d %H:%M:%S a"), epoch_ms(when)),
            ("%d/%b/%Y:%H:%M:%S %z",
             plus_one.strftime('10.0.0.1 - - [%d/%b/%Y:%H:%M:%S +0100] "GET /"'),
             epoch_ms(when)),
            ("%b %d %H:%M:%S", when.strftime("%b %d %H:%M:%S host sshd[1]: accepted"),
             epoch_ms(when)),
            ("%Y-%m-%dT%H:%M:%S.%fZ", when.strftime("%Y-%m-%dT%H:%M:%S.250Z level=info"),
             epoch_ms(when) + 250),
            ("%m/%d/%y %I:%M:%S %p", when.strftime("%m/%d/%y %I:%M:%S %p done"),
             epoch_ms(when)),
        ]
        entries = []
        for i, (fmt, line, _) in enumerate(cases):
            path = self.work.file(f"ts{i}.log")
            with open(path, "w") as f:
                f.write(line + "\n")
            entries.append({"file_path": path, "log_group_name": f"/it/ts{i}",
                            "log_stream_name": "s", "timestamp_format": fmt, "timezone": "UTC"})
        self.ship(entries)
        for i, (fmt, line, want) in enumerate(cases):
            events = self.events(f"/it/ts{i}")
            self.assertEqual([e["message"] for e in events], [line], fmt)
            self.assertEqual(events[0]["timestamp"], want, fmt)

    def test_include_and_exclude_filters_apply_in_order(self):
        path = self.work.file("filtered.log")
        lines = ["ERROR db down", "INFO ok", "ERROR healthcheck failed", "WARN slow",
                 "ERROR disk full"]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.ship([{"file_path": path, "log_group_name": "/it/filters", "log_stream_name": "s",
                    "filters": [{"type": "include", "expression": "ERROR|WARN"},
                                {"type": "exclude", "expression": "healthcheck"}]}])
        self.assertEqual([e["message"] for e in self.events("/it/filters")],
                         ["ERROR db down", "WARN slow", "ERROR disk full"])

    def test_a_utf16_file_arrives_as_utf8(self):
        path = self.work.file("win.log")
        text = "Ärger über Größe 😀\r\nzweite Zeile\r\n"
        with open(path, "wb") as f:
            f.write(text.encode("utf-16"))  # with a byte-order mark
        self.ship([{"file_path": path, "log_group_name": "/it/utf16", "log_stream_name": "s",
                    "encoding": "utf-16"}])
        self.assertEqual([e["message"] for e in self.events("/it/utf16")],
                         ["Ärger über Größe 😀", "zweite Zeile"])


if __name__ == "__main__":
    unittest.main()
