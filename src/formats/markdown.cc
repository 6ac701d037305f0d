// Copyright (c) the Ferry authors.
//
// Markdown writer (markdown.h): one "## title" section per document with its
// fields as a bullet list, escaped so that values never become structure.

#include "formats/markdown.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_builder.h"
#include "common/utf8.h"
#include "ferry/json.h"

namespace ferry::internal {
namespace {

constexpr size_t kWriteFlush = 64 * 1024;
constexpr size_t kIndent = 2;  // per nesting level: the width of "- "

// Inline text: backslash-escapes every character that could start inline
// markup or end an ATX heading (#), and turns line breaks into spaces (the
// callers put multi-line strings in fenced blocks instead).
void AppendInline(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '&':
      case '~':
      case '|':
      case '#':
        out->push_back('\\');
        out->push_back(c);
        break;
      case '\r':
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        out->push_back(' ');
        break;
      case '\n':
        out->push_back(' ');
        break;
      default:
        out->push_back(c);
    }
  }
}

bool IsMultiLine(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// A value that fits on the bullet's line.
bool IsInlineScalar(const Value& v) {
  if (v.IsString()) return !IsMultiLine(v.AsString());
  return !v.IsArray() && !v.IsObject();
}

void AppendScalar(const Value& v, std::string* out) {
  switch (v.type()) {
    case JsonType::kNull:
      out->append("*null*");
      return;
    case JsonType::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return;
    case JsonType::kNumber:
      out->append(v.NumberLiteral());
      return;
    case JsonType::kString:
      if (v.AsString().empty()) {
        out->append("*empty*");
      } else {
        AppendInline(v.AsString(), out);
      }
      return;
    case JsonType::kArray:
    case JsonType::kObject:
      return;  // not scalars
  }
}

class MarkdownWriter : public DocumentWriter {
 public:
  MarkdownWriter(std::unique_ptr<ByteSink> out, MarkdownOptions options)
      : out_(std::move(out)), options_(std::move(options)) {}

  Status Write(std::string_view json) override {
    ++records_;
    arena_.Reset();
    Result<Value> doc = parser_.Parse(json, arena_);
    if (!doc.ok()) {
      return Status(doc.status().code(), "record " + std::to_string(records_) + ": " + doc.status().message());
    }
    if (records_ == 1 && !options_.heading.empty()) {
      text_.append("# ");
      AppendInline(options_.heading, &text_);
      text_.append("\n\n");
    } else if (records_ > 1) {
      text_.push_back('\n');
    }
    WriteRecord(*doc);
    return text_.size() >= kWriteFlush ? Flush() : Status::OK();
  }

  Status Finish() override {
    if (records_ == 0 && !options_.heading.empty()) {
      text_.append("# ");
      AppendInline(options_.heading, &text_);
      text_.push_back('\n');
    }
    FERRY_RETURN_IF_ERROR(Flush());
    return out_->Finish();
  }

 private:
  // A value that can title a section: a non-empty string, a number, a boolean.
  static bool IsTitle(const Value* v) {
    if (v == nullptr) return false;
    if (v->IsString()) return !v->AsString().empty();
    return v->IsNumber() || v->IsBool();
  }

  void WriteRecord(const Value& doc) {
    text_.append("## ");
    if (!doc.IsObject()) {
      text_.append("Record " + std::to_string(records_) + "\n\n");
      WriteField("value", doc, 0);
      return;
    }
    const Value* title = nullptr;
    const std::string_view candidates[] = {options_.title_field, "name", options_.key_field};
    for (std::string_view key : candidates) {
      if (IsTitle(doc.Find(key))) {
        title = doc.Find(key);
        break;
      }
    }
    if (title == nullptr) {
      text_.append("Record " + std::to_string(records_));
    } else if (title->IsString()) {
      AppendInline(title->AsString(), &text_);
    } else {
      AppendScalar(*title, &text_);
    }
    text_.push_back('\n');
    bool first = true;
    for (const Member* m = doc.members(); m != doc.members_end(); ++m) {
      // The title member (the last of its name, as Find() sees it) is skipped.
      if (title != nullptr && &m->value == title) continue;
      if (first) text_.push_back('\n');
      first = false;
      WriteField(m->key.AsString(), m->value, 0);
    }
  }

  // "- **name**: value" at nesting `depth`, with nested lines below it.
  void WriteField(std::string_view name, const Value& v, size_t depth) {
    text_.append(depth * kIndent, ' ');
    text_.append("- **");
    if (name.empty()) {
      text_.append("\"\"");
    } else {
      AppendInline(name, &text_);
    }
    text_.append("**:");
    WriteValue(v, depth);
  }

  // The value after "**name**:" (the label is already written).
  void WriteValue(const Value& v, size_t depth) {
    if (IsInlineScalar(v)) {
      text_.push_back(' ');
      AppendScalar(v, &text_);
      text_.push_back('\n');
      return;
    }
    if (v.IsString()) {
      text_.push_back('\n');
      WriteFenced(v.AsString(), (depth + 1) * kIndent);
      return;
    }
    if (v.IsObject()) {
      if (v.empty()) {
        text_.append(" *empty object*\n");
        return;
      }
      text_.push_back('\n');
      for (const Member* m = v.members(); m != v.members_end(); ++m) WriteField(m->key.AsString(), m->value, depth + 1);
      return;
    }
    // An array.
    if (v.empty()) {
      text_.append(" *empty list*\n");
      return;
    }
    if (std::all_of(v.begin(), v.end(), IsInlineScalar)) {
      text_.push_back(' ');
      for (const Value* e = v.begin(); e != v.end(); ++e) {
        if (e != v.begin()) text_.append(", ");
        AppendScalar(*e, &text_);
      }
      text_.push_back('\n');
      return;
    }
    text_.push_back('\n');
    for (size_t i = 0; i < v.size(); ++i) WriteField(std::to_string(i + 1), v[i], depth + 1);
  }

  // `s` verbatim inside a fence of backticks longer than any backtick run in
  // it, every line indented by `indent` (so it stays inside the list item).
  // Line breaks (CRLF, CR, LF) are written as LF.
  void WriteFenced(std::string_view s, size_t indent) {
    size_t longest = 0;
    size_t run = 0;
    for (char c : s) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    const std::string fence(std::max<size_t>(3, longest + 1), '`');
    text_.append(indent, ' ');
    text_.append(fence);
    text_.push_back('\n');
    size_t start = 0;
    for (;;) {
      const size_t end = s.find_first_of("\r\n", start);
      const std::string_view line = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (!line.empty()) text_.append(indent, ' ');
      text_.append(line);
      text_.push_back('\n');
      if (end == std::string_view::npos) break;
      start = end + 1;
      if (s[end] == '\r' && start < s.size() && s[start] == '\n') ++start;
    }
    text_.append(indent, ' ');
    text_.append(fence);
    text_.push_back('\n');
  }

  Status Flush() {
    if (text_.empty()) return Status::OK();
    Status s = out_->Write(text_);
    text_.clear();
    return s;
  }

  std::unique_ptr<ByteSink> out_;
  MarkdownOptions options_;
  uint64_t records_ = 0;
  std::string text_;
  Arena arena_;
  JsonParser parser_;
};

}  // namespace

Result<std::unique_ptr<DocumentWriter>> NewMarkdownWriter(std::unique_ptr<ByteSink> out,
                                                          const MarkdownOptions& options) {
  return std::unique_ptr<DocumentWriter>(std::make_unique<MarkdownWriter>(std::move(out), options));
}

}  // namespace ferry::internal

// ------------------------------------------------------------------ reading

namespace ferry::internal {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

// Reads Ferry's own Markdown (the writer's shape above) back into documents:
// one per "## " section. See markdown.h for what is ambiguous.
class MarkdownReader : public DocumentReader {
 public:
  MarkdownReader(std::unique_ptr<ByteSource> in, MarkdownOptions options)
      : in_(std::move(in)), options_(std::move(options)) {}

  Result<bool> Next(std::string* json, uint64_t* line) override {
    FERRY_RETURN_IF_ERROR(ReadSection());
    if (section_.empty()) return false;
    *line = section_line_;
    ++records_;
    json->clear();
    next_ = 0;
    FERRY_RETURN_IF_ERROR(WriteRecord(json));
    return true;
  }

 private:
  // The next line without its line break into *line; false at the end.
  Result<bool> ReadLine(std::string* line) {
    for (;;) {
      const size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos || eof_) {
        if (pos_ == buf_.size() && eof_) return false;
        const size_t end = nl == std::string::npos ? buf_.size() : nl;
        line->assign(buf_, pos_, end - pos_);
        if (!line->empty() && line->back() == '\r') line->pop_back();
        pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
        if (line_number_++ == 0 && line->compare(0, 3, "\xEF\xBB\xBF") == 0) line->erase(0, 3);
        const size_t bad = FindInvalidUtf8(*line);
        if (bad != std::string::npos) {
          return Status::ParseError(std::to_string(line_number_) + ":" + std::to_string(bad + 1) +
                                    ": not valid UTF-8");
        }
        return true;
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      const size_t old = buf_.size();
      buf_.resize(old + kReadChunk);
      FERRY_ASSIGN_OR_RETURN(size_t n, in_->Read(buf_.data() + old, kReadChunk));
      buf_.resize(old + n);
      eof_ = n == 0;
    }
  }

  static bool IsHeading(std::string_view s) { return s.substr(0, 3) == "## "; }

  // The lines of the next "## " section into section_ (empty at the end):
  // its heading, then every line up to the next heading.
  Status ReadSection() {
    section_.clear();
    if (!pending_.empty()) {
      section_.push_back(std::move(pending_));
      pending_.clear();
      section_line_ = pending_line_;
    }
    std::string line;
    while (true) {
      FERRY_ASSIGN_OR_RETURN(bool more, ReadLine(&line));
      if (!more) return Status::OK();
      if (IsHeading(line) && !section_.empty()) {
        pending_ = std::move(line);
        pending_line_ = line_number_;
        return Status::OK();
      }
      if (IsHeading(line)) {
        section_line_ = line_number_;
      } else if (section_.empty()) {
        // Before the first section: blank lines and the "# heading".
        if (line.empty() || (records_ == 0 && line.compare(0, 2, "# ") == 0)) continue;
        return Status::ParseError(std::to_string(line_number_) + ":1: expected a \"## \" section heading (Ferry "
                                  "reads back the Markdown it writes: one section per record)");
      }
      section_.push_back(std::move(line));
    }
  }

  Status Error(size_t index, size_t column, const std::string& what) const {
    return Status::ParseError(std::to_string(section_line_ + index) + ":" + std::to_string(column) + ": " + what);
  }

  Status WriteRecord(std::string* json) {
    const std::string_view heading = std::string_view(section_[0]).substr(3);
    internal::JsonBuilder j(json);
    j.Begin();
    std::set<std::string> names;
    if (heading != "Record " + std::to_string(records_)) {
      WriteScalar(heading, j.Key(options_.title_field));
      names.insert(options_.title_field);
    }
    next_ = 1;
    while (next_ < section_.size() && section_[next_].empty()) ++next_;
    FERRY_RETURN_IF_ERROR(WriteMembers(0, &names, j));
    while (next_ < section_.size() && section_[next_].empty()) ++next_;
    if (next_ < section_.size()) return Error(next_, 1, "expected a \"- **field**: value\" line");
    j.End();
    return Status::OK();
  }

  // The bullets at `depth` as object members, after the members named in
  // *names.
  Status WriteMembers(size_t depth, std::set<std::string>* names, internal::JsonBuilder& j) {
    const std::string prefix = std::string(depth * kIndent, ' ') + "- **";
    while (next_ < section_.size() && section_[next_].compare(0, prefix.size(), prefix) == 0) {
      std::string name;
      std::string_view rest;
      FERRY_RETURN_IF_ERROR(ReadLabel(prefix.size(), &name, &rest));
      if (!names->insert(name).second) {
        return Error(next_ - 1, prefix.size() + 1, "duplicate field name \"" + name + "\"");
      }
      FERRY_RETURN_IF_ERROR(WriteValue(rest, depth, j.Key(name)));
    }
    return Status::OK();
  }

  // The field name of the bullet at next_ (from `start`, up to the
  // unescaped "**:") and what follows it; advances next_.
  Status ReadLabel(size_t start, std::string* name, std::string_view* rest) {
    const std::string_view line = section_[next_];
    size_t i = start;
    for (; i < line.size() && line[i] != '*'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) ++i;
      name->push_back(line[i]);
    }
    if (line.substr(i, 3) != "**:") return Error(next_, i + 1, "expected \"**:\" after the field name");
    if (*name == "\"\"" && line.substr(start, 2) == "\"\"") name->clear();
    *rest = line.substr(i + 3);
    ++next_;
    return Status::OK();
  }

  // A bullet's value: inline after "**:", or the lines below it.
  Status WriteValue(std::string_view rest, size_t depth, internal::JsonBuilder& j) {
    if (!rest.empty()) {
      if (rest[0] != ' ') return Error(next_ - 1, 1, "expected a space after \"**:\"");
      WriteInline(rest.substr(1), j);
      return Status::OK();
    }
    const std::string indent((depth + 1) * kIndent, ' ');
    if (next_ < section_.size() && section_[next_].compare(0, indent.size() + 3, indent + "```") == 0) {
      return WriteFenced(indent, j);
    }
    if (next_ >= section_.size() || section_[next_].compare(0, indent.size() + 4, indent + "- **") != 0) {
      return Error(next_ - 1, 1, "a field without a value (expected nested bullets or a fenced block below it)");
    }
    // Nested bullets: an array when labelled 1, 2, ... in order, else an object.
    const size_t start = next_;
    internal::JsonBuilder members;
    std::set<std::string> names;
    FERRY_RETURN_IF_ERROR(WriteMembers(depth + 1, &names, members.Begin()));
    members.End();
    if (IsNumberedList(start, depth + 1)) {
      next_ = start;
      j.BeginArray();
      const std::string prefix = indent + "- **";
      while (next_ < section_.size() && section_[next_].compare(0, prefix.size(), prefix) == 0) {
        std::string name;
        std::string_view item_rest;
        FERRY_RETURN_IF_ERROR(ReadLabel(prefix.size(), &name, &item_rest));
        FERRY_RETURN_IF_ERROR(WriteValue(item_rest, depth + 1, j));
      }
      j.EndArray();
      return Status::OK();
    }
    j.Json(members.text());
    return Status::OK();
  }

  // True when the bullets at `depth` from `start` are labelled 1, 2, ...
  bool IsNumberedList(size_t start, size_t depth) const {
    const std::string prefix = std::string(depth * kIndent, ' ') + "- **";
    size_t n = 0;
    for (size_t i = start; i < next_; ++i) {
      if (section_[i].compare(0, prefix.size(), prefix) != 0) continue;
      const std::string label = std::to_string(++n) + "**:";
      if (section_[i].compare(prefix.size(), label.size(), label) != 0) return false;
    }
    return n > 0;
  }

  // A fenced block at `indent`: its lines verbatim, joined with LF.
  Status WriteFenced(const std::string& indent, internal::JsonBuilder& j) {
    const size_t open = next_++;
    const std::string_view opening = std::string_view(section_[open]).substr(indent.size());
    const std::string_view fence = opening.substr(0, opening.find_first_not_of('`'));
    if (opening != fence) return Error(open, indent.size() + 1, "unexpected text after the opening fence");
    std::string text;
    for (bool first = true;; first = false) {
      if (next_ >= section_.size()) return Error(open, indent.size() + 1, "fenced block is not closed");
      const std::string_view line = section_[next_++];
      if (line.size() == indent.size() + fence.size() && line.substr(0, indent.size()) == indent &&
          line.substr(indent.size()) == fence) {
        break;
      }
      if (!first) text.push_back('\n');
      text.append(line.substr(0, indent.size()) == indent ? line.substr(indent.size()) : line);
    }
    j.Str(text);
    return Status::OK();
  }

  // An inline value: the writer's markers, a comma-joined list, a scalar.
  static void WriteInline(std::string_view s, internal::JsonBuilder& j) {
    if (s == "*empty list*" || s == "*empty object*") {
      j.Json(s == "*empty list*" ? "[]" : "{}");
      return;
    }
    std::vector<std::string_view> items;
    size_t start = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] == '\\') {
        ++i;
      } else if (s[i] == ',' && s[i + 1] == ' ') {
        items.push_back(s.substr(start, i - start));
        start = i + 2;
        ++i;
      }
    }
    if (items.empty()) {
      WriteScalar(s, j);
      return;
    }
    items.push_back(s.substr(start));
    j.BeginArray();
    for (std::string_view item : items) WriteScalar(item, j);
    j.EndArray();
  }

  static void WriteScalar(std::string_view s, internal::JsonBuilder& j) {
    if (s == "*null*" || s == "*empty*") {
      j.Json(s == "*null*" ? "null" : "\"\"");
      return;
    }
    if (s == "true" || s == "false" || IsJsonNumberLiteral(s)) {
      j.Json(s);
      return;
    }
    std::string text;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      text.push_back(s[i]);
    }
    j.Str(text);
  }

  std::unique_ptr<ByteSource> in_;
  MarkdownOptions options_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t records_ = 0;
  std::vector<std::string> section_;
  uint64_t section_line_ = 0;
  std::string pending_;
  uint64_t pending_line_ = 0;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<DocumentReader> NewMarkdownReader(std::unique_ptr<ByteSource> in, const MarkdownOptions& options) {
  return std::make_unique<MarkdownReader>(std::move(in), options);
}

}  // namespace ferry::internal
