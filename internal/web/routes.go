package web

import (
	"net/http"
	"strings"
)

// routes returns the handler of every route. It is the one place that
// lists them.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.methods = http.NewServeMux()
	handle := func(pattern string, h http.Handler) {
		if isAPI(pattern) {
			h = s.guard(h, pattern == bulkRoute)
		}
		mux.Handle(pattern, s.instrument(pattern, h))
		if pattern != "/" && pattern != "/v1/" {
			s.methods.Handle(pattern, http.NotFoundHandler())
		}
	}

	// JSON API, read-only.
	handle("GET /v1/ip/{ip...}", s.api(s.handleIP))
	handle(bulkRoute, s.api(s.handleBulk))
	handle("POST /v1/audit", s.api(s.handleAudit))
	handle("GET /v1/host/{name}", s.api(s.handleHost))
	handle("GET /v1/whois/{target...}", s.api(s.handleWhois))
	handle("GET /v1/entities/{id...}", s.api(s.handleEntity))
	handle("GET /v1/search", s.api(s.handleSearch))
	handle("GET /v1/regions", s.api(s.handleRegions))
	handle("GET /v1/providers", s.api(s.handleProviders))
	handle("GET /v1/market", s.api(s.handleMarket))
	handle("GET /v1/feeds", s.api(s.handleFeeds))
	handle("GET /v1/openapi.json", s.api(s.handleOpenAPI))
	handle("/v1/", s.api(s.handleAPINotFound))

	// Operations.
	handle("GET /healthz", s.api(s.handleHealthz))
	handle("GET /readyz", s.api(s.handleReadyz))
	handle("GET /metrics", s.api(s.handleMetrics))

	// Pages.
	handle("GET /{$}", s.page(s.handleHome))
	handle("GET /search", s.page(s.handleSearchPage))
	handle("GET /ip/{q...}", s.page(s.handleAnswerPage))
	handle("GET /entity/{id...}", s.page(s.handleEntityOrFeed))
	handle("GET /as/{asn}", s.page(s.handleASPage))
	handle("GET /host/{name}", s.page(s.handleHostPage))
	handle("GET /market", s.page(s.handleMarketPage))
	handle("GET /api", s.page(s.handleAPIPage))
	handle("GET /bulk", s.page(s.handleBulkPage))
	handle("POST /bulk", s.page(s.handleBulkSubmit))
	handle("GET /audit", s.page(s.handleAuditPage))
	handle("POST /audit", s.page(s.handleAuditSubmit))
	s.routeDigests(handle) // roundups, reading lists, feeds, subscriptions
	handle("GET /static/{hash}/{name}", http.HandlerFunc(s.handleStatic))
	handle("/", s.page(s.handleNotFound))
	return mux
}

// bulkRoute is the pattern of the bulk API, whose handler reads the
// access verdict for the plan's bulk size.
const bulkRoute = "POST /v1/bulk"

// isAPI reports whether a route pattern is of the JSON API (/v1), which
// the access gate guards.
func isAPI(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(pattern, "/v1/") || strings.HasPrefix(path, "/v1/")
}
