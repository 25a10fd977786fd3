package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/audit"
	"github.com/cloudatlas/cloudatlas/internal/dataset"
)

// auditFormats are the report formats of "audit".
var auditFormats = []string{"text", "json", "sarif", "junit"}

func runAudit(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("audit", "--policy POLICY.yaml [flags] INVENTORY...")
	policyFile := fs.String("policy", "", "the policy `file` to check the inventories against (YAML; see docs/audit.md)")
	format := formatFlag(fs, "text", auditFormats...)
	failOn := fs.String("fail-on", "high", "exit 1 on a violation of this `severity` or above: critical, high, medium, low or info")
	explain := fs.String("explain", "", "say what `RULE` of the policy checks, and exit")
	passes := fs.Bool("passes", false, "list the passing findings too (they are always counted)")
	output := fs.String("output", "", "write the report to `file` instead of standard output")
	asOf := e.asOfFlag(fs, "the inventory ")
	atlasDir := atlasDirFlag(fs)
	names := namesFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *policyFile == "" {
		return fmt.Errorf("%w: give the policy with --policy FILE (see docs/audit.md)", errUsage)
	}
	f, err := format()
	if err != nil {
		return err
	}
	sev, err := audit.ParseSeverity(*failOn)
	if err != nil {
		return fmt.Errorf("%w: --fail-on: %v", errUsage, err)
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	a, err := e.loadAtlas(*atlasDir)
	if err != nil {
		return auditFailure(err)
	}
	p, err := readPolicy(*policyFile)
	if err == nil {
		err = p.Check(a)
	}
	if err != nil {
		return auditFailure(err)
	}
	if *explain != "" {
		r := p.Rule(*explain)
		if r == nil {
			ids := make([]string, len(p.Rules))
			for i, r := range p.Rules {
				ids[i] = r.ID
			}
			return fmt.Errorf("%w: --explain: %q is no rule of %s (its rules: %s)", errUsage, *explain, p.File, strings.Join(ids, ", "))
		}
		_, err := io.WriteString(e.Stdout, audit.Explain(p, r, a))
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: give at least one inventory: a text list (addresses, CIDRs, host names, provider:region) or a Terraform state", errUsage)
	}
	assets, files, err := e.readInventories(fs.Args())
	if err != nil {
		return auditFailure(err)
	}
	env := audit.Env{Join: answer.New(a), Day: day, IncludePasses: *passes}
	restore, err := e.auditRanges(ctx, &env, assets, *dirFlag, names)
	defer restore()
	if err != nil {
		return auditFailure(err)
	}
	rep := audit.Evaluate(ctx, env, p, assets, files)
	if err := ctx.Err(); err != nil {
		return auditFailure(err)
	}
	if s, ok := answer.Unwrap(env.Ranges).(*dataset.Scan); ok && s.Err() != nil {
		return auditFailure(s.Err())
	}
	if err := e.writeAudit(rep, f, sev, *output); err != nil {
		return auditFailure(err)
	}
	out := rep.Outcome(sev)
	if out.Code == audit.ExitClean {
		return nil
	}
	return &exitError{code: out.Code, msg: out.Result + ": " + out.Reason}
}

// auditFailure is an error that stopped the audit: it exits 2, never 1
// (which means a violation) or 3.
func auditFailure(err error) error {
	var ee *exitError
	if errors.As(err, &ee) || errors.Is(err, errUsage) {
		return err
	}
	return &exitError{code: audit.ExitError, msg: err.Error()}
}

// readPolicy reads and parses a policy file.
func readPolicy(name string) (*audit.Policy, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--policy: %w", err)
	}
	return audit.ParsePolicy(name, data)
}

// readInventories reads every inventory named ("-" is standard input).
func (e *Env) readInventories(names []string) ([]*audit.Asset, []audit.InventoryFile, error) {
	var assets []*audit.Asset
	var files []audit.InventoryFile
	for _, name := range names {
		in, label, err := openInput(e, name)
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(in)
		in.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", label, err)
		}
		as, info, err := audit.ParseInventory(label, data)
		if err != nil {
			return nil, nil, err
		}
		assets, files = append(assets, as...), append(files, info)
	}
	return assets, files, nil
}

// auditRanges gives env the range data and the host name resolution the
// assets need: none for regions only; the index scanned for a few
// addresses; else the lookup table (with the collector tuned as for
// lookup). restore undoes that tuning.
func (e *Env) auditRanges(ctx context.Context, env *audit.Env, assets []*audit.Asset, dirFlag string, names func() (*answer.Names, error)) (func(), error) {
	restore := func() {}
	var queries []answer.Query // the first few
	addrs, hosts := 0, 0
	for _, a := range assets {
		switch a.Kind {
		case audit.KindAddress, audit.KindCIDR:
			if addrs++; addrs <= scanLimit+1 {
				queries = append(queries, a.Query)
			}
		case audit.KindHost:
			hosts++
		}
	}
	if addrs == 0 && hosts == 0 {
		return restore, nil
	}
	if hosts > 0 {
		n, err := names()
		if err != nil {
			return restore, err
		}
		env.Names = n
	}
	d, err := e.openRanges(ctx, dirFlag, env.Day)
	if err != nil {
		return restore, err
	}
	if addrs+hosts <= scanLimit && !slices.ContainsFunc(queries, answer.Query.IsPrefix) {
		env.Ranges, err = d.ranges(queries)
		return restore, err
	}
	tbl, restore, err := d.lookupTable()
	if err != nil {
		return restore, err
	}
	if os.Getenv("GOGC") == "" {
		// Evaluating keeps its findings: collecting as often as a stream
		// of lookups does would only rescan them.
		debug.SetGCPercent(200)
	}
	env.Ranges = answer.WithRoutes(tbl, d.routes)
	return restore, nil
}

// writeAudit writes the report in format to stdout or the output file.
func (e *Env) writeAudit(rep *audit.Report, format string, failOn audit.Severity, output string) error {
	opt := audit.WriteOptions{FailOn: failOn, Tool: buildVersion().Version}
	if wd, err := os.Getwd(); err == nil {
		opt.Root = wd
	}
	w := e.Stdout
	var file *os.File
	if output != "" {
		var err error
		if file, err = os.Create(output); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		w = file
	}
	var err error
	switch format {
	case "json":
		err = audit.WriteJSON(w, rep, opt)
	case "sarif":
		err = audit.WriteSARIF(w, rep, opt)
	case "junit":
		err = audit.WriteJUnit(w, rep, opt)
	default:
		err = audit.WriteText(w, rep, opt)
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
