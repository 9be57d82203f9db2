package contract

import (
	"fmt"
	"slices"
	"strings"
)

// swaggerTo30 rewrites a Swagger 2.0 document as the OpenAPI 3.0 document
// it describes, so that one importer reads both: body and form parameters
// become request bodies, response schemas become content for each media
// type the operation produces, definitions become components, and the
// schema keywords of non-body parameters move into a schema. Paths keep
// their pointers; what has no OpenAPI 3.0 form is noted by the caller.
func (im *importer) swaggerTo30(doc map[string]any) map[string]any {
	out := map[string]any{"openapi": "3.0.3", "info": doc["info"]}
	if bp := text(doc["basePath"]); bp != "" {
		out["servers"] = []any{map[string]any{"url": bp}}
	}
	for _, k := range []string{"security", "tags", "externalDocs"} {
		if doc[k] != nil {
			out[k] = doc[k]
		}
	}
	for k, v := range doc {
		if strings.HasPrefix(k, "x-") {
			out[k] = v
		}
	}
	consumes := mediaTypes(doc["consumes"])
	produces := mediaTypes(doc["produces"])
	comps := map[string]any{}
	if defs := obj(doc["securityDefinitions"]); defs != nil {
		schemes := map[string]any{}
		for name, d := range defs {
			schemes[name] = swaggerSecurityScheme(obj(d))
		}
		comps["securitySchemes"] = schemes
	}
	if defs := obj(doc["definitions"]); defs != nil {
		comps["schemas"] = defs
	}
	if params := obj(doc["parameters"]); params != nil {
		shared := map[string]any{}
		for name, p := range params {
			if conv := im.swaggerParams([]any{p}, "/parameters/"+escapeToken(name)); len(conv) == 1 {
				shared[name] = conv[0]
			} else {
				im.note("/parameters/"+escapeToken(name), "dropped", "a shared body or form parameter")
			}
		}
		comps["parameters"] = shared
	}
	if responses := obj(doc["responses"]); responses != nil {
		shared := map[string]any{}
		for name, r := range responses {
			shared[name] = im.swaggerResponse(obj(r), "/responses/"+escapeToken(name), produces)
		}
		comps["responses"] = shared
	}
	out["components"] = comps
	paths := map[string]any{}
	for p, rawItem := range obj(doc["paths"]) {
		item := obj(rawItem)
		newItem := map[string]any{}
		for k, v := range item {
			if k == "parameters" {
				newItem[k] = im.swaggerParams(v, "/paths/"+escapeToken(p)+"/parameters")
				continue
			}
			if !slices.Contains(httpMethods, k) {
				newItem[k] = v
				continue
			}
			newItem[k] = im.swaggerOperation(obj(v), "/paths/"+escapeToken(p)+"/"+k, consumes, produces)
		}
		paths[p] = newItem
	}
	out["paths"] = paths
	return swaggerRefs(out).(map[string]any)
}

// swaggerSecurityScheme writes a Swagger 2.0 security definition as an
// OpenAPI 3 security scheme: basic as http, an OAuth2 flow as flows.
func swaggerSecurityScheme(d map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range d {
		switch k {
		case "flow", "authorizationUrl", "tokenUrl", "scopes":
		default:
			out[k] = v
		}
	}
	switch d["type"] {
	case "basic":
		out["type"], out["scheme"] = "http", "basic"
	case "oauth2":
		flow := map[string]any{"scopes": obj(d["scopes"])}
		if flow["scopes"] == nil {
			flow["scopes"] = map[string]any{}
		}
		for _, k := range []string{"authorizationUrl", "tokenUrl"} {
			if d[k] != nil {
				flow[k] = d[k]
			}
		}
		name := map[any]string{"implicit": "implicit", "password": "password", "application": "clientCredentials", "accessCode": "authorizationCode"}[d["flow"]]
		if name == "" {
			name = "implicit"
		}
		out["flows"] = map[string]any{name: flow}
	}
	return out
}

func mediaTypes(v any) []string {
	var out []string
	for _, x := range asList(v) {
		out = append(out, text(x))
	}
	if len(out) == 0 {
		out = []string{"application/json"}
	}
	return out
}

// swaggerParams returns the non-body parameters with their schema keywords
// moved into a schema.
func (im *importer) swaggerParams(v any, ptr string) []any {
	var out []any
	for i, raw := range asList(v) {
		p := obj(raw)
		if p == nil || p["in"] == "body" || p["in"] == "formData" {
			continue
		}
		if _, isRef := p["$ref"]; isRef {
			out = append(out, p)
			continue
		}
		np := map[string]any{}
		schema := map[string]any{}
		for k, x := range p {
			switch k {
			case "name", "in", "required", "description", "allowEmptyValue", "deprecated", "x-sunset":
				np[k] = x
			case "collectionFormat":
			default:
				if !strings.HasPrefix(k, "x-") {
					schema[k] = x
				}
			}
		}
		if schema["type"] == "file" {
			schema = map[string]any{"type": "string", "format": "binary"}
		}
		if schema["type"] == "array" {
			// Swagger's collectionFormat (csv by default) as OpenAPI 3's
			// style and explode.
			format, _ := p["collectionFormat"].(string)
			switch {
			case format == "" || format == "csv":
				if p["in"] == InQuery {
					np["style"], np["explode"] = StyleForm, false
				}
			case format == "multi" && p["in"] == InQuery:
				np["style"], np["explode"] = StyleForm, true
			case format == "ssv" && p["in"] == InQuery:
				np["style"], np["explode"] = StyleSpaceDelimited, false
			case format == "pipes" && p["in"] == InQuery:
				np["style"], np["explode"] = StylePipeDelimited, false
			default:
				im.note(fmt.Sprintf("%s/%d/collectionFormat", ptr, i), "approximated", "collectionFormat %v of a %v parameter: accord checks the default serialization", format, p["in"])
			}
		}
		np["schema"] = schema
		out = append(out, np)
	}
	return out
}

func (im *importer) swaggerOperation(o map[string]any, ptr string, consumes, produces []string) map[string]any {
	out := map[string]any{}
	for k, v := range o {
		switch k {
		case "parameters", "responses", "consumes", "produces", "schemes":
		default:
			out[k] = v
		}
	}
	if o["consumes"] != nil {
		consumes = mediaTypes(o["consumes"])
	}
	if o["produces"] != nil {
		produces = mediaTypes(o["produces"])
	}
	if o["schemes"] != nil {
		im.note(ptr+"/schemes", "dropped", "schemes are not part of an accord contract")
	}
	out["parameters"] = im.swaggerParams(o["parameters"], ptr+"/parameters")
	// The body parameter, or the form fields, become the request body.
	form := map[string]any{"type": "object", "properties": map[string]any{}}
	var formRequired []any
	for _, raw := range asList(o["parameters"]) {
		p := obj(raw)
		switch p["in"] {
		case "body":
			content := map[string]any{}
			for _, mt := range consumes {
				content[mt] = map[string]any{"schema": p["schema"]}
			}
			out["requestBody"] = map[string]any{"required": p["required"] == true, "description": text(p["description"]), "content": content}
		case "formData":
			prop := map[string]any{}
			for k, x := range p {
				if k != "name" && k != "in" && k != "required" && k != "collectionFormat" && !strings.HasPrefix(k, "x-") {
					prop[k] = x
				}
			}
			if prop["type"] == "file" {
				prop = map[string]any{"type": "string", "format": "binary"}
			}
			form["properties"].(map[string]any)[text(p["name"])] = prop
			if p["required"] == true {
				formRequired = append(formRequired, text(p["name"]))
			}
		}
	}
	if props := form["properties"].(map[string]any); len(props) > 0 {
		if formRequired != nil {
			form["required"] = formRequired
		}
		mt := "application/x-www-form-urlencoded"
		if slices.Contains(consumes, "multipart/form-data") {
			mt = "multipart/form-data"
		}
		out["requestBody"] = map[string]any{"required": formRequired != nil, "content": map[string]any{mt: map[string]any{"schema": form}}}
	}
	responses := map[string]any{}
	for status, raw := range obj(o["responses"]) {
		r := obj(raw)
		if _, isRef := r["$ref"]; isRef {
			responses[status] = r
			continue
		}
		responses[status] = im.swaggerResponse(r, ptr+"/responses/"+escapeToken(status), produces)
	}
	out["responses"] = responses
	return out
}

func (im *importer) swaggerResponse(r map[string]any, ptr string, produces []string) map[string]any {
	nr := map[string]any{"description": r["description"]}
	if r["schema"] != nil {
		content := map[string]any{}
		for _, mt := range produces {
			content[mt] = map[string]any{"schema": r["schema"]}
		}
		nr["content"] = content
	}
	if hs := obj(r["headers"]); hs != nil {
		headers := map[string]any{}
		for name, h := range hs {
			schema := map[string]any{}
			for k, x := range obj(h) {
				if k != "description" && !strings.HasPrefix(k, "x-") {
					schema[k] = x
				}
			}
			headers[name] = map[string]any{"description": obj(h)["description"], "schema": schema}
		}
		nr["headers"] = headers
	}
	if r["examples"] != nil {
		im.note(ptr+"/examples", "dropped", "examples of the response")
	}
	return nr
}

// swaggerRefs rewrites Swagger's reference targets to where swaggerTo30
// put them.
func swaggerRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if ref, ok := child.(string); ok && k == "$ref" {
				for from, to := range map[string]string{"#/definitions/": "#/components/schemas/", "#/parameters/": "#/components/parameters/", "#/responses/": "#/components/responses/"} {
					if strings.HasPrefix(ref, from) {
						x[k] = to + strings.TrimPrefix(ref, from)
					}
				}
				continue
			}
			x[k] = swaggerRefs(child)
		}
	case []any:
		for i := range x {
			x[i] = swaggerRefs(x[i])
		}
	}
	return v
}
