package store

import (
	"context"
	"fmt"
	"time"
)

// The states of an outbox row.
const (
	OutQueued  = "queued"  // to send
	OutSending = "sending" // committed before the SMTP transaction began
	OutSent    = "sent"    // the server accepted the message
	OutFailed  = "failed"  // the server refused it for good
	OutSkipped = "skipped" // the subscriber left before it was sent
)

// OutboxItem is one issue's mail to one subscriber.
type OutboxItem struct {
	List, Key    string
	SubscriberID int64
	MessageID    string
	State        string
	Attempts     int
	Response     string
	Subscriber   Subscriber
}

// QueueIssue fixes the recipients of an issue: on its first call for
// (list, key) it queues one outbox row per confirmed subscriber of list,
// with the message id messageID gives, and reports true; later calls
// change nothing and report false, so that a rerun sends to no one new.
func (db *DB) QueueIssue(ctx context.Context, list, key string, now time.Time, messageID func(subscriberID int64) string) (bool, int, error) {
	op := "queue " + list + "/" + key
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, 0, fmt.Errorf("store: %s: %w", op, err)
	}
	defer tx.Rollback()
	if err := db.dialect.exclusive(ctx, tx, "queue"); err != nil {
		return false, 0, fmt.Errorf("store: %s: %w", op, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sends WHERE list = $1 AND key = $2`, list, key).Scan(&n); err != nil {
		return false, 0, fmt.Errorf("store: %s: %w", op, err)
	}
	if n > 0 {
		return false, 0, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM subscribers WHERE list = $1 AND state = 'confirmed' ORDER BY id`, list)
	if err != nil {
		return false, 0, fmt.Errorf("store: %s: %w", op, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, 0, fmt.Errorf("store: %s: %w", op, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, 0, fmt.Errorf("store: %s: %w", op, err)
	}
	ts := formatTime(now)
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (list, key, subscriber_id, message_id, state, updated_at)
			VALUES ($1, $2, $3, $4, 'queued', $5)`, list, key, id, messageID(id), ts); err != nil {
			return false, 0, fmt.Errorf("store: %s: %w", op, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sends (list, key, queued_at, recipients) VALUES ($1, $2, $3, $4)`,
		list, key, ts, len(ids)); err != nil {
		return false, 0, fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return false, 0, fmt.Errorf("store: %s: commit: %w", op, err)
	}
	return true, len(ids), nil
}

// Unsent returns the outbox rows of an issue still to send: queued, and
// sending (a sender stopped between claiming and recording the outcome),
// by subscriber id, with their subscriptions.
func (db *DB) Unsent(ctx context.Context, list, key string) ([]OutboxItem, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT o.subscriber_id, o.message_id, o.state, o.attempts, o.response,
		s.id, s.email, s.email_key, s.list, s.state, s.nonce, s.created_at, s.confirm_sent_at, s.confirm_sends,
		s.confirmed_at, s.unsubscribed_at
		FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id
		WHERE o.list = $1 AND o.key = $2 AND o.state IN ('queued', 'sending') ORDER BY o.subscriber_id`, list, key)
	if err != nil {
		return nil, fmt.Errorf("store: outbox %s/%s: %w", list, key, err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		it := OutboxItem{List: list, Key: key}
		var s Subscriber
		var created, sent, confirmed, unsub string
		if err := rows.Scan(&it.SubscriberID, &it.MessageID, &it.State, &it.Attempts, &it.Response,
			&s.ID, &s.Email, &s.EmailKey, &s.List, &s.State, &s.Nonce, &created, &sent, &s.ConfirmSends,
			&confirmed, &unsub); err != nil {
			return nil, fmt.Errorf("store: outbox %s/%s: %w", list, key, err)
		}
		s.Created, _ = time.Parse(timeLayout, created)
		s.ConfirmSent, _ = time.Parse(timeLayout, sent)
		s.Confirmed, _ = time.Parse(timeLayout, confirmed)
		s.Unsubscribed, _ = time.Parse(timeLayout, unsub)
		it.Subscriber = s
		out = append(out, it)
	}
	return out, rows.Err()
}

// MarkOutbox records the state of one outbox row: sending (before the
// SMTP transaction; it counts an attempt), sent, failed, skipped or
// queued again, with the server's response.
func (db *DB) MarkOutbox(ctx context.Context, list, key string, subscriberID int64, state, response string, now time.Time) error {
	attempt := 0
	if state == OutSending {
		attempt = 1
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE outbox SET state = $1, response = $2, updated_at = $3,
		attempts = attempts + $4 WHERE list = $5 AND key = $6 AND subscriber_id = $7`,
		state, response, formatTime(now), attempt, list, key, subscriberID)
	if err != nil {
		return fmt.Errorf("store: outbox %s/%s subscriber %d: %w", list, key, subscriberID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: outbox %s/%s subscriber %d: %w", list, key, subscriberID, ErrNotFound)
	}
	return nil
}

// OutboxCounts returns how many rows of an issue are in each state.
func (db *DB) OutboxCounts(ctx context.Context, list, key string) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT state, count(*) FROM outbox WHERE list = $1 AND key = $2 GROUP BY state`, list, key)
	if err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: outbox counts: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}
