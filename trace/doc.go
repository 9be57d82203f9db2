// Package trace keeps the typed links between records of every domain and
// tells when one has gone stale, so documents stay current and work is
// tested and accepted against what was agreed.
//
// A Link says that one record (From) depends on another (To) in a Role:
// implements, verifies, derives_from, refines, mitigates or relates_to. It
// records the revision of its target when it was made or last confirmed.
// When the target gets a revision whose content differs from that one (not
// only its status or bookkeeping), the link turns suspect and lists the
// fields that changed; Confirm, with a note, re-stamps it at the target's
// current revision.
//
// The package knows no other domain: a Targets, which adapters/link
// implements over every domain's store, reads a record's current revision
// and the content fields that differ between two of its revisions. Links
// come from two places: made by hand (Link), or declared by the records
// themselves (a requirement's links, a contract operation's requirements,
// a risk's links), which Declare keeps in step with the record.
//
// Queries: List with a Filter (suspect links of a record or of a project
// are one query each), Neighbours (what a record depends on and what
// depends on it), and Impact (what a proposed change would turn suspect).
// TargetRevised is called, by adapters/link, for every event; Recheck
// re-examines a whole project, for links whose event never arrived.
//
// Main calls, in the order a newcomer uses them: NewService over a Store
// and a Targets; Link; List and Neighbours; TargetRevised (adapters/link
// calls it after every event); Confirm a suspect link; Impact before a
// change; Unlink, Restore and History.
//
// What counts as content is each domain's to say (requirement.ContentChanges
// and the like); Targets asks them.
//
// Events (events.go): trace.linked, .declared, .unlinked, .restored,
// .suspect and .confirmed; a link's Ref kind is "trace".
package trace
