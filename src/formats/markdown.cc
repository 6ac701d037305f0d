// Copyright (c) the Ferry authors.
//
// Markdown writer (markdown.h): one "## title" section per document with its
// fields as a bullet list, escaped so that values never become structure.

#include "formats/markdown.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

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
