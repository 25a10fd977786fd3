package bulletin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/subscription"
)

// Errors of the subscription flow. Their messages are safe to show.
var (
	// ErrNoMail reports that the server was started without mail.
	ErrNoMail = errors.New("subscriptions by e-mail are not available on this server: it was started without an SMTP server")
	// ErrRateLimited reports a client that asked too often.
	ErrRateLimited = errors.New("too many subscription requests from your address: wait a few minutes and try again")
	// ErrBusy reports that the server's cap on confirmation mails is
	// reached for now.
	ErrBusy = errors.New("the server is sending too many confirmation mails right now: try again in a few minutes")
	// ErrUnknownLink reports a valid link whose subscription is gone or
	// was started anew (a newer link replaces it).
	ErrUnknownLink = errors.New("this link does not match a subscription: it may have been replaced by a newer one")
)

// InvalidError reports bad input: a malformed address, an unknown list.
type InvalidError struct{ Err error }

func (e *InvalidError) Error() string { return e.Err.Error() }
func (e *InvalidError) Unwrap() error { return e.Err }

// resendAfter is how long an address waits for another confirmation
// mail after its first; it doubles with each mail sent, up to a week.
const resendAfter = 15 * time.Minute

// Subscribe handles a request from remote (the client's address) to
// subscribe email to list. It always answers the same way whether or not
// the address is known, so nothing about subscribers leaks: a new or
// returning address gets a confirmation mail (at most one per address
// within a window that grows with each mail), a confirmed one gets
// nothing. Errors are *[InvalidError], [ErrRateLimited], [ErrBusy],
// [ErrNoMail], or failures to store or send.
func (s *Service) Subscribe(ctx context.Context, email, list, remote string) error {
	if s.cfg.Mailer == nil {
		return ErrNoMail
	}
	if !subscription.ValidList(list) {
		return &InvalidError{fmt.Errorf("list %q: want daily or weekly", clip(list))}
	}
	addr, key, err := subscription.Normalize(email)
	if err != nil {
		return &InvalidError{err}
	}
	now := s.now()
	if !s.clients.Allow(remote, now) {
		return ErrRateLimited
	}
	sub, err := s.cfg.DB.Subscribe(ctx, addr, key, list, newNonce(), now)
	if err != nil {
		return err
	}
	if sub.State != store.SubPending {
		return nil // confirmed already: nothing to send
	}
	last, sends, err := s.cfg.DB.LastConfirmSent(ctx, key)
	if err != nil {
		return err
	}
	wait := resendAfter << min(max(sends-1, 0), 10)
	if wait > 7*24*time.Hour {
		wait = 7 * 24 * time.Hour
	}
	if sends > 0 && now.Sub(last) < wait {
		s.log.Info("confirmation mail throttled", "list", list, "sends", sends)
		return nil
	}
	if !s.confirm.AllowN(now, 1) {
		return ErrBusy
	}
	claimed, err := s.cfg.DB.ClaimConfirmSend(ctx, sub.ID, key, now.Add(-wait), now)
	if err != nil || !claimed {
		return err
	}
	if err := s.sendConfirmation(ctx, sub, now); err != nil {
		if rerr := s.cfg.DB.ReleaseConfirmSend(context.WithoutCancel(ctx), sub.ID, sub.ConfirmSent); rerr != nil {
			s.log.Warn("release of a confirmation claim failed", "err", rerr)
		}
		return fmt.Errorf("could not send the confirmation mail: %w", err)
	}
	return nil
}

// ConfirmLink returns the link that confirms sub, valid until expires.
func (s *Service) ConfirmLink(sub store.Subscriber, expires time.Time) string {
	tok := s.cfg.Signer.Sign(subscription.Claims{Purpose: subscription.Confirm, Email: sub.Email, List: sub.List,
		Nonce: sub.Nonce, Expires: expires})
	return s.abs("/subscribe/confirm", url.Values{"token": {tok}})
}

// UnsubscribeLink returns the link that ends sub; it never expires.
func (s *Service) UnsubscribeLink(sub store.Subscriber) string {
	tok := s.cfg.Signer.Sign(subscription.Claims{Purpose: subscription.Unsubscribe, Email: sub.Email,
		List: sub.List, Nonce: sub.Nonce})
	return s.abs("/unsubscribe", url.Values{"token": {tok}})
}

// abs returns the absolute URL of path on the site, with query q.
func (s *Service) abs(path string, q url.Values) string {
	u := *s.cfg.BaseURL
	u.Path = trimSlash(u.Path) + path
	u.RawQuery = q.Encode()
	return u.String()
}

// URL returns the absolute URL of a path of the site ("/roundup/...").
func (s *Service) URL(path string) string { return s.abs(path, nil) }

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

// Link is a checked confirmation or unsubscribe link.
type Link struct {
	Email, List string
	claims      subscription.Claims
}

// CheckLink verifies a token of purpose (subscription.Confirm or
// subscription.Unsubscribe) without acting on it: the page it opens
// shows a button that does.
func (s *Service) CheckLink(token, purpose string) (Link, error) {
	if s.cfg.Signer == nil {
		return Link{}, ErrNoMail
	}
	c, err := s.cfg.Signer.Verify(token, purpose, s.now())
	if err != nil {
		return Link{}, &InvalidError{err}
	}
	return Link{Email: c.Email, List: c.List, claims: c}, nil
}

// Confirm confirms the subscription a confirmation token names.
func (s *Service) Confirm(ctx context.Context, token string) (Link, error) {
	l, err := s.CheckLink(token, subscription.Confirm)
	if err != nil {
		return Link{}, err
	}
	_, key, err := subscription.Normalize(l.Email)
	if err != nil {
		return Link{}, &InvalidError{err}
	}
	ok, err := s.cfg.DB.Confirm(ctx, key, l.List, l.claims.Nonce, s.now())
	if err != nil {
		return Link{}, err
	}
	if !ok {
		return Link{}, ErrUnknownLink
	}
	return l, nil
}

// Unsubscribe ends the subscription an unsubscribe token names.
// Unsubscribing twice is not an error.
func (s *Service) Unsubscribe(ctx context.Context, token string) (Link, error) {
	l, err := s.CheckLink(token, subscription.Unsubscribe)
	if err != nil {
		return Link{}, err
	}
	_, key, err := subscription.Normalize(l.Email)
	if err != nil {
		return Link{}, &InvalidError{err}
	}
	ok, err := s.cfg.DB.Unsubscribe(ctx, key, l.List, l.claims.Nonce, s.now())
	if err != nil {
		return Link{}, err
	}
	if !ok {
		return Link{}, ErrUnknownLink
	}
	return l, nil
}

func newNonce() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
