package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// atlasArgs parses the flags shared by entity, history and search and
// returns the loaded atlas, the one argument and the format.
func atlasArgs(e *Env, name, usage string, args []string, extra func(*flag.FlagSet)) (*atlas.Atlas, string, string, error) {
	fs, _ := e.flagSet(name, usage)
	dir := atlasDirFlag(fs)
	format := formatFlag(fs, "text", "text", "json")
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, "", "", err
	}
	if fs.NArg() != 1 {
		return nil, "", "", fmt.Errorf("%w: give one %s", errUsage, usage)
	}
	f, err := format()
	if err != nil {
		return nil, "", "", err
	}
	a, err := e.loadAtlas(*dir)
	if err != nil {
		return nil, "", "", err
	}
	return a, strings.TrimSpace(fs.Arg(0)), f, nil
}

func runEntity(ctx context.Context, e *Env, args []string) error {
	a, arg, format, err := atlasArgs(e, "entity", "ID|NAME", args, nil)
	if err != nil {
		return err
	}
	ans, err := a.Describe(arg)
	if err != nil {
		return err
	}
	return writeAnswer(e.Stdout, format, ans)
}

func runHistory(ctx context.Context, e *Env, args []string) error {
	a, arg, format, err := atlasArgs(e, "history", "ID|NAME", args, nil)
	if err != nil {
		return err
	}
	ans, err := a.History(arg)
	if err != nil {
		return err
	}
	return writeAnswer(e.Stdout, format, ans)
}

func runSearch(ctx context.Context, e *Env, args []string) error {
	var limit *int
	a, arg, format, err := atlasArgs(e, "search", "TEXT", args, func(fs *flag.FlagSet) {
		limit = fs.Int("limit", 20, "show at most `n` results (0: all)")
	})
	if err != nil {
		return err
	}
	hits := []atlas.Hit{}
	for _, m := range a.Search(arg, *limit) {
		hits = append(hits, m.Hit())
	}
	if format == "json" {
		return writeJSONValue(e.Stdout, hits)
	}
	w := bufio.NewWriter(e.Stdout)
	if len(hits) == 0 {
		fmt.Fprintf(w, "no entity matches %q\n", arg)
	}
	for _, h := range hits {
		fmt.Fprintf(w, "%-9s %-40s %s", h.Rank, h.ID, h.Name)
		if h.NameZH != "" {
			fmt.Fprintf(w, "  %s", h.NameZH)
		}
		if h.Matched != h.Name && h.Matched != h.ID && h.Matched != h.NameZH {
			fmt.Fprintf(w, "  (matched %q)", h.Matched)
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}
