package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	mdns "github.com/miekg/dns"
	"golang.org/x/time/rate"

	"github.com/cloudatlas/cloudatlas/internal/hostname"
)

// Defaults of a [Config].
const (
	DefaultTimeout  = 2 * time.Second
	DefaultRetries  = 2
	DefaultMaxChain = 16
	// udpSize is the EDNS0 buffer size advertised over UDP (the DNS Flag
	// Day 2020 recommendation); larger answers come back truncated and
	// are asked again over TCP.
	udpSize = 1232
)

// Config configures a [Client].
type Config struct {
	// Servers are the recursive resolvers, HOST:PORT; a retry goes to the
	// next one in turn.
	Servers []string
	// Timeout bounds one query attempt (default DefaultTimeout).
	Timeout time.Duration
	// Retries is how many more attempts a query gets after a timeout or
	// network error, and after SERVFAIL or REFUSED when there is another
	// server to ask (default DefaultRetries; negative means none).
	Retries int
	// MaxChain is the longest CNAME chain followed (default
	// DefaultMaxChain).
	MaxChain int
	// Rate limits the queries sent by the client, per second, across all
	// its callers; 0 means no limit.
	Rate float64
}

// Client is a [Resolver] that asks recursive resolvers over UDP, falling
// back to TCP when an answer is truncated. It is safe for concurrent use.
type Client struct {
	servers  []string
	timeout  time.Duration
	retries  int
	maxChain int
	limiter  *rate.Limiter
	udp, tcp *mdns.Client
	// conns keeps idle UDP sockets per server: dialling one per query
	// costs more system calls than the query itself.
	conns map[string]chan *mdns.Conn
}

// New returns a client for cfg. It fails when no server is given or a
// server is not HOST:PORT.
func New(cfg Config) (*Client, error) {
	if len(cfg.Servers) == 0 {
		return nil, errors.New("dns: no resolver given")
	}
	for _, s := range cfg.Servers {
		if _, _, err := net.SplitHostPort(s); err != nil {
			return nil, fmt.Errorf("dns: resolver %q: want HOST:PORT: %w", s, err)
		}
	}
	if cfg.Rate < 0 {
		return nil, fmt.Errorf("dns: rate %g: want 0 (no limit) or more", cfg.Rate)
	}
	c := &Client{
		servers:  cfg.Servers,
		timeout:  orDefault(cfg.Timeout, DefaultTimeout),
		retries:  cfg.Retries,
		maxChain: cfg.MaxChain,
	}
	if c.retries == 0 {
		c.retries = DefaultRetries
	} else if c.retries < 0 {
		c.retries = 0
	}
	if c.maxChain <= 0 {
		c.maxChain = DefaultMaxChain
	}
	if cfg.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.Rate), max(1, int(cfg.Rate/100)))
	}
	c.udp = &mdns.Client{Net: "udp", Timeout: c.timeout, UDPSize: udpSize}
	c.tcp = &mdns.Client{Net: "tcp", Timeout: c.timeout}
	c.conns = map[string]chan *mdns.Conn{}
	for _, s := range c.servers {
		c.conns[s] = make(chan *mdns.Conn, idleConns)
	}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Servers returns the resolvers the client asks.
func (c *Client) Servers() []string { return c.servers }

// Resolve implements [Resolver]: it asks for the A and AAAA records of
// name (at the same time), each walk following the CNAME chain.
func (c *Client) Resolve(ctx context.Context, name string) (Result, error) {
	start := time.Now()
	res := Result{Name: name}
	n, err := hostname.Parse(name)
	if err != nil {
		return res, &Error{Name: name, Kind: KindInvalid, Err: err}
	}
	res.ASCII = n.ASCII
	aaaa := make(chan walk, 1)
	go func() { aaaa <- c.walk(ctx, n.ASCII, mdns.TypeAAAA) }()
	a := c.walk(ctx, n.ASCII, mdns.TypeA)
	six := <-aaaa
	failure := res.merge(a, six)
	res.Elapsed = time.Since(start)
	if failure != nil {
		failure.Name = name
		return res, failure
	}
	return res, nil
}

// merge fills r from the A and AAAA walks and returns the failure to
// report, if any: the A walk's, else the AAAA walk's, else
// KindNoAddress when neither found an address.
func (r *Result) merge(a, six walk) *Error {
	r.Chain, r.Rcode, r.Server = a.chain, a.rcode, a.server
	if len(r.Chain) == 0 && len(six.chain) > 0 {
		r.Chain = six.chain
	}
	if r.Server == "" {
		r.Server = six.server
	}
	r.A, r.AAAA = a.addrs, six.addrs
	switch {
	case a.err != nil:
		return a.err
	case six.err != nil:
		return six.err
	case len(r.A)+len(r.AAAA) == 0:
		return &Error{Kind: KindNoAddress, Server: r.Server}
	}
	return nil
}

// walk is what one walk of the CNAME chain for one record type found.
type walk struct {
	chain  []Hop
	addrs  []netip.Addr
	rcode  string
	server string
	err    *Error // Name is filled in by Resolve
}

// walk asks for qtype records of name and follows the CNAME chain,
// asking again for a target the answer left unresolved (an
// authoritative server does not chase CNAMEs out of its zones).
func (c *Client) walk(ctx context.Context, name string, qtype uint16) walk {
	var w walk
	seen := map[string]bool{name: true}
	cur := name
	for {
		msg, server, err := c.exchange(ctx, cur, qtype)
		w.server = server
		if err != nil {
			err.At = cur
			w.err = err
			return w
		}
		w.rcode = mdns.RcodeToString[msg.Rcode]
		asked := cur
		for {
			target, ok := cnameOf(msg.Answer, cur)
			if !ok {
				break
			}
			if seen[target] {
				w.err = &Error{Kind: KindLoop, At: target, Server: server}
				return w
			}
			if len(w.chain) >= c.maxChain {
				w.err = &Error{Kind: KindTooDeep, At: cur, Server: server,
					Err: fmt.Errorf("more than %d CNAME records", c.maxChain)}
				return w
			}
			seen[target] = true
			w.chain = append(w.chain, Hop{Name: cur, Target: target})
			cur = target
		}
		if e := rcodeError(msg.Rcode); e != nil {
			e.At, e.Server = cur, server
			w.err = e
			return w
		}
		w.addrs = addrsOf(msg.Answer, cur, qtype)
		if len(w.addrs) > 0 || cur == asked {
			return w
		}
	}
}

// rcodeError returns the failure a response code means, or nil for
// NOERROR.
func rcodeError(rcode int) *Error {
	switch rcode {
	case mdns.RcodeSuccess:
		return nil
	case mdns.RcodeNameError:
		return &Error{Kind: KindNXDomain}
	case mdns.RcodeServerFailure:
		return &Error{Kind: KindServFail}
	case mdns.RcodeRefused:
		return &Error{Kind: KindRefused}
	default:
		return &Error{Kind: KindRcode, Err: fmt.Errorf("rcode %s", mdns.RcodeToString[rcode])}
	}
}

// exchange sends one question, retrying after a timeout or network error
// (and after SERVFAIL or REFUSED when another server can be asked), and
// asks again over TCP when the UDP answer is truncated. It returns the
// answer and the server that gave it.
func (c *Client) exchange(ctx context.Context, name string, qtype uint16) (*mdns.Msg, string, *Error) {
	q := new(mdns.Msg)
	q.SetQuestion(mdns.Fqdn(name), qtype)
	q.SetEdns0(udpSize, false)
	var last *Error
	server := ""
	for attempt := 0; attempt <= c.retries; attempt++ {
		server = c.servers[attempt%len(c.servers)]
		msg, err := c.exchangeOnce(ctx, q, server)
		if err != nil {
			last = err
			if err.Kind == KindCanceled {
				return nil, server, err
			}
			continue
		}
		retryable := msg.Rcode == mdns.RcodeServerFailure || msg.Rcode == mdns.RcodeRefused
		if !retryable || len(c.servers) == 1 || attempt == c.retries {
			return msg, server, nil
		}
	}
	last.Server = server
	return nil, server, last
}

// exchangeOnce sends q to server once (UDP, then TCP when truncated).
func (c *Client) exchangeOnce(ctx context.Context, q *mdns.Msg, server string) (*mdns.Msg, *Error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, &Error{Kind: KindCanceled, Server: server, Err: err}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Kind: KindCanceled, Server: server, Err: err}
	}
	msg, err := c.exchangeUDP(ctx, q, server)
	if err == nil && msg.Truncated {
		msg, _, err = c.tcp.ExchangeContext(ctx, q, server)
	}
	if err != nil {
		return nil, classify(ctx, err, server)
	}
	return msg, nil
}

// idleConns is how many idle UDP sockets a client keeps per server.
const idleConns = 256

// exchangeUDP sends q over a pooled UDP socket. A socket that saw an error
// is closed, not reused; a late answer to an earlier query on a reused
// socket is told apart by its ID and dropped by miekg/dns.
func (c *Client) exchangeUDP(ctx context.Context, q *mdns.Msg, server string) (*mdns.Msg, error) {
	pool := c.conns[server]
	var conn *mdns.Conn
	select {
	case conn = <-pool:
	default:
		var err error
		if conn, err = c.udp.DialContext(ctx, server); err != nil {
			return nil, err
		}
	}
	q.Id = mdns.Id()
	msg, _, err := c.udp.ExchangeWithConnContext(ctx, q, conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	select {
	case pool <- conn:
	default:
		conn.Close()
	}
	return msg, nil
}

// classify turns an exchange error into an *Error.
func classify(ctx context.Context, err error, server string) *Error {
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, Server: server, Err: ctx.Err()}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Kind: KindTimeout, Server: server}
	}
	return &Error{Kind: KindNetwork, Server: server, Err: err}
}

// cnameOf returns the target of the CNAME record owned by name in rrs.
func cnameOf(rrs []mdns.RR, name string) (string, bool) {
	for _, rr := range rrs {
		if c, ok := rr.(*mdns.CNAME); ok && sameName(c.Hdr.Name, name) {
			return canonical(c.Target), true
		}
	}
	return "", false
}

// addrsOf returns the addresses of the qtype records owned by name.
func addrsOf(rrs []mdns.RR, name string, qtype uint16) []netip.Addr {
	var out []netip.Addr
	for _, rr := range rrs {
		if rr.Header().Rrtype != qtype || !sameName(rr.Header().Name, name) {
			continue
		}
		var ip net.IP
		switch r := rr.(type) {
		case *mdns.A:
			ip = r.A
		case *mdns.AAAA:
			ip = r.AAAA
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			if qtype == mdns.TypeA {
				a = a.Unmap()
			}
			out = append(out, a)
		}
	}
	return out
}

// canonical returns a wire name in the form Result uses: lower case, no
// final dot.
func canonical(fqdn string) string {
	return strings.ToLower(strings.TrimSuffix(fqdn, "."))
}

func sameName(fqdn, name string) bool {
	return canonical(fqdn) == name
}
