// Copyright (c) the Ferry authors.
//
// Internal: the schema compiler, which turns a schema Value into the Node
// graph of program.h. Compiling is a worklist over schema locations (so
// deep or recursive schemas never recurse on the C++ stack); each location
// becomes one Node, memoised by address, so "$ref" cycles become graph
// cycles. Each keyword is compiled by one member function, found through a
// table (keywords.cc) that also says in which drafts and vocabularies the
// keyword exists.

#ifndef FERRY_SRC_SCHEMA_COMPILER_H_
#define FERRY_SRC_SCHEMA_COMPILER_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ferry/schema.h"
#include "schema/program.h"

namespace ferry::internal {

// Helpers shared by compiler.cc and keywords.cc.
bool IsSchemaValue(const Value& v);
std::string QuoteJson(std::string_view s);
// The draft `v` declares with "$schema", else `inherited`.
Draft DraftAt(const Value& v, Draft inherited);

class Compiler {
 public:
  Compiler(const SchemaRegistry::Impl& registry, const SchemaCompileOptions& options,
           CompiledSchema::Program* program)
      : registry_(registry), options_(options), program_(program) {}

  // Compiles the schema `root` known by `parent_base` and every schema it
  // references; `draft` is the one in force when `root` declares none.
  Status CompileRoot(const Value& root, const std::string& parent_base, const std::string& location, Draft draft);

  // Indexes the identifiers of a schema that is not registered (the one
  // being compiled); they shadow registered ones.
  void IndexLocal(const Value& root, const std::string& uri);

  // Resolves absolute `uri` (maybe with a fragment) to a schema location.
  bool Resolve(const std::string& uri, SchemaLocation* out, std::string* problem) const;

 private:
  struct Pending {
    Node* node;
    const Value* value;
    std::string parent_base;
    std::string location;
    Draft draft;
    uint32_t vocab;
  };

  // Where a keyword is being compiled.
  struct Site {
    Node* node;
    const Value& schema;  // the schema object holding the keyword
    const std::string& base;
    const std::string& location;
    Draft draft;
    uint32_t vocab;
  };

 public:
  // Compiles one keyword into `c`; sets *emit = false when it adds no check.
  using KeywordFn = Status (Compiler::*)(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  struct KeywordRule {
    std::string_view name;
    uint8_t drafts;  // bits: 1 draft-07, 2 2019-09, 4 2020-12
    uint32_t vocab;  // a VocabBit
    KeywordFn compile;
  };
  static const KeywordRule* FindKeywordRule(std::string_view name);

 private:
  // compiler.cc: the worklist, resolution and node assembly.
  const Value* FindMember(const Value& object, std::string_view key) const;
  std::string BaseAt(const Value& node, const std::string& parent_base, Draft draft) const;
  Draft DraftAtIndexed(const Value& node, Draft inherited) const;
  const SchemaLocation* Lookup(const std::string& key) const;
  Node* GetNode(const Value& value, const std::string& parent_base, const std::string& location, Draft draft,
                uint32_t vocab);
  Resource* GetResource(const std::string& uri);
  Status VocabularyAt(const Value& v, const std::string& location, uint32_t* vocab) const;
  Status CompileNode(const Pending& p);
  Status CompileKeyword(const Site& s, std::string_view key, const Value& kv);
  Status CompileRefOnly(const Site& s);
  void FinishNode(Node* node);
  Status CheckRefCycles();

  // keywords.cc: helpers and one compiler per keyword.
  Status Error(const std::string& location, std::string_view keyword, const std::string& problem) const;
  Status Sub(const Site& s, const Value& v, const std::string& location, std::string_view token, const Node** out);
  Status SubArray(const Site& s, const Value& v, std::string_view keyword, bool non_empty,
                  std::vector<const Node*>* out);
  Status CompileRegex(const std::string& source, const std::string& location, std::string_view keyword,
                      std::unique_ptr<EcmaRegex>* out);
  Status ResolveRefTarget(const Site& s, std::string_view keyword, std::string_view ref, const Node** out,
                          SchemaLocation* target);
  void RegisterDynamicAnchors(const std::string& name, Draft draft);

  Status CompileType(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileEnum(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileConst(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileNumber(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileCount(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompilePattern(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileFormat(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileItems(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompilePrefixItems(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileContains(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileUniqueItems(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileRequired(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileProperties(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileSubschema(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileDependencies(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileDependentRequired(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileDependentSchemas(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileIf(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileSchemaArray(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileDefinitions(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileRef(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileDynamicRef(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);
  Status CompileRecursiveRef(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit);

  static const KeywordRule kKeywordRules[];

  const SchemaRegistry::Impl& registry_;
  const SchemaCompileOptions& options_;
  CompiledSchema::Program* program_;
  SchemaIndex local_;
  std::unordered_map<const Value*, Node*> memo_;
  std::unordered_map<std::string, Resource*> resources_;
  std::unordered_set<std::string> dynamic_names_;
  mutable std::unordered_map<const Value*, std::unordered_map<std::string_view, const Value*>> member_indexes_;
  std::vector<Pending> pending_;
};

}  // namespace ferry::internal

#endif  // FERRY_SRC_SCHEMA_COMPILER_H_
