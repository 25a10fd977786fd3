package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
)

// TestShareOverAResolvedPopulation resolves a 200-name fixture
// population against the DNS server on loopback, then measures who
// serves it, by provider and for the .cn names.
func TestShareOverAResolvedPopulation(t *testing.T) {
	cfg, names := dnstest.Population(200)
	srv, err := dnstest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := loadedDir(t)
	snap := filepath.Join(t.TempDir(), "pop.jsonl")
	r := runCmd(t, strings.Join(names, "\n")+"\n", "resolve", "--out", snap, "--resolver", srv.Addr, "--ranked", "-")
	if r.code > 1 {
		t.Fatalf("resolve: exit %d: %s", r.code, r.stderr)
	}
	r = runCmd(t, "", "share", "--data-dir", dir, snap)
	if r.code != 0 {
		t.Fatalf("share: exit %d: %s", r.code, r.stderr)
	}
	t.Logf("share of the fixture population:\n%s", r.stdout)
	wantContains(t, r.stdout, "Measured hosting share by provider of", "200 names, 190 resolved, 10 not",
		"a CDN-fronted site counts for the CDN", "not a share of revenue", "aws")
	r = runCmd(t, "", "share", "--data-dir", dir, "--json", "--subset", "cn", "--save", snap)
	var out struct {
		Population int
		Rows       []struct {
			Key   string
			Names int
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Population != 20 {
		t.Fatalf("cn subset: %v %+v\n%s", err, out, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ShareFile)); err != nil {
		t.Errorf("--save: %v", err)
	}
	if r := runCmd(t, "", "share", "--data-dir", dir, "--by", "color", snap); r.code != 2 {
		t.Errorf("bad --by: exit %d", r.code)
	}
}
