# File descriptors (docs/server.md "Connections and file descriptors"): the soft RLIMIT_NOFILE
# is raised to the hard limit, max_connections is capped below it with a reserve, and when
# accept() runs out of descriptors the server logs it at most once a second, keeps serving the
# connections it has, and accepts again once descriptors are free.
import http.client
import resource
import socket
import time
import unittest

from harness import E2ETest, Server

LOW = 64  # soft = hard = 64 for the server under test


def proc_nofile(pid):
    """(soft, hard) "Max open files" of a process, from /proc/PID/limits."""
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError("no Max open files line")


def nofile(soft, hard):
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class LowDescriptorLimit(E2ETest):
    start_server = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = Server(cls.env, (), preexec_fn=nofile(LOW, LOW))
        cls.env.servers.append(s)
        cls.srv = s.start()

    def accept_errors(self):
        return [l for l in self.srv.stdout_lines if '"accept failed"' in l]

    def test_max_connections_capped_below_the_limit(self):
        self.assertEqual(proc_nofile(self.srv.proc.pid), (LOW, LOW))
        capped = self.srv.wait_log(lambda o: o.get("msg") == "max_connections capped")
        self.assertIsNotNone(capped, "\n".join(self.srv.stdout_lines))
        self.assertEqual(capped["configured"], 10000)
        self.assertEqual(capped["nofile"], LOW)
        self.assertEqual(capped["effective"], 32)  # 64 less the reserve (half of it, at this size)
        listening = self.srv.wait_log(lambda o: o.get("msg") == "listening")
        self.assertEqual(listening["max_connections"], 32, listening)

    def test_out_of_descriptors(self):
        keep = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        idle = []
        try:
            keep.request("GET", "/healthz")
            r = keep.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            t0 = time.time()
            for _ in range(70):
                idle.append(socket.create_connection(("127.0.0.1", self.srv.port), timeout=10))
            # accept() fails with EMFILE: logged, then held back for a second and counted.
            first = self.srv.wait_log(lambda o: o.get("msg") == "accept failed", timeout=15)
            self.assertIsNotNone(first, "no accept error logged")
            self.assertIn("open files", first["error"].lower(), first)
            self.assertEqual(first["listener"], "public")
            # Keep the pressure on (connections refused with 503 give their descriptor back
            # after a second) until a later line counts the failures it held back.
            later = None
            deadline = time.time() + 20
            while later is None and len(idle) < 600 and time.time() < deadline:
                for _ in range(10):
                    idle.append(socket.create_connection(("127.0.0.1", self.srv.port), timeout=10))
                later = self.srv.wait_log(lambda o: o.get("msg") == "accept failed" and o.get("suppressed", 0) > 0,
                                          timeout=0.1)
            self.assertIsNotNone(later, "failed accepts were not counted: " + "\n".join(self.accept_errors()))
            # The connection the server already had is still served, while accept() fails.
            keep.request("GET", "/healthz")
            r = keep.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            lines = self.accept_errors()
            elapsed = time.time() - t0
            self.assertLessEqual(len(lines), int(elapsed) + 2,
                                 f"{len(lines)} accept error lines in {elapsed:.1f} s:\n" + "\n".join(lines))
        finally:
            for s in idle:
                s.close()
            keep.close()
        # Descriptors free again: new connections are accepted (the backlog drains first).
        deadline = time.time() + 20
        status = None
        while time.time() < deadline:
            try:
                status = self.srv.request("GET", "/healthz", timeout=5).status
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.assertEqual(status, 200)
        self.assertTrue(self.srv.alive())


class SoftLimitRaised(E2ETest):
    start_server = False

    def test_soft_limit_raised_to_hard(self):
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 2 * LOW:
            raise unittest.SkipTest(f"hard limit {hard} too low")
        target = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
        s = Server(self.env, (), preexec_fn=nofile(LOW, target))
        self.env.servers.append(s)
        s.start()
        self.assertEqual(proc_nofile(s.proc.pid), (target, target))
        listening = s.wait_log(lambda o: o.get("msg") == "listening")
        self.assertEqual(listening["nofile"], target, listening)
        self.assertEqual(s.request("GET", "/healthz").status, 200)
