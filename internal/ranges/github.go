package ranges

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// githubNotPrefixes names the keys of https://api.github.com/meta whose
// values are lists of strings that are not prefixes. They are skipped by
// name. Keys whose values are not lists at all (verifiable_password_-
// authentication, ssh_key_fingerprints, domains) cannot hold prefixes and
// are skipped by type.
var githubNotPrefixes = map[string]bool{
	"ssh_keys": true,
}

// ParseGitHub parses GitHub's meta API response. Every key whose value is
// a JSON list, other than those in githubNotPrefixes, is a list of
// CIDR prefixes named after a GitHub service: hooks, web, api, git,
// github_enterprise_importer, packages, pages, importer, actions,
// actions_macos, codespaces, dependabot, copilot. New service lists that
// GitHub adds are picked up the same way; a non-prefix entry in any of
// them is an error, so that a new non-prefix list is noticed rather than
// half parsed. Each record's only service is its key; [Merge] then joins
// the keys that list the same prefix.
func ParseGitHub(name string, data []byte) (Parsed, error) {
	var meta map[string]json.RawMessage
	if err := unmarshalStrict(name, data, &meta); err != nil {
		return Parsed{}, err
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var p Parsed
	lists := 0
	for _, k := range keys {
		raw := bytes.TrimSpace(meta[k])
		if githubNotPrefixes[k] || len(raw) == 0 || raw[0] != '[' {
			continue
		}
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return Parsed{}, fmt.Errorf("%s: %s: want a list of CIDR strings: %v", name, k, err)
		}
		lists++
		for i, s := range list {
			pfx, err := parsePrefix(name, fmt.Sprintf("%s[%d]", k, i), s)
			if err != nil {
				return Parsed{}, err
			}
			p.Records = append(p.Records, Record{Prefix: pfx, Services: []string{k}})
		}
	}
	if lists == 0 {
		return Parsed{}, fmt.Errorf("%s: no list of prefixes (hooks, web, api, ...): not a GitHub meta response", name)
	}
	return p, nil
}
