#!/usr/bin/env python3
"""Coverage of a sample of addresses, from the JSON Lines of
cloudatlas lookup --fields tier,as_name,operator,jurisdictions:
the share of inputs with a named holder (an AS holder in the routing
data, or an operator from the atlas) and with at least one jurisdiction.
Usage: coverage.py LOOKUP.jsonl"""
import json, sys

n = holder = jur = routed = feed = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    n += 1
    ms = r["matches"]
    if any(m.get("tier") == "routing" for m in ms):
        routed += 1
    if any(m.get("tier") != "routing" for m in ms):
        feed += 1
    if any(m.get("as_name") or m.get("operator") for m in ms):
        holder += 1
    if any(m.get("jurisdictions") for m in ms):
        jur += 1
pct = lambda k: f"{100 * k / n:.2f}%" if n else "-"
print(f"inputs {n}: routed {pct(routed)}, in a feed {pct(feed)}, named holder {pct(holder)}, jurisdiction {pct(jur)}")
