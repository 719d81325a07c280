"""make bench-idle: what an agent with nothing to do costs, with the
metrics server off, on, and on with a scrape every second.

Each run ships a 100-line file to a local moto server, waits until every
line is stored, lets the agent settle for 5 s, then samples it for
IDLE_SECONDS (default 60): CPU from /proc/PID/stat (all threads), RSS from
/proc/PID/status, context switches of every thread (each one a wakeup)."""
import os
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import harness  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
SECONDS = float(os.environ.get("IDLE_SECONDS", "60"))


def figures(pid):
    """(CPU seconds, RSS KiB, context switches, threads) of process `pid`."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    switches = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if "ctxt_switches" in line:
                    switches += int(line.split(":")[1])
    return cpu, rss, switches, threads


def stored(logs, stream):
    try:
        return len(harness.read_events(logs, "/bench/idle", stream))
    except logs.exceptions.ResourceNotFoundException:
        return 0


def measure(moto, logs, key, secret, name, server, scrape):
    work = harness.Workdir()
    path = work.write_log("app.log", [f"idle line {i}".encode() for i in range(100)])
    address = f"127.0.0.1:{harness.free_port()}"
    edgelog = {"http_server": {"listen": address}} if server else {}
    config = work.write_config(moto.url, [{"file_path": path, "log_group_name": "/bench/idle",
                                           "log_stream_name": name}], edgelog=edgelog)
    agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                             env=harness.agent_env(key, secret), stderr=subprocess.DEVNULL)
    try:
        harness.wait_until(lambda: stored(logs, name) == 100, 60, "every line stored")
        time.sleep(5)  # settle: the last acknowledgement, checkpoints saved
        cpu0, _, switches0, _ = figures(agent.pid)
        start = time.monotonic()
        while time.monotonic() - start < SECONDS:
            if scrape:
                urllib.request.urlopen(f"http://{address}/metrics", timeout=5).read()
            time.sleep(1)
        cpu1, rss, switches1, threads = figures(agent.pid)
        elapsed = time.monotonic() - start
    finally:
        agent.terminate()
        agent.wait()
        work.remove()
    return (cpu1 - cpu0) / elapsed * 100, rss / 1024, (switches1 - switches0) / elapsed, threads


def main():
    moto = harness.Moto().start()
    try:
        key, secret = moto.create_identity()
        logs = harness.client("logs", moto.url, key, secret)
        print(f"idle for {SECONDS:.0f} s after shipping 100 lines ({harness.EDGELOG})")
        print(f"{'':38s} {'CPU % of a core':>16s} {'RSS MiB':>8s} {'wakeups/s':>10s} {'threads':>8s}")
        for name, server, scrape, label in (
                ("off", False, False, "metrics server off"),
                ("on", True, False, "metrics server on, not scraped"),
                ("scraped", True, True, "metrics server on, scraped every 1 s")):
            cpu, rss, wakeups, threads = measure(moto, logs, key, secret, name, server, scrape)
            print(f"{label:38s} {cpu:16.3f} {rss:8.1f} {wakeups:10.2f} {threads:8d}", flush=True)
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
