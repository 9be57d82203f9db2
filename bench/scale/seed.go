package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
)

// benchActor is the member every seeded project has, as admin: the
// reads run as it.
var benchActor = accord.Actor{ID: "bench", Name: "Scale benchmark", Roles: []string{"admin"}}

// bigProject is the key of the project of -size requirements.
const bigProject = "big"

// shape is what the seed holds: the big project and the rest.
type shape struct {
	Big       int // requirements of the big project
	Projects  int // projects in all, the big one included
	Others    int // requirements of the other projects, in all
	LinksPer  int // links from each requirement to earlier ones
	Revisions int // revisions per requirement, on average
	HubLinks  int // links to REQ-1 of the big project (the change request's impact)
}

// shapeFor scales the full size (1,000 projects, 1,000,000 requirements
// of which 200,000 in one project, 3 links and 5 revisions per
// requirement) to a big project of big requirements.
func shapeFor(big int) shape {
	f := float64(big) / 200_000
	s := shape{Big: big, Projects: max(2, int(1000*f+0.5)), Others: int(800_000 * f), LinksPer: 3, Revisions: 5, HubLinks: min(1000, big-1)}
	return s
}

// parseSize reads -size: 10k, 100k, full, or a number of requirements.
func parseSize(s string) (int, error) {
	switch s {
	case "10k":
		return 10_000, nil
	case "100k":
		return 100_000, nil
	case "200k", "full":
		return 200_000, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 2 {
		return 0, fmt.Errorf("-size %q: want 10k, 100k, full or a number of requirements of at least 2", s)
	}
	return n, nil
}

// projectKey is the key of the i-th project: the big one first.
func projectKey(i int) string {
	if i == 0 {
		return bigProject
	}
	return fmt.Sprintf("p%04d", i)
}

// requirementsOf is how many requirements project i holds.
func (s shape) requirementsOf(i int) int {
	if i == 0 {
		return s.Big
	}
	n := s.Others / (s.Projects - 1)
	if i <= s.Others%(s.Projects-1) {
		n++
	}
	return max(n, 2)
}

// Titles: one in 50 English titles has "refund", one in 50 Chinese ones
// "退款"; the searches look for those words.
var (
	enWords = []string{"order", "invoice", "payment", "shipment", "account", "report", "export", "audit", "login", "search",
		"cart", "coupon", "review", "catalog", "stock", "price", "tax", "receipt", "profile", "address",
		"notify", "schedule", "approve", "archive", "import", "billing", "ledger", "discount", "return", "delivery",
		"warehouse", "supplier", "contract", "budget", "forecast", "dashboard", "webhook", "token", "session", "role",
		"member", "project", "milestone", "release", "backup", "restore", "quota", "limit", "alert", "refund"}
	zhWords = []string{"订单", "发票", "支付", "发货", "账户", "报表", "导出", "审计", "登录", "搜索",
		"购物车", "优惠券", "评审", "目录", "库存", "价格", "税费", "收据", "资料", "地址",
		"通知", "排期", "审批", "归档", "导入", "计费", "账本", "折扣", "退货", "配送",
		"仓库", "供应商", "合同", "预算", "预测", "看板", "回调", "令牌", "会话", "角色",
		"成员", "项目", "里程碑", "发布", "备份", "恢复", "配额", "限额", "告警", "退款"}
	statuses = []requirement.Status{requirement.Draft, requirement.InReview, requirement.Approved,
		requirement.InDevelopment, requirement.InTesting, requirement.Accepted}
	roles = []trace.Role{trace.DerivesFrom, trace.RelatesTo, trace.Refines, trace.Implements, trace.Verifies}
)

// mix is a cheap deterministic hash of a record's number.
func mix(a, b int) int {
	x := uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)*0xC2B2AE3D27D4EB4F
	x ^= x >> 31
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 29
	return int(x & 0x7fffffffffffffff)
}

func content(i, rev int) requirement.Content {
	w := mix(i, 1) % len(enWords)
	v := mix(i, 2) % len(enWords)
	c := requirement.Content{Priority: requirement.DefaultPriority, Owner: benchActor.ID}
	if i%2 == 0 {
		c.Title = fmt.Sprintf("%s the %s of a customer (%d)", capital(enWords[w]), enWords[v], i)
		c.Description = fmt.Sprintf("As a clerk I %s every %s before the %s closes; revision %d.", enWords[v], enWords[w], enWords[(w+v)%len(enWords)], rev)
	} else {
		c.Title = fmt.Sprintf("客户的%s与%s(%d)", zhWords[w], zhWords[v], i)
		c.Description = fmt.Sprintf("作为店员,我在%s结束前处理每一笔%s;第%d版。", zhWords[(w+v)%len(zhWords)], zhWords[w], rev)
	}
	c.Labels = []string{enWords[mix(i, 3)%len(enWords)]}
	return c
}

func capital(s string) string { return string(s[0]-'a'+'A') + s[1:] }

// revisionsOf is how many revisions requirement i has: 1 to 2*avg-1,
// avg on average.
func (s shape) revisionsOf(i int) int {
	if s.Revisions <= 1 {
		return 1
	}
	return 1 + mix(i, 4)%(2*s.Revisions-1)
}

// statusOf is the status requirement i ends in.
func (s shape) statusOf(i int) requirement.Status {
	if s.revisionsOf(i) == 1 {
		return requirement.Draft
	}
	return statuses[mix(i, 5)%len(statuses)]
}

// editable returns the number of a requirement of a project of n that
// its status lets be edited directly, picked by k: 2 or more (REQ-1 of
// the big project is the change request's).
func (s shape) editable(k, n int) int {
	for j := 0; ; j++ {
		i := 2 + mix(k, 7+j)%(n-1)
		if !s.statusOf(i).Locked() {
			return i
		}
	}
}

var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// document generates project p's transfer document: its requirements
// with their revisions, links to earlier requirements (REQ-1 of the big
// project the target of HubLinks of them) and, in the big project, one
// change request proposing a new REQ-1.
func (s shape) document(p int) transfer.Document {
	key := projectKey(p)
	n := s.requirementsOf(p)
	t0 := epoch.Add(time.Duration(p) * time.Hour)
	pr := project.Project{Key: key, Name: "Scale project " + key,
		Members: []project.Member{{Actor: benchActor.ID, Roles: []string{"admin"}, AddedAt: t0, AddedBy: benchActor.ID}},
		Stamp:   accord.NewStamp(benchActor.ID, t0)}
	d := transfer.Document{Format: transfer.Format, Exported: time.Now().UTC(),
		Project:      []accord.Revision[project.Project]{{Number: 1, Kind: accord.RevisionCreated, Actor: benchActor.ID, Time: t0, Record: pr}},
		Requirements: make([][]accord.Revision[requirement.Requirement], 0, n)}
	type head struct {
		id  string
		rev int
	}
	heads := make([]head, n+1)
	for i := 1; i <= n; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		r := requirement.Requirement{ID: accord.NewID(at), Project: key, Key: requirement.KeyOf(i), Status: requirement.Draft,
			Content: content(i, 1), Stamp: accord.NewStamp(benchActor.ID, at)}
		revs := make([]accord.Revision[requirement.Requirement], 0, s.revisionsOf(i))
		revs = append(revs, accord.Revision[requirement.Requirement]{Number: 1, Kind: accord.RevisionCreated, Actor: benchActor.ID, Time: at, Record: r})
		last := s.revisionsOf(i)
		for k := 2; k <= last; k++ {
			at = at.Add(time.Minute)
			r.Stamp = r.Stamp.Next(benchActor.ID, at)
			kind := accord.RevisionEdited
			if k == last {
				kind = accord.RevisionTransitioned
				r.Status = s.statusOf(i)
			} else {
				r.Content = content(i, k)
			}
			revs = append(revs, accord.Revision[requirement.Requirement]{Number: k, Kind: kind, Actor: benchActor.ID, Time: at, Record: r})
		}
		heads[i] = head{r.ID, r.Revision}
		d.Requirements = append(d.Requirements, revs)
	}
	lt := t0.Add(time.Duration(n+1) * time.Second)
	for i := 2; i <= n; i++ {
		for k := 0; k < min(s.LinksPer, i-1); k++ {
			j := 1 + mix(i, 10+k)%(i-1)
			if k == 0 && p == 0 && i <= s.HubLinks+1 {
				j = 1
			} else if j == 1 && p == 0 {
				j = 2 // REQ-1 of the big project has exactly HubLinks links to it
			}
			if j == i {
				continue
			}
			lt = lt.Add(time.Millisecond)
			l := trace.Link{ID: accord.NewID(lt), Project: key,
				From: accord.Ref{Kind: requirement.RefKind, ID: heads[i].id}, To: accord.Ref{Kind: requirement.RefKind, ID: heads[j].id},
				Role: roles[k%len(roles)], Origin: trace.Manual, TargetRevision: heads[j].rev, Status: trace.Current, Stamp: accord.NewStamp(benchActor.ID, lt)}
			d.Links = append(d.Links, []accord.Revision[trace.Link]{{Number: 1, Kind: accord.RevisionCreated, Actor: benchActor.ID, Time: lt, Record: l}})
		}
	}
	if p == 0 {
		hub := d.Requirements[0][len(d.Requirements[0])-1].Record
		proposed := hub.Content.Clone()
		proposed.Title = "Refund the order of a customer within a day"
		proposed.Description = "Changed: the refund is made within one working day."
		lt = lt.Add(time.Second)
		cr := requirement.ChangeRequest{ID: accord.NewID(lt), Project: key, RequirementID: hub.ID, BaseRevision: hub.Revision,
			Proposed: proposed, Reason: "Customers wait too long", State: requirement.ChangeProposed, Stamp: accord.NewStamp(benchActor.ID, lt)}
		d.ChangeRequests = [][]accord.Revision[requirement.ChangeRequest]{{{Number: 1, Kind: accord.RevisionCreated, Actor: benchActor.ID, Time: lt, Record: cr}}}
	}
	return d
}

// counts is what a document holds.
func counts(d transfer.Document) (reqs, revs, links int) {
	for _, r := range d.Requirements {
		revs += len(r)
	}
	return len(d.Requirements), revs, len(d.Links)
}

// seedResult is what seeding took.
type seedResult struct {
	BigImport    time.Duration // the big project's import alone
	Total        time.Duration
	Requirements int
	Revisions    int
	Links        int
}

// seed generates every project's document and imports it through
// transfer.Import, each in one unit of work, parallel workers at a time
// (the big project first and alone, so its time is its own).
func seed(ctx context.Context, st *sqlstore.Stores, s shape, parallel int, progress func(string)) (seedResult, error) {
	var res seedResult
	var mu sync.Mutex
	start := time.Now()
	importOne := func(p int) (time.Duration, error) {
		d := s.document(p)
		r, v, l := counts(d)
		t := time.Now()
		err := st.Atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, st.Stores, d) })
		if err != nil {
			return 0, fmt.Errorf("importing project %s (%d requirements): %w", projectKey(p), r, err)
		}
		took := time.Since(t)
		mu.Lock()
		res.Requirements += r
		res.Revisions += v
		res.Links += l
		mu.Unlock()
		return took, nil
	}
	took, err := importOne(0)
	if err != nil {
		return res, err
	}
	res.BigImport = took
	progress(fmt.Sprintf("imported project %s: %d requirements in %s", bigProject, s.Big, took.Round(time.Millisecond)))
	next := make(chan int)
	errs := make(chan error, parallel)
	var wg sync.WaitGroup
	var done int
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				if _, err := importOne(p); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				done++
				if done%50 == 0 {
					progress(fmt.Sprintf("imported %d of %d other projects (%s)", done, s.Projects-1, time.Since(start).Round(time.Second)))
				}
				mu.Unlock()
			}
		}()
	}
	var failed error
feed:
	for p := 1; p < s.Projects; p++ {
		select {
		case next <- p:
		case failed = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if failed == nil {
		select {
		case failed = <-errs:
		default:
		}
	}
	res.Total = time.Since(start)
	return res, failed
}
