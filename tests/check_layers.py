#!/usr/bin/env python3
"""The layering of libtessera (docs/design.md, "Layers"), checked on every #include "...":

  - a file in src/<layer>/ includes only its own layer, the layers below it (ALLOWED), the
    base (headers directly in src/, e.g. passkey.hpp) and the public headers (tessera/...);
  - only src/crypto/ includes OpenSSL or libsodium (<openssl/...>, <sodium...>), with one
    exception: src/net/ includes OpenSSL's TLS headers (<openssl/ssl.h>, <openssl/err.h>) for
    the transport it drives through Asio SSL (docs/design.md, "Layers");
  - a public header (include/tessera/) includes only other public headers;
  - a front end (server/, cli/, gateway/) includes only public headers, its own folder (and its
    subfolders, as "advise/runbook.hpp" from cli/) and the
    header-only src/common/ (cli may also use server/, where the composition root and the
    configuration live, and gateway/, the command it runs; gateway/ may use server/, whose
    transport, logs, metrics and lanes it shares).

Usage: check_layers.py ROOT        exit 0 when every include follows the rules, 1 otherwise
       check_layers.py --self-test  checks that a planted violation is caught
"""
import os
import re
import sys
import tempfile

# layer -> the internal layers it may include (besides itself, common/ and tessera/).
# common/ (thread annotations, the annotated mutex) is header-only and below every layer.
ALLOWED = {
    "common": set(),
    "codec": set(),
    "crypto": set(),
    "keys": {"crypto", "codec"},
    "token": {"codec"},
    "jose": {"keys", "token", "crypto", "codec"},
    "paseto": {"keys", "token", "crypto", "codec"},
    "session": {"crypto", "codec"},
    "store": {"crypto", "codec"},
    "oauth": {"jose", "paseto", "keys", "token", "crypto", "codec"},
    "resource": {"oauth", "jose", "paseto", "keys", "token", "session", "crypto", "codec"},
    "service": {"oauth", "jose", "paseto", "keys", "token", "session", "store", "crypto", "codec"},
    "bff": {"jose", "paseto", "keys", "token", "crypto", "codec"},
    # net: the only layer that opens connections (Beast/Asio; OpenSSL only for the TLS
    # transport, the one exception to "only crypto calls OpenSSL": docs/design.md).
    "net": {"oauth", "jose", "paseto", "keys", "token", "crypto", "codec"},
}
FRONT_ENDS = {"server": {"server", "common"}, "cli": {"server", "gateway", "common"},
              "gateway": {"gateway", "server", "common"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)
# layer -> the OpenSSL / libsodium headers it may include (every other layer: none).
CRYPTO_LIBS = ("openssl/", "sodium")
CRYPTO_ALLOWED = {"crypto": None, "net": {"openssl/ssl.h", "openssl/err.h"}}  # None: any
SOURCE = (".cpp", ".hpp", ".h")


def files(root, sub):
    base = os.path.join(root, sub)
    for dirpath, _, names in os.walk(base):
        for n in sorted(names):
            if n.endswith(SOURCE):
                yield os.path.join(dirpath, n)


def includes(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return INCLUDE.findall(f.read())


def system_includes(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return SYSTEM_INCLUDE.findall(f.read())


def check(root):
    bad = []
    for path in files(root, "src"):
        rel = os.path.relpath(path, os.path.join(root, "src"))
        layer = rel.split(os.sep)[0] if os.sep in rel else None  # src/error.cpp: the base, no layer
        for inc in system_includes(path):
            if not inc.startswith(CRYPTO_LIBS) or layer == "crypto":
                continue
            if layer not in CRYPTO_ALLOWED or inc not in CRYPTO_ALLOWED[layer]:
                bad.append((path, inc, "only src/crypto/ calls OpenSSL or libsodium (src/net/: TLS only)"))
        for inc in includes(path):
            top = inc.split("/")[0] if "/" in inc else None
            if top == "tessera":
                continue
            if top is None and os.path.exists(os.path.join(root, "src", inc)):
                continue  # a header of the base (src/*.hpp: below every layer)
            if layer is None:
                bad.append((path, inc, "src/*.cpp may include only public headers"))
            elif top is None:
                bad.append((path, inc, "internal includes name their layer folder"))
            elif top != layer and top != "common" and top not in ALLOWED.get(layer, set()):
                bad.append((path, inc, f"layer {layer} may not include {top}/"))
    for path in files(root, os.path.join("include", "tessera")):
        for inc in includes(path):
            if not inc.startswith("tessera/"):
                bad.append((path, inc, "public headers include only public headers"))
    for front, extra in FRONT_ENDS.items():
        for path in files(root, front):
            for inc in includes(path):
                top = inc.split("/")[0] if "/" in inc else None
                if top == "tessera" or top in extra:
                    continue
                if top is None and os.path.exists(os.path.join(os.path.dirname(path), inc)):
                    continue  # a header beside it, in its own folder
                if top is not None and os.path.exists(os.path.join(root, front, inc)):
                    continue  # a header of its own subfolder, named from the front end's root (cli/advise/...)
                bad.append((path, inc, f"front end {front}/ includes only tessera/ and its own folder"))
    for path, inc, why in bad:
        print(f"{os.path.relpath(path, root)}: #include \"{inc}\": {why}")
    return not bad


def self_test():
    with tempfile.TemporaryDirectory() as d:
        def put(rel, text):
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
        put("src/codec/a.cpp", '#include "tessera/error.hpp"\n#include "codec/a.hpp"\n')
        put("src/store/b.cpp", '#include "crypto/crypto.hpp"\n')
        put("server/c.cpp", '#include "tessera/json.hpp"\n#include "server/d.hpp"\n')
        if not check(d):
            print("self-test: a clean tree was refused")
            return False
        for rel, text in [("src/codec/x.cpp", '#include "store/stores.hpp"\n'),
                          ("src/crypto/y.cpp", '#include "service/unknown_user.hpp"\n'),
                          ("include/tessera/z.hpp", '#include "codec/json.hpp"\n'),
                          ("src/store/u.cpp", '#include <openssl/evp.h>\n'),
                          ("src/net/t.cpp", '#include <openssl/evp.h>\n'),
                          ("server/w.cpp", '#include "codec/json.hpp"\n'),
                          ("cli/v.cpp", '#include "store/stores.hpp"\n')]:
            put(rel, text)
            if check(d):
                print(f"self-test: {rel} including across the rules was not caught")
                return False
            os.remove(os.path.join(d, rel))
    print("self-test: violations are caught")
    return True


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(0 if self_test() else 1)
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    ok = check(sys.argv[1])
    print("layering: ok" if ok else "layering: violations above")
    sys.exit(0 if ok else 1)
