"""A CloudWatch agent config, as the agent reads it, run by the real edgelog
binary against moto: its keys accepted (each one without effect named once),
${VAR} references, the agent's placeholders and default stream, and
check-config's report. Group and stream names are read back from moto."""
import datetime
import http.server
import json
import os
import socket
import subprocess
import threading
import unittest

import harness
import metadata_fixtures


class AgentConfigTest(harness.MotoTestCase):

    def setUp(self):
        super().setUp()
        self.imds = None

    def tearDown(self):
        if self.imds is not None:
            self.imds.stop()
        super().tearDown()

    def on_ec2(self):
        """An instance metadata service on loopback; the env that uses it."""
        self.imds = metadata_fixtures.ImdsServer(region=harness.REGION).start()
        return dict(self.env, AWS_EC2_METADATA_SERVICE_ENDPOINT=self.imds.url,
                    AWS_EC2_METADATA_DISABLED="false")

    def streams(self, group):
        try:
            return sorted(s["logStreamName"] for s in
                          self.logs.describe_log_streams(logGroupName=group)["logStreams"])
        except self.logs.exceptions.ResourceNotFoundException:
            return []

    def test_an_agent_config_with_every_linux_section_ships_under_the_names_it_gives(self):
        lines = [f"line {i} of the app".encode() for i in range(50)]
        app_log = self.work.write_log("app.log", lines)
        config = self.work.write_json("agent.json", {
            "agent": {"region": "${ENV_REGION}", "metrics_collection_interval": 60,
                      "logfile": "/opt/aws/amazon-cloudwatch-agent/logs/agent.log",
                      "internal": True, "quiet": True, "flush_interval": "10s",
                      "service.name": "web", "deployment.environment": "prod",
                      "run_as_user": "cwagent", "debug": False},
            "metrics": {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}},
            "logs": {
                "endpoint_override": self.moto.url,
                "force_flush_interval": 1,
                "service.name": "web",
                "metrics_collected": {"emf": {}},
                "logs_collected": {
                    "files": {"collect_list": [{
                        "file_path": app_log,
                        "log_group_name": "/${APP}/{aws_region}/{account_id}",
                        "log_stream_name": "{instance_id}-{date}",
                        "service.name": "web", "deployment.environment": "prod",
                    }]},
                    "application_signals": {},
                },
            },
            "edgelog": {"state_dir": self.work.state},
        })
        env = dict(self.on_ec2(), ENV_REGION=harness.REGION, APP="shop")
        code, stderr = harness.run_once(config, env)
        self.assertEqual(code, 0, stderr)
        group = f"/shop/{harness.REGION}/123456789012"
        stream = f"{self.imds.instance_id}-{datetime.date.today().isoformat()}"
        self.assertEqual(self.messages(group, stream), [line.decode() for line in lines])
        for key in ("agent.metrics_collection_interval", "agent.logfile", "agent.internal",
                    "agent.quiet", "agent.flush_interval", "agent.service.name",
                    "agent.deployment.environment", "agent.run_as_user", "logs.service.name",
                    "logs.metrics_collected", "logs.logs_collected.application_signals",
                    "collect_list[0].service.name", "collect_list[0].deployment.environment"):
            self.assertEqual(stderr.count(f"{key}: accepted, no effect in edgelog"), 1,
                             f"{key} in:\n{stderr}")

    def test_the_default_stream_is_the_instance_id_on_ec2_and_the_host_name_elsewhere(self):
        lines = [b"one", b"two"]
        entry = {"file_path": self.work.write_log("d.log", lines), "log_group_name": "/it/default"}
        config = self.work.write_config(self.moto.url, [entry])
        code, stderr = harness.run_once(config, self.on_ec2())
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.messages("/it/default", self.imds.instance_id), ["one", "two"])

        off_ec2 = harness.Workdir()
        self.addCleanup(off_ec2.remove)
        entry["file_path"] = self.work.write_log("e.log", lines)
        config = off_ec2.write_config(self.moto.url, [entry])
        code, stderr = harness.run_once(config, self.env)  # metadata disabled
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.messages("/it/default", socket.gethostname()), ["one", "two"])
        self.assertEqual(self.streams("/it/default"),
                         sorted([self.imds.instance_id, socket.gethostname()]))

    def test_in_the_agents_container_the_default_stream_is_the_pod_name(self):
        entry = {"file_path": self.work.write_log("p.log", [b"x"]), "log_group_name": "/it/pod"}
        config = self.work.write_config(self.moto.url, [entry])
        env = dict(self.env, RUN_IN_CONTAINER="True", POD_NAME="web-7f9c")
        code, stderr = harness.run_once(config, env)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.streams("/it/pod"), ["web-7f9c"])

    def test_on_ecs_the_default_stream_is_the_task_arn(self):
        task_arn = "arn:aws:ecs:us-east-1:123456789012:task/shop/0f9e8d7c"

        class TaskMetadata(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"Cluster": "shop", "TaskARN": task_arn}).encode()
                ok = self.path == "/v4/abc/task"
                self.send_response(200 if ok else 404)
                self.send_header("Content-Length", str(len(body) if ok else 0))
                self.end_headers()
                if ok:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TaskMetadata)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        entry = {"file_path": self.work.write_log("t.log", [b"x"]), "log_group_name": "/it/ecs"}
        config = self.work.write_config(self.moto.url, [entry])
        env = dict(self.env, RUN_IN_CONTAINER="True", POD_NAME="not-this",
                   ECS_CONTAINER_METADATA_URI_V4=f"http://127.0.0.1:{server.server_port}/v4/abc")
        code, stderr = harness.run_once(config, env)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.streams("/it/ecs"), [task_arn.replace(":", "_")])

    def test_check_config_validates_without_a_region_and_run_refuses(self):
        config = self.work.write_json("agent.json", {
            "logs": {"logs_collected": {"files": {"collect_list": [
                {"file_path": "/var/log/app.log", "log_group_name": "g",
                 "timestamp_format": "%Y-%m-%d %H:%M:%S", "timezone": "UTC",
                 "multi_line_start_pattern": "{timestamp_format}",
                 "filters": [{"type": "exclude", "expression": "DEBUG"}],
                 "blacklist": "\\.gz$", "encoding": "latin1",
                 "log_group_class": "infrequent_access"}]},
                "journald": {"collect_list": [{"log_group_name": "j", "units": ["sshd"],
                                               "priority": "err"}]}},
                     "credentials": {"role_arn": "arn:aws:iam::123456789012:role/logs"}},
            "edgelog": {"state_dir": self.work.state}})
        env = {k: v for k, v in self.env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
        env["HOME"] = self.work.path  # no profile with a region
        proc = subprocess.run([harness.EDGELOG, "check-config", "--config", config], env=env,
                              capture_output=True, timeout=60)
        stderr = proc.stderr.decode()
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertIn("agent.region: no region", stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(report["region"], "")
        self.assertEqual(report["role_arn"], "arn:aws:iam::123456789012:role/logs")
        self.assertEqual(report["role_arn_source"], "logs.credentials.role_arn")
        f = report["files"][0]
        self.assertEqual(f["timestamp_format"], "%Y-%m-%d %H:%M:%S")
        self.assertEqual(f["timezone"], "UTC")
        self.assertEqual(f["multi_line_start_pattern"], "{timestamp_format}")
        self.assertEqual(f["filters"], [{"type": "exclude", "expression": "DEBUG"}])
        self.assertEqual(f["blacklist"], "\\.gz$")
        self.assertEqual(f["encoding"], "latin1")
        self.assertEqual(f["log_group_class"], "INFREQUENT_ACCESS")
        self.assertEqual(report["edgelog"]["buffer"]["when_full"], "block")
        self.assertEqual(report["edgelog"]["http"]["max_in_flight"], 8)
        self.assertIs(report["debug"], False)
        self.assertIs(f["publish_multi_logs"], False)
        self.assertEqual(report["journald"][0]["units"], ["sshd"])
        self.assertEqual(report["journald"][0]["priority"], 3)

        proc = subprocess.run([harness.EDGELOG, "run", "--config", config, "--once"], env=env,
                              capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f"{config}: agent.region: no region", proc.stderr.decode())

    def test_the_same_entry_twice_is_refused_as_the_agents_schema_does(self):
        entry = {"file_path": "/var/log/a.log", "log_group_name": "g"}
        config = self.work.write_config(self.moto.url, [entry, dict(entry)])
        code, stderr = harness.run_once(config, self.env)
        self.assertEqual(code, 2)
        self.assertIn("collect_list[1]: the same as [0]", stderr)


if __name__ == "__main__":
    unittest.main()
