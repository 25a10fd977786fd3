package cli

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles cloudatlas into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cloudatlas")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/cloudatlas/cloudatlas/cmd/cloudatlas")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestUpdateKilledMidwayLeavesStoreUsable kills "update" with SIGKILL at
// random moments while it imports the real feeds over a store that holds
// the fixture snapshots, and checks each time that the store still opens,
// answers from complete snapshots, and takes the next update.
func TestUpdateKilledMidwayLeavesStoreUsable(t *testing.T) {
	src := sharedRanges(t)
	if testing.Short() {
		t.Skip("builds the binary and runs several imports")
	}
	bin := buildBinary(t)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	rng := rand.New(rand.NewPCG(9, 9))
	killed := 0
	for i := range 6 {
		dir := t.TempDir()
		if out, err := run("update", "--data-dir", dir, "--from", "testdata/feeds"); err != nil {
			t.Fatalf("seed update: %v\n%s", err, out)
		}
		// The fixture snapshots are tiny: the real feeds grow far past the
		// guard's bound, so the imports are forced. The test is about
		// crash safety, not the guard.
		cmd := exec.Command(bin, "update", "--data-dir", dir, "--from", src, "--force")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(50+rng.IntN(1200)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Logf("run %d: update finished before the kill at %v", i, delay)
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
		}
		out, err := run("ip", "--data-dir", dir, "52.80.0.1", "3.0.5.9")
		if err != nil || !strings.Contains(out, "52.80.0.0/16") {
			t.Fatalf("run %d (killed after %v): ip after kill: %v\n%s", i, delay, err, out)
		}
		if out, err := run("feeds", "--data-dir", dir); err != nil || !strings.Contains(out, "aws") {
			t.Fatalf("run %d: feeds after kill: %v\n%s", i, err, out)
		}
		if out, err := run("update", "--data-dir", dir, "--from", src, "--force"); err != nil {
			t.Fatalf("run %d: update after kill: %v\n%s", i, err, out)
		}
		out, err = run("ip", "--data-dir", dir, "40.73.0.1")
		if err != nil || !strings.Contains(out, "azure (azure-china)  region chinanorth2") {
			t.Fatalf("run %d: ip after recovery: %v\n%s", i, err, out)
		}
		os.RemoveAll(dir)
	}
	if killed < 3 {
		t.Fatalf("only %d of 6 updates were killed midway: the test proves little", killed)
	}
}
