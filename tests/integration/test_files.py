"""Which files the real agent follows and how: one file for two entries,
symbolic-link loops, more files than descriptors, a file truncated and
written again past the read offset while the agent was busy, and records
as the CloudWatch agent forms them. Against moto with signature checking."""
import datetime
import os
import resource
import signal
import subprocess
import time
import unittest

import harness


class FilesTest(harness.MotoTestCase):
    def run_once(self, config, preexec_fn=None, timeout=300):
        proc = subprocess.run([harness.EDGELOG, "run", "--config", config, "--once"],
                              env=self.env, capture_output=True, timeout=timeout,
                              preexec_fn=preexec_fn)
        return proc.returncode, proc.stderr.decode(errors="replace")

    def write_lines(self, path, prefix, count):
        with open(path, "a") as f:
            for i in range(count):
                f.write(f"{prefix}-{i:05d}\n")
        return [f"{prefix}-{i:05d}" for i in range(count)]

    def test_a_file_in_two_entries_reaches_both_streams(self):
        path = self.work.file("app.log")
        lines = self.write_lines(path, "line", 50)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/files/app", "log_stream_name": "s"},
            {"file_path": self.work.file("*.log"), "log_group_name": "/it/files/audit",
             "log_stream_name": "s"}])
        code, err = self.run_once(config)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages("/it/files/app", "s"), lines)
        self.assertEqual(self.messages("/it/files/audit", "s"), lines)
        more = self.write_lines(path, "more", 10)
        code, err = self.run_once(config)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages("/it/files/app", "s"), lines + more,
                         "each entry resumes from its own checkpoint")
        self.assertEqual(self.messages("/it/files/audit", "s"), lines + more)

    def test_a_file_whose_path_made_group_is_too_long_is_said_and_the_others_arrive(self):
        # publish_multi_logs without a group: each file's group is its path
        # (the CloudWatch agent's logfile.go), which CloudWatch refuses past
        # 512 characters. edgelog names the file once, leaves it unread, and
        # --once ends with exit 3 (data not delivered) after the others.
        root = self.work.file("multi")
        deep = os.path.join(root, "d" * 200, "e" * 200)
        os.makedirs(deep)
        long_path = os.path.join(deep, "f" * 150 + ".log")
        self.write_lines(long_path, "never", 5)
        short = os.path.join(root, "short.log")
        with open(short, "wb") as f:
            f.write("caf\u00e9 \u2603 one\ntwo\tthree\n".encode())
        other = os.path.join(root, "other.log")
        lines = self.write_lines(other, "o", 20)
        config = self.work.write_config(self.moto.url, [
            {"file_path": root + "/**/*.log", "log_stream_name": "s",
             "publish_multi_logs": True}])
        code, err = self.run_once(config, timeout=120)
        self.assertEqual(code, 3, err)
        self.assertIn(long_path + ": its log group name", err)
        self.assertIn("more than the 512", err)
        self.assertEqual(err.count(long_path + ": its log group name"), 1, err)
        self.assertEqual(self.messages(short, "s"), ["caf\u00e9 \u2603 one", "two\tthree"])
        self.assertEqual(self.messages(other, "s"), lines)
        groups = [g["logGroupName"] for g in
                  self.logs.describe_log_groups(logGroupNamePrefix=root)["logGroups"]]
        self.assertEqual(sorted(groups), sorted([short, other]))

    def test_symbolic_link_loops_under_double_star_do_not_stall_the_agent(self):
        root = self.work.file("tree")
        for d in ("a", "b"):
            os.makedirs(os.path.join(root, d))
        os.symlink("..", os.path.join(root, "a", "up"))
        os.symlink("..", os.path.join(root, "b", "up"))
        os.symlink(".", os.path.join(root, "c"))
        lines = self.write_lines(os.path.join(root, "a", "x.log"), "x", 20)
        other = self.work.file("other.log")
        other_lines = self.write_lines(other, "o", 5)
        config = self.work.write_config(self.moto.url, [
            {"file_path": root + "/**/*.log", "log_group_name": "/it/files/loops",
             "log_stream_name": "s"},
            {"file_path": other, "log_group_name": "/it/files/loops-other",
             "log_stream_name": "s"}])
        started = time.monotonic()
        code, err = self.run_once(config, timeout=60)
        self.assertEqual(code, 0, err)
        print(f"\n    three link loops: --once done in {time.monotonic() - started:.2f} s",
              flush=True)
        self.assertEqual(self.messages("/it/files/loops", "s"), lines,
                         "the file once, though many paths lead to it")
        self.assertEqual(self.messages("/it/files/loops-other", "s"), other_lines)
        # And a running agent still answers SIGTERM at once.
        agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                 stderr=subprocess.PIPE)
        try:
            time.sleep(0.5)
            agent.send_signal(signal.SIGTERM)
            self.assertEqual(agent.wait(15), 0)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()

    def stream_of(self, path):
        """The stream of `path` under publish_multi_logs, log_stream_name "s"
        (every match is followed only with it, as in the CloudWatch agent)."""
        return "s_" + path.replace("/", "_")

    def test_once_reads_every_file_with_more_files_than_max_open_files(self):
        expected = {}
        for n in range(60):
            expected[n] = self.write_lines(self.work.file(f"f{n:02d}.log"), f"f{n:02d}", 20)
        config = self.work.write_config(
            self.moto.url, [{"file_path": self.work.file("f*.log"),
                             "log_group_name": "/it/files/many", "log_stream_name": "s",
                             "publish_multi_logs": True}],
            edgelog={"max_open_files": 10})
        code, err = self.run_once(config)
        self.assertEqual(code, 0, err)

        def sent():
            return {n: self.messages("/it/files/many",
                                     self.stream_of(self.work.file(f"f{n:02d}.log")))
                    for n in expected}

        got = sent()
        for n, lines in expected.items():
            self.assertEqual(got[n], lines, f"f{n:02d}.log, in order")
        code, err = self.run_once(config)
        self.assertEqual(code, 0, err)
        self.assertEqual(sent(), got, "a second --once ships nothing")

    def test_a_low_descriptor_limit_loses_nothing(self):
        # ulimit -n 128 with no higher hard limit: fewer files open at once
        # than max_open_files asks for, and every file still arrives.
        count = 300
        expected = []
        for n in range(count):
            expected += self.write_lines(self.work.file(f"d{n:03d}.log"), f"d{n:03d}", 3)
        config = self.work.write_config(self.moto.url, [
            {"file_path": self.work.file("d*.log"), "log_group_name": "/it/files/fds",
             "log_stream_name": "s", "publish_multi_logs": True}])

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

        code, err = self.run_once(config, preexec_fn=low_limit)
        self.assertEqual(code, 0, err)
        self.assertIn("descriptor limit", err)
        got = []
        for n in range(count):
            got += self.messages("/it/files/fds", self.stream_of(self.work.file(f"d{n:03d}.log")))
        self.assertEqual(got, expected)

    def test_truncated_and_written_again_past_the_offset_while_busy_loses_nothing(self):
        path = self.work.file("app.log")
        header = "#" * 1500 + "\n"  # the same first 1 KiB in every generation
        with open(path, "w") as f:
            f.write(header)
        first = self.write_lines(path, "first", 100)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/files/regrow", "log_stream_name": "s"}])
        agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                 stderr=subprocess.PIPE)
        try:
            harness.wait_until(
                lambda: len(self.messages("/it/files/regrow", "s")) >= 101, 60, "the first lines")
            agent.send_signal(signal.SIGSTOP)  # busy elsewhere
            with open(path, "w") as f:
                f.write(header)
            second = self.write_lines(path, "second-a-longer-line", 300)
            agent.send_signal(signal.SIGCONT)
            want = [header[:-1]] + first + [header[:-1]] + second
            harness.wait_until(
                lambda: len(self.messages("/it/files/regrow", "s")) >= len(want), 60,
                "the lines written after the truncation")
            agent.send_signal(signal.SIGTERM)
            self.assertEqual(agent.wait(30), 0)
            self.assertEqual(self.messages("/it/files/regrow", "s"), want)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()

    def cp_rotations(self, glob):
        """The classic cron copytruncate, `cp app.log app.log.1 && : > app.log`:
        cp writes over the old copy in place (the same inode every time).
        The agent is stopped around each rotation, so lines are unread."""
        path = self.work.file("app.log")
        open(path, "w").close()
        group = "/it/files/cp" + ("-glob" if glob else "")
        config = self.work.write_config(self.moto.url, [
            {"file_path": path + ("*" if glob else ""), "log_group_name": group,
             "log_stream_name": "s"}])
        agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                 stderr=subprocess.DEVNULL)
        written = []
        try:
            for r in range(4):
                written += self.write_lines(path, f"r{r}-read", 20)
                harness.wait_until(lambda: len(self.messages(group, "s")) >= len(written), 60,
                                   "the lines read")
                agent.send_signal(signal.SIGSTOP)
                written += self.write_lines(path, f"r{r}-unread", 20)
                subprocess.run(f"cp {path} {path}.1 && : > {path}", shell=True, check=True)
                agent.send_signal(signal.SIGCONT)
            written += self.write_lines(path, "final", 5)
            harness.wait_until(lambda: len(self.messages(group, "s")) >= len(written), 60,
                               "every line")
            agent.send_signal(signal.SIGTERM)
            self.assertEqual(agent.wait(30), 0)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
        self.assertEqual(self.messages(group, "s"), written)

    def test_cp_over_the_old_copy_then_truncate_loses_nothing(self):
        self.cp_rotations(glob=False)

    def test_cp_over_the_old_copy_then_truncate_repeats_nothing_under_a_glob(self):
        self.cp_rotations(glob=True)

    def test_records_keep_their_empty_lines_and_syslog_times_a_few_days_ahead(self):
        panic = self.work.file("panic.log")
        with open(panic, "w") as f:
            f.write("panic: runtime error\n\ngoroutine 4 [running]:\nmain.main()\n"
                    "\t/app/main.go:9 +0x1d\npanic: again\n")
        syslog = self.work.file("syslog")
        ahead = datetime.datetime.now() + datetime.timedelta(days=3)
        line = ahead.strftime("%b %d %H:%M:%S") + " host app: clock ahead"
        with open(syslog, "w") as f:
            f.write(line + "\n")
        config = self.work.write_config(self.moto.url, [
            {"file_path": panic, "log_group_name": "/it/files/panic", "log_stream_name": "s",
             "multi_line_start_pattern": "^panic:"},
            {"file_path": syslog, "log_group_name": "/it/files/syslog", "log_stream_name": "s",
             "timestamp_format": "%b %d %H:%M:%S"}])
        before = time.time() * 1000
        code, err = self.run_once(config)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages("/it/files/panic", "s"), [
            "panic: runtime error\n\ngoroutine 4 [running]:\nmain.main()\n"
            "\t/app/main.go:9 +0x1d", "panic: again"])
        events = harness.read_events(self.logs, "/it/files/syslog", "s")
        self.assertEqual([e["message"] for e in events], [line], "not rejected as too old")
        self.assertAlmostEqual(events[0]["timestamp"], before, delta=120000,
                               msg="a time too far ahead is replaced by the read time")


if __name__ == "__main__":
    unittest.main()
