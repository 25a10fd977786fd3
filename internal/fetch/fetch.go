// Package fetch downloads feed files over HTTP with the manners a
// well-behaved client owes a publisher: conditional requests (ETag and
// If-Modified-Since), timeouts, bounded retries with backoff, and a size
// limit.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxSize bounds a download; the largest feed (Azure Public) is ~5 MB.
const MaxSize = 64 << 20

// Client fetches URLs. The zero value is not usable; use [New].
type Client struct {
	HTTP    *http.Client
	Retries int           // extra attempts after a failure that may pass
	Backoff time.Duration // wait before the first retry; doubles each time
	// Mirror, when set, replaces the scheme and host of every URL:
	// https://host/path becomes Mirror/host/path. It serves offline mirrors
	// and tests.
	Mirror    string
	UserAgent string
}

// New returns a client with the given per-request timeout.
func New(timeout time.Duration) *Client {
	return &Client{
		HTTP:      &http.Client{Timeout: timeout},
		Retries:   3,
		Backoff:   500 * time.Millisecond,
		UserAgent: "cloudatlas (+https://github.com/cloudatlas/cloudatlas)",
	}
}

// Validators are the HTTP cache validators of a previous download.
type Validators struct {
	ETag, LastModified string
}

// Result is a completed request.
type Result struct {
	URL         string // the URL actually requested
	Body        []byte // nil when NotModified
	NotModified bool
	Validators  Validators
}

// Get fetches rawURL, sending prev as conditional-request validators.
func (c *Client) Get(ctx context.Context, rawURL string, prev Validators) (*Result, error) {
	u, err := c.rewrite(rawURL)
	if err != nil {
		return nil, err
	}
	wait := c.Backoff
	for attempt := 0; ; attempt++ {
		res, err := c.once(ctx, u, prev)
		if err == nil || attempt >= c.Retries || !retryable(err) {
			if err != nil {
				return nil, fmt.Errorf("fetch %s: %w", u, err)
			}
			return res, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("fetch %s: %w", u, ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// statusError is an HTTP status that is not a success.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
}

func retryable(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.code == http.StatusTooManyRequests || se.code >= 500
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false // a name that does not resolve will not resolve in a second either
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, errTooLarge)
}

var errTooLarge = fmt.Errorf("response larger than %d bytes", MaxSize)

func (c *Client) once(ctx context.Context, u string, prev Validators) (*Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.UserAgent)
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	res := &Result{URL: u, Validators: Validators{resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")}}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified, res.Validators = true, prev
		return res, nil
	case resp.StatusCode != http.StatusOK:
		return nil, &statusError{resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(body) > MaxSize {
		return nil, errTooLarge
	}
	res.Body = body
	return res, nil
}

// rewrite applies the mirror, if any.
func (c *Client) rewrite(raw string) (string, error) {
	if c.Mirror == "" {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("fetch: bad URL %q: %w", raw, err)
	}
	rest := u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return strings.TrimRight(c.Mirror, "/") + "/" + rest, nil
}
