# Login throttling per account and per IP, Retry-After, X-Forwarded-For only with --trust-proxy
# (docs/server.md "Login throttling"). The counters use whole Unix seconds, so each locking
# sequence starts early in a second (align_to_second_start) to keep 1 s locks observable.
import re
import time

from harness import E2ETest, align_to_second_start, metric


class ThrottleCase(E2ETest):
    def fail_login(self, user, headers=None, password="wrong-password-000"):
        r = self.req("POST", "/login", json_body={"username": user, "password": password}, headers=headers)
        self.assertError(r, 401, "invalid_credentials")
        return r

    def assertThrottled(self, r, max_retry=None):
        self.assertError(r, 429, "throttled")
        ra = r.header("Retry-After")
        self.assertIsNotNone(ra, r)
        self.assertRegex(ra, re.compile(r"^[0-9]+$"))
        self.assertGreaterEqual(int(ra), 1)
        if max_retry is not None:
            self.assertLessEqual(int(ra), max_retry)
        self.assertIsNone(r.session_cookie())
        return int(ra)


class AccountThrottle(ThrottleCase):
    server_args = ("--login-account-free-failures", "2", "--login-ip-free-failures", "100")
    user_pool = 5

    def test_account_lockout_and_recovery(self):
        u, p = self.env.add_user()
        v, vp = self.env.add_user()
        m0 = self.srv.scrape()
        align_to_second_start()
        for _ in range(3):
            self.fail_login(u)
        # Locked: even the right password gets 429, without being checked.
        ra = self.assertThrottled(self.req("POST", "/login", json_body={"username": u, "password": p}), max_retry=1)
        # The HTML form: the login page again, 429 with Retry-After, no cookie.
        r = self.req("POST", "/login", form={"username": u, "password": p})
        self.assertIn("Too many failed sign-ins", self.assertPage(r, 429))
        self.assertRegex(r.header("Retry-After") or "", re.compile(r"^[1-9][0-9]*$"))
        self.assertIsNone(r.session_cookie())
        # Another account from the same IP is not locked.
        self.login(v, vp)
        m1 = self.srv.scrape()
        self.assertGreaterEqual((metric(m1, "tessera_logins_throttled_total") or 0)
                                - (metric(m0, "tessera_logins_throttled_total") or 0), 2)
        self.assertGreaterEqual((metric(m1, "tessera_logins_failed_total") or 0)
                                - (metric(m0, "tessera_logins_failed_total") or 0), 3)
        time.sleep(ra + 0.1)
        s = self.login(u, p)
        self.assertAlive(s)
        # The success reset the account counter: two more free failures.
        align_to_second_start()
        self.fail_login(u)
        self.fail_login(u)
        self.login(u, p)

    def test_unknown_user_counted_like_known(self):
        ghost = "ghost-e2e-nobody"
        align_to_second_start()
        for _ in range(3):
            self.fail_login(ghost)
        ra = self.assertThrottled(self.req("POST", "/login", json_body={"username": ghost, "password": "x" * 12}),
                                  max_retry=1)
        # Backoff doubles: after the lock, the next failure locks for 2 s.
        time.sleep(ra + 0.1)
        self.fail_login(ghost)
        self.assertThrottled(self.req("POST", "/login", json_body={"username": ghost, "password": "x" * 12}),
                             max_retry=2)

    def test_password_change_wrong_current_counts(self):
        # "checks current_password (invalid_credentials, counted like a failed login)" on the
        # session's own key: the session is locked, the account is not.
        s = self.new_login()
        align_to_second_start()
        for _ in range(3):
            r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                         json_body={"current_password": "wrong-current-pw", "new_password": "brand-new-password"})
            self.assertError(r, 401, "invalid_credentials")
        r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                     json_body={"current_password": s.password, "new_password": "brand-new-password"})
        self.assertThrottled(r)
        self.assertEqual(self.req("POST", "/login", json_body={"username": s.user, "password": s.password}).status,
                         200)

    def test_strangers_do_not_lock_a_signed_in_user_out_of_password_change(self):
        s = self.new_login()
        align_to_second_start()
        for _ in range(3):
            self.fail_login(s.user)
        self.assertThrottled(self.req("POST", "/login", json_body={"username": s.user, "password": s.password}))
        r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                     json_body={"current_password": s.password, "new_password": "brand-new-password"})
        self.assertEqual(r.status, 200, r)


class IPThrottle(ThrottleCase):
    server_args = ("--login-ip-free-failures", "3", "--login-account-free-failures", "100")
    user_pool = 5

    def test_ip_lockout_ignores_xff_without_trust_proxy(self):
        users = [self.env.add_user() for _ in range(3)]
        late, late_p = self.env.add_user()
        align_to_second_start()
        # Four failures over four usernames (three real, one unknown), each claiming another
        # client IP in X-Forwarded-For, which must be ignored without --trust-proxy.
        for i, (u, _) in enumerate(users + [("nobody-e2e", "")]):
            self.fail_login(u, headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})
        r = self.req("POST", "/login", json_body={"username": late, "password": late_p},
                     headers={"X-Forwarded-For": "198.51.100.200"})
        ra = self.assertThrottled(r, max_retry=1)
        time.sleep(ra + 0.1)
        s = self.login(late, late_p)
        # The IP shown for the session is the peer, not the header.
        lst = self.assertJSON(self.req("GET", "/sessions", cookie=s.cookie,
                                       headers={"X-Forwarded-For": "198.51.100.7"}), 200)["sessions"]
        self.assertEqual([x["ip"] for x in lst], ["127.0.0.1"])


class TrustedProxy(ThrottleCase):
    server_args = ("--trust-proxy", "--login-ip-free-failures", "3", "--login-account-free-failures", "100",
                   "--public-origin", "https://auth.example.com")
    user_pool = 8

    def test_xff_is_client_ip(self):
        u, p = self.env.add_user()
        s = self.login(u, p, headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.77"})
        lst = self.assertJSON(self.req("GET", "/sessions", cookie=s.cookie), 200)["sessions"]
        self.assertEqual(lst[0]["ip"], "198.51.100.77")

    def test_xff_ip_throttle(self):
        users = [self.env.add_user() for _ in range(4)]
        ok_u, ok_p = self.env.add_user()
        bad_ip = {"X-Forwarded-For": "10.9.9.1"}
        align_to_second_start()
        for u, _ in users:
            self.fail_login(u, headers=bad_ip)
        self.assertThrottled(self.req("POST", "/login", json_body={"username": ok_u, "password": ok_p},
                                      headers=bad_ip))
        # Another client behind the same proxy is not locked.
        self.login(ok_u, ok_p, headers={"X-Forwarded-For": "10.9.9.2"})
        self.login(ok_u, ok_p, headers={"X-Forwarded-For": "10.9.9.1, 10.9.9.3"})

    def test_ip_spellings_share_one_throttle_key(self):
        # IPv4-mapped IPv6, zone ids and IPv6 spellings are normalised before they key anything
        # (docs/server.md "Login throttling"): each group is one client; 4 failures lock it.
        for spellings, canonical in ((["10.7.7.7", "::ffff:10.7.7.7", "::FFFF:10.7.7.7", "0:0:0:0:0:ffff:a07:707"],
                                      "10.7.7.7"),
                                     (["fe80::7%eth0", "FE80::7", "fe80:0:0:0:0:0:0:7%25lo", "fe80::0:7"],
                                      "fe80::7")):
            with self.subTest(canonical=canonical):
                users = [self.env.add_user() for _ in range(4)]
                ok_u, ok_p = self.env.add_user()
                align_to_second_start()
                for (u, _), ip in zip(users, spellings):
                    self.fail_login(u, headers={"X-Forwarded-For": ip})
                for ip in spellings:
                    self.assertThrottled(self.req("POST", "/login", json_body={"username": ok_u, "password": ok_p},
                                                  headers={"X-Forwarded-For": ip}))

    def test_session_records_the_normalised_ip(self):
        u, p = self.env.add_user()
        s = self.login(u, p, headers={"X-Forwarded-For": "::ffff:192.0.2.33"})
        s2 = self.login(u, p, headers={"X-Forwarded-For": "2001:0DB8:0000::0001%eth0"})
        ips = sorted(x["ip"] for x in self.assertJSON(self.req("GET", "/sessions", cookie=s.cookie), 200)["sessions"])
        self.assertEqual(ips, ["192.0.2.33", "2001:db8::1"])
        self.assertAlive(s2)

    def test_public_origin(self):
        s = self.new_login(headers={"Origin": "https://auth.example.com"})
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf, headers={"Origin": self.srv.origin})
        self.assertError(r, 403, "csrf_failed")
        r = self.req("POST", "/login", json_body={"username": s.user, "password": s.password},
                     headers={"Origin": self.srv.origin})
        self.assertError(r, 403, "csrf_failed")
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf, headers={"Origin": "https://auth.example.com"})
        self.assertEqual(r.status, 204, r)
