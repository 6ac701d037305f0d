// Copyright (c) the Ferry authors.
#include "store/json_merge.h"

#include "ferry/json.h"

namespace ferry::internal {

namespace {

void Merge(const Value& target, const Value& source, bool prefer_source, std::string* out) {
  if (!target.IsObject() || !source.IsObject()) {
    WriteJson(prefer_source ? source : target, out);
    return;
  }
  out->push_back('{');
  bool first = true;
  auto member = [&](std::string_view key, const Value& v, const Value* other) {
    if (!first) out->push_back(',');
    first = false;
    WriteJsonString(key, out);
    out->push_back(':');
    if (other == nullptr) WriteJson(v, out);
    else Merge(v, *other, prefer_source, out);
  };
  for (const Member* m = target.members(); m != target.members_end(); ++m) {
    member(m->key.AsString(), m->value, source.Find(m->key.AsString()));
  }
  for (const Member* m = source.members(); m != source.members_end(); ++m) {
    if (target.Find(m->key.AsString()) == nullptr) member(m->key.AsString(), m->value, nullptr);
  }
  out->push_back('}');
}

}  // namespace

Result<std::string> MergeJson(std::string_view target, std::string_view source, bool prefer_source) {
  Arena arena;
  JsonParser parser;
  FERRY_ASSIGN_OR_RETURN(Value t, parser.Parse(target, arena));
  FERRY_ASSIGN_OR_RETURN(Value s, parser.Parse(source, arena));
  std::string out;
  Merge(t, s, prefer_source, &out);
  return out;
}

}  // namespace ferry::internal
