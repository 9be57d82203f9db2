package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out))
	assert.Equal(t, "REQ-1 alice P2 true\norders 1.0.0 draft\nRV-1 pending\n200 application/json\n", out.String())
}

// README.md prints this program whole, so that what a reader copies is what
// this test compiles and runs.
func TestREADMEPrintsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	prog, err := os.ReadFile("main.go")
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(readme), "```go\n"+string(prog)+"```\n"),
		"README.md must print examples/embed/main.go verbatim in a go block; copy the file into it")
}
