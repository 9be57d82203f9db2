package cireport

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Locator maps JSON pointers into YAML or JSON documents (JSON is YAML) to
// file and line, parsing each file once. Where the path passes through a
// {"$ref": ...} it follows the reference, into another file if it names
// one, so a finding about a schema kept in schemas/order.yaml is placed
// there.
type Locator struct {
	docs map[string]*yaml.Node
}

// NewLocator returns an empty Locator.
func NewLocator() *Locator { return &Locator{docs: map[string]*yaml.Node{}} }

// maxRefHops bounds reference chains, so a cycle of $refs ends.
const maxRefHops = 32

// Locate returns the file and line of pointer in file. When the pointer
// goes further than the document (a removed element, a path the document
// spells differently), it returns the line of the deepest place it
// reached, which is where a reader looks. Only a file that cannot be read
// or parsed is an error.
func (l *Locator) Locate(file, pointer string) (string, int, error) {
	node, err := l.load(file)
	if err != nil {
		return file, 0, err
	}
	line := node.Line
	tokens := splitPointer(pointer)
	hops := 0
	for i := 0; i < len(tokens); {
		if ref := refOf(node); ref != "" && hops < maxRefHops && child(node, tokens[i]) == nil {
			hops++
			target, tfile, err := l.resolve(file, ref)
			if err != nil || target == nil {
				break
			}
			node, file = target, tfile
			continue
		}
		next := child(node, tokens[i])
		if next == nil {
			break
		}
		line = next.line
		node = next.node
		i++
	}
	return file, line, nil
}

type step struct {
	node *yaml.Node
	line int // of the key for a mapping entry, of the item for a sequence
}

// child returns the member token names of n (after aliases), or nil.
func child(n *yaml.Node, token string) *step {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == token {
				return &step{deref(n.Content[i+1]), n.Content[i].Line}
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(token)
		if err == nil && i >= 0 && i < len(n.Content) {
			c := deref(n.Content[i])
			return &step{c, c.Line}
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func refOf(n *yaml.Node) string {
	if s := child(n, "$ref"); s != nil && s.node.Kind == yaml.ScalarNode {
		return s.node.Value
	}
	return ""
}

// resolve finds the node a $ref names, relative to the file it is in.
func (l *Locator) resolve(from, ref string) (*yaml.Node, string, error) {
	target, frag, _ := strings.Cut(ref, "#")
	file := from
	if target != "" {
		if strings.Contains(target, "://") {
			return nil, "", fmt.Errorf("remote $ref %q is not followed", ref)
		}
		file = filepath.Join(filepath.Dir(from), filepath.FromSlash(target))
	}
	node, err := l.load(file)
	if err != nil {
		return nil, "", err
	}
	for _, t := range splitPointer(frag) {
		s := child(node, t)
		if s == nil {
			return nil, "", fmt.Errorf("%s: no %s", file, frag)
		}
		node = s.node
	}
	return node, file, nil
}

func (l *Locator) load(file string) (*yaml.Node, error) {
	if n, ok := l.docs[file]; ok {
		return n, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	root := &doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	l.docs[file] = root
	return root, nil
}

// splitPointer splits an RFC 6901 pointer into unescaped tokens.
func splitPointer(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// RepoPath is how annotations name a file: relative to the working
// directory (the repository root in CI) when it lies under it, with
// forward slashes.
func RepoPath(file string) string {
	if filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}
