"""GET /metrics and /health of a running agent: the exposition read with
Prometheus' own parser (prometheus_client), its figures checked against
what the test wrote and what the endpoint received; health against lag."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import unittest

import harness
from faulty_cloudwatch import Fault, FaultyCloudWatch

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # a Python of its own (a venv, pyenv): Debian's package is pure Python
    sys.path.append("/usr/lib/python3/dist-packages")
    from prometheus_client.parser import text_string_to_metric_families

GROUP = "/it/metrics"


def get(address, path, method="GET"):
    """(status, content type, body) of one request to the agent."""
    host, port = address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path)
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type"), r.read().decode()
    finally:
        conn.close()


def scrape(address):
    """{(name, ((label, value), ...)): value} of every sample, parsed by
    prometheus_client; also checks every family has a type and help."""
    status, content_type, body = get(address, "/metrics")
    assert status == 200, (status, body)
    assert content_type.startswith("text/plain; version=0.0.4"), content_type
    samples = {}
    for family in text_string_to_metric_families(body):
        assert family.type in ("counter", "gauge"), (family.name, family.type)
        assert family.documentation, family.name
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


class MetricsTestMixin:
    def start(self, config, env):
        self.stderr_path = self.work.file("agent.stderr")
        stderr = open(self.stderr_path, "wb")
        self.addCleanup(stderr.close)
        agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=env,
                                 stderr=stderr)
        self.addCleanup(lambda: agent.poll() is None and (agent.kill(), agent.wait()))
        harness.wait_until(lambda: "serving /metrics" in self.log_text() or
                           agent.poll() is not None, 30, "the agent to serve")
        return agent

    def log_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, agent):
        agent.send_signal(signal.SIGTERM)
        self.assertEqual(agent.wait(30), 0, self.log_text())


class MetricsAgainstMotoTest(MetricsTestMixin, harness.MotoTestCase):

    def test_figures_match_what_was_written_and_what_cloudwatch_stored(self):
        lines = [f"metrics line {i:04d} " .encode() + b"x" * (i % 50) for i in range(500)]
        path = self.work.write_log("app.log", lines)
        address = f"127.0.0.1:{harness.free_port()}"
        config = self.work.write_config(
            self.moto.url,
            [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "s"}],
            edgelog={"http_server": {"listen": address}})
        agent = self.start(config, self.env)
        self.assertIn(f"serving /metrics and /health on http://{address}", self.log_text())
        harness.wait_until(
            lambda: value(scrape(address), "edgelog_sent_events_total") >= 500, 60,
            "every line sent")
        samples = scrape(address)
        stored = self.messages(GROUP, "s")
        self.assertEqual(stored, [l.decode() for l in lines])
        self.assertEqual(value(samples, "edgelog_read_events_total"), 500)
        self.assertEqual(value(samples, "edgelog_read_bytes_total"), os.path.getsize(path))
        self.assertEqual(value(samples, "edgelog_sent_events_total"), len(stored))
        self.assertGreater(value(samples, "edgelog_sent_bytes_total"), 0)
        self.assertLess(value(samples, "edgelog_sent_bytes_total"), os.path.getsize(path),
                        "bodies are gzipped")
        self.assertGreaterEqual(value(samples, "edgelog_requests_total", outcome="ok"), 1)
        # A first delivery creates its stream: ResourceNotFound, then created.
        self.assertGreaterEqual(value(samples, "edgelog_requests_total", outcome="setup"), 1)
        for outcome in ("throttled", "server_error", "client_error", "auth_error",
                        "transport_error"):
            self.assertEqual(value(samples, "edgelog_requests_total", outcome=outcome), 0)
        self.assertEqual(value(samples, "edgelog_files_followed"), 1)
        self.assertEqual(value(samples, "edgelog_oldest_undelivered_age_seconds",
                               log_group=GROUP, log_stream="s"), 0)
        self.assertEqual(value(samples, "edgelog_rejected_events_total", reason="too_old"), 0)
        self.assertEqual(value(samples, "edgelog_credentials_valid"), 1)
        self.assertEqual(value(samples, "edgelog_credentials_expiry_timestamp_seconds"), 0,
                         "long-term keys do not expire")
        self.assertEqual(value(samples, "edgelog_health_ok"), 1)
        status, _, body = get(address, "/health")
        self.assertEqual(status, 200, body)
        self.assertTrue(body.startswith("ok: "), body)
        self.assertEqual(get(address, "/nothing")[0], 404)
        status, _, body = get(address, "/metrics", method="HEAD")
        self.assertEqual((status, body), (200, ""))
        self.assertEqual(get(address, "/metrics", method="POST")[0], 405)
        self.stop(agent)

    def test_scrapes_of_a_slowed_agent_add_up_while_lines_are_written(self):
        """Scraped every 50 ms while lines are appended and the agent runs a
        third of the time beside a busy CPU: every scrape answers, counters
        never go back, and the last one matches what arrived."""
        path = self.work.file("app.log")
        open(path, "w").close()
        address = f"127.0.0.1:{harness.free_port()}"
        config = self.work.write_config(
            self.moto.url,
            [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "slowed"}],
            edgelog={"http_server": {"listen": address}})
        agent = self.start(config, self.env)
        lines = [f"slowed line {i:05d}" for i in range(3000)]
        seen = []
        with harness.Slowed(agent):
            for start in range(0, len(lines), 100):
                with open(path, "a") as f:
                    f.write("".join(l + "\n" for l in lines[start:start + 100]))
                seen.append(scrape(address))
                time.sleep(0.05)
            harness.wait_until(
                lambda: value(scrape(address), "edgelog_sent_events_total") >= len(lines), 120,
                "every line sent")
        for name in ("edgelog_read_events_total", "edgelog_sent_events_total",
                     "edgelog_read_bytes_total"):
            figures = [value(s, name) for s in seen]
            self.assertEqual(figures, sorted(figures), f"{name} went back")
        final = scrape(address)
        self.assertEqual(self.messages(GROUP, "slowed"), lines)
        self.assertEqual(value(final, "edgelog_read_events_total"), len(lines))
        self.assertEqual(value(final, "edgelog_sent_events_total"), len(lines))
        self.assertEqual(value(final, "edgelog_read_bytes_total"), os.path.getsize(path))
        self.stop(agent)

    def test_off_unless_configured_and_a_busy_address_is_named(self):
        path = self.work.write_log("app.log", [b"one"])
        entries = [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "off"}]
        config = self.work.write_config(self.moto.url, entries)
        code, log = harness.run_once(config, self.env)
        self.assertEqual(code, 0, log)
        self.assertNotIn("serving /metrics", log)

        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        self.addCleanup(busy.close)
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        config = self.work.write_config(self.moto.url, entries,
                                        edgelog={"http_server": {"listen": address}})
        code, log = harness.run_once(config, self.env)
        self.assertEqual(code, 1, log)
        self.assertIn(f"edgelog.http_server.listen: cannot serve on {address}", log)

        config = self.work.write_config(
            self.moto.url, entries,
            edgelog={"http_server": {"listen": "127.0.0.1:99999"}})
        code, log = harness.run_once(config, self.env)
        self.assertEqual(code, 2, log)
        self.assertIn("edgelog.http_server.listen", log)

    def test_a_reload_moves_the_address(self):
        path = self.work.write_log("app.log", [b"one"])
        entries = [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "moved"}]
        first = f"127.0.0.1:{harness.free_port()}"
        config = self.work.write_config(self.moto.url, entries,
                                        edgelog={"http_server": {"listen": first}})
        agent = self.start(config, self.env)
        harness.wait_until(lambda: self.messages(GROUP, "moved") == ["one"], 60, "the line")
        self.assertEqual(get(first, "/health")[0], 200)
        second = f"127.0.0.1:{harness.free_port()}"
        self.work.write_config(self.moto.url, entries,
                               edgelog={"http_server": {"listen": second}})
        agent.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "reloaded " in self.log_text(), 60, "the reload")
        self.assertEqual(get(second, "/health")[0], 200)
        with self.assertRaises(ConnectionRefusedError):
            get(first, "/health")
        self.stop(agent)


    def test_a_reload_keeping_the_port_can_change_the_address(self):
        path = self.work.write_log("app.log", [b"one"])
        entries = [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "port"}]
        port = harness.free_port()
        config = self.work.write_config(self.moto.url, entries,
                                        edgelog={"http_server": {"listen": f"127.0.0.1:{port}"}})
        agent = self.start(config, self.env)
        harness.wait_until(lambda: self.messages(GROUP, "port") == ["one"], 60, "the line")
        self.work.write_config(self.moto.url, entries,
                               edgelog={"http_server": {"listen": f"localhost:{port}"}})
        agent.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "reloaded " in self.log_text(), 60, "the reload")
        self.assertNotIn("reload refused", self.log_text())
        self.assertEqual(get(f"127.0.0.1:{port}", "/health")[0], 200)
        # Every address on the same port: the old socket goes first.
        self.work.write_config(self.moto.url, entries,
                               edgelog={"http_server": {"listen": f"0.0.0.0:{port}"}})
        agent.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: self.log_text().count("reloaded ") == 2, 60, "the reload")
        self.assertIn(f"serving /metrics and /health on http://0.0.0.0:{port}", self.log_text())
        self.assertEqual(get(f"127.0.0.1:{port}", "/health")[0], 200)
        self.stop(agent)


class MetricsUnderFaultsTest(MetricsTestMixin, unittest.TestCase):

    def setUp(self):
        self.work = harness.Workdir()
        self.addCleanup(self.work.remove)
        self.cw = FaultyCloudWatch().start()
        self.addCleanup(self.cw.stop)
        self.env = harness.agent_env("AKIDEXAMPLE", "secret")

    def test_throttles_and_outcomes_match_what_the_endpoint_answered(self):
        path = self.work.write_log("app.log", [b"first"])
        address = f"127.0.0.1:{harness.free_port()}"
        config = self.work.write_config(
            self.cw.url,
            [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "t"}],
            edgelog={"http_server": {"listen": address}})
        self.cw.set_fault(Fault.THROTTLE, count=3)
        agent = self.start(config, self.env)
        harness.wait_until(lambda: self.cw.messages(GROUP, "t") == ["first"], 60,
                           "the line, once the throttling ends")
        harness.wait_until(lambda: value(scrape(address), "edgelog_sent_events_total") == 1,
                           30, "the acknowledgement")
        samples = scrape(address)
        stats = self.cw.stats()
        self.assertEqual(stats.get("fault:throttle"), 3)
        self.assertEqual(value(samples, "edgelog_throttles_total"), 3)
        self.assertEqual(value(samples, "edgelog_requests_total", outcome="throttled"), 3)
        answered = sum(value(samples, "edgelog_requests_total", outcome=o)
                       for o in ("ok", "throttled", "server_error", "setup", "client_error",
                                 "auth_error", "transport_error"))
        self.assertEqual(answered, stats["requests"])
        self.assertGreaterEqual(value(samples, "edgelog_retries_total"), 3)
        self.stop(agent)

    def test_health_turns_bad_with_lag_and_good_once_delivered(self):
        path = self.work.write_log("app.log", [b"first"])
        address = f"127.0.0.1:{harness.free_port()}"
        config = self.work.write_config(
            self.cw.url,
            [{"file_path": path, "log_group_name": GROUP, "log_stream_name": "h"}],
            edgelog={"http_server": {"listen": address}, "health": {"max_lag_seconds": 3}})
        agent = self.start(config, self.env)
        harness.wait_until(lambda: self.cw.messages(GROUP, "h") == ["first"], 60, "first")
        self.assertEqual(get(address, "/health")[0], 200)

        self.cw.set_fault(Fault.UNAVAILABLE)
        with open(path, "ab") as f:
            f.write(b"second\n")
        harness.wait_until(lambda: get(address, "/health")[0] == 503, 30, "health to turn bad")
        status, _, body = get(address, "/health")
        self.assertIn("lagging: oldest undelivered line", body)
        self.assertIn("edgelog.health.max_lag_seconds", body)
        samples = scrape(address)
        self.assertGreaterEqual(value(samples, "edgelog_oldest_undelivered_age_seconds",
                                      log_group=GROUP, log_stream="h")
                                + value(samples, "edgelog_buffer_oldest_age_seconds"), 3)
        self.assertGreater(value(samples, "edgelog_requests_total", outcome="server_error"), 0)
        self.assertEqual(value(samples, "edgelog_health_ok"), 0)

        self.cw.heal()
        harness.wait_until(lambda: self.cw.messages(GROUP, "h") == ["first", "second"], 60,
                           "the second line")
        harness.wait_until(lambda: get(address, "/health")[0] == 200, 30, "health to recover")
        self.stop(agent)


if __name__ == "__main__":
    unittest.main()
