// Copyright (c) the Ferry authors.

#include "ops/operation_history.h"

#include "common/json_builder.h"
#include "document/value_read.h"
#include "ferry/json.h"
#include "store/sql.h"
#include "store/state.h"

namespace ferry::internal {

namespace {

constexpr const char* kColumns =
    "id, kind, state, created_at, started_at, finished_at, project, source, target, run_id, resumes, code, message,"
    " counters, result, last_seq, stage";

OperationState StateFromName(const std::string& name) {
  for (auto s : {OperationState::kQueued, OperationState::kRunning, OperationState::kCancelling,
                 OperationState::kCompleted, OperationState::kFailed, OperationState::kCancelled}) {
    if (name == OperationStateName(s)) return s;
  }
  return OperationState::kFailed;
}

ErrorCode CodeFromName(const std::string& name) {
  for (int c = 0; c <= int(ErrorCode::kWrongKey); ++c) {
    if (ErrorCodeName(ErrorCode(c)) == name) return ErrorCode(c);
  }
  return ErrorCode::kInternal;
}

OperationSnapshot FromRow(const SqlRow& r) {
  OperationSnapshot s;
  s.id = r[0].value_or("");
  auto kind = ParseOperationKind(r[1].value_or(""));
  s.kind = kind.ok() ? *kind : OperationKind::kRun;
  s.state = StateFromName(r[2].value_or(""));
  s.created_at = r[3].value_or("");
  s.started_at = r[4].value_or("");
  s.finished_at = r[5].value_or("");
  s.project = r[6].value_or("");
  s.source = r[7].value_or("");
  s.target = r[8].value_or("");
  s.run_id = r[9].value_or("");
  s.resumes = uint32_t(ToInt(r[10]));
  const std::string code = r[11].value_or("OK");
  if (code != "OK") s.status = Status(CodeFromName(code), r[12].value_or(""));
  s.counters = CountersFromJson(r[13].value_or("{}"));
  s.result_json = r[14].value_or("");
  s.last_seq = uint64_t(ToInt(r[15]));
  s.stage = r[16].value_or("");
  return s;
}

// A state whose `operations` table predates last_seq and stage gets them.
Status AddLaterColumns(StateStore& store) {
  const std::string table = store.Table("operations");
  if (store.db().Query("SELECT last_seq, stage FROM " + table + " WHERE 1 = 0").ok()) return Status::OK();
  FERRY_RETURN_IF_ERROR(store.db().Exec("ALTER TABLE " + table + " ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0"));
  return store.db().Exec("ALTER TABLE " + table + " ADD COLUMN stage TEXT NOT NULL DEFAULT ''");
}

}  // namespace

Result<std::unique_ptr<OperationHistory>> OperationHistory::Open(const std::string& state) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<State> s, State::Open(state, "", /*create=*/true));
  FERRY_RETURN_IF_ERROR(AddLaterColumns(StoreOf(*s)));
  return std::unique_ptr<OperationHistory>(new OperationHistory(std::move(s)));
}

Status OperationHistory::Save(const OperationSnapshot& s) {
  std::lock_guard<std::mutex> lock(mu_);
  StateStore& store = StoreOf(*state_);
  const std::string code(ErrorCodeName(s.status.code()));
  return store.db().Exec(
      "INSERT INTO " + store.Table("operations") + " (" + kColumns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
          " ON CONFLICT (id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at,"
          " finished_at = excluded.finished_at, run_id = excluded.run_id, resumes = excluded.resumes,"
          " code = excluded.code, message = excluded.message, counters = excluded.counters,"
          " result = excluded.result, last_seq = excluded.last_seq, stage = excluded.stage",
      {s.id, OperationKindName(s.kind), OperationStateName(s.state), s.created_at, s.started_at, s.finished_at,
       s.project, s.source, s.target, s.run_id, SqlInt(s.resumes), code, s.status.message(),
       CountersToJson(s.counters), s.result_json, SqlInt(int64_t(s.last_seq)), s.stage});
}

Result<std::optional<OperationSnapshot>> OperationHistory::Load(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  StateStore& store = StoreOf(*state_);
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, store.db().Query(std::string("SELECT ") + kColumns + " FROM " +
                                                            store.Table("operations") + " WHERE id = $1",
                                                        {id}));
  if (rows.empty()) return std::optional<OperationSnapshot>();
  return std::optional<OperationSnapshot>(FromRow(rows.rows[0]));
}

Result<std::vector<OperationSnapshot>> OperationHistory::Newest(uint32_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  StateStore& store = StoreOf(*state_);
  FERRY_ASSIGN_OR_RETURN(SqlRows rows,
                         store.db().Query(std::string("SELECT ") + kColumns + " FROM " + store.Table("operations") +
                                              " ORDER BY created_at DESC, id DESC LIMIT $1",
                                          {SqlInt(limit)}));
  std::vector<OperationSnapshot> out;
  for (const SqlRow& r : rows.rows) out.push_back(FromRow(r));
  return out;
}

std::string CountersToJson(const OperationCounters& c) {
  JsonBuilder j;
  j.Begin().Key("processed").Num(c.processed).Key("migrated").Num(c.migrated);
  j.Key("already_at_target").Num(c.already_at_target).Key("rejected").Num(c.rejected);
  j.Key("rejected_by_code").Counts(c.rejected_by_code).Key("filtered").Num(c.filtered);
  j.Key("conflicts").Num(c.conflicts).Key("bytes").Num(c.bytes).Key("total_bytes").Num(c.total_bytes);
  j.Key("docs_per_second").Num(c.docs_per_second).Key("mb_per_second").Num(c.mb_per_second);
  j.Key("percent").Num(c.percent).Key("eta_seconds").Num(c.eta_seconds);
  return j.End().Take();
}

OperationCounters CountersFromJson(const std::string& json) {
  OperationCounters c;
  Arena arena;
  JsonParser parser;
  auto parsed = parser.Parse(json, arena);
  if (!parsed.ok() || !parsed->IsObject()) return c;
  auto uint_of = [&](const char* key) {
    const Value* v = parsed->Find(key);
    return UintOr(v);
  };
  auto double_of = [&](const char* key, double fallback) {
    const Value* v = parsed->Find(key);
    return v != nullptr && v->IsNumber() ? v->AsDouble() : fallback;
  };
  c.processed = uint_of("processed");
  c.migrated = uint_of("migrated");
  c.already_at_target = uint_of("already_at_target");
  c.rejected = uint_of("rejected");
  c.filtered = uint_of("filtered");
  c.conflicts = uint_of("conflicts");
  c.bytes = uint_of("bytes");
  c.total_bytes = uint_of("total_bytes");
  c.docs_per_second = double_of("docs_per_second", 0);
  c.mb_per_second = double_of("mb_per_second", 0);
  c.percent = double_of("percent", -1);
  c.eta_seconds = double_of("eta_seconds", -1);
  if (const Value* by = parsed->Find("rejected_by_code"); by != nullptr && by->IsObject()) {
    for (const Member* m = by->members(); m != by->members_end(); ++m) {
      c.rejected_by_code[std::string(m->key.AsString())] = UintOr(&m->value);
    }
  }
  return c;
}

}  // namespace ferry::internal
