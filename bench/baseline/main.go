// Command baseline is the floor for the lookup benchmark: it reads one
// address per line from the file named as its argument, parses it and
// writes it back as a one-column CSV, doing everything
// "cloudatlas lookup --format csv FILE" does except the attribution.
package main

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	in := bufio.NewScanner(f)
	out := bufio.NewWriterSize(os.Stdout, 256<<10)
	out.WriteString("input\n")
	var buf []byte
	for in.Scan() {
		a, err := netip.ParseAddr(string(in.Bytes()))
		if err != nil {
			fmt.Fprintln(os.Stderr, "baseline:", err)
			continue
		}
		buf = append(a.AppendTo(buf[:0]), '\n')
		out.Write(buf)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
