#!/usr/bin/python3
"""Interop peer backed by PyJWT (Debian python3-jwt; run with /usr/bin/python3).

  peer_pyjwt.py sign   --jwk PRIVATE.jwk --alg ALG --claims JSON [--kid KID] -> prints a JWT (--kid: header kid instead of the JWK's)
  peer_pyjwt.py verify --jwk PUBLIC.jwk  --alg ALG [--aud AUD] TOKEN  -> prints claims JSON

Exit codes: 0 ok, 1 signing/verification failure, 2 usage error.
If the claims carry no iat/exp, iat=now and exp=now+300 are added.
"""
import argparse
import json
import sys
import time

import jwt
from jwt import algorithms


def load_key(path, alg):
    with open(path, encoding="utf-8") as f:
        jwk = json.load(f)
    # The alg comes from the command line; the JWK's own "alg" (if any) is ignored, since
    # Tessera's RSA keys may carry none and one rsa2048 key is reused for RS*/PS*.
    jwk.pop("alg", None)
    kty = jwk.get("kty")
    if alg.startswith("HS"):
        if kty != "oct":
            raise ValueError(f"{alg} needs an oct JWK, got {kty}")
        # from_jwk returns the raw secret as bytes. PyJWT refuses HMAC secrets that look
        # like PEM/SSH keys; a random secret never does, so bytes are passed as-is.
        key = algorithms.HMACAlgorithm.from_jwk(json.dumps(jwk))
    elif alg.startswith(("RS", "PS")):
        key = algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    elif alg.startswith("ES"):
        key = algorithms.ECAlgorithm.from_jwk(json.dumps(jwk))
    elif alg == "EdDSA":
        key = algorithms.OKPAlgorithm.from_jwk(json.dumps(jwk))
    else:
        raise ValueError(f"unsupported alg {alg}")
    return key, jwk.get("kid")


def main(argv):
    p = argparse.ArgumentParser(prog="peer_pyjwt.py")
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
        key, kid = load_key(a.jwk, a.alg)
        if a.cmd == "sign" and a.kid is not None:
            kid = a.kid
        if a.cmd == "sign":
            claims = json.loads(a.claims)
            now = int(time.time())
            claims.setdefault("iat", now)
            claims.setdefault("exp", now + 300)
            headers = {"kid": kid} if kid else None
            token = jwt.encode(claims, key, algorithm=a.alg, headers=headers)
            if isinstance(token, bytes):  # PyJWT 1.x
                token = token.decode("ascii")
            print(token)
        else:
            options = {"require": ["exp"]}
            kwargs = {}
            if a.aud is not None:
                kwargs["audience"] = a.aud
            else:
                # PyJWT rejects a token with "aud" when no audience is expected.
                options["verify_aud"] = False
            claims = jwt.decode(a.token.strip(), key, algorithms=[a.alg],
                                options=options, **kwargs)
            print(json.dumps(claims, separators=(",", ":")))
    except Exception as e:  # noqa: BLE001 - any failure is a verification failure
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
