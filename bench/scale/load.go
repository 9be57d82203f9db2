package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/accordhq/accord/client"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/webhook"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, for sampling pg_stat_activity
)

// loadConfig is what -instances measures with.
type loadConfig struct {
	accord, db string
	duration   time.Duration
	conns      int
	basePort   int
	projects   int
	hooks      int // webhook subscriptions spread over the projects
}

// loadToken is the one fixed token of the instances (ACCORD_TOKENS).
const loadToken = "scale-load-token-0123456789abcdef"

// loadResult is one run of n instances.
type loadResult struct {
	instances   int
	ops         int
	errors      int
	firstError  string
	took        time.Duration
	p50, p99    time.Duration
	cpuBusy     float64        // the machine's CPUs busy, 0–1, during the run
	waits       map[string]int // wait_event_type:wait_event of active backends, sampled
	samples     int
	lockWaiters map[string]int // ungranted locks by type and mode, sampled
	sessions    int64          // connections the database accepted during the run
	delivered   int64          // webhook deliveries the receiver got during the run
	behind      int64          // events the slowest relay had still to read at the end
}

// runLoad starts n `accord serve` processes on one PostgreSQL for each n
// of list, drives creates and updates of requirements over HTTP through
// the typed client (conns clients spread over the instances and
// l.projects projects), samples pg_stat_activity and pg_locks every
// 50 ms, and prints writes per second and what the backends waited on.
func runLoad(ctx context.Context, l loadConfig, list string, out io.Writer) error {
	if l.accord == "" {
		return errors.New("-instances needs -accord, the binary: go build -o /tmp/accord ./cmd/accord")
	}
	if !strings.HasPrefix(l.db, "postgres://") && !strings.HasPrefix(l.db, "postgresql://") {
		return fmt.Errorf("-db %q: -instances measures PostgreSQL; give a postgres:// URL", l.db)
	}
	var counts []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 16 {
			return fmt.Errorf("-instances %q: want a list of counts from 1 to 16, e.g. 1,2,4", list)
		}
		counts = append(counts, n)
	}
	db, err := sql.Open("pgx", l.db)
	if err != nil {
		return err
	}
	defer db.Close()
	var results []loadResult
	for run, n := range counts {
		r, err := loadRun(ctx, l, db, n, run)
		if err != nil {
			return fmt.Errorf("%d instance(s): %w", n, err)
		}
		results = append(results, r)
	}
	fmt.Fprintf(out, "\n### write throughput: `accord serve` instances on one PostgreSQL (loopback), %d clients, %d projects, %d webhooks, %s each\n\n", l.conns, l.projects, l.hooks, l.duration)
	fmt.Fprintln(out, "| instances | writes/s | vs 1 | p50 | p99 | errors | CPU busy | new connections/s | webhook deliveries/s (relays behind at the end) | top waits of active backends (share of samples) |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|---|---|")
	base := 0.0
	for _, r := range results {
		rate := float64(r.ops) / r.took.Seconds()
		if r.instances == 1 || base == 0 {
			base = rate
		}
		fmt.Fprintf(out, "| %d | %.0f | %.2fx | %s | %s | %d | %.0f%% | %.0f | %.0f (%d events) | %s |\n", r.instances, rate, rate/base, ms(r.p50), ms(r.p99), r.errors, 100*r.cpuBusy,
			float64(r.sessions)/r.took.Seconds(), float64(r.delivered)/r.took.Seconds(), r.behind, topWaits(r))
		if r.firstError != "" {
			fmt.Fprintf(out, "\nfirst error with %d instance(s): %s\n", r.instances, r.firstError)
		}
	}
	return nil
}

// topWaits names the most sampled waits, with the average number of
// backends in each per sample.
func topWaits(r loadResult) string {
	type kv struct {
		k string
		v int
	}
	var all []kv
	for k, v := range r.waits {
		all = append(all, kv{k, v})
	}
	for k, v := range r.lockWaiters {
		all = append(all, kv{"ungranted " + k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	var parts []string
	for _, x := range all[:min(6, len(all))] {
		parts = append(parts, fmt.Sprintf("%s %.1f", x.k, float64(x.v)/float64(max(1, r.samples))))
	}
	return strings.Join(parts, "; ")
}

func loadRun(ctx context.Context, l loadConfig, db *sql.DB, n, run int) (loadResult, error) {
	res := loadResult{instances: n, waits: map[string]int{}, lockWaiters: map[string]int{}}
	var urls []string
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			_ = p.Process.Signal(syscall.SIGTERM)
		}
		for _, p := range procs {
			_ = p.Wait()
		}
	}()
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", l.basePort+i)
		cmd := exec.CommandContext(ctx, l.accord, "serve", "-addr", addr, "-db", l.db, "-log-level", "warn", "-webhook-allow", "127.0.0.1/32")
		cmd.Env = append(os.Environ(), "ACCORD_TOKENS=bench:admin:"+loadToken)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Start(); err != nil {
			return res, err
		}
		procs = append(procs, cmd)
		urls = append(urls, "http://"+addr)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.conns, MaxConnsPerHost: l.conns}, Timeout: 30 * time.Second}
	for _, u := range urls {
		if err := ready(ctx, hc, u); err != nil {
			return res, err
		}
	}
	clients := make([]*client.Client, n)
	for i, u := range urls {
		c, err := client.New(client.Options{BaseURL: u, Token: loadToken, HTTPClient: hc})
		if err != nil {
			return res, err
		}
		clients[i] = c
	}
	stamp := time.Now().Format("150405")
	projects := make([]string, l.projects)
	for i := range projects {
		projects[i] = fmt.Sprintf("load-%s-%d-%d", stamp, run, i)
		if _, _, err := clients[0].CreateProject(ctx, project.NewProject{Key: projects[i], Name: "Load " + projects[i]}); err != nil {
			return res, fmt.Errorf("creating project %s: %w", projects[i], err)
		}
	}
	var delivered atomic.Int64
	var hookIDs []string
	if l.hooks > 0 {
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			delivered.Add(1)
			w.WriteHeader(http.StatusNoContent)
		}))
		defer recv.Close()
		var head int64
		if err := db.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM accord_outbox").Scan(&head); err != nil {
			return res, err
		}
		defer func() {
			for i, id := range hookIDs {
				_ = clients[0].DeleteWebhook(context.WithoutCancel(ctx), projects[i%len(projects)], id)
			}
		}()
		for i := 0; i < l.hooks; i++ {
			p := projects[i%len(projects)]
			sub, _, err := clients[0].CreateWebhook(ctx, p, webhook.NewSubscription{URL: fmt.Sprintf("%s/hook/%d", recv.URL, i), Description: fmt.Sprintf("load receiver %d", i)})
			if err != nil {
				return res, fmt.Errorf("subscribing webhook %d in project %s: %w", i, p, err)
			}
			hookIDs = append(hookIDs, sub.ID)
			// A new relay walks the outbox from its start, one cursor write
			// per event: earlier runs' history would take minutes.
			if _, err := db.ExecContext(ctx, `INSERT INTO accord_relays (name, after) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET after = greatest(accord_relays.after, excluded.after)`, "webhook:"+sub.ID, head); err != nil {
				return res, err
			}
		}
		time.Sleep(6 * time.Second) // the dispatchers read the subscriptions every 5 s
		delivered.Store(0)
	}
	sctx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	sampled := make(chan struct{})
	go func() { defer close(sampled); sample50(sctx, db, &res) }()
	cpu0 := cpuTimes()
	sessions0, err := sessions(ctx, db)
	if err != nil {
		return res, err
	}
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(l.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < l.conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clients[w%n]
			p := projects[w%len(projects)]
			var mine []time.Duration
			var ops, errs int
			var first string
			for k := 0; time.Now().Before(deadline); k++ {
				in := requirement.ContentInput{Content: requirement.Content{Title: fmt.Sprintf("Load %d of client %d", k, w),
					Description: "Written by the scale benchmark's load generator."}}
				t := time.Now()
				r, rev, err := c.CreateRequirement(ctx, p, in)
				if err == nil {
					mine = append(mine, time.Since(t))
					ops++
					in.Description = "Updated by the scale benchmark's load generator."
					t = time.Now()
					_, _, err = c.UpdateRequirement(ctx, p, r.ID, rev, in)
					if err == nil {
						mine = append(mine, time.Since(t))
						ops++
					}
				}
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			res.ops += ops
			res.errors += errs
			if res.firstError == "" {
				res.firstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.took = time.Since(start)
	cpu1 := cpuTimes()
	sessions1, err := sessions(ctx, db)
	if err != nil {
		return res, err
	}
	res.sessions = sessions1 - sessions0
	res.delivered = delivered.Load()
	if l.hooks > 0 {
		names := make([]string, len(hookIDs))
		for i, id := range hookIDs {
			names[i] = "webhook:" + id
		}
		err := db.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(seq), 0) FROM accord_outbox) - coalesce(min(after), 0) FROM accord_relays WHERE name = ANY($1)`, names).Scan(&res.behind)
		if err != nil {
			return res, err
		}
	}
	stopSampling()
	<-sampled
	if total := cpu1.total - cpu0.total; total > 0 {
		res.cpuBusy = 1 - float64(cpu1.idle-cpu0.idle)/float64(total)
	}
	res.p50, res.p99 = percentiles(lat)
	return res, nil
}

// ready waits for an instance's /readyz.
func ready(ctx context.Context, hc *http.Client, base string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/readyz", nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s/readyz did not answer 200 within a minute", base)
}

// sample50 counts, every 50 ms until ctx ends, what the database's active
// backends wait on and which locks are waited for.
func sample50(ctx context.Context, db *sql.DB, res *loadResult) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rows, err := db.QueryContext(ctx, `SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, 'running'), count(*)
			FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1, 2`)
		if err != nil {
			continue
		}
		for rows.Next() {
			var typ, ev string
			var c int
			if rows.Scan(&typ, &ev, &c) == nil {
				res.waits[typ+":"+ev] += c
			}
		}
		rows.Close()
		rows, err = db.QueryContext(ctx, `SELECT locktype, mode, count(*) FROM pg_locks WHERE NOT granted GROUP BY 1, 2`)
		if err != nil {
			continue
		}
		for rows.Next() {
			var typ, mode string
			var c int
			if rows.Scan(&typ, &mode, &c) == nil {
				res.lockWaiters[typ+" "+mode] += c
			}
		}
		rows.Close()
		res.samples++
	}
}

type cpu struct{ idle, total uint64 }

// cpuTimes reads the machine's CPU times from /proc/stat.
func cpuTimes() cpu {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpu{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var c cpu
	for i, v := range slices.Clone(f[1:]) {
		x, _ := strconv.ParseUint(v, 10, 64)
		c.total += x
		if i == 3 || i == 4 { // idle, iowait
			c.idle += x
		}
	}
	return c
}

// sessions is how many connections the database has accepted since its
// statistics were reset (pg_stat_database.sessions, PostgreSQL 14 and
// later).
func sessions(ctx context.Context, db *sql.DB) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, "SELECT sessions FROM pg_stat_database WHERE datname = current_database()").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reading pg_stat_database.sessions: %w", err)
	}
	return n, nil
}
