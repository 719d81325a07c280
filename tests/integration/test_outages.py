"""The real agent through CloudWatch outages, crashes and a damaged disk
buffer, against moto with signature checking on. Every test counts lines:
none lost, and duplicates only where the design allows them (after a
crash, only the batches in flight).

The helpers here (numbered-line files, the agent as a child process, a
reader of the disk buffer's segment files) are shared with test_faults.py.
"""
import collections
import gzip
import json
import os
import random
import signal
import struct
import subprocess
import threading
import time
import unittest
import zlib

import harness

# An access key the tests give both the agent and every moto they start, so
# a moto restarted with all its state lost accepts the agent's requests.
IDENTITY = ("AKIAEDGELOGOUTAGE001", "outage-test-secret-key-0000000000000000")
# PutLogEvents carries at most this many events: the most one request in
# flight can repeat after a crash.
MAX_EVENTS_PER_REQUEST = 10000


# --- numbered lines ---------------------------------------------------------

def line_text(seq):
    return f"seq={seq:08d} payload {'x' * (seq % 40)}"


def seq_of(message):
    return int(message[4:12])


class LogFile:
    """Appends numbered lines to a file (each write whole lines, one
    write(2)) and rotates it the way logrotate does."""

    def __init__(self, path, first_seq=0):
        self.path = path
        self.seq = first_seq
        self.rotations = 0
        self.generations = 0  # rotated files kept by rotate(keep_all=True)
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, count):
        text = "".join(line_text(s) + "\n" for s in range(self.seq, self.seq + count))
        os.write(self.fd, text.encode())
        self.seq += count

    def rotate(self, keep_all=False, late_lines=0):
        """Rename to NAME.1 and reopen NAME, writing `late_lines` to the old
        descriptor first (the application has not reopened yet). With
        keep_all, older generations shift to NAME.2, NAME.3, ...; without,
        the previous NAME.1 is deleted first: only one rotated file is kept."""
        if keep_all:
            for i in range(self.generations, 0, -1):
                os.rename(f"{self.path}.{i}", f"{self.path}.{i + 1}")
            self.generations += 1
        elif os.path.exists(self.path + ".1"):
            os.remove(self.path + ".1")
        os.rename(self.path, self.path + ".1")
        self.write(late_lines)
        os.close(self.fd)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.rotations += 1

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def tally(seqs, total):
    """(lost, duplicates, out of range) of delivered line numbers."""
    counts = collections.Counter(seqs)
    lost = [s for s in range(total) if counts[s] == 0]
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    strays = sorted(s for s in counts if not 0 <= s < total)
    return lost, duplicates, strays


def describe(seqs):
    """A short text for a list of line numbers: count and ranges."""
    if not seqs:
        return "none"
    ranges, start, prev = [], seqs[0], seqs[0]
    for s in seqs[1:] + [None]:
        if s is not None and s == prev + 1:
            prev = s
            continue
        ranges.append(f"{start}-{prev}" if start != prev else str(start))
        if s is not None:
            start = prev = s
    more = f" ... ({len(ranges)} ranges)" if len(ranges) > 8 else ""
    return f"{len(seqs)} lines: " + ", ".join(ranges[:8]) + more


# --- the agent --------------------------------------------------------------

def write_config(work, endpoint, entries, **edgelog):
    """harness.Workdir.write_config plus settings of the "edgelog" section."""
    path = work.write_config(endpoint, entries)
    with open(path) as f:
        config = json.load(f)
    config["edgelog"].update(edgelog)
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    return path


class Agent:
    """`edgelog run` as a child process, started and stopped as often as a
    test likes. Its standard error goes to one file across all runs, so a
    test can read it while the agent runs."""

    def __init__(self, work, config, env, once=False):
        self.config = config
        self.args = [harness.EDGELOG, "run", "--config", config] + (["--once"] if once else [])
        self.env = env
        self.log_path = work.file("agent.log")
        self.proc = None
        self.starts = 0

    def start(self):
        with open(self.log_path, "ab+") as log:
            log.seek(0)
            runs = log.read().count(b"--- start ")
            log.write(f"--- start {runs + 1}: {' '.join(self.args[1:])}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.DEVNULL,
                                         stderr=log)
        self.starts += 1
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log_tail(self, chars=3000):
        return self.log()[-chars:]

    def wait_for_log(self, text, timeout, since=0):
        """Waits until the log holds `text` after character `since`."""
        def seen():
            if self.proc.poll() is not None and text not in self.log()[since:]:
                raise AssertionError(f"agent exited ({self.proc.returncode}) before "
                                     f"logging {text!r}:\n{self.log_tail()}")
            return text in self.log()[since:]
        harness.wait_until(seen, timeout, f"agent log line {text!r}", interval=0.1)

    def wait(self, timeout):
        code = self.proc.wait(timeout)
        self.proc = None
        return code

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.proc = None

    def terminate(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def cleanup(self):
        if self.running():
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()
        self.proc = None


# --- the disk buffer, read back (format: agent/spool/spool_format.h) --------

RECORD_HEADER = struct.Struct("<IBI")  # length, type, masked CRC-32C
BATCH, ACK = 1, 2

SpoolRecord = collections.namedtuple(
    "SpoolRecord", "segment offset length type seq group stream seqs")


def read_segment(path):
    """The records of one segment file, up to the first one that is cut
    short or does not decode (the agent may be writing it). Batch records
    carry the line numbers of their events; CRCs are not checked."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    records, pos = [], 0
    while pos + RECORD_HEADER.size <= len(data):
        length, kind, _ = RECORD_HEADER.unpack_from(data, pos)
        end = pos + RECORD_HEADER.size + length
        if end > len(data):
            break
        payload = data[pos + RECORD_HEADER.size:end]
        if kind == ACK and length == 9:
            seq = struct.unpack_from("<Q", payload)[0]
            records.append(SpoolRecord(path, pos, end - pos, ACK, seq, "", "", []))
        elif kind == BATCH:
            try:
                seq = struct.unpack_from("<Q", payload)[0]
                at = 8
                names = []
                for _ in range(2):
                    n = struct.unpack_from("<I", payload, at)[0]
                    names.append(payload[at + 4:at + 4 + n].decode())
                    at += 4 + n
                body = json.loads(gzip.decompress(payload[at + 24:]))
            except (struct.error, OSError, EOFError, ValueError, KeyError, zlib.error):
                break
            seqs = [seq_of(e["message"]) for e in body["logEvents"]]
            records.append(SpoolRecord(path, pos, end - pos, BATCH, seq, names[0], names[1],
                                       seqs))
        else:
            break
        pos = end
    return records


def segment_files(buffer_dir):
    try:
        names = os.listdir(buffer_dir)
    except FileNotFoundError:
        return []
    return [os.path.join(buffer_dir, n) for n in sorted(names) if n.endswith(".seg")]


def spool_batches(buffer_dir):
    """Batch records of the buffer not acknowledged in it, oldest first."""
    records = [r for path in segment_files(buffer_dir) for r in read_segment(path)]
    acked = {r.seq for r in records if r.type == ACK}
    return [r for r in records if r.type == BATCH and r.seq not in acked]


def spooled_seqs(buffer_dir):
    return {s for r in spool_batches(buffer_dir) for s in r.seqs}


# --- moto -------------------------------------------------------------------

def events_or_none(logs, group, stream):
    try:
        return harness.read_events(logs, group, stream)
    except logs.exceptions.ResourceNotFoundException:
        return []


def message_bytes(first, last):
    """What moto counts as stored bytes for lines first..last-1."""
    return sum(len(line_text(s)) for s in range(first, last))


class OutageCase(unittest.TestCase):
    """A work directory, an agent and a moto on a port reserved up front
    (nothing listens there until the test starts moto), all cleaned up."""

    def setUp(self):
        self.work = harness.Workdir()
        self.buffer_dir = os.path.join(self.work.state, "buffer")
        self.moto = harness.Moto()
        self.endpoint = self.moto.url
        self.logs = harness.client("logs", self.endpoint, *IDENTITY)
        self.env = harness.agent_env(*IDENTITY)
        self.agents = []
        self.files = []

    def tearDown(self):
        for agent in self.agents:
            agent.cleanup()
        for f in self.files:
            f.close()
        self.moto.stop()
        self.work.remove()

    def agent(self, entries, once=False, **edgelog):
        config = write_config(self.work, self.endpoint, entries, **edgelog)
        agent = Agent(self.work, config, self.env, once=once)
        self.agents.append(agent)
        return agent

    def log_file(self, name, first_seq=0):
        f = LogFile(self.work.file(name), first_seq)
        self.files.append(f)
        return f

    def start_moto(self):
        self.moto.start(identity=IDENTITY)

    def wait_spooled(self, agent, seqs, timeout=30):
        """Waits until lines `seqs` are all in unacknowledged batches of the
        disk buffer."""
        want = set(seqs)
        def spooled():
            if not agent.running():
                raise AssertionError("agent exited:\n" + agent.log_tail())
            return want <= spooled_seqs(self.buffer_dir)
        harness.wait_until(spooled, timeout, f"{len(want)} lines in the disk buffer",
                           interval=0.2)

    def assert_exactly_once_in_order(self, got, total, what, agent=None):
        lost, duplicates, strays = tally(got, total)
        log = "\nagent log:\n" + agent.log_tail(2500) if agent else ""
        self.assertEqual(describe(lost), "none", f"{what}: lines lost{log}")
        self.assertEqual(duplicates, 0, f"{what}: lines repeated{log}")
        self.assertEqual(strays, [], f"{what}: lines never written")
        self.assertEqual(got, list(range(total)), f"{what}: lines out of order")


# --- b. nothing listening ---------------------------------------------------

class DeadEndpointTest(OutageCase):
    def test_buffered_through_rotations_while_nothing_listens_then_delivered_once(self):
        app = self.log_file("app.log")
        agent = self.agent([{"file_path": app.path, "log_group_name": "/it/dead",
                             "log_stream_name": "app"}]).start()
        app.write(100)  # its batch finds the endpoint down; later ones spill
        agent.wait_for_log("buffering batches to disk", 30)

        rng = random.Random(11)
        most_segments = 0
        for _ in range(6):
            first = app.seq
            app.write(rng.randint(8000, 9500))
            # Before the next rotation deletes NAME.1, its lines (and those
            # just written) must be safe in the buffer: after it, the buffer
            # is the only copy.
            self.wait_spooled(agent, range(first, app.seq))
            most_segments = max(most_segments, len(segment_files(self.buffer_dir)))
            app.rotate(late_lines=rng.randint(0, 20))
        first = app.seq
        app.write(3000)
        self.wait_spooled(agent, range(first, app.seq))
        total = app.seq
        spooled = spooled_seqs(self.buffer_dir)
        spooled_batches = len(spool_batches(self.buffer_dir))
        only_in_memory = sorted(set(range(total)) - spooled)
        self.assertGreaterEqual(total, 50000)
        self.assertGreater(most_segments, 0, "no segment file while the endpoint was down")
        # Only the batch that found the endpoint down is held in memory.
        self.assertLessEqual(len(only_in_memory), 100, describe(only_in_memory))

        started = time.monotonic()
        self.start_moto()
        stored = harness.StoredBytes(self.logs, "/it/dead", "app")
        try:
            harness.wait_until(
                lambda: stored() >= message_bytes(0, total),
                120, f"{total} lines in moto", interval=0.5)
        except AssertionError as timeout:
            got = [seq_of(e["message"]) for e in
                   harness.read_events(self.logs, "/it/dead", "app")]
            lost, duplicates, _ = tally(got, total)
            raise AssertionError(
                f"{timeout}: {len(got)} arrived, lost {describe(lost)}, duplicates "
                f"{duplicates}; buffered batches left {len(spool_batches(self.buffer_dir))}"
                f"\nagent log:\n{agent.log_tail(6000)}") from None
        delivered_after = time.monotonic() - started
        got = [seq_of(e["message"]) for e in harness.read_events(self.logs, "/it/dead", "app")]
        lost, duplicates, _ = tally(got, total)
        print(f"\n    dead endpoint: {total} lines, {app.rotations} rotations (one rotated "
              f"file kept), {len(spooled)} lines in {spooled_batches} "
              f"buffered batches, up to {most_segments} segment(s); delivered "
              f"{delivered_after:.1f} s after moto started: lost {len(lost)}, duplicates "
              f"{duplicates}", flush=True)
        self.assert_exactly_once_in_order(got, total, "after the outage")

        harness.wait_until(lambda: not spool_batches(self.buffer_dir), 30,
                           "the disk buffer to drain")
        self.assertLessEqual(len(segment_files(self.buffer_dir)), 1)
        agent.wait_for_log("disk buffer drained", 10)
        self.assertEqual(agent.terminate(), 0, agent.log_tail())


# --- c. SIGKILL at random moments -------------------------------------------

class CrashTest(OutageCase):
    def test_sigkill_at_random_moments_loses_nothing_and_repeats_only_within_the_bound(self):
        self.start_moto()
        app = self.log_file("app.log")
        agent = self.agent([{"file_path": app.path, "log_group_name": "/it/crash",
                             "log_stream_name": "app"}])
        stop_writing = threading.Event()
        writer_errors = []

        def writer():
            rng = random.Random(5)
            try:
                while not stop_writing.is_set():
                    app.write(rng.randint(50, 250))
                    if rng.random() < 0.02:
                        app.rotate(keep_all=True, late_lines=rng.randint(0, 5))
                    time.sleep(0.05)
            except Exception as e:  # reported by the test, not lost in a thread
                writer_errors.append(e)

        thread = threading.Thread(target=writer, daemon=True)
        rng = random.Random(17)
        kills = 8
        try:
            agent.start()
            thread.start()
            for _ in range(kills):
                time.sleep(rng.uniform(0.3, 2.0))  # a random moment, on purpose
                self.assertTrue(agent.running(), agent.log_tail())
                agent.kill()
                time.sleep(rng.uniform(0.0, 0.5))
                agent.start()
            time.sleep(1.0)
        finally:
            stop_writing.set()
            thread.join(30)
        self.assertEqual(writer_errors, [])
        total = app.seq
        harness.wait_until(
            lambda: len({seq_of(e["message"]) for e in
                         events_or_none(self.logs, "/it/crash", "app")}) >= total,
            120, f"{total} lines in moto", interval=1.0)
        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        got = [seq_of(e["message"]) for e in harness.read_events(self.logs, "/it/crash", "app")]
        lost, duplicates, strays = tally(got, total)
        # README's bound, per kill: the batches sent and not acknowledged
        # (one stream: at most max_in_flight_per_stream, 4), and the
        # lines acknowledged in the last second, before checkpoints.json was
        # saved again: at most what the writer writes in a second.
        most_per_second = 250 * int(1 / 0.05)
        bound = kills * (4 * MAX_EVENTS_PER_REQUEST + most_per_second)
        print(f"\n    crashes: {total} lines, {app.rotations} rotations, {kills} SIGKILLs: "
              f"lost {len(lost)}, duplicates {duplicates} (bound {bound})", flush=True)
        self.assertEqual(describe(lost), "none", "lines lost")
        self.assertEqual(strays, [])
        self.assertLessEqual(duplicates, bound)
        first_seen = list(collections.OrderedDict.fromkeys(got))
        self.assertEqual(first_seen, sorted(first_seen), "lines out of order")


# --- d. moto restarted, all state lost, while the buffer drains -------------

class RestartDuringDrainTest(OutageCase):
    def test_endpoint_losing_its_state_mid_drain_gets_group_stream_and_the_rest(self):
        app = self.log_file("app.log")
        # One request at a time: with several, the backlog's few batches
        # land together and no restart falls in the middle of the drain.
        # (Several in flight meeting a stream that vanished: the sender's
        # unit tests.)
        agent = self.agent([{"file_path": app.path, "log_group_name": "/it/drain",
                             "log_stream_name": "app", "retention_in_days": 7}],
                           http={"max_in_flight_per_stream": 1}).start()
        app.write(50)
        agent.wait_for_log("buffering batches to disk", 30)
        for _ in range(5):
            first = app.seq
            app.write(9000)
            self.wait_spooled(agent, range(first, app.seq))
        total = app.seq

        # The agent runs in short slices while moto comes up, and is frozen
        # as soon as the drain has begun: on a busy machine, polling a
        # running agent found the whole backlog drained already.
        agent.pause()
        self.start_moto()
        drained = harness.StoredBytes(self.logs, "/it/drain", "app")

        def a_slice_drained_some():
            agent.resume()
            time.sleep(0.05)
            agent.pause()
            return drained() > 0

        harness.wait_until(a_slice_drained_some, 60, "the drain to begin", interval=0)
        # The agent is frozen: what the first moto holds is known exactly.
        before = self._stable_events("/it/drain", "app")
        self.moto.stop()
        mark = len(agent.log())
        agent.resume()
        self.assertLess(len(before), total, "the backlog drained before moto was restarted")
        agent.wait_for_log("failed:", 30, since=mark)  # it notices the endpoint is gone
        self.start_moto()
        stored = harness.StoredBytes(self.logs, "/it/drain", "app")
        harness.wait_until(
            lambda: stored() >= message_bytes(0, total) - message_bytes_of(before), 120,
            "the rest in the restarted moto", interval=0.5)
        after = [seq_of(e["message"]) for e in
                 harness.read_events(self.logs, "/it/drain", "app")]
        groups = self.logs.describe_log_groups(logGroupNamePrefix="/it/drain")["logGroups"]
        print(f"\n    restart during drain: {total} lines; {len(before)} delivered before "
              f"the restart, {len(after)} after", flush=True)
        self.assertEqual([(g["logGroupName"], g.get("retentionInDays")) for g in groups],
                         [("/it/drain", 7)])
        self.assert_exactly_once_in_order(before + after, total, "across both lifetimes")
        self.assertEqual(agent.terminate(), 0, agent.log_tail())

    def _stable_events(self, group, stream):
        """The events once two reads 0.5 s apart agree (a request moto was
        handling when the agent stopped has been stored by then)."""
        previous = None
        for _ in range(20):
            events = [seq_of(e["message"]) for e in events_or_none(self.logs, group, stream)]
            if events == previous:
                return events
            previous = events
            time.sleep(0.5)  # a request in moto's hands has no other sign of finishing
        self.fail("moto's events kept changing with the agent stopped")


def message_bytes_of(seqs):
    return sum(len(line_text(s)) for s in seqs)


# --- clean stop during an outage --------------------------------------------

class CleanStopDuringOutageTest(OutageCase):
    def test_sigterm_while_buffering_then_restart_delivers_every_line_once(self):
        app = self.log_file("app.log")
        agent = self.agent([{"file_path": app.path, "log_group_name": "/it/stop",
                             "log_stream_name": "app"}]).start()
        app.write(100)
        agent.wait_for_log("buffering batches to disk", 30)
        for _ in range(3):
            first = app.seq
            app.write(3000)
            self.wait_spooled(agent, range(first, app.seq))
        total = app.seq
        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        spooled = len(spooled_seqs(self.buffer_dir))

        self.start_moto()
        once = Agent(self.work, agent.config, self.env, once=True)
        self.agents.append(once)
        self.assertEqual(once.start().wait(120), 0, once.log_tail())
        got = [seq_of(e["message"]) for e in harness.read_events(self.logs, "/it/stop", "app")]
        lost, duplicates, _ = tally(got, total)
        print(f"\n    clean stop during outage: {total} lines, {spooled} in the buffer at "
              f"the stop: lost {len(lost)}, duplicates {duplicates}", flush=True)
        self.assert_exactly_once_in_order(got, total, "after a clean stop during an outage",
                                          agent=once)


# --- e. a damaged disk buffer -----------------------------------------------

class DamagedBufferTest(OutageCase):
    """Segments damaged while the agent is stopped. The probe file's batch is
    the one that finds the endpoint down and stays in memory; every batch of
    app.log goes to the buffer, so app.log's checkpoint reaches its end and
    the buffer is the only copy of its lines."""

    def buffer_app_lines(self, chunks):
        probe, app = self.log_file("probe.log", first_seq=10**7), self.log_file("app.log")
        entries = [{"file_path": probe.path, "log_group_name": "/it/damaged",
                    "log_stream_name": "probe"},
                   {"file_path": app.path, "log_group_name": "/it/damaged",
                    "log_stream_name": "app"}]
        agent = self.agent(entries).start()
        probe.write(10)
        agent.wait_for_log("buffering batches to disk", 30)
        for count in chunks:
            first = app.seq
            app.write(count)
            self.wait_spooled(agent, range(first, app.seq))
        self.assertEqual(agent.terminate(), 0, agent.log_tail())
        batches = [b for b in spool_batches(self.buffer_dir) if b.stream == "app"]
        self.assertEqual(sorted(s for b in batches for s in b.seqs), list(range(app.seq)))
        return agent, app.seq, batches

    def deliver(self, agent):
        self.start_moto()
        mark = len(agent.log())
        once = Agent(self.work, agent.config, self.env, once=True)
        self.agents.append(once)
        code = once.start().wait(120)
        return code, once.log()[mark:]

    def test_a_segment_damaged_in_the_middle_is_moved_aside_and_its_other_records_sent(self):
        agent, total, batches = self.buffer_app_lines([1500] * 6)
        segment = batches[0].segment
        in_segment = [b for b in batches if b.segment == segment]
        self.assertGreaterEqual(len(in_segment), 3, "want records before and after the damage")
        damaged = in_segment[len(in_segment) // 2]
        with open(segment, "r+b") as f:  # 16 bytes in the middle of its gzip body
            f.seek(damaged.offset + damaged.length // 2)
            f.write(bytes(random.Random(1).randrange(256) for _ in range(16)))

        code, log = self.deliver(agent)
        name = os.path.basename(segment)
        self.assertEqual(code, 0, log[-3000:])
        self.assertIn(f"moved to {os.path.join(self.buffer_dir, 'corrupt', name)}", log)
        self.assertTrue(os.path.exists(os.path.join(self.buffer_dir, "corrupt", name)))
        got = [seq_of(e["message"]) for e in harness.read_events(self.logs, "/it/damaged", "app")]
        lost, duplicates, _ = tally(got, total)
        after = [s for b in in_segment if b.offset > damaged.offset for s in b.seqs]
        print(f"\n    damaged segment: {total} lines in {len(batches)} buffered batches, "
              f"{len(in_segment)} in the damaged segment; damaged record: "
              f"{len(damaged.seqs)} lines; lost {len(lost)} (intact records after the "
              f"damage: {len(after)} lines, lost {len(set(after) & set(lost))}), "
              f"duplicates {duplicates}", flush=True)
        # Only the lines of the damaged record may be gone: they were
        # checkpointed, and the disk destroyed them.
        self.assertEqual(describe(sorted(set(lost) - set(damaged.seqs))), "none",
                         "lines lost beyond the damaged record (intact records after it: "
                         f"{describe(after)})\nagent log:\n{log[-2500:]}")
        self.assertEqual(duplicates, 0)
        delivered = sorted(set(got))
        self.assertEqual(got, delivered, "lines out of order")
        probe = harness.read_events(self.logs, "/it/damaged", "probe")
        self.assertEqual(len(probe), 10)

    def test_a_torn_tail_is_cut_off_counted_and_not_delivered(self):
        agent, total, batches = self.buffer_app_lines([2000] * 3)
        last = batches[-1]
        self.assertEqual(os.path.getsize(last.segment), last.offset + last.length,
                         "the batch is the segment's last record")
        os.truncate(last.segment, last.offset + last.length - 5)

        code, log = self.deliver(agent)
        self.assertEqual(code, 0, log[-3000:])
        self.assertIn(f"{last.segment}: cut off", log)
        got = [seq_of(e["message"]) for e in harness.read_events(self.logs, "/it/damaged", "app")]
        lost, duplicates, _ = tally(got, total)
        print(f"\n    torn tail: {total} lines in {len(batches)} buffered batches, torn record "
              f"{len(last.seqs)} lines: lost {len(lost)}, duplicates {duplicates}", flush=True)
        self.assertEqual(set(got) & set(last.seqs), set(), "the torn record was delivered")
        self.assertEqual(describe(sorted(set(lost) - set(last.seqs))), "none",
                         "lines lost beyond the torn record")
        self.assertEqual(duplicates, 0)
        self.assertEqual(got, sorted(got), "lines out of order")


if __name__ == "__main__":
    unittest.main()
