// Copyright (c) the Ferry authors.
//
// SchemaRegistry and the schema compiler: turns a schema Value into the
// Node graph of program.h. Compiling is a worklist over schema locations
// (so deep or recursive schemas never recurse on the C++ stack); each
// location becomes one Node, memoised by address, so "$ref" cycles become
// graph cycles.

#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ferry/schema.h"
#include "schema/program.h"
#include "schema/references.h"
#include "schema/uri.h"

namespace ferry {
namespace internal {
namespace {

bool IsSchemaValue(const Value& v) { return v.IsObject() || v.IsBool(); }

bool HasStringRef(const Value& v) {
  const Value* ref = v.Find("$ref");
  return ref != nullptr && ref->IsString();
}

// The base URI in force inside `node`, given the one at its parent. A
// "$id" beside "$ref" is ignored, as draft-07 ignores every sibling of
// "$ref".
std::string BaseAfter(const Value& node, const std::string& parent_base) {
  if (!node.IsObject() || HasStringRef(node)) return parent_base;
  const Value* id = node.Find("$id");
  if (id == nullptr || !id->IsString()) return parent_base;
  std::string resolved = ResolveUri(parent_base, id->AsString());
  std::string without_fragment, fragment;
  SplitFragment(resolved, &without_fragment, &fragment);
  return without_fragment;
}

// Objects up to this size are searched member by member; larger ones are
// hashed, so that a schema with many properties or definitions compiles in
// time linear in its size.
constexpr uint32_t kLinearSearchMembers = 16;

// A "properties" of more than this many names is indexed by name
// (Check::property_positions).
constexpr size_t kIndexedProperties = 64;

// Which members of `object` are the last ones with their key (the ones
// Find sees).
std::vector<bool> LastOccurrences(const Value& object) {
  std::vector<bool> last(object.size(), true);
  if (object.size() <= kLinearSearchMembers) {
    for (uint32_t i = 0; i < object.size(); ++i) {
      last[i] = object.IndexOf(object.members()[i].key.AsString()) == static_cast<int64_t>(i);
    }
    return last;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(object.size());
  for (uint32_t i = object.size(); i-- > 0;) last[i] = seen.insert(object.members()[i].key.AsString()).second;
  return last;
}

// Calls visit(object, parent_base, location) for every schema object of the
// tree at `v` (known applicator keywords only; never inside "enum", "const"
// or unknown keywords), `parent_base` being the base URI in force at its
// parent and `location` its "<uri>#<pointer>".
template <typename Visit>
void ForEachSchemaObject(const Value& v, const std::string& parent_base, const std::string& location,
                         const Visit& visit) {
  if (!v.IsObject()) return;
  visit(v, parent_base, location);
  const std::string base = BaseAfter(v, parent_base);
  auto child = [&](const Value& c, const std::string& key_location, std::string_view token) {
    std::string child_location = key_location;
    AppendPointerToken(token, &child_location);
    ForEachSchemaObject(c, base, child_location, visit);
  };
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    std::string_view key = m->key.AsString();
    const Value& value = m->value;
    std::string key_location = location;
    AppendPointerToken(key, &key_location);
    if (key == "definitions" || key == "properties" || key == "patternProperties" ||
        key == "dependencies") {
      if (!value.IsObject()) continue;
      for (const Member* c = value.members(); c != value.members_end(); ++c) {
        child(c->value, key_location, c->key.AsString());
      }
    } else if (key == "items" || key == "allOf" || key == "anyOf" || key == "oneOf") {
      if (value.IsArray()) {
        for (uint32_t i = 0; i < value.size(); ++i) child(value[i], key_location, std::to_string(i));
      } else {
        ForEachSchemaObject(value, base, key_location, visit);
      }
    } else if (key == "additionalItems" || key == "additionalProperties" || key == "contains" ||
               key == "propertyNames" || key == "if" || key == "then" || key == "else" ||
               key == "not") {
      ForEachSchemaObject(value, base, key_location, visit);
    }
  }
}

void WalkIds(const Value& root, const std::string& doc_uri, const std::string& location,
             std::unordered_map<std::string, SchemaLocation>* index) {
  ForEachSchemaObject(root, doc_uri, location, [index](const Value& v, const std::string& parent_base,
                                                       const std::string& where) {
    const Value* id = v.Find("$id");
    if (id == nullptr || !id->IsString() || HasStringRef(v)) return;
    std::string without_fragment, fragment;
    SplitFragment(ResolveUri(parent_base, id->AsString()), &without_fragment, &fragment);
    SchemaLocation loc{&v, parent_base, where};
    if (!fragment.empty() && fragment[0] != '/') {
      (*index)[without_fragment + "#" + PercentDecode(fragment)] = loc;
    } else {
      (*index)[without_fragment] = loc;
    }
  });
}

std::string Quote(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

// Reads a non-negative integer keyword value.
bool ReadCount(const Value& v, uint64_t* out) {
  if (!v.IsNumber() || !v.IsIntegral()) return false;
  double d = v.AsDouble();
  if (d < 0) return false;
  int64_t i = 0;
  if (v.GetInt64(&i)) {
    *out = static_cast<uint64_t>(i);
  } else {
    *out = std::numeric_limits<uint64_t>::max();
  }
  return true;
}

uint32_t TypeBitFor(std::string_view name) {
  if (name == "null") return kTypeNull;
  if (name == "boolean") return kTypeBoolean;
  if (name == "number") return kTypeNumber;
  if (name == "integer") return kTypeInteger;
  if (name == "string") return kTypeString;
  if (name == "array") return kTypeArray;
  if (name == "object") return kTypeObject;
  return 0;
}

class Compiler {
 public:
  Compiler(const SchemaRegistry::Impl& registry, const SchemaCompileOptions& options,
           CompiledSchema::Program* program)
      : registry_(registry), options_(options), program_(program) {}

  // Compiles the schema `root` known by `uri` (its parent base) and every
  // schema it references.
  Status CompileRoot(const Value& root, const std::string& parent_base, const std::string& location) {
    if (!IsSchemaValue(root)) {
      return Status::ProjectError("schema " + Quote(location) + ": a schema must be an object or a boolean, got " +
                                  std::string(JsonTypeName(root.type())));
    }
    program_->base_uri = BaseAfter(root, parent_base);
    program_->root = GetNode(root, parent_base, location);
    while (!pending_.empty()) {
      Pending p = std::move(pending_.back());
      pending_.pop_back();
      FERRY_RETURN_IF_ERROR(CompileNode(p));
    }
    return CheckRefCycles();
  }

  // Indexes the "$id"s of a schema that is not registered (the one being
  // compiled); they shadow registered ones.
  void IndexLocal(const Value& root, const std::string& uri) {
    std::string without_fragment, fragment;
    SplitFragment(uri, &without_fragment, &fragment);
    local_index_[without_fragment] = SchemaLocation{&root, uri, "#"};
    WalkIds(root, without_fragment, "#", &local_index_);
  }

  // Resolves absolute `uri` (maybe with a fragment) to a schema location.
  bool Resolve(const std::string& uri, const Value** value, std::string* parent_base,
               std::string* location, std::string* problem) const {
    std::string without_fragment, raw_fragment;
    SplitFragment(uri, &without_fragment, &raw_fragment);
    std::string fragment = PercentDecode(raw_fragment);
    if (!fragment.empty() && fragment[0] != '/') {
      const SchemaLocation* loc = Lookup(without_fragment + "#" + fragment);
      if (loc == nullptr) {
        *problem = "no schema has the identifier " + Quote(uri);
        return false;
      }
      *value = loc->value;
      *parent_base = loc->parent_base;
      *location = loc->description;
      return true;
    }
    const SchemaLocation* loc = Lookup(without_fragment);
    if (loc == nullptr) {
      *problem = "no schema is registered at " + Quote(without_fragment);
      return false;
    }
    const Value* cur = loc->value;
    std::string base = loc->parent_base;
    std::string where = loc->description;
    // Walk the JSON Pointer, tracking the base URI through "$id"s.
    size_t pos = 0;
    while (pos < fragment.size()) {
      size_t next = fragment.find('/', pos + 1);
      if (next == std::string::npos) next = fragment.size();
      std::string token;
      for (size_t i = pos + 1; i < next; ++i) {
        if (fragment[i] == '~' && i + 1 < next && (fragment[i + 1] == '0' || fragment[i + 1] == '1')) {
          token.push_back(fragment[i + 1] == '0' ? '~' : '/');
          ++i;
        } else {
          token.push_back(fragment[i]);
        }
      }
      pos = next;
      base = BaseAt(*cur, base);
      AppendPointerToken(token, &where);
      if (cur->IsObject()) {
        cur = FindMember(*cur, token);
      } else if (cur->IsArray()) {
        char* end = nullptr;
        unsigned long idx = std::strtoul(token.c_str(), &end, 10);
        bool numeric = !token.empty() && *end == '\0' && (token == "0" || token[0] != '0');
        cur = numeric && idx < cur->size() ? &(*cur)[idx] : nullptr;
      } else {
        cur = nullptr;
      }
      if (cur == nullptr) {
        *problem = "the JSON Pointer of " + Quote(uri) + " does not resolve";
        return false;
      }
    }
    *value = cur;
    *parent_base = base;
    *location = where;
    return true;
  }

 private:
  struct Pending {
    Node* node;
    const Value* value;
    std::string parent_base;
    std::string location;
  };

  // Value::Find, through a hash index for large objects: resolving one
  // "$ref" per property into a large "definitions" stays linear overall.
  const Value* FindMember(const Value& object, std::string_view key) const {
    if (object.size() <= kLinearSearchMembers) return object.Find(key);
    auto [it, added] = member_indexes_.try_emplace(&object);
    if (added) {
      it->second.reserve(object.size());
      for (const Member* m = object.members(); m != object.members_end(); ++m) {
        it->second[m->key.AsString()] = &m->value;  // the last occurrence wins, as in Find
      }
    }
    auto found = it->second.find(key);
    return found == it->second.end() ? nullptr : found->second;
  }

  // BaseAfter, through FindMember: the pointer walk passes large objects
  // ("definitions") that are not schemas themselves.
  std::string BaseAt(const Value& node, const std::string& parent_base) const {
    if (!node.IsObject()) return parent_base;
    const Value* ref = FindMember(node, "$ref");
    const Value* id = FindMember(node, "$id");
    if ((ref != nullptr && ref->IsString()) || id == nullptr || !id->IsString()) return parent_base;
    std::string without_fragment, fragment;
    SplitFragment(ResolveUri(parent_base, id->AsString()), &without_fragment, &fragment);
    return without_fragment;
  }

  const SchemaLocation* Lookup(const std::string& key) const {
    auto it = local_index_.find(key);
    if (it != local_index_.end()) return &it->second;
    auto rit = registry_.index.find(key);
    if (rit != registry_.index.end()) return &rit->second;
    return nullptr;
  }

  Node* GetNode(const Value& value, const std::string& parent_base, const std::string& location) {
    auto it = memo_.find(&value);
    if (it != memo_.end()) return it->second;
    Node* node = &program_->nodes.emplace_back();
    node->location = location;
    memo_.emplace(&value, node);
    pending_.push_back(Pending{node, &value, parent_base, location});
    return node;
  }

  Status Error(const std::string& location, std::string_view keyword, const std::string& problem) {
    std::string where = location;
    if (!keyword.empty()) AppendPointerToken(keyword, &where);
    return Status::ProjectError("schema " + Quote(where) + ": " + problem);
  }

  // A subschema under `location`/`token`.
  Status Sub(const Value& v, const std::string& base, const std::string& location, std::string_view token,
             const Node** out) {
    std::string where = location;
    AppendPointerToken(token, &where);
    if (!IsSchemaValue(v)) {
      return Status::ProjectError("schema " + Quote(where) + ": a schema must be an object or a boolean, got " +
                                  std::string(JsonTypeName(v.type())));
    }
    *out = GetNode(v, base, where);
    return Status::OK();
  }

  Status SubArray(const Value& v, const std::string& base, const std::string& location, std::string_view keyword,
                  bool non_empty, std::vector<const Node*>* out) {
    if (!v.IsArray() || (non_empty && v.empty())) {
      return Error(location, keyword, non_empty ? "must be a non-empty array of schemas" : "must be an array of schemas");
    }
    std::string where = location;
    AppendPointerToken(keyword, &where);
    for (uint32_t i = 0; i < v.size(); ++i) {
      const Node* n = nullptr;
      FERRY_RETURN_IF_ERROR(Sub(v[i], base, where, std::to_string(i), &n));
      out->push_back(n);
    }
    return Status::OK();
  }

  Status CompileRegex(const std::string& source, const std::string& location, std::string_view keyword,
                      std::unique_ptr<EcmaRegex>* out) {
    Result<std::unique_ptr<EcmaRegex>> re = EcmaRegex::Compile(source);
    if (!re.ok()) return Error(location, keyword, "bad regular expression " + Quote(source) + ": " + re.status().message());
    *out = std::move(re).value();
    return Status::OK();
  }

  Status CompileNode(const Pending& p) {
    Node* node = p.node;
    const Value& v = *p.value;
    if (v.IsBool()) {
      node->kind = v.AsBool() ? Node::Kind::kTrue : Node::Kind::kFalse;
      return Status::OK();
    }
    node->kind = Node::Kind::kChecks;
    const std::string base = BaseAfter(v, p.parent_base);
    const std::string& loc = p.location;

    if (const Value* ref = v.Find("$ref"); ref != nullptr && ref->IsString()) {
      // Draft-07: "$ref" replaces the whole schema object.
      std::string target = ResolveUri(base, ref->AsString());
      const Value* tv = nullptr;
      std::string tbase, tloc, problem;
      if (!Resolve(target, &tv, &tbase, &tloc, &problem)) {
        return Error(loc, "$ref", "unresolvable $ref " + Quote(ref->AsString()) + ": " + problem);
      }
      if (!IsSchemaValue(*tv)) {
        return Error(loc, "$ref", "$ref " + Quote(ref->AsString()) + " points at a " +
                                      std::string(JsonTypeName(tv->type())) + ", not a schema");
      }
      Check c;
      c.op = Op::kRef;
      c.keyword = "$ref";
      c.node = GetNode(*tv, tbase, tloc);
      node->checks.push_back(std::move(c));
      return Status::OK();
    }

    int properties_index = -1, patterns_index = -1;
    std::vector<size_t> additional_indexes;
    const std::vector<bool> last_keywords = LastOccurrences(v);
    for (uint32_t i = 0; i < v.size(); ++i) {
      if (!last_keywords[i]) continue;
      std::string_view key = v.members()[i].key.AsString();
      const Value& kv = v.members()[i].value;
      Check c;
      bool emit = true;
      if (key == "type") {
        c.op = Op::kType;
        c.keyword = "type";
        if (kv.IsString()) {
          c.type_mask = TypeBitFor(kv.AsString());
          if (c.type_mask == 0) return Error(loc, key, "unknown type name " + Quote(kv.AsString()));
        } else if (kv.IsArray() && !kv.empty()) {
          for (uint32_t t = 0; t < kv.size(); ++t) {
            uint32_t bit = kv[t].IsString() ? TypeBitFor(kv[t].AsString()) : 0;
            if (bit == 0) {
              std::string where = loc;
              AppendPointerToken("type", &where);
              return Error(where, std::to_string(t),
                           kv[t].IsString() ? "unknown type name " + Quote(kv[t].AsString())
                                            : "a type name must be a string");
            }
            c.type_mask |= bit;
          }
        } else {
          return Error(loc, key, "must be a type name or a non-empty array of type names");
        }
      } else if (key == "enum") {
        c.op = Op::kEnum;
        c.keyword = "enum";
        if (!kv.IsArray()) return Error(loc, key, "must be an array");
        for (const Value& e : kv) c.values.push_back(e.DeepCopy(program_->arena));
      } else if (key == "const") {
        c.op = Op::kConst;
        c.keyword = "const";
        c.values.push_back(kv.DeepCopy(program_->arena));
      } else if (key == "multipleOf" || key == "maximum" || key == "exclusiveMaximum" || key == "minimum" ||
                 key == "exclusiveMinimum") {
        if (!kv.IsNumber()) return Error(loc, key, "must be a number");
        c.number = kv.AsDouble();
        c.literal = std::string(kv.NumberLiteral());
        if (key == "multipleOf") {
          if (!(c.number > 0)) return Error(loc, key, "must be a number greater than 0");
          c.op = Op::kMultipleOf;
          c.keyword = "multipleOf";
        } else if (key == "maximum") {
          c.op = Op::kMaximum;
          c.keyword = "maximum";
        } else if (key == "exclusiveMaximum") {
          c.op = Op::kExclusiveMaximum;
          c.keyword = "exclusiveMaximum";
        } else if (key == "minimum") {
          c.op = Op::kMinimum;
          c.keyword = "minimum";
        } else {
          c.op = Op::kExclusiveMinimum;
          c.keyword = "exclusiveMinimum";
        }
      } else if (key == "maxLength" || key == "minLength" || key == "maxItems" || key == "minItems" ||
                 key == "maxProperties" || key == "minProperties") {
        if (!ReadCount(kv, &c.count)) return Error(loc, key, "must be a non-negative integer");
        if (key == "maxLength") {
          c.op = Op::kMaxLength;
          c.keyword = "maxLength";
        } else if (key == "minLength") {
          c.op = Op::kMinLength;
          c.keyword = "minLength";
        } else if (key == "maxItems") {
          c.op = Op::kMaxItems;
          c.keyword = "maxItems";
        } else if (key == "minItems") {
          c.op = Op::kMinItems;
          c.keyword = "minItems";
        } else if (key == "maxProperties") {
          c.op = Op::kMaxProperties;
          c.keyword = "maxProperties";
        } else {
          c.op = Op::kMinProperties;
          c.keyword = "minProperties";
        }
      } else if (key == "pattern") {
        if (!kv.IsString()) return Error(loc, key, "must be a string");
        c.op = Op::kPattern;
        c.keyword = "pattern";
        c.literal = std::string(kv.AsString());
        FERRY_RETURN_IF_ERROR(CompileRegex(c.literal, loc, key, &c.re));
      } else if (key == "format") {
        if (!kv.IsString()) return Error(loc, key, "must be a string");
        c.op = Op::kFormat;
        c.keyword = "format";
        c.literal = std::string(kv.AsString());
        c.format = options_.assert_formats ? FindFormat(kv.AsString()) : nullptr;
        emit = c.format != nullptr;
      } else if (key == "items") {
        c.keyword = "items";
        if (kv.IsArray()) {
          c.op = Op::kItemsTuple;
          FERRY_RETURN_IF_ERROR(SubArray(kv, base, loc, key, false, &c.nodes));
          if (const Value* add = v.Find("additionalItems"); add != nullptr) {
            FERRY_RETURN_IF_ERROR(Sub(*add, base, loc, "additionalItems", &c.node));
          }
        } else {
          c.op = Op::kItems;
          FERRY_RETURN_IF_ERROR(Sub(kv, base, loc, key, &c.node));
        }
      } else if (key == "contains") {
        c.op = Op::kContains;
        c.keyword = "contains";
        FERRY_RETURN_IF_ERROR(Sub(kv, base, loc, key, &c.node));
      } else if (key == "uniqueItems") {
        if (!kv.IsBool()) return Error(loc, key, "must be a boolean");
        c.op = Op::kUniqueItems;
        c.keyword = "uniqueItems";
        emit = kv.AsBool();
      } else if (key == "required") {
        c.op = Op::kRequired;
        c.keyword = "required";
        if (!kv.IsArray()) return Error(loc, key, "must be an array of strings");
        for (const Value& n : kv) {
          if (!n.IsString()) return Error(loc, key, "must be an array of strings");
          c.names.emplace_back(n.AsString());
        }
        emit = !c.names.empty();
      } else if (key == "properties" || key == "patternProperties") {
        if (!kv.IsObject()) return Error(loc, key, "must be an object of schemas");
        std::string where = loc;
        AppendPointerToken(key, &where);
        bool patterns = key == "patternProperties";
        c.op = patterns ? Op::kPatternProperties : Op::kProperties;
        c.keyword = patterns ? "patternProperties" : "properties";
        const std::vector<bool> last_names = LastOccurrences(kv);
        for (uint32_t j = 0; j < kv.size(); ++j) {
          if (!last_names[j]) continue;
          std::string name(kv.members()[j].key.AsString());
          const Node* n = nullptr;
          FERRY_RETURN_IF_ERROR(Sub(kv.members()[j].value, base, where, name, &n));
          if (patterns) {
            PatternNode pn;
            pn.source = name;
            pn.node = n;
            FERRY_RETURN_IF_ERROR(CompileRegex(name, where, name, &pn.re));
            c.patterns.push_back(std::move(pn));
          } else {
            c.properties.push_back(NamedNode{std::move(name), n});
          }
        }
        if (c.properties.size() > kIndexedProperties) {
          for (uint32_t j = 0; j < c.properties.size(); ++j) c.property_positions.emplace(c.properties[j].name, j);
        }
        (patterns ? patterns_index : properties_index) = static_cast<int>(node->checks.size());
      } else if (key == "additionalProperties") {
        c.op = Op::kAdditionalProperties;
        c.keyword = "additionalProperties";
        FERRY_RETURN_IF_ERROR(Sub(kv, base, loc, key, &c.node));
        additional_indexes.push_back(node->checks.size());
      } else if (key == "dependencies") {
        if (!kv.IsObject()) return Error(loc, key, "must be an object");
        c.op = Op::kDependencies;
        c.keyword = "dependencies";
        std::string where = loc;
        AppendPointerToken(key, &where);
        const std::vector<bool> last_names = LastOccurrences(kv);
        for (uint32_t j = 0; j < kv.size(); ++j) {
          if (!last_names[j]) continue;
          Dependency d;
          d.property = std::string(kv.members()[j].key.AsString());
          const Value& dv = kv.members()[j].value;
          if (dv.IsArray()) {
            for (const Value& n : dv) {
              if (!n.IsString()) return Error(where, d.property, "must be an array of strings or a schema");
              d.required.emplace_back(n.AsString());
            }
          } else {
            FERRY_RETURN_IF_ERROR(Sub(dv, base, where, d.property, &d.node));
          }
          c.dependencies.push_back(std::move(d));
        }
      } else if (key == "propertyNames") {
        c.op = Op::kPropertyNames;
        c.keyword = "propertyNames";
        FERRY_RETURN_IF_ERROR(Sub(kv, base, loc, key, &c.node));
      } else if (key == "if") {
        c.op = Op::kIfThenElse;
        c.keyword = "if";
        const Node* n = nullptr;
        FERRY_RETURN_IF_ERROR(Sub(kv, base, loc, key, &n));
        c.nodes.push_back(n);
        for (std::string_view branch : {std::string_view("then"), std::string_view("else")}) {
          const Node* b = nullptr;
          if (const Value* bv = v.Find(branch); bv != nullptr) {
            FERRY_RETURN_IF_ERROR(Sub(*bv, base, loc, branch, &b));
          }
          c.nodes.push_back(b);
        }
        emit = c.nodes[1] != nullptr || c.nodes[2] != nullptr;
      } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
        c.op = key == "allOf" ? Op::kAllOf : key == "anyOf" ? Op::kAnyOf : Op::kOneOf;
        c.keyword = key == "allOf" ? "allOf" : key == "anyOf" ? "anyOf" : "oneOf";
        FERRY_RETURN_IF_ERROR(SubArray(kv, base, loc, key, true, &c.nodes));
      } else if (key == "not") {
        c.op = Op::kNot;
        c.keyword = "not";
        FERRY_RETURN_IF_ERROR(Sub(kv, base, loc, key, &c.node));
      } else if (key == "definitions") {
        if (!kv.IsObject()) return Error(loc, key, "must be an object of schemas");
        emit = false;
      } else {
        emit = false;  // annotations and unknown keywords
      }
      if (emit) node->checks.push_back(std::move(c));
    }
    // Link "additionalProperties" to its siblings (addresses are final now).
    for (size_t idx : additional_indexes) {
      Check& c = node->checks[idx];
      if (properties_index >= 0) {
        c.sibling_properties = &node->checks[properties_index];
        for (const NamedNode& nn : c.sibling_properties->properties) c.property_set.insert(nn.name);
      }
      if (patterns_index >= 0) c.sibling_patterns = &node->checks[patterns_index];
    }
    return Status::OK();
  }

  // A chain of "$ref"-only nodes that loops never reaches a keyword: every
  // validation through it would recurse forever. Each node is followed
  // once: a chain that reaches a node already cleared stops there.
  Status CheckRefCycles() {
    enum class Mark : uint8_t { kOnChain, kCleared };
    std::unordered_map<const Node*, Mark> marks;
    std::vector<const Node*> chain;
    for (const Node& n : program_->nodes) {
      chain.clear();
      const Node* cur = &n;
      while (IsRefOnly(*cur) && marks.count(cur) == 0) {
        marks.emplace(cur, Mark::kOnChain);
        chain.push_back(cur);
        cur = cur->checks[0].node;
      }
      auto it = marks.find(cur);
      if (it != marks.end() && it->second == Mark::kOnChain) {
        return Status::ProjectError("schema " + Quote(n.location) + ": $ref cycle never reaches a schema keyword");
      }
      for (const Node* c : chain) marks[c] = Mark::kCleared;
    }
    return Status::OK();
  }

  static bool IsRefOnly(const Node& n) {
    return n.kind == Node::Kind::kChecks && n.checks.size() == 1 && n.checks[0].op == Op::kRef;
  }

  const SchemaRegistry::Impl& registry_;
  const SchemaCompileOptions& options_;
  CompiledSchema::Program* program_;
  std::unordered_map<std::string, SchemaLocation> local_index_;
  std::unordered_map<const Value*, Node*> memo_;
  mutable std::unordered_map<const Value*, std::unordered_map<std::string_view, const Value*>> member_indexes_;
  std::vector<Pending> pending_;
};

}  // namespace

void IndexSchemaIds(const Value& root, const std::string& doc_uri,
                    std::unordered_map<std::string, SchemaLocation>* index) {
  (*index)[doc_uri] = SchemaLocation{&root, doc_uri, doc_uri + "#"};
  WalkIds(root, doc_uri, doc_uri + "#", index);
}

std::vector<SchemaReference> ListSchemaReferences(const Value& root, const std::string& doc_uri) {
  std::vector<SchemaReference> refs;
  ForEachSchemaObject(root, doc_uri, "#", [&refs](const Value& v, const std::string& parent_base,
                                                  const std::string& location) {
    if (!HasStringRef(v)) return;
    std::string_view ref = v.Find("$ref")->AsString();
    std::string target, fragment;
    SplitFragment(ResolveUri(parent_base, ref), &target, &fragment);
    std::string pointer = location;
    AppendPointerToken("$ref", &pointer);
    refs.push_back(SchemaReference{std::move(pointer), std::string(ref), std::move(target)});
  });
  return refs;
}

}  // namespace internal

// --- CompiledSchema (construction; evaluation is in validator.cc) ---------

CompiledSchema::CompiledSchema(std::unique_ptr<Program> program) : program_(std::move(program)) {}
CompiledSchema::~CompiledSchema() = default;
const std::string& CompiledSchema::base_uri() const { return program_->base_uri; }

// --- SchemaRegistry -------------------------------------------------------

SchemaRegistry::SchemaRegistry() : impl_(std::make_unique<Impl>()) {
  Status s = RegisterJson(internal::kDraft7MetaSchemaUri, internal::Draft7MetaSchemaText());
  (void)s;  // the embedded text is valid JSON: covered by tests
}

SchemaRegistry::~SchemaRegistry() = default;

Status SchemaRegistry::Register(std::string_view uri, const Value& schema) {
  if (uri.empty()) return Status::InvalidArgument("schema URI must not be empty");
  if (!schema.IsObject() && !schema.IsBool()) {
    return Status::InvalidArgument("schema registered at \"" + std::string(uri) +
                                   "\" must be an object or a boolean");
  }
  std::string without_fragment, fragment;
  internal::SplitFragment(uri, &without_fragment, &fragment);
  RegisteredSchema& doc = impl_->documents.emplace_back();
  doc.root = schema.DeepCopy(impl_->arena);
  doc.uri = without_fragment;
  internal::IndexSchemaIds(doc.root, doc.uri, &impl_->index);
  return Status::OK();
}

Status SchemaRegistry::RegisterJson(std::string_view uri, std::string_view json_text) {
  JsonParser parser;
  Arena scratch;
  Result<Value> v = parser.Parse(json_text, scratch);
  if (!v.ok()) return v.status();
  return Register(uri, v.value());
}

bool SchemaRegistry::Contains(std::string_view uri) const {
  return impl_->index.count(std::string(uri)) != 0;
}

Result<std::shared_ptr<const CompiledSchema>> SchemaRegistry::Compile(const Value& schema,
                                                                      const SchemaCompileOptions& options) const {
  auto program = std::make_unique<CompiledSchema::Program>();
  internal::Compiler compiler(*impl_, options, program.get());
  std::string base;
  std::string fragment;
  internal::SplitFragment(options.base_uri, &base, &fragment);
  if (schema.IsObject()) compiler.IndexLocal(schema, base);
  FERRY_RETURN_IF_ERROR(compiler.CompileRoot(schema, base, "#"));
  return std::shared_ptr<const CompiledSchema>(std::make_shared<CompiledSchema>(std::move(program)));
}

Result<std::shared_ptr<const CompiledSchema>> SchemaRegistry::CompileJson(std::string_view json_text,
                                                                          const SchemaCompileOptions& options) const {
  JsonParser parser;
  Arena scratch;
  Result<Value> v = parser.Parse(json_text, scratch);
  if (!v.ok()) return v.status();
  return Compile(v.value(), options);
}

Result<std::shared_ptr<const CompiledSchema>> SchemaRegistry::CompileUri(std::string_view uri,
                                                                         const SchemaCompileOptions& options) const {
  auto program = std::make_unique<CompiledSchema::Program>();
  internal::Compiler compiler(*impl_, options, program.get());
  const Value* value = nullptr;
  std::string parent_base, location, problem;
  if (!compiler.Resolve(std::string(uri), &value, &parent_base, &location, &problem)) {
    return Status::NotFound("schema " + std::string(uri) + ": " + problem);
  }
  FERRY_RETURN_IF_ERROR(compiler.CompileRoot(*value, parent_base, location));
  return std::shared_ptr<const CompiledSchema>(std::make_shared<CompiledSchema>(std::move(program)));
}

namespace {
const SchemaRegistry& DefaultRegistry() {
  static const SchemaRegistry* registry = new SchemaRegistry();  // never destroyed: used at exit
  return *registry;
}
}  // namespace

Result<std::shared_ptr<const CompiledSchema>> CompileSchema(const Value& schema, const SchemaCompileOptions& options) {
  return DefaultRegistry().Compile(schema, options);
}

Result<std::shared_ptr<const CompiledSchema>> CompileSchemaJson(std::string_view json_text,
                                                                const SchemaCompileOptions& options) {
  return DefaultRegistry().CompileJson(json_text, options);
}

}  // namespace ferry
