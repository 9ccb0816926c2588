# Device cookies (docs/server.md "Login throttling"): a stranger's failures lock an account only
# for clients without a valid device cookie of that user; the victim's browser, which logged in
# before, still gets in; a device's own failures lock only that device; a forged cookie is a
# stranger's. Clients are told apart with X-Forwarded-For (--trust-proxy). Locks are escalated
# until Retry-After promises at least 3 s, so every check after that runs inside the lock.
import itertools
import time

from harness import DEVICE_COOKIE_NAME, remember_secret
from test_throttle import ThrottleCase

WRONG = "wrong-password-000"


class DeviceCookie(ThrottleCase):
    server_args = ("--trust-proxy", "--login-account-free-failures", "2", "--login-ip-free-failures", "100")
    user_pool = 6

    _ips = itertools.count(1)

    def stranger(self):
        """Headers of a new client: a fresh address, no device cookie."""
        n = next(self._ips)
        return {"X-Forwarded-For": f"198.51.{100 + n // 250}.{n % 250 + 1}"}

    @staticmethod
    def with_device(cookie, ip="203.0.113.50"):
        return {"X-Forwarded-For": ip, "Cookie": f"{DEVICE_COOKIE_NAME}={cookie}"}

    def attempt(self, user, password, headers):
        return self.req("POST", "/login", json_body={"username": user, "password": password}, headers=headers)

    def device_login(self, user, password, headers=None):
        """Logs in (200) and returns the device cookie value it was given."""
        r = self.attempt(user, password, headers or {"X-Forwarded-For": "203.0.113.50"})
        self.assertJSON(r, 200)
        c = r.device_cookie()
        self.assertIsNotNone(c, r)
        remember_secret(c["value"])
        return c["value"]

    def lock_out(self, user, headers_fn):
        """Wrong passwords for user (headers from headers_fn() each time) until the key they count
        against is locked with Retry-After >= 3: backoff 1 s, 2 s, 4 s, waiting out the short
        locks. Returns the Retry-After."""
        for _ in range(12):
            r = self.attempt(user, WRONG, headers_fn())
            if r.status == 401:
                self.assertError(r, 401, "invalid_credentials")
                continue
            ra = self.assertThrottled(r)
            if ra >= 3:
                return ra
            time.sleep(ra + 0.1)
        self.fail(f"{user} was never locked for 3 s")

    def test_cookie_attributes(self):
        u, p = self.env.add_user()
        r = self.attempt(u, p, self.stranger())
        self.assertJSON(r, 200)
        names = sorted(c["name"] for c in r.set_cookies())
        self.assertEqual(names, sorted(["__Host-tessera", DEVICE_COOKIE_NAME]))
        c = r.device_cookie()
        remember_secret(c["value"])
        self.assertRegex(c["value"], r"^v1\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$")
        self.assertNotIn(u, c["value"])
        a = c["attrs"]
        self.assertEqual(a.get("max-age"), "31536000")
        self.assertEqual(a.get("path"), "/")
        self.assertIs(a.get("secure"), True)
        self.assertIs(a.get("httponly"), True)
        self.assertEqual(a.get("samesite"), "Strict")
        self.assertNotIn("domain", a)
        # A failed login sets no cookie at all.
        r = self.attempt(u, WRONG, self.stranger())
        self.assertError(r, 401, "invalid_credentials")
        self.assertEqual(r.set_cookies(), [])

    def test_strangers_cannot_lock_out_the_victims_device(self):
        u, p = self.env.add_user()
        device = self.device_login(u, p)
        # Strangers, each from its own address, lock the account.
        self.lock_out(u, self.stranger)
        # The victim without the cookie (a new browser) is a stranger too: 429.
        self.assertThrottled(self.attempt(u, p, {"X-Forwarded-For": "203.0.113.50"}))
        # With the cookie from the earlier login: 200, a live session and a device cookie again.
        r = self.attempt(u, p, self.with_device(device))
        self.assertJSON(r, 200)
        self.assertIsNotNone(r.device_cookie(), r)
        s = r.session_cookie()
        remember_secret(s["value"])
        self.assertEqual(self.assertJSON(self.req("GET", "/session", cookie=s["value"]), 200)["user"], u)
        # The victim's success did not unlock the account for strangers.
        self.assertThrottled(self.attempt(u, p, self.stranger()))

    def test_a_device_that_fails_locks_only_itself(self):
        u, p = self.env.add_user()
        device = self.device_login(u, p)
        other = self.device_login(u, p, {"X-Forwarded-For": "203.0.113.51"})
        self.lock_out(u, lambda: self.with_device(device))
        self.assertThrottled(self.attempt(u, p, self.with_device(device)))
        # Another device of the user, and a client without a cookie, are not locked.
        self.assertJSON(self.attempt(u, p, self.with_device(other, "203.0.113.51")), 200)
        self.assertJSON(self.attempt(u, p, self.stranger()), 200)

    def test_forged_or_foreign_cookies_count_as_strangers(self):
        u, p = self.env.add_user()
        v, vp = self.env.add_user()
        device = self.device_login(u, p)
        foreign = self.device_login(v, vp)  # another user's genuine cookie
        i = 50  # inside the tag
        forged = device[:i] + ("A" if device[i] != "A" else "B") + device[i + 1:]
        cookies = itertools.cycle([forged, foreign, "v1.garbage", device[:-1]])
        self.lock_out(u, lambda: {**self.stranger(), "Cookie": f"{DEVICE_COOKIE_NAME}={next(cookies)}"})
        for c in (forged, foreign, device[:-1]):
            self.assertThrottled(self.attempt(u, p, {**self.stranger(), "Cookie": f"{DEVICE_COOKIE_NAME}={c}"}))
        # A Cookie header that does not parse counts as none: a stranger, not an error.
        self.assertThrottled(self.attempt(u, p, {**self.stranger(), "Cookie": "no-equals-sign"}))
        # The genuine device still gets in.
        self.assertJSON(self.attempt(u, p, self.with_device(device)), 200)
