// Command web measures GET /v1/ip/{ip} of "cloudatlas serve" on loopback
// against a trivial net/http handler measured in the same run, with the
// same load generator: keep-alive clients, a fixed number of requests
// per target, bounded in time. It prints requests per second and latency
// percentiles for both, and the ratio.
//
//	go run ./bench/web -data-dir DIR     # DIR loaded by cloudatlas update
//
// The server, the baseline and the clients share one process and its
// cores, so both targets are measured under the same conditions.
//
// With -access (the default), it also measures the cost of access
// control: the same requests to a second server that checks a bearer
// token and counts its organisation's quota (docs/access.md), against the
// server without access control, alternating the two for -rounds rounds,
// and prints the median ratio (target: at least 0.90).
package main

import (
	"context"
	crand "crypto/rand"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/access"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/cli"
	"github.com/cloudatlas/cloudatlas/internal/gate"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/web"
)

func main() {
	dir := flag.String("data-dir", "", "data `directory` with range data (cloudatlas update --from ../shared/data/ranges)")
	storeURL := flag.String("store", "", "the store `URL` (postgres://...; default the data directory's SQLite database)")
	n := flag.Int("n", 200000, "requests per target")
	conc := flag.Int("c", 32, "concurrent keep-alive clients")
	limit := flag.Duration("max", 60*time.Second, "time limit per target")
	withAccess := flag.Bool("access", true, "also measure /v1/ip with a token and quotas against the same server without")
	rounds := flag.Int("rounds", 3, "with -access: rounds of the two, alternating")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the /v1/ip run (server and clients) to `file`")
	flag.Parse()
	if *dir == "" {
		log.Fatal("give -data-dir")
	}
	place := store.Place{Dir: *dir, URL: *storeURL}
	addrs, err := sampleAddrs(place, 10000)
	if err != nil {
		log.Fatal(err)
	}
	sub, _ := fs.Sub(data.Atlas, "atlas")
	a, err := atlas.Load(sub)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := web.New(web.Config{Load: cli.RangeLoader(place), Atlas: a, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Reload(context.Background()); err != nil {
		log.Fatal(err)
	}
	baseline := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`+"\n")
	})
	baseURL := listen(baseline)
	atlasURL := listen(srv.Handler())
	fmt.Printf("%d addresses sampled from the loaded ranges; %d requests per target, %d clients, GOMAXPROCS=%d\n",
		len(addrs), *n, *conc, runtime.GOMAXPROCS(0))
	b := run("baseline GET /ok", func(i int) string { return baseURL + "/ok" }, "", *n, *conc, *limit)
	ipURL := func(base string) func(int) string {
		return func(i int) string { return base + "/v1/ip/" + addrs[i%len(addrs)] }
	}
	stopProfile := startProfile(*cpuProfile)
	w := run("cloudatlas GET /v1/ip/{ip}", ipURL(atlasURL), "", *n, *conc, *limit)
	stopProfile()
	fmt.Printf("ratio: cloudatlas does %.2f of the baseline's requests per second (target >= 0.80); p99 %.2f ms (target < 5 ms)\n",
		w.rps/b.rps, w.p99.Seconds()*1000)
	sameURL, mean := sameBytes(ipURL(atlasURL))
	sb := run("same bytes GET /same/{i}", func(i int) string { return fmt.Sprintf("%s/same/%d", sameURL, i) }, "", *n, *conc, *limit)
	fmt.Printf("second baseline: a handler writing stored /v1/ip answers (%d bytes on average) does %.0f req/s; cloudatlas does %.2f of it (the join and its encoding; the rest is moving the bytes)\n",
		mean, sb.rps, w.rps/sb.rps)
	if *withAccess {
		gatedURL, token, stop := gatedServer(place, a)
		defer stop()
		var ratios []float64
		for r := range *rounds {
			fmt.Printf("round %d of %d:\n", r+1, *rounds)
			plain := run("  /v1/ip without access", ipURL(atlasURL), "", *n, *conc, *limit)
			gated := run("  /v1/ip with a token", ipURL(gatedURL), token, *n, *conc, *limit)
			ratios = append(ratios, gated.rps/plain.rps)
		}
		slices.Sort(ratios)
		fmt.Printf("access: with a token and quotas, /v1/ip does %.3f of the requests per second without (median of %d rounds: %.3f); target >= 0.90\n",
			ratios[len(ratios)/2], len(ratios), ratios)
		paired(ipURL(atlasURL), ipURL(gatedURL), token, *n, *conc)
	}
}

// paired sends n requests to each of two targets from conc clients,
// each client alternating between them (and which goes first), so that
// both see the same moments of a noisy machine. It prints the ratio of
// their mean and median latencies: under the same load, the throughput
// of b is that of a divided by the mean ratio.
func paired(a, b func(int) string, tokenB string, n, conc int) {
	tr := &http.Transport{MaxIdleConnsPerHost: 2 * conc, MaxConnsPerHost: 2 * conc, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var next atomic.Int64
	latA, latB := make([][]time.Duration, conc), make([][]time.Duration, conc)
	timed := func(url, token string) time.Duration {
		t0 := time.Now()
		if err := get(client, url, token); err != nil {
			log.Fatal(err)
		}
		return time.Since(t0)
	}
	var wg sync.WaitGroup
	for c := range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if i%2 == 0 {
					latA[c] = append(latA[c], timed(a(i), ""))
					latB[c] = append(latB[c], timed(b(i), tokenB))
				} else {
					latB[c] = append(latB[c], timed(b(i), tokenB))
					latA[c] = append(latA[c], timed(a(i), ""))
				}
			}
		})
	}
	wg.Wait()
	stats := func(ls [][]time.Duration) (mean, p50 time.Duration) {
		all := slices.Concat(ls...)
		slices.Sort(all)
		var sum time.Duration
		for _, d := range all {
			sum += d
		}
		return sum / time.Duration(len(all)), all[len(all)/2]
	}
	meanA, p50A := stats(latA)
	meanB, p50B := stats(latB)
	fmt.Printf("access, paired (%d requests each, every client alternating): mean %.3f ms without, %.3f ms with a token (throughput ratio %.3f); "+
		"median %.3f ms / %.3f ms (ratio %.3f); target >= 0.90\n",
		n, ms(meanA), ms(meanB), float64(meanA)/float64(meanB), ms(p50A), ms(p50B), float64(p50A)/float64(p50B))
}

// listen serves h on a loopback port and returns its base URL.
func listen(h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, h)
	return "http://" + ln.Addr().String()
}

// sameBytes fetches the /v1/ip answers of the first addresses and serves
// them again from memory, as a baseline that moves the same bytes as
// the real answers with none of the work. It returns its URL and the
// answers' mean size.
func sameBytes(ipURL func(int) string) (string, int) {
	const n = 64
	bodies := make([][]byte, n)
	total := 0
	for i := range n {
		resp, err := http.Get(ipURL(i))
		if err != nil {
			log.Fatal(err)
		}
		bodies[i], err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			log.Fatalf("%s: %v %s", ipURL(i), err, resp.Status)
		}
		total += len(bodies[i])
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/same/"))
		b := bodies[i%n]
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	})
	return listen(h), total / n
}

// startProfile starts a CPU profile into path ("" for none) and returns
// the function that stops it.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// result is the outcome of one load run.
type result struct {
	rps           float64
	p50, p90, p99 time.Duration
}

// run sends n GETs to url(i) from conc clients and reports throughput
// and latency. It stops early at limit.
func run(name string, url func(int) string, token string, n, conc int, limit time.Duration) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	// Warm up: connections, caches.
	for i := range 2000 {
		get(client, url(i), token)
	}
	var next atomic.Int64
	var errs atomic.Int64
	lat := make([][]time.Duration, conc)
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || time.Now().After(deadline) {
					return
				}
				t0 := time.Now()
				if err := get(client, url(i), token); err != nil {
					errs.Add(1)
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[int(float64(len(all)-1)*p)] }
	r := result{rps: float64(len(all)) / took.Seconds(), p50: pct(0.50), p90: pct(0.90), p99: pct(0.99)}
	fmt.Printf("%-28s %8d requests in %6.2fs: %9.0f req/s  p50 %6.3f ms  p90 %6.3f ms  p99 %6.3f ms  errors %d\n",
		name, len(all), took.Seconds(), r.rps, ms(r.p50), ms(r.p90), ms(r.p99), errs.Load())
	return r
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

// get fetches url (with the bearer token, if any) and drains the body;
// non-200 is an error.
func get(c *http.Client, url, token string) error {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// sampleAddrs returns n addresses, each inside a random loaded range,
// with a fixed seed so runs compare.
func sampleAddrs(place store.Place, n int) ([]string, error) {
	ctx := context.Background()
	db, err := place.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ix, err := index.Open(ctx, db, place.Dir)
	if err != nil {
		return nil, err
	}
	sets, err := ix.Sets()
	if err != nil {
		return nil, err
	}
	var prefixes []netip.Prefix
	for _, s := range sets {
		for _, r := range s.Records {
			prefixes = append(prefixes, r.Prefix)
		}
	}
	if len(prefixes) == 0 {
		return nil, fmt.Errorf("no range data in %s", place)
	}
	rng := rand.New(rand.NewPCG(42, 42))
	out := make([]string, n)
	for i := range out {
		p := prefixes[rng.IntN(len(prefixes))]
		b := p.Addr().AsSlice()
		for j := p.Bits(); j < len(b)*8; j++ {
			if rng.IntN(2) == 1 {
				b[j/8] |= 0x80 >> (j % 8)
			}
		}
		a, _ := netip.AddrFromSlice(b)
		out[i] = a.String()
	}
	return out, nil
}

// benchPlans has one plan with limits no run reaches, so that every
// request is checked and counted and none refused.
const benchPlans = `anonymous: {requests_per_minute: 1, requests_per_day: 1, bulk_inputs: 1, email_digests: false, exports: false}
plans:
  - {name: bench, requests_per_minute: 1000000000, requests_per_day: 1000000000, bulk_inputs: 10000, email_digests: false, exports: false}
`

// gatedServer serves the range data of place again, with access control
// over a store in a temporary directory holding one token, and returns
// its base URL, the token and a function that stops it.
func gatedServer(place store.Place, a *atlas.Atlas) (string, string, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	tmp, err := os.MkdirTemp("", "cloudatlas-bench-access-")
	if err != nil {
		log.Fatal(err)
	}
	db, err := store.Open(ctx, tmp)
	if err != nil {
		log.Fatal(err)
	}
	plans, err := access.ParsePlans("bench plans", []byte(benchPlans))
	if err != nil {
		log.Fatal(err)
	}
	org, _, err := db.EnsureOrg(ctx, "bench", "bench", false, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	tok, err := access.NewToken(crand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.AddToken(ctx, org.ID, tok, time.Now()); err != nil {
		log.Fatal(err)
	}
	g, err := gate.New(gate.Config{Store: db, Plans: plans, Anonymous: plans.Anonymous})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() { g.Run(ctx); close(done) }()
	srv, err := web.New(web.Config{Load: cli.RangeLoader(place), Atlas: a, Logger: slog.New(slog.DiscardHandler), Access: g})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Reload(ctx); err != nil {
		log.Fatal(err)
	}
	return listen(srv.Handler()), tok.Secret(), func() {
		cancel()
		<-done
		db.Close()
		os.RemoveAll(tmp)
	}
}
