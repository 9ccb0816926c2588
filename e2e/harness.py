# End-to-end harness for `tessera serve` (docs/server.md): starts the real binary (and
# redis-server, or a 3-master Redis Cluster, for Redis runs) on loopback, drives it over HTTP, and checks its logs.
# Standard library only. Every process started here is killed at the latest at exit
# (atexit) and, through `setpriv --pdeathsig KILL`, when this Python process dies.
import atexit
import base64
import hashlib
import http.client
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

# Set by run.py.
TESSERA = None
STORE = "sqlite"  # or "redis" or "redis-cluster"
REDIS_STORES = ("redis", "redis-cluster")

ARGON2 = ["--argon2-ops", "1", "--argon2-mem-kib", "8192"]
COOKIE_NAME = "__Host-tessera"
DEVICE_COOKIE_NAME = "__Host-tessera-device"
CSP = "default-src 'none'; frame-ancestors 'none'"
# HTML pages (server/pages.hpp) load their stylesheet; only the login page may post a form.
PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
LOGIN_PAGE_CSP = PAGE_CSP + "; form-action 'self'"
STATIC_CACHE = "public, max-age=31536000, immutable"
DEAD_COOKIE_CODES = {"session_not_found", "session_idle_expired", "session_absolute_expired", "session_revoked"}

# Every password, cookie value and CSRF token used in the run: none may ever show up in a log.
SECRETS = set()
_SECRETS_LOCK = threading.Lock()


def remember_secret(s):
    if s and len(s) >= 8:
        with _SECRETS_LOCK:
            SECRETS.add(s)


_PROCS = []
_PROCS_LOCK = threading.Lock()
_SETPRIV = shutil.which("setpriv")


def _spawn(argv, **kw):
    if _SETPRIV:
        argv = [_SETPRIV, "--pdeathsig", "KILL", "--"] + list(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    p = subprocess.Popen(argv, env=env, **kw)
    with _PROCS_LOCK:
        _PROCS.append(p)
    return p


@atexit.register
def _kill_all():
    with _PROCS_LOCK:
        procs = list(_PROCS)
    for p in procs:
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGCONT)
                p.kill()
                p.wait(5)
            except Exception:
                pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_installed():
    return shutil.which("redis-server") is not None


def b64url_nopad(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def align_to_second_start(max_frac=0.15):
    """Sleeps until the wall clock is early in a second, so that a short sequence of requests
    does not straddle a Unix-second boundary (the throttle counters use whole seconds)."""
    frac = time.time() % 1.0
    if frac > max_frac:
        time.sleep(1.0 - frac + 0.02)


class Redis:
    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="tessera-e2e-redis-")
        self.proc = None

    @property
    def uri(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self.proc = _spawn(["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no",
                            "--bind", "127.0.0.1", "--dir", self.dir],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}")
            if self.ping():
                return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not answer PING")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(5)

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# HTTP


def _loopback_port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def cluster_port():
    """A port P with P and P + 10000 (the cluster bus) both free; P < 55536 so that the bus
    port exists. Kept below the kernel's ephemeral range so that the servers' own free_port()
    picks cannot take a bus port."""
    rng = secrets.SystemRandom()
    for _ in range(500):
        p = rng.randrange(11000, 22000)
        if _loopback_port_free(p) and _loopback_port_free(p + 10000):
            return p
    raise RuntimeError("no free port pair for a Redis Cluster node")


def redis_command(port, *args, timeout=2.0):
    """One command to 127.0.0.1:port; returns the raw reply bytes (enough for status replies)."""
    msg = f"*{len(args)}\r\n".encode() + b"".join(
        f"${len(a.encode())}\r\n".encode() + a.encode() + b"\r\n" for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(msg)
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        # A bulk reply ($N) may need more reads.
        if data.startswith(b"$") and not data.startswith(b"$-1"):
            n = int(data[1:data.index(b"\r\n")])
            want = data.index(b"\r\n") + 2 + n + 2
            while len(data) < want:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data


class RedisCluster:
    """Three cluster-enabled redis-server masters on loopback, no replicas, slots spread by
    `redis-cli --cluster create`. One cluster serves a whole run (starting one takes ~2 s):
    Env.create empties it (FLUSHALL on every master), so each Env still starts from an empty
    store; it is stopped at exit."""

    NODES = 3
    _shared = None

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tessera-e2e-cluster-")
        self.ports = []
        self.procs = []

    @classmethod
    def shared(cls):
        if cls._shared is None:
            c = cls()
            try:
                c.start()
            except Exception:
                c.close()
                raise
            cls._shared = c
            atexit.register(c.close)
        return cls._shared

    @property
    def uri(self):
        return "redis-cluster://" + ",".join(f"127.0.0.1:{p}" for p in self.ports)

    @property
    def port(self):  # a seed node, for `redis-cli -c -p PORT`
        return self.ports[0]

    def _start_node(self):
        for _ in range(5):
            port = cluster_port()
            proc = _spawn(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                           "--bind", "127.0.0.1", "--dir", self.dir, "--cluster-enabled", "yes",
                           "--cluster-config-file", f"nodes-{port}.conf", "--cluster-node-timeout", "5000"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir)
            deadline = time.time() + 10
            while time.time() < deadline and proc.poll() is None:
                try:
                    if redis_command(port, "PING", timeout=0.5).startswith(b"+PONG"):
                        self.ports.append(port)
                        self.procs.append(proc)
                        return
                except OSError:
                    pass
                time.sleep(0.02)
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
        raise RuntimeError("could not start a Redis Cluster node")

    def start(self):
        for _ in range(self.NODES):
            self._start_node()
        create = subprocess.run(["redis-cli", "--cluster", "create"] + [f"127.0.0.1:{p}" for p in self.ports] +
                                ["--cluster-replicas", "0", "--cluster-yes"],
                                capture_output=True, text=True, timeout=60)
        if create.returncode != 0:
            raise RuntimeError(f"redis-cli --cluster create failed: {create.stdout}{create.stderr}")
        deadline = time.time() + 20
        while time.time() < deadline:
            if all(self._node_ok(p) for p in self.ports):
                return
            time.sleep(0.05)
        raise RuntimeError("the Redis Cluster did not reach cluster_state:ok")

    def _node_ok(self, port):
        try:
            info = redis_command(port, "CLUSTER", "INFO").decode(errors="replace")
        except OSError:
            return False
        return ("cluster_state:ok" in info and "cluster_slots_assigned:16384" in info
                and f"cluster_known_nodes:{self.NODES}" in info)

    def flush(self):
        for p in self.ports:
            r = redis_command(p, "FLUSHALL")
            if not r.startswith(b"+OK"):
                raise RuntimeError(f"FLUSHALL on cluster node {p}: {r!r}")

    def close(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
                proc.wait(5)
        self.procs = []
        shutil.rmtree(self.dir, ignore_errors=True)


class Response:
    def __init__(self, status, reason, headers, body, elapsed):
        self.status = status
        self.reason = reason
        self.headers = headers  # http.client.HTTPMessage
        self.body = body
        self.elapsed = elapsed
        self._json = None

    def header(self, name):
        return self.headers.get(name)

    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8"))
        return self._json

    def set_cookies(self):
        return [parse_set_cookie(v) for v in (self.headers.get_all("Set-Cookie") or [])]

    def session_cookie(self):
        """The parsed __Host-tessera Set-Cookie (dict) or None."""
        for c in self.set_cookies():
            if c["name"] == COOKIE_NAME:
                return c
        return None

    def device_cookie(self):
        """The parsed __Host-tessera-device Set-Cookie (dict) or None."""
        for c in self.set_cookies():
            if c["name"] == DEVICE_COOKIE_NAME:
                return c
        return None

    def __repr__(self):
        return f"<{self.status} {self.reason} {dict(self.headers.items())!r} {self.body[:300]!r}>"


def parse_set_cookie(value):
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return {"name": name.strip(), "value": val.strip(), "attrs": attrs, "raw": value}


class Session:
    """A logged-in browser: cookie value and CSRF token (plus who it is)."""

    def __init__(self, user, password, cookie, csrf, login_body=None):
        self.user = user
        self.password = password
        self.cookie = cookie
        self.csrf = csrf
        self.login_body = login_body
        remember_secret(cookie)
        remember_secret(csrf)


def check_security_headers(tc, resp, jwks=False):
    h = resp.headers
    where = f"{resp.status} response {resp!r}"
    tc.assertEqual(h.get("X-Content-Type-Options"), "nosniff", where)
    tc.assertEqual(h.get("Referrer-Policy"), "no-referrer", where)
    content_type = h.get("Content-Type") or ""
    if content_type.startswith("text/html"):
        tc.assertIn(h.get("Content-Security-Policy"), (PAGE_CSP, LOGIN_PAGE_CSP), where)
    else:
        tc.assertEqual(h.get("Content-Security-Policy"), CSP, where)
    tc.assertEqual(h.get("X-Frame-Options"), "DENY", where)
    if jwks:
        tc.assertEqual(h.get("Cache-Control"), "public, max-age=300", where)
    elif content_type.startswith("text/css"):
        tc.assertEqual(h.get("Cache-Control"), STATIC_CACHE, where)
    else:
        tc.assertEqual(h.get("Cache-Control"), "no-store", where)
    tc.assertIsNone(h.get("Strict-Transport-Security"), "HSTS over plain HTTP: " + where)


class Server:
    """One `tessera serve` process on 127.0.0.1:0, with its metrics listener on another
    127.0.0.1:0 (unless extra_args set --metrics-listen)."""

    LISTEN_RE = re.compile(r"tessera: listening on http://127\.0\.0\.1:(\d+)")
    METRICS_RE = re.compile(r"tessera: metrics on http://127\.0\.0\.1:(\d+)/metrics")

    def __init__(self, env, extra_args=(), preexec_fn=None):
        self.env = env
        self.extra_args = list(extra_args)
        self.preexec_fn = preexec_fn  # runs in the child before exec (e.g. resource limits)
        self.proc = None
        self.port = None
        self.metrics_port = None
        self.stdout_lines = []
        self.stderr_lines = []
        self._threads = []

    def argv(self):
        a = [TESSERA, "serve", "--listen", "127.0.0.1:0", "--data", self.env.data] + ARGON2
        a += ["--store", self.env.store_arg()]
        if "--metrics-listen" not in self.extra_args:
            a += ["--metrics-listen", "127.0.0.1:0"]
        return a + self.extra_args

    def start(self, timeout=20):
        self.stdout_lines = []
        self.stderr_lines = []
        self.metrics_port = None
        self.proc = _spawn(self.argv(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           preexec_fn=self.preexec_fn)
        q = queue.Queue()

        def drain(stream, sink, notify):
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                sink.append(line)
                if notify:
                    q.put(line)
            if notify:
                q.put(None)

        t1 = threading.Thread(target=drain, args=(self.proc.stderr, self.stderr_lines, True), daemon=True)
        t2 = threading.Thread(target=drain, args=(self.proc.stdout, self.stdout_lines, False), daemon=True)
        t1.start()
        t2.start()
        self._threads = [t1, t2]
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                self.kill()
                raise RuntimeError("tessera serve did not print its listening line:\n" + "\n".join(self.stderr_lines))
            try:
                line = q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait(5)
                raise RuntimeError(f"tessera serve exited with {self.proc.returncode} before listening:\n"
                                   + "\n".join(self.stderr_lines) + "\n" + "\n".join(self.stdout_lines))
            m = self.METRICS_RE.search(line)
            if m:
                self.metrics_port = int(m.group(1))  # printed before the listening line
                continue
            m = self.LISTEN_RE.search(line)
            if m:
                self.port = int(m.group(1))
                return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends sig and waits; returns (exit code, seconds). Kills it if it does not exit."""
        if not self.alive():
            return self.proc.returncode, 0.0
        t0 = time.time()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = None
        self._join()
        return rc, time.time() - t0

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._join()

    def _join(self):
        for t in self._threads:
            t.join(2)

    def wait_log(self, pred, timeout=3.0):
        """The first stdout log line (parsed) for which pred is true, waiting for it a little."""
        deadline = time.time() + timeout
        while True:
            for line in list(self.stdout_lines):
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict) and pred(obj):
                    return obj
            if time.time() > deadline:
                return None
            time.sleep(0.05)

    # -- HTTP --------------------------------------------------------------------------------

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def connect(self, timeout=15):
        """A new connection to this server (TlsServer overrides it)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def metrics_connect(self, timeout=15):
        """A new connection to the metrics listener (plain HTTP, also for a TLS server)."""
        if self.metrics_port is None:
            raise AssertionError("this server has no metrics listener")
        return http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=timeout)

    def scrape(self):
        """GET /metrics on the metrics listener, parsed (see parse_metrics)."""
        r = self.request("GET", "/metrics", metrics=True)
        if r.status != 200:
            raise AssertionError(f"GET /metrics: {r!r}")
        return parse_metrics(r.body.decode())

    def request(self, method, path, body=None, headers=None, cookie=None, csrf=None, json_body=None, form=None,
                content_type=None, timeout=15, conn=None, metrics=False):
        hdrs = {"User-Agent": "tessera-e2e/1"}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            content_type = content_type or "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            content_type = content_type or "application/x-www-form-urlencoded"
        if isinstance(body, str):
            body = body.encode()
        if content_type:
            hdrs["Content-Type"] = content_type
        if cookie is not None:
            hdrs["Cookie"] = f"{COOKIE_NAME}={cookie}"
        if csrf is not None:
            hdrs["X-CSRF-Token"] = csrf
        if headers:
            hdrs.update(headers)
        own = conn is None
        if own:
            conn = self.metrics_connect(timeout) if metrics else self.connect(timeout)
        t0 = time.time()
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            resp = Response(r.status, r.reason, r.msg, data, time.time() - t0)
            for c in resp.set_cookies():  # every cookie value the server hands out stays out of logs
                remember_secret(c["value"])
            return resp
        finally:
            if own:
                conn.close()

    def login(self, user, password, headers=None, cookie=None):
        r = self.request("POST", "/login", json_body={"username": user, "password": password}, headers=headers,
                         cookie=cookie)
        if r.status != 200:
            raise AssertionError(f"login {user} failed: {r!r}")
        c = r.session_cookie()
        return Session(user, password, c["value"], r.json()["csrf_token"], r.json())


class Env:
    """A data directory plus (for Redis runs) a private redis-server or the emptied shared Redis
    Cluster; servers and users on it."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="tessera-e2e-")
        self.data = os.path.join(self.tmp, "data")
        self.redis = None  # a private redis-server (--store redis)
        self.cluster = None  # the run's shared Redis Cluster (--store redis-cluster)
        self.servers = []
        self._n = 0
        self.pool = []  # users created before the server started (see E2ETest.user_pool)

    @classmethod
    def create(cls):
        e = cls()
        if STORE in REDIS_STORES:
            if not redis_installed():
                e.close()
                raise unittest.SkipTest("redis-server is not installed")
            try:
                if STORE == "redis":
                    e.redis = Redis()
                    e.redis.start()
                else:
                    e.cluster = RedisCluster.shared()
                    e.cluster.flush()  # an empty store for every Env, as a fresh redis-server is
            except Exception:
                e.close()
                raise
        return e

    def store_arg(self):
        if self.cluster:
            return self.cluster.uri
        return self.redis.uri if self.redis else "sqlite"

    def server(self, *extra_args):
        s = Server(self, extra_args)
        self.servers.append(s)
        return s.start()

    def cli(self, *args, stdin=None, check=True):
        argv = [TESSERA] + list(args) + ["--data", self.data, "--store", self.store_arg()]
        p = subprocess.run(argv, input=stdin.encode() if stdin is not None else None, capture_output=True,
                           timeout=60, env={k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")})
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} -> {p.returncode}\nstdout: {p.stdout!r}\nstderr: {p.stderr!r}")
        return p

    def fill_pool(self, n, passwords=()):
        made = [self._create(None, pw) for pw in passwords] + [self._create(None, None) for _ in range(n)]
        self.pool.extend(made)

    def add_user(self, name=None, password=None):
        """Creates a user with `tessera users add` (or hands out one created before the server
        started, when the pool has any left and no name/password is asked for)."""
        if name is None:
            for i, (_, pw) in enumerate(self.pool):
                if (password is None and pw.startswith("pw-")) or password == pw:
                    return self.pool.pop(i)
        return self._create(name, password)

    def _create(self, name, password):
        self._n += 1
        name = name or f"u{self._n}-{secrets.token_hex(3)}"
        password = password or "pw-" + secrets.token_urlsafe(12)
        remember_secret(password)
        self.cli("users", "add", name, "--password-stdin", *ARGON2, stdin=password + "\n")
        return name, password

    def close(self):
        for s in self.servers:
            s.kill()
        if self.redis:
            self.redis.close()
        # The shared cluster is emptied by the next Env.create and stopped at exit.
        shutil.rmtree(self.tmp, ignore_errors=True)


def check_logs(tc, server):
    """Every stdout line is a JSON object; request lines carry method/route/status/latency_us; no
    line (stdout or stderr) contains a password, cookie value or CSRF token of the run."""
    with _SECRETS_LOCK:
        secrets_now = list(SECRETS)
    for line in server.stdout_lines:
        try:
            obj = json.loads(line)
        except ValueError:
            tc.fail(f"stdout log line is not JSON: {line!r}")
        tc.assertIsInstance(obj, dict, line)
        if obj.get("msg") == "request":
            for k in ("ts", "level", "method", "route", "status", "latency_us"):
                tc.assertIn(k, obj, line)
            tc.assertIsInstance(obj["status"], int, line)
            tc.assertIsInstance(obj["latency_us"], int, line)
    for line in server.stdout_lines + server.stderr_lines:
        for s in secrets_now:
            if s in line:
                tc.fail(f"a secret ({s[:4]}...) appears in the log line {line!r}")


# ---------------------------------------------------------------------------------------------
# Raw sockets (limit tests)


def raw_connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_until_close(sock, timeout=5):
    """Reads until EOF/reset or timeout; returns (bytes, closed, reset)."""
    sock.settimeout(0.2)
    data = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return data, True, True
        if not chunk:
            return data, True, False
        data += chunk
    return data, False, False


def parse_responses(data):
    """Splits a byte stream into HTTP responses: list of (status, headers dict lower-cased, body)."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length", "0"))
        out.append((status, hdrs, rest[:n]))
        data = rest[n:]
    return out


def read_responses(sock, count, timeout=5):
    sock.settimeout(0.2)
    data = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        rs = parse_responses(data)
        if len(rs) >= count and all(len(b) == int(h.get("content-length", "0")) for _, h, b in rs):
            return rs
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        data += chunk
    return parse_responses(data)


# ---------------------------------------------------------------------------------------------
# Prometheus text


_METRIC_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$")
_LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = _METRIC_RE.match(line)
        if not m:
            raise AssertionError(f"bad metrics line {line!r}")
        out.append((m.group(1), dict(_LABEL_RE.findall(m.group(2) or "")), float(m.group(3))))
    return out


def metric(samples, name, **labels):
    """Sum of the samples named name whose labels include labels (None when there is none)."""
    vals = [v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in labels.items())]
    return sum(vals) if vals else None


class E2ETest(unittest.TestCase):
    """Base: one Env (and usually one server) per class; checks each response's headers."""

    maxDiff = 4000
    server_args = ()
    start_server = True
    # Users created with the CLI before the server starts. Tests that are about the CLI acting
    # on a running server create their own users while it runs; the others take users from this
    # pool, so that one CLI/server interaction bug does not fail every test.
    user_pool = 0
    pool_passwords = ()

    @classmethod
    def setUpClass(cls):
        cls.env = Env.create()
        try:
            cls.env.fill_pool(cls.user_pool, cls.pool_passwords)
            cls.srv = cls.env.server(*cls.server_args) if cls.start_server else None
        except Exception:
            cls.env.close()
            raise

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("E2E_POOL_DEBUG"):
            print(f"\n{cls.__name__}: pool left {len(cls.env.pool)} of {cls.user_pool}", file=sys.stderr)
        try:
            for s in cls.env.servers:
                if s.alive():
                    s.stop()
        finally:
            try:
                tc = unittest.TestCase()
                for s in cls.env.servers:
                    check_logs(tc, s)
            finally:
                cls.env.close()

    # -- helpers ---------------------------------------------------------------------------

    def req(self, method, path, srv=None, jwks=False, **kw):
        r = (srv or self.srv).request(method, path, **kw)
        check_security_headers(self, r, jwks=jwks)
        return r

    def assertJSON(self, r, status):
        self.assertEqual(r.status, status, r)
        ct = r.header("Content-Type") or ""
        self.assertTrue(ct.startswith("application/json"), f"Content-Type {ct!r}: {r!r}")
        return r.json()

    def assertPage(self, r, status):
        """An HTML page (the login form's answers): the status, text/html; the body as text."""
        self.assertEqual(r.status, status, r)
        ct = r.header("Content-Type") or ""
        self.assertEqual(ct, "text/html; charset=utf-8", r)
        return r.body.decode("utf-8")

    def assertError(self, r, status, code):
        self.assertEqual(r.status, status, r)
        body = self.assertJSON(r, status)
        if isinstance(code, (set, frozenset, tuple, list)):
            self.assertIn(body.get("error"), code, r)
        else:
            self.assertEqual(body.get("error"), code, r)
        self.assertIsInstance(body.get("message"), str, r)
        return body

    def assertAlive(self, sess, srv=None):
        r = self.req("GET", "/session", srv=srv, cookie=sess.cookie)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"], sess.user)
        return r.json()

    def assertDead(self, sess_or_cookie, srv=None):
        cookie = sess_or_cookie.cookie if isinstance(sess_or_cookie, Session) else sess_or_cookie
        r = self.req("GET", "/session", srv=srv, cookie=cookie)
        self.assertError(r, 401, DEAD_COOKIE_CODES)

    def login(self, user, password, srv=None, **kw):
        srv = srv or self.srv
        r = self.req("POST", "/login", srv=srv, json_body={"username": user, "password": password}, **kw)
        self.assertJSON(r, 200)
        c = r.session_cookie()
        self.assertIsNotNone(c, r)
        return Session(user, password, c["value"], r.json()["csrf_token"], r.json())

    def new_login(self, srv=None, **kw):
        u, p = self.env.add_user()
        return self.login(u, p, srv=srv, **kw)
