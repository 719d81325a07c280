"""make endpoint: a local CloudWatch Logs endpoint to run edgelog against
by hand.

Starts moto (as make demo does, signature checking on) on a loopback port,
with an IAM user "edgelog" whose access key is fixed (the test keys below),
so every request is verified from the first one. Prints the variables to
export and the edgelog commands to run, then waits: Ctrl-C (or SIGTERM)
stops moto, and what it held is gone.

usage: python3 endpoint.py [--port PORT]   (default 5000, moto's own)"""
import argparse
import os
import signal
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402

# Not AWS keys: moto knows them because the launcher gives them to its
# IAM user. The same in make demo, so its config runs again here.
TEST_KEY_ID = "AKIAEDGELOGLOCALTEST"
TEST_SECRET = "edgelog-local-endpoint-test-secret-key"
DEFAULT_PORT = 5000
DEMO_CONFIG = "demo/config.json"  # under the build directory


def exports(url):
    """The variables edgelog (and the AWS CLI) need for this endpoint."""
    return [("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", url),
            ("AWS_REGION", harness.REGION),
            # The AWS CLI v1 reads only this one.
            ("AWS_DEFAULT_REGION", harness.REGION),
            ("AWS_ACCESS_KEY_ID", TEST_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", TEST_SECRET),
            ("AWS_EC2_METADATA_DISABLED", "true")]


def port_is_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def interrupt(signum, frame):
    """SIGTERM as Ctrl-C: the same way out, moto stopped."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description="a local CloudWatch Logs endpoint (moto)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    port = parser.parse_args().port
    if not port_is_free(port):
        sys.exit(f"edgelog: port {port} on 127.0.0.1 is in use: "
                 f"make endpoint ENDPOINT_PORT=ANOTHER")
    moto = harness.Moto(port)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        moto.start(identity=(TEST_KEY_ID, TEST_SECRET))
        binary = os.path.relpath(harness.EDGELOG)
        config = os.path.relpath(os.path.join(harness.ROOT, harness.BUILD, DEMO_CONFIG))
        note = ""
        if not os.path.exists(config):
            note = f"  (CONFIG: yours, or make demo leaves one in {config})\n"
            config = "CONFIG"
        print(f"edgelog: a local CloudWatch Logs endpoint (moto, signatures checked) on "
              f"{moto.url}\n\nIn another shell:\n")
        for name, value in exports(moto.url):
            print(f"  export {name}={value}")
        print(f"\n  {binary} doctor -c {config}\n  {binary} run -c {config}\n{note}")
        print("Read back: aws logs describe-log-groups (with the same variables). "
              "Ctrl-C stops the endpoint; what it holds is lost.", flush=True)
        moto.proc.wait()
        print("edgelog: moto exited", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        moto.stop()


if __name__ == "__main__":
    sys.exit(main())
