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

# PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication) for
# the store contract, update and replica tests: started when installed
# but stopped; installed (Debian's postgresql) only when required
# (CLOUDATLAS_REQUIRE_POSTGRES=1) and running as root. Without it those
# tests skip, saying why; with the variable set they fail.
pg_up() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
	if ! command -v pg_ctlcluster >/dev/null 2>&1 && [ "${CLOUDATLAS_REQUIRE_POSTGRES:-}" = 1 ] &&
		[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing postgresql (apt-get)..." >&2
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
		# A fresh cluster asks for passwords over TCP; the tests connect
		# as postgres without one, on loopback only.
		for hba in /etc/postgresql/*/main/pg_hba.conf; do
			printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >"$hba"
		done
	fi
	if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
		for v in $(ls /etc/postgresql); do
			pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
		done
		for _ in $(seq 1 30); do pg_up && break; sleep 1; done
	fi
	if ! pg_up && [ "${CLOUDATLAS_REQUIRE_POSTGRES:-}" = 1 ]; then
		echo "PostgreSQL on 127.0.0.1:5432 is required (CLOUDATLAS_REQUIRE_POSTGRES=1) but not running" >&2
		exit 1
	fi
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
