"""What edgelog refuses to be made to do by whoever can write where it
reads or keeps its state: ship a file through a symbolic link planted in
a watched directory, write through a link planted in its state directory,
trust a state directory others can write to (nor let doctor pass one), or
run twice on one state directory once its lock file is removed. The real
agent, against moto with signature checking."""
import json
import os
import signal
import subprocess
import time
import unittest

import harness


class HardeningTest(harness.MotoTestCase):
    def write_lines(self, path, prefix, count):
        with open(path, "a") as f:
            for i in range(count):
                f.write(f"{prefix}-{i:05d}\n")
        return [f"{prefix}-{i:05d}" for i in range(count)]

    def secret_file(self):
        """A root-only file outside the watched directory, as /etc/shadow is."""
        private = self.work.file("private")
        os.makedirs(private, mode=0o700)
        path = os.path.join(private, "shadow")
        with open(path, "w") as f:
            f.write("root:$6$not-to-be-shipped:19000:0:99999:7:::\n")
        os.chmod(path, 0o600)
        return path

    def test_a_link_out_of_the_watched_directory_is_not_shipped(self):
        logs = self.work.file("logs")
        os.makedirs(logs)
        lines = self.write_lines(os.path.join(logs, "app.log"), "app", 20)
        os.symlink(self.secret_file(), os.path.join(logs, "evil.log"))
        config = self.work.write_config(self.moto.url, [
            {"file_path": logs + "/*.log", "log_group_name": "/it/hardening/links",
             "log_stream_name": "s"}])
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages("/it/hardening/links", "s"), lines)
        self.assertEqual(err.count("not reading " + os.path.join(logs, "evil.log")), 1, err)
        self.assertIn("edgelog.follow_symlinks_anywhere", err)

    def test_follow_symlinks_anywhere_ships_it(self):
        logs = self.work.file("logs")
        os.makedirs(logs)
        os.symlink(self.secret_file(), os.path.join(logs, "evil.log"))
        config = self.work.write_config(self.moto.url, [
            {"file_path": logs + "/*.log", "log_group_name": "/it/hardening/anywhere",
             "log_stream_name": "s"}], edgelog={"follow_symlinks_anywhere": True})
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)
        self.assertEqual(len(self.messages("/it/hardening/anywhere", "s")), 1, err)

    def test_links_planted_in_the_state_directory_are_not_written_through(self):
        path = self.work.file("app.log")
        lines = self.write_lines(path, "line", 30)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/hardening/state",
             "log_stream_name": "s"}])
        os.makedirs(self.work.state, mode=0o700)
        os.makedirs(os.path.join(self.work.state, "buffer"), mode=0o700)
        victims = {}
        for name in ("checkpoints.json.tmp", "rejected.jsonl", "lock"):
            victim = self.work.file("victim-" + name)
            with open(victim, "w") as f:
                f.write("precious\n")
            os.symlink(victim, os.path.join(self.work.state, name))
            victims[name] = victim
        code, err = harness.run_once(config, self.env)
        for name, victim in victims.items():
            with open(victim) as f:
                self.assertEqual(f.read(), "precious\n", name + "'s target was written: " + err)
        # The lock file is a link: the agent refuses to start, naming it.
        self.assertEqual(code, 1, err)
        self.assertIn(os.path.join(self.work.state, "lock") + " is a symbolic link", err)
        os.unlink(os.path.join(self.work.state, "lock"))
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.messages("/it/hardening/state", "s"), lines)
        for name, victim in victims.items():
            with open(victim) as f:
                self.assertEqual(f.read(), "precious\n", name + "'s target was written: " + err)
        for name in os.listdir(self.work.state):
            mode = os.lstat(os.path.join(self.work.state, name)).st_mode & 0o777
            if name in ("buffer", "rejected.jsonl"):
                continue
            self.assertEqual(mode, 0o600, name)

    def test_a_state_directory_others_can_write_to_is_refused_with_the_fix(self):
        path = self.work.file("app.log")
        self.write_lines(path, "line", 3)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/hardening/mode",
             "log_stream_name": "s"}])
        os.makedirs(self.work.state)
        os.chmod(self.work.state, 0o777)
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 1, err)
        self.assertIn("chmod 0700 " + self.work.state, err)
        self.assertEqual(self.messages("/it/hardening/mode", "s"), [])
        os.chmod(self.work.state, 0o700)
        code, err = harness.run_once(config, self.env)
        self.assertEqual(code, 0, err)

    def test_doctor_fails_on_a_state_directory_others_can_write_to(self):
        path = self.work.file("app.log")
        self.write_lines(path, "line", 3)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/hardening/doctor",
             "log_stream_name": "s"}])
        os.makedirs(self.work.state)
        os.chmod(self.work.state, 0o777)
        doctor = [harness.EDGELOG, "doctor", "--config", config]
        proc = subprocess.run(doctor, env=self.env, capture_output=True, timeout=300)
        out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertNotEqual(proc.returncode, 0, out)
        self.assertIn("chmod 0700 " + self.work.state, out)
        self.assertNotIn("shipping would work", out)
        self.assertEqual(os.stat(self.work.state).st_mode & 0o777, 0o777)
        os.chmod(self.work.state, 0o700)
        proc = subprocess.run(doctor, env=self.env, capture_output=True, timeout=300)
        out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, out)
        self.assertIn("shipping would work", out)

    def test_files_are_created_private_under_a_lax_umask(self):
        path = self.work.file("app.log")
        self.write_lines(path, "line", 3)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/hardening/umask",
             "log_stream_name": "s"}])
        proc = subprocess.run([harness.EDGELOG, "run", "--config", config, "--once"],
                              env=self.env, capture_output=True, timeout=300,
                              preexec_fn=lambda: os.umask(0))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(os.stat(self.work.state).st_mode & 0o777, 0o700)
        for name in ("checkpoints.json", "lock"):
            self.assertEqual(os.stat(os.path.join(self.work.state, name)).st_mode & 0o777,
                             0o600, name)

    def test_a_second_agent_is_refused_even_once_the_lock_file_is_removed(self):
        path = self.work.file("app.log")
        self.write_lines(path, "line", 3)
        config = self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/hardening/lock",
             "log_stream_name": "s"}])
        first = subprocess.Popen([harness.EDGELOG, "run", "--config", config], env=self.env,
                                 stderr=subprocess.DEVNULL)
        try:
            lock = os.path.join(self.work.state, "lock")
            deadline = time.monotonic() + 30
            while not os.path.exists(lock) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(os.path.exists(lock), "the first agent never took its lock")
            os.unlink(lock)
            code, err = harness.run_once(config, self.env, timeout=60)
            self.assertEqual(code, 1, err)
            self.assertIn("another edgelog is using " + self.work.state, err)
        finally:
            first.send_signal(signal.SIGTERM)
            try:
                first.wait(30)
            except subprocess.TimeoutExpired:
                first.kill()
                first.wait()


if __name__ == "__main__":
    unittest.main()
