#!/usr/bin/env python3
"""Generates edgelog's own SigV4 signing vectors with botocore.

Run from anywhere (it writes next to itself):

    python3 tests/data/sigv4/gen_vectors.py

Each case becomes a directory tests/data/sigv4/<case>/ laid out like the
public AWS SigV4 test suite, which build/tests/sigv4_suite reads:

    context.json                  credentials, region, service, timestamp,
                                  normalize, sign_body, omit_session_token
    request.txt                   the request before signing: request line,
                                  headers, empty line, body (exact bytes)
    header-canonical-request.txt  botocore's canonical request
    header-string-to-sign.txt     botocore's string to sign
    header-signature.txt          botocore's signature
    header-signed-request.txt     the request with the headers botocore added

The credentials are made up and the clock is fixed, and gzip bodies carry
mtime 0, so running the script twice writes identical files. request.txt and
header-signed-request.txt use CRLF line ends, as on the wire (the public
suite uses LF; the runner accepts both); bodies are raw bytes, so gzip
bodies are binary. botocore signs every header present when it signs except
User-Agent and a few hop-by-hop headers; Content-Length is added later by
its HTTP layer, so it is not in request.txt and not signed.

Needs botocore (pip install botocore); written against botocore 1.43.
"""

import datetime
import hashlib
import json
import pathlib
import struct
import sys
import zlib
from unittest import mock

import botocore
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

OUT_DIR = pathlib.Path(__file__).resolve().parent

# Made-up credentials in the shape of real ones.
ACCESS_KEY = "AKIDEDGELOGEXAMPLE"
SECRET_KEY = "edgeLOGexampleSECRETkey/K7MDENG+bPxRfiEXAMP"
SESSION_TOKEN = (
    "IQoJb3JpZ2luX2VkZ2Vsb2cQEXAMPLE//////////wEaCWV4YW1wbGUtMSJHMEUCIQ"
    "EdgelogMadeUpSessionTokenForSigningVectors+/=="
)

CLOCK = datetime.datetime(2025, 6, 1, 9, 41, 7)
# Just before midnight UTC: the date in the scope must come from this clock.
LATE_CLOCK = datetime.datetime(2025, 12, 31, 23, 59, 59)

USER_AGENT = "edgelog/0.1.0 (linux; aarch64)"
JSON_11 = "application/x-amz-json-1.1"
PUT_LOG_EVENTS = "Logs_20140328.PutLogEvents"
CREATE_LOG_STREAM = "Logs_20140328.CreateLogStream"


def gzip_bytes(data):
    """gzip with mtime 0, written by hand so the header is the same
    everywhere (gzip.compress's OS byte differs between Python versions)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = deflate.compress(data) + deflate.flush()
    # ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (best compression) OS=255
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return header + raw + trailer


def put_log_events_body(messages, group="/edgelog/app", stream="host-1"):
    events = [
        {"timestamp": 1748770860000 + i * 250, "message": m}
        for i, m in enumerate(messages)
    ]
    doc = {"logGroupName": group, "logStreamName": stream, "logEvents": events}
    # ensure_ascii=False: UTF-8 on the wire, JSON escapes only where needed.
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


PLAIN_MESSAGES = [
    "2025-06-01T09:40:58Z INFO worker started pid=4121",
    "2025-06-01T09:40:59Z WARN queue depth 812 above 800",
    "2025-06-01T09:41:00Z INFO flushed 64 records in 12ms",
]
ESCAPED_MESSAGES = [
    'caf\u00e9 \u65e5\u672c\u8a9e \u0436\u0443\u0440\u043d\u0430\u043b '
    '\U0001f680 done',
    'quoted "value" and back\\slash',
    "tab\there, newline\nthere, bell\x07 and nul\x00 end",
    "</script> & <b> \u2028 line separator",
]


def logs_case(target, body, host="logs.us-east-1.amazonaws.com",
              scheme="https", gzip=True, extra_headers=()):
    headers = [("Host", host), ("Content-Type", JSON_11),
               ("X-Amz-Target", target)]
    if gzip:
        headers.append(("Content-Encoding", "gzip"))
        body = gzip_bytes(body)
    headers.append(("User-Agent", USER_AGENT))
    headers.extend(extra_headers)
    return {"method": "POST", "url": f"{scheme}://{host}/", "target": "/",
            "headers": headers, "body": body, "service": "logs",
            "region": "us-east-1", "clock": CLOCK, "token": None,
            "sign_body": False}


def cases():
    plain = put_log_events_body(PLAIN_MESSAGES)
    out = {}
    out["put-log-events-gzip"] = logs_case(PUT_LOG_EVENTS, plain)
    out["put-log-events-gzip-session-token"] = dict(
        logs_case(PUT_LOG_EVENTS, plain), token=SESSION_TOKEN)
    out["put-log-events-gzip-localhost-port"] = logs_case(
        PUT_LOG_EVENTS, plain, host="localhost:4566", scheme="http")
    out["put-log-events-gzip-utf8-escapes"] = logs_case(
        PUT_LOG_EVENTS, put_log_events_body(ESCAPED_MESSAGES))
    out["put-log-events-gzip-ap-southeast-2-midnight"] = dict(
        logs_case(PUT_LOG_EVENTS, plain,
                  host="logs.ap-southeast-2.amazonaws.com"),
        region="ap-southeast-2", clock=LATE_CLOCK)
    # X-Amz-Content-SHA256 sent and signed (PayloadHashHeader::kAdd).
    out["put-log-events-gzip-content-sha256"] = dict(
        logs_case(PUT_LOG_EVENTS, plain), sign_body=True)
    out["put-log-events-header-values-trimmed"] = logs_case(
        PUT_LOG_EVENTS, plain, gzip=False,
        extra_headers=[("X-Edgelog-Tag", "  env=prod   zone=a  "),
                       ("X-Edgelog-Tag", "\tteam=logs")])
    out["create-log-stream"] = logs_case(
        CREATE_LOG_STREAM,
        b'{"logGroupName":"/edgelog/app","logStreamName":"host-1"}',
        gzip=False)
    role = "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fedgelog-writer"
    out["sts-assume-role-form"] = {
        "method": "POST", "url": "https://sts.amazonaws.com/", "target": "/",
        "headers": [
            ("Host", "sts.amazonaws.com"),
            ("Content-Type",
             "application/x-www-form-urlencoded; charset=utf-8"),
            ("User-Agent", USER_AGENT)],
        "body": ("Action=AssumeRole&Version=2011-06-15&RoleArn=" + role +
                 "&RoleSessionName=edgelog-host-1").encode(),
        "service": "sts", "region": "us-east-1", "clock": CLOCK,
        "token": None, "sign_body": False}
    # Parameters out of order; botocore signs the query as it is on the URL,
    # so it must already be in canonical percent-encoding.
    query = ("Version=2011-06-15&RoleSessionName=edgelog-host-1&RoleArn=" +
             role + "&Action=AssumeRole")
    out["sts-assume-role-query"] = {
        "method": "GET", "url": "https://sts.us-west-2.amazonaws.com/?" + query,
        "target": "/?" + query,
        "headers": [("Host", "sts.us-west-2.amazonaws.com")],
        "body": b"", "service": "sts", "region": "us-west-2",
        "clock": CLOCK, "token": SESSION_TOKEN, "sign_body": False}
    return out


class RecordingSigV4Auth(SigV4Auth):
    """botocore's signer, keeping each stage it computed."""

    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.recorded_string_to_sign = super().string_to_sign(
            request, canonical_request)
        return self.recorded_string_to_sign

    def signature(self, string_to_sign, request):
        self.recorded_signature = super().signature(string_to_sign, request)
        return self.recorded_signature


def http_message(request_line, headers, body):
    lines = [request_line] + [f"{name}:{value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def sign(case):
    request = AWSRequest(method=case["method"], url=case["url"],
                         data=case["body"])
    for name, value in case["headers"]:
        request.headers[name] = value  # appends: duplicates are kept
    if case["sign_body"]:
        request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(
            case["body"]).hexdigest()
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, case["token"])
    signer = RecordingSigV4Auth(credentials, case["service"], case["region"])
    with mock.patch.object(botocore.auth, "get_current_datetime",
                           lambda remove_tzinfo=True: case["clock"]):
        signer.add_auth(request)
    return signer, list(request.headers.items())


def context_json(case):
    credentials = {"access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY}
    if case["token"]:
        credentials["token"] = case["token"]
    context = {
        "credentials": credentials,
        "normalize": True,
        "omit_session_token": False,
        "region": case["region"],
        "service": case["service"],
        "sign_body": case["sign_body"],
        "timestamp": case["clock"].strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json.dumps(context, indent=4, sort_keys=True) + "\n"


def write_case(name, case):
    signer, signed_headers = sign(case)
    request_line = f"{case['method']} {case['target']} HTTP/1.1"
    files = {
        "context.json": context_json(case).encode(),
        "request.txt": http_message(request_line, case["headers"],
                                    case["body"]),
        "header-canonical-request.txt":
            signer.recorded_canonical_request.encode(),
        "header-string-to-sign.txt": signer.recorded_string_to_sign.encode(),
        "header-signature.txt": signer.recorded_signature.encode(),
        "header-signed-request.txt": http_message(request_line,
                                                  signed_headers,
                                                  case["body"]),
    }
    directory = OUT_DIR / name
    directory.mkdir(exist_ok=True)
    for file_name, data in files.items():
        (directory / file_name).write_bytes(data)


def main():
    generated = cases()
    for name, case in generated.items():
        write_case(name, case)
    stale = sorted(p.name for p in OUT_DIR.iterdir()
                   if p.is_dir() and not p.name.startswith("_")
                   and p.name not in generated)
    print(f"wrote {len(generated)} cases to {OUT_DIR} "
          f"(botocore {botocore.__version__})")
    if stale:
        print("not generated by this script, remove if obsolete: " +
              ", ".join(stale), file=sys.stderr)


if __name__ == "__main__":
    main()
