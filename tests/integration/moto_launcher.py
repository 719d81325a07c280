"""Starts moto's server as the CloudWatch Logs stand-in of the tests.

moto 5.2's server decompresses gzip request bodies twice (once in a Flask
before_request hook, once in its response classes) and then answers 500.
AWS decompresses once and checks the signature over the compressed bytes,
so the hook is replaced by a no-op before the server starts: the body
reaches moto compressed, the signature is verified over it, and moto
inflates it once.

usage: python3 moto_launcher.py PORT
"""
import sys

import moto.moto_server.werkzeug_app as werkzeug_app


def _leave_body_alone():
    return None


werkzeug_app.decompress_request_body = _leave_body_alone

from moto import server  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    server.main(["--host", "127.0.0.1", "--port", sys.argv[1]])
