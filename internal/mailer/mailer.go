// Package mailer sends mail over SMTP with github.com/wneessen/go-mail:
// multipart text and HTML messages, STARTTLS (required by default) and
// authentication when configured, and the list headers of RFC 2369 and
// RFC 8058 (List-Unsubscribe, List-Unsubscribe-Post).
//
// It knows nothing of digests or subscribers: internal/bulletin composes
// each [Message] and decides to whom it goes.
package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The STARTTLS policies.
const (
	TLSRequired      = "required"      // refuse to send unless the server offers STARTTLS
	TLSOpportunistic = "opportunistic" // use STARTTLS when offered
	TLSOff           = "off"           // never (a relay on loopback)
)

// Config says how to reach the SMTP server and who the mail is from.
type Config struct {
	// Addr is the server's host:port.
	Addr string
	// From is the sender address (envelope and header).
	From string
	// StartTLS is the STARTTLS policy; empty means TLSRequired.
	StartTLS string
	// Username and Password authenticate when Username is set (the
	// mechanism is the best the server offers; never over a plain
	// connection unless StartTLS is off).
	Username, Password string
	// TLSConfig verifies the server; nil verifies with the system's
	// roots against the host of Addr.
	TLSConfig *tls.Config
	// Timeout bounds the connection and each command; 0 means 30 s.
	Timeout time.Duration
}

// Mailer sends messages as configured.
type Mailer struct {
	cfg  Config
	host string
	port int
	from *mail.Address
}

// New checks cfg and returns a mailer. It does not connect.
func New(cfg Config) (*Mailer, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("mailer: SMTP server %q: want HOST:PORT, as in smtp.example.org:587", cfg.Addr)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("mailer: SMTP server %q: port must be 1 to 65535", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil || from.Name != "" || strings.ContainsAny(from.Address, "\r\n") {
		return nil, fmt.Errorf("mailer: sender address %q: want a plain address, as in digests@example.org", cfg.From)
	}
	switch cfg.StartTLS {
	case "":
		cfg.StartTLS = TLSRequired
	case TLSRequired, TLSOpportunistic, TLSOff:
	default:
		return nil, fmt.Errorf("mailer: STARTTLS policy %q: want required, opportunistic or off", cfg.StartTLS)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Mailer{cfg: cfg, host: host, port: port, from: from}, nil
}

// From returns the sender address.
func (m *Mailer) From() string { return m.from.Address }

// Message is one mail to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string // the text/plain part
	HTML    string // the text/html alternative; empty for text only
	// MessageID is the Message-ID without angle brackets; empty lets
	// the library make one. A stable id lets a receiver recognise a
	// copy sent again after a crash.
	MessageID string
	Date      time.Time
	// ListID is the List-Id header's value without brackets, e.g.
	// "daily.cloudatlas.example.org"; empty for none.
	ListID string
	// Unsubscribe is the one-click unsubscribe URL: it goes in the
	// List-Unsubscribe header with List-Unsubscribe-Post (RFC 8058).
	Unsubscribe string
	// Bulk marks list mail (Precedence: bulk; no auto-replies).
	Bulk bool
}

// Error is a failure to send. Temporary errors (a 4xx reply, a lost
// connection) may succeed later; others (a 5xx refusal) will not.
type Error struct {
	Temporary bool
	Err       error
}

func (e *Error) Error() string { return "mailer: " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// IsTemporary reports whether err is a temporary send failure.
func IsTemporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary
}

// compose builds the go-mail message.
func (m *Mailer) compose(msg Message) (*gomail.Msg, error) {
	if strings.ContainsAny(msg.Subject+msg.To+msg.MessageID+msg.ListID+msg.Unsubscribe, "\r\n") {
		return nil, errors.New("mailer: a header value contains a line break")
	}
	g := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingQP), gomail.WithCharset(gomail.CharsetUTF8))
	g.FromMailAddress(m.from)
	if err := g.To(msg.To); err != nil {
		return nil, fmt.Errorf("mailer: recipient %q: %w", msg.To, err)
	}
	g.Subject(msg.Subject)
	if msg.Date.IsZero() {
		g.SetDate()
	} else {
		g.SetDateWithValue(msg.Date)
	}
	if msg.MessageID != "" {
		g.SetMessageIDWithValue(msg.MessageID)
	} else {
		g.SetMessageID()
	}
	if msg.ListID != "" {
		g.SetGenHeader("List-Id", "<"+msg.ListID+">")
	}
	if msg.Unsubscribe != "" {
		g.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+msg.Unsubscribe+">")
		g.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	if msg.Bulk {
		g.SetBulk()
	}
	g.SetUserAgent("cloudatlas")
	g.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		g.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	return g, nil
}

// client returns a go-mail client for the configuration.
func (m *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.port), gomail.WithTimeout(m.cfg.Timeout)}
	switch m.cfg.StartTLS {
	case TLSRequired:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSOpportunistic))
	case TLSOff:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
	}
	if m.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(m.cfg.TLSConfig))
	}
	if m.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	c, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	return c, nil
}

// Session is one SMTP connection over which messages go one by one.
type Session struct {
	m *Mailer
	c *gomail.Client
}

// Dial connects, says EHLO, starts TLS and authenticates as configured.
func (m *Mailer) Dial(ctx context.Context) (*Session, error) {
	c, err := m.client()
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, &Error{Temporary: true, Err: fmt.Errorf("connect to %s: %w", m.cfg.Addr, err)}
	}
	return &Session{m: m, c: c}, nil
}

// Send sends one message and returns the server's reply to it.
func (s *Session) Send(msg Message) (string, error) {
	g, err := s.m.compose(msg)
	if err != nil {
		return "", &Error{Err: err}
	}
	if err := s.c.Send(g); err != nil {
		// Only a 5xx reply is final; a lost connection or a 4xx may
		// pass later.
		var se *gomail.SendError
		permanent := errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600
		return "", &Error{Temporary: !permanent, Err: fmt.Errorf("send to %s via %s: %w", msg.To, s.m.cfg.Addr, err)}
	}
	return g.ServerResponse(), nil
}

// Close says QUIT and closes the connection.
func (s *Session) Close() error { return s.c.Close() }

// Send sends one message on a connection of its own.
func (m *Mailer) Send(ctx context.Context, msg Message) (string, error) {
	s, err := m.Dial(ctx)
	if err != nil {
		return "", err
	}
	defer s.Close()
	return s.Send(msg)
}
