package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// Env is what an audit resolves its assets with: the one join, the
// range data (nil when none is loaded: addresses, CIDRs and host names
// are then unknown), how host names are answered, and the day.
type Env struct {
	Join   *answer.Joiner
	Ranges answer.Ranges
	Names  *answer.Names
	Day    time.Time
	// IncludePasses keeps the passing findings in the report; they are
	// always counted.
	IncludePasses bool
}

// maxWithin bounds the ranges inside one CIDR asset that are joined.
const maxWithin = 1000

// Resolution is what one asset resolved to: its places, most specific
// first, and the range matches that put it there; Error says why there
// is no place.
type Resolution struct {
	Places  []*Place
	Matches []RangeMatch
	Error   string

	places  [1]*Place // room for the common case of one place and match
	matches [1]RangeMatch
}

// newResolution returns an empty resolution with room for one place.
func newResolution() *Resolution {
	r := &Resolution{}
	r.Places, r.Matches = r.places[:0], r.matches[:0]
	return r
}

// RangeMatch is a range that put an asset (or one address of a host name)
// in a place.
type RangeMatch struct {
	Place    int          `json:"-"` // index in Resolution.Places
	Address  string       `json:"address,omitempty"`
	Prefix   netip.Prefix `json:"prefix"`
	Feed     string       `json:"feed"`
	Tier     string       `json:"tier"`
	Snapshot int64        `json:"snapshot"`
}

// Finding is one rule applied to one asset.
type Finding struct {
	Rule       *Rule
	Asset      *Asset
	Status     string
	Resolution *Resolution
	// Verdicts are the rule's verdicts on each place the asset resolved
	// to (one without a place when it resolved to none). The finding
	// fails when any fails, else is unknown when any is.
	Verdicts []*Verdict
	// Waiver is the exception that waived the finding; Expired lists the
	// exceptions that would have, had they not expired.
	Waiver  *Exception
	Expired []*Exception
}

// Fingerprint identifies the finding across runs (see [fingerprint]).
func (f *Finding) Fingerprint() string { return fingerprint(f.Rule, f.Asset) }

// Snapshot is a feed snapshot the audit's answers came from.
type Snapshot struct {
	Feed         string `json:"feed"`
	ID           int64  `json:"id"`
	Tier         string `json:"tier"`
	UpstreamID   string `json:"upstream_id"`
	UpstreamDate string `json:"upstream_date,omitempty"`
}

// Report is an audit: every finding, counted, with what it was made from.
type Report struct {
	Policy *Policy
	AsOf   time.Time
	Files  []InventoryFile
	// Assets counts the inventory's assets.
	Assets   int
	Findings []*Finding
	Summary  Summary
	// Snapshots are the feed snapshots of every range match, by feed and
	// id; AtlasEntities and AtlasStatements size the atlas used.
	Snapshots                      []Snapshot
	AtlasEntities, AtlasStatements int
}

// Summary counts the findings by status, over all rules and per rule
// (in policy order).
type Summary struct {
	Counts
	ByRule []RuleCounts
}

// Counts counts findings by status. UnknownIgnored counts the unknown
// findings of rules with on_unknown: ignore, which are not listed.
type Counts struct {
	Fail           int `json:"fail"`
	Pass           int `json:"pass"`
	Unknown        int `json:"unknown"`
	Waived         int `json:"waived"`
	UnknownIgnored int `json:"unknown_ignored"`
}

// RuleCounts is the count of one rule's findings.
type RuleCounts struct {
	Rule string `json:"rule"`
	Counts
}

func (c *Counts) add(status string, ignored bool) {
	switch {
	case ignored:
		c.UnknownIgnored++
	case status == StatusFail:
		c.Fail++
	case status == StatusPass:
		c.Pass++
	case status == StatusUnknown:
		c.Unknown++
	case status == StatusWaived:
		c.Waived++
	}
}

// Checked counts the findings that were decided (passed, failed or
// waived).
func (c Counts) Checked() int { return c.Fail + c.Pass + c.Waived }

// Evaluate checks every asset against every rule of the policy that
// matches it, as of env.Day. Each asset is resolved once through the
// join; each rule is judged once per place (and scope), and the verdict
// is shared by every asset there.
func Evaluate(ctx context.Context, env Env, p *Policy, assets []*Asset, files []InventoryFile) *Report {
	e := &engine{env: env, a: env.Join.Atlas(), p: p, places: map[placeID]*Place{}, verdicts: map[verdictKey]*Verdict{}}
	rep := &Report{Policy: p, AsOf: env.Day, Files: files, Assets: len(assets)}
	rep.AtlasEntities, rep.AtlasStatements, _, _ = e.a.Counts()
	perAsset := make([][]Finding, len(assets))
	var parts []*worker
	var mu sync.Mutex
	work := func(idx []int) {
		w := &worker{e: e, snaps: map[int64]Snapshot{}, seen: map[rowKey][]*Verdict{}, counts: make([]Counts, len(p.Rules))}
		for _, i := range idx {
			if ctx.Err() != nil {
				break
			}
			perAsset[i] = w.evaluate(ctx, assets[i])
		}
		mu.Lock()
		parts = append(parts, w)
		mu.Unlock()
	}
	var hosts, others []int
	for i, a := range assets {
		if a.Kind == KindHost {
			hosts = append(hosts, i)
		} else {
			others = append(others, i)
		}
	}
	var wg sync.WaitGroup
	spread(&wg, others, runtime.GOMAXPROCS(0), work)
	conc := dns.DefaultConcurrency
	if env.Names != nil && env.Names.Concurrency > 0 {
		conc = env.Names.Concurrency
	}
	spread(&wg, hosts, conc, work)
	wg.Wait()
	rep.Summary.ByRule = make([]RuleCounts, len(p.Rules))
	for i, r := range p.Rules {
		rep.Summary.ByRule[i].Rule = r.ID
	}
	snaps := make([]map[int64]Snapshot, len(parts))
	for i, w := range parts {
		snaps[i] = w.snaps
		for r, c := range w.counts {
			rep.Summary.ByRule[r].Counts.plus(c)
			rep.Summary.Counts.plus(c)
		}
	}
	n := 0
	for _, fs := range perAsset {
		n += len(fs)
	}
	rep.Findings = make([]*Finding, 0, n)
	for _, fs := range perAsset {
		for i := range fs {
			rep.Findings = append(rep.Findings, &fs[i])
		}
	}
	rep.Snapshots = mergeSnapshots(snaps)
	return rep
}

// worker is one goroutine of Evaluate with what it keeps to itself: the
// snapshots it met, the verdicts it looked up (per place and scope, by
// rule), and its counts per rule.
type worker struct {
	e      *engine
	buf    []answer.Found // the range matches of the asset at hand
	snaps  map[int64]Snapshot
	seen   map[rowKey][]*Verdict
	counts []Counts
}

type rowKey struct {
	place *Place
	scope string
}

func (c *Counts) plus(o Counts) {
	c.Fail += o.Fail
	c.Pass += o.Pass
	c.Unknown += o.Unknown
	c.Waived += o.Waived
	c.UnknownIgnored += o.UnknownIgnored
}

// listed reports whether a finding is listed in the report: not an
// ignored unknown, nor a pass unless passes are asked for.
func listed(f *Finding, passes bool) bool {
	switch f.Status {
	case StatusUnknown:
		return f.Rule.OnUnknown != UnknownIgnore
	case StatusPass:
		return passes
	}
	return true
}

// spread runs work over idx in n goroutines, in contiguous slices.
func spread(wg *sync.WaitGroup, idx []int, n int, work func([]int)) {
	if len(idx) == 0 {
		return
	}
	n = max(1, min(n, len(idx)))
	per := (len(idx) + n - 1) / n
	for lo := 0; lo < len(idx); lo += per {
		part := idx[lo:min(lo+per, len(idx))]
		wg.Go(func() { work(part) })
	}
}

func mergeSnapshots(parts []map[int64]Snapshot) []Snapshot {
	all := map[int64]Snapshot{}
	for _, m := range parts {
		for id, s := range m {
			all[id] = s
		}
	}
	out := make([]Snapshot, 0, len(all))
	for _, s := range all {
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y Snapshot) int {
		if c := strings.Compare(x.Feed, y.Feed); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	return out
}

// engine is one run of Evaluate with its memos.
type engine struct {
	env      Env
	a        *atlas.Atlas
	p        *Policy
	mu       sync.RWMutex
	places   map[placeID]*Place
	verdicts map[verdictKey]*Verdict
}

// placeID identifies a place summary: its place answer (the join's
// memo has one per place and day).
type placeID struct {
	pa *answer.PlaceAnswer
}

type verdictKey struct {
	rule  int
	place *Place
	scope string
}

// place returns the summary of a place answer, built once.
func (e *engine) place(pa *answer.PlaceAnswer, key func() string, asn uint32, country string) *Place {
	id := placeID{pa}
	e.mu.RLock()
	p := e.places[id]
	e.mu.RUnlock()
	if p != nil {
		return p
	}
	p = newPlace(e.a, pa, key())
	p.ASN, p.Country = asn, country
	e.mu.Lock()
	defer e.mu.Unlock()
	if old := e.places[id]; old != nil {
		return old
	}
	e.places[id] = p
	return p
}

// verdict returns the verdict of rule r on place p, judged once.
func (e *engine) verdict(r *Rule, p *Place, scope string) *Verdict {
	k := verdictKey{r.index, p, scope}
	e.mu.RLock()
	v := e.verdicts[k]
	e.mu.RUnlock()
	if v != nil {
		return v
	}
	v = judge(e.a, r, p, scope, e.env.Day)
	e.mu.Lock()
	defer e.mu.Unlock()
	if old := e.verdicts[k]; old != nil {
		return old
	}
	e.verdicts[k] = v
	return v
}

// evaluate resolves one asset, applies every rule that matches it and
// counts the findings; it returns those the report lists. The findings
// and their verdict lists share two allocations per asset.
func (w *worker) evaluate(ctx context.Context, a *Asset) []Finding {
	e := w.e
	var res *Resolution
	if (a.Kind == KindAddress || a.Kind == KindCIDR) && e.env.Ranges != nil {
		res = w.resolveAddr(a)
	} else {
		res = e.resolve(ctx, a, w.snaps)
	}
	var buf [2][]*Verdict
	rows := buf[:0]
	if len(res.Places) > len(buf) {
		rows = make([][]*Verdict, 0, len(res.Places))
	}
	rows = rows[:len(res.Places)]
	for i, p := range res.Places {
		k := rowKey{p, a.Scope}
		if rows[i] = w.seen[k]; rows[i] == nil {
			rows[i] = make([]*Verdict, len(e.p.Rules))
			w.seen[k] = rows[i]
		}
	}
	var out []Finding
	var vs []*Verdict
	var none *Verdict
	for _, r := range e.p.Rules {
		if !r.matches(a, res) {
			continue
		}
		if vs == nil {
			vs = make([]*Verdict, 0, len(e.p.Rules)*max(1, len(res.Places)))
		}
		start := len(vs)
		if len(res.Places) == 0 {
			if none == nil {
				none = unresolved(res.Error)
			}
			vs = append(vs, none)
		}
		for i, p := range res.Places {
			if rows[i][r.index] == nil {
				rows[i][r.index] = e.verdict(r, p, a.Scope)
			}
			vs = append(vs, rows[i][r.index])
		}
		f := Finding{Rule: r, Asset: a, Resolution: res, Verdicts: vs[start:len(vs):len(vs)]}
		f.Status = combine(f.Verdicts)
		if f.Status != StatusPass {
			e.exceptions(&f)
		}
		ignored := f.Status == StatusUnknown && r.OnUnknown == UnknownIgnore
		w.counts[r.index].add(f.Status, ignored)
		if !listed(&f, e.env.IncludePasses) {
			continue
		}
		if out == nil {
			out = make([]Finding, 0, len(e.p.Rules))
		}
		out = append(out, f)
	}
	return out
}

// combine returns fail when any verdict fails, else unknown when any is
// unknown, else pass.
func combine(vs []*Verdict) string {
	status := StatusPass
	for _, v := range vs {
		switch v.Status {
		case StatusFail:
			return StatusFail
		case StatusUnknown:
			status = StatusUnknown
		}
	}
	return status
}

// exceptions waives a failed or unknown finding when an exception of its
// rule matches its asset and has not expired by the audit's day; the
// expired ones that match are noted.
func (e *engine) exceptions(f *Finding) {
	for _, x := range e.p.Exceptions {
		if x.Rule != f.Rule.ID || !(matchPattern(x.Asset, f.Asset.Input) || matchPattern(x.Asset, f.Asset.Resource)) {
			continue
		}
		if !e.env.Day.Before(x.Expires.End()) {
			f.Expired = append(f.Expired, x)
			continue
		}
		if f.Waiver == nil {
			f.Waiver, f.Status = x, StatusWaived
		}
	}
}

// matches reports whether the rule applies to the asset: its kind, its
// provider (the inventory's, else any of its places'), and its tags.
func (r *Rule) matches(a *Asset, res *Resolution) bool {
	m := r.Match
	if len(m.Kinds) > 0 && !slices.Contains(m.Kinds, a.Kind) {
		return false
	}
	if len(m.Providers) > 0 {
		ok := a.Provider != "" && slices.Contains(m.Providers, a.Provider)
		for _, p := range res.Places {
			ok = ok || slices.Contains(m.Providers, p.Provider)
		}
		if !ok {
			return false
		}
	}
	for k, v := range m.Tags {
		if a.Tags[k] != v {
			return false
		}
	}
	return true
}

// fingerprint identifies a finding across runs: its rule and its asset
// (kind, input, Terraform address and attribute), not its line, date or
// status, so that an alert keeps its identity while the file changes
// around it.
func fingerprint(r *Rule, a *Asset) string {
	var buf [256]byte
	b := buf[:0]
	for _, s := range []string{r.ID, a.Kind, a.Input, a.Resource, a.Attribute} {
		b = append(append(b, s...), 0)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// resolve finds the places of an asset through the join.
func (e *engine) resolve(ctx context.Context, a *Asset, snaps map[int64]Snapshot) *Resolution {
	day := e.env.Day
	switch a.Kind {
	case KindRegion:
		return e.resolveRegion(a)
	case KindHost:
		if e.env.Ranges == nil {
			return &Resolution{Error: "no range data is loaded (run cloudatlas update), so host names cannot be attributed"}
		}
		hr := e.env.Join.AnswerHost(ctx, e.env.Ranges, e.env.Names, a.Query.Name, day)
		switch {
		case hr.Err != nil:
			return &Resolution{Error: "does not resolve: " + hr.Err.Error()}
		case !hr.Resolved:
			return &Resolution{Error: "not resolved (no resolver): a host name is attributed by its addresses"}
		case len(hr.Results) == 0:
			return &Resolution{Error: "resolves to no address"}
		}
		res := newResolution()
		for _, r := range hr.Results {
			e.addResult(res, r, r.Query.Input, snaps)
		}
		if len(res.Places) == 0 {
			res.Error = "none of its addresses (" + strings.Join(hostAddresses(hr), ", ") + ") is in a loaded range"
		}
		return res
	default:
		if e.env.Ranges == nil {
			return &Resolution{Error: "no range data is loaded (run cloudatlas update), so addresses cannot be attributed"}
		}
		res := newResolution()
		e.addResult(res, e.env.Join.Answer(e.env.Ranges, a.Query, day, maxWithin), "", snaps)
		if len(res.Places) == 0 {
			res.Error = "in no loaded range that names a provider"
		}
		return res
	}
}

func hostAddresses(hr *answer.HostResult) []string {
	out := make([]string, 0, len(hr.Results))
	for _, r := range hr.Results {
		out = append(out, r.Query.Input)
	}
	return out
}

// resolveAddr places an address or CIDR as [answer.Joiner.Answer] does
// (and [engine.resolve] through it), with the worker's match buffer
// instead of a result per asset: the distinct places of its feed matches
// (most specific first, at most [answer.MaxPlaces]), each from the join's
// memo of place answers with the most specific range there; else its
// routed range's.
func (w *worker) resolveAddr(a *Asset) *Resolution {
	e, day := w.e, w.e.env.Day
	w.buf = answer.Find(e.env.Ranges, a.Query, maxWithin, w.buf)
	res := newResolution()
	for i := range w.buf {
		f := &w.buf[i]
		rec := f.Record
		if rec.Provider == "" || f.Source.Tier == ranges.TierRouting {
			continue
		}
		if slices.ContainsFunc(res.Places, func(p *Place) bool {
			return p.Provider == rec.Provider && p.Partition == rec.Partition && p.Region == rec.Region
		}) {
			continue
		}
		if len(res.Places) == answer.MaxPlaces {
			break
		}
		pl := atlas.Place{Provider: rec.Provider, Partition: rec.Partition, Region: rec.Region}
		e.addMatch(res, e.place(e.env.Join.Place(pl, day), func() string { return placeKey(pl) }, 0, ""), f, "", w.snaps)
	}
	if n := len(w.buf); len(res.Places) == 0 && n > 0 && w.buf[n-1].Source.Tier == ranges.TierRouting {
		f := &w.buf[n-1]
		rec := f.Record
		pa := e.env.Join.Route(rec.ASN, rec.Holder, rec.Country, day)
		e.addMatch(res, e.place(pa, func() string { return routeKey(rec.ASN, rec.Country) }, rec.ASN, rec.Country), f, "", w.snaps)
	}
	if len(res.Places) == 0 {
		res.Error = "in no loaded range that names a provider"
	}
	return res
}

// addResult adds the places of one join result: its feed places, else
// its routed range's.
func (e *engine) addResult(res *Resolution, r *answer.Result, address string, snaps map[int64]Snapshot) {
	for _, w := range r.Whois {
		p := e.place(w.PlaceAnswer, func() string { return placeKey(w.Place) }, 0, "")
		e.addMatch(res, p, w.Found, address, snaps)
	}
	if len(r.Whois) == 0 && r.Routing != nil {
		rec := r.Routing.Found.Record
		p := e.place(r.Routing.PlaceAnswer, func() string { return routeKey(rec.ASN, rec.Country) }, rec.ASN, rec.Country)
		e.addMatch(res, p, r.Routing.Found, address, snaps)
	}
}

func (e *engine) addMatch(res *Resolution, p *Place, f *answer.Found, address string, snaps map[int64]Snapshot) {
	i := slices.Index(res.Places, p)
	if i < 0 {
		i = len(res.Places)
		res.Places = append(res.Places, p)
	}
	if f == nil {
		return
	}
	src := f.Source
	res.Matches = append(res.Matches, RangeMatch{Place: i, Address: address, Prefix: f.Record.Prefix, Feed: src.Feed,
		Tier: src.Tier.String(), Snapshot: src.SnapshotID})
	if _, ok := snaps[src.SnapshotID]; !ok {
		s := Snapshot{Feed: src.Feed, ID: src.SnapshotID, Tier: src.Tier.String(), UpstreamID: src.UpstreamID}
		if !src.UpstreamDate.IsZero() {
			s.UpstreamDate = src.UpstreamDate.Format(time.DateOnly)
		}
		if src.Tier == ranges.TierRouting && s.UpstreamID == "" {
			s.UpstreamID = "routing"
		}
		snaps[src.SnapshotID] = s
	}
}

// resolveRegion places a region asset: the atlas's region of that
// provider and code, or for a global or multi-region location, the
// provider as a whole.
func (e *engine) resolveRegion(a *Asset) *Resolution {
	if a.Scope != "" {
		pl := atlas.Place{Provider: a.Provider}
		return &Resolution{Places: []*Place{e.place(e.env.Join.Place(pl, e.env.Day), func() string { return placeKey(pl) }, 0, "")}}
	}
	reg := e.a.Region(a.Provider, a.Region)
	if reg == nil {
		return &Resolution{Error: fmt.Sprintf("the atlas has no region %q of provider %q", a.Region, a.Provider)}
	}
	pl := atlas.Place{Provider: a.Provider, Partition: reg.Partition, Region: a.Region}
	return &Resolution{Places: []*Place{e.place(e.env.Join.Place(pl, e.env.Day), func() string { return placeKey(pl) }, 0, "")}}
}

// matchPattern matches s against a pattern where * is any run of
// characters and ? any one character; an empty s never matches.
func matchPattern(pattern, s string) bool {
	if s == "" {
		return false
	}
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
