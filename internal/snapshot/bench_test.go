package snapshot

import (
	"context"
	"io"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
)

// BenchmarkRun resolves a synthetic population of 5,000 names (A and
// AAAA each, one name in five with a CNAME into another zone, so 2 to 4
// queries a name) against the fixture server, at the default
// concurrency and with no rate limit, and reports names/s.
func BenchmarkRun(b *testing.B) {
	cfg, names := dnstest.Population(5000)
	srv, err := dnstest.Start(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := dns.New(dns.Config{Servers: []string{srv.Addr}})
	if err != nil {
		b.Fatal(err)
	}
	ins := inputsOf(names)
	start := time.Now()
	n := 0
	for b.Loop() {
		st, err := Run(context.Background(), c, ins, io.Discard, Options{})
		if err != nil || st.Written != len(ins) {
			b.Fatal(err, st)
		}
		n += st.Written
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "names/s")
}

// BenchmarkBaselineQueryLoop is the baseline: one miekg/dns client asking
// the same server for the A record of each name in turn, one query at a
// time, with nothing else done. It reports queries/s.
func BenchmarkBaselineQueryLoop(b *testing.B) {
	cfg, names := dnstest.Population(5000)
	srv, err := dnstest.Start(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c := &mdns.Client{Net: "udp", Timeout: 2 * time.Second}
	start := time.Now()
	n := 0
	for b.Loop() {
		for _, name := range names {
			m := new(mdns.Msg)
			m.SetQuestion(mdns.Fqdn(name), mdns.TypeA)
			if _, _, err := c.Exchange(m, srv.Addr); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "queries/s")
}
