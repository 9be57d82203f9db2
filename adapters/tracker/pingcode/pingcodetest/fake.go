// Package pingcodetest is a fake PingCode open API for tests, following the
// calls and assumptions documented in package pingcode: the client
// credentials token (with an expiry it enforces), work items created,
// patched, listed in pages (page_index, page_size, total, values) and read,
// comments, {"code","message"} error bodies and 429 answers, and a create
// whose answer is lost after the work item was made.
package pingcodetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WorkItem is a work item held by the fake.
type WorkItem struct {
	ID          string
	Identifier  string
	ProjectID   string
	TypeID      string
	Title       string
	Description string
	StateID     string
	UpdatedAt   time.Time
	Comments    []string
}

// Server is the fake. Configure exported fields before use.
type Server struct {
	*httptest.Server

	ClientID, ClientSecret string
	Projects               map[string]string // project ID → identifier prefix (default p1 → SHOP)
	Types                  []string          // default story, task, bug
	States                 map[string]string // state ID → name (default s1 To Do, s2 In Progress, s3 Done)
	// TokenTTL is the expires_in of tokens (default 2h); tokens older are
	// refused with 401.
	TokenTTL time.Duration
	Now      func() time.Time

	mu       sync.Mutex
	items    map[string]*WorkItem
	tokens   map[string]time.Time
	issued   int
	loseNext int
	limited  int
	wait     string
	log      []string
}

// New starts a fake with one project (p1, identifier SHOP).
func New() *Server {
	s := &Server{
		ClientID: "client-1", ClientSecret: "secret-1",
		Projects: map[string]string{"p1": "SHOP"},
		Types:    []string{"story", "task", "bug"},
		States:   map[string]string{"s1": "To Do", "s2": "In Progress", "s3": "Done"},
		TokenTTL: 2 * time.Hour,
		Now:      func() time.Time { return time.Now().UTC() },
		items:    map[string]*WorkItem{},
		tokens:   map[string]time.Time{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// LoseCreateResponses makes the next n creates make the work item and then
// drop the connection without answering.
func (s *Server) LoseCreateResponses(n int) { s.mu.Lock(); s.loseNext = n; s.mu.Unlock() }

// RateLimit answers the next n API calls (not token requests) with 429 and
// the given Retry-After (empty for none).
func (s *Server) RateLimit(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.wait = n, retryAfter
}

// RevokeTokens forgets every token issued, as an administrator resetting
// the application's secret would.
func (s *Server) RevokeTokens() { s.mu.Lock(); s.tokens = map[string]time.Time{}; s.mu.Unlock() }

// TokensIssued counts the tokens handed out.
func (s *Server) TokensIssued() int { s.mu.Lock(); defer s.mu.Unlock(); return s.issued }

// Items returns copies of every work item, in creation order.
func (s *Server) Items() []WorkItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []WorkItem
	for _, wi := range s.items {
		c := *wi
		c.Comments = append([]string(nil), wi.Comments...)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return num(out[i].ID) < num(out[j].ID) })
	return out
}

// SetState changes a work item's state as a person in PingCode would.
func (s *Server) SetState(id, stateID string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if wi := s.items[id]; wi != nil {
		wi.StateID, wi.UpdatedAt = stateID, at
	}
}

// Requests lists "METHOD path" of every request, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func num(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "wi")); return n }

func fail(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": message})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

var itemPath = regexp.MustCompile(`^/v1/project/work_items/([^/]+)$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r.Method+" "+r.URL.Path)
	if r.URL.Path == "/v1/auth/token" {
		s.token(w, r)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if issued, known := s.tokens[tok]; !ok || !known || s.Now().After(issued.Add(s.TokenTTL)) {
		fail(w, http.StatusUnauthorized, "100005", "access_token is invalid or expired")
		return
	}
	if s.limited > 0 {
		s.limited--
		if s.wait != "" {
			w.Header().Set("Retry-After", s.wait)
		}
		fail(w, http.StatusTooManyRequests, "100429", "too many requests")
		return
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && r.Header.Get("Content-Type") != "application/json" {
		fail(w, http.StatusUnsupportedMediaType, "100001", "Content-Type must be application/json")
		return
	}
	switch {
	case r.URL.Path == "/v1/project/work_items" && r.Method == http.MethodPost:
		s.create(w, r)
	case r.URL.Path == "/v1/project/work_items" && r.Method == http.MethodGet:
		s.list(w, r)
	case r.URL.Path == "/v1/comments" && r.Method == http.MethodPost:
		var b struct {
			PrincipalType string `json:"principal_type"`
			PrincipalID   string `json:"principal_id"`
			Content       string `json:"content"`
		}
		_ = json.NewDecoder(r.Body).Decode(&b)
		wi := s.items[b.PrincipalID]
		switch {
		case b.PrincipalType != "work_item":
			fail(w, http.StatusBadRequest, "100011", "principal_type is invalid")
		case wi == nil:
			fail(w, http.StatusNotFound, "100404", "work item not found")
		case strings.TrimSpace(b.Content) == "":
			fail(w, http.StatusBadRequest, "100012", "content is required")
		default:
			wi.Comments = append(wi.Comments, b.Content)
			reply(w, map[string]any{"id": fmt.Sprintf("c%d", len(wi.Comments)), "content": b.Content})
		}
	default:
		m := itemPath.FindStringSubmatch(r.URL.Path)
		if m == nil {
			fail(w, http.StatusNotFound, "100404", "resource not found")
			return
		}
		wi := s.items[m[1]]
		if wi == nil {
			fail(w, http.StatusNotFound, "100404", "work item not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			reply(w, s.view(wi))
		case http.MethodPatch:
			var b map[string]json.RawMessage
			if json.NewDecoder(r.Body).Decode(&b) != nil {
				fail(w, http.StatusBadRequest, "100001", "body is not JSON")
				return
			}
			for k, v := range b {
				var str string
				if json.Unmarshal(v, &str) != nil {
					fail(w, http.StatusBadRequest, "100013", k+" must be a string")
					return
				}
				switch k {
				case "title":
					if strings.TrimSpace(str) == "" {
						fail(w, http.StatusBadRequest, "100014", "title is required")
						return
					}
					wi.Title = str
				case "description":
					wi.Description = str
				case "state_id":
					if _, ok := s.States[str]; !ok {
						fail(w, http.StatusBadRequest, "100015", "state_id is invalid")
						return
					}
					wi.StateID = str
				default:
					fail(w, http.StatusBadRequest, "100016", k+" cannot be updated")
					return
				}
			}
			wi.UpdatedAt = s.Now()
			reply(w, s.view(wi))
		default:
			w.Header().Set("Allow", "GET, PATCH")
			fail(w, http.StatusMethodNotAllowed, "100405", "method not allowed")
		}
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method != http.MethodGet || q.Get("grant_type") != "client_credentials" {
		fail(w, http.StatusBadRequest, "100002", "grant_type must be client_credentials")
		return
	}
	if q.Get("client_id") != s.ClientID || q.Get("client_secret") != s.ClientSecret {
		fail(w, http.StatusUnauthorized, "100003", "client_id or client_secret is invalid")
		return
	}
	s.issued++
	tok := fmt.Sprintf("tok-%d", s.issued)
	s.tokens[tok] = s.Now()
	reply(w, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.TokenTTL.Seconds())})
}

func (s *Server) view(wi *WorkItem) map[string]any {
	return map[string]any{
		"id": wi.ID, "identifier": wi.Identifier, "title": wi.Title, "description": wi.Description,
		"type": wi.TypeID, "project": map[string]any{"id": wi.ProjectID},
		"state":    map[string]any{"id": wi.StateID, "name": s.States[wi.StateID]},
		"html_url": s.URL + "/pjm/workitems/" + wi.Identifier, "updated_at": wi.UpdatedAt.Unix(),
	}
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var b struct {
		ProjectID   string `json:"project_id"`
		TypeID      string `json:"type_id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		fail(w, http.StatusBadRequest, "100001", "body is not JSON")
		return
	}
	prefix, ok := s.Projects[b.ProjectID]
	switch {
	case !ok:
		fail(w, http.StatusBadRequest, "100020", "project_id is invalid")
		return
	case !contains(s.Types, b.TypeID):
		fail(w, http.StatusBadRequest, "100021", "type_id is invalid")
		return
	case strings.TrimSpace(b.Title) == "":
		fail(w, http.StatusBadRequest, "100014", "title is required")
		return
	}
	n := 0
	for _, wi := range s.items {
		if wi.ProjectID == b.ProjectID {
			n++
		}
	}
	wi := &WorkItem{ID: fmt.Sprintf("wi%d", len(s.items)+1), Identifier: fmt.Sprintf("%s-%d", prefix, n+1), ProjectID: b.ProjectID,
		TypeID: b.TypeID, Title: b.Title, Description: b.Description, StateID: "s1", UpdatedAt: s.Now()}
	s.items[wi.ID] = wi
	if s.loseNext > 0 {
		s.loseNext--
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(s.view(wi))
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	index, err1 := strconv.Atoi(q.Get("page_index"))
	size, err2 := strconv.Atoi(q.Get("page_size"))
	if q.Get("page_index") == "" {
		index, err1 = 0, nil
	}
	if q.Get("page_size") == "" {
		size, err2 = 30, nil
	}
	if err1 != nil || err2 != nil || index < 0 || size < 1 || size > 100 {
		fail(w, http.StatusBadRequest, "100030", "page_index must be >= 0 and page_size 1..100")
		return
	}
	var all []*WorkItem
	for _, wi := range s.items {
		if p := q.Get("project_id"); p == "" || wi.ProjectID == p {
			all = append(all, wi)
		}
	}
	sort.Slice(all, func(i, j int) bool { return num(all[i].ID) < num(all[j].ID) })
	values := []map[string]any{}
	for i := index * size; i < min((index+1)*size, len(all)); i++ {
		values = append(values, s.view(all[i]))
	}
	reply(w, map[string]any{"page_index": index, "page_size": size, "total": len(all), "values": values})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
