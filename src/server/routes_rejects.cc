// Copyright (c) the Ferry authors.
//
// GET /api/v1/runs/{id}/rejects?code=&offset=&limit=&format=json|jsonl|csv:
// the run's reject file (RunReport::rejects_file), read line by line (never
// whole), filtered by error code: a page of JSON, or every matching line as
// a JSON Lines or CSV download.

#include <fstream>
#include <memory>

#include "common/json_builder.h"
#include "ferry/json.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

using internal::JsonBuilder;

// The reject file of a finished run operation; NOT_FOUND otherwise.
Result<std::string> RejectsFileOf(ServerContext& ctx, const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(OperationSnapshot s, ctx.ops->Get(id));
  if (s.result_json.empty()) {
    return Status::NotFound("operation " + id + " has no report yet (it is " + OperationStateName(s.state) + ")");
  }
  Arena arena(4096);
  JsonParser parser;
  FERRY_ASSIGN_OR_RETURN(Value report, parser.Parse(s.result_json, arena));
  const Value* file = report.IsObject() ? report.Find("rejects_file") : nullptr;
  if (file == nullptr || !file->IsString()) {
    return Status::NotFound("operation " + id + " is a " + OperationKindName(s.kind) + ", which keeps no rejects");
  }
  return std::string(file->AsString());
}

// Reads the reject lines of `code` ("" = all); `each` gets the line and its
// parsed document, and returns false to stop.
template <typename Each>
Status ForEachReject(const std::string& path, const std::string& code, Each each) {
  if (path.empty()) return Status::OK();  // nothing was rejected
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::OK();  // kept only when a record was rejected
  JsonParser parser;
  Arena arena(64 * 1024);
  std::string line;
  while (std::getline(in, line)) {
    arena.Reset();
    auto doc = parser.Parse(line, arena);
    if (!doc.ok() || !doc.value().IsObject()) continue;
    const Value* c = doc.value().Find("code");
    if (!code.empty() && (c == nullptr || !c->IsString() || c->AsString() != code)) continue;
    if (!each(line, doc.value())) break;
  }
  return Status::OK();
}

Result<uint64_t> NumberParam(const Call& call, const std::string& name, uint64_t fallback, uint64_t max) {
  const std::string v = call.Query(name);
  if (v.empty()) return fallback;
  if (v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos || std::stoull(v) > max) {
    return Status::InvalidArgument(name + " must be a number from 0 to " + std::to_string(max));
  }
  return uint64_t(std::stoull(v));
}

void Page(Call& call, const std::string& file, const std::string& code) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(uint64_t offset, call, NumberParam(call, "offset", 0, UINT32_MAX));
  FERRY_HTTP_ASSIGN_OR_ANSWER(uint64_t limit, call, NumberParam(call, "limit", 100, 10000));
  JsonBuilder items;
  items.BeginArray();
  uint64_t seen = 0;
  bool more = false;
  Status s = ForEachReject(file, code, [&](const std::string& line, const Value&) {
    if (seen >= offset + limit) {
      more = true;
      return false;
    }
    if (seen++ >= offset) items.Json(std::string_view(line));
    return true;
  });
  if (!s.ok()) return call.Problem(s);
  JsonBuilder j;
  j.Begin().Key("run_id").Str(call.Param(1)).Key("offset").Num(offset).Key("limit").Num(limit).Key("next_offset");
  if (more) j.Num(offset + limit);
  else j.Null();
  j.Key("items").Json(items.EndArray().Take());
  call.Json(200, j.End().Take());
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string TextOf(const Value* v) {
  if (v == nullptr || v->IsNull()) return "";
  if (v->IsString()) return std::string(v->AsString());
  std::string out;
  WriteJson(*v, &out);
  return out;
}

// key, record, line, version, code, pointer, message (the first error's),
// document (JSON text).
std::string CsvLine(const Value& r) {
  const Value* errors = r.Find("errors");
  const Value* first = errors != nullptr && errors->IsArray() && errors->size() > 0 ? &(*errors)[0] : nullptr;
  std::string out;
  for (const char* k : {"key", "record", "line", "version", "code"}) out += CsvField(TextOf(r.Find(k))) + ",";
  out += CsvField(first ? TextOf(first->Find("pointer")) : "") + ",";
  out += CsvField(first ? TextOf(first->Find("message")) : "") + ",";
  return out + CsvField(TextOf(r.Find("document"))) + "\r\n";
}

void Download(Call& call, const std::string& file, const std::string& code, bool csv) {
  const std::string name = call.Param(1) + (csv ? "-rejects.csv" : "-rejects.jsonl");
  call.res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  call.res.set_chunked_content_provider(
      csv ? "text/csv" : "application/x-ndjson", [file, code, csv](size_t, httplib::DataSink& sink) {
        if (csv) {
          const std::string header = "key,record,line,version,code,pointer,message,document\r\n";
          sink.write(header.data(), header.size());
        }
        Status s = ForEachReject(file, code, [&](const std::string& line, const Value& doc) {
          const std::string out = csv ? CsvLine(doc) : line + "\n";
          return sink.write(out.data(), out.size());
        });
        (void)s;
        sink.done();
        return true;
      });
}

void GetRejects(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::string file, call, RejectsFileOf(call.ctx, call.Param(1)));
  const std::string code = call.Query("code");
  const std::string format = call.Query("format");
  if (format.empty() || format == "json") return Page(call, file, code);
  if (format == "jsonl" || format == "csv") return Download(call, file, code, format == "csv");
  call.Problem(Status::InvalidArgument("format must be json, jsonl or csv, not '" + format + "'"));
}

}  // namespace

void AddRejectRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("GET", "/api/v1/runs/{id}/rejects", Role::kViewer, "", GetRejects));
}

}  // namespace ferry::server
