# Process lifecycle: first start (modes, keys, the printed next steps run as printed), restart
# persistence, SIGTERM/SIGINT exit 0, SIGKILL during a burst of logins (every acknowledged login
# survives), SIGTERM during a burst.
import http.client
import json
import os
import signal
import stat
import subprocess
import threading
import time

import harness
from harness import E2ETest, Server, Session, remember_secret

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


class FirstStart(E2ETest):
    """The first start prints what to do next; each printed command works as printed, run from
    another directory than the server's (scripts/run.sh leaves no `tessera` on PATH)."""

    start_server = False

    def test_printed_commands_work_as_printed(self):
        # Started from env.tmp with a relative --data, as scripts/run.sh does (./tessera-data).
        srv = Server(self.env, preexec_fn=lambda: os.chdir(self.env.tmp))
        base_argv = srv.argv
        srv.argv = lambda: [("data" if a == self.env.data else a) for a in base_argv()]
        self.env.servers.append(srv)
        srv.start()
        labels = ("add a user:", "log in:", "see the session:")
        deadline = time.time() + 5
        while time.time() < deadline and not any(labels[-1] in line for line in srv.stderr_lines):
            time.sleep(0.05)
        out = "\n".join(srv.stderr_lines)
        self.assertIn("tessera: first start: created data", out)
        cmds = {}
        for line in srv.stderr_lines:
            for label in labels:
                if line.strip().startswith(label):
                    cmds[label] = line.strip()[len(label):].strip()
        self.assertEqual(sorted(cmds), sorted(labels), out)
        # The binary as an absolute path (no `tessera` on PATH needed), the data dir absolute.
        add = cmds["add a user:"]
        self.assertIn(f"| {os.path.realpath(harness.TESSERA)} users add alice --password-stdin ", add)
        self.assertIn(f"--data {os.path.realpath(self.env.data)}", add)

        elsewhere = os.path.join(self.env.tmp, "elsewhere")
        os.mkdir(elsewhere)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
        env["PATH"] = "/usr/bin:/bin"  # whatever the caller's PATH holds, not a tessera

        def sh(cmd):
            p = subprocess.run(["/bin/sh", "-c", cmd], cwd=elsewhere, env=env, capture_output=True, timeout=60)
            self.assertEqual(p.returncode, 0, f"{cmd}\nstdout: {p.stdout!r}\nstderr: {p.stderr!r}")
            return p.stdout.decode()

        sh(add)
        self.assertIn("alice\tactive\t", self.env.cli("users", "list").stdout.decode())
        login = sh(cmds["log in:"])
        self.assertRegex(login, r"^HTTP/1\.1 200 ", login)
        got = json.loads(sh(cmds["see the session:"]))
        self.assertEqual(got["user"], "alice", got)
        self.assertEqual(srv.stop()[0], 0)
