// Command server runs the accord reference HTTP server on an in-memory
// store, seeded with a demo project.
//
//	go run ./examples/server [-addr 127.0.0.1:8080]
//	go run ./examples/server -openapi > accord.openapi.json
//
// Tokens come from ACCORD_TOKENS ("name:role:token" entries, comma
// separated). When it is empty the server makes demo tokens and prints them
// with a ready-to-paste curl line.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	describe := flag.Bool("openapi", false, "print the API's OpenAPI 3.1 description and exit")
	flag.Parse()
	if *describe {
		doc, err := contract.OpenAPI(httpapi.Contract(), httpapi.APIVersion)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Stdout.Write(doc)
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, os.Getenv("ACCORD_TOKENS"), os.Stdout, log); err != nil {
		log.Error("server stopped", slog.Any("error", err))
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down cleanly.
func run(ctx context.Context, addr, tokenSpec string, out io.Writer, log *slog.Logger) error {
	tokens, err := parseTokens(tokenSpec)
	if err != nil {
		return err
	}
	demoTokens := len(tokens) == 0
	if demoTokens {
		tokens = map[string]accord.Actor{
			"pm-" + rand.Text():  {ID: "alice", Name: "Alice (product)", Roles: []string{"product"}},
			"dev-" + rand.Text(): {ID: "bob", Name: "Bob (backend)", Roles: []string{"backend"}},
		}
	}
	h, err := newHandler(ctx, tokens, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := newServer(logRequests(h, log))
	url := "http://" + ln.Addr().String()
	log.Info("accord server listening", slog.String("url", url), slog.String("project", demoProject))
	if demoTokens {
		printDemoTokens(out, url, tokens)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHandler builds the service on a memory store, seeds the demo project
// and returns the HTTP handler.
// newServer bounds every read, write and idle connection: a client that
// sends its headers and then one body byte a second cannot hold a handler
// for ever, nor can an idle keep-alive connection stay open for good.
func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
}

func newHandler(ctx context.Context, tokens map[string]accord.Actor, log *slog.Logger) (http.Handler, error) {
	events := accord.EventSinkFunc(func(ctx context.Context, e accord.Event) {
		log.InfoContext(ctx, "event", slog.String("kind", e.Kind), slog.String("project", e.Project), slog.String("summary", e.Summary))
	})
	// The review gates are wired in: requirements are approved and accepted,
	// and contract versions agreed, only after an approved review.
	services, err := link.New(link.Options{RequirementStore: memory.NewRequirementStore(),
		ContractStore: memory.NewContractStore(), ReviewStore: memory.NewReviewStore(), Events: events})
	if err != nil {
		return nil, err
	}
	if err := seed(ctx, services); err != nil {
		return nil, fmt.Errorf("seeding the demo project: %w", err)
	}
	return httpapi.New(httpapi.Options{Requirements: services.Requirements, Contracts: services.Contracts, Reviews: services.Reviews,
		Authenticator: httpapi.BearerTokens(tokens), Logger: log})
}

// parseTokens reads "name:role:token" entries separated by commas.
func parseTokens(spec string) (map[string]accord.Actor, error) {
	tokens := map[string]accord.Actor{}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			return nil, fmt.Errorf("ACCORD_TOKENS entry %d (%q): want name:role:token", i+1, entry)
		}
		if _, dup := tokens[parts[2]]; dup {
			return nil, fmt.Errorf("ACCORD_TOKENS entry %d: token of %q is used twice", i+1, parts[0])
		}
		tokens[parts[2]] = accord.Actor{ID: parts[0], Name: parts[0], Roles: []string{parts[1]}}
	}
	return tokens, nil
}

func printDemoTokens(out io.Writer, url string, tokens map[string]accord.Actor) {
	var pm, dev string
	for tok, a := range tokens {
		if a.ID == "alice" {
			pm = tok
		} else {
			dev = tok
		}
	}
	fmt.Fprintf(out, `
accord demo server on %[1]s (set ACCORD_TOKENS=name:role:token,... to use your own tokens)
Paste these into the shell you run curl from:

export ACCORD=%[1]s
export PM_TOKEN=%[2]s   # alice, product
export DEV_TOKEN=%[3]s  # bob, backend

curl -s -H "Authorization: Bearer $PM_TOKEN" "$ACCORD/v1/projects/demo/requirements?page_size=5"

`, url, pm, dev)
}

// logRequests logs every request with its status and duration.
func logRequests(h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		log.InfoContext(r.Context(), "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}
