package retro

import (
	"slices"
	"time"

	"github.com/accordhq/accord"
)

// Column is one column of a retrospective's board, with the prompt that
// tells people what goes in it.
type Column struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Prompt string `json:"prompt,omitempty"`
}

// Template is a named set of columns.
type Template struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
}

// BuiltinTemplates are the templates every project has.
func BuiltinTemplates() []Template {
	return []Template{
		{Name: "went_well", Columns: []Column{{"well", "Went well", "What should we keep?"}, {"improve", "To improve", "What got in the way?"}, {"ideas", "Ideas", "What could we try?"}}},
		{Name: "start_stop_continue", Columns: []Column{{"start", "Start", "What should we begin doing?"}, {"stop", "Stop", "What should we no longer do?"}, {"continue", "Continue", "What works and should stay?"}}},
		{Name: "4ls", Columns: []Column{{"liked", "Liked", ""}, {"learned", "Learned", ""}, {"lacked", "Lacked", ""}, {"longed", "Longed for", ""}}},
		{Name: "mad_sad_glad", Columns: []Column{{"mad", "Mad", ""}, {"sad", "Sad", ""}, {"glad", "Glad", ""}}},
	}
}

// Item is one card on the board. In an anonymous retrospective Author is
// empty and Pseudonym is a per-retrospective code that only the service can
// compute while the retrospective is open (its secret is erased when it
// closes); in a named one Author is the actor.
type Item struct {
	ID        string       `json:"id"`
	Column    string       `json:"column"`
	Text      string       `json:"text"`
	Author    string       `json:"author,omitempty"`
	Pseudonym string       `json:"pseudonym,omitempty"` // stored, never shown (Service views blank it)
	Group     string       `json:"group,omitempty"`
	Promoted  []accord.Ref `json:"promoted,omitempty"` // what it became: a risk, a requirement, a change request
	Time      time.Time    `json:"time"`
}

// Group gathers items about one theme, for voting and discussion.
type Group struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Items []string `json:"items"`
}

// Vote is one vote on an item or a group. Voter is the actor, or the
// pseudonym in an anonymous retrospective (erased at close).
type Vote struct {
	Target string `json:"target"`
	Voter  string `json:"voter,omitempty"` // stored; shown only in a named retrospective
}

// Note is a discussion note on an item or a group.
type Note struct {
	ID     string    `json:"id"`
	Target string    `json:"target"`
	Text   string    `json:"text"`
	Author string    `json:"author,omitempty"` // empty in an anonymous retrospective
	Time   time.Time `json:"time"`
}

// Action is an improvement someone owns: accord.Action, the shape risk
// mitigations use, plus where it came from.
type Action struct {
	accord.Action
	Target string `json:"target,omitempty"` // the item or group it came from
	// Origin is the retrospective the action was decided in; Carried is
	// how many retrospectives it has been carried into since.
	Origin   accord.Ref   `json:"origin"`
	Carried  int          `json:"carried,omitempty"`
	Promoted []accord.Ref `json:"promoted,omitempty"`
}

// Lesson is something learned, worth finding again.
type Lesson struct {
	ID   string   `json:"id"`
	Text string   `json:"text"`
	Tags []string `json:"tags,omitempty"`
}

// HealthAnswer is one participant's team health check: a score from 1 to
// 5 per dimension. Who answered is not kept in an anonymous retrospective.
type HealthAnswer struct {
	Respondent string         `json:"respondent,omitempty"` // stored; never shown
	Scores     map[string]int `json:"scores"`
}

// Retro is a retrospective.
type Retro struct {
	ID          string         `json:"id"`
	Project     string         `json:"project"`
	Key         string         `json:"key"` // RETRO-1, RETRO-2, …
	Title       string         `json:"title"`
	Series      string         `json:"series"` // the team or stream of work; one retro follows another
	LooksBackOn []accord.Ref   `json:"looks_back_on,omitempty"`
	Facilitator string         `json:"facilitator"`
	Template    string         `json:"template"`
	Columns     []Column       `json:"columns"`
	Anonymous   bool           `json:"anonymous"`
	HideVotes   bool           `json:"hide_votes"` // tallies hidden until voting ends
	Phase       Phase          `json:"phase"`
	Items       []Item         `json:"items"`
	Groups      []Group        `json:"groups"`
	Votes       []Vote         `json:"votes"`
	Notes       []Note         `json:"notes"`
	Actions     []Action       `json:"actions"`
	Lessons     []Lesson       `json:"lessons"`
	Health      []HealthAnswer `json:"health"`
	ClosedAt    time.Time      `json:"closed_at,omitzero"`
	accord.Stamp
}

// Ref returns the reference other records use to point at r.
func (r Retro) Ref() accord.Ref { return accord.Ref{Kind: RefKind, ID: r.ID} }

// Clone returns a deep copy of r.
func (r Retro) Clone() Retro {
	r.LooksBackOn = slices.Clone(r.LooksBackOn)
	r.Columns = slices.Clone(r.Columns)
	r.Items = slices.Clone(r.Items)
	for i := range r.Items {
		r.Items[i].Promoted = slices.Clone(r.Items[i].Promoted)
	}
	r.Groups = slices.Clone(r.Groups)
	for i := range r.Groups {
		r.Groups[i].Items = slices.Clone(r.Groups[i].Items)
	}
	r.Votes = slices.Clone(r.Votes)
	r.Notes = slices.Clone(r.Notes)
	r.Actions = slices.Clone(r.Actions)
	for i := range r.Actions {
		r.Actions[i].Promoted = slices.Clone(r.Actions[i].Promoted)
	}
	r.Lessons = slices.Clone(r.Lessons)
	for i := range r.Lessons {
		r.Lessons[i].Tags = slices.Clone(r.Lessons[i].Tags)
	}
	r.Health = slices.Clone(r.Health)
	for i := range r.Health {
		s := make(map[string]int, len(r.Health[i].Scores))
		for k, v := range r.Health[i].Scores {
			s[k] = v
		}
		r.Health[i].Scores = s
	}
	return r
}
