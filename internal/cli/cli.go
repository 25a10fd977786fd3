// Package cli implements the cloudatlas command line: one file per
// subcommand, each with its own flag set. [Run] is the whole program;
// cmd/cloudatlas only wires it to the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// Env is what a command may touch of the outside world. Tests build one
// with buffers, a temp dir and a fixture atlas.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Atlas is the curated atlas the commands read (a tree of YAML
	// files, see docs/atlas-data.md); nil means the embedded data/atlas.
	// "check" always validates the embedded data unless --atlas-dir says
	// otherwise.
	Atlas fs.FS

	currentRanges bool   // --current-ranges
	storeFlag     string // --store
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *Env, args []string) error
}

// commandTable lists the subcommands; each lives in its own file.
func commandTable() map[string]command {
	return map[string]command{
		"ip":           {"show every range that contains each address", runIP},
		"lookup":       {"attribute a stream of addresses or CIDRs (JSON Lines, CSV, table)", runLookup},
		"update":       {"download (or --from DIR import) the range feeds into a new snapshot", runUpdate},
		"feeds":        {"list the feeds with their snapshot dates and prefix counts", runFeeds},
		"diff":         {"compare two snapshots of a feed", runDiff},
		"check":        {"validate the atlas (and with --ranges, its region-code coverage)", runCheck},
		"whois":        {"who operates, owns and can reach a region, company, address or CIDR", runWhois},
		"entity":       {"show an entity and every fact about it, with sources", runEntity},
		"history":      {"show the timeline of the statements about an entity", runHistory},
		"search":       {"find entities by name or alias (English or Chinese)", runSearch},
		"resolve":      {"resolve a list of host names into a snapshot (JSON Lines; resumable)", runResolve},
		"serve":        {"serve the web atlas and the JSON API (default localhost:8080)", runServe},
		"version":      {"print the version, the commit and the data snapshots loaded", runVersion},
		"host":         {"who's behind a host name: its CNAME chain, the names' evidence, each address's chain", runHost},
		"share":        {"the measured hosting share of a resolved population (a snapshot of cloudatlas resolve)", runShare},
		"roundup":      {"what changed on a day: ranges, atlas facts and readings (default yesterday)", runRoundup},
		"reading-list": {"the readings of an ISO week and its most important changes", runReadingList},
		"digest":       {"mail the daily roundup or the weekly reading list to the subscribers (digest send)", runDigest},
		"audit":        {"check an inventory (list, Terraform state) against a sovereignty policy; a CI gate", runAudit},
		"export":       {"write every range as a MaxMind DB (--format mmdb) or the atlas as JSON Lines (--format jsonl)", runExport},
		"token":        {"API tokens of organisations: token create --org NAME --plan PLAN, token list, token revoke PREFIX|ID", runToken},
	}
}

// errUsage marks an error caused by how the command was called (exit 2).
var errUsage = errors.New("usage")

// exitError carries an exit code for an outcome that is not a failure to
// run, such as bad input lines that were reported and skipped.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Run runs the command line args (without the program name) and returns
// the process exit code.
func Run(ctx context.Context, args []string, e *Env) int {
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	cmds := commandTable()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.Stdout, cmds)
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = []string{"version"}
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.Stderr, "cloudatlas: unknown command %q\n\n", args[0])
		usage(e.Stderr, cmds)
		return 2
	}
	err := c.run(ctx, e, args[1:])
	code, msg := exitCode(err)
	if msg != "" {
		fmt.Fprintf(e.Stderr, "cloudatlas %s: %s\n", args[0], msg)
	}
	return code
}

// exitCode maps the error a command returned to the process exit status
// and the message for stderr. It is the one place that decides exit
// codes: 0 success (every input matched); 1 some input matched nothing,
// or the command failed (not found, data unavailable, I/O); 2 usage or
// bad input (a bad flag or argument, an ambiguous name, a malformed
// input line).
func exitCode(err error) (int, string) {
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0, ""
	case errors.Is(err, errUsage):
		return 2, err.Error()
	case errors.As(err, &ee):
		return ee.code, ee.msg
	}
	switch answer.KindOf(err) {
	case answer.Invalid, answer.TooLarge:
		return 2, err.Error()
	case answer.Ambiguous:
		return 2, err.Error() + choiceList(answer.ChoicesOf(err))
	}
	return 1, err.Error()
}

// choiceList lists what an ambiguous name could mean, one per line.
func choiceList(cs []answer.Choice) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  %-34s %s", c.ID, c.Name)
		if c.Provider != "" {
			fmt.Fprintf(&b, " (--provider %s)", c.Provider)
		}
	}
	return b.String()
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "cloudatlas: who's behind the clouds?")
	fmt.Fprintln(w, "\nUsage: cloudatlas <command> [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"cloudatlas <command> -h\" for a command's flags.")
	fmt.Fprintln(w, "The data directory is --data-dir, else $CLOUDATLAS_DATA_DIR, else the user data dir.")
	fmt.Fprintln(w, "The store is --store URL, else $CLOUDATLAS_STORE, else the data directory's SQLite database.")
	fmt.Fprintln(w, "\nExit status: 0 success (every input matched); 1 some input matched nothing, or the")
	fmt.Fprintln(w, "command failed; 2 usage or bad input (a bad flag, argument or input line).")
}

// flagSet returns a flag set for a subcommand that writes its usage to
// e.Stderr and registers the flags every command shares.
func (e *Env) flagSet(name, args string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	dir := fs.String("data-dir", "", "data `directory` (default $CLOUDATLAS_DATA_DIR or the user data dir)")
	fs.StringVar(&e.storeFlag, "store", "", "the store `URL`: postgres://... to share one PostgreSQL database between processes, "+
		"sqlite:PATH, or empty for the data directory's SQLite database (default $CLOUDATLAS_STORE; docs/store.md)")
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "Usage: cloudatlas %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs, dir
}

// parseFlags parses args, turning a flag error into a usage error. Flags
// may come before, between or after the positional arguments
// ("whois 52.80.0.1 --as-of 2015-06-01"); after "--" everything is
// positional.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		rest := args
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if n := len(rest) - len(args); n > 0 && rest[n-1] == "--" {
			pos = append(pos, args...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	// Leave the positional arguments in fs.Args.
	return fs.Parse(append([]string{"--"}, pos...))
}

// place returns where the store is (--store, else $CLOUDATLAS_STORE, else
// the SQLite database of the data directory) with the data directory
// named by a --data-dir flag value (see [Env.dataDir]). A store URL of
// another form is a usage error naming where it came from.
func (e *Env) place(dirFlag string) (store.Place, error) {
	dir, err := e.dataDir(dirFlag)
	if err != nil {
		return store.Place{}, err
	}
	url, from := e.storeFlag, "--store"
	if url == "" {
		url, from = e.Getenv("CLOUDATLAS_STORE"), "$CLOUDATLAS_STORE"
	}
	if err := store.CheckURL(url); err != nil {
		return store.Place{}, fmt.Errorf("%w: %s: %v", errUsage, from, err)
	}
	return store.Place{Dir: dir, URL: url}, nil
}

// dataDir resolves the data directory: the flag, else
// $CLOUDATLAS_DATA_DIR, else <user data dir>/cloudatlas.
func (e *Env) dataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := e.Getenv("CLOUDATLAS_DATA_DIR"); d != "" {
		return d, nil
	}
	if d := e.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "cloudatlas"), nil
	}
	home := e.Getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("no data directory: set --data-dir or CLOUDATLAS_DATA_DIR: %w", err)
		}
	}
	return filepath.Join(home, ".local", "share", "cloudatlas"), nil
}
