package web

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// durationBuckets are the upper bounds, in seconds, of the request
// latency histogram.
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5}

// metrics is the server's Prometheus registry (its own, not the global
// one, so that servers in one process do not share series): a counter
// per route pattern, method and status, a latency histogram per route,
// and gauges of the loaded data read at each scrape. It is safe for
// concurrent use.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	gauges   sync.Once
	handler  http.Handler
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cloudatlas_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cloudatlas_http_request_duration_seconds",
			Help:    "Time to handle a request, by route pattern.",
			Buckets: durationBuckets,
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// routeMetrics is the series of one route pattern, looked up once when
// the route is mounted; the counters of its (method, status) pairs are
// kept so that a request does not hash its labels.
type routeMetrics struct {
	pattern  string
	requests *prometheus.CounterVec
	duration prometheus.Observer
	counters sync.Map // "GET 200" -> prometheus.Counter
}

// route returns the series of pattern.
func (m *metrics) route(pattern string) *routeMetrics {
	return &routeMetrics{pattern: pattern, requests: m.requests, duration: m.duration.WithLabelValues(pattern)}
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
	c, ok := rm.counters.Load(key)
	if !ok {
		c, _ = rm.counters.LoadOrStore(key, rm.requests.WithLabelValues(rm.pattern, method, strconv.Itoa(code)))
	}
	c.(prometheus.Counter).Inc()
	rm.duration.Observe(d.Seconds())
}

// registerGauges adds the gauges of the loaded data, read at each
// scrape.
func (s *Server) registerGauges() {
	gauge := func(name, help string, f func() float64) {
		s.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	gauge("cloudatlas_ranges_loaded", "1 when range data is loaded, else 0.", func() float64 {
		if s.state.Load().ready() {
			return 1
		}
		return 0
	})
	gauge("cloudatlas_ranges_records", "Range records in the lookup table.", func() float64 { return float64(s.state.Load().Records) })
	gauge("cloudatlas_ranges_prefixes", "Distinct prefixes in the lookup table.", func() float64 { return float64(s.state.Load().Prefixes) })
	gauge("cloudatlas_ranges_snapshots", "Feed snapshots in use.", func() float64 { return float64(len(s.state.Load().Current)) })
	ents, stmts, points, _ := s.atlas.Counts() // the atlas does not change while the server runs
	gauge("cloudatlas_atlas_entities", "Entities in the atlas.", func() float64 { return float64(ents) })
	gauge("cloudatlas_atlas_statements", "Statements in the atlas.", func() float64 { return float64(stmts) })
	gauge("cloudatlas_atlas_series_points", "Market series points in the atlas.", func() float64 { return float64(points) })
}

// handleMetrics serves /metrics in the Prometheus text exposition format
// (or OpenMetrics, when the scraper asks for it).
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	s.metrics.gauges.Do(s.registerGauges)
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}
