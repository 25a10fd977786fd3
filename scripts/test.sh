#!/usr/bin/env bash
# Runs every check a change must pass: formatting, vet, the tests (unit,
# integration over ../shared/data/ranges, browser), and the atlas validator.
# On a fresh Debian machine it installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the web tests, CJK fonts so that Chinese names
# show in its screenshots, and mmdblookup (libmaxminddb's reader) for the
# MMDB export tests (Debian's packages).
missing=""
command -v chromium >/dev/null 2>&1 || missing="chromium"
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$missing fonts-noto-cjk"
command -v mmdblookup >/dev/null 2>&1 || missing="$missing mmdb-bin"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing$missing (apt-get)..." >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...
go test -count=1 -timeout 15m ./...
go test -count=1 -timeout 20m -race ./internal/index ./internal/answer ./internal/cli ./internal/web
ranges=../shared/data/ranges
if [ -d "$ranges" ]; then
	go run ./cmd/cloudatlas check --ranges "$ranges"
elif [ "${CLOUDATLAS_REQUIRE_SHARED:-}" = 1 ]; then
	echo "$ranges is required (CLOUDATLAS_REQUIRE_SHARED=1) but missing" >&2
	exit 1
else
	go run ./cmd/cloudatlas check
fi
