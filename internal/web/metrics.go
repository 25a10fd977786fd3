package web

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// durationBuckets are the upper bounds, in seconds, of the request
// latency histogram.
var durationBuckets = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5}

// metrics counts requests in the Prometheus text format without a
// client library: a counter per route, method and status, and a
// latency histogram per route. It is safe for concurrent use.
type metrics struct {
	mu     sync.RWMutex
	routes map[string]*routeMetrics
}

// routeMetrics is the series of one route pattern.
type routeMetrics struct {
	codes   sync.Map // "GET 200" -> *atomic.Int64
	buckets [len(durationBuckets) + 1]atomic.Int64
	count   atomic.Int64
	sumNs   atomic.Int64
}

func newMetrics() *metrics { return &metrics{routes: map[string]*routeMetrics{}} }

// route returns the series of pattern, creating them on first use.
func (m *metrics) route(pattern string) *routeMetrics {
	m.mu.RLock()
	rm := m.routes[pattern]
	m.mu.RUnlock()
	if rm != nil {
		return rm
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if rm = m.routes[pattern]; rm == nil {
		rm = &routeMetrics{}
		m.routes[pattern] = rm
	}
	return rm
}

// knownMethods are the methods counted under their own name; any other
// counts as OTHER, so that clients cannot grow the series without bound
// (the catch-all routes accept every method).
var knownMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace}

// observe records one request.
func (rm *routeMetrics) observe(method string, code int, d time.Duration) {
	if !slices.Contains(knownMethods, method) {
		method = "OTHER"
	}
	key := method + " " + strconv.Itoa(code)
	c, ok := rm.codes.Load(key)
	if !ok {
		c, _ = rm.codes.LoadOrStore(key, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
	sec := d.Seconds()
	i := 0
	for i < len(durationBuckets) && sec > durationBuckets[i] {
		i++
	}
	rm.buckets[i].Add(1)
	rm.count.Add(1)
	rm.sumNs.Add(int64(d))
}

// gauge is one extra value exposed with the request metrics.
type gauge struct {
	name, help string
	value      float64
}

// write prints every series in the Prometheus text exposition format.
func (m *metrics) write(out io.Writer, gauges []gauge) error {
	w := bufio.NewWriter(out)
	m.mu.RLock()
	names := make([]string, 0, len(m.routes))
	for n := range m.routes {
		names = append(names, n)
	}
	m.mu.RUnlock()
	slices.Sort(names)
	fmt.Fprintln(w, "# HELP cloudatlas_http_requests_total HTTP requests by route pattern, method and status.")
	fmt.Fprintln(w, "# TYPE cloudatlas_http_requests_total counter")
	for _, n := range names {
		rm := m.route(n)
		var keys []string
		rm.codes.Range(func(k, _ any) bool { keys = append(keys, k.(string)); return true })
		slices.Sort(keys)
		for _, k := range keys {
			c, _ := rm.codes.Load(k)
			method, code, _ := cutSpace(k)
			fmt.Fprintf(w, "cloudatlas_http_requests_total{route=%q,method=%q,code=%q} %d\n", n, method, code, c.(*atomic.Int64).Load())
		}
	}
	fmt.Fprintln(w, "# HELP cloudatlas_http_request_duration_seconds Time to handle a request, by route pattern.")
	fmt.Fprintln(w, "# TYPE cloudatlas_http_request_duration_seconds histogram")
	for _, n := range names {
		rm := m.route(n)
		var cum int64
		for i, le := range durationBuckets {
			cum += rm.buckets[i].Load()
			fmt.Fprintf(w, "cloudatlas_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", n, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "cloudatlas_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", n, rm.count.Load())
		fmt.Fprintf(w, "cloudatlas_http_request_duration_seconds_sum{route=%q} %g\n", n, float64(rm.sumNs.Load())/1e9)
		fmt.Fprintf(w, "cloudatlas_http_request_duration_seconds_count{route=%q} %d\n", n, rm.count.Load())
	}
	for _, g := range gauges {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", g.name, g.help, g.name, g.name, g.value)
	}
	return w.Flush()
}

func cutSpace(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// handleMetrics serves /metrics.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	st := s.state.Load()
	ents, stmts, points, _ := s.atlas.Counts()
	ready := 0.0
	if st.ready() {
		ready = 1
	}
	gauges := []gauge{
		{"cloudatlas_ranges_loaded", "1 when range data is loaded, else 0.", ready},
		{"cloudatlas_ranges_records", "Range records in the lookup table.", float64(st.Records)},
		{"cloudatlas_ranges_prefixes", "Distinct prefixes in the lookup table.", float64(st.Prefixes)},
		{"cloudatlas_ranges_snapshots", "Feed snapshots in use.", float64(len(st.Current))},
		{"cloudatlas_atlas_entities", "Entities in the atlas.", float64(ents)},
		{"cloudatlas_atlas_statements", "Statements in the atlas.", float64(stmts)},
		{"cloudatlas_atlas_series_points", "Market series points in the atlas.", float64(points)},
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	return s.metrics.write(w, gauges)
}
