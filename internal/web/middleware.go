package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument wraps the handler of one route pattern: a deadline on the
// request context, common headers, panic recovery, metrics and an
// access log line.
func (s *Server) instrument(pattern string, h http.Handler) http.Handler {
	rm := s.metrics.route(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
		defer cancel()
		sw := &statusWriter{ResponseWriter: w}
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", slog.String("path", r.URL.Path), slog.Any("panic", p))
				if sw.status == 0 {
					s.writeProblem(sw, r, errorf(http.StatusInternalServerError, "internal error"))
				}
			}
			d := time.Since(start)
			rm.observe(r.Method, sw.status, d)
			s.log.LogAttrs(ctx, slog.LevelInfo, "http",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", pattern), slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes), slog.Duration("dur", d),
				slog.String("remote", r.RemoteAddr))
		}()
		h.ServeHTTP(sw, r.WithContext(ctx))
	})
}
