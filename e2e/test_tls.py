# TLS: `tessera serve --tls-cert/--tls-key` serves the same API over HTTPS (with HSTS), refuses
# plain HTTP on the TLS port without crashing, and refuses a certificate without its key.
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import unittest

import harness
from harness import E2ETest, Server


class TlsServer(Server):
    LISTEN_RE = re.compile(r"tessera: listening on https://127\.0\.0\.1:(\d+)")

    def connect(self, timeout=15):
        ctx = ssl.create_default_context(cafile=self.cafile)
        return http.client.HTTPSConnection("localhost", self.port, timeout=timeout, context=ctx)


@unittest.skipUnless(shutil.which("openssl"), "openssl command not installed")
class Tls(E2ETest):
    start_server = False
    user_pool = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert = os.path.join(cls.env.tmp, "cert.pem")
        cls.key = os.path.join(cls.env.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", cls.key, "-out", cls.cert], check=True, capture_output=True, timeout=60)
        s = TlsServer(cls.env, ("--tls-cert", cls.cert, "--tls-key", cls.key))
        s.cafile = cls.cert
        cls.env.servers.append(s)
        cls.srv = s.start()

    def test_login_and_session_over_tls(self):
        user, password = self.env.add_user()
        # self.srv.request, not self.req: the shared header check forbids HSTS (plain HTTP).
        r = self.srv.request("POST", "/login", json_body={"username": user, "password": password})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Strict-Transport-Security"), "max-age=31536000")
        cookie = r.session_cookie()
        self.assertIn("Secure", r.header("Set-Cookie"))
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        harness.remember_secret(cookie["value"])
        s = self.srv.request("GET", "/session", cookie=cookie["value"])
        self.assertEqual(self.assertJSON(s, 200)["user"], user)
        self.assertEqual(s.header("Strict-Transport-Security"), "max-age=31536000")

    def handshake(self, ciphers=None, tls12_only=True):
        """A TLS handshake with the server; returns (version, cipher name) or raises ssl.SSLError."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.cert)
        if tls12_only:
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if ciphers:
            # @SECLEVEL=0: the client must really offer the suite, so that only the server refuses.
            ctx.set_ciphers(ciphers + ":@SECLEVEL=0")
            offered = [c["name"] for c in ctx.get_ciphers() if not c["name"].startswith("TLS_")]
            self.assertEqual(offered, [ciphers], "the client cannot offer the suite")
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                return s.version(), s.cipher()[0]

    def test_tls12_cbc_suites_refused(self):
        # The harness certificate is ECDSA P-256, so these are the CBC suites it could use.
        for suite in ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256",
                      "ECDHE-ECDSA-AES256-SHA384"):
            with self.subTest(suite=suite):
                with self.assertRaises(ssl.SSLError):
                    self.handshake(suite)
        self.assertTrue(self.srv.alive())

    def test_tls12_ecdhe_aead_suites_accepted(self):
        for suite in ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"):
            with self.subTest(suite=suite):
                self.assertEqual(self.handshake(suite), ("TLSv1.2", suite))

    def test_tls13_accepted(self):
        version, _ = self.handshake(tls12_only=False)
        self.assertEqual(version, "TLSv1.3")

    def test_tls11_refused(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.cert)
        try:
            ctx.set_ciphers("ALL:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1_1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        except (ValueError, ssl.SSLError):
            self.skipTest("this OpenSSL cannot speak TLS 1.1")
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as raw:
            with self.assertRaises(ssl.SSLError):
                ctx.wrap_socket(raw, server_hostname="localhost").close()

    def test_plain_http_on_the_tls_port_is_refused(self):
        sock = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while True:
                try:
                    chunk = sock.recv(4096)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                data += chunk
            self.assertNotIn(b"200 OK", data)
        finally:
            sock.close()
        self.assertTrue(self.srv.alive())
        self.assertEqual(self.srv.request("GET", "/healthz").status, 200)

    def test_certificate_without_key_is_a_usage_error(self):
        p = subprocess.run([harness.TESSERA, "serve", "--listen", "127.0.0.1:0", "--data", self.env.data,
                            "--tls-cert", self.cert], capture_output=True, timeout=30)
        self.assertEqual(p.returncode, 2, p)
        self.assertIn(b"tls", p.stderr.lower())
