#!/usr/bin/python3
"""examples/resource_service against the installed package (ctest: example_resource_service):
`cmake --install` the build into a temporary prefix, configure and build the example with
find_package(tessera) against that prefix only, then run the installed `tessera serve` and the
example on loopback (which finds the issuer's JWKS by discovery), get client_credentials tokens
and call the protected routes with and without them.
Usage: example_service_test.py BUILD_DIR SOURCE_DIR"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

AUD = "https://api.example"


def run(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600, **kw)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(argv)} -> {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(path, needle, proc, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"FAIL: {proc.args[0]} exited with {proc.returncode}:\n{open(path).read()}")
        with open(path) as f:
            if needle in f.read():
                return
        time.sleep(0.05)
    sys.exit(f"FAIL: no '{needle}' in {path}:\n{open(path).read()}")


def http(method, url, headers=None, body=None):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="tessera-example-")
    procs = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    try:
        prefix = os.path.join(tmp, "prefix")
        run(["cmake", "--install", build, "--prefix", prefix])
        launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
        ex = os.path.join(tmp, "example")
        run(["cmake", "-S", os.path.join(source, "examples", "resource_service"), "-B", ex,
             "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + prefix,
             "-DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON"] + launcher)
        with open(os.path.join(ex, "CMakeCache.txt")) as f:
            found = [l.split("=", 1)[1].strip() for l in f if l.startswith("tessera_DIR:PATH=")]
        check(found and found[0].startswith(prefix), f"find_package(tessera) found the installed package ({found})")
        run(["cmake", "--build", ex, "-j2"])
        check(os.access(os.path.join(ex, "resource_service"), os.X_OK), "the example built against tessera::tessera")

        tessera = os.path.join(prefix, "bin", "tessera")
        data = os.path.join(tmp, "data")
        common = ["--data", data, "--store", "sqlite"]

        def client(name, *args):
            out = run([tessera, "clients", "add", name, "--grant", "client_credentials", "--audience", AUD,
                       "--json", *args] + common, env=env)
            c = json.loads(out)
            return c["client_id"], c["client_secret"]

        reader = client("order-reader", "--scope", "orders:read")
        other = client("reporter", "--scope", "reports")

        port = free_port()
        issuer = f"http://127.0.0.1:{port}"
        log = os.path.join(tmp, "serve.log")
        serve = subprocess.Popen([tessera, "serve", "--listen", f"127.0.0.1:{port}", "--metrics-listen", "off",
                                  "--argon2-ops", "1", "--argon2-mem-kib", "8192"] + common,
                                 stdout=subprocess.DEVNULL, stderr=open(log, "w"), env=env)
        procs.append(serve)
        wait_for(log, "listening on", serve)

        def token(creds, scope):
            basic = base64.b64encode(f"{urllib.parse.quote(creds[0])}:{urllib.parse.quote(creds[1])}".encode()).decode()
            form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": scope}).encode()
            status, _, body = http("POST", issuer + "/oauth2/token", body=form,
                                   headers={"Authorization": "Basic " + basic,
                                            "Content-Type": "application/x-www-form-urlencoded"})
            check(status == 200, f"a token for {creds[0]} ({scope})")
            return json.loads(body)["access_token"]

        good, scoped_out = token(reader, "orders:read"), token(other, "reports")

        eport = free_port()
        api = f"http://127.0.0.1:{eport}"
        elog = os.path.join(tmp, "example.log")
        example = subprocess.Popen([os.path.join(ex, "resource_service"), "--listen", f"127.0.0.1:{eport}",
                                    "--issuer", issuer, "--audience", AUD],
                                   stdout=open(elog, "w"), stderr=subprocess.STDOUT)
        procs.append(example)
        wait_for(elog, "listening on", example)

        status, _, _ = http("GET", api + "/health")
        check(status == 200, "GET /health needs no token")
        status, h, _ = http("GET", api + "/hello")
        check(status == 401 and h.get("WWW-Authenticate", "").startswith("Bearer"),
              f"GET /hello without a token: 401 with a Bearer challenge ({status}, {h.get('WWW-Authenticate')})")
        status, h, _ = http("GET", api + "/hello", headers={"Authorization": "Bearer " + good[:-4] + "AAAA"})
        check(status == 401 and "invalid_token" in h.get("WWW-Authenticate", ""),
              f"GET /hello with a tampered token: 401 invalid_token ({status})")
        status, _, body = http("GET", api + "/hello", headers={"Authorization": "Bearer " + good})
        check(status == 200 and reader[0] in body, f"GET /hello with the token: 200 ({status}, {body.strip()})")
        status, _, body = http("GET", api + "/orders", headers={"Authorization": "Bearer " + good})
        check(status == 200, f"GET /orders with scope orders:read: 200 ({status})")
        status, h, _ = http("GET", api + "/orders", headers={"Authorization": "Bearer " + scoped_out})
        check(status == 403 and "insufficient_scope" in h.get("WWW-Authenticate", ""),
              f"GET /orders without the scope: 403 insufficient_scope ({status})")
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
