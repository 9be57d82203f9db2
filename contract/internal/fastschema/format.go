package fastschema

// checkFormat checks a decoded string against the node's format with the
// full validator's own function, so both paths agree on every input.
func checkFormat(n *node, text []byte) bool {
	return n.format(string(text))
}
