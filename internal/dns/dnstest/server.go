// Package dnstest runs a real DNS server (github.com/miekg/dns's) on
// 127.0.0.1 that answers from fixture zones, for tests and benchmarks
// that must not touch the Internet. It answers recursive-style queries
// authoritatively: it chases CNAMEs within a zone (not across zones),
// expands wildcards, answers NXDOMAIN for names that do not exist in a
// zone and REFUSED for names outside every zone, truncates UDP answers
// that exceed the client's buffer (so the client must ask again over
// TCP), and can be told to answer some names with SERVFAIL or REFUSED,
// or only after a delay.
//
//	srv, err := dnstest.Start(dnstest.Fixtures())
//	...
//	defer srv.Close()
//	client, err := dns.New(dns.Config{Servers: []string{srv.Addr}})
package dnstest

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"
)

// Zone is one zone of fixture records.
type Zone struct {
	// Origin is the zone's apex, e.g. "example.test".
	Origin string
	// Records are RFC 1035 master-file lines; relative names are under
	// Origin, and the default TTL is 300.
	Records string
}

// Config is what a server serves.
type Config struct {
	Zones []Zone
	// ServFail and Refused list names answered with SERVFAIL or REFUSED,
	// whatever the question.
	ServFail, Refused []string
	// Slow maps names to a delay before the answer.
	Slow map[string]time.Duration
}

// Server is a running fixture server. Close it when done.
type Server struct {
	// Addr is the address, 127.0.0.1:PORT, on which it answers over UDP
	// and TCP.
	Addr string

	zones    []*zone
	servFail map[string]bool
	refused  map[string]bool
	slow     map[string]time.Duration
	udp, tcp *mdns.Server
	done     chan struct{}

	mu      sync.Mutex
	queries map[string]int
	total   int
	tcpN    int
}

// Start loads cfg and starts serving it on a free port of 127.0.0.1.
func Start(cfg Config) (*Server, error) {
	s := &Server{
		servFail: set(cfg.ServFail),
		refused:  set(cfg.Refused),
		slow:     map[string]time.Duration{},
		done:     make(chan struct{}),
		queries:  map[string]int{},
	}
	for name, d := range cfg.Slow {
		s.slow[canonical(name)] = d
	}
	for _, z := range cfg.Zones {
		parsed, err := parseZone(z)
		if err != nil {
			return nil, err
		}
		s.zones = append(s.zones, parsed)
	}
	if err := s.listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// listen binds UDP and TCP on the same free port and starts both
// servers.
func (s *Server) listen() error {
	var lastErr error
	for range 10 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("dnstest: %w", err)
		}
		addr := pc.LocalAddr().String()
		l, err := net.Listen("tcp", addr)
		if err != nil {
			pc.Close()
			lastErr = err
			continue
		}
		s.Addr = addr
		s.udp = &mdns.Server{PacketConn: pc, Handler: mdns.HandlerFunc(s.serve)}
		s.tcp = &mdns.Server{Listener: l, Handler: mdns.HandlerFunc(s.serve)}
		return s.activate()
	}
	return fmt.Errorf("dnstest: no port free for both UDP and TCP: %w", lastErr)
}

// activate starts both servers and waits until they listen.
func (s *Server) activate() error {
	var ready sync.WaitGroup
	ready.Add(2)
	errs := make(chan error, 2)
	for _, srv := range []*mdns.Server{s.udp, s.tcp} {
		srv.NotifyStartedFunc = ready.Done
		go func() {
			if err := srv.ActivateAndServe(); err != nil {
				errs <- err
			}
		}()
	}
	started := make(chan struct{})
	go func() { ready.Wait(); close(started) }()
	select {
	case <-started:
		return nil
	case err := <-errs:
		return fmt.Errorf("dnstest: %w", err)
	}
}

// Close stops the server; slow answers still waiting are dropped.
func (s *Server) Close() error {
	close(s.done)
	return errors.Join(s.udp.Shutdown(), s.tcp.Shutdown())
}

// Queries returns how many questions arrived for name (any type, either
// transport).
func (s *Server) Queries(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[canonical(name)]
}

// TotalQueries returns how many questions arrived in all.
func (s *Server) TotalQueries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// TCPQueries returns how many questions arrived over TCP.
func (s *Server) TCPQueries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tcpN
}

func set(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[canonical(n)] = true
	}
	return m
}

func canonical(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}
