// Copyright (c) the Ferry authors.
//
// XML reader and writer (xml.h). The reader is a small byte scanner that
// finds each record element of the stream (tracking element depth outside
// comments, CDATA, processing instructions, DOCTYPE and attribute values) and
// hands that fragment to pugixml; the writer emits the mapping directly.

#include "formats/xml.h"

#include <pugixml.hpp>

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

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void AppendBase64(std::string_view in, std::string* out) {
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out->push_back(kBase64[(v >> s) & 63]);
  }
  const size_t rest = in.size() - i;
  if (rest == 0) return;
  uint32_t v = uint32_t(uint8_t(in[i])) << 16;
  if (rest == 2) v |= uint32_t(uint8_t(in[i + 1])) << 8;
  out->push_back(kBase64[(v >> 18) & 63]);
  out->push_back(kBase64[(v >> 12) & 63]);
  out->push_back(rest == 2 ? kBase64[(v >> 6) & 63] : '=');
  out->push_back('=');
}

bool DecodeBase64(std::string_view in, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return false;
    const char* p = std::strchr(kBase64, c);
    if (p == nullptr || c == 0) return false;
    acc = (acc << 6) | uint32_t(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(char((acc >> bits) & 0xFF));
    }
  }
  return pad <= 2;
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
bool XmlCanCarry(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const uint32_t cp = DecodeUtf8(s, i, &len);
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
  }
  return true;
}

// Conservative XML names Ferry writes as element names: ASCII, no ':'
// (namespaces), not starting with "xml", and not "field" (Ferry's element
// for every other key).
bool IsPlainElementName(std::string_view s) {
  if (s.empty() || s == "field") return false;
  auto alpha = [](char c) { return IsAlpha(c) || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s) {
    if (!alpha(c) && !IsDigit(c) && c != '-' && c != '.') return false;
  }
  return !(s.size() >= 3 && (s[0] | 0x20) == 'x' && (s[1] | 0x20) == 'm' && (s[2] | 0x20) == 'l');
}

void AppendEscaped(std::string_view s, bool attribute, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        if (attribute) {
          out->append("&quot;");
        } else {
          out->push_back(c);
        }
        break;
      case '\r':
        // Parsers turn a raw CR (and CRLF) into LF.
        out->append("&#13;");
        break;
      case '\n':
        if (attribute) {
          out->append("&#10;");
        } else {
          out->push_back(c);
        }
        break;
      case '\t':
        if (attribute) {
          out->append("&#9;");
        } else {
          out->push_back(c);
        }
        break;
      default:
        out->push_back(c);
    }
  }
}

// ------------------------------------------------------------- writing

void AppendElement(std::string_view tag, std::string_view key, bool keyed, const Value& v, std::string* out) {
  out->push_back('<');
  out->append(tag);
  if (keyed) {
    if (XmlCanCarry(key)) {
      out->append(" name=\"");
      AppendEscaped(key, true, out);
    } else {
      out->append(" name-encoding=\"base64\" name=\"");
      AppendBase64(key, out);
    }
    out->push_back('"');
  }
  switch (v.type()) {
    case JsonType::kNull:
      out->append(" type=\"null\"/>");
      return;
    case JsonType::kBool:
      out->append(v.AsBool() ? " type=\"boolean\">true</" : " type=\"boolean\">false</");
      break;
    case JsonType::kNumber:
      out->append(" type=\"number\">");
      out->append(v.NumberLiteral());
      out->append("</");
      break;
    case JsonType::kString: {
      const std::string_view s = v.AsString();
      if (s.empty()) {
        out->append("/>");
        return;
      }
      if (XmlCanCarry(s)) {
        out->push_back('>');
        AppendEscaped(s, false, out);
      } else {
        out->append(" type=\"string\" encoding=\"base64\">");
        AppendBase64(s, out);
      }
      out->append("</");
      break;
    }
    case JsonType::kArray:
      if (v.empty()) {
        out->append(" type=\"array\"/>");
        return;
      }
      out->append(" type=\"array\">");
      for (const Value& item : v) AppendElement("item", {}, false, item, out);
      out->append("</");
      break;
    case JsonType::kObject:
      if (v.empty()) {
        out->append(" type=\"object\"/>");
        return;
      }
      out->append(" type=\"object\">");
      for (const Member* m = v.members(); m != v.members_end(); ++m) {
        const std::string_view k = m->key.AsString();
        if (IsPlainElementName(k)) {
          AppendElement(k, {}, false, m->value, out);
        } else {
          AppendElement("field", k, true, m->value, out);
        }
      }
      out->append("</");
      break;
  }
  out->append(tag);
  out->push_back('>');
}

class XmlWriter : public DocumentWriter {
 public:
  XmlWriter(std::unique_ptr<ByteSink> out, const XmlOptions& options) : out_(std::move(out)) {}

  Status Write(std::string_view json) override {
    arena_.Reset();
    FERRY_ASSIGN_OR_RETURN(Value v, parser_.Parse(json, arena_));
    buf_.clear();
    AppendHeader();
    AppendElement("record", {}, false, v, &buf_);
    buf_.push_back('\n');
    return out_->Write(buf_);
  }

  Status Finish() override {
    buf_.clear();
    AppendHeader();
    buf_.append("</records>\n");
    FERRY_RETURN_IF_ERROR(out_->Write(buf_));
    return out_->Finish();
  }

 private:
  void AppendHeader() {
    if (started_) return;
    started_ = true;
    buf_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<records>\n");
  }

  std::unique_ptr<ByteSink> out_;
  Arena arena_;
  JsonParser parser_;
  std::string buf_;
  bool started_ = false;
};

// ------------------------------------------------------------- reading

const char* const kFerryTypes[] = {"object", "array", "number", "boolean", "null", "string"};

bool IsFerryType(const char* t) {
  for (const char* f : kFerryTypes) {
    if (std::strcmp(t, f) == 0) return true;
  }
  return false;
}

std::string TextOf(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text.append(c.value());
  }
  return text;
}

bool HasChildElements(const pugi::xml_node& node) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) return true;
  }
  return false;
}

// Converts one element. Errors carry the element's offset in the fragment.
class Converter {
 public:
  Converter(const XmlOptions& options, Arena* arena) : options_(options), arena_(arena) {}

  ptrdiff_t error_offset() const { return error_offset_; }

  // `keyed`: a Ferry <field name="..."> member, whose name attributes are not
  // part of its value.
  Result<Value> Convert(const pugi::xml_node& node, bool keyed, uint32_t depth) {
    if (depth > options_.max_depth) {
      return Fail(node, "elements nested deeper than " + std::to_string(options_.max_depth) + " (max_depth)");
    }
    const pugi::xml_attribute type_attr = node.attribute("type");
    if (type_attr && IsFerryType(type_attr.value())) return ConvertTyped(node, type_attr.value(), depth);
    return ConvertForeign(node, keyed, depth);
  }

 private:
  Status Fail(const pugi::xml_node& node, const std::string& msg) {
    error_offset_ = node.offset_debug();
    return Status::ParseError(msg);
  }

  Result<Value> ConvertTyped(const pugi::xml_node& node, std::string_view type, uint32_t depth) {
    const std::string text = TextOf(node);
    if (type == "null") return Value();
    if (type == "boolean") {
      if (text == "true") return Value::Bool(true);
      if (text == "false") return Value::Bool(false);
      return Fail(node, "<" + std::string(node.name()) + "> type=\"boolean\" holds \"" + text + "\"");
    }
    if (type == "number") {
      if (!IsJsonNumberLiteral(text)) return Fail(node, "<" + std::string(node.name()) + "> type=\"number\" holds \"" + text + "\"");
      return Value::NumberLiteral(arena_->CopyString(text));
    }
    if (type == "string") {
      const std::string_view encoding = node.attribute("encoding").value();
      if (encoding.empty()) return Value::String(text, *arena_);
      std::string decoded;
      if (encoding != "base64" || !DecodeBase64(text, &decoded)) {
        return Fail(node, "<" + std::string(node.name()) + "> has a bad encoding or base64 text");
      }
      return Value::String(decoded, *arena_);
    }
    if (type == "array") {
      Value arr = Value::Array(*arena_);
      for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        FERRY_ASSIGN_OR_RETURN(Value v, Convert(c, false, depth + 1));
        arr.Append(v, *arena_);
      }
      return arr;
    }
    Value obj = Value::Object(*arena_);
    std::unordered_set<std::string> names;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      std::string_view key = c.name();
      const pugi::xml_attribute name = c.attribute("name");
      const bool keyed = key == "field" && name;
      std::string decoded;
      if (keyed) {
        key = name.value();
        const std::string_view encoding = c.attribute("name-encoding").value();
        if (!encoding.empty()) {
          if (encoding != "base64" || !DecodeBase64(key, &decoded)) return Fail(c, "<field> has a bad name-encoding");
          key = decoded;
        }
      }
      if (!names.emplace(key).second) return Fail(c, "duplicate member name \"" + std::string(key) + "\"");
      FERRY_ASSIGN_OR_RETURN(Value v, Convert(c, keyed, depth + 1));
      obj.InsertMemberAt(obj.size(), arena_->CopyString(key), v, *arena_);
    }
    return obj;
  }

  Result<Value> ConvertForeign(const pugi::xml_node& node, bool keyed, uint32_t depth) {
    auto skipped = [keyed](const pugi::xml_attribute& a) {
      return keyed && (std::strcmp(a.name(), "name") == 0 || std::strcmp(a.name(), "name-encoding") == 0);
    };
    bool has_attributes = false;
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) has_attributes |= !skipped(a);
    const std::string text = TextOf(node);
    if (!has_attributes && !HasChildElements(node)) return Value::String(text, *arena_);
    Value obj = Value::Object(*arena_);
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      if (skipped(a)) continue;
      obj.InsertMemberAt(obj.size(), arena_->CopyString("@" + std::string(a.name())),
                         Value::String(a.value(), *arena_), *arena_);
    }
    // Repeated names become one array member, placed where the name first
    // appears.
    std::unordered_map<std::string_view, uint32_t> index;
    std::vector<uint32_t> counts;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      FERRY_ASSIGN_OR_RETURN(Value v, Convert(c, false, depth + 1));
      const std::string_view name = c.name();
      auto [it, inserted] = index.emplace(name, obj.size());
      if (inserted) {
        obj.InsertMemberAt(obj.size(), arena_->CopyString(name), v, *arena_);
        continue;
      }
      Value& slot = obj.members()[it->second].value;
      if (!repeated_.count(it->second)) {
        Value arr = Value::Array(*arena_, 2);
        arr.Append(slot, *arena_);
        slot = arr;
        repeated_.insert(it->second);
      }
      slot.Append(v, *arena_);
    }
    repeated_.clear();
    bool blank = true;
    for (char ch : text) blank &= ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
    if (!blank) obj.InsertMemberAt(obj.size(), "#text", Value::String(text, *arena_), *arena_);
    return obj;
  }

  const XmlOptions& options_;
  Arena* arena_;
  ptrdiff_t error_offset_ = 0;
  std::unordered_set<uint32_t> repeated_;
};

class XmlReader : public DocumentReader {
 public:
  XmlReader(std::unique_ptr<ByteSource> in, const XmlOptions& options) : in_(std::move(in)), options_(options) {}

  Result<bool> Next(std::string* json, uint64_t* line) override {
    if (!status_.ok()) return status_;
    Result<bool> r = NextRecord(json, line);
    if (!r.ok()) status_ = r.status();
    return r;
  }

 private:
  // Reads more input; false at its end.
  Result<bool> ReadMore() {
    if (eof_) return false;
    const size_t old = buf_.size();
    buf_.resize(old + kChunk);
    Result<size_t> n = in_->Read(buf_.data() + old, kChunk);
    buf_.resize(old + (n.ok() ? *n : 0));
    if (!n.ok()) return n.status();
    if (*n == 0) eof_ = true;
    return *n > 0;
  }
  // Makes at least `n` bytes available at pos_; false when the input ends first.
  Result<bool> Ensure(size_t n) {
    while (buf_.size() - pos_ < n) {
      FERRY_ASSIGN_OR_RETURN(bool more, ReadMore());
      if (!more) return false;
    }
    return true;
  }
  // 1-based line and column of buffer offset `p` (>= any offset asked before).
  void Advance(size_t p) {
    for (; counted_ < p; ++counted_) {
      if (buf_[counted_] == '\n') {
        ++line_;
        line_start_ = counted_ + 1;
      }
    }
  }
  Status ErrorAt(size_t p, const std::string& msg) {
    Advance(p);
    return Status::ParseError(std::to_string(line_) + ":" + std::to_string(p - line_start_ + 1) + ": " + msg);
  }
  // Drops consumed bytes before `p` from the buffer.
  void Compact(size_t p) {
    Advance(p);
    buf_.erase(0, p);
    pos_ -= p;
    counted_ -= p;
    line_start_ -= std::min(line_start_, p);
  }
  // Moves pos_ past the next `end`; error when the input ends first.
  Status SkipPast(std::string_view end, const char* what) {
    size_t from = pos_;
    while (true) {
      const size_t i = buf_.find(end, from);
      if (i != std::string::npos) {
        pos_ = i + end.size();
        return Status::OK();
      }
      from = std::max(pos_, buf_.size() >= end.size() ? buf_.size() - end.size() + 1 : 0);
      FERRY_ASSIGN_OR_RETURN(bool more, ReadMore());
      if (!more) return ErrorAt(pos_, std::string("unterminated ") + what);
    }
  }
  // At '<': skips one tag or markup item; *delta is the change of element
  // depth (+1 start tag, -1 end tag, 0 otherwise); *name the tag name.
  Status SkipMarkup(int* delta, std::string* name) {
    *delta = 0;
    const size_t start = pos_;
    FERRY_ASSIGN_OR_RETURN(bool have, Ensure(9));
    (void)have;
    const std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    if (rest.starts_with("<!--")) return SkipPast("-->", "comment");
    if (rest.starts_with("<![CDATA[")) return SkipPast("]]>", "CDATA section");
    if (rest.starts_with("<?")) return SkipPast("?>", "processing instruction");
    if (rest.starts_with("<!")) return SkipDoctype();
    const bool end_tag = rest.starts_with("</");
    ++pos_;
    if (end_tag) ++pos_;
    name->clear();
    char quote = 0;
    char prev = 0;
    bool in_name = true;
    while (true) {
      if (pos_ >= buf_.size()) {
        FERRY_ASSIGN_OR_RETURN(bool more, ReadMore());
        if (!more) return ErrorAt(start, "unterminated tag");
      }
      const char c = buf_[pos_++];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '>') break;
      if (c == '"' || c == '\'') quote = c;
      if (c == '<') return ErrorAt(pos_ - 1, "'<' inside a tag");
      if (in_name && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/')) in_name = false;
      if (in_name) name->push_back(c);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') prev = c;
    }
    if (name->empty()) return ErrorAt(start, "a tag without a name");
    *delta = end_tag ? -1 : prev == '/' ? 0 : 1;
    return Status::OK();
  }
  Status SkipDoctype() {
    const size_t start = pos_;
    int brackets = 0;
    char quote = 0;
    pos_ += 2;
    while (true) {
      if (pos_ >= buf_.size()) {
        FERRY_ASSIGN_OR_RETURN(bool more, ReadMore());
        if (!more) return ErrorAt(start, "unterminated <!DOCTYPE");
      }
      const char c = buf_[pos_++];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (c == '>' && brackets <= 0) {
        return Status::OK();
      }
    }
  }
  // Moves pos_ to the next '<' (false at the end of the input); text before
  // it must be blank unless `text_ok`.
  // Consumed bytes are dropped from the buffer unless `keep` (inside a
  // record, whose bytes are still needed).
  Result<bool> ToNextTag(bool text_ok, bool keep) {
    while (true) {
      for (; pos_ < buf_.size(); ++pos_) {
        const char c = buf_[pos_];
        if (c == '<') return true;
        if (!text_ok && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return ErrorAt(pos_, depth_ == 0 && root_done_ ? "content after the root element"
                                                          : "text outside of the root element");
        }
      }
      if (!keep) Compact(pos_);
      FERRY_ASSIGN_OR_RETURN(bool more, ReadMore());
      if (!more) return false;
    }
  }

  Result<bool> NextRecord(std::string* json, uint64_t* line) {
    if (pos_ == 0 && counted_ == 0 && buf_.empty()) {
      // A UTF-8 byte order mark.
      FERRY_ASSIGN_OR_RETURN(bool have, Ensure(3));
      if (have && buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = counted_ = line_start_ = 3;
    }
    while (true) {
      // Text between records (depth 1) is ignored: foreign XML may have it.
      FERRY_ASSIGN_OR_RETURN(bool tag, ToNextTag(depth_ == 1, false));
      if (!tag) {
        if (depth_ == 0 && root_done_) return false;
        if (!root_done_ && depth_ == 0 && !saw_root_) return ErrorAt(pos_, "no root element");
        return ErrorAt(pos_, "unexpected end of input: <" + root_name_ + "> is not closed");
      }
      Compact(pos_);
      const size_t start = pos_;
      int delta = 0;
      std::string name;
      FERRY_RETURN_IF_ERROR(SkipMarkup(&delta, &name));
      if (delta == 0 && name.empty()) continue;  // comment, PI, CDATA, DOCTYPE
      if (depth_ == 0) {
        if (root_done_ || delta < 0) return ErrorAt(start, root_done_ ? "a second root element" : "unexpected end tag");
        saw_root_ = true;
        root_name_ = name;
        if (delta == 0) root_done_ = true;  // <records/>
        depth_ = delta;
        continue;
      }
      if (delta < 0) {
        if (name != root_name_) return ErrorAt(start, "</" + name + "> does not close <" + root_name_ + ">");
        depth_ = 0;
        root_done_ = true;
        continue;
      }
      // A record: find its end.
      int depth = delta;
      while (depth > 0) {
        FERRY_ASSIGN_OR_RETURN(bool more, ToNextTag(true, true));
        if (!more) return ErrorAt(start, "unexpected end of input: <" + name + "> is not closed");
        if (pos_ - start > options_.max_record_bytes) {
          return ErrorAt(start, "a record larger than " + std::to_string(options_.max_record_bytes) +
                                    " bytes (max_record_bytes)");
        }
        int d = 0;
        std::string n;
        FERRY_RETURN_IF_ERROR(SkipMarkup(&d, &n));
        depth += d;
      }
      Advance(start);
      *line = line_;
      return Convert(start, pos_, json);
    }
  }

  Result<bool> Convert(size_t start, size_t end, std::string* json) {
    const size_t bad = FindInvalidUtf8(std::string_view(buf_.data() + start, end - start));
    if (bad != std::string_view::npos) return ErrorAt(start + bad, "invalid UTF-8 (Ferry reads UTF-8 XML only)");
    pugi::xml_document doc;
    const unsigned kOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;
    pugi::xml_parse_result r = doc.load_buffer(buf_.data() + start, end - start, kOptions, pugi::encoding_utf8);
    if (!r) return ErrorAt(start + size_t(std::max<ptrdiff_t>(r.offset, 0)), r.description());
    arena_.Reset();
    Converter converter(options_, &arena_);
    Result<Value> v = converter.Convert(doc.document_element(), false, 1);
    if (!v.ok()) return ErrorAt(start + size_t(std::max<ptrdiff_t>(converter.error_offset(), 0)), v.status().message());
    json->clear();
    WriteJson(*v, json);
    // Character references to surrogates decode to invalid UTF-8.
    if (!IsValidUtf8(*json)) return ErrorAt(start, "a character reference to a surrogate");
    return true;
  }

  static constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<ByteSource> in_;
  XmlOptions options_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  // Line bookkeeping: bytes before counted_ are counted.
  size_t counted_ = 0;
  uint64_t line_ = 1;
  size_t line_start_ = 0;
  int depth_ = 0;
  bool saw_root_ = false;
  bool root_done_ = false;
  std::string root_name_;
  Arena arena_;
  Status status_;
};

}  // namespace

std::unique_ptr<DocumentReader> NewXmlReader(std::unique_ptr<ByteSource> in, const XmlOptions& options) {
  return std::make_unique<XmlReader>(std::move(in), options);
}

std::unique_ptr<DocumentWriter> NewXmlWriter(std::unique_ptr<ByteSink> out, const XmlOptions& options) {
  return std::make_unique<XmlWriter>(std::move(out), options);
}

}  // namespace ferry::internal
