package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The states of a subscription.
const (
	SubPending      = "pending"
	SubConfirmed    = "confirmed"
	SubUnsubscribed = "unsubscribed"
)

// Subscriber is one address's subscription to one list.
type Subscriber struct {
	ID           int64
	Email        string // as given
	EmailKey     string // lower-cased, unique per list
	List         string
	State        string
	Nonce        string
	Created      time.Time
	ConfirmSent  time.Time // last confirmation mail; zero if none
	ConfirmSends int
	Confirmed    time.Time
	Unsubscribed time.Time
}

const subCols = `id, email, email_key, list, state, nonce, created_at, confirm_sent_at, confirm_sends,
	confirmed_at, unsubscribed_at`

func scanSubscriber(row interface{ Scan(...any) error }) (Subscriber, error) {
	var s Subscriber
	var created, sent, confirmed, unsub string
	err := row.Scan(&s.ID, &s.Email, &s.EmailKey, &s.List, &s.State, &s.Nonce, &created, &sent, &s.ConfirmSends,
		&confirmed, &unsub)
	s.Created, _ = time.Parse(timeLayout, created)
	s.ConfirmSent, _ = time.Parse(timeLayout, sent)
	s.Confirmed, _ = time.Parse(timeLayout, confirmed)
	s.Unsubscribed, _ = time.Parse(timeLayout, unsub)
	return s, err
}

// Subscribe records a request to subscribe email (emailKey its
// lower-cased form) to list and returns the subscription: a new one is
// pending with nonce; one that was unsubscribed becomes pending again
// with nonce; a pending or confirmed one is returned as it is.
func (db *DB) Subscribe(ctx context.Context, email, emailKey, list, nonce string, now time.Time) (Subscriber, error) {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO subscribers (email, email_key, list, state, nonce, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (email_key, list) DO UPDATE SET state = $4, nonce = $5, created_at = $6, email = $1,
			confirmed_at = '', unsubscribed_at = ''
		WHERE subscribers.state = 'unsubscribed'`, email, emailKey, list, SubPending, nonce, formatTime(now))
	if err != nil {
		return Subscriber{}, fmt.Errorf("store: subscribe: %w", err)
	}
	return db.Subscriber(ctx, emailKey, list)
}

// Subscriber returns the subscription of emailKey to list, or an error
// wrapping [ErrNotFound].
func (db *DB) Subscriber(ctx context.Context, emailKey, list string) (Subscriber, error) {
	s, err := scanSubscriber(db.sql.QueryRowContext(ctx, `SELECT `+subCols+` FROM subscribers
		WHERE email_key = $1 AND list = $2`, emailKey, list))
	if errors.Is(err, sql.ErrNoRows) {
		return Subscriber{}, fmt.Errorf("store: subscriber: %w", ErrNotFound)
	}
	if err != nil {
		return Subscriber{}, fmt.Errorf("store: subscriber: %w", err)
	}
	return s, nil
}

// LastConfirmSent returns when a confirmation mail last went to
// emailKey, for any list, and how many went in all; zero when none.
func (db *DB) LastConfirmSent(ctx context.Context, emailKey string) (time.Time, int, error) {
	var last sql.NullString
	var n sql.NullInt64
	err := db.sql.QueryRowContext(ctx, `SELECT max(confirm_sent_at), CAST(sum(confirm_sends) AS BIGINT) FROM subscribers
		WHERE email_key = $1`, emailKey).Scan(&last, &n)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("store: last confirmation: %w", err)
	}
	t, _ := time.Parse(timeLayout, last.String)
	return t, int(n.Int64), nil
}

// ClaimConfirmSend records, if no confirmation mail went to emailKey
// since notBefore, that one goes now to subscription id, and reports
// whether it did: one pending confirmation mail per address at a time,
// whatever the list, even when requests race.
func (db *DB) ClaimConfirmSend(ctx context.Context, id int64, emailKey string, notBefore, now time.Time) (bool, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// On PostgreSQL two claims for one address and two lists would
		// otherwise both see no other claim under READ COMMITTED.
		if err := db.dialect.exclusive(ctx, tx, "confirm:"+emailKey); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE subscribers SET confirm_sent_at = $1, confirm_sends = confirm_sends + 1
		WHERE id = $2 AND state = 'pending' AND NOT EXISTS (SELECT 1 FROM subscribers
			WHERE email_key = $3 AND confirm_sent_at != '' AND confirm_sent_at > $4)`,
			formatTime(now), id, emailKey, formatTime(notBefore))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: claim confirmation: %w", err)
	}
	return n == 1, nil
}

// ReleaseConfirmSend undoes a [DB.ClaimConfirmSend] whose mail could not
// be sent, so that the address may ask again at once.
func (db *DB) ReleaseConfirmSend(ctx context.Context, id int64, previous time.Time) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE subscribers SET confirm_sent_at = $1, confirm_sends = confirm_sends - 1
		WHERE id = $2`, formatTime(previous), id)
	if err != nil {
		return fmt.Errorf("store: release confirmation: %w", err)
	}
	return nil
}

// Confirm confirms the pending (or already confirmed) subscription of
// emailKey to list whose nonce is nonce, and reports whether there was
// one.
func (db *DB) Confirm(ctx context.Context, emailKey, list, nonce string, now time.Time) (bool, error) {
	res, err := db.sql.ExecContext(ctx, `UPDATE subscribers SET state = 'confirmed',
		confirmed_at = CASE WHEN state = 'confirmed' THEN confirmed_at ELSE $1 END
		WHERE email_key = $2 AND list = $3 AND nonce = $4 AND state IN ('pending', 'confirmed')`,
		formatTime(now), emailKey, list, nonce)
	if err != nil {
		return false, fmt.Errorf("store: confirm: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Unsubscribe ends the subscription of emailKey to list whose nonce is
// nonce and reports whether there was one (an unsubscribed one counts:
// unsubscribing twice is not an error).
func (db *DB) Unsubscribe(ctx context.Context, emailKey, list, nonce string, now time.Time) (bool, error) {
	res, err := db.sql.ExecContext(ctx, `UPDATE subscribers SET state = 'unsubscribed',
		unsubscribed_at = CASE WHEN state = 'unsubscribed' THEN unsubscribed_at ELSE $1 END
		WHERE email_key = $2 AND list = $3 AND nonce = $4`, formatTime(now), emailKey, list, nonce)
	if err != nil {
		return false, fmt.Errorf("store: unsubscribe: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SubscriberCounts returns how many subscriptions of list are in each
// state. It never lists addresses.
func (db *DB) SubscriberCounts(ctx context.Context, list string) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT state, count(*) FROM subscribers WHERE list = $1 GROUP BY state`, list)
	if err != nil {
		return nil, fmt.Errorf("store: count subscribers: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count subscribers: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}
