package gate

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

// maxCached bounds the token cache; past it, the cache starts afresh.
const maxCached = 100_000

// cached is what the gate knows of one token until expires.
type cached struct {
	cred    access.Credential
	err     error  // the token's refusal (unknown, revoked, no plan), or nil
	meter   *meter // its organisation's counts, when err is nil
	expires int64  // unix nanoseconds
	used    atomic.Bool
	touched atomic.Int64 // when its last use was last recorded (unix nanoseconds)
}

// credential returns what the credentials raw grant: from the cache
// while fresh (only well-formed tokens are cached), else, once checked
// to be a token, from the store. When the store fails, a stale entry is
// used (and the failure logged) rather than refusing a token that was
// good.
func (g *Gate) credential(ctx context.Context, raw string, now time.Time) (*cached, error) {
	g.tmu.RLock()
	old := g.tokens[raw]
	g.tmu.RUnlock()
	if old != nil && now.UnixNano() < old.expires {
		return old, old.err
	}
	tok, err := access.ParseToken(raw)
	if err != nil {
		return nil, err
	}
	c, err := g.lookup(ctx, tok, now)
	if err != nil {
		if old == nil {
			return nil, err
		}
		g.log.Warn("token check failed; using the last answer", slog.String("token", tok.String()), slog.Any("err", err))
		c = &cached{cred: old.cred, err: old.err, meter: old.meter}
	}
	c.expires = now.Add(g.cfg.TokenTTL).UnixNano()
	if old != nil {
		c.touched.Store(old.touched.Load())
		c.used.Store(old.used.Load())
	}
	g.tmu.Lock()
	if len(g.tokens) >= maxCached {
		clear(g.tokens)
	}
	g.tokens[raw] = c
	g.tmu.Unlock()
	return c, c.err
}

// lookup asks the store what tok grants. A refusal is returned in the
// entry (to be cached); an error is a failure of the store.
func (g *Gate) lookup(ctx context.Context, tok access.Token, now time.Time) (*cached, error) {
	cred, err := g.cfg.Store.Credential(ctx, tok.Hash())
	switch {
	case Refused(err):
		return &cached{err: fmt.Errorf("%w: no such token on this server", access.ErrUnknownToken)}, nil
	case err != nil:
		return nil, fmt.Errorf("gate: checking a token: %w", err)
	case cred.Revoked:
		return &cached{cred: cred, err: fmt.Errorf("%w: this token was revoked", access.ErrRevokedToken)}, nil
	}
	plan, err := g.cfg.Plans.Lookup(cred.Plan)
	if err != nil {
		return &cached{cred: cred, err: fmt.Errorf("%w: organisation %s has the plan %q: ask the operator to set a plan of this server (%v)",
			ErrNoPlan, cred.Org, cred.Plan, err)}, nil
	}
	return &cached{cred: cred, meter: g.meter(ctx, cred, plan, now)}, nil
}

// touchTokens records the last use of the tokens used since they were
// last recorded, at most once a minute each, and forgets tokens unused
// for a while.
func (g *Gate) touchTokens(ctx context.Context, now time.Time) {
	var ids []int64
	var entries []*cached
	g.tmu.Lock()
	for k, c := range g.tokens {
		if now.UnixNano() > c.expires+int64(10*time.Minute) && !c.used.Load() {
			delete(g.tokens, k)
			continue
		}
		if c.err == nil && c.used.Load() && now.UnixNano()-c.touched.Load() >= int64(time.Minute) {
			ids = append(ids, c.cred.TokenID)
			entries = append(entries, c)
		}
	}
	g.tmu.Unlock()
	if len(ids) == 0 {
		return
	}
	if err := g.cfg.Store.TouchTokens(ctx, ids, now); err != nil {
		g.log.Warn("recording when tokens were used failed", slog.Any("err", err))
		return
	}
	for _, c := range entries {
		c.touched.Store(now.UnixNano())
		c.used.Store(false)
	}
}
