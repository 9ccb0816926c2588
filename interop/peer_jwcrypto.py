#!/usr/bin/python3
"""Interop peer backed by jwcrypto (Debian python3-jwcrypto; run with /usr/bin/python3).

  peer_jwcrypto.py sign   --jwk PRIVATE.jwk --alg ALG --claims JSON [--kid KID] -> prints a JWT (--kid: header kid instead of the JWK's)
  peer_jwcrypto.py verify --jwk PUBLIC.jwk  --alg ALG [--aud AUD] TOKEN  -> prints claims JSON

Exit codes: 0 ok, 1 signing/verification failure, 2 usage error.
If the claims carry no iat/exp, iat=now and exp=now+300 are added.
"""
import argparse
import json
import sys
import time

from jwcrypto import jwk as jwk_mod
from jwcrypto import jwt


def load_key(path):
    with open(path, encoding="utf-8") as f:
        obj = json.load(f)
    # The alg comes from the command line; the JWK's own "alg" (if any) is ignored, since
    # Tessera's RSA keys may carry none and one rsa2048 key is reused for RS*/PS*.
    obj.pop("alg", None)
    return jwk_mod.JWK.from_json(json.dumps(obj)), obj.get("kid")


def main(argv):
    p = argparse.ArgumentParser(prog="peer_jwcrypto.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sign")
    s.add_argument("--jwk", required=True)
    s.add_argument("--alg", required=True)
    s.add_argument("--claims", required=True)
    s.add_argument("--kid", help="header kid instead of the JWK's")
    v = sub.add_parser("verify")
    v.add_argument("--jwk", required=True)
    v.add_argument("--alg", required=True)
    v.add_argument("--aud")
    v.add_argument("token")
    a = p.parse_args(argv)  # exits 2 on usage errors

    try:
        key, kid = load_key(a.jwk)
        if a.cmd == "sign" and a.kid is not None:
            kid = a.kid
        if a.cmd == "sign":
            claims = json.loads(a.claims)
            now = int(time.time())
            claims.setdefault("iat", now)
            claims.setdefault("exp", now + 300)
            header = {"alg": a.alg, "typ": "JWT"}
            if kid:
                header["kid"] = kid
            t = jwt.JWT(header=header, claims=claims, algs=[a.alg])
            t.make_signed_token(key)
            print(t.serialize())
        else:
            check = {"exp": None}  # exp must be present and not in the past
            if a.aud is not None:
                check["aud"] = a.aud
            t = jwt.JWT(jwt=a.token.strip(), key=key, algs=[a.alg], check_claims=check)
            print(json.dumps(json.loads(t.claims), separators=(",", ":")))
    except Exception as e:  # noqa: BLE001 - any failure is a verification failure
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
