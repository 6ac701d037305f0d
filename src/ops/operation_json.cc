// Copyright (c) the Ferry authors.
//
// OperationSnapshot::ToJson and OperationEvent::ToJson: what the command
// line prints with --json and the server sends.

#include "common/json_builder.h"
#include "ferry/operation.h"
#include "ops/operation_history.h"

namespace ferry {

namespace {

void StatusJson(const Status& s, internal::JsonBuilder& j) {
  j.Key("code").Str(ErrorCodeName(s.code())).Key("message").Str(s.message());
}

void EventJson(const Event& e, internal::JsonBuilder& j) {
  j.Key("type").Str(EventTypeName(e.type)).Key("run_id").Str(e.run_id).Key("stage").Str(e.stage);
  j.Key("processed").Num(e.processed_docs).Key("bytes").Num(e.processed_bytes).Key("total_bytes").Num(e.total_bytes);
  j.Key("migrated").Num(e.migrated).Key("already_at_target").Num(e.already_at_target);
  j.Key("rejected").Num(e.rejected).Key("rejected_by_code").Counts(e.rejected_by_code);
  j.Key("filtered").Num(e.filtered).Key("conflicts").Num(e.conflicts);
  j.Key("docs_per_second").Num(e.docs_per_second).Key("mb_per_second").Num(e.mb_per_second);
  j.Key("eta_seconds").Num(e.eta_seconds).Key("elapsed_seconds").Num(e.elapsed_seconds);
  j.Key("message").Str(e.message).Key("code").Str(ErrorCodeName(e.code));
}

}  // namespace

std::string OperationSnapshot::ToJson() const {
  internal::JsonBuilder j;
  j.Begin().Key("id").Str(id).Key("kind").Str(OperationKindName(kind)).Key("state").Str(OperationStateName(state));
  j.Key("stage").Str(stage).Key("created_at").Str(created_at).Key("started_at").StrOrNull(started_at);
  j.Key("finished_at").StrOrNull(finished_at).Key("project").Str(project);
  j.Key("source").Str(source).Key("target").Str(target).Key("run_id").StrOrNull(run_id);
  j.Key("counters").Json(internal::CountersToJson(counters));
  j.Key("last_seq").Num(last_seq).Key("resumes").Num(uint64_t(resumes));
  j.Key("status").Begin();
  StatusJson(status, j);
  j.End().Key("result");
  if (result_json.empty()) j.Null();
  else j.Json(result_json);
  return j.End().Take();
}

std::string OperationEvent::ToJson() const {
  internal::JsonBuilder j;
  j.Begin().Key("seq").Num(seq).Key("operation_id").Str(operation_id).Key("kind").Str(OperationKindName(kind));
  j.Key("state").Str(OperationStateName(state));
  EventJson(event, j);
  return j.End().Take();
}

}  // namespace ferry
