package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/bulletin"
	"github.com/cloudatlas/cloudatlas/internal/digest"
	"github.com/cloudatlas/cloudatlas/internal/mailer"
	"github.com/cloudatlas/cloudatlas/internal/subscription"
)

// runRoundup runs "cloudatlas roundup": what changed on a day.
func runRoundup(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("roundup", "")
	date := fs.String("date", "", "the `day` (YYYY-MM-DD; default yesterday, UTC)")
	format := fs.String("format", "text", "output `format`: text or json")
	rebuild := fs.Bool("rebuild", false, "build the roundup again and replace the stored one (after importing history late)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: roundup takes no arguments (use --date)", errUsage)
	}
	day := digest.DayOf(e.Now()).AddDate(0, 0, -1)
	if *date != "" {
		var err error
		if day, err = digest.ParseDay(*date); err != nil {
			return fmt.Errorf("%w: --date: %v", errUsage, err)
		}
	}
	if err := checkTextOrJSON(*format); err != nil {
		return err
	}
	svc, closeFn, err := e.bulletin(ctx, *dirFlag, nil, nil)
	if err != nil {
		return err
	}
	defer closeFn()
	is, err := svc.Roundup(ctx, day, *rebuild)
	if err != nil {
		return err
	}
	return writeDigest(e, *format, is, is.Provisional, is.Date, func(w io.Writer) error {
		return digest.WriteRoundupText(w, is.Roundup)
	})
}

// runReadingList runs "cloudatlas reading-list": the week's readings and
// most important changes.
func runReadingList(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("reading-list", "")
	week := fs.String("week", "", "the ISO `week` (YYYY-Www, e.g. 2026-W34; default last week)")
	format := fs.String("format", "text", "output `format`: text or json")
	rebuild := fs.Bool("rebuild", false, "build the list again and replace the stored one")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: reading-list takes no arguments (use --week)", errUsage)
	}
	w := digest.WeekOf(e.Now()).Prev()
	if *week != "" {
		var err error
		if w, err = digest.ParseWeek(*week); err != nil {
			return fmt.Errorf("%w: --week: %v", errUsage, err)
		}
	}
	if err := checkTextOrJSON(*format); err != nil {
		return err
	}
	svc, closeFn, err := e.bulletin(ctx, *dirFlag, nil, nil)
	if err != nil {
		return err
	}
	defer closeFn()
	l, err := svc.ReadingList(ctx, w, *rebuild)
	if err != nil {
		return err
	}
	return writeDigest(e, *format, l, l.Provisional, l.Week, func(w io.Writer) error {
		return digest.WriteReadingListText(w, l.ReadingList)
	})
}

// checkTextOrJSON checks a --format flag that takes text or json.
func checkTextOrJSON(format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("%w: --format %q: want text or json", errUsage, format)
	}
	return nil
}

// writeDigest prints a roundup or reading list: v as indented JSON, or
// text (said to be provisional while its period is not over).
func writeDigest(e *Env, format string, v any, provisional bool, period any, text func(io.Writer) error) error {
	if format == "json" {
		return writeIndented(e.Stdout, v)
	}
	if provisional {
		fmt.Fprintf(e.Stdout, "(provisional: %s is not over yet)\n", period)
	}
	return text(e.Stdout)
}

// runDigest runs "cloudatlas digest send": mail an issue to its list.
func runDigest(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 || args[0] != "send" {
		return fmt.Errorf("%w: want \"cloudatlas digest send --daily|--weekly [--date D] --smtp HOST:PORT --mail-from ADDRESS --base-url URL\"", errUsage)
	}
	fs, dirFlag := e.flagSet("digest send", "")
	daily := fs.Bool("daily", false, "send the daily roundup")
	weekly := fs.Bool("weekly", false, "send the weekly reading list")
	date := fs.String("date", "", "the `day` to send (daily: that day; weekly: its week); default yesterday / last week")
	week := fs.String("week", "", "the ISO `week` to send with --weekly (YYYY-Www)")
	mf := addMailFlags(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *daily == *weekly {
		return fmt.Errorf("%w: give one of --daily and --weekly", errUsage)
	}
	if mf.smtp == "" || mf.from == "" || mf.baseURL == "" {
		return fmt.Errorf("%w: sending needs --smtp HOST:PORT, --mail-from ADDRESS and --base-url URL", errUsage)
	}
	day := digest.DayOf(e.Now()).AddDate(0, 0, -1)
	if *date != "" {
		var err error
		if day, err = digest.ParseDay(*date); err != nil {
			return fmt.Errorf("%w: --date: %v", errUsage, err)
		}
	}
	w := digest.WeekOf(e.Now()).Prev()
	switch {
	case *week != "":
		var err error
		if w, err = digest.ParseWeek(*week); err != nil {
			return fmt.Errorf("%w: --week: %v", errUsage, err)
		}
	case *date != "":
		w = digest.WeekOf(day)
	}
	svc, closeFn, err := e.bulletin(ctx, *dirFlag, mf, nil)
	if err != nil {
		return err
	}
	defer closeFn()
	var rep bulletin.SendReport
	if *daily {
		rep, err = svc.SendDaily(ctx, day)
	} else {
		rep, err = svc.SendWeekly(ctx, w)
	}
	printSendReport(e.Stdout, rep)
	return err
}

func printSendReport(w io.Writer, rep bulletin.SendReport) {
	if rep.Key == "" {
		return
	}
	if rep.Quiet {
		fmt.Fprintf(w, "%s %s: nothing changed; no mail sent\n", rep.List, rep.Key)
		return
	}
	queued := "recipients fixed earlier"
	if rep.Queued {
		queued = fmt.Sprintf("%d recipients fixed now", rep.Recipients)
	}
	fmt.Fprintf(w, "%s %s: %s; sent %d, failed %d, skipped %d, sent again after a stop %d, still to send %d\n",
		rep.List, rep.Key, queued, rep.Sent, rep.Failed, rep.Skipped, rep.Recovered, rep.Remaining)
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// mailFlags are the mail settings "serve" and "digest send" share.
type mailFlags struct {
	smtp, from, baseURL, starttls, user, passwordFile, keyFile string
}

func addMailFlags(fs *flag.FlagSet) *mailFlags {
	m := &mailFlags{}
	fs.StringVar(&m.smtp, "smtp", "", "SMTP server `HOST:PORT` to send mail through (enables subscriptions)")
	fs.StringVar(&m.from, "mail-from", "", "sender `address` of the mails")
	fs.StringVar(&m.baseURL, "base-url", "", "the site's public `URL`, for links in mails and feeds (https://...)")
	fs.StringVar(&m.starttls, "smtp-starttls", mailer.TLSRequired, "STARTTLS `policy`: required, opportunistic or off")
	fs.StringVar(&m.user, "smtp-user", "", "SMTP `user` name (authenticates when set)")
	fs.StringVar(&m.passwordFile, "smtp-password-file", "", "`file` holding the SMTP password (else $CLOUDATLAS_SMTP_PASSWORD)")
	fs.StringVar(&m.keyFile, "hmac-key-file", "", "`file` with the key that signs subscription links (default <data dir>/digest-hmac.key, made if missing)")
	return m
}

// config returns the mailer, signer and base URL the flags describe;
// a nil mailer when --smtp is not set.
func (m *mailFlags) config(e *Env, dir string) (*mailer.Mailer, *subscription.Signer, *url.URL, error) {
	var base *url.URL
	if m.baseURL != "" {
		u, err := url.Parse(m.baseURL)
		if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, nil, nil, fmt.Errorf("%w: --base-url %q: want an absolute http(s) URL", errUsage, m.baseURL)
		}
		base = u
	}
	if m.smtp == "" {
		return nil, nil, base, nil
	}
	if m.from == "" || base == nil {
		return nil, nil, nil, fmt.Errorf("%w: --smtp needs --mail-from and --base-url", errUsage)
	}
	password := e.Getenv("CLOUDATLAS_SMTP_PASSWORD")
	if m.passwordFile != "" {
		b, err := os.ReadFile(m.passwordFile)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--smtp-password-file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	ml, err := mailer.New(mailer.Config{Addr: m.smtp, From: m.from, StartTLS: m.starttls, Username: m.user, Password: password})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	keyFile := m.keyFile
	if keyFile == "" {
		keyFile = filepath.Join(dir, "digest-hmac.key")
	}
	key, err := signingKey(keyFile, m.keyFile == "")
	if err != nil {
		return nil, nil, nil, err
	}
	signer, err := subscription.NewSigner(key)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	return ml, signer, base, nil
}

// signingKey reads the hex key in path; when create is set and the file
// does not exist, it writes a new random one (mode 0600).
func signingKey(path string, create bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		raw := make([]byte, 32)
		rand.Read(raw)
		b = []byte(hex.EncodeToString(raw) + "\n")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return signingKey(path, false) // another process made it first
		}
		if err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return nil, fmt.Errorf("signing key %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("signing key %s: %w", path, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: want hex digits: %w", path, err)
	}
	return key, nil
}

// bulletin opens the store of the data dir and returns the digest
// service over it, with mail when mf sets --smtp, and a function that
// closes the store.
func (e *Env) bulletin(ctx context.Context, dirFlag string, mf *mailFlags, a *atlas.Atlas) (*bulletin.Service, func(), error) {
	dir, err := e.dataDir(dirFlag)
	if err != nil {
		return nil, nil, err
	}
	cfg := bulletin.Config{Dir: dir, Now: e.Now}
	if mf != nil {
		if cfg.Mailer, cfg.Signer, cfg.BaseURL, err = mf.config(e, dir); err != nil {
			return nil, nil, err
		}
	}
	if cfg.Atlas = a; a == nil {
		if cfg.Atlas, err = e.loadAtlas(""); err != nil {
			return nil, nil, err
		}
	}
	db, _, err := e.openStore(ctx, dirFlag)
	if err != nil {
		return nil, nil, err
	}
	cfg.DB = db
	svc, err := bulletin.New(cfg)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, func() { db.Close() }, nil
}

// startDigests prebuilds the recent roundups in the background and, when
// sendAt is set, sends the digests on that schedule until ctx is done.
func startDigests(ctx context.Context, log *slog.Logger, svc *bulletin.Service, sendAt string) error {
	var offset time.Duration
	if sendAt != "" {
		if !svc.MailEnabled() {
			return fmt.Errorf("%w: --send-digests needs --smtp, --mail-from and --base-url", errUsage)
		}
		var err error
		if offset, err = sendSchedule(sendAt); err != nil {
			return err
		}
	}
	go func() {
		if n, err := svc.Prebuild(ctx, 60); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("building the recent roundups failed", slog.Any("err", err))
		} else if n > 0 {
			log.Info("recent roundups built", slog.Int("days", n))
		}
		if sendAt != "" {
			svc.Schedule(ctx, offset)
		}
	}()
	return nil
}

// sendSchedule parses --send-digests: a time of day, HH:MM UTC.
func sendSchedule(v string) (time.Duration, error) {
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, fmt.Errorf("%w: --send-digests %q: want a time of day HH:MM (UTC), e.g. 06:00", errUsage, v)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
