package retro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/retro"
)

// big is a retrospective with 300 items, 40 groups and 2,000 votes.
func big() retro.Retro {
	r := retro.Retro{Key: "RETRO-9", Title: "Quarter", Series: "q", Facilitator: "alice", Columns: retro.BuiltinTemplates()[0].Columns,
		Phase: retro.Discussing, Stamp: accord.NewStamp("alice", t0)}
	for i := range 300 {
		r.Items = append(r.Items, retro.Item{ID: fmt.Sprintf("I%03d", i), Column: r.Columns[i%3].ID, Text: fmt.Sprintf("card number %d about reviews", i), Author: fmt.Sprintf("p%02d", i%30)})
	}
	for g := range 40 {
		grp := retro.Group{ID: fmt.Sprintf("G%02d", g), Title: fmt.Sprintf("theme %d", g)}
		for i := g; i < 300; i += 40 {
			grp.Items = append(grp.Items, r.Items[i].ID)
			r.Items[i].Group = grp.ID
		}
		r.Groups = append(r.Groups, grp)
	}
	for v := range 2000 {
		target := r.Groups[(v*7)%40].ID
		if v%3 == 0 {
			target = r.Items[(v*13)%300].ID
		}
		r.Votes = append(r.Votes, retro.Vote{Target: target, Voter: fmt.Sprintf("p%02d", v%30)})
	}
	for a := range 20 {
		r.Actions = append(r.Actions, retro.Action{Action: accord.Action{ID: fmt.Sprint(a), Title: "do better", Owner: "bob", Status: accord.ActionOpen}, Carried: a % 4})
	}
	return r
}

func BenchmarkSummary(b *testing.B) {
	r := big()
	b.ReportAllocs()
	for b.Loop() {
		if md := retro.Markdown(r); len(md) == 0 {
			b.Fatal("empty")
		}
	}
}

func BenchmarkResults(b *testing.B) {
	r := big()
	b.ReportAllocs()
	for b.Loop() {
		if res := retro.Results(r); len(res) != 340 {
			b.Fatal(len(res))
		}
	}
}

// BenchmarkFloorJSON is the floor the two above are read against: encoding
// the same retrospective as JSON, which every GET of it pays anyway.
func BenchmarkFloorJSON(b *testing.B) {
	r := big()
	b.ReportAllocs()
	for b.Loop() {
		if raw, err := json.Marshal(r); err != nil || len(raw) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkVote casts votes in a retrospective with 60 cards, named and
// anonymous: the anonymous one also reads and writes its Private part with
// every vote (memory store).
func BenchmarkVote(b *testing.B) {
	for _, anonymous := range []bool{false, true} {
		b.Run(fmt.Sprintf("anonymous=%v", anonymous), func(b *testing.B) {
			svc, err := retro.NewService(retro.Options{Store: memory.NewRetroStore()})
			if err != nil {
				b.Fatal(err)
			}
			admin := accord.WithActor(context.Background(), accord.Actor{ID: "fac", Roles: []string{accord.RoleAdmin}}) // settings are an admin's
			if _, err := svc.UpdateSettings(admin, "shop", 0, retro.Settings{VotesPerPerson: 100, VotesPerTarget: 100}); err != nil {
				b.Fatal(err)
			}
			r, err := svc.Create(as("fac"), "shop", retro.NewRetro{Title: "Sprint", Series: "s", Anonymous: anonymous})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 60 {
				if r, err = svc.AddItem(as(fmt.Sprintf("p%02d", i%20)), "shop", r.Key, retro.ItemInput{Column: "well", Text: fmt.Sprintf("card %d", i)}); err != nil {
					b.Fatal(err)
				}
			}
			for _, to := range []retro.Phase{retro.Grouping, retro.Voting} {
				if _, err := svc.Transition(as("fac"), "shop", r.Key, 0, retro.TransitionInput{To: to}); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			for b.Loop() {
				// A fresh voter every 100 votes keeps every vote within the limits.
				if _, err := svc.Vote(as(fmt.Sprintf("v%d", i/100)), "shop", r.Key, r.Items[i%60].ID); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
