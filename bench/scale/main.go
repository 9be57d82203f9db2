// Command scale measures accord at the size of a whole company on one
// database (issue 29): many projects, one of them big, years of
// revisions, thousands of links and a hundred webhook subscriptions. It
// seeds the database through adapters/transfer's import (the bulk path
// `accord import` takes), then measures reads through the real services
// (link.New over the engine's stores, as `accord serve` builds them),
// event delivery through real webhook relays to a receiver on loopback,
// and the process's memory.
//
//	go run ./bench/scale -engine sqlite -db /tmp/scale.db -size 10k
//	go run ./bench/scale -engine postgres -db postgres://postgres@127.0.0.1:55432/accord_scale?sslmode=disable -size 100k
//	go run ./bench/scale -engine postgres -db … -reuse        # measure a seeded database again
//
// With -instances it measures instead the write throughput of several
// `accord serve` processes on one PostgreSQL (see load.go):
//
//	go build -o /tmp/accord ./cmd/accord
//	go run ./bench/scale -instances 1,2,4 -accord /tmp/accord -db postgres://…
//
// README.md in this directory says what each row of the table measures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/postgres"
	"github.com/accordhq/accord/adapters/report"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
)

type config struct {
	engine, db, size string
	reuse            bool
	parallel         int
	n                int
	slowN            int
	maxConns         int
	projects         int
	hooks            int
	rate             int
	duration         time.Duration
	burst            int
	writers          int
	skipEvents       bool
	seedOnly         bool
	drain            time.Duration
	jsonOut          string
}

func main() {
	var c config
	flag.StringVar(&c.engine, "engine", "sqlite", "sqlite or postgres")
	flag.StringVar(&c.db, "db", "", "SQLite file (default /tmp/accord-scale-<size>.db) or postgres:// URL (default $ACCORD_POSTGRES_URL)")
	flag.StringVar(&c.size, "size", "10k", "requirements of the big project: 10k, 100k, full (200k) or a number; the rest scale with it")
	flag.IntVar(&c.projects, "projects", 0, "projects in all (default: 1,000 scaled by the big project's size)")
	flag.BoolVar(&c.reuse, "reuse", false, "measure an already seeded database instead of seeding it")
	flag.IntVar(&c.parallel, "parallel", 0, "projects imported at once (default: 2 on PostgreSQL, 1 on SQLite, whose one writer serialises them)")
	flag.IntVar(&c.n, "n", 200, "samples of each cheap read (export and the progress report take fewer)")
	flag.IntVar(&c.slowN, "slow-n", 3, "samples of the export and the progress report; 0 leaves them out")
	flag.IntVar(&c.maxConns, "max-conns", 16, "PostgreSQL: connections this process may open (database/sql's pool has no bound, and 100 relays would take the server's max_connections)")
	flag.IntVar(&c.hooks, "hooks", 100, "webhook subscriptions")
	flag.IntVar(&c.rate, "rate", 200, "events per second of the paced delivery run")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "length of the paced delivery run")
	flag.IntVar(&c.burst, "burst", 2000, "events committed as fast as possible for the throughput run")
	flag.IntVar(&c.writers, "writers", 16, "concurrent writers of the delivery runs (a server's requests in flight)")
	flag.BoolVar(&c.seedOnly, "seed-only", false, "seed, then stop (measure later with -reuse)")
	flag.DurationVar(&c.drain, "drain", 2*time.Minute, "how long delivery runs wait for the last deliveries; what is left is reported")
	flag.BoolVar(&c.skipEvents, "skip-events", false, "leave out the webhook delivery runs")
	flag.StringVar(&c.jsonOut, "json", "", "also write the results as JSON to this file")
	instances := flag.String("instances", "", "instead: measure write throughput of this many `accord serve` processes on one PostgreSQL, e.g. 1,2,4")
	var l loadConfig
	flag.StringVar(&l.accord, "accord", "", "with -instances: the accord binary (go build ./cmd/accord)")
	flag.DurationVar(&l.duration, "load-duration", 15*time.Second, "with -instances: how long each load run lasts")
	flag.IntVar(&l.conns, "connections", 32, "with -instances: concurrent clients, spread over the instances")
	flag.IntVar(&l.basePort, "port", 18080, "with -instances: the first instance's port")
	flag.IntVar(&l.hooks, "load-hooks", 0, "with -instances: webhook subscriptions (to a receiver in this process) spread over the projects, delivering while the load runs")
	flag.IntVar(&l.projects, "load-projects", 8, "with -instances: projects written to, spread over the clients")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	if *instances != "" {
		l.db = c.db
		if l.db == "" {
			l.db = os.Getenv("ACCORD_POSTGRES_URL")
		}
		if err := runLoad(ctx, l, *instances, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(ctx, c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, c config, out io.Writer) error {
	big, err := parseSize(c.size)
	if err != nil {
		return err
	}
	s := shapeFor(big)
	if c.projects > 0 {
		if c.projects < 2 {
			return fmt.Errorf("-projects %d: want at least 2 (the big project and one other)", c.projects)
		}
		s.Others = s.Others * (c.projects - 1) / (s.Projects - 1)
		s.Projects = c.projects
	}
	var st *sqlstore.Stores
	switch c.engine {
	case "sqlite":
		if c.db == "" {
			c.db = "/tmp/accord-scale-" + c.size + ".db"
		}
		st, err = sqlite.Open(c.db)
		if c.parallel == 0 {
			c.parallel = 1
		}
	case "postgres":
		if c.db == "" {
			c.db = os.Getenv("ACCORD_POSTGRES_URL")
		}
		if !strings.HasPrefix(c.db, "postgres://") && !strings.HasPrefix(c.db, "postgresql://") {
			return fmt.Errorf("-db %q: want a postgres:// URL with -engine postgres (or set ACCORD_POSTGRES_URL)", c.db)
		}
		st, err = postgres.Open(c.db)
		if err == nil && c.maxConns > 0 {
			st.DB.SetMaxOpenConns(c.maxConns)
		}
		if c.parallel == 0 {
			c.parallel = 2
		}
	default:
		return fmt.Errorf("-engine %q: want sqlite or postgres", c.engine)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := sqlstore.Migrate(ctx, st.DB, st.Dialect); err != nil {
		return err
	}
	progress := func(msg string) { fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), msg) }
	res := results{Engine: c.engine, Size: c.size, Shape: s}
	_, err = st.Projects.GetProject(ctx, bigProject)
	seeded := err == nil
	switch {
	case err != nil && accord.ErrorCode(err) != accord.NotFound:
		return err
	case c.reuse && !seeded:
		return fmt.Errorf("-reuse: %s has no project %q: run without -reuse to seed it", c.db, bigProject)
	case !c.reuse && seeded:
		return fmt.Errorf("%s already holds project %q: pass -reuse to measure it, or give an empty database", c.db, bigProject)
	case !c.reuse:
		progress(fmt.Sprintf("seeding %s: %d projects, big project %d requirements, others %d in all, %d links each, %d revisions on average",
			c.engine, s.Projects, s.Big, s.Others, s.LinksPer, s.Revisions))
		sr, err := seed(ctx, st, s, c.parallel, progress)
		if err != nil {
			return err
		}
		res.Seed = &sr
		progress(fmt.Sprintf("seeded %d requirements, %d revisions, %d links in %s", sr.Requirements, sr.Revisions, sr.Links, sr.Total.Round(time.Second)))
		if c.seedOnly {
			fmt.Fprintf(out, "Seeded %s through transfer.Import: big project (%d requirements) %s; all %d requirements (%d revisions, %d links) %s.\n",
				c.engine, s.Big, sr.BigImport.Round(time.Millisecond), sr.Requirements, sr.Revisions, sr.Links, sr.Total.Round(time.Second))
			return nil
		}
	}
	authz, err := project.NewService(project.Options{Store: st.Projects})
	if err != nil {
		return err
	}
	services, err := link.New(link.Options{Stores: st.Stores, Events: tapped(st.Outbox()), Authorizer: authz})
	if err != nil {
		return err
	}
	reports, err := report.New(report.Options{Services: services, Stores: st.Stores})
	if err != nil {
		return err
	}
	actx := accord.WithActor(ctx, benchActor)
	progress("measuring reads")
	if err := measureReads(actx, &res, st, services, reports, s, c.n, c.slowN); err != nil {
		return err
	}
	res.RSS = readRSS()
	if !c.skipEvents {
		progress("measuring webhook delivery")
		if err := measureEvents(actx, &res, st, services, authz, s, c); err != nil {
			return err
		}
	}
	res.RSSEnd = readRSS()
	res.print(out)
	if c.jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(c.jsonOut, b, 0o644)
	}
	return nil
}

// requirementKey is the key of the big project's requirement of sample i.
func requirementKey(i, n int) string { return requirement.KeyOf(1 + mix(i, 99)%n) }

// tapKey keys the function withEventTap hands each event to.
type tapKey struct{}

// withEventTap returns ctx whose events (published through a sink from
// tapped) are handed to fn too, with their IDs.
func withEventTap(ctx context.Context, fn func(accord.Event)) context.Context {
	return context.WithValue(ctx, tapKey{}, fn)
}

// tapped gives each event its ID, hands it to the tap of its context,
// if any, then to next: the outbox, which keeps the ID.
func tapped(next accord.EventSink) accord.EventSink {
	return accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		if e.ID == "" {
			e.ID = accord.NewID(e.Time)
		}
		if fn, ok := ctx.Value(tapKey{}).(func(accord.Event)); ok {
			fn(e)
		}
		next.Publish(ctx, e)
	})
}
