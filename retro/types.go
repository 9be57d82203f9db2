package retro

import (
	"maps"
	"slices"
	"time"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/internal/diff"
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

// Item is one card on the board. In a named retrospective Author is the
// actor; in an anonymous one it is empty, and who wrote the card is known
// only to the retrospective's Private part while it is open.
type Item struct {
	ID       string       `json:"id"`
	Column   string       `json:"column"`
	Text     string       `json:"text"`
	Author   string       `json:"author,omitempty"`
	Group    string       `json:"group,omitempty"`
	Promoted []accord.Ref `json:"promoted,omitempty"` // what it became: a risk, a requirement, a change request
	Time     time.Time    `json:"time"`
}

// Group gathers items about one theme, for voting and discussion.
type Group struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Items []string `json:"items"`
}

// Vote is one vote on an item or a group. Voter is the actor in a named
// retrospective and empty in an anonymous one.
type Vote struct {
	Target string `json:"target"`
	Voter  string `json:"voter,omitempty"` // shown only in a named retrospective
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
// 5 per dimension. Respondent is kept (never shown) in a named
// retrospective only. An anonymous retrospective holds its answers in its
// Private part while open and writes them into the record when it closes,
// without respondents and in an order that depends on the scores alone.
type HealthAnswer struct {
	Respondent string         `json:"respondent,omitempty"` // never shown
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

// Anonymized returns r as an anonymous retrospective may be kept: without
// item and note authors, voters or respondents. A named retrospective
// comes back as it is. The Service never writes these into an anonymous
// retrospective; records written by earlier versions of accord may hold
// voters and respondents, and adapters/transfer leaves them out of every
// export and import with this.
func (r Retro) Anonymized() Retro {
	if !r.Anonymous {
		return r
	}
	r = r.Clone()
	for i := range r.Items {
		r.Items[i].Author = ""
	}
	for i := range r.Notes {
		r.Notes[i].Author = ""
	}
	for i := range r.Votes {
		r.Votes[i].Voter = ""
	}
	for i := range r.Health {
		r.Health[i].Respondent = ""
	}
	return r
}

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

// Private is what an open anonymous retrospective must know about its
// participants to apply per-person rules (editing one's own card, vote
// limits, one health answer each). It identifies them by pseudonyms
// computed from Secret, never by actor ID, and lives apart from the record:
// no revision, export, event or view ever holds it. The store erases it in
// the same operation that closes the retrospective, so afterwards nothing
// links two contributions of one person.
type Private struct {
	Secret []byte                    `json:"secret"`           // keys the pseudonyms
	Cards  map[string]string         `json:"cards,omitempty"`  // item ID → its author's pseudonym
	Votes  map[string][]string       `json:"votes,omitempty"`  // pseudonym → the targets voted on
	Health map[string]map[string]int `json:"health,omitempty"` // pseudonym → the latest health answer
}

// Clone returns a deep copy of p.
func (p Private) Clone() Private {
	p.Secret = slices.Clone(p.Secret)
	p.Cards = maps.Clone(p.Cards)
	if p.Votes != nil {
		votes := make(map[string][]string, len(p.Votes))
		for k, v := range p.Votes {
			votes[k] = slices.Clone(v)
		}
		p.Votes = votes
	}
	if p.Health != nil {
		health := make(map[string]map[string]int, len(p.Health))
		for k, v := range p.Health {
			health[k] = maps.Clone(v)
		}
		p.Health = health
	}
	return p
}

// ContentChanges lists the content fields that differ from a to b: what a
// link to the retrospective relies on, what it concluded (its lessons and
// actions). Cards, votes and phases move on their own.
func ContentChanges(a, b Retro) []string {
	type content struct {
		Lessons []Lesson `json:"lessons"`
		Actions []Action `json:"actions"`
	}
	return diff.Paths(diff.Fields(content{a.Lessons, a.Actions}, content{b.Lessons, b.Actions}))
}
