package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The console's browser tests drive headless Chromium (Debian's package
// "chromium") against the demo server, in this process. Each fails when a
// page throws, logs an error or breaks the Content-Security-Policy.

// consoleTokens are the demo actors' fixed tokens for these tests.
const consoleTokens = "alice:product:pm-secret-token,bob:backend:dev-secret-token"

// chromium returns the path of a Chromium binary, or "" when none is found.
func chromium() string {
	if p := os.Getenv("ACCORD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium tab and what its pages reported.
type browser struct {
	t        *testing.T
	ctx      context.Context
	base     string
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T, base string, width, height int) *browser {
	t.Helper()
	path := chromium()
	if path == "" {
		t.Skip("no Chromium binary found (apt-get install chromium); the console's browser tests need one")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(width, height),
		chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	b := &browser{t: t, ctx: ctx, base: base}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.problem("exception: " + ev.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				b.problem("console." + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			// A refusal answers 409 or 422 on purpose, which Chromium logs
			// as a failed resource; everything else at error level counts,
			// CSP violations above all.
			e := ev.Entry
			if e.Level == cdplog.LevelError && !(e.Source == cdplog.SourceNetwork && strings.Contains(e.Text, "status of 4")) {
				b.problem(string(e.Source) + ": " + e.Text + " " + e.URL)
			}
		}
	})
	require.NoError(t, chromedp.Run(ctx, cdplog.Enable()))
	if width < 500 {
		// A window is never narrower than 500 pixels: a phone is emulated.
		require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile)))
	}
	t.Cleanup(func() {
		cancelTime()
		cancelCtx()
		cancelAlloc()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("the page reported: %s", p)
		}
	})
	return b
}

func (b *browser) problem(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, p)
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Run(b.ctx, actions...))
}

// text returns the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.WaitVisible(sel, chromedp.ByQuery), chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// waitText waits until the element's text contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		_ = chromedp.Run(b.ctx, chromedp.Text(sel, &got, chromedp.ByQuery, chromedp.AtLeast(0)))
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s never showed %q; it shows %q", sel, want, got)
}

// login signs in with a token through the login form. The form is
// filled again when Chromium loses the field between finding it and
// typing ("Could not find node with given id": the page it belonged to
// was replaced, as a redirect right after a logout can do); any other
// error, or a third loss, fails the test.
func (b *browser) login(token string) {
	b.t.Helper()
	var err error
	for range 3 {
		err = chromedp.Run(b.ctx, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible("#token", chromedp.ByQuery),
			chromedp.SendKeys("#token", token, chromedp.ByQuery), chromedp.Click(".login button", chromedp.ByQuery),
			chromedp.WaitVisible("header .actor", chromedp.ByQuery))
		if err == nil || !strings.Contains(err.Error(), "Could not find node") {
			break
		}
	}
	require.NoError(b.t, err)
}

// logout signs out with the header's button.
func (b *browser) logout() {
	b.t.Helper()
	b.run(chromedp.Click(".who form:last-of-type button", chromedp.ByQuery), chromedp.WaitVisible("#token", chromedp.ByQuery))
}

func (b *browser) open(path, sel string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+path), chromedp.WaitVisible(sel, chromedp.ByQuery))
}

func startConsole(t *testing.T) running {
	t.Helper()
	r := start(t, "memory", consoleTokens)
	t.Cleanup(r.stop)
	return r
}

const pmToken, devToken = "pm-secret-token", "dev-secret-token"

// editRequirement sets one content field of a requirement through the
// API, as Bob: somebody else's edit, for the console to meet.
func editRequirement(t *testing.T, srv running, key, field, value string) {
	t.Helper()
	var r map[string]any
	do(t, "GET", srv.url+"/v1/projects/demo/requirements/"+key, devToken, "", &r)
	content := map[string]any{}
	for _, k := range []string{"title", "background", "goal", "kpis", "description", "flow", "scenarios", "exceptions",
		"interface_notes", "performance", "acceptance_criteria", "priority", "owner", "labels", "links"} {
		if v, ok := r[k]; ok {
			content[k] = v
		}
	}
	content[field] = value
	body, err := json.Marshal(content)
	require.NoError(t, err)
	res := do(t, "PUT", srv.url+"/v1/projects/demo/requirements/"+key, devToken, string(body), nil, "If-Match", fmt.Sprintf(`"%v"`, r["revision"]))
	require.Equal(t, http.StatusOK, res.StatusCode)
}

func TestConsoleLogInOpenTheDemoAndReadREQ1AndItsDiff(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	// One project: the start page opens it, its home is the progress report.
	b.waitText("h1", "Demo shop")
	assert.Contains(t, b.text("main"), "REQ-4")
	b.run(chromedp.Click(`nav.menu a[href$="/requirements"]`, chromedp.ByQuery))
	b.waitText("table.list", "REQ-1")
	b.run(chromedp.Click(`table.list a[href$="/requirements/REQ-1"]`, chromedp.ByQuery))
	b.waitText("h1", "Refund a paid order")
	page := b.text("main")
	for _, want := range []string{"REFUND_WINDOW_CLOSED", "Support staff refund orders by hand", "Consumer law in two new markets", "RV-1"} {
		assert.Contains(t, page, want)
	}
	// Compare the two newest revisions: the approval moved its status.
	b.run(chromedp.Click("#compare", chromedp.ByQuery))
	b.waitText("#diff", "status")
	assert.Contains(t, b.text("#diff"), "approved")
	// No token in any address the browser went to.
	var loc string
	b.run(chromedp.Location(&loc))
	assert.NotContains(t, loc, pmToken)
}

func TestConsoleEditFromAStaleRevisionShowsBothVersionsAndKeepsTheirs(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/requirements/REQ-2/edit", "#f-title")
	// Bob saves REQ-2 through the API while the form is open.
	editRequirement(t, srv, "REQ-2", "title", "Stack one shop and one platform coupon")
	b.run(chromedp.SetValue("#f-title", "Stack coupons, at most two", chromedp.ByQuery), chromedp.Click("#save", chromedp.ByQuery))
	b.waitText("#conflict", "Stack one shop and one platform coupon")
	conflict := b.text("#conflict")
	assert.Contains(t, conflict, "Stack coupons, at most two", "my version is shown")
	assert.Contains(t, conflict, "title", "what changed in between is shown")
	var now map[string]any
	do(t, "GET", srv.url+"/v1/projects/demo/requirements/REQ-2", devToken, "", &now)
	assert.Equal(t, "Stack one shop and one platform coupon", now["title"], "theirs was not overwritten")
	// Asked, Alice keeps hers: saved on top of the newest revision.
	b.run(chromedp.Click("#save", chromedp.ByQuery))
	b.waitText("h1", "Stack coupons, at most two")
}

func TestConsoleApprovingTheReviewMakesTheRequirementApprovable(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/requirements/REQ-3", "#waiting")
	for i, token := range []string{pmToken, devToken} {
		if i > 0 {
			b.logout()
			b.login(token)
		}
		b.open("/projects/demo/reviews/RV-2", "#verdict-form")
		b.run(chromedp.Click("#give-verdict", chromedp.ByQuery))
		b.waitText("#verdict-form", "") // back on the review
	}
	b.waitText("#outcome", "approved")
	b.open("/projects/demo/requirements/REQ-3", "#approvable")
	b.run(chromedp.Click(`button[data-to="approved"]`, chromedp.ByQuery))
	b.waitText("#status", "approved")
}

func TestConsoleAnsweringTheBlockingQuestionUnblocksTheItem(t *testing.T) {
	// On memory and on SQLite, where each change is a unit of work with its events.
	for _, db := range []string{"memory", filepath.Join(t.TempDir(), "console.db")} {
		t.Run(filepath.Base(db), func(t *testing.T) { answerTheBlockingQuestion(t, db) })
	}
}

func answerTheBlockingQuestion(t *testing.T, db string) {
	srv := start(t, db, consoleTokens)
	t.Cleanup(srv.stop)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/iterations/IT-1", "#board")
	b.waitText(`section[data-state="blocked"]`, "REQ-1")
	b.run(chromedp.Click(`nav.menu a[href$="/questions"]`, chromedp.ByQuery))
	b.waitText("#Q-1", "partial refund")
	b.run(chromedp.SendKeys("#reply-Q-1", "Only the money; the coupon stays used.", chromedp.ByQuery),
		chromedp.Click(`#Q-1 button[value="answer"]`, chromedp.ByQuery))
	b.waitText("#Q-1", "Only the money")
	b.open("/projects/demo/iterations/IT-1", "#board")
	b.waitText(`section[data-state="in_progress"]`, "REQ-1")
	assert.NotContains(t, b.text(`section[data-state="blocked"]`), "REQ-1")
}

func TestConsoleAddARetroCardAndVote(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/retros/RETRO-2", ".retro-board")
	b.run(chromedp.SendKeys(`section[data-column="well"] textarea`, "Pairing on the refund review", chromedp.ByQuery),
		chromedp.Click(`section[data-column="well"] .add-card button`, chromedp.ByQuery))
	b.waitText(`section[data-column="well"]`, "Pairing on the refund review")
	// Alice facilitates: on to grouping, where two cards become one group, then voting.
	b.run(chromedp.Click("#next-phase", chromedp.ByQuery))
	b.waitText("#phase", "grouping")
	b.run(chromedp.Click(`.card input[type=checkbox]`, chromedp.ByQuery), chromedp.Click(`section[data-column="improve"] .card input[type=checkbox]`, chromedp.ByQuery),
		chromedp.SendKeys(`#group-form input[name=title]`, "Reviews and pairing", chromedp.ByQuery), chromedp.Click("#group-form button", chromedp.ByQuery))
	b.waitText("#groups", "Reviews and pairing")
	b.run(chromedp.Click("#next-phase", chromedp.ByQuery))
	b.waitText("#phase", "voting")
	b.run(chromedp.Click(`section[data-column="well"] .card button.vote`, chromedp.ByQuery))
	b.waitText(`section[data-column="well"] .card .votes`, "1")
	// The anonymous retro names nobody on a card.
	assert.NotContains(t, b.text(".retro-board"), "alice")
	// Discussing: a note on the card, then an action.
	b.run(chromedp.Click("#next-phase", chromedp.ByQuery))
	b.waitText("#phase", "discussing")
	b.run(chromedp.SendKeys(`section[data-column="well"] .note-form input[name=text]`, "pair on every payment review", chromedp.ByQuery),
		chromedp.Click(`section[data-column="well"] .note-form button`, chromedp.ByQuery))
	b.waitText(`section[data-column="well"]`, "pair on every payment review")
	b.run(chromedp.SendKeys(`#actions input[name=title]`, "Pair on the next two reviews", chromedp.ByQuery),
		chromedp.SendKeys(`#actions input[name=owner]`, "bob", chromedp.ByQuery), chromedp.Click(`#actions button`, chromedp.ByQuery))
	b.waitText("#actions", "Pair on the next two reviews")
}

func TestConsoleConfirmASuspectLink(t *testing.T) {
	srv := startConsole(t)
	// Bob edits REQ-3: the opportunity RISK-3 linked to it turns suspect.
	editRequirement(t, srv, "REQ-3", "description", "Finance downloads any month's invoices as one CSV file.")

	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/requirements/REQ-3", "#links")
	b.waitText("#links .suspect", "description")
	suspect := func() int {
		var n int
		b.run(chromedp.Evaluate(`document.querySelectorAll("#links .suspect").length`, &n))
		return n
	}
	before := suspect()
	b.run(chromedp.SendKeys("#links .suspect input[name=note]", "the export still saves a week", chromedp.ByQuery),
		chromedp.Click("#links .suspect button", chromedp.ByQuery))
	require.Eventually(t, func() bool { return suspect() == before-1 }, 15*time.Second, 100*time.Millisecond,
		"the confirmed link is current again, the others stay suspect")
	var links []map[string]any
	var page struct {
		Items []map[string]any `json:"items"`
	}
	do(t, "GET", srv.url+"/v1/projects/demo/links?status=suspect", devToken, "", &page)
	links = page.Items
	assert.Len(t, links, before-1)
}

func TestConsoleSwitchToChineseShowsTheSamePageInChinese(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/requirements/REQ-1", "#history")
	assert.Contains(t, b.text("nav.menu"), "Requirements")
	b.run(chromedp.Click(`form.lang button`, chromedp.ByQuery))
	b.waitText("nav.menu", "需求")
	var lang string
	b.run(chromedp.AttributeValue("html", "lang", &lang, nil, chromedp.ByQuery))
	assert.Equal(t, "zh-CN", lang)
	page := b.text("main")
	assert.Contains(t, page, "Refund a paid order", "what people wrote is not translated")
	assert.Contains(t, page, "验收标准")
	assert.Contains(t, page, "修订历史")
	assert.Contains(t, page, "年", "dates are written the Chinese way")
	// The choice is remembered on the next page.
	b.open("/projects/demo/requirements", "table.list")
	assert.Contains(t, b.text("h1"), "需求")
}

// TestConsoleScreenshots opens the main pages at a desktop and a phone
// width, fails on any page error, and keeps the screenshots in
// $ACCORD_SCREENSHOTS (or a temporary directory) for people to look at.
func TestConsoleScreenshots(t *testing.T) {
	srv := startConsole(t)
	dir := os.Getenv("ACCORD_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	pages := []struct{ name, path, sel string }{
		{"login", "/login", "#token"},
		{"home", "/projects/demo", "main h1"},
		{"requirements", "/projects/demo/requirements", "table.list"},
		{"requirement", "/projects/demo/requirements/REQ-2", "#history"},
		{"diff", "/projects/demo/requirements/REQ-1/diff?from=1&to=3", "#diff"},
		{"edit", "/projects/demo/requirements/REQ-2/edit", "#f-title"},
		{"review", "/projects/demo/reviews/RV-2", "#outcome"},
		{"board", "/projects/demo/iterations/IT-1", "#board"},
		{"plans", "/projects/demo/plans", "main h1"},
		{"questions", "/projects/demo/questions", "main h1"},
		{"retro", "/projects/demo/retros/RETRO-1", ".retro-board"},
		{"risks", "/projects/demo/risks", "#heatmap"},
		{"trace", "/projects/demo/trace", "#matrix"},
		{"contracts", "/projects/demo/contracts", "main h1"},
		{"contract", "/projects/demo/contracts/orders/1.1.0", "#op-refundOrder"},
		{"contractdiff", "/projects/demo/contracts/orders/diff?from=1.0.0&to=1.1.0", "#changes"},
		{"risk", "/projects/demo/risks/RISK-2", "main h1"},
		{"reviews", "/projects/demo/reviews", "main h1"},
		{"retro-collecting", "/projects/demo/retros/RETRO-2", ".retro-board"},
	}
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		b := newBrowser(t, srv.url, size.width, size.height)
		for _, p := range pages {
			if p.name == "home" {
				b.login(pmToken)
			}
			var png []byte
			var failed bool
			b.run(chromedp.Navigate(b.base+p.path), chromedp.WaitVisible(p.sel, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelector(".error-message") !== null`, &failed), chromedp.FullScreenshot(&png, 100))
			assert.False(t, failed, "%s at %s shows an error page", p.path, size.name)
			require.NoError(t, os.WriteFile(filepath.Join(dir, size.name+"-"+p.name+".png"), png, 0o644))
		}
		// The same requirement in Chinese.
		var png []byte
		b.run(chromedp.Navigate(b.base+"/projects/demo/requirements/REQ-1"), chromedp.WaitVisible("#history", chromedp.ByQuery),
			chromedp.Click("form.lang button", chromedp.ByQuery), chromedp.WaitVisible(`html[lang="zh-CN"] #history`, chromedp.ByQuery),
			chromedp.FullScreenshot(&png, 100))
		require.NoError(t, os.WriteFile(filepath.Join(dir, size.name+"-requirement-zh.png"), png, 0o644))
	}
}

func TestPublicURLMustBeAnAbsoluteHTTPAddress(t *testing.T) {
	for _, ok := range []string{"", "https://accord.example.com", "http://10.0.0.5:8080/accord"} {
		assert.NoError(t, checkPublicURL(ok), ok)
	}
	for _, bad := range []string{"accord.example.com", "ftp://accord.example.com", "https://", "https://a.example/?x=1"} {
		err := checkPublicURL(bad)
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), "-public-url")
		}
	}
}

func TestWebhookDeliveriesLinkToTheRecordPage(t *testing.T) {
	got := make(chan map[string]any, 4)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e map[string]any
		if err := json.NewDecoder(r.Body).Decode(&e); err == nil {
			got <- e
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	srv := start(t, "memory", consoleTokens, func(o *serveOptions) {
		o.webhookAllow, o.publicURL = "127.0.0.1/32", "https://accord.example/"
	})
	defer srv.stop()
	res := do(t, "POST", srv.url+"/v1/projects/demo/webhooks", pmToken, `{"url":"`+rcv.URL+`","kinds":["requirement.created"]}`, nil)
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var created map[string]any
	res = do(t, "POST", srv.url+"/v1/projects/demo/requirements", pmToken, `{"title":"Show refunds in the order history"}`, &created)
	require.Equal(t, http.StatusCreated, res.StatusCode)
	select {
	case e := <-got:
		assert.Equal(t, "https://accord.example/projects/demo/go/requirement/"+created["id"].(string), e["url"])
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	// The link opens the record's page, by its key, once signed in.
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/go/requirement/"+created["id"].(string), "#history")
	assert.Contains(t, b.text("h1"), "Show refunds in the order history")
}

func TestConsoleDecideAndApplyAChangeRequest(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/requirements/REQ-1", "#changes")
	// What it would change is shown before anyone decides.
	b.run(chromedp.Click("#changes details summary", chromedp.ByQuery))
	b.waitText("#changes details", "30 days")
	b.run(chromedp.Click(`#changes button[value="approved"]`, chromedp.ByQuery))
	b.waitText("#changes", "Apply")
	b.run(chromedp.Click(`#changes form[action$="/apply"] button`, chromedp.ByQuery))
	b.waitText("#status", "in review")
	assert.Contains(t, b.text("article.doc"), "within 30 days of delivery")
}

func TestConsoleDiscussAReviewInAThread(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(devToken)
	b.open("/projects/demo/reviews/RV-2", "#t-body")
	b.run(chromedp.SendKeys("#t-anchor", "exceptions", chromedp.ByQuery),
		chromedp.SendKeys("#t-body", "What happens with more than 100000 invoices on a slow day?", chromedp.ByQuery),
		chromedp.Click(`form[action$="/threads"] button`, chromedp.ByQuery))
	b.waitText(".thread", "100000 invoices")
	b.logout()
	b.login(pmToken)
	b.open("/projects/demo/reviews/RV-2", ".thread")
	b.run(chromedp.SendKeys(".thread input[name=body]", "The same: a link by email.", chromedp.ByQuery),
		chromedp.Click(".thread form button:not([name])", chromedp.ByQuery))
	b.waitText(".thread", "a link by email")
	b.run(chromedp.Click(`.thread button[name=resolve][value="true"]`, chromedp.ByQuery))
	b.waitText(".thread", "resolved")
	// A refusal shows beside the form: an empty thread.
	b.run(chromedp.Click(`form[action$="/threads"] button`, chromedp.ByQuery))
	b.waitText(`form[action$="/threads"] .field-error`, "required")
	var loc string
	b.run(chromedp.Location(&loc))
	assert.Equal(t, srv.url+"/projects/demo/reviews/RV-2", loc, "reloading after a refusal reads the page, it does not post again")
}

func TestConsoleWatchARequirementAndReadTheInbox(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(pmToken)
	b.open("/projects/demo/requirements/REQ-3", "#watch")
	b.run(chromedp.Click("#watch", chromedp.ByQuery))
	b.waitText("h1", "REQ-3")
	editRequirement(t, srv, "REQ-3", "goal", "Finance closes the month a day sooner.")
	b.open("/projects/demo/inbox", "main h1")
	b.waitText("main", "REQ-3")
	b.run(chromedp.Click(`form[action$="/inbox/read"] button`, chromedp.ByQuery))
	b.waitText("main", "Nothing new")
}

func TestConsoleWorkARisksActions(t *testing.T) {
	srv := startConsole(t)
	b := newBrowser(t, srv.url, 1280, 900)
	b.login(devToken)
	b.open("/projects/demo/risks/RISK-2", "#response")
	assert.Contains(t, b.text("main"), "likelihood", "the scoring's working is shown")
	b.run(chromedp.Click(`#response form[action$="/done"] button`, chromedp.ByQuery))
	b.waitText("#response", "done")
	b.run(chromedp.SendKeys(`#response input[name=title]`, "Batch refunds at month end", chromedp.ByQuery),
		chromedp.SendKeys(`#response input[name=owner]`, "bob", chromedp.ByQuery), chromedp.Click(`#response form[action$="/actions"] button`, chromedp.ByQuery))
	b.waitText("#response", "Batch refunds at month end")
}
