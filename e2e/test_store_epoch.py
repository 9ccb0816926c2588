# The store epoch (docs/redis.md "Persistence", docs/server.md "Store epoch"): a fresh deployment
# becomes ready on its own; a store that loses its data while tessera runs (Redis restarted
# without persistence) or while it is stopped (SQLite file deleted) makes /readyz and every
# store route answer 503 store_epoch_mismatch, with one log line saying why, until an operator
# runs `tessera store confirm-reset`; one confirmation serves every instance. A Redis that is
# down at start leaves the epoch unknown (503 store_unavailable) until a request can check it.
import os
import re
import signal
import stat
import subprocess
import tempfile
import shutil
import unittest

import harness
from harness import E2ETest


def cli(data, store, *args):
    argv = [harness.TESSERA, "store"] + list(args) + ["--data", data, "--store", store]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    return subprocess.run(argv, capture_output=True, timeout=60, env=env, text=True)


class Instance:
    """Another tessera instance of the same deployment: its own data directory, the same store."""

    def __init__(self, env):
        self.env = env
        self.tmp = tempfile.mkdtemp(prefix="tessera-e2e-inst-")
        self.data = os.path.join(self.tmp, "data")

    def store_arg(self):
        return self.env.store_arg()

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class EpochTest(E2ETest):
    start_server = False

    def epoch_logs(self, srv):
        lines = []
        for line in srv.stdout_lines:
            if '"store epoch"' in line or '"store not ready"' in line:
                lines.append(harness.json.loads(line))
        return lines

    def local_epoch(self, data):
        with open(os.path.join(data, "store-epoch")) as f:
            return f.read().strip()


class RedisEpoch(EpochTest):
    @classmethod
    def setUpClass(cls):
        if harness.STORE not in harness.REDIS_STORES:
            raise unittest.SkipTest("Redis store only (--store redis or redis-cluster)")
        super().setUpClass()

    def redis_get(self, env, key):
        node = env.cluster or env.redis
        # -c follows MOVED to the node that holds the key's slot (cluster runs).
        out = subprocess.run(["redis-cli", "-c", "-p", str(node.port), "--raw", "GET", key],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip()

    def single_redis_only(self):
        if harness.STORE == "redis-cluster":
            self.skipTest("stops and restarts one redis-server: runs with --store redis, not on the run's "
                          "shared 3-node cluster")

    def test_fresh_deployment_is_ready_on_its_own(self):
        env = harness.Env.create()  # its own empty redis-server and data directory
        try:
            self.fresh_deployment(env)
        finally:
            env.close()

    def fresh_deployment(self, env):
        srv = env.server()
        self.assertEqual(self.assertJSON(self.req("GET", "/readyz", srv=srv), 200), {"status": "ok"})
        epoch = self.local_epoch(env.data)
        self.assertEqual(len(epoch), 22)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(env.data, "store-epoch")).st_mode), 0o600)
        # The marker's text form: the id, then " @" and when it was written (Unix seconds).
        self.assertRegex(self.redis_get(env, "tessera:epoch"), rf"^{re.escape(epoch)} @[1-9][0-9]*$")
        logs = self.epoch_logs(srv)
        self.assertEqual(len(logs), 1, logs)
        self.assertEqual((logs[0]["msg"], logs[0]["verdict"], logs[0]["state"]), ("store epoch", "create", "ready"))
        p = cli(env.data, env.store_arg(), "status")
        self.assertEqual(p.returncode, 0, p)
        self.assertIn("verdict:     ready", p.stdout)
        self.assertIn(f"store epoch: {epoch}", p.stdout)
        srv.stop()
        harness.check_logs(self, srv)

    def test_redis_down_at_start_then_up(self):
        self.single_redis_only()
        env = harness.Env.create()
        try:
            env.redis.kill()
            srv = env.server()  # starts anyway: the epoch is unknown until one check succeeds
            r = self.req("POST", "/login", srv=srv, json_body={"username": "nobody", "password": "pw-nobody-1"})
            self.assertError(r, 503, "store_unavailable")
            self.assertError(self.req("GET", "/readyz", srv=srv), 503, "store_unavailable")
            self.assertFalse(os.path.exists(os.path.join(env.data, "store-epoch")))
            env.redis.start()
            u, p = env.add_user()
            # The first store request checks the epoch itself (a new deployment: created).
            self.login(u, p, srv=srv)
            self.assertRegex(self.redis_get(env, "tessera:epoch"), rf"^{re.escape(self.local_epoch(env.data))} @[0-9]+$")
            self.assertEqual(self.req("GET", "/readyz", srv=srv).status, 200)
            srv.stop()
            harness.check_logs(self, srv)
        finally:
            env.close()

    def test_redis_restarted_empty_is_not_ready_until_confirmed(self):
        self.single_redis_only()
        a = self.env.server()
        other = Instance(self.env)
        try:
            b = harness.Server(other).start()
            self.env.servers.append(b)
            u, p = self.env.add_user()
            s = self.login(u, p, srv=a)
            for srv in (a, b):
                self.assertEqual(self.assertJSON(self.req("GET", "/readyz", srv=srv), 200), {"status": "ok"})
            old = self.local_epoch(self.env.data)
            self.assertEqual(self.local_epoch(other.data), old, "the second instance adopted the epoch")

            # Redis restarts without persistence: every account and session is gone.
            self.env.redis.kill()
            self.env.redis.start()
            for _ in range(3):
                self.assertError(self.req("GET", "/readyz", srv=a), 503, "store_epoch_mismatch")
            self.assertError(self.req("GET", "/readyz", srv=b), 503, "store_epoch_mismatch")
            # Logins and sessions are refused too (not "invalid credentials", not a dead cookie).
            r = self.req("POST", "/login", srv=a, json_body={"username": u, "password": p})
            self.assertError(r, 503, "store_epoch_mismatch")
            r = self.req("GET", "/session", srv=a, cookie=s.cookie)
            self.assertError(r, 503, "store_epoch_mismatch")
            self.assertIsNone(r.session_cookie(), "a store that is not ready must not clear the cookie")
            self.assertEqual(self.req("GET", "/healthz", srv=a).status, 200)
            self.assertEqual(self.req("GET", "/.well-known/jwks.json", srv=a, jwks=True).status, 200)
            # Nothing wrote a new marker by itself; the log says why, once.
            self.assertEqual(self.redis_get(self.env, "tessera:epoch"), "")
            lost = [l for l in self.epoch_logs(a) if l["msg"] == "store not ready"]
            self.assertEqual(len(lost), 1, lost)
            self.assertEqual((lost[0]["level"], lost[0]["verdict"], lost[0]["local_epoch"]), ("error", "store_lost", old))
            self.assertIn("lost its data", lost[0]["reason"])
            self.assertIn("tessera store confirm-reset", lost[0]["reason"])

            st = cli(self.env.data, self.env.store_arg(), "status")
            self.assertEqual(st.returncode, 1, st)
            self.assertIn("verdict:     store_lost", st.stdout)
            self.assertTrue(st.stderr.startswith("error: store_epoch_mismatch: "), st.stderr)

            # The operator accepts the empty store, from one instance's data directory.
            c = cli(self.env.data, self.env.store_arg(), "confirm-reset")
            self.assertEqual(c.returncode, 0, c)
            new = self.local_epoch(self.env.data)
            self.assertNotEqual(new, old)
            self.assertEqual(c.stdout.strip(), f"store epoch reset to {new}; supersedes {old}")
            self.assertRegex(self.redis_get(self.env, "tessera:epoch"), rf"^{re.escape(new)} {re.escape(old)} @[0-9]+$")
            for srv in (a, b):
                self.assertEqual(self.assertJSON(self.req("GET", "/readyz", srv=srv), 200), {"status": "ok"})
            self.assertEqual(self.local_epoch(other.data), new, "the other instance adopted the confirmed epoch")
            # Info lines reach standard output in batches (docs/server.md "Logs"): wait for it.
            b.wait_log(lambda o: o.get("msg") == "store epoch" and o.get("verdict") == "adopt")
            ready = [l for l in self.epoch_logs(b) if l["msg"] == "store epoch"]
            self.assertEqual(ready[-1]["verdict"], "adopt", ready)
            # The store is what it is: the old session is gone, a new account works.
            self.assertError(self.req("GET", "/session", srv=a, cookie=s.cookie), 401, "session_not_found")
            u2, p2 = self.env.add_user()
            self.assertAlive(self.login(u2, p2, srv=b), srv=a)
        finally:
            other.close()


class SqliteEpoch(EpochTest):
    @classmethod
    def setUpClass(cls):
        if harness.STORE != "sqlite":
            raise unittest.SkipTest("SQLite store only (--store sqlite)")
        super().setUpClass()

    def test_deleted_database_is_not_ready_until_confirmed(self):
        srv = self.env.server()
        self.assertEqual(self.req("GET", "/readyz", srv=srv).status, 200)
        u, p = self.env.add_user()
        old = self.local_epoch(self.env.data)
        srv.stop()
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(os.path.join(self.env.data, "tessera.db" + suffix))
            except FileNotFoundError:
                pass
        srv = self.env.server()
        self.assertError(self.req("GET", "/readyz", srv=srv), 503, "store_epoch_mismatch")
        self.assertError(self.req("POST", "/login", srv=srv, json_body={"username": u, "password": p}), 503,
                         "store_epoch_mismatch")
        lost = [l for l in self.epoch_logs(srv) if l["msg"] == "store not ready"]
        self.assertEqual(len(lost), 1, lost)
        self.assertEqual(lost[0]["verdict"], "store_lost")
        c = cli(self.env.data, "sqlite", "confirm-reset")
        self.assertEqual(c.returncode, 0, c)
        self.assertEqual(self.req("GET", "/readyz", srv=srv).status, 200)
        self.assertNotEqual(self.local_epoch(self.env.data), old)
        srv.stop()
