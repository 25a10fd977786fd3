package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

// Org is an organisation with a plan.
type Org struct {
	ID      int64
	Name    string
	Plan    string
	Created time.Time
}

// TokenInfo is a stored token as listed: never the token itself.
type TokenInfo struct {
	ID       int64
	Prefix   string
	Org      string
	Plan     string
	Created  time.Time
	LastUsed time.Time // zero if never used (recorded at most once a minute)
	Revoked  time.Time // zero unless revoked
}

// ErrPlanDiffers is wrapped by [DB.EnsureOrg] when the organisation
// exists with another plan and the plan is not to be changed.
var ErrPlanDiffers = errors.New("the organisation has another plan")

// EnsureOrg returns the organisation called name, creating it with plan
// if needed. An existing one with another plan is an error wrapping
// [ErrPlanDiffers], unless setPlan, which changes its plan.
func (db *DB) EnsureOrg(ctx context.Context, name, plan string, setPlan bool, now time.Time) (Org, bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return Org{}, false, fmt.Errorf("store: org %s: %w", name, err)
	}
	defer tx.Rollback()
	var o Org
	var created string
	err = tx.QueryRowContext(ctx, `SELECT id, name, plan, created_at FROM orgs WHERE name = $1`, name).
		Scan(&o.ID, &o.Name, &o.Plan, &created)
	isNew := errors.Is(err, sql.ErrNoRows)
	switch {
	case isNew:
		created = formatTime(now)
		err = tx.QueryRowContext(ctx, `INSERT INTO orgs (name, plan, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET plan = orgs.plan RETURNING id, plan, created_at`, name, plan, created).
			Scan(&o.ID, &o.Plan, &created)
		o.Name = name
	case err == nil && o.Plan != plan && !setPlan:
		return Org{}, false, fmt.Errorf("store: org %s: %w (%s, not %s)", name, ErrPlanDiffers, o.Plan, plan)
	case err == nil && o.Plan != plan:
		_, err = tx.ExecContext(ctx, `UPDATE orgs SET plan = $1 WHERE id = $2`, plan, o.ID)
		o.Plan = plan
	}
	if err != nil {
		return Org{}, false, fmt.Errorf("store: org %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return Org{}, false, fmt.Errorf("store: org %s: %w", name, err)
	}
	o.Created, _ = time.Parse(timeLayout, created)
	return o, isNew, nil
}

// AddToken stores a token of the organisation: its hash and prefix
// only. It returns the token's id.
func (db *DB) AddToken(ctx context.Context, orgID int64, tok access.Token, now time.Time) (int64, error) {
	var id int64
	err := db.sql.QueryRowContext(ctx, `INSERT INTO tokens (org_id, prefix, sha256, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, orgID, tok.Prefix(), tok.Hash(), formatTime(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add token: %w", err)
	}
	return id, nil
}

const tokenInfoQuery = `SELECT t.id, t.prefix, o.name, o.plan, t.created_at, t.last_used_at, t.revoked_at
	FROM tokens t JOIN orgs o ON o.id = t.org_id`

// Tokens lists every token, oldest first.
func (db *DB) Tokens(ctx context.Context) ([]TokenInfo, error) {
	return db.tokenInfos(ctx, tokenInfoQuery+` ORDER BY t.id`)
}

func (db *DB) tokenInfos(ctx context.Context, query string, args ...any) ([]TokenInfo, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	var out []TokenInfo
	for rows.Next() {
		var t TokenInfo
		var created, used, revoked string
		if err := rows.Scan(&t.ID, &t.Prefix, &t.Org, &t.Plan, &created, &used, &revoked); err != nil {
			return nil, fmt.Errorf("store: tokens: %w", err)
		}
		t.Created, _ = time.Parse(timeLayout, created)
		t.LastUsed, _ = time.Parse(timeLayout, used)
		t.Revoked, _ = time.Parse(timeLayout, revoked)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return out, nil
}

// ErrAmbiguous is wrapped by [DB.RevokeToken] when a prefix names
// several tokens.
var ErrAmbiguous = errors.New("ambiguous")

// RevokeToken revokes the token named by ref: its id (digits), its
// prefix, or the whole token. It returns the token as revoked; revoking
// one already revoked keeps its first revocation time. An unknown ref is
// an error wrapping [ErrNotFound]; a prefix of several tokens one
// wrapping [ErrAmbiguous].
func (db *DB) RevokeToken(ctx context.Context, ref string, now time.Time) (TokenInfo, error) {
	var where string
	var arg any
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		where, arg = ` WHERE t.id = $1`, id
	} else if tok, err := access.ParseToken(ref); err == nil {
		where, arg = ` WHERE t.sha256 = $1`, tok.Hash()
	} else {
		where, arg = ` WHERE t.prefix = $1`, ref
	}
	found, err := db.tokenInfos(ctx, tokenInfoQuery+where, arg)
	if err != nil {
		return TokenInfo{}, err
	}
	switch len(found) {
	case 0:
		return TokenInfo{}, fmt.Errorf("store: revoke token: no token has the id, prefix or value given: %w", ErrNotFound)
	case 1:
	default:
		return TokenInfo{}, fmt.Errorf("store: revoke token: %d tokens have the prefix %s; give the id: %w", len(found), ref, ErrAmbiguous)
	}
	t := found[0]
	if !t.Revoked.IsZero() {
		return t, nil
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = ''`,
		formatTime(now), t.ID); err != nil {
		return TokenInfo{}, fmt.Errorf("store: revoke token %d: %w", t.ID, err)
	}
	t.Revoked = now.UTC()
	return t, nil
}

// Credential returns what the token with the hex SHA-256 hash grants,
// or an error wrapping [access.ErrUnknownToken]. A revoked token is
// returned with Revoked set.
func (db *DB) Credential(ctx context.Context, hash string) (access.Credential, error) {
	var c access.Credential
	var revoked string
	err := db.sql.QueryRowContext(ctx, `SELECT t.id, o.id, o.name, o.plan, t.revoked_at
		FROM tokens t JOIN orgs o ON o.id = t.org_id WHERE t.sha256 = $1`, hash).
		Scan(&c.TokenID, &c.OrgID, &c.Org, &c.Plan, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: credential: %w", access.ErrUnknownToken)
	}
	if err != nil {
		return c, fmt.Errorf("store: credential: %w", err)
	}
	c.Revoked = revoked != ""
	return c, nil
}

// AddUsage adds each count to its window's shared count, in one
// transaction, and returns the totals after it, in order; a count of 0
// only reads the total. The addition is one upsert per window, so that
// any number of processes can add at once.
func (db *DB) AddUsage(ctx context.Context, counts []access.Count) ([]int64, error) {
	if len(counts) == 0 {
		return nil, nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: add usage: %w", err)
	}
	defer tx.Rollback()
	totals := make([]int64, len(counts))
	for i, c := range counts {
		start := formatTime(c.Start)
		if c.N == 0 {
			err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(requests), 0) FROM quota_counts
				WHERE org_id = $1 AND span = $2 AND starts_at = $3`, c.OrgID, c.Span.String(), start).Scan(&totals[i])
		} else {
			err = tx.QueryRowContext(ctx, `INSERT INTO quota_counts (org_id, span, starts_at, requests)
				VALUES ($1, $2, $3, $4)
				ON CONFLICT (org_id, span, starts_at) DO UPDATE SET requests = quota_counts.requests + excluded.requests
				RETURNING requests`, c.OrgID, c.Span.String(), start, c.N).Scan(&totals[i])
		}
		if err != nil {
			return nil, fmt.Errorf("store: add usage of org %d: %w", c.OrgID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: add usage: %w", err)
	}
	return totals, nil
}

// TouchTokens records that the tokens were used at.
func (db *DB) TouchTokens(ctx context.Context, ids []int64, at time.Time) error {
	for _, id := range ids {
		if _, err := db.sql.ExecContext(ctx, `UPDATE tokens SET last_used_at = $1 WHERE id = $2`, formatTime(at), id); err != nil {
			return fmt.Errorf("store: token %d last used: %w", id, err)
		}
	}
	return nil
}

// PruneUsage deletes the minute counts of windows that started before.
// Day counts are kept: they are the usage history.
func (db *DB) PruneUsage(ctx context.Context, before time.Time) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM quota_counts WHERE span = $1 AND starts_at < $2`,
		access.Minute.String(), formatTime(before)); err != nil {
		return fmt.Errorf("store: prune usage: %w", err)
	}
	return nil
}

// DayUsage returns the requests of each organisation on the day that
// holds day, by organisation name.
func (db *DB) DayUsage(ctx context.Context, day time.Time) (map[string]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT o.name, q.requests FROM quota_counts q JOIN orgs o ON o.id = q.org_id
		WHERE q.span = $1 AND q.starts_at = $2`, access.Day.String(), formatTime(access.Day.Start(day)))
	if err != nil {
		return nil, fmt.Errorf("store: day usage: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, fmt.Errorf("store: day usage: %w", err)
		}
		out[name] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: day usage: %w", err)
	}
	return out, nil
}
