package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/webhook"
)

// A chat message about a record that stands for items in other systems
// names them and their status there on a last line, in the message's
// language; the accord format carries them as "external"; an item the
// summary names already (an external reference's own event) is not
// repeated.
func TestMessagesNameTheRecordsTrackerItems(t *testing.T) {
	e := accord.Event{ID: "E1", Kind: "requirement.transitioned", Project: "shop", Ref: accord.Ref{Kind: "requirement", ID: "01J"},
		Key: "REQ-3", Title: "退款到原支付方式", Actor: accord.Actor{ID: "alice"}, Time: time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC),
		Summary:  `REQ-3 "退款到原支付方式" moved to approved by alice`,
		External: []accord.ExternalItem{{System: "jira", Key: "SHOP-1", URL: "https://shop.atlassian.net/browse/SHOP-1", Status: "To Do"}, {System: "pingcode", Key: "PAY-7"}}}
	text := func(f webhook.Format, lang string) string {
		t.Helper()
		body, err := webhook.Render(f, e, webhook.Rendering{Language: lang})
		require.NoError(t, err)
		return string(body)
	}
	assert.Contains(t, text(webhook.FormatSlack, ""), `moved to approved by alice\nTracker items: jira SHOP-1 (To Do), pingcode PAY-7`)
	assert.Contains(t, text(webhook.FormatWeCom, webhook.Chinese), `moved to approved by alice\n外部引用：jira SHOP-1（To Do），pingcode PAY-7`)
	assert.Contains(t, text(webhook.FormatDingTalk, ""), `Tracker items: jira SHOP-1 (To Do), pingcode PAY-7`)
	assert.Contains(t, text(webhook.FormatFeishu, webhook.Chinese), `外部引用：jira SHOP-1（To Do），pingcode PAY-7`)
	var accordBody struct{ External []accord.ExternalItem }
	require.NoError(t, json.Unmarshal([]byte(text(webhook.FormatAccord, "")), &accordBody))
	assert.Equal(t, e.External, accordBody.External)

	e.Summary = "requirement REQ-3 ↔ jira SHOP-1: updated by alice (revision 2; status there: To Do)"
	e.External = e.External[:1]
	assert.False(t, strings.Contains(text(webhook.FormatSlack, ""), "Tracker items"), "the summary names the item already")
	e.External = nil
	assert.NotContains(t, text(webhook.FormatSlack, ""), "Tracker items")
}
