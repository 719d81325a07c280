"""Starts moto's server as the CloudWatch Logs stand-in of the tests.

moto 5.2's server decompresses gzip request bodies twice (once in a Flask
before_request hook, once in its response classes) and then answers 500.
AWS decompresses once and checks the signature over the compressed bytes,
so the hook is replaced by a no-op before the server starts: the body
reaches moto compressed, the signature is verified over it, and moto
inflates it once.

moto 5.2 also drops CreateLogGroup's logGroupClass. CloudWatch keeps it
and DescribeLogGroups reports it (STANDARD when none was given), so the
launcher stores it on the group and adds it to the description.

usage: python3 moto_launcher.py PORT [KEY_ID SECRET]

With KEY_ID and SECRET, the fresh server already knows an IAM user
"edgelog" allowed logs:* with exactly that access key, so a restarted
server (all state lost) accepts the agent's existing credentials. Set
INITIAL_NO_AUTH_ACTION_COUNT=0 then: every request is verified.
"""
import json
import sys

import moto.moto_server.werkzeug_app as werkzeug_app


def _leave_body_alone():
    return None


werkzeug_app.decompress_request_body = _leave_body_alone

from moto import server  # noqa: E402  (after the patch, on purpose)


def keep_log_group_class():
    from moto.logs import models, responses

    create = responses.LogsResponse.create_log_group
    describe = models.LogGroup.to_describe_dict

    def create_log_group(self):
        answer = create(self)  # raises if the group exists: its class stays
        group = self.logs_backend.groups[self._get_param("logGroupName")]
        group.log_group_class = self._get_param("logGroupClass") or "STANDARD"
        return answer

    def to_describe_dict(self):
        out = describe(self)
        out["logGroupClass"] = getattr(self, "log_group_class", "STANDARD")
        return out

    responses.LogsResponse.create_log_group = create_log_group
    models.LogGroup.to_describe_dict = to_describe_dict


def seed_identity(key_id, secret):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    iam = iam_backends[DEFAULT_ACCOUNT_ID]["aws"]
    iam.create_user(region_name="us-east-1", user_name="edgelog", path="/", tags=[])
    iam.put_user_policy("edgelog", "logs", json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}))
    key = iam.create_access_key("edgelog")
    key.access_key_id = key_id
    key.secret_access_key = secret


if __name__ == "__main__":
    keep_log_group_class()
    if len(sys.argv) == 4:
        seed_identity(sys.argv[2], sys.argv[3])
    server.main(["--host", "127.0.0.1", "--port", sys.argv[1]])
