// Copyright (c) the Ferry authors.
#include "store/json_merge.h"

#include "common/json_builder.h"
#include "ferry/json.h"

namespace ferry::internal {

namespace {

void Merge(const Value& target, const Value& source, bool prefer_source, JsonBuilder& j) {
  if (!target.IsObject() || !source.IsObject()) {
    j.Json(prefer_source ? source : target);
    return;
  }
  j.Begin();
  for (const Member* m = target.members(); m != target.members_end(); ++m) {
    const Value* other = source.Find(m->key.AsString());
    j.Key(m->key.AsString());
    if (other == nullptr) j.Json(m->value);
    else Merge(m->value, *other, prefer_source, j);
  }
  for (const Member* m = source.members(); m != source.members_end(); ++m) {
    if (target.Find(m->key.AsString()) == nullptr) j.Key(m->key.AsString()).Json(m->value);
  }
  j.End();
}

}  // namespace

Result<std::string> MergeJson(std::string_view target, std::string_view source, bool prefer_source) {
  Arena arena;
  JsonParser parser;
  FERRY_ASSIGN_OR_RETURN(Value t, parser.Parse(target, arena));
  FERRY_ASSIGN_OR_RETURN(Value s, parser.Parse(source, arena));
  JsonBuilder j;
  Merge(t, s, prefer_source, j);
  return j.Take();
}

}  // namespace ferry::internal
