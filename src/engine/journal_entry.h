// Copyright (c) the Ferry authors.
//
// The entry format of rollback journals and backups: one JSON object per
// line, one line per record (docs/backup.md, "What a run keeps"; the
// chunks and manifest around the entries are safety/backup.h's). This
// file is the only place that names the members: every writer appends
// through JournalEntryWriter and the helpers below, every reader asks a
// JournalEntry.
//
//   {"k": KEY,            the record's key
//    "v": VERSION|null,   its version before (absent: it did not exist)
//    "o": SHA,            SHA-256 of its canonical JSON before ("": did not exist)
//    "b": "TEXT",         its stored text before, byte for byte (backups; a run
//                         journal with before-images)
//    "a": SHA,            run journals: SHA-256 of the canonical JSON written
//    "c": {MIGRATION: COMPLEMENT, ...}   run journals: what lossy steps dropped
//    "s": [MIGRATION, ...]               run journals: migrations skipped
//    "f": VERSION,        run journals: the version migrated from ("": none)
//    "d": true}           incremental backups: the key was deleted
//
// Members may come in any order; readers look them up by name, and a
// member a reader does not know is ignored. Not thread-safe per object;
// separate writers and readers may run on separate threads.

#ifndef FERRY_ENGINE_JOURNAL_ENTRY_H_
#define FERRY_ENGINE_JOURNAL_ENTRY_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/json_builder.h"
#include "ferry/json.h"

namespace ferry::internal {

// What a record was before a run or backup.
struct EntryBefore {
  std::string_view version;               // "v"
  bool version_null = false;              // "v": null (a NULL version column)
  std::string_view sha;                   // "o"
  std::optional<std::string_view> text;   // "b": only with before-images
};

// Appends one entry to `*out` (through JsonBuilder), a member at a time,
// then "}\n" on End(). `out` must outlive the writer; End() must be called
// exactly once.
class JournalEntryWriter {
 public:
  explicit JournalEntryWriter(std::string* out);
  JournalEntryWriter& Key(std::string_view key);          // "k"
  JournalEntryWriter& Written(std::string_view sha);      // "a"
  JournalEntryWriter& Before(const EntryBefore& before);  // "v", "o" and "b"
  JournalEntryWriter& Created();                          // "o": "" (nothing before)
  JournalEntryWriter& Deleted();                          // "o": "", "d": true
  // "c" and "s": the object and array gathered by AddComplement/AddSkipped;
  // nothing when they are empty.
  JournalEntryWriter& Complements(std::string_view object);
  JournalEntryWriter& Skipped(std::string_view array);
  void End();

 private:
  std::string* out_;
  JsonBuilder j_;
};

// Gathering "c" and "s" while a record's migrations run: one call per
// migration, into a caller's buffer (cleared by the caller per record),
// which holds a complete JSON object (array) after each call.
void AddComplement(std::string_view migration_id, const Value& complement, std::string* object);
void AddSkipped(std::string_view migration_id, std::string* array);

// Adds "f" (the version the record was migrated from; "" none) to the entry
// that ends `journal` ("...}\n"); nothing when `journal` does not end with
// an entry.
void AddMigratedFrom(std::string_view version, std::string* journal);

// `entry` (one entry, without its newline) with what the record was before
// put first: `before`, or "o": "" when there was no record.
std::string WithBefore(const std::optional<EntryBefore>& before, std::string_view entry);

// One parsed entry. `entry` must be a JSON object and outlive this view.
class JournalEntry {
 public:
  explicit JournalEntry(const Value& entry) : e_(entry) {}
  // A parsed line is an entry when it is an object with a key.
  static bool IsEntry(const Value& v) { return v.IsObject() && v.Find("k") != nullptr; }

  std::string key() const { return Text("k"); }
  std::string written_sha() const { return Text("a"); }  // "" : not a run journal
  std::string version() const { return Text("v"); }      // "" : none (or null)
  bool version_null() const;                            // "v" is null
  std::string original_sha() const { return Text("o"); }  // "" : did not exist
  // The stored text before, or null when the entry has none.
  const Value* before_text() const;
  bool deleted() const;
  // The complement `migration_id` left, or null.
  const Value* complement(std::string_view migration_id) const;
  bool skipped(std::string_view migration_id) const;
  // The version the record was migrated from; journals written before "f"
  // existed: its version before.
  std::string migrated_from() const;

 private:
  std::string Text(std::string_view member) const;
  const Value& e_;
};

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_JOURNAL_ENTRY_H_
