//go:build unix

package sqlite

import (
	"os"
	"syscall"
)

// mapHeader maps the first page of the -shm file read-only and shared, so
// that reading the wal-index header costs no system call. It returns nil
// when the file cannot be mapped (then the header is read with pread).
// The stores hold a connection open, so SQLite neither deletes nor
// shrinks the file while it is mapped.
func mapHeader(f *os.File) []byte {
	page := os.Getpagesize()
	if st, err := f.Stat(); err != nil || st.Size() < int64(page) {
		return nil
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, page, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return mem
}

func unmapHeader(mem []byte) { _ = syscall.Munmap(mem) }
