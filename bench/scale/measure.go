package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/transfer"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/trace"
	"github.com/accordhq/accord/webhook"
)

// row is one line of the table.
type row struct {
	Operation string        `json:"operation"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	N         int           `json:"n"`
	Goal      string        `json:"goal"`
	Met       string        `json:"met"` // yes, no, or "-" for figures reported without a goal
	Note      string        `json:"note,omitempty"`
}

// results is everything one run measured.
type results struct {
	Engine string      `json:"engine"`
	Size   string      `json:"size"`
	Shape  shape       `json:"shape"`
	Seed   *seedResult `json:"seed,omitempty"` // nil with -reuse
	Rows   []row       `json:"rows"`
	RSS    rss         `json:"rss_after_reads"`
	RSSEnd rss         `json:"rss_at_end"`
}

// rss is the process's resident memory from /proc/self/status.
type rss struct {
	HWM int64 `json:"vm_hwm_kb"` // the peak since the process started
	RSS int64 `json:"vm_rss_kb"`
}

func readRSS() rss {
	var r rss
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return r
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmHWM":
			r.HWM = kb
		case "VmRSS":
			r.RSS = kb
		}
	}
	return r
}

// sample times fn n times and returns p50 and p99.
func sample(n int, fn func(i int) error) (p50, p99 time.Duration, err error) {
	d := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(i); err != nil {
			return 0, 0, err
		}
		d = append(d, time.Since(t))
	}
	p50, p99 = percentiles(d)
	return p50, p99, nil
}

// percentiles returns the p50 and p99 of d (nearest rank).
func percentiles(d []time.Duration) (time.Duration, time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(d))+0.999999) - 1
		return d[max(0, min(i, len(d)-1))]
	}
	return rank(0.50), rank(0.99)
}

// goalRow makes a row whose p99 must be at most goal.
func goalRow(op string, p50, p99 time.Duration, n int, goal time.Duration, note string) row {
	r := row{Operation: op, P50: p50, P99: p99, N: n, Goal: "p99 ≤ " + goal.String(), Met: "no", Note: note}
	if goal == 0 {
		r.Goal, r.Met = "reported (growth)", "-"
	} else if p99 <= goal {
		r.Met = "yes"
	}
	return r
}

func measureReads(ctx context.Context, res *results, st *sqlstore.Stores, services link.Services, reports report.Reports, s shape, n, slowN int) error {
	reqs := services.Requirements
	big := s.Big
	add := func(op string, goal time.Duration, k int, note string, fn func(i int) error) error {
		p50, p99, err := sample(k, fn)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		res.Rows = append(res.Rows, goalRow(op, p50, p99, k, goal, note))
		return nil
	}
	if err := add("get requirement by key", 50*time.Millisecond, n, "", func(i int) error {
		key := requirementKey(i, big)
		r, err := reqs.Get(ctx, bigProject, key)
		if err == nil && r.Key != key {
			err = fmt.Errorf("asked for %s, got %s %s", key, r.Key, r.Title)
		}
		return err
	}); err != nil {
		return err
	}
	if err := add("first page by status (approved)", 50*time.Millisecond, n, "", func(i int) error {
		p, err := reqs.List(ctx, bigProject, requirement.Filter{Status: []requirement.Status{requirement.Approved}}, accord.PageQuery{Size: 50})
		if err == nil && len(p.Items) == 0 {
			err = fmt.Errorf("no approved requirement in project %s", bigProject)
		}
		return err
	}); err != nil {
		return err
	}
	for _, q := range []struct{ op, text string }{{"search, English (\"refund\")", "refund"}, {"search, Chinese (\"退款\")", "退款"}} {
		var found int
		if err := add(q.op, 20*time.Millisecond, n, "", func(i int) error {
			p, err := reqs.List(ctx, bigProject, requirement.Filter{Text: q.text}, accord.PageQuery{Size: 50})
			found = len(p.Items)
			return err
		}); err != nil {
			return err
		}
		if found == 0 {
			return fmt.Errorf("%s found nothing in project %s", q.op, bigProject)
		}
		res.Rows[len(res.Rows)-1].Note = fmt.Sprintf("first page: %d", found)
	}
	for _, q := range []struct{ op, text string }{{"ranked search, English (\"refund\")", "refund"}, {"ranked search, Chinese (\"退款\")", "退款"}, {"ranked search, English, pages 1 and 2", "refund"}} {
		var found int
		if err := add(q.op, 20*time.Millisecond, n, "", func(i int) error {
			p, err := reqs.Search(ctx, bigProject, requirement.Filter{Text: q.text}, accord.PageQuery{Size: 50})
			if err == nil && strings.HasSuffix(q.op, "pages 1 and 2") {
				p, err = reqs.Search(ctx, bigProject, requirement.Filter{Text: q.text}, accord.PageQuery{Size: 50, Token: p.NextPageToken})
			}
			found = len(p.Items)
			return err
		}); err != nil {
			return err
		}
		if found == 0 {
			return fmt.Errorf("%s found nothing in project %s", q.op, bigProject)
		}
		res.Rows[len(res.Rows)-1].Note = fmt.Sprintf("page: %d; key or title hits first, then newest", found)
	}
	if err := add("search, no match (\"qzxv\": reads the whole project)", 20*time.Millisecond, n, "", func(i int) error {
		p, err := reqs.List(ctx, bigProject, requirement.Filter{Text: "qzxv"}, accord.PageQuery{Size: 50})
		if err == nil && len(p.Items) > 0 {
			err = fmt.Errorf("found %s %s, which has no qzxv", p.Items[0].Key, p.Items[0].Title)
		}
		return err
	}); err != nil {
		return err
	}
	if err := add("a requirement's links", 50*time.Millisecond, n, "", func(i int) error {
		r, err := st.Requirements.GetRequirementByKey(ctx, bigProject, requirementKey(i, big))
		if err != nil {
			return err
		}
		_, err = services.Traces.List(ctx, bigProject, trace.Filter{Record: r.Ref()}, accord.PageQuery{Size: 100})
		return err
	}); err != nil {
		return err
	}
	hub, err := st.Requirements.GetRequirementByKey(ctx, bigProject, requirement.KeyOf(1))
	if err != nil {
		return err
	}
	crs, err := st.Requirements.ListChangeRequests(ctx, bigProject, hub.ID)
	if err != nil || len(crs) == 0 {
		return fmt.Errorf("the change request on %s %s of project %s is missing (%v)", hub.Key, hub.Title, bigProject, err)
	}
	var linked int
	if err := add(fmt.Sprintf("impact of a change request (%d links)", s.HubLinks), 50*time.Millisecond, max(5, n/10), "", func(i int) error {
		im, err := reports.Impacts.Of(ctx, bigProject, crs[0].Ref())
		linked = len(im.Links)
		return err
	}); err != nil {
		return err
	}
	if linked != s.HubLinks {
		return fmt.Errorf("impact of the change request on %s %s: %d links, want %d", hub.Key, hub.Title, linked, s.HubLinks)
	}
	if slowN == 0 {
		return nil // -slow-n 0: no progress report, no export
	}
	since := time.Now().Add(-7 * 24 * time.Hour)
	if err := add("progress report", 0, slowN, "", func(i int) error {
		_, err := reports.Progress(ctx, bigProject, since)
		return err
	}); err != nil {
		return err
	}
	// Streamed as the server's GET …/export and `accord export` do: a
	// page of records at a time into a writer that only counts.
	var size int64
	before := readRSS()
	if err := add("export of the big project", 0, slowN, "", func(i int) error {
		var b countingWriter
		if err := transfer.Write(ctx, &b, st.Stores, bigProject, time.Now().UTC(), transfer.Layout{}); err != nil {
			return err
		}
		size = int64(b)
		return nil
	}); err != nil {
		return err
	}
	after := readRSS()
	// VmHWM is the peak so far: if the export raised it, by how much.
	res.Rows[len(res.Rows)-1].Note = fmt.Sprintf("%.1f MB of JSON streamed (transfer.Write); VmRSS before it %d MB, after it %d MB; VmHWM before it %d MB, after it %d MB",
		float64(size)/1e6, before.RSS/1024, after.RSS/1024, before.HWM/1024, after.HWM/1024)
	return nil
}

type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

// deliveries follows events from their commit to their delivery to every
// subscription that wants them. A relay may deliver an event before the
// writer that committed it has returned: its deliveries are kept and
// counted from the commit once that is known (a lag of at least zero).
type deliveries struct {
	mu        sync.Mutex
	committed map[string]time.Time   // event ID → commit, zero until the writer returned
	remaining map[string]int         // event ID → deliveries still to come
	got       map[string][]time.Time // event ID → its deliveries
	last      time.Time
	want      map[string]int // project → subscriptions
}

// expect notes an event published inside a unit of work not yet committed.
func (d *deliveries) expect(id, project string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n := d.want[project]; n > 0 {
		d.committed[id] = time.Time{}
		d.remaining[id] = n
	}
}

// commit notes that the events were committed at at; forget, that their
// unit of work rolled back.
func (d *deliveries) commit(ids []string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range ids {
		if _, ok := d.committed[id]; ok {
			d.committed[id] = at
		}
	}
}

func (d *deliveries) forget(ids []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range ids {
		delete(d.committed, id)
		delete(d.remaining, id)
		delete(d.got, id)
	}
}

func (d *deliveries) deliver(id string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.committed[id]; !ok {
		return
	}
	d.got[id] = append(d.got[id], at)
	d.last = at
	if d.remaining[id]--; d.remaining[id] <= 0 {
		delete(d.remaining, id)
	}
}

// lags is every delivery's time from its event's commit.
func (d *deliveries) lags() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []time.Duration
	for id, c := range d.committed {
		for _, at := range d.got[id] {
			out = append(out, max(0, at.Sub(c)))
		}
	}
	return out
}

// oldest is the age of the oldest committed event not yet delivered
// everywhere.
func (d *deliveries) oldest(now time.Time) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	var age time.Duration
	for id := range d.remaining {
		if c := d.committed[id]; !c.IsZero() {
			age = max(age, now.Sub(c))
		}
	}
	return age
}

func (d *deliveries) pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.remaining)
}

func (d *deliveries) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.committed, d.remaining, d.got = map[string]time.Time{}, map[string]int{}, map[string][]time.Time{}
}

// measureEvents subscribes c.hooks webhooks, one per project round the
// projects (the big one first), to a receiver on loopback, runs real
// webhook.Dispatcher relays over the outbox, and changes requirements of
// the subscribed projects: first c.burst events as fast as one writer per
// CPU commits them (throughput, commit to the last delivery), then
// c.rate events a second for c.duration (each delivery's lag and the
// oldest undelivered event's age, sampled every 10 ms).
func measureEvents(ctx context.Context, res *results, st *sqlstore.Stores, services link.Services, authz *project.Service, s shape, c config) error {
	d := &deliveries{want: map[string]int{}}
	d.reset()
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e struct {
			ID string `json:"id"`
		}
		b, _ := io.ReadAll(r.Body)
		if json.Unmarshal(b, &e) == nil && e.ID != "" {
			d.deliver(e.ID, time.Now())
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	hooks, err := webhook.NewService(webhook.Options{Store: st.Webhooks, Allow: []string{"127.0.0.1/32"}, Authorizer: authz})
	if err != nil {
		return err
	}
	// Subscriptions of an earlier run point at a receiver that is gone.
	for p := 0; p < s.Projects; p++ {
		page, err := hooks.List(ctx, projectKey(p), accord.PageQuery{Size: 500})
		if err != nil {
			return err
		}
		for _, sub := range page.Items {
			if err := hooks.Unsubscribe(ctx, projectKey(p), sub.ID); err != nil {
				return err
			}
		}
	}
	// A new subscription's relay starts at the beginning of the outbox and
	// moves its cursor past every event of its history, one write each:
	// with the history of earlier runs that takes minutes. Its cursor is
	// set to the outbox's end instead, which is what it would reach
	// delivering nothing (the history is older than the subscription).
	var head int64
	if err := st.DB.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM accord_outbox").Scan(&head); err != nil {
		return fmt.Errorf("reading the outbox's end: %w", err)
	}
	insertCursor := "INSERT INTO accord_relays (name, after) VALUES (?, ?)"
	if c.engine == "postgres" {
		insertCursor = "INSERT INTO accord_relays (name, after) VALUES ($1, $2)"
	}
	var subscribed []string
	for i := 0; i < c.hooks; i++ {
		p := projectKey(i % s.Projects)
		if sub, _, err := hooks.Subscribe(ctx, p, webhook.NewSubscription{URL: fmt.Sprintf("%s/hook/%d", recv.URL, i),
			Kinds: []string{requirement.EventUpdated}, Description: fmt.Sprintf("scale benchmark receiver %d", i)}); err != nil {
			return fmt.Errorf("subscribing webhook %d in project %s: %w", i, p, err)
		} else if _, err := st.DB.ExecContext(ctx, insertCursor, "webhook:"+sub.ID, head); err != nil {
			return fmt.Errorf("setting the cursor of webhook %s (%s): %w", sub.ID, sub.Description, err)
		}
		if d.want[p] == 0 {
			subscribed = append(subscribed, p)
		}
		d.want[p]++
	}
	dctx, stop := context.WithCancel(ctx)
	defer stop()
	disp := webhook.Dispatcher{Service: hooks, Store: st.Webhooks, Refresh: 200 * time.Millisecond,
		Run: st.RunWebhook}
	served := make(chan struct{})
	go func() { _ = disp.Serve(dctx); close(served) }()
	defer func() { stop(); <-served }()

	// Writers: each change of a requirement publishes requirement.updated
	// (and, for its links, trace events no subscription wants).
	var seq int
	var seqMu sync.Mutex
	change := func() error {
		seqMu.Lock()
		seq++
		i := seq
		seqMu.Unlock()
		p := subscribed[i%len(subscribed)]
		key := requirement.KeyOf(s.editable(i, s.requirementsOf(projectIndex(p))))
		var ids []string
		err := st.Atomically(ctx, func(ctx context.Context) error {
			d.forget(ids) // a retried unit of work
			ids = ids[:0]
			r, err := services.Requirements.Get(ctx, p, key)
			if err != nil {
				return err
			}
			in := requirement.ContentInput{Content: r.Content.Clone()}
			in.Description = fmt.Sprintf("Changed by the scale benchmark, change %d.", i)
			tctx := withEventTap(ctx, func(e accord.Event) {
				if e.Kind == requirement.EventUpdated {
					d.expect(e.ID, e.Project)
					ids = append(ids, e.ID)
				}
			})
			_, err = services.Requirements.Update(tctx, p, r.ID, r.Revision, in)
			return err
		})
		if err != nil {
			d.forget(ids)
			return fmt.Errorf("changing %s in project %s: %w", key, p, err)
		}
		d.commit(ids, time.Now())
		return nil
	}
	// Warm up: every relay delivers one event, so every relay runs and has
	// read past the outbox's history.
	for range subscribed {
		if err := change(); err != nil {
			return err
		}
	}
	if err := drain(d, 60*time.Second); err != nil {
		return fmt.Errorf("warming up the relays: %w", err)
	}
	d.reset()
	// Paced: c.rate events a second; the oldest undelivered event's age.
	var oldest time.Duration
	sampled := make(chan struct{})
	sctx, sstop := context.WithCancel(ctx)
	go func() {
		defer close(sampled)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case now := <-t.C:
				oldest = max(oldest, d.oldest(now))
			}
		}
	}()
	total := int(float64(c.rate) * c.duration.Seconds())
	start := time.Now()
	var wg sync.WaitGroup
	var failures failed
	var behind int
	next := make(chan struct{}, 64)
	for w := 0; w < c.writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				if err := change(); err != nil {
					failures.add(err)
				}
			}
		}()
	}
	for k := 0; k < total; k++ {
		due := start.Add(time.Duration(float64(k) / float64(c.rate) * float64(time.Second)))
		time.Sleep(time.Until(due))
		select {
		case next <- struct{}{}:
		default:
			behind++ // the writers cannot keep the pace: counted, not queued
		}
	}
	close(next)
	wg.Wait()
	commitRate := float64(total-behind) / time.Since(start).Seconds()
	undelivered := ""
	if err := drain(d, c.drain); err != nil {
		undelivered = "; " + err.Error()
	}
	sstop()
	<-sampled
	lags := d.lags()
	p50, p99 := percentiles(lags)
	n := len(lags)
	res.Rows = append(res.Rows, row{Operation: fmt.Sprintf("%d events/s for %s, commit → delivery", c.rate, c.duration), P50: p50, P99: p99, N: n,
		Goal: "reported", Met: "-", Note: fmt.Sprintf("%.0f events/s committed, %d not sent (writers behind)%s%s", commitRate, behind, failures.String(), undelivered)})
	met := "no"
	if oldest <= time.Second && behind == 0 && undelivered == "" && failures.n == 0 {
		met = "yes"
	}
	res.Rows = append(res.Rows, row{Operation: fmt.Sprintf("oldest undelivered event at %d events/s (max)", c.rate), P50: oldest, P99: oldest, N: 1,
		Goal: "≤ 1s", Met: met})
	d.reset()
	// Throughput: a burst from c.writers writers, commit to the last delivery.
	failures = failed{}
	start = time.Now()
	for w := 0; w < c.writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < c.burst; k += c.writers {
				if err := change(); err != nil {
					failures.add(err)
				}
			}
		}()
	}
	wg.Wait()
	committed := time.Since(start)
	undelivered = ""
	if err := drain(d, c.drain); err != nil {
		undelivered = "; " + err.Error()
	}
	lags = d.lags()
	d.mu.Lock()
	took := d.last.Sub(start)
	d.mu.Unlock()
	p50, p99 = percentiles(lags)
	n = len(lags)
	res.Rows = append(res.Rows, row{Operation: fmt.Sprintf("burst of %d events, commit → delivery (%d subscriptions)", c.burst, c.hooks),
		P50: p50, P99: p99, N: n, Goal: "reported", Met: "-",
		Note: fmt.Sprintf("%.0f events/s delivered (%.0f/s committed)%s%s", float64(c.burst-d.pending()-failures.n)/took.Seconds(), float64(c.burst-failures.n)/committed.Seconds(), failures.String(), undelivered)})
	return nil
}

// failed counts the changes that failed during a delivery run, and keeps
// the first error.
type failed struct {
	mu    sync.Mutex
	n     int
	first error
}

func (f *failed) add(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if f.first == nil {
		f.first = err
	}
}

func (f *failed) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d changes failed, the first: %v", f.n, f.first)
}

// projectIndex is the inverse of projectKey.
func projectIndex(key string) int {
	if key == bigProject {
		return 0
	}
	i, _ := strconv.Atoi(strings.TrimPrefix(key, "p"))
	return i
}

// drain waits until every committed event was delivered everywhere.
func drain(d *deliveries, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for d.pending() > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d events still undelivered after %s", d.pending(), limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

func (r results) print(w io.Writer) {
	fmt.Fprintf(w, "\n### %s, size %s: %d projects, big project %d requirements, %d in the others, %d links per requirement, %d revisions on average\n\n",
		r.Engine, r.Size, r.Shape.Projects, r.Shape.Big, r.Shape.Others, r.Shape.LinksPer, r.Shape.Revisions)
	if r.Seed != nil {
		fmt.Fprintf(w, "Seeded through transfer.Import: big project %s; all %d requirements (%d revisions, %d links) %s.\n\n",
			r.Seed.BigImport.Round(time.Millisecond), r.Seed.Requirements, r.Seed.Revisions, r.Seed.Links, r.Seed.Total.Round(time.Second))
	}
	fmt.Fprintln(w, "| operation | p50 | p99 | n | goal | met? | note |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, x := range r.Rows {
		fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s | %s |\n", x.Operation, ms(x.P50), ms(x.P99), x.N, x.Goal, x.Met, x.Note)
	}
	met := "yes"
	if r.RSSEnd.HWM > 500*1024 {
		met = "no"
	}
	fmt.Fprintf(w, "| process RSS (VmRSS after reads / at end; VmHWM peak) | %d MB | %d MB | 1 | < 500 MB | %s | peak %d MB%s |\n",
		r.RSS.RSS/1024, r.RSSEnd.RSS/1024, met, r.RSSEnd.HWM/1024, map[bool]string{true: ", seeding included", false: ""}[r.Seed != nil])
}

func ms(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0f µs", float64(d)/1e3)
}
