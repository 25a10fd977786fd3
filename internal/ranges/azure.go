package ranges

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// azureFile is the layout of the Azure Service Tags files
// (ServiceTags_Public_YYYYMMDD.json and its China and US Government
// siblings).
type azureFile struct {
	ChangeNumber *int64     `json:"changeNumber"`
	Cloud        string     `json:"cloud"`
	Values       []azureTag `json:"values"`
}

type azureTag struct {
	Name       string `json:"name"`
	Properties struct {
		Region          string   `json:"region"`
		SystemService   string   `json:"systemService"`
		AddressPrefixes []string `json:"addressPrefixes"`
	} `json:"properties"`
}

// azurePartitions maps the "cloud" field of a Service Tags file to the
// partition of its records.
var azurePartitions = map[string]string{
	"Public":          "azure",
	"China":           "azure-china",
	"AzureGovernment": "azure-us-gov",
}

// azureFileName matches the dated name of a Service Tags file.
var azureFileName = regexp.MustCompile(`ServiceTags_[A-Za-z]+_(\d{8})\.json$`)

// ParseAzure parses an Azure Service Tags file. Every prefix of every tag
// becomes a record whose Region is the tag's region (empty for global
// tags such as "Storage") and whose service is the tag's systemService, or
// the tag name before its first '.' when systemService is empty
// ("AzureCloud.eastus" gives "AzureCloud"). Scope stays empty so that
// [Merge] folds the tags that list the same prefix into one record. The
// partition follows the file's "cloud" field. The changeNumber is the
// upstream id; the date comes from the file name, the only place Azure
// states it.
func ParseAzure(name string, data []byte) (Parsed, error) {
	var f azureFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	if f.ChangeNumber == nil || f.Values == nil {
		return Parsed{}, fmt.Errorf("%s: missing changeNumber or values: not an Azure Service Tags file", name)
	}
	partition, ok := azurePartitions[f.Cloud]
	if !ok {
		return Parsed{}, fmt.Errorf("%s: cloud %q: want Public, China or AzureGovernment", name, f.Cloud)
	}
	n := 0
	for i := range f.Values {
		n += len(f.Values[i].Properties.AddressPrefixes)
	}
	p := Parsed{UpstreamID: strconv.FormatInt(*f.ChangeNumber, 10), UpstreamDate: azureDate(name)}
	p.Records = make([]Record, 0, n)
	for i := range f.Values {
		var err error
		if p.Records, err = f.Values[i].appendRecords(p.Records, name, i, partition); err != nil {
			return Parsed{}, err
		}
	}
	return p, nil
}

// appendRecords appends to recs one record per address prefix of the
// i-th tag.
func (t *azureTag) appendRecords(recs []Record, name string, i int, partition string) ([]Record, error) {
	if t.Name == "" {
		return nil, fmt.Errorf("%s: values[%d].name: missing, want a service tag name", name, i)
	}
	service := t.Properties.SystemService
	if service == "" {
		service, _, _ = strings.Cut(t.Name, ".")
	}
	for j, s := range t.Properties.AddressPrefixes {
		field := fmt.Sprintf("values[%d].properties.addressPrefixes[%d] (tag %s)", i, j, t.Name)
		pfx, err := parsePrefix(name, field, s)
		if err != nil {
			return nil, err
		}
		recs = append(recs, Record{
			Prefix:    pfx,
			Provider:  "azure",
			Partition: partition,
			Services:  []string{service},
			Region:    t.Properties.Region,
		})
	}
	return recs, nil
}

// azureDate returns the date in a file name like
// ServiceTags_Public_20251028.json, or the zero time.
func azureDate(name string) time.Time {
	m := azureFileName.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}
	}
	t, err := time.Parse("20060102", m[1])
	if err != nil {
		return time.Time{}
	}
	return t
}

// azureLink matches a Service Tags download link in a Microsoft
// download-details page.
var azureLink = regexp.MustCompile(`https://download\.microsoft\.com/download/[A-Za-z0-9/_.-]*?ServiceTags_[A-Za-z]+_\d{8}\.json`)

// ResolveAzure finds the link to the current Service Tags file in the HTML
// of its Microsoft download-details page. When the page links several
// files, the one with the newest date in its name is returned.
func ResolveAzure(page []byte) (string, error) {
	var best string
	var bestDate time.Time
	for _, m := range azureLink.FindAll(page, -1) {
		link := string(m)
		if d := azureDate(link); best == "" || d.After(bestDate) {
			best, bestDate = link, d
		}
	}
	if best == "" {
		return "", fmt.Errorf("download page: no https://download.microsoft.com/.../ServiceTags_*_YYYYMMDD.json link found")
	}
	return best, nil
}
