package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/accordhq/accord/adapters/transfer"
)

// exportCommand writes a project as one JSON document, streamed a page
// of records at a time (transfer.Write), indented by a space per level.
// With -o the document goes to a file in the same directory first and
// takes the name only once it is whole: a failed export leaves no file
// that looks complete (nor changes one that was there). Without -o a
// failure leaves standard output without the document's closing brace.
// Either way the command fails.
func exportCommand(ctx context.Context, args []string, defaultDB string, out io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	project := fs.String("project", "", "the project's key (required)")
	db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
	file := fs.String("o", "", "write to this file instead of standard output (written whole or not at all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *project == "" {
		return usageError("export: -project is required")
	}
	if *db == "memory" {
		return usageError("export: -db memory is empty; give the server's database")
	}
	b, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer b.close()
	// The layout json.Encoder with SetIndent("", " ") wrote before the
	// export streamed: the same bytes.
	layout := transfer.Layout{Indent: " ", EscapeHTML: true}
	write := func(w io.Writer) error {
		return transfer.Write(ctx, w, b.Stores, *project, time.Now().UTC(), layout)
	}
	if *file == "" {
		return write(out)
	}
	return writeWhole(*file, write)
}

// writeWhole writes name through write: into a new file beside it, which
// is renamed to name once write and the file's close succeed, and removed
// otherwise. A file name held keeps its permissions; a new one is
// readable by its owner alone (0600), as an export holds a whole project.
func writeWhole(name string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.partial")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if st, serr := os.Stat(name); serr == nil {
		if err := f.Chmod(st.Mode().Perm()); err != nil {
			return err
		}
	}
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// importCommand reads a project's document (a file, or - for standard
// input) into a database that does not have the project, all or nothing.
func importCommand(ctx context.Context, args []string, defaultDB string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("usage: accord import [-db ...] FILE (- for standard input)")
	}
	if *db == "memory" {
		return usageError("import: -db memory would forget it at once; give a database")
	}
	r := in
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return usageError("import: %v", err)
		}
		defer f.Close()
		r = f
	}
	doc, err := transfer.Read(r)
	if err != nil {
		return usageError("import: %s: %v", fs.Arg(0), err)
	}
	// A document that cannot be imported is refused before any database
	// is opened or created.
	if err := doc.Validate(); err != nil {
		return usageError("import: %s: %v", fs.Arg(0), err)
	}
	b, err := openBackend(ctx, *db)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.atomically(ctx, func(ctx context.Context) error { return transfer.Import(ctx, b.Stores, doc) }); err != nil {
		return err
	}
	_, err = io.WriteString(out, "imported project "+doc.Key()+" into "+b.describe+"\n")
	return err
}
