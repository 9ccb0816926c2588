# `tessera doctor` (docs/doctor.md) against the real binary: --url on a running `tessera serve`
# (metadata, JWKS, headers, the session cookie of a real login), a wrong issuer, and the
# configuration checks on the run's own data directory and store (for Redis: its persistence,
# off in the harness's redis-server, then switched on).
import json
import os
import subprocess
import tempfile

import harness
from harness import E2ETest


def doctor(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    p = subprocess.run([harness.TESSERA, "doctor", "--json", *args], input=stdin.encode() if stdin else None,
                       capture_output=True, timeout=60, env=env)
    return p.returncode, json.loads(p.stdout) if p.stdout else None, p.stderr.decode()


def rules(report, severity):
    return sorted({f["rule"] for f in report["findings"] if f["severity"] == severity})


class Doctor(E2ETest):
    user_pool = 1

    def test_url_of_a_running_server_has_no_error_and_checks_the_cookie(self):
        user, password = self.env.add_user()
        code, report, err = doctor("--url", self.srv.origin, "--user", user, stdin=password + "\n")
        self.assertEqual(code, 0, (report, err))
        self.assertEqual(rules(report, "error"), [], report)
        # The cookie was seen and is right: no cookie finding at all (not even "not checked").
        self.assertNotIn("cookie", {f["rule"] for f in report["findings"]}, report)
        self.assertNotIn("jwks_cache", {f["rule"] for f in report["findings"]}, report)
        self.assertNotIn("headers", {f["rule"] for f in report["findings"]}, report)

    def test_url_without_user_says_the_cookie_was_not_checked(self):
        code, report, _ = doctor("--url", self.srv.origin)
        self.assertEqual(code, 0, report)
        self.assertIn(("info", "cookie"), {(f["severity"], f["rule"]) for f in report["findings"]})

    def test_url_that_is_not_the_issuer_is_an_error(self):
        other = self.srv.origin.replace("127.0.0.1", "localhost")
        code, report, _ = doctor("--url", other)
        self.assertEqual(code, 1, report)
        self.assertIn("metadata", rules(report, "error"))

    def test_unreachable_url_is_an_error(self):
        code, report, _ = doctor("--url", "http://127.0.0.1:1")
        self.assertEqual(code, 1, report)
        self.assertIn("metadata", rules(report, "error"))

    def test_config_of_this_run(self):
        args = ["--data", self.env.data, "--store", self.env.store_arg()]
        code, report, err = doctor(*args)
        if harness.STORE in harness.REDIS_STORES:
            # The harness's redis-servers run without persistence: that is an error, one finding
            # per node read (the cluster's seed nodes).
            ports = self.env.cluster.ports if self.env.cluster else [self.env.redis.port]
            self.assertEqual(code, 1, (report, err))
            self.assertEqual(rules(report, "error"), ["redis_persistence"], report)
            self.assertEqual(report["errors"], len(ports), report)
            for port in ports:
                harness.redis_command(port, "CONFIG", "SET", "appendonly", "yes")
            try:
                code, report, err = doctor(*args)
            finally:
                for port in ports:
                    harness.redis_command(port, "CONFIG", "SET", "appendonly", "no")
        self.assertEqual(code, 0, (report, err))
        self.assertEqual(rules(report, "error"), [], report)
        self.assertIn("public_origin", rules(report, "warning"))

    def test_config_file_with_plain_http_public_origin_is_an_error(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", dir=self.env.tmp, delete=False) as f:
            f.write('public_origin = "http://auth.example.com"\nlisten = "0.0.0.0:8080"\n')
        code, report, _ = doctor("--config", f.name, "--data", self.env.data, "--store", self.env.store_arg())
        self.assertEqual(code, 1, report)
        self.assertIn("public_origin", rules(report, "error"))
        self.assertIn("tls", rules(report, "error"))

    def test_config_the_server_would_refuse_is_a_usage_error(self):
        code, _, err = doctor("--jwks-max-age", "300", "--publish-ahead", "100")
        self.assertEqual(code, 2)
        self.assertIn("publish_ahead", err)
