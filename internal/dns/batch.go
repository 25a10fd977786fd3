package dns

import (
	"context"
	"sync"
)

// DefaultConcurrency is how many names [Batch] resolves at once unless
// told otherwise.
const DefaultConcurrency = 64

// Batch resolves names with at most concurrency resolutions in flight
// (DefaultConcurrency when concurrency <= 0) and calls emit once per
// name, with the name's index, in the order the answers come. emit is
// never called concurrently. A failure for one name (its error is passed
// to emit) never stops the others; when ctx ends, the names not yet
// started are not resolved and emit is not called for them. Batch
// returns when every started name has been emitted; the rate limit is
// the resolver's (see [Config.Rate]).
func Batch(ctx context.Context, r Resolver, names []string, concurrency int, emit func(i int, res Result, err error)) {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(concurrency, len(names)) {
		wg.Go(func() {
			for i := range next {
				res, err := r.Resolve(ctx, names[i])
				mu.Lock()
				emit(i, res, err)
				mu.Unlock()
			}
		})
	}
	for i := range names {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
}
