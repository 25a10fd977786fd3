// Command bartloop is the second baseline of the lookup benchmark: the
// least a tool must do to attribute addresses. On one thread it builds a
// bart.Table from every range of a data directory's index, then reads
// one address per line from the file named as its argument, looks each
// up and prints "address,provider/region" (empty when nothing matches).
// cloudatlas lookup does more per line (every match, a wider row) but
// spreads the work over every core.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"

	"github.com/gaissmai/bart"

	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

func main() {
	dir := flag.String("data-dir", "", "data `directory` with the loaded feeds")
	flag.Parse()
	if err := run(*dir, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "bartloop:", err)
		os.Exit(1)
	}
}

func run(dir, input string) error {
	ix, err := dataset.OpenIndex(context.Background(), store.In(dir))
	if err != nil {
		return err
	}
	sets, err := ix.Sets()
	if err != nil {
		return err
	}
	var tbl bart.Table[string]
	for _, s := range sets {
		for i := range s.Records {
			r := &s.Records[i]
			if _, ok := tbl.Get(r.Prefix); !ok {
				tbl.Insert(r.Prefix, r.Provider+"/"+r.Region)
			}
		}
	}
	f, err := os.Open(input)
	if err != nil {
		return err
	}
	defer f.Close()
	in := bufio.NewScanner(f)
	out := bufio.NewWriterSize(os.Stdout, 256<<10)
	var buf []byte
	for in.Scan() {
		a, err := netip.ParseAddr(string(in.Bytes()))
		if err != nil {
			return err
		}
		v, _ := tbl.Lookup(a)
		buf = append(append(a.AppendTo(buf[:0]), ','), v...)
		out.Write(append(buf, '\n'))
	}
	if err := in.Err(); err != nil {
		return err
	}
	return out.Flush()
}
