// Package pgtest gives tests a fresh PostgreSQL database of their own on
// the server of $CLOUDATLAS_TEST_POSTGRES (default the local server,
// user postgres, trust authentication). A test skips, saying why, when
// the server cannot be reached, and fails instead when
// CLOUDATLAS_REQUIRE_POSTGRES=1 (as in CI).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultServer is the server's maintenance database when
// $CLOUDATLAS_TEST_POSTGRES is not set.
const DefaultServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Server returns the URL of the maintenance database tests create their
// databases through.
func Server() string {
	if u := os.Getenv("CLOUDATLAS_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultServer
}

// Required reports whether PostgreSQL tests must run (CI).
func Required() bool { return os.Getenv("CLOUDATLAS_REQUIRE_POSTGRES") == "1" }

// URL creates a new empty database cloudatlas_test_<random>, drops it when
// the test ends, and returns its URL.
func URL(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	server := Server()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		if Required() {
			tb.Fatalf("PostgreSQL at %s is required (CLOUDATLAS_REQUIRE_POSTGRES=1): %v", server, err)
		}
		tb.Skipf("no PostgreSQL at %s (set CLOUDATLAS_TEST_POSTGRES): %v", server, err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 6)
	rand.Read(b)
	name := "cloudatlas_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s on %s: %v", name, server, err)
	}
	tb.Cleanup(func() { drop(tb, server, name) })
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("CLOUDATLAS_TEST_POSTGRES %q: %v", server, err)
	}
	u.Path = "/" + name
	return u.String()
}

// drop drops the test database, ending the sessions still connected to
// it (a server under test may not have closed its pool yet).
func drop(tb testing.TB, server, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		tb.Errorf("drop database %s: %v", name, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		tb.Errorf("drop database %s: %v", name, err)
	}
}
