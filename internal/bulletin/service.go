// Package bulletin builds, keeps and sends what changed: it reads the
// range snapshots from the store and the atlas, builds the daily
// roundups and weekly reading lists of internal/digest, stores each one
// once it is complete, runs the e-mail subscriptions (double opt-in,
// signed links, throttles) and sends each issue to each confirmed
// subscriber exactly once through an outbox in the store. The design is
// in docs/digests.md.
package bulletin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/digest"
	"github.com/cloudatlas/cloudatlas/internal/mailer"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/subscription"
	"golang.org/x/time/rate"
)

// Config is what a [Service] needs.
type Config struct {
	// DB is the store with the range snapshots; digests, subscribers
	// and the outbox are kept there too. Required.
	DB *store.DB
	// Dir is the data directory: a send holds a lock file in it.
	// Required for sending.
	Dir string
	// Atlas is the curated atlas. Required.
	Atlas *atlas.Atlas
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Mailer sends the mails; nil means no mail (subscribing fails
	// with [ErrNoMail]).
	Mailer *mailer.Mailer
	// Signer signs the confirmation and unsubscribe links; required
	// with Mailer.
	Signer *subscription.Signer
	// BaseURL is the site's absolute URL, for links in mails and feeds
	// ("https://atlas.example.org"); required with Mailer.
	BaseURL *url.URL
	// Logger receives what a send does; nil discards it.
	Logger *slog.Logger
	// ConfirmTTL is how long a confirmation link works; 0 means 48 h.
	ConfirmTTL time.Duration
	// ConfirmMailsPerHour caps the confirmation mails of the whole
	// server; 0 means 60.
	ConfirmMailsPerHour int
}

// Service builds, keeps and sends the digests. It is safe for
// concurrent use.
type Service struct {
	cfg     Config
	now     func() time.Time
	log     *slog.Logger
	clients *subscription.Limiter // POST /subscribe per client
	confirm *rate.Limiter         // confirmation mails, whole server

	daysOnce sync.Once
	days     map[string][]string // entity -> atlas days (see digest.AtlasDays)

	build sync.Mutex // one build of a digest at a time
}

// The list names of stored digests.
const (
	Daily  = subscription.Daily
	Weekly = subscription.Weekly
)

// New returns a service over cfg.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil || cfg.Atlas == nil {
		return nil, errors.New("bulletin: config needs a store and an atlas")
	}
	if cfg.Mailer != nil && (cfg.Signer == nil || cfg.BaseURL == nil) {
		return nil, errors.New("bulletin: sending mail needs a signing key and a base URL")
	}
	if cfg.BaseURL != nil && (!cfg.BaseURL.IsAbs() || cfg.BaseURL.Host == "") {
		return nil, fmt.Errorf("bulletin: base URL %q is not absolute (want https://host[/path])", cfg.BaseURL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ConfirmTTL == 0 {
		cfg.ConfirmTTL = 48 * time.Hour
	}
	if cfg.ConfirmMailsPerHour == 0 {
		cfg.ConfirmMailsPerHour = 60
	}
	return &Service{cfg: cfg, now: cfg.Now, log: cfg.Logger,
		clients: subscription.NewLimiter(5, 2*time.Minute),
		confirm: rate.NewLimiter(rate.Every(time.Hour/time.Duration(cfg.ConfirmMailsPerHour)), 10)}, nil
}

// Atlas returns the atlas the service reads.
func (s *Service) Atlas() *atlas.Atlas { return s.cfg.Atlas }

// MailEnabled reports whether the service can send mail.
func (s *Service) MailEnabled() bool { return s.cfg.Mailer != nil }

// BaseURL returns the site's absolute URL, or nil.
func (s *Service) BaseURL() *url.URL { return s.cfg.BaseURL }

// ErrFuture reports a day or week that has not begun.
var ErrFuture = errors.New("has not begun yet")

// RoundupIssue is a roundup with when it was built. A provisional one
// is of a day not yet over: it is built afresh each time, never stored.
type RoundupIssue struct {
	*digest.Roundup
	BuiltAt     time.Time `json:"built_at"`
	Provisional bool      `json:"provisional"`
}

// ListIssue is a reading list with when it was built; provisional when
// its week is not over.
type ListIssue struct {
	*digest.ReadingList
	BuiltAt     time.Time `json:"built_at"`
	Provisional bool      `json:"provisional"`
}

// Roundup returns the roundup of day: the stored one, else one built
// now (and stored when the day is over). With rebuild, a stored one is
// built again and replaces it (after history was imported late).
func (s *Service) Roundup(ctx context.Context, day time.Time, rebuild bool) (*RoundupIssue, error) {
	day = digest.DayOf(day)
	now := s.now()
	if day.After(now) {
		return nil, fmt.Errorf("roundup of %s: the day %w", day.Format(time.DateOnly), ErrFuture)
	}
	key := day.Format(time.DateOnly)
	if !rebuild {
		if is, err := s.storedRoundup(ctx, key); err == nil || !errors.Is(err, store.ErrNotFound) {
			return is, err
		}
	}
	s.build.Lock()
	defer s.build.Unlock()
	feeds, err := s.feedInputs(ctx, day)
	if err != nil {
		return nil, fmt.Errorf("roundup of %s: %w", key, err)
	}
	r := digest.BuildRoundup(s.cfg.Atlas, day, feeds)
	complete := !day.AddDate(0, 0, 1).After(now)
	if !complete {
		return &RoundupIssue{Roundup: r, BuiltAt: now, Provisional: true}, nil
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("roundup of %s: %w", key, err)
	}
	d, err := s.cfg.DB.SaveDigest(ctx, store.Digest{List: Daily, Key: key, BuiltAt: now, Quiet: r.Quiet(),
		Body: body, Entities: r.Entities()}, rebuild)
	if err != nil {
		return nil, err
	}
	return decodeRoundup(d)
}

func (s *Service) storedRoundup(ctx context.Context, key string) (*RoundupIssue, error) {
	d, err := s.cfg.DB.Digest(ctx, Daily, key)
	if err != nil {
		return nil, err
	}
	return decodeRoundup(d)
}

func decodeRoundup(d store.Digest) (*RoundupIssue, error) {
	var r digest.Roundup
	if err := json.Unmarshal(d.Body, &r); err != nil {
		return nil, fmt.Errorf("bulletin: stored roundup %s is corrupt: %w", d.Key, err)
	}
	return &RoundupIssue{Roundup: &r, BuiltAt: d.BuiltAt}, nil
}

// feedInputs loads, for every feed whose snapshot in force changed on
// day, the snapshots in force at the end of the day before and of day.
func (s *Service) feedInputs(ctx context.Context, day time.Time) ([]digest.FeedInput, error) {
	cur, err := s.cfg.DB.Current(ctx)
	if err != nil {
		return nil, err
	}
	before, end := day.Add(-time.Nanosecond), day.AddDate(0, 0, 1).Add(-time.Nanosecond)
	var out []digest.FeedInput
	for _, c := range cur {
		hist, err := s.cfg.DB.History(ctx, c.Feed)
		if err != nil {
			return nil, err
		}
		newInfo, ok := store.InForceAt(hist, end)
		if !ok {
			continue
		}
		oldInfo, hadOld := store.InForceAt(hist, before)
		if hadOld && oldInfo.ID == newInfo.ID {
			continue
		}
		in := digest.FeedInput{Feed: c.Feed}
		if in.New, err = s.load(ctx, newInfo.ID); err != nil {
			return nil, err
		}
		if hadOld {
			if in.Old, err = s.load(ctx, oldInfo.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, in)
	}
	return out, nil
}

func (s *Service) load(ctx context.Context, id int64) (*digest.Snapshot, error) {
	snap, err := s.cfg.DB.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return &digest.Snapshot{ID: id, Snapshot: snap}, nil
}

// ReadingList returns the reading list of week w: the stored one, else
// one built now from the roundups of its days (stored when the week is
// over). With rebuild, a stored one is built again.
func (s *Service) ReadingList(ctx context.Context, w digest.Week, rebuild bool) (*ListIssue, error) {
	now := s.now()
	if w.Monday().After(now) {
		return nil, fmt.Errorf("reading list of %s: the week %w", w, ErrFuture)
	}
	key := w.String()
	if !rebuild {
		d, err := s.cfg.DB.Digest(ctx, Weekly, key)
		if err == nil {
			return decodeList(d)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	var rs []*digest.Roundup
	for _, day := range w.Days() {
		if day.After(now) {
			break
		}
		r, err := s.Roundup(ctx, day, false)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r.Roundup)
	}
	l := digest.BuildReadingList(s.cfg.Atlas, w, rs)
	if w.Next().Monday().After(now) {
		return &ListIssue{ReadingList: l, BuiltAt: now, Provisional: true}, nil
	}
	body, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("reading list of %s: %w", key, err)
	}
	d, err := s.cfg.DB.SaveDigest(ctx, store.Digest{List: Weekly, Key: key, BuiltAt: now, Quiet: l.Quiet(),
		Body: body, Entities: l.Entities()}, rebuild)
	if err != nil {
		return nil, err
	}
	return decodeList(d)
}

func decodeList(d store.Digest) (*ListIssue, error) {
	var l digest.ReadingList
	if err := json.Unmarshal(d.Body, &l); err != nil {
		return nil, fmt.Errorf("bulletin: stored reading list %s is corrupt: %w", d.Key, err)
	}
	return &ListIssue{ReadingList: &l, BuiltAt: d.BuiltAt}, nil
}

// atlasDays returns the atlas's change days per entity, computed once.
func (s *Service) atlasDays() map[string][]string {
	s.daysOnce.Do(func() { s.days = digest.AtlasDays(s.cfg.Atlas) })
	return s.days
}

// ChangeDays returns the complete days (newest first, at most limit)
// on which something changed: a snapshot came into force or the atlas
// records a change.
func (s *Service) ChangeDays(ctx context.Context, limit int) ([]string, error) {
	set := map[string]bool{}
	for _, d := range s.atlasDays()[""] {
		set[d] = true
	}
	cur, err := s.cfg.DB.Current(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cur {
		hist, err := s.cfg.DB.History(ctx, c.Feed)
		if err != nil {
			return nil, err
		}
		for _, h := range hist {
			set[h.InForceFrom().UTC().Format(time.DateOnly)] = true
		}
	}
	today := digest.DayOf(s.now()).Format(time.DateOnly)
	var days []string
	for d := range set {
		if d < today {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	slices.Reverse(days)
	return days[:min(limit, len(days))], nil
}

// Prebuild builds and stores the roundups of the complete days on
// which a snapshot came into force, newest first, at most limit, so
// that the entity pages can list the range changes that concern them.
func (s *Service) Prebuild(ctx context.Context, limit int) (int, error) {
	cur, err := s.cfg.DB.Current(ctx)
	if err != nil {
		return 0, err
	}
	set := map[string]bool{}
	for _, c := range cur {
		hist, err := s.cfg.DB.History(ctx, c.Feed)
		if err != nil {
			return 0, err
		}
		for _, h := range hist {
			set[h.InForceFrom().UTC().Format(time.DateOnly)] = true
		}
	}
	var days []string
	for d := range set {
		days = append(days, d)
	}
	slices.Sort(days)
	slices.Reverse(days)
	today := digest.DayOf(s.now())
	n := 0
	for _, d := range days {
		day, _ := digest.ParseDay(d)
		if !day.Before(today) {
			continue
		}
		if n >= limit {
			break
		}
		if _, err := s.Roundup(ctx, day, false); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// EntityDigests is what the digests say about one entity.
type EntityDigests struct {
	// Days are the roundups that concern it, newest first.
	Days []string
	// Weeks are the stored reading lists that concern it, newest first.
	Weeks []string
	// Readings are the readings about it, newest first.
	Readings []digest.ReadingItem
}

// ForEntity returns the roundups, reading lists and readings that
// concern entity id: atlas changes are known from the atlas, range
// changes from the roundups built so far.
func (s *Service) ForEntity(ctx context.Context, id string) (*EntityDigests, error) {
	set := map[string]bool{}
	for _, d := range s.atlasDays()[id] {
		set[d] = true
	}
	refs, err := s.cfg.DB.DigestsAbout(ctx, id)
	if err != nil {
		return nil, err
	}
	weeks := map[string]bool{}
	for _, r := range refs {
		if r.List == Daily {
			set[r.Key] = true
		} else {
			weeks[r.Key] = true
		}
	}
	out := &EntityDigests{Readings: digest.ReadingsAbout(s.cfg.Atlas, id)}
	today := digest.DayOf(s.now()).Format(time.DateOnly)
	for d := range set {
		if d < today {
			out.Days = append(out.Days, d)
		}
	}
	for w := range weeks {
		out.Weeks = append(out.Weeks, w)
	}
	slices.Sort(out.Days)
	slices.Reverse(out.Days)
	slices.Sort(out.Weeks)
	slices.Reverse(out.Weeks)
	return out, nil
}
