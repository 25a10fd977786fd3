package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

func TestEntity(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "entity", "--atlas-dir", fixtureAtlas, "Sinnet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"org/sinnet  Beijing Sinnet", "\noperates\n", "<- owns (as object)", "Sources\n  [1]"} {
		if !strings.Contains(out, want) {
			t.Errorf("entity output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runAtlasCLI(t, "entity", "--atlas-dir", fixtureAtlas, "--format", "json", "org/sinnet")
	var ans struct {
		Entity struct{ ID string } `json:"entity"`
		Groups []struct{ Predicate string }
	}
	if err := json.Unmarshal([]byte(out), &ans); code != 0 || err != nil || ans.Entity.ID != "org/sinnet" || len(ans.Groups) != 4 {
		t.Errorf("entity json: exit %d, err %v, %+v", code, err, ans)
	}
	if code, _, errs := runAtlasCLI(t, "entity", "--atlas-dir", fixtureAtlas, "nobody"); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("unknown entity: exit %d, %q", code, errs)
	}
}

func TestHistory(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "history", "--atlas-dir", fixtureAtlas, "region/aws/cn-north-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	i, j := strings.Index(out, "2013-12    begins"), strings.Index(out, "2016-09    begins")
	if i < 0 || j < i {
		t.Errorf("history not in date order:\n%s", out)
	}
}

func TestSearchCommand(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "search", "--atlas-dir", fixtureAtlas, "光环")
	if code != 0 || !strings.HasPrefix(out, "prefix    org/sinnet") {
		t.Errorf("search 光环: exit %d, %q %s", code, out, errs)
	}
	code, out, _ = runAtlasCLI(t, "search", "--atlas-dir", fixtureAtlas, "--format", "json", "--limit", "2", "aws")
	var hits []atlas.Hit
	if err := json.Unmarshal([]byte(out), &hits); code != 0 || err != nil || len(hits) != 2 || hits[0].Rank != "exact" {
		t.Errorf("search json: exit %d, err %v, %+v", code, err, hits)
	}
	if _, out, _ := runAtlasCLI(t, "search", "--atlas-dir", fixtureAtlas, "zzz"); !strings.Contains(out, "no entity matches") {
		t.Errorf("search zzz: %q", out)
	}
}
