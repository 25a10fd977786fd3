package cli

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/web"
)

// storeGeneration returns the generation of the store at p.
func storeGeneration(ctx context.Context, p store.Place) (store.Generation, error) {
	db, err := p.Open(ctx)
	if err != nil {
		return store.Generation{}, err
	}
	defer db.Close()
	return db.Generation(ctx)
}

// watchStore keeps a replica's range data up to date with a PostgreSQL
// store that other processes update (docs/store.md): it listens for
// their announcements (NOTIFY), and checks the store's generation every
// period as well (0: only when an announcement comes, or listening
// starts again after a lost connection), so that a lost notification delays new data
// by one period at most. On a new generation it reloads: the server
// rebuilds its index from the store into its own data directory and
// swaps its tables in one step. last is the generation read before the
// data in use was loaded.
func watchStore(ctx context.Context, log *slog.Logger, srv *web.Server, p store.Place, last store.Generation, every time.Duration) {
	db, err := p.Open(ctx)
	if err != nil {
		log.Error("cannot watch the store for new range data; restart to load it", slog.Any("err", err))
		return
	}
	defer db.Close()
	kick := make(chan struct{}, 1)
	poke := func(payload string) {
		if payload == "" {
			log.Info("listening for new range data", slog.String("channel", store.Channel))
		}
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	go db.Listen(ctx, poke, func(err error) {
		log.Warn("listening for new range data failed; reconnecting (the periodic check goes on)", slog.Any("err", err))
	})
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-tick:
		}
		gen, err := db.Generation(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("check of the store's generation failed", slog.Any("err", err))
			}
			continue
		}
		if gen == last {
			continue
		}
		if err := srv.Reload(ctx); err != nil {
			if !errors.Is(err, context.Canceled) {
				log.Warn("reload of new range data failed; the previous data stays in use", slog.Any("err", err))
			}
			continue
		}
		log.Info("new range data from the store", slog.String("generation", gen.String()), slog.String("was", last.String()))
		last = gen
	}
}
