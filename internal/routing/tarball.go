package routing

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
)

// The npm packages the routing table is built from.
const (
	PackageASN     = "@ip-location-db/asn"
	PackageCountry = "@ip-location-db/geo-whois-asn-country"
)

// MaxTarball bounds the size of a package tarball as downloaded or read.
const MaxTarball = 64 << 20

// Tarball is one npm package tarball, byte for byte as the registry
// serves it, with its provenance.
type Tarball struct {
	Package   string // npm package name, such as PackageASN
	Version   string // package version, such as 2.3.2026061719
	Integrity string // npm integrity of Bytes: "sha512-" and the base64 digest
	SHA256    string // hex SHA-256 of Bytes
	Source    string // where it was read: the tarball URL or file path
	Bytes     []byte
}

// NewTarball wraps b, computing its integrity and SHA-256.
func NewTarball(pkg, version, source string, b []byte) *Tarball {
	s5 := sha512.Sum512(b)
	s2 := sha256.Sum256(b)
	return &Tarball{
		Package:   pkg,
		Version:   version,
		Integrity: "sha512-" + base64.StdEncoding.EncodeToString(s5[:]),
		SHA256:    hex.EncodeToString(s2[:]),
		Source:    source,
		Bytes:     b,
	}
}

// name is how errors name the tarball: its file name.
func (t *Tarball) name() string {
	if t.Source != "" {
		return path.Base(t.Source)
	}
	return t.Package + "@" + t.Version
}

// memberReader reads one wanted member of a tarball, of size bytes.
type memberReader func(r io.Reader, size int64) error

// walk reads the tarball's members, streaming each wanted one to its
// reader. It checks package/package.json against the tarball's package and
// version, and reads the gzip stream to its end so that its checksum is
// verified. A missing or repeated member is an error, as are members or
// an unpacked total above the limits.
func (t *Tarball) walk(lim Limits, want map[string]memberReader) error {
	if len(t.Bytes) > MaxTarball {
		return fmt.Errorf("%d bytes, over the %d-byte limit", len(t.Bytes), MaxTarball)
	}
	gz, err := gzip.NewReader(bytes.NewReader(t.Bytes))
	if err != nil {
		return fmt.Errorf("not a gzip stream: %w", err)
	}
	body := &capReader{r: gz, left: lim.MaxUnpacked}
	tr := tar.NewReader(body)
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("corrupt archive: %w", err)
		}
		read, ok := want[h.Name]
		if h.Name == "package/package.json" {
			read, ok = t.checkPackageJSON, true
		}
		if !ok {
			continue
		}
		if err := t.member(h, tr, read, seen, lim); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return fmt.Errorf("corrupt gzip stream: %w", err)
	}
	for _, name := range append(sortedKeys(want), "package/package.json") {
		if !seen[name] {
			return fmt.Errorf("missing member %s", name)
		}
	}
	return nil
}

func (t *Tarball) member(h *tar.Header, r io.Reader, read memberReader, seen map[string]bool, lim Limits) error {
	switch {
	case seen[h.Name]:
		return fmt.Errorf("%s: member appears twice", h.Name)
	case h.Typeflag != tar.TypeReg:
		return fmt.Errorf("%s: not a regular file", h.Name)
	case h.Size > lim.MaxMember:
		return fmt.Errorf("%s: %d bytes, over the %d-byte limit", h.Name, h.Size, lim.MaxMember)
	}
	seen[h.Name] = true
	if err := read(r, h.Size); err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	return nil
}

// checkPackageJSON checks that the tarball holds the package and version
// it claims to be; a tarball with no version yet takes the manifest's.
func (t *Tarball) checkPackageJSON(r io.Reader, _ int64) error {
	var m struct{ Name, Version string }
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&m); err != nil {
		return fmt.Errorf("not a package manifest: %w", err)
	}
	if m.Name != t.Package {
		return fmt.Errorf("package %q, want %q", m.Name, t.Package)
	}
	if t.Version == "" {
		t.Version = m.Version
	} else if m.Version != t.Version {
		return fmt.Errorf("version %q, but the tarball was taken as version %q", m.Version, t.Version)
	}
	return nil
}

// capReader fails once more than left bytes have been read through it.
type capReader struct {
	r    io.Reader
	left int64
}

var errTooBig = errors.New("unpacks to more than the size limit")

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:max(c.left+1, 0)]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errTooBig
	}
	return n, err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
