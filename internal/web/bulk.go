package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// Bulk limits. A request is bounded as a whole, not per input: by its
// body, its number of inputs, the matches its answer lists and the
// bytes of its answer (each documented in the OpenAPI document). Over a
// limit the answer is a 413 problem document that names the limit.
const (
	maxBulkBody    = 1 << 20  // bytes of request body
	maxBulkItems   = 10000    // inputs per request
	maxBulkMatches = 100_000  // matches listed in one answer
	maxBulkBytes   = 32 << 20 // bytes of one answer
)

// bulkInput is the inputs of a bulk request as newline-separated text.
type bulkInput struct {
	text  string
	n     int      // inputs counted (lines that are neither blank nor # comments)
	names []string // the host names among them (one per line; not in CSV columns)
}

// readBulk reads the inputs of a bulk request body: a JSON array of
// strings when the content type is JSON, else text, one input per line
// (or CSV when a column is asked for).
func readBulk(r io.Reader, contentType string) (bulkInput, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	data, err := io.ReadAll(r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return bulkInput{}, errorf(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes; split it into smaller requests", mbe.Limit)
		}
		return bulkInput{}, errorf(http.StatusBadRequest, "reading request body: %v", err)
	}
	if mt != "application/json" {
		return countInputs(string(data))
	}
	var inputs []string
	if err := json.Unmarshal(data, &inputs); err != nil {
		return bulkInput{}, errorf(http.StatusBadRequest, "body must be a JSON array of strings: %v", err)
	}
	for i, in := range inputs {
		if strings.ContainsAny(in, "\r\n") {
			return bulkInput{}, errorf(http.StatusBadRequest, "input %d holds a line break; give one address or CIDR per string", i+1)
		}
	}
	return countInputs(strings.Join(inputs, "\n"))
}

// countInputs counts the inputs of text and checks their number.
func countInputs(text string) (bulkInput, error) {
	n := 0
	var names []string
	for rest := text; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if l := strings.TrimSpace(line); l != "" && l[0] != '#' {
			n++
			if q, err := answer.ParseInput(l); err == nil && q.IsName() {
				names = append(names, q.Name)
			}
		}
	}
	if n > maxBulkItems {
		return bulkInput{}, errorf(http.StatusRequestEntityTooLarge, "%d inputs given; at most %d per request: split them into smaller requests", n, maxBulkItems)
	}
	return bulkInput{text: text, n: n, names: names}, nil
}

// bulkQuery is what a bulk request asks for besides its inputs.
type bulkQuery struct {
	format string // jsonl, csv (or json: JSON Lines wrapped in one object)
	fields []answer.Field
	column string
	day    time.Time
}

// runBulk answers every input with the one join, in the format asked,
// within the bulk limits. Host names among the inputs are resolved when
// the server resolves names and the client's allowance covers them.
func (s *Server) runBulk(r *http.Request, in bulkInput, q bulkQuery) ([]byte, error) {
	ctx := r.Context()
	ranges, _, err := s.rangesAt(ctx, q.day)
	if err != nil {
		return nil, err
	}
	if len(in.names) > maxBulkNames && s.names.Resolver != nil {
		return nil, errorf(http.StatusRequestEntityTooLarge, "%d host names given; at most %d per request when names are resolved: split them into smaller requests", len(in.names), maxBulkNames)
	}
	names, err := s.namesFor(r, in.names)
	if err != nil {
		return nil, err
	}
	format := q.format
	if format == "json" {
		format = answer.FormatJSONL
	}
	var out bytes.Buffer
	_, err = s.join.Stream(ctx, ranges, strings.NewReader(in.text), &out, answer.Options{
		Format: format, Fields: q.fields, Column: q.column, AsOf: q.day, Within: maxWithin,
		MaxMatches: cmpOrInt(s.bulkMatches, maxBulkMatches), MaxBytes: maxBulkBytes, Name: "request", Names: names, Context: ctx})
	if ctx.Err() != nil {
		return nil, errorf(http.StatusServiceUnavailable, "the bulk request took longer than the server allows; split it into smaller requests")
	}
	if err != nil {
		return nil, err
	}
	if q.format != "json" {
		return out.Bytes(), nil
	}
	return wrapResults(out.Bytes(), q.day), nil
}

// wrapResults turns JSON Lines into one JSON object:
// {"as_of": ..., "count": N, "results": [line, ...]}.
func wrapResults(lines []byte, day time.Time) []byte {
	b := make([]byte, 0, len(lines)+64)
	b = append(b, `{"as_of":"`...)
	b = append(b, answer.Day(day)...)
	b = append(b, `","count":`...)
	b = strconv.AppendInt(b, int64(bytes.Count(lines, []byte{'\n'})), 10)
	b = append(b, `,"results":[`...)
	b = append(b, bytes.ReplaceAll(bytes.TrimSuffix(lines, []byte{'\n'}), []byte{'\n'}, []byte{','})...)
	return append(b, "]}\n"...)
}

// parseBulkQuery reads format, fields, column and as_of.
func (s *Server) parseBulkQuery(get func(string) string, defFormat string) (bulkQuery, error) {
	q := bulkQuery{format: cmpOr(get("format"), defFormat), column: strings.TrimSpace(get("column"))}
	switch q.format {
	case "json", answer.FormatJSONL, answer.FormatCSV:
	default:
		return q, errorf(http.StatusBadRequest, "format %q: want json, jsonl or csv", clipEcho(q.format))
	}
	lines := q.format
	if lines == "json" {
		lines = answer.FormatJSONL
	}
	var err error
	if q.fields, err = answer.SelectFields(get("fields"), lines); err != nil {
		return q, err
	}
	if q.day, err = s.parseAsOf(get("as_of")); err != nil {
		return q, err
	}
	return q, nil
}

// handleBulk answers POST /v1/bulk. Query parameters: format (json,
// jsonl or csv; json is the default), fields, column, as_of.
func (s *Server) handleBulk(w http.ResponseWriter, r *http.Request) error {
	q, err := s.parseBulkQuery(r.URL.Query().Get, "json")
	if err != nil {
		return err
	}
	in, err := readBulk(http.MaxBytesReader(w, r.Body, maxBulkBody), r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	if limit, plan := bulkLimit(r); in.n > limit {
		if plan == "anonymous" {
			return errorf(http.StatusRequestEntityTooLarge, "%d inputs given; a request without an API token may send at most %d: split them into smaller requests, or send a token (Authorization: Bearer; docs/access.md)", in.n, limit)
		}
		return errorf(http.StatusRequestEntityTooLarge, "%d inputs given; the plan %s allows at most %d per request: split them into smaller requests", in.n, plan, limit)
	}
	body, err := s.runBulk(r, in, q)
	if err != nil {
		return err
	}
	return writeBulk(w, q.format, body)
}

// writeBulk sends a bulk answer with its content type; CSV and JSON
// Lines come as downloads.
func writeBulk(w http.ResponseWriter, format string, body []byte) error {
	switch format {
	case answer.FormatCSV:
		w.Header().Set("Content-Disposition", `attachment; filename="cloudatlas-bulk.csv"`)
		return writeBytes(w, "text/csv; charset=utf-8", body)
	case answer.FormatJSONL:
		w.Header().Set("Content-Disposition", `attachment; filename="cloudatlas-bulk.jsonl"`)
		return writeBytes(w, "application/jsonl", body)
	}
	return writeBytes(w, "application/json", body)
}

func cmpOrInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
