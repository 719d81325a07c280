"""`edgelog status` on the real binary: against the state directory of a
stopped agent and of a running one (delivering to moto, and with its
endpoint down), the numbers checked against what the test wrote. Status
must never disturb the agent: it takes no lock and changes no file."""
import json
import os
import subprocess
import unittest

import harness
from test_outages import Agent


def snapshot(state_dir):
    """Every entry under `state_dir`: its identity, size and modification
    time, to tell whether anything was written, moved or replaced."""
    out = {}
    for root, dirs, files in os.walk(state_dir):
        for name in dirs + files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            out[path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


class StatusTest(harness.MotoTestCase):
    def status(self, *args):
        """`edgelog status ARGS`: (exit code, stdout, stderr)."""
        proc = subprocess.run([harness.EDGELOG, "status", *args], env=self.env,
                              capture_output=True, timeout=30)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode(errors="replace")

    def status_json(self, config):
        code, out, err = self.status("--config", config, "--json")
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def write_lines(self, path, prefix, count):
        """Appends `count` lines; returns the bytes written."""
        data = "".join(f"{prefix}-{i:05d} some payload\n" for i in range(count)).encode()
        with open(path, "ab") as f:
            f.write(data)
        return len(data)

    def start_agent(self, config):
        agent = Agent(self.work, config, self.env)
        self.addCleanup(agent.cleanup)
        return agent.start()

    def test_a_stopped_agents_state_shows_offsets_and_lag(self):
        path = self.work.file("app.log")
        written = self.write_lines(path, "a", 200)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/status/stopped", "log_stream_name": "s"}])
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)

        before = snapshot(self.work.state)
        st = self.status_json(config)
        self.assertIs(st["running"], False)
        self.assertEqual(st["state_dir"], self.work.state)
        self.assertEqual(len(st["files"]), 1, st)
        f = st["files"][0]
        self.assertEqual((f["path"], f["state"], f["size"], f["offset"], f["lag"]),
                         (path, "followed", written, written, 0))
        self.assertEqual(f["entry"], "/it/status/stopped:s")
        self.assertEqual(st["buffer"]["batches"], 0)
        self.assertEqual(st["rejected"]["lines"], 0)
        self.assertIsNone(st["last_error"])

        more = self.write_lines(path, "b", 30)
        st = self.status_json(config)
        self.assertEqual((st["files"][0]["size"], st["files"][0]["lag"]), (written + more, more))

        code, out, err = self.status("--state-dir", self.work.state)
        self.assertEqual(code, 0, err)
        self.assertIn("agent:      not running", out)
        self.assertIn(f"{written + more:>12}{written:>12}{more:>12}  {path} (/it/status/stopped:s)",
                      out)
        self.assertEqual(snapshot(self.work.state), before, "status changed the state directory")

        os.rename(path, path + ".1")
        st = self.status_json(config)
        self.assertEqual((st["files"][0]["state"], st["files"][0]["lag"]), ("gone", None))

    def test_a_running_agent_is_seen_and_not_disturbed(self):
        path = self.work.file("live.log")
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/status/running", "log_stream_name": "s"}])
        written = self.write_lines(path, "a", 100)
        agent = self.start_agent(config)

        def delivered():
            if not os.path.isdir(self.work.state):  # the agent is starting
                return None
            st = self.status_json(config)
            files = st["files"]
            return st if files and files[0]["offset"] == written else None
        st = harness.wait_until(delivered, 60, f"offset {written} in status")
        self.assertIs(st["running"], True)
        self.assertEqual((st["files"][0]["size"], st["files"][0]["lag"]), (written, 0))
        self.assertEqual(len(self.messages("/it/status/running", "s")), 100)

        # Looked at many times, the agent goes on: new lines arrive, its
        # lock is still its own (a second agent is refused).
        for _ in range(20):
            self.assertEqual(self.status("--config", config)[0], 0)
        written += self.write_lines(path, "b", 50)
        harness.wait_until(lambda: len(self.messages("/it/status/running", "s")) == 150, 60,
                           "the lines written after status ran")
        second = subprocess.run([harness.EDGELOG, "run", "--config", config], env=self.env,
                                capture_output=True, timeout=30)
        self.assertEqual(second.returncode, 1, second.stderr.decode())
        self.assertIn("another edgelog is using", second.stderr.decode())
        self.assertTrue(agent.running(), agent.log_tail())

        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        st = self.status_json(config)
        self.assertIs(st["running"], False)
        self.assertEqual((st["files"][0]["offset"], st["files"][0]["lag"]), (written, 0))

    def test_with_the_endpoint_down_the_buffer_and_the_last_error_show(self):
        path = self.work.file("down.log")
        endpoint = f"http://127.0.0.1:{harness.free_port()}"  # nothing listens there
        config = self.work.write_config(endpoint, [
            {"file_path": path, "log_group_name": "/it/status/down", "log_stream_name": "s"}])
        lines = 300
        written = self.write_lines(path, "a", lines)
        agent = self.start_agent(config)

        def buffered():
            if not os.path.isdir(self.work.state):  # the agent is starting
                return None
            st = self.status_json(config)
            return st if st["buffer"]["events"] == lines and st["last_error"] else None
        st = harness.wait_until(buffered, 60, f"{lines} events in the disk buffer", interval=0.3)
        self.assertIs(st["running"], True)
        self.assertGreaterEqual(st["buffer"]["batches"], 1)
        self.assertGreater(st["buffer"]["bytes"], 0)
        self.assertIsNotNone(st["buffer"]["oldest_event_ms"])
        self.assertGreaterEqual(st["buffer"]["oldest_event_age_s"], 0)
        self.assertIn("PutLogEvents for /it/status/down / s failed", st["last_error"]["message"])
        self.assertGreaterEqual(st["last_error"]["age_s"], 0)
        # What is durable in the buffer counts as delivered for the file:
        # whatever its offset, it and the lag add up to the file's size.
        f = st["files"][0] if st["files"] else None
        if f:
            self.assertEqual(f["offset"] + f["lag"], written)

        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        more = self.write_lines(path, "b", 40)
        st = self.status_json(config)
        self.assertIs(st["running"], False)
        f = st["files"][0]
        self.assertEqual((f["size"], f["offset"], f["lag"]), (written + more, written, more),
                         "read and buffered up to the stop; what came after waits")
        self.assertEqual(st["buffer"]["events"], lines)
        self.assertIn("PutLogEvents for /it/status/down / s failed", st["last_error"]["message"])

        code, out, err = self.status("--config", config)
        self.assertEqual(code, 0, err)
        self.assertIn(f"buffer:     {st['buffer']['batches']} ", out)
        self.assertIn(f"({lines} events, ", out)
        self.assertIn("last error: ", out)
        self.assertIn("PutLogEvents for /it/status/down / s failed", out)

    def test_exit_codes(self):
        code, _, err = self.status("--state-dir", self.work.file("missing"))
        self.assertEqual(code, 1, err)
        self.assertIn("cannot read the state directory", err)
        code, _, err = self.status("--state-dir", "/")
        self.assertEqual(code, 1, err)
        self.assertIn("/ is not an edgelog state directory", err)
        code, _, err = self.status("--state-dir", "relative/dir")
        self.assertEqual(code, 2, err)
        bad = self.work.write_json("bad.json", {"logs": {"nope": 1}})
        code, _, err = self.status("--config", bad)
        self.assertEqual(code, 2, err)


if __name__ == "__main__":
    unittest.main()
