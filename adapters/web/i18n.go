package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/requirement"
)

// lang is a language the console speaks: "en" or "zh-CN".
type lang string

const (
	english lang = "en"
	chinese lang = "zh-CN"
)

// chooseLang picks the language: the remembered choice, else the first
// of Accept-Language the console speaks (by quality), else English.
func chooseLang(r *http.Request) lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if _, ok := catalogs[lang(c.Value)]; ok {
			return lang(c.Value)
		}
	}
	best, bestQ := english, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		var l lang
		switch base, _, _ := strings.Cut(strings.ToLower(tag), "-"); base {
		case "zh":
			l = chinese
		case "en":
			l = english
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// t returns the message for key in l, formatted with args; a key missing
// from l falls back to English, and one missing there shows itself (the
// catalog test keeps both complete).
func (l lang) t(key string, args ...any) string {
	msg, ok := catalogs[l][key]
	if !ok {
		if msg, ok = catalogs[english][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// enum labels a value of one of the domains' enums ("status", "draft").
func (l lang) enum(kind string, value any) string {
	v := toString(value)
	if msg, ok := catalogs[l][kind+"."+v]; ok {
		return msg
	}
	return strings.ReplaceAll(v, "_", " ")
}

// date formats a time, in UTC, as the language writes dates.
func (l lang) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if l == chinese {
		return t.Format("2006年1月2日 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

func (l lang) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if l == chinese {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 Jan 2006")
}

// errorText is a service's error as the reader sees it: what kind of
// refusal it is in their language, then the service's own words.
func (l lang) errorText(err error) string {
	var msg string
	if e, ok := err.(*accord.Error); ok {
		msg = e.Message
		for _, f := range e.Fields {
			msg += "; " + f.Field + ": " + f.Message
		}
	} else {
		msg = err.Error()
	}
	code := accord.ErrorCode(err)
	if code == accord.Internal {
		return l.t("error.internal")
	}
	return l.t("error."+string(code)) + ": " + msg
}

// For returns the messages about a field: those naming it and those naming
// a part of it (acceptance_criteria[1].text for acceptance_criteria),
// these with the part named.
func (f fieldErrors) For(name string) []string {
	var out []string
	out = append(out, f[name]...)
	if name == "" {
		return out
	}
	for k, msgs := range f {
		if rest, ok := strings.CutPrefix(k, name); ok && (strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, ".")) {
			for _, m := range msgs {
				out = append(out, rest+": "+m)
			}
		}
	}
	return out
}

// K returns the page of a record named by its key (REQ-3, RISK-2, IT-1).
func (v view) K(key string) string {
	prefix, _, _ := strings.Cut(key, "-")
	section := map[string]string{"REQ": "/requirements", "RV": "/reviews", "RISK": "/risks", "RETRO": "/retros", "IT": "/iterations"}[prefix]
	switch {
	case section != "":
		return v.P(section, key)
	case prefix == "Q":
		return v.P("/questions") + "#" + key
	case prefix == "MS":
		return v.P("/plans")
	}
	return v.P("")
}

type areaArgs struct {
	V    view
	Name string
	Rows int
	Hint string
}

type targetArgs struct {
	V      view
	Target string
}

type changesArgs struct {
	V       view
	Changes []accord.FieldChange
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"list": func(s ...string) []string { return s },
	"num":  num,
	"locked": func(s requirement.Status) bool {
		return s.Locked()
	},
	// value shows one side of a field change: text as it is, the rest as JSON.
	"value": func(v any) string {
		if v == nil {
			return "—"
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
			return rv.String() // a status is shown as draft, not "draft"
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	},
	"area":    func(v view, name string, rows int, hint string) areaArgs { return areaArgs{v, name, rows, hint} },
	"changes": func(v view, c []accord.FieldChange) changesArgs { return changesArgs{v, c} },
	"target":  func(v view, id string) targetArgs { return targetArgs{v, id} },
	"refs":    func(v view, r []external.Reference) refsArgs { return refsArgs{v, r} },
}

// refsArgs are a record's references to items in other systems, for the
// "refs" section, the "reftable" table and the "refbadges" of a card.
type refsArgs struct {
	V    view
	Refs []external.Reference
}

// num formats a number without trailing zeros (4, 2.5).
func num(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
