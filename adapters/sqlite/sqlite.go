// Package sqlite opens accord's SQL stores on an SQLite file: embedded,
// pure Go (modernc.org/sqlite), nothing to install.
//
// The database runs in WAL mode with synchronous=FULL: a transaction that
// committed is on disk, so a power cut loses no acknowledged write (WAL
// with synchronous=NORMAL would be faster but could lose the last commits).
// Write transactions begin IMMEDIATE and wait up to BusyTimeout for the
// write lock, so concurrent writers queue instead of failing with
// SQLITE_BUSY. Foreign keys are on.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/accordhq/accord/adapters/sqlstore"
)

// BusyTimeout is how long a writer waits for another writer's transaction.
const BusyTimeout = 30 * time.Second

// Open opens (creating if need be) the SQLite database at path and returns
// accord's stores over it. It does not migrate: call Migrate once at
// start-up (the reference server does).
func Open(path string) (*sqlstore.Stores, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	s := sqlstore.New(db, sqlstore.SQLite)
	// Reads by id and key are cached, exactly (see changes).
	watch, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	watch.SetMaxOpenConns(1)
	w := &changes{shmPath: path + "-shm", db: watch}
	if err := w.hold(); err != nil {
		watch.Close()
		db.Close()
		return nil, fmt.Errorf("sqlite: opening %s: %w", path, err)
	}
	s.CacheReads(w.changed, w.close)
	return s, nil
}

// Migrate applies accord's pending migrations to db (Stores.DB) in one
// transaction; running it again changes nothing.
func Migrate(ctx context.Context, db *sql.DB) error {
	_, err := sqlstore.Migrate(ctx, db, sqlstore.SQLite)
	return err
}

// changes tells whether anyone committed to the database since it was
// last asked, for the stores' read cache. In WAL mode every commit rewrites
// the header of the wal-index, the -shm file beside the database
// (https://www.sqlite.org/walformat.html: its iChange counts
// transactions), so reading those 96 bytes, mapped into memory, answers
// at once, for writers in this process and in any other. Where there is no -shm file
// (another journal mode, exclusive locking), PRAGMA data_version on a
// connection that never writes answers instead, in a few.
type changes struct {
	mu      sync.Mutex
	shmPath string
	shm     *os.File
	mem     []byte // the -shm file's first page, mapped, where the system allows
	lastHdr [96]byte
	haveHdr bool

	db      *sql.DB
	conn    *sql.Conn // held open, so the -shm file lives as long as the stores
	stmt    *sql.Stmt
	version int64
	haveVer bool
}

// hold opens the connection that keeps the wal-index in place: SQLite
// deletes the -shm file when the last connection to the database closes,
// and a file read after that would never change again.
func (c *changes) hold() error {
	ctx := context.Background()
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return err
	}
	stmt, err := conn.PrepareContext(ctx, "PRAGMA data_version")
	if err != nil {
		conn.Close()
		return err
	}
	c.conn, c.stmt = conn, stmt
	var v int64
	if err := stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		conn.Close()
		return err
	}
	if c.shm, _ = os.Open(c.shmPath); c.shm != nil {
		c.mem = mapHeader(c.shm)
	}
	return nil
}

func (c *changes) changed(ctx context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mem != nil {
		var hdr [96]byte
		copy(hdr[:], c.mem)
		changed := !c.haveHdr || hdr != c.lastHdr
		c.lastHdr, c.haveHdr = hdr, true
		return changed, nil
	}
	if c.shm != nil {
		var hdr [96]byte
		if n, err := c.shm.ReadAt(hdr[:], 0); n == len(hdr) && (err == nil || err == io.EOF) {
			// A read torn by a commit in progress differs from the last:
			// it counts as a change, which only costs a cache miss.
			changed := !c.haveHdr || hdr != c.lastHdr
			c.lastHdr, c.haveHdr = hdr, true
			return changed, nil
		}
	}
	var v int64
	if err := c.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		return false, err
	}
	changed := !c.haveVer || v != c.version
	c.version, c.haveVer = v, true
	return changed, nil
}

func (c *changes) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mem != nil {
		unmapHeader(c.mem)
		c.mem = nil
	}
	if c.shm != nil {
		c.shm.Close()
	}
	c.stmt.Close()
	c.conn.Close()
	return c.db.Close()
}
