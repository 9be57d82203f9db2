// Command accord is the accord reference server and its command-line tool.
//
//	accord serve [-addr 127.0.0.1:8080] [-db accord.db] [-webhook-allow …] [-public-url …]   run the API and the web console
//	accord migrate [-db accord.db] [-print [-dialect postgres]] apply (or print) the schema
//	accord token create -actor bob -role backend [-db …]  make an API token
//	accord openapi                                        print the API's OpenAPI 3.1 description
//	accord contract diff [-format …] [-fail-on …] OLD NEW list the changes between two contract files
//
// -db (default $ACCORD_DB, else accord.db in the working directory) is an
// SQLite file path, "memory" (nothing survives a restart) or a postgres://
// URL (several servers may share one database). Tokens are stored hashed;
// ACCORD_TOKENS ("actor:role:token" entries, comma separated) adds fixed
// tokens that are never stored. Webhooks reach public addresses only;
// -webhook-allow (default $ACCORD_WEBHOOK_ALLOW) names the internal hosts
// and networks they may reach too. The web console is served at / and the
// API under /v1/; -public-url (default $ACCORD_PUBLIC_URL) is the address
// people reach the server at, for the links webhook deliveries carry.
// -oidc-issuer and -oidc-audience (default $ACCORD_OIDC_ISSUER,
// $ACCORD_OIDC_AUDIENCE) accept an identity provider's tokens beside
// accord's own, with -oidc-roles-claim naming the claim of the roles.
// -jira-url (default $ACCORD_JIRA_URL) with ACCORD_JIRA_EMAIL and
// ACCORD_JIRA_TOKEN (or ACCORD_JIRA_BEARER), and -pingcode-url (default
// $ACCORD_PINGCODE_URL) with ACCORD_PINGCODE_CLIENT_ID and
// ACCORD_PINGCODE_CLIENT_SECRET, keep the
// projects' tracker settings (/v1/projects/{p}/settings/trackers) in step
// with Jira and PingCode; ACCORD_JIRA_WEBHOOK_SECRET opens Jira's webhook
// receiver at POST /v1/projects/{p}/trackers/jira/webhook.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/httpapi"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/contract"
)

const usage = `accord: the accord reference server and tool

  accord serve [-addr 127.0.0.1:8080] [-db accord.db] [-webhook-allow 10.0.0.0/8,hooks.corp.example]
                                                          run the HTTP API; webhooks reach public addresses
                                                          and those -webhook-allow ($ACCORD_WEBHOOK_ALLOW) names;
                                                          -oidc-issuer URL -oidc-audience AUD [-oidc-roles-claim C]
                                                          also accept an identity provider's tokens (ACCORD_OIDC_*);
                                                          -jira-url ($ACCORD_JIRA_URL) with ACCORD_JIRA_EMAIL +
                                                          ACCORD_JIRA_TOKEN or ACCORD_JIRA_BEARER, and
                                                          -pingcode-url with ACCORD_PINGCODE_CLIENT_ID/_SECRET keep the
                                                          projects' trackers in step; ACCORD_JIRA_WEBHOOK_SECRET
                                                          opens POST /v1/projects/{p}/trackers/jira/webhook
  accord migrate [-db accord.db]                          apply pending schema migrations
  accord migrate -print [-dialect sqlite|postgres]        print the schema SQL for your own migration tool
  accord token create -actor ID -role ROLE [-db ...]      make an API token (printed once, stored hashed)
  accord openapi                                          print the API's OpenAPI 3.1 description
  accord export -project P [-o FILE] [-db ...]           a whole project, every record with its revisions, as JSON
  accord import [-db ...] FILE                            a project exported so into a database without it (all
                                                          or nothing): from SQLite to PostgreSQL, or a restore
  accord import-tracker -project P -from jira|trello|asana|pingcode|worktile -actor ID [-format text|json] [-db ...] FILE
  accord import-tracker -project P -from … -server URL [-token T] [-format text|json] FILE
                                                          a tracker's export (Jira JSON or CSV, Trello JSON, Asana
                                                          JSON or CSV, PingCode/Worktile CSV) as requirements with
                                                          external references, into a database or through a
                                                          server's API; again: no duplicates, conflicts shown
  accord ref list|add|remove -server URL -project P [-record REQ-3] [-system jira -key SHOP-1 [-url U]]
                                                          a project's or a record's references to items in other
                                                          systems (Jira, PingCode, …): list, add, remove
  accord tracker status|sync|rules -server URL -project P [-system jira] [-set FILE] [-token T]
                                                          a project's trackers: sync state and last error, a
                                                          re-run of the failed syncs, the rules (print or -set)
  accord report [progress|coverage] -project P [-since 2026-11-16] [-format markdown|json|csv] [-db ...]
                                                          a project's progress report (进度报告) for the period
                                                          since a date (default a week ago), or its coverage
                                                          report (requirement → operations → tests → criteria
                                                          → acceptance, with the gaps); csv: coverage only
  accord contract diff [-format text|json|markdown] [-fail-on breaking|warning] OLD NEW
                                                          list the changes from one contract file to another,
                                                          judged for OLD's callers (files: a spec in accord's
                                                          form, a version as the API returns it, OpenAPI 3 or Swagger 2.0)
  accord contract import FILE                             an OpenAPI 3 or Swagger 2.0 document (JSON or YAML) as an accord
                                                          spec, with the report of what was dropped
  accord contract export [-version 1.0.0] FILE            a contract file (any of the forms above) as OpenAPI 3.1
  accord contract lint FILE                               the lint findings of a contract file
  accord contract validate FILE -request REQ.json [-response RESP.json]
                                                          check one recorded exchange: REQ is
                                                          {"method","path","headers","body"}, RESP
                                                          {"status","headers","body"}

  accord req lint [-format text|json|github|sarif|junit|markdown] DIR
                                                          lint a folder of requirement files (one .md each), offline
  accord req pull|push DIR -server URL -project P [-token T]
                                                          synchronise the folder with a server's project (If-Match:
                                                          a change on both sides is a conflict, never overwritten)
  accord req export -format needs.json (DIR | -server URL -project P)
                                                          sphinx-needs needs.json of the requirements and their links

-format github|sarif|junit|markdown (contract diff, contract lint, req lint): GitHub
Actions workflow commands at the line of the finding, SARIF 2.1.0, JUnit XML, a
pull-request comment. .accord.yaml in the working directory (or -config) sets
fail-on, ignored rules (reason, expiry) and version-bump: major.

Exit status of the contract and req commands: 0 when the check passed; 1 when it found
what fails it (diff: a change at the -fail-on level or above; lint: an error;
validate: a violation; req push/pull: a conflict); 2 on a usage or input error
(a malformed file or .accord.yaml, named with its line).

-db is an SQLite file, "memory", or a postgres:// URL; $ACCORD_DB is its default.
`

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := cli(ctx, os.Args[1:], os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "accord:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is the status the program ends with after err: 2 for a usage
// error, the code an exitError carries, else 1.
func exitCode(err error) int {
	var exit exitError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.As(err, &exit):
		return exit.code
	}
	return 1
}

// helpRequest is what parse returns for -h: cli prints the command's
// flags and ends with status 0.
type helpRequest struct{ fs *flag.FlagSet }

func (h helpRequest) Error() string { return "accord " + h.fs.Name() + ": help requested" }

// parse reads a command's flags: -h (or -help) asks for its flags, any
// other mistake is a usage error (exit status 2).
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return helpRequest{fs}
	case err != nil:
		return usageError("%s: %v", fs.Name(), err)
	}
	return nil
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// cli runs one command; asked for help (-h), it prints the command's flags
// and succeeds.
func cli(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	err := command(ctx, args, out, log)
	var help helpRequest
	if errors.As(err, &help) {
		fmt.Fprintf(out, "usage of accord %s:\n", help.fs.Name())
		help.fs.SetOutput(out)
		help.fs.PrintDefaults()
		return nil
	}
	return err
}

// command runs the command args name.
func command(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return flag.ErrHelp
	}
	defaultDB := os.Getenv("ACCORD_DB")
	if defaultDB == "" {
		defaultDB = "accord.db"
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
		db := fs.String("db", defaultDB, `SQLite file, "memory", or postgres:// URL`)
		allow := fs.String("webhook-allow", os.Getenv("ACCORD_WEBHOOK_ALLOW"),
			"internal hosts and networks webhooks may reach, comma separated (127.0.0.1/32,hooks.corp.example); default $ACCORD_WEBHOOK_ALLOW, else none")
		public := fs.String("public-url", os.Getenv("ACCORD_PUBLIC_URL"),
			"the address people reach this server at (https://accord.example.com), for links to record pages in webhook deliveries; default $ACCORD_PUBLIC_URL")
		sso := oidcFlags(fs)
		observe := observeFlags(fs)
		trackers := trackerFlags(fs)
		if err := parse(fs, rest); err != nil {
			return err
		}
		return serve(ctx, serveOptions{addr: *addr, db: *db, tokens: os.Getenv("ACCORD_TOKENS"), webhookAllow: *allow, publicURL: *public, oidc: *sso, observe: *observe, trackers: *trackers}, out, log)
	case "migrate":
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
		print := fs.Bool("print", false, "print the schema SQL instead of applying it")
		dialect := fs.String("dialect", "", "with -print: sqlite or postgres (default: the engine of -db)")
		if err := parse(fs, rest); err != nil {
			return err
		}
		if *print {
			if *dialect == "" {
				*dialect = "sqlite"
				if isPostgres(*db) {
					*dialect = "postgres"
				}
			}
			d, ok := map[string]sqlstore.Dialect{"sqlite": sqlstore.SQLite, "postgres": sqlstore.Postgres}[*dialect]
			if !ok {
				return usageError("migrate: -dialect %q: one of sqlite, postgres", *dialect)
			}
			script, err := sqlstore.MigrationSQL(d)
			if err != nil {
				return err
			}
			_, err = io.WriteString(out, script)
			return err
		}
		b, err := openBackend(ctx, *db)
		if err != nil {
			return err
		}
		defer b.close()
		fmt.Fprintf(out, "%s: schema at version %d (%d migration(s) applied now)\n", b.describe, b.version, b.applied)
		return nil
	case "token":
		const tokenUsage = "usage: accord token create -actor ID -role ROLE [-name NAME] [-db ...]"
		if len(rest) > 0 && isHelp(rest[0]) {
			_, err := fmt.Fprintln(out, tokenUsage)
			return err
		}
		if len(rest) == 0 || rest[0] != "create" {
			return usageError(tokenUsage)
		}
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		actor := fs.String("actor", "", "the actor ID the token speaks for (required)")
		role := fs.String("role", "", "roles of the actor, comma separated (product, backend, …)")
		name := fs.String("name", "", "a display name")
		db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
		if err := parse(fs, rest[1:]); err != nil {
			return err
		}
		if *actor == "" {
			return usageError("token create: -actor is required")
		}
		if *db == "memory" {
			return usageError(`token create: -db memory forgets the token at once; give the server's database`)
		}
		b, err := openBackend(ctx, *db)
		if err != nil {
			return err
		}
		defer b.close()
		a := accord.Actor{ID: *actor, Name: *name}
		for _, r := range strings.Split(*role, ",") {
			if r = strings.TrimSpace(r); r != "" {
				a.Roles = append(a.Roles, r)
			}
		}
		tok, err := httpapi.NewToken(ctx, b.tokens, a)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, tok)
		return nil
	case "openapi":
		if err := parse(flag.NewFlagSet("openapi", flag.ContinueOnError), rest); err != nil {
			return err
		}
		doc, err := contract.OpenAPI(httpapi.Contract(), httpapi.APIVersion)
		if err != nil {
			return err
		}
		_, err = out.Write(doc)
		return err
	case "contract":
		return contractCommand(args[1:], out)
	case "req":
		return reqCommand(ctx, rest, out)
	case "report":
		return reportCommand(ctx, rest, defaultDB, out)
	case "export":
		return exportCommand(ctx, rest, defaultDB, out)
	case "import":
		return importCommand(ctx, rest, defaultDB, os.Stdin, out)
	case "import-tracker":
		return importTrackerCommand(ctx, rest, defaultDB, out)
	case "ref":
		return refCommand(ctx, rest, out)
	case "tracker":
		return trackerCommand(ctx, rest, out)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(out, usage)
		return nil
	default:
		fmt.Fprint(out, usage)
		return usageError("unknown command %q", cmd)
	}
}
