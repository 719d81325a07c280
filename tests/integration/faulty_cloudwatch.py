"""A fault-injecting CloudWatch Logs stand-in for the integration tests.

It speaks enough of the JSON 1.1 protocol for edgelog: CreateLogGroup,
CreateLogStream and PutRetentionPolicy answer {}, PutLogEvents inflates a
gzip body, stores the events per group and stream in memory and answers
{"nextSequenceToken": "1"}. Like CloudWatch, PutLogEvents to a stream that
was never created answers ResourceNotFoundException, and creating what
exists answers ResourceAlreadyExistsException. Signatures are not checked
(moto does that in the other tests).

It runs in-process, in threads, on 127.0.0.1 and a free port, so a test
drives it directly:

    cw = FaultyCloudWatch().start()
    cw.set_fault(Fault.UNAVAILABLE, count=3)   # the next 3 requests get 503
    cw.set_fault(Fault.SLOW, delay=2.0)        # every request, until changed
    cw.heal()
    cw.stats()                                 # connections, requests, faults
    cw.messages("/group", "stream")            # what was stored, in time order
    cw.stop()

Faults (each applies to whole requests, whatever the operation):

    UNAVAILABLE  503 ServiceUnavailableException
    INTERNAL     500 with a body that is not JSON
    THROTTLE     400 ThrottlingException "Rate exceeded"
    SLOW         sleeps `delay` seconds, then serves the request normally
    RESET        reads part of the body, then closes with SO_LINGER 0 (RST)
    CLOSE        reads the whole request, then closes without answering
                 (nothing is stored: an overloaded endpoint dropping work)
    PORTAL       200 with an HTML page and no x-amzn-RequestId, nothing
                 stored (a captive portal or a middlebox answering for AWS)

Besides the faults, which are transient, a lasting refusal:

    cw.quote_token(True)  # PutLogEvents and DescribeLogStreams answer 400
                          # InvalidParameterException quoting the request's
                          # X-Amz-Security-Token, as is and percent-encoded
    cw.count("quoted")    # how many did (an endpoint echoing what it was sent)
"""
import enum
import gzip
import json
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET_PREFIX = "Logs_20140328."


class Fault(enum.Enum):
    NONE = "none"
    UNAVAILABLE = "503"
    INTERNAL = "500"
    THROTTLE = "throttle"
    SLOW = "slow"
    RESET = "reset"
    CLOSE = "close"
    PORTAL = "portal"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, stand_in):
        self.stand_in = stand_in
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self):
        conn, addr = super().get_request()
        self.stand_in._count("connections")
        self.stand_in._note("connection", "")
        return conn, addr

    def handle_error(self, request, client_address):
        # A client that gave up (timed out, reset) before the answer: count it
        # instead of printing a traceback.
        self.stand_in._count("broken_connections")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as CloudWatch

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        cw = self.server.stand_in
        cw._count("active")
        try:
            self._post(cw)
        finally:
            cw._count("active", -1)

    def _post(self, cw):
        fault, delay = cw._take_fault()
        length = int(self.headers.get("Content-Length", "0"))
        if fault is Fault.RESET:
            self.rfile.read(min(length, max(1, length // 2)))
            self._reset()
            return
        body = self.rfile.read(length)
        if fault is Fault.CLOSE:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is Fault.SLOW:
            time.sleep(delay)
        if fault is Fault.UNAVAILABLE:
            self._error(503, "ServiceUnavailableException", "Service unavailable")
            return
        if fault is Fault.THROTTLE:
            self._error(400, "ThrottlingException", "Rate exceeded")
            return
        if fault is Fault.PORTAL:
            self._answer(200, b"<html>Sign in to continue</html>", "text/html",
                         request_id=None)
            return
        if fault is Fault.INTERNAL:
            self._answer(500, b"<html>Internal Server Error</html>", "text/html")
            return
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        operation = self.headers.get("X-Amz-Target", "")[len(TARGET_PREFIX):]
        if cw._quoting() and operation in ("PutLogEvents", "DescribeLogStreams"):
            cw._count("quoted")
            token = self.headers.get("X-Amz-Security-Token", "")
            self._error(400, "InvalidParameterException",
                        f"The security token {token} (as sent: "
                        f"{urllib.parse.quote(token, safe='')}) is not valid here")
            return
        status, answer = cw._serve(operation, json.loads(body or b"{}"))
        self._answer(status, json.dumps(answer).encode(), "application/x-amz-json-1.1",
                     answer.get("__type"))

    def _reset(self):
        # An abortive close: the peer sees ECONNRESET, not a clean end. The
        # read buffer's reference to the socket goes first so close() is real.
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    def _error(self, status, code, message):
        self._answer(status, json.dumps({"__type": code, "message": message}).encode(),
                     "application/x-amz-json-1.1", code)

    def _answer(self, status, body, content_type, error_type=None,
                request_id="00000000-0000-0000-0000-000000000000"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if request_id:
            self.send_header("x-amzn-RequestId", request_id)
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(body)


class FaultyCloudWatch:
    def __init__(self):
        self._lock = threading.Lock()
        self._fault = Fault.NONE
        self._fault_left = None  # requests the fault still applies to; None: until changed
        self._delay = 0.0
        self._quote_token = False
        self._counts = {}
        self._timeline = []  # (monotonic time, "request" | "connection", fault value)
        self._groups = {}  # group → {stream → [event, ...]}
        self._server = None
        self._thread = None
        self.url = None

    # --- lifecycle -------------------------------------------------------

    def start(self):
        self._server = _Server(self)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(10)
            self._server = None

    # --- control ---------------------------------------------------------

    def set_fault(self, fault, count=None, delay=2.0):
        """`fault` for the next `count` requests (all of them until changed
        when None); then healthy again."""
        with self._lock:
            self._fault, self._fault_left, self._delay = fault, count, delay

    def heal(self):
        self.set_fault(Fault.NONE)

    def quote_token(self, on):
        """While on, PutLogEvents and DescribeLogStreams are refused with a
        message quoting the request's session token."""
        with self._lock:
            self._quote_token = on

    def fault_left(self):
        """Requests the current fault still applies to (None: until changed)."""
        with self._lock:
            return 0 if self._fault is Fault.NONE else self._fault_left

    def stats(self):
        """Counts so far: connections, requests, puts, events, active (being
        handled now), broken_connections, and `fault:<value>` per fault."""
        with self._lock:
            return dict(self._counts)

    def busy(self):
        """True while a request is being handled (a slow one sleeping, say)."""
        return self.count("active") > 0

    def count(self, name):
        with self._lock:
            return self._counts.get(name, 0)

    def timeline(self, since=0.0):
        """(monotonic time, "request" | "connection", fault value) of every
        request and accepted connection at or after `since`."""
        with self._lock:
            return [t for t in self._timeline if t[0] >= since]

    def events(self, group, stream):
        """The stream's events as CloudWatch returns them: by time, events
        of one millisecond in the order they arrived."""
        with self._lock:
            stored = list(self._groups.get(group, {}).get(stream, []))
        return sorted(stored, key=lambda e: e.get("timestamp", 0))

    def messages(self, group, stream):
        return [e["message"] for e in self.events(group, stream)]

    def dump(self):
        """Every stored event: {group: {stream: [event, ...]}}."""
        with self._lock:
            return {g: {s: list(ev) for s, ev in streams.items()}
                    for g, streams in self._groups.items()}

    # --- serving ---------------------------------------------------------

    def _count(self, name, n=1):
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + n

    def _note(self, what, fault):
        with self._lock:
            self._timeline.append((time.monotonic(), what, fault))

    def _quoting(self):
        with self._lock:
            return self._quote_token

    def _take_fault(self):
        with self._lock:
            self._counts["requests"] = self._counts.get("requests", 0) + 1
            fault, delay = self._fault, self._delay
            self._timeline.append((time.monotonic(), "request", fault.value))
            if fault is not Fault.NONE:
                key = "fault:" + fault.value
                self._counts[key] = self._counts.get(key, 0) + 1
                if self._fault_left is not None:
                    self._fault_left -= 1
                    if self._fault_left <= 0:
                        self._fault, self._fault_left = Fault.NONE, None
            return fault, delay

    def _serve(self, operation, request):
        group = request.get("logGroupName", "")
        stream = request.get("logStreamName", "")
        with self._lock:
            if operation == "CreateLogGroup":
                if group in self._groups:
                    return 400, _error("ResourceAlreadyExistsException",
                                       "The specified log group already exists")
                self._groups[group] = {}
                return 200, {}
            if operation == "PutRetentionPolicy":
                if group not in self._groups:
                    return 400, _error("ResourceNotFoundException",
                                       "The specified log group does not exist.")
                return 200, {}
            if operation == "CreateLogStream":
                if group not in self._groups:
                    return 400, _error("ResourceNotFoundException",
                                       "The specified log group does not exist.")
                if stream in self._groups[group]:
                    return 400, _error("ResourceAlreadyExistsException",
                                       "The specified log stream already exists")
                self._groups[group][stream] = []
                return 200, {}
            if operation == "PutLogEvents":
                if stream not in self._groups.get(group, {}):
                    return 400, _error("ResourceNotFoundException",
                                       "The specified log stream does not exist.")
                events = request.get("logEvents", [])
                self._groups[group][stream].extend(events)
                self._counts["puts"] = self._counts.get("puts", 0) + 1
                self._counts["events"] = self._counts.get("events", 0) + len(events)
                return 200, {"nextSequenceToken": "1"}
        return 400, _error("UnknownOperationException", f"unknown operation {operation!r}")


def _error(code, message):
    return {"__type": code, "message": message}
