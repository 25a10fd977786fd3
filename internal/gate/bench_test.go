package gate

import (
	"context"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

// BenchmarkAdmit checks a token and counts its request, from parallel
// clients, as the API does for each request (the store is not touched:
// the token is cached and counts are shared by Run, not running here).
func BenchmarkAdmit(b *testing.B) {
	ctx := context.Background()
	db, err := openBenchStore(b)
	if err != nil {
		b.Fatal(err)
	}
	plans, err := access.ParsePlans("bench", []byte(`anonymous: {requests_per_minute: 0, requests_per_day: 0, bulk_inputs: 1, email_digests: false, exports: false}
plans:
  - {name: big, requests_per_minute: 1000000000, requests_per_day: 1000000000, bulk_inputs: 1, email_digests: false, exports: false}
`))
	if err != nil {
		b.Fatal(err)
	}
	g, _ := New(Config{Store: db, Plans: plans})
	auth := "Bearer " + newTokenTB(b, db, "bench", "big").Secret()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if v, err := g.Admit(ctx, auth); err != nil || !v.Allowed {
				b.Fatal(v, err)
			}
		}
	})
}
