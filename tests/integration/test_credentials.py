"""The credential chain of the real edgelog binary against moto with
signature checking on.

moto holds, besides the tests' own administrator:
- "deployer", an IAM user whose only permission is sts:AssumeRole: its own
  keys cannot write a single log event;
- "shipper", a role the deployer may assume (and a web identity may), which
  alone is allowed logs:*;
- "no-logs", a role the deployer may assume that may not write logs;
- "idp-broker", a user allowed only sts:AssumeRoleWithWebIdentity, for the
  loopback STS front that web identity goes through (moto with signature
  checking on cannot take that unsigned call itself; see
  metadata_fixtures.WebIdentityStsRelay).
Every source of the chain (the environment plus a configured role, web
identity, a profile with role_arn and source_profile, credential_process,
the ECS endpoint, the EC2 instance role) must end up with the shipper's
session credentials, so a delivery proves the source was used, and used
right. Each test writes a few hundred distinct lines, runs
`edgelog run --once` and reads the events back, byte for byte. The
`edgelog doctor` tests print what doctor said, indented, in the test log.

No test reaches beyond loopback: the instance metadata endpoint always
points at a fixture, or at a closed loopback port with
AWS_EC2_METADATA_DISABLED=true; the container endpoint is only ever a full
loopback URI. No secret (access key secret, session token) may appear in
anything edgelog prints."""
import json
import os
import stat
import subprocess
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import boto3

import harness
import metadata_fixtures

ACCOUNT = "123456789012"
SHIPPER_ARN = f"arn:aws:iam::{ACCOUNT}:role/shipper"
NO_LOGS_ARN = f"arn:aws:iam::{ACCOUNT}:role/no-logs"
# Any JWT-looking string: moto does not verify web identity tokens.
WEB_IDENTITY_TOKEN = ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImVkZ2Vsb2cifQ."
                      "eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bG9nczplZGdlbG9nIn0."
                      "c2lnbmF0dXJlLW5vdC1jaGVja2Vk")
RUN_TIMEOUT = 90


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def mask(key_id):
    """How edgelog shows an access key id: AKIA************WXYZ."""
    return key_id[:4] + "*" * (len(key_id) - 8) + key_id[-4:]


def distinct_lines(tag, count=300):
    """`count` distinct lines, a few of them not ASCII."""
    samples = ["plain", "é ü ß", "中文", "emoji 😀", "quote \" \\ back", "tab\there",
               "{\"k\": [1, 2]}", "percent %s %d"]
    return [f"{tag} {i:05d} {samples[i % len(samples)]} " + "x" * (i % 37)
            for i in range(count)]


def indented(text, prefix="    | "):
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


class CredentialChainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = harness.Moto().start()
        try:
            cls._create_identities()
        except Exception:
            cls.moto.stop()
            raise

    @classmethod
    def _create_identities(cls):
        # The three free calls make the tests' administrator; every later
        # request to moto is signed and checked.
        iam = harness.client("iam", cls.moto.url, "bootstrap", "bootstrap")
        iam.create_user(UserName="it-admin")
        iam.put_user_policy(UserName="it-admin", PolicyName="all", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "*", "Resource": "*"}))
        key = iam.create_access_key(UserName="it-admin")["AccessKey"]
        cls.admin = (key["AccessKeyId"], key["SecretAccessKey"])

        iam = harness.client("iam", cls.moto.url, *cls.admin)
        deployer_arn = iam.create_user(UserName="deployer")["User"]["Arn"]
        iam.put_user_policy(UserName="deployer", PolicyName="assume-only",
                            PolicyDocument=policy({"Effect": "Allow",
                                                   "Action": "sts:AssumeRole",
                                                   "Resource": "*"}))
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        cls.deployer = (key["AccessKeyId"], key["SecretAccessKey"])

        # The web identity relay's broker: may call AssumeRoleWithWebIdentity
        # and nothing else (see metadata_fixtures.WebIdentityStsRelay).
        iam.create_user(UserName="idp-broker")
        iam.put_user_policy(UserName="idp-broker", PolicyName="web-identity-only",
                            PolicyDocument=policy({"Effect": "Allow",
                                                   "Action": "sts:AssumeRoleWithWebIdentity",
                                                   "Resource": "*"}))
        key = iam.create_access_key(UserName="idp-broker")["AccessKey"]
        cls.broker = (key["AccessKeyId"], key["SecretAccessKey"])

        iam.create_role(RoleName="shipper", AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": deployer_arn},
             "Action": "sts:AssumeRole"},
            {"Effect": "Allow",
             "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.example"},
             "Action": "sts:AssumeRoleWithWebIdentity"}))
        iam.put_role_policy(RoleName="shipper", PolicyName="logs", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}))

        # A role the deployer may assume too, but that may not write logs.
        iam.create_role(RoleName="no-logs", AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": deployer_arn},
             "Action": "sts:AssumeRole"}))
        iam.put_role_policy(RoleName="no-logs", PolicyName="nothing", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}))

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.work = harness.Workdir()
        self.fixtures = []
        self.extra_secrets = [self.admin[1], self.deployer[1], self.broker[1]]

    def tearDown(self):
        for fixture in self.fixtures:
            fixture.stop()
        self.work.remove()

    # ------------------------------------------------------------ helpers

    def fixture(self, server):
        self.fixtures.append(server.start())
        return server

    def logs(self, region=harness.REGION):
        return boto3.client("logs", endpoint_url=self.moto.url, region_name=region,
                            aws_access_key_id=self.admin[0],
                            aws_secret_access_key=self.admin[1])

    def shipper_session(self, name="it-fixture"):
        """Real session credentials of the shipper role, assumed by the
        deployer through moto's STS."""
        sts = harness.client("sts", self.moto.url, *self.deployer)
        creds = sts.assume_role(RoleArn=SHIPPER_ARN, RoleSessionName=name)["Credentials"]
        self.extra_secrets += [creds["SecretAccessKey"], creds["SessionToken"]]
        return creds

    def moto_secrets(self):
        """Every secret moto knows: access key secrets and session tokens."""
        data = self.moto_data()
        found = []

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("secret_access_key", "session_token",
                               "SecretAccessKey", "SessionToken") and isinstance(value, str):
                        found.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(data)
        return found

    def assert_no_secret(self, *texts):
        secrets = set(self.moto_secrets()) | set(self.extra_secrets)
        for fixture in self.fixtures:
            if hasattr(fixture, "secrets"):
                secrets |= set(fixture.secrets())
        secrets = {s for s in secrets if s and len(s) >= 8}
        self.assertTrue(secrets)
        for text in texts:
            for secret in secrets:
                self.assertNotIn(secret, text,
                                 f"a secret ({secret[:4]}...) appears in edgelog's output")

    def env(self, **extra):
        """Nothing of this machine's AWS setup: no AWS_* variable, HOME and
        the shared files inside the work directory, instance metadata off
        (tests that serve it replace that with the fixture)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        home = self.work.file("home")
        os.makedirs(home, exist_ok=True)
        env.update(HOME=home,
                   AWS_SHARED_CREDENTIALS_FILE=self.work.file("no-credentials"),
                   AWS_CONFIG_FILE=self.work.file("no-config"),
                   AWS_EC2_METADATA_DISABLED="true",
                   AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{harness.free_port()}")
        env.update(extra)
        env.pop("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", None)
        return {k: v for k, v in env.items() if v is not None}

    def write_log(self, name, tag, count=300):
        lines = distinct_lines(tag, count)
        path = self.work.file(name)
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
        return path, lines

    def write_config(self, entries, region=harness.REGION, agent_role=None, logs_role=None):
        config = {
            "agent": {},
            "logs": {"endpoint_override": self.moto.url, "force_flush_interval": 1,
                     "logs_collected": {"files": {"collect_list": entries}}},
            "edgelog": {"state_dir": self.work.state},
        }
        if region:
            config["agent"]["region"] = region
        if agent_role:
            config["agent"]["credentials"] = {"role_arn": agent_role}
        if logs_role:
            config["logs"]["credentials"] = {"role_arn": logs_role}
        path = self.work.file("config.json")
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        return path

    def edgelog(self, args, env, timeout=RUN_TIMEOUT):
        """Runs edgelog; returns (exit code, stdout, stderr), having checked
        that neither output holds a secret."""
        proc = subprocess.run([harness.EDGELOG] + args, env=env, capture_output=True,
                              timeout=timeout)
        out = proc.stdout.decode(errors="replace")
        err = proc.stderr.decode(errors="replace")
        self.assert_no_secret(out, err)
        return proc.returncode, out, err

    def run_once(self, config, env):
        return self.edgelog(["run", "--config", config, "--once"], env)

    def doctor(self, config, env, title, write_test=False):
        args = ["doctor", "--config", config] + (["--write-test"] if write_test else [])
        code, out, err = self.edgelog(args, env)
        both = out + ("\n" if out and err else "") + err
        print(f"\n  edgelog {' '.join(args[:1] + args[3:])} ({title}): exit {code}\n"
              + indented(both or "(no output)"), flush=True)
        return code, both

    def events(self, group, stream, region=harness.REGION):
        logs = self.logs(region)
        try:
            return [e["message"] for e in harness.read_events(logs, group, stream)]
        except logs.exceptions.ResourceNotFoundException:
            return None

    def assert_delivered(self, group, stream, lines, region=harness.REGION):
        got = self.events(group, stream, region)
        self.assertIsNotNone(got, f"{group}/{stream} does not exist in {region}")
        self.assertEqual(len(got), len(lines), f"{group}/{stream}: event count")
        for i, (g, w) in enumerate(zip(got, lines)):
            self.assertEqual(g.encode("utf-8"), w.encode("utf-8"), f"event {i} differs")

    def ship(self, tag, env, region=harness.REGION, **config_args):
        """Writes a log, runs --once, checks every line arrived."""
        group, stream = f"/it/creds/{tag}", "s"
        path, lines = self.write_log(f"{tag}.log", tag)
        config = self.write_config([{"file_path": path, "log_group_name": group,
                                     "log_stream_name": stream}], region=region,
                                   **config_args)
        code, out, err = self.run_once(config, env)
        self.assertEqual(code, 0, f"edgelog run --once:\n{out}{err}")
        self.assert_delivered(group, stream, lines, region)
        return out + err

    # --------------------------------------------------------------- tests

    def test_00_moto_refuses_the_deployers_keys_and_takes_the_shippers_session(self):
        """Precondition of every other test: without the role, no delivery."""
        admin_logs = self.logs()
        admin_logs.create_log_group(logGroupName="/it/creds/precondition")
        admin_logs.create_log_stream(logGroupName="/it/creds/precondition", logStreamName="s")
        event = [{"timestamp": int(time.time() * 1000), "message": "probe"}]

        deployer_logs = harness.client("logs", self.moto.url, *self.deployer)
        with self.assertRaises(deployer_logs.exceptions.ClientError) as refused:
            deployer_logs.put_log_events(logGroupName="/it/creds/precondition",
                                         logStreamName="s", logEvents=event)
        self.assertIn("AccessDenied", str(refused.exception))
        self.assertIn("logs:PutLogEvents", str(refused.exception))

        creds = self.shipper_session()
        session_logs = boto3.client(
            "logs", endpoint_url=self.moto.url, region_name=harness.REGION,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"])
        session_logs.put_log_events(logGroupName="/it/creds/precondition",
                                    logStreamName="s", logEvents=event)
        self.assertEqual(self.events("/it/creds/precondition", "s"), ["probe"])

        # The trust policy is enforced: the administrator may do anything
        # but is not a principal the shipper trusts.
        admin_sts = harness.client("sts", self.moto.url, *self.admin)
        with self.assertRaises(admin_sts.exceptions.ClientError) as untrusted:
            admin_sts.assume_role(RoleArn=SHIPPER_ARN, RoleSessionName="not-trusted")
        self.assertIn("AccessDenied", str(untrusted.exception))

        # A session token that is not the session's is refused.
        forged = boto3.client(
            "logs", endpoint_url=self.moto.url, region_name=harness.REGION,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token="not-the-token")
        with self.assertRaises(forged.exceptions.ClientError):
            forged.put_log_events(logGroupName="/it/creds/precondition",
                                  logStreamName="s", logEvents=event)

        # Why web identity goes through metadata_fixtures.WebIdentityStsRelay:
        # moto with signature checking on cannot take an unsigned call.
        body = urllib.parse.urlencode({
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
            "RoleArn": SHIPPER_ARN, "RoleSessionName": "unsigned",
            "WebIdentityToken": WEB_IDENTITY_TOKEN}).encode()
        request = urllib.request.Request(
            self.moto.url + "/", data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10).read()

    def test_config_role_arn_is_assumed_over_the_deployers_environment_keys(self):
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0],
                       AWS_SECRET_ACCESS_KEY=self.deployer[1],
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        self.ship("config-role", env, agent_role=SHIPPER_ARN)

    def test_logs_credentials_role_arn_wins_over_agent_credentials_role_arn(self):
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0],
                       AWS_SECRET_ACCESS_KEY=self.deployer[1],
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        self.ship("logs-role", env, agent_role=NO_LOGS_ARN, logs_role=SHIPPER_ARN)

    def test_agent_credentials_role_arn_without_logs_permission_is_refused(self):
        """The other half of the test above: the no-logs role really
        cannot deliver, so only logs.credentials.role_arn can have."""
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0],
                       AWS_SECRET_ACCESS_KEY=self.deployer[1],
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        path, _ = self.write_log("no-logs.log", "no-logs", count=20)
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/no-logs",
                                     "log_stream_name": "s"}], agent_role=NO_LOGS_ARN)
        code, out, err = self.run_once(config, env)
        self.assertEqual(code, 3, out + err)
        self.assertRegex(out + err, r"AccessDenied|not authorized|access denied")
        self.assertIsNone(self.events("/it/creds/no-logs", "s"))

    # The chain's order: a source earlier in the chain wins even when a later
    # one would work too. The later one serves credentials that cannot
    # deliver (or none at all), so a delivery shows which source was used.

    def test_chain_order_environment_before_instance_role(self):
        imds = self.fixture(metadata_fixtures.ImdsServer(
            self.bogus_credentials(), region=harness.REGION))
        creds = self.shipper_session("it-env")
        env = self.env(AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
                       AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                       AWS_SESSION_TOKEN=creds["SessionToken"],
                       AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        self.ship("order-env", env)
        self.assertEqual(imds.count(
            f"/latest/meta-data/iam/security-credentials/{imds.role}"), 0)

    def test_chain_order_web_identity_before_shared_files(self):
        relay = self.fixture(metadata_fixtures.WebIdentityStsRelay(
            self.moto.url, *self.broker, region=harness.REGION))
        token_file = self.work.file("web-identity-token")
        with open(token_file, "w") as f:
            f.write(WEB_IDENTITY_TOKEN)
        self.extra_secrets.append(WEB_IDENTITY_TOKEN)
        credentials = self.work.file("credentials")
        with open(credentials, "w") as f:
            f.write("[default]\n"
                    f"aws_access_key_id = {self.deployer[0]}\n"
                    f"aws_secret_access_key = {self.deployer[1]}\n")
        env = self.env(AWS_ROLE_ARN=SHIPPER_ARN, AWS_WEB_IDENTITY_TOKEN_FILE=token_file,
                       AWS_SHARED_CREDENTIALS_FILE=credentials,
                       AWS_ENDPOINT_URL_STS=relay.url)
        self.ship("order-web-identity", env)
        self.assertGreaterEqual(len(relay.web_identity_calls), 1)

    def test_chain_order_container_endpoint_before_instance_role(self):
        imds = self.fixture(metadata_fixtures.ImdsServer(
            self.bogus_credentials(), region=harness.REGION))
        ecs = self.fixture(metadata_fixtures.EcsCredentialsServer(
            self.shipper_session("it-ecs-first"), token="ecs-order-token"))
        self.extra_secrets.append("ecs-order-token")
        env = self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.url,
                       AWS_CONTAINER_AUTHORIZATION_TOKEN="ecs-order-token",
                       AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        self.ship("order-ecs", env)
        self.assertGreaterEqual(len(ecs.authorizations()), 1)
        self.assertEqual(imds.count(
            f"/latest/meta-data/iam/security-credentials/{imds.role}"), 0)

    def test_without_role_arn_the_deployers_keys_are_refused_exit_3(self):
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0],
                       AWS_SECRET_ACCESS_KEY=self.deployer[1],
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        path, _ = self.write_log("denied.log", "denied", count=50)
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/denied",
                                     "log_stream_name": "s"}])
        started = time.monotonic()
        code, out, err = self.run_once(config, env)
        self.assertEqual(code, 3, out + err)
        self.assertLess(time.monotonic() - started, 60)
        self.assertRegex(out + err, r"AccessDenied|not authorized|access denied")
        self.assertIsNone(self.events("/it/creds/denied", "s"))

    def test_web_identity_token_file(self):
        relay = self.fixture(metadata_fixtures.WebIdentityStsRelay(
            self.moto.url, *self.broker, region=harness.REGION))
        token_file = self.work.file("web-identity-token")
        with open(token_file, "w") as f:
            f.write(WEB_IDENTITY_TOKEN)
        self.extra_secrets.append(WEB_IDENTITY_TOKEN)
        env = self.env(AWS_ROLE_ARN=SHIPPER_ARN, AWS_WEB_IDENTITY_TOKEN_FILE=token_file,
                       AWS_ROLE_SESSION_NAME="edgelog-irsa",
                       AWS_ENDPOINT_URL_STS=relay.url)
        self.ship("web-identity", env)
        calls = relay.web_identity_calls
        self.assertGreaterEqual(len(calls), 1)
        for call in calls:
            self.assertFalse(call["_signed"], "AssumeRoleWithWebIdentity must be unsigned")
            self.assertEqual(call.get("RoleArn"), SHIPPER_ARN)
            self.assertEqual(call.get("RoleSessionName"), "edgelog-irsa")
            self.assertEqual(call.get("WebIdentityToken"), WEB_IDENTITY_TOKEN)

    def test_profile_with_role_arn_and_source_profile(self):
        credentials = self.work.file("credentials")
        with open(credentials, "w") as f:
            f.write("[default]\n"
                    "aws_access_key_id = AKIADEFAULTNOTUSED00\n"
                    "aws_secret_access_key = default-profile-must-not-be-used\n\n"
                    "[deployer]\n"
                    f"aws_access_key_id = {self.deployer[0]}\n"
                    f"aws_secret_access_key = {self.deployer[1]}\n")
        config_file = self.work.file("aws-config")
        with open(config_file, "w") as f:
            f.write("[default]\nregion = us-east-1\n\n"
                    "[profile shipping]\n"
                    f"role_arn = {SHIPPER_ARN}\n"
                    "source_profile = deployer\n"
                    "role_session_name = edgelog-profile\n")
        self.extra_secrets.append("default-profile-must-not-be-used")
        env = self.env(AWS_SHARED_CREDENTIALS_FILE=credentials, AWS_CONFIG_FILE=config_file,
                       AWS_PROFILE="shipping", AWS_ENDPOINT_URL_STS=self.moto.url)
        self.ship("profile-role", env)
        sessions = self.assumed_sessions()
        self.assertIn("edgelog-profile", sessions)

    def test_credential_process(self):
        creds = self.shipper_session("it-process")
        output = {"Version": 1, "AccessKeyId": creds["AccessKeyId"],
                  "SecretAccessKey": creds["SecretAccessKey"],
                  "SessionToken": creds["SessionToken"],
                  "Expiration": metadata_fixtures.iso8601(creds["Expiration"])}
        calls = self.work.file("process-calls")
        script = self.work.file("credential-process.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n"
                    f"echo called >> '{calls}'\n"
                    "cat <<'EOF'\n" + json.dumps(output, indent=2) + "\nEOF\n")
        os.chmod(script, os.stat(script).st_mode | stat.S_IXUSR)
        config_file = self.work.file("aws-config")
        with open(config_file, "w") as f:
            f.write("[profile from-process]\n"
                    f"credential_process = {script}\n"
                    "region = us-east-1\n")
        env = self.env(AWS_CONFIG_FILE=config_file, AWS_PROFILE="from-process")
        self.ship("credential-process", env)
        with open(calls) as f:
            self.assertGreaterEqual(len(f.read().split()), 1)

    def test_ecs_endpoint_with_an_authorization_token_file(self):
        token = "ecs-auth-" + os.urandom(12).hex()
        self.extra_secrets.append(token)
        ecs = self.fixture(metadata_fixtures.EcsCredentialsServer(
            self.shipper_session("it-ecs"), token=token))
        token_file = self.work.file("ecs-token")
        with open(token_file, "w") as f:
            f.write(token)
        env = self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.url,
                       AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file)
        self.ship("ecs", env)
        self.assertGreaterEqual(len(ecs.authorizations()), 1)
        self.assertEqual(set(ecs.authorizations()), {token})
        self.assertEqual(ecs.unauthorized, 0)

    def test_ec2_instance_role_instance_id_and_region_from_imds(self):
        imds = self.fixture(metadata_fixtures.ImdsServer(
            self.shipper_session("it-imds"), region="eu-west-1"))
        env = self.env(AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        path, lines = self.write_log("imds.log", "imds")
        config = self.write_config([{"file_path": path,
                                     "log_group_name": "/it/creds/imds/{ip_address}",
                                     "log_stream_name": "{instance_id}"}], region=None)
        code, out, err = self.run_once(config, env)
        self.assertEqual(code, 0, f"edgelog run --once:\n{out}{err}")
        # The region came from placement/region: the events are in eu-west-1.
        self.assertIsNone(self.events("/it/creds/imds/10.1.2.3", imds.instance_id,
                                      harness.REGION), "events went to us-east-1")
        groups = [g["logGroupName"] for g in self.logs("eu-west-1").describe_log_groups(
            logGroupNamePrefix="/it/creds/imds")["logGroups"]]
        self.assertEqual(groups, ["/it/creds/imds/10.1.2.3"])
        self.assert_delivered("/it/creds/imds/10.1.2.3", metadata_fixtures.INSTANCE_ID,
                              lines, "eu-west-1")
        self.assertGreaterEqual(imds.count("/latest/api/token", "PUT"), 1)
        self.assertGreaterEqual(imds.count(
            f"/latest/meta-data/iam/security-credentials/{imds.role}"), 1)
        self.assertEqual(imds.unauthorized, 0, "a GET without the IMDSv2 token")

    def test_instance_role_credentials_rotate_under_a_running_agent(self):
        """IMDS serves short-lived credentials of role rotate-a; the agent
        fetches again halfway through their life. Once the fixture serves
        credentials of role rotate-b and rotate-a loses its logs permission,
        only the new credentials can deliver the second half."""
        iam = harness.client("iam", self.moto.url, *self.admin)
        deployer_arn = iam.get_user(UserName="deployer")["User"]["Arn"]
        sessions = {}
        for name in ("rotate-a", "rotate-b"):
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy(
                {"Effect": "Allow", "Principal": {"AWS": deployer_arn},
                 "Action": "sts:AssumeRole"}))["Role"]["Arn"]
            iam.put_role_policy(RoleName=name, PolicyName="logs", PolicyDocument=policy(
                {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}))
            sts = harness.client("sts", self.moto.url, *self.deployer)
            sessions[name] = sts.assume_role(RoleArn=arn,
                                             RoleSessionName=f"it-{name}")["Credentials"]
            self.extra_secrets += [sessions[name]["SecretAccessKey"],
                                   sessions[name]["SessionToken"]]
        # Served as expiring in 6 s: fetched again after about 3 s.
        first = dict(sessions["rotate-a"], Expiration=time.time() + 6)
        imds = self.fixture(metadata_fixtures.ImdsServer(first, region=harness.REGION))
        creds_path = f"/latest/meta-data/iam/security-credentials/{imds.role}"
        env = self.env(AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        path = self.work.file("rotate.log")
        before = distinct_lines("rotate-before", 150)
        after = distinct_lines("rotate-after", 150)
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in before))
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/rotate",
                                     "log_stream_name": "s"}])
        output = self.work.file("agent-output")
        with open(output, "wb") as sink:
            agent = subprocess.Popen([harness.EDGELOG, "run", "--config", config],
                                     env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            harness.wait_until(lambda: len(self.events("/it/creds/rotate", "s") or [])
                               >= len(before), 20, "the lines before the rotation")
            iam.delete_role_policy(RoleName="rotate-a", PolicyName="logs")
            fetched = imds.count(creds_path)
            imds.set_credentials(sessions["rotate-b"])
            harness.wait_until(lambda: imds.count(creds_path) > fetched, 20,
                               "the agent fetching the rotated credentials")
            with open(path, "a", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in after))
            harness.wait_until(lambda: len(self.events("/it/creds/rotate", "s") or [])
                               >= len(before) + len(after), 30,
                               "the lines after the rotation")
            agent.terminate()
            code = agent.wait(30)
        finally:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
        with open(output, encoding="utf-8", errors="replace") as f:
            text = f.read()
        self.assert_no_secret(text)
        self.assertEqual(code, 0, text)
        self.assert_delivered("/it/creds/rotate", "s", before + after)

    def test_doctor_on_a_working_setup(self):
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0],
                       AWS_SECRET_ACCESS_KEY=self.deployer[1],
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        path, _ = self.write_log("doctor.log", "doctor", count=5)
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/doctor",
                                     "log_stream_name": "write-test"}],
                                   agent_role=SHIPPER_ARN)
        code, output = self.doctor(config, env, "working: deployer keys + role_arn",
                                   write_test=True)
        self.assertEqual(code, 0, output)
        # The key signing is the session's from the AssumeRole edgelog made:
        # one of the shipper's sessions moto issued, shown masked.
        sessions = [r["access_key_id"] for r in self.moto_data()["sts"]["AssumedRole"]
                    if r["role_arn"] == SHIPPER_ARN]
        self.assertTrue(any(mask(key_id) in output for key_id in sessions),
                        f"no masked shipper session key among {[mask(k) for k in sessions]}")
        for key_id in sessions + [self.deployer[0]]:
            self.assertNotIn(key_id, output, "an access key id is not masked")
        self.assertRegex(output, rf"arn:aws:sts::{ACCOUNT}:assumed-role/shipper/\S+")
        self.assertIn(harness.REGION, output)
        self.assertIn(self.moto.url, output)
        self.assertRegex(output.lower(), r"clock|skew")
        self.assertEqual(len(self.events("/it/creds/doctor", "write-test") or []), 1,
                         "--write-test puts exactly one event")

    def test_doctor_skips_sts_when_the_endpoint_is_local_and_no_sts_is_set(self):
        session = self.shipper_session("it-local")
        env = self.env(AWS_ACCESS_KEY_ID=session["AccessKeyId"],
                       AWS_SECRET_ACCESS_KEY=session["SecretAccessKey"],
                       AWS_SESSION_TOKEN=session["SessionToken"],
                       # STS would be asked here, were it asked: a closed port.
                       HTTPS_PROXY=f"http://127.0.0.1:{harness.free_port()}")
        path, _ = self.write_log("local.log", "local", count=1)
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/local",
                                     "log_stream_name": "s"}])
        code, output = self.doctor(config, env, "local endpoint, no STS endpoint")
        self.assertEqual(code, 0, output)
        self.assertRegex(output, r"skip +identity +GetCallerIdentity skipped: the logs endpoint "
                                 r"is local and no STS endpoint is set \(AWS_ENDPOINT_URL_STS\)")
        self.assertNotIn("STS is not reachable", output)
        self.assertIn("shipping would work", output)

    def test_doctor_when_the_imds_token_request_times_out(self):
        imds = self.fixture(metadata_fixtures.ImdsServer(
            self.shipper_session("it-hop"), token_mode="hang", hang_seconds=30))
        env = self.env(AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        path, _ = self.write_log("hop.log", "hop", count=5)
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/hop",
                                     "log_stream_name": "s"}])
        started = time.monotonic()
        code, output = self.doctor(config, env, "IMDS token PUT never answered")
        self.assertLess(time.monotonic() - started, 30)
        self.assertNotEqual(code, 0, output)
        self.assertGreaterEqual(imds.count("/latest/api/token", "PUT"), 1)
        self.assertRegex(output.lower(), r"hop.limit")
        self.assertIn("--http-put-response-hop-limit 2", output)

    def test_doctor_with_a_wrong_secret(self):
        wrong = "wrong" + self.deployer[1][5:][::-1]
        self.extra_secrets.append(wrong)
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0], AWS_SECRET_ACCESS_KEY=wrong,
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        path, _ = self.write_log("wrong.log", "wrong", count=5)
        config = self.write_config([{"file_path": path, "log_group_name": "/it/creds/wrong",
                                     "log_stream_name": "s"}])
        code, output = self.doctor(config, env, "wrong secret access key")
        self.assertNotEqual(code, 0, output)
        self.assertRegex(output.lower(), r"signature")
        self.assertRegex(output.lower(), r"secret|credentials")
        self.assertIn(mask(self.deployer[0]), output)

    def test_doctor_without_write_test_does_not_pass_keys_that_may_not_write(self):
        """Exit 0 only if shipping would work: the deployer's keys sign well
        and have an identity, but `run --once` with them ends in exit 3
        (test_without_role_arn_the_deployers_keys_are_refused_exit_3)."""
        env = self.env(AWS_ACCESS_KEY_ID=self.deployer[0],
                       AWS_SECRET_ACCESS_KEY=self.deployer[1],
                       AWS_ENDPOINT_URL_STS=self.moto.url)
        path, _ = self.write_log("no-permission.log", "no-permission", count=5)
        config = self.write_config([{"file_path": path,
                                     "log_group_name": "/it/creds/no-permission",
                                     "log_stream_name": "s"}])
        code, output = self.doctor(config, env, "deployer keys without logs permission")
        self.assertNotEqual(code, 0, output)
        self.assertRegex(output, r"AccessDenied|not authorized|not allowed")
        self.assertIsNone(self.events("/it/creds/no-permission", "s"),
                          "doctor without --write-test wrote")

    # ------------------------------------------------------------ helpers

    def bogus_credentials(self):
        """Credentials moto has never issued: refused if ever used."""
        creds = {"AccessKeyId": "ASIABOGUSBOGUSBOGUS1",
                 "SecretAccessKey": "bogus-secret-" + os.urandom(12).hex(),
                 "SessionToken": "bogus-token-" + os.urandom(24).hex(),
                 "Expiration": time.time() + 3600}
        self.extra_secrets += [creds["SecretAccessKey"], creds["SessionToken"]]
        return creds

    def moto_data(self):
        return json.loads(urllib.request.urlopen(self.moto.url + "/moto-api/data.json",
                                                 timeout=10).read())

    def assumed_sessions(self):
        return [r.get("session_name")
                for r in self.moto_data().get("sts", {}).get("AssumedRole", [])]


if __name__ == "__main__":
    unittest.main()
