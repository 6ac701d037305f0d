// Copyright (c) the Ferry authors.

#include "engine/journal_entry.h"

namespace ferry::internal {

JournalEntryWriter::JournalEntryWriter(std::string* out) : out_(out) { out_->push_back('{'); }

JournalEntryWriter& JournalEntryWriter::Member(std::string_view name) {
  if (!first_) out_->push_back(',');
  first_ = false;
  out_->push_back('"');
  out_->append(name);
  out_->append("\":");
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Key(std::string_view key) {
  Member("k");
  WriteJsonString(key, out_);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Written(std::string_view sha) {
  Member("a");
  WriteJsonString(sha, out_);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Before(const EntryBefore& before) {
  Member("v");
  if (before.version_null) out_->append("null");
  else WriteJsonString(before.version, out_);
  Member("o");
  WriteJsonString(before.sha, out_);
  if (before.text) {
    Member("b");
    WriteJsonString(*before.text, out_);
  }
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Created() {
  Member("o");
  out_->append("\"\"");
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Deleted() {
  Created();
  Member("d");
  out_->append("true");
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Complements(std::string_view members) {
  if (members.empty()) return *this;
  Member("c");
  out_->append("{").append(members).push_back('}');
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Skipped(std::string_view items) {
  if (items.empty()) return *this;
  Member("s");
  out_->append("[").append(items).push_back(']');
  return *this;
}

void JournalEntryWriter::End() { out_->append("}\n"); }

void AddComplement(std::string_view migration_id, const Value& complement, std::string* members) {
  if (!members->empty()) members->push_back(',');
  WriteJsonString(migration_id, members);
  members->push_back(':');
  WriteJson(complement, members);
}

void AddSkipped(std::string_view migration_id, std::string* items) {
  if (!items->empty()) items->push_back(',');
  WriteJsonString(migration_id, items);
}

void AddMigratedFrom(std::string_view version, std::string* journal) {
  if (journal->size() < 2 || journal->compare(journal->size() - 2, 2, "}\n") != 0) return;
  journal->resize(journal->size() - 2);
  journal->append(",\"f\":");
  WriteJsonString(version, journal);
  journal->append("}\n");
}

std::string WithBefore(const std::optional<EntryBefore>& before, std::string_view entry) {
  std::string line;
  JournalEntryWriter w(&line);
  if (before) w.Before(*before);
  else w.Created();
  if (entry.size() > 2) line.append(",").append(entry.substr(1));  // the entry's members and its "}"
  else line.push_back('}');
  return line;
}

std::string JournalEntry::Text(std::string_view member) const {
  const Value* v = e_.Find(member);
  return v != nullptr && v->IsString() ? std::string(v->AsString()) : std::string();
}

bool JournalEntry::version_null() const {
  const Value* v = e_.Find("v");
  return v != nullptr && v->IsNull();
}

const Value* JournalEntry::before_text() const {
  const Value* b = e_.Find("b");
  return b != nullptr && b->IsString() ? b : nullptr;
}

bool JournalEntry::deleted() const {
  const Value* d = e_.Find("d");
  return d != nullptr && d->IsBool() && d->AsBool();
}

const Value* JournalEntry::complement(std::string_view migration_id) const {
  const Value* c = e_.Find("c");
  return c != nullptr && c->IsObject() ? c->Find(migration_id) : nullptr;
}

bool JournalEntry::skipped(std::string_view migration_id) const {
  const Value* s = e_.Find("s");
  if (s == nullptr || !s->IsArray()) return false;
  for (const Value& id : *s) {
    if (id.IsString() && id.AsString() == migration_id) return true;
  }
  return false;
}

std::string JournalEntry::migrated_from() const { return e_.Find("f") != nullptr ? Text("f") : Text("v"); }

}  // namespace ferry::internal
