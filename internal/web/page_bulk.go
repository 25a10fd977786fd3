package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// bulkPage is the bulk form and, after a submit, its results.
type bulkPage struct {
	pageBase
	AsOf      string
	Addresses string // what was submitted, for the download buttons
	Results   []bulkResult
	Submitted bool
	Max       int
}

// handleBulkPage renders the empty bulk form.
func (s *Server) handleBulkPage(w http.ResponseWriter, r *http.Request) error {
	p := bulkPage{pageBase: s.base("Bulk lookup", "bulk"), AsOf: atlas.DateOf(s.now()).String(), Max: maxBulkItems}
	return s.render(w, http.StatusOK, "bulk", p)
}

// handleBulkSubmit answers the bulk form: pasted addresses and an
// uploaded file, shown as a table or downloaded as CSV or JSON Lines.
func (s *Server) handleBulkSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBulkBody+64<<10)
	if err := r.ParseMultipartForm(maxBulkBody); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "the upload is larger than %d bytes", maxBulkBody)
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return errorf(http.StatusBadRequest, "reading the form: %v", err)
		}
	}
	// net/http removes the upload's temporary files only for the request
	// it passed to the handler, and r is a copy (see [Server.instrument]).
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	text := r.FormValue("addresses")
	if f, _, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, maxBulkBody+1))
		f.Close()
		if err != nil {
			return errorf(http.StatusBadRequest, "reading the uploaded file: %v", err)
		}
		if len(data) > maxBulkBody {
			return errorf(http.StatusRequestEntityTooLarge, "the file is larger than %d bytes", maxBulkBody)
		}
		text += "\n" + string(data)
	}
	inputs, err := readBulk(strings.NewReader(text), "text/plain")
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return errorf(http.StatusBadRequest, "no addresses given: paste some, one per line, or upload a file")
	}
	day, err := s.parseAsOf(r.FormValue("as_of"))
	if err != nil {
		return err
	}
	results, err := s.bulk(r.Context(), inputs, day)
	if err != nil {
		return err
	}
	switch format := r.FormValue("format"); format {
	case "csv", "jsonl":
		return writeBulk(w, format, day, results)
	case "", "html":
	default:
		return errorf(http.StatusBadRequest, "format %q: want html, csv or jsonl", format)
	}
	p := bulkPage{pageBase: s.base("Bulk lookup: results", "bulk"), AsOf: atlas.DateOf(day).String(),
		Addresses: strings.Join(inputs, "\n"), Results: results, Submitted: true, Max: maxBulkItems}
	return s.render(w, http.StatusOK, "bulk", p)
}
