// Copyright (c) the Ferry authors.
//
// YAML reader and writer (yaml.h). The reader drives libfyaml's event parser
// (fy_parser_parse) over an input callback that pulls from the ByteSource,
// one document at a time, and builds Ferry Values from the events itself:
// that is where the core schema, key checks, alias caps and the depth cap
// live. The writer
// is hand-written (not YAML::Emitter) so that the quoting rules are exactly
// the reader's resolution rules.

#include "formats/yaml.h"

#include <libfyaml.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ferry/json.h"
#include "common/text.h"
#include "common/utf8.h"

namespace ferry::internal {
namespace {

// ------------------------------------------------------- core schema

enum class ScalarKind { kNull, kBool, kNumber, kNonFinite, kString };

bool AllOf(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool IsOctal(char c) { return c >= '0' && c <= '7'; }

// Longest octal/hex digit string converted (the conversion is quadratic).
constexpr size_t kMaxRadixDigits = 4096;

// `digits` in base 8 or 16 as a decimal string.
std::string RadixToDecimal(std::string_view digits, int base) {
  std::vector<uint8_t> dec{0};  // little-endian decimal digits
  for (char c : digits) {
    int d = HexValue(c);
    for (uint8_t& x : dec) {
      const int v = x * base + d;
      x = uint8_t(v % 10);
      d = v / 10;
    }
    while (d > 0) {
      dec.push_back(uint8_t(d % 10));
      d /= 10;
    }
  }
  while (dec.size() > 1 && dec.back() == 0) dec.pop_back();
  std::string out;
  out.reserve(dec.size());
  for (auto it = dec.rbegin(); it != dec.rend(); ++it) out.push_back(char('0' + *it));
  return out;
}

std::string_view StripLeadingZeros(std::string_view digits) {
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  return digits;
}

bool IsNullText(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// Resolves a plain (untagged) scalar by the YAML 1.2 core schema. For
// numbers, *literal receives the equivalent JSON literal; for booleans *b.
// kString also for octal/hex literals too long to convert.
ScalarKind ResolvePlain(std::string_view s, std::string* literal, bool* b) {
  if (IsNullText(s)) return ScalarKind::kNull;
  if (s == "true" || s == "True" || s == "TRUE") {
    *b = true;
    return ScalarKind::kBool;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    *b = false;
    return ScalarKind::kBool;
  }
  const char c0 = s[0];
  if (!IsDigit(c0) && c0 != '-' && c0 != '+' && c0 != '.') return ScalarKind::kString;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    const std::string_view digits = s.substr(2);
    const bool hex = s[1] == 'x';
    if (!AllOf(digits, hex ? IsHexDigit : IsOctal) || digits.size() > kMaxRadixDigits) return ScalarKind::kString;
    *literal = RadixToDecimal(digits, hex ? 16 : 8);
    return ScalarKind::kNumber;
  }
  std::string_view rest = s;
  const bool negative = rest[0] == '-';
  if (rest[0] == '-' || rest[0] == '+') rest.remove_prefix(1);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return ScalarKind::kNonFinite;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return ScalarKind::kNonFinite;
  // [0-9]* ( . [0-9]* )? ( [eE] [-+]? [0-9]+ )? with at least one mantissa digit.
  size_t i = 0;
  while (i < rest.size() && IsDigit(rest[i])) ++i;
  const std::string_view int_part = rest.substr(0, i);
  std::string_view frac;
  bool has_dot = false;
  if (i < rest.size() && rest[i] == '.') {
    has_dot = true;
    const size_t start = ++i;
    while (i < rest.size() && IsDigit(rest[i])) ++i;
    frac = rest.substr(start, i - start);
  }
  if (int_part.empty() && frac.empty()) return ScalarKind::kString;
  std::string_view exponent;
  if (i < rest.size() && (rest[i] == 'e' || rest[i] == 'E')) {
    const size_t start = i++;
    if (i < rest.size() && (rest[i] == '-' || rest[i] == '+')) ++i;
    const size_t digits = i;
    while (i < rest.size() && IsDigit(rest[i])) ++i;
    if (i == digits) return ScalarKind::kString;
    exponent = rest.substr(start, i - start);
  }
  if (i != rest.size()) return ScalarKind::kString;
  literal->clear();
  if (negative) literal->push_back('-');
  literal->append(int_part.empty() ? std::string_view("0") : StripLeadingZeros(int_part));
  if (has_dot) {
    literal->push_back('.');
    literal->append(frac.empty() ? std::string_view("0") : frac);
  }
  literal->append(exponent);
  return ScalarKind::kNumber;
}

// ------------------------------------------------------------- reading

const char kTagNull[] = "tag:yaml.org,2002:null";
const char kTagBool[] = "tag:yaml.org,2002:bool";
const char kTagInt[] = "tag:yaml.org,2002:int";
const char kTagFloat[] = "tag:yaml.org,2002:float";

// A 0-based position in the input; line < 0 when unknown.
struct Pos {
  int line = -1;
  int column = 0;
};

Status ParseErrorAt(Pos pos, const std::string& msg) {
  if (pos.line < 0) return Status::ParseError(msg);
  return Status::ParseError(std::to_string(pos.line + 1) + ":" + std::to_string(pos.column + 1) + ": " + msg);
}

// Where a node starts: the first of its anchor, tag and main token (so an
// error about "!!int abc" points at the tag, as a reader would look for it).
Pos NodePos(fy_event* e) {
  const fy_mark* best = fy_event_start_mark(e);
  for (fy_token* t : {fy_event_get_anchor_token(e), fy_event_get_tag_token(e)}) {
    const fy_mark* m = t != nullptr ? fy_token_start_mark(t) : nullptr;
    if (m != nullptr && (best == nullptr || m->input_pos < best->input_pos)) best = m;
  }
  if (best == nullptr) return Pos{};
  return Pos{best->line, best->column};
}

std::string_view TokenText(fy_token* t) {
  if (t == nullptr) return {};
  size_t len = 0;
  const char* p = fy_token_get_text(t, &len);
  return p == nullptr ? std::string_view() : std::string_view(p, len);
}

// Builds one document's Value from libfyaml's events: the core schema, key
// checks, alias caps and the depth cap live here. Each method returns the
// first error; the reader stops at it.
class Builder {
 public:
  Builder(const YamlOptions& options, Arena* arena) : options_(options), arena_(arena) {}

  void Reset(uint64_t doc_line) {
    stack_.clear();
    anchors_.clear();
    expansion_ = 0;
    has_root_ = false;
    root_ = Value();
    root_item_lines_.clear();
    doc_line_ = doc_line;
  }
  bool has_root() const { return has_root_; }
  const Value& root() const { return root_; }
  uint64_t doc_line() const { return doc_line_; }
  const std::vector<uint64_t>& root_item_lines() const { return root_item_lines_; }

  Status Event(fy_event* e) {
    switch (e->type) {
      case FYET_SCALAR:
        return Scalar(e);
      case FYET_ALIAS:
        return Alias(e);
      case FYET_SEQUENCE_START:
        return Push(e, Value::Array(*arena_));
      case FYET_MAPPING_START:
        return Push(e, Value::Object(*arena_));
      case FYET_SEQUENCE_END:
      case FYET_MAPPING_END:
        return Pop();
      default:
        return Status::OK();
    }
  }

 private:
  struct Anchored {
    Value value;
    size_t size = 0;
    bool open = false;  // a collection still being read (an alias to it recurses)
  };
  struct Frame {
    Value value;
    Pos pos;
    std::string anchor;
    size_t size = 2;
    // Mappings: the key read, waiting for its value.
    bool has_key = false;
    std::string_view key;
    std::unordered_set<std::string_view> keys;
  };

  bool ExpectingKey() const { return !stack_.empty() && stack_.back().value.IsObject() && !stack_.back().has_key; }

  Status Scalar(fy_event* e) {
    const Pos pos = NodePos(e);
    fy_token* value = e->scalar.value;
    const std::string_view text = TokenText(value);
    const std::string_view tag = TokenText(e->scalar.tag);
    const std::string anchor(TokenText(e->scalar.anchor));
    std::string literal;
    bool b = false;
    Value v;
    if (e->scalar.tag == nullptr) {
      // Untagged: plain scalars resolve by the core schema; quoted and
      // block scalars are strings.
      if (fy_token_scalar_style(value) == FYSS_PLAIN) {
        FERRY_ASSIGN_OR_RETURN(v, FromPlain(pos, text, /*keep_non_finite=*/ExpectingKey()));
      } else {
        v = Value::String(text, *arena_);
      }
    } else if (tag == kTagNull) {
      if (!IsNullText(text)) return ParseErrorAt(pos, "!!null scalar is not null");
      v = Value();
    } else if (tag == kTagBool) {
      if (ResolvePlain(text, &literal, &b) != ScalarKind::kBool) {
        return ParseErrorAt(pos, "!!bool scalar is not a boolean");
      }
      v = Value::Bool(b);
    } else if (tag == kTagInt || tag == kTagFloat) {
      const ScalarKind kind = text.empty() ? ScalarKind::kString : ResolvePlain(text, &literal, &b);
      if (kind != ScalarKind::kNumber && kind != ScalarKind::kNonFinite) {
        return ParseErrorAt(pos, tag == kTagInt ? "!!int scalar is not an integer" : "!!float scalar is not a number");
      }
      FERRY_ASSIGN_OR_RETURN(v, FromPlain(pos, text, ExpectingKey()));
    } else {
      // "!" (non-specific), !!str, and tags Ferry has no type for.
      v = Value::String(text, *arena_);
    }
    if (ExpectingKey()) return SetKey(pos, KeyText(v), anchor, v);
    return Add(pos, v, text.size() + 2, anchor);
  }

  Status Alias(fy_event* e) {
    Pos pos = NodePos(e);
    if (pos.column > 0) --pos.column;  // libfyaml marks the name, after the "*"
    const std::string name(TokenText(e->alias.anchor));
    auto it = anchors_.find(name);
    if (it == anchors_.end()) return ParseErrorAt(pos, "unknown alias *" + name);
    if (it->second.open) return ParseErrorAt(pos, "alias *" + name + " inside its own anchored node (a recursive alias)");
    expansion_ += it->second.size;
    if (expansion_ > options_.max_alias_expansion) {
      return ParseErrorAt(pos, "aliases expand to more than " + std::to_string(options_.max_alias_expansion) +
                                   " bytes (max_alias_expansion)");
    }
    const Value v = it->second.value;
    const size_t size = it->second.size;
    if (ExpectingKey()) {
      if (v.IsArray() || v.IsObject()) {
        return ParseErrorAt(pos, "a mapping key must be a scalar (Ferry reads JSON: keys are strings)");
      }
      return SetKey(pos, KeyText(v), "", v);
    }
    return Add(pos, v, size, "");
  }

  Result<Value> FromPlain(Pos pos, std::string_view text, bool keep_non_finite) {
    std::string literal;
    bool b = false;
    switch (ResolvePlain(text, &literal, &b)) {
      case ScalarKind::kNull:
        return Value();
      case ScalarKind::kBool:
        return Value::Bool(b);
      case ScalarKind::kNumber:
        return Value::NumberLiteral(arena_->CopyString(literal));
      case ScalarKind::kNonFinite:
        if (!keep_non_finite && !options_.non_finite_as_string) {
          return ParseErrorAt(pos, "'" + std::string(text) +
                                       "' has no JSON form (set non_finite_as_string to read it as a string)");
        }
        break;
      case ScalarKind::kString:
        break;
    }
    return Value::String(text, *arena_);
  }

  // A key's JSON text: strings as they are, other scalars as their JSON text.
  static std::string KeyText(const Value& v) {
    if (v.IsString()) return std::string(v.AsString());
    return ToJson(v);
  }

  Status SetKey(Pos pos, const std::string& key, const std::string& anchor, const Value& v) {
    Frame& f = stack_.back();
    const std::string_view stored = arena_->CopyString(key);
    if (!f.keys.insert(stored).second) return ParseErrorAt(pos, "duplicate key \"" + key + "\"");
    f.key = stored;
    f.has_key = true;
    f.size += key.size() + 3;
    if (!anchor.empty()) anchors_[anchor] = {v, key.size() + 2, false};
    return Status::OK();
  }

  Status Push(fy_event* e, Value v) {
    const Pos pos = NodePos(e);
    if (ExpectingKey()) return ParseErrorAt(pos, "a mapping key must be a scalar (Ferry reads JSON: keys are strings)");
    if (stack_.size() >= options_.max_depth) {
      return ParseErrorAt(pos, "nesting deeper than " + std::to_string(options_.max_depth) + " levels (max_depth)");
    }
    Frame& f = stack_.emplace_back();
    f.value = v;
    f.pos = pos;
    f.anchor = TokenText(fy_event_get_anchor_token(e));
    if (!f.anchor.empty()) anchors_[f.anchor] = {Value(), 0, true};
    if (doc_line_ == 0 && pos.line >= 0) doc_line_ = uint64_t(pos.line) + 1;
    return Status::OK();
  }

  Status Pop() {
    if (stack_.empty()) return Status::ParseError("YAML: unbalanced collection end");
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    return Add(f.pos, f.value, f.size, f.anchor);
  }

  Status Add(Pos pos, const Value& v, size_t size, const std::string& anchor) {
    if (!anchor.empty()) anchors_[anchor] = {v, size, false};
    if (stack_.empty()) {
      root_ = v;
      has_root_ = true;
      if (doc_line_ == 0 && pos.line >= 0) doc_line_ = uint64_t(pos.line) + 1;
      return Status::OK();
    }
    Frame& f = stack_.back();
    f.size += size + 1;
    if (f.value.IsArray()) {
      f.value.Append(v, *arena_);
      if (stack_.size() == 1) root_item_lines_.push_back(uint64_t(std::max(pos.line, 0)) + 1);
      return Status::OK();
    }
    f.value.InsertMemberAt(f.value.size(), f.key, v, *arena_);
    f.has_key = false;
    return Status::OK();
  }

  const YamlOptions& options_;
  Arena* arena_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, Anchored> anchors_;
  size_t expansion_ = 0;
  bool has_root_ = false;
  Value root_;
  std::vector<uint64_t> root_item_lines_;
  uint64_t doc_line_ = 0;
};

// Checks that the input is UTF-8 as it streams past, and tracks the line
// and column for the error. libfyaml 0.7.12 takes an invalid byte for the
// end of the input (silently dropping the rest), and loops forever on a
// sequence cut short at the end of its input: the reader hands it only
// complete, valid characters.
struct Utf8Stream {
  uint64_t line = 0;    // 0-based position of the next character
  uint64_t column = 0;  // in characters

  // How many leading bytes of p[0, n) are complete valid characters. Stops
  // at an invalid sequence (*bad set) or before a sequence that n cuts
  // short (to be fed again, whole, with the next bytes).
  size_t Feed(const char* p, size_t n, bool* bad) {
    size_t i = 0;
    while (i < n) {
      const auto c = uint8_t(p[i]);
      if (c < 0x80) {
        if (c == '\n') {
          ++line;
          column = 0;
        } else {
          ++column;
        }
        ++i;
        continue;
      }
      int len = 0;
      uint8_t lo = 0x80;
      uint8_t hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;  // no overlongs
        if (c == 0xED) hi = 0x9F;  // no surrogates
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;  // no overlongs
        if (c == 0xF4) hi = 0x8F;  // at most U+10FFFF
      } else {
        *bad = true;
        return i;
      }
      for (int k = 1; k < len; ++k) {
        if (i + k >= n) return i;  // cut short: the caller carries it over
        const auto cc = uint8_t(p[i + k]);
        if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) {
          *bad = true;
          return i;
        }
      }
      ++column;
      i += size_t(len);
    }
    return n;
  }
  // At the character where Feed stopped (or the end of the input, for a
  // sequence cut short).
  Status Error() const {
    return Status::ParseError(std::to_string(line + 1) + ":" + std::to_string(column + 1) +
                              ": invalid UTF-8 (a YAML stream must be UTF-8)");
  }
};

// libfyaml's diagnostics are collected (not printed); the reader reports the
// first error.
void DiscardDiagOutput(fy_diag*, void*, const char*, size_t) {}

struct DiagDeleter {
  void operator()(fy_diag* d) const { fy_diag_destroy(d); }
};
struct ParserDeleter {
  void operator()(fy_parser* p) const { fy_parser_destroy(p); }
};

class YamlReader : public DocumentReader {
 public:
  YamlReader(std::unique_ptr<ByteSource> in, const YamlOptions& options)
      : options_(options), in_(std::move(in)), builder_(options_, &arena_) {
    fy_diag_cfg diag_cfg;
    fy_diag_cfg_default(&diag_cfg);
    diag_cfg.fp = nullptr;
    diag_cfg.output_fn = DiscardDiagOutput;
    diag_cfg.colorize = false;
    diag_.reset(fy_diag_create(&diag_cfg));
    if (diag_ == nullptr) {
      status_ = Status::ParseError("YAML: cannot create the libfyaml diagnostics");
      return;
    }
    fy_diag_set_collect_errors(diag_.get(), true);
    fy_parse_cfg cfg{};
    cfg.flags = fy_parse_cfg_flags(FYPCF_QUIET | FYPCF_DEFAULT_VERSION_AUTO | FYPCF_JSON_NONE);
    cfg.diag = diag_.get();
    parser_.reset(fy_parser_create(&cfg));
    if (parser_ == nullptr || fy_parser_set_input_callback(parser_.get(), this, &YamlReader::ReadInput) != 0) {
      status_ = Status::ParseError("YAML: cannot create the libfyaml parser");
    }
  }

  Result<bool> Next(std::string* json, uint64_t* line) override {
    if (!status_.ok()) return status_;
    if (next_item_ < pending_.size()) {
      json->clear();
      WriteJson(pending_[next_item_], json);
      *line = pending_lines_[next_item_];
      FERRY_RETURN_IF_ERROR(CheckUtf8(*json, *line));
      ++next_item_;
      return true;
    }
    while (!done_) {
      Status s = NextDocument();
      // A failed read or invalid UTF-8 looks like the end of the input to
      // libfyaml: whatever it made of the input up to there (a document, the
      // end of the stream or an error) does not count.
      if (!input_error_.ok()) s = input_error_;
      if (!s.ok()) {
        status_ = s;
        return status_;
      }
      if (done_ || !builder_.has_root()) continue;
      const Value& root = builder_.root();
      if (options_.explode_sequences && root.IsArray()) {
        pending_.assign(root.begin(), root.end());
        pending_lines_ = builder_.root_item_lines();
        next_item_ = 0;
        if (pending_.empty()) continue;
        return Next(json, line);
      }
      json->clear();
      WriteJson(root, json);
      *line = builder_.doc_line();
      FERRY_RETURN_IF_ERROR(CheckUtf8(*json, *line));
      return true;
    }
    return false;
  }

 private:
  struct EventDeleter {
    fy_parser* parser;
    void operator()(fy_event* e) const { fy_parser_event_free(parser, e); }
  };
  using EventPtr = std::unique_ptr<fy_event, EventDeleter>;

  // libfyaml's input callback: hands out stage_, refilled from the source
  // with complete UTF-8 characters only. It must never return a negative
  // count (libfyaml 0.7.12 stores it in a size_t): a failed read and invalid
  // UTF-8 are remembered and look like the end of the input.
  static ssize_t ReadInput(void* user, void* buf, size_t count) {
    auto* self = static_cast<YamlReader*>(user);
    while (self->stage_pos_ == self->stage_.size()) {
      if (!self->input_error_.ok() || self->eof_) return 0;
      if (!self->Refill()) return 0;
    }
    const size_t n = std::min(count, self->stage_.size() - self->stage_pos_);
    std::memcpy(buf, self->stage_.data() + self->stage_pos_, n);
    self->stage_pos_ += n;
    return ssize_t(n);
  }

  // False at the end of the input or on an error (input_error_).
  bool Refill() {
    stage_.assign(carry_);
    carry_.clear();
    stage_pos_ = 0;
    const size_t old = stage_.size();
    stage_.resize(old + kChunk);
    Result<size_t> n = in_->Read(stage_.data() + old, kChunk);
    if (!n.ok()) {
      input_error_ = n.status();
      stage_.clear();
      return false;
    }
    stage_.resize(old + *n);
    if (*n == 0) {
      eof_ = true;
      if (!stage_.empty()) input_error_ = utf8_.Error();  // a sequence cut short
      stage_.clear();
      return false;
    }
    bool bad = false;
    const size_t valid = utf8_.Feed(stage_.data(), stage_.size(), &bad);
    if (bad) {
      input_error_ = utf8_.Error();
    } else {
      carry_.assign(stage_, valid, std::string::npos);
    }
    stage_.resize(valid);
    return true;
  }

  // Reads events up to the end of the next document (or of the stream:
  // done_). The document is in builder_.
  Status NextDocument() {
    pending_.clear();
    pending_lines_.clear();
    next_item_ = 0;
    builder_.Reset(0);
    arena_.Reset();
    while (true) {
      EventPtr e(fy_parser_parse(parser_.get()), EventDeleter{parser_.get()});
      if (e == nullptr) {
        if (fy_parser_get_stream_error(parser_.get()) || fy_diag_got_error(diag_.get())) return ParserError();
        done_ = true;  // no STREAM_END seen: treat as the end
        return Status::OK();
      }
      switch (e->type) {
        case FYET_STREAM_END:
          done_ = true;
          return Status::OK();
        case FYET_DOCUMENT_START: {
          const fy_mark* m = e->document_start.implicit ? nullptr : fy_event_start_mark(e.get());
          builder_.Reset(m != nullptr ? uint64_t(m->line) + 1 : 0);
          break;
        }
        case FYET_DOCUMENT_END:
          return Status::OK();
        default:
          FERRY_RETURN_IF_ERROR(builder_.Event(e.get()));
      }
    }
  }

  // The first error libfyaml collected.
  Status ParserError() {
    void* iter = nullptr;
    while (fy_diag_error* err = fy_diag_errors_iterate(diag_.get(), &iter)) {
      if (err->type < FYET_ERROR) continue;
      const std::string msg = err->msg != nullptr ? err->msg : "invalid YAML";
      if (err->line <= 0) return Status::ParseError(msg);
      return Status::ParseError(std::to_string(err->line) + ":" + std::to_string(std::max(err->column, 1)) + ": " +
                                msg);
    }
    return Status::ParseError("invalid YAML");
  }

  // A document must be valid UTF-8 (a check that does not depend on what
  // the parser lets through, e.g. escaped surrogates "\ud800").
  Status CheckUtf8(const std::string& json, uint64_t line) {
    if (IsValidUtf8(json)) return Status::OK();
    status_ = Status::ParseError(std::to_string(line) + ":1: the document holds invalid UTF-8 or a surrogate escape");
    return status_;
  }

  YamlOptions options_;
  static constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<ByteSource> in_;
  Utf8Stream utf8_;
  std::string stage_;   // valid UTF-8 for libfyaml, from stage_pos_ on
  size_t stage_pos_ = 0;
  std::string carry_;   // a character the last read cut short
  bool eof_ = false;    // the source is exhausted
  Status input_error_;  // a failed read or invalid UTF-8
  Arena arena_;
  Builder builder_;
  // parser_ is destroyed before diag_ (declared after it).
  std::unique_ptr<fy_diag, DiagDeleter> diag_;
  std::unique_ptr<fy_parser, ParserDeleter> parser_;
  bool done_ = false;
  Status status_;
  std::vector<Value> pending_;
  std::vector<uint64_t> pending_lines_;
  size_t next_item_ = 0;
};

// ------------------------------------------------------------- writing

// Longest key written as an implicit key (YAML caps those at 1024 chars).
constexpr size_t kMaxImplicitKey = 1000;

// Code points YAML cannot carry raw, or that it reads as line breaks or a
// byte order mark.
bool NeedsEscape(uint32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n';
  if (cp < 0x7F) return false;
  if (cp <= 0x9F) return true;
  return cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

bool IsYaml11Bool(std::string_view s) {
  static const char* const kWords[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                       "on", "On", "ON", "off", "Off", "OFF"};
  for (const char* w : kWords) {
    if (s == w) return true;
  }
  return false;
}

// True when `s` can be written as a plain scalar in block context and reads
// back as the same string.
bool CanBePlain(std::string_view s) {
  if (s.empty() || s.back() == ' ') return false;
  const auto c0 = uint8_t(s[0]);
  const bool first_ok = (c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 == '/' || c0 >= 0x80;
  if (!first_ok) return false;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const uint32_t cp = DecodeUtf8(s, i, &len);
    if (cp < 0x20 || cp == ':' || cp == '#' || NeedsEscape(cp)) return false;
    i += len;
  }
  std::string literal;
  bool b = false;
  return ResolvePlain(s, &literal, &b) == ScalarKind::kString && !IsYaml11Bool(s);
}

void AppendDoubleQuoted(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const uint32_t cp = DecodeUtf8(s, i, &len);
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      case 0x2028:
        out->append("\\L");
        break;
      case 0x2029:
        out->append("\\P");
        break;
      default:
        if (NeedsEscape(cp)) {
          out->append("\\u");
          for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
        } else {
          out->append(s.substr(i, len));
        }
    }
    i += len;
  }
  out->push_back('"');
}

// A literal block (|) carries `s` exactly when it spans lines, has no
// character that needs escaping and no CR, and its first line starts with
// content (so the indentation is detected from it).
bool CanBeLiteral(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  if (s[0] == ' ' || s[0] == '\n' || s[0] == '\t') return false;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const uint32_t cp = DecodeUtf8(s, i, &len);
    if (NeedsEscape(cp) || cp == '\r') return false;
    i += len;
  }
  return true;
}

void Indent(int n, std::string* out) { out->append(size_t(n), ' '); }

// Appends " <scalar>\n" for a string value whose block content, if any, is
// indented by `indent`.
void AppendString(std::string_view s, int indent, std::string* out) {
  if (CanBePlain(s)) {
    out->push_back(' ');
    out->append(s);
    out->push_back('\n');
    return;
  }
  if (!CanBeLiteral(s)) {
    out->push_back(' ');
    AppendDoubleQuoted(s, out);
    out->push_back('\n');
    return;
  }
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  const std::string_view body = s.substr(0, s.size() - trailing);
  out->append(trailing == 0 ? " |-\n" : trailing == 1 ? " |\n" : " |+\n");
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    if (end > start) {
      Indent(indent, out);
      out->append(body.substr(start, end - start));
    }
    out->push_back('\n');
    start = end + 1;
  }
  if (trailing > 1) out->append(trailing - 1, '\n');
}

void AppendKey(std::string_view key, int indent, std::string* out) {
  if (key.size() <= kMaxImplicitKey && CanBePlain(key)) {
    out->append(key);
    out->push_back(':');
    return;
  }
  std::string quoted;
  AppendDoubleQuoted(key, &quoted);
  if (quoted.size() <= kMaxImplicitKey) {
    out->append(quoted);
    out->push_back(':');
    return;
  }
  // Explicit key: no length limit.
  out->append("? ");
  out->append(quoted);
  out->push_back('\n');
  Indent(indent, out);
  out->push_back(':');
}

void AppendNode(const Value& v, int indent, std::string* out);

// The entries of a non-empty container whose first entry continues the
// current line (after "- ") and the others start at `indent`.
void AppendCompact(const Value& v, int indent, std::string* out) {
  bool first = true;
  if (v.IsArray()) {
    for (const Value& item : v) {
      if (!first) Indent(indent, out);
      first = false;
      out->push_back('-');
      if ((item.IsArray() || item.IsObject()) && !item.empty()) {
        out->push_back(' ');
        AppendCompact(item, indent + 2, out);
      } else {
        AppendNode(item, indent + 2, out);
      }
    }
    return;
  }
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    if (!first) Indent(indent, out);
    first = false;
    AppendKey(m->key.AsString(), indent, out);
    AppendNode(m->value, indent + 2, out);
  }
}

// Appends a node after "key:" or "-": " scalar\n", or "\n" and its entries
// at `indent`.
void AppendNode(const Value& v, int indent, std::string* out) {
  switch (v.type()) {
    case JsonType::kNull:
      out->append(" null\n");
      return;
    case JsonType::kBool:
      out->append(v.AsBool() ? " true\n" : " false\n");
      return;
    case JsonType::kNumber:
      out->push_back(' ');
      out->append(v.NumberLiteral());
      out->push_back('\n');
      return;
    case JsonType::kString:
      AppendString(v.AsString(), indent, out);
      return;
    case JsonType::kArray:
    case JsonType::kObject:
      if (v.empty()) {
        out->append(v.IsArray() ? " []\n" : " {}\n");
        return;
      }
      out->push_back('\n');
      Indent(indent, out);
      AppendCompact(v, indent, out);
      return;
  }
}

class YamlWriter : public DocumentWriter {
 public:
  YamlWriter(std::unique_ptr<ByteSink> out, const YamlOptions& options) : out_(std::move(out)) {}

  Status Write(std::string_view json) override {
    arena_.Reset();
    FERRY_ASSIGN_OR_RETURN(Value v, parser_.Parse(json, arena_));
    buf_.assign("---");
    if ((v.IsArray() || v.IsObject()) && !v.empty()) {
      buf_.push_back('\n');
      AppendCompact(v, 0, &buf_);
    } else {
      // A root block scalar is indented so that no content line can look
      // like a document marker.
      AppendNode(v, 2, &buf_);
    }
    return out_->Write(buf_);
  }

  Status Finish() override { return out_->Finish(); }

 private:
  std::unique_ptr<ByteSink> out_;
  Arena arena_;
  JsonParser parser_;
  std::string buf_;
};

}  // namespace

std::unique_ptr<DocumentReader> NewYamlReader(std::unique_ptr<ByteSource> in, const YamlOptions& options) {
  return std::make_unique<YamlReader>(std::move(in), options);
}

std::unique_ptr<DocumentWriter> NewYamlWriter(std::unique_ptr<ByteSink> out, const YamlOptions& options) {
  return std::make_unique<YamlWriter>(std::move(out), options);
}

Status CheckYamlLimits(std::string_view text, const YamlOptions& options) {
  YamlReader reader(NewStringSource(std::string(text)), options);
  std::string json;
  uint64_t line = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool more, reader.Next(&json, &line));
    if (!more) return Status::OK();
  }
}

}  // namespace ferry::internal
