// Command embed is accord embedded in a program, in one piece: the three
// services wired together over stores, a requirement, a contract built
// from Go types, a review that gates approval, and the HTTP API mounted in
// the program's own mux. README.md prints this file; its test runs it.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/link"
	"github.com/accordhq/accord/adapters/memory"
	"github.com/accordhq/accord/contract"
	"github.com/accordhq/accord/requirement"
	"github.com/accordhq/accord/review"
)

// Order is the response body of GET /orders/{id}; its schema comes from
// this type.
type Order struct {
	ID     int    `json:"id" jsonschema:"minimum=1"`
	Status string `json:"status" jsonschema:"enum=pending,enum=paid"`
}

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer) error {
	// The services, wired: approval needs an approved review, and a new
	// revision opens the review's next round. Any store works here: these
	// are the in-memory ones; yours pass adapters/storetest.
	s, err := link.New(link.Options{Stores: memory.New()})
	if err != nil {
		return err
	}
	alice := accord.Actor{ID: "alice", Roles: []string{"product"}}
	bob := accord.Actor{ID: "bob", Roles: []string{"backend"}}
	asAlice := accord.WithActor(context.Background(), alice)
	asBob := accord.WithActor(context.Background(), bob)

	// A requirement: the owner defaults to its author, the priority to P2.
	r, err := s.Requirements.Create(asAlice, "shop", requirement.ContentInput{Content: requirement.Content{
		Title:      "Refund a paid order",
		Acceptance: []requirement.AcceptanceCriterion{{Text: "A refund inside the window returns 201"}},
	}, Note: "first draft"})
	if err != nil {
		return err // accord.ErrorCode(err) says invalid, conflict, …
	}
	fmt.Fprintln(out, r.Key, r.Owner, r.Priority, len(requirement.Lint(r.Content, nil)) > 0)

	// A contract whose schemas come from Go types. Copy the set's schemas
	// into the spec after the last Ref.
	set := contract.NewSchemaSet()
	spec := contract.Spec{Service: "orders", Operations: []contract.Operation{{
		ID: "getOrder", Method: "GET", Path: "/orders/{id}",
		Parameters: []contract.Parameter{{Name: "id", In: contract.InPath, Required: true, Schema: set.MustRef(0)}},
		Responses: map[string]contract.Response{"200": {Content: map[string]contract.MediaType{
			"application/json": {Schema: set.MustRef(Order{})}}}},
	}}}
	spec.Schemas = set.Schemas()
	v, err := s.Contracts.Create(asBob, "shop", contract.NewContract{Version: "1.0.0", Spec: spec, Note: "first draft"})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, v.Spec.Service, v.Version, v.Status)

	// Approving the requirement needs its review approved first.
	if _, err := s.Requirements.Transition(asAlice, "shop", r.Key, r.Revision, requirement.TransitionInput{To: requirement.InReview, Reason: "ready"}); err != nil {
		return err
	}
	rv, err := s.Reviews.Create(asAlice, "shop", review.NewReview{
		Kind:    review.RequirementReview,
		Subject: r.Ref(),
		Participants: []review.NewParticipant{
			{Actor: "alice", Role: review.RoleProduct},
			{Actor: "bob", Role: review.RoleBackend},
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, rv.Key, s.Reviews.Evaluate(rv).Outcome)

	// The HTTP API, mounted in the program's own mux, with its own tokens.
	h, err := httpapi.New(httpapi.Options{
		Services:      link.Services{Requirements: s.Requirements, Contracts: s.Contracts, Reviews: s.Reviews},
		Authenticator: httpapi.BearerTokens(map[string]accord.Actor{"alice-token": alice, "bob-token": bob}),
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", h)

	req := httptest.NewRequest("GET", "/v1/projects/shop/requirements/"+r.Key+"/revisions", nil)
	req.Header.Set("Authorization", "Bearer bob-token")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Fprintln(out, rec.Code, rec.Header().Get("Content-Type"))
	return nil
}
