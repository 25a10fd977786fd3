package chart

import (
	"html"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Point is a position in SVG user units.
type Point struct{ X, Y float64 }

// num formats a coordinate with at most one decimal, without a trailing
// ".0", so that the output is short and stable.
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for SVG element content and quoted attribute values.
func esc(s string) string { return html.EscapeString(s) }

// textWidth estimates the width of s drawn at size (px) in a sans-serif
// face: wide (CJK) characters take the full size, capitals and digits
// two thirds, others a little over half. It errs on the wide side.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case isWide(r):
			w += 1.0
		case unicode.IsUpper(r), unicode.IsDigit(r), r == 'm', r == 'w', r == 'M', r == 'W', r == '%':
			w += 0.68
		case r == ' ', r == '.', r == ',', r == 'i', r == 'l', r == 'j', r == '\'', r == '(', r == ')', r == '-':
			w += 0.34
		default:
			w += 0.56
		}
	}
	return w * size
}

// isWide reports whether r is drawn full-width (CJK and the like).
func isWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
}

// wrap breaks s into at most maxLines lines no wider than width at size,
// at spaces where it can (and between wide characters); the last line
// ends in an ellipsis when the rest of s does not fit on it.
func wrap(s string, width, size float64, maxLines int) []string {
	words := splitWords(strings.TrimSpace(s))
	var lines []string
	cur := ""
	for i, w := range words {
		try := cur + w
		if cur == "" {
			try = strings.TrimLeft(w, " ")
		}
		if textWidth(try, size) <= width {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = strings.TrimLeft(w, " ")
		} else {
			cur = try // one word wider than a line
		}
		if len(lines) == maxLines-1 {
			return append(lines, ellipsis(cur+strings.Join(words[i+1:], ""), width, size))
		}
		if textWidth(cur, size) > width {
			lines = append(lines, ellipsis(cur, width, size))
			cur = ""
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// splitWords splits s before each space and around each wide character,
// keeping the spaces, so that joining the parts gives s back.
func splitWords(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > start && (r == ' ' || isWide(r)) {
			out = append(out, s[start:i])
			start = i
		}
		if isWide(r) {
			out = append(out, s[start:i+utf8.RuneLen(r)])
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// ellipsis shortens s to fit width at size, ending in "…".
func ellipsis(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ,") + "…"
}
