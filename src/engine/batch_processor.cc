// Copyright (c) the Ferry authors.
#include "engine/batch_processor.h"

#include <cstring>
#include <set>

#include <sodium.h>

#include "common/crash.h"
#include "common/digest.h"
#include "common/json_builder.h"
#include "common/utf8.h"
#include "engine/journal_entry.h"

namespace ferry::internal {

bool IsIntegerKeyLiteral(std::string_view literal) {
  return literal != "-0" && literal.find_first_of(".eE") == std::string_view::npos;
}

std::string_view KeyOf(const Value* doc, const std::string& key) {
  if (doc == nullptr || !doc->IsObject()) return {};
  const Value* k = doc->Find(key);
  if (k == nullptr) return {};
  if (k->IsString()) return k->AsString();
  if (k->IsNumber() && IsIntegerKeyLiteral(k->NumberLiteral())) return k->NumberLiteral();
  return {};
}

namespace {

// Pointer patterns with their JSON type, array indices as "*".
void Shape(const Value& v, std::string* pointer, std::map<std::string, JsonType>* out) {
  if (v.IsObject()) {
    for (const Member* m = v.members(); m != v.members_end(); ++m) {
      size_t len = pointer->size();
      AppendPointerToken(m->key.AsString(), pointer);
      (*out)[*pointer] = m->value.type();
      Shape(m->value, pointer, out);
      pointer->resize(len);
    }
  } else if (v.IsArray()) {
    size_t len = pointer->size();
    pointer->append("/*");
    for (const Value& item : v) {
      (*out)[*pointer] = item.type();
      Shape(item, pointer, out);
    }
    pointer->resize(len);
  }
}

// ,"raw": the record's text as a JSON string. Bytes that are not UTF-8
// cannot be in JSON text: there they become U+FFFD, and "raw_base64" keeps
// the exact bytes, so every reject line stays valid JSON.
void AppendRaw(std::string_view text, JsonBuilder& j) {
  j.Key("raw");
  if (IsValidUtf8(text)) {
    j.Str(text);
    return;
  }
  std::string valid;
  for (std::string_view rest = text; !rest.empty();) {
    const size_t bad = FindInvalidUtf8(rest);
    valid.append(rest.substr(0, bad));
    if (bad == std::string_view::npos) break;
    valid.append("\xEF\xBF\xBD");
    rest.remove_prefix(bad + 1);
  }
  j.Str(valid);
  std::string b64(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  j.Key("raw_base64").Str(std::string_view(b64.c_str()));
}

const std::string& FieldPointer(const SchemaError& e) {
  return e.field_pointer.empty() ? e.instance_pointer : e.field_pointer;
}

}  // namespace

void BatchResult::Clear(size_t versions) {
  output.clear();
  output_records.clear();
  keys.clear();
  tokens.clear();
  rejected_keys.clear();
  unchanged_rows.clear();
  end_position.clear();
  rejects.clear();
  complements.clear();
  journal.clear();
  records = migrated = already_at_target = rejected = filtered = with_complement = source_bytes = 0;
  version_count.assign(versions, 0);
  version_migrated.assign(versions, 0);
  version_rejected.assign(versions, 0);
  rejects_by_code.clear();
  examples.clear();
  fields_added.clear();
  fields_removed.clear();
  fields_converted.clear();
  skipped_migrations.clear();
  has_first_reject = false;
  first_reject = RejectExample();
  first_reject_code = ErrorCode::kOk;
}

BatchProcessor::BatchProcessor(const Project::Rep& project, const ProcessOptions& options)
    : project_(project), options_(options), arena_(256 * 1024), ctx_(arena_) {}

void BatchProcessor::Process(const RecordBatchInput& input, BatchResult* result) {
  result->Clear(project_.versions.size());
  result->source_bytes = input.source_bytes;
  result->end_position = input.end_position;
  arena_.Reset();
  PrepareThreadForCrashReports();
  for (size_t i = 0; i < input.records.size(); ++i) {
    if (options_.row_tokens) token_ = input.records[i].token_length > 0 ? input.Token(i) : input.Record(i);
    // A crash report names this record (common/crash.h): a few stores.
    PublishRecord(input.records[i].record, input.records[i].line, input.Key(i));
    ProcessRecord(input.Record(i), input.records[i], input.Key(i), input.Error(i), result);
  }
  ClearPublishedRecord();
}

bool BatchProcessor::MissingKey(const Value& doc, std::string_view source_key) const {
  return options_.index_output && source_key.empty() && KeyOf(&doc, project_.key).empty();
}

BatchProcessor::Problem BatchProcessor::KeyProblem(const Value& doc) const {
  Problem p;
  p.code = ErrorCode::kValidationError;
  std::string pointer;
  AppendPointerToken(project_.key, &pointer);
  const Value* k = doc.IsObject() ? doc.Find(project_.key) : nullptr;
  if (k != nullptr && k->IsNumber()) {
    p.errors.push_back({pointer, "key",
                        "key " + std::string(k->NumberLiteral()) +
                            " is a number that is not written as an integer (1, not 1.0, 1e0 or -0): every form of "
                            "a number would be another row; write it as an integer or as a string",
                        ""});
    return p;
  }
  p.errors.push_back({pointer, "key",
                      "has no key field \"" + project_.key +
                          "\" (a non-empty string or an integer), which a table target needs for the row's key",
                      ""});
  return p;
}

bool BatchProcessor::GoDown(Value& doc, int version, Problem* problem) {
  const std::string& name = project_.versions[size_t(version)].info.name;
  problem->code = ErrorCode::kMigrationError;
  const std::vector<size_t>& path = project_.down_paths[size_t(version)];
  if (path.empty()) {
    problem->errors.push_back(
        {"", "path", "no migration leads from version '" + name + "' to '" + project_.target +
                         "', forward or back: export it at its own version (without --version) or at a version "
                         "its migrations reach",
         ""});
    return false;
  }
  std::string ids;
  for (size_t m : path) ids += (ids.empty() ? "'" : ", '") + project_.migrations[m].info.id + "'";
  Value down = doc.DeepCopy(arena_);
  const Value none;
  Status s;
  for (size_t i = path.size(); i-- > 0 && s.ok();) {
    ctx_.Reset(arena_);
    s = project_.migrations[path[i]].steps->ApplyBackward(down, none, ctx_);
  }
  // Faithful only when migrating it up again gives back this very record.
  Value up = down.DeepCopy(arena_);
  for (size_t i = 0; i < path.size() && s.ok(); ++i) {
    Value complement;
    ctx_.Reset(arena_);
    s = project_.migrations[path[i]].steps->ApplyForward(up, ctx_, &complement);
  }
  if (s.ok() && up.Equals(doc)) {
    doc = down;
    return true;
  }
  problem->errors.push_back(
      {s.ok() ? "" : ctx_.error().pointer, "path",
       "version '" + name + "' is newer than '" + project_.target + "': going back through " + ids +
           (s.ok() ? " gives a record that does not migrate back to this one (what it holds has no '" +
                         project_.target + "' form)"
                   : " failed: " + (ctx_.error().message.empty() ? s.message() : ctx_.error().message)) +
           "; export it at its own version (without --version)",
       ""});
  return false;
}

bool BatchProcessor::DetectsAsTarget(const Value& doc) const {
  return DetectVersion(project_, doc) == project_.target_index;
}

BatchProcessor::Problem BatchProcessor::NotTargetProblem(const Value& doc) const {
  const int detected = DetectVersion(project_, doc);
  const std::string as = detected < 0 ? "no version" : "version '" + project_.versions[size_t(detected)].info.name + "'";
  Problem p;
  p.code = ErrorCode::kValidationError;
  p.errors.push_back({"", "detect",
                      "after migration to '" + project_.target + "' the record is detected as " + as +
                          ", so every later run would migrate it again; fix the detectors in " + project_.file,
                      ""});
  return p;
}

void BatchProcessor::WriteOutput(const Value& doc, std::string_view raw, std::string_view source_key, int version,
                                 bool migrated, BatchResult* result) {
  std::string& out = result->output;
  if (options_.output_format == OutputFormat::kJsonArray) out.append(",\n");
  size_t start = out.size();
  if (raw.data() != nullptr) out.append(raw);
  else WriteJson(doc, &out);
  if (options_.index_output) {
    OutputRecord r;
    r.offset = uint32_t(start);
    r.length = uint32_t(out.size() - start);
    r.key_offset = uint32_t(result->keys.size());
    if (!source_key.empty()) {
      result->keys.append(source_key);
    } else {
      std::string_view k = KeyOf(&doc, project_.key);
      result->keys.append(k);
    }
    r.key_length = uint32_t(result->keys.size() - r.key_offset);
    if (options_.row_tokens) {
      r.token_offset = uint32_t(result->tokens.size());
      r.token_length = uint32_t(token_.size());
      result->tokens.append(token_);
    }
    r.version = version;
    r.migrated = migrated;
    result->output_records.push_back(r);
  }
  if (options_.output_format == OutputFormat::kJsonLines) out.push_back('\n');
}

void BatchProcessor::AppendJournal(const Value& doc, int version, const std::string& original_sha,
                                   std::string_view source_key, std::string_view text, BatchResult* result) {
  JournalEntryWriter entry(&result->journal);
  entry.Key(!source_key.empty() ? source_key : KeyOf(&doc, project_.key));
  entry.Written(CanonicalSha(doc, &canonical_));
  if (options_.journal_source_is_before) {
    EntryBefore before{project_.versions[size_t(version)].info.name, false, original_sha, std::nullopt};
    if (options_.journal_before_images && text.data() != nullptr) before.text = text;
    entry.Before(before);
  }
  entry.Complements(journal_complements_).Skipped(journal_skipped_).End();
}

// The stages of one record: parse, shape, detect, check as read, then either
// write it as it is (at the target) or migrate, check and write it. Each
// stage returns false once the record has left (rejected, filtered, counted).
void BatchProcessor::ProcessRecord(std::string_view text, const RecordSpan& span, std::string_view source_key,
                                   std::string_view malformed, BatchResult* result) {
  ++result->records;
  source_key_ = source_key;
  InFlight r;
  r.text = text;
  r.span = &span;
  r.source_key = source_key;
  if (!ParseRecord(malformed, r, result) || !ShapeRecord(r, result) || !Detect(r, result)) return;
  const bool at_target = r.version == project_.target_index || options_.as_is;
  if (!CheckAsRead(r, at_target, result)) return;
  if (at_target) {
    WriteAtTarget(r, result);
    return;
  }
  if (!options_.transform) {
    ++result->migrated;  // would be migrated
    ++result->version_migrated[size_t(r.version)];
    return;
  }
  if (!GoDownIfExporting(r, result) || !Migrate(r, result) || !CheckMigrated(r, result)) return;
  WriteMigrated(r, result);
}

void BatchProcessor::RejectUnparsed(std::string_view text, const RecordSpan& span, std::string_view pointer,
                                    std::string_view format, std::string message, BatchResult* result) {
  Problem p;
  p.code = ErrorCode::kParseError;
  p.errors.push_back({std::string(pointer), std::string(format), std::move(message), ""});
  Reject(text, span, nullptr, -1, p, result);
}

bool BatchProcessor::ParseRecord(std::string_view malformed, InFlight& r, BatchResult* result) {
  if (!malformed.empty()) {
    RejectUnparsed(r.text, *r.span, "", "csv", std::string(malformed), result);
    return false;
  }
  Result<Value> parsed = parser_.ParsePadded(r.text, arena_);
  if (!parsed.ok()) {
    RejectUnparsed(r.text, *r.span, parser_.error_pointer(), "json",
                   "not valid JSON: " + parsed.status().message(), result);
    return false;
  }
  r.doc = parsed.value();
  if (r.source_key.empty()) PublishRecordKey(KeyOf(&r.doc, project_.key));
  return UnwrapReject(r, result);
}

// A reject record fed back as input: process the document it carries.
bool BatchProcessor::UnwrapReject(InFlight& r, BatchResult* result) {
  if (!r.doc.IsObject() || r.doc.Find("ferry_reject") == nullptr) return true;
  if (const Value* inner = r.doc.Find("document")) {
    r.doc = *inner;
  } else if (const Value* raw = r.doc.Find("raw"); raw != nullptr && raw->IsString()) {
    Result<Value> reparsed = parser_.Parse(raw->AsString(), arena_);
    if (!reparsed.ok()) {
      RejectUnparsed(raw->AsString(), *r.span, "", "json", "not valid JSON: " + reparsed.status().message(), result);
      return false;
    }
    r.doc = reparsed.value();
  }
  r.text = std::string_view();  // the original bytes are the wrapper's, not the document's
  return true;
}

// Record shaping (mapping, transforms, computed fields; the filters too
// with FilterOn::kSource) on the record as read. Rejects keep the source
// record as read (so the reject file can be fed back with the same flags);
// their pointer is into the shaped record.
bool BatchProcessor::ShapeRecord(InFlight& r, BatchResult* result) {
  const Shaper* shaping = options_.shaping.get();
  r.shaped = shaping != nullptr && shaping->has_steps();
  r.filter_on_target = shaping != nullptr && shaping->has_filters() && shaping->filter_on() == FilterOn::kTarget;
  // --fields / --exclude: applied last, to the record as written.
  r.projected = shaping != nullptr && shaping->has_projection();
  if (shaping == nullptr) return true;
  // The journal's before-image hash is of the record as stored, not as shaped.
  if (options_.write_journal && options_.journal_source_is_before) r.original_sha = CanonicalSha(r.doc, &canonical_);
  Value before;
  if (r.shaped && r.text.data() == nullptr) before = r.doc.DeepCopy(arena_);
  StepError error;
  ctx_.Reset(arena_);
  Shaper::Outcome outcome =
      r.filter_on_target ? shaping->Reshape(r.doc, ctx_, &error) : shaping->Apply(r.doc, ctx_, &error);
  if (outcome == Shaper::Outcome::kFiltered) {
    ++result->filtered;
    return false;
  }
  if (outcome == Shaper::Outcome::kReject) {
    Problem p;
    p.code = ErrorCode::kMigrationError;
    p.errors.push_back({error.pointer, "shaping", error.message, ""});
    Reject(r.text, *r.span, r.text.data() != nullptr ? &r.doc : &before, -1, p, result);
    return false;
  }
  return true;
}

bool BatchProcessor::Detect(InFlight& r, BatchResult* result) {
  r.version = options_.force_version >= 0 ? options_.force_version : DetectVersion(project_, r.doc);
  if (r.version < 0) {
    Problem p;
    p.code = ErrorCode::kUnknownFormat;
    p.errors.push_back(
        {"", "detect", "matches no version's detector; add a version to ferry.yaml or fix the record", ""});
    Reject(r.text, *r.span, &r.doc, -1, p, result);
    return false;
  }
  ++result->version_count[size_t(r.version)];
  const CompiledVersion& from = project_.versions[size_t(r.version)];
  // Loosely typed source: the schema's types, before validation. The
  // converted record is no longer the source text (never copied raw).
  if (options_.schema_types && from.types != nullptr) r.retyped = ApplySchemaTypes(*from.types, r.doc) > 0;
  return true;
}

bool BatchProcessor::CheckAsRead(InFlight& r, bool at_target, BatchResult* result) {
  // A record that is not migrated is filtered as it is (at the target, or
  // validated only).
  if (r.filter_on_target && (at_target || !options_.transform) &&
      LeftOutOnTarget(r.doc, r.text, *r.span, &r.doc, r.version, result)) {
    return false;
  }
  const CompiledVersion& from = project_.versions[size_t(r.version)];
  if ((options_.validate_before || (at_target && options_.validate_after) || !options_.transform) && from.schema &&
      !from.schema->IsValid(r.doc)) {
    errors_.clear();
    from.schema->Validate(r.doc, &errors_, options_.max_errors_per_record);
    Problem p;
    p.code = ErrorCode::kValidationError;
    p.errors = errors_;
    Reject(r.text, *r.span, &r.doc, r.version, p, result);
    return false;
  }
  if (at_target && MissingKey(r.doc, r.source_key)) {
    Reject(r.text, *r.span, &r.doc, r.version, KeyProblem(r.doc), result);
    return false;
  }
  return true;
}

void BatchProcessor::WriteAtTarget(InFlight& r, BatchResult* result) {
  ++result->already_at_target;
  // A shaped record is not what the target holds: write it even in place.
  const bool rewrite = !options_.skip_unchanged || r.shaped || r.retyped || r.projected;
  if (options_.write_output && !rewrite && !r.source_key.empty()) {
    result->unchanged_rows.emplace_back(std::string(r.source_key), std::string(token_));
  }
  if (!options_.write_output || !rewrite) return;
  // Unchanged records are copied byte for byte, unless a multi-line
  // record (from a pretty-printed JSON array) would break a JSON Lines
  // file: that one is written compactly.
  bool raw = !r.shaped && !r.retyped && !r.projected && r.text.data() != nullptr &&
             (options_.output_format == OutputFormat::kJsonArray ||
              std::memchr(r.text.data(), '\n', r.text.size()) == nullptr);
  if (r.projected) options_.shaping->Project(r.doc);
  WriteOutput(r.doc, raw ? r.text : std::string_view(), r.source_key, r.version, false, result);
  if (options_.write_journal) {
    journal_complements_.clear();
    journal_skipped_.clear();
    if (options_.journal_source_is_before && r.original_sha.empty()) r.original_sha = CanonicalSha(r.doc, &canonical_);
    AppendJournal(r.doc, r.version, r.original_sha, r.source_key, std::string_view(), result);
    AddMigratedFrom("", &result->journal);
  }
}

bool BatchProcessor::GoDownIfExporting(InFlight& r, BatchResult* result) {
  const bool goes_down = !project_.down_paths.empty() && (!project_.down_paths[size_t(r.version)].empty() ||
                                                          project_.no_path_down[size_t(r.version)]);
  if (!goes_down) return true;
  Problem p;
  if (GoDown(r.doc, r.version, &p)) return true;
  Reject(r.text, *r.span, &r.doc, r.version, p, result);
  return false;
}

// Runs the record's migration path. Rejects after this point report against
// the record before migration: the shaped one when shaping changed it (the
// source text otherwise).
bool BatchProcessor::Migrate(InFlight& r, BatchResult* result) {
  record_complements_.clear();
  journal_complements_.clear();
  journal_skipped_.clear();
  if (options_.write_journal && options_.journal_source_is_before && r.original_sha.empty()) {
    r.original_sha = CanonicalSha(r.doc, &canonical_);
  }
  if (r.shaped) r.shaped_doc = r.doc.DeepCopy(arena_);
  r.before_migration = r.shaped ? &r.shaped_doc : nullptr;
  for (size_t m : project_.paths[size_t(r.version)]) {
    if (!ApplyMigration(project_.migrations[m], r, result)) return false;
  }
  return true;
}

bool BatchProcessor::ApplyMigration(const CompiledMigration& mig, InFlight& r, BatchResult* result) {
  Value complement;
  ctx_.Reset(arena_);
  Value before;
  if (mig.info.skip_on_failure) before = r.doc.DeepCopy(arena_);
  Status s = mig.steps->ApplyForward(r.doc, ctx_, &complement);
  if (!s.ok() && mig.info.skip_on_failure) {
    // A non-critical migration configured to be skipped: the record goes
    // on as it was before it.
    r.doc = before;
    r.skipped_any = true;
    r.skipped_ids.push_back(&mig.info.id);
    if (options_.write_journal) AddSkipped(mig.info.id, &journal_skipped_);
    return true;
  }
  if (!s.ok()) {
    Problem p;
    p.code = ErrorCode::kMigrationError;
    p.errors.push_back({ctx_.error().pointer, "migration",
                        "migration '" + mig.info.id + "' failed: " +
                            (ctx_.error().message.empty() ? s.message() : ctx_.error().message),
                        ""});
    // Report against the original document, not the half-migrated one.
    CountSkipped(r, result);
    Reject(r.text, *r.span, r.before_migration, r.version, p, result);
    return false;
  }
  if (!IsEmptyComplement(complement)) KeepComplement(mig, complement, r);
  return true;
}

// What `mig` could not carry forward: into the journal's "c" members and
// the complements file, as asked.
void BatchProcessor::KeepComplement(const CompiledMigration& mig, const Value& complement, InFlight& r) {
  r.lost = true;
  if (options_.write_journal) AddComplement(mig.info.id, complement, &journal_complements_);
  if (!options_.write_complements) return;
  JsonBuilder j(&record_complements_);
  j.Begin().Key("key");
  const Value* key = r.doc.IsObject() ? r.doc.Find(project_.key) : nullptr;
  if (key != nullptr && (key->IsString() || key->IsNumber())) j.Json(*key);
  else j.Null();
  j.Key("record").Num(r.span->record).Key("migration").Str(mig.info.id).Key("complement").Json(complement).End();
  record_complements_.push_back('\n');
}

// Skipped migrations are counted once the record is not filtered out.
void BatchProcessor::CountSkipped(const InFlight& r, BatchResult* result) {
  for (const std::string* id : r.skipped_ids) ++result->skipped_migrations[*id];
}

bool BatchProcessor::CheckMigrated(InFlight& r, BatchResult* result) {
  if (r.filter_on_target && LeftOutOnTarget(r.doc, r.text, *r.span, r.before_migration, r.version, result)) {
    return false;
  }
  CountSkipped(r, result);
  const CompiledVersion& target = project_.versions[size_t(project_.target_index)];
  if (options_.validate_after && target.schema && !target.schema->IsValid(r.doc)) {
    errors_.clear();
    target.schema->Validate(r.doc, &errors_, options_.max_errors_per_record);
    Problem p;
    p.code = ErrorCode::kValidationError;
    for (SchemaError& e : errors_) e.message = "after migration to '" + project_.target + "': " + e.message;
    p.errors = errors_;
    Reject(r.text, *r.span, r.before_migration, r.version, p, result);
    return false;
  }
  // A skipped migration may leave the record short of the target's detector.
  if (!r.skipped_any && !DetectsAsTarget(r.doc)) {
    Reject(r.text, *r.span, r.before_migration, r.version, NotTargetProblem(r.doc), result);
    return false;
  }
  if (MissingKey(r.doc, r.source_key)) {
    Reject(r.text, *r.span, r.before_migration, r.version, KeyProblem(r.doc), result);
    return false;
  }
  return true;
}

void BatchProcessor::WriteMigrated(InFlight& r, BatchResult* result) {
  ++result->migrated;
  ++result->version_migrated[size_t(r.version)];
  if (r.lost) ++result->with_complement;
  if (!record_complements_.empty()) result->complements.append(record_complements_);
  if (options_.collect_changes && r.text.data() != nullptr) CollectChanges(r.text, r.doc, result);
  if (!options_.write_output) return;
  if (r.projected) options_.shaping->Project(r.doc);
  WriteOutput(r.doc, std::string_view(), r.source_key, r.version, true, result);
  if (options_.write_journal) {
    AppendJournal(r.doc, r.version, r.original_sha, r.source_key, r.text, result);
    AddMigratedFrom(project_.versions[size_t(r.version)].info.name, &result->journal);
  }
}

bool BatchProcessor::LeftOutOnTarget(const Value& doc, std::string_view text, const RecordSpan& span,
                                     const Value* reject_doc, int version, BatchResult* result) {
  StepError error;
  ctx_.Reset(arena_);
  switch (options_.shaping->Select(doc, ctx_, &error)) {
    case Shaper::Outcome::kKeep:
      return false;
    case Shaper::Outcome::kFiltered:
      ++result->filtered;
      --result->version_count[size_t(version)];
      return true;
    case Shaper::Outcome::kReject: {
      Problem p;
      p.code = ErrorCode::kMigrationError;
      p.errors.push_back({error.pointer, "shaping",
                          error.message + " (on the record at the target version; --filter-on source filters the "
                                          "record as read)",
                          ""});
      Reject(text, span, reject_doc, version, p, result);
      return true;
    }
  }
  return false;
}

void BatchProcessor::Reject(std::string_view text, const RecordSpan& span, const Value* doc, int version,
                            const Problem& problem, BatchResult* result) {
  ++result->rejected;
  if (version >= 0) ++result->version_rejected[size_t(version)];
  if (options_.index_output && !source_key_.empty()) result->rejected_keys.emplace_back(source_key_);
  std::string code(ErrorCodeName(problem.code));
  ++result->rejects_by_code[code];
  Value original;
  const bool have_original = OriginalDocument(text, doc, problem, &original);
  std::string key(KeyOf(have_original ? &original : nullptr, project_.key));
  const SchemaError* first = problem.errors.empty() ? nullptr : &problem.errors.front();
  auto& examples = result->examples[code];
  if (examples.size() < options_.examples_per_code) {
    examples.push_back({key, span.record, first ? FieldPointer(*first) : "", first ? first->message : ""});
  }
  if (!result->has_first_reject) {
    result->has_first_reject = true;
    result->first_reject = {key, span.record, first ? FieldPointer(*first) : "", first ? first->message : ""};
    result->first_reject_code = problem.code;
  }
  if (!options_.write_rejects) return;
  AppendRejectRecord(text, span, have_original ? &original : nullptr, version, problem, code, &result->rejects);
}

// The original document: re-parse the untouched text when the tree may have
// been modified or was never built.
bool BatchProcessor::OriginalDocument(std::string_view text, const Value* doc, const Problem& problem, Value* out) {
  if (doc != nullptr) {
    *out = *doc;
    return true;
  }
  if (text.data() == nullptr || problem.code == ErrorCode::kParseError) return false;
  Result<Value> r = parser_.Parse(text, arena_);
  if (!r.ok()) return false;
  *out = r.value();
  return true;
}

// One line of the reject file (JSON Lines; fed back as --source once fixed).
void BatchProcessor::AppendRejectRecord(std::string_view text, const RecordSpan& span, const Value* original,
                                        int version, const Problem& problem, const std::string& code,
                                        std::string* rejects) {
  JsonBuilder j(rejects);
  j.Begin().Key("ferry_reject").Num(1).Key("key");
  // The key as it is in the record (a string or a number), null when absent.
  const Value* key_value = original != nullptr && original->IsObject() ? original->Find(project_.key) : nullptr;
  if (key_value != nullptr && (key_value->IsString() || key_value->IsNumber())) j.Json(*key_value);
  else j.Null();
  j.Key("record").Num(span.record).Key("line").Num(span.line).Key("version");
  if (version >= 0) j.Str(project_.versions[size_t(version)].info.name);
  else j.Null();
  j.Key("code").Str(code).Key("errors").BeginArray();
  for (const SchemaError& e : problem.errors) AppendRejectError(e, code, original, j);
  j.EndArray();
  if (original != nullptr) {
    j.Key("document");
    if (text.data() != nullptr && problem.code != ErrorCode::kParseError) j.Json(text);
    else j.Json(*original);
  } else {
    AppendRaw(text, j);
  }
  j.End();
  rejects->push_back('\n');
}

// {"code","pointer","keyword","message"[,"value": what the pointer names]}.
void BatchProcessor::AppendRejectError(const SchemaError& e, const std::string& code, const Value* original,
                                       JsonBuilder& j) {
  const std::string& pointer = FieldPointer(e);
  j.Begin().Key("code").Str(code).Key("pointer").Str(pointer).Key("keyword").Str(e.keyword);
  j.Key("message").Str(e.message);
  if (original != nullptr) {
    if (const Value* at = ResolvePointer(*original, pointer)) j.Key("value").Json(*at);
  }
  j.End();
}

void BatchProcessor::CollectChanges(std::string_view original, const Value& migrated, BatchResult* result) {
  Result<Value> before = parser_.Parse(original, arena_);
  if (!before.ok()) return;
  std::map<std::string, JsonType> a, b;
  std::string pointer;
  Shape(before.value(), &pointer, &a);
  pointer.clear();
  Shape(migrated, &pointer, &b);
  for (const auto& [p, t] : b) {
    auto it = a.find(p);
    if (it == a.end()) ++result->fields_added[p];
    else if (it->second != t) ++result->fields_converted[p];
  }
  for (const auto& [p, t] : a) {
    if (!b.count(p)) ++result->fields_removed[p];
  }
}

}  // namespace ferry::internal
