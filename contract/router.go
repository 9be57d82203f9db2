package contract

import (
	"net/url"
	"strings"
)

// node is a segment trie over path templates. Matching walks one node per
// path segment, so its cost grows with the path's length, not with the
// number of operations. Literal segments win over parameters.
type node struct {
	static  map[string]*node
	param   *node
	methods map[string]*operation // set at the end of a template
}

func (n *node) insert(segs []segment, op *operation) {
	for _, s := range segs {
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
