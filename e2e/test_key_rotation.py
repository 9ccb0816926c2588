"""Scheduled signing-key rotation (docs/keys.md) through the real binary: `tessera serve` with a
small schedule (JWKS max-age 1 s, publish_ahead 3 s, tokens of at most 5 s, leeway 1 s), then
`tessera keys rotate` from another process. The running server publishes the new key within
about a second (polled, bounded generously), serves Cache-Control max-age 1, signs with the new
key from its activates_at on (never before: the token's iat says when it was signed), and drops
the old key from the JWKS once retire_after (5 + 1 s) has passed since the switch. A second
instance on the same data directory publishes and switches the same way. The state
rules themselves are unit-tested (tests/key_ring_test.cpp, tests/oauth_key_ring_test.cpp)."""
import base64
import json
import time
import unittest

from harness import E2ETest, remember_secret

SCHEDULE = ("--jwks-max-age", "1", "--publish-ahead", "3", "--max-token-ttl", "5", "--key-retire-leeway", "1")
BOUND = 30  # seconds: a generous bound on each wait, never a timing assertion of its own


def b64json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class KeyRotation(E2ETest):
    start_server = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = json.loads(cls.env.cli("clients", "add", "svc", "--grant", "client_credentials", "--access-ttl", "5",
                                   "--json", *SCHEDULE).stdout)
        remember_secret(c.get("client_secret"))
        cls.client = (c["client_id"], c["client_secret"])
        cls.srv = cls.env.server(*SCHEDULE)
        # A second instance on the same data directory: it derives the same schedule from the files.
        cls.srv2 = cls.env.server(*SCHEDULE)

    def jwks(self, srv=None):
        r = (srv or self.srv).request("GET", "/.well-known/jwks.json")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Cache-Control"), "public, max-age=1")
        return {k["kid"] for k in r.json()["keys"]}

    def token(self, srv=None):
        basic = base64.b64encode(f"{self.client[0]}:{self.client[1]}".encode()).decode()
        r = (srv or self.srv).request("POST", "/oauth2/token", form={"grant_type": "client_credentials"},
                             headers={"Authorization": "Basic " + basic})
        body = self.assertJSON(r, 200)
        remember_secret(body["access_token"])
        header, claims, _ = body["access_token"].split(".")
        return b64json(header)["kid"], b64json(claims)["iat"]

    def keys(self):
        return json.loads(self.env.cli("keys", "list", "--json", *SCHEDULE).stdout)

    def wait_for(self, what, predicate):
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        self.fail(f"not within {BOUND} s: {what}")

    def test_a_rotated_key_is_published_then_signs_then_its_predecessor_leaves(self):
        old_kid, _ = self.token()
        self.assertIn(old_kid, self.jwks())
        rotated = json.loads(self.env.cli("keys", "rotate", "--alg", "ES256", "--json", *SCHEDULE).stdout)
        self.assertEqual(len(rotated), 1)
        self.assertTrue(rotated[0]["added"])
        new_kid = rotated[0]["kid"]
        # A second run while the key is next adds nothing.
        again = json.loads(self.env.cli("keys", "rotate", "--alg", "ES256", "--json", *SCHEDULE).stdout)
        self.assertEqual(again, [{"alg": "ES256", "kid": new_kid, "added": False}])
        entry = next(k for k in self.keys() if k["kid"] == new_kid)
        self.assertEqual(entry["activates_at"], entry["created_at"] + 3)

        # Published by the running server within about a second (kKeyNoticeDelay), beside the old one.
        self.wait_for("the new key in the JWKS", lambda: new_kid in self.jwks())
        self.wait_for("the new key in the second instance's JWKS", lambda: new_kid in self.jwks(self.srv2))
        self.assertIn(old_kid, self.jwks())
        self.assertEqual(self.jwks(), self.jwks(self.srv2))

        # Tokens switch to the new key, and none was signed with it before its activates_at.
        def signed_by_new():
            kid, iat = self.token()
            if kid == new_kid:
                return iat
            self.assertEqual(kid, old_kid)
            self.assertLess(iat, entry["activates_at"])
            return None
        first_iat = self.wait_for("a token signed with the new key", signed_by_new)
        self.assertGreaterEqual(first_iat, entry["activates_at"])
        kid2, iat2 = self.token(self.srv2)  # the other instance switched at the same instant
        self.assertEqual(kid2, new_kid)
        self.assertGreaterEqual(iat2, entry["activates_at"])

        # The old key stays published for retire_after (max_token_ttl 5 + leeway 1) after the switch.
        self.wait_for("the old key gone from the JWKS", lambda: old_kid not in self.jwks())
        self.assertGreaterEqual(int(time.time()), entry["activates_at"] + 6)
        self.assertIn(new_kid, self.jwks())
        self.wait_for("the old key gone from the second instance's JWKS", lambda: old_kid not in self.jwks(self.srv2))
        states = {k["kid"]: k["state"] for k in self.keys()}
        self.assertEqual(states[old_kid], "retired")
        self.assertEqual(states[new_kid], "primary")


if __name__ == "__main__":
    unittest.main()
