"""make endpoint (tests/demo/endpoint.py): what it prints is enough to run
edgelog against it by hand, it checks signatures, and SIGINT (Ctrl-C) or
SIGTERM stops it and its moto."""
import os
import signal
import socket
import subprocess
import sys
import unittest

import harness

ENDPOINT_PY = os.path.join(harness.ROOT, "tests", "demo", "endpoint.py")


class EndpointTest(unittest.TestCase):
    def setUp(self):
        self.work = harness.Workdir()
        self.addCleanup(self.work.remove)
        self.port = harness.free_port()
        self.proc = subprocess.Popen([sys.executable, ENDPOINT_PY, "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     cwd=harness.ROOT, text=True)
        self.addCleanup(self.stop)
        self.printed = []
        for line in self.proc.stdout:  # ends with the line saying how to stop it
            self.printed.append(line)
            if "Ctrl-C" in line:
                break
        self.exports = {}
        for line in self.printed:
            words = line.split()
            if words[:1] == ["export"]:
                name, _, value = words[1].partition("=")
                self.exports[name] = value

    def stop(self):
        # SIGTERM, which stops its moto too (a SIGKILL would leave moto running).
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()

    def edgelog(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(self.exports)
        proc = subprocess.run([harness.EDGELOG, *args], env=env, capture_output=True,
                              timeout=120)
        return proc.returncode, proc.stdout.decode() + proc.stderr.decode()

    def config(self):
        path = self.work.write_log("app.log", [b"one", b"two"])
        return self.work.write_json("config.json", {
            "agent": {}, "edgelog": {"state_dir": self.work.state},
            "logs": {"force_flush_interval": 1, "logs_collected": {"files": {"collect_list": [
                {"file_path": path, "log_group_name": "/it/endpoint", "log_stream_name": "s"}]}}}})

    def test_prints_every_variable_edgelog_needs_and_the_commands(self):
        text = "".join(self.printed)
        self.assertEqual(sorted(self.exports), [
            "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_EC2_METADATA_DISABLED",
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_REGION", "AWS_SECRET_ACCESS_KEY"], text)
        self.assertEqual(self.exports["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"],
                         f"http://127.0.0.1:{self.port}")
        self.assertEqual(self.exports["AWS_REGION"], harness.REGION)
        self.assertEqual(self.exports["AWS_EC2_METADATA_DISABLED"], "true")
        self.assertIn(" run -c ", text)
        self.assertIn(" doctor -c ", text)

    def test_edgelog_ships_to_it_with_what_it_printed(self):
        config = self.config()
        code, out = self.edgelog("doctor", "-c", config)
        self.assertEqual(code, 0, out)
        self.assertIn("GetCallerIdentity skipped", out)
        code, out = self.edgelog("run", "-c", config, "--once")
        self.assertEqual(code, 0, out)
        logs = harness.client("logs", self.exports["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"],
                              self.exports["AWS_ACCESS_KEY_ID"],
                              self.exports["AWS_SECRET_ACCESS_KEY"])
        events = harness.read_events(logs, "/it/endpoint", "s")
        self.assertEqual([e["message"] for e in events], ["one", "two"])

    def test_signatures_are_checked(self):
        logs = harness.client("logs", self.exports["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"],
                              self.exports["AWS_ACCESS_KEY_ID"], "not-the-secret")
        with self.assertRaises(Exception) as refused:
            logs.describe_log_groups()
        self.assertIn("Signature", str(refused.exception))

    def assert_signal_stops_it_and_moto(self, sig):
        self.proc.send_signal(sig)
        self.assertEqual(self.proc.wait(30), 0, sig)
        harness.wait_until(self.port_is_closed, 10, f"moto gone after {sig}")

    def test_sigint_stops_it_and_moto(self):
        self.assert_signal_stops_it_and_moto(signal.SIGINT)

    def test_sigterm_stops_it_and_moto(self):
        self.assert_signal_stops_it_and_moto(signal.SIGTERM)

    def port_is_closed(self):
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) != 0

if __name__ == "__main__":
    unittest.main()
