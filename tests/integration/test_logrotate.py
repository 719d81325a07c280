"""Debian's logrotate itself rotating the files the real agent follows:
`create`, `copytruncate` and `delaycompress` + `compress`, while the agent
runs and while it is stopped, with `file_path` exact and as a glob, against
moto with signature checking on. Each case counts the lines lost, repeated
and out of order, prints the three counts and requires all three to be 0
(and no message that is not a written line).

What logrotate 3.21 does (strace), which the expectations below rest on:
- `create`: older generations shift first (NAME.1 -> NAME.2, ...), then
  rename NAME -> NAME.1, then a new empty NAME (created 0600, given the old
  mode through its ACL), then postrotate. The application keeps writing to
  NAME.1 through its descriptor until it reopens. An empty NAME is rotated
  too (`ifempty` is the default), leaving an empty NAME.1.
- `copytruncate`: shift, then open NAME.1 with O_CREAT|O_EXCL at its final
  name and copy into it in 8 KiB reads (so NAME.1 is visible, growing, while
  the copy runs), fsync it, then ftruncate NAME. The copy's mtime is the
  time of the copy, not the original's. Lines written between the last read
  and the truncation are lost by logrotate itself.
- `delaycompress`: at the start of the *next* rotation, gzip NAME.1 into
  NAME.1.gz (mtime kept), unlink NAME.1, shift NAME.N.gz up (NAME.1.gz ->
  NAME.2.gz), then rotate NAME into a new NAME.1. The agent must have
  finished NAME.1 by then; .gz files are never read.

So the lines a case expects are the complete lines found in all
generation files (decompressed) once the writing is over. Where logrotate
cannot lose a line (`create`, or a writer paused around copytruncate) that
set is checked to be everything written."""
import bisect
import collections
import contextlib
import gzip
import os
import signal
import subprocess
import threading
import time
import unittest

import harness

LOGROTATE = "/usr/sbin/logrotate"  # `make deps` installs it
GEN_LINES = 3000         # lines per generation
LIVE_ROTATIONS = 4       # rotations while the agent runs
QUIET_S = 12             # no new event for this long: the agent is done (its rescan is 10 s)
SETTLED_S = 6            # and nothing more comes for this long (its rotation waits are 5 s)
FINISH_DOT1_S = 20       # time to finish NAME.1 before delaycompress gzips it


def line_for(seq):
    """The text of line `seq`: mostly short, every 97th a few KiB (crossing
    page boundaries), every 997th about 20 KiB."""
    if seq % 997 == 0:
        pad = 20000 + seq % 1000
    elif seq % 97 == 0:
        pad = 2000 + seq % 2000
    else:
        pad = seq % 61
    return f"seq={seq:08d} payload {'abcdefgh'[seq % 8] * pad}"


def seq_of(message):
    """The line number a message claims, or None."""
    head = message[:12]
    if not head.startswith("seq=") or not head[4:].isdigit():
        return None
    return int(head[4:])


def intact_lines(data):
    """Line numbers of the complete lines in `data` that are exactly as
    written (a last piece without a newline does not count)."""
    found = set()
    for raw in data.split(b"\n")[:-1]:
        text = raw.decode(errors="replace")
        seq = seq_of(text)
        if seq is not None and text == line_for(seq):
            found.add(seq)
    return found


def lines_in_file(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return intact_lines(f.read())


def lines_in_files(logdir):
    """intact_lines of every generation of app.log in `logdir`, gzipped
    ones decompressed."""
    found = set()
    for name in os.listdir(logdir):
        if name.startswith("app.log"):
            found |= lines_in_file(os.path.join(logdir, name))
    return found


def longest_increasing(values):
    """Length of the longest strictly increasing subsequence."""
    tails = []
    for v in values:
        i = bisect.bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
        else:
            tails[i] = v
    return len(tails)


def tally(messages, expected, written):
    """(lost, repeated, out of order, foreign) of delivered messages.
    lost: expected lines never delivered intact, sorted. repeated: the line
    number of every delivery beyond the first of a line, sorted. out of
    order: how many first deliveries are outside the longest increasing run
    (how many lines would have to move). foreign: messages that are no
    written line, except a prefix of a line that no file holds whole
    (copytruncate cut it, in a copy torn mid-write)."""
    seqs, foreign = [], 0
    for m in messages:
        seq = seq_of(m)
        if seq is not None and seq < written and m == line_for(seq):
            seqs.append(seq)
        elif not (seq is not None and seq < written and seq not in expected
                  and line_for(seq).startswith(m)):
            foreign += 1
    firsts, seen = [], set()
    for s in seqs:
        if s not in seen:
            seen.add(s)
            firsts.append(s)
    repeated = sorted((collections.Counter(seqs) - collections.Counter(firsts)).elements())
    return (sorted(expected - seen), repeated, len(firsts) - longest_increasing(firsts),
            foreign)


def ranges(seqs):
    """A short text for sorted line numbers: the first few ranges."""
    if not seqs:
        return "none"
    spans, start, prev = [], seqs[0], seqs[0]
    for s in seqs[1:] + [None]:
        if s is not None and s in (prev, prev + 1):
            prev = s
            continue
        spans.append(f"{start}-{prev}" if start != prev else str(start))
        if s is not None:
            start = prev = s
    more = f" ... ({len(spans)} ranges)" if len(spans) > 8 else ""
    return ", ".join(spans[:8]) + more


class App:
    """An application logging numbered lines to app.log: an O_APPEND
    descriptor (what copytruncate needs), one write() per line, and a reopen
    of the path after a `create` rotation, as on SIGHUP from postrotate."""

    def __init__(self, path):
        self.path = path
        self.seq = 0
        self.reopens = 0
        self.lock = threading.Lock()
        self.fd = self._open()

    def _open(self):
        return os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, count):
        with self.lock:
            for _ in range(count):
                os.write(self.fd, (line_for(self.seq) + "\n").encode())
                self.seq += 1

    def reopen(self):
        with self.lock:
            os.close(self.fd)
            self.fd = self._open()
            self.reopens += 1

    def close(self):
        with self.lock:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None


class BackgroundWriter(threading.Thread):
    """Keeps `app` writing in small bursts (also while logrotate runs) and
    reopens its log when postrotate has touched `reopen_flag`."""

    def __init__(self, app, reopen_flag):
        super().__init__(daemon=True)
        self.app, self.reopen_flag = app, reopen_flag
        self.stopping = threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.stopping.is_set():
                if os.path.exists(self.reopen_flag):
                    os.unlink(self.reopen_flag)
                    self.app.reopen()
                self.app.write(20)
                time.sleep(0.001)  # lets time pass between bursts
        except Exception as e:  # reported by the test, not lost in the thread
            self.error = e

    def stop(self):
        self.stopping.set()
        self.join(30)
        if self.error:
            raise self.error


class LogrotateTest(harness.MotoTestCase):
    def setUp(self):
        super().setUp()
        self.logdir = self.work.file("logs")
        os.mkdir(self.logdir)
        os.chmod(self.logdir, 0o755)  # logrotate refuses group- or world-writable dirs
        self.path = os.path.join(self.logdir, "app.log")
        self.reopen_flag = self.work.file("reopen")
        self.group = "/it/logrotate/" + self.id().split(".")[-1][len("test_"):][:200]
        self.agent = self.writer = self.agent_log = None

    def tearDown(self):
        if self.writer and self.writer.is_alive():
            self.writer.stopping.set()
            self.writer.join(30)
        if self.agent and self.agent.poll() is None:
            self.agent.kill()
            self.agent.wait()
        if self.agent_log:
            self.agent_log.close()
        self.work.remove()

    # --- set-up -------------------------------------------------------------

    def configure(self, mode, glob, compress=False):
        """The agent's config and logrotate's, for `mode` (create or
        copytruncate), with `file_path` a glob or the exact path."""
        file_path = self.path + "*" if glob else self.path
        self.config = self.work.write_config(self.moto.url, [{
            "file_path": file_path, "log_group_name": self.group, "log_stream_name": "app"}])
        directives = ["rotate 50", "missingok", "nomail", mode]
        if compress:
            directives += ["compress", "delaycompress"]
        if mode == "create":
            directives += ["postrotate", f"    touch {self.reopen_flag}", "endscript"]
        self.rotate_conf = self.work.file("logrotate.conf")
        with open(self.rotate_conf, "w") as f:
            f.write(f"{self.path} {{\n" + "".join(f"    {d}\n" for d in directives) + "}\n")
        self.rotate_state = self.work.file("logrotate.status")
        self.app = App(self.path)

    def start_agent(self):
        self.agent_log = open(self.work.file("agent.log"), "ab")
        self.agent = subprocess.Popen(
            [harness.EDGELOG, "run", "--config", self.config], env=self.env,
            stdout=subprocess.DEVNULL, stderr=self.agent_log)

    def stop_agent(self):
        self.agent.send_signal(signal.SIGTERM)
        code = self.agent.wait(60)
        self.agent = None
        self.assertEqual(code, 0, "agent exit code" + self.agent_says())

    def agent_says(self):
        path = self.work.file("agent.log")
        if not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            return "\nagent log (tail):\n" + f.read()[-3000:].decode(errors="replace")

    def run_once(self):
        code, err = harness.run_once(self.config, self.env)
        self.assertEqual(code, 0, err[-3000:])

    def logrotate(self, truncate_delay_s=0):
        """One forced rotation; with the writer paused (no background
        thread), reopens the app's log as postrotate asked. With
        `truncate_delay_s`, logrotate's ftruncate waits that long (strace
        delays the call), as a slow disk syncing a big copy makes it."""
        command = [LOGROTATE, "-s", self.rotate_state, "-f", self.rotate_conf]
        if truncate_delay_s:
            command = ["strace", "-f", "-o", "/dev/null", "-e",
                       f"inject=ftruncate:delay_enter={truncate_delay_s * 1000000}"] + command
        proc = subprocess.run(command, capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        if not self.writer and os.path.exists(self.reopen_flag):
            os.unlink(self.reopen_flag)
            self.app.reopen()

    # --- reading back ---------------------------------------------------------

    def messages(self):
        try:
            return [e["message"] for e in harness.read_events(self.logs, self.group, "app")]
        except self.logs.exceptions.ResourceNotFoundException:
            return []

    def delivered(self):
        return {seq_of(m) for m in self.messages()}

    def wait_for(self, want, quiet=QUIET_S):
        """Polls the stream until every line of `want` arrived and nothing
        new came for SETTLED_S, or nothing new came for `quiet` s."""
        state = {"count": -1, "since": time.monotonic(), "covered": False}

        def done():
            got = self.messages()
            now = time.monotonic()
            if len(got) != state["count"]:
                state["count"], state["since"] = len(got), now
                state["covered"] = want <= {seq_of(m) for m in got}
            idle = now - state["since"]
            return idle > (SETTLED_S if state["covered"] else quiet)

        harness.wait_until(done, 150, f"{self.group} to settle", interval=0.5)

    def wait_for_finished_dot1(self):
        """delaycompress gzips NAME.1 at the next rotation: gives the agent
        FINISH_DOT1_S to deliver it first (what a daily rotation gives)."""
        dot1 = self.path + ".1"
        if not os.path.exists(dot1):
            return
        want = lines_in_file(dot1)
        try:
            harness.wait_until(lambda: want <= self.delivered(), FINISH_DOT1_S,
                               "app.log.1 delivered", interval=0.5)
        except AssertionError:
            pass  # not finished: those lines count as lost at the end

    def count(self, what, expected):
        """Prints and returns what tally finds: (counts, what they are)."""
        lost, repeated, disorder, foreign = tally(self.messages(), expected, self.app.seq)
        print(f"\n    {self.group}: {what}: {self.app.seq} lines written, {len(expected)} in "
              f"files; lost {len(lost)}, repeated {len(repeated)}, out of order {disorder}"
              + (f", foreign {foreign}" if foreign else ""), flush=True)
        return ((len(lost), len(repeated), disorder, foreign),
                f"lost lines {ranges(lost)}; repeated lines {ranges(repeated)}")

    def check(self, counted, what):
        counts, detail = counted
        self.assertEqual(counts, (0, 0, 0, 0),
                         f"{what}: (lost, repeated, out of order, foreign); {detail}"
                         + self.agent_says())

    # --- scenarios ------------------------------------------------------------

    def rotations_while_running(self, mode, glob, slowed=False):
        """The agent runs; the app writes continuously, also while logrotate
        runs; LIVE_ROTATIONS rotations a generation apart. Then a stop and a
        restart (`run --once`) that must ship nothing again. `slowed`: the
        agent runs 30 % of the time beside a busy core while rotations go
        on (harness.Slowed), so rotations pile up between its looks."""
        self.configure(mode, glob)
        self.app.write(GEN_LINES)
        self.start_agent()
        harness.wait_until(lambda: len(self.delivered()) > 0, 60, "the first lines")
        self.writer = BackgroundWriter(self.app, self.reopen_flag)
        self.writer.start()
        with harness.Slowed(self.agent) if slowed else contextlib.nullcontext():
            for _ in range(LIVE_ROTATIONS):
                target = self.app.seq + GEN_LINES
                harness.wait_until(lambda: self.app.seq >= target, 60, "a generation written")
                reopens = self.app.reopens
                self.logrotate()
                if mode == "create":
                    harness.wait_until(lambda: self.app.reopens > reopens, 30,
                                       "the app to reopen")
        target = self.app.seq + GEN_LINES
        harness.wait_until(lambda: self.app.seq >= target, 60, "the last generation written")
        self.writer.stop()
        self.writer = None
        self.app.close()
        expected = lines_in_files(self.logdir)
        if mode == "create":
            self.assertEqual(len(expected), self.app.seq, "create lost lines by itself")
        self.wait_for(expected)
        live = self.count("while running", expected)
        self.stop_agent()
        self.run_once()
        again = self.count("after a restart", expected)
        self.check(live, "while running")
        self.check(again, "after a restart")

    def rotations_while_stopped(self, mode, glob):
        """The agent stops (SIGTERM) right after more lines were written;
        then writes, a rotation, writes, two rotations and writes; then
        `run --once`. The writer is paused around each rotation, so
        logrotate itself loses nothing."""
        self.configure(mode, glob)
        self.app.write(GEN_LINES)
        self.start_agent()
        first = set(range(self.app.seq))
        harness.wait_until(lambda: first <= self.delivered(), 60, "the first lines")
        self.app.write(GEN_LINES // 2)  # some of these unread at the stop
        self.stop_agent()
        self.app.write(GEN_LINES)
        self.logrotate()
        self.app.write(GEN_LINES)
        self.logrotate()
        self.logrotate()
        self.app.write(GEN_LINES)
        self.app.close()
        expected = lines_in_files(self.logdir)
        self.assertEqual(len(expected), self.app.seq, f"{mode} lost lines by itself")
        self.run_once()
        self.check(self.count("after rotations while stopped", expected),
                   "after rotations while stopped")

    def delaycompress(self, mode, glob):
        """compress + delaycompress: rotations while running (the app
        writing throughout), then one more while stopped. NAME.1 must be
        finished, NAME.N.gz never read."""
        self.configure(mode, glob, compress=True)
        self.app.write(GEN_LINES)
        self.start_agent()
        harness.wait_until(lambda: len(self.delivered()) > 0, 60, "the first lines")
        self.writer = BackgroundWriter(self.app, self.reopen_flag)
        self.writer.start()
        for _ in range(LIVE_ROTATIONS - 1):
            target = self.app.seq + GEN_LINES
            harness.wait_until(lambda: self.app.seq >= target, 60, "a generation written")
            self.wait_for_finished_dot1()
            reopens = self.app.reopens
            self.logrotate()
            if mode == "create":
                harness.wait_until(lambda: self.app.reopens > reopens, 30, "the app to reopen")
        target = self.app.seq + GEN_LINES
        harness.wait_until(lambda: self.app.seq >= target, 60, "the last generation written")
        self.writer.stop()
        self.writer = None
        self.wait_for(lines_in_files(self.logdir))
        live = self.count("while running", lines_in_files(self.logdir))
        self.app.write(GEN_LINES // 2)
        self.stop_agent()
        self.app.write(GEN_LINES)
        self.logrotate()  # gzips the NAME.1 finished while running
        self.app.write(GEN_LINES)
        self.app.close()
        expected = lines_in_files(self.logdir)
        gz = [n for n in os.listdir(self.logdir) if n.endswith(".gz")]
        self.assertGreaterEqual(len(gz), LIVE_ROTATIONS - 1, sorted(os.listdir(self.logdir)))
        if mode == "create":
            self.assertEqual(len(expected), self.app.seq, "create lost lines by itself")
        self.run_once()
        after = self.count("after a rotation while stopped", expected)
        self.check(live, "while running")
        self.check(after, "after a rotation while stopped")

    # --- the cases --------------------------------------------------------------

    def test_create_while_running_exact_path(self):
        self.rotations_while_running("create", glob=False)

    def test_create_while_running_glob(self):
        self.rotations_while_running("create", glob=True)

    def test_create_while_stopped_exact_path(self):
        self.rotations_while_stopped("create", glob=False)

    def test_create_while_stopped_glob(self):
        self.rotations_while_stopped("create", glob=True)

    def test_copytruncate_with_a_concurrent_writer_exact_path(self):
        self.rotations_while_running("copytruncate", glob=False)

    def test_copytruncate_with_a_concurrent_writer_glob(self):
        self.rotations_while_running("copytruncate", glob=True)

    def test_copytruncate_with_the_agent_slowed_exact_path(self):
        self.rotations_while_running("copytruncate", glob=False, slowed=True)

    def test_copytruncate_with_the_agent_slowed_glob(self):
        self.rotations_while_running("copytruncate", glob=True, slowed=True)

    def test_create_with_the_agent_slowed_glob(self):
        self.rotations_while_running("create", glob=True, slowed=True)

    def test_copytruncate_with_a_slow_truncation_glob(self):
        # The copy is complete and matched by the pattern long before the
        # original is truncated: still a copy, not a file of its own.
        self.configure("copytruncate", glob=True)
        self.app.write(GEN_LINES)
        self.start_agent()
        harness.wait_until(lambda: len(self.delivered()) == GEN_LINES, 60, "the first lines")
        self.app.write(100)  # not read yet, perhaps, when the copy is made
        self.logrotate(truncate_delay_s=7)
        self.app.write(GEN_LINES)
        self.app.close()
        expected = lines_in_files(self.logdir)
        self.wait_for(expected)
        self.check(self.count("a truncation 7 s after the copy", expected), "slow truncation")

    def test_copytruncate_while_stopped_exact_path(self):
        self.rotations_while_stopped("copytruncate", glob=False)

    def test_copytruncate_while_stopped_glob(self):
        self.rotations_while_stopped("copytruncate", glob=True)

    def test_delaycompress_create_exact_path(self):
        self.delaycompress("create", glob=False)

    def test_delaycompress_create_glob(self):
        self.delaycompress("create", glob=True)

    def test_delaycompress_copytruncate_exact_path(self):
        self.delaycompress("copytruncate", glob=False)

    def test_delaycompress_copytruncate_glob(self):
        self.delaycompress("copytruncate", glob=True)


if __name__ == "__main__":
    unittest.main()
