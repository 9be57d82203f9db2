package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckedInIsGenerated fails when client/operations.go is not what the
// generator writes from the endpoint tables today: the client would have
// drifted from the API.
func TestCheckedInIsGenerated(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "operations.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("client/operations.go is out of date with the endpoint tables: run go generate ./client")
	}
}
