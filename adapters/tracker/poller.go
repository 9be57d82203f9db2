package tracker

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accordhq/accord"
)

// StatusSink receives a tracker item's status change; *Sync is one.
type StatusSink interface {
	StatusChanged(ctx context.Context, project, system, key, status string, at time.Time) (Result, error)
}

var _ StatusSink = (*Sync)(nil)

// Poller reads the status of a project's items in a tracker without
// webhooks (PingCode) and reports changes through a Sync.
type Poller struct {
	Project   string
	Connector Connector
	// References lists the items to read; use the Sync's.
	References References
	// Sync receives each change read: a *Sync, or a wrapper that runs each
	// change as one unit of work.
	Sync StatusSink
	// Interval between rounds in Run (default one minute).
	Interval time.Duration
}

// Poll reads every referenced item once. It goes on past an item that
// fails (and returns the errors joined), but stops at a rate limit so the
// next round starts after the tracker's wait. Conflicts are recorded on the
// references and not returned.
func (p *Poller) Poll(ctx context.Context) error {
	if p.Connector == nil || p.References == nil || p.Sync == nil {
		return accord.Errorf(accord.FailedPrecondition, "poller: connector, references and sync are required")
	}
	system := p.Connector.System()
	refs, err := p.References.List(ctx, p.Project, system)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		st, err := p.Connector.Status(ctx, ref.Key)
		if err != nil {
			errs = append(errs, err)
			if KindOf(err) == RateLimited || ctx.Err() != nil {
				break
			}
			continue
		}
		if strings.EqualFold(st.Status, ref.Status) || (!ref.TrackerUpdated.IsZero() && !st.Updated.After(ref.TrackerUpdated)) {
			continue
		}
		if _, err := p.Sync.StatusChanged(ctx, p.Project, system, ref.Key, st.Status, st.Updated); err != nil && accord.ErrorCode(err) != accord.Conflict {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Run polls every Interval until ctx ends. Errors go to report (may be nil)
// and do not stop the loop; a rate limit delays the next round by the
// tracker's wait.
func (p *Poller) Run(ctx context.Context, report func(error)) error {
	interval := p.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	for {
		wait := interval
		if err := p.Poll(ctx); err != nil {
			if report != nil {
				report(err)
			}
			var e *Error
			if errors.As(err, &e) && e.Kind == RateLimited && e.RetryAfter > wait {
				wait = e.RetryAfter
			}
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}
