package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// nullable lists the keys whose value may be null: a share that no
// source publishes (documented as nullable in docs/whois.md and the
// OpenAPI document). Nothing else, and never a list.
var nullable = map[string]bool{"share": true, "effective_share": true}

// nullPaths returns the paths of every null in a JSON value, but for
// the nullable keys.
func nullPaths(v any, path string) []string {
	switch x := v.(type) {
	case nil:
		if i := strings.LastIndexByte(path, '.'); i >= 0 && nullable[path[i+1:]] {
			return nil
		}
		return []string{path}
	case map[string]any:
		var out []string
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, nullPaths(x[k], path+"."+k)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range x {
			out = append(out, nullPaths(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	return nil
}

// TestNoJSONOutputHasNull runs every command that writes JSON and fails
// on any null: lists are [] when empty, never null.
func TestNoJSONOutputHasNull(t *testing.T) {
	dir := loadedDir(t)
	for _, args := range [][]string{
		{"whois", "--json", "cn-north-1"},
		{"whois", "--json", "--as-of", "2014-01-01", "provider/aws"},
		{"whois", "--json", "org/sinnet"},
		{"whois", "--json", "--data-dir", dir, "52.80.0.1"},
		{"whois", "--json", "--data-dir", dir, "198.51.100.1"},
		{"whois", "--json", "--data-dir", dir, "47.74.0.0/15"},
		{"entity", "--json", "org/sinnet"},
		{"history", "--json", "region/aws/cn-north-1"},
		{"search", "--json", "aws"},
		{"ip", "--json", "--data-dir", dir, "52.80.0.1", "198.51.100.1"},
		{"version", "--json", "--data-dir", dir},
		{"version", "--json", "--data-dir", t.TempDir()},
	} {
		r := runCmd(t, "52.80.0.1\nnope\n198.51.100.1\n", args...)
		if r.code > 1 {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
			continue
		}
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		for dec.More() {
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Errorf("%v: not JSON: %v\n%s", args, err, r.stdout)
				break
			}
			if ps := nullPaths(v, "$"); len(ps) > 0 {
				t.Errorf("%v: null at %s", args, strings.Join(ps, ", "))
			}
		}
	}
}
