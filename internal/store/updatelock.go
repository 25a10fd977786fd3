package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// UpdateBusyError says that another process holds the store's update
// lock and the wait for it ran out.
type UpdateBusyError struct {
	Store  string        // the store, its password hidden
	Waited time.Duration // 0 when the caller did not wait
}

func (e *UpdateBusyError) Error() string {
	if e.Waited == 0 {
		return fmt.Sprintf("store %s: another update is writing to it (its update lock is held)", e.Store)
	}
	return fmt.Sprintf("store %s: another update is still writing to it after %s (its update lock is held)",
		e.Store, e.Waited.Round(time.Second))
}

// updateLockPoll is how often a waiting update asks for the lock again.
const updateLockPoll = 200 * time.Millisecond

// LockUpdates takes the store's update lock, so that updates started
// from different data directories on one shared store run one after the
// other. On PostgreSQL it is a session-level advisory lock held on a
// connection of its own until release is called (or the process dies,
// which ends the session). On SQLite it does nothing: the data
// directory's lock serialises the updates of its store.
//
// timeout says how long to wait while another process holds it: 0 not at
// all, a negative value until ctx ends. waiting, when not nil, is called
// once when the wait begins.
func (db *DB) LockUpdates(ctx context.Context, timeout time.Duration, waiting func()) (release func(), err error) {
	if db.dialect != postgres {
		return func() {}, nil
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store %s: update lock: %w", redact(db.url), err)
	}
	if err := waitUpdateLock(ctx, conn, timeout, waiting); err != nil {
		conn.Close()
		if be, ok := err.(*UpdateBusyError); ok {
			be.Store = redact(db.url)
			return nil, be
		}
		return nil, fmt.Errorf("store %s: update lock: %w", redact(db.url), err)
	}
	return func() {
		// Unlocking explicitly returns the connection to the pool clean;
		// closing it would end the session and the lock as well.
		conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey("update"))
		conn.Close()
	}, nil
}

// waitUpdateLock asks for the lock on conn until it is granted, the
// timeout runs out or ctx ends.
func waitUpdateLock(ctx context.Context, conn *sql.Conn, timeout time.Duration, waiting func()) error {
	start := time.Now()
	for first := true; ; first = false {
		var ok bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey("update")).Scan(&ok); err != nil {
			return err
		}
		if ok {
			return nil
		}
		if timeout == 0 {
			return &UpdateBusyError{}
		}
		if waited := time.Since(start); timeout > 0 && waited >= timeout {
			return &UpdateBusyError{Waited: waited}
		}
		if first && waiting != nil {
			waiting()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(updateLockPoll):
		}
	}
}
