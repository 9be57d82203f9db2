package plan

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/svc"
)

// EventMilestoneSlipped is published when a milestone's forecast passes
// its date or its remaining effort exceeds the capacity left before it.
const EventMilestoneSlipped = "plan.milestone_slipped"

// ScheduleRisks files the schedule risk of a slipping milestone in the
// risk register: once per milestone, its assessment updated on later
// slips whose numbers differ. changed is false when the register already
// had the risk with these numbers. adapters/link implements it over the
// risk domain.
type ScheduleRisks interface {
	RaiseScheduleRisk(ctx context.Context, project string, f Forecast) (riskKey string, changed bool, err error)
}

// Forecast is when a milestone's deliverables will be done at the pace the
// team has kept so far, and whether that is too late.
type Forecast struct {
	Milestone accord.Ref `json:"milestone"`
	Key       string     `json:"key"`
	Name      string     `json:"name"`
	Date      Date       `json:"date"`
	// Remaining is the effort of the deliverables not done, in
	// person-days; Throughput the effort done per working day so far.
	Remaining  float64 `json:"remaining"`
	Throughput float64 `json:"throughput"`
	// Forecast is the working day the remaining effort is done at that
	// pace; empty while nothing is done yet.
	Forecast Date `json:"forecast,omitempty"`
	// Capacity is the person-days the iterations give before the date.
	Capacity float64 `json:"capacity"`
	Slipped  bool    `json:"slipped"`
	// Working says how the numbers were reached, in words.
	Working string `json:"working"`
	// Risk is the register key of the schedule risk a slip raised.
	Risk string `json:"risk,omitempty"`
}

// maxForecastDays bounds a forecast: about ten years of working days.
const maxForecastDays = 2600

// addWorkingDays returns the working day n working days after t.
func addWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// ForecastMilestone forecasts one milestone. Throughput is the effort done
// in the project's iterations divided by the working days they have run
// (up to today); capacity counts the iterations' person-days from today to
// the milestone's date. Errors: Invalid, NotFound, and the Estimator's.
func (s *Service) ForecastMilestone(ctx context.Context, project, id string) (Forecast, error) {
	m, err := s.GetMilestone(ctx, project, id)
	if err != nil {
		return Forecast{}, err
	}
	progress, err := s.MilestoneProgress(ctx, project, m.ID)
	if err != nil {
		return Forecast{}, err
	}
	its, err := svc.All(ctx, project, IterationFilter{}, s.store.ListIterations)
	if err != nil {
		return Forecast{}, err
	}
	now := s.clock.Now()
	today := Date(now.Format(time.DateOnly))
	done, ran, capacity := 0.0, 0, 0.0
	for _, it := range its {
		for _, item := range it.Items {
			if item.State != Done {
				continue
			}
			est, err := s.Estimate(ctx, project, item)
			if err != nil {
				return Forecast{}, err
			}
			done += est.Days
		}
		if it.Start <= today {
			ran += workingDays(it.Start, min(it.End, today))
		}
		if it.Status == Closed {
			continue
		}
		// The capacity left before the date: the working days of the
		// iteration after today and up to the milestone, pro rata.
		from, to := max(it.Start, nextDay(today)), min(it.End, m.Date)
		if total := workingDays(it.Start, it.End); from <= to && total > 0 {
			capacity += it.PersonDays() * float64(workingDays(from, to)) / float64(total)
		}
	}
	f := Forecast{Milestone: m.Ref(), Key: m.Key, Name: m.Name, Date: m.Date, Remaining: progress.Total.Days - progress.Done.Days, Capacity: capacity}
	if ran > 0 {
		f.Throughput = done / float64(ran)
	}
	working := fmt.Sprintf("%s person-days remain of %s's deliverables; the team has done %s person-days in %d working days (%s a day)",
		days(f.Remaining), m.Key, days(done), ran, days(f.Throughput))
	switch {
	case f.Remaining <= 0:
		f.Forecast = today
		working += "; nothing remains"
	case f.Throughput > 0:
		// Ten years of working days is as far as a forecast means anything.
		n := math.Min(math.Ceil(f.Remaining/f.Throughput), maxForecastDays)
		f.Forecast = Date(addWorkingDays(now, int(n)).Format(time.DateOnly))
		if n == maxForecastDays {
			working += fmt.Sprintf(", so they are done after %s at the earliest", f.Forecast)
		} else {
			working += fmt.Sprintf(", so they are done on %s", f.Forecast)
		}
		if f.Forecast > m.Date {
			f.Slipped = true
			working += fmt.Sprintf(", after the milestone's %s", m.Date)
		}
	default:
		working += ": no pace to forecast from yet"
	}
	working += fmt.Sprintf("; the iterations give %s person-days before %s", days(capacity), m.Date)
	if f.Remaining > capacity && f.Remaining > 0 {
		f.Slipped = true
		working += ", less than remains"
	}
	f.Working = working + "."
	return f, nil
}

func nextDay(d Date) Date {
	t, ok := d.Time()
	if !ok {
		return d
	}
	return Date(t.AddDate(0, 0, 1).Format(time.DateOnly))
}

// CheckSlips forecasts every milestone of the project not yet past. For
// each that slips it raises (or updates) the schedule risk in the register
// when the Service has ScheduleRisks, and publishes EventMilestoneSlipped
// with the numbers; a slip whose numbers the register already has is not
// announced again, so it is safe to call from a schedule (the reference
// server does, hourly) as well as after a change to the plan. Errors: Unauthenticated, Invalid, and those of the forecasts and
// the register.
func (s *Service) CheckSlips(ctx context.Context, project string) ([]Forecast, error) {
	actor, err := s.guard.Begin(ctx, project, accord.PermRecordWrite)
	if err != nil {
		return nil, err
	}
	ms, err := svc.All(ctx, project, struct{}{}, func(ctx context.Context, project string, _ struct{}, q accord.PageQuery) (accord.Page[Milestone], error) {
		return s.store.ListMilestones(ctx, project, q)
	})
	if err != nil {
		return nil, err
	}
	today := Date(s.clock.Now().Format(time.DateOnly))
	var out []Forecast
	for _, m := range ms {
		if m.Date < today {
			continue
		}
		f, err := s.ForecastMilestone(ctx, project, m.ID)
		if err != nil {
			return out, err
		}
		if f.Slipped {
			changed := true
			if s.risks != nil {
				if f.Risk, changed, err = s.risks.RaiseScheduleRisk(ctx, project, f); err != nil {
					return out, err
				}
			}
			if !changed {
				out = append(out, f)
				continue // announced already, with these numbers
			}
			summary := fmt.Sprintf("%s %s may slip: %s", m.Key, m.Name, f.Working)
			if f.Risk != "" {
				summary += " Schedule risk " + f.Risk + "."
			}
			s.milestones.Publish(ctx, project, m, actor, EventMilestoneSlipped, "%s", summary)
		}
		out = append(out, f)
	}
	return out, nil
}
