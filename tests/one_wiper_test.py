#!/usr/bin/env python3
"""One wiping buffer type (issue 10): transient secrets are wiped by crypto::Wiped
(src/crypto/crypto.hpp) and long-lived ones by SecretBytes; no other type wipes in its own
destructor. Fails when a destructor anywhere in src/, cli/ or server/ zeroes memory itself
(secure_zero, sodium_memzero, explicit_bzero, OPENSSL_cleanse, memset_s, or a wipe() of its own),
or when a second wiping helper (WipedArray as a type, ScopedWipe) comes back.
Usage: one_wiper_test.py SOURCE_DIR"""
import pathlib
import re
import sys

ZEROING = re.compile(r"\b(secure_zero|sodium_memzero|explicit_bzero|OPENSSL_cleanse|memset_s|wipe)\s*\(")
DTOR = re.compile(r"(\w+)::~(\w+)\s*\(\s*\)|~(\w+)\s*\(\s*\)")
ALLOWED = {"Wiped", "SecretBytes"}  # the two owners of wiping
BANNED = re.compile(r"\b(class|struct)\s+(ScopedWipe|WipedArray)\b")

root = pathlib.Path(sys.argv[1])
problems = []
for path in sorted(p for d in ("src", "cli", "server") for p in (root / d).rglob("*") if p.suffix in (".cpp", ".hpp")):
    text = path.read_text(encoding="utf-8", errors="replace")
    for m in BANNED.finditer(text):
        problems.append(f"{path}: a second wiping helper: {m.group(0)}")
    for m in DTOR.finditer(text):
        name = m.group(2) or m.group(3)
        # The destructor's body: from the first "{" after the declarator to its matching "}".
        rest = text[m.end():]
        head = rest.split("{", 1)
        if len(head) < 2 or ";" in head[0]:
            continue  # a declaration, "= default" or "= delete"
        depth, body = 1, []
        for ch in head[1]:
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0:
                break
            body.append(ch)
        if ZEROING.search("".join(body)) and name not in ALLOWED:
            line = text[: m.start()].count("\n") + 1
            problems.append(f"{path}:{line}: ~{name}() wipes by hand; hold the bytes in crypto::Wiped")
for p in problems:
    print(p)
print(f"{len(problems)} problem(s)")
sys.exit(1 if problems else 0)
