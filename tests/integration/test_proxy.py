"""Proxies, as the AWS SDKs take them: HTTP_PROXY or http_proxy carries the
requests to a plain-http endpoint (moto here), NO_PROXY exempts hosts, and
the instance metadata service is never asked through a proxy."""
import http.client
import http.server
import threading
import unittest
import urllib.parse

import harness
import metadata_fixtures


class ForwardProxy:
    """A forward HTTP proxy on 127.0.0.1 for absolute-URI requests (no
    CONNECT): records each request's method and URL, and passes it on."""

    def __init__(self):
        self.seen = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def relay(self):
                with proxy.lock:
                    proxy.seen.append((self.command, self.path))
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("proxy-connection", "connection")}
                target = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
                path = url.path + ("?" + url.query if url.query else "")
                target.request(self.command, path or "/", body=body, headers=headers)
                answer = target.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                target.close()

            do_GET = do_POST = do_PUT = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def requests(self):
        with self.lock:
            return list(self.seen)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ProxyTest(unittest.TestCase):
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
        self.proxy = ForwardProxy()

    def tearDown(self):
        self.proxy.stop()
        self.work.remove()

    def ship(self, stream, env):
        """Writes 50 lines and runs edgelog --once; returns its log."""
        path = self.work.file(stream + ".log")
        lines = [f"{stream} line {i}" for i in range(50)]
        with open(path, "w") as f:
            f.write("".join(line + "\n" for line in lines))
        config = self.work.write_config(self.moto.url, [{
            "file_path": path, "log_group_name": "/it/proxy", "log_stream_name": stream}])
        code, log = harness.run_once(config, env, timeout=120)
        self.assertEqual(code, 0, log[-3000:])
        got = [e["message"] for e in harness.read_events(self.logs, "/it/proxy", stream)]
        self.assertEqual(got, lines)
        return log

    def puts_through_proxy(self):
        return [r for r in self.proxy.requests()
                if r[0] == "POST" and r[1].startswith(self.moto.url)]

    def test_upper_case_http_proxy_carries_the_requests(self):
        self.ship("upper", harness.agent_env(self.key_id, self.secret,
                                             HTTP_PROXY=self.proxy.url))
        self.assertGreaterEqual(len(self.puts_through_proxy()), 1,
                                "the proxy saw no request: HTTP_PROXY was ignored")

    def test_lower_case_http_proxy_carries_the_requests(self):
        self.ship("lower", harness.agent_env(self.key_id, self.secret,
                                             http_proxy=self.proxy.url))
        self.assertGreaterEqual(len(self.puts_through_proxy()), 1)

    def test_no_proxy_exempts_the_endpoint(self):
        self.ship("exempt", harness.agent_env(self.key_id, self.secret,
                                              HTTP_PROXY=self.proxy.url,
                                              NO_PROXY="127.0.0.1"))
        self.assertEqual(self.proxy.requests(), [])

    def test_the_instance_metadata_service_is_never_asked_through_the_proxy(self):
        imds = metadata_fixtures.ImdsServer(
            {"AccessKeyId": self.key_id, "SecretAccessKey": self.secret}).start()
        try:
            env = harness.agent_env("", "", HTTP_PROXY=self.proxy.url,
                                    AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                         "AWS_EC2_METADATA_DISABLED"):
                env.pop(name, None)
            log = self.ship("imds", env)
            self.assertIn("EC2 instance role", log)
            self.assertGreaterEqual(imds.count("/latest/api/token", "PUT"), 1)
            self.assertEqual([r for r in self.proxy.requests() if "/latest/" in r[1]], [])
            self.assertGreaterEqual(len(self.puts_through_proxy()), 1)
        finally:
            imds.stop()


if __name__ == "__main__":
    unittest.main()
