package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGetRetriesTransientFailuresOnly(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch {
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case n < 3:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			w.Header().Set("ETag", `"abc"`)
			w.Write([]byte("body"))
		}
	}))
	defer srv.Close()
	c := New(5 * time.Second)
	c.Backoff = time.Millisecond
	res, err := c.Get(context.Background(), srv.URL+"/feed", Validators{})
	if err != nil || string(res.Body) != "body" || res.Validators.ETag != `"abc"` || calls.Load() != 3 {
		t.Fatalf("got %+v, %v after %d calls", res, err, calls.Load())
	}
	calls.Store(0)
	_, err = c.Get(context.Background(), srv.URL+"/missing", Validators{})
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || calls.Load() != 1 {
		t.Fatalf("404 must fail at once: %v after %d calls", err, calls.Load())
	}
}

func TestGetConditionalAndMirror(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ip-ranges.amazonaws.com/ip-ranges.json" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("{}"))
	}))
	defer srv.Close()
	c := New(5 * time.Second)
	c.Mirror = srv.URL + "/"
	res, err := c.Get(context.Background(), "https://ip-ranges.amazonaws.com/ip-ranges.json", Validators{ETag: `"v1"`})
	if err != nil || !res.NotModified || res.Validators.ETag != `"v1"` {
		t.Fatalf("conditional: %+v %v", res, err)
	}
}

func TestGetRejectsOversizedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for range MaxSize/len(chunk) + 1 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := New(30 * time.Second)
	_, err := c.Get(context.Background(), srv.URL, Validators{})
	if !errors.Is(err, errTooLarge) {
		t.Fatalf("want errTooLarge, got %v", err)
	}
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&statusError{503}, true},
		{&statusError{429}, true},
		{&statusError{404}, false},
		{fmt.Errorf("dial: %w", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}), false},
		{fmt.Errorf("dial: %w", &net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}), true},
		{context.Canceled, false},
		{errTooLarge, false},
		{errors.New("connection reset by peer"), true},
	}
	for _, c := range cases {
		if got := retryable(c.err); got != c.want {
			t.Errorf("retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
