package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/access"
	"github.com/cloudatlas/cloudatlas/internal/gate"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// runToken runs "cloudatlas token create|list|revoke": the API tokens
// of organisations (docs/access.md).
func runToken(ctx context.Context, e *Env, args []string) error {
	const want = "want \"cloudatlas token create --org NAME --plan PLAN\", \"cloudatlas token list\" or \"cloudatlas token revoke PREFIX|ID\""
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, want)
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, e, args[1:])
	case "list":
		return runTokenList(ctx, e, args[1:])
	case "revoke":
		return runTokenRevoke(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown token command %q: %s", errUsage, args[0], want)
}

// plansFlag registers --plans and returns a function that loads the
// plans it names (default: the embedded data/plans.yaml).
func plansFlag(fs *flag.FlagSet) func() (*access.Plans, error) {
	path := fs.String("plans", "", "access plans `file` (default: the built-in data/plans.yaml; docs/access.md)")
	return func() (*access.Plans, error) {
		if *path == "" {
			return access.ParsePlans("data/plans.yaml", data.Plans)
		}
		b, err := os.ReadFile(*path)
		if err != nil {
			return nil, fmt.Errorf("%w: --plans: %v", errUsage, err)
		}
		ps, err := access.ParsePlans(*path, b)
		if err != nil {
			return nil, fmt.Errorf("%w: --plans: %v", errUsage, err)
		}
		return ps, nil
	}
}

// checkOrgName checks an organisation's name: 1 to 100 printable
// characters, no surrounding spaces.
func checkOrgName(name string) error {
	if name == "" || len(name) > 100 || strings.TrimSpace(name) != name ||
		strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return fmt.Errorf("%w: --org %q: want a name of 1 to 100 printable characters without surrounding spaces", errUsage, name)
	}
	return nil
}

func runTokenCreate(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("token create", "")
	org := fs.String("org", "", "the organisation's `name` (created with --plan if new)")
	plan := fs.String("plan", "", "the organisation's `plan` (see data/plans.yaml)")
	setPlan := fs.Bool("set-plan", false, "change the plan of an existing organisation to --plan")
	loadPlans := plansFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: token create takes no arguments (use --org and --plan)", errUsage)
	}
	plans, err := loadPlans()
	if err != nil {
		return err
	}
	if err := checkOrgName(*org); err != nil {
		return err
	}
	if *plan == "" {
		return fmt.Errorf("%w: give --plan, one of %s", errUsage, strings.Join(plans.Names(), ", "))
	}
	if _, err := plans.Lookup(*plan); err != nil {
		return fmt.Errorf("%w: --plan: %v", errUsage, err)
	}
	db, _, err := e.openStore(ctx, *dirFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	now := e.Now()
	o, created, err := db.EnsureOrg(ctx, *org, *plan, *setPlan, now)
	if errors.Is(err, store.ErrPlanDiffers) {
		return fmt.Errorf("%w: organisation %s has another plan: give --set-plan to change it to %s (%v)", errUsage, *org, *plan, err)
	}
	if err != nil {
		return err
	}
	tok, err := access.NewToken(rand.Reader)
	if err != nil {
		return err
	}
	id, err := db.AddToken(ctx, o.ID, tok, now)
	if err != nil {
		return err
	}
	what := "organisation " + o.Name
	if created {
		what = "new " + what
	}
	fmt.Fprintln(e.Stdout, tok.Secret())
	fmt.Fprintf(e.Stderr, "cloudatlas: token %d (%s) of %s, plan %s. It is shown only this once: keep it now; the server keeps only its hash.\n",
		id, tok.Prefix(), what, o.Plan)
	return nil
}

// tokenRow is one token as "token list --json" prints it.
type tokenRow struct {
	ID       int64  `json:"id"`
	Prefix   string `json:"prefix"`
	Org      string `json:"org"`
	Plan     string `json:"plan"`
	Created  string `json:"created"`
	LastUsed string `json:"last_used"`
	Revoked  string `json:"revoked"`
	// Today is the requests of the token's organisation today (UTC), as
	// shared by the servers (up to a second late).
	Today int64 `json:"org_requests_today"`
}

func runTokenList(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("token list", "")
	format := formatFlag(fs, "table", "table", "json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, err := format()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: token list takes no arguments", errUsage)
	}
	db, _, err := e.openStore(ctx, *dirFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.Tokens(ctx)
	if err != nil {
		return err
	}
	today, err := db.DayUsage(ctx, e.Now())
	if err != nil {
		return err
	}
	rows := make([]tokenRow, len(list))
	for i, t := range list {
		rows[i] = tokenRow{ID: t.ID, Prefix: t.Prefix, Org: t.Org, Plan: t.Plan, Created: stamp(t.Created),
			LastUsed: stamp(t.LastUsed), Revoked: stamp(t.Revoked), Today: today[t.Org]}
	}
	if f == "json" {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(e.Stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPREFIX\tORG\tPLAN\tCREATED\tLAST USED\tREVOKED\tORG TODAY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.Prefix, r.Org, r.Plan, r.Created,
			cmpOr(r.LastUsed, "-"), cmpOr(r.Revoked, "-"), r.Today)
	}
	return tw.Flush()
}

// stamp formats a time of a listing, "" for none.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func runTokenRevoke(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("token revoke", "PREFIX|ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give one token: its prefix (ca_ and 8 characters, from \"token list\") or its id", errUsage)
	}
	db, _, err := e.openStore(ctx, *dirFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := db.RevokeToken(ctx, fs.Arg(0), e.Now())
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrAmbiguous) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "revoked token %d (%s) of %s, at %s; running servers refuse it within their token TTL (5 s by default)\n",
		t.ID, t.Prefix, t.Org, stamp(t.Revoked))
	return nil
}

// accessFlags are the flags of serve about access control.
type accessFlags struct {
	on        *bool
	anonRPM   *int
	plans     func() (*access.Plans, error)
	tokenTTL  *time.Duration
	quotaSync *time.Duration
}

func addAccessFlags(fs *flag.FlagSet) *accessFlags {
	return &accessFlags{
		on:        fs.Bool("access", true, "check API tokens and quotas on /v1 (docs/access.md); --access=false serves the API to all without limits"),
		anonRPM:   fs.Int("anonymous-rpm", -1, "requests a minute on /v1 without a token, per client address (0: unlimited; default: the plans file's)"),
		plans:     plansFlag(fs),
		tokenTTL:  fs.Duration("token-ttl", 5*time.Second, "how long a token check is reused: the most a revocation takes to apply"),
		quotaSync: fs.Duration("quota-sync", time.Second, "how often quota counts are shared with the other servers through the store"),
	}
}

// startAccess returns the access gate of serve (nil with --access=false)
// and a function that stops it: it shares the last counts and closes
// the store.
func (e *Env) startAccess(ctx context.Context, f *accessFlags, dirFlag string, log *slog.Logger) (*gate.Gate, func(), error) {
	if !*f.on {
		log.Info("API access control is off (--access=false): /v1 is open to all without limits")
		return nil, func() {}, nil
	}
	plans, err := f.plans()
	if err != nil {
		return nil, nil, err
	}
	anon := plans.Anonymous
	switch {
	case *f.anonRPM < -1:
		return nil, nil, fmt.Errorf("%w: --anonymous-rpm %d: want 0 (unlimited) or more", errUsage, *f.anonRPM)
	case *f.anonRPM == 0:
		anon.PerMinute, anon.PerDay = 0, 0
	case *f.anonRPM > 0:
		anon.PerMinute = int64(*f.anonRPM)
	}
	if *f.tokenTTL <= 0 || *f.quotaSync <= 0 {
		return nil, nil, fmt.Errorf("%w: --token-ttl and --quota-sync must be positive", errUsage)
	}
	db, _, err := e.openStore(ctx, dirFlag)
	if err != nil {
		return nil, nil, err
	}
	g, err := gate.New(gate.Config{Store: db, Plans: plans, Anonymous: anon, TokenTTL: *f.tokenTTL,
		Sync: *f.quotaSync, Logger: log, Now: e.Now})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { g.Run(rctx); close(done) }()
	log.Info("API access control: tokens and quotas on /v1", slog.String("plans", strings.Join(plans.Names(), ",")),
		slog.Int64("anonymous_per_minute", anon.PerMinute), slog.Int64("anonymous_per_day", anon.PerDay))
	return g, func() { cancel(); <-done; db.Close() }, nil
}
