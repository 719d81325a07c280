"""Refusals at start, by the real binary: exit 2 with one line that names
what to fix. Plain http to another host (from the config or the
environment), a --config that is not a regular file (a FIFO must not hang
the agent), a relative --state-dir. Usage errors, the help of one command
and -c. No endpoint is contacted."""
import os
import subprocess
import unittest

import harness


class StartRefusalTest(unittest.TestCase):
    def setUp(self):
        self.work = harness.Workdir()
        self.env = harness.agent_env("AKIDEXAMPLE", "not-a-secret")

    def tearDown(self):
        self.work.remove()

    def edgelog(self, *args, env=None):
        """Runs edgelog with `args`: returns (exit code, stderr text)."""
        proc = subprocess.run([harness.EDGELOG, *args], capture_output=True,
                              env=env or self.env, cwd=self.work.path, timeout=30)
        return proc.returncode, proc.stderr.decode(errors="replace")

    def config(self, endpoint, edgelog=None):
        return self.work.write_config(endpoint, [{"file_path": self.work.file("a.log")}],
                                      edgelog=edgelog)

    def test_plain_http_to_another_host_in_the_config_exits_2_naming_the_key(self):
        path = self.config("http://logs.example.com:8080")
        for command in ("check-config", "run"):
            code, err = self.edgelog(command, "--config", path)
            self.assertEqual(code, 2, err)
            self.assertIn(path + ": logs.endpoint_override: http://logs.example.com:8080", err)
            self.assertIn("edgelog.http.allow_plaintext", err)

    def test_plain_http_to_another_host_is_accepted_with_allow_plaintext(self):
        path = self.config("http://logs.example.com:8080", {"http": {"allow_plaintext": True}})
        code, err = self.edgelog("check-config", "--config", path)
        self.assertEqual(code, 0, err)

    def test_plain_http_to_this_host_is_accepted(self):
        for url in ("http://127.0.0.1:4566", "http://localhost:4566/", "http://[::1]:4566"):
            code, err = self.edgelog("check-config", "--config", self.config(url))
            self.assertEqual(code, 0, url + ": " + err)

    def test_plain_http_to_another_host_from_the_environment_exits_2_naming_the_variable(self):
        path = self.config("")
        for name in ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL",
                     "AWS_ENDPOINT_URL_STS"):
            code, err = self.edgelog("check-config", "--config", path,
                                     env=dict(self.env, **{name: "http://10.1.2.3:4566"}))
            self.assertEqual(code, 2, name + ": " + err)
            self.assertIn(name + ": http://10.1.2.3:4566", err)
            self.assertIn("edgelog.http.allow_plaintext", err)

    def test_a_fifo_as_config_exits_2_at_once_naming_it(self):
        fifo = self.work.file("config.fifo")
        os.mkfifo(fifo)
        code, err = self.edgelog("check-config", "--config", fifo)  # 30 s timeout: no hang
        self.assertEqual(code, 2, err)
        self.assertIn(fifo, err)
        self.assertIn("is a FIFO", err)

    def test_a_directory_as_config_exits_2_naming_it(self):
        code, err = self.edgelog("check-config", "--config", self.work.path)
        self.assertEqual(code, 2, err)
        self.assertIn("is a directory", err)

    def test_a_relative_state_dir_exits_2_naming_the_flag(self):
        path = self.config("http://127.0.0.1:4566")
        code, err = self.edgelog("run", "--config", path, "--state-dir", "relative", "--once")
        self.assertEqual(code, 2, err)
        self.assertIn("--state-dir must be an absolute path", err.splitlines()[0])
        self.assertFalse(os.path.exists(self.work.file("relative")), "nothing made there")


class UsageTest(unittest.TestCase):
    def edgelog(self, *args):
        """Runs edgelog with `args`: returns (exit code, stdout, stderr)."""
        proc = subprocess.run([harness.EDGELOG, *args], capture_output=True, timeout=30,
                              env=harness.agent_env("AKIDEXAMPLE", "not-a-secret"))
        return (proc.returncode, proc.stdout.decode(errors="replace"),
                proc.stderr.decode(errors="replace"))

    def test_a_usage_error_is_one_line_pointing_to_help_and_exits_2(self):
        for args in (["run", "--verbose", "--config", "/c"], ["frobnicate"], ["run"],
                     ["help", "nothing"]):
            code, out, err = self.edgelog(*args)
            self.assertEqual(code, 2, args)
            self.assertEqual(out, "", args)
            self.assertEqual(len(err.splitlines()), 1, f"{args}: {err}")
            self.assertRegex(err, r"^edgelog: .+ \(see edgelog help\)\n$", args)

    def test_help_of_one_command_prints_only_that_command(self):
        code, out, err = self.edgelog("help", "doctor")
        self.assertEqual(code, 0, err)
        self.assertIn("edgelog doctor --config FILE [--write-test]", out)
        self.assertNotIn("edgelog run", out)
        code, same, err = self.edgelog("doctor", "--help")
        self.assertEqual((code, same), (0, out), err)
        code, everything, err = self.edgelog("help")
        self.assertEqual(code, 0, err)
        for command in ("run", "check-config", "doctor", "version", "help"):
            self.assertIn("edgelog " + command, everything)

    def test_dash_c_is_the_config(self):
        work = harness.Workdir()
        self.addCleanup(work.remove)
        path = work.write_config("http://127.0.0.1:4566", [{"file_path": work.file("a.log")}])
        code, out, err = self.edgelog("check-config", "-c", path)
        self.assertEqual(code, 0, err)
        self.assertIn('"endpoint": "http://127.0.0.1:4566', out)

    def test_version_is_a_version_number_and_the_libraries(self):
        code, out, err = self.edgelog("version")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"^edgelog \d+\.\d+\.\d+\S* \(libcurl [^,]+, mbedTLS [^,]+, "
                              r"zlib [^)]+\)\n$")


if __name__ == "__main__":
    unittest.main()
