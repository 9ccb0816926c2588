#!/usr/bin/env python3
"""Report of scripts/bench_oauth.sh: reads RESULTS/summary.tsv (one row per target and
workload), prints the Markdown table and the Tessera ÷ oidc-provider ratios (req/s, and p50/p99
latency), and writes RESULTS/results.json with the same numbers.

usage: report.py RESULTS_DIR"""
import csv
import json
import os
import sys

WORKLOADS = ("client_credentials", "refresh", "introspect")
REFERENCE = "oidc-provider"


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def fmt(x, nd=2):
    v = num(x)
    return str(x) if v is None else f"{v:,.{nd}f}"


def main(res):
    rows = list(csv.DictReader(open(os.path.join(res, "summary.tsv")), delimiter="\t"))
    env = open(os.path.join(res, "env.txt")).read() if os.path.exists(os.path.join(res, "env.txt")) else ""
    print("| target | workload | req/s | p50 ms | p99 ms | server CPU µs/req | note |")
    print("|---|---|---:|---:|---:|---:|---|")
    for r in rows:
        flag = "" if r["non2xx"] == "0" else f" ({r['non2xx']} non-2xx!)"
        if r["socket_errors"] != "0":
            flag += f" ({r['socket_errors']} socket errors)"
        print(f"| {r['target']} | {r['workload']} | {fmt(r['req_s'], 0)} | {fmt(r['p50_ms'])} | {fmt(r['p99_ms'])} | "
              f"{r['server_us_per_req']} | {r['note']}{flag} |")

    by = {(r["target"], r["workload"]): r for r in rows}
    ratios = []
    for t in sorted({r["target"] for r in rows if r["target"] != REFERENCE}):
        for w in WORKLOADS:
            a, b = by.get((t, w)), by.get((REFERENCE, w))
            if not a or not b:
                continue
            ra, rb = num(a["req_s"]), num(b["req_s"])
            ratio = {
                "target": t, "workload": w,
                "req_s_ratio": round(ra / rb, 2) if ra and rb else None,
                "p50_ms": [num(a["p50_ms"]), num(b["p50_ms"])],
                "p99_ms": [num(a["p99_ms"]), num(b["p99_ms"])],
            }
            ratios.append(ratio)
    if ratios:
        print()
        print(f"| ratio | workload | req/s ÷ {REFERENCE} | p50 ms (Tessera vs {REFERENCE}) | p99 ms (Tessera vs {REFERENCE}) |")
        print("|---|---|---:|---|---|")
        for q in ratios:
            rr = "n/a" if q["req_s_ratio"] is None else f"{q['req_s_ratio']:.2f}×"
            print(f"| {q['target']} ÷ {REFERENCE} | {q['workload']} | {rr} | "
                  f"{fmt(q['p50_ms'][0])} vs {fmt(q['p50_ms'][1])} | {fmt(q['p99_ms'][0])} vs {fmt(q['p99_ms'][1])} |")
    out = {
        "env": env.strip().splitlines(),
        "runs": [{k: (num(v) if k in ("req_s", "p50_ms", "p99_ms", "server_us_per_req") else
                      int(v) if k in ("non2xx", "socket_errors", "requests") and v.isdigit() else v)
                  for k, v in r.items()} for r in rows],
        "ratios": ratios,
    }
    with open(os.path.join(res, "results.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print()
    print(f"raw outputs: {res}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
