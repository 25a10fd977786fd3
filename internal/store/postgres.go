package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// openPostgres opens the PostgreSQL database url and brings its schema
// up to date.
func openPostgres(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: store URL %q: %v", redact(url), err)
	}
	_ = cfg
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", redact(url), err)
	}
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &DB{sql: db, dialect: postgres, url: url}
	if err := s.migratePostgres(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", redact(url), err)
	}
	return s, nil
}

// migratePostgres applies the migrations not yet recorded in one
// transaction that holds an advisory lock first: processes that start at
// once on a new database wait for the first to migrate it, then find
// nothing left to do. PostgreSQL's DDL is transactional, so a failed
// migration leaves the database as it was.
func (s *DB) migratePostgres(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.dialect.exclusive(ctx, tx, "migrate"); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if err := createMigrationsTable(ctx, tx, s.dialect); err != nil {
			return err
		}
		for _, name := range names {
			if err := s.apply(ctx, tx, name); err != nil {
				return err
			}
		}
		return ensureID(ctx, tx)
	})
}

// Channel is the PostgreSQL notification channel on which an update
// announces new range data (docs/store.md); the payload is the store's
// [Generation].
const Channel = "cloudatlas_ranges"

// Generation identifies the range data of a store: the newest snapshot
// id and the newest routing snapshot id. Ids only grow and rows are
// never changed, so a new generation means new data.
type Generation struct {
	Snapshots int64
	Routing   int64
}

// String is the generation as NOTIFY sends it: "s123.r4".
func (g Generation) String() string { return fmt.Sprintf("s%d.r%d", g.Snapshots, g.Routing) }

// Generation returns the store's current generation.
func (db *DB) Generation(ctx context.Context) (Generation, error) {
	var g Generation
	err := db.sql.QueryRowContext(ctx, `SELECT (SELECT COALESCE(max(id), 0) FROM snapshots),
		(SELECT COALESCE(max(id), 0) FROM routing_snapshots)`).Scan(&g.Snapshots, &g.Routing)
	if err != nil {
		return Generation{}, fmt.Errorf("store: generation: %w", err)
	}
	return g, nil
}

// Announce tells the processes listening on a PostgreSQL store that its
// range data changed (NOTIFY on [Channel] with the generation). It does
// nothing on SQLite, whose readers watch the data directory.
func (db *DB) Announce(ctx context.Context) error {
	if db.dialect != postgres {
		return nil
	}
	g, err := db.Generation(ctx)
	if err != nil {
		return err
	}
	if _, err := db.sql.ExecContext(ctx, `SELECT pg_notify($1, $2)`, Channel, g.String()); err != nil {
		return fmt.Errorf("store: notify %s: %w", Channel, err)
	}
	return nil
}

// Listen calls changed with the payload of every notification on
// [Channel] until ctx is done, on a connection of its own. It calls
// changed with "" each time it starts listening, first and after a lost
// connection (which it reports to lost, then reconnects), since
// notifications sent while it was not listening were missed. On SQLite it
// returns at once.
func (db *DB) Listen(ctx context.Context, changed func(payload string), lost func(error)) {
	if db.dialect != postgres {
		return
	}
	for wait := 100 * time.Millisecond; ctx.Err() == nil; wait = min(2*wait, 5*time.Second) {
		err := db.listenOnce(ctx, changed, func() {
			wait = 100 * time.Millisecond
			changed("")
		})
		if ctx.Err() != nil {
			return
		}
		lost(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// listenOnce listens on one connection until it fails.
func (db *DB) listenOnce(ctx context.Context, changed func(string), connected func()) error {
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("store: listen: %w", err)
		}
		changed(n.Payload)
	}
}
