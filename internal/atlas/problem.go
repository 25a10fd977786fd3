package atlas

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong in the atlas files, located to a line.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// String formats p as "file:line: field: message" (without the line
// when it is 0).
func (p Problem) String() string {
	loc := fmt.Sprintf("%s:%d", p.File, p.Line)
	if p.Line == 0 {
		loc = p.File
	}
	if p.Field == "" {
		return fmt.Sprintf("%s: %s", loc, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", loc, p.Field, p.Message)
}

// Problems is a list of problems. As an error it prints one problem per
// line.
type Problems []Problem

// Error lists the problems, one "file:line: field: message" per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Err returns ps as an error, or nil if there are no problems.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// sortProblems orders problems by file, line, field and message.
func sortProblems(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Field, b.Field), cmp.Compare(a.Message, b.Message))
	})
}

// problems collects problems while loading or checking.
type problems struct {
	list Problems
}

// add records a problem at pos for field.
func (ps *problems) add(pos Pos, line int, field, format string, args ...any) {
	if line == 0 {
		line = pos.Line
	}
	ps.list = append(ps.list, Problem{File: pos.File, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}
