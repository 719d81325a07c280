"""No secret printed: the real edgelog binary is fed a secret access key
and a session token along each path that can carry one to its output, and
what it prints (and keeps in rejected.jsonl) is searched for them.

- a credential_process that fails after echoing its output on standard
  error (a `set -x` wrapper), under `edgelog run` and `edgelog doctor`;
- an endpoint whose error message quotes the session token it was sent
  (faulty_cloudwatch's quote_token), in the `agent.debug` request log, the
  warnings, the reasons kept in rejected.jsonl, and doctor's report; also
  with a token that only the current credentials tell apart.

The secrets are random, shaped like AWS's (a 40-character secret access
key, a 400-character session token). Only loopback is touched."""
import base64
import json
import os
import re
import stat
import subprocess
import unittest
import urllib.error
import urllib.parse
import urllib.request

import harness
from faulty_cloudwatch import FaultyCloudWatch

ACCESS_KEY_ID = "ASIAREDACTIONTEST001"
TIMEOUT = 90


def random_secrets():
    """(secret access key, session token), as random as AWS's."""
    key = base64.b64encode(os.urandom(30)).decode()
    token = base64.b64encode(os.urandom(300)).decode()
    return key, token


class NoSecretPrintedTest(unittest.TestCase):
    def setUp(self):
        self.work = harness.Workdir()
        self.cw = FaultyCloudWatch().start()
        self.secret, self.token = random_secrets()
        self.log_path = self.work.file("app.log")
        with open(self.log_path, "w") as f:
            f.write("".join(f"line {i}\n" for i in range(3)))

    def tearDown(self):
        self.cw.stop()
        self.work.remove()

    # ------------------------------------------------------------ helpers

    def config(self, debug=False):
        path = self.work.write_config(self.cw.url, [{"file_path": self.log_path,
                                                     "log_group_name": "/it/secrets",
                                                     "log_stream_name": "s"}])
        with open(path) as f:
            config = json.load(f)
        config["agent"]["debug"] = debug
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        return path

    def base_env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        home = self.work.file("home")
        os.makedirs(home, exist_ok=True)
        # STS (doctor asks it who the credentials are) on a closed loopback port.
        env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true",
                   AWS_SHARED_CREDENTIALS_FILE=self.work.file("no-credentials"),
                   AWS_CONFIG_FILE=self.work.file("no-config"),
                   AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{harness.free_port()}")
        env.update(extra)
        return env

    def env_with_keys(self):
        return self.base_env(AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
                             AWS_SECRET_ACCESS_KEY=self.secret,
                             AWS_SESSION_TOKEN=self.token)

    def env_with_failing_credential_process(self):
        """A profile whose credential_process echoes its credentials under
        `set -x` (so they go to standard error too) and then fails."""
        document = json.dumps({"Version": 1, "AccessKeyId": ACCESS_KEY_ID,
                               "SecretAccessKey": self.secret, "SessionToken": self.token})
        script = self.work.file("credential-process.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nset -x\n"
                    f"echo '{document}'\n"
                    "echo 'cannot reach the vault' >&2\n"
                    "exit 1\n")
        os.chmod(script, os.stat(script).st_mode | stat.S_IXUSR)
        config_file = self.work.file("aws-config")
        with open(config_file, "w") as f:
            f.write(f"[profile wrapped]\ncredential_process = {script}\n")
        return self.base_env(AWS_CONFIG_FILE=config_file, AWS_PROFILE="wrapped")

    def edgelog(self, args, env):
        proc = subprocess.run([harness.EDGELOG] + args, env=env, capture_output=True,
                              timeout=TIMEOUT)
        return proc.returncode, (proc.stdout + proc.stderr).decode(errors="replace")

    def assert_no_secret(self, text, where):
        # Not even a part: a cut could leave the start of one.
        for name, value in (("secret access key", self.secret), ("session token", self.token)):
            for start in range(0, len(value) - 16, 8):
                self.assertNotIn(value[start:start + 16], text,
                                 f"part of the {name} appears in {where}:\n{text}")

    # --------------------------------------------------------------- tests

    def test_run_does_not_relay_a_failing_credential_process_s_secrets(self):
        code, output = self.edgelog(["run", "--config", self.config(), "--once"],
                                    self.env_with_failing_credential_process())
        self.assertNotEqual(code, 0, output)
        self.assertIn("exited with status 1", output)
        self.assertIn("[redacted]", output)
        self.assertIn(ACCESS_KEY_ID, output)  # not secret, and helps
        self.assert_no_secret(output, "edgelog run's output")

    def test_doctor_does_not_relay_a_failing_credential_process_s_secrets(self):
        code, output = self.edgelog(["doctor", "--config", self.config()],
                                    self.env_with_failing_credential_process())
        self.assertNotEqual(code, 0, output)
        self.assertIn("FAIL  credentials", output)
        self.assertIn("[redacted]", output)
        self.assert_no_secret(output, "edgelog doctor's output")

    def test_run_does_not_print_or_keep_a_token_quoted_by_the_endpoint(self):
        self.cw.quote_token(True)
        code, output = self.edgelog(["run", "--config", self.config(debug=True), "--once"],
                                    self.env_with_keys())
        self.assertGreater(self.cw.count("quoted"), 0, output)
        # The request log of agent.debug, and the warnings, quote the answer.
        answers = [line for line in output.splitlines() if "debug: answer 400" in line]
        self.assertTrue(answers, output)
        self.assertIn("[redacted]", answers[0])
        self.assert_no_secret(output, "edgelog run's output (agent.debug on)")
        with open(os.path.join(self.work.state, "rejected.jsonl")) as f:
            rejected = f.read()
        reasons = [json.loads(line)["reason"] for line in rejected.splitlines()]
        self.assertEqual(3, len(reasons), rejected)
        for reason in reasons:
            self.assertIn("InvalidParameterException", reason)
            self.assertIn("[redacted]", reason)
        self.assert_no_secret(rejected, "rejected.jsonl")
        self.assertEqual(0, code, output)

    def test_doctor_does_not_print_a_token_quoted_by_the_endpoint(self):
        self.cw.quote_token(True)
        code, output = self.edgelog(["doctor", "--config", self.config()],
                                    self.env_with_keys())
        self.assertNotEqual(code, 0, output)
        self.assertIn("FAIL  reach", output)
        self.assertIn("[redacted]", output)
        self.assert_no_secret(output, "edgelog doctor's output")

    def test_a_current_token_not_shaped_like_one_is_hidden_too(self):
        """Only knowing the current credentials finds this token: the
        logger, doctor's report and rejected.jsonl are told them."""
        self.token = "odd-token-" + os.urandom(24).hex()
        self.assertIsNone(re.search(r"[A-Za-z0-9+/]{100}", self.token))
        self.cw.quote_token(True)
        code, output = self.edgelog(["run", "--config", self.config(debug=True), "--once"],
                                    self.env_with_keys())
        self.assertIn("debug: answer 400", output)
        self.assert_no_secret(output, "edgelog run's output (agent.debug on)")
        with open(os.path.join(self.work.state, "rejected.jsonl")) as f:
            rejected = f.read()
        self.assertIn("[redacted]", rejected)
        self.assert_no_secret(rejected, "rejected.jsonl")
        code, output = self.edgelog(["doctor", "--config", self.config()], self.env_with_keys())
        self.assertIn("FAIL  reach", output)
        self.assert_no_secret(output, "edgelog doctor's output")

    def test_the_secrets_are_in_what_edgelog_is_fed(self):
        """The tests above would pass vacuously if the fixtures did not carry
        the secrets: the script does print them, the endpoint does quote."""
        env = self.env_with_failing_credential_process()
        script = self.work.file("credential-process.sh")
        proc = subprocess.run([script], env=env, capture_output=True)
        self.assertIn(self.token, proc.stderr.decode())
        self.cw.quote_token(True)
        request = urllib.request.Request(
            self.cw.url, data=b"{}", method="POST",
            headers={"X-Amz-Target": "Logs_20140328.PutLogEvents",
                     "X-Amz-Security-Token": self.token})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        body = refused.exception.read().decode()
        self.assertIn(self.token, json.loads(body)["message"])
        self.assertIn(urllib.parse.quote(self.token, safe=""), body)


if __name__ == "__main__":
    unittest.main()
