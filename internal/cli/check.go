package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// embeddedAtlasDir is where the embedded atlas lives in the repository;
// check prefixes problem file names with it.
const embeddedAtlasDir = "data/atlas"

// atlasDirFlag registers --atlas-dir on fs.
func atlasDirFlag(fs *flag.FlagSet) *string {
	return fs.String("atlas-dir", "", "read the atlas from `directory` instead of the embedded data")
}

// openAtlas loads the atlas under dir, or the embedded atlas if dir is
// empty. It also returns the directory to prefix file names with.
func openAtlas(dir string) (*atlas.Atlas, string, error) {
	var fsys fs.FS
	root := dir
	if dir == "" {
		sub, err := fs.Sub(data.Atlas, "atlas")
		if err != nil {
			return nil, "", fmt.Errorf("embedded atlas: %w", err)
		}
		fsys, root = sub, embeddedAtlasDir
	} else {
		if _, err := os.Stat(dir); err != nil {
			return nil, "", fmt.Errorf("--atlas-dir: %w", err)
		}
		fsys = os.DirFS(dir)
	}
	a, err := atlas.Load(fsys)
	if err != nil {
		return nil, "", err
	}
	return a, root, nil
}

func runCheck(ctx context.Context, e *Env, args []string) error {
	fs, _ := e.flagSet("check", "")
	dir := atlasDirFlag(fs)
	rangesDir := fs.String("ranges", "", "also check that every region code used by the feeds under `directory` has a region entity")
	report := fs.Bool("report", false, "also print the data-quality figures (sources, dates, stale stakes, gaps)")
	asOfFlag := e.asOfFlag(fs, "stale stakes and the report ")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: check takes no arguments", errUsage)
	}
	asOf, err := asOfFlag()
	if err != nil {
		return err
	}
	a, root, err := openAtlas(*dir)
	if err != nil {
		return err
	}
	problems := atlas.Check(a)
	feeds := 0
	if *rangesDir != "" {
		used, n, err := usedRegionCodes(ctx, *rangesDir, e.Now())
		if err != nil {
			return err
		}
		feeds = n
		problems = append(problems, atlas.CheckRegionCodes(a, used)...)
	}
	printProblems(e, root, "", problems)
	nsuffix, err := e.checkSuffixes(a, *dir == "")
	if err != nil {
		return err
	}
	// Stale stakes are warnings: the data was right when written, and
	// only time made it doubtful.
	printProblems(e, root, "warning: ", atlas.StaleStakes(a, asOf))
	if *report {
		if err := atlas.NewReport(a, asOf).WriteText(e.Stdout); err != nil {
			return err
		}
	}
	if n := len(problems) + nsuffix; n > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d problem%s", n, pluralS(n))}
	}
	ents, stmts, points, readings := a.Counts()
	fmt.Fprintf(e.Stdout, "atlas ok: %d entities, %d statements, %d series points, %d readings", ents, stmts, points, readings)
	if *rangesDir != "" {
		fmt.Fprintf(e.Stdout, "; region codes of %d feeds covered", feeds)
	}
	fmt.Fprintln(e.Stdout)
	return nil
}

// printProblems prints one problem per line, file names under root.
func printProblems(e *Env, root, prefix string, ps atlas.Problems) {
	for _, p := range ps {
		if p.Line > 0 {
			p.File = path.Join(filepath.ToSlash(root), p.File)
		}
		fmt.Fprintln(e.Stdout, prefix+p.String())
	}
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// usedRegionCodes reads every feed found under dir and returns the
// region codes each provider uses, and how many feeds were read. Feeds
// with no file under dir are skipped.
func usedRegionCodes(ctx context.Context, dir string, now time.Time) (map[string][]string, int, error) {
	seen := make(map[string]map[string]bool)
	n := 0
	for i := range ranges.Feeds {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		snap, err := ranges.Feeds[i].ReadDir(dir, now)
		if errors.Is(err, ranges.ErrNoFiles) {
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("--ranges: %w", err)
		}
		n++
		for _, r := range snap.Records {
			if r.Region == "" || r.Provider == "" {
				continue
			}
			if seen[r.Provider] == nil {
				seen[r.Provider] = make(map[string]bool)
			}
			seen[r.Provider][r.Region] = true
		}
	}
	used := make(map[string][]string, len(seen))
	for p, codes := range seen {
		used[p] = slices.Sorted(maps.Keys(codes))
	}
	return used, n, nil
}

// checkSuffixes validates the embedded suffix table of host-name evidence
// (data/suffixes) on its own and, with withAtlas (the embedded atlas is
// checked), against the atlas's providers; it prints its problems and
// returns how many there are.
func (e *Env) checkSuffixes(a *atlas.Atlas, withAtlas bool) (int, error) {
	sub, err := fs.Sub(data.Suffixes, "suffixes")
	if err != nil {
		return 0, err
	}
	tbl, err := suffix.Load(sub)
	if err != nil {
		return 0, err
	}
	ps := suffix.Check(tbl)
	if withAtlas {
		ps = append(ps, suffix.CheckAtlas(tbl, func(id string) bool { return a.Entity(id) != nil })...)
	}
	for _, p := range ps {
		fmt.Fprintln(e.Stderr, p.String())
	}
	return len(ps), nil
}
