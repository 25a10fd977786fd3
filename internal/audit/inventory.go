package audit

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// Scopes of a region asset that names no single region.
const (
	ScopeGlobal      = "global"       // served from anywhere the provider is (aws:global, an ARN without a region)
	ScopeMultiRegion = "multi-region" // several regions at once (a GCP multi-region, an AWS multi-region key)
)

// Asset is one thing of an inventory to check: an address, a CIDR, a
// host name or a cloud region, with where it was written.
type Asset struct {
	Input string // as written: 3.0.5.1, 10.0.0.0/8, www.example.com, aws:eu-central-1
	Kind  string // address, cidr, host or region
	File  string // the inventory file as named
	Line  int    // 1-based line in it
	// Resource and Attribute are set for assets from a Terraform state:
	// the resource address (module.net.aws_eip.nat[0]) and the attribute
	// that gave the asset (public_ip, region, availability_zone...).
	Resource  string
	Attribute string
	// Provider is the provider key the inventory gives (a region's
	// prefix, a Terraform resource's provider); "" for a listed address.
	Provider string
	// Region is a region asset's code; Scope marks one that names no
	// single region (global, multi-region).
	Region string
	Scope  string
	// Tags are the Terraform resource's tags (AWS, Azure) or labels
	// (Google).
	Tags map[string]string
	// Query is the parsed address, CIDR or host name.
	Query answer.Query
}

// Name returns how reports name the asset: the Terraform address and
// attribute with the input, or the input.
func (a *Asset) Name() string {
	if a.Resource == "" {
		return a.Input
	}
	return a.Resource + " " + a.Attribute + "=" + a.Input
}

// InventoryFile describes one inventory file as read.
type InventoryFile struct {
	Name      string `json:"file"`
	Format    string `json:"format"` // list, terraform-show-json, terraform-state-v4
	Assets    int    `json:"assets"`
	Resources int    `json:"resources,omitempty"`
	// Skipped counts values left out on purpose (private addresses,
	// data sources); Notes say which.
	Skipped int      `json:"skipped,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Inventory formats.
const (
	FormatList          = "list"
	FormatTerraformShow = "terraform-show-json"
	FormatTerraformV4   = "terraform-state-v4"
)

// ParseInventory reads one inventory file: Terraform state (terraform
// show -json output, or a raw version 4 state file) when it is a JSON
// object, else a text list. Bad lines or values are errors with file and
// line ([Errors]); nothing is skipped silently.
func ParseInventory(name string, data []byte) ([]*Asset, InventoryFile, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if bytes.HasPrefix(trimmed, []byte("\xef\xbb\xbf")) {
		trimmed = trimmed[3:]
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return parseTerraform(name, data)
	}
	assets, err := parseList(name, data)
	return assets, InventoryFile{Name: name, Format: FormatList, Assets: len(assets)}, err
}

// parseList reads a text list: one address, CIDR, host name or
// provider:region per line; blank lines and # comments (whole lines, or
// after whitespace at the end of a line) are skipped.
func parseList(name string, data []byte) ([]*Asset, error) {
	var out []*Asset
	var errs Errors
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		if k := commentStart(line); k >= 0 {
			line = line[:k]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		a, err := parseItem(line)
		if err != nil {
			errs = append(errs, &Error{File: name, Line: i + 1, Msg: fmt.Sprintf("%q: %v", clip(line), err)})
			continue
		}
		a.File, a.Line = name, i+1
		out = append(out, a)
	}
	return out, errs.err()
}

// commentStart returns where a # comment starts in line: at its start
// or after a blank; -1 when it has none.
func commentStart(line string) int {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// parseItem parses one inventory item: what [answer.ParseInput] takes
// (an address, a CIDR, a host name), else provider:region.
func parseItem(s string) (*Asset, error) {
	q, err := answer.ParseInput(s)
	if err == nil {
		a := &Asset{Input: q.Input, Query: q, Kind: KindAddress}
		switch {
		case q.IsName():
			a.Kind, a.Input = KindHost, q.Name
		case q.IsPrefix():
			a.Kind = KindCIDR
		}
		return a, nil
	}
	if regionItemRE.MatchString(s) {
		ref, _ := parseRegionRef(s)
		a := &Asset{Input: ref.String(), Kind: KindRegion, Provider: ref.Provider, Region: ref.Code}
		if ref.Code == ScopeGlobal {
			a.Region, a.Scope = "", ScopeGlobal
		}
		return a, nil
	}
	return nil, fmt.Errorf("not an IP address, CIDR, host name or provider:region (such as aws:eu-central-1): %v", err)
}

var regionItemRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:[A-Za-z][A-Za-z0-9-]*$`)

// clip shortens a value for a message.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:80] + "..."
}
