"""A PutLogEvents sink for the benchmark: HTTPS (or HTTP) on loopback,
answers like CloudWatch Logs, counts what arrives. It does not check
signatures: the benchmark measures the agent, not the service.

usage: python3 sink.py PORT STATS_FILE [CERT KEY]
SINK_DELAY_MS=N makes every answer wait N ms, as a distant region does.
Writes {"requests", "events", "body_bytes", "header_bytes"} to STATS_FILE
on SIGTERM."""
import gzip
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stats = {"requests": 0, "events": 0, "body_bytes": 0, "header_bytes": 0}
lock = threading.Lock()
DELAY_S = int(os.environ.get("SINK_DELAY_MS", "0")) / 1000


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        target = self.headers.get("X-Amz-Target", "")
        events = 0
        if target.endswith("PutLogEvents"):
            raw = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
            events = len(json.loads(raw)["logEvents"])
        with lock:
            stats["requests"] += 1
            stats["events"] += events
            stats["body_bytes"] += len(body)
            stats["header_bytes"] += len(str(self.headers)) + len(self.requestline) + 2
        answer = b'{"nextSequenceToken":"1"}' if events else b"{}"
        if DELAY_S:
            time.sleep(DELAY_S)
        # One write, head and body: in two, the second waits on Nagle and the
        # client's delayed ACK (about 40 ms a request on Linux loopback).
        self.wfile.write(b"HTTP/1.1 200 OK\r\n"
                         b"x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n"
                         b"Content-Type: application/x-amz-json-1.1\r\n"
                         b"Content-Length: " + str(len(answer)).encode() + b"\r\n\r\n" + answer)

    def log_message(self, *args):
        pass


def main():
    port, stats_file = int(sys.argv[1]), sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    if len(sys.argv) == 5:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)

    def stop(*_):
        with open(stats_file, "w") as f:
            json.dump(stats, f)
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
