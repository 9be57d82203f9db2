package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The read-only commands name a missing database or project and end
// non-zero, and leave no empty database behind.
func TestReadOnlyCommandsCreateNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"report", "-project", "demo", "-db", missing},
		{"report", "coverage", "-project", "demo", "-db", missing},
		{"export", "-project", "demo", "-db", missing},
	} {
		err := cli(ctx, args, &bytes.Buffer{}, quiet)
		require.Error(t, err, args)
		assert.NotEqual(t, 0, exitCode(err))
		assert.Contains(t, err.Error(), "no database at "+missing, args)
		assert.NoFileExists(t, missing, args)
	}

	db := filepath.Join(dir, "accord.db")
	require.NoError(t, cli(ctx, []string{"migrate", "-db", db}, &bytes.Buffer{}, quiet))
	var out bytes.Buffer
	err := cli(ctx, []string{"report", "-project", "nope", "-db", db}, &out, quiet)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, err.Error(), `no project "nope" in SQLite `+db)
	assert.Empty(t, out.String(), "no report of nothing")
	err = cli(ctx, []string{"export", "-project", "nope", "-db", db}, &out, quiet)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope")
}

// A database that cannot be opened is refused saying why.
func TestDatabaseOpenErrorsSayWhatIsWrong(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, tc := range []struct{ db, want string }{
		{"mysql://root:secret@localhost/accord", `"mysql" databases are not supported; give an SQLite file path, "memory", or a postgres:// URL`},
		{filepath.Join(dir, "no", "such", "dir", "accord.db"), "the directory " + filepath.Join(dir, "no", "such", "dir") + " does not exist"},
		{dir, "is a directory, not a database file"},
	} {
		err := cli(ctx, []string{"migrate", "-db", tc.db}, &bytes.Buffer{}, quiet)
		require.Error(t, err, tc.db)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), "secret", "the password is not echoed")
	}
	if os.Geteuid() == 0 {
		t.Skip("root may write anywhere: the permission cases need another user")
	}
	locked := filepath.Join(dir, "locked")
	require.NoError(t, os.Mkdir(locked, 0o500))
	err := cli(ctx, []string{"migrate", "-db", filepath.Join(locked, "accord.db")}, &bytes.Buffer{}, quiet)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot create the database in "+locked)
	assert.Contains(t, err.Error(), "permission denied")
	readOnly := filepath.Join(dir, "ro.db")
	require.NoError(t, os.WriteFile(readOnly, nil, 0o400))
	err = cli(ctx, []string{"migrate", "-db", readOnly}, &bytes.Buffer{}, quiet)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot open the file for reading and writing")
}

// Every subcommand's -h prints its flags and succeeds; every usage
// mistake ends with status 2.
func TestHelpAndUsageErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "-h"}, "-addr"},
		{[]string{"migrate", "-h"}, "-dialect"},
		{[]string{"token", "create", "-h"}, "-actor"},
		{[]string{"token", "-h"}, "accord token create"},
		{[]string{"openapi", "-h"}, "usage of accord openapi"},
		{[]string{"export", "-h"}, "-project"},
		{[]string{"import", "-h"}, "-db"},
		{[]string{"report", "-h"}, "-since"},
		{[]string{"report", "coverage", "--help"}, "-format"},
		{[]string{"contract", "-h"}, "accord contract diff"},
		{[]string{"contract", "diff", "-h"}, "-fail-on"},
		{[]string{"contract", "lint", "-h"}, "usage of accord contract lint"},
		{[]string{"contract", "import", "-h"}, "usage of accord contract import"},
		{[]string{"contract", "export", "-h"}, "-version"},
		{[]string{"contract", "validate", "-h"}, "-request"},
		{[]string{"help"}, "accord serve"},
	} {
		var out bytes.Buffer
		err := cli(ctx, tc.args, &out, quiet)
		require.NoError(t, err, tc.args)
		assert.Contains(t, out.String(), tc.want, strings.Join(tc.args, " "))
	}
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"serve", "-nope"},
		{"serve", "-addr"},
		{"migrate", "-print", "-dialect", "mysql"},
		{"token"},
		{"token", "create"},
		{"token", "create", "-actor", "bob", "-db", "memory"},
		{"openapi", "-x"},
		{"export"},
		{"import"},
		{"report", "-project"},
		{"report", "weekly", "-project", "demo"},
		{"contract"},
		{"contract", "lint"},
		{"contract", "lint", "-x", "f"},
		{"contract", "validate"},
	} {
		err := cli(ctx, args, &bytes.Buffer{}, quiet)
		require.Error(t, err, args)
		assert.Equal(t, 2, exitCode(err), "%v: %v", args, err)
	}
}
