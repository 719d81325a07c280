"""A TLS terminator on 127.0.0.1 for tests: accepts TLS with a test
certificate and passes the plain bytes on to a backend port (moto), and back.
Also makes the test certificates with the openssl command line."""
import os
import socket
import ssl
import subprocess
import threading


def make_ca(directory, name):
    """A self-signed CA: returns (cert path, key path)."""
    cert, key = os.path.join(directory, f"{name}.pem"), os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", f"/CN=edgelog test {name}", "-keyout", key, "-out", cert,
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
                   check=True, capture_output=True)
    return cert, key


def make_server_cert(directory, ca, host="localhost"):
    """A server certificate for `host` signed by `ca` (cert, key): returns
    (cert path, key path)."""
    cert, key = os.path.join(directory, "server.pem"), os.path.join(directory, "server.key")
    csr = os.path.join(directory, "server.csr")
    ext = os.path.join(directory, "server.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=DNS:{host}\nextendedKeyUsage=serverAuth\n"
                "basicConstraints=CA:FALSE\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-subj", f"/CN={host}",
                    "-keyout", key, "-out", csr], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1],
                    "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


class TlsTerminator:
    """`maximum_version` (an ssl.TLSVersion older than TLS 1.2): an endpoint
    that speaks only that old a TLS, which edgelog must refuse."""

    def __init__(self, cert, key, backend_port, maximum_version=None):
        self.backend_port = backend_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if maximum_version is None:
            self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        else:
            # OpenSSL's default security level leaves nothing older than TLS
            # 1.2 to offer: level 0 lets the old versions be spoken.
            self.context.set_ciphers("DEFAULT:@SECLEVEL=0")
            self.context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            self.context.maximum_version = maximum_version
        self.context.load_cert_chain(cert, key)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.handshakes = 0         # completed (a client may still refuse the certificate after)
        self.failed_handshakes = 0  # refused by the client (or broken)
        self.requests = 0           # connections that carried bytes to the backend
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping = True
        self.listener.close()

    def _accept(self):
        while not self._stopping:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        try:
            tls = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            self.failed_handshakes += 1
            raw.close()
            return
        self.handshakes += 1
        try:
            backend = socket.create_connection(("127.0.0.1", self.backend_port))
        except OSError:
            tls.close()
            return
        threading.Thread(target=self._pipe, args=(backend, tls), daemon=True).start()
        self._pipe(tls, backend, count=True)

    def _pipe(self, source, sink, count=False):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if count:
                    self.requests += 1
                    count = False
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass
