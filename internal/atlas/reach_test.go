package atlas

import (
	"slices"
	"testing"
)

const reachYAML = `
entities:
  - {id: jurisdiction/cn, kind: jurisdiction, name: China, country: CN}
  - {id: jurisdiction/us, kind: jurisdiction, name: US, country: US}
  - {id: jurisdiction/sg, kind: jurisdiction, name: Singapore, country: SG}
  - {id: law/cn-a, kind: law, name: A, jurisdiction: jurisdiction/cn, reach: [located_in, controlled_from], in_force_from: 2017}
  - {id: law/us-b, kind: law, name: B, jurisdiction: jurisdiction/us, reach: [controlled_from], in_force_from: 2018, in_force_to: 2030}
  - {id: law/sg-c, kind: law, name: C, jurisdiction: jurisdiction/sg, reach: [incorporated_in]}
  - {id: region/p/r-1, kind: region, name: R1, provider: p, partition: p, code: r-1}
  - {id: dc/one, kind: datacenter, name: DC}
  - {id: org/op, kind: organisation, name: Operator}
  - {id: org/parent, kind: organisation, name: Parent}
  - {id: org/minority, kind: organisation, name: Minority}
  - {id: org/state-co, kind: organisation, name: State Co}
statements:
  - {subject: dc/one, predicate: located_in, object: region/p/r-1, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: region/p/r-1, predicate: located_in, object: jurisdiction/cn, recorded: 2026, sources: [{url: https://e.com/2, publisher: E, published: 2020}]}
  - {subject: org/op, predicate: operates, object: dc/one, recorded: 2026, sources: [{url: https://e.com/3, publisher: E, published: 2020}]}
  - {subject: org/op, predicate: incorporated_in, object: jurisdiction/sg, recorded: 2026, sources: [{url: https://e.com/4, publisher: E, published: 2020}]}
  - {subject: org/parent, predicate: owns, object: org/op, share_min: 51, share_max: 60, recorded: 2026, sources: [{url: https://e.com/5, publisher: E, published: 2020}]}
  - {subject: org/parent, predicate: incorporated_in, object: jurisdiction/us, recorded: 2026, sources: [{url: https://e.com/6, publisher: E, published: 2020}]}
  - {subject: org/minority, predicate: owns, object: org/op, share: 40, recorded: 2026, sources: [{url: https://e.com/7, publisher: E, published: 2020}]}
  - {subject: org/minority, predicate: incorporated_in, object: jurisdiction/cn, recorded: 2026, sources: [{url: https://e.com/8, publisher: E, published: 2020}]}
  - {subject: jurisdiction/cn, predicate: controls, object: org/parent, from: 2025, recorded: 2026, sources: [{url: https://e.com/9, publisher: E, published: 2020}]}
`

func TestReach(t *testing.T) {
	a := loadYAML(t, reachYAML)
	if err := Check(a).Err(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   string
		want []string // law basis (path length)
	}{
		{"2016-06-01", []string{"law/sg-c incorporated_in 3"}},
		{"2020-06-01", []string{"law/cn-a located_in 3", "law/sg-c incorporated_in 3", "law/us-b controlled_from 4"}},
		{"2026-06-01", []string{"law/cn-a located_in 3", "law/cn-a controlled_from 4", "law/sg-c incorporated_in 3", "law/us-b controlled_from 4"}},
		{"2031-01-01", []string{"law/cn-a located_in 3", "law/cn-a controlled_from 4", "law/sg-c incorporated_in 3"}},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range a.Reach("dc/one", day(tt.at)) {
			got = append(got, r.Law+" "+r.Basis+" "+string(rune('0'+len(r.Path))))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Reach(dc/one, %s) = %q, want %q", tt.at, got, tt.want)
		}
	}
}
