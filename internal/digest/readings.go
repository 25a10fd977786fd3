package digest

import (
	"cmp"
	"slices"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// ReadingItem is a reading with the names of the entities it concerns.
type ReadingItem struct {
	URL       string      `json:"url"`
	Title     string      `json:"title"`
	Publisher string      `json:"publisher"`
	Published string      `json:"published"`
	Note      string      `json:"note,omitempty"`
	Entities  []EntityRef `json:"entities"`
}

// EntityRef names an entity.
type EntityRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// readingsOn returns the readings whose published date satisfies keep,
// by date, then title, then URL.
func readingsOn(a *atlas.Atlas, keep func(atlas.Date) bool) []ReadingItem {
	var rs []*atlas.Reading
	for _, r := range a.Readings {
		if keep(r.Published) {
			rs = append(rs, r)
		}
	}
	slices.SortStableFunc(rs, func(x, y *atlas.Reading) int {
		return cmp.Or(x.Published.Start().Compare(y.Published.Start()), cmp.Compare(x.Title, y.Title),
			cmp.Compare(x.URL, y.URL))
	})
	out := make([]ReadingItem, 0, len(rs))
	for _, r := range rs {
		out = append(out, readingItem(a, r))
	}
	return out
}

func readingItem(a *atlas.Atlas, r *atlas.Reading) ReadingItem {
	it := ReadingItem{URL: r.URL, Title: r.Title, Publisher: r.Publisher, Published: r.Published.String(),
		Note: r.Note, Entities: []EntityRef{}}
	for _, id := range sortIDs(r.Entities) {
		it.Entities = append(it.Entities, EntityRef{ID: id, Name: a.DisplayName(id)})
	}
	return it
}

// ReadingsAbout returns the readings that concern entity id, newest
// first.
func ReadingsAbout(a *atlas.Atlas, id string) []ReadingItem {
	rs := readingsOn(a, func(atlas.Date) bool { return true })
	out := []ReadingItem{}
	for _, r := range slices.Backward(rs) {
		if slices.ContainsFunc(r.Entities, func(e EntityRef) bool { return e.ID == id }) {
			out = append(out, r)
		}
	}
	return out
}
