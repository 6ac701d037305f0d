// Copyright (c) the Ferry authors.
//
// YAML reader and writer (yaml.h). The reader drives yaml-cpp's event parser
// one document at a time over a std::streambuf that pulls from the
// ByteSource, and builds Ferry Values from the events itself: that is where
// the core schema, key checks, alias caps and the depth cap live. The writer
// is hand-written (not YAML::Emitter) so that the quoting rules are exactly
// the reader's resolution rules.

#include "formats/yaml.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <istream>
#include <streambuf>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ferry/json.h"
#include "formats/utf8.h"

namespace ferry::internal {
namespace {

// ------------------------------------------------------- core schema

enum class ScalarKind { kNull, kBool, kNumber, kNonFinite, kString };

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool AllOf(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Longest octal/hex digit string converted (the conversion is quadratic).
constexpr size_t kMaxRadixDigits = 4096;

// `digits` in base 8 or 16 as a decimal string.
std::string RadixToDecimal(std::string_view digits, int base) {
  std::vector<uint8_t> dec{0};  // little-endian decimal digits
  for (char c : digits) {
    int d = IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
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
    if (!AllOf(digits, hex ? IsHex : IsOctal) || digits.size() > kMaxRadixDigits) return ScalarKind::kString;
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

// Where document markers are, by 0-based line: '-' a "---" line, '.' a
// "..." line, 'x' a "..." line followed by content (invalid YAML). YAML
// forbids both markers at the start of a line inside any scalar, so finding
// them in the bytes is exact; the reader uses them to catch what yaml-cpp
// 0.7 accepts wrongly (a second document without "---", content after
// "...") and to drop the empty document it reports for a lone "...".
class MarkerScanner {
 public:
  void Scan(const char* p, size_t n) {
    if (disabled_) return;
    for (size_t i = 0; i < n; ++i) Byte(p[i]);
  }
  void End() {
    if (!disabled_) EndLine();
  }
  // 0 when `line` has no marker.
  char At(int line) const {
    auto it = markers_.find(line);
    return it == markers_.end() ? 0 : it->second;
  }
  // The first line in [from, to] with marker `kind`, or -1.
  int Find(char kind, int from, int to) const {
    for (auto it = markers_.lower_bound(from); it != markers_.end() && it->first <= to; ++it) {
      if (it->second == kind) return it->first;
    }
    return -1;
  }
  void ForgetBefore(int line) { markers_.erase(markers_.begin(), markers_.lower_bound(line)); }

 private:
  void Byte(char c) {
    if (total_ < 2 && (c == 0 || uint8_t(c) == 0xFE || uint8_t(c) == 0xFF)) {
      // UTF-16 or UTF-32 (yaml-cpp converts it): the byte scan would not see
      // the markers; leave the checks off.
      disabled_ = true;
      markers_.clear();
      return;
    }
    ++total_;
    if (c == '\n') {
      EndLine();
      ++line_;
      col_ = 0;
      return;
    }
    if (col_ < 3) {
      head_[col_] = c;
    } else if (col_ == 3) {
      Classify(&c);
    } else if (dots_ && !comment_ && c != ' ' && c != '\t' && c != '\r') {
      if (c == '#' && prev_space_) {
        comment_ = true;
      } else {
        markers_[line_] = 'x';
        dots_ = false;
      }
    }
    prev_space_ = c == ' ' || c == '\t';
    ++col_;
  }
  // At the 4th byte of a line (or the end of a 3-byte line: c null).
  void Classify(const char* c) {
    const bool sep = c == nullptr || *c == ' ' || *c == '\t' || *c == '\r';
    dots_ = false;
    comment_ = false;
    if (!sep) return;
    if (std::memcmp(head_, "---", 3) == 0) markers_[line_] = '-';
    if (std::memcmp(head_, "...", 3) == 0) {
      markers_[line_] = '.';
      dots_ = true;
    }
  }
  void EndLine() {
    if (col_ == 3) Classify(nullptr);
    dots_ = false;
    comment_ = false;
  }

  std::map<int, char> markers_;
  bool disabled_ = false;
  size_t total_ = 0;
  int line_ = 0;
  size_t col_ = 0;
  char head_[3] = {0, 0, 0};
  bool dots_ = false;     // on a "..." line, content not seen yet
  bool comment_ = false;  // on a "..." line, inside its comment
  bool prev_space_ = false;
};

// A std::streambuf over a ByteSource; remembers the source's error (yaml-cpp
// only sees the end of the input) and scans for document markers.
class SourceBuf : public std::streambuf {
 public:
  explicit SourceBuf(std::unique_ptr<ByteSource> in) : in_(std::move(in)), buf_(kChunk) {}
  const Status& status() const { return status_; }
  MarkerScanner& markers() { return markers_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!status_.ok() || eof_) return traits_type::eof();
    Result<size_t> n = in_->Read(buf_.data(), buf_.size());
    if (!n.ok()) {
      status_ = n.status();
      return traits_type::eof();
    }
    if (*n == 0) {
      eof_ = true;
      markers_.End();
      return traits_type::eof();
    }
    markers_.Scan(buf_.data(), *n);
    setg(buf_.data(), buf_.data(), buf_.data() + *n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<ByteSource> in_;
  std::vector<char> buf_;
  Status status_;
  bool eof_ = false;
  MarkerScanner markers_;
};

const char kTagStr[] = "tag:yaml.org,2002:str";
const char kTagNull[] = "tag:yaml.org,2002:null";
const char kTagBool[] = "tag:yaml.org,2002:bool";
const char kTagInt[] = "tag:yaml.org,2002:int";
const char kTagFloat[] = "tag:yaml.org,2002:float";

[[noreturn]] void Fail(const YAML::Mark& mark, const std::string& msg) { throw YAML::ParserException(mark, msg); }

// Builds one document's Value from yaml-cpp's events. Errors are thrown as
// YAML::ParserException so that they stop yaml-cpp's parse at once.
class Builder : public YAML::EventHandler {
 public:
  Builder(const YamlOptions& options, Arena* arena, MarkerScanner* markers)
      : options_(options), arena_(arena), markers_(markers) {}

  void Reset() {
    stack_.clear();
    anchors_.clear();
    expansion_ = 0;
    has_root_ = false;
    root_ = Value();
    root_item_lines_.clear();
    doc_line_ = 0;
    skip_ = false;
  }
  // The document was only a "..." (yaml-cpp reports an empty one).
  bool skip() const { return skip_; }
  // Checks the markers up to `line` (the end of the input: INT_MAX).
  void CheckDotsLines(int line) const {
    const int bad = markers_->Find('x', 0, line);
    if (bad < 0) return;
    YAML::Mark at;
    at.line = bad;
    at.column = 3;
    Fail(at, "content after the document end marker '...'");
  }
  bool has_root() const { return has_root_; }
  const Value& root() const { return root_; }
  uint64_t doc_line() const { return doc_line_; }
  const std::vector<uint64_t>& root_item_lines() const { return root_item_lines_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    doc_line_ = uint64_t(std::max(mark.line, 0)) + 1;
    CheckDotsLines(mark.line);
    const char marker = mark.column == 0 ? markers_->At(mark.line) : 0;
    if (marker == '.') {
      skip_ = true;
    } else if (marker != '-' && documents_ > 0 && markers_->Find('.', prev_line_ + 1, mark.line) < 0) {
      Fail(mark, "a new document must start with '---' (or follow '...'): is this line mis-indented?");
    }
    ++documents_;
    prev_line_ = mark.line;
    markers_->ForgetBefore(mark.line);
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (ExpectingKey()) return SetKey(mark, "null", anchor, Value());
    Add(mark, Value(), 4, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) Fail(mark, "unknown alias");
    expansion_ += it->second.size;
    if (expansion_ > options_.max_alias_expansion) {
      Fail(mark, "aliases expand to more than " + std::to_string(options_.max_alias_expansion) +
                     " bytes (max_alias_expansion)");
    }
    const Value v = it->second.value;
    if (ExpectingKey()) {
      if (v.IsArray() || v.IsObject()) Fail(mark, "a mapping key must be a scalar");
      return SetKey(mark, KeyText(v), 0, v);
    }
    Add(mark, v, it->second.size, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    std::string literal;
    bool b = false;
    Value v;
    if (tag == "?") {
      v = FromPlain(mark, text, /*keep_non_finite=*/ExpectingKey());
    } else if (tag == kTagNull) {
      if (!IsNullText(text)) Fail(mark, "!!null scalar is not null");
      v = Value();
    } else if (tag == kTagBool) {
      if (ResolvePlain(text, &literal, &b) != ScalarKind::kBool) Fail(mark, "!!bool scalar is not a boolean");
      v = Value::Bool(b);
    } else if (tag == kTagInt || tag == kTagFloat) {
      const ScalarKind kind = text.empty() ? ScalarKind::kString : ResolvePlain(text, &literal, &b);
      if (kind != ScalarKind::kNumber && kind != ScalarKind::kNonFinite) {
        Fail(mark, tag == kTagInt ? "!!int scalar is not an integer" : "!!float scalar is not a number");
      }
      v = FromPlain(mark, text, ExpectingKey());
    } else {
      // "!" (quoted or block scalars), !!str, and tags Ferry has no type for.
      v = Value::String(text, *arena_);
    }
    if (ExpectingKey()) return SetKey(mark, KeyText(v), anchor, v);
    Add(mark, v, text.size() + 2, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Push(mark, Value::Array(*arena_), anchor);
  }
  void OnSequenceEnd() override { Pop(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Push(mark, Value::Object(*arena_), anchor);
  }
  void OnMapEnd() override { Pop(); }

 private:
  struct Anchored {
    Value value;
    size_t size;
  };
  struct Frame {
    Value value;
    YAML::Mark mark;
    YAML::anchor_t anchor = 0;
    size_t size = 2;
    // Mappings: the key read, waiting for its value.
    bool has_key = false;
    std::string_view key;
    std::unordered_set<std::string_view> keys;
  };

  bool ExpectingKey() const { return !stack_.empty() && stack_.back().value.IsObject() && !stack_.back().has_key; }

  Value FromPlain(const YAML::Mark& mark, const std::string& text, bool keep_non_finite) {
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
          Fail(mark, "'" + text + "' has no JSON form (set non_finite_as_string to read it as a string)");
        }
        return Value::String(text, *arena_);
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

  void SetKey(const YAML::Mark& mark, const std::string& key, YAML::anchor_t anchor, const Value& v) {
    Frame& f = stack_.back();
    const std::string_view stored = arena_->CopyString(key);
    if (!f.keys.insert(stored).second) Fail(mark, "duplicate key \"" + key + "\"");
    f.key = stored;
    f.has_key = true;
    f.size += key.size() + 3;
    if (anchor != 0) anchors_[anchor] = {v, key.size() + 2};
  }

  void Push(const YAML::Mark& mark, Value v, YAML::anchor_t anchor) {
    if (ExpectingKey()) Fail(mark, "a mapping key must be a scalar (Ferry reads JSON: keys are strings)");
    if (stack_.size() >= options_.max_depth) {
      Fail(mark, "nesting deeper than " + std::to_string(options_.max_depth) + " levels (max_depth)");
    }
    Frame& f = stack_.emplace_back();
    f.value = v;
    f.mark = mark;
    f.anchor = anchor;
  }

  void Pop() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Add(f.mark, f.value, f.size, f.anchor);
  }

  void Add(const YAML::Mark& mark, const Value& v, size_t size, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = {v, size};
    if (stack_.empty()) {
      root_ = v;
      has_root_ = true;
      return;
    }
    Frame& f = stack_.back();
    f.size += size + 1;
    if (f.value.IsArray()) {
      f.value.Append(v, *arena_);
      if (stack_.size() == 1) root_item_lines_.push_back(uint64_t(std::max(mark.line, 0)) + 1);
      return;
    }
    f.value.InsertMemberAt(f.value.size(), f.key, v, *arena_);
    f.has_key = false;
  }

  const YamlOptions& options_;
  Arena* arena_;
  MarkerScanner* markers_;
  int documents_ = 0;
  int prev_line_ = 0;
  bool skip_ = false;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  size_t expansion_ = 0;
  bool has_root_ = false;
  Value root_;
  std::vector<uint64_t> root_item_lines_;
  uint64_t doc_line_ = 0;
};

Status ParseErrorAt(const YAML::Mark& mark, const std::string& msg) {
  if (mark.is_null()) return Status::ParseError(msg);
  return Status::ParseError(std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " + msg);
}

class YamlReader : public DocumentReader {
 public:
  YamlReader(std::unique_ptr<ByteSource> in, const YamlOptions& options)
      : options_(options), buf_(std::move(in)), stream_(&buf_), builder_(options_, &arena_, &buf_.markers()) {}

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
    while (true) {
      if (done_) return false;
      pending_.clear();
      pending_lines_.clear();
      next_item_ = 0;
      builder_.Reset();
      arena_.Reset();
      try {
        if (!started_) {
          parser_.Load(stream_);
          started_ = true;
        }
        if (!parser_.HandleNextDocument(builder_)) {
          done_ = true;
          builder_.CheckDotsLines(INT_MAX);
        }
      } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp's own guard (about 500 levels of nesting) fires before
        // max_depth can; its message is not helpful.
        status_ = ParseErrorAt(e.mark, "nesting too deep for the YAML parser");
      } catch (const YAML::Exception& e) {
        status_ = ParseErrorAt(e.mark, e.msg);
      } catch (const std::exception& e) {
        status_ = Status::ParseError(std::string("YAML: ") + e.what());
      }
      // A failed read looks like the end of the input to yaml-cpp.
      if (!buf_.status().ok()) status_ = buf_.status();
      if (!status_.ok()) return status_;
      if (done_ || !builder_.has_root() || builder_.skip()) continue;
      const Value& root = builder_.root();
      if (options_.explode_sequences && root.IsArray()) {
        pending_.assign(root.begin(), root.end());
        pending_lines_ = builder_.root_item_lines();
        if (pending_.empty()) continue;
        return Next(json, line);
      }
      json->clear();
      WriteJson(root, json);
      *line = builder_.doc_line();
      FERRY_RETURN_IF_ERROR(CheckUtf8(*json, *line));
      return true;
    }
  }

 private:
  // yaml-cpp passes invalid bytes through and encodes escaped surrogates
  // ("\ud800"); a document must be valid UTF-8.
  Status CheckUtf8(const std::string& json, uint64_t line) {
    if (FindInvalidUtf8(json) == std::string_view::npos) return Status::OK();
    status_ = Status::ParseError(std::to_string(line) + ":1: the document holds invalid UTF-8 or a surrogate escape");
    return status_;
  }

  YamlOptions options_;
  SourceBuf buf_;
  std::istream stream_;
  Arena arena_;
  Builder builder_;
  YAML::Parser parser_;
  bool started_ = false;
  bool done_ = false;
  Status status_;
  std::vector<Value> pending_;
  std::vector<uint64_t> pending_lines_;
  size_t next_item_ = 0;
};

// ------------------------------------------------------------- writing

// Longest key written as an implicit key (YAML caps those at 1024 chars).
constexpr size_t kMaxImplicitKey = 1000;

// Decodes the UTF-8 sequence at s[i] (valid: the text came from the JSON
// parser); stores its length.
uint32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  const auto c = uint8_t(s[i]);
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  n = std::min(n, s.size() - i);
  uint32_t cp = c & (0x3F >> (n - 1));
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (uint8_t(s[i + k]) & 0x3F);
  *len = n;
  return cp;
}

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

}  // namespace ferry::internal
