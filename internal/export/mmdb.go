package export

import (
	"cmp"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// DatabaseType is the database_type of the MMDB's metadata.
const DatabaseType = "cloudatlas"

// MMDB is an export of range data as a MaxMind DB.
type MMDB struct {
	// Ranges is the range data lookup answers from: the feeds' lookup
	// table with the routing tier below it ([answer.WithRoutes]).
	Ranges answer.Ranges
	// Joiner joins each record to the atlas as of AsOf.
	Joiner *answer.Joiner
	AsOf   time.Time
	// Built is the build time written into the metadata.
	Built time.Time
}

// Stats describes a written MMDB.
type Stats struct {
	Feeds      []*lpm.Source // the feed snapshots exported, in precedence order
	Routing    *lpm.Source   // the routing snapshot; nil when none is loaded
	FeedRanges int           // distinct feed prefixes
	Routed     int           // routed intervals
	// Inserted counts the ranges written into the tree: every routed
	// interval, and each feed prefix split where the routing tier starts
	// or stops.
	Inserted int
	// Records counts the distinct records written; RouteKeys the
	// distinct AS, holder and country triples joined to the atlas.
	Records, RouteKeys int
	Bytes              int64
}

// Write builds the MMDB and writes it to w. Every address gets the
// record of lookup's first match for it (see [Record]); the metadata
// names the sources, their licences, the date and the snapshots.
func (x *MMDB) Write(w io.Writer) (*Stats, error) {
	feeds := answer.Unwrap(x.Ranges)
	rt := answer.RoutesOf(x.Ranges)
	prefixes, sources := feedPrefixes(feeds)
	st := &Stats{Feeds: sources, FeedRanges: len(prefixes)}
	if rt != nil {
		st.Routing = rt.Source
	}
	if len(prefixes) == 0 && rt == nil {
		return nil, answer.Unavailablef(nil, "export: no range data to export: no feed range and no routing tier")
	}
	vals := newValues()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: DatabaseType,
		KeyGenerator: vals,
		Description:  map[string]string{"en": description(x.AsOf, sources, rt)},
		// lookup answers 2002::/16 (6to4) and 2001::/32 (Teredo) from
		// their own routes, so they must not alias IPv4 space; reserved
		// space is written as lookup answers it (nothing is refused).
		DisableIPv4Aliasing:     true,
		IncludeReservedNetworks: true,
		BuildEpoch:              x.Built.Unix(),
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	b := &builder{x: x, tree: tree, st: st, values: vals, routeValues: map[routeKey]mmdbtype.Map{},
		feedValues: map[feedKey]mmdbtype.Map{}}
	if err := b.routes(rt); err != nil {
		return nil, err
	}
	if err := b.feeds(feeds, prefixes); err != nil {
		return nil, err
	}
	st.Records, st.RouteKeys = len(vals.byContent), len(b.routeValues)
	n, err := tree.WriteTo(w)
	if err != nil {
		return nil, fmt.Errorf("export: write MMDB: %w", err)
	}
	st.Bytes = n
	return st, nil
}

// builder fills the tree: first every routed interval, then the feed
// prefixes from the widest to the narrowest, each over what it holds,
// so that every address ends with the record of its most specific
// range, as lookup ranks them.
type builder struct {
	x           *MMDB
	tree        *mmdbwriter.Tree
	st          *Stats
	v4, v6      spans
	values      *values
	routeValues map[routeKey]mmdbtype.Map
	feedValues  map[feedKey]mmdbtype.Map
}

type routeKey struct {
	asn             uint32
	holder, country string
}

type feedKey struct {
	rec     *ranges.Record
	matches int
}

// routes inserts every routed interval with the record of its routing
// match, and remembers the intervals for [builder.feeds].
func (b *builder) routes(rt *answer.Routes) error {
	if rt == nil {
		return nil
	}
	records := b.routeRecords(rt)
	for r := range rt.Table.All() {
		v := b.routeValue(routeKey{r.ASN, r.Holder, r.Country}, records)
		if err := b.insert(r.First, r.Last, v); err != nil {
			return err
		}
		if r.First.Is4() {
			b.v4.add(r.First, r.Last)
		} else {
			b.v6.add(r.First, r.Last)
		}
		b.st.Routed++
	}
	return nil
}

// routeFound returns the routing match of the routes with key k, as
// lookup makes it.
func routeFound(rt *answer.Routes, k routeKey) *answer.Found {
	return &answer.Found{Match: lpm.Match{Record: &ranges.Record{ASN: k.asn, Holder: k.holder, Country: k.country},
		Source: rt.Source, ID: lpm.NoID}}
}

// routeRecords returns the record of every distinct AS, holder and
// country of the routing tier, joined to the atlas on every core (the
// tree is built on one). It keeps the records, not the whole answers
// they are read from, which would take gigabytes.
func (b *builder) routeRecords(rt *answer.Routes) map[routeKey]Record {
	seen := map[routeKey]bool{}
	var todo []routeKey
	for r := range rt.Table.All() {
		if k := (routeKey{r.ASN, r.Holder, r.Country}); !seen[k] {
			seen[k] = true
			todo = append(todo, k)
		}
	}
	out := make(map[routeKey]Record, len(todo))
	keys := make(chan routeKey, 256)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range keys {
				f := routeFound(rt, k)
				rec := recordOf(f, b.x.Joiner.AnswerOf(f, b.x.AsOf), 1)
				mu.Lock()
				out[k] = rec
				mu.Unlock()
			}
		}()
	}
	for _, k := range todo {
		keys <- k
	}
	close(keys)
	wg.Wait()
	return out
}

// routeValue returns the value of the routing record of key k, made
// once per AS, holder and country.
func (b *builder) routeValue(k routeKey, records map[routeKey]Record) mmdbtype.Map {
	if v, ok := b.routeValues[k]; ok {
		return v
	}
	v := b.values.of(records[k])
	b.routeValues[k] = v
	return v
}

// feeds inserts every distinct feed prefix, widest first, with the
// record of its most specific match: where the routing tier holds part
// of it, that part counts one match more.
func (b *builder) feeds(feeds answer.Ranges, prefixes []netip.Prefix) error {
	for _, p := range prefixes {
		chain := feeds.Covering(p)
		if len(chain) == 0 || chain[0].Record.Prefix != p {
			return fmt.Errorf("export: %v: the lookup table does not list its own range first", p)
		}
		f := &answer.Found{Match: chain[0]}
		s := &b.v4
		if p.Addr().Is6() {
			s = &b.v6
		}
		err := s.split(p.Masked().Addr(), lastAddr(p), func(lo, hi netip.Addr, routed bool) error {
			n := len(chain)
			if routed {
				n++
			}
			return b.insert(lo, hi, b.feedValue(f, n))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// feedValue returns the record of the feed match f with n matches.
func (b *builder) feedValue(f *answer.Found, n int) mmdbtype.Map {
	k := feedKey{f.Record, n}
	if v, ok := b.feedValues[k]; ok {
		return v
	}
	v := b.values.of(recordOf(f, b.x.Joiner.AnswerOf(f, b.x.AsOf), n))
	b.feedValues[k] = v
	return v
}

// insert writes v over the inclusive range lo..hi.
func (b *builder) insert(lo, hi netip.Addr, v mmdbtype.Map) error {
	b.st.Inserted++
	if err := b.tree.InsertRange(net.IP(lo.AsSlice()), net.IP(hi.AsSlice()), v); err != nil {
		return fmt.Errorf("export: insert %v-%v: %w", lo, hi, err)
	}
	return nil
}

// feedPrefixes returns every distinct prefix of the feeds, widest first,
// and the sources they come from, in feed precedence order.
func feedPrefixes(feeds answer.Ranges) ([]netip.Prefix, []*lpm.Source) {
	var out []netip.Prefix
	var sources []*lpm.Source
	add := func(m lpm.Match) bool {
		if n := len(out); n == 0 || out[n-1] != m.Record.Prefix {
			out = append(out, m.Record.Prefix)
		}
		if !slices.Contains(sources, m.Source) {
			sources = append(sources, m.Source)
		}
		return true
	}
	for _, root := range []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")} {
		for _, m := range feeds.Covering(root) {
			add(m)
		}
		feeds.Within(root, add)
	}
	// Widest first; prefixes of one width are disjoint, so their order
	// does not matter.
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		return cmp.Or(cmp.Compare(a.Bits(), b.Bits()), a.Addr().Compare(b.Addr()))
	})
	out = slices.Compact(out)
	slices.SortFunc(sources, func(a, b *lpm.Source) int { return cmp.Compare(a.Order, b.Order) })
	return out, sources
}
