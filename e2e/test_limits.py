# Request limits and hostile connections over raw sockets: 431, 413, 408, garbage, pipelining,
# keep-alive, max connections. After each one the server must still answer.
import http.client
import json
import socket
import time

from harness import (CSP, E2ETest, parse_responses, raw_connect, read_responses, read_until_close)


class Limits(E2ETest):
    server_args = ("--max-header-bytes", "4096", "--max-body-bytes", "1024", "--request-timeout", "1",
                   "--login-account-free-failures", "1000", "--login-ip-free-failures", "1000")
    user_pool = 3

    def tearDown(self):
        # Whatever the test did, the server is alive and answers.
        self.assertTrue(self.srv.alive(), "server died")
        self.assertEqual(self.req("GET", "/healthz").status, 200)

    def host(self):
        return f"Host: 127.0.0.1:{self.srv.port}\r\n".encode()

    def assertRawError(self, data, status, code):
        rs = parse_responses(data)
        self.assertTrue(rs, f"no response, got {data[:200]!r}")
        st, hdrs, body = rs[0]
        self.assertEqual(st, status, data[:500])
        self.assertTrue(hdrs.get("content-type", "").startswith("application/json"), hdrs)
        self.assertEqual(json.loads(body)["error"], code)
        self.assertEqual(hdrs.get("x-content-type-options"), "nosniff", hdrs)
        self.assertEqual(hdrs.get("content-security-policy"), CSP, hdrs)
        self.assertEqual(hdrs.get("cache-control"), "no-store", hdrs)
        return hdrs

    def test_header_too_large(self):
        for name, extra in (("one big header", b"X-Big: " + b"a" * 5000 + b"\r\n"),
                            ("many headers", b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 90) for i in range(60))),
                            ("big cookie", b"Cookie: __Host-tessera=" + b"c" * 5000 + b"\r\n")):
            with self.subTest(name):
                s = raw_connect(self.srv.port)
                try:
                    s.sendall(b"GET /healthz HTTP/1.1\r\n" + self.host() + extra + b"\r\n")
                    data, closed, _ = read_until_close(s, timeout=3)
                finally:
                    s.close()
                self.assertRawError(data, 431, "headers_too_large")
                self.assertTrue(closed, "connection not closed after 431")

    def test_header_under_limit_ok(self):
        r = self.req("GET", "/healthz", headers={"X-Pad": "p" * 3000})
        self.assertEqual(r.status, 200, r)

    def test_body_too_large_declared(self):
        s = raw_connect(self.srv.port)
        try:
            s.sendall(b"POST /login HTTP/1.1\r\n" + self.host() +
                      b"Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n")
            data, closed, _ = read_until_close(s, timeout=3)
        finally:
            s.close()
        self.assertRawError(data, 413, "body_too_large")
        self.assertTrue(closed, "connection not closed after 413")

    def expect_413_and_close(self, rest):
        """POSTs a JSON /login whose headers end with `rest` (framing and body); the server must
        answer 413 body_too_large (unless it reset while we were still sending) and close."""
        s = raw_connect(self.srv.port)
        try:
            s.sendall(b"POST /login HTTP/1.1\r\n" + self.host() + b"Content-Type: application/json\r\n" + rest)
            data, closed, reset = read_until_close(s, timeout=3)
        finally:
            s.close()
        self.assertTrue(closed, "connection not closed after 413")
        if not reset or data:
            self.assertRawError(data, 413, "body_too_large")

    def test_body_too_large_sent(self):
        body = json.dumps({"username": "x", "password": "y" * 2000}).encode()
        self.expect_413_and_close(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def test_body_too_large_chunked(self):
        chunk = b"z" * 700
        self.expect_413_and_close(b"Transfer-Encoding: chunked\r\n\r\n" +
                                  (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 3 + b"0\r\n\r\n")

    def test_body_under_limit_ok(self):
        # 1000-byte body, under 1024: parsed normally.
        pw = "q" * (1000 - len(json.dumps({"username": "nobody-limits", "password": ""})))
        body = json.dumps({"username": "nobody-limits", "password": pw})
        self.assertEqual(len(body), 1000)
        r = self.req("POST", "/login", body=body, content_type="application/json")
        self.assertError(r, 401, "invalid_credentials")

    def test_slow_headers_timeout(self):
        s = raw_connect(self.srv.port)
        t0 = time.time()
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\n" + self.host() + b"X-Half: ")
            data, closed, _ = read_until_close(s, timeout=4)
        finally:
            s.close()
        elapsed = time.time() - t0
        self.assertTrue(closed, "connection still open 4 s after a stalled request (request_timeout 1)")
        self.assertLess(elapsed, 3.0)
        if data:
            self.assertRawError(data, 408, "request_timeout")

    def test_slow_body_timeout(self):
        s = raw_connect(self.srv.port)
        t0 = time.time()
        try:
            s.sendall(b"POST /login HTTP/1.1\r\n" + self.host() +
                      b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":")
            data, closed, _ = read_until_close(s, timeout=4)
        finally:
            s.close()
        self.assertTrue(closed, "connection still open 4 s after a stalled body (request_timeout 1)")
        self.assertLess(time.time() - t0, 3.0)
        if data:
            self.assertRawError(data, 408, "request_timeout")

    def test_trickle_does_not_extend_timeout(self):
        # One header byte every 0.3 s: the request timeout is for the whole request.
        s = raw_connect(self.srv.port)
        t0 = time.time()
        closed = False
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\n" + self.host())
            for _ in range(15):
                try:
                    s.sendall(b"X")
                except OSError:
                    closed = True
                    break
                time.sleep(0.3)
                s.settimeout(0.01)
                try:
                    if s.recv(65536) == b"":
                        closed = True
                        break
                except socket.timeout:
                    pass
                except OSError:
                    closed = True
                    break
        finally:
            s.close()
        self.assertTrue(closed, "trickling headers kept the connection open for 4.5 s")
        self.assertLess(time.time() - t0, 3.5)

    def test_garbage(self):
        for name, junk in (("binary", bytes(range(256))[56:256]), ("text", b"HELLO " * 33 + b"\r\n\r\n"),
                           ("bad request line", b"GET\r\n\r\n" + b"x" * 193),
                           ("tls hello", bytes.fromhex("160301") + b"\x00\xc5" + b"\x01" * 195)):
            with self.subTest(name):
                s = raw_connect(self.srv.port)
                try:
                    s.sendall(junk)
                    data, closed, _ = read_until_close(s, timeout=3)
                finally:
                    s.close()
                self.assertTrue(closed or data, "no answer to garbage")
                if data:
                    rs = parse_responses(data)
                    self.assertTrue(rs, data[:200])
                    self.assertEqual(rs[0][0], 400, data[:300])
                self.assertEqual(self.req("GET", "/healthz").status, 200)

    def test_bad_content_length(self):
        for cl in (b"abc", b"-1", b"99999999999999999999999"):
            with self.subTest(cl=cl):
                s = raw_connect(self.srv.port)
                try:
                    s.sendall(b"POST /login HTTP/1.1\r\n" + self.host() + b"Content-Type: application/json\r\n"
                              b"Content-Length: " + cl + b"\r\n\r\n{}")
                    data, closed, _ = read_until_close(s, timeout=3)
                finally:
                    s.close()
                self.assertTrue(closed or data)
                if data:
                    self.assertIn(parse_responses(data)[0][0], (400, 413), data[:300])

    def test_pipelining(self):
        u, p = self.env.add_user()
        body = json.dumps({"username": u, "password": p}).encode()
        s = raw_connect(self.srv.port)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\n" + self.host() + b"\r\n" +
                      b"POST /login HTTP/1.1\r\n" + self.host() + b"Content-Type: application/json\r\n" +
                      b"Content-Length: %d\r\n\r\n" % len(body) + body +
                      b"GET /nope HTTP/1.1\r\n" + self.host() + b"\r\n" +
                      b"GET /readyz HTTP/1.1\r\n" + self.host() + b"\r\n")
            rs = read_responses(s, 4, timeout=5)
        finally:
            s.close()
        self.assertEqual([r[0] for r in rs], [200, 200, 404, 200])
        self.assertEqual(json.loads(rs[1][2])["user"], u)
        self.assertEqual(json.loads(rs[2][2])["error"], "not_found")

    def test_keep_alive(self):
        s = self.new_login()
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        try:
            conn.connect()
            sock = conn.sock
            for path in ("/healthz", "/session", "/sessions", "/nope", "/session", "/readyz"):
                r = self.srv.request("GET", path, cookie=s.cookie, conn=conn)
                self.assertIn(r.status, (200, 404), r)
                self.assertIs(conn.sock, sock, f"connection was not kept alive after {path}")
            r = self.srv.request("POST", "/logout", cookie=s.cookie, csrf=s.csrf, conn=conn)
            self.assertEqual(r.status, 204)
            r = self.srv.request("GET", "/session", cookie=s.cookie, conn=conn)
            self.assertEqual(r.status, 401)
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_http10_and_connection_close(self):
        s = raw_connect(self.srv.port)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\n" + self.host() + b"Connection: close\r\n\r\n")
            data, closed, _ = read_until_close(s, timeout=3)
        finally:
            s.close()
        self.assertTrue(closed)
        self.assertEqual(parse_responses(data)[0][0], 200)
        s = raw_connect(self.srv.port)
        try:
            s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            data, closed, _ = read_until_close(s, timeout=3)
        finally:
            s.close()
        self.assertTrue(closed)
        self.assertEqual(parse_responses(data)[0][0], 200)


class MaxConnections(E2ETest):
    server_args = ("--max-connections", "4")

    def test_over_max_connections(self):
        held = [raw_connect(self.srv.port) for _ in range(4)]
        try:
            # Make sure the four are accepted and counted: each sends a complete request.
            for s in held:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(read_responses(s, 1, timeout=3)[0][0], 200)
            extra = raw_connect(self.srv.port)
            try:
                extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                data, closed, reset = read_until_close(extra, timeout=3)
            finally:
                extra.close()
            self.assertTrue(closed, "fifth connection neither answered 503 nor closed")
            if data:
                rs = parse_responses(data)
                self.assertEqual(rs[0][0], 503, data[:300])
                self.assertEqual(json.loads(rs[0][2])["error"], "overloaded")
        finally:
            for s in held:
                s.close()
        deadline = time.time() + 3
        while True:
            r = self.srv.request("GET", "/healthz")
            if r.status == 200 or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(r.status, 200, r)
