package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// bulkPage is the bulk form and, after a submit, its results.
type bulkPage struct {
	pageBase
	AsOf      string
	Addresses string // what was pasted, for the download buttons
	Column    string
	Results   []bulkRow
	Submitted bool
	Max       int
}

// bulkRow is one input of the results table, read back from the JSON
// Lines the join wrote, so the table shows exactly what a download
// holds.
type bulkRow struct {
	Input   string      `json:"input"`
	Error   string      `json:"error"`
	Matches []bulkMatch `json:"matches"`
}

type bulkMatch struct {
	Prefix     string   `json:"prefix"`
	Provider   string   `json:"provider"`
	Partition  string   `json:"partition"`
	Region     string   `json:"region"`
	Services   []string `json:"services"`
	Feed       string   `json:"feed"`
	Operator   []string `json:"operator"`
	OperatorID []string `json:"operator_id"`
}

// Operators pairs the operator names with their ids.
func (m bulkMatch) Operators() []entityRef {
	out := make([]entityRef, 0, len(m.OperatorID))
	for i, id := range m.OperatorID {
		name := id
		if i < len(m.Operator) {
			name = m.Operator[i]
		}
		out = append(out, entityRef{ID: id, Name: name})
	}
	return out
}

// bulkPageFields are the columns the results table shows.
const bulkPageFields = "prefix,provider,partition,region,services,feed,operator,operator_id"

// handleBulkPage renders the empty bulk form.
func (s *Server) handleBulkPage(w http.ResponseWriter, r *http.Request) error {
	p := bulkPage{pageBase: s.base("Bulk lookup", "bulk"), AsOf: answer.Day(s.now()), Max: maxBulkItems}
	return s.render(w, http.StatusOK, "bulk", p)
}

// handleBulkSubmit answers the bulk form: pasted addresses or an
// uploaded file (text, or CSV with a column named or numbered), shown
// as a table or downloaded as CSV or JSON Lines.
func (s *Server) handleBulkSubmit(w http.ResponseWriter, r *http.Request) error {
	text, column, err := readBulkForm(w, r)
	if err != nil {
		return err
	}
	in, err := countInputs(text)
	if err != nil {
		return err
	}
	if in.n == 0 {
		return errorf(http.StatusBadRequest, "no addresses given: paste some, one per line, or upload a file")
	}
	format := r.FormValue("format")
	if format == "" || format == "html" {
		return s.bulkResults(w, r, in, column)
	}
	get := func(k string) string {
		if k == "column" {
			return column
		}
		return r.FormValue(k)
	}
	q, err := s.parseBulkQuery(get, "")
	if err != nil {
		return err
	}
	body, err := s.runBulk(r, in, q)
	if err != nil {
		return err
	}
	return writeBulk(w, q.format, body)
}

// bulkResults renders the results table.
func (s *Server) bulkResults(w http.ResponseWriter, r *http.Request, in bulkInput, column string) error {
	day, err := s.parseAsOf(r.FormValue("as_of"))
	if err != nil {
		return err
	}
	fields, err := answer.SelectFields(bulkPageFields, answer.FormatJSONL)
	if err != nil {
		return err
	}
	body, err := s.runBulk(r, in, bulkQuery{format: answer.FormatJSONL, fields: fields, column: column, day: day})
	if err != nil {
		return err
	}
	p := bulkPage{pageBase: s.base("Bulk lookup: results", "bulk"), AsOf: answer.Day(day),
		Column: column, Submitted: true, Max: maxBulkItems}
	if column == "" {
		p.Addresses = in.text
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, maxBulkBytes)
	for sc.Scan() {
		var row bulkRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return err
		}
		p.Results = append(p.Results, row)
	}
	return s.render(w, http.StatusOK, "bulk", p)
}

// readBulkForm reads the bulk form: the uploaded file if there is one,
// else the pasted text, and the CSV column to read. For a .csv upload
// with no column given, the column is the first whose header names an
// address (ip, address, client_ip...), else the first.
func readBulkForm(w http.ResponseWriter, r *http.Request) (text, column string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBulkBody+64<<10)
	tooLarge := errorf(http.StatusRequestEntityTooLarge, "the form is larger than %d bytes: split the addresses into smaller requests", maxBulkBody)
	var mbe *http.MaxBytesError
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		// ParseMultipartForm would drop ParseForm's error for such a form.
		if err := r.ParseForm(); err != nil {
			if errors.As(err, &mbe) {
				return "", "", tooLarge
			}
			return "", "", errorf(http.StatusBadRequest, "reading the form: %v", err)
		}
	} else if err := r.ParseMultipartForm(maxBulkBody); err != nil {
		if errors.As(err, &mbe) {
			return "", "", tooLarge
		}
		return "", "", errorf(http.StatusBadRequest, "reading the form: %v", err)
	}
	// net/http removes the upload's temporary files only for the request
	// it passed to the handler, and r is a copy (see [Server.instrument]).
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	column = strings.TrimSpace(r.FormValue("column"))
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return r.FormValue("addresses"), column, nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBulkBody+1))
	if err != nil {
		return "", "", errorf(http.StatusBadRequest, "reading the uploaded file: %v", err)
	}
	if len(data) > maxBulkBody {
		return "", "", errorf(http.StatusRequestEntityTooLarge, "the file is larger than %d bytes", maxBulkBody)
	}
	if strings.TrimSpace(r.FormValue("addresses")) != "" {
		return "", "", errorf(http.StatusBadRequest, "paste addresses or upload a file, not both")
	}
	if column == "" && strings.HasSuffix(strings.ToLower(hdr.Filename), ".csv") {
		column = guessColumn(data)
	}
	return string(data), column, nil
}

// addressHeader matches header cells that name an address column.
var addressHeader = regexp.MustCompile(`(?i)^\s*"?\s*([a-z_ ]*_)?(ip|ip_?addr(ess)?|address|addr|cidr|prefix)\s*"?\s*$`)

// guessColumn returns the header name of the first column of CSV data
// that names an address, else "1".
func guessColumn(data []byte) string {
	head, _, _ := bytes.Cut(data, []byte{'\n'})
	for _, cell := range strings.Split(strings.TrimSpace(string(head)), ",") {
		if addressHeader.MatchString(cell) {
			return strings.Trim(strings.TrimSpace(cell), `"`)
		}
	}
	return "1"
}
