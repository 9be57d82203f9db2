package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
)

// Exchange sends one JSON request (in, when not nil, as its body) to
// base+path?q through hc, with header added, and decodes a 2xx answer into
// out (when not nil). A transport failure or an unreadable answer is a
// Temporary *Error; any other answer is returned as refused, with its body,
// for the connector to read its vendor's error shape from. Connectors share
// it so that every one limits, times and classifies answers alike.
func Exchange(ctx context.Context, hc *http.Client, system, op, method, base, path string, q url.Values, header http.Header, in, out any) (refused *http.Response, body []byte, err error) {
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &Error{Kind: Temporary, System: system, Op: op, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, nil, &Error{Kind: Temporary, System: system, Op: op, Status: resp.StatusCode, Err: err}
	}
	if resp.StatusCode/100 != 2 {
		return resp, data, nil
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return nil, nil, &Error{Kind: Temporary, System: system, Op: op, Status: resp.StatusCode, Message: "unreadable answer", Err: err}
	}
	return nil, nil, nil
}
