package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/snapshot"
)

// defaultRate caps the queries a resolve run sends per second unless
// --rate says otherwise: enough for 2,500 names a second, and a bound on
// what a run asks of a shared resolver.
const defaultRate = 5000

// resolveFlags are the flags of the resolve command.
type resolveFlags struct {
	out, resolver     string
	concurrency       int
	rate              float64
	timeout           time.Duration
	retries, maxChain int
	ranked            bool
}

func runResolve(ctx context.Context, e *Env, args []string) error {
	fs, _ := e.flagSet("resolve", "[FILE|-] --out SNAPSHOT.jsonl")
	var f resolveFlags
	fs.StringVar(&f.out, "out", "", "the snapshot `file` to write (JSON Lines; resumed when it exists)")
	fs.StringVar(&f.resolver, "resolver", "", "ask this resolver, `HOST:PORT` (default: the nameservers of /etc/resolv.conf)")
	fs.IntVar(&f.concurrency, "concurrency", dns.DefaultConcurrency, "names resolved at once")
	fs.Float64Var(&f.rate, "rate", defaultRate, "at most this many DNS queries a second (0: no limit)")
	fs.DurationVar(&f.timeout, "timeout", dns.DefaultTimeout, "timeout of one query attempt")
	fs.IntVar(&f.retries, "retries", dns.DefaultRetries, "attempts after a timeout")
	fs.IntVar(&f.maxChain, "max-chain", dns.DefaultMaxChain, "longest CNAME chain followed")
	fs.BoolVar(&f.ranked, "ranked", false, "the input is in rank order: a line without a rank gets its line number as rank")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.out == "" {
		return fmt.Errorf("%w: --out SNAPSHOT.jsonl is required", errUsage)
	}
	if fs.NArg() > 1 || f.concurrency < 1 || f.rate < 0 || f.timeout <= 0 {
		return fmt.Errorf("%w: one input file at most; --concurrency >= 1, --rate >= 0, --timeout > 0", errUsage)
	}
	src := "-"
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}
	ins, bad, err := readPopulation(e, src, f.ranked)
	if err != nil {
		return err
	}
	for _, b := range bad {
		fmt.Fprintf(e.Stderr, "cloudatlas resolve: %v (skipped)\n", b)
	}
	client, err := resolveClient(f)
	if err != nil {
		return err
	}
	if err := resolveInto(ctx, e, client, f, src, ins); err != nil {
		return err
	}
	if len(bad) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %d of %d lines were not host names or repeated one (skipped; see above)", src, len(bad), len(bad)+len(ins))}
	}
	return nil
}

// readPopulation reads the names of src ("-" for standard input).
func readPopulation(e *Env, src string, ranked bool) ([]snapshot.Input, []snapshot.BadLine, error) {
	var r io.Reader = e.Stdin
	if src != "-" {
		file, err := os.Open(src)
		if err != nil {
			return nil, nil, err
		}
		defer file.Close()
		r = file
	}
	return snapshot.ReadNames(r, src, ranked)
}

// resolveClient builds the DNS client the flags ask for.
func resolveClient(f resolveFlags) (*dns.Client, error) {
	var cfg dns.Config
	var err error
	if f.resolver != "" {
		cfg, err = dns.ServerConfig(f.resolver)
	} else {
		cfg, err = dns.SystemConfig(dns.ResolvConf)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg.Timeout, cfg.Retries, cfg.MaxChain, cfg.Rate = f.timeout, f.retries, f.maxChain, f.rate
	if f.retries == 0 {
		cfg.Retries = -1
	}
	return dns.New(cfg)
}

// resolveInto resolves the names not yet in the snapshot and appends
// them, then prints a summary.
func resolveInto(ctx context.Context, e *Env, client *dns.Client, f resolveFlags, src string, ins []snapshot.Input) error {
	out, ex, err := snapshot.Append(f.out, snapshot.Header{
		Population: filepath.Base(src), Started: e.Now().UTC(), Resolvers: client.Servers()})
	if err != nil {
		return err
	}
	todo := ex.Todo(ins)
	opt := snapshot.Options{Concurrency: f.concurrency, Now: e.Now}
	start := time.Now()
	if file, ok := e.Stderr.(*os.File); ok && isatty.IsTerminal(file.Fd()) {
		opt.Progress = progressLine(e.Stderr, start)
		defer fmt.Fprintln(e.Stderr)
	}
	st, runErr := snapshot.Run(ctx, client, todo, out, opt)
	closeErr := out.Close()
	elapsed := time.Since(start)
	fmt.Fprintf(e.Stdout, "%s: %d names written (%s), %d already there, %d left; %s, %.0f names/s\n",
		f.out, st.Written, failureSummary(st), len(ins)-len(todo), len(todo)-st.Written,
		elapsed.Round(time.Millisecond), float64(st.Written)/elapsed.Seconds())
	if errors.Is(runErr, context.Canceled) {
		return &exitError{code: 130, msg: "interrupted; run the same command again to resume"}
	}
	return errors.Join(runErr, closeErr)
}

// failureSummary says how many records failed, by kind.
func failureSummary(st snapshot.Stats) string {
	if st.Failures() == 0 {
		return "no failures"
	}
	var kinds []string
	for k, n := range st.Failed {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d failed: %s", st.Failures(), strings.Join(kinds, ", "))
}

// progressLine returns a progress callback that redraws one terminal
// line at most four times a second.
func progressLine(w io.Writer, start time.Time) func(snapshot.Stats) {
	var last time.Time
	return func(st snapshot.Stats) {
		if time.Since(last) < 250*time.Millisecond && st.Written != st.Total {
			return
		}
		last = time.Now()
		rate := float64(st.Written) / time.Since(start).Seconds()
		fmt.Fprintf(w, "\rresolve: %d/%d names, %d failed, %.0f names/s ", st.Written, st.Total, st.Failures(), rate)
	}
}
