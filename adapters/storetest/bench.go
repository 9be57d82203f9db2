package storetest

import (
	"testing"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// benchRecords measures the same work on every engine: a get, the first
// page of a filtered list, an update, and the revisions of a record, over
// a project of 200 records where every record has 5 revisions.
func benchRecords[T, L any](b *testing.B, r Records[T], filtered func(project string) (accord.Page[L], error)) {
	const n = 200
	var ids []string
	for i := range n {
		rec, err := r.Create(ctx, r.first(r.New("bench", i)))
		if err != nil {
			b.Fatal(err)
		}
		for w := range 4 {
			if rec, err = r.Update(ctx, r.next(rec, w)); err != nil {
				b.Fatal(err)
			}
		}
		ids = append(ids, r.ID(rec))
	}
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := r.Get(ctx, "bench", ids[i%n]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("filtered_first_page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := filtered("bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update", func(b *testing.B) {
		b.ReportAllocs()
		cur, _ := r.Get(ctx, "bench", ids[0])
		for i := 0; b.Loop(); i++ {
			var err error
			if cur, err = r.Update(ctx, r.next(cur, i%writers)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("list_revisions", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := r.Revisions(ctx, "bench", ids[1+i%(n-1)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRequirementStore measures a requirement.Store; the filtered
// list asks for drafts with the label "w1" (every record has it).
func BenchmarkRequirementStore(b *testing.B, open func(b *testing.B) requirement.Store) {
	s := open(b)
	benchRecords(b, requirementRecords(s), func(p string) (accord.Page[requirement.Requirement], error) {
		return s.ListRequirements(ctx, p, requirement.Filter{Status: []requirement.Status{requirement.Draft}, Label: "w1"}, accord.PageQuery{Size: accord.DefaultPageSize})
	})
}

// BenchmarkContractStore measures a contract.Store on contract versions;
// the filtered list is of contracts by service.
func BenchmarkContractStore(b *testing.B, open func(b *testing.B) contract.Store) {
	s := open(b)
	for i := range 50 {
		c, v := newContract("bench", i)
		if _, err := s.CreateContract(ctx, c, firstVersion(v)); err != nil {
			b.Fatal(err)
		}
	}
	benchRecords(b, versionRecords(s), func(p string) (accord.Page[contract.Contract], error) {
		return s.ListContracts(ctx, p, contract.Filter{Text: "svc-1"}, accord.PageQuery{Size: accord.DefaultPageSize})
	})
}

// BenchmarkReviewStore measures a review.Store; the filtered list is of
// the reviews a participant takes part in.
func BenchmarkReviewStore(b *testing.B, open func(b *testing.B) review.Store) {
	s := open(b)
	benchRecords(b, reviewRecords(s), func(p string) (accord.Page[review.Review], error) {
		return s.ListReviews(ctx, p, review.Filter{Participant: "bob"}, accord.PageQuery{Size: accord.DefaultPageSize})
	})
}
