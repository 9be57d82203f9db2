package contract

import (
	"fmt"
	"strings"
)

// hookKey identifies a webhook or callback across versions: its name, its
// URL expression and its method, as a JSON pointer's tail (it is part of
// the changes' fingerprints).
func hookKey(h Hook) string {
	return escapeToken(h.Name) + "/" + escapeToken(h.URL) + "/" + strings.ToUpper(h.Operation.Method)
}

// hookLabel names a webhook or callback in changes: webhook newPet (POST),
// or callback onData of POST /subscribe (POST {$request.body#/url}).
func hookLabel(kind, parent string, h Hook) string {
	method := strings.ToUpper(h.Operation.Method)
	if kind == "webhook" {
		return fmt.Sprintf("webhook %s (%s)", h.Name, method)
	}
	return fmt.Sprintf("callback %s of %s (%s %s)", h.Name, parent, method, h.URL)
}

// hooks compares webhooks (kind "webhook") or the callbacks of the
// operation labelled parent. A hook removed is breaking for subscribers
// (oasdiff's webhook-removed); in one kept, the body is what the service
// sends, judged like a response, and the subscriber's answers are judged
// like requests.
func (c *comparer) hooks(kind, parent, oldBase, base string, olds, news []Hook) {
	newAt := map[string]int{}
	for i, h := range news {
		newAt[hookKey(h)] = i
	}
	seen := map[string]bool{}
	for i, o := range olds {
		key := hookKey(o)
		seen[key] = true
		j, ok := newAt[key]
		label := hookLabel(kind, parent, o)
		rel := "/" + kind + "s/" + key
		if !ok {
			c.addAt(kind+"-removed", Breaking, "", label, fmt.Sprintf("%s/%d", oldBase, i), rel, fmt.Sprintf("the %s was removed: subscribers no longer receive it", label))
			continue
		}
		c.hook(label, fmt.Sprintf("%s/%d/operation", oldBase, i), fmt.Sprintf("%s/%d/operation", base, j), rel, o.Operation, news[j].Operation)
	}
	for j, n := range news {
		if !seen[hookKey(n)] {
			label := hookLabel(kind, parent, n)
			c.addAt(kind+"-added", Info, "", label, fmt.Sprintf("%s/%d", base, j), "/"+kind+"s/"+hookKey(n), fmt.Sprintf("the %s was added", label))
		}
	}
}

// hook compares one webhook or callback kept in both versions.
func (c *comparer) hook(label, oldBase, base, key string, o, n Operation) {
	ob, nb := o.RequestBody, n.RequestBody
	rel := key + "/request_body"
	switch {
	case ob == nil && nb == nil:
	case ob == nil:
		c.addAt("request-body-added", Info, DirectionResponse, label, base+"/request_body", rel, fmt.Sprintf("the %s now sends a body", label))
	case nb == nil:
		c.addAt("request-body-removed", Breaking, DirectionResponse, label, oldBase+"/request_body", rel, fmt.Sprintf("the %s no longer sends a body: subscribers that read it get nothing", label))
	default:
		switch {
		case ob.Required && !nb.Required:
			c.addAt("request-body-became-optional", Breaking, DirectionResponse, label, base+"/request_body", rel, fmt.Sprintf("the body of the %s became optional: subscribers may receive none", label))
		case !ob.Required && nb.Required:
			c.addAt("request-body-became-required", Info, DirectionResponse, label, base+"/request_body", rel, fmt.Sprintf("the body of the %s is now always sent", label))
		}
		for _, mt := range sortedKeys(ob.Content) {
			r := rel + "/content/" + escapeToken(mt)
			nm, ok := sameMedia(ob.Content, nb.Content, mt)
			if !ok {
				c.addAt("request-body-media-type-removed", Breaking, DirectionResponse, label, oldBase+"/request_body/content/"+escapeToken(mt), r,
					fmt.Sprintf("the %s is no longer sent as %s: subscribers that read that get something else", label, mt))
				continue
			}
			c.media(schemaScope{label: label, base: base + "/request_body/content/" + escapeToken(mt), rel: r, dir: DirectionResponse, kind: "response-property", root: "response-body",
				what: "the body the " + label + " sends"}, ob.Content[mt], nm)
		}
	}
	// The subscriber's answers: what the service reads back.
	for _, status := range sortedKeys(o.Responses) {
		nr, ok := n.Responses[status]
		if !ok {
			continue // the service no longer expects it; what it does with it is not in the contract
		}
		or := o.Responses[status]
		for _, mt := range sortedKeys(or.Content) {
			nm, ok := sameMedia(or.Content, nr.Content, mt)
			if !ok {
				continue
			}
			r := "/responses/" + escapeToken(status) + "/content/" + escapeToken(mt)
			c.media(schemaScope{label: label, base: base + r, rel: key + r, dir: DirectionRequest, kind: "request-property", root: "request-body",
				what: "the " + status + " answer the " + label + " expects"}, or.Content[mt], nm)
		}
	}
	c.hooks("callback", label, oldBase+"/callbacks", base+"/callbacks", o.Callbacks, n.Callbacks)
}
