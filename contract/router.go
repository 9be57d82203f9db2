package contract

import (
	"net/url"
	"slices"
	"strings"
)

// node is a segment trie over path templates. Matching walks one node per
// path segment, so its cost grows with the path's length, not with the
// number of operations. Literal segments win over mixed ones
// ({name}.json), and those over whole parameters.
type node struct {
	static  map[string]*node
	mixed   []*mixedEdge // segments such as {name}.json, the most literal text first
	param   *node
	methods map[string]*operation // set at the end of a template
}

// mixedEdge leads to the templates whose next segment mixes text and
// parameters.
type mixedEdge struct {
	pieces []piece
	shape  string
	text   int // the length of its literal text
	child  *node
}

func (n *node) insert(segs []segment, op *operation) {
	for _, s := range segs {
		if s.pieces != nil {
			n = n.mixedChild(s)
			continue
		}
		if s.param != "" {
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			continue
		}
		if n.static == nil {
			n.static = map[string]*node{}
		}
		child := n.static[s.literal]
		if child == nil {
			child = &node{}
			n.static[s.literal] = child
		}
		n = child
	}
	if n.methods == nil {
		n.methods = map[string]*operation{}
	}
	n.methods[op.Method] = op
}

func (n *node) mixedChild(s segment) *node {
	shape := s.shape()
	for _, e := range n.mixed {
		if e.shape == shape {
			return e.child
		}
	}
	e := &mixedEdge{pieces: s.pieces, shape: shape, child: &node{}}
	for _, p := range s.pieces {
		e.text += len(p.literal)
	}
	n.mixed = append(n.mixed, e)
	slices.SortStableFunc(n.mixed, func(a, b *mixedEdge) int { return b.text - a.text })
	return e.child
}

// maxSegments bounds the segments captured while matching; longer paths
// never match a contract path (none is that deep).
const maxSegments = 32

// lookup finds the node for an escaped path such as /orders/42, filling
// caps with each segment's raw text. It returns nil if no template matches.
func (n *node) lookup(path string, depth int, caps *[maxSegments]string) *node {
	if path == "" {
		if n.methods != nil {
			return n
		}
		return nil
	}
	if path[0] != '/' || depth == maxSegments {
		return nil
	}
	path = path[1:]
	seg, rest := path, ""
	if i := strings.IndexByte(path, '/'); i >= 0 {
		seg, rest = path[:i], path[i:]
	}
	if child := n.static[seg]; child != nil {
		if found := child.lookup(rest, depth+1, caps); found != nil {
			return found
		}
	}
	for _, e := range n.mixed {
		if _, ok := matchPieces(e.pieces, seg); ok {
			caps[depth] = seg
			if found := e.child.lookup(rest, depth+1, caps); found != nil {
				return found
			}
		}
	}
	if n.param != nil && seg != "" {
		caps[depth] = seg
		if found := n.param.lookup(rest, depth+1, caps); found != nil {
			return found
		}
	}
	return nil
}

// allowed lists the methods a matched path supports, for messages.
func (n *node) allowed() []string {
	return sortedKeys(n.methods)
}

func unescapeSegment(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
