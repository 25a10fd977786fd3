package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// apiPage is the API reference, rendered on the server from the
// embedded OpenAPI document (no JavaScript); the raw JSON is linked.
type apiPage struct {
	pageBase
	Title, Version, Description string
	Operations                  []apiOperation
	Schemas                     []apiSchema
}

// apiOperation is one method on one path.
type apiOperation struct {
	Anchor, Method, Path string
	Summary, Description string
	Parameters           []apiField
	Body                 []apiContent
	BodyRequired         bool
	Responses            []apiResponse
}

// apiField is a parameter or a schema property.
type apiField struct {
	Name, In, Description string
	Required              bool
	Type                  apiType
}

// apiType is a schema as the page writes it: a link to a named schema,
// or words ("array of string", "string: one of json, csv").
type apiType struct {
	Text   string // the type in words, after the link if any
	Ref    string // a named schema, linked
	Prefix string // words before the link ("array of")
}

// apiContent is a media type and its schema.
type apiContent struct {
	Type        string
	Schema      apiType
	Description string
}

// apiResponse is one status of an operation.
type apiResponse struct {
	Status, Description string
	Content             []apiContent
}

// apiSchema is a named schema with its properties.
type apiSchema struct {
	Name, Description string
	Type              apiType
	Properties        []apiField
}

var (
	apiOnce sync.Once
	apiView *apiPage
	apiErr  error
)

// handleAPIPage renders /api.
func (s *Server) handleAPIPage(w http.ResponseWriter, r *http.Request) error {
	apiOnce.Do(func() { apiView, apiErr = buildAPIPage(openAPIYAML) })
	if apiErr != nil {
		return apiErr
	}
	p := *apiView
	p.pageBase = s.base("API reference", "api")
	return s.render(w, http.StatusOK, "api", p)
}

// buildAPIPage reads the OpenAPI document (YAML) into the page, keeping
// the order in which the document lists paths and schemas.
func buildAPIPage(src []byte) (*apiPage, error) {
	doc, err := openapi3.NewLoader().LoadFromData(src)
	if err != nil {
		return nil, fmt.Errorf("web: openapi.yaml: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("web: openapi.yaml: %w", err)
	}
	p := &apiPage{Title: doc.Info.Title, Version: doc.Info.Version, Description: strings.TrimSpace(doc.Info.Description)}
	for _, path := range yamlKeys(&root, "paths") {
		item := doc.Paths.Value(path)
		if item == nil {
			continue
		}
		ops := item.Operations()
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if op := ops[m]; op != nil {
				p.Operations = append(p.Operations, newAPIOperation(m, path, op))
			}
		}
	}
	for _, name := range yamlKeys(&root, "components", "schemas") {
		if ref := doc.Components.Schemas[name]; ref != nil && ref.Value != nil {
			p.Schemas = append(p.Schemas, newAPISchema(name, ref.Value))
		}
	}
	return p, nil
}

// yamlKeys returns the keys of the mapping at path in document order.
func yamlKeys(root *yaml.Node, path ...string) []string {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, key := range path {
		next := (*yaml.Node)(nil)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil || next.Kind != yaml.MappingNode {
			return nil
		}
		n = next
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return keys
}

func newAPIOperation(method, path string, op *openapi3.Operation) apiOperation {
	o := apiOperation{Anchor: "op-" + cmpOr(op.OperationID, anchorSafe(method+path)), Method: method, Path: path,
		Summary: op.Summary, Description: strings.TrimSpace(op.Description)}
	for _, pr := range op.Parameters {
		if pr == nil || pr.Value == nil {
			continue
		}
		v := pr.Value
		o.Parameters = append(o.Parameters, apiField{Name: v.Name, In: v.In, Required: v.Required,
			Description: v.Description, Type: typeOf(v.Schema)})
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		o.BodyRequired = rb.Value.Required
		o.Body = contents(rb.Value.Content)
	}
	if op.Responses != nil {
		m := op.Responses.Map()
		statuses := make([]string, 0, len(m))
		for st := range m {
			statuses = append(statuses, st)
		}
		slices.Sort(statuses)
		for _, st := range statuses {
			r := m[st]
			if r == nil || r.Value == nil {
				continue
			}
			desc := ""
			if r.Value.Description != nil {
				desc = strings.TrimSpace(*r.Value.Description)
			}
			o.Responses = append(o.Responses, apiResponse{Status: st, Description: desc, Content: contents(r.Value.Content)})
		}
	}
	return o
}

// contents lists the media types of a body, sorted.
func contents(c openapi3.Content) []apiContent {
	var out []apiContent
	for mt, m := range c {
		ac := apiContent{Type: mt}
		if m != nil {
			ac.Schema = typeOf(m.Schema)
			if m.Schema != nil && m.Schema.Value != nil && m.Schema.Ref == "" {
				ac.Description = m.Schema.Value.Description
			}
		}
		out = append(out, ac)
	}
	slices.SortFunc(out, func(a, b apiContent) int { return strings.Compare(a.Type, b.Type) })
	return out
}

func newAPISchema(name string, sc *openapi3.Schema) apiSchema {
	s := apiSchema{Name: name, Description: strings.TrimSpace(sc.Description), Type: typeOf(&openapi3.SchemaRef{Value: sc})}
	names := make([]string, 0, len(sc.Properties))
	for n := range sc.Properties {
		names = append(names, n)
	}
	// Required properties first, each group in name order.
	slices.SortFunc(names, func(a, b string) int {
		ra, rb := slices.Contains(sc.Required, a), slices.Contains(sc.Required, b)
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, n := range names {
		pr := sc.Properties[n]
		f := apiField{Name: n, Required: slices.Contains(sc.Required, n), Type: typeOf(pr)}
		if pr != nil && pr.Value != nil {
			f.Description = strings.TrimSpace(pr.Value.Description)
		}
		s.Properties = append(s.Properties, f)
	}
	return s
}

// typeOf writes a schema in words, linking a named schema.
func typeOf(ref *openapi3.SchemaRef) apiType {
	if ref == nil {
		return apiType{Text: "any"}
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		return apiType{Ref: name}
	}
	sc := ref.Value
	if sc == nil {
		return apiType{Text: "any"}
	}
	var t string
	switch {
	case sc.Type == nil || len(sc.Type.Slice()) == 0:
		t = "object"
		if len(sc.OneOf) > 0 || len(sc.AnyOf) > 0 {
			t = "one of several shapes"
		}
	default:
		t = strings.Join(sc.Type.Slice(), " or ")
	}
	if sc.Type.Is("array") && sc.Items != nil {
		inner := typeOf(sc.Items)
		if inner.Ref != "" {
			return apiType{Prefix: "array of", Ref: inner.Ref}
		}
		return apiType{Text: "array of " + inner.Text}
	}
	if sc.Format != "" {
		t += " (" + sc.Format + ")"
	}
	if len(sc.Enum) > 0 {
		vals := make([]string, len(sc.Enum))
		for i, v := range sc.Enum {
			vals[i] = fmt.Sprint(v)
		}
		t += ": one of " + strings.Join(vals, ", ")
	}
	if sc.Default != nil {
		t += fmt.Sprintf("; default %v", sc.Default)
	}
	if sc.Nullable {
		t += ", or null"
	}
	return apiType{Text: t}
}
