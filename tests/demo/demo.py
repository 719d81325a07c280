"""make demo: edgelog shipping a live log to a local CloudWatch Logs.

Starts moto (a CloudWatch Logs stand-in) on a free loopback port with
signature checking on, writes two realistic logs for about ten seconds,
runs edgelog against them and prints every event as it lands, read back
through the CloudWatch Logs API. Stops everything it started, but keeps
the config, the logs and the state directory in build/demo/ (emptied at the
start of each demo) and says how to run them again by hand against
make endpoint."""
import datetime
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import endpoint  # noqa: E402  (tests/demo/endpoint.py: make endpoint)
import harness  # noqa: E402

COLOR = sys.stdout.isatty()
WRITE_SECONDS = 10


def paint(code, text):
    return f"\033[{code}m{text}\033[0m" if COLOR else text


def say(text):
    print(paint("1", "==> ") + text, flush=True)


class Writer(threading.Thread):
    """Appends an application log and an access log, like busy services."""

    def __init__(self, app_path, access_path):
        super().__init__(daemon=True)
        self.app_path, self.access_path = app_path, access_path
        self.written = {"app": 0, "access": 0}

    def run(self):
        rng = random.Random(2026)
        users = ["alice", "bob", "chloé", "dmitri", "李雷"]
        paths = ["/", "/api/orders", "/api/orders/42", "/login", "/static/app.js", "/health"]
        messages = [lambda: f"order placed id={rng.randint(1000, 9999)} by {rng.choice(users)}",
                    lambda: f"payment authorised amount={rng.randint(5, 900)}.00 EUR",
                    lambda: f"cache miss key=user:{rng.choice(users)}",
                    lambda: f"slow query took {rng.randint(200, 4000)} ms",
                    lambda: f"user {rng.choice(users)} logged in"]
        end = time.monotonic() + WRITE_SECONDS
        with open(self.app_path, "a") as app, open(self.access_path, "a") as access:
            while time.monotonic() < end:
                now = datetime.datetime.now(datetime.timezone.utc)
                level = rng.choices(["INFO", "DEBUG", "WARN", "ERROR"], [70, 15, 10, 5])[0]
                text = rng.choice(messages)()
                app.write(f"{now.isoformat(timespec='milliseconds')} {level:5} [worker-{rng.randint(1, 4)}] {text}\n")
                self.written["app"] += 1
                if rng.random() < 0.6:
                    status = rng.choices([200, 201, 304, 404, 500], [70, 10, 10, 7, 3])[0]
                    access.write(f'10.0.{rng.randint(0, 9)}.{rng.randint(1, 254)} - - '
                                 f'[{now.strftime("%d/%b/%Y:%H:%M:%S +0000")}] '
                                 f'"GET {rng.choice(paths)} HTTP/1.1" {status} {rng.randint(120, 9000)} '
                                 f'"-" "curl/8.5"\n')
                    self.written["access"] += 1
                app.flush()
                access.flush()
                time.sleep(rng.uniform(0.02, 0.12))


def main():
    if not os.path.exists(harness.EDGELOG):
        sys.exit(f"{harness.EDGELOG} is missing: run make first")
    say("starting a local CloudWatch Logs endpoint (moto, signature checking on)")
    key_id, secret = endpoint.TEST_KEY_ID, endpoint.TEST_SECRET
    moto = harness.Moto().start(identity=(key_id, secret))
    # Kept after the demo, for running it again by hand; a fresh one each demo.
    kept = os.path.join(harness.ROOT, harness.BUILD, "demo")
    shutil.rmtree(kept, ignore_errors=True)
    work = harness.Workdir(kept)
    agent = None
    try:
        say(f"endpoint {moto.url}, IAM user 'edgelog' with key {key_id[:4]}…{key_id[-4:]}")
        logs = harness.client("logs", moto.url, key_id, secret)
        app_log, access_log = work.file("app.log"), work.file("access.log")
        for path in (app_log, access_log):
            open(path, "w").close()
        # The endpoint comes from the environment, not the config, so the
        # config runs again as it is against make endpoint.
        config = work.write_json("config.json", {
            "agent": {"region": harness.REGION},
            "logs": {"force_flush_interval": 1, "logs_collected": {"files": {"collect_list": [
                {"file_path": app_log, "log_group_name": "/demo/app",
                 "log_stream_name": "{hostname}", "retention_in_days": 7},
                {"file_path": access_log, "log_group_name": "/demo/nginx",
                 "log_stream_name": "access"},
            ]}}},
            "edgelog": {"state_dir": work.state},
        })
        say(f"config: {os.path.relpath(config)}, state in {os.path.relpath(work.state)}")
        stderr_path = work.file("edgelog.stderr")
        agent_env = harness.agent_env(key_id, secret, **dict(endpoint.exports(moto.url)))
        with open(stderr_path, "w") as stderr_file:
            agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                                     env=agent_env, stderr=stderr_file)
        say(f"edgelog running (pid {agent.pid}); writing two logs for {WRITE_SECONDS} s")
        writer = Writer(app_log, access_log)
        writer.start()

        seen = {}
        tokens = {}
        shown_agent_lines = 0
        deadline = time.monotonic() + WRITE_SECONDS + 30
        while time.monotonic() < deadline:
            shown_agent_lines = show_agent_output(stderr_path, shown_agent_lines)
            for group in ("/demo/app", "/demo/nginx"):
                poll_group(logs, group, seen, tokens)
            arrived = sum(seen.values())
            if not writer.is_alive() and arrived >= sum(writer.written.values()):
                break
            time.sleep(0.5)

        say("stopping edgelog with SIGTERM")
        agent.send_signal(signal.SIGTERM)
        code = agent.wait(20)
        show_agent_output(stderr_path, shown_agent_lines)
        written = sum(writer.written.values())
        arrived = sum(seen.values())
        print()
        say(f"lines written: {written}   events in CloudWatch Logs: {arrived}   "
            f"lost: {written - arrived}   edgelog exit code: {code}")
        for key, count in sorted(seen.items()):
            print(f"    {key[0]} / {key[1]}: {count} events")
        print()
        say(f"kept in {os.path.relpath(kept)}/: the config, both logs and the state directory. "
            f"To run it again by hand: make endpoint, then in another shell the exports it "
            f"prints and {os.path.relpath(harness.EDGELOG)} run -c {os.path.relpath(config)} "
            f"(append to the logs to ship more; rm -rf {os.path.relpath(work.state)} to ship "
            f"them again from the start)")
        return 0 if arrived == written and code == 0 else 1
    finally:
        if agent and agent.poll() is None:
            agent.kill()
        moto.stop()


def show_agent_output(path, already):
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines[already:]:
        print(paint("2", "    agent │ " + line), flush=True)
    return len(lines)


def poll_group(logs, group, seen, tokens):
    try:
        streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    except logs.exceptions.ResourceNotFoundException:
        return
    for s in streams:
        key = (group, s["logStreamName"])
        kwargs = dict(logGroupName=group, logStreamName=key[1], startFromHead=True)
        if key in tokens:
            kwargs["nextToken"] = tokens[key]
        page = logs.get_log_events(**kwargs)
        tokens[key] = page["nextForwardToken"]
        for e in page["events"]:
            seen[key] = seen.get(key, 0) + 1
            t = datetime.datetime.fromtimestamp(e["timestamp"] / 1000).strftime("%H:%M:%S.%f")[:-3]
            label = paint("36", f"{group}/{key[1]}")
            print(f"  {label} {paint('33', t)}  {e['message']}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
