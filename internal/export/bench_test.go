package export_test

import (
	"context"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/export"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// BenchmarkSharedMMDB measures the export of the real feeds and routing
// data (../shared) beside its floor: the same ranges written by
// mmdbwriter with one constant record, no join and no ranking. Run it
// with -benchtime 1x: each iteration takes seconds.
//
//	go test -run xxx -bench SharedMMDB -benchtime 1x ./internal/export
func BenchmarkSharedMMDB(b *testing.B) {
	src := sharedRanges(b)
	dir := b.TempDir()
	run(b, "", "", "update", "--data-dir", dir, "--from", src)
	ctx := context.Background()
	ix, err := dataset.OpenIndex(ctx, store.In(dir))
	if err != nil {
		b.Fatal(err)
	}
	tbl, err := ix.Table()
	if err != nil {
		b.Fatal(err)
	}
	rt, _, err := dataset.OpenRoutes(ctx, store.In(dir))
	if err != nil {
		b.Fatal(err)
	}
	sub, err := fs.Sub(data.Atlas, "atlas")
	if err != nil {
		b.Fatal(err)
	}
	a, err := atlas.Load(sub)
	if err != nil {
		b.Fatal(err)
	}
	r := answer.WithRoutes(tbl, rt)
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			// A new Joiner each time: its memo would otherwise carry the
			// atlas answers over from the last iteration.
			x := &export.MMDB{Ranges: r, Joiner: answer.New(a), AsOf: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Built: time.Now()}
			st, err := x.Write(io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.Bytes)/1e6, "MB")
		}
	})
	b.Run("floor", func(b *testing.B) {
		for b.Loop() {
			n, err := floor(r)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n)/1e6, "MB")
		}
	})
}

// floor writes every routed interval and every feed prefix of r with one
// constant record: what mmdbwriter alone costs for these ranges.
func floor(r answer.Ranges) (int64, error) {
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "floor", DisableIPv4Aliasing: true, IncludeReservedNetworks: true})
	if err != nil {
		return 0, err
	}
	v := mmdbtype.Map{"tier": mmdbtype.String("routing")}
	insert := func(lo, hi netip.Addr) error {
		return tree.InsertRange(net.IP(lo.AsSlice()), net.IP(hi.AsSlice()), v)
	}
	for route := range answer.RoutesOf(r).Table.All() {
		if err := insert(route.First, route.Last); err != nil {
			return 0, err
		}
	}
	var ferr error
	for _, root := range []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")} {
		var prev netip.Prefix
		answer.Unwrap(r).Within(root, func(m lpm.Match) bool {
			if p := m.Record.Prefix; p != prev {
				prev, ferr = p, insert(p.Addr(), last(p))
			}
			return ferr == nil
		})
	}
	if ferr != nil {
		return 0, ferr
	}
	return tree.WriteTo(io.Discard)
}
