//go:build !unix

package sqlite

import "os"

func mapHeader(*os.File) []byte { return nil }

func unmapHeader([]byte) {}
