"""TLS refusals of `run --once`: an endpoint that speaks only TLS 1.1 is
given up on as soon as one whose certificate is not trusted (the grace
period for refused credentials, 20 s), saying which, not after the 5
minutes an outage gets. Both behind a TLS terminator on localhost in front
of moto, which one that speaks TLS 1.2 with a trusted certificate reaches."""
import os
import shutil
import ssl
import tempfile
import time

import harness
import tls_terminator

GROUP = "/it/tls"
# --once gives refused credentials (and untrusted endpoints) 20 s; an
# outage 300 s. The bound leaves room for a busy machine, not for an outage.
GIVE_UP_BOUND_S = 60


class TlsRefusalTest(harness.MotoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.certs = tempfile.mkdtemp(prefix="edgelog-tls-")
        cls.ca = tls_terminator.make_ca(cls.certs, "ca")
        cls.other_ca = tls_terminator.make_ca(cls.certs, "other-ca")
        server = tls_terminator.make_server_cert(cls.certs, cls.ca)
        cls.modern = tls_terminator.TlsTerminator(*server, cls.moto.port).start()
        cls.old = tls_terminator.TlsTerminator(
            *server, cls.moto.port, maximum_version=ssl.TLSVersion.TLSv1_1).start()

    @classmethod
    def tearDownClass(cls):
        cls.modern.stop()
        cls.old.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)
        super().tearDownClass()

    def run_once_against(self, terminator, ca_file, stream):
        """`run --once` shipping two lines to `terminator`, trusting
        `ca_file`: returns (exit code, log, seconds taken)."""
        log_file = self.work.file("app.log")
        with open(log_file, "w") as f:
            f.write("first\nsecond\n")
        config = self.work.write_config(
            f"https://localhost:{terminator.port}",
            [{"file_path": log_file, "log_group_name": GROUP, "log_stream_name": stream}])
        env = dict(self.env, SSL_CERT_FILE=ca_file)
        started = time.monotonic()
        code, log = harness.run_once(config, env, timeout=400)
        return code, log, time.monotonic() - started

    def test_an_endpoint_speaking_only_tls_1_1_is_given_up_on_like_an_untrusted_one(self):
        requests_before = self.old.requests
        code, log, took = self.run_once_against(self.old, self.ca[0], "tls-1-1")
        self.assertEqual(code, 3, log[-3000:])  # --once ended with lines undelivered
        self.assertIn("the TLS handshake with the endpoint failed", log)
        self.assertIn("TLS 1.2 or later", log)
        self.assertLess(took, GIVE_UP_BOUND_S, log[-3000:])
        self.assertGreater(self.old.failed_handshakes, 0, "it did try")
        self.assertEqual(self.old.requests, requests_before, "no request went over TLS 1.1")
        self.assertEqual(self.messages(GROUP, "tls-1-1"), [])
        reason = [line for line in log.splitlines() if "TLS handshake" in line][0]
        print(f"\n    TLS 1.1 only: exit {code} after {took:.1f} s: {reason[:220]}", flush=True)

    def test_an_untrusted_certificate_is_given_up_on_in_the_same_time(self):
        code, log, took = self.run_once_against(self.modern, self.other_ca[0], "untrusted")
        self.assertEqual(code, 3, log[-3000:])
        self.assertIn("the endpoint's TLS certificate is not trusted", log)
        self.assertLess(took, GIVE_UP_BOUND_S, log[-3000:])
        print(f"\n    untrusted certificate: exit {code} after {took:.1f} s", flush=True)

    def test_the_same_certificate_over_tls_1_2_delivers(self):
        code, log, _ = self.run_once_against(self.modern, self.ca[0], "tls-1-2")
        self.assertEqual(code, 0, log[-3000:])
        self.assertEqual(self.messages(GROUP, "tls-1-2"), ["first", "second"])
