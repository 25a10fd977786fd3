package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/routing"
)

// asPage is one autonomous system: what the routing data says it
// announces, and who holds it, owns it and reaches it as the atlas knows.
type asPage struct {
	pageBase
	ASN       uint32
	Holder    string // as the routing data names it
	AsOf      string
	Routed    bool // the routing tier is loaded
	Summary   *asSummary
	Chain     *chain // nil when the atlas records no holder
	Sources   []atlas.SourceRef
	Version   string
	Countries []countryCount
}

// asSummary is what an AS announces in the routing data.
type asSummary struct {
	Ranges4, Ranges6 int
	Addrs4           uint64 // IPv4 addresses
	Countries        map[string]int
	Examples         []netip.Prefix // a few of its blocks, for links
}

// countryCount is one country of an AS's ranges.
type countryCount struct {
	Code  string
	Count int
}

// asIndex summarises the routing table per AS, built once per table.
type asIndex struct {
	once sync.Once
	byAS map[uint32]*asSummary
}

// asIndexes keeps one index per routing table; tables are replaced
// whole on reload, so the old index goes with the old table.
var asIndexes sync.Map // *routing.Table -> *asIndex

func summaries(t *routing.Table) map[uint32]*asSummary {
	v, _ := asIndexes.LoadOrStore(t, &asIndex{})
	ix := v.(*asIndex)
	ix.once.Do(func() {
		ix.byAS = map[uint32]*asSummary{}
		for r := range t.All() {
			s := ix.byAS[r.ASN]
			if s == nil {
				s = &asSummary{Countries: map[string]int{}}
				ix.byAS[r.ASN] = s
			}
			if r.First.Is4() {
				s.Ranges4++
				a, b := r.First.As4(), r.Last.As4()
				s.Addrs4 += uint64(be32(b)-be32(a)) + 1
			} else {
				s.Ranges6++
			}
			s.Countries[cmp.Or(r.Country, "unknown")]++
			if len(s.Examples) < 5 {
				s.Examples = append(s.Examples, r.Prefix(r.First))
			}
		}
	})
	return ix.byAS
}

func be32(b [4]byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// handleASPage renders /as/{number}: AS20940 or 20940.
func (s *Server) handleASPage(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimPrefix(strings.ToUpper(r.PathValue("asn")), "AS")
	n, err := strconv.ParseUint(raw, 10, 32)
	if err != nil || n == 0 {
		return errorf(http.StatusBadRequest, "%q is not an AS number (want 20940 or AS20940)", clipEcho(r.PathValue("asn")))
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	asn := uint32(n)
	p := &asPage{pageBase: s.base("AS"+raw+" — who's behind it", ""), ASN: asn, AsOf: answer.Day(day)}
	if rt := answer.RoutesOf(s.state.Load().Ranges); rt != nil {
		p.Routed, p.Version = true, rt.Source.UpstreamID
		p.Holder, _ = rt.Table.Holder(asn)
		if sum := summaries(rt.Table)[asn]; sum != nil {
			p.Summary = sum
			for c, k := range sum.Countries {
				p.Countries = append(p.Countries, countryCount{c, k})
			}
			slices.SortFunc(p.Countries, func(a, b countryCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Code, b.Code)) })
		}
	}
	ans, err := s.atlas.WhoisASN(asn, day)
	switch {
	case err == nil:
		p.Chain = newChain("as", atlas.Place{}, ans)
		p.Sources = p.Chain.adoptSources(p.Sources)
	case !errors.Is(err, atlas.ErrNotFound):
		return err
	}
	return s.render(w, http.StatusOK, "as", p)
}
