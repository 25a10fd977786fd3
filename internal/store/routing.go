package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RoutingSnapshot is one import of the routing data: the two npm packages
// it was built from and the encoded routing table.
type RoutingSnapshot struct {
	ID               int64
	ASNVersion       string // version of @ip-location-db/asn
	ASNIntegrity     string // npm integrity ("sha512-...") of its tarball
	ASNSHA256        string // hex SHA-256 of its tarball
	CountryVersion   string // version of @ip-location-db/geo-whois-asn-country
	CountryIntegrity string
	CountrySHA256    string
	Fetched          time.Time
	Source           string // where the tarballs came from: a registry URL or a directory
	V4, V6           int    // routed intervals per family
	// Table is the encoded routing table (routing.Table.Bytes). It is
	// nil in the listing of [DB.RoutingHistory].
	Table []byte
}

// SaveRouting stores s as the newest routing snapshot and returns its id.
// Versions are not compared here: the caller refuses one going backwards
// before saving.
func (db *DB) SaveRouting(ctx context.Context, s *RoutingSnapshot) (int64, error) {
	if len(s.Table) == 0 {
		return 0, fmt.Errorf("store: save routing %s/%s: empty table", s.ASNVersion, s.CountryVersion)
	}
	var id int64
	err := db.sql.QueryRowContext(ctx, `INSERT INTO routing_snapshots
		(asn_version, asn_integrity, asn_sha256, country_version, country_integrity, country_sha256,
		 fetched_at, source, v4, v6, encoded)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		s.ASNVersion, s.ASNIntegrity, s.ASNSHA256, s.CountryVersion, s.CountryIntegrity, s.CountrySHA256,
		formatTime(s.Fetched), s.Source, s.V4, s.V6, s.Table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: save routing %s/%s: %w", s.ASNVersion, s.CountryVersion, err)
	}
	return id, nil
}

const routingCols = `id, asn_version, asn_integrity, asn_sha256, country_version, country_integrity,
	country_sha256, fetched_at, source, v4, v6`

// CurrentRouting returns the newest routing snapshot with its table, or
// an error wrapping [ErrNotFound] when there is none.
func (db *DB) CurrentRouting(ctx context.Context) (*RoutingSnapshot, error) {
	return db.routing(ctx, `SELECT `+routingCols+`, encoded FROM routing_snapshots ORDER BY id DESC LIMIT 1`)
}

// LoadRouting returns routing snapshot id with its table.
func (db *DB) LoadRouting(ctx context.Context, id int64) (*RoutingSnapshot, error) {
	return db.routing(ctx, `SELECT `+routingCols+`, encoded FROM routing_snapshots WHERE id = $1`, id)
}

func (db *DB) routing(ctx context.Context, query string, args ...any) (*RoutingSnapshot, error) {
	var s RoutingSnapshot
	var fetched string
	err := db.sql.QueryRowContext(ctx, query, args...).Scan(&s.ID, &s.ASNVersion, &s.ASNIntegrity,
		&s.ASNSHA256, &s.CountryVersion, &s.CountryIntegrity, &s.CountrySHA256, &fetched, &s.Source,
		&s.V4, &s.V6, &s.Table)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: routing snapshot: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: routing snapshot: %w", err)
	}
	s.Fetched, _ = time.Parse(timeLayout, fetched)
	return &s, nil
}

// RoutingHistory returns every routing snapshot without its table, oldest
// first.
func (db *DB) RoutingHistory(ctx context.Context) ([]RoutingSnapshot, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+routingCols+` FROM routing_snapshots ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: routing history: %w", err)
	}
	defer rows.Close()
	var out []RoutingSnapshot
	for rows.Next() {
		var s RoutingSnapshot
		var fetched string
		if err := rows.Scan(&s.ID, &s.ASNVersion, &s.ASNIntegrity, &s.ASNSHA256, &s.CountryVersion,
			&s.CountryIntegrity, &s.CountrySHA256, &fetched, &s.Source, &s.V4, &s.V6); err != nil {
			return nil, fmt.Errorf("store: routing history: %w", err)
		}
		s.Fetched, _ = time.Parse(timeLayout, fetched)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: routing history: %w", err)
	}
	return out, nil
}
