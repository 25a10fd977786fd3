package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Parsed is a received message read as MIME.
type Parsed struct {
	Header mail.Header
	// ContentType is the top-level media type ("multipart/alternative").
	ContentType string
	// Parts are the leaf parts' media types, in order.
	Parts []string
	// Text and HTML are the decoded text/plain and text/html parts.
	Text, HTML string
}

// Parse reads data as a MIME message: its headers and, through any
// multipart nesting, its text and HTML parts, decoded.
func Parse(data []byte) (*Parsed, error) {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("mailtest: read message: %w", err)
	}
	p := &Parsed{Header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("mailtest: Content-Type: %w", err)
	}
	p.ContentType = mt
	if err := p.walk(mt, params, m.Header.Get("Content-Transfer-Encoding"), m.Body); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Parsed) walk(mt string, params map[string]string, cte string, body io.Reader) error {
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("mailtest: multipart: %w", err)
			}
			pmt, pparams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
			if err != nil {
				return fmt.Errorf("mailtest: part Content-Type: %w", err)
			}
			if err := p.walk(pmt, pparams, part.Header.Get("Content-Transfer-Encoding"), part); err != nil {
				return err
			}
		}
	}
	p.Parts = append(p.Parts, mt)
	var r io.Reader = body
	switch strings.ToLower(cte) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &crlfStripper{body})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("mailtest: decode %s part: %w", mt, err)
	}
	switch mt {
	case "text/plain":
		p.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/html":
		p.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return nil
}

// crlfStripper drops line breaks from base64 text.
type crlfStripper struct{ r io.Reader }

func (c *crlfStripper) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	j := 0
	for _, x := range b[:n] {
		if x != '\r' && x != '\n' {
			b[j] = x
			j++
		}
	}
	return j, err
}
