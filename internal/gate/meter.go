package gate

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

// window is the count of one quota window of one organisation, as this
// process knows it: the requests it admitted are either still pending,
// in flight to the store, or included in shared, the total of every
// process when last read.
type window struct {
	start                     int64 // unix seconds
	shared, inflight, pending int64
}

// used returns the requests the window admitted as far as known.
func (w *window) used() int64 { return w.shared + w.inflight + w.pending }

// meter counts the requests of one organisation.
type meter struct {
	mu     sync.Mutex
	org    int64
	name   string
	plan   access.Plan
	policy string // plan.Policy()
	win    [len(access.Spans)]window
	last   int64          // unix seconds of the last request
	loaded bool           // the windows were read from the store once
	ended  []access.Count // pending counts of windows that ended, to flush
}

// meter returns the meter of the credential's organisation with plan,
// creating it, and reading its current counts from the store, on first
// sight (so that a restarted process does not start the day at zero).
func (g *Gate) meter(ctx context.Context, cred access.Credential, plan access.Plan, now time.Time) *meter {
	g.mu.Lock()
	m := g.meters[cred.OrgID]
	if m == nil {
		m = &meter{org: cred.OrgID}
		g.meters[cred.OrgID] = m
	}
	g.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.name != cred.Org || m.plan != plan || m.policy == "" {
		m.name, m.plan, m.policy = cred.Org, plan, plan.Policy()
	}
	if !m.loaded {
		m.loaded = true
		m.roll(now)
		counts := m.counts(false)
		totals, err := g.cfg.Store.AddUsage(ctx, counts)
		if err != nil {
			g.log.Warn("reading quota counts failed; counting from zero until the next sync",
				slog.String("org", cred.Org), slog.Any("err", err))
			return m
		}
		for s, t := range totals {
			m.win[s].shared = t
		}
	}
	return m
}

// take decides one request at now and counts it when admitted.
func (m *meter) take(now time.Time) Verdict {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.roll(now)
	var used access.Usage
	for s := range m.win {
		used[s] = m.win[s].used()
	}
	d := m.plan.Decide(used, now)
	if d.Allowed {
		for s := range m.win {
			m.win[s].pending++
		}
	}
	m.last = now.Unix()
	return Verdict{Decision: d, Plan: m.plan, Org: m.name, Policy: m.policy}
}

// roll moves the meter to the windows of now. The pending counts of the
// windows that ended are kept in ended until the next flush.
func (m *meter) roll(now time.Time) {
	for _, s := range access.Spans {
		start := s.Start(now).Unix()
		w := &m.win[s]
		if w.start == start {
			continue
		}
		if w.pending > 0 {
			m.ended = append(m.ended, access.Count{OrgID: m.org, Span: s, Start: time.Unix(w.start, 0).UTC(), N: w.pending})
		}
		*w = window{start: start}
	}
}

// counts returns the meter's current windows as counts: with take, what
// is pending (moved in flight); without, reads.
func (m *meter) counts(take bool) []access.Count {
	out := make([]access.Count, len(m.win))
	for s := range m.win {
		w := &m.win[s]
		out[s] = access.Count{OrgID: m.org, Span: access.Span(s), Start: time.Unix(w.start, 0).UTC()}
		if take {
			out[s].N = w.pending
			w.inflight, w.pending = w.pending, 0
		}
	}
	return out
}

// idleAfter is how long a meter without requests is kept.
const idleAfter = 10 * time.Minute

// Flush shares the counts: it adds what was admitted since the last
// flush to the store and reads back the totals of every process, for
// each organisation that made requests lately. On failure the counts
// stay pending and are added by the next flush.
func (g *Gate) Flush(ctx context.Context) {
	now := g.now()
	g.mu.Lock()
	var meters []*meter
	for id, m := range g.meters {
		if m.mu.TryLock() { // a meter being loaded is flushed next time
			idle := now.Unix()-m.last > int64(idleAfter/time.Second)
			if idle && m.win[0].pending == 0 && m.win[1].pending == 0 && len(m.ended) == 0 {
				delete(g.meters, id)
			} else {
				meters = append(meters, m)
			}
			m.mu.Unlock()
		}
	}
	retired := g.retired
	g.retired = nil
	g.mu.Unlock()

	var counts []access.Count
	for _, m := range meters {
		m.mu.Lock()
		m.roll(now)
		counts = append(counts, m.counts(true)...)
		retired = append(retired, m.ended...)
		m.ended = nil
		m.mu.Unlock()
	}
	totals, err := g.cfg.Store.AddUsage(ctx, append(counts, retired...))
	for i, m := range meters {
		m.mu.Lock()
		for s := range m.win {
			w, c := &m.win[s], counts[i*len(m.win)+s]
			switch {
			case w.start != c.Start.Unix(): // the window ended meanwhile
				if err != nil && c.N > 0 {
					retired = append(retired, c)
				}
			case err != nil:
				w.pending += w.inflight
				w.inflight = 0
			default:
				w.shared, w.inflight = totals[i*len(m.win)+s], 0
			}
		}
		m.mu.Unlock()
	}
	if err != nil {
		g.log.Warn("sharing quota counts failed; trying again at the next sync", slog.Any("err", err))
		g.mu.Lock()
		g.retired = append(g.retired, retired...)
		g.mu.Unlock()
		return
	}
	g.touchTokens(ctx, now)
}
