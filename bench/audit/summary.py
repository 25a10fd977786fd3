"""Summarise an audit JSON report read from stdin (bench/audit.sh)."""
import json
import sys

d = json.load(sys.stdin)
s = d["summary"]
print(f"{s['assets']} assets, {len(d['rules'])} rules: {s['fail']} fail, {s['pass']} pass, "
      f"{s['unknown']} unknown; {len(d['places'])} places, {len(d['verdicts'])} verdicts, each judged once")
