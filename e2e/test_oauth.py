# OAuth 2.1 / OpenID Connect over HTTP (docs/oauth.md): clients added with `tessera clients add`,
# discovery, the authorization code flow with PKCE and a browser session (login redirect,
# consent page with CSRF and same-origin), the token endpoint (code, refresh rotation with reuse
# detection, client_credentials, code reuse), introspection, revocation, /userinfo and the app
# grants in the device list. Every token, code and client secret of the run is kept out of the
# logs (check_logs in tearDownClass).
import base64
import hashlib
import html.parser
import json
import secrets
import urllib.parse

from harness import E2ETest, b64url_nopad, metric, remember_secret

PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
REDIRECT = "https://app.example/cb"


def pkce():
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url_nopad(hashlib.sha256(verifier.encode()).digest())


def basic(client_id, secret):
    raw = urllib.parse.quote_plus(client_id) + ":" + urllib.parse.quote_plus(secret)
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Form(html.parser.HTMLParser):
    """The consent page's form: its action, method and input fields (name -> value)."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.method = None
        self.fields = []
        self.buttons = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action, self.method = a.get("action"), (a.get("method") or "").lower()
        elif tag in ("input", "button") and a.get("name"):
            (self.buttons if tag == "button" or a.get("type") == "submit" else self.fields).append(
                (a["name"], a.get("value") or ""))


class OAuth(E2ETest):
    user_pool = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = cls.add_client("first-party app", "--first-party", "--redirect-uri", REDIRECT,
                                 "--audience", "https://api.example")
        cls.third = cls.add_client("Third Party", "--redirect-uri", REDIRECT)
        cls.service = cls.add_client("batch", "--grant", "client_credentials", "--scope", "reports",
                                     "--audience", "https://api.example")
        cls.api = cls.add_client("api", "--grant", "client_credentials", "--resource", "https://api.example")
        cls.other_api = cls.add_client("other-api", "--grant", "client_credentials", "--resource",
                                       "https://other.example")

    @classmethod
    def add_client(cls, name, *args):
        p = cls.env.cli("clients", "add", name, *args, "--json")
        c = json.loads(p.stdout)
        remember_secret(c.get("client_secret"))
        return c

    # -- helpers ---------------------------------------------------------------------------

    def authorize_params(self, client, challenge, **extra):
        p = {"response_type": "code", "client_id": client["client_id"], "redirect_uri": REDIRECT,
             "scope": "openid profile offline_access", "state": secrets.token_urlsafe(8),
             "nonce": secrets.token_urlsafe(8), "code_challenge": challenge, "code_challenge_method": "S256"}
        p.update(extra)
        return p

    def authorize(self, sess, params):
        path = "/oauth2/authorize?" + urllib.parse.urlencode(params)
        return self.srv.request("GET", path, cookie=sess.cookie if sess else None)

    def redirected(self, r, params):
        self.assertEqual(r.status, 302, r)
        loc = r.header("Location")
        self.assertTrue(loc.startswith(REDIRECT + "?"), loc)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
        self.assertEqual(q.get("state"), params["state"], q)
        self.assertEqual(q.get("iss"), self.srv.origin, q)  # RFC 9207
        if "code" in q:
            remember_secret(q["code"])
        return q

    def code_for(self, sess, client=None):
        verifier, challenge = pkce()
        params = self.authorize_params(client or self.app, challenge)
        q = self.redirected(self.authorize(sess, params), params)
        return q["code"], verifier, params

    def token(self, form, auth=None, headers=None):
        h = dict(headers or {})
        if auth:
            h.update(basic(*auth))
        r = self.srv.request("POST", "/oauth2/token", form=form, headers=h)
        self.assertEqual(r.header("Cache-Control"), "no-store", r)
        self.assertEqual(r.header("Pragma"), "no-cache", r)
        if r.status == 200:
            for k in ("access_token", "refresh_token", "id_token"):
                remember_secret(r.json().get(k))
        return r

    def creds(self, client):
        return client["client_id"], client["client_secret"]

    def exchange(self, sess, client=None):
        client = client or self.app
        code, verifier, _ = self.code_for(sess, client)
        r = self.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                        "code_verifier": verifier}, auth=self.creds(client))
        return self.assertJSON(r, 200)

    def refresh(self, rt, client=None):
        return self.token({"grant_type": "refresh_token", "refresh_token": rt}, auth=self.creds(client or self.app))

    def introspect(self, token, client=None):
        r = self.srv.request("POST", "/oauth2/introspect", form={"token": token},
                             headers=basic(*self.creds(client or self.api)))
        self.assertEqual(r.header("Cache-Control"), "no-store", r)
        return self.assertJSON(r, 200)

    def assertOAuthError(self, r, status, code):
        body = self.assertJSON(r, status)
        self.assertEqual(body.get("error"), code, r)
        self.assertIsInstance(body.get("error_description"), str, r)
        return body

    # -- tests -----------------------------------------------------------------------------

    def test_metadata(self):
        for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
            m = self.assertJSON(self.req("GET", path, jwks=True), 200)
            self.assertEqual(m["issuer"], self.srv.origin)
            self.assertEqual(m["authorization_endpoint"], self.srv.origin + "/oauth2/authorize")
            self.assertEqual(m["token_endpoint"], self.srv.origin + "/oauth2/token")
            self.assertEqual(m["jwks_uri"], self.srv.origin + "/.well-known/jwks.json")
            self.assertEqual(m["response_types_supported"], ["code"])
            self.assertEqual(m["code_challenge_methods_supported"], ["S256"])
            self.assertIn("RS256", m["id_token_signing_alg_values_supported"])
            self.assertIs(m["authorization_response_iss_parameter_supported"], True)

    def test_login_redirect_then_consent_then_code(self):
        sess = self.new_login()
        verifier, challenge = pkce()
        params = self.authorize_params(self.third, challenge)
        # No session: to the login page, and back to exactly this request.
        r = self.authorize(None, params)
        self.assertEqual(r.status, 303, r)
        loc = urllib.parse.urlsplit(r.header("Location"))
        self.assertEqual(loc.path, "/login")
        back = urllib.parse.parse_qs(loc.query)["return_to"][0]
        self.assertEqual(back, "/oauth2/authorize?" + urllib.parse.urlencode(params))
        # With the session: the consent page.
        r = self.authorize(sess, params)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith("text/html"), r)
        self.assertEqual(r.header("Content-Security-Policy"), PAGE_CSP)
        self.assertNotIn("form-action", r.header("Content-Security-Policy"))
        self.assertEqual(r.header("X-Frame-Options"), "DENY")
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
        page = r.body.decode()
        self.assertIn("Third Party", page)
        form = Form()
        form.feed(page)
        self.assertEqual((form.action, form.method), ("/oauth2/authorize", "post"))
        fields = dict(form.fields)
        self.assertEqual(fields.get("csrf_token"), sess.csrf)
        for k, v in params.items():
            self.assertEqual(fields.get(k), v, k)
        self.assertEqual({v for k, v in form.buttons if k == "decision"}, {"approve", "deny"})

        def post(decision, csrf=sess.csrf, headers=None):
            body = dict(params, decision=decision)
            if csrf is not None:
                body["csrf_token"] = csrf
            return self.srv.request("POST", "/oauth2/authorize", form=body, cookie=sess.cookie, headers=headers)

        chromium = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}
        self.assertEqual(post("approve", csrf=None, headers=chromium).status, 403)
        self.assertEqual(post("approve", csrf="x" * 43, headers=chromium).status, 403)
        r = post("approve", headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.header("Content-Security-Policy"), PAGE_CSP)
        self.assertEqual(post("maybe", headers=chromium).status, 400)
        # Deny: access_denied at the redirect URI.
        q = self.redirected(post("deny", headers=chromium), params)
        self.assertEqual(q.get("error"), "access_denied", q)
        # Approve (Chromium's same-origin form POST: Origin null, Sec-Fetch-Site same-origin).
        q = self.redirected(post("approve", headers=chromium), params)
        body = self.assertJSON(self.token({"grant_type": "authorization_code", "code": q["code"],
                                           "redirect_uri": REDIRECT, "code_verifier": verifier},
                                          auth=self.creds(self.third)), 200)
        self.assertEqual(body["token_type"], "Bearer")
        self.assertEqual(jwt_claims(body["id_token"])["nonce"], params["nonce"])
        # The consent is remembered: the next request goes straight to the client.
        _, challenge2 = pkce()
        params2 = self.authorize_params(self.third, challenge2)
        self.assertIn("code", self.redirected(self.authorize(sess, params2), params2))

    def test_login_page_sends_the_browser_back_to_the_authorization(self):
        user, password = self.env.add_user()
        verifier, challenge = pkce()
        params = self.authorize_params(self.app, challenge)
        r = self.authorize(None, params)
        self.assertEqual(r.status, 303, r)
        login_url = r.header("Location")
        self.assertEqual(self.srv.request("GET", login_url).status, 200)
        return_to = urllib.parse.parse_qs(urllib.parse.urlsplit(login_url).query)["return_to"][0]
        # The login form, posted as Chromium does (same-origin by fetch metadata).
        r = self.srv.request("POST", "/login", form={"username": user, "password": password, "return_to": return_to},
                             headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), return_to)
        cookie = r.session_cookie()["value"]
        r = self.srv.request("GET", r.header("Location"), cookie=cookie)
        q = self.redirected(r, params)
        body = self.assertJSON(self.token({"grant_type": "authorization_code", "code": q["code"],
                                           "redirect_uri": REDIRECT, "code_verifier": verifier},
                                          auth=self.creds(self.app)), 200)
        self.assertEqual(jwt_claims(body["access_token"])["sub"], user)

    def test_errors_before_and_at_the_redirect_uri(self):
        sess = self.new_login()
        _, challenge = pkce()
        # Unknown client, unregistered redirect URI: an error page, never a redirect.
        for bad in ({"client_id": "no-such-client"}, {"redirect_uri": "https://evil.example/cb"}):
            params = self.authorize_params(self.app, challenge, **bad)
            r = self.authorize(sess, params)
            self.assertEqual(r.status, 400, r)
            self.assertIsNone(r.header("Location"))
            self.assertTrue(r.header("Content-Type").startswith("text/html"), r)
            self.assertEqual(r.header("Content-Security-Policy"), PAGE_CSP)
        # A registered redirect URI gets the error: no PKCE, plain PKCE.
        for bad in ({"code_challenge": ""}, {"code_challenge_method": "plain"}):
            params = self.authorize_params(self.app, challenge, **bad)
            q = self.redirected(self.authorize(sess, params), params)
            self.assertEqual(q.get("error"), "invalid_request", q)
        # prompt=none without a session: login_required at the redirect URI.
        params = self.authorize_params(self.app, challenge, prompt="none")
        self.assertEqual(self.redirected(self.authorize(None, params), params).get("error"), "login_required")

    def test_token_endpoint_rules(self):
        cid, secret = self.creds(self.service)
        ok = {"grant_type": "client_credentials", "scope": "reports"}
        # Form bodies only.
        r = self.srv.request("POST", "/oauth2/token", json_body=ok, headers=basic(cid, secret))
        self.assertOAuthError(r, 400, "invalid_request")
        # Basic with a wrong secret or malformed credentials: 401 with WWW-Authenticate.
        for h in (basic(cid, "wrong-" + secret), {"Authorization": "Basic !!!"}):
            r = self.token(ok, headers=h)
            self.assertOAuthError(r, 401, "invalid_client")
            self.assertEqual(r.header("WWW-Authenticate"), 'Basic realm="tessera"')
        # client_secret_post with a wrong secret: 401, no Basic challenge.
        r = self.token(dict(ok, client_id=cid, client_secret="wrong"))
        self.assertOAuthError(r, 401, "invalid_client")
        self.assertIsNone(r.header("WWW-Authenticate"))
        self.assertOAuthError(self.token({"grant_type": "password"}, auth=(cid, secret)), 400,
                              "unsupported_grant_type")
        # client_credentials: sub is the client; both authentication methods work.
        for r in (self.token(ok, auth=(cid, secret)), self.token(dict(ok, client_id=cid, client_secret=secret))):
            body = self.assertJSON(r, 200)
            claims = jwt_claims(body["access_token"])
            self.assertEqual(claims["sub"], cid)
            self.assertEqual(claims["client_id"], cid)
            self.assertNotIn("refresh_token", body)
        samples = self.srv.scrape()
        self.assertGreaterEqual(metric(samples, "tessera_oauth_tokens_issued_total", grant="client_credentials",
                                       format="jwt"), 2)

    def test_refresh_rotation_and_reuse(self):
        sess = self.new_login()
        first = self.exchange(sess)
        second = self.assertJSON(self.refresh(first["refresh_token"]), 200)
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertIs(self.introspect(second["access_token"])["active"], True)
        before = metric(self.srv.scrape(), "tessera_oauth_refresh_reuse_total") or 0
        # The rotated token again: the whole family is revoked, its access tokens too.
        self.assertOAuthError(self.refresh(first["refresh_token"]), 400, "invalid_grant")
        self.assertOAuthError(self.refresh(second["refresh_token"]), 400, "invalid_grant")
        self.assertIs(self.introspect(second["access_token"])["active"], False)
        self.assertEqual(metric(self.srv.scrape(), "tessera_oauth_refresh_reuse_total"), before + 1)
        line = self.srv.wait_log(lambda o: o.get("msg") == "refresh token reuse")
        self.assertIsNotNone(line)
        self.assertEqual(line["client_id"], self.app["client_id"])
        self.assertIn("family_id", line)

    def test_code_reuse_revokes_what_the_code_issued(self):
        sess = self.new_login()
        code, verifier, _ = self.code_for(sess)
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
        body = self.assertJSON(self.token(form, auth=self.creds(self.app)), 200)
        self.assertOAuthError(self.token(form, auth=self.creds(self.app)), 400, "invalid_grant")
        self.assertOAuthError(self.refresh(body["refresh_token"]), 400, "invalid_grant")
        self.assertIs(self.introspect(body["access_token"])["active"], False)
        self.assertGreaterEqual(metric(self.srv.scrape(), "tessera_oauth_code_reuse_total"), 1)
        # A wrong verifier or redirect URI is invalid_grant too.
        code, verifier, _ = self.code_for(sess)
        r = self.token(dict(form, code=code, code_verifier=pkce()[0]), auth=self.creds(self.app))
        self.assertOAuthError(r, 400, "invalid_grant")

    def test_introspection(self):
        sess = self.new_login()
        body = self.exchange(sess)
        at = body["access_token"]
        info = self.introspect(at)
        self.assertIs(info["active"], True)
        self.assertEqual(info["sub"], sess.user)
        self.assertEqual(info["client_id"], self.app["client_id"])
        # Another API's resource server may not see it; a client without credentials may not ask.
        self.assertIs(self.introspect(at, client=self.other_api)["active"], False)
        r = self.srv.request("POST", "/oauth2/introspect", form={"token": at})
        self.assertOAuthError(r, 401, "invalid_client")
        self.assertIs(self.introspect("not-a-token")["active"], False)
        samples = self.srv.scrape()
        self.assertGreaterEqual(metric(samples, "tessera_oauth_introspections_total", result="active"), 1)
        self.assertGreaterEqual(metric(samples, "tessera_oauth_introspections_total", result="inactive"), 2)
        # Log out everywhere: nothing issued before is active any more.
        r = self.req("POST", "/logout-everywhere", cookie=sess.cookie, csrf=sess.csrf)
        self.assertEqual(r.status, 200, r)
        self.assertIs(self.introspect(at)["active"], False)
        self.assertOAuthError(self.refresh(body["refresh_token"]), 400, "invalid_grant")

    def test_revocation(self):
        sess = self.new_login()
        body = self.exchange(sess)
        r = self.srv.request("POST", "/oauth2/revoke", form={"token": body["access_token"]},
                             headers=basic(*self.creds(self.app)))
        self.assertEqual(r.status, 200, r)
        self.assertIs(self.introspect(body["access_token"])["active"], False)
        r = self.srv.request("POST", "/oauth2/revoke", form={"token": body["refresh_token"]},
                             headers=basic(*self.creds(self.app)))
        self.assertEqual(r.status, 200, r)
        self.assertOAuthError(self.refresh(body["refresh_token"]), 400, "invalid_grant")
        # Unknown tokens are revoked silently; a client must still authenticate.
        r = self.srv.request("POST", "/oauth2/revoke", form={"token": "unknown"}, headers=basic(*self.creds(self.app)))
        self.assertEqual(r.status, 200, r)
        r = self.srv.request("POST", "/oauth2/revoke", form={"token": "unknown"},
                             headers=basic(self.app["client_id"], "wrong"))
        self.assertOAuthError(r, 401, "invalid_client")
        self.assertGreaterEqual(metric(self.srv.scrape(), "tessera_oauth_revocations_total"), 2)

    def test_userinfo(self):
        sess = self.new_login()
        body = self.exchange(sess)
        for method in ("GET", "POST"):
            r = self.srv.request(method, "/userinfo", headers={"Authorization": "Bearer " + body["access_token"]})
            info = self.assertJSON(r, 200)
            self.assertEqual(info["sub"], sess.user)
            self.assertEqual(info["preferred_username"], sess.user)
        r = self.srv.request("GET", "/userinfo")
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.header("WWW-Authenticate"), 'Bearer realm="tessera"')
        r = self.srv.request("GET", "/userinfo", headers={"Authorization": "Bearer not-a-token"})
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.header("WWW-Authenticate"), 'Bearer realm="tessera", error="invalid_token"')

    def test_app_grants_in_the_device_list(self):
        sess = self.new_login()
        body = self.exchange(sess)
        lst = self.assertJSON(self.req("GET", "/sessions", cookie=sess.cookie), 200)["sessions"]
        self.assertEqual({x["kind"] for x in lst}, {"browser", "app"}, lst)
        apps = [x for x in lst if x["kind"] == "app"]
        self.assertEqual(len(apps), 1, lst)
        grant = apps[0]
        self.assertEqual(grant["client_name"], "first-party app")
        self.assertEqual(len(grant["id"]), 22)
        for k in ("created_at", "last_seen_at"):
            self.assertIsInstance(grant[k], int)
        # Another user cannot revoke it; its owner can.
        other = self.new_login()
        r = self.req("DELETE", f"/sessions/{grant['id']}", cookie=other.cookie, csrf=other.csrf)
        self.assertError(r, 404, "session_not_found")
        r = self.req("DELETE", f"/sessions/{grant['id']}", cookie=sess.cookie, csrf=sess.csrf)
        self.assertEqual(r.status, 204, r)
        self.assertOAuthError(self.refresh(body["refresh_token"]), 400, "invalid_grant")
        lst = self.assertJSON(self.req("GET", "/sessions", cookie=sess.cookie), 200)["sessions"]
        self.assertEqual([x["kind"] for x in lst], ["browser"])

    def test_logs_name_ids_never_tokens(self):
        sess = self.new_login()
        body = self.exchange(sess)
        jti = jwt_claims(body["access_token"])["jti"]
        line = self.srv.wait_log(lambda o: o.get("msg") == "token issued" and o.get("jti") == jti)
        self.assertIsNotNone(line, "no 'token issued' line for the access token")
        self.assertEqual(line["client_id"], self.app["client_id"])
        self.assertEqual(line["grant"], "authorization_code")
        self.assertIn("family_id", line)
        text = "\n".join(self.srv.stdout_lines + self.srv.stderr_lines)
        for secret in (body["access_token"], body["refresh_token"], body["id_token"], self.app["client_secret"]):
            self.assertNotIn(secret, text)
