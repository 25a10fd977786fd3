package digest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// The kinds of range changes.
const (
	KindPrefixes       = "prefixes"        // prefixes added to, removed from or changed in a region
	KindMoved          = "moved"           // prefixes moved from one region to another
	KindServices       = "services"        // services added to or dropped from prefixes that stay put
	KindRegionAppears  = "region_appears"  // a region the feed did not list the day before
	KindRegionVanishes = "region_vanishes" // a region the feed no longer lists
	KindScopeAppears   = "scope_appears"   // a finer placement (AWS border group...) appears
	KindScopeVanishes  = "scope_vanishes"  // a finer placement vanishes
	KindFirstSnapshot  = "first_snapshot"  // the feed's first snapshot came into force
)

// RangeChange is one sentence about a feed's ranges: the prefixes of
// one provider, partition and region that were added, removed or
// changed, or a region or scope that appeared or vanished.
type RangeChange struct {
	Kind      string `json:"kind"`
	Feed      string `json:"feed"`
	Provider  string `json:"provider"`
	Partition string `json:"partition,omitempty"`
	// Region is the region code as the feed spells it; empty for
	// prefixes the feed gives no region.
	Region string `json:"region,omitempty"`
	// ToRegion is where prefixes moved (KindMoved).
	ToRegion string `json:"to_region,omitempty"`
	// Scope is the finer placement of a scope change.
	Scope string `json:"scope,omitempty"`
	// Regions are the regions of a services change.
	Regions []string `json:"regions,omitempty"`
	// ServicesAdded and ServicesDropped are a services change's.
	ServicesAdded   []string `json:"services_added,omitempty"`
	ServicesDropped []string `json:"services_dropped,omitempty"`
	// Added, Removed and Changed count prefix records: listed only
	// now, listed only before, and listed on both days with other
	// services or placement. Prefixes counts a region's or scope's
	// prefixes when it appears or vanishes, or a first snapshot's.
	Added    int `json:"added,omitempty"`
	Removed  int `json:"removed,omitempty"`
	Changed  int `json:"changed,omitempty"`
	Moved    int `json:"moved,omitempty"`
	Prefixes int `json:"prefixes,omitempty"`
	// Sentence says it for a reader.
	Sentence string `json:"sentence"`
	// Entities are the atlas entities concerned: the provider, the
	// partition and the region, when the atlas has them.
	Entities []string `json:"entities"`
}

// place is where a record sits, for grouping.
type place struct{ provider, partition, region string }

func placeOf(r ranges.Record) place { return place{r.Provider, r.Partition, r.Region} }

func comparePlace(a, b place) int {
	return cmp.Or(cmp.Compare(a.provider, b.provider), cmp.Compare(a.partition, b.partition),
		cmp.Compare(a.region, b.region))
}

// tally counts the changes of one place.
type tally struct{ added, removed, changed int }

// feedChanges compares the two sides of one feed.
func feedChanges(a *atlas.Atlas, f FeedInput) (FeedChange, []RangeChange) {
	var old, new *ranges.Snapshot
	if f.Old != nil {
		old = f.Old.Snapshot
	}
	if f.New != nil {
		new = f.New.Snapshot
	}
	c := ranges.Diff(old, new)
	fc := FeedChange{Feed: f.Feed, From: snapshotRef(f.Old), To: snapshotRef(f.New),
		Added: len(c.Added), Removed: len(c.Removed), Moved: len(c.Moved)}
	n := names{a}
	if old == nil {
		return fc, firstSnapshot(n, f.Feed, new)
	}
	var out []RangeChange
	tallies := map[place]*tally{}
	get := func(p place) *tally {
		if tallies[p] == nil {
			tallies[p] = &tally{}
		}
		return tallies[p]
	}
	moves := map[[2]place]int{}
	services := map[serviceKey]*serviceTally{}
	for _, r := range c.Added {
		get(placeOf(r)).added++
	}
	for _, r := range c.Removed {
		get(placeOf(r)).removed++
	}
	for _, m := range c.Moved {
		from, to := placeOf(m.From), placeOf(m.To)
		if k, ok := serviceChange(m.From, m.To); ok && from == to {
			t := services[k]
			if t == nil {
				t = &serviceTally{regions: map[string]bool{}}
				services[k] = t
			}
			t.prefixes++
			t.regions[from.region] = true
		} else if from == to {
			get(from).changed++
		} else {
			moves[[2]place{from, to}]++
		}
	}
	before, after := countPlaces(old), countPlaces(new)
	for _, p := range sortedKeys(tallies, comparePlace) {
		t := tallies[p]
		if p.region != "" && before[p] == 0 && after[p] > 0 {
			continue // told as a new region below
		}
		if p.region != "" && after[p] == 0 && before[p] > 0 {
			continue // told as a vanished region below
		}
		out = append(out, n.prefixChange(f.Feed, p, *t))
	}
	for _, k := range sortedKeys(moves, func(x, y [2]place) int {
		return cmp.Or(comparePlace(x[0], y[0]), comparePlace(x[1], y[1]))
	}) {
		out = append(out, n.moved(f.Feed, k[0], k[1], moves[k]))
	}
	for _, k := range sortedKeys(services, compareServiceKey) {
		out = append(out, n.servicesChange(f.Feed, k, services[k]))
	}
	for _, p := range sortedKeys(after, comparePlace) {
		if p.region != "" && before[p] == 0 {
			out = append(out, n.regionChange(f.Feed, p, KindRegionAppears, after[p]))
		}
	}
	for _, p := range sortedKeys(before, comparePlace) {
		if p.region != "" && after[p] == 0 {
			out = append(out, n.regionChange(f.Feed, p, KindRegionVanishes, before[p]))
		}
	}
	out = append(out, n.scopeChanges(f.Feed, old, new)...)
	slices.SortStableFunc(out, compareRangeChange)
	return fc, out
}

var kindOrder = map[string]int{KindFirstSnapshot: 0, KindRegionAppears: 1, KindRegionVanishes: 2,
	KindPrefixes: 3, KindMoved: 4, KindServices: 5, KindScopeAppears: 6, KindScopeVanishes: 7}

func compareRangeChange(x, y RangeChange) int {
	return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.Partition, y.Partition),
		cmp.Compare(kindOrder[x.Kind], kindOrder[y.Kind]), cmp.Compare(x.Region, y.Region),
		cmp.Compare(x.ToRegion, y.ToRegion), cmp.Compare(x.Scope, y.Scope))
}

// countPlaces counts the distinct prefixes of each place of s.
func countPlaces(s *ranges.Snapshot) map[place]int {
	seen := map[place]map[string]bool{}
	for _, r := range s.Records {
		p := placeOf(r)
		if seen[p] == nil {
			seen[p] = map[string]bool{}
		}
		seen[p][r.Prefix.Masked().String()] = true
	}
	out := make(map[place]int, len(seen))
	for p, set := range seen {
		out[p] = len(set)
	}
	return out
}

func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, compare)
	return ks
}

// names renders atlas names for sentences.
type names struct{ a *atlas.Atlas }

// provider returns a provider's short name: "AWS" for "Amazon Web
// Services (AWS)", "Azure" for "Microsoft Azure"; the key when the
// atlas does not know it.
func (n names) provider(key string) string {
	e := n.a.Entity("provider/" + key)
	if e == nil {
		return key
	}
	for _, al := range e.Aliases {
		if strings.Contains(e.Name, "("+al+")") {
			return al
		}
	}
	for _, al := range e.Aliases {
		if len(al) < len(e.Name) && strings.Contains(e.Name, al) {
			return al
		}
	}
	return e.Name
}

// entities returns the atlas ids of a place that exist.
func (n names) entities(p place) []string {
	var ids []string
	if e := n.a.Entity("provider/" + p.provider); e != nil {
		ids = append(ids, e.ID)
	}
	if e := n.a.Entity("partition/" + p.partition); e != nil && p.partition != "" {
		ids = append(ids, e.ID)
	}
	if p.region != "" {
		if e := n.a.Region(p.provider, p.region); e != nil {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// where names a place's region for a sentence, or its partition when it
// has none.
func where(p place) string {
	if p.region != "" {
		return p.region
	}
	if p.partition != "" && p.partition != p.provider {
		return "the " + p.partition + " partition (no region given)"
	}
	return ""
}

func (n names) prefixChange(feed string, p place, t tally) RangeChange {
	rc := RangeChange{Kind: KindPrefixes, Feed: feed, Provider: p.provider, Partition: p.partition,
		Region: p.region, Added: t.added, Removed: t.removed, Changed: t.changed, Entities: n.entities(p)}
	who, at := n.provider(p.provider), where(p)
	var clauses []string
	switch {
	case t.added > 0 && at != "":
		clauses = append(clauses, fmt.Sprintf("added %s to %s", count(t.added, "prefix"), at))
	case t.added > 0:
		clauses = append(clauses, "added "+count(t.added, "prefix"))
	}
	switch {
	case t.removed > 0 && len(clauses) > 0:
		clauses = append(clauses, fmt.Sprintf("removed %s", number(t.removed)))
	case t.removed > 0 && at != "":
		clauses = append(clauses, fmt.Sprintf("removed %s from %s", count(t.removed, "prefix"), at))
	case t.removed > 0:
		clauses = append(clauses, "removed "+count(t.removed, "prefix"))
	}
	if t.changed > 0 {
		what := "changed the services or placement of " + count(t.changed, "prefix")
		if len(clauses) == 0 && at != "" {
			what += " in " + at
		}
		clauses = append(clauses, what)
	}
	rc.Sentence = who + " " + joinClauses(clauses) + "."
	return rc
}

func (n names) moved(feed string, from, to place, k int) RangeChange {
	rc := RangeChange{Kind: KindMoved, Feed: feed, Provider: from.provider, Partition: from.partition,
		Region: from.region, ToRegion: to.region, Moved: k}
	rc.Entities = append(n.entities(from), n.entities(to)...)
	slices.Sort(rc.Entities)
	rc.Entities = slices.Compact(rc.Entities)
	fromAt, toAt := cmp.Or(where(from), "no region"), cmp.Or(where(to), "no region")
	rc.Sentence = fmt.Sprintf("%s moved %s from %s to %s.", n.provider(from.provider), count(k, "prefix"), fromAt, toAt)
	return rc
}

func (n names) regionChange(feed string, p place, kind string, prefixes int) RangeChange {
	rc := RangeChange{Kind: kind, Feed: feed, Provider: p.provider, Partition: p.partition, Region: p.region,
		Prefixes: prefixes, Entities: n.entities(p)}
	who := n.provider(p.provider)
	part := ""
	if p.partition != "" && p.partition != p.provider {
		part = " (" + p.partition + ")"
	}
	if kind == KindRegionAppears {
		rc.Sentence = fmt.Sprintf("%s lists a new region, %s%s, with %s.", who, p.region, part, count(prefixes, "prefix"))
	} else {
		rc.Sentence = fmt.Sprintf("%s no longer lists region %s%s, which had %s.", who, p.region, part, count(prefixes, "prefix"))
	}
	return rc
}

// scopeKey is a finer placement within a region.
type scopeKey struct {
	place
	scope string
}

// scopeChanges reports the scopes (AWS network border groups and the
// like) that only one side lists. A scope equal to the region adds
// nothing and is left out.
func (n names) scopeChanges(feed string, old, new *ranges.Snapshot) []RangeChange {
	before, after := scopes(old), scopes(new)
	var out []RangeChange
	add := func(k scopeKey, kind string, prefixes int) {
		rc := RangeChange{Kind: kind, Feed: feed, Provider: k.provider, Partition: k.partition, Region: k.region,
			Scope: k.scope, Prefixes: prefixes, Entities: n.entities(k.place)}
		in := ""
		if k.region != "" {
			in = " in " + k.region
		}
		if kind == KindScopeAppears {
			rc.Sentence = fmt.Sprintf("%s lists a new scope, %s%s, with %s.", n.provider(k.provider), k.scope, in, count(prefixes, "prefix"))
		} else {
			rc.Sentence = fmt.Sprintf("%s no longer lists scope %s%s, which had %s.", n.provider(k.provider), k.scope, in, count(prefixes, "prefix"))
		}
		out = append(out, rc)
	}
	cmpScope := func(x, y scopeKey) int { return cmp.Or(comparePlace(x.place, y.place), cmp.Compare(x.scope, y.scope)) }
	for _, k := range sortedKeys(after, cmpScope) {
		if before[k] == 0 {
			add(k, KindScopeAppears, after[k])
		}
	}
	for _, k := range sortedKeys(before, cmpScope) {
		if after[k] == 0 {
			add(k, KindScopeVanishes, before[k])
		}
	}
	return out
}

func scopes(s *ranges.Snapshot) map[scopeKey]int {
	out := map[scopeKey]int{}
	for _, r := range s.Records {
		if r.Scope == "" || r.Scope == r.Region {
			continue
		}
		out[scopeKey{placeOf(r), r.Scope}]++
	}
	return out
}

// firstSnapshot tells a feed's first snapshot as one sentence per
// provider and partition it lists.
func firstSnapshot(n names, feed string, s *ranges.Snapshot) []RangeChange {
	if s == nil {
		return nil
	}
	type pp struct{ provider, partition string }
	prefixes := map[pp]map[string]bool{}
	regions := map[pp]map[string]bool{}
	for _, r := range s.Records {
		k := pp{r.Provider, r.Partition}
		if prefixes[k] == nil {
			prefixes[k], regions[k] = map[string]bool{}, map[string]bool{}
		}
		prefixes[k][r.Prefix.Masked().String()] = true
		if r.Region != "" {
			regions[k][r.Region] = true
		}
	}
	var out []RangeChange
	for _, k := range sortedKeys(prefixes, func(x, y pp) int {
		return cmp.Or(cmp.Compare(x.provider, y.provider), cmp.Compare(x.partition, y.partition))
	}) {
		p := place{k.provider, k.partition, ""}
		rc := RangeChange{Kind: KindFirstSnapshot, Feed: feed, Provider: k.provider, Partition: k.partition,
			Prefixes: len(prefixes[k]), Entities: n.entities(p)}
		part := ""
		if k.partition != "" && k.partition != k.provider {
			part = " (" + k.partition + ")"
		}
		rc.Sentence = fmt.Sprintf("The %s feed's first snapshot lists %s of %s%s", feed, count(len(prefixes[k]), "prefix"),
			n.provider(k.provider), part)
		if nr := len(regions[k]); nr > 0 {
			rc.Sentence += " in " + count(nr, "region")
		}
		rc.Sentence += "."
		out = append(out, rc)
	}
	return out
}

// joinClauses joins "a", "a and b", "a, b and c".
func joinClauses(cs []string) string {
	switch len(cs) {
	case 0:
		return "changed nothing"
	case 1:
		return cs[0]
	}
	return strings.Join(cs[:len(cs)-1], ", ") + " and " + cs[len(cs)-1]
}

// count returns "1 prefix", "12 prefixes", "1,204 prefixes".
func count(k int, noun string) string {
	if k == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "x") || strings.HasSuffix(noun, "s") {
		return number(k) + " " + noun + "es"
	}
	return number(k) + " " + noun + "s"
}

// number formats k with thousands separators.
func number(k int) string {
	s := fmt.Sprint(k)
	if k < 0 {
		return "-" + number(-k)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// serviceKey groups the prefixes of one provider and partition whose
// services changed the same way.
type serviceKey struct {
	provider, partition string
	added, dropped      string // service names joined by tabs
}

func compareServiceKey(x, y serviceKey) int {
	return cmp.Or(cmp.Compare(x.provider, y.provider), cmp.Compare(x.partition, y.partition),
		cmp.Compare(x.added, y.added), cmp.Compare(x.dropped, y.dropped))
}

type serviceTally struct {
	prefixes int
	regions  map[string]bool
}

// serviceChange returns the key of a move that changed only services.
func serviceChange(from, to ranges.Record) (serviceKey, bool) {
	a, b := from, to
	a.Services, b.Services = nil, nil
	if ranges.CompareRecords(&a, &b) != 0 {
		return serviceKey{}, false
	}
	added, dropped := setDiff(to.Services, from.Services), setDiff(from.Services, to.Services)
	return serviceKey{from.Provider, from.Partition, strings.Join(added, "\t"), strings.Join(dropped, "\t")}, true
}

// setDiff returns the sorted elements of a that b lacks.
func setDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxNamedRegions is how many regions a services sentence names.
const maxNamedRegions = 6

func (n names) servicesChange(feed string, k serviceKey, t *serviceTally) RangeChange {
	regions := sortedKeys(t.regions, strings.Compare)
	rc := RangeChange{Kind: KindServices, Feed: feed, Provider: k.provider, Partition: k.partition,
		Changed: t.prefixes, Regions: regions}
	if k.added != "" {
		rc.ServicesAdded = strings.Split(k.added, "\t")
	}
	if k.dropped != "" {
		rc.ServicesDropped = strings.Split(k.dropped, "\t")
	}
	var ids []string
	for _, r := range regions {
		ids = append(ids, n.entities(place{k.provider, k.partition, r})...)
	}
	if len(ids) == 0 {
		ids = n.entities(place{k.provider, k.partition, ""})
	}
	rc.Entities = sortIDs(ids)
	var what []string
	if len(rc.ServicesAdded) > 0 {
		what = append(what, "added "+serviceWord(len(rc.ServicesAdded))+" "+strings.Join(rc.ServicesAdded, ", ")+" to")
	}
	if len(rc.ServicesDropped) > 0 {
		what = append(what, "dropped "+serviceWord(len(rc.ServicesDropped))+" "+strings.Join(rc.ServicesDropped, ", ")+" from")
	}
	if len(what) == 0 {
		what = []string{"reordered the services of"}
	}
	where := ""
	var named []string
	for _, r := range regions {
		if r != "" {
			named = append(named, r)
		}
	}
	switch {
	case len(named) == 1:
		where = " in " + named[0]
	case len(named) > 1 && len(named) <= maxNamedRegions:
		where = " in " + count(len(named), "region") + " (" + strings.Join(named, ", ") + ")"
	case len(named) > maxNamedRegions:
		where = fmt.Sprintf(" in %s (%s and %d more)", count(len(named), "region"),
			strings.Join(named[:maxNamedRegions], ", "), len(named)-maxNamedRegions)
	}
	rc.Sentence = fmt.Sprintf("%s %s %s%s.", n.provider(k.provider), strings.Join(what, " and "),
		count(t.prefixes, "prefix"), where)
	return rc
}

func serviceWord(k int) string {
	if k == 1 {
		return "service"
	}
	return "services"
}
