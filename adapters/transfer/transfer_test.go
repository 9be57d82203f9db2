package transfer_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/retro"
)

func as(id string) context.Context {
	return accord.WithActor(context.Background(), accord.Actor{ID: id, Name: "Name of " + id})
}

func createProject(t *testing.T, s adapters.Stores, key string) {
	t.Helper()
	p := project.Project{Key: key, Name: "Shop", Members: []project.Member{{Actor: "fac", Roles: []string{"admin"}}}, Stamp: accord.NewStamp("fac", t0)}
	_, err := s.Projects.CreateProject(context.Background(), accord.Revision[project.Project]{Number: 1, Kind: accord.RevisionCreated, Actor: "fac", Time: t0, Record: p})
	require.NoError(t, err)
}

// withoutTime is the document as JSON, the export time left out.
func withoutTime(t *testing.T, d transfer.Document) string {
	t.Helper()
	d.Exported = time.Time{}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	return string(b)
}

// An anonymous retrospective, closed, is exported with no per-person
// token in any revision (no participant, no pseudonym its private part
// held, not its secret), and the export imports into memory and SQLite and
// comes out the same.
func TestExportOfAClosedAnonymousRetroLinksNobody(t *testing.T) {
	ctx := context.Background()
	src := memoryStores()
	createProject(t, src, "shop")
	svc, err := retro.NewService(retro.Options{Store: src.Retros})
	require.NoError(t, err)
	people := []string{"ann-7f3", "ben-2c9", "cho-5d1", "dev-8e4", "eve-1a6"}
	tokens := append([]string{}, people...)
	fac := as("fac")
	r, err := svc.Create(fac, "shop", retro.NewRetro{Title: "Quarter", Series: "q", Anonymous: true})
	require.NoError(t, err)
	step := func(_ retro.Retro, err error) { t.Helper(); require.NoError(t, err) }
	for round := range 2 {
		for i, p := range people {
			if round == 0 {
				step(svc.AddItem(as(p), "shop", r.Key, retro.ItemInput{Column: "improve", Text: fmt.Sprintf("card %d", i)}))
			}
			step(svc.AnswerHealth(as(p), "shop", r.Key, map[string]int{"pace": 1 + (i+round)%5, "fun": 3, "delivering value": 4, "learning": 2, "teamwork": 5}))
		}
	}
	cur, err := svc.Get(fac, "shop", r.Key)
	require.NoError(t, err)
	for _, to := range []retro.Phase{retro.Grouping, retro.Voting} {
		step(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: to}))
	}
	for i, p := range people {
		step(svc.Vote(as(p), "shop", r.Key, cur.Items[i%2].ID))
		step(svc.Vote(as(p), "shop", r.Key, cur.Items[2].ID))
	}
	step(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: retro.Discussing}))
	step(svc.AddNote(as(people[0]), "shop", r.Key, retro.NoteInput{Text: "reviews wait on one person"}))
	priv, err := src.Retros.GetPrivate(ctx, "shop", r.ID)
	require.NoError(t, err)
	tokens = append(tokens, hex.EncodeToString(priv.Secret), base64.StdEncoding.EncodeToString(priv.Secret))
	for _, v := range priv.Cards {
		tokens = append(tokens, v)
	}
	for k := range priv.Votes {
		tokens = append(tokens, k)
	}
	for k := range priv.Health {
		tokens = append(tokens, k)
	}
	require.Len(t, tokens, len(people)+2+3*len(people), "each participant has one pseudonym in each map")
	step(svc.Transition(fac, "shop", r.Key, 0, retro.TransitionInput{To: retro.Closed}))

	doc, err := transfer.Export(ctx, src, "shop", t0)
	require.NoError(t, err)
	require.Len(t, doc.Retros, 1)
	assert.Greater(t, len(doc.Retros[0]), 20, "every revision is exported")
	text := withoutTime(t, doc)
	for _, tok := range tokens {
		assert.NotContains(t, text, tok, "the export carries a per-person token")
	}
	last := doc.Retros[0][len(doc.Retros[0])-1].Record
	assert.Len(t, last.Health, len(people), "the closed retro keeps every latest health answer")
	assert.Len(t, last.Votes, 2*len(people))

	memDst := memoryStores()
	require.NoError(t, transfer.Import(ctx, memDst, doc))
	sqlDst, raw := sqliteStores(t)
	require.NoError(t, raw.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, sqlDst, doc) }))
	for name, dst := range map[string]adapters.Stores{"memory": memDst, "sqlite": sqlDst} {
		again, err := transfer.Export(ctx, dst, "shop", t0)
		require.NoError(t, err, name)
		assert.JSONEq(t, text, withoutTime(t, again), "%s: the import comes out as it went in", name)
		imported, err := retro.NewService(retro.Options{Store: dst.Retros})
		require.NoError(t, err)
		md, err := imported.Summary(fac, "shop", r.Key)
		require.NoError(t, err, name)
		assert.Contains(t, md, "Team health", "%s: the imported retro shows its health check", name)
		_, err = dst.Retros.GetPrivate(ctx, "shop", r.ID)
		assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "%s: an import has no private part", name)
	}
}

// A store written by an earlier version may hold the voters and
// respondents of an anonymous retrospective in its revisions: neither the
// export nor an import of such an export carries them.
func TestExportAndImportLeaveOutVotersKeptByEarlierVersions(t *testing.T) {
	ctx := context.Background()
	src := memoryStores()
	createProject(t, src, "shop")
	old := retro.Retro{ID: "R1", Project: "shop", Title: "Old", Series: "q", Facilitator: "fac", Template: "went_well",
		Columns: retro.BuiltinTemplates()[0].Columns, Anonymous: true, Phase: retro.Voting,
		Items:  []retro.Item{{ID: "I1", Column: "well", Text: "fast reviews", Time: t0}},
		Votes:  []retro.Vote{{Target: "I1", Voter: "legacy-pseudonym-5c1"}},
		Health: []retro.HealthAnswer{{Respondent: "legacy-pseudonym-5c1", Scores: map[string]int{"pace": 3}}},
		Stamp:  accord.NewStamp("fac", t0)}
	_, err := src.Retros.CreateRetro(ctx, accord.Revision[retro.Retro]{Number: 1, Kind: accord.RevisionCreated, Actor: "fac", Time: t0, Record: old})
	require.NoError(t, err)
	named := old
	named.ID, named.Anonymous, named.Votes, named.Health = "R2", false, []retro.Vote{{Target: "I1", Voter: "bob-named"}}, nil
	_, err = src.Retros.CreateRetro(ctx, accord.Revision[retro.Retro]{Number: 1, Kind: accord.RevisionCreated, Actor: "fac", Time: t0, Record: named})
	require.NoError(t, err)

	doc, err := transfer.Export(ctx, src, "shop", t0)
	require.NoError(t, err)
	text := withoutTime(t, doc)
	assert.NotContains(t, text, "legacy-pseudonym-5c1", "the export of an anonymous retro names no voter or respondent")
	assert.Contains(t, text, "bob-named", "a named retro keeps its voters")

	// An export made by an earlier version: the import leaves them out.
	raw := strings.ReplaceAll(text, `{"target":"I1"}`, `{"target":"I1","voter":"legacy-pseudonym-5c1"}`)
	require.Contains(t, raw, "legacy-pseudonym-5c1")
	var legacy transfer.Document
	require.NoError(t, json.Unmarshal([]byte(raw), &legacy))
	dst := memoryStores()
	require.NoError(t, transfer.Import(ctx, dst, legacy))
	revs, err := dst.Retros.ListRetroRevisions(ctx, "shop", "R1")
	require.NoError(t, err)
	stored, err := json.Marshal(revs)
	require.NoError(t, err)
	assert.NotContains(t, string(stored), "legacy-pseudonym-5c1")
	assert.Contains(t, string(stored), `"target":"I1"`, "the vote itself is kept")
}

// projectRevision is the first revision of a project owned by alice.
func projectRevision(key string) accord.Revision[project.Project] {
	p := project.Project{Key: key, Name: key, Members: []project.Member{{Actor: "alice", Roles: []string{"admin"}}}, Stamp: accord.NewStamp("alice", t0)}
	return accord.Revision[project.Project]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: t0, Record: p}
}

func requirementRevision(projectKey, id, title string) accord.Revision[requirement.Requirement] {
	r := requirement.Requirement{ID: id, Project: projectKey, Status: requirement.Draft,
		Content: requirement.Content{Title: title, Description: "d", Priority: requirement.P2, Owner: "alice"}, Stamp: accord.NewStamp("alice", t0)}
	return accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: t0, Record: r}
}

// titles lists a project's requirements' titles as the store holds them.
func titles(t *testing.T, s adapters.Stores, key string) []string {
	t.Helper()
	page, err := s.Requirements.ListRequirements(context.Background(), key, requirement.Filter{}, accord.PageQuery{Size: 100})
	require.NoError(t, err)
	var out []string
	for _, r := range page.Items {
		out = append(out, r.Title)
	}
	return out
}

// A document for a new project whose records name an existing project is
// refused before anything is written: neither project changes, and the
// new one is not made.
func TestImportRefusesRecordsOfAnotherProject(t *testing.T) {
	ctx := context.Background()
	s := memoryStores()
	_, err := s.Projects.CreateProject(ctx, projectRevision("victim"))
	require.NoError(t, err)
	_, err = s.Requirements.CreateRequirement(ctx, requirementRevision("victim", "R1", "the victim's own"))
	require.NoError(t, err)

	doc := transfer.Document{Format: transfer.Format, Exported: t0, Project: []accord.Revision[project.Project]{projectRevision("evil")},
		Requirements: [][]accord.Revision[requirement.Requirement]{
			{requirementRevision("evil", "E1", "harmless")},
			{requirementRevision("victim", "E2", "planted")},
		}}
	err = transfer.Import(ctx, s, doc)
	require.Error(t, err)
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	var e *accord.Error
	require.ErrorAs(t, err, &e)
	require.Len(t, e.Fields, 1)
	assert.Equal(t, "requirements[1][0].record.project", e.Fields[0].Field)
	assert.Contains(t, e.Fields[0].Message, `"victim"`)
	assert.Equal(t, []string{"the victim's own"}, titles(t, s, "victim"))
	assert.Empty(t, titles(t, s, "evil"))
	_, err = s.Projects.GetProject(ctx, "evil")
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err), "the new project is not made")

	// A project revision under another key, or settings of another
	// project, are refused the same way.
	doc.Requirements = nil
	doc.Project = append(doc.Project, projectRevision("victim"))
	doc.Project[1].Number = 2
	err = transfer.Import(ctx, s, doc)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "project[0].record.key", e.Fields[0].Field, "the project's revisions name two projects")
	doc.Project = doc.Project[:1]
	doc.Settings.Plans.Project, doc.Settings.Plans.Revision = "victim", 1
	err = transfer.Import(ctx, s, doc)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "settings.plans.project", e.Fields[0].Field)
	_, err = s.Projects.GetProject(ctx, "evil")
	assert.Equal(t, accord.NotFound, accord.ErrorCode(err))
}

// A document for a project the store has is refused, and the project is
// left as it was.
func TestImportRefusesAnExistingProject(t *testing.T) {
	ctx := context.Background()
	s := memoryStores()
	_, err := s.Projects.CreateProject(ctx, projectRevision("victim"))
	require.NoError(t, err)
	doc := transfer.Document{Format: transfer.Format, Project: []accord.Revision[project.Project]{projectRevision("victim")},
		Requirements: [][]accord.Revision[requirement.Requirement]{{requirementRevision("victim", "E2", "planted")}}}
	err = transfer.Import(ctx, s, doc)
	assert.Equal(t, accord.Conflict, accord.ErrorCode(err))
	assert.Empty(t, titles(t, s, "victim"))
}

// Read refuses a document over MaxDocumentBytes, saying so, and names
// what is malformed otherwise.
func TestReadBoundsTheDocument(t *testing.T) {
	// Spaces are valid JSON between the brackets, so only the size is
	// wrong; they are made as read, not held in memory.
	huge := io.MultiReader(strings.NewReader(`{"format":"`+transfer.Format+`","exported":"`+t0.Format(time.RFC3339)+`","project":[`),
		io.LimitReader(spaces{}, transfer.MaxDocumentBytes), strings.NewReader(`]}`))
	_, err := transfer.Read(huge)
	require.Error(t, err)
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	assert.Contains(t, err.Error(), "larger than 268435456 bytes")

	_, err = transfer.Read(strings.NewReader(`{"format":"accord.project/1","requirements":7}`))
	assert.Equal(t, accord.Invalid, accord.ErrorCode(err))
	_, err = transfer.Read(strings.NewReader(``))
	assert.ErrorContains(t, err, "empty")
	d, err := transfer.Read(strings.NewReader(`{"format":"accord.project/1","project":[{"number":1,"record":{"key":"p"}}]}`))
	require.NoError(t, err)
	assert.Equal(t, "p", d.Key())
}

// spaces reads as endless spaces.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// Export and Import name the store of a domain with content that is
// missing, before reading or writing anything.
func TestTransferNamesAMissingStore(t *testing.T) {
	ctx := context.Background()
	s := memoryStores()
	createProject(t, s, "shop")
	s.Traces, s.Plans = nil, nil
	_, err := transfer.Export(ctx, s, "shop", t0)
	require.Equal(t, accord.Invalid, accord.ErrorCode(err), "%v", err)
	assert.Contains(t, err.Error(), "stores.Plans")
	assert.Contains(t, err.Error(), "stores.Traces")
	err = transfer.Import(ctx, s, transfer.Document{Format: transfer.Format})
	require.Equal(t, accord.Invalid, accord.ErrorCode(err), "%v", err)
	assert.Contains(t, err.Error(), "stores.Traces")
}
