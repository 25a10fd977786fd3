// Package mailtest runs a real SMTP server on loopback for tests (built
// with github.com/emersion/go-smtp): it offers STARTTLS with a
// certificate made for the test and AUTH PLAIN when asked, keeps every
// message it accepts, and lets a test act at the moment a message is
// about to be accepted (to kill a sender mid-send, say). [Parse] reads a
// received message's MIME structure.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a [Server].
type Options struct {
	// StartTLS offers STARTTLS with a certificate for 127.0.0.1 and
	// localhost; [Server.ClientTLS] trusts it.
	StartTLS bool
	// Username and Password, when set, make AUTH PLAIN required.
	Username, Password string
	// BeforeAccept, when set, is called with the message's number
	// (from 1) once its data is read and before the server replies: an
	// error refuses the message with that error.
	BeforeAccept func(n int, m Message) error
	// RejectRcpt, when set, is called for each recipient: an error
	// refuses the recipient with that error.
	RejectRcpt func(to string) error
}

// Message is one accepted message.
type Message struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool   // the session had started TLS
	AuthUser string // who authenticated, if anyone
}

// Server is a running SMTP server.
type Server struct {
	// Addr is the host:port it listens on.
	Addr string
	opts Options
	srv  *smtp.Server
	pool *x509.CertPool

	mu      sync.Mutex
	msgs    []Message
	offered int // messages whose data was read, accepted or not
	arrived chan struct{}
}

// Start starts a server on 127.0.0.1 and stops it when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: opts, arrived: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 4 << 20
	if opts.StartTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			tb.Fatalf("mailtest: certificate: %v", err)
		}
		s.pool = pool
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	} else {
		s.srv.AllowInsecureAuth = true
	}
	go s.srv.Serve(ln)
	tb.Cleanup(func() { s.srv.Close() })
	return s
}

// ClientTLS returns a TLS configuration that trusts the server's
// certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until n messages have been accepted or timeout passes, and
// returns those accepted.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.After(timeout)
	for {
		if ms := s.Messages(); len(ms) >= n {
			return ms
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return s.Messages()
		}
	}
}

type session struct {
	s    *Server
	c    *smtp.Conn
	from string
	to   []string
	user string
}

func (ss *session) authRequired() bool { return ss.s.opts.Username != "" && ss.user == "" }

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.authRequired() {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.authRequired() {
		return smtp.ErrAuthRequired
	}
	if f := ss.s.opts.RejectRcpt; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.c.TLSConnectionState()
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), Data: data, TLS: isTLS, AuthUser: ss.user}
	ss.s.mu.Lock()
	ss.s.offered++
	n := ss.s.offered
	ss.s.mu.Unlock()
	if f := ss.s.opts.BeforeAccept; f != nil {
		if err := f(n, m); err != nil {
			return err
		}
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.mu.Unlock()
	select {
	case ss.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// ErrDropped is what BeforeAccept returns to refuse a message after
// its sender is gone: a temporary failure.
var ErrDropped = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "dropped by the test"}

// ErrNoMailbox is what RejectRcpt returns to refuse a recipient for
// good (550).
var ErrNoMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}

// selfSigned makes a certificate for 127.0.0.1 and localhost and a pool
// that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
