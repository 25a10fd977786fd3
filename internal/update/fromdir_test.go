package update

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// fromDirResult imports the cloudflare feed from dir and returns its
// result, failing the test if the import takes longer than a few
// seconds (a FIFO or /dev/zero read to the end would).
func fromDirResult(t *testing.T, dir string) Result {
	t.Helper()
	u := newUpdater(t)
	u.From = dir
	done := make(chan Report, 1)
	go func() {
		rep, err := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "cloudflare")})
		if err != nil {
			t.Error(err)
		}
		done <- rep
	}()
	select {
	case rep := <-done:
		return rep.Results[0]
	case <-time.After(10 * time.Second):
		t.Fatal("the import hangs")
		return Result{}
	}
}

// TestFromDirReadsOnlyRegularFilesInside reproduces issue 13 item 3: a
// feed file that is a symbolic link to /dev/zero ran the process out of
// memory; one to a file elsewhere was imported. Now each is refused,
// naming the file.
func TestFromDirReadsOnlyRegularFilesInside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "elsewhere.txt")
	if err := os.WriteFile(outside, []byte("104.16.0.0/13\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, v4 string)
		want  string
	}{
		{"symlink to /dev/zero", func(t *testing.T, v4 string) { symlink(t, "/dev/zero", v4) },
			"ips-v4.txt: a symbolic link to /dev/zero, outside "},
		{"symlink to a file elsewhere", func(t *testing.T, v4 string) { symlink(t, outside, v4) },
			"ips-v4.txt: a symbolic link to " + outside + ", outside "},
		{"named pipe", func(t *testing.T, v4 string) {
			if err := syscall.Mkfifo(v4, 0o644); err != nil {
				t.Skip(err)
			}
		}, "ips-v4.txt: not a regular file (a named pipe): only regular files are read"},
		{"directory", func(t *testing.T, v4 string) { os.Mkdir(v4, 0o755) },
			"ips-v4.txt: not a regular file (a directory)"},
		{"larger than a download may be", func(t *testing.T, v4 string) {
			f, err := os.Create(v4)
			if err != nil {
				t.Fatal(err)
			}
			f.Truncate(65 << 20) // sparse: takes no room
			f.Close()
		}, "ips-v4.txt: 68157440 bytes or more, over the 64 MB limit of a feed file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			put(t, dir, "cloudflare/ips-v6.txt", []byte("2606:4700::/32\n"))
			v4 := filepath.Join(dir, "cloudflare", "ips-v4.txt")
			tt.setup(t, v4)
			res := fromDirResult(t, dir)
			if res.Status != Failed || !strings.Contains(res.Err.Error(), tt.want) || !strings.Contains(res.Err.Error(), v4) {
				t.Fatalf("got %v: %v\nwant %q", res.Status, res.Err, tt.want)
			}
		})
	}
}

// TestFromDirFollowsLinksInside: a link that stays inside the directory
// is read.
func TestFromDirFollowsLinksInside(t *testing.T) {
	dir := t.TempDir()
	put(t, dir, "cloudflare/ips-v6.txt", []byte("2606:4700::/32\n"))
	put(t, dir, "mirror/cloudflare-v4.txt", []byte("104.16.0.0/13\n"))
	symlink(t, "../mirror/cloudflare-v4.txt", filepath.Join(dir, "cloudflare", "ips-v4.txt"))
	if res := fromDirResult(t, dir); res.Status != Saved || res.Snapshot.V4 != 1 {
		t.Fatalf("%v: %v", res.Status, res.Err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
