package transfer_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

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
func titles(t *testing.T, s transfer.Stores, key string) []string {
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
