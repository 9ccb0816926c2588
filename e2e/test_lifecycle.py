# Process lifecycle: first start (modes, keys), restart persistence, SIGTERM/SIGINT exit 0,
# SIGKILL during a burst of logins (every acknowledged login survives), SIGTERM during a burst.
import http.client
import os
import signal
import stat
import threading
import time

from harness import E2ETest, Session, remember_secret

BURST_ARGS = ("--max-sessions-per-user", "1000", "--login-account-free-failures", "1000",
              "--login-ip-free-failures", "1000")


def burst(srv, users, per_thread, stop_after, on_threshold, results):
    """len(users) threads log in per_thread times each (thread i as users[i]); once stop_after
    logins have succeeded, on_threshold() is called once (from a worker thread). Every 200 and
    its cookie go into results; threads stop at the first connection error."""
    lock = threading.Lock()
    fired = threading.Event()

    def worker(u, p):
        for _ in range(per_thread):
            try:
                r = srv.request("POST", "/login", json_body={"username": u, "password": p}, timeout=10)
            except (OSError, http.client.HTTPException):
                return
            if r.status != 200:
                continue
            c = r.session_cookie()
            with lock:
                results.append(Session(u, p, c["value"], r.json()["csrf_token"]))
                n = len(results)
            if n >= stop_after and not fired.is_set():
                fired.set()
                on_threshold()

    threads = [threading.Thread(target=worker, args=up) for up in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


class Lifecycle(E2ETest):
    start_server = False

    def test_first_start_and_restart_persistence(self):
        u, p = self.env.add_user()
        srv = self.env.server()
        st = os.stat(self.env.data)
        self.assertEqual(stat.S_IMODE(st.st_mode) & 0o077, 0, oct(st.st_mode))
        keydir = os.path.join(self.env.data, "keys")
        self.assertTrue(os.path.isdir(keydir))
        keyfiles = [f for f in os.listdir(keydir) if os.path.isfile(os.path.join(keydir, f))]
        self.assertGreaterEqual(len(keyfiles), 2, keyfiles)
        for f in keyfiles:
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(keydir, f)).st_mode), 0o600, f)
        jwks1 = self.req("GET", "/.well-known/jwks.json", srv=srv, jwks=True).json()
        s = self.login(u, p, srv=srv)
        sid = self.assertAlive(s, srv=srv)["session"]["id"]
        rc, took = srv.stop(signal.SIGTERM, timeout=10)
        self.assertEqual(rc, 0, "SIGTERM exit code")
        self.assertLess(took, 10)
        srv2 = self.env.server()
        got = self.assertAlive(s, srv=srv2)
        self.assertEqual(got["session"]["id"], sid)
        self.assertEqual(got["csrf_token"], s.csrf)
        jwks2 = self.req("GET", "/.well-known/jwks.json", srv=srv2, jwks=True).json()
        self.assertEqual(sorted(k["kid"] for k in jwks1["keys"]), sorted(k["kid"] for k in jwks2["keys"]))
        # Revocations persist too.
        self.assertEqual(self.req("POST", "/logout", srv=srv2, cookie=s.cookie, csrf=s.csrf).status, 204)
        rc, _ = srv2.stop(signal.SIGINT)
        self.assertEqual(rc, 0, "SIGINT exit code")
        srv3 = self.env.server()
        self.assertDead(s, srv=srv3)
        self.assertAlive(self.login(u, p, srv=srv3), srv=srv3)
        self.assertEqual(srv3.stop()[0], 0)

    def test_sigint_and_sigterm_exit_zero(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(sig=sig):
                srv = self.env.server()
                self.assertEqual(self.req("GET", "/healthz", srv=srv).status, 200)
                rc, took = srv.stop(sig, timeout=10)
                self.assertEqual(rc, 0)
                self.assertLess(took, 10)
                # The port is released.
                with self.assertRaises(OSError):
                    srv.request("GET", "/healthz", timeout=2)

    def test_sigterm_with_open_idle_connection(self):
        # An idle keep-alive connection must not hold shutdown for the idle timeout (60 s).
        srv = self.env.server()
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        try:
            self.assertEqual(srv.request("GET", "/healthz", conn=conn).status, 200)
            rc, took = srv.stop(signal.SIGTERM, timeout=12)
            self.assertEqual(rc, 0)
            self.assertLess(took, 10.5)
        finally:
            conn.close()

    def test_sigkill_during_login_burst(self):
        users = [self.env.add_user() for _ in range(4)]
        srv = self.env.server(*BURST_ARGS)
        results = []
        burst(srv, users, per_thread=25, stop_after=40, on_threshold=lambda: srv.proc.send_signal(signal.SIGKILL),
              results=results)
        srv.proc.wait(10)
        self.assertEqual(srv.proc.returncode, -signal.SIGKILL)
        self.assertGreaterEqual(len(results), 40)
        self.assertLess(len(results), 100, "the kill came after the burst ended")
        srv2 = self.env.server(*BURST_ARGS)
        lost = []
        for s in results:
            r = srv2.request("GET", "/session", cookie=s.cookie)
            if r.status != 200 or r.json().get("user") != s.user:
                lost.append((s.user, r.status, r.body[:100]))
        self.assertEqual(lost, [], f"{len(lost)} of {len(results)} acknowledged logins lost after kill -9")
        self.assertEqual(srv2.stop()[0], 0)

    def test_sigkill_after_cli_while_serving(self):
        # A `tessera users` run while the server runs must not cost the server its durability.
        u, p = self.env.add_user()
        srv = self.env.server()
        s1 = self.login(u, p, srv=srv)
        v, vp = self.env.add_user()
        s2 = self.login(u, p, srv=srv)
        s3 = self.login(v, vp, srv=srv)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(10)
        srv._join()
        srv2 = self.env.server()
        for s in (s1, s2, s3):
            with self.subTest(user=s.user):
                self.assertAlive(s, srv=srv2)
        self.assertEqual(srv2.stop()[0], 0)

    def test_sigterm_during_login_burst(self):
        users = [self.env.add_user() for _ in range(2)]
        srv = self.env.server(*BURST_ARGS)
        results = []
        rc_box = []

        def term():
            srv.proc.send_signal(signal.SIGTERM)

        burst(srv, users, per_thread=30, stop_after=15, on_threshold=term, results=results)
        try:
            rc = srv.proc.wait(10)
        except Exception:
            rc = None
        srv._join()
        self.assertEqual(rc, 0, "exit code after SIGTERM under load")
        srv2 = self.env.server(*BURST_ARGS)
        for s in results:
            self.assertAlive(s, srv=srv2)
        srv2.stop()
