package watch

import (
	"context"

	"github.com/accordhq/accord"
)

// Store keeps watches, each person's read mark per project, and reads the
// event log. The rules are those of every accord store.
type Store interface {
	// CreateWatch stores a watch. Conflict if the person watches the
	// target already.
	CreateWatch(ctx context.Context, first accord.Revision[Watch]) (Watch, error)
	GetWatch(ctx context.Context, project, id string) (Watch, error)
	DeleteWatch(ctx context.Context, project, id string) error
	// ListWatches returns one page of a person's watches in the project.
	ListWatches(ctx context.Context, project, actor string, q accord.PageQuery) (accord.Page[Watch], error)

	// ReadMark returns how far the person has read the project's log (0:
	// nothing yet); SetReadMark moves it, never back.
	ReadMark(ctx context.Context, project, actor string) (int64, error)
	SetReadMark(ctx context.Context, project, actor string, seq int64) error

	// Log returns up to limit of the project's events after seq, oldest
	// first.
	Log(ctx context.Context, project string, after int64, limit int) ([]Entry, error)
}

// Name is what makes a watch unique: one per person and target.
func Name(actor string, target accord.Ref) string { return actor + " " + target.String() }
