package dirlock

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSecondWriterIsToldWhoHoldsTheLock(t *testing.T) {
	dir := t.TempDir()
	first, err := TryAcquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = TryAcquire(dir)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Holder.PID != os.Getpid() || time.Since(busy.Holder.Started) > time.Minute {
		t.Fatalf("second TryAcquire: %v (holder %+v)", err, busy)
	}
	if !strings.Contains(err.Error(), dir+"/update.lock: another update holds the lock (pid ") ||
		!strings.Contains(err.Error(), ", started ") {
		t.Fatalf("message: %v", err)
	}

	// Waiting with a timeout gives up with the holder and the time waited.
	calls := 0
	start := time.Now()
	_, err = Acquire(context.Background(), dir, 150*time.Millisecond, func(Holder) { calls++ })
	if !errors.As(err, &busy) || busy.Waited < 150*time.Millisecond || time.Since(start) > 2*time.Second || calls != 1 {
		t.Fatalf("timed wait: %v after %s, waiting called %d times", err, time.Since(start), calls)
	}
	if !strings.Contains(err.Error(), "gave up after waiting 1") {
		t.Fatalf("message: %v", err)
	}

	// A waiter gets the lock once the holder releases it.
	go func() {
		time.Sleep(100 * time.Millisecond)
		first.Release()
	}()
	second, err := Acquire(context.Background(), dir, 5*time.Second, nil)
	if err != nil {
		t.Fatalf("waiting writer: %v", err)
	}
	defer second.Release()

	// No wait at all with a zero timeout; a cancelled context stops a wait.
	if _, err := Acquire(context.Background(), dir, 0, nil); !errors.As(err, &busy) || busy.Waited != 0 {
		t.Fatalf("zero timeout: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, dir, -1, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func TestReleaseIsIdempotent(t *testing.T) {
	l, err := TryAcquire(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	var none *Lock
	if err := none.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestUnreadableHolder(t *testing.T) {
	if got := (Holder{}).String(); got != "a process that did not record itself" {
		t.Fatal(got)
	}
	if got := readHolder("/nonexistent/update.lock"); got.PID != 0 {
		t.Fatal(got)
	}
}
