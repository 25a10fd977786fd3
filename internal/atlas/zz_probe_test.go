package atlas

import (
	"fmt"
	"testing"
	"time"
)

func TestZZProbe(t *testing.T) {
	a := realAtlas(t)
	// overlapping owns on same pair
	for i, s := range a.Statements {
		if s.Predicate != "owns" && s.Predicate != "controls" && s.Predicate != "subsidiary_of" {
			continue
		}
		for _, o := range a.Statements[:i] {
			if o.Predicate == s.Predicate && o.Subject == s.Subject && o.Object == s.Object && o.Valid.Overlaps(s.Valid) {
				fmt.Println("overlap", s.Pos, o.Pos, s.Valid, o.Valid, s.Claim, o.Claim)
			}
		}
	}
	// owners with share > 100 or weird
	for _, e := range a.Entities {
		if e.Kind != KindOrganisation {
			continue
		}
		for y := 2000; y <= 2026; y++ {
			for _, m := range []time.Month{1, 7} {
				tt := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
				own := a.Owners(e.ID, tt)
				sum := 0.0
				for _, o := range own.Owners {
					if o.Depth == 1 && o.Share.Known {
						sum += o.Share.Min
					}
				}
				if sum > 100.001 || len(own.Cycles) > 0 {
					fmt.Println("sum", e.ID, tt.Format("2006-01"), sum, own.Cycles)
				}
			}
		}
	}
}
