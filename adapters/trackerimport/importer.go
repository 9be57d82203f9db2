package trackerimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/external"
)

// Draft is what an item says of its requirement.
type Draft struct {
	Title, Description string
	Priority           string // P0–P3, or empty for the default
	Owner              string // empty: the importer (on create) or unchanged
	Labels             []string
	Source             string // "jira SHOP-123", for revision notes
}

// Record is a requirement as an import sees it.
type Record struct {
	Key, ID  string
	Revision int
}

// Requirements is what an import writes: RequirementsOf adapts a
// requirement.Service; a test may give its own.
type Requirements interface {
	Create(ctx context.Context, project string, d Draft) (Record, error)
	Get(ctx context.Context, project, id string) (Record, Draft, error)
	Update(ctx context.Context, project, id string, base int, d Draft) (Record, error)
}

// References is what an import reads and writes of external references:
// an *external.Service in the same process, or ReferencesVia a client for
// an import through the API.
type References interface {
	List(ctx context.Context, project string, f external.Filter, q accord.PageQuery) (accord.Page[external.Reference], error)
	Find(ctx context.Context, project, system, key string) (external.Reference, error)
	Add(ctx context.Context, project string, in external.NewReference) (external.Reference, error)
	Update(ctx context.Context, project, id string, base int, c external.Content, note string) (external.Reference, error)
}

// Importer writes parsed items into a project.
type Importer struct {
	Requirements Requirements
	References   References
	Clock        accord.Clock // optional: defaults to accord.SystemClock()
}

// Outcome says what an import did with an item.
type Outcome string

// The outcomes.
const (
	Created   Outcome = "created"   // a new requirement and its reference
	Updated   Outcome = "updated"   // the item changed there; the requirement (or just the reference's status) follows
	Unchanged Outcome = "unchanged" // as imported last time
	Conflict  Outcome = "conflict"  // changed there and edited in accord since the last import: nothing overwritten
	Failed    Outcome = "failed"    // refused by accord (Why says why)
)

// Result is one item's outcome.
type Result struct {
	Row         int     `json:"row"`
	Key         string  `json:"key"`
	Title       string  `json:"title"`
	Outcome     Outcome `json:"outcome"`
	Requirement string  `json:"requirement,omitempty"` // REQ-7
	Why         string  `json:"why,omitempty"`
}

// Report is what an import did, item by item, and what it could not map.
type Report struct {
	Source   Source    `json:"source"`
	Results  []Result  `json:"results"`
	Problems []Problem `json:"problems"`
}

// Count returns how many items had outcome o.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, x := range r.Results {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// Import writes items (from Parse) into project, each as a requirement
// tied to its item by a reference of system from. An item already
// referenced is compared with what the last import saw (the reference's
// Digest): unchanged, nothing is written; changed, its requirement is
// updated only if its revision is still the one the last import left
// (the reference's RecordRevision), else the item is a Conflict. Errors
// that concern one item are in its Result; the error returned stops the
// import (ctx without an actor, a store that fails).
func (im Importer) Import(ctx context.Context, project string, from Source, items []Item, problems []Problem) (Report, error) {
	rep := Report{Source: from, Results: []Result{}, Problems: slices.Clone(problems)}
	if rep.Problems == nil {
		rep.Problems = []Problem{}
	}
	// The project and the caller's access to it, once, before any item.
	if _, err := im.References.List(ctx, project, external.Filter{}, accord.PageQuery{Size: 1}); err != nil {
		return rep, err
	}
	clock := im.Clock
	if clock == nil {
		clock = accord.SystemClock()
	}
	for _, it := range items {
		res, err := im.one(ctx, project, string(from), it, clock.Now())
		if err != nil {
			switch accord.ErrorCode(err) {
			case accord.Invalid, accord.Conflict, accord.FailedPrecondition:
				res.Outcome, res.Why = Failed, err.Error()
			default:
				return rep, fmt.Errorf("row %d (%s): %w", it.Row, it.Key, err)
			}
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func (im Importer) one(ctx context.Context, project, system string, it Item, now time.Time) (Result, error) {
	res := Result{Row: it.Row, Key: it.Key, Title: it.Title}
	d := Draft{Title: it.Title, Description: it.Description, Priority: it.Priority, Owner: it.Owner, Labels: it.Labels, Source: system + " " + it.Key}
	digest := digestOf(it)
	ref, err := im.References.Find(ctx, project, system, it.Key)
	if accord.ErrorCode(err) == accord.NotFound {
		add := external.NewReference{Record: accord.Ref{Kind: "requirement", ID: "new"}, System: system, Key: it.Key,
			Content: external.Content{URL: it.URL, Title: it.Title, Status: it.Status, SyncedAt: &now, Digest: digest, RecordRevision: 1},
			Note:    "imported"}
		// A reference that would be refused is refused before its
		// requirement exists: through the API there is no unit of work to
		// take the requirement back, and a requirement without its
		// reference would be created again by the next import.
		if err := add.Validate(); err != nil {
			return res, err
		}
		rec, err := im.Requirements.Create(ctx, project, d)
		if err != nil {
			return res, err
		}
		res.Requirement = rec.Key
		add.Record.ID, add.RecordRevision = rec.Key, rec.Revision
		_, err = im.References.Add(ctx, project, add)
		res.Outcome = Created
		return res, err
	}
	if err != nil {
		return res, err
	}
	rec, cur, err := im.Requirements.Get(ctx, project, ref.Record.ID)
	if accord.ErrorCode(err) == accord.NotFound {
		res.Outcome, res.Why = Failed, fmt.Sprintf("its requirement (%s) was deleted in accord: restore it, or remove the reference to import the item anew", ref.Record.ID)
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Requirement = rec.Key
	if ref.Digest == digest {
		res.Outcome = Unchanged
		return res, nil
	}
	if rec.Revision != ref.RecordRevision {
		res.Outcome = Conflict
		res.Why = fmt.Sprintf("changed in %s and %s was edited in accord since the last import (revision %d, imported at %d): nothing overwritten", system, rec.Key, rec.Revision, ref.RecordRevision)
		if ref.SyncError != res.Why {
			c := ref.Content
			c.SyncError = res.Why
			_, err = im.References.Update(ctx, project, ref.ID, ref.Revision, c, "import conflict")
		}
		return res, err
	}
	if !sameDraft(cur, d) { // a new status there alone changes only the reference
		if rec, err = im.Requirements.Update(ctx, project, rec.ID, rec.Revision, d); err != nil {
			return res, err
		}
	}
	c := external.Content{URL: it.URL, Title: it.Title, Status: it.Status, SyncedAt: &now, Digest: digest, RecordRevision: rec.Revision}
	if c.URL == "" {
		c.URL = ref.URL
	}
	_, err = im.References.Update(ctx, project, ref.ID, ref.Revision, c, "imported again")
	res.Outcome = Updated
	return res, err
}

// digestOf is a hash of what an item says, to tell on the next import
// whether it changed there.
func digestOf(it Item) string {
	it.Row = 0 // moving in the file is no change
	b, _ := json.Marshal(it)
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// sameDraft reports whether the requirement already says what d says (an
// empty owner says nothing).
func sameDraft(cur, d Draft) bool {
	return cur.Title == d.Title && cur.Description == d.Description &&
		(d.Priority == "" || cur.Priority == d.Priority) && (d.Owner == "" || cur.Owner == d.Owner) &&
		slices.Equal(cur.Labels, d.Labels) // nil and empty alike
}
