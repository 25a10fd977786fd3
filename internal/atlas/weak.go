package atlas

import "strings"

// A weak source is one a reader should not have to trust alone: a copy
// of Wikipedia, a blog, a forum, an aggregator or an anonymous mirror.
// Filings (cninfo, SZSE, SSE, HKEX, SEC EDGAR, Companies House), the
// companies' and governments' own pages and named news outlets are not
// weak. The lists below are what `cloudatlas check --report` counts;
// extend them when a new weak host turns up in the data.

// weakHosts are hosts (and their subdomains) whose pages are weak
// sources, with the reason.
var weakHosts = map[string]string{
	// Wikipedia and its copies.
	"wikipedia.org":    "wiki",
	"wikinews.org":     "wiki",
	"wikisource.org":   "wiki",
	"gpedia.com":       "Wikipedia copy",
	"infogalactic.com": "Wikipedia copy",
	"piglix.com":       "Wikipedia copy",
	"hozir.org":        "document mirror",
	"docslib.org":      "document mirror",
	"scribd.com":       "document mirror",
	// Market-data and filing aggregators.
	"stocksummer.com":             "aggregator",
	"insidermonkey.com":           "aggregator",
	"secform4.com":                "aggregator",
	"gmteight.com":                "aggregator",
	"reportify.cc":                "aggregator",
	"marketscreener.com":          "aggregator",
	"finanznachrichten.de":        "aggregator",
	"intrinsicalpha.com":          "blog",
	"seekingalpha.com":            "blog platform",
	"moneycheck.com":              "aggregator",
	"profitportfolio.xyz":         "aggregator",
	"devdiscourse.com":            "aggregator",
	"newsbreak.com":               "aggregator",
	"nhub.news":                   "aggregator",
	"news.nestia.com":             "aggregator",
	"exbulletin.com":              "aggregator",
	"breakinglatest.news":         "aggregator",
	"actualnewsmagazine.com":      "aggregator",
	"internationalsearchnews.xyz": "aggregator",
	"entornointeligente.com":      "aggregator",
	"ocnus.net":                   "aggregator",
	"information.bz":              "aggregator",
	"empor.top":                   "aggregator",
	"ntnone.info":                 "aggregator",
	"niood.com":                   "aggregator",
	"hfnxjk.com":                  "aggregator",
	"firstxw.com":                 "aggregator",
	"f-cn.cn":                     "aggregator",
	"8d4o.com":                    "aggregator",
	"viesofchina.com":             "aggregator",
	"vickdini.com":                "aggregator",
	"hubbry.com":                  "aggregator",
	"kramerand.co":                "aggregator",
	"servola.de":                  "aggregator",
	"ai-analytics.org":            "aggregator",
	"recatools.com":               "aggregator",
	"cloverinfotech.com":          "aggregator",
	"idcnova.com":                 "aggregator",
	"storify.com":                 "aggregator",
	"genius.com":                  "aggregator",
	"beachfmonline.com":           "syndication copy",
	"softwareacquisition.com":     "blog",
	"lamigo.net":                  "aggregator",
	"hhtgroup.com.cn":             "translated copy",
	"codetd.com":                  "blog copy",
	"developpaper.com":            "blog copy",
	"m.07774.cn":                  "local repost",
	"0577zz.com":                  "repost",
	"url.3u.com":                  "app-store news",
	"ecweb.ecer.com":              "aggregator",
	"itclouddemand.com":           "aggregator",
	"b2bdaily.com":                "aggregator",
	"advancedainews.com":          "aggregator",
	"aiainews.com":                "aggregator",
	"cloud7.news":                 "aggregator",
	"techbrunch.co":               "repost",
	"geekinco.com":                "blog",
	// Blogs, forums and personal sites.
	"roopu.cloud":              "blog",
	"awsnegotiations.com":      "blog",
	"mkcybersecurity.com":      "blog",
	"interconnected.blog":      "blog",
	"sharepointsharks.blog":    "blog",
	"blog.gcc.co.uk":           "blog",
	"voip.review":              "blog",
	"sepwatch.io":              "blog",
	"thisdayintechhistory.com": "blog",
	"tutorials.hostucan.com":   "blog",
	"bizety.com":               "blog",
	"arnoldit.com":             "blog",
	"forums.appleinsider.com":  "forum",
	"medium.com":               "blog platform",
	"github.com":               "repository",
	"githubusercontent.com":    "repository",
	"gist.github.com":          "repository",
}

// weakHostSuffixes are host endings of anonymous mirrors: cloud load
// balancers, CDNs and page hosts that serve copies of other sites.
var weakHostSuffixes = []string{
	".elb.amazonaws.com",
	".cloudfront.net",
	".pages.dev",
	".duckproxy.com",
}

// companyPages are pages on otherwise weak hosts that are the company's
// own statements (GitHub's pages about GitHub itself).
var companyPages = []string{"https://github.com/about", "https://github.com/enterprise"}

// weakPublishers are words that, in a source's publisher, mark it as
// weak whatever the host: the data says so itself.
var weakPublishers = []string{"WEAK", "Wikipedia", "mirror", "via Docslib"}

// WeakSource reports whether src is a weak source, and why.
func WeakSource(src Source) (bool, string) {
	for _, w := range weakPublishers {
		if strings.Contains(src.Publisher, w) {
			return true, "publisher " + src.Publisher
		}
	}
	for _, p := range companyPages {
		if strings.HasPrefix(src.URL, p) {
			return false, ""
		}
	}
	host := hostOf(src.URL)
	if host == src.URL {
		return true, "no host"
	}
	if bareIP(host) {
		return true, "bare IP address"
	}
	for _, suf := range weakHostSuffixes {
		if strings.HasSuffix(host, suf) {
			return true, "mirror host"
		}
	}
	for h := host; h != ""; {
		if why, ok := weakHosts[h]; ok {
			return true, why
		}
		_, rest, found := strings.Cut(h, ".")
		if !found {
			break
		}
		h = rest
	}
	return false, ""
}

// WeakOnly reports whether every source of s is weak (true for a
// statement without sources).
func (s *Statement) WeakOnly() bool {
	for _, src := range s.Sources {
		if weak, _ := WeakSource(src); !weak {
			return false
		}
	}
	return true
}

// hostOf returns the lowercased host of an http(s) URL, or the URL
// itself when it has none. (The atlas parses no URLs otherwise, and
// imports no network package.)
func hostOf(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") { // an IPv6 literal
		if i := strings.IndexByte(rest, ']'); i > 0 {
			return strings.ToLower(rest[:i+1])
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" {
		return raw
	}
	return strings.ToLower(rest)
}

// bareIP reports whether host is an IPv4 or bracketed IPv6 literal.
func bareIP(host string) bool {
	if strings.HasPrefix(host, "[") {
		return true
	}
	return strings.Trim(host, "0123456789.") == "" && strings.Count(host, ".") == 3
}
