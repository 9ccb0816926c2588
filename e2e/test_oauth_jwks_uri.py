"""private_key_jwt for a client registered with --jwks-uri: tessera serve fetches the client's
JWKS over HTTPS from a real TLS server on loopback (a throwaway certificate made with the openssl
CLI, trusted through --oauth-ca-file), accepts an assertion signed with that key and refuses another
key. The cache rules (max-age, the unknown-kid refetch of a rotated key, stale keys while the
client's server fails) are unit-tested with a fake fetcher (tests/oauth_remote_keys_test.cpp)."""
import http.server
import json
import os
import secrets
import shutil
import ssl
import subprocess
import threading
import time
import unittest

from harness import E2ETest, remember_secret
import harness

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class KeysHandler(http.server.BaseHTTPRequestHandler):
    jwks = b""
    fetches = 0

    def do_GET(self):
        if self.path != "/jwks":
            self.send_error(404)
            return
        type(self).fetches += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "max-age=3600")
        self.send_header("Content-Length", str(len(self.jwks)))
        self.end_headers()
        self.wfile.write(self.jwks)

    def log_message(self, *args):
        pass


@unittest.skipUnless(shutil.which("openssl"), "openssl command not installed")
class OAuthJwksUri(E2ETest):
    start_server = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = cls.env.tmp
        cert, key = os.path.join(tmp, "jwks-cert.pem"), os.path.join(tmp, "jwks-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
        cls.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), KeysHandler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        cls.httpd.socket = ctx.wrap_socket(cls.httpd.socket, server_side=True)
        threading.Thread(target=cls.httpd.serve_forever, daemon=True).start()
        cls.jwks_uri = f"https://localhost:{cls.httpd.server_address[1]}/jwks"
        cls.key1 = cls.make_key("k1")
        cls.publish(cls.key1)
        c = json.loads(cls.env.cli("clients", "add", "partner", "--grant", "client_credentials",
                                   "--jwks-uri", cls.jwks_uri, "--json").stdout)
        remember_secret(c.get("client_secret"))
        cls.client_id = c["client_id"]
        cls.srv = cls.env.server("--oauth-ca-file", cert)

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        super().tearDownClass()

    @classmethod
    def make_key(cls, kid):
        path = os.path.join(cls.env.tmp, kid + ".jwk")
        subprocess.run([harness.TESSERA, "keys", "generate", "--type", "p256", "--kid", kid, "--out", path],
                       check=True, capture_output=True, timeout=60)
        return path

    @classmethod
    def publish(cls, *keys):
        jwks = {"keys": []}
        for k in keys:
            p = subprocess.run([harness.TESSERA, "keys", "public", k], check=True, capture_output=True, timeout=60)
            jwks["keys"].append(json.loads(p.stdout))
        KeysHandler.jwks = json.dumps(jwks).encode()

    def assertion(self, key):
        now = int(time.time())
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": self.srv.origin + "/oauth2/token",
                  "iat": now, "exp": now + 60, "jti": secrets.token_urlsafe(16)}
        p = subprocess.run([harness.TESSERA, "jwt", "sign", "--key", key, "--claims", json.dumps(claims)],
                           check=True, capture_output=True, timeout=60, text=True)
        a = p.stdout.strip()
        remember_secret(a)
        return a

    def token(self, assertion):
        r = self.srv.request("POST", "/oauth2/token", form={"grant_type": "client_credentials",
                                                            "client_assertion_type": ASSERTION_TYPE,
                                                            "client_assertion": assertion})
        if r.status == 200:
            remember_secret(r.json().get("access_token"))
        return r

    def test_a_key_only_the_remote_set_has_authenticates_the_client(self):
        self.assertJSON(self.token(self.assertion(self.key1)), 200)
        self.assertJSON(self.token(self.assertion(self.key1)), 200)
        # A key the client never published, under a kid the set holds, is refused.
        stranger = self.make_key("k1")
        body = self.assertJSON(self.token(self.assertion(stranger)), 401)
        self.assertEqual(body.get("error"), "invalid_client")
        # Fresh keys (max-age 3600) and known kids: fetched once.
        self.assertEqual(KeysHandler.fetches, 1)
