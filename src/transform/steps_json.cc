// Copyright (c) the Ferry authors.
//
// parse_json: a string field holding JSON text (browser localStorage, a SQL
// text column, a message payload) becomes the value it encodes. Backward
// writes the value back as compact JSON text (WriteJson). Forward follows the
// complement rule of docs/steps.md: it computes that default text and, only
// when it differs from the original string (whitespace, \u escapes, ...),
// saves the original, so going back is byte-exact.

#include <memory>
#include <string>
#include <string_view>

#include "transform/transform_internal.h"
#include "common/utf8_cut.h"

namespace ferry::internal {
namespace {

constexpr size_t kMaxPointerTokens = 32;
// How much of a rejected text an error message quotes.
constexpr size_t kExcerptBytes = 40;

// A compiled step is shared by every worker thread, while a JsonParser (which
// keeps its buffers between documents) is not thread-safe: one per thread.
JsonParser& ThreadParser() {
  thread_local JsonParser parser;
  return parser;
}

// Scratch for the compact text Forward compares with and Backward writes
// (reused, so no heap allocation per document once it has grown).
std::string& ThreadScratch() {
  thread_local std::string scratch;
  return scratch;
}

// The first bytes of `text` as a JSON string literal, cut at a UTF-8
// character boundary, with "..." when shortened.
std::string Excerpt(std::string_view text) {
  std::string out;
  if (text.size() <= kExcerptBytes) {
    WriteJsonString(text, &out);
    return out;
  }
  WriteJsonString(internal::Utf8Prefix(text, kExcerptBytes), &out);
  out.insert(out.size() - 1, "...");
  return out;
}

class ParseJsonStep final : public StepBase {
 public:
  ParseJsonStep() : StepBase("parse_json") {}
  FieldPath field;

  // Lossless: text as WriteJson (and JavaScript's JSON.stringify) writes it
  // comes back byte for byte; other spellings are kept in the complement.
  bool lossy() const override { return false; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (!slot->IsString()) {
      return Fail(ctx, "not valid JSON text: expected a string holding JSON text, got " +
                           std::string(JsonTypeName(slot->type())));
    }
    const std::string_view text = slot->AsString();
    if (text.empty()) return Fail(ctx, "not valid JSON text: the string is empty");
    // Parse copies the text into the arena: the parsed strings and number
    // literals live as long as the document.
    Result<Value> parsed = ThreadParser().Parse(text, ctx.arena());
    if (!parsed.ok()) {
      return Fail(ctx, "not valid JSON text: " + parsed.status().message() + " in " + Excerpt(text));
    }
    std::string& compact = ThreadScratch();
    compact.clear();
    WriteJson(parsed.value(), &compact);
    if (compact != text) ctx.SaveComplementCopy(*slot);
    *slot = parsed.value();
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (const Value* c = ctx.complement()) {
      if (!c->IsString()) return BadComplement(name());
      *slot = c->DeepCopy(ctx.arena());
      return Status::OK();
    }
    std::string& text = ThreadScratch();
    text.clear();
    WriteJson(*slot, &text);
    *slot = Value::String(text, ctx.arena());
    return Status::OK();
  }

 private:
  Status Fail(StepContext& ctx, std::string msg) const {
    std::string_view buf[kMaxPointerTokens];
    size_t n = 0;
    for (size_t i = 0; i < field.tokens.size() && n < kMaxPointerTokens; ++i) buf[n++] = field.tokens[i];
    return ctx.Fail(std::span<const std::string_view>(buf, n), std::move(msg));
  }
};

}  // namespace

Result<std::unique_ptr<Step>> NewParseJsonStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<ParseJsonStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

}  // namespace ferry::internal
