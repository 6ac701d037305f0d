// Copyright (c) the Ferry authors.

#include "server/request_body.h"

#include <algorithm>

namespace ferry::server {

namespace {

Status Wrong(std::string_view name, std::string_view expected) {
  return Status::InvalidArgument("/" + std::string(name) + " must be " + std::string(expected));
}

}  // namespace

Result<RequestBody> RequestBody::Parse(std::string_view text, std::initializer_list<std::string_view> known) {
  RequestBody body;
  body.arena_ = std::make_unique<Arena>(4096);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    body.root_ = Value::Object(*body.arena_);
    return body;
  }
  JsonParser parser;
  auto parsed = parser.Parse(text, *body.arena_);
  if (!parsed.ok()) return Status::InvalidArgument("the request body is not JSON: " + parsed.status().message());
  body.root_ = parsed.value();
  if (!body.root_.IsObject()) return Status::InvalidArgument("the request body must be a JSON object");
  for (const Member* m = body.root_.members(); m != body.root_.members_end(); ++m) {
    if (std::find(known.begin(), known.end(), m->key.AsString()) == known.end()) {
      std::string names;
      for (std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("/" + std::string(m->key.AsString()) + " is not a member this request knows; known: " + names);
    }
  }
  return body;
}

Result<std::optional<std::string>> RequestBody::String(std::string_view name) const {
  const Value* v = root_.Find(name);
  if (v == nullptr || v->IsNull()) return std::optional<std::string>();
  if (!v->IsString()) return Wrong(name, "a string");
  return std::optional<std::string>(std::string(v->AsString()));
}

Result<std::optional<bool>> RequestBody::Bool(std::string_view name) const {
  const Value* v = root_.Find(name);
  if (v == nullptr || v->IsNull()) return std::optional<bool>();
  if (!v->IsBool()) return Wrong(name, "true or false");
  return std::optional<bool>(v->AsBool());
}

Result<std::optional<uint64_t>> RequestBody::Uint(std::string_view name, uint64_t min, uint64_t max) const {
  const Value* v = root_.Find(name);
  if (v == nullptr || v->IsNull()) return std::optional<uint64_t>();
  int64_t n = 0;
  if (!v->IsNumber() || !v->GetInt64(&n) || n < 0 || uint64_t(n) < min || uint64_t(n) > max) {
    return Wrong(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return std::optional<uint64_t>(uint64_t(n));
}

Result<std::optional<std::vector<std::string>>> RequestBody::Strings(std::string_view name) const {
  const Value* v = root_.Find(name);
  if (v == nullptr || v->IsNull()) return std::optional<std::vector<std::string>>();
  if (!v->IsArray()) return Wrong(name, "an array of strings");
  std::vector<std::string> out;
  for (const Value& item : *v) {
    if (!item.IsString()) return Wrong(std::string(name) + "/" + std::to_string(out.size()), "a string");
    out.emplace_back(item.AsString());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

std::string RequestBody::Json(std::string_view name) const {
  const Value* v = root_.Find(name);
  std::string out;
  if (v != nullptr) WriteJson(*v, &out);
  return out;
}

Result<std::string> RequiredString(const RequestBody& body, std::string_view name) {
  FERRY_ASSIGN_OR_RETURN(std::optional<std::string> s, body.String(name));
  if (!s || s->empty()) return Status::InvalidArgument("/" + std::string(name) + " is required (a string)");
  return *s;
}

}  // namespace ferry::server
