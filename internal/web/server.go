// Package web serves the cloudatlas web atlas and its JSON API.
//
// A [Server] is a value: build it with [New], mount [Server.Handler] on
// any listener (tests use httptest on :0), and call [Server.Reload] to
// swap in new range data without stopping. Pages are server-rendered
// with html/template from embedded files and work without JavaScript;
// the API lives under /v1 and is described by the embedded OpenAPI
// document served at /v1/openapi.json.
//
// # Concurrency
//
// The atlas is immutable and the range lookup state is replaced
// atomically, so every handler reads without locks.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/bulletin"
	"github.com/cloudatlas/cloudatlas/internal/gate"
)

// Config is what a [Server] needs.
type Config struct {
	// Load returns the range data to answer from; required.
	Load Loader
	// Atlas is the curated graph; required.
	Atlas *atlas.Atlas
	// Logger receives access logs and errors; nil discards them.
	Logger *slog.Logger
	// Now is the clock used for "as of today"; nil means time.Now.
	Now func() time.Time
	// Timeout bounds each request's handler; 0 means 10 seconds.
	Timeout time.Duration
	// Names answers host names. With a resolver, the server resolves the
	// names clients ask about (rate-limited per client); without one, or
	// when nil, names are answered from the names alone.
	Names *answer.Names
	// Digests serves the roundups, reading lists, their feeds and the
	// mail subscriptions; nil leaves those pages saying so.
	Digests *bulletin.Service
	// BaseURL is the site's absolute URL for links in feeds; nil takes
	// them from each request.
	BaseURL *url.URL
	// Proxies are the reverse proxies trusted to name the client in
	// X-Forwarded-For; per-client limits count by that client. Empty:
	// the peer address is the client.
	Proxies Proxies
	// Access checks tokens and quotas on the API (docs/access.md); nil
	// serves the API to everyone without limits.
	Access *gate.Gate
}

// Server is the web atlas and API. Build it with [New]; it is safe for
// concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	atlas   *atlas.Atlas
	state   atomic.Pointer[lookupState]
	pages   *pages
	assets  *assets
	openapi []byte
	metrics *metrics
	join    *answer.Joiner // the one join, with its memo of place answers
	names   *answer.Names
	limits  *clientLimits  // resolutions per client
	past    pastTables     // range data of past days
	methods *http.ServeMux // every method-specific route, to tell 405 from 404
	// bulkMatches overrides maxBulkMatches (tests lower it to reach it
	// with the small fixture feeds).
	bulkMatches int
	bufs        sync.Pool // *[]byte response buffers of the address API
	handler     http.Handler
}

// New returns a server over cfg. It parses every template and reads
// every asset once; it does not load range data (see [Server.Reload]).
func New(cfg Config) (*Server, error) {
	if cfg.Atlas == nil {
		return nil, errors.New("web: config has no atlas")
	}
	if cfg.Load == nil {
		return nil, errors.New("web: config has no range data loader")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now, atlas: cfg.Atlas,
		metrics: newMetrics(), join: answer.New(cfg.Atlas), names: cfg.Names, limits: newClientLimits(cfg.Proxies)}
	if s.names == nil {
		s.names = &answer.Names{}
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	if s.openapi, err = openAPIJSON(); err != nil {
		return nil, err
	}
	s.bufs.New = func() any { b := make([]byte, 0, 16<<10); return &b }
	s.state.Store(&lookupState{RangeData: &RangeData{}})
	s.handler = s.routes()
	return s, nil
}

// Handler returns the root handler with every route.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on ln until ctx is done, then shuts down gracefully,
// giving in-flight requests up to grace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.Timeout + 20*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", slog.Duration("grace", grace))
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve: %w", err)
	}
	return nil
}
