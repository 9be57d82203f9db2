// Package web is accord's web console: server-rendered pages over the same
// services the JSON API (adapters/httpapi) uses, with the same permission
// checks, for the product managers and engineers who read, review and
// decide in a browser, in English or Chinese.
//
// New returns an http.Handler to mount in any mux, under any base path:
//
//	console, err := web.New(web.Options{Services: services, // from link.New
//		Projects: projects, Authenticator: httpapi.StoredTokens(tokens)})
//	mux.Handle("/", console)
//
// # Sign-in
//
// Without a session, a page redirects to /login, whose form takes an API
// token (field "token") and checks it with the Authenticator as if it were
// sent as "Authorization: Bearer"; a session cookie (HttpOnly, SameSite
// Strict, Secure under TLS) then stands for it, and /logout ends it. An
// embedder behind its own single sign-on passes an Authenticator that
// reads its own credentials from the request and sets LoginURL to its own
// sign-in page: every request is then authenticated by it.
// With Options.SSO the login page also offers "Sign in with SSO": the
// authorization-code flow with PKCE at an OpenID Connect provider, the
// state bound to the browser by a cookie, the ID token and its nonce
// checked by SSO.VerifyIDToken; the session then stands for the actor it
// names until it expires.
//
// # Pages
//
// Records are addressed by their human keys: /projects/demo/requirements/REQ-3,
// /projects/demo/reviews/RV-2, /projects/demo/iterations/IT-1,
// /projects/demo/retros/RETRO-2, /projects/demo/risks/RISK-1,
// /projects/demo/contracts/orders/1.1.0. /projects/{p}/go/{kind}/{id}
// redirects from a record's ID to its page: chat messages link there (see
// RecordURL). A project's home is its progress report; the other pages
// are the requirements (list, document with lint, revisions and diffs,
// change requests, links, edit), reviews, contracts, plans (boards,
// burn-up, milestones, questions), retrospectives, risks, traceability
// and the inbox. A domain whose service is not given has no pages.
// With Options.External, the requirement, risk, retrospective and
// iteration pages have a "Tracker items" (外部引用) section: each item that
// stands for the record in another system, with its system, its key
// linked to the item, its status there, when it was last synchronised and
// the last sync's error; a change request and a plan item on a board
// carry theirs as badges.
//
// Writes go through the same services and rules as the JSON API, each in a
// unit of work when Options.Atomically is set; a refusal is shown beside
// the field it names. An edit made from a revision someone has since
// replaced saves nothing: the page shows what changed, both versions, and
// asks.
//
// Reading works without JavaScript; a little vendored JavaScript (htmx
// 2.0.4 from npm, BSD-0 licence in static/htmx.LICENSE) makes links and
// forms swap the page body instead of loading a new page.
//
// # Safety
//
// Every form carries a CSRF token that a POST must echo (double submit
// against a SameSite=Strict cookie); pages are served with a
// Content-Security-Policy that allows no inline script or style and no
// framing; tokens never appear in a URL; a project the caller is not a
// member of answers 404 like one that does not exist.
//
// # Languages
//
// English and Chinese (zh-CN), chosen from Accept-Language and switched by
// a form that a cookie remembers. Labels, messages and dates exist in
// both; what people wrote is shown as written.
package web
