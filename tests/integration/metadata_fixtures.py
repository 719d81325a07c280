"""Loopback stand-ins for the credential sources that live behind HTTP in
AWS: the EC2 instance metadata service (IMDSv2), the ECS container
credential endpoint, and an STS front for AssumeRoleWithWebIdentity.

Each is a threaded http.server on 127.0.0.1 with a free port. The
credentials they hand out are given by the test; they are meant to be real
session credentials from moto's STS, so moto accepts what the agent signs
with them.

ImdsServer
    PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds
    (1..21600) and answers a random token valid for that long. Every GET
    must carry a valid token in X-aws-ec2-metadata-token, else 401, as the
    real service answers when IMDSv1 is switched off. Serves the role name
    and its credential document, instance-id, placement/region and
    availability-zone, hostname, local-hostname, local-ipv4 and the
    instance identity document. Counts requests per (method, path).
    token_mode "hang": the token PUT is never answered; the connection is
    held (up to hang_seconds, or until stop) and then closed, as a request
    with too small a hop limit behaves from inside a container.
    set_credentials() swaps the credential document (rotation).

EcsCredentialsServer
    GET on one path; when a token is configured the Authorization header
    must equal it (else 401). Answers {AccessKeyId, SecretAccessKey, Token,
    Expiration, RoleArn} with an ISO-8601 Expiration.

WebIdentityStsRelay
    moto checks signatures on every request once its free calls are used
    up, and cannot take the unsigned AssumeRoleWithWebIdentity real STS
    accepts (it answers 500: it looks for an Authorization header). The
    relay records each unsigned AssumeRoleWithWebIdentity, signs it with a
    broker identity allowed only sts:AssumeRoleWithWebIdentity, and passes
    it on to moto, which then runs its real AssumeRoleWithWebIdentity and
    answers with session credentials it will accept. Every other request
    is passed on unchanged (same headers, so signatures still verify).
"""
import collections
import datetime
import http.client
import http.server
import json
import secrets
import threading
import time
import urllib.parse

INSTANCE_ID = "i-0123456789abcdef0"
ROLE_NAME = "edgelog-instance-role"
TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"


def iso8601(value):
    """An ISO-8601 UTC time ("2024-01-02T03:04:05Z") from a datetime, epoch
    seconds or a string (returned as it is)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_credentials(creds):
    """Normalises credentials as boto3's STS answers them (AccessKeyId,
    SecretAccessKey, SessionToken, Expiration) or as IMDS and ECS serve them
    (Token instead of SessionToken)."""
    return {
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "Token": creds.get("SessionToken", creds.get("Token", "")),
        "Expiration": iso8601(creds.get("Expiration")
                              or time.time() + 3600),
    }


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _FixtureBase:
    """Start, stop and bookkeeping shared by the fixtures."""

    handler = None

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()   # (method, path) -> requests
        self.requests = []                    # (method, path, headers dict)
        self.stopping = threading.Event()
        self._server = None
        self._thread = None

    def start(self):
        fixture = self

        class Handler(self.handler):
            pass

        Handler.fixture = fixture
        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def record(self, method, path, headers):
        with self.lock:
            self.counts[(method, path)] += 1
            self.requests.append((method, path, dict(headers.items())))

    def count(self, path, method="GET"):
        with self.lock:
            return self.counts[(method, path)]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fixture = None

    def log_message(self, fmt, *args):  # quiet
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", content_type="text/plain", extra=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


# ---------------------------------------------------------------- IMDSv2


class _ImdsHandler(_Handler):
    def do_PUT(self):
        imds = self.fixture
        path = urllib.parse.urlsplit(self.path).path
        self._body()
        imds.record("PUT", path, self.headers)
        if path != "/latest/api/token":
            return self._send(404, "Not Found")
        if imds.token_mode == "hang":
            # Never answer: hold the connection, then drop it.
            imds.stopping.wait(imds.hang_seconds)
            self.close_connection = True
            return
        ttl = self.headers.get(TOKEN_TTL_HEADER)
        try:
            seconds = int(ttl)
        except (TypeError, ValueError):
            return self._send(400, "Bad Request")
        if not 1 <= seconds <= 21600:
            return self._send(400, "Bad Request")
        token = secrets.token_urlsafe(40)
        with imds.lock:
            imds.tokens[token] = time.monotonic() + seconds
            imds.tokens_issued += 1
        self._send(200, token, extra=[(TOKEN_TTL_HEADER, str(seconds))])

    def do_GET(self):
        imds = self.fixture
        path = urllib.parse.urlsplit(self.path).path
        imds.record("GET", path, self.headers)
        token = self.headers.get(TOKEN_HEADER)
        with imds.lock:
            valid = token is not None and imds.tokens.get(token, 0) > time.monotonic()
            if not valid:
                imds.unauthorized += 1
        if not valid:
            return self._send(401, "Unauthorized")
        status, body, content_type = imds.answer(path)
        self._send(status, body, content_type)

    def do_POST(self):
        self._body()
        self.fixture.record("POST", self.path, self.headers)
        self._send(405, "Method Not Allowed")


class ImdsServer(_FixtureBase):
    """An IMDSv2 endpoint on loopback. `credentials`: boto3 STS credentials
    (or None: no instance role attached, the role listing answers 404)."""

    handler = _ImdsHandler

    def __init__(self, credentials=None, role=ROLE_NAME, instance_id=INSTANCE_ID,
                 region="eu-west-1", local_ipv4="10.1.2.3",
                 local_hostname=None, hostname=None, token_mode="normal",
                 hang_seconds=30):
        super().__init__()
        self.role = role
        self.instance_id = instance_id
        self.region = region
        self.local_ipv4 = local_ipv4
        self.local_hostname = local_hostname or (
            "ip-" + local_ipv4.replace(".", "-") + f".{region}.compute.internal")
        self.hostname = hostname or self.local_hostname
        self.token_mode = token_mode
        self.hang_seconds = hang_seconds
        self.tokens = {}
        self.tokens_issued = 0
        self.unauthorized = 0
        self.credential_document = None
        if credentials is not None:
            self.set_credentials(credentials)

    @property
    def url(self):
        return self.base_url

    def set_credentials(self, credentials):
        """Swaps the credential document served from now on (rotation)."""
        creds = session_credentials(credentials)
        document = {
            "Code": "Success",
            "LastUpdated": iso8601(time.time()),
            "Type": "AWS-HMAC",
            "AccessKeyId": creds["AccessKeyId"],
            "SecretAccessKey": creds["SecretAccessKey"],
            "Token": creds["Token"],
            "Expiration": creds["Expiration"],
        }
        with self.lock:
            self.credential_document = document

    def answer(self, path):
        """(status, body, content type) for a GET with a valid token."""
        creds_prefix = "/latest/meta-data/iam/security-credentials"
        with self.lock:
            document = self.credential_document
        plain = {
            "/latest/meta-data/instance-id": self.instance_id,
            "/latest/meta-data/placement/region": self.region,
            "/latest/meta-data/placement/availability-zone": self.region + "a",
            "/latest/meta-data/local-hostname": self.local_hostname,
            "/latest/meta-data/hostname": self.hostname,
            "/latest/meta-data/local-ipv4": self.local_ipv4,
        }
        if path in plain:
            return 200, plain[path], "text/plain"
        if path == "/latest/dynamic/instance-identity/document":
            return 200, json.dumps({
                "accountId": "123456789012", "architecture": "x86_64",
                "availabilityZone": self.region + "a", "imageId": "ami-0123456789abcdef0",
                "instanceId": self.instance_id, "instanceType": "t3.micro",
                "privateIp": self.local_ipv4, "region": self.region,
                "version": "2017-09-30"}, indent=2), "application/json"
        if path in (creds_prefix, creds_prefix + "/"):
            if document is None:
                return 404, "Not Found", "text/plain"
            return 200, self.role, "text/plain"
        if path in (f"{creds_prefix}/{self.role}", f"{creds_prefix}/{self.role}/"):
            if document is None:
                return 404, "Not Found", "text/plain"
            return 200, json.dumps(document, indent=2), "text/plain"
        return 404, "Not Found", "text/plain"

    def secrets(self):
        with self.lock:
            document = self.credential_document
        return [] if document is None else [document["SecretAccessKey"], document["Token"]]


# ------------------------------------------------------------------- ECS


class _EcsHandler(_Handler):
    def do_GET(self):
        ecs = self.fixture
        path = urllib.parse.urlsplit(self.path).path
        ecs.record("GET", path, self.headers)
        if path != ecs.path:
            return self._send(404, json.dumps({"message": "not found"}), "application/json")
        if ecs.token is not None and self.headers.get("Authorization") != ecs.token:
            with ecs.lock:
                ecs.unauthorized += 1
            return self._send(401, json.dumps({"message": "unauthorized"}),
                              "application/json")
        with ecs.lock:
            document = dict(ecs.document)
        self._send(200, json.dumps(document), "application/json")


class EcsCredentialsServer(_FixtureBase):
    """The container credential endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)."""

    handler = _EcsHandler

    def __init__(self, credentials, path="/v2/credentials/edgelog-task", token=None,
                 role_arn="arn:aws:iam::123456789012:role/shipper"):
        super().__init__()
        self.path = path
        self.token = token
        self.role_arn = role_arn
        self.unauthorized = 0
        self.set_credentials(credentials)

    @property
    def url(self):
        return self.base_url + self.path

    def set_credentials(self, credentials):
        creds = session_credentials(credentials)
        with self.lock:
            self.document = dict(creds, RoleArn=self.role_arn)

    def authorizations(self):
        """The Authorization header of every request, in order."""
        with self.lock:
            return [headers.get("Authorization") for _, _, headers in self.requests]

    def secrets(self):
        with self.lock:
            return [self.document["SecretAccessKey"], self.document["Token"]]


# ------------------------------------------- STS front for web identity


class _RelayHandler(_Handler):
    def do_POST(self):
        self._relay("POST")

    def do_GET(self):
        self._relay("GET")

    def _relay(self, method):
        relay = self.fixture
        body = self._body()
        path = self.path
        relay.record(method, urllib.parse.urlsplit(path).path, self.headers)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("connection", "keep-alive", "transfer-encoding")}
        params = {}
        if method == "POST":
            params = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        else:
            params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        if params.get("Action") == "AssumeRoleWithWebIdentity":
            signed = "Authorization" in self.headers
            with relay.lock:
                relay.web_identity_calls.append(dict(params, _signed=signed))
            if not signed:
                headers = relay.sign(method, path, body, params)
        status, reply_headers, reply = relay.forward(method, path, body, headers)
        self.send_response(status)
        for name, value in reply_headers:
            if name.lower() in ("content-type", "x-amzn-requestid", "x-amz-request-id"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class WebIdentityStsRelay(_FixtureBase):
    """STS on loopback in front of moto: see the module's docstring."""

    handler = _RelayHandler

    def __init__(self, moto_url, broker_key_id, broker_secret, region="us-east-1"):
        super().__init__()
        self.moto = urllib.parse.urlsplit(moto_url)
        self.broker = (broker_key_id, broker_secret)
        self.region = region
        self.web_identity_calls = []

    @property
    def url(self):
        return self.base_url

    def sign(self, method, path, body, params):
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials

        url = f"{self.moto.scheme}://{self.moto.netloc}{path}"
        request = botocore.awsrequest.AWSRequest(
            method=method, url=url, data=body if method == "POST" else None,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(*self.broker),
                                "sts", self.region).add_auth(request)
        return dict(request.headers.items())

    def forward(self, method, path, body, headers):
        conn = http.client.HTTPConnection(self.moto.hostname, self.moto.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()
