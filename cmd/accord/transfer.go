package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"time"

	"github.com/accordhq/accord/adapters/transfer"
)

// exportCommand writes a project as one JSON document.
func exportCommand(ctx context.Context, args []string, defaultDB string, out io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	project := fs.String("project", "", "the project's key (required)")
	db := fs.String("db", defaultDB, `SQLite file or postgres:// URL`)
	file := fs.String("o", "", "write to this file instead of standard output")
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
	doc, err := transfer.Export(ctx, b.Stores, *project, time.Now().UTC())
	if err != nil {
		return err
	}
	w := out
	if *file != "" {
		f, err := os.Create(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(doc)
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
