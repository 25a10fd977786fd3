package digest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// width is where text output wraps its paragraphs.
const width = 78

// WriteRoundupText writes the roundup as plain text.
func WriteRoundupText(w io.Writer, r *Roundup) error {
	b := bufio.NewWriter(w)
	day := r.Day()
	fmt.Fprintf(b, "What changed on %s (%s)\n", r.Date, day.Weekday())
	if r.Quiet() {
		fmt.Fprintf(b, "\n%s\n", wrap(QuietSentence(r.Date), "", width))
		return b.Flush()
	}
	if len(r.Ranges) > 0 || len(r.Feeds) > 0 {
		fmt.Fprintf(b, "\nRanges, compared with the snapshots in force at the end of %s:\n", dayString(day.AddDate(0, 0, -1)))
		for _, c := range r.Ranges {
			fmt.Fprint(b, wrap(c.Sentence, "  - ", width))
		}
		for _, f := range r.Feeds {
			fmt.Fprint(b, wrap(FeedLine(f), "  * ", width))
		}
	}
	if len(r.Atlas) > 0 {
		fmt.Fprintln(b, "\nIn the atlas:")
		for _, c := range r.Atlas {
			fmt.Fprint(b, wrap(c.Sentence, "  - ", width))
			for _, s := range c.Sources {
				fmt.Fprint(b, wrap(sourceLine(s.Publisher, s.Published, s.URL), "      ", width))
			}
		}
	}
	if len(r.Readings) > 0 {
		fmt.Fprintln(b, "\nReadings published that day:")
		writeReadings(b, r.Readings)
	}
	return b.Flush()
}

// QuietSentence says that nothing changed on a day.
func QuietSentence(date string) string {
	return "Nothing changed on " + date + ": no feed's snapshot in force changed, the atlas records " +
		"nothing dated that day, and no reading was published on it."
}

// FeedLine names the snapshots compared for one feed.
func FeedLine(f FeedChange) string {
	to := snapshotLabel(f.To)
	if f.From.ID == 0 {
		return fmt.Sprintf("%s: first snapshot %s", f.Feed, to)
	}
	return fmt.Sprintf("%s: snapshot %s -> %s: %d added, %d removed, %d moved", f.Feed, snapshotLabel(f.From), to,
		f.Added, f.Removed, f.Moved)
}

func snapshotLabel(s SnapshotRef) string {
	var parts []string
	if s.UpstreamID != "" {
		parts = append(parts, "upstream "+s.UpstreamID)
	}
	if s.UpstreamDate != "" {
		parts = append(parts, "of "+s.UpstreamDate)
	}
	if len(parts) == 0 {
		return fmt.Sprint(s.ID)
	}
	return fmt.Sprintf("%d (%s)", s.ID, strings.Join(parts, " "))
}

func sourceLine(publisher, published, url string) string {
	var parts []string
	for _, p := range []string{publisher, published} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return "source: " + strings.Join(append(parts, url), ", ")
}

// WriteReadingListText writes the reading list as plain text.
func WriteReadingListText(w io.Writer, l *ReadingList) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "Reading list for %s (%s to %s)\n", l.Week, l.From, l.To)
	if l.Quiet() {
		fmt.Fprintf(b, "\nNo reading was published in %s and nothing changed that week.\n", l.Week)
		return b.Flush()
	}
	if len(l.Readings) > 0 {
		fmt.Fprintln(b, "\nReadings:")
		writeReadings(b, l.Readings)
	} else {
		fmt.Fprintln(b, "\nNo reading was published that week.")
	}
	if len(l.Highlights) > 0 {
		fmt.Fprintln(b, "\nThe week's most important changes:")
		for _, h := range l.Highlights {
			fmt.Fprint(b, wrap(h.Date+"  "+h.Sentence, "  - ", width))
		}
	} else {
		fmt.Fprintln(b, "\nNothing changed in the ranges or the atlas that week.")
	}
	return b.Flush()
}

func writeReadings(b *bufio.Writer, rs []ReadingItem) {
	for i, r := range rs {
		if i > 0 {
			fmt.Fprintln(b)
		}
		fmt.Fprint(b, wrap(fmt.Sprintf("%s (%s, %s)", r.Title, r.Publisher, r.Published), "  - ", width))
		fmt.Fprintf(b, "    %s\n", r.URL)
		if r.Note != "" {
			fmt.Fprint(b, wrap(r.Note, "    ", width))
		}
		if len(r.Entities) > 0 {
			var ns []string
			for _, e := range r.Entities {
				ns = append(ns, e.Name)
			}
			fmt.Fprint(b, wrap("Concerns: "+strings.Join(ns, "; "), "    ", width))
		}
	}
}

// wrap fills text into lines of at most limit runes (a longer word
// stands alone), the first led by prefix and the others indented as
// deep, each ending in a newline.
func wrap(text, prefix string, limit int) string {
	indent := strings.Repeat(" ", len([]rune(prefix)))
	var b strings.Builder
	line := prefix
	n := len([]rune(prefix))
	empty := true
	for _, word := range strings.Fields(text) {
		wl := len([]rune(word))
		if !empty && n+1+wl > limit {
			b.WriteString(line + "\n")
			line, n, empty = indent, len([]rune(indent)), true
		}
		if !empty {
			line += " "
			n++
		}
		line += word
		n += wl
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}
