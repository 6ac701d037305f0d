// Copyright (c) the Ferry authors.
//
// CSV reader and writer (csv.h). The reader is a hand-written RFC 4180
// state machine rather than a library: it has to stream from a ByteSource in
// chunks and report exact LINE:COLUMN positions, Debian's libcsv is a C
// callback API with neither positions nor a notion of records we could pause
// between, and libfccp (fast-cpp-csv-parser) reports errors by exception and
// needs a fixed column count at compile time.

#include "formats/csv.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/utf8.h"
#include "ferry/json.h"

namespace ferry::internal {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kWriteFlush = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string Pos(uint64_t line, uint64_t column) { return std::to_string(line) + ":" + std::to_string(column); }

bool LooksLikeContainer(std::string_view s) {
  if (s.size() < 2) return false;
  const char first = s.front();
  const char last = s.back();
  return (first == '[' || first == '{') && (last == ']' || last == '}');
}

// The reader's rule for a container: parses as JSON and is an array or
// object. Fills *out (in `arena`) when given.
bool ParseContainer(std::string_view s, JsonParser& parser, Arena& arena, Value* out) {
  if (!LooksLikeContainer(s)) return false;
  Result<Value> v = parser.Parse(s, arena);
  if (!v.ok() || !(v->IsArray() || v->IsObject())) return false;
  if (out != nullptr) *out = *v;
  return true;
}

// Characters that force CSV quoting on their own.
bool HasSpecial(std::string_view s, char delimiter, char quote) {
  for (char c : s) {
    if (c == delimiter || c == quote || c == '\n' || c == '\r') return true;
  }
  return false;
}

Status CheckOptions(const CsvOptions& o) {
  if (o.delimiter == o.quote) return Status::InvalidArgument("CSV delimiter and quote must differ");
  for (char c : {o.delimiter, o.quote}) {
    if (c == '\n' || c == '\r') return Status::InvalidArgument("CSV delimiter and quote cannot be a line break");
  }
  return Status::OK();
}

// ------------------------------------------------------------------ reader

struct Column {
  std::string name;
  std::vector<std::string_view> path;  // into `name`; one element when literal
};

class CsvReader : public DocumentReader {
 public:
  CsvReader(std::unique_ptr<ByteSource> in, const CsvOptions& options)
      : in_(std::move(in)),
        options_(options),
        fixed_columns_(options.header || !options.columns.empty()),
        buf_(kReadChunk, '\0') {}

  const std::string& record_error() const override { return record_error_; }

  Result<bool> Next(std::string* json, uint64_t* line) override {
    if (!started_) {
      started_ = true;
      FERRY_RETURN_IF_ERROR(Start());
    }
    FERRY_ASSIGN_OR_RETURN(bool got, ReadRecord());
    if (!got) return false;
    if (record_error_.empty() && fixed_columns_ && fields_.size() > columns_.size()) {
      record_error_ = Pos(extra_line_, extra_column_) + ": record has " + std::to_string(fields_.size()) +
                      " fields, the header has " + std::to_string(columns_.size());
    }
    if (!record_error_.empty()) {  // malformed: hand out its raw text
      RawRecord(json);
      *line = record_line_;
      return true;
    }
    if (columns_.size() < fields_.size()) {  // no header, no columns given
      while (columns_.size() < fields_.size()) AddColumn(std::to_string(columns_.size() + 1));
      // Paths are views into the names, which the vector may have moved.
      FERRY_RETURN_IF_ERROR(ResolvePaths());
    }
    *line = record_line_;
    return Build(json);
  }

 private:
  struct Field {
    std::string text;
    bool quoted = false;
    uint64_t line = 0;
    uint64_t column = 0;
  };

  // Skips the byte order mark and reads the header.
  Status Start() {
    // Enough bytes to see a byte order mark, however little each Read gives.
    while (end_ < kBom.size() && !eof_) {
      FERRY_ASSIGN_OR_RETURN(size_t n, in_->Read(buf_.data() + end_, buf_.size() - end_));
      if (n == 0) eof_ = true;
      end_ += n;
    }
    if (end_ >= kBom.size() && std::string_view(buf_.data(), kBom.size()) == kBom) pos_ = kBom.size();
    if (!options_.header) {
      std::unordered_set<std::string_view> seen;
      for (const std::string& c : options_.columns) {
        if (!seen.insert(c).second) return Status::InvalidArgument("duplicate CSV column \"" + c + "\"");
        AddColumn(c);
      }
      return ResolvePaths();
    }
    FERRY_ASSIGN_OR_RETURN(bool got, ReadRecord());
    if (!got) return Status::OK();  // empty input: no documents
    if (!record_error_.empty()) return Status::ParseError(record_error_ + " (in the header)");
    std::unordered_set<std::string_view> seen;
    for (const Field& f : fields_) {
      FERRY_RETURN_IF_ERROR(CheckUtf8(f));
      AddColumn(f.text);
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (!seen.insert(columns_[i].name).second) {
        return Status::ParseError(Pos(fields_[i].line, fields_[i].column) + ": duplicate column name \"" +
                                  columns_[i].name + "\"");
      }
    }
    return ResolvePaths();
  }

  void AddColumn(std::string name) {
    columns_.push_back(Column{std::move(name), {}});
    Column& c = columns_.back();
    c.path.assign(1, c.name);
  }

  // Splits dotted names into paths, except where one column's path is a
  // prefix of another's: those stay literal keys.
  Status ResolvePaths() {
    std::unordered_map<std::string_view, size_t> by_name;
    for (size_t i = 0; i < columns_.size(); ++i) by_name.emplace(columns_[i].name, i);
    std::vector<bool> literal(columns_.size(), false);
    for (size_t i = 0; i < columns_.size(); ++i) {
      const std::string& name = columns_[i].name;
      for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
        auto it = by_name.find(std::string_view(name).substr(0, dot));
        if (it != by_name.end()) {
          literal[i] = true;
          literal[it->second] = true;
        }
      }
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      Column& c = columns_[i];
      c.path.clear();
      std::string_view name = c.name;
      if (literal[i]) {
        c.path.push_back(name);
        continue;
      }
      size_t start = 0;
      for (;;) {
        const size_t dot = name.find('.', start);
        if (dot == std::string_view::npos) {
          c.path.push_back(name.substr(start));
          break;
        }
        c.path.push_back(name.substr(start, dot - start));
        start = dot + 1;
      }
    }
    return Status::OK();
  }

  // Makes bytes available; false at the end of the input.
  Result<bool> Fill() {
    if (pos_ < end_) return true;
    if (eof_) return false;
    // The current record's bytes so far, before the buffer is reused.
    raw_.append(buf_.data() + raw_start_, end_ - raw_start_);
    raw_start_ = 0;
    FERRY_ASSIGN_OR_RETURN(size_t n, in_->Read(buf_.data(), buf_.size()));
    pos_ = 0;
    end_ = n;
    if (n == 0) eof_ = true;
    return n != 0;
  }

  // Consumes one byte (REQUIRES: Fill() returned true), keeping the position:
  // line_/column_ become those of the byte consumed.
  char Take() {
    const char c = buf_[pos_++];
    if (c == '\n') {
      if (!after_cr_) NewLine();
      after_cr_ = false;
      return c;
    }
    after_cr_ = c == '\r';
    if (after_cr_) {
      NewLine();
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
    return c;
  }
  void NewLine() {
    ++line_;
    column_ = 0;
  }

  Field& StartField() {
    Field& f = PushField();
    if (nfields_ == 1) record_line_ = f.line;
    if (nfields_ == columns_.size() + 1) {
      extra_line_ = f.line;
      extra_column_ = f.column;
    }
    return f;
  }

  Field& PushField() {
    if (nfields_ == fields_.size()) fields_.emplace_back();
    Field& f = fields_[nfields_++];
    f.text.clear();
    f.quoted = false;
    // The field starts at the next character.
    f.line = line_;
    f.column = column_ + 1;
    return f;
  }

  // Reads one record into fields_ (resized to its field count), skipping
  // empty lines. False at the end of the input.
  Result<bool> ReadRecord() {
    enum State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
    nfields_ = 0;
    record_error_.clear();
    raw_.clear();
    raw_start_ = pos_;
    State state = kFieldStart;
    Field* f = nullptr;
    uint64_t quote_line = 0;
    uint64_t quote_column = 0;
    for (;;) {
      FERRY_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) {
        if (state == kQuoted) {
          return Status::ParseError(Pos(quote_line, quote_column) + ": quoted field is not terminated");
        }
        if (f == nullptr && nfields_ == 0) {
          fields_.resize(0);
          return false;
        }
        if (f == nullptr) StartField();  // "a," at the end: a last empty field
        break;
      }
      if (state == kFieldStart && f == nullptr) f = &StartField();
      const char c = Take();
      if (state == kFieldStart) {
        if (c == options_.quote) {
          f->quoted = true;
          quote_line = line_;
          quote_column = column_;
          state = kQuoted;
        } else if (c == options_.delimiter) {
          f = nullptr;
        } else if (c == '\n' || c == '\r') {
          if (nfields_ == 1) {  // an empty line: skip it
            nfields_ = 0;
            f = nullptr;
            FERRY_RETURN_IF_ERROR(SkipLfAfterCr(c));
            raw_.clear();
            raw_start_ = pos_;
            continue;
          }
          FERRY_RETURN_IF_ERROR(SkipLfAfterCr(c));
          break;
        } else {
          f->text.push_back(c);
          state = kUnquoted;
        }
      } else if (state == kUnquoted) {
        if (c == options_.delimiter) {
          f = nullptr;
          state = kFieldStart;
        } else if (c == '\n' || c == '\r') {
          FERRY_RETURN_IF_ERROR(SkipLfAfterCr(c));
          break;
        } else if (c == options_.quote) {
          record_error_ = Pos(line_, column_) +
                          ": quote inside an unquoted field (quote the whole field and double the quote)";
          FERRY_RETURN_IF_ERROR(SkipToLineEnd());
          break;
        } else {
          f->text.push_back(c);
        }
      } else if (state == kQuoted) {
        if (c == options_.quote) {
          state = kQuoteInQuoted;
        } else {
          f->text.push_back(c);
        }
      } else {  // kQuoteInQuoted
        if (c == options_.quote) {
          f->text.push_back(c);
          state = kQuoted;
        } else if (c == options_.delimiter) {
          f = nullptr;
          state = kFieldStart;
        } else if (c == '\n' || c == '\r') {
          FERRY_RETURN_IF_ERROR(SkipLfAfterCr(c));
          break;
        } else {
          record_error_ = Pos(line_, column_) + ": unexpected character after a closing quote";
          FERRY_RETURN_IF_ERROR(SkipToLineEnd());
          break;
        }
      }
    }
    fields_.resize(nfields_);
    return true;
  }

  // Resynchronises after a malformed record: consumes up to and including
  // the next line break (or to the end of the input).
  Status SkipToLineEnd() {
    for (;;) {
      FERRY_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Status::OK();
      const char c = Take();
      if (c == '\n' || c == '\r') return SkipLfAfterCr(c);
    }
  }

  // The current record's raw text without its line break.
  void RawRecord(std::string* out) const {
    out->assign(raw_);
    out->append(buf_.data() + raw_start_, pos_ - raw_start_);
    while (!out->empty() && (out->back() == '\n' || out->back() == '\r')) out->pop_back();
  }

  // After a CR that ends a record, a following LF belongs to it.
  Status SkipLfAfterCr(char c) {
    if (c != '\r') return Status::OK();
    FERRY_ASSIGN_OR_RETURN(bool more, Fill());
    if (more && buf_[pos_] == '\n') Take();
    return Status::OK();
  }

  Status CheckUtf8(const Field& f) const {
    if (IsValidUtf8(f.text)) return Status::OK();
    return Status::ParseError(Pos(f.line, f.column) + ": field is not valid UTF-8");
  }

  Result<bool> Build(std::string* json) {
    arena_.Reset();
    Value root = Value::Object(arena_, static_cast<uint32_t>(fields_.size()));
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Field& f = fields_[i];
      FERRY_RETURN_IF_ERROR(CheckUtf8(f));
      const Column& col = columns_[i];
      Value v = Convert(f);
      Value* obj = &root;
      for (size_t k = 0; k + 1 < col.path.size(); ++k) {
        Value* next = obj->Find(col.path[k]);
        if (next == nullptr) next = obj->Set(col.path[k], Value::Object(arena_), arena_);
        obj = next;
      }
      obj->Set(col.path.back(), v, arena_);
    }
    json->clear();
    WriteJson(root, json);
    return true;
  }

  Value Convert(const Field& f) {
    const std::string& s = f.text;
    if (options_.types == CsvOptions::kStrings) return Value::StringView(s);  // kSchema reads as kInfer
    if (!f.quoted) {
      if (s.empty() || s == "null") return Value::Null();
      if (s == "true") return Value::Bool(true);
      if (s == "false") return Value::Bool(false);
      if (IsJsonNumberLiteral(s)) return Value::NumberLiteral(s);
    }
    Value v;
    if ((!f.quoted || HasSpecial(s, options_.delimiter, options_.quote)) && ParseContainer(s, parser_, arena_, &v)) {
      return v;
    }
    return Value::StringView(s);
  }

  std::unique_ptr<ByteSource> in_;
  CsvOptions options_;
  // More fields than columns is an error (else extra columns are numbered).
  bool fixed_columns_;
  std::string buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  bool after_cr_ = false;
  uint64_t line_ = 1;
  uint64_t column_ = 0;
  uint64_t record_line_ = 0;
  uint64_t extra_line_ = 0;
  uint64_t extra_column_ = 0;
  std::vector<Column> columns_;
  std::vector<Field> fields_;
  size_t nfields_ = 0;
  // The current record's raw bytes: raw_ (from earlier buffers), then
  // buf_[raw_start_, pos_).
  std::string raw_;
  size_t raw_start_ = 0;
  std::string record_error_;  // the last record is malformed: what is wrong
  Arena arena_;
  JsonParser parser_;
};

// ------------------------------------------------------------------ writer

class CsvWriter : public DocumentWriter {
 public:
  CsvWriter(std::unique_ptr<ByteSink> out, const CsvOptions& options)
      : out_(std::move(out)), options_(options), newline_(options.crlf ? "\r\n" : "\n") {
    for (const std::string& c : options_.columns) AddColumn(c);
    buffering_ = options_.columns.empty();
    selecting_ = !options_.columns.empty();
  }

  Status Write(std::string_view json) override {
    ++records_;
    if (!buffering_) {
      if (!header_written_) FERRY_RETURN_IF_ERROR(WriteHeader());
      arena_.Reset();
      FERRY_ASSIGN_OR_RETURN(Value doc, ParseDocument(json));
      return WriteRow(doc, records_);
    }
    FERRY_ASSIGN_OR_RETURN(Value doc, ParseDocument(json));
    pending_.push_back(doc);
    leaves_.clear();
    Flatten(doc, "", &leaves_);
    for (const auto& [name, v] : leaves_) {
      if (index_.find(name) == index_.end()) AddColumn(name);
    }
    if (pending_.size() >= kCsvHeaderSample) return FlushPending();
    return Status::OK();
  }

  Status Finish() override {
    if (buffering_) FERRY_RETURN_IF_ERROR(FlushPending());
    if (!header_written_ && (records_ > 0 || !columns_.empty())) FERRY_RETURN_IF_ERROR(WriteHeader());
    FERRY_RETURN_IF_ERROR(Flush());
    return out_->Finish();
  }

 private:
  Result<Value> ParseDocument(std::string_view json) {
    Result<Value> doc = parser_.Parse(json, arena_);
    if (!doc.ok()) {
      return Status(doc.status().code(), "record " + std::to_string(records_) + ": " + doc.status().message());
    }
    if (!doc->IsObject()) {
      return Status::InvalidArgument("record " + std::to_string(records_) + " is " +
                                     std::string(JsonTypeName(doc->type())) +
                                     ", not an object: CSV holds objects only");
    }
    return doc;
  }

  void AddColumn(const std::string& name) {
    if (index_.emplace(name, columns_.size()).second) columns_.push_back(name);
  }

  // Leaves of `v` (an object) as (dotted column, value), in document order.
  static void Flatten(const Value& v, const std::string& prefix, std::vector<std::pair<std::string, Value>>* out) {
    for (const Member* m = v.members(); m != v.members_end(); ++m) {
      std::string name = prefix;
      name.append(m->key.AsString());
      if (m->value.IsObject() && !m->value.empty()) {
        name.push_back('.');
        Flatten(m->value, name, out);
      } else {
        out->emplace_back(std::move(name), m->value);
      }
    }
  }

  Status FlushPending() {
    buffering_ = false;
    if (!pending_.empty()) FERRY_RETURN_IF_ERROR(WriteHeader());
    for (size_t i = 0; i < pending_.size(); ++i) {
      FERRY_RETURN_IF_ERROR(WriteRow(pending_[i], records_ - pending_.size() + i + 1));
    }
    pending_.clear();
    arena_.Reset();
    return Status::OK();
  }

  Status WriteHeader() {
    header_written_ = true;
    if (columns_.empty()) {
      return Status::InvalidArgument(
          "no CSV columns: the documents have no fields; list the columns explicitly (CSV columns option)");
    }
    if (!options_.header) return Status::OK();
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) text_.push_back(options_.delimiter);
      const std::string& name = columns_[i];
      const bool lone_empty = name.empty() && columns_.size() == 1;
      AppendField(name, lone_empty || NeedsCsvQuoting(name));
    }
    text_.append(newline_);
    return MaybeFlush();
  }

  Status WriteRow(const Value& doc, uint64_t record) {
    leaves_.clear();
    Flatten(doc, "", &leaves_);
    row_.assign(columns_.size(), nullptr);
    for (const auto& [name, v] : leaves_) {
      auto it = index_.find(name);
      if (it == index_.end() && selecting_) continue;  // `columns` selects: the rest is left out
      if (it == index_.end()) {
        return Status::InvalidArgument("record " + std::to_string(record) + " has the column \"" + name +
                                       "\", which is not among the CSV columns (taken from the first " +
                                       std::to_string(kCsvHeaderSample) +
                                       " records); list the columns explicitly (CSV columns option)");
      }
      row_[it->second] = &v;
    }
    if (selecting_) {
      // A listed column that is no leaf (`meta` of {"meta": {"a": 1}}): its value, as JSON text.
      for (size_t i = 0; i < row_.size(); ++i) {
        if (row_[i] == nullptr) row_[i] = FindColumn(doc, columns_[i]);
      }
    }
    const size_t start = text_.size();
    for (size_t i = 0; i < row_.size(); ++i) {
      if (i > 0) text_.push_back(options_.delimiter);
      if (row_[i] != nullptr) AppendValue(*row_[i]);
    }
    // A lone empty field would be an empty line, which the reader skips.
    if (text_.size() == start) text_.append("null");
    text_.append(newline_);
    return MaybeFlush();
  }

  // The value at dotted column `name` of `doc` (a literal member first), or null.
  static const Value* FindColumn(const Value& doc, std::string_view name) {
    if (const Value* v = doc.Find(name)) return v;
    const size_t dot = name.find('.');
    if (dot == std::string_view::npos) return nullptr;
    const Value* parent = doc.Find(name.substr(0, dot));
    return parent != nullptr && parent->IsObject() ? FindColumn(*parent, name.substr(dot + 1)) : nullptr;
  }

  void AppendValue(const Value& v) {
    switch (v.type()) {
      case JsonType::kNull:
        return;
      case JsonType::kBool:
        text_.append(v.AsBool() ? "true" : "false");
        return;
      case JsonType::kNumber:
        text_.append(v.NumberLiteral());
        return;
      case JsonType::kString: {
        const std::string_view s = v.AsString();
        AppendField(s, NeedsCsvQuoting(s) || WouldInfer(s));
        return;
      }
      case JsonType::kArray:
      case JsonType::kObject: {
        scratch_.clear();
        WriteJson(v, &scratch_);
        AppendField(scratch_, NeedsCsvQuoting(scratch_));
        return;
      }
    }
  }

  bool NeedsCsvQuoting(std::string_view s) const {
    if (s.empty()) return false;
    if (HasSpecial(s, options_.delimiter, options_.quote)) return true;
    const char first = s.front();
    const char last = s.back();
    if (first == ' ' || first == '\t' || last == ' ' || last == '\t') return true;
    return s.substr(0, kBom.size()) == kBom;
  }

  // Whether the reader (kInfer) would read the bare text as a non-string.
  bool WouldInfer(std::string_view s) {
    if (s.empty() || s == "null" || s == "true" || s == "false" || IsJsonNumberLiteral(s)) return true;
    if (!LooksLikeContainer(s)) return false;
    Arena scratch_arena(1024);
    return ParseContainer(s, parser_, scratch_arena, nullptr);
  }

  void AppendField(std::string_view s, bool quoted) {
    if (!quoted) {
      text_.append(s);
      return;
    }
    text_.push_back(options_.quote);
    for (char c : s) {
      if (c == options_.quote) text_.push_back(c);
      text_.push_back(c);
    }
    text_.push_back(options_.quote);
  }

  Status MaybeFlush() { return text_.size() >= kWriteFlush ? Flush() : Status::OK(); }
  Status Flush() {
    if (text_.empty()) return Status::OK();
    Status s = out_->Write(text_);
    text_.clear();
    return s;
  }

  std::unique_ptr<ByteSink> out_;
  CsvOptions options_;
  std::string newline_;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, size_t> index_;
  bool buffering_ = true;
  bool selecting_ = false;  // `columns` given: they select, other fields are left out
  bool header_written_ = false;
  uint64_t records_ = 0;
  std::vector<Value> pending_;  // in arena_
  std::vector<std::pair<std::string, Value>> leaves_;
  std::vector<const Value*> row_;
  std::string text_;
  std::string scratch_;
  Arena arena_;
  JsonParser parser_;
};

}  // namespace

Result<std::unique_ptr<DocumentReader>> NewCsvReader(std::unique_ptr<ByteSource> in, const CsvOptions& options) {
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  return std::unique_ptr<DocumentReader>(std::make_unique<CsvReader>(std::move(in), options));
}

Result<std::unique_ptr<DocumentWriter>> NewCsvWriter(std::unique_ptr<ByteSink> out, const CsvOptions& options) {
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  return std::unique_ptr<DocumentWriter>(std::make_unique<CsvWriter>(std::move(out), options));
}

}  // namespace ferry::internal
