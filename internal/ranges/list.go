package ranges

import (
	"bytes"
	"fmt"
	"iter"
	"strings"
)

// ParseList parses a plain-text list with one prefix per line, as
// Cloudflare's ips-v4 and ips-v6 and the lord-alfred and metowolf lists
// are written. Blank lines and lines starting with '#' are skipped, as is
// a '#' comment after a prefix. The list has no metadata and no date.
func ParseList(name string, data []byte) (Parsed, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Parsed{}, fmt.Errorf("%s: empty file", name)
	}
	var p Parsed
	for n, text := range lines(data) {
		text, _, _ = strings.Cut(text, "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		pfx, err := parsePrefix(name, fmt.Sprintf("line %d", n), text)
		if err != nil {
			return Parsed{}, err
		}
		p.Records = append(p.Records, Record{Prefix: pfx})
	}
	return p, nil
}

// lines yields the 1-based number and the text of every line of data,
// without a UTF-8 byte order mark, line ending or surrounding blanks.
func lines(data []byte) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		rest := string(bytes.TrimPrefix(data, []byte("\uFEFF")))
		for n := 1; rest != ""; n++ {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			if !yield(n, strings.TrimSpace(line)) {
				return
			}
		}
	}
}
