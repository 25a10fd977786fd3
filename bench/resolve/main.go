// Command resolve measures `cloudatlas resolve` end to end against a
// local fixture DNS server (internal/dns/dnstest) beside a baseline
// measured in the same run: one miekg/dns client asking the same server
// for the A record of each name in turn. Run it through bench/resolve.sh.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
)

func main() {
	n := flag.Int("n", 20000, "names in the synthetic population")
	bin := flag.String("cloudatlas", "", "the cloudatlas binary to measure")
	work := flag.String("work", os.TempDir(), "directory for the name list and the snapshot")
	flag.Parse()
	cfg, names := dnstest.Population(*n)
	srv, err := dnstest.Start(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	list := filepath.Join(*work, "names.txt")
	if err := os.WriteFile(list, []byte(strings.Join(names, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	qps := baseline(srv.Addr, names)
	fmt.Printf("baseline: one miekg/dns client, one A query at a time: %.0f queries/s (%d queries)\n", qps, len(names))
	out := filepath.Join(*work, "snapshot.jsonl")
	os.Remove(out)
	args := []string{"resolve", list, "--ranked", "--out", out, "--resolver", srv.Addr}
	fmt.Printf("$ cloudatlas %s\n", strings.Join(args, " "))
	before := srv.TotalQueries()
	start := time.Now()
	cmd := exec.Command(*bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
	elapsed := time.Since(start)
	lines := countLines(out) - 1 // the header
	queries := srv.TotalQueries() - before
	fmt.Printf("resolve: %d names in %v (whole process): %.0f names/s; %d queries, %.0f queries/s (%.2f of the baseline rate)\n",
		lines, elapsed.Round(time.Millisecond), float64(lines)/elapsed.Seconds(), queries,
		float64(queries)/elapsed.Seconds(), float64(queries)/elapsed.Seconds()/qps)
}

// baseline asks for the A record of every name, one at a time, over one
// client, and returns the queries per second.
func baseline(addr string, names []string) float64 {
	c := &mdns.Client{Net: "udp", Timeout: 2 * time.Second}
	start := time.Now()
	for _, name := range names {
		m := new(mdns.Msg)
		m.SetQuestion(mdns.Fqdn(name), mdns.TypeA)
		if _, _, err := c.Exchange(m, addr); err != nil {
			log.Fatalf("baseline: %s: %v", name, err)
		}
	}
	return float64(len(names)) / time.Since(start).Seconds()
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
	}
	return n
}
