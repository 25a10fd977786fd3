package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Bulk limits.
const (
	maxBulkBody  = 1 << 20 // bytes of request body
	maxBulkItems = 10000   // addresses per request
)

// bulkResult is the answer for one input of a bulk request.
type bulkResult struct {
	Input     string      `json:"input"`
	Error     string      `json:"error,omitempty"`
	Matches   []matchJSON `json:"matches"`
	Operators []entityRef `json:"operators"` // of the first match's place, as of the date asked
}

// entityRef names an entity.
type entityRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// bulkResponse is the JSON body of POST /v1/bulk.
type bulkResponse struct {
	AsOf    string       `json:"as_of"`
	Count   int          `json:"count"`
	Results []bulkResult `json:"results"`
}

// readBulk reads the inputs of a bulk request body: a JSON array of
// strings when the content type is JSON, else one input per line
// (blank lines and lines starting with # are skipped).
func readBulk(r io.Reader, contentType string) ([]string, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	data, err := io.ReadAll(r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", mbe.Limit)
		}
		return nil, errorf(http.StatusBadRequest, "reading request body: %v", err)
	}
	var inputs []string
	if mt == "application/json" {
		if err := json.Unmarshal(data, &inputs); err != nil {
			return nil, errorf(http.StatusBadRequest, "body must be a JSON array of strings: %v", err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 4096), maxBulkBody)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				inputs = append(inputs, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, errorf(http.StatusBadRequest, "reading the addresses: %v", err)
		}
	}
	if len(inputs) > maxBulkItems {
		return nil, errorf(http.StatusRequestEntityTooLarge, "%d addresses given; at most %d per request", len(inputs), maxBulkItems)
	}
	return inputs, nil
}

// bulk answers every input at day.
func (s *Server) bulk(ctx context.Context, inputs []string, day time.Time) ([]bulkResult, error) {
	st := s.state.Load()
	if !st.ready() {
		return nil, errNoRanges
	}
	out := make([]bulkResult, len(inputs))
	buf := make([]found, 0, 16)
	for i, in := range inputs {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, errorf(http.StatusServiceUnavailable, "bulk request timed out after %d of %d addresses", i, len(inputs))
		}
		res := bulkResult{Input: in, Matches: []matchJSON{}, Operators: []entityRef{}}
		q, ok := parseInput(in)
		if !ok {
			res.Error = "not an IP address or CIDR prefix"
			out[i] = res
			continue
		}
		buf = resolve(st.table, q, buf)
		for j := range buf {
			res.Matches = append(res.Matches, matchToJSON(&buf[j]))
		}
		if ps := places(buf); len(ps) > 0 {
			if ca := s.whois.place(ps[0], day); ca.err == nil {
				for _, op := range ca.answer.Operators {
					res.Operators = append(res.Operators, entityRef{op.Operator, s.atlas.DisplayName(op.Operator)})
				}
			}
		}
		out[i] = res
	}
	return out, nil
}

// handleBulk answers POST /v1/bulk. The format query parameter (json,
// jsonl or csv) picks the output; json is the default.
func (s *Server) handleBulk(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "jsonl" && format != "csv" {
		return errorf(http.StatusBadRequest, "format %q: want json, jsonl or csv", format)
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	inputs, err := readBulk(http.MaxBytesReader(w, r.Body, maxBulkBody), r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	results, err := s.bulk(r.Context(), inputs, day)
	if err != nil {
		return err
	}
	return writeBulk(w, format, day, results)
}

// writeBulk sends results as JSON, JSON Lines or CSV.
func writeBulk(w http.ResponseWriter, format string, day time.Time, results []bulkResult) error {
	switch format {
	case "csv":
		var buf bytes.Buffer
		if err := writeBulkCSV(&buf, results); err != nil {
			return err
		}
		w.Header().Set("Content-Disposition", `attachment; filename="cloudatlas-bulk.csv"`)
		return writeBytes(w, "text/csv; charset=utf-8", buf.Bytes())
	case "jsonl":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for _, res := range results {
			if err := enc.Encode(res); err != nil {
				return fmt.Errorf("web: encode bulk: %w", err)
			}
		}
		w.Header().Set("Content-Disposition", `attachment; filename="cloudatlas-bulk.jsonl"`)
		return writeBytes(w, "application/jsonl", buf.Bytes())
	}
	return writeJSON(w, bulkResponse{AsOf: atlas.DateOf(day).String(), Count: len(results), Results: results})
}

// bulkCSVHeader is the header row of the CSV output: one row per match.
var bulkCSVHeader = []string{"input", "prefix", "relation", "provider", "partition", "services", "region",
	"scope", "country", "subdivision", "city", "asn", "feed", "tier", "snapshot", "upstream_id",
	"upstream_date", "operators", "error"}

// writeBulkCSV writes one row per match, and one row for an input with
// no match or an error.
func writeBulkCSV(out io.Writer, results []bulkResult) error {
	cw := csv.NewWriter(out)
	cw.Write(bulkCSVHeader)
	for _, res := range results {
		ops := make([]string, len(res.Operators))
		for i, o := range res.Operators {
			ops[i] = o.Name
		}
		if len(res.Matches) == 0 {
			row := make([]string, len(bulkCSVHeader))
			row[0], row[len(row)-2], row[len(row)-1] = csvSafe(res.Input), csvSafe(strings.Join(ops, ";")), csvSafe(res.Error)
			cw.Write(row)
			continue
		}
		for _, m := range res.Matches {
			asn := ""
			if m.ASN != 0 {
				asn = strconv.FormatUint(uint64(m.ASN), 10)
			}
			row := []string{res.Input, m.Prefix, m.Relation, m.Provider, m.Partition,
				strings.Join(m.Services, ";"), m.Region, m.Scope, m.Country, m.Subdivision, m.City, asn,
				m.Feed, m.Tier, strconv.FormatInt(m.Snapshot, 10), m.UpstreamID, m.UpstreamDate,
				strings.Join(ops, ";"), res.Error}
			// Every cell, not only the user's: feed text (city, services)
			// and atlas names come from third parties too.
			for i := range row {
				row[i] = csvSafe(row[i])
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses a user-supplied cell that a spreadsheet would read as
// a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
