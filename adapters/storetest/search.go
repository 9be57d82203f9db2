package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/requirement"
)

// testRequirementSearch checks text search on requirements, as a list
// filter (creation order) and as a ranked search: on every engine the
// hits are exactly those requirement.Filter.Match selects and the order
// is requirement.Filter.Rank, then newest first, for Chinese, English and
// mixed text, two-character Chinese words, single characters, case
// differences and the LIKE wildcards % _ \ taken literally; a requirement
// whose text changes, or that is deleted, is found by its new text only.
func testRequirementSearch(t *testing.T, s requirement.Store) {
	held := map[string]requirement.Requirement{} // ID → as stored, live ones only
	var order []string                           // IDs in creation order
	create := func(project, title, background, description string) requirement.Requirement {
		i := len(order) + 1
		r := requirement.Requirement{ID: fmt.Sprintf("%s-search-%02d", project, i), Project: project, Status: requirement.Draft,
			Content: requirement.Content{Title: title, Background: background, Description: description, Priority: requirement.P2, Owner: "ann"},
			Stamp:   accord.NewStamp("alice", epoch)}
		got, err := s.CreateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: "alice", Time: epoch, Record: r})
		if err != nil {
			t.Fatalf("create %q: %v", title, err)
		}
		if project == "search" {
			held[got.ID], order = got, append(order, got.ID)
		}
		return got
	}
	edit := func(r requirement.Requirement, change func(*requirement.Requirement)) requirement.Requirement {
		next := r.Clone()
		change(&next)
		next.Stamp = r.Stamp.Next("bob", epoch.Add(time.Hour))
		got, err := s.UpdateRequirement(ctx, accord.Revision[requirement.Requirement]{Number: next.Revision, Kind: accord.RevisionEdited, Actor: "bob", Time: next.UpdatedAt, Record: next})
		if err != nil {
			t.Fatalf("update %s %q: %v", r.Key, r.Title, err)
		}
		held[got.ID] = got
		return got
	}

	refundFlow := create("search", "退款流程", "", "用户申请退款后，系统在三天内原路退回。")
	payAPI := create("search", "支付API 接入", "", "Payment gateway: 支付宝 and WeChat Pay.")
	refundPolicy := create("search", "Refund policy", "Customers ask for a REFUND within 30 days.", "see 退款")
	discount := create("search", "Discount 100% off", "", `coupon_code with back\slash path C:\tmp`)
	create("search", "Search orders", "full-text search in 中文 and English", "")
	invoice := create("search", "Invoice export", "", "失败时通过支付渠道通知")
	retry := create("search", "支付失败重试", "", "retry three times")
	renamed := create("search", "Old 退款 title", "", "退款 details")
	create("search", "Percent a%c and under_score", "", "")
	create("search", "What's new? O'Brien asks", "", `quotes ' and '' and \' and ?`)
	create("other", "退款流程", "", "another project's 退款 and 支付API: never found in search")

	queries := []string{"退款", "支付", "支付api", "支付API", "款", "流程", "REFUND", "refund", "Refund", "payment", "%", "100%", "_", "coupon_code",
		`\`, `back\slash`, `c:\t`, "a%c", "a_c", "x", "中文 and", "search", "pay", "不存在", "no such thing", "req-", "what's new?", "o'brien", "'", "''", `\'`, "?", "s new? o", refundFlow.Key, strings.ToLower(payAPI.Key)}

	check := func(stage string) {
		t.Helper()
		for _, text := range queries {
			f := requirement.Filter{Text: text}
			var listed, ranked []string
			for _, id := range order {
				if r, ok := held[id]; ok && f.Match(&r) {
					listed = append(listed, r.Key)
				}
			}
			var hits []requirement.Requirement
			for _, id := range order {
				if r, ok := held[id]; ok && f.Match(&r) {
					hits = append(hits, r)
				}
			}
			slices.SortStableFunc(hits, func(a, b requirement.Requirement) int {
				if c := cmp.Compare(f.Rank(&a), f.Rank(&b)); c != 0 {
					return c
				}
				return cmp.Compare(slices.Index(order, b.ID), slices.Index(order, a.ID)) // newest first
			})
			for _, r := range hits {
				ranked = append(ranked, r.Key)
			}
			for _, size := range []int{1, 2, 50} {
				if got := collect(t, size, func(q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
					return s.ListRequirements(ctx, "search", f, q)
				}); !slices.Equal(got, listed) {
					t.Errorf("%s: list with text %q (pages of %d): %v, want %v", stage, text, size, got, listed)
				}
				if got := collect(t, size, func(q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
					return s.SearchRequirements(ctx, "search", f, q)
				}); !slices.Equal(got, ranked) {
					t.Errorf("%s: search for %q (pages of %d): %v, want %v", stage, text, size, got, ranked)
				}
			}
		}
	}
	// The kit's own expectations hold on their own, so that a Match that
	// lost its meaning could not pass unnoticed.
	expect := func(stage, text string, want ...requirement.Requirement) {
		t.Helper()
		var keys []string
		for _, r := range want {
			keys = append(keys, r.Key)
		}
		got := collect(t, 50, func(q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
			return s.SearchRequirements(ctx, "search", requirement.Filter{Text: text}, q)
		})
		if !slices.Equal(got, keys) {
			t.Errorf("%s: search for %q: %v, want %v", stage, text, got, keys)
		}
	}

	check("as created")
	expect("as created", "退款", renamed, refundFlow, refundPolicy)
	expect("as created", "支付api", payAPI)
	expect("as created", "支付", retry, payAPI, invoice)
	expect("as created", "100%", discount)
	expect("as created", "不存在")

	// Text that changes, a title that loses the word, a deleted record.
	invoice = edit(invoice, func(r *requirement.Requirement) { r.Description = "Refunds are exported too" })
	renamed = edit(renamed, func(r *requirement.Requirement) { r.Title = "Renamed" })
	next := held[retry.ID].Clone()
	next.Stamp = next.Stamp.Tombstone("bob", epoch.Add(2*time.Hour), "duplicate")
	if err := s.DeleteRequirement(ctx, accord.Revision[requirement.Requirement]{Number: next.Revision, Kind: accord.RevisionDeleted, Actor: "bob", Time: next.UpdatedAt, Note: "duplicate", Record: next}); err != nil {
		t.Fatalf("delete %s %q: %v", retry.Key, retry.Title, err)
	}
	delete(held, retry.ID)

	check("after changes")
	expect("after changes", "支付", payAPI)
	expect("after changes", "退款", refundFlow, renamed, refundPolicy)
	expect("after changes", "refund", refundPolicy, invoice)

	// Combined with the other filters, and refused without a text or
	// with a foreign token.
	if got := collect(t, 50, func(q accord.PageQuery) (accord.Page[requirement.Requirement], error) {
		return s.SearchRequirements(ctx, "search", requirement.Filter{Text: "退款", Status: []requirement.Status{requirement.Approved}}, q)
	}); len(got) != 0 {
		t.Errorf("search for 退款 among approved requirements: %v, want none", got)
	}
	if _, err := s.SearchRequirements(ctx, "search", requirement.Filter{}, accord.PageQuery{Size: 10}); accord.ErrorCode(err) != accord.Invalid {
		t.Errorf("search without a text: %v, want invalid", err)
	}
	page, err := s.ListRequirements(ctx, "search", requirement.Filter{}, accord.PageQuery{Size: 1})
	if err != nil || page.NextPageToken == "" {
		t.Fatalf("list: %v", err)
	}
	if _, err := s.SearchRequirements(ctx, "search", requirement.Filter{Text: "退款"}, accord.PageQuery{Size: 1, Token: page.NextPageToken}); accord.ErrorCode(err) != accord.Invalid {
		t.Errorf("search with a list's page token: %v, want invalid", err)
	}
}

// collect reads every page of a listing of size n and returns the keys.
func collect(t *testing.T, size int, list func(accord.PageQuery) (accord.Page[requirement.Requirement], error)) []string {
	t.Helper()
	var keys []string
	q := accord.PageQuery{Size: size}
	for pages := 0; pages < 100; pages++ {
		page, err := list(q)
		if err != nil {
			t.Fatalf("page %d of %d: %v", pages+1, size, err)
		}
		for _, r := range page.Items {
			keys = append(keys, r.Key)
		}
		if page.NextPageToken == "" {
			return keys
		}
		q.Token = page.NextPageToken
	}
	t.Fatal("more than 100 pages")
	return nil
}
