package validators_test

import "strings"

// cause is one reason for disagreements, judged by hand: whether accord
// is right or wrong, and why. DIFFERENTIAL.md gives the evidence.
type cause struct {
	name   string
	judged string // "accord right" or "accord wrong"
	match  func(d disagreement) bool
}

const (
	accordRight = "accord right"
	accordWrong = "accord wrong"
)

func refuses(v verdict, text ...string) bool {
	if v.err == nil {
		return false
	}
	for _, t := range text {
		if !strings.Contains(v.err.Error(), t) {
			return false
		}
	}
	return true
}

func accepts(v verdict) bool { return v.err == nil && v.skipped == "" }

var causes = []cause{
	{"kin-openapi picks a oneOf member by the discriminator; two identical members match, which oneOf forbids", accordRight,
		func(d disagreement) bool {
			return d.peer == "kin-openapi" && refuses(d.accord, "oneOf: must match exactly one") && accepts(d.other)
		}},
	{"kin-openapi fills a missing required property from its default before validating", accordRight,
		func(d disagreement) bool {
			return d.peer == "kin-openapi" && d.x.kind == "missing-required" && refuses(d.accord, "required: is required") && accepts(d.other)
		}},
	{"kin-openapi adds an absent optional parameter's default (a string for an integer) and refuses it", accordRight,
		func(d disagreement) bool {
			return d.peer == "kin-openapi" && d.x.kind == "valid" && accepts(d.accord) && refuses(d.other, `"default": "`, "in query has an error")
		}},
	{"kin-openapi cannot read deepObject arrays (Stripe's expand) and refuses every request to the operation", accordRight,
		func(d disagreement) bool {
			return d.peer == "kin-openapi" && accepts(d.accord) && refuses(d.other, `invalid serialization method: style="deepObject"`)
		}},
	{"kin-openapi checks security and refuses every request whose requirement names a scheme the document never declares; accord validates shapes, not credentials (the document is at fault, not the request)", accordRight,
		func(d disagreement) bool {
			return d.peer == "kin-openapi" && accepts(d.accord) && refuses(d.other, "security requirements failed", "is not declared")
		}},
	{"libopenapi-validator refuses to compile nullable in an OpenAPI 3.1 document, where it is an unknown word to ignore", accordRight,
		func(d disagreement) bool {
			return d.peer == "libopenapi-validator" && accepts(d.accord) && refuses(d.other, "The `nullable` keyword is not supported in OpenAPI 3.1+")
		}},
	{"libopenapi-validator reads exclusiveMaximum: true (under a $schema of 2019-09 or draft 4) as a bound of 0", accordRight,
		func(d disagreement) bool {
			return d.peer == "libopenapi-validator" && accepts(d.accord) && refuses(d.other, "exclusiveMaximum: got", "want 0")
		}},
	{"libopenapi-validator accepts a JSON string as a response body whose schema is an array or an object", accordRight,
		func(d disagreement) bool {
			return d.peer == "libopenapi-validator" && d.x.response && d.x.kind == "wrong-type" && refuses(d.accord, "type: must be an") && accepts(d.other)
		}},
	{"libopenapi-validator accepts any text for a query parameter of anyOf [integer, null]", accordRight,
		func(d disagreement) bool {
			return d.peer == "libopenapi-validator" && d.x.kind == "wrong-type" && refuses(d.accord, "query_parameter", "anyOf: does not match") && accepts(d.other)
		}},
	{"accord refused a required property its schema names in required but not in properties (strict requests): fixed", accordWrong,
		func(d disagreement) bool {
			return refuses(d.accord, "unevaluatedProperties: is not a property the contract declares") && d.x.kind == "valid" && accepts(d.other)
		}},
}

// judge returns the cause of a disagreement, nil when none matches.
func judge(d disagreement) *cause {
	for i := range causes {
		if causes[i].match(d) {
			return &causes[i]
		}
	}
	return nil
}
