#!/usr/bin/env bash
# End-to-end speed of the command line, each figure beside a baseline
# measured in the same run (hyperfine medians):
#   1. lookup: 1,000,000 IPv4 addresses drawn from the official feeds
#      (hits, as real logs mostly are) to the default CSV, feeds only,
#      against two baselines: bench/bartloop (one thread builds a
#      bart.Table of the same ranges, then parses, looks up and prints
#      address,provider/region per line: issue 7 asks lookup <= 1.0x of
#      it) and bench/baseline (read, parse and write only);
#   2. the routing tier: 1,000,000 random routed addresses (nearly all
#      routing-tier hits) against the same number of feed addresses, both
#      with the routing tier loaded (issue 8 asks <= 1.5x);
#   3. ip: one address from a cold process with every feed and the
#      routing tier loaded, against the same binary printing its help
#      (process start-up; issue 8 asks <= 3x);
#   4. peak resident memory of lookup, ip and serve.
# Needs hyperfine (apt-get install hyperfine), ../shared/data/ranges and
# ../shared/data/asn.
set -euo pipefail
cd "$(dirname "$0")/.."
ranges=${RANGES:-../shared/data/ranges}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cloudatlas" ./cmd/cloudatlas
go build -o "$work/baseline" ./bench/baseline
go build -o "$work/bartloop" ./bench/bartloop
ca="$work/cloudatlas"
"$ca" update --data-dir "$work/feeds" --from "$ranges" --routing-from "$work/none" > /dev/null 2>&1
"$ca" update --data-dir "$work/data" --from "$ranges" > /dev/null 2>&1
go run ./bench/genaddrs -n 1000000 -data-dir "$work/feeds" > "$work/1m.txt"
go run ./bench/genaddrs -n 1000000 -data-dir "$work/data" -routed > "$work/routed.txt"
"$ca" ip --data-dir "$work/data" 52.80.0.1 > /dev/null # warm the page cache

runs=${RUNS:-15}
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/lookup.json" --output null \
	-n bartloop "$work/bartloop -data-dir $work/feeds $work/1m.txt" \
	-n lookup-csv "$ca lookup --data-dir $work/feeds --format csv $work/1m.txt" \
	-n baseline "$work/baseline $work/1m.txt"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/routing.json" --output null \
	-n feed-addresses "$ca lookup --data-dir $work/data --format csv $work/1m.txt" \
	-n routed-addresses "$ca lookup --data-dir $work/data --format csv $work/routed.txt"
hyperfine -N --warmup 3 --runs "$((2 * runs))" --export-json "$work/ip.json" --output null \
	-n startup "$ca help" \
	-n ip-cold "$ca ip --data-dir $work/data 52.80.0.1"

python3 - "$work/lookup.json" "$work/routing.json" "$work/ip.json" <<'PY'
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
	/usr/bin/time -f "peak RSS %M KB: cloudatlas ${cmd%% *}" "$ca" $cmd > /dev/null 2> >(grep "peak RSS" >&2)
done
"$ca" serve --data-dir "$work/data" --addr 127.0.0.1:0 --bootstrap-timeout 0 --access=false > "$work/serve.out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q serving "$work/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*/' "$work/serve.out")
head -10000 "$work/routed.txt" | curl -s -o /dev/null -H 'Content-Type: text/plain' --data-binary @- "${url}v1/bulk?format=csv&fields=all"
for a in 52.80.0.1 1.1.1.1 23.1.2.3; do curl -s -o /dev/null "${url}ip/$a"; done
echo "peak RSS $(awk '/VmHWM/ {print $2}' /proc/$pid/status) KB: cloudatlas serve (after a 10,000-address bulk request and answer pages)"
kill $pid
