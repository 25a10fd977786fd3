package ranges

import (
	"fmt"
	"path"
	"strings"
)

// metowolfList says whom a metowolf/iplist data/isp list classifies.
type metowolfList struct {
	Name      string // file name without .txt
	Provider  string
	Partition string
}

// metowolfLists lists the metowolf/iplist lists cloudatlas reads, clouds
// first, then carriers. volcengine is ByteDance's cloud; bytedance its
// own network.
var metowolfLists = []metowolfList{
	{"aliyun", "alibaba", "alibaba-cloud"},
	{"tencent", "tencent", "tencent-cloud"},
	{"huawei", "huawei", "huawei-cloud"},
	{"volcengine", "volcengine", "volcengine"},
	{"bytedance", "bytedance", "bytedance"},
	{"chinamobile", "chinamobile", "chinamobile"},
	{"chinatelecom", "chinatelecom", "chinatelecom"},
	{"chinaunicom", "chinaunicom", "chinaunicom"},
}

// ParseMetowolf parses a metowolf/iplist data/isp/<name>.txt list: one
// prefix per line, as [ParseList] reads it. The provider comes from the
// file name (aliyun.txt is Alibaba Cloud), which must be one of
// metowolfLists; Scope records the list as "metowolf:<name>". The lists
// carry no services and no date.
func ParseMetowolf(name string, data []byte) (Parsed, error) {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, `\`, "/")), ".txt")
	var list *metowolfList
	for i := range metowolfLists {
		if metowolfLists[i].Name == base {
			list = &metowolfLists[i]
		}
	}
	if list == nil {
		return Parsed{}, fmt.Errorf("%s: unknown metowolf list %q: want aliyun, tencent, huawei, volcengine, bytedance, chinamobile, chinatelecom or chinaunicom", name, base)
	}
	p, err := ParseList(name, data)
	if err != nil {
		return Parsed{}, err
	}
	for i := range p.Records {
		r := &p.Records[i]
		r.Provider, r.Partition, r.Scope = list.Provider, list.Partition, "metowolf:"+list.Name
	}
	return p, nil
}

// metowolfFiles lists one file per list of metowolfLists, each at its
// path in the shared layout and its published URL.
func metowolfFiles() []File {
	files := make([]File, len(metowolfLists))
	for i, l := range metowolfLists {
		files[i] = File{
			Glob: "china-isp/metowolf/" + l.Name + ".txt",
			URL:  "https://metowolf.github.io/iplist/data/isp/" + l.Name + ".txt",
		}
	}
	return files
}
