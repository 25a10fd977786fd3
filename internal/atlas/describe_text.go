package atlas

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText renders the entity and its facts grouped by predicate, each
// with its source numbers, then the numbered sources.
func (ans *EntityAnswer) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	writeEntityHeader(bw, ans.Entity)
	for _, g := range ans.Groups {
		title := g.Predicate
		if g.Direction == "in" {
			title = "<- " + g.Predicate + " (as object)"
		}
		fmt.Fprintf(bw, "\n%s\n", title)
		for _, id := range g.Statements {
			s := ans.Statements[id]
			fmt.Fprintf(bw, "  %s%s\n", describeStatement(s), sourceMarks(s.Sources))
		}
	}
	writeSources(bw, ans.Sources)
	return bw.Flush()
}

// WriteText renders the timeline, one event per line.
func (ans *HistoryAnswer) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	writeEntityHeader(bw, ans.Entity)
	fmt.Fprintln(bw)
	for _, ev := range ans.Events {
		s := ans.Statements[ev.Statement]
		date := ev.Date
		if date == "" {
			date = "-"
		}
		fmt.Fprintf(bw, "  %-10s %-9s %s%s\n", date, ev.Change, describeStatement(s), sourceMarks(s.Sources))
	}
	if len(ans.Events) == 0 {
		fmt.Fprintln(bw, "  no statements")
	}
	writeSources(bw, ans.Sources)
	return bw.Flush()
}

func writeEntityHeader(w *bufio.Writer, e *Entity) {
	fmt.Fprintf(w, "%s  %s", e.ID, e.Name)
	if e.NameZH != "" {
		fmt.Fprintf(w, "  %s", e.NameZH)
	}
	fmt.Fprintf(w, "\n  kind %s", e.Kind)
	if e.Country != "" {
		fmt.Fprintf(w, "; country %s", e.Country)
	}
	if e.Kind == KindRegion {
		fmt.Fprintf(w, "; provider %s, partition %s, code %s", e.Provider, e.Partition, e.Code)
		if !e.Launched.IsZero() {
			fmt.Fprintf(w, "; launched %s", e.Launched)
		}
	}
	if e.Kind == KindLaw {
		fmt.Fprintf(w, "; jurisdiction %s; reaches what is %s", e.Jurisdiction, basesText(e.Reach))
		if in := InForceText(e.InForce.String()); in != "" {
			fmt.Fprintf(w, "; %s", in)
		}
	}
	fmt.Fprintln(w)
	if len(e.Aliases) > 0 {
		fmt.Fprintf(w, "  aliases: %s\n", strings.Join(e.Aliases, ", "))
	}
	if len(e.IDs) > 0 {
		keys := make([]string, 0, len(e.IDs))
		for k := range e.IDs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = k + "=" + e.IDs[k]
		}
		fmt.Fprintf(w, "  ids: %s\n", strings.Join(keys, ", "))
	}
	if e.Note != "" {
		fmt.Fprintf(w, "  note: %s\n", e.Note)
	}
}

func sourceMarks(ns []int) string {
	if len(ns) == 0 {
		return ""
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return " [" + strings.Join(parts, ",") + "]"
}

func writeSources(w *bufio.Writer, srcs []SourceRef) {
	if len(srcs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nSources\n")
	for _, s := range srcs {
		fmt.Fprintf(w, "  [%d] %s, %s, %s\n", s.N, s.Publisher, s.Published, s.URL)
	}
}

// basesText renders a law's reach bases in words: "located there or
// incorporated there".
func basesText(bases []string) string {
	words := make([]string, len(bases))
	for i, b := range bases {
		words[i] = BasisText(b)
	}
	return strings.Join(words, " or ")
}
