package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"text/tabwriter"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/store"
)

// versionInfo is what "cloudatlas version" reports.
type versionInfo struct {
	Version   string         `json:"version"`
	Commit    string         `json:"commit"`
	Modified  bool           `json:"modified"`
	BuildTime string         `json:"build_time,omitempty"`
	Go        string         `json:"go"`
	Atlas     atlasCounts    `json:"atlas"`
	DataDir   string         `json:"data_dir"`
	Store     string         `json:"store,omitempty"` // a shared (PostgreSQL) store, without its password
	Snapshots []snapshotLine `json:"snapshots"`
}

type atlasCounts struct {
	Entities   int `json:"entities"`
	Statements int `json:"statements"`
}

type snapshotLine struct {
	Feed         string `json:"feed"`
	ID           int64  `json:"id"`
	UpstreamID   string `json:"upstream_id,omitempty"`
	UpstreamDate string `json:"upstream_date,omitempty"`
	Fetched      string `json:"fetched"`
}

func runVersion(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("version", "")
	format := formatFlag(fs, "text", "text", "json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, err := format()
	if err != nil {
		return err
	}
	v := buildVersion()
	if a, err := e.loadAtlas(""); err == nil {
		v.Atlas.Entities, v.Atlas.Statements, _, _ = a.Counts()
	}
	p, err := e.place(*dirFlag)
	if err != nil {
		return err
	}
	v.DataDir = p.Dir
	if p.Shared() {
		v.Store = p.String()
	}
	if v.Snapshots, err = currentSnapshots(ctx, p); err != nil {
		return err
	}
	if f == "json" {
		return writeJSONValue(e.Stdout, v)
	}
	return v.writeText(e)
}

// buildVersion reads the module version and the VCS stamp of the binary.
func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Commit: "unknown", Go: runtime.Version(), Snapshots: []snapshotLine{}}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "vcs.time":
			v.BuildTime = s.Value
		}
	}
	return v
}

// currentSnapshots lists the snapshot in use per feed; none when the
// data dir has no store yet (version must not create one).
func currentSnapshots(ctx context.Context, p store.Place) ([]snapshotLine, error) {
	out := []snapshotLine{}
	if !p.Exists() {
		return out, nil
	}
	db, err := p.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cur {
		s := snapshotLine{Feed: c.Feed, ID: c.ID, UpstreamID: c.UpstreamID, Fetched: c.Fetched.UTC().Format(time.RFC3339)}
		if !c.UpstreamDate.IsZero() {
			s.UpstreamDate = c.UpstreamDate.Format(time.DateOnly)
		}
		out = append(out, s)
	}
	return out, nil
}

func (v versionInfo) writeText(e *Env) error {
	mod := ""
	if v.Modified {
		mod = " (modified)"
	}
	fmt.Fprintf(e.Stdout, "cloudatlas %s, commit %s%s, %s\n", v.Version, v.Commit, mod, v.Go)
	fmt.Fprintf(e.Stdout, "atlas: %d entities, %d statements (embedded)\n", v.Atlas.Entities, v.Atlas.Statements)
	if len(v.Snapshots) == 0 {
		fmt.Fprintf(e.Stdout, "ranges: none loaded in %s (run cloudatlas update)\n", v.DataDir)
		return nil
	}
	if v.Store != "" {
		fmt.Fprintf(e.Stdout, "ranges in %s (index in %s):\n", v.Store, v.DataDir)
	} else {
		fmt.Fprintf(e.Stdout, "ranges in %s:\n", v.DataDir)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	for _, s := range v.Snapshots {
		fmt.Fprintf(tw, "  %s\tsnapshot %d\t%s\t%s\n", s.Feed, s.ID, orDash(s.UpstreamDate), orDash(s.UpstreamID))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
