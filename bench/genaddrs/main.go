// Command genaddrs writes N random IPv4 addresses, one per line, for the
// lookup benchmarks. By default half are drawn from common cloud blocks
// and the rest are uniform (mostly misses). With -data-dir, every
// address is drawn from inside a range of an official feed (hits, as
// real logs mostly are): a range picked uniformly, then a host in it.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"

	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// blocks are public /8s where cloud providers hold much space.
var blocks = []byte{3, 13, 15, 18, 20, 34, 35, 40, 44, 47, 52, 54, 104, 129, 130, 150}

func main() {
	n := flag.Int("n", 1_000_000, "number of addresses")
	seed := flag.Uint64("seed", 1, "random seed")
	dir := flag.String("data-dir", "", "draw from the official IPv4 ranges of this data `directory`")
	routed := flag.Bool("routed", false, "with -data-dir: draw uniformly from the routed IPv4 address space of its routing tier instead")
	flag.Parse()
	rng := rand.New(rand.NewPCG(*seed, *seed))
	w := bufio.NewWriter(os.Stdout)
	if *dir != "" && *routed {
		if err := fromRoutes(w, rng, *dir, *n); err != nil {
			fmt.Fprintln(os.Stderr, "genaddrs:", err)
			os.Exit(1)
		}
		return
	}
	if *dir != "" {
		if err := fromFeeds(w, rng, *dir, *n); err != nil {
			fmt.Fprintln(os.Stderr, "genaddrs:", err)
			os.Exit(1)
		}
		return
	}
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

// fromFeeds writes n addresses from inside the official IPv4 ranges of
// the data dir.
func fromFeeds(w *bufio.Writer, rng *rand.Rand, dir string, n int) error {
	ix, err := dataset.OpenIndex(context.Background(), store.In(dir))
	if err != nil {
		return err
	}
	sets, err := ix.Sets()
	if err != nil {
		return err
	}
	var pool []netip.Prefix
	for _, s := range sets {
		if s.Source.Tier != ranges.TierOfficial {
			continue
		}
		for _, r := range s.Records {
			if r.Prefix.Addr().Is4() {
				pool = append(pool, r.Prefix)
			}
		}
	}
	if len(pool) == 0 {
		return fmt.Errorf("%s: no official IPv4 range loaded", dir)
	}
	for range n {
		p := pool[rng.IntN(len(pool))]
		base := binary.BigEndian.Uint32(p.Addr().AsSlice())
		host := uint32(0)
		if bits := 32 - p.Bits(); bits > 0 {
			host = rng.Uint32() >> (32 - bits)
		}
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], base|host)
		fmt.Fprintln(w, netip.AddrFrom4(b))
	}
	return w.Flush()
}

// fromRoutes writes n addresses drawn uniformly from the routed IPv4
// address space of the data dir's routing tier (an interval is picked
// with a probability proportional to its size, then an address in it).
func fromRoutes(w *bufio.Writer, rng *rand.Rand, dir string, n int) error {
	rt, _, err := dataset.OpenRoutes(context.Background(), store.In(dir))
	if err != nil {
		return err
	}
	if rt == nil {
		return fmt.Errorf("%s: no routing data loaded", dir)
	}
	var starts []uint32
	var cum []uint64 // cumulative sizes
	total := uint64(0)
	for r := range rt.Table.All() {
		if !r.First.Is4() {
			continue
		}
		a, b := r.First.As4(), r.Last.As4()
		lo, hi := binary.BigEndian.Uint32(a[:]), binary.BigEndian.Uint32(b[:])
		starts = append(starts, lo)
		total += uint64(hi-lo) + 1
		cum = append(cum, total)
	}
	for range n {
		x := rng.Uint64N(total)
		i, _ := slices.BinarySearch(cum, x+1)
		prev := uint64(0)
		if i > 0 {
			prev = cum[i-1]
		}
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], starts[i]+uint32(x-prev))
		fmt.Fprintln(w, netip.AddrFrom4(b))
	}
	return w.Flush()
}
