package sqlite_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/retro"
)

// An anonymous retrospective opened before the private part existed has
// its pseudonym secret alone, in hex, in accord_secrets: it is read as a
// private part with that secret, the retrospective takes input, and
// closing it erases the row.
func TestRetroSecretWrittenBeforeThePrivatePart(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	r := retro.Retro{ID: "R1", Project: "shop", Title: "Old", Series: "q", Facilitator: "fac", Template: "went_well",
		Columns: retro.BuiltinTemplates()[0].Columns, Anonymous: true, Phase: retro.Collecting, Stamp: accord.NewStamp("fac", t0)}
	if _, err := s.Retros.CreateRetro(ctx, accord.Revision[retro.Retro]{Number: 1, Kind: accord.RevisionCreated, Actor: "fac", Time: t0, Record: r}); err != nil {
		t.Fatal(err)
	}
	secret := bytes.Repeat([]byte{7}, 32)
	if _, err := s.DB.ExecContext(ctx, "INSERT INTO accord_secrets (kind, project, id, secret) VALUES ('retro', 'shop', 'R1', ?)", hex.EncodeToString(secret)); err != nil {
		t.Fatal(err)
	}
	p, err := s.Retros.GetPrivate(ctx, "shop", "R1")
	if err != nil || !bytes.Equal(p.Secret, secret) {
		t.Fatalf("the secret of an earlier version read as %x (%v), want %x", p.Secret, err, secret)
	}
	svc, err := retro.NewService(retro.Options{Store: s.Retros})
	if err != nil {
		t.Fatal(err)
	}
	bob := accord.WithActor(ctx, accord.Actor{ID: "bob"})
	if _, err := svc.AddItem(bob, "shop", "R1", retro.ItemInput{Column: "well", Text: "fast reviews"}); err != nil {
		t.Fatalf("a card on the retrospective of an earlier version: %v", err)
	}
	fac := accord.WithActor(ctx, accord.Actor{ID: "fac"})
	for _, to := range []retro.Phase{retro.Grouping, retro.Voting, retro.Discussing, retro.Closed} {
		if _, err := svc.Transition(fac, "shop", "R1", 0, retro.TransitionInput{To: to}); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM accord_secrets WHERE kind = 'retro'").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d private part(s) left after the close (%v), want none", n, err)
	}
}
