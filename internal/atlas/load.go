package atlas

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Atlas is the loaded, indexed atlas. It is immutable after [Load] and
// safe for concurrent reads.
type Atlas struct {
	Entities   []*Entity
	Statements []*Statement
	Series     []*Series
	Readings   []*Reading
	Gaps       []*Gap

	byID        map[string]*Entity
	bySubject   map[string][]*Statement
	byObject    map[string][]*Statement
	byClaim     map[string][]*Statement
	byStatement map[string]*Statement
	regions     map[regionKey]*Entity
	laws        map[string][]*Entity // law entities by jurisdiction
	names       *nameIndex
	// loadProblems are the schema problems found while decoding; [Check]
	// reports them with the others.
	loadProblems Problems
}

// regionKey identifies a region as the feeds do.
type regionKey struct{ provider, code string }

// Load reads every *.yaml file under the root of fsys and indexes it.
// Schema problems (unknown fields, bad dates, YAML syntax) do not stop
// loading: [Check] reports them with file, line and field. Load returns
// an error only when fsys cannot be read.
func Load(fsys fs.FS) (*Atlas, error) {
	var names []string
	var files [][]byte
	err := fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() || path.Ext(p) != ".yaml" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		names, files = append(names, p), append(files, data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("atlas: load: %w", err)
	}
	a := decodeAll(names, files)
	a.index()
	return a, nil
}

// decodeAll parses the files concurrently, one goroutine per CPU, and
// concatenates the records in file order.
func decodeAll(names []string, files [][]byte) *Atlas {
	parts := make([]Atlas, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				probs := &problems{}
				decodeFile(names[i], files[i], &parts[i], probs)
				parts[i].loadProblems = probs.list
			}
		})
	}
	// Largest first, so that no big file is left for last.
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(len(files[y]), len(files[x])) })
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	a := &Atlas{}
	for _, p := range parts {
		a.Entities = append(a.Entities, p.Entities...)
		a.Statements = append(a.Statements, p.Statements...)
		a.Series = append(a.Series, p.Series...)
		a.Readings = append(a.Readings, p.Readings...)
		a.Gaps = append(a.Gaps, p.Gaps...)
		a.loadProblems = append(a.loadProblems, p.loadProblems...)
	}
	return a
}

// decodeFile parses one YAML file into a, recording problems.
func decodeFile(name string, data []byte, a *Atlas, probs *problems) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := yamlLinePrefixRE.ReplaceAllString(err.Error(), "")
		probs.add(Pos{File: name, Line: yamlErrorLine(err)}, 0, "", "YAML syntax: %s", msg)
		return
	}
	d := &decoder{file: name, probs: probs}
	d.decodeFile(&root, a)
}

var (
	yamlLineRE       = regexp.MustCompile(`line (\d+)`)
	yamlLinePrefixRE = regexp.MustCompile(`^yaml: (line \d+: )?`)
)

// yamlErrorLine extracts the line number of a YAML syntax error, or 1.
func yamlErrorLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 1
}

// statementID derives a stable id from what a statement says, so that
// reordering files does not change it.
func statementID(s *Statement) string {
	h := sha1.New()
	share := ""
	if s.Share != nil {
		share = strconv.FormatFloat(*s.Share, 'g', -1, 64)
	}
	for _, f := range []string{s.Subject, s.Predicate, s.Object, s.Bounds.From.String(),
		s.Bounds.To.String(), s.Role, s.Claim, share, s.Amount} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return "st-" + hex.EncodeToString(h.Sum(nil))[:10]
}

// index builds the lookup maps. The first entity with an id wins;
// [Check] reports duplicates.
func (a *Atlas) index() {
	a.byID = make(map[string]*Entity, len(a.Entities))
	a.regions = make(map[regionKey]*Entity)
	a.laws = make(map[string][]*Entity)
	for _, e := range a.Entities {
		if e.Kind == KindLaw {
			a.laws[e.Jurisdiction] = append(a.laws[e.Jurisdiction], e)
		}
		if _, dup := a.byID[e.ID]; !dup {
			a.byID[e.ID] = e
		}
		if e.Kind == KindRegion {
			k := regionKey{e.Provider, e.Code}
			if _, dup := a.regions[k]; !dup {
				a.regions[k] = e
			}
		}
	}
	a.bySubject = make(map[string][]*Statement)
	a.byObject = make(map[string][]*Statement)
	a.byClaim = make(map[string][]*Statement)
	a.byStatement = make(map[string]*Statement, len(a.Statements))
	for _, s := range a.Statements {
		a.bySubject[s.Subject] = append(a.bySubject[s.Subject], s)
		a.byObject[s.Object] = append(a.byObject[s.Object], s)
		if s.Claim != "" {
			a.byClaim[s.Claim] = append(a.byClaim[s.Claim], s)
		}
		if _, dup := a.byStatement[s.ID]; !dup {
			a.byStatement[s.ID] = s
		}
	}
	a.names = newNameIndex(a.Entities)
}

// Entity returns the entity with id, or nil.
func (a *Atlas) Entity(id string) *Entity { return a.byID[id] }

// Statement returns the statement with id, or nil.
func (a *Atlas) Statement(id string) *Statement { return a.byStatement[id] }

// Region returns the region entity a feed names by provider key and
// region code, or nil.
func (a *Atlas) Region(provider, code string) *Entity {
	return a.regions[regionKey{provider, code}]
}

// About returns every statement whose subject or object is id, in file
// order, subject statements first.
func (a *Atlas) About(id string) []*Statement {
	out := append([]*Statement(nil), a.bySubject[id]...)
	for _, s := range a.byObject[id] {
		if s.Subject != id {
			out = append(out, s)
		}
	}
	return out
}

// Counts returns how many entities, statements, series points and
// readings the atlas holds.
func (a *Atlas) Counts() (entities, statements, points, readings int) {
	for _, s := range a.Series {
		points += len(s.Points)
	}
	return len(a.Entities), len(a.Statements), points, len(a.Readings)
}

// DisplayName returns the entity's name, or id if it has none or is
// unknown.
func (a *Atlas) DisplayName(id string) string {
	if e := a.byID[id]; e != nil && e.Name != "" {
		return e.Name
	}
	return id
}

// slug returns the part of an id after its kind prefix.
func slug(id string) string {
	_, rest, _ := strings.Cut(id, "/")
	return rest
}
