package contract

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ValidateExamples checks every example of every operation against the
// contract and returns one finding (rule example-invalid) per violation.
func (v *Validator) ValidateExamples() []Finding {
	findings := v.checkExamples()
	describeFindings(v.spec, findings)
	return findings
}

func (v *Validator) checkExamples() []Finding {
	var findings []Finding
	for i, op := range v.ops {
		for j, ex := range op.Examples {
			at := fmt.Sprintf("operations[%d].examples[%d]", i, j)
			req, err := exampleRequest(v.basePath, op, ex.Request)
			if err != nil {
				findings = append(findings, Finding{Rule: RuleExampleInvalid, Severity: SeverityError, Field: at + ".request", Operation: op.ID,
					Message: fmt.Sprintf("example %q: %v", ex.Name, err)})
				continue
			}
			var results []Result
			if ex.Request != nil {
				results = append(results, v.ValidateRequest(req, ex.Request.Body))
			}
			if r := ex.Response; r != nil {
				h := http.Header{}
				for k, val := range r.Headers {
					h.Set(k, val)
				}
				if len(r.Body) > 0 && h.Get("Content-Type") == "" {
					h.Set("Content-Type", orJSON(r.ContentType))
				}
				results = append(results, v.ValidateResponse(req, r.Status, h, r.Body))
			}
			for _, res := range results {
				for _, vl := range res.Violations {
					vl.Operation, vl.label = "", "" // the finding names it
					findings = append(findings, Finding{Rule: RuleExampleInvalid, Severity: SeverityError, Field: at, Operation: op.ID,
						Message: fmt.Sprintf("example %q: %s", ex.Name, vl.String())})
				}
			}
		}
	}
	return findings
}

// exampleRequest builds the HTTP request an example describes. A response
// only example gets a request with the path parameters it names, or
// placeholders, so the response can be matched to its operation.
func exampleRequest(basePath string, op *operation, ex *ExampleRequest) (*http.Request, error) {
	responseOnly := ex == nil
	if responseOnly {
		ex = &ExampleRequest{}
	}
	segs, _ := parseTemplate(op.Path)
	var path strings.Builder
	path.WriteString(basePath)
	value := func(name string) (string, error) {
		val, ok := ex.PathParams[name]
		if !ok {
			if !responseOnly {
				return "", fmt.Errorf("path parameter %q has no value", name)
			}
			val = "example"
		}
		return url.PathEscape(val), nil
	}
	for _, s := range segs {
		path.WriteByte('/')
		pieces := s.pieces
		if pieces == nil {
			pieces = []piece{{literal: s.literal, param: s.param}}
		}
		for _, p := range pieces {
			if p.param == "" {
				path.WriteString(p.literal)
				continue
			}
			val, err := value(p.param)
			if err != nil {
				return nil, err
			}
			path.WriteString(val)
		}
	}
	if len(segs) == 0 {
		path.WriteByte('/')
	}
	q := url.Values{}
	for k, val := range ex.Query {
		q.Set(k, val)
	}
	target := path.String()
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequest(op.Method, target, bytes.NewReader(ex.Body))
	if err != nil {
		return nil, err
	}
	for k, val := range ex.Headers {
		req.Header.Set(k, val)
	}
	if len(ex.Body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", orJSON(ex.ContentType))
	}
	return req, nil
}

func orJSON(ct string) string {
	if ct == "" {
		return "application/json"
	}
	return ct
}
