#!/usr/bin/env bash
# End-to-end speed of the command line, each figure beside a baseline
# measured in the same run (hyperfine medians):
#   1. lookup: 1,000,000 IPv4 addresses drawn from the official feeds
#      (hits, as real logs mostly are) to the default CSV, against two
#      baselines: bench/bartloop (one thread builds a bart.Table of the
#      same ranges, then parses, looks up and prints address,provider/region
#      per line: the issue's target is lookup <= 1.0x of it) and
#      bench/baseline (read, parse and write only, no attribution);
#   2. ip: one address from a cold process with every feed loaded, against
#      the same binary printing its help (process start-up);
#   3. peak resident memory of both.
# Needs hyperfine (apt-get install hyperfine) and ../shared/data/ranges.
set -euo pipefail
cd "$(dirname "$0")/.."
ranges=${RANGES:-../shared/data/ranges}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cloudatlas" ./cmd/cloudatlas
go build -o "$work/baseline" ./bench/baseline
go build -o "$work/bartloop" ./bench/bartloop
"$work/cloudatlas" update --data-dir "$work/data" --from "$ranges" > /dev/null 2>&1
go run ./bench/genaddrs -n 1000000 -data-dir "$work/data" > "$work/1m.txt"
"$work/cloudatlas" ip --data-dir "$work/data" 52.80.0.1 > /dev/null # warm the page cache

hyperfine -N --warmup 2 --runs "${RUNS:-15}" --export-json "$work/lookup.json" \
	--output null \
	-n bartloop "$work/bartloop -data-dir $work/data $work/1m.txt" \
	-n lookup-csv "$work/cloudatlas lookup --data-dir $work/data --format csv $work/1m.txt" \
	-n baseline "$work/baseline $work/1m.txt"
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$work/ip.json" --output null \
	-n startup "$work/cloudatlas help" \
	-n ip-cold "$work/cloudatlas ip --data-dir $work/data 52.80.0.1"

python3 - "$work/lookup.json" "$work/ip.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    r = {x["command"]: x for x in json.load(open(path))["results"]}
    names = list(r)
    base, sut = r[names[0]], r[names[1]]
    print(f"{names[1]}: median {sut['median']*1000:.1f} ms, {names[0]} {base['median']*1000:.1f} ms, ratio {sut['median']/base['median']:.2f}")
    for other in names[2:]:
        o = r[other]
        print(f"  ({other}: median {o['median']*1000:.1f} ms; {names[1]} is {sut['median']/o['median']:.2f}x of it)")
PY
for cmd in "lookup --data-dir $work/data --format csv $work/1m.txt" "ip --data-dir $work/data 52.80.0.1"; do
	/usr/bin/time -f "peak RSS %M KB: cloudatlas ${cmd%% *}" "$work/cloudatlas" $cmd > /dev/null
done
