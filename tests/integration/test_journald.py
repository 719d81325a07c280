"""The systemd journal as a source, through the real journalctl: a journal
made with systemd-journal-remote from export-format entries of the current
time, read with edgelog.journald.directory, its events read back from moto
byte for byte; runs after it go on from the saved cursor, losing and
repeating nothing. Against moto with signature checking."""
import json
import os
import shutil
import signal
import struct
import subprocess
import time
import unittest
import uuid

import harness

JOURNAL_REMOTE = next((p for p in ("/usr/lib/systemd/systemd-journal-remote",
                                   "/lib/systemd/systemd-journal-remote") if os.path.exists(p)),
                      None)
JOURNALCTL = shutil.which("journalctl")
MISSING = ("journalctl" if not JOURNALCTL else
           "systemd-journal-remote" if not JOURNAL_REMOTE else None)
GROUP = "/it/journald"
BOOT_ID = uuid.uuid4().hex


def export_entry(seq, message, unit="app.service", priority="6", now_us=None):
    """One entry in the journal export format, written now."""
    now_us = now_us or int(time.time() * 1e6)
    fields = [("__REALTIME_TIMESTAMP", str(now_us)), ("__MONOTONIC_TIMESTAMP", str(seq + 1)),
              ("_BOOT_ID", BOOT_ID), ("PRIORITY", priority), ("_SYSTEMD_UNIT", unit),
              ("SYSLOG_IDENTIFIER", "app"), ("_TRANSPORT", "journal")]
    out = b"".join(f"{k}={v}\n".encode() for k, v in fields)
    data = message.encode() if isinstance(message, str) else message
    if b"\n" in data or any(c < 0x20 or c >= 0x7f for c in data):
        out += b"MESSAGE\n" + struct.pack("<Q", len(data)) + data + b"\n"  # binary form
    else:
        out += b"MESSAGE=" + data + b"\n"
    return out + b"\n"


@unittest.skipIf(MISSING, f"{MISSING} is not installed (make deps installs it)")
class JournaldTest(harness.MotoTestCase):
    def setUp(self):
        super().setUp()
        self.journal_dir = self.work.file("journal")
        os.makedirs(self.journal_dir)
        self.seq = 0
        self.times_us = []  # __REALTIME_TIMESTAMP of every entry appended
        self.group = GROUP + "/" + self._testMethodName  # moto is shared by the class

    def append(self, messages, **kwargs):
        """Adds entries to the journal file (systemd-journal-remote appends)."""
        data = b""
        for m in messages:
            now_us = int(time.time() * 1e6) + self.seq  # distinct, in order
            self.times_us.append(now_us)
            data += export_entry(self.seq, m, now_us=now_us, **kwargs)
            self.seq += 1
        path = self.work.file(f"batch-{self.seq}.export")
        with open(path, "wb") as f:
            f.write(data)
        subprocess.run([JOURNAL_REMOTE, "--output=" + os.path.join(self.journal_dir,
                                                                   "remote.journal"), path],
                       check=True, capture_output=True, timeout=60)

    def config(self, directory=None, files=()):
        collected = {"journald": {"collect_list": [
            {"log_group_name": self.group, "log_stream_name": "s", "units": ["app.service"],
             "retention_in_days": 7}]}}
        if files:
            collected["files"] = {"collect_list": list(files)}
        config = {
            "agent": {"region": harness.REGION},
            "logs": {"endpoint_override": self.moto.url, "force_flush_interval": 1,
                     "logs_collected": collected},
            "edgelog": {"state_dir": self.work.state,
                        "journald": {"directory": directory or self.journal_dir}},
        }
        path = self.work.file("config.json")
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        return path

    def run_once(self, config):
        return harness.run_once(config, self.env, timeout=120)

    def test_entries_arrive_byte_for_byte_and_runs_go_on_from_the_cursor(self):
        self.append(["service started", "caf\u00e9 \u2603", b"raw \xff bytes",
                     "first line\nsecond line"])
        self.append(["another unit"], unit="other.service")
        self.append(["debug detail"], priority="7")  # below the default priority, info
        code, err = self.run_once(self.config())
        self.assertEqual(code, 0, err)
        first = ["service started", "caf\u00e9 \u2603", "raw \ufffd bytes",
                 "first line\nsecond line"]
        self.assertEqual(self.messages(self.group, "s"), first)
        # Event times are the entries' __REALTIME_TIMESTAMP, µs to ms.
        events = harness.read_events(self.logs, self.group, "s")
        self.assertEqual([e["timestamp"] for e in events],
                         [us // 1000 for us in self.times_us[:4]])
        # The entry's retention_in_days, set on the group as for files.
        groups = self.logs.describe_log_groups(logGroupNamePrefix=self.group)["logGroups"]
        self.assertEqual([g.get("retentionInDays") for g in groups], [7])

        self.append(["after the first run", "and another"])
        code, err = self.run_once(self.config())
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages(self.group, "s"), first + ["after the first run", "and another"],
                         "the second run goes on after the saved cursor")
        code, err = self.run_once(self.config())
        self.assertEqual(code, 0, err)
        self.assertEqual(len(self.messages(self.group, "s")), 6, "a third run has nothing new")

    def test_a_running_agent_follows_the_journal_and_restarts_without_loss(self):
        self.append(["before start"])
        config = self.config()
        proc = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                stderr=subprocess.PIPE)
        try:
            harness.wait_until(lambda: self.messages(self.group, "s") == ["before start"], 60,
                               "the first entry")
            self.append(["while running 1", "while running 2"])
            harness.wait_until(lambda: len(self.messages(self.group, "s")) == 3, 60,
                               "entries appended while it runs")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err.decode(errors="replace"))
        self.append(["while stopped"])
        code, err = self.run_once(config)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages(self.group, "s"), ["before start", "while running 1",
                                                     "while running 2", "while stopped"])

    def journal_config(self, entries):
        """A config of these journald entries, all to this test's group."""
        config = {
            "agent": {"region": harness.REGION},
            "logs": {"endpoint_override": self.moto.url, "force_flush_interval": 1,
                     "logs_collected": {"journald": {"collect_list": [
                         dict(e, log_group_name=self.group) for e in entries]}}},
            "edgelog": {"state_dir": self.work.state,
                        "journald": {"directory": self.journal_dir}},
        }
        path = self.work.file("config.json")
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        return path

    def test_entries_reordered_or_added_across_a_restart_keep_their_cursors(self):
        # Two entries to one stream, told apart by unit. Each entry's cursor
        # is its own, whatever their order: after a restart with them
        # swapped (and a new entry before them), each goes on after its own
        # last entry. Keyed by rank, the swapped entries would take each
        # other's cursors and repeat or lose entries.
        app = {"log_stream_name": "s", "units": ["app.service"]}
        other = {"log_stream_name": "s", "units": ["other.service"]}
        self.append(["app 1"], unit="app.service")
        self.append(["other 1"], unit="other.service")
        code, err = self.run_once(self.journal_config([app, other]))
        self.assertEqual(code, 0, err)
        self.append(["app 2"], unit="app.service")
        self.append(["other 2"], unit="other.service")
        self.append(["app 3"], unit="app.service")
        added = {"log_stream_name": "new", "units": ["third.service"]}
        code, err = self.run_once(self.journal_config([added, other, app]))
        self.assertEqual(code, 0, err)
        got = self.messages(self.group, "s")
        want = ["app 1", "other 1", "app 2", "other 2", "app 3"]
        lost = [m for m in want if m not in got]
        repeated = [m for m in set(got) if got.count(m) > 1]
        self.assertEqual((lost, repeated), ([], []), got)
        self.assertEqual(sorted(got), sorted(want))
        self.assertNotIn("older edgelog", err)

    def test_a_missing_journal_is_one_clear_error_and_the_files_still_ship(self):
        log = self.work.file("app.log")
        with open(log, "w") as f:
            f.write("from a file\n")
        config = self.config(directory=self.work.file("no-such-journal"),
                             files=[{"file_path": log, "log_group_name": "/it/journald-files",
                                     "log_stream_name": "s"}])
        code, err = self.run_once(config)
        self.assertEqual(code, 1, err)
        self.assertIn("edgelog.journald.directory", err)
        self.assertIn("no-such-journal", err)
        self.assertEqual(self.messages("/it/journald-files", "s"), ["from a file"])

    def test_an_agent_started_before_the_journal_has_a_file_loses_nothing_written_after(self):
        # journalctl --follow exits at once on a directory with no journal
        # file yet; tried again, it must read every entry written since the
        # first try, not only the last 10 of its own moment.
        config = self.config()
        log = self.work.file("agent.log")
        with open(log, "wb") as err:
            proc = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                    stderr=err)
        try:
            harness.wait_until(lambda: "starting journalctl again" in open(log).read(), 60,
                               "the first try of journalctl to fail")
            want = [f"entry {i}" for i in range(25)]
            self.append(want)
            harness.wait_until(lambda: len(self.messages(self.group, "s")) >= len(want), 60,
                               "every entry written after the first try")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        self.assertEqual(proc.returncode, 0, open(log).read())
        self.assertEqual(self.messages(self.group, "s"), want)

    def doctor(self, config, **env):
        env = dict(self.env, **env)
        proc = subprocess.run([harness.EDGELOG, "doctor", "--config", config], env=env,
                              capture_output=True, timeout=120)
        return proc.returncode, proc.stdout.decode(errors="replace")

    def journal_lines(self, report):
        return [line for line in report.splitlines() if " journal " in line]

    def test_doctor_reads_each_entry_as_a_run_would(self):
        config = self.config()
        code, out = self.doctor(config)
        self.assertEqual(code, 0, out)
        (line,) = self.journal_lines(out)
        self.assertTrue(line.lstrip().startswith("warn"), out)
        self.assertIn("journald entry 0 (units app.service", line)
        self.assertIn("no entry in", line)
        self.assertIn("1 journald entries", out)

        self.append(["seen by doctor"])
        code, out = self.doctor(config)
        self.assertEqual(code, 0, out)
        (line,) = self.journal_lines(out)
        self.assertTrue(line.lstrip().startswith("ok"), out)
        self.assertIn("its entries are read from " + self.journal_dir, line)
        self.assertIn("systemd", line)

    def test_doctor_names_the_fix_when_journalctl_is_missing_or_the_journal_is_not_there(self):
        empty_path = self.work.file("bin")
        os.makedirs(empty_path)
        code, out = self.doctor(self.config(), PATH=empty_path)
        self.assertEqual(code, 1, out)
        self.assertIn("FAIL  journal", out)
        self.assertIn("apt-get install systemd", out)

        code, out = self.doctor(self.config(directory=self.work.file("no-such-journal")))
        self.assertEqual(code, 1, out)
        self.assertIn("FAIL  journal", out)
        self.assertIn("journalctl exited with status 1", out)
        self.assertIn("no-such-journal", out)
        self.assertIn("edgelog.journald.directory", out)


if __name__ == "__main__":
    unittest.main()
