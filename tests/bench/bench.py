"""make bench: edgelog's throughput, CPU and memory, next to the physical
limits of this machine on the same data.

Generates a log of realistic lines, measures how fast this machine can
merely read, gzip and SHA-256 it, then runs `edgelog run --once` against a
local HTTPS PutLogEvents sink and reports events/s, MB/s, CPU-seconds per
GB, peak RSS and bytes on the wire; then once more against a sink that
answers after 20 ms, where one stream's wall time shows how much it waits
on round trips."""
import datetime
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import ssl
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("BUILD", "build")
EDGELOG = os.path.join(ROOT, BUILD, "edgelog")
LINES = int(os.environ.get("BENCH_LINES", "1000000"))
CHUNK = 1 << 20
SLOW_SINK_MS = 20  # a sink this slow to answer shows whether one stream waits on round trips


def make_log(path, start=None):
    """LINES lines, a millisecond apart from `start` (a UTC datetime), or
    stamped at a fixed past time when None (then read as ingestion-time)."""
    if os.path.exists(path) and os.path.getsize(path) > 0:
        return
    rng = random.Random(1)
    words = ("GET POST user order payment cache miss hit latency_ms=12 status=200 "
             "region=eu-west-1 trace=4bf92f3577b34da6 upstream=10.0.3.7:8080 é 日本").split()
    with open(path + ".tmp", "w") as f:
        for i in range(LINES):
            if start is None:
                stamp = f"2026-11-21T12:{(i // 60000) % 60:02d}:{(i // 1000) % 60:02d}.{i % 1000:03d}Z"
            else:
                t = start + datetime.timedelta(milliseconds=i)
                stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
            f.write(f"{stamp} INFO [worker-{i % 8}] req={i} "
                    + " ".join(rng.choice(words) for _ in range(rng.randint(6, 16))) + "\n")
    os.rename(path + ".tmp", path)


def cpu_of(fn):
    """Runs fn() in this process; returns (wall s, CPU s)."""
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    fn()
    r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    return t1 - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def physical_limits(path):
    def read():
        with open(path, "rb", buffering=0) as f:
            while f.read(CHUNK):
                pass

    def gzip1():
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                zlib.compress(chunk, 1)

    def sha():
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                hashlib.sha256(chunk).digest()

    read()  # warm the page cache
    return [("read (page cache)", *cpu_of(read)), ("gzip -1", *cpu_of(gzip1)),
            ("SHA-256", *cpu_of(sha))]


def make_cert(dirpath):
    cert, key = os.path.join(dirpath, "cert.pem"), os.path.join(dirpath, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_sink(port, cert):
    context = ssl.create_default_context(cafile=cert)
    for _ in range(200):
        try:
            urllib.request.urlopen(urllib.request.Request(
                f"https://localhost:{port}/", data=b"{}", method="POST"), context=context, timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the sink did not start")


def run_agent(path, work, cert, key, delay_ms=0, timestamp_format=None, per_stream=None):
    """One `run --once` over `path` into a fresh sink answering after
    `delay_ms`, times from the lines with `timestamp_format`, at most
    `per_stream` requests of the stream in flight (the default when None);
    returns (wall s, CPU s, peak RSS KiB, what the sink counted)."""
    port = free_port()
    stats_file = os.path.join(work, "sink.json")
    state = os.path.join(work, "state")
    if os.path.exists(state):
        shutil.rmtree(state)
    sink = subprocess.Popen([sys.executable, os.path.join(HERE, "sink.py"), str(port),
                             stats_file, cert, key],
                            env=dict(os.environ, SINK_DELAY_MS=str(delay_ms)))
    try:
        wait_for_sink(port, cert)
        config = os.path.join(work, "config.json")
        entry = {"file_path": path, "log_group_name": "/bench", "log_stream_name": "bench"}
        if timestamp_format:
            entry["timestamp_format"] = timestamp_format
        http = {"ca_bundle": cert}
        if per_stream:
            http["max_in_flight_per_stream"] = per_stream
        with open(config, "w") as f:
            json.dump({"agent": {"region": "us-east-1"},
                       "logs": {"endpoint_override": f"https://localhost:{port}",
                                "logs_collected": {"files": {"collect_list": [entry]}}},
                       "edgelog": {"state_dir": state, "http": http}}, f)
        env = {"PATH": os.environ.get("PATH", ""), "AWS_ACCESS_KEY_ID": "AKIDBENCHEXAMPLE",
               "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_EC2_METADATA_DISABLED": "true"}
        r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
        # BENCH_WRAP runs the agent under a profiler, e.g. "perf record -g -o FILE".
        wrap = os.environ.get("BENCH_WRAP", "").split()
        agent = subprocess.run(wrap + [EDGELOG, "run", "--once", "--config", config], env=env,
                               capture_output=True, text=True)
        t1, r1 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        if agent.returncode != 0:
            raise SystemExit("edgelog failed:\n" + agent.stderr)
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(30)
    with open(stats_file) as f:
        stats = json.load(f)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return t1 - t0, cpu, r1.ru_maxrss, stats


def main():
    if not os.path.exists(EDGELOG):
        raise SystemExit(f"{EDGELOG} is missing: run make first")
    data_dir = os.path.join(ROOT, BUILD, "bench")
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"bench-{LINES}.log")
    make_log(path)
    size = os.path.getsize(path)
    mb, gb = size / 1e6, size / 1e9
    print(f"data: {path}: {LINES} lines, {mb:.1f} MB\n")
    print(f"{'what':34} {'wall s':>8} {'CPU s':>8} {'MB/s (CPU)':>11} {'CPU s/GB':>9}")
    for name, wall, cpu in physical_limits(path):
        print(f"{name:34} {wall:8.2f} {cpu:8.2f} {mb / max(cpu, 1e-9):11.0f} {cpu / gb:9.2f}")
    # Reading, framing and record assembly alone (wall time, one thread).
    framing = os.path.join(ROOT, BUILD, "tests", "framing_bench")
    sys.stdout.flush()
    subprocess.run([framing, path], check=True)
    with tempfile.TemporaryDirectory(prefix="edgelog-bench-") as work:
        cert, key = make_cert(work)
        wall, cpu, rss_kb, stats = run_agent(path, work, cert, key)
        slow = run_agent(path, work, cert, key, delay_ms=SLOW_SINK_MS)
        # Times from the lines (yesterday, a millisecond apart): batches
        # do not share a millisecond, so a stream may send ahead.
        yesterday = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)
        timed_path = os.path.join(data_dir, f"bench-{LINES}-{yesterday:%Y%m%d}.log")
        make_log(timed_path, datetime.datetime.combine(yesterday, datetime.time()))
        timed = run_agent(timed_path, work, cert, key, delay_ms=SLOW_SINK_MS,
                          timestamp_format="%Y-%m-%dT%H:%M:%S.%fZ")
        # The same with one request of the stream at a time: what a busy
        # stream waits on round trips without requests in flight together.
        one = run_agent(timed_path, work, cert, key, delay_ms=SLOW_SINK_MS,
                        timestamp_format="%Y-%m-%dT%H:%M:%S.%fZ", per_stream=1)
    for what, got in (("HTTPS sink", stats), (f"sink answering after {SLOW_SINK_MS} ms", slow[3]),
                      ("times from the lines", timed[3]), ("one request at a time", one[3])):
        if got["events"] != LINES:
            raise SystemExit(f"{what}: the sink received {got['events']} events, expected {LINES}")
    print(f"{'edgelog run --once (HTTPS sink)':34} {wall:8.2f} {cpu:8.2f} "
          f"{mb / max(cpu, 1e-9):11.0f} {cpu / gb:9.2f}")
    print(f"{'  the same, answers after ' + str(SLOW_SINK_MS) + ' ms':34} {slow[0]:8.2f} "
          f"{slow[1]:8.2f} {mb / max(slow[1], 1e-9):11.0f} {slow[1] / gb:9.2f}")
    print(f"{'  times from the lines, ' + str(SLOW_SINK_MS) + ' ms':34} {timed[0]:8.2f} "
          f"{timed[1]:8.2f} {mb / max(timed[1], 1e-9):11.0f} {timed[1] / gb:9.2f}   "
          f"({timed[3]['requests']} requests)")
    print(f"{'    one request at a time':34} {one[0]:8.2f} "
          f"{one[1]:8.2f} {mb / max(one[1], 1e-9):11.0f} {one[1] / gb:9.2f}   "
          f"({one[3]['requests']} requests)")
    wire = stats["body_bytes"] + stats["header_bytes"]
    print()
    print(f"events/s (wall): {LINES / wall:,.0f}   events per CPU-second: {LINES / cpu:,.0f}")
    print(f"peak RSS: {rss_kb / 1024:.1f} MiB   requests: {stats['requests']}")
    print(f"bytes on the wire: {wire / 1e6:.1f} MB (bodies {stats['body_bytes'] / 1e6:.1f} MB, "
          f"{size / stats['body_bytes']:.1f}x smaller than the log; TLS overhead not counted)")


if __name__ == "__main__":
    main()
