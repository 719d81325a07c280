"""Log groups as the CloudWatch agent keeps them, trim_timestamp and
auto_removal, with the real binary against moto (signature checking on).

- retention_in_days: set on an existing group whose retention differs, and
  again after the config changes and the agent restarts (the agent's
  internal/pusher/target.go: DescribeLogGroups, then PutRetentionPolicy);
  edgelog doctor --write-test takes the same path.
- log_group_class: sent when the group is created.
- trim_timestamp: the text timestamp_format matched leaves the message, and
  the white space then leading (plugins/inputs/logfile/fileconfig.go).
- auto_removal: the older file of an entry is deleted once a newer one is
  there and every line of the older arrived; never the newer one.
"""
import datetime
import os
import re
import signal
import subprocess
import time

import harness


class GroupsTest(harness.MotoTestCase):
    def run_once(self, config):
        proc = subprocess.run([harness.EDGELOG, "run", "--config", config, "--once"],
                              env=self.env, capture_output=True, timeout=300)
        return proc.returncode, proc.stderr.decode(errors="replace")

    def write_lines(self, path, prefix, count):
        with open(path, "a") as f:
            for i in range(count):
                f.write(f"{prefix}-{i:05d}\n")
        return [f"{prefix}-{i:05d}" for i in range(count)]

    def group(self, name):
        groups = self.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        return next((g for g in groups if g["logGroupName"] == name), None)

    def config(self, path, group, **entry):
        return self.work.write_config(self.moto.url, [dict(
            {"file_path": path, "log_group_name": group, "log_stream_name": "s"}, **entry)])

    # ---- retention and class ------------------------------------------------

    def test_an_existing_group_gets_the_retention_and_a_changed_config_the_new_one(self):
        group = "/it/groups/existing"
        self.logs.create_log_group(logGroupName=group)
        self.logs.put_retention_policy(logGroupName=group, retentionInDays=1)
        path = self.work.file("app.log")
        lines = self.write_lines(path, "a", 20)
        code, err = self.run_once(self.config(path, group, retention_in_days=7))
        self.assertEqual(code, 0, err)
        self.assertEqual(self.group(group).get("retentionInDays"), 7, err)
        self.assertEqual(self.messages(group, "s"), lines)
        # The config changes; the agent starts again with it.
        more = self.write_lines(path, "b", 5)
        code, err = self.run_once(self.config(path, group, retention_in_days=14))
        self.assertEqual(code, 0, err)
        self.assertEqual(self.group(group).get("retentionInDays"), 14, err)
        self.assertEqual(self.messages(group, "s"), lines + more)

    def test_without_retention_in_days_an_existing_group_keeps_its_retention(self):
        group = "/it/groups/untouched"
        self.logs.create_log_group(logGroupName=group)
        self.logs.put_retention_policy(logGroupName=group, retentionInDays=3)
        path = self.work.file("app.log")
        self.write_lines(path, "a", 3)
        code, err = self.run_once(self.config(path, group))
        self.assertEqual(code, 0, err)
        self.assertEqual(self.group(group).get("retentionInDays"), 3)

    def test_a_new_group_is_created_with_its_class_and_retention(self):
        group = "/it/groups/infrequent"
        path = self.work.file("app.log")
        lines = self.write_lines(path, "a", 10)
        code, err = self.run_once(self.config(path, group, retention_in_days=5,
                                              log_group_class="INFREQUENT_ACCESS"))
        self.assertEqual(code, 0, err)
        described = self.group(group)
        self.assertIsNotNone(described, err)
        self.assertEqual(described.get("logGroupClass"), "INFREQUENT_ACCESS")
        self.assertEqual(described.get("retentionInDays"), 5)
        self.assertEqual(self.messages(group, "s"), lines)

    def test_doctor_write_test_sets_the_retention_as_a_run_does(self):
        group = "/it/groups/doctor"
        self.logs.create_log_group(logGroupName=group)
        self.logs.put_retention_policy(logGroupName=group, retentionInDays=1)
        path = self.work.file("app.log")
        self.write_lines(path, "a", 1)
        config = self.config(path, group, retention_in_days=30)
        proc = subprocess.run([harness.EDGELOG, "doctor", "--config", config, "--write-test"],
                              env=self.env, capture_output=True, timeout=120)
        out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, out)
        self.assertEqual(self.group(group).get("retentionInDays"), 30, out)
        self.assertIn(f"{group}: set to 30 days", out)

    def test_doctor_write_test_creates_a_missing_group_with_class_and_retention(self):
        group = "/it/groups/doctor-new"
        path = self.work.file("app.log")
        self.write_lines(path, "a", 1)
        config = self.config(path, group, retention_in_days=3,
                             log_group_class="INFREQUENT_ACCESS")
        proc = subprocess.run([harness.EDGELOG, "doctor", "--config", config, "--write-test"],
                              env=self.env, capture_output=True, timeout=120)
        out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, out)
        described = self.group(group)
        self.assertIsNotNone(described, out)
        self.assertEqual(described.get("retentionInDays"), 3, out)
        self.assertEqual(described.get("logGroupClass"), "INFREQUENT_ACCESS", out)

    # ---- trim_timestamp -------------------------------------------------------

    def test_trim_timestamp_removes_the_timestamp_wherever_it_stands(self):
        group = "/it/groups/trim"
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        stamps = [(now - datetime.timedelta(minutes=30 - i)) for i in range(6)]
        text = [s.strftime("%Y-%m-%d %H:%M:%S") for s in stamps]
        lines = [
            f"{text[0]} GET /index.html 200",
            f"{text[1]} \t  leading white space goes too",
            f"[worker-2] {text[2]} started",
            f"job finished at {text[3]}",
            f"{text[4]} first, then {text[5]} kept",
            "no timestamp here: sent whole",
            f"{text[5]} caf\u00e9 \u2603 utf-8 after it",
        ]
        path = self.work.file("app.log")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        code, err = self.run_once(self.config(
            path, group, timestamp_format="%Y-%m-%d %H:%M:%S", timezone="UTC",
            trim_timestamp=True))
        self.assertEqual(code, 0, err)
        # The agent's rule, computed here on its own: the first match cut
        # out, then " \t\n\r" trimmed from the start.
        pattern = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
        want = [pattern.sub("", line, count=1).lstrip(" \t\n\r") for line in lines]
        events = harness.read_events(self.logs, group, "s")
        got = [e["message"] for e in events]
        self.assertEqual(len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            self.assertEqual(g.encode("utf-8"), w.encode("utf-8"), f"event {i}")
        # The times still come from the removed text.
        by_message = {e["message"]: e["timestamp"] for e in events}
        self.assertEqual(by_message["GET /index.html 200"],
                         int(stamps[0].timestamp() * 1000))
        self.assertEqual(by_message["job finished at "], int(stamps[3].timestamp() * 1000))

    # ---- auto_removal -----------------------------------------------------------

    def test_auto_removal_deletes_the_older_file_only_after_its_lines_arrived(self):
        # CloudWatch is unreachable at first (a port nobody listens on yet),
        # so the older file's lines cannot arrive: it must stay. Then a
        # server comes up there, the lines arrive, and the older file goes;
        # the newer one stays. Only the newest match is followed (the
        # agent's getTargetFiles), so the newer file appears once the older
        # one is followed.
        group = "/it/groups/removal"
        late = harness.Moto()
        logs = harness.client("logs", late.url, self.key_id, self.secret)
        old = self.work.file("app-1.log")
        new = self.work.file("app-2.log")
        old_lines = self.write_lines(old, "old", 300)
        past = time.time() - 60
        os.utime(old, (past, past))  # the older file: modified before the newer
        config = self.work.write_config(late.url, [{
            "file_path": self.work.file("app-*.log"), "log_group_name": group,
            "log_stream_name": "s", "auto_removal": True}])
        # Its log goes to a file: a pipe nobody reads could fill and stop it.
        err_path = self.work.file("agent.log")
        with open(err_path, "a") as err_file:
            agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                                     env=self.env, stderr=err_file)

        def agent_log():
            with open(err_path, errors="replace") as f:
                return f.read()
        try:
            harness.wait_until(lambda: "following " + old in agent_log(), 30,
                               "the older file to be followed")
            new_lines = self.write_lines(new, "new", 40)
            # Not a wait for something to happen: a span in which deleting
            # would be wrong (past the 5 s quiet time and the 1 s interval).
            deadline = time.monotonic() + 9
            while time.monotonic() < deadline:
                self.assertTrue(os.path.exists(old), "deleted before its lines arrived")
                self.assertIsNone(agent.poll())
                time.sleep(0.2)
            late.start(identity=(self.key_id, self.secret))
            harness.wait_until(lambda: not os.path.exists(old), 120,
                               "the older file to be deleted")
            got = [e["message"] for e in harness.read_events(logs, group, "s")]
            self.assertEqual(sorted(got), sorted(old_lines + new_lines),
                             "lost: %d, repeated: %d" % (
                                 len(set(old_lines + new_lines) - set(got)),
                                 len(got) - len(set(got))))
            self.assertTrue(os.path.exists(new), "the newer file was deleted")
            self.write_lines(new, "more", 5)  # the newer file is still followed
            harness.wait_until(
                lambda: len(harness.read_events(logs, group, "s")) == len(got) + 5, 60,
                "lines written to the newer file after the deletion")
            agent.send_signal(signal.SIGTERM)
            code = agent.wait(30)
            err = agent_log()
            self.assertEqual(code, 0, err)
            self.assertIn("auto_removal: deleted " + old, err)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
            late.stop()


if __name__ == "__main__":
    import unittest
    unittest.main()
