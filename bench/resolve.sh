#!/usr/bin/env bash
# Resolution rate of `cloudatlas resolve` at its default concurrency and
# rate limit, against a local fixture DNS server holding a synthetic
# population (N names, default 20,000), beside a baseline measured in the
# same run: one miekg/dns client asking one A query at a time. Each name
# costs the resolver 2 to 6 queries (A and AAAA, each following CNAMEs
# across zones). No network beyond 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cloudatlas" ./cmd/cloudatlas
go run ./bench/resolve -n "${N:-20000}" -cloudatlas "$work/cloudatlas" -work "$work"
