#!/usr/bin/env bash
# Speed of "cloudatlas audit" beside "lookup" on the same addresses,
# measured in the same run (hyperfine medians): 100,000 IPv4 addresses
# drawn from the official feeds (bench/genaddrs) checked against the ten
# rules of bench/audit/policy.yaml, as the canonical JSON report and as
# the text report, against "lookup" (JSON Lines, every range field).
# Issue 15 asks for under 2x of lookup. Needs hyperfine (apt-get install
# hyperfine) and ../shared/data/ranges.
set -euo pipefail
cd "$(dirname "$0")/.."
ranges=${RANGES:-../shared/data/ranges}
n=${N:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cloudatlas" ./cmd/cloudatlas
ca="$work/cloudatlas"
"$ca" update --data-dir "$work/data" --from "$ranges" --routing-from "$work/none" > /dev/null 2>&1
go run ./bench/genaddrs -n "$n" -data-dir "$work/data" > "$work/addrs.txt"
"$ca" ip --data-dir "$work/data" 52.80.0.1 > /dev/null # warm the page cache
runs=${RUNS:-10}
# audit exits 1 on violations: -i lets hyperfine time it anyway.
hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$work/audit.json" --output null \
	-n lookup "$ca lookup --data-dir $work/data $work/addrs.txt" \
	-n audit-json "$ca audit --data-dir $work/data --policy bench/audit/policy.yaml --format json $work/addrs.txt" \
	-n audit-text "$ca audit --data-dir $work/data --policy bench/audit/policy.yaml $work/addrs.txt"
python3 - "$work/audit.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["lookup"]
print(f"lookup: median {base['median']*1000:.0f} ms (user+sys {(base['user']+base['system'])*1000:.0f} ms)")
for name in ("audit-json", "audit-text"):
    x = r[name]
    print(f"{name}: median {x['median']*1000:.0f} ms, {x['median']/base['median']:.2f}x of lookup "
          f"(user+sys {(x['user']+x['system'])*1000:.0f} ms, {(x['user']+x['system'])/(base['user']+base['system']):.2f}x)")
PY
{ "$ca" audit --data-dir "$work/data" --policy bench/audit/policy.yaml --format json "$work/addrs.txt" 2>/dev/null || true; } |
	python3 bench/audit/summary.py
