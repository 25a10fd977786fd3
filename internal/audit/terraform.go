package audit

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// parseTerraform reads a Terraform state: the output of "terraform show
// -json" (its values, or a plan's planned_values), or a raw version 4
// state file. Each managed resource gives its region (as a region asset)
// and its public addresses and host names; data sources are skipped and
// counted.
func parseTerraform(name string, data []byte) ([]*Asset, InventoryFile, error) {
	info := InventoryFile{Name: name}
	lines := newLineIndex(data)
	root, err := parseJSONTree(data)
	if err != nil {
		var je *jsonError
		if errors.As(err, &je) {
			return nil, info, Errors{{File: name, Line: lines.line(je.off), Msg: je.msg}}
		}
		return nil, info, Errors{{File: name, Msg: err.Error()}}
	}
	tf := &tfReader{file: name, lines: lines, info: &info}
	switch v := root.get("version"); {
	case root.get("format_version") != nil:
		info.Format = FormatTerraformShow
		vals := root.get("values")
		if vals == nil {
			vals = root.get("planned_values")
		}
		tf.module(vals.get("root_module"), 0)
	case v != nil && v.str == "4":
		info.Format = FormatTerraformV4
		tf.v4(root.get("resources"))
	case v != nil && v.kind == 'n':
		return nil, info, Errors{{File: name, Line: lines.line(v.off), Field: "version",
			Msg: fmt.Sprintf("Terraform state version %s is not read: give a version 4 state, or the output of terraform show -json", v.str)}}
	default:
		return nil, info, Errors{{File: name, Line: 1,
			Msg: "a JSON file that is no Terraform state: want the output of terraform show -json (format_version) or a version 4 state file (version: 4)"}}
	}
	info.Assets = len(tf.assets)
	return tf.assets, info, tf.errs.err()
}

// tfReader collects the assets of a state's resources.
type tfReader struct {
	file   string
	lines  lineIndex
	info   *InventoryFile
	assets []*Asset
	errs   Errors
}

// module reads a module of terraform show -json output and its children.
func (tf *tfReader) module(m *jnode, depth int) {
	if m == nil || depth > maxJSONDepth {
		return
	}
	if rs := m.get("resources"); rs != nil {
		for _, r := range rs.vals {
			addr := r.get("address").text()
			if r.get("mode").text() == "data" {
				tf.skip(fmt.Sprintf("data source %s: not a resource of yours", addr))
				continue
			}
			tf.resource(addr, r.get("type").text(), r.get("provider_name").text(), r.get("values"), r.off)
		}
	}
	if cs := m.get("child_modules"); cs != nil {
		for _, c := range cs.vals {
			tf.module(c, depth+1)
		}
	}
}

// v4 reads the resources of a raw version 4 state.
func (tf *tfReader) v4(rs *jnode) {
	if rs == nil {
		return
	}
	for _, r := range rs.vals {
		typ, rname := r.get("type").text(), r.get("name").text()
		addr := typ + "." + rname
		if r.get("mode").text() == "data" {
			addr = "data." + addr
		}
		if mod := r.get("module").text(); mod != "" {
			addr = mod + "." + addr
		}
		if r.get("mode").text() == "data" {
			tf.skip(fmt.Sprintf("data source %s: not a resource of yours", addr))
			continue
		}
		insts := r.get("instances")
		if insts == nil {
			continue
		}
		for _, in := range insts.vals {
			a := addr
			switch k := in.get("index_key"); {
			case k == nil:
			case k.kind == 'n':
				a += "[" + k.str + "]"
			default:
				a += "[" + strconv.Quote(k.str) + "]"
			}
			tf.resource(a, typ, r.get("provider").text(), in.get("attributes"), in.off)
		}
	}
}

func (tf *tfReader) skip(note string) {
	tf.info.Skipped++
	if len(tf.info.Notes) < maxNotes {
		tf.info.Notes = append(tf.info.Notes, note)
	}
}

// maxNotes bounds the notes one file keeps; Skipped counts them all.
const maxNotes = 50

// resource reads one resource instance's attributes.
func (tf *tfReader) resource(addr, typ, provider string, attrs *jnode, off int64) {
	tf.info.Resources++
	if attrs == nil || attrs.kind != 'o' {
		return
	}
	r := &tfResource{tf: tf, base: Asset{File: tf.file, Line: tf.lines.line(off), Resource: addr,
		Provider: providerOf(provider, typ), Tags: tagsOf(attrs)}}
	r.region(attrs)
	r.walk(attrs, "", 0)
}

// tfResource is one resource instance being read.
type tfResource struct {
	tf   *tfReader
	base Asset
	seen []string // kind + input of the assets taken
}

// add takes an asset of the resource, once per kind and input.
func (r *tfResource) add(a Asset) {
	key := a.Kind + " " + a.Input
	if slices.Contains(r.seen, key) {
		return
	}
	r.seen = append(r.seen, key)
	r.tf.assets = append(r.tf.assets, &a)
}

// region takes the resource's region: for AWS its region, else its
// availability zone's, else its ARN's (an ARN without one is global);
// for Azure its location; for Google its region, else its zone's, else
// its location (EU, US, ASIA and dual regions are multi-region); for
// other providers its region.
func (r *tfResource) region(attrs *jnode) {
	a := r.base
	a.Kind = KindRegion
	set := func(attr string, v *jnode, code, scope string) {
		a.Attribute, a.Line = attr, r.tf.lines.line(v.off)
		a.Region, a.Scope = code, scope
		a.Input = a.Provider + ":" + code
		if scope != "" {
			a.Input = a.Provider + ":" + scope
		}
		r.add(a)
	}
	switch a.Provider {
	case "aws":
		multi := attrs.get("multi_region").isTrue() || attrs.get("is_multi_region_trail").isTrue()
		switch {
		case attrs.get("region").text() != "":
			v := attrs.get("region")
			set("region", v, ifScope(multi, "", strings.ToLower(v.str)), ifScope(multi, ScopeMultiRegion, ""))
		case attrs.get("availability_zone").text() != "":
			v := attrs.get("availability_zone")
			if code := awsRegionRE.FindString(strings.ToLower(v.str)); code != "" {
				set("availability_zone", v, code, "")
			}
		case strings.HasPrefix(attrs.get("arn").text(), "arn:"):
			v := attrs.get("arn")
			if parts := strings.SplitN(v.str, ":", 6); len(parts) == 6 {
				code := strings.ToLower(parts[3])
				switch {
				case multi:
					set("arn", v, "", ScopeMultiRegion)
				case code == "":
					set("arn", v, "", ScopeGlobal)
				default:
					set("arn", v, code, "")
				}
			}
		}
	case "azure":
		if v := attrs.get("location"); v.text() != "" {
			code := strings.ToLower(strings.ReplaceAll(v.str, " ", ""))
			set("location", v, ifScope(code == "global", "", code), ifScope(code == "global", ScopeGlobal, ""))
		}
	case "google":
		switch {
		case attrs.get("region").text() != "":
			v := attrs.get("region")
			r.googleLocation("region", v, set)
		case attrs.get("zone").text() != "":
			v := attrs.get("zone")
			if m := gcpZoneRE.FindStringSubmatch(strings.ToLower(v.str)); m != nil {
				set("zone", v, m[1], "")
			}
		case attrs.get("location").text() != "":
			r.googleLocation("location", attrs.get("location"), set)
		}
	default:
		if v := attrs.get("region"); v.text() != "" {
			set("region", v, strings.ToLower(v.str), "")
		}
	}
}

// googleLocation sets a Google region or location: a region code, a
// zone, global, or a multi- or dual-region.
func (r *tfResource) googleLocation(attr string, v *jnode, set func(string, *jnode, string, string)) {
	code := strings.ToLower(v.str)
	switch {
	case code == "global":
		set(attr, v, "", ScopeGlobal)
	case gcpRegionRE.MatchString(code):
		set(attr, v, code, "")
	case gcpZoneRE.MatchString(code):
		set(attr, v, gcpZoneRE.FindStringSubmatch(code)[1], "")
	default: // EU, US, ASIA; dual regions such as EUR4, NAM4
		set(attr, v, "", ScopeMultiRegion)
	}
}

func ifScope[T any](c bool, yes, no T) T {
	if c {
		return yes
	}
	return no
}

var (
	awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+`)
	gcpRegionRE = regexp.MustCompile(`^[a-z]+-[a-z]+\d+$`)
	gcpZoneRE   = regexp.MustCompile(`^([a-z]+-[a-z]+\d+)-[a-z]$`)
)

// addressKeys are the attributes that hold a resource's public
// addresses; hostKeys those that hold its public host names. They are
// looked for at any depth (GCP's network_interface.access_config.nat_ip).
var (
	addressKeys = []string{"public_ip", "public_ip_address", "public_ipv6", "nat_ip", "ip_address", "address",
		"ipv6_address", "ipv6_addresses", "ip_addresses", "carrier_ip"}
	hostKeys = []string{"public_dns", "dns_name", "fqdn", "domain_name", "default_hostname", "bucket_regional_domain_name", "bucket_domain_name"}
)

// maxAttrDepth bounds how deep attributes are searched.
const maxAttrDepth = 8

// walk looks for address and host attributes under v.
func (r *tfResource) walk(v *jnode, path string, depth int) {
	if depth > maxAttrDepth {
		return
	}
	switch v.kind {
	case 'o':
		for i, k := range v.keys {
			if depth == 0 && (k == "tags" || k == "tags_all" || k == "labels") {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			switch {
			case slices.Contains(addressKeys, k):
				r.values(v.vals[i], p, r.address)
			case slices.Contains(hostKeys, k):
				r.values(v.vals[i], p, r.host)
			default:
				r.walk(v.vals[i], p, depth+1)
			}
		}
	case 'a':
		for i, c := range v.vals {
			r.walk(c, path+"["+strconv.Itoa(i)+"]", depth+1)
		}
	}
}

// values calls take on a string attribute, or on each string of a list.
func (r *tfResource) values(v *jnode, path string, take func(*jnode, string)) {
	switch v.kind {
	case 's':
		if v.str != "" {
			take(v, path)
		}
	case 'a':
		for i, c := range v.vals {
			if c.kind == 's' && c.str != "" {
				take(c, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
}

// address takes a public address; others (private, shared, link-local)
// are skipped with a note, and a value that is no address is ignored
// (an attribute named address can hold a postal or mail address).
func (r *tfResource) address(v *jnode, path string) {
	ip, err := netip.ParseAddr(v.str)
	if err != nil {
		if p, perr := netip.ParsePrefix(v.str); perr == nil {
			ip = p.Addr()
		} else {
			return
		}
	}
	if !public(ip) {
		r.tf.skip(fmt.Sprintf("%s:%d: %s %s=%s: not a public address", r.tf.file, r.tf.lines.line(v.off), r.base.Resource, path, v.str))
		return
	}
	a := r.base
	a.Kind, a.Attribute, a.Line = KindAddress, path, r.tf.lines.line(v.off)
	ip = ip.Unmap()
	a.Input = ip.String()
	a.Query = answer.Query{Input: a.Input, Addr: ip}
	r.add(a)
}

// host takes a host name; a value that is no host name (a wildcard
// certificate domain) is skipped with a note.
func (r *tfResource) host(v *jnode, path string) {
	q, err := answer.ParseInput(v.str)
	if err != nil || !q.IsName() {
		r.tf.skip(fmt.Sprintf("%s:%d: %s %s=%s: not a host name", r.tf.file, r.tf.lines.line(v.off), r.base.Resource, path, clip(v.str)))
		return
	}
	a := r.base
	a.Kind, a.Attribute, a.Line, a.Input, a.Query = KindHost, path, r.tf.lines.line(v.off), q.Name, q
	r.add(a)
}

// sharedSpace is 100.64.0.0/10 (RFC 6598), which no cloud announces.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// public reports whether ip is a global unicast address outside the
// private and shared ranges.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !sharedSpace.Contains(ip)
}

// providerOf returns the provider key of a resource: from its provider
// (registry.terraform.io/hashicorp/aws, provider["…/azurerm"]), else
// from its type's prefix (aws_instance).
func providerOf(provider, typ string) string {
	p := provider
	if i, j := strings.IndexByte(p, '"'), strings.LastIndexByte(p, '"'); i >= 0 && j > i {
		p = p[i+1 : j]
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	p = strings.TrimPrefix(p, "provider.")
	if i := strings.IndexByte(p, '.'); i >= 0 { // an alias: aws.eu
		p = p[:i]
	}
	if p == "" {
		p, _, _ = strings.Cut(typ, "_")
	}
	return providerKey(p)
}

// tagsOf returns a resource's tags (AWS, Azure; tags_all includes the
// provider's default tags) or labels (Google).
func tagsOf(attrs *jnode) map[string]string {
	var out map[string]string
	for _, k := range []string{"tags_all", "tags", "labels"} {
		t := attrs.get(k)
		if t == nil || t.kind != 'o' {
			continue
		}
		for i, key := range t.keys {
			if t.vals[i].kind != 's' {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			if _, ok := out[key]; !ok {
				out[key] = t.vals[i].str
			}
		}
	}
	return out
}
