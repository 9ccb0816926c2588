# OAuth after a store lost its data (docs/oauth.md, docs/server.md "Store epoch"): once an operator
# confirms the empty store, the new epoch's created_at is the not-before of every stateless token.
import json
import subprocess
import time
import unittest

import harness
from harness import E2ETest, remember_secret
from test_oauth import basic


class OAuthAfterDataLoss(E2ETest):
    """A Redis that comes back empty must not revive a token: once an operator confirms the
    empty store (tessera store confirm-reset), every stateless token issued before the new
    epoch's created_at is inactive (DESIGN.md invariant 11), even when the operator puts the
    client registrations back (here: their records, copied out before the loss)."""

    @classmethod
    def setUpClass(cls):
        if harness.STORE != "redis":
            raise unittest.SkipTest("restarts one redis-server: runs with --store redis")
        super().setUpClass()

    def redis_cli(self, *args):
        p = subprocess.run(["redis-cli", "-p", str(self.env.redis.port), "--raw"] + list(args),
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 0, p)
        return p.stdout

    def client_record(self, client_id):
        lines = self.redis_cli("HGETALL", f"tessera:oauth:client:{{{client_id}}}").rstrip("\n").split("\n")
        self.assertEqual(len(lines) % 2, 0, lines)
        self.assertIn("secret_hash", lines[0::2])
        return lines

    def token(self, svc):
        r = self.srv.request("POST", "/oauth2/token", form={"grant_type": "client_credentials"},
                             headers=basic(svc["client_id"], svc["client_secret"]))
        body = self.assertJSON(r, 200)
        remember_secret(body["access_token"])
        return body["access_token"]

    def active(self, token, api):
        r = self.srv.request("POST", "/oauth2/introspect", form={"token": token},
                             headers=basic(api["client_id"], api["client_secret"]))
        return self.assertJSON(r, 200)["active"]

    def test_tokens_from_before_a_confirmed_reset_stay_inactive(self):
        clients = []
        for name, args in (("batch", ("--grant", "client_credentials", "--scope", "reports", "--audience",
                                      "https://api.example")),
                           ("api", ("--grant", "client_credentials", "--resource", "https://api.example"))):
            c = json.loads(self.env.cli("clients", "add", name, *args, "--json").stdout)
            remember_secret(c["client_secret"])
            clients.append(c)
        svc, api = clients
        records = {c["client_id"]: self.client_record(c["client_id"]) for c in clients}
        before = self.token(svc)
        self.assertIs(self.active(before, api), True)
        time.sleep(1.1)  # the reset happens in a later second than the token's iat

        self.env.redis.kill()
        self.env.redis.start()
        self.assertEqual(self.srv.request("GET", "/readyz").status, 503)
        p = subprocess.run([harness.TESSERA, "store", "confirm-reset", "--data", self.env.data, "--store",
                            self.env.store_arg()], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p)
        deadline = time.time() + 10
        while self.srv.request("GET", "/readyz").status != 200:  # each probe re-checks the epoch
            self.assertLess(time.time(), deadline, "the server did not adopt the confirmed epoch")
            time.sleep(0.1)

        # The operator puts the client registrations back as they were.
        for client_id, fields in records.items():
            self.redis_cli("HSET", f"tessera:oauth:client:{{{client_id}}}", *fields)
            self.redis_cli("SADD", "tessera:oauth:clients", client_id)
        # Same clients, same keys, same secrets: only the epoch's not-before refuses the old token.
        self.assertIs(self.active(before, api), False)
        self.assertIs(self.active(self.token(svc), api), True)
