// Command httpload measures accord's reference HTTP adapter side by side
// with a bare net/http handler on loopback, with wrk, in one run: both
// answer GET of one requirement with byte-identical responses (body,
// Content-Type, ETag) after the same bearer-token check. accord does what
// the reference server does (project membership, the store read, the
// revision's JSON); the bare handler writes bytes it holds.
//
//	apt-get install -y wrk   # Debian's package
//	go run ./bench/httpload
//
// It prints, per store and connection count, requests per second and the
// p50 and p99 latency of each (medians of -rounds runs, alternating which
// side goes first), and accord's ratios to the bare handler. Goal: at
// least 0.8x the bare handler's throughput, at most 1.25x its p50.
//
// With -telemetry it measures instead the cost of OpenTelemetry: accord
// with a tracer provider that samples every request (spans batched to an
// exporter that drops them), a meter provider read by a Prometheus
// exporter, and stores wrapped by telemetry.Stores, against the same
// accord without them, in one run.
//
//	go run ./bench/httpload -telemetry
package main

import (
	"bytes"
	"context"
	"crypto/subtle"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/adapters/sqlite"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/adapters/telemetry"
	"github.com/accordhq/accord/project"
	"github.com/accordhq/accord/requirement"
	"github.com/prometheus/client_golang/prometheus"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

const token = "load-test-token-0123456789abcdef"

func main() {
	stores := flag.String("stores", "memory,sqlite", "store engines to measure, comma separated")
	conns := flag.String("connections", "16,64", "wrk connection counts, comma separated")
	duration := flag.Duration("duration", 5*time.Second, "how long each wrk run lasts")
	rounds := flag.Int("rounds", 3, "runs of each side, alternating which goes first; the medians are printed")
	threads := flag.Int("threads", 2, "wrk threads")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the runs against accord to this file")
	observed := flag.Bool("telemetry", false, "compare accord with OpenTelemetry traces and metrics on against accord with them off, instead of against the bare handler")
	flag.StringVar(&parts, "telemetry-parts", "traces,metrics", "with -telemetry: what is on, traces and/or metrics")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		log.Fatal("wrk is not installed: apt-get install -y wrk")
	}
	a, b := "accord", "bare"
	if *observed {
		a, b = "on", "off"
	}
	fmt.Printf("%-7s %5s  %12s %12s %6s  %9s %9s %6s  %9s %9s\n", "store", "conns", a+" req/s", b+" req/s", "ratio", a+" p50", b+" p50", "ratio", a+" p99", b+" p99")
	for _, store := range strings.Split(*stores, ",") {
		handler, path, err := setup(store, *observed)
		if err != nil {
			log.Fatalf("%s: %v", store, err)
		}
		accordURL := listen(handler) + path
		body, header := fetch(accordURL)
		bareURL := listen(bare(body, header)) + path
		if *observed {
			off, offPath, err := setup(store, false)
			if err != nil {
				log.Fatalf("%s: %v", store, err)
			}
			bareURL = listen(off) + offPath
		}
		for _, c := range strings.Split(*conns, ",") {
			var as, bs []result
			for i := range *rounds {
				if i%2 == 1 {
					bs = append(bs, run(bareURL, c, *threads, *duration))
				}
				stop := startProfile(*profile, store, c)
				as = append(as, run(accordURL, c, *threads, *duration))
				stop()
				if i%2 == 0 {
					bs = append(bs, run(bareURL, c, *threads, *duration))
				}
			}
			a, b := median(as), median(bs)
			fmt.Printf("%-7s %5s  %12.0f %12.0f %5.2fx  %9s %9s %5.2fx  %9s %9s\n", store, c,
				a.rps, b.rps, a.rps/b.rps, a.p50, b.p50, float64(a.p50)/float64(b.p50), a.p99, b.p99)
		}
	}
}

// setup builds the adapter as the reference server does, on the store
// engine named, with one project, its member and one requirement, and
// returns the requirement's path.
func setup(store string, observed bool) (http.Handler, string, error) {
	var (
		reqs     requirement.Store
		projects project.Store
		opts     link.Options
	)
	switch store {
	case "memory":
		reqs, projects = memory.NewRequirementStore(), memory.NewProjectStore()
		opts = link.Options{Stores: adapters.Stores{Requirements: reqs, Contracts: memory.NewContractStore(), Reviews: memory.NewReviewStore(), Risks: memory.NewRiskStore(), Retros: memory.NewRetroStore()}}
	case "sqlite":
		dir, err := os.MkdirTemp("", "accord-load")
		if err != nil {
			return nil, "", err
		}
		s, err := sqlite.Open(filepath.Join(dir, "accord.db"))
		if err != nil {
			return nil, "", err
		}
		if _, err := sqlstore.Migrate(context.Background(), s.DB, s.Dialect); err != nil {
			return nil, "", err
		}
		reqs, projects = s.Requirements, s.Projects
		opts = link.Options{Stores: adapters.Stores{Requirements: reqs, Contracts: s.Contracts, Reviews: s.Reviews, Risks: s.Risks, Retros: s.Retros}}
	default:
		return nil, "", fmt.Errorf("unknown store %q (memory or sqlite)", store)
	}
	var tp trace.TracerProvider
	var mp metric.MeterProvider
	if observed {
		var err error
		if tp, mp, err = providers(); err != nil {
			return nil, "", err
		}
		tel, err := telemetry.New(tp, mp)
		if err != nil {
			return nil, "", err
		}
		opts.Stores = tel.Stores(opts.Stores, store)
		projects = tel.Stores(adapters.Stores{Projects: projects}, store).Projects
	}
	services, err := link.New(opts)
	if err != nil {
		return nil, "", err
	}
	ps, err := project.NewService(project.Options{Store: projects})
	if err != nil {
		return nil, "", err
	}
	alice := accord.Actor{ID: "alice", Name: "Alice", Roles: []string{"product"}}
	ctx := accord.WithActor(context.Background(), alice)
	if _, err := ps.Create(ctx, project.NewProject{Key: "shop", Name: "Shop"}); err != nil {
		return nil, "", err
	}
	r, err := services.Requirements.Create(ctx, "shop", requirement.ContentInput{Content: requirement.Content{
		Title:       "Refund an order within 30 days",
		Goal:        "Fewer refund tickets to support",
		Description: "A customer can ask for a refund of a paid order within 30 days of delivery; the refund reaches the original payment method within 5 working days.",
		Owner:       "alice",
		Labels:      []string{"payments", "orders"},
		Acceptance: []requirement.AcceptanceCriterion{
			{Text: "Given a paid order delivered 10 days ago, when the customer asks for a refund, the refund is issued within 5 working days"},
			{Text: "Given a paid order delivered 31 days ago, when the customer asks for a refund, the request is refused with the reason"},
		},
	}, Note: "first draft"})
	if err != nil {
		return nil, "", err
	}
	h, err := httpapi.New(httpapi.Options{Services: link.Services{Requirements: services.Requirements, Contracts: services.Contracts, Reviews: services.Reviews, Risks: services.Risks, Retros: services.Retros},
		Projects: ps, Promoter: services,
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{token: alice}),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)), TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		return nil, "", err
	}
	return h, "/v1/projects/shop/requirements/" + r.Key, nil
}

// parts says which telemetry -telemetry turns on.
var parts string

// providers are what an embedder would give accord: every request
// sampled, spans batched to an exporter (one that drops them here), and
// metrics read by a Prometheus exporter, scraped every second meanwhile.
func providers() (trace.TracerProvider, metric.MeterProvider, error) {
	var tp trace.TracerProvider
	if strings.Contains(parts, "traces") {
		tp = sdktrace.NewTracerProvider(sdktrace.WithBatcher(discard{}))
	}
	if !strings.Contains(parts, "metrics") {
		return tp, nil, nil
	}
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, err
	}
	go func() {
		for range time.Tick(time.Second) {
			_, _ = reg.Gather()
		}
	}()
	return tp, sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp)), nil
}

// discard is a span exporter that drops what it is given.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// bare answers every request with the bytes accord gave, after the same
// check of the bearer token accord's BearerTokens makes.
func bare(body []byte, header http.Header) http.Handler {
	want := []byte(token)
	contentType, etag := header.Get("Content-Type"), header.Get("ETag")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(tok), want) != 1 {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("ETag", etag)
		_, _ = w.Write(body)
	})
}

// startProfile profiles the process while accord is measured, one file
// per store and connection count.
func startProfile(path, store, conns string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.%s.%s", path, store, conns))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func listen(h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = http.Serve(ln, h) }()
	return "http://" + ln.Addr().String()
}

func fetch(url string) ([]byte, http.Header) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %d %s %v", url, resp.StatusCode, body, err)
	}
	return body, resp.Header
}

type result struct {
	rps      float64
	p50, p99 time.Duration
}

// median takes the median of each figure across runs: a loaded machine
// makes single runs noisy.
func median(rs []result) result {
	rps := make([]float64, len(rs))
	p50 := make([]time.Duration, len(rs))
	p99 := make([]time.Duration, len(rs))
	for i, r := range rs {
		rps[i], p50[i], p99[i] = r.rps, r.p50, r.p99
	}
	slices.Sort(rps)
	slices.Sort(p50)
	slices.Sort(p99)
	m := len(rs) / 2
	return result{rps: rps[m], p50: p50[m], p99: p99[m]}
}

var (
	rpsLine     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	latencyLine = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	non2xx      = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func run(url, conns string, threads int, d time.Duration) result {
	cmd := exec.Command("wrk", "-t", strconv.Itoa(threads), "-c", conns, "-d", d.String(), "--latency",
		"-H", "Authorization: Bearer "+token, url)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log.Fatalf("wrk: %v\n%s", err, out.String())
	}
	text := out.String()
	if m := non2xx.FindStringSubmatch(text); m != nil {
		log.Fatalf("wrk saw %s failed responses from %s:\n%s", m[1], url, text)
	}
	var res result
	m := rpsLine.FindStringSubmatch(text)
	if m == nil {
		log.Fatalf("no requests/sec in wrk's output:\n%s", text)
	}
	res.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, l := range latencyLine.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[l[3]]
		lat := time.Duration(v * float64(unit))
		if l[1] == "50" {
			res.p50 = lat
		} else {
			res.p99 = lat
		}
	}
	return res
}
