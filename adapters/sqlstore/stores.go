// Package sqlstore is one SQL implementation of every accord store over
// database/sql, for SQLite and PostgreSQL alike. What differs between the
// engines lives in dialect.go; adapters/sqlite and adapters/postgres open a
// database with the right driver and settings and hand it here, so an
// embedder links only the driver it uses.
//
// The schema is the library's own: numbered SQL migrations embedded in the
// package, applied by Migrate (and `accord migrate`), printable with
// MigrationSQL for teams that run their own migration tool. Every record is
// a row of accord_records (the record as JSON, jsonb in PostgreSQL, beside
// the columns lookups and filters need) with one row per revision in
// accord_revisions; keys come from a per-project sequence allocated in the
// creating transaction; updates are compare-and-swap in SQL (… WHERE
// revision = n), so no engine has a read-modify-write race.
package sqlstore

import "database/sql"

// Stores are the SQL stores of every domain over one database.
type Stores struct {
	DB           *sql.DB
	Dialect      Dialect
	Requirements *RequirementStore
	Contracts    *ContractStore
	Reviews      *ReviewStore
	Projects     *ProjectStore
	Risks        *RiskStore
	Retros       *RetroStore
	Tokens       *TokenStore
}

// New returns the stores over db, which must be migrated (Migrate).
func New(db *sql.DB, d Dialect) *Stores {
	return &Stores{DB: db, Dialect: d, Requirements: newRequirementStore(db, d), Contracts: newContractStore(db, d), Reviews: newReviewStore(db, d),
		Projects: newProjectStore(db, d), Risks: newRiskStore(db, d), Retros: newRetroStore(db, d), Tokens: &TokenStore{db: db, d: d}}
}
