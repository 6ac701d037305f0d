// Copyright (c) the Ferry authors.

#include "engine/journal_entry.h"

namespace ferry::internal {

JournalEntryWriter::JournalEntryWriter(std::string* out) : out_(out), j_(out) { j_.Begin(); }

JournalEntryWriter& JournalEntryWriter::Key(std::string_view key) {
  j_.Key("k").Str(key);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Written(std::string_view sha) {
  j_.Key("a").Str(sha);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Before(const EntryBefore& before) {
  j_.Key("v");
  if (before.version_null) j_.Null();
  else j_.Str(before.version);
  j_.Key("o").Str(before.sha);
  if (before.text) j_.Key("b").Str(*before.text);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Created() {
  j_.Key("o").Str("");
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Deleted() {
  Created();
  j_.Key("d").Bool(true);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Complements(std::string_view object) {
  if (!object.empty()) j_.Key("c").Json(object);
  return *this;
}

JournalEntryWriter& JournalEntryWriter::Skipped(std::string_view array) {
  if (!array.empty()) j_.Key("s").Json(array);
  return *this;
}

void JournalEntryWriter::End() {
  j_.End();
  out_->push_back('\n');
}

namespace {

// Opens `*text` with `open`, or turns its closing character into a comma.
void AppendItem(char open, std::string* text) {
  if (text->empty()) text->push_back(open);
  else text->back() = ',';
}

}  // namespace

void AddComplement(std::string_view migration_id, const Value& complement, std::string* object) {
  AppendItem('{', object);
  WriteJsonString(migration_id, object);
  object->push_back(':');
  WriteJson(complement, object);
  object->push_back('}');
}

void AddSkipped(std::string_view migration_id, std::string* array) {
  AppendItem('[', array);
  WriteJsonString(migration_id, array);
  array->push_back(']');
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
