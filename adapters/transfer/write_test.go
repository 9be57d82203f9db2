package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/external"
	"github.com/accordhq/accord/plan"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
	"github.com/accordhq/accord/review"
	"github.com/accordhq/accord/trace"
)

// richProject fills project "big" of s with every kind a document holds:
// generated's requirements (deleted ones and restored ones among them,
// change requests made by turns, links and glossary terms deleted and
// live, risks), then through the services contracts (one deleted, whose
// service name a live one took, with test runs), a deleted review and a
// live one, an anonymous retrospective closed, a named one and a deleted
// one, an iteration, a milestone, a question, references to tracker
// items (one removed), settings, and a title with <, > and &.
func richProject(t *testing.T, s adapters.Stores, atomically func(context.Context, func(context.Context) error) error, n int) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, s, generated(n, 7)) }))
	ann := accord.WithActor(ctx, accord.Actor{ID: "ann", Name: "Ann", Roles: []string{"admin"}})
	w := wired(t, s)
	r, err := w.Requirements.Create(ann, "big", requirement.ContentInput{Content: requirement.Content{Title: "Totals <b> & \"quotes\" > 0", Description: "d", Priority: requirement.P2, Owner: "ann"}})
	require.NoError(t, err)

	old, err := w.Contracts.Create(ann, "big", contract.NewContract{Version: "1.0.0", Spec: contractSpec("orders")})
	require.NoError(t, err)
	_, err = w.Contracts.NewVersion(ann, "big", old.ContractID, contract.NewVersionInput{From: "1.0.0", Version: "1.1.0", Note: "next"})
	require.NoError(t, err)
	report := contract.TestReport{Source: "ci orders#7", Operations: []contract.ExercisedOperation{{ID: "get", Responses: []string{"200"}}}}
	_, err = w.Contracts.RecordTestRun(ann, "big", old.ContractID, "1.1.0", report)
	require.NoError(t, err)
	require.NoError(t, w.Contracts.Delete(ann, "big", old.ContractID, "replaced"))
	taker, err := w.Contracts.Create(ann, "big", contract.NewContract{Version: "2.0.0", Spec: contractSpec("orders")})
	require.NoError(t, err)
	_, err = w.Contracts.RecordTestRun(ann, "big", taker.ContractID, "2.0.0", report)
	require.NoError(t, err)
	_, err = w.Contracts.Create(ann, "big", contract.NewContract{Version: "0.1.0", Spec: contractSpec("billing")})
	require.NoError(t, err)

	rv, err := w.Reviews.Create(ann, "big", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref()})
	require.NoError(t, err)
	require.NoError(t, w.Reviews.Delete(ann, "big", rv.ID, "opened by mistake"))
	_, err = w.Reviews.Create(ann, "big", review.NewReview{Kind: review.RequirementReview, Subject: r.Ref(), Title: "Again"})
	require.NoError(t, err)

	anon, err := w.Retros.Create(ann, "big", retro.NewRetro{Title: "Quarter", Series: "q", Anonymous: true})
	require.NoError(t, err)
	_, err = w.Retros.AddItem(ann, "big", anon.Key, retro.ItemInput{Column: "improve", Text: "reviews wait"})
	require.NoError(t, err)
	for _, to := range []retro.Phase{retro.Grouping, retro.Voting, retro.Discussing, retro.Closed} {
		_, err = w.Retros.Transition(ann, "big", anon.Key, 0, retro.TransitionInput{To: to})
		require.NoError(t, err)
	}
	gone, err := w.Retros.Create(ann, "big", retro.NewRetro{Title: "Mistake", Series: "q"})
	require.NoError(t, err)
	require.NoError(t, w.Retros.Delete(ann, "big", gone.ID, "a duplicate"))
	_, err = w.Retros.Create(ann, "big", retro.NewRetro{Title: "Sprint", Series: "s"})
	require.NoError(t, err)

	_, err = w.Plans.CreateIteration(ann, "big", plan.IterationContent{Name: "Sprint 1", Start: "2026-12-07", End: "2026-12-18"})
	require.NoError(t, err)
	_, err = w.Plans.CreateMilestone(ann, "big", plan.MilestoneContent{Name: "Beta", Date: "2027-03-01"})
	require.NoError(t, err)
	_, err = w.Plans.Ask(ann, "big", plan.Ask{About: r.Ref(), Text: "Which currency?", To: plan.Addressee{Actor: "ann"}})
	require.NoError(t, err)

	refs, err := external.NewService(external.Options{Store: s.External})
	require.NoError(t, err)
	x, err := refs.Add(ann, "big", external.NewReference{Record: r.Ref(), System: external.Jira, Key: "BIG-1", Content: external.Content{Status: "To Do"}})
	require.NoError(t, err)
	require.NoError(t, refs.Remove(ann, "big", x.ID, "wrong issue"))
	_, err = refs.Add(ann, "big", external.NewReference{Record: r.Ref(), System: external.Jira, Key: "BIG-1"})
	require.NoError(t, err)

	st, err := s.Requirements.GetSettings(ctx, "big")
	require.NoError(t, err)
	st.Project, st.Stamp = "big", accord.NewStamp("ann", t0)
	_, err = s.Requirements.PutSettings(ctx, st)
	require.NoError(t, err)
}

// engines are the stores Write is compared on: memory, SQLite and, when
// ACCORD_POSTGRES_URL names a server, PostgreSQL.
func engines(t *testing.T) []sqlTarget {
	direct := sqlTarget{name: "memory", stores: memoryStores()}
	return append([]sqlTarget{direct}, sqlTargets(t)...)
}

func (e sqlTarget) atomically(ctx context.Context, fn func(context.Context) error) error {
	if e.raw == nil {
		return fn(ctx)
	}
	return e.raw.Atomically(ctx, fn)
}

// encoded is what a json.Encoder set up as l writes for d.
func encoded(t *testing.T, d transfer.Document, l transfer.Layout) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(l.EscapeHTML)
	enc.SetIndent("", l.Indent)
	require.NoError(t, enc.Encode(d))
	return b.Bytes()
}

// sameJSON compares raw JSON (a contract's schemas) as JSON: decoding
// keeps the layout the stream had, and PostgreSQL's jsonb its own.
// (Empty ones are left to EquateEmpty.)
var sameJSON = cmp.FilterValues(func(a, b json.RawMessage) bool { return len(a) > 0 && len(b) > 0 },
	cmp.Comparer(func(a, b json.RawMessage) bool {
		var ca, cb bytes.Buffer
		return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
	}))

// Write writes exactly the document Export returns, on every engine:
// byte for byte what json.Encoder writes for it, compact and indented,
// with HTML escaped or not, holding a page of records or only a few (so
// live and deleted records merge across many page boundaries); and the
// stream decodes to a document equal to Export's.
func TestWriteIsExport(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			richProject(t, e.stores, e.atomically, 600)
			want, err := transfer.Export(ctx, e.stores, "big", t0)
			require.NoError(t, err)
			// The fixture holds what the comparison must prove.
			require.Len(t, want.Requirements, 601)
			require.NotEmpty(t, want.ChangeRequests)
			require.Len(t, want.Contracts, 3)
			require.NotEmpty(t, want.Contracts[0].TestRuns, "the deleted contract, first, with its test run")
			require.Len(t, want.Reviews, 2)
			require.Len(t, want.Retros, 3)
			require.Len(t, want.External, 2)
			require.Greater(t, len(want.Links), 2*accord.MaxPageSize, "links take several pages")
			deleted := func(revs []accord.Revision[requirement.Requirement]) bool {
				return revs[len(revs)-1].Kind == accord.RevisionDeleted
			}
			require.True(t, deleted(want.Requirements[39]), "REQ-40 is deleted, in key order among the live")
			require.Equal(t, requirement.KeyOf(40), want.Requirements[39][0].Record.Key)
			require.Equal(t, accord.RevisionDeleted, want.Terms[0][len(want.Terms[0])-1].Kind, "deleted terms first")

			for _, c := range []struct {
				l    transfer.Layout
				size int
			}{{transfer.Layout{}, accord.MaxPageSize}, {transfer.Layout{}, 7}, {transfer.Layout{Indent: " ", EscapeHTML: true}, accord.MaxPageSize}, {transfer.Layout{Indent: "\t"}, 7}} {
				l, size := c.l, c.size
				{
					t.Run(fmt.Sprintf("indent=%q,escape=%v,holding=%d", l.Indent, l.EscapeHTML, size), func(t *testing.T) {
						var got bytes.Buffer
						require.NoError(t, transfer.WriteHolding(ctx, &got, e.stores, "big", t0, l, size))
						exp := encoded(t, want, l)
						if !bytes.Equal(exp, got.Bytes()) {
							i := 0
							for i < min(len(exp), got.Len()) && exp[i] == got.Bytes()[i] {
								i++
							}
							t.Fatalf("the stream differs from Export's document at byte %d of %d:\nwant …%s…\ngot  …%s…", i, len(exp),
								exp[max(0, i-80):min(len(exp), i+80)], got.Bytes()[max(0, i-80):min(got.Len(), i+80)])
						}
						var back transfer.Document
						require.NoError(t, json.Unmarshal(got.Bytes(), &back))
						if diff := cmp.Diff(want, back, cmpopts.EquateEmpty(), sameJSON); diff != "" {
							t.Errorf("the stream decodes to another document (-Export +Write):\n%s", diff)
						}
					})
				}
			}
			// The escaped stream is Export's own JSON, and it holds the title as stored.
			var b bytes.Buffer
			require.NoError(t, transfer.Write(ctx, &b, e.stores, "big", t0, transfer.Layout{EscapeHTML: true}))
			plain, err := json.Marshal(want)
			require.NoError(t, err)
			assert.Equal(t, string(plain)+"\n", b.String())
			assert.Contains(t, b.String(), `Totals \u003cb\u003e \u0026`)
		})
	}
}

// Write refuses before the first byte what Export refuses, and an
// Exporter checks the caller's permission (project.export) before
// writing anything.
func TestWriteRefusesBeforeWriting(t *testing.T) {
	ctx := context.Background()
	s := memoryStores()
	createProject(t, s, "shop")
	var b bytes.Buffer
	err := transfer.Write(ctx, &b, s, "nope", t0, transfer.Layout{})
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%v", err)
	missing := s
	missing.Plans = nil
	err = transfer.Write(ctx, &b, missing, "shop", t0, transfer.Layout{})
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err), "%v", err)
	assert.Contains(t, err.Error(), "stores.Plans")
	ex := transfer.Exporter{Stores: s}
	err = ex.WriteTo(accord.WithActor(ctx, accord.Actor{ID: "fac", Roles: []string{"developer"}}), &b, "shop", transfer.Layout{})
	assert.Equal(t, accord.PermissionDenied, accord.ErrorCode(err), "no project.export: %v", err)
	assert.Zero(t, b.Len(), "nothing is written before the checks pass")
	require.NoError(t, ex.WriteTo(accord.WithActor(ctx, accord.Actor{ID: "fac", Roles: []string{"admin"}}), &b, "shop", transfer.Layout{}))
	d, err := transfer.Read(&b)
	require.NoError(t, err)
	assert.Equal(t, "shop", d.Key())
}

// brokenTraces fails listing live links after their first page: a store
// that breaks while Write is streaming.
type brokenTraces struct{ trace.Store }

func (b brokenTraces) ListLinks(ctx context.Context, project string, f trace.Filter, q accord.PageQuery) (accord.Page[trace.Link], error) {
	if q.Token != "" {
		return accord.Page[trace.Link]{}, errBroken
	}
	return b.Store.ListLinks(ctx, project, f, q)
}

var errBroken = errors.New("the database went away")

// An error in the middle of the stream leaves a document cut short that
// no reader takes for a project: it does not end with the closing brace,
// and Read refuses it.
func TestWriteCutShortIsNoDocument(t *testing.T) {
	ctx := context.Background()
	s, raw := sqliteStores(t)
	richProject(t, s, raw.Atomically, 600)
	broken := s
	broken.Traces = brokenTraces{s.Traces}
	var b bytes.Buffer
	err := transfer.Write(ctx, &b, broken, "big", t0, transfer.Layout{})
	require.ErrorIs(t, err, errBroken)
	assert.Contains(t, err.Error(), "links")
	assert.Contains(t, err.Error(), "big")
	require.NotZero(t, b.Len(), "the requirements were written before the links broke")
	assert.False(t, strings.HasSuffix(strings.TrimSpace(b.String()), "}"), "no closing brace")
	_, err = transfer.Read(&b)
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
}
