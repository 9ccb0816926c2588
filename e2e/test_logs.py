# The request log on stdout (docs/server.md "Logs"): one JSON object per request, the session's
# id hash (never the cookie), no secrets. (Every server of every class is also checked for
# secrets and JSON validity in E2ETest.tearDownClass.)
import base64
import json
import signal

from harness import E2ETest, check_logs, remember_secret


class Logs(E2ETest):
    start_server = False

    def test_request_log_lines(self):
        u, p = self.env.add_user()
        srv = self.env.server()
        s = self.login(u, p, srv=srv)
        sid = self.assertAlive(s, srv=srv)["session"]["id"]
        other = self.login(u, p, srv=srv)
        oid = self.assertAlive(other, srv=srv)["session"]["id"]
        self.req("GET", "/sessions", srv=srv, cookie=s.cookie)
        self.assertEqual(self.req("DELETE", f"/sessions/{oid}", srv=srv, cookie=s.cookie, csrf=s.csrf).status, 204)
        self.req("POST", "/login", srv=srv, json_body={"username": u, "password": "wrong-" + p})
        self.req("POST", "/login", srv=srv, form={"username": u, "password": p})
        self.req("GET", "/nope-log-e2e", srv=srv)
        self.req("POST", "/logout", srv=srv, cookie=s.cookie)  # 403, no token
        self.req("GET", "/session", srv=srv, cookie="garbage-cookie-value-xyz")
        self.assertEqual(self.req("POST", "/logout", srv=srv, cookie=s.cookie, csrf=s.csrf).status, 204)

        def find(**want):
            line = srv.wait_log(lambda o: o.get("msg") == "request" and all(o.get(k) == v for k, v in want.items()))
            self.assertIsNotNone(line, f"no request log line with {want}:\n" + "\n".join(srv.stdout_lines[-30:]))
            return line

        l = find(method="GET", route="/session", status=200, session=sid)
        self.assertEqual(l["ip"], "127.0.0.1")
        self.assertIsInstance(l["latency_us"], int)
        self.assertGreaterEqual(l["latency_us"], 0)
        self.assertIn(l["level"], ("info", "debug"))
        self.assertRegex(l["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        find(method="GET", route="/sessions", status=200, session=sid)
        find(method="DELETE", route="/sessions/{id}", status=204, session=sid)
        find(method="POST", route="/login", status=401)
        find(method="POST", route="/login", status=200)
        find(method="POST", route="/logout", status=403)
        find(method="POST", route="/logout", status=204, session=sid)
        find(method="GET", route="/session", status=401)
        nope = srv.wait_log(lambda o: o.get("msg") == "request" and o.get("status") == 404)
        self.assertIsNotNone(nope)
        self.assertEqual(self.req("GET", "/healthz", srv=srv).status, 200)
        rc, _ = srv.stop(signal.SIGTERM)
        self.assertEqual(rc, 0)
        text = "\n".join(srv.stdout_lines)
        for secret in (s.cookie, other.cookie, s.csrf, other.csrf, p, "garbage-cookie-value-xyz"):
            self.assertNotIn(secret, text)
        self.assertNotIn(oid, [json.loads(x).get("route") for x in srv.stdout_lines])
        check_logs(self, srv)
        # Startup and shutdown are logged as JSON too.
        self.assertGreaterEqual(len([x for x in srv.stdout_lines if json.loads(x).get("msg") != "request"]), 1)

    def test_oauth_lines_carry_ids_never_tokens_or_secrets(self):
        srv = self.env.server()
        c = json.loads(self.env.cli("clients", "add", "log-test", "--grant", "client_credentials", "--scope", "reports",
                                    "--json").stdout)
        remember_secret(c["client_secret"])
        auth = {"Authorization": "Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()}
        r = srv.request("POST", "/oauth2/token", form={"grant_type": "client_credentials"}, headers=auth)
        self.assertEqual(r.status, 200, r)
        token = r.json()["access_token"]
        remember_secret(token)
        payload = token.split(".")[1]
        jti = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["jti"]
        self.assertEqual(srv.request("POST", "/oauth2/introspect", form={"token": token}, headers=auth).status, 200)
        self.assertEqual(srv.request("POST", "/oauth2/revoke", form={"token": token}, headers=auth).status, 200)
        r = srv.request("POST", "/oauth2/token", form={"grant_type": "client_credentials", "client_id": c["client_id"],
                                                       "client_secret": c["client_secret"] + "x"})
        self.assertEqual(r.status, 401, r)
        rc, _ = srv.stop(signal.SIGTERM)
        self.assertEqual(rc, 0)
        issued = [json.loads(x) for x in srv.stdout_lines if '"token issued"' in x]
        self.assertEqual(len(issued), 1, issued)
        self.assertEqual((issued[0]["client_id"], issued[0]["jti"], issued[0]["grant"]),
                         (c["client_id"], jti, "client_credentials"))
        self.assertTrue(any(json.loads(x).get("msg") == "token revoked" for x in srv.stdout_lines))
        text = "\n".join(srv.stdout_lines + srv.stderr_lines)
        for secret in (token, c["client_secret"], c["client_secret"] + "x", auth["Authorization"].split()[1]):
            self.assertNotIn(secret, text)
        check_logs(self, srv)
