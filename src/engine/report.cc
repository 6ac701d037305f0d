// Copyright (c) the Ferry authors.
//
// JSON forms of the reports (--json output and --report files).

#include <cstdio>

#include "ferry/json.h"
#include "ferry/backup.h"
#include "ferry/rollback.h"
#include "ferry/run.h"
#include "common/utf8_cut.h"
#include "common/json_builder.h"

namespace ferry {

std::string KeyForMessage(std::string_view key) {
  constexpr size_t kShown = 64;
  if (key.size() <= kShown) return std::string(key);
  return std::string(internal::Utf8Prefix(key, kShown)) + "... (" + std::to_string(key.size()) + " bytes)";
}

namespace {

using JsonOut = internal::JsonBuilder;

JsonOut& Examples(JsonOut& j, const std::map<std::string, std::vector<RejectExample>>& m) {
  j.Begin();
  for (const auto& [code, list] : m) {
    j.Key(code).BeginArray();
    for (const RejectExample& e : list) {
      j.Begin().Key("key").StrOrNull(e.key);
      j.Key("record").Num(e.record).Key("pointer").Str(e.pointer).Key("message").Str(e.message).End();
    }
    j.EndArray();
  }
  return j.End();
}

}  // namespace

std::string RunReport::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("run_id").Str(run_id).Key("status").Str(status).Key("dry_run").Bool(dry_run);
  j.Key("source").Str(source).Key("target").Str(target).Key("rejects_file").Str(rejects_file);
  j.Key("input").Num(input).Key("migrated").Num(migrated).Key("already_at_target").Num(already_at_target);
  j.Key("filtered").Num(filtered);
  j.Key("rejected").Num(rejected).Key("with_complement").Num(with_complement);
  j.Key("bytes_in").Num(bytes_in).Key("bytes_out").Num(bytes_out).Key("batches").Num(batches);
  j.Key("in_place").Bool(in_place).Key("conflicts").Num(conflicts);
  j.Key("concurrent_changes").Num(concurrent_changes).Key("concurrent_deletes").Num(concurrent_deletes);
  j.Key("backup").Str(backup_id).Key("backup_records").Num(backup_records).Key("backup_has_originals").Bool(backup_has_originals);
  j.Key("resumed").Bool(resumed).Key("resumed_at").Num(resumed_at);
  if (!state.empty()) j.Key("state").Str(state);
  j.Key("seconds").Num(seconds);
  j.Key("docs_per_second").Num(seconds > 0 ? double(input) / seconds : 0.0);
  j.Key("mb_per_second").Num(seconds > 0 ? double(bytes_in) / 1e6 / seconds : 0.0);
  j.Key("options").Begin();
  j.Key("threads").Num(uint64_t(threads)).Key("batch_size").Num(uint64_t(batch_size));
  j.Key("on_error").Str(ErrorPolicyName(on_error));
  if (!preset.empty()) j.Key("preset").Str(preset);
  j.End();
  j.Key("versions").Begin();
  for (const auto& [name, s] : versions) {
    j.Key(name).Begin();
    j.Key("count").Num(s.count).Key("migrated").Num(s.migrated).Key("rejected").Num(s.rejected);
    j.Key("path").Strings(s.path).Key("lossy").Bool(s.lossy);
    j.End();
  }
  j.End();
  j.Key("rejects_by_code").Counts(rejects_by_code);
  Examples(j.Key("reject_examples"), reject_examples);
  j.Key("skipped_migrations").Counts(skipped_migrations);
  if (dry_run || !fields_added.empty() || !fields_removed.empty() || !fields_converted.empty()) {
    j.Key("changes").Begin();
    j.Key("fields_added").Counts(fields_added);
    j.Key("fields_removed").Counts(fields_removed);
    j.Key("fields_converted").Counts(fields_converted);
    j.End();
  }
  j.Key("warnings").Strings(warnings);
  j.Key("error").Begin();
  j.Key("code").Str(ErrorCodeName(final_status.code())).Key("message").Str(final_status.message());
  j.End();
  j.End();
  return j.Take();
}

std::string AnalyzeReport::ToJson(const Project& project) const {
  JsonOut j;
  j.Begin();
  j.Key("collection").Str(project.collection()).Key("target").Str(project.target());
  j.Key("records").Num(records).Key("bytes").Num(bytes).Key("already_at_target").Num(already_at_target);
  j.Key("filtered").Num(filtered);
  j.Key("migration_needed").Bool(migration_needed).Key("recommended_preset").Str(recommended_preset);
  if (!target.empty()) j.Key("store").Str(target).Key("conflicts").Num(conflicts);
  j.Key("versions").Begin();
  for (const auto& [name, n] : versions) {
    j.Key(name).Begin().Key("count").Num(n);
    j.Key("share").Num(records ? double(n) / double(records) : 0.0);
    auto inv = invalid_by_version.find(name);
    j.Key("invalid").Num(inv == invalid_by_version.end() ? uint64_t(0) : inv->second);
    j.End();
  }
  j.End();
  j.Key("invalid_by_code").Counts(invalid_by_code);
  Examples(j.Key("invalid_examples"), invalid_examples);
  j.Key("recommendations").Strings(recommendations);
  j.Key("seconds").Num(seconds);
  j.End();
  return j.Take();
}

std::string PlanReport::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("records").Num(records).Key("bytes").Num(bytes);
  j.Key("versions").BeginArray();
  for (const VersionPlan& v : versions) {
    j.Begin().Key("version").Str(v.version).Key("records").Num(v.records).Key("lossy").Bool(v.lossy);
    j.Key("path").BeginArray();
    for (const Step& s : v.path) {
      j.Begin().Key("migration").Str(s.migration).Key("from").Str(s.from).Key("to").Str(s.to);
      j.Key("steps").Strings(s.step_kinds).Key("lossy").Bool(s.lossy).Key("critical").Bool(s.critical).End();
    }
    j.EndArray();
    j.Key("alternatives").BeginArray();
    for (const auto& alternative : v.alternatives) j.Strings(alternative);
    j.EndArray().Key("chosen_because").Str(v.chosen_because).End();
  }
  j.EndArray();
  j.Key("sample_records").Num(sample_records).Key("sample_seconds").Num(sample_seconds);
  j.Key("estimated_seconds").Num(estimated_seconds).Key("estimate_covers").Str(estimate_covers);
  j.Key("blockers").Strings(blockers).Key("warnings").Strings(warnings);
  j.End();
  return j.Take();
}

std::string RollbackImpact::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("run_id").Str(run_id).Key("target").Str(target).Key("to_version").Str(to_version);
  j.Key("backup").Str(backup_id).Key("has_originals").Bool(has_originals).Key("encrypted").Bool(encrypted);
  j.Key("records").Num(records).Key("unchanged").Num(unchanged).Key("via_backup").Num(via_backup);
  j.Key("via_complements").Num(via_complements).Key("via_backward_steps").Num(via_backward_steps);
  j.Key("deletions").Num(deletions).Key("conflicts").Num(conflicts).Key("not_restorable").Num(not_restorable);
  j.Key("created_by_run").Num(created_by_run);
  j.Key("to_change").Num(to_change());
  j.Key("versions").Counts(versions);
  j.Key("migrations").Counts(migrations);
  j.Key("conflict_keys").Strings(conflict_keys);
  j.Key("not_restorable_keys").Strings(not_restorable_keys);
  j.End();
  return j.Take();
}

std::string RollbackReport::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("rollback_run_id").Str(rollback_run_id).Key("status").Str(status).Key("resumed").Bool(resumed);
  j.Key("restored").Num(restored).Key("deleted").Num(deleted).Key("seconds").Num(seconds);
  j.Key("impact").Json(impact.ToJson());
  j.End();
  return j.Take();
}

std::string BackupInfo::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("id").Str(id).Key("kind").Str(kind).Key("run_id").Str(run_id).Key("parent").Str(parent);
  j.Key("collection").Str(collection).Key("store").Str(store).Key("created_at").Str(created_at);
  j.Key("status").Str(status).Key("pinned").Bool(pinned).Key("encrypted").Bool(encrypted);
  j.Key("has_originals").Bool(has_originals).Key("records").Num(records).Key("bytes").Num(bytes);
  j.Key("chunks").Num(chunks).Key("versions").Counts(versions).Key("sha256").Str(sha256).Key("dir").Str(dir);
  j.Key("description").Str(description);
  j.End();
  return j.Take();
}

std::string RestoreReport::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("backup").Str(backup_id).Key("target").Str(target).Key("written").Num(written).Key("deleted").Num(deleted);
  j.End();
  return j.Take();
}

std::string CleanupReport::ToJson() const {
  JsonOut j;
  j.Begin();
  j.Key("source").Str(source).Key("backup").Str(backup_id).Key("removed").Num(removed).Key("dry_run").Bool(dry_run);
  j.End();
  return j.Take();
}

}  // namespace ferry
