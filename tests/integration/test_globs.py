"""Which matches of a file_path glob the real agent follows, and where their
lines go, as the CloudWatch agent decides (plugins/inputs/logfile/logfile.go):
without publish_multi_logs only the most recently modified match, a newer one
taking over while the agent runs; with it every match, each to a stream (or a
group) named after its path. Lines are counted through the API: lost 0,
repeated 0, across a restart too. Against moto with signature checking."""
import datetime
import os
import re
import signal
import subprocess
import time
import unittest

import harness


def path_name(path):
    """The agent's generateLogGroupName for a POSIX path."""
    return re.sub(r"[^.\-_/#A-Za-z0-9]", "_", path)


class GlobsTest(harness.MotoTestCase):
    def write_lines(self, path, prefix, count):
        with open(path, "a") as f:
            for i in range(count):
                f.write(f"{prefix}-{i:05d}\n")
        return [f"{prefix}-{i:05d}" for i in range(count)]

    def start(self, config):
        # Its log goes to a file: a pipe nobody reads could fill and stop it.
        with open(self.work.file("agent.log"), "a") as err:
            return subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                                    env=self.env, stderr=err)

    def stop(self, agent):
        agent.send_signal(signal.SIGTERM)
        self.assertEqual(agent.wait(30), 0)

    def assert_exactly(self, got, want, what):
        lost = len(set(want) - set(got))
        repeated = len(got) - len(set(got))
        print(f"\n    {what}: {len(got)} events, lost {lost}, repeated {repeated}", flush=True)
        self.assertEqual(got, want, what)

    def test_without_publish_multi_logs_only_the_newest_match_is_followed(self):
        logs = self.work.file("logs")
        os.makedirs(logs)
        today = datetime.date.today()
        names = [os.path.join(logs, f"app-{today - datetime.timedelta(days=d)}.log")
                 for d in (2, 1, 0)]
        oldest, followed, newer = names
        self.write_lines(oldest, "oldest", 20)
        first = self.write_lines(followed, "followed", 100)
        past = time.time() - 3600
        os.utime(oldest, (past, past))  # clearly older than `followed`
        group = "/it/globs/newest"
        config = self.work.write_config(self.moto.url, [
            {"file_path": os.path.join(logs, "app-*.log"), "log_group_name": group,
             "log_stream_name": "s"}])
        agent = self.start(config)
        try:
            harness.wait_until(lambda: len(self.messages(group, "s")) >= len(first), 60,
                               "the newest file's lines")
            # The followed file gets its last lines, then a newer file
            # appears: those lines still arrive, before the newer file's.
            last = self.write_lines(followed, "followed-last", 50)
            new = self.write_lines(newer, "newer", 80)
            want = first + last + new
            harness.wait_until(lambda: len(self.messages(group, "s")) >= len(want), 60,
                               "the newer file's lines")
            more = self.write_lines(newer, "newer-more", 30)
            want += more
            harness.wait_until(lambda: len(self.messages(group, "s")) >= len(want), 60,
                               "lines appended to the newer file")
            self.stop(agent)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
        self.assert_exactly(self.messages(group, "s"), want, "newest match, running")
        # Restart: the checkpoint of the newer file holds.
        after = self.write_lines(newer, "after-restart", 40)
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)
        self.assert_exactly(self.messages(group, "s"), want + after, "newest match, restarted")

    def test_without_publish_multi_logs_files_written_in_turn_are_all_read_promptly(self):
        # The agent's tailer of a match goes on when a newer match appears
        # (plugins/inputs/logfile/logfile.go stops none): lines written to
        # the older file afterwards are delivered too, without a restart,
        # as promptly as the newest file's, each file's in its order.
        logs = self.work.file("logs")
        os.makedirs(logs)
        a, b = os.path.join(logs, "a.log"), os.path.join(logs, "b.log")

        def write(path, prefix, count):
            # Bytes that must come back as they are: UTF-8, tabs, quotes.
            lines = [f"{prefix}-{i:03d}\tcaf\u00e9 \u2713 \"q\" \\ end" for i in range(count)]
            with open(path, "a", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in lines))
            return lines

        want = {a: write(a, "a-r0", 20), b: []}
        group = "/it/globs/turns"
        config = self.work.write_config(self.moto.url, [
            {"file_path": os.path.join(logs, "*.log"), "log_group_name": group,
             "log_stream_name": "s"}])
        total = lambda: sum(len(lines) for lines in want.values())
        agent = self.start(config)
        delays = []
        try:
            harness.wait_until(lambda: len(self.messages(group, "s")) >= total(), 60,
                               "the first file's lines")
            for r in range(1, 5):
                for path, name in ((b, "b"), (a, "a")):
                    want[path] += write(path, f"{name}-r{r}", 30)
                    began = time.monotonic()
                    # Well within the 10 s rescan: found by following, not
                    # by looking for files again.
                    harness.wait_until(lambda: len(self.messages(group, "s")) >= total(), 8,
                                       f"round {r}: lines written to {name}.log")
                    delays.append(time.monotonic() - began)
            self.stop(agent)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
        print(f"\n    delivered {len(delays)} rounds, slowest {max(delays):.2f} s", flush=True)
        got = self.messages(group, "s")
        self.assert_exactly(sorted(got), sorted(want[a] + want[b]), "two files in turn")
        for path, name in ((a, "a"), (b, "b")):
            mine = [m for m in got if m.startswith(name + "-")]
            self.assertEqual(mine, want[path], f"{name}.log's lines in its order")

    def test_with_publish_multi_logs_every_match_has_its_own_stream(self):
        logs = self.work.file("logs")
        other = self.work.file("other")
        os.makedirs(logs)
        os.makedirs(other)
        a, b, c = (os.path.join(logs, n) for n in ("a.log", "b.log", "c.log"))
        x = os.path.join(other, "x.txt")
        want = {a: self.write_lines(a, "a", 30), b: self.write_lines(b, "b", 40),
                x: self.write_lines(x, "x", 10)}
        group = "/it/globs/multi"
        config = self.work.write_config(self.moto.url, [
            {"file_path": os.path.join(logs, "*.log"), "log_group_name": group,
             "log_stream_name": "s", "publish_multi_logs": True},
            # No group: one per file, named after its path.
            {"file_path": os.path.join(other, "*.txt"), "log_stream_name": "s2",
             "publish_multi_logs": True}])

        def where(path):
            if path == x:
                return path_name(x), "s2"
            return group, "s_" + path_name(path).replace("/", "_")

        def arrived():
            return all(len(self.messages(*where(p))) >= len(lines) for p, lines in want.items())

        agent = self.start(config)
        try:
            harness.wait_until(arrived, 60, "every file's lines")
            want[c] = self.write_lines(c, "c", 25)  # a new match while running
            want[a] += self.write_lines(a, "a-more", 15)
            harness.wait_until(arrived, 60, "the new file's lines")
            self.stop(agent)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
        streams = self.logs.describe_log_streams(logGroupName=group)["logStreams"]
        self.assertEqual(sorted(s["logStreamName"] for s in streams),
                         sorted(where(p)[1] for p in (a, b, c)))
        for p, lines in want.items():
            self.assert_exactly(self.messages(*where(p)), lines, "publish_multi_logs " + p)
        # Restart: every file resumes at its own checkpoint.
        want[b] += self.write_lines(b, "b-after", 20)
        want[x] += self.write_lines(x, "x-after", 5)
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)
        for p, lines in want.items():
            self.assert_exactly(self.messages(*where(p)), lines,
                                "publish_multi_logs restarted " + p)


if __name__ == "__main__":
    unittest.main()
