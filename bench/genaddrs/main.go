// Command genaddrs writes N random IPv4 addresses, one per line, for the
// lookup benchmarks. Half are drawn from common cloud blocks so that the
// benchmark exercises hits as well as misses; the rest are uniform.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
)

// blocks are public /8s where cloud providers hold much space.
var blocks = []byte{3, 13, 15, 18, 20, 34, 35, 40, 44, 47, 52, 54, 104, 129, 130, 150}

func main() {
	n := flag.Int("n", 1_000_000, "number of addresses")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	rng := rand.New(rand.NewPCG(*seed, *seed))
	w := bufio.NewWriter(os.Stdout)
	for range *n {
		var b [4]byte
		v := rng.Uint32()
		b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
		if rng.IntN(2) == 0 {
			b[0] = blocks[rng.IntN(len(blocks))]
		}
		fmt.Fprintln(w, netip.AddrFrom4(b))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genaddrs:", err)
		os.Exit(1)
	}
}
