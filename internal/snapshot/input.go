package snapshot

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/hostname"
)

// Input is one name of a population.
type Input struct {
	// Line is the line of the input it came from (from 1).
	Line int
	// Name is the name as written; ASCII is its IDNA form.
	Name  string
	ASCII string
	// Rank is the rank given in the input (or the line number when ranks
	// come from line numbers); 0 when none.
	Rank int
}

// BadLine is an input line that holds no valid name, or a name already
// read. It is reported and skipped.
type BadLine struct {
	Source string
	Line   int
	Err    error
}

func (b BadLine) Error() string {
	return fmt.Sprintf("%s:%d: %v", b.Source, b.Line, b.Err)
}

// ReadNames reads a population from r (named source in messages): one
// name per line, or CSV lines "rank,name" (a first line "rank,name" is a
// header). Blank lines and lines starting with "#" are skipped. When
// rankByLine is set, a line without a rank gets its line number as rank
// (for a list ordered by rank, such as a Tranco list without its rank
// column). Bad lines and repeated names are returned apart, each with
// its line; they never stop the reading. The error is for a failure to
// read r.
func ReadNames(r io.Reader, source string, rankByLine bool) ([]Input, []BadLine, error) {
	var ins []Input
	var bad []BadLine
	first := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") || line == 1 && isHeader(text) {
			continue
		}
		in, err := parseLine(text, line, rankByLine)
		if err == nil {
			if prev, dup := first[in.ASCII]; dup {
				err = fmt.Errorf("%s repeats line %d", in.ASCII, prev)
			}
		}
		if err != nil {
			bad = append(bad, BadLine{Source: source, Line: line, Err: err})
			continue
		}
		first[in.ASCII] = line
		ins = append(ins, in)
	}
	if err := sc.Err(); err != nil {
		return ins, bad, fmt.Errorf("%s: %w", source, err)
	}
	return ins, bad, nil
}

func isHeader(text string) bool {
	return strings.EqualFold(strings.ReplaceAll(text, " ", ""), "rank,name")
}

// parseLine parses "name" or "rank,name".
func parseLine(text string, line int, rankByLine bool) (Input, error) {
	in := Input{Line: line, Name: text}
	if rank, name, ok := strings.Cut(text, ","); ok {
		n, err := strconv.Atoi(strings.TrimSpace(rank))
		if err != nil || n < 1 {
			return in, fmt.Errorf("rank %q: want a whole number from 1 (lines are \"rank,name\" or \"name\")", rank)
		}
		in.Rank, in.Name = n, strings.TrimSpace(name)
	} else if rankByLine {
		in.Rank = line
	}
	n, err := hostname.Parse(in.Name)
	if err != nil {
		return in, err
	}
	in.ASCII = n.ASCII
	return in, nil
}
