package cli

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// formatFlag registers --format (one of formats, default def) and its
// shorthand --json, and returns a function that gives the format
// chosen: --json picks the first JSON format in the list.
func formatFlag(fs *flag.FlagSet, def string, formats ...string) func() (string, error) {
	format := fs.String("format", def, "output `format`: "+strings.Join(formats, ", "))
	js := fs.Bool("json", false, "shorthand for --format "+jsonFormat(formats))
	return func() (string, error) {
		f := *format
		if *js {
			if f != def && f != jsonFormat(formats) {
				return "", fmt.Errorf("%w: --json and --format %s disagree", errUsage, f)
			}
			f = jsonFormat(formats)
		}
		if !slices.Contains(formats, f) {
			return "", fmt.Errorf("%w: unknown format %q (want %s)", errUsage, f, strings.Join(formats, ", "))
		}
		return f, nil
	}
}

func jsonFormat(formats []string) string {
	for _, f := range formats {
		if strings.HasPrefix(f, "json") {
			return f
		}
	}
	return "json"
}

// asOfFlag registers --as-of and --current-ranges and returns a
// function that parses them: the day asked, by the one rule of
// [answer.ParseAsOf] (default: today), and the day whose range snapshots
// to answer from (the same day, or today with --current-ranges).
func (e *Env) asOfFlag(fs *flag.FlagSet, what string) func() (time.Time, error) {
	v := fs.String("as-of", "", "answer "+what+"as of `date` (YYYY, YYYY-MM or YYYY-MM-DD; default today)")
	fs.BoolVar(&e.currentRanges, "current-ranges", false, "with --as-of: look addresses up in today's range snapshots (the atlas still answers as of --as-of), for logs older than the snapshots kept")
	return func() (time.Time, error) {
		t, err := answer.ParseAsOf(*v, e.Now())
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: --as-of: %v", errUsage, err)
		}
		return t, nil
	}
}

// rangesDay returns the day whose range snapshots a command answers from.
func (e *Env) rangesDay(day time.Time) time.Time {
	if e.currentRanges {
		return answer.Day0(e.Now())
	}
	return day
}
