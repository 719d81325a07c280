"""SIGHUP reloads the configuration under a running agent: entries added,
removed and changed while lines are being written, counting every line
lost or repeated; a configuration that cannot run leaves the agent running
on the one it had."""
import os
import signal
import subprocess
import threading
import time
import unittest

import harness

GROUP = "/it/reload"


class Writer:
    """Appends numbered lines to files from a thread, a few every 10 ms."""

    def __init__(self, paths):
        self.paths = {p: 0 for p in paths}
        self.lock = threading.Lock()
        self.stopped = set()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.done.is_set():
            with self.lock:
                for path in self.paths:
                    if path in self.stopped:
                        continue
                    n = self.paths[path]
                    name = os.path.basename(path)
                    with open(path, "a") as f:
                        f.write("".join(f"{name} line {i:06d}\n" for i in range(n, n + 5)))
                    self.paths[path] = n + 5
            time.sleep(0.01)

    def start(self):
        self.thread.start()
        return self

    def stop_writing(self, path):
        """Stops writing `path`; how many lines it holds."""
        with self.lock:
            self.stopped.add(path)
            return self.paths[path]

    def stop(self):
        self.done.set()
        self.thread.join()
        return dict(self.paths)


def numbered(path, count):
    name = os.path.basename(path)
    return [f"{name} line {i:06d}" for i in range(count)]


class ReloadTest(harness.MotoTestCase):

    def entry(self, path, stream):
        return {"file_path": path, "log_group_name": GROUP, "log_stream_name": stream}

    def start(self, config):
        self.stderr_path = self.work.file("agent.stderr")
        self.stderr = open(self.stderr_path, "wb")
        agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                 stderr=self.stderr)
        self.addCleanup(self.stderr.close)
        self.addCleanup(lambda: agent.poll() is None and (agent.kill(), agent.wait()))
        return agent

    def log_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def reload(self, agent, what):
        """SIGHUP, then waits for the log to say the reload is done."""
        before = self.log_text().count("reloaded ")
        agent.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: self.log_text().count("reloaded ") > before, 60, what)

    def test_entries_added_removed_and_changed_while_lines_are_written(self):
        a, b, c = (self.work.file(n) for n in ("a.log", "b.log", "c.log"))
        for p in (a, b, c):
            open(p, "w").close()
        config = self.work.write_config(self.moto.url, [self.entry(a, "a"), self.entry(b, "b")])
        agent = self.start(config)
        writer = Writer([a, b, c]).start()
        try:
            harness.wait_until(lambda: len(self.messages(GROUP, "b")) >= 50, 60, "b's first lines")
            # b moves to another stream (its checkpoints go with it), c comes.
            self.work.write_config(self.moto.url, [
                self.entry(a, "a"), self.entry(b, "b2"), self.entry(c, "c")])
            self.reload(agent, "the first reload")
            harness.wait_until(lambda: len(self.messages(GROUP, "b2")) >= 50, 60,
                               "b's lines in its new stream")
            # a goes: what was read of it is delivered, nothing after.
            a_written = writer.stop_writing(a)
            a_before = len(self.messages(GROUP, "a"))
            self.work.write_config(self.moto.url, [self.entry(b, "b2"), self.entry(c, "c")])
            self.reload(agent, "the second reload")
            harness.wait_until(lambda: len(self.messages(GROUP, "c")) >= 200, 60, "c's lines")
            written = writer.stop()
            harness.wait_until(
                lambda: len(self.messages(GROUP, "b")) + len(self.messages(GROUP, "b2"))
                >= written[b] and len(self.messages(GROUP, "c")) >= written[c], 60,
                "every line of b and c")
            agent.send_signal(signal.SIGTERM)
            self.assertEqual(agent.wait(30), 0)
        finally:
            if not writer.done.is_set():
                writer.stop()
        log = self.log_text()
        self.assertIn("carried 1 checkpoint(s)", log)
        # b: every line once, in order, split between its two streams.
        self.assertEqual(self.messages(GROUP, "b") + self.messages(GROUP, "b2"),
                         numbered(b, written[b]))
        self.assertGreater(len(self.messages(GROUP, "b")), 0)
        # c: read from its start once its entry came.
        self.assertEqual(self.messages(GROUP, "c"), numbered(c, written[c]))
        # a: what was read of it before it went (at least what had arrived
        # before the reload), every line once, in order.
        got_a = self.messages(GROUP, "a")
        self.assertEqual(got_a, numbered(a, len(got_a)))
        self.assertGreaterEqual(len(got_a), a_before)
        self.assertLessEqual(len(got_a), a_written)

    def test_systemd_is_told_when_it_runs_and_a_reload_at_once_after_is_taken(self):
        """Type=notify: READY=1 on $NOTIFY_SOCKET once the loop is about to
        run, which is when systemd lets `systemctl reload` through."""
        import socket
        path = self.work.write_log("app.log", [b"before"])
        config = self.work.write_config(self.moto.url, [self.entry(path, "n")])
        notify_path = self.work.file("notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(notify_path)
        self.addCleanup(sock.close)
        sock.settimeout(60)
        saved = self.env
        self.env = dict(saved, NOTIFY_SOCKET=notify_path)
        try:
            agent = self.start(config)
        finally:
            self.env = saved
        self.assertEqual(sock.recv(64), b"READY=1")
        agent.send_signal(signal.SIGHUP)  # at once, as systemctl reload may
        harness.wait_until(lambda: "reloaded " in self.log_text(), 60, "the reload")
        self.assertIsNone(agent.poll())
        harness.wait_until(lambda: self.messages(GROUP, "n") == ["before"], 60, "the line")
        agent.send_signal(signal.SIGTERM)
        self.assertEqual(agent.wait(30), 0)
        self.assertEqual(sock.recv(64), b"STOPPING=1")

    def test_a_configuration_that_cannot_run_leaves_the_agent_running(self):
        path = self.work.write_log("app.log", [b"before"])
        config = self.work.write_config(self.moto.url, [self.entry(path, "s")])
        agent = self.start(config)
        harness.wait_until(lambda: self.messages(GROUP, "s") == ["before"], 60, "the first line")
        with open(config) as f:
            good = f.read()
        with open(config, "w") as f:
            f.write(good.replace('"log_stream_name": "s"', '"log_stream_name": "s", "bogus": 1'))
        agent.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "reload refused" in self.log_text(), 60, "the refusal")
        self.assertIn("bogus", self.log_text())
        # The reason is the agent's last error, for `edgelog status`.
        last_error = os.path.join(self.work.state, "last_error.json")
        harness.wait_until(lambda: os.path.exists(last_error) and
                           "bogus" in open(last_error).read(), 30, "the reason kept")
        with open(path, "a") as f:
            f.write("after a refused reload\n")
        harness.wait_until(
            lambda: self.messages(GROUP, "s") == ["before", "after a refused reload"], 60,
            "a line written after the refused reload")
        self.assertIsNone(agent.poll())
        # Moving the state directory takes a restart: refused too.
        with open(config, "w") as f:
            f.write(good.replace(self.work.state, self.work.state + "-elsewhere"))
        agent.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "takes a restart" in self.log_text(), 60, "the refusal")
        # And a good one is taken.
        with open(config, "w") as f:
            f.write(good.replace('"log_stream_name": "s"', '"log_stream_name": "t"'))
        self.reload(agent, "the reload")
        with open(path, "a") as f:
            f.write("after the reload\n")
        harness.wait_until(lambda: self.messages(GROUP, "t") == ["after the reload"], 60,
                           "the line in the new stream")
        agent.send_signal(signal.SIGTERM)
        self.assertEqual(agent.wait(30), 0)
        self.assertEqual(self.messages(GROUP, "s"), ["before", "after a refused reload"])

    def test_reloads_under_a_slowed_agent_lose_and_repeat_nothing(self):
        path = self.work.file("app.log")
        open(path, "w").close()
        config = self.work.write_config(self.moto.url, [self.entry(path, "slow")])
        agent = self.start(config)
        writer = Writer([path]).start()
        try:
            with harness.Slowed(agent):
                for i in range(4):
                    harness.wait_until(lambda: len(self.messages(GROUP, "slow")) > 100 * i, 120,
                                       "lines between reloads")
                    self.reload(agent, f"reload {i}")
            written = writer.stop()[path]
            harness.wait_until(lambda: len(self.messages(GROUP, "slow")) >= written, 60,
                               "every line")
            agent.send_signal(signal.SIGTERM)
            self.assertEqual(agent.wait(30), 0)
        finally:
            if not writer.done.is_set():
                writer.stop()
        self.assertEqual(self.messages(GROUP, "slow"), numbered(path, written))


class ReloadDuringAnOutageTest(unittest.TestCase):
    """A reload while CloudWatch is unreachable: what was read waits in the
    disk buffer through the reload and goes once the endpoint is back."""

    IDENTITY = ("AKIAEDGELOGRELOAD001", "reload-test-secret-key-00000000000000000")

    def setUp(self):
        self.work = harness.Workdir()
        self.moto = harness.Moto()  # its port reserved; nothing listens yet
        self.addCleanup(self.work.remove)
        self.addCleanup(self.moto.stop)

    def test_lines_read_before_a_reload_in_an_outage_arrive_once(self):
        path = self.work.file("app.log")
        open(path, "w").close()
        entry = {"file_path": path, "log_group_name": GROUP, "log_stream_name": "outage"}
        config = self.work.write_config(self.moto.url, [entry],
                                        edgelog={"http": {"connect_timeout": 1}})
        stderr_path = self.work.file("agent.stderr")
        with open(stderr_path, "wb") as stderr:
            agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                                     env=harness.agent_env(*self.IDENTITY), stderr=stderr)
        self.addCleanup(lambda: agent.poll() is None and (agent.kill(), agent.wait()))

        def log_text():
            with open(stderr_path, "rb") as f:
                return f.read().decode(errors="replace")

        writer = Writer([path]).start()
        try:
            harness.wait_until(lambda: "PutLogEvents" in log_text() or
                               "connect" in log_text(), 60, "the first failed send")
            agent.send_signal(signal.SIGHUP)
            harness.wait_until(lambda: "reloaded " in log_text(), 60, "the reload")
            self.assertIn("reloading with data not yet acknowledged", log_text())
            time.sleep(0.5)  # lines written after the reload, still in the outage
            written = writer.stop()[path]
        finally:
            if not writer.done.is_set():
                writer.stop()
        self.moto.start(identity=self.IDENTITY)
        logs = harness.client("logs", self.moto.url, *self.IDENTITY)

        def got():
            try:
                return [e["message"] for e in harness.read_events(logs, GROUP, "outage")]
            except logs.exceptions.ResourceNotFoundException:
                return []
        harness.wait_until(lambda: len(got()) >= written, 120, "every line after the outage")
        agent.send_signal(signal.SIGTERM)
        self.assertEqual(agent.wait(30), 0)
        self.assertEqual(got(), numbered(path, written))


if __name__ == "__main__":
    unittest.main()
