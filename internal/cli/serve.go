package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/fetch"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
	"github.com/cloudatlas/cloudatlas/internal/update"
	"github.com/cloudatlas/cloudatlas/internal/web"
)

// runServe runs "cloudatlas serve": the web atlas and the JSON API on
// the embedded store, until ctx is cancelled (SIGINT, SIGTERM).
func runServe(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("serve", "")
	addr := fs.String("addr", "localhost:8080", "listen `address` (host:port; :0 picks a free port)")
	bootstrap := fs.Duration("bootstrap-timeout", 90*time.Second, "on a first start with no range data, how long to try downloading the feeds (0 disables)")
	timeout := fs.Duration("timeout", 10*time.Second, "per-request handler `timeout`")
	grace := fs.Duration("grace", 10*time.Second, "how long shutdown waits for requests in flight")
	logFormat := fs.String("log", "text", "log `format`: text or json (to stderr)")
	watch := fs.Duration("reload-every", 10*time.Second, "how often to check for new range data written by \"cloudatlas update\" (0 disables)")
	resolve := fs.Bool("resolve", false, "resolve host names that clients ask about (A, AAAA and CNAME only; rate-limited per client); without it, names are answered from the names alone")
	resolver := fs.String("resolver", "", "with --resolve: the DNS resolver `HOST:PORT` (default: those of /etc/resolv.conf)")
	proxies := fs.String("trusted-proxies", "", "comma-separated `addresses or CIDRs` of reverse proxies whose X-Forwarded-For names the client (for per-client limits)")
	mail := addMailFlags(fs)
	sendAt := fs.String("send-digests", "", "mail the digests every day at `HH:MM` UTC (the day before's roundup; on Mondays last week's reading list too); needs --smtp")
	acc := addAccessFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments", errUsage)
	}
	trusted, err := web.ParseProxies(*proxies)
	if err != nil {
		return fmt.Errorf("%w: --trusted-proxies: %v", errUsage, err)
	}
	p, err := e.place(*dirFlag)
	if err != nil {
		return err
	}
	dir := p.Dir
	log, err := newLogger(e.Stderr, *logFormat)
	if err != nil {
		return err
	}
	a, err := e.loadAtlas("")
	if err != nil {
		return err
	}
	names, err := serverNames(*resolve, *resolver)
	if err != nil {
		return err
	}
	digests, closeDigests, err := e.bulletin(ctx, *dirFlag, mail, a)
	if err != nil {
		return err
	}
	defer closeDigests()
	gate, closeAccess, err := e.startAccess(ctx, acc, *dirFlag, log)
	if err != nil {
		return err
	}
	defer closeAccess()
	srv, err := web.New(web.Config{Load: RangeLoader(p), Atlas: a, Logger: log, Now: e.Now, Timeout: *timeout,
		Names: names, Digests: digests, BaseURL: digests.BaseURL(), Proxies: trusted, Access: gate})
	if err != nil {
		return err
	}
	if err := startDigests(ctx, log, digests, *sendAt); err != nil {
		return err
	}
	var gen store.Generation
	if p.Shared() {
		// Read before the first load: whatever is committed after it is
		// new to the watcher.
		if gen, err = storeGeneration(ctx, p); err != nil {
			return err
		}
	}
	if err := srv.Reload(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if p.Shared() {
		fmt.Fprintf(e.Stdout, "cloudatlas: serving http://%s/ (store %s, index in %s)\n", ln.Addr(), p, dir)
	} else {
		fmt.Fprintf(e.Stdout, "cloudatlas: serving http://%s/ (data dir %s)\n", ln.Addr(), dir)
	}
	if !srv.Ready() {
		fmt.Fprintln(e.Stdout, "cloudatlas: no range data yet; serving the atlas. Load ranges with \"cloudatlas update\" or \"cloudatlas update --from DIR\".")
		if *bootstrap > 0 {
			go bootstrapRanges(ctx, e, log, srv, p, *bootstrap)
		}
	}
	switch {
	case p.Shared():
		go watchStore(ctx, log, srv, p, gen, *watch)
	case *watch > 0:
		go watchRanges(ctx, log, srv, dir, *watch)
	}
	return srv.Serve(ctx, ln, *grace)
}

// watchRanges reloads the server's range data whenever an update (in
// any process) has finished: an update marks the index file stale before
// it changes the store and rewrites the file after, so a change of
// either, once no update holds the data directory, means new data.
func watchRanges(ctx context.Context, log *slog.Logger, srv *web.Server, dir string, every time.Duration) {
	last := index.Stamp(dir) + " " + fileStamp(filepath.Join(dir, routing.FileName))
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stamp := index.Stamp(dir) + " " + fileStamp(filepath.Join(dir, routing.FileName))
		if stamp == last {
			continue
		}
		if _, running := dirlock.Held(dir); running {
			continue // reload once it is done
		}
		last = stamp
		if err := srv.Reload(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("reload of new range data failed; the previous data stays in use", slog.Any("err", err))
		}
	}
}

// fileStamp identifies the version of a file by its time and size.
func fileStamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "-"
	}
	return fmt.Sprintf("%d/%d", fi.ModTime().UnixNano(), fi.Size())
}

// serverNames returns how the server answers host names: from the names
// alone (the suffix table), and with resolve also through a resolver.
func serverNames(resolve bool, server string) (*answer.Names, error) {
	tbl, err := suffix.Embedded()
	if err != nil {
		return nil, fmt.Errorf("suffix table: %w", err)
	}
	n := &answer.Names{Suffixes: tbl, Concurrency: 16}
	if !resolve {
		if server != "" {
			return nil, fmt.Errorf("%w: --resolver needs --resolve", errUsage)
		}
		return n, nil
	}
	cfg, err := resolverConfig(server)
	if err != nil {
		return nil, err
	}
	cfg.Rate = 200 // queries per second, for the whole server
	if n.Resolver, err = dns.New(cfg); err != nil {
		return nil, fmt.Errorf("%w: --resolver: %v", errUsage, err)
	}
	return n, nil
}

// loadAtlas loads the embedded atlas.
func loadAtlas() (*atlas.Atlas, error) {
	sub, err := fs.Sub(data.Atlas, "atlas")
	if err != nil {
		return nil, fmt.Errorf("serve: embedded atlas: %w", err)
	}
	return atlas.Load(sub)
}

// newLogger returns a slog logger writing text or JSON to w.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("%w: unknown log format %q (want text or json)", errUsage, format)
}

// bootstrapRanges downloads every feed once, within limit, and swaps the
// new data in. Results and failures are logged: the server keeps serving
// the atlas whatever happens.
func bootstrapRanges(ctx context.Context, e *Env, log *slog.Logger, srv *web.Server, p store.Place, limit time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	dir := p.Dir
	log.Info("no range data: trying a first update from the official feeds", slog.Duration("limit", limit))
	db, err := p.Open(ctx)
	if err != nil {
		log.Warn("first update failed", slog.Any("err", err))
		return
	}
	defer db.Close()
	// Not the routing tier: its import needs more memory than a server should
	// take on the side; "cloudatlas update" loads it.
	feeds, _, _ := pickFeeds("")
	client := fetch.New(min(limit, 30*time.Second))
	client.Retries = 0
	u := &update.Updater{Store: db, Dir: dir, Client: client, Now: e.Now, LockTimeout: -1,
		Events: update.Events{LockWait: func(h dirlock.Holder) {
			log.Info("waiting for another update of the data directory", slog.String("holder", h.String()))
		}, StoreWait: func() {
			log.Info("waiting for another update of the shared store")
		}}}
	rep, err := u.Run(ctx, feeds)
	if err != nil {
		log.Warn("first update failed", slog.Any("err", err))
		return
	}
	logUpdate(log, rep)
	if rep.Failed() == len(rep.Results) {
		log.Warn("first update failed for every feed; load ranges with \"cloudatlas update --from DIR\"")
		return
	}
	if err := srv.Reload(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Warn("reload after first update failed", slog.Any("err", err))
		return
	}
	log.Info("first update done", slog.Int("feeds", len(feeds)), slog.Int("failed", rep.Failed()))
}

// logUpdate logs one record per result of an update: saved, unchanged
// and skipped feeds at info level, refused and failed ones as warnings.
func logUpdate(log *slog.Logger, rep update.Report) {
	for _, r := range rep.Results {
		attrs := []slog.Attr{slog.String("feed", r.Feed), slog.String("status", r.Status.String())}
		level := slog.LevelInfo
		switch r.Status {
		case update.Saved:
			s := r.Snapshot
			attrs = append(attrs, slog.Int64("snapshot", s.ID), slog.Int("v4", s.V4), slog.Int("v6", s.V6),
				slog.String("upstream_id", s.UpstreamID), slog.Time("upstream_date", s.UpstreamDate))
		case update.Unchanged, update.Skipped:
			attrs = append(attrs, slog.String("reason", r.Reason))
		case update.Refused:
			level = slog.LevelWarn
			attrs = append(attrs, slog.String("reason", string(r.Refusal.Reason)), slog.String("file", r.Refusal.File),
				slog.String("detail", r.Refusal.Detail))
		case update.Failed:
			level = slog.LevelWarn
			attrs = append(attrs, slog.Any("err", r.Err))
		}
		if len(r.Warnings) > 0 {
			attrs = append(attrs, slog.Any("warnings", r.Warnings))
		}
		log.LogAttrs(context.Background(), level, "feed update", attrs...)
	}
	if rep.Index != nil {
		log.Warn("index file not written; answering from the store", slog.Any("err", rep.Index))
	}
}
