package ranges

import (
	"fmt"
	"regexp"
	"strings"
)

// disposableFile is the layout of disposable/cloud-ip-ranges
// json/<name>.json.
type disposableFile struct {
	Provider   string   `json:"provider"`
	Source     string   `json:"source"`
	LastUpdate string   `json:"last_update"`
	IPv4       []string `json:"ipv4"`
	IPv6       []string `json:"ipv6"`
}

// disposableLists names the lists of disposable/cloud-ip-ranges that
// cloudatlas reads: the Chinese clouds of [owners].
var disposableLists = []string{"alibaba", "tencent", "huawei-cloud", "ucloud"}

// asNumber matches one ASN as the source field writes it.
var asNumber = regexp.MustCompile(`^AS[1-9][0-9]{0,9}$`)

// ParseDisposable parses a disposable/cloud-ip-ranges list, the prefixes
// of several ASNs of one provider merged into one list. The provider name
// must be one of [owners]. Since the prefixes are not attributed to one
// ASN, ASN stays 0; the source ASNs go to Scope, as in "AS45102 AS134963".
// last_update is both the upstream id and date.
func ParseDisposable(name string, data []byte) (Parsed, error) {
	var f disposableFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	if f.Provider == "" || f.LastUpdate == "" || (f.IPv4 == nil && f.IPv6 == nil) {
		return Parsed{}, fmt.Errorf("%s: missing provider, last_update or ipv4/ipv6: not a disposable/cloud-ip-ranges list", name)
	}
	o, ok := ownerNamed(f.Provider)
	if !ok {
		return Parsed{}, fmt.Errorf("%s: provider %q: want one of %s", name, f.Provider, ownerNames())
	}
	scope, err := disposableScope(name, f.Source)
	if err != nil {
		return Parsed{}, err
	}
	updated, err := parseTime(name, "last_update", f.LastUpdate)
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{UpstreamID: f.LastUpdate, UpstreamDate: updated}
	for _, l := range []struct {
		field string
		list  []string
	}{{"ipv4", f.IPv4}, {"ipv6", f.IPv6}} {
		for i, s := range l.list {
			pfx, err := parsePrefix(name, fmt.Sprintf("%s[%d]", l.field, i), s)
			if err != nil {
				return Parsed{}, err
			}
			p.Records = append(p.Records, Record{Prefix: pfx, Provider: o.Key, Partition: o.Partition, Scope: scope})
		}
	}
	return p, nil
}

// disposableScope turns a source field like "AS45102, AS134963" into
// "AS45102 AS134963".
func disposableScope(name, source string) (string, error) {
	asns := strings.FieldsFunc(source, func(r rune) bool { return r == ',' || r == ' ' })
	if len(asns) == 0 {
		return "", fmt.Errorf("%s: source %q: want a list of ASNs like \"AS45102, AS134963\"", name, source)
	}
	for i, a := range asns {
		a = strings.ToUpper(a)
		if !asNumber.MatchString(a) {
			return "", fmt.Errorf("%s: source %q: %q is not an ASN like AS45102", name, source, asns[i])
		}
		asns[i] = a
	}
	return strings.Join(asns, " "), nil
}

// disposableFiles lists one file per list of disposableLists, each at its
// path in the shared layout and its GitHub URL.
func disposableFiles() []File {
	files := make([]File, len(disposableLists))
	for i, n := range disposableLists {
		files[i] = File{
			Glob: "china-asn/disposable/" + n + ".json",
			URL:  "https://raw.githubusercontent.com/disposable/cloud-ip-ranges/master/json/" + n + ".json",
		}
	}
	return files
}
