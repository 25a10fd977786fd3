package bulletin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cloudatlas/cloudatlas/internal/digest"
	"github.com/cloudatlas/cloudatlas/internal/mailer"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// SendReport tells what one send did.
type SendReport struct {
	List, Key string
	// Quiet is set when the daily issue had nothing to tell: no mail
	// goes out for it.
	Quiet bool
	// Queued is set when this run fixed the issue's recipients (its
	// first run); Recipients is how many it fixed.
	Queued     bool
	Recipients int
	// Sent, Failed and Skipped count this run's outcomes; Recovered
	// counts the mails a stopped run had begun (state sending), sent
	// again with the same Message-ID.
	Sent, Failed, Skipped, Recovered int
	// Remaining counts the mails still to send (after an error).
	Remaining int
}

// lockFile is the send lock inside the data directory.
const lockFile = "digest-send.lock"

// SendDaily sends the roundup of day to the daily list.
func (s *Service) SendDaily(ctx context.Context, day time.Time) (SendReport, error) {
	r, err := s.Roundup(ctx, day, false)
	if err != nil {
		return SendReport{}, err
	}
	if r.Provisional {
		return SendReport{}, fmt.Errorf("roundup of %s: the day is not over yet; send it tomorrow", r.Date)
	}
	if r.Quiet() {
		return SendReport{List: Daily, Key: r.Date, Quiet: true}, nil
	}
	is, err := s.roundupIssue(r.Roundup)
	if err != nil {
		return SendReport{}, err
	}
	return s.send(ctx, is)
}

// SendWeekly sends the reading list of week w to the weekly list. A
// week with nothing still gets its issue, which says so.
func (s *Service) SendWeekly(ctx context.Context, w digest.Week) (SendReport, error) {
	l, err := s.ReadingList(ctx, w, false)
	if err != nil {
		return SendReport{}, err
	}
	if l.Provisional {
		return SendReport{}, fmt.Errorf("reading list of %s: the week is not over yet", w)
	}
	is, err := s.listIssue(l.ReadingList)
	if err != nil {
		return SendReport{}, err
	}
	return s.send(ctx, is)
}

// send mails an issue to its recipients exactly once: it fixes the
// recipients on the first run (one outbox row each), then for each row
// still to send commits "sending", sends over SMTP and commits "sent"
// (or "failed" on a permanent refusal). Only one send runs per data
// directory at a time (a lock file the kernel releases if the process
// dies), so a row found in "sending" belongs to a run that stopped
// between the two commits: it is sent again, with the same Message-ID.
func (s *Service) send(ctx context.Context, is *issue) (rep SendReport, err error) {
	if s.cfg.Mailer == nil {
		return SendReport{}, ErrNoMail
	}
	rep = SendReport{List: is.list, Key: is.key}
	unlock, err := lock(ctx, filepath.Join(s.cfg.Dir, lockFile))
	if err != nil {
		return rep, err
	}
	defer unlock()
	db := s.cfg.DB
	rep.Queued, rep.Recipients, err = db.QueueIssue(ctx, is.list, is.key, s.now(), func(id int64) string {
		return s.messageID(is, id)
	})
	if err != nil {
		return rep, err
	}
	items, err := db.Unsent(ctx, is.list, is.key)
	if err != nil || len(items) == 0 {
		return rep, err
	}
	defer func() {
		if left, cerr := db.Unsent(context.WithoutCancel(ctx), is.list, is.key); cerr == nil {
			rep.Remaining = len(left)
		}
	}()
	sess, err := s.cfg.Mailer.Dial(ctx)
	if err != nil {
		return rep, err
	}
	defer sess.Close()
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := s.sendOne(ctx, sess, is, it, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// sendOne sends one outbox row; an error stops the run.
func (s *Service) sendOne(ctx context.Context, sess *mailer.Session, is *issue, it store.OutboxItem, rep *SendReport) error {
	db := s.cfg.DB
	if it.Subscriber.State != store.SubConfirmed {
		rep.Skipped++
		return db.MarkOutbox(ctx, is.list, is.key, it.SubscriberID, store.OutSkipped, "subscriber is "+it.Subscriber.State, s.now())
	}
	if it.State == store.OutSending {
		rep.Recovered++
		s.log.Warn("sending again a mail a stopped run had begun", "list", is.list, "key", is.key,
			"subscriber", it.SubscriberID, "message_id", it.MessageID)
	}
	msg, err := s.message(is, it.Subscriber, it.MessageID, s.now())
	if err != nil {
		return err
	}
	// Before: once this commits, a crash leaves the row in "sending".
	if err := db.MarkOutbox(ctx, is.list, is.key, it.SubscriberID, store.OutSending, "", s.now()); err != nil {
		return err
	}
	resp, serr := sess.Send(msg)
	// After: record the outcome even if ctx was cancelled meanwhile.
	done := context.WithoutCancel(ctx)
	switch {
	case serr == nil:
		rep.Sent++
		return db.MarkOutbox(done, is.list, is.key, it.SubscriberID, store.OutSent, resp, s.now())
	case mailer.IsTemporary(serr):
		if err := db.MarkOutbox(done, is.list, is.key, it.SubscriberID, store.OutQueued, serr.Error(), s.now()); err != nil {
			return errors.Join(serr, err)
		}
		return serr
	default:
		rep.Failed++
		s.log.Warn("mail refused for good", "list", is.list, "key", is.key, "subscriber", it.SubscriberID, "err", serr)
		return db.MarkOutbox(done, is.list, is.key, it.SubscriberID, store.OutFailed, serr.Error(), s.now())
	}
}

// messageID is the stable Message-ID of an issue's mail to a
// subscriber: the same on every attempt, so that a receiver can tell a
// copy sent again after a crash.
func (s *Service) messageID(is *issue, subscriberID int64) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", is.list, is.key, subscriberID))
	return fmt.Sprintf("%s.%s.%d.%s@%s", is.list, is.key, subscriberID, hex.EncodeToString(h[:6]),
		s.cfg.BaseURL.Hostname())
}

// lock takes the exclusive send lock at path, waiting while another
// process holds it, until ctx is done.
func lock(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("bulletin: send lock: %w", err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("bulletin: send lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("bulletin: another send holds %s: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
