// Package gate admits requests to the JSON API. It checks bearer tokens
// against the store (caching what it learns for a short time, so that a
// revocation reaches a running server within TokenTTL), and counts the
// requests of each organisation against its plan's quotas ([access]).
//
// Counting is in memory: a request costs no store access. Every Sync
// interval the gate adds what it counted to the shared counts in the
// store with one upsert per window, which returns the total of every
// process; the next decisions use it. A process therefore sees the
// requests of the others at most about two intervals late (theirs wait
// up to one interval to be flushed, its own read up to one more), which
// bounds how far a quota can be overshot across replicas. Requests
// without a token get the anonymous allowance, counted per client
// address in this process only.
package gate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

// Store is what the gate needs of the store (internal/store's DB).
type Store interface {
	// Credential returns what the token with the hex SHA-256 hash grants,
	// or an error wrapping access.ErrUnknownToken.
	Credential(ctx context.Context, hash string) (access.Credential, error)
	// AddUsage adds each count to the shared count of its window and
	// returns the totals (a count of 0 only reads).
	AddUsage(ctx context.Context, counts []access.Count) ([]int64, error)
	// TouchTokens records when tokens were last used.
	TouchTokens(ctx context.Context, ids []int64, at time.Time) error
	// PruneUsage deletes the minute counts of windows started before.
	PruneUsage(ctx context.Context, before time.Time) error
}

// Config is what a [Gate] needs.
type Config struct {
	Store Store         // required
	Plans *access.Plans // required: the plans organisations have
	// Anonymous is the allowance of requests without a token, per client
	// address; usually Plans.Anonymous. Limits of 0 are unlimited.
	Anonymous access.Plan
	// TokenTTL is how long a token check is reused before the store is
	// asked again (how long a revocation may take to apply); 0 means 5 s.
	TokenTTL time.Duration
	// Sync is how often counts are shared through the store; 0 means 1 s.
	Sync time.Duration
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Errors of [Gate.Admit] besides the token errors of package access.
var (
	// ErrNotBearer: an Authorization header of another scheme.
	ErrNotBearer = errors.New("not a bearer token")
	// ErrNoPlan: the token's organisation has a plan the server does not know.
	ErrNoPlan = errors.New("plan unknown to this server")
)

// Refused reports whether err is a refusal of the credentials the
// client sent (answered 401, or 403 for [ErrNoPlan]) rather than a
// failure of the server.
func Refused(err error) bool {
	for _, e := range []error{access.ErrMalformedToken, access.ErrUnknownToken, access.ErrRevokedToken, ErrNotBearer, ErrNoPlan} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Verdict is the gate's answer to one request.
type Verdict struct {
	access.Decision
	Plan access.Plan
	Org  string // the organisation of the token; "" without one
	// Policy is the plan's quotas as the RateLimit-Policy header says them
	// ([access.Plan.Policy]), computed once per plan.
	Policy string
}

// Gate admits requests. Build it with [New]; run [Gate.Run] to share
// counts through the store. It is safe for concurrent use.
type Gate struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	tmu    sync.RWMutex
	tokens map[string]*cached // by token
	mu     sync.Mutex
	meters map[int64]*meter // by organisation id
	// retired are counts of windows that ended before they were flushed.
	retired []access.Count
	anon    *anonymous
}

// New returns a gate over cfg.
func New(cfg Config) (*Gate, error) {
	if cfg.Store == nil || cfg.Plans == nil {
		return nil, errors.New("gate: config needs a store and plans")
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 5 * time.Second
	}
	if cfg.Sync <= 0 {
		cfg.Sync = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Gate{cfg: cfg, log: cfg.Logger, now: cfg.Now, meters: map[int64]*meter{}, tokens: map[string]*cached{},
		anon: newAnonymous(cfg.Anonymous)}, nil
}

// Anonymous returns the allowance of requests without a token.
func (g *Gate) Anonymous() access.Plan { return g.cfg.Anonymous }

// ErrNoToken is returned by [Gate.Admit] for a request without
// credentials: it gets the anonymous allowance ([Gate.AdmitAnonymous]).
var ErrNoToken = errors.New("no token")

// Admit decides one request given its Authorization header: a good
// token's request is counted against its organisation's quotas. Without
// a header the error is [ErrNoToken]; a header that is not a good token
// is refused with an error for which [Refused] holds. Both are then for
// the caller to count against the client's anonymous allowance
// ([Gate.AdmitAnonymous]; for refusals, that bounds how fast tokens can
// be guessed). Any other error is a failure of the store.
func (g *Gate) Admit(ctx context.Context, authorization string) (Verdict, error) {
	if authorization == "" {
		return Verdict{}, ErrNoToken
	}
	tok, err := bearer(authorization)
	if err != nil {
		return Verdict{}, err
	}
	now := g.now()
	c, err := g.credential(ctx, tok, now)
	if err != nil {
		return Verdict{}, err
	}
	c.used.Store(true)
	return c.meter.take(now), nil
}

// AdmitAnonymous decides one request of the client at addr against the
// anonymous allowance (counted per address, in this process). An invalid
// addr (unknown client) shares one count with the other unknown ones.
func (g *Gate) AdmitAnonymous(addr netip.Addr) Verdict {
	return g.anon.take(addr, g.now())
}

// bearer returns the credentials of an Authorization header "Bearer
// TOKEN" (the scheme in any case, RFC 9110), not yet checked.
func bearer(h string) (string, error) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("%w: send the header \"Authorization: Bearer TOKEN\"", ErrNotBearer)
	}
	return strings.TrimSpace(tok), nil
}

// Run shares the counts through the store every Sync interval until ctx
// is done, then shares them once more.
func (g *Gate) Run(ctx context.Context) {
	t := time.NewTicker(g.cfg.Sync)
	defer t.Stop()
	var pruned time.Time
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			g.Flush(fctx)
			return
		case <-t.C:
		}
		g.Flush(ctx)
		if now := g.now(); now.Sub(pruned) > time.Hour {
			pruned = now
			if err := g.cfg.Store.PruneUsage(ctx, now.Add(-time.Hour)); err != nil {
				g.log.Warn("pruning old quota counts failed", slog.Any("err", err))
			}
		}
	}
}
