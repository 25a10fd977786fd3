package chart

import (
	"slices"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	for _, tt := range []struct {
		s     string
		width float64
		lines int
		want  []string
	}{
		{"Beijing Sinnet", 200, 2, []string{"Beijing Sinnet"}},
		{"Beijing Sinnet Technology Co., Ltd.", 150, 2, []string{"Beijing Sinnet", "Technology Co., Ltd."}},
		{"Beijing Baihuida Investment Management Co., Ltd.", 150, 2, []string{"Beijing Baihuida", "Investment Managemen…"}},
		{"北京光环新网科技股份有限公司", 60, 2, []string{"北京光环新", "网科技股…"}},
		{"Supercalifragilisticexpialidocious Holdings", 100, 2, []string{"Supercalifragil…", "Holdings"}},
		{"", 100, 2, nil},
	} {
		got := wrap(tt.s, tt.width, 12, tt.lines)
		if !slices.Equal(got, tt.want) {
			t.Errorf("wrap(%q, %v) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
		for _, l := range got {
			if w := textWidth(l, 12); w > tt.width {
				t.Errorf("wrap(%q): line %q is %.0f wide, more than %v", tt.s, l, w, tt.width)
			}
		}
		if len(got) > tt.lines {
			t.Errorf("wrap(%q): %d lines, want at most %d", tt.s, len(got), tt.lines)
		}
	}
}

func TestEscape(t *testing.T) {
	if got := esc(`<script>"a" & 'b'`); strings.ContainsAny(got, `<>"'`) {
		t.Errorf("esc left markup: %s", got)
	}
	if num(-0.04) != "0" || num(12.345) != "12.3" || num(100) != "100" {
		t.Errorf("num: %s %s %s", num(-0.04), num(12.345), num(100))
	}
}
