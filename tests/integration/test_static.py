"""The static binaries in an empty root (bubblewrap): nothing but the binary,
a CA file, /etc/hosts and its data (and, for ARM64, qemu-aarch64-static).
They ship over TLS to moto behind a TLS terminator whose certificate is for
localhost, and refuse, saying why, when the CA they are given did not sign it.

Needs the static binaries (make static, make static TARGET=aarch64; .ci/run
builds both first): a binary not built is a skipped test, and the summary
counts a skip as a failure. Run by make static-test, not by make test."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness
import tls_terminator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QEMU = shutil.which("qemu-aarch64-static")
BINARIES = {
    "amd64": (os.path.join(ROOT, "build", "static", "edgelog"), None),
    "arm64": (os.path.join(ROOT, "build", "aarch64-static", "edgelog"), QEMU),
}
GROUP = "/it/static"


def bwrap_usable():
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"],
                           capture_output=True)
    return probe.returncode == 0


class StaticBinaryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not bwrap_usable():
            raise unittest.SkipTest("bubblewrap (bwrap) is missing or cannot make a sandbox")
        cls.certs = tempfile.mkdtemp(prefix="edgelog-tls-")
        cls.ca = tls_terminator.make_ca(cls.certs, "ca")
        cls.other_ca = tls_terminator.make_ca(cls.certs, "other-ca")
        server = tls_terminator.make_server_cert(cls.certs, cls.ca)
        cls.moto = harness.Moto().start()
        cls.key_id, cls.secret = cls.moto.create_identity()
        cls.logs = harness.client("logs", cls.moto.url, cls.key_id, cls.secret)
        cls.tls = tls_terminator.TlsTerminator(*server, cls.moto.port).start()

    @classmethod
    def tearDownClass(cls):
        cls.tls.stop()
        cls.moto.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="edgelog-root-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def binary(self, arch):
        path, runner = BINARIES[arch]
        if not os.path.exists(path):
            self.skipTest(f"{os.path.relpath(path, ROOT)} not built (make static"
                          f"{' TARGET=aarch64' if arch == 'arm64' else ''})")
        if arch == "arm64" and not QEMU:
            self.skipTest("qemu-aarch64-static is missing")
        kind = subprocess.run(["file", "-b", path], capture_output=True, text=True).stdout
        self.assertIn("statically linked", kind)
        return path, runner

    def run_in_empty_root(self, arch, stream, ca_file, ca_in_root, lines, timeout=180):
        """Writes `lines` to /data/app.log in a fresh root and runs
        `edgelog run --once` there; returns (exit code, log)."""
        binary, runner = self.binary(arch)
        data = os.path.join(self.work, "data")
        os.makedirs(data)
        with open(os.path.join(data, "app.log"), "wb") as f:
            f.write(b"".join(line + b"\n" for line in lines))
        hosts = os.path.join(self.work, "hosts")
        with open(hosts, "w") as f:
            f.write("127.0.0.1 localhost\n")
        config = {
            "agent": {"region": harness.REGION},
            "logs": {"endpoint_override": f"https://localhost:{self.tls.port}",
                     "force_flush_interval": 1,
                     "logs_collected": {"files": {"collect_list": [{
                         "file_path": "/data/app.log", "log_group_name": GROUP,
                         "log_stream_name": stream}]}}},
            "edgelog": {"state_dir": "/data/state"},
        }
        with open(os.path.join(data, "config.json"), "w") as f:
            import json
            json.dump(config, f)
        args = ["bwrap", "--unshare-all", "--share-net", "--die-with-parent",
                "--clearenv", "--setenv", "AWS_ACCESS_KEY_ID", self.key_id,
                "--setenv", "AWS_SECRET_ACCESS_KEY", self.secret,
                "--setenv", "AWS_EC2_METADATA_DISABLED", "true",
                "--ro-bind", binary, "/edgelog",
                "--ro-bind", ca_file, ca_in_root,
                "--ro-bind", hosts, "/etc/hosts",
                "--bind", data, "/data"]
        command = ["/edgelog", "run", "--config", "/data/config.json", "--once"]
        if runner:
            args += ["--ro-bind", runner, "/qemu"]
            command = ["/qemu"] + command
        proc = subprocess.run(args + command, capture_output=True, timeout=timeout)
        return proc.returncode, proc.stderr.decode(errors="replace")

    def ships_over_tls(self, arch):
        stream = f"{arch}-{time.monotonic_ns()}"
        lines = [f"{arch} line {i} \u00e9\u4e2d".encode() for i in range(2000)]
        # The CA at the first system path: found by the lookup, not named.
        code, log = self.run_in_empty_root(arch, stream, self.ca[0],
                                           "/etc/ssl/certs/ca-certificates.crt", lines)
        self.assertEqual(code, 0, log[-3000:])
        self.assertIn("trusting the CAs in /etc/ssl/certs/ca-certificates.crt (system)", log)
        got = [e["message"].encode() for e in harness.read_events(self.logs, GROUP, stream)]
        self.assertEqual(got, lines, "every line, byte for byte, in order")
        print(f"\n    {arch}: {len(lines)} lines over TLS from an empty root: delivered "
              f"{len(got)}", flush=True)

    def refuses_an_untrusted_endpoint(self, arch):
        stream = f"{arch}-untrusted-{time.monotonic_ns()}"
        connections_before = self.tls.handshakes + self.tls.failed_handshakes
        requests_before = self.tls.requests
        code, log = self.run_in_empty_root(arch, stream, self.other_ca[0],
                                           "/etc/ssl/certs/ca-certificates.crt", [b"secret"])
        self.assertEqual(code, 3, log[-3000:])  # --once ended with lines undelivered
        self.assertIn("the endpoint's TLS certificate is not trusted", log)
        self.assertGreater(self.tls.handshakes + self.tls.failed_handshakes, connections_before,
                           "it did connect")
        self.assertEqual(self.tls.requests, requests_before,
                         "not one byte of a request went to an untrusted endpoint")
        streams = self.logs.describe_log_streams(logGroupName=GROUP)["logStreams"] \
            if self.group_exists() else []
        self.assertNotIn(stream, [s["logStreamName"] for s in streams])
        reason = [line for line in log.splitlines() if "not trusted" in line][0]
        print(f"\n    {arch} with an untrusted CA: exit {code}: {reason[:200]}", flush=True)

    def group_exists(self):
        groups = self.logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"]
        return any(g["logGroupName"] == GROUP for g in groups)

    def test_amd64_ships_over_tls_from_an_empty_root(self):
        self.ships_over_tls("amd64")

    def test_amd64_refuses_an_endpoint_its_ca_did_not_sign(self):
        self.refuses_an_untrusted_endpoint("amd64")

    def test_arm64_ships_over_tls_from_an_empty_root(self):
        self.ships_over_tls("arm64")

    def test_arm64_refuses_an_endpoint_its_ca_did_not_sign(self):
        self.refuses_an_untrusted_endpoint("arm64")


if __name__ == "__main__":
    unittest.main()
