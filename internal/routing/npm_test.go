package routing

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// registry is a synthetic npm registry: one package with versions and
// their tarballs.
type registry struct {
	pkg      string
	latest   string
	tarballs map[string][]byte // by version
	// integrity overrides the integrity value the document gives.
	integrity string
	gone      string // a version listed whose tarball answers 404
	requests  []string
}

func (reg *registry) serve(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reg.requests = append(reg.requests, r.URL.EscapedPath())
		switch {
		case r.URL.EscapedPath() == "/"+strings.Replace(reg.pkg, "/", "%2f", 1):
			if !strings.Contains(r.Header.Get("Accept"), "application/vnd.npm.install-v1+json") {
				t.Errorf("Accept = %q", r.Header.Get("Accept"))
			}
			w.Header().Set("Content-Type", "application/vnd.npm.install-v1+json")
			json.NewEncoder(w).Encode(reg.document(srv.URL))
		case strings.HasPrefix(r.URL.Path, "/tarballs/"):
			v := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/tarballs/"), ".tgz")
			b, ok := reg.tarballs[v]
			if !ok || v == reg.gone {
				http.NotFound(w, r)
				return
			}
			w.Write(b)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (reg *registry) document(base string) map[string]any {
	versions := map[string]any{}
	for v, b := range reg.tarballs {
		sum := sha512.Sum512(b)
		integrity := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
		if reg.integrity != "" {
			integrity = reg.integrity
		}
		versions[v] = map[string]any{
			"name": reg.pkg, "version": v,
			"dist": map[string]any{"tarball": base + "/tarballs/" + v + ".tgz", "integrity": integrity, "shasum": "00"},
		}
	}
	return map[string]any{"name": reg.pkg, "dist-tags": map[string]string{"latest": reg.latest}, "versions": versions}
}

func asnRegistry(t *testing.T) *registry {
	f := goodFixture()
	old := tgz(t, []tarMember{manifest(PackageASN, "2.3.2026051719"), {name: memberASN4, body: f.asn4}, {name: memberASN6, body: f.asn6}})
	cur := tgz(t, []tarMember{manifest(PackageASN, "2.3.2026061719"), {name: memberASN4, body: f.asn4}, {name: memberASN6, body: f.asn6}})
	return &registry{pkg: PackageASN, latest: "2.3.2026061719",
		tarballs: map[string][]byte{"2.3.2026051719": old, "2.3.2026061719": cur}}
}

func TestFetch(t *testing.T) {
	reg := asnRegistry(t)
	srv := reg.serve(t)
	tb, err := Fetch(context.Background(), srv.Client(), srv.URL+"/", PackageASN, "2.3.2026051719")
	if err != nil {
		t.Fatal(err)
	}
	want := NewTarball(PackageASN, "2.3.2026061719", srv.URL+"/tarballs/2.3.2026061719.tgz", reg.tarballs["2.3.2026061719"])
	if tb.Version != want.Version || tb.Integrity != want.Integrity || tb.SHA256 != want.SHA256 || tb.Source != want.Source {
		t.Errorf("Fetch = %+v, want %+v", tb, want)
	}
	if reg.requests[0] != "/@ip-location-db%2fasn" {
		t.Errorf("document requested as %q", reg.requests[0])
	}
	_, cc := goodFixture().tarballs(t)
	if _, _, err := Parse(tb, cc, testLimits); err != nil {
		t.Errorf("fetched tarball does not parse: %v", err)
	}
}

func TestFetchUnchangedAndOlder(t *testing.T) {
	reg := asnRegistry(t)
	srv := reg.serve(t)
	_, err := Fetch(context.Background(), srv.Client(), srv.URL, PackageASN, "2.3.2026061719")
	if !errors.Is(err, ErrUnchanged) {
		t.Errorf("same version: err = %v, want ErrUnchanged", err)
	}
	_, err = Fetch(context.Background(), srv.Client(), srv.URL, PackageASN, "2.3.2026071719")
	if !errors.Is(err, ErrOlder) || !strings.Contains(err.Error(), "2.3.2026061719") {
		t.Errorf("newer version held: err = %v, want ErrOlder", err)
	}
	if len(reg.requests) != 2 {
		t.Errorf("requests = %v; the tarball should not be downloaded", reg.requests)
	}
}

func TestFetchRefuses(t *testing.T) {
	other := sha512.Sum512([]byte("something else"))
	otherIntegrity := "sha512-" + base64.StdEncoding.EncodeToString(other[:])
	tests := []struct {
		name  string
		edit  func(reg *registry)
		wants []string
	}{
		{"integrity mismatch", func(reg *registry) { reg.integrity = otherIntegrity },
			[]string{"integrity mismatch", otherIntegrity, "2.3.2026061719.tgz", "the download is sha512-"}},
		{"no sha512", func(reg *registry) { reg.integrity = "sha1-AAAA" }, []string{"no sha512 value"}},
		{"bad sha512", func(reg *registry) { reg.integrity = "sha512-AAAA" }, []string{"not a sha512 digest"}},
		{"no latest", func(reg *registry) { reg.latest = "" }, []string{"no dist-tags.latest"}},
		{"latest not listed", func(reg *registry) { reg.latest = "9.9.9" }, []string{"latest version 9.9.9 is not in versions"}},
		{"tarball missing", func(reg *registry) { reg.gone = reg.latest }, []string{"2.3.2026061719.tgz: HTTP 404"}},
		{"bad version", func(reg *registry) { reg.tarballs["3.0.0-beta"] = []byte("x"); reg.latest = "3.0.0-beta" }, []string{"3.0.0-beta"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := asnRegistry(t)
			tt.edit(reg)
			srv := reg.serve(t)
			_, err := Fetch(context.Background(), srv.Client(), srv.URL, PackageASN, "2.3.2026051719")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestFetchHTTPFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/@ip-location-db%2fasn", "/@ip-location-db/asn":
			fmt.Fprint(w, `{"dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"dist":{"tarball":"/big.tgz","integrity":"sha512-`+
				base64.StdEncoding.EncodeToString(make([]byte, 64))+`"}}}}`)
		case "/big.tgz":
			w.Header().Set("Content-Length", fmt.Sprint(MaxTarball+1))
			w.WriteHeader(http.StatusOK)
		case "/@ip-location-db%2fgeo-whois-asn-country", "/@ip-location-db/geo-whois-asn-country":
			fmt.Fprint(w, `<html>`)
		default:
			http.Error(w, "gone", http.StatusGone)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if _, err := Fetch(ctx, srv.Client(), srv.URL, PackageASN, ""); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("oversized tarball: err = %v", err)
	}
	if _, err := Fetch(ctx, srv.Client(), srv.URL, PackageCountry, ""); err == nil || !strings.Contains(err.Error(), "not a package document") {
		t.Errorf("HTML document: err = %v", err)
	}
	if _, err := Fetch(ctx, srv.Client(), srv.URL, "@other/pkg", ""); err == nil || !strings.Contains(err.Error(), "410") {
		t.Errorf("HTTP 410: err = %v", err)
	}
}

func TestFetchStreamOverLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big.tgz" {
			chunk := make([]byte, 1<<20)
			for range MaxTarball>>20 + 1 {
				w.Write(chunk)
			}
			return
		}
		fmt.Fprint(w, `{"dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"dist":{"tarball":"/big.tgz","integrity":"sha512-`+
			base64.StdEncoding.EncodeToString(make([]byte, 64))+`"}}}}`)
	}))
	defer srv.Close()
	_, err := Fetch(context.Background(), srv.Client(), srv.URL, PackageASN, "")
	if err == nil || !strings.Contains(err.Error(), "over the 67108864-byte limit") {
		t.Errorf("streamed oversized tarball: err = %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2.3.2026061719", "2.3.2026061719", 0},
		{"2.3.2026061719", "2.3.2026051719", 1},
		{"2.3.2026051719", "2.3.2026061719", -1},
		{"2.10.0", "2.9.99", 1},
		{"2.3", "2.3.0", 0},
		{"3", "2.99.99", 1},
		{"2.3.1", "2.3", 1},
	}
	for _, tt := range tests {
		got, err := CompareVersions(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "2.3.x", "2..3", "2.3.0-beta", "+1.2", "v2.3", "1.99999999999999999999"} {
		if _, err := CompareVersions(bad, "1.0.0"); err == nil {
			t.Errorf("CompareVersions(%q) accepted", bad)
		}
	}
}

func TestImportDir(t *testing.T) {
	dir := t.TempDir()
	f := goodFixture()
	write := func(pkg, version string, members ...tarMember) {
		b := tgz(t, append([]tarMember{manifest(pkg, version)}, members...))
		if err := os.WriteFile(filepath.Join(dir, TarballFile(pkg, version)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	asnMembers := []tarMember{{name: memberASN4, body: f.asn4}, {name: memberASN6, body: f.asn6}}
	ccMembers := []tarMember{{name: memberCountry4, body: f.cc4}, {name: memberCountry6, body: f.cc6}}
	write(PackageASN, "2.3.2026051719", asnMembers...)
	write(PackageASN, "2.3.2026061719", asnMembers...)
	write(PackageASN, "2.10.0", asnMembers...)
	write(PackageCountry, "2.3.2026061719", ccMembers...)
	asn, cc, err := ImportDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if asn.Version != "2.10.0" || cc.Version != "2.3.2026061719" {
		t.Errorf("versions = %s, %s; want 2.10.0, 2.3.2026061719", asn.Version, cc.Version)
	}
	if filepath.Base(asn.Source) != "ip-location-db-asn-2.10.0.tgz" {
		t.Errorf("source = %s", asn.Source)
	}
	if _, _, err := Parse(asn, cc, testLimits); err != nil {
		t.Errorf("imported tarballs do not parse: %v", err)
	}

	// A tarball whose manifest disagrees with its file name is refused.
	os.Rename(filepath.Join(dir, TarballFile(PackageCountry, "2.3.2026061719")), filepath.Join(dir, TarballFile(PackageCountry, "2.4.0")))
	asn, cc, err = ImportDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Parse(asn, cc, testLimits); err == nil || !strings.Contains(err.Error(), `version "2.3.2026061719", but the tarball was taken as version "2.4.0"`) {
		t.Errorf("renamed tarball: err = %v", err)
	}

	write(PackageCountry, "latest")
	if _, _, err := ImportDir(dir); err == nil || !strings.Contains(err.Error(), "ip-location-db-geo-whois-asn-country-latest.tgz") {
		t.Errorf("unversioned file name: err = %v", err)
	}
	if _, _, err := ImportDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no ip-location-db-asn-*.tgz") {
		t.Errorf("empty dir: err = %v", err)
	}
}
