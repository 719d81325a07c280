"""Shared pieces of the integration tests: a moto server with signature
checking on, an IAM identity for edgelog, runs of the real binary, and
reading events back through the CloudWatch Logs API."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import boto3
import botocore.config

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("BUILD", "build")
EDGELOG = os.path.join(ROOT, BUILD, "edgelog")
REGION = "us-east-1"

# Requests moto serves without checking a signature: exactly the three that
# create edgelog's IAM identity. Every later request is verified.
FREE_CALLS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.05):
    """Polls `predicate` until it returns a true value; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Moto:
    """A moto server on 127.0.0.1 with IAM signature checking switched on."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log = tempfile.TemporaryFile()

    def start(self, identity=None):
        """Starts a fresh server. With `identity` (key id, secret), the server
        knows that access key from the start and verifies every request;
        without, the first FREE_CALLS requests are free (create_identity)."""
        args = [sys.executable, os.path.join(HERE, "moto_launcher.py"), str(self.port)]
        free = FREE_CALLS
        if identity:
            args += list(identity)
            free = 0
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(free))
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env)
        wait_until(self._answers, 60, f"moto on port {self.port}")
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            self.log.seek(0)
            raise AssertionError("moto exited: " + self.log.read().decode()[-2000:])
        try:
            urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=1).read()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def create_identity(self):
        """Uses the free calls: an IAM user allowed logs:*, and its access key."""
        iam = client("iam", self.url, "bootstrap", "bootstrap")
        iam.create_user(UserName="edgelog")
        iam.put_user_policy(
            UserName="edgelog", PolicyName="logs",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="edgelog")["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]


def client(service, endpoint, key_id, secret):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id=key_id, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 2}))


def read_events(logs, group, stream):
    """Every event of a stream, in order, through GetLogEvents."""
    events, token = [], None
    while True:
        kwargs = dict(logGroupName=group, logStreamName=stream, startFromHead=True)
        if token:
            kwargs["nextToken"] = token
        page = logs.get_log_events(**kwargs)
        events.extend(page["events"])
        if not page["events"] or page.get("nextForwardToken") == token:
            return events
        token = page["nextForwardToken"]


class StoredBytes:
    """Message bytes stored in a stream, for polling progress.

    moto's storedBytes is cheap to read, but moto adds to it without a lock:
    two PutLogEvents handled at once can lose one's addition, leaving it
    short for good. So once it has not moved for `settle` seconds, the
    events are read and their bytes counted instead."""

    def __init__(self, logs, group, stream, settle=3.0):
        self.logs, self.group, self.stream, self.settle = logs, group, stream, settle
        self.last = None
        self.since = time.monotonic()

    def __call__(self):
        try:
            streams = self.logs.describe_log_streams(
                logGroupName=self.group, logStreamNamePrefix=self.stream)["logStreams"]
        except self.logs.exceptions.ResourceNotFoundException:
            return 0
        stored = sum(s.get("storedBytes", 0) for s in streams
                     if s["logStreamName"] == self.stream)
        now = time.monotonic()
        if stored != self.last:
            self.last, self.since = stored, now
            return stored
        if stored == 0 or now - self.since < self.settle:
            return stored
        self.since = now  # counted again only after another quiet spell
        return sum(len(e["message"]) for e in read_events(self.logs, self.group, self.stream))


class Workdir:
    """A temporary directory with a config file and a state directory; or,
    with `path`, that directory (made when missing) for keeping."""

    def __init__(self, path=None):
        if path:
            os.makedirs(path, exist_ok=True)
        self.path = path or tempfile.mkdtemp(prefix="edgelog-it-")
        self.state = os.path.join(self.path, "state")

    def file(self, name):
        return os.path.join(self.path, name)

    def write_log(self, name, lines):
        """A file of `lines` (bytes, each ended with a newline); its path."""
        path = self.file(name)
        with open(path, "wb") as f:
            f.write(b"".join(line + b"\n" for line in lines))
        return path

    def write_json(self, name, value):
        """`value` as a JSON file; its path."""
        path = self.file(name)
        with open(path, "w") as f:
            json.dump(value, f, indent=2)
        return path

    def write_config(self, endpoint, entries, edgelog=None, **logs_extra):
        config = {
            "agent": {"region": REGION},
            "logs": dict({"endpoint_override": endpoint, "force_flush_interval": 1,
                          "logs_collected": {"files": {"collect_list": entries}}},
                         **logs_extra),
            "edgelog": dict({"state_dir": self.state}, **(edgelog or {})),
        }
        return self.write_json("config.json", config)

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)


def agent_env(key_id, secret, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret,
               AWS_EC2_METADATA_DISABLED="true")
    env.update(extra)
    return env


def run_once(config, env, timeout=300):
    """Runs `edgelog run --once`; returns (exit code, stderr text)."""
    proc = subprocess.run([EDGELOG, "run", "--config", config, "--once"],
                          env=env, capture_output=True, timeout=timeout)
    return proc.returncode, proc.stderr.decode(errors="replace")


class Slowed:
    """Runs a process as a loaded edge CPU would: a thread stops it with
    SIGSTOP and lets it go with SIGCONT, in random slices (it runs
    `run_fraction` of the time), while another process keeps one core busy.
    Use as a context manager around the part of a test to slow down."""

    def __init__(self, proc, run_fraction=0.3, slice_s=(0.02, 0.3), seed=1):
        import random
        import threading
        self.proc = proc
        self.run_fraction = run_fraction
        self.slice_s = slice_s
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._cycle, daemon=True)
        self.burner = None

    def _signal(self, sig):
        try:
            self.proc.send_signal(sig)
        except ProcessLookupError:
            pass

    def _cycle(self):
        while not self.stop.is_set() and self.proc.poll() is None:
            stopped = self.rng.uniform(*self.slice_s)
            self._signal(signal.SIGSTOP)
            self.stop.wait(stopped)
            self._signal(signal.SIGCONT)
            self.stop.wait(stopped * self.run_fraction / (1 - self.run_fraction))

    def __enter__(self):
        self.burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._signal(signal.SIGCONT)
        self.burner.kill()
        self.burner.wait()
        return False


class MotoTestCase(unittest.TestCase):
    """One moto server for the class, an identity edgelog signs with
    (`env`), a CloudWatch Logs client (`logs`) and a fresh Workdir per test
    (`work`)."""

    @classmethod
    def setUpClass(cls):
        cls.moto = Moto().start()
        cls.key_id, cls.secret = cls.moto.create_identity()
        cls.logs = client("logs", cls.moto.url, cls.key_id, cls.secret)
        # STS too is moto: doctor and assumed roles never look past loopback.
        cls.env = agent_env(cls.key_id, cls.secret, AWS_ENDPOINT_URL_STS=cls.moto.url)

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.work = Workdir()

    def tearDown(self):
        self.work.remove()

    def messages(self, group, stream):
        """The messages of a stream, in order; none while it does not exist."""
        try:
            return [e["message"] for e in read_events(self.logs, group, stream)]
        except self.logs.exceptions.ResourceNotFoundException:
            return []
