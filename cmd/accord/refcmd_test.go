package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord/external"
)

// List, add and remove a record's references through a server: each
// line names the record by key and title and the item by system, key,
// title and status; a system's key is referenced once; removing checks
// the record it was asked for; bad input is refused naming the field.
func TestRefCommands(t *testing.T) {
	s := start(t, "memory", "")
	defer s.stop()
	t.Setenv("ACCORD_TOKEN", s.pm)
	remote := func(args ...string) []string { return append(args, "-server", s.url, "-project", "demo") }

	out, err := runOK(t, remote("ref", "add", "-record", "REQ-1", "-system", "jira", "-key", "SHOP-1",
		"-url", "https://shop.atlassian.net/browse/SHOP-1", "-status", "To Do", "-title", "退款到原支付方式")...)
	require.NoError(t, err, out)
	assert.Equal(t, "added    requirement REQ-1 Refund a paid order ↔ jira SHOP-1 退款到原支付方式 [To Do]\n", out)
	out, err = runOK(t, remote("ref", "add", "-record", "RISK-1", "-system", "pingcode", "-key", "PAY-7", "-status", "进行中")...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "added    risk RISK-1 ")
	assert.Contains(t, out, "pingcode PAY-7 [进行中]")

	_, code, err := runIn(t, remote("ref", "add", "-record", "REQ-2", "-system", "jira", "-key", "SHOP-1")...)
	require.Error(t, err)
	assert.Equal(t, 1, code, "the item is referenced already: %v", err)
	assert.Contains(t, err.Error(), "REQ-1")

	out, err = runOK(t, remote("ref", "list")...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "requirement REQ-1 Refund a paid order ↔ jira SHOP-1 退款到原支付方式 [To Do]\n    https://shop.atlassian.net/browse/SHOP-1\n")
	assert.Contains(t, out, "2 reference(s) in demo")
	out, err = runOK(t, remote("ref", "list", "-record", "REQ-1")...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "1 reference(s) in demo")
	assert.NotContains(t, out, "PAY-7")
	out, err = runOK(t, remote("ref", "list", "-system", "pingcode", "-format", "json")...)
	require.NoError(t, err, out)
	var refs []external.Reference
	require.NoError(t, json.Unmarshal([]byte(out), &refs))
	require.Len(t, refs, 1)
	assert.Equal(t, "PAY-7", refs[0].Key)

	_, code, err = runIn(t, remote("ref", "remove", "-record", "REQ-2", "-system", "jira", "-key", "SHOP-1")...)
	require.Error(t, err)
	assert.Equal(t, 1, code)
	assert.Contains(t, err.Error(), "referenced by requirement REQ-1, not requirement/REQ-2: nothing removed")
	out, err = runOK(t, remote("ref", "remove", "-record", "REQ-1", "-system", "jira", "-key", "SHOP-1", "-reason", "wrong issue")...)
	require.NoError(t, err, out)
	assert.Equal(t, "removed  requirement REQ-1 Refund a paid order ↔ jira SHOP-1 退款到原支付方式 [To Do]\n", out)
	out, err = runOK(t, remote("ref", "list")...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "1 reference(s) in demo")
	_, code, err = runIn(t, remote("ref", "remove", "-system", "jira", "-key", "SHOP-1")...)
	require.Error(t, err)
	assert.Equal(t, 1, code, "removed already: %v", err)

	for _, bad := range []struct {
		args []string
		want string
	}{
		{remote("ref", "add", "-record", "REQ-1", "-system", "Jira!", "-key", "SHOP-2"), "system"},
		{remote("ref", "add", "-record", "REQ-1", "-system", "jira", "-key", "SHOP-2", "-url", "ftp://x"), "url"},
		{remote("ref", "add", "-record", "FOO-1", "-system", "jira", "-key", "SHOP-2"), "-record"},
		{remote("ref", "add", "-system", "jira", "-key", "SHOP-2"), "-record, -system and -key are required"},
		{remote("ref", "list", "-format", "xml"), "-format"},
		{remote("ref", "rename"), "unknown subcommand"},
		{[]string{"ref", "list", "-project", "demo"}, "-server and -project are required"},
	} {
		_, code, err := runIn(t, bad.args...)
		require.Error(t, err, "%v", bad.args)
		assert.Equal(t, 2, code, "%v: %v", bad.args, err)
		assert.Contains(t, err.Error(), bad.want, strings.Join(bad.args, " "))
	}
}
