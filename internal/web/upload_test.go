package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestBulkUploadRemovesTempFiles: an upload big enough to spill to disk
// leaves no temporary file behind once the request is answered, whether
// it succeeds or is refused. (net/http removes the multipart files of
// the request it passed in, not of a copy made with WithContext.)
func TestBulkUploadRemovesTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s := newTestServer(t, true)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	post := func(files ...int) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("format", "csv")
		for i, n := range files {
			fw, err := mw.CreateFormFile("file", "a"+strings.Repeat("x", i)+".txt")
			if err != nil {
				t.Fatal(err)
			}
			// Mostly comment lines, to stay under the address limit.
			line := "#" + strings.Repeat("x", 1022) + "\n"
			fw.Write([]byte("52.80.0.1\n" + strings.Repeat(line, n/len(line))))
		}
		mw.Close()
		resp, err := http.Post(ts.URL+"/bulk", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Two files of 600 and 400 KB: the second no longer fits in memory.
	if st := post(600<<10, 400<<10); st != http.StatusOK {
		t.Errorf("two files: status %d, want 200", st)
	}
	if st := post(maxBulkBody + 32<<10); st != http.StatusRequestEntityTooLarge {
		t.Errorf("file over the limit: status %d, want 413", st)
	}
	ts.Close() // wait for the handlers to finish
	ents, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "multipart-") {
			t.Errorf("temporary upload file %s left behind", e.Name())
		}
	}
}
