package digest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// The kinds of atlas changes.
const (
	KindBegins       = "begins"        // a statement begins (its from is the day)
	KindEnds         = "ends"          // a statement ends (its to is the day)
	KindEvent        = "event"         // an event happens (statements subject_to it begin)
	KindLawInForce   = "law_in_force"  // a law takes effect
	KindLawEnds      = "law_ends"      // a law ceases to have effect
	KindLaunch       = "region_launch" // a region opens to customers
	KindMarketFigure = "market_figure" // a firm publishes figures of a series
)

// AtlasChange is one atlas fact dated on the day.
type AtlasChange struct {
	Kind string `json:"kind"`
	// Statements are the ids of the statements it tells, if any.
	Statements []string `json:"statements,omitempty"`
	// Predicate is the statement's predicate (begins and ends).
	Predicate string `json:"predicate,omitempty"`
	// Series is the market series (market figures).
	Series   string   `json:"series,omitempty"`
	Sentence string   `json:"sentence"`
	Entities []string `json:"entities"`
	Sources  []Source `json:"sources"`
}

// Source is where a fact was published.
type Source struct {
	URL       string `json:"url"`
	Publisher string `json:"publisher"`
	Published string `json:"published,omitempty"`
}

// onDay reports whether d was written with day precision and is day.
func onDay(d atlas.Date, day time.Time) bool {
	return d.Prec == atlas.PrecisionDay && d.Start().Equal(day)
}

// atlasChanges returns the atlas facts dated on day, sorted.
func atlasChanges(a *atlas.Atlas, day time.Time) []AtlasChange {
	n := names{a}
	out := []AtlasChange{}
	events := map[string]*AtlasChange{}
	eventSources := map[string][]atlas.Source{}
	for _, s := range a.Statements {
		begins, ends := onDay(s.Bounds.From, day), onDay(s.Bounds.To, day)
		if o := a.Entity(s.Object); begins && o != nil && o.Kind == atlas.KindEvent {
			ev := events[o.ID]
			if ev == nil {
				ev = &AtlasChange{Kind: KindEvent, Entities: []string{o.ID}}
				events[o.ID] = ev
			}
			ev.Statements = append(ev.Statements, s.ID)
			ev.Entities = append(ev.Entities, s.Subject)
			eventSources[o.ID] = append(eventSources[o.ID], s.Sources...)
			continue
		}
		if begins {
			out = append(out, n.statementChange(s, KindBegins))
		}
		if ends {
			out = append(out, n.statementChange(s, KindEnds))
		}
	}
	for _, id := range sortedKeys(events, strings.Compare) {
		ev := events[id]
		subjects := slices.Clone(ev.Entities[1:])
		slices.SortFunc(subjects, func(x, y string) int { return cmp.Compare(a.DisplayName(x), a.DisplayName(y)) })
		subjects = slices.Compact(subjects)
		var ns []string
		for _, s := range subjects {
			ns = append(ns, a.DisplayName(s))
		}
		ev.Sentence = fmt.Sprintf("%s. It concerns %s.", strings.TrimSuffix(a.DisplayName(id), "."), joinClauses(ns))
		ev.Entities, ev.Sources = sortIDs(ev.Entities), dedupSources(eventSources[id])
		slices.Sort(ev.Statements)
		out = append(out, *ev)
	}
	for _, e := range a.Entities {
		switch {
		case e.Kind == atlas.KindLaw && onDay(e.InForce.From, day):
			out = append(out, AtlasChange{Kind: KindLawInForce, Sentence: fmt.Sprintf("%s takes effect%s.", e.Name, inJurisdiction(a, e)),
				Entities: sortIDs([]string{e.ID, e.Jurisdiction}), Sources: dedupSources(e.Sources)})
		case e.Kind == atlas.KindLaw && onDay(e.InForce.To, day):
			out = append(out, AtlasChange{Kind: KindLawEnds, Sentence: fmt.Sprintf("%s ceases to have effect%s.", e.Name, inJurisdiction(a, e)),
				Entities: sortIDs([]string{e.ID, e.Jurisdiction}), Sources: dedupSources(e.Sources)})
		case e.Kind == atlas.KindRegion && onDay(e.Launched, day):
			ids := []string{e.ID, "provider/" + e.Provider}
			out = append(out, AtlasChange{Kind: KindLaunch, Sentence: fmt.Sprintf("%s opens %s (%s) to customers.",
				n.provider(e.Provider), e.Name, e.Code), Entities: existing(a, ids), Sources: dedupSources(e.Sources)})
		}
	}
	out = append(out, marketFigures(a, day)...)
	slices.SortStableFunc(out, func(x, y AtlasChange) int {
		return cmp.Or(cmp.Compare(atlasKindOrder[x.Kind], atlasKindOrder[y.Kind]), cmp.Compare(x.Sentence, y.Sentence))
	})
	return out
}

var atlasKindOrder = map[string]int{KindLawInForce: 0, KindLawEnds: 1, KindEvent: 2, KindBegins: 3, KindEnds: 4,
	KindLaunch: 5, KindMarketFigure: 6}

func inJurisdiction(a *atlas.Atlas, law *atlas.Entity) string {
	if law.Jurisdiction == "" {
		return ""
	}
	return " (" + a.DisplayName(law.Jurisdiction) + ")"
}

func existing(a *atlas.Atlas, ids []string) []string {
	var out []string
	for _, id := range ids {
		if a.Entity(id) != nil {
			out = append(out, id)
		}
	}
	return sortIDs(out)
}

func sortIDs(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// dedupSources returns the sources with each URL once, sorted by URL.
func dedupSources(srcs []atlas.Source) []Source {
	out := make([]Source, 0, len(srcs))
	for _, s := range srcs {
		out = append(out, Source{URL: s.URL, Publisher: s.Publisher, Published: s.Published.String()})
	}
	slices.SortStableFunc(out, func(x, y Source) int { return cmp.Compare(x.URL, y.URL) })
	return slices.CompactFunc(out, func(x, y Source) bool { return x.URL == y.URL })
}

// statementChange tells a statement that begins or ends.
func (n names) statementChange(s *atlas.Statement, kind string) AtlasChange {
	return AtlasChange{Kind: kind, Statements: []string{s.ID}, Predicate: s.Predicate,
		Sentence: n.statementSentence(s, kind == KindBegins), Entities: sortIDs([]string{s.Subject, s.Object}),
		Sources: dedupSources(s.Sources)}
}

// phrases are how a predicate begins and ends, as verbs between the
// subject's and the object's names.
var phrases = map[string][2]string{
	"operates":               {"starts operating", "stops operating"},
	"owns":                   {"takes a stake in", "no longer holds its stake in"},
	"controls":               {"takes control of", "no longer controls"},
	"subsidiary_of":          {"becomes a subsidiary of", "ceases to be a subsidiary of"},
	"joint_venture":          {"is formed as a joint venture with", "ends its joint venture with"},
	"officer":                {"takes office at", "leaves office at"},
	"founded":                {"founds", "(founding ends)"},
	"located_in":             {"is located in", "is no longer located in"},
	"incorporated_in":        {"is incorporated in", "is no longer incorporated in"},
	"partner_of":             {"becomes a partner of", "ends its partnership with"},
	"sold_assets_to":         {"sells assets to", "completes its asset sale to"},
	"licenses_technology_to": {"licenses its technology to", "stops licensing its technology to"},
	"subject_to":             {"becomes subject to", "is no longer subject to"},
	"brand_of":               {"becomes a brand of", "is no longer a brand of"},
	"partition_of":           {"becomes a partition of", "is no longer a partition of"},
	"region_of":              {"becomes a region of", "is no longer a region of"},
	"holds_asn":              {"takes over the registration of", "gives up the registration of"},
}

func (n names) statementSentence(s *atlas.Statement, begins bool) string {
	subj, obj := n.a.DisplayName(s.Subject), n.a.DisplayName(s.Object)
	ph, ok := phrases[s.Predicate]
	if !ok {
		ph = [2]string{"begins: " + s.Predicate, "ends: " + s.Predicate}
	}
	verb := ph[1]
	if begins {
		verb = ph[0]
	}
	switch {
	case s.Predicate == "officer" && s.Role != "" && begins:
		verb = "becomes " + s.Role + " of"
	case s.Predicate == "officer" && s.Role != "":
		verb = "steps down as " + s.Role + " of"
	case s.Predicate == "owns" && begins && s.Share != nil:
		verb = "takes a " + strconv.FormatFloat(*s.Share, 'f', -1, 64) + "% stake in"
	}
	out := subj + " " + verb + " " + obj
	if s.Amount != "" {
		out += " (" + s.Amount + ")"
	}
	if s.Claim != "" && !s.Preferred {
		out += " (a competing claim)"
	}
	return out + "."
}

// marketFigures tells the series whose figures a firm published on day,
// one sentence per series and period.
func marketFigures(a *atlas.Atlas, day time.Time) []AtlasChange {
	var out []AtlasChange
	for _, s := range a.Series {
		byPeriod := map[string][]atlas.Point{}
		for _, p := range s.Points {
			if onDay(p.Vintage, day) {
				byPeriod[p.Period] = append(byPeriod[p.Period], p)
			}
		}
		for _, period := range sortedKeys(byPeriod, strings.Compare) {
			ps := byPeriod[period]
			slices.SortStableFunc(ps, func(x, y atlas.Point) int {
				return cmp.Or(cmp.Compare(y.Value, x.Value), cmp.Compare(x.Entity, y.Entity))
			})
			var figs []string
			ids := []string{}
			var srcs []atlas.Source
			for _, p := range ps {
				figs = append(figs, figure(a, s.Measure, p))
				if p.Entity != "" {
					ids = append(ids, p.Entity)
				}
				srcs = append(srcs, p.Source)
			}
			out = append(out, AtlasChange{Kind: KindMarketFigure, Series: s.ID,
				Sentence: fmt.Sprintf("%s publishes %s figures for the %s market (%s): %s.", s.Firm, period, s.Market,
					s.Definition, strings.Join(figs, ", ")),
				Entities: sortIDs(ids), Sources: dedupSources(srcs)})
		}
	}
	return out
}

// figure renders one point: "AWS 32%", "Alibaba Cloud CNY 20.5bn".
func figure(a *atlas.Atlas, measure string, p atlas.Point) string {
	v := strconv.FormatFloat(p.Value, 'f', -1, 64)
	var val string
	switch measure {
	case atlas.MeasureShare:
		val = v + "%"
	case "revenue_usd_bn", atlas.MeasureMarketSize:
		val = "US$" + v + "bn"
	case "revenue_cny_bn":
		val = "CNY " + v + "bn"
	default:
		val = v + " " + measure
	}
	if p.Entity == "" {
		return "market size " + val
	}
	return a.DisplayName(p.Entity) + " " + val
}
