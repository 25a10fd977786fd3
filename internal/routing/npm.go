package routing

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Registry is the public npm registry.
const Registry = "https://registry.npmjs.org"

// maxDocument bounds an npm package document.
const maxDocument = 32 << 20

var (
	// ErrUnchanged reports that the registry's latest version is the one
	// already held.
	ErrUnchanged = errors.New("routing: package unchanged")
	// ErrOlder reports that the registry's latest version is older than
	// the one already held.
	ErrOlder = errors.New("routing: version goes backwards")
)

// packageDoc is the part of an npm package document that Fetch reads.
type packageDoc struct {
	DistTags map[string]string `json:"dist-tags"`
	Versions map[string]struct {
		Dist struct {
			Tarball   string `json:"tarball"`
			Integrity string `json:"integrity"`
		} `json:"dist"`
	} `json:"versions"`
}

// Fetch downloads the latest version of the npm package pkg from
// registry (such as [Registry]): it reads the package document, takes the
// version tagged latest, downloads its tarball (at most [MaxTarball]
// bytes) and checks it against the document's sha512 integrity value. It
// returns [ErrUnchanged] when have is already the latest version, and an
// error wrapping [ErrOlder] when the latest version is older than have.
func Fetch(ctx context.Context, client *http.Client, registry, pkg, have string) (*Tarball, error) {
	return fetch(ctx, client, registry, pkg, have, "")
}

// FetchVersion downloads the given version of pkg, checked as [Fetch]
// checks the latest: an import needs both packages, and when only one
// has a new version the other is taken again at the version held.
func FetchVersion(ctx context.Context, client *http.Client, registry, pkg, version string) (*Tarball, error) {
	return fetch(ctx, client, registry, pkg, "", version)
}

// fetch downloads version of pkg, or the latest when version is "".
func fetch(ctx context.Context, client *http.Client, registry, pkg, have, version string) (*Tarball, error) {
	docURL := strings.TrimRight(registry, "/") + "/" + strings.Replace(pkg, "/", "%2f", 1)
	body, err := get(ctx, client, docURL, "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8", maxDocument)
	if err != nil {
		return nil, fmt.Errorf("routing: npm %s: %w", pkg, err)
	}
	var doc packageDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("routing: npm %s: %s: not a package document: %w", pkg, docURL, err)
	}
	if version != "" {
		doc.DistTags = map[string]string{"latest": version}
	}
	latest, tarURL, want, err := doc.latest(docURL)
	if err != nil {
		return nil, fmt.Errorf("routing: npm %s: %s: %w", pkg, docURL, err)
	}
	if err := newer(latest, have); err != nil {
		return nil, err
	}
	b, err := get(ctx, client, tarURL, "application/octet-stream", MaxTarball)
	if err != nil {
		return nil, fmt.Errorf("routing: npm %s@%s: %w", pkg, latest, err)
	}
	t := NewTarball(pkg, latest, tarURL, b)
	if got := sha512.Sum512(b); !bytes.Equal(got[:], want) {
		return nil, fmt.Errorf("routing: npm %s@%s: %s: integrity mismatch: the registry says sha512-%s, the download is %s",
			pkg, latest, tarURL, base64.StdEncoding.EncodeToString(want), t.Integrity)
	}
	return t, nil
}

// latest returns the version tagged latest, its tarball URL (resolved
// against the document's URL) and its sha512 digest.
func (d *packageDoc) latest(docURL string) (version, tarURL string, sha []byte, err error) {
	version = d.DistTags["latest"]
	if version == "" {
		return "", "", nil, fmt.Errorf("no dist-tags.latest")
	}
	v, ok := d.Versions[version]
	if !ok {
		return "", "", nil, fmt.Errorf("latest version %s is not in versions", version)
	}
	sha, err = sha512Of(v.Dist.Integrity)
	if err != nil {
		return "", "", nil, fmt.Errorf("version %s: %w", version, err)
	}
	base, _ := url.Parse(docURL)
	u, err := base.Parse(v.Dist.Tarball)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || v.Dist.Tarball == "" {
		return "", "", nil, fmt.Errorf("version %s: tarball URL %q: want an http(s) URL", version, v.Dist.Tarball)
	}
	return version, u.String(), sha, nil
}

// sha512Of returns the sha512 digest of an npm (subresource) integrity
// value, which may list several space-separated hashes.
func sha512Of(integrity string) ([]byte, error) {
	for _, h := range strings.Fields(integrity) {
		b64, ok := strings.CutPrefix(h, "sha512-")
		if !ok {
			continue
		}
		b64, _, _ = strings.Cut(b64, "?") // options, which SRI allows
		sha, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(sha) != sha512.Size {
			return nil, fmt.Errorf("integrity %q: not a sha512 digest", h)
		}
		return sha, nil
	}
	return nil, fmt.Errorf("integrity %q: no sha512 value", integrity)
}

// newer checks that latest is newer than have (when have is set).
func newer(latest, have string) error {
	if have == "" {
		return nil
	}
	c, err := CompareVersions(latest, have)
	switch {
	case err != nil:
		return err
	case c == 0:
		return ErrUnchanged
	case c < 0:
		return fmt.Errorf("%w: the registry's latest is %s, older than the %s already held", ErrOlder, latest, have)
	}
	return nil
}

// get fetches rawURL, refusing a status other than 200 and a body over
// limit bytes.
func get(ctx context.Context, client *http.Client, rawURL, accept string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %s", rawURL, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit", rawURL, resp.ContentLength, limit)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rawURL, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: over the %d-byte limit", rawURL, limit)
	}
	return b, nil
}

// TarballFile returns the file name npm pack gives a package version:
// ip-location-db-asn-2.3.2026061719.tgz for @ip-location-db/asn.
func TarballFile(pkg, version string) string {
	return filePrefix(pkg) + version + ".tgz"
}

func filePrefix(pkg string) string {
	return strings.ReplaceAll(strings.TrimPrefix(pkg, "@"), "/", "-") + "-"
}

// ImportDir reads the newest tarball of each package from dir, laid out
// as npm pack names them (see [TarballFile]); the version is read from
// the file name and checked against the package's manifest by [Parse].
func ImportDir(dir string) (asn, country *Tarball, err error) {
	if asn, err = newestIn(dir, PackageASN); err != nil {
		return nil, nil, err
	}
	if country, err = newestIn(dir, PackageCountry); err != nil {
		return nil, nil, err
	}
	return asn, country, nil
}

func newestIn(dir, pkg string) (*Tarball, error) {
	prefix := filePrefix(pkg)
	paths, err := filepath.Glob(filepath.Join(dir, prefix+"*.tgz"))
	if err != nil {
		return nil, fmt.Errorf("routing: %s: %w", dir, err)
	}
	best, bestVersion := "", ""
	for _, p := range paths {
		v := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), prefix), ".tgz")
		c := 1
		if best != "" {
			c, err = CompareVersions(v, bestVersion)
		} else {
			_, err = CompareVersions(v, v)
		}
		if err != nil {
			return nil, fmt.Errorf("routing: %s: %w", p, err)
		}
		if c > 0 {
			best, bestVersion = p, v
		}
	}
	if best == "" {
		return nil, fmt.Errorf("routing: %s: no %s*.tgz (package %s)", dir, prefix, pkg)
	}
	return readTarball(best, pkg, bestVersion)
}

func readTarball(path, pkg, version string) (*Tarball, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	if fi.Size() > MaxTarball {
		return nil, fmt.Errorf("routing: %s: %d bytes, over the %d-byte limit", path, fi.Size(), MaxTarball)
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("routing: %s: %w", path, err)
	}
	return NewTarball(pkg, version, path, b), nil
}
