// Copyright (c) the Ferry authors.
#include "schema/regex.h"

#include <re2/re2.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "common/text.h"
#include "ferry/status.h"

namespace ferry::internal {
namespace {

// ECMA-262 WhiteSpace and LineTerminator: \s, as the inside of a class.
constexpr std::string_view kSpaceSet =
    R"(\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF})";
// Its complement over all code points: \S, as the inside of a class.
constexpr std::string_view kNonSpaceSet =
    R"(\x{0}-\x{8}\x{E}-\x{1F}\x{21}-\x{9F}\x{A1}-\x{167F}\x{1681}-\x{1FFF}\x{200B}-\x{2027})"
    R"(\x{202A}-\x{202E}\x{2030}-\x{205E}\x{2060}-\x{2FFF}\x{3001}-\x{FEFE}\x{FF00}-\x{10FFFF})";
// `.` without the `s` flag: anything but a line terminator.
constexpr std::string_view kDot = R"([^\n\r\x{2028}\x{2029}])";

// ECMA-262 long General_Category names and their short forms (RE2 knows
// only the short ones).
constexpr std::pair<std::string_view, std::string_view> kCategoryNames[] = {
    {"Letter", "L"}, {"Uppercase_Letter", "Lu"}, {"Lowercase_Letter", "Ll"}, {"Titlecase_Letter", "Lt"},
    {"Modifier_Letter", "Lm"}, {"Other_Letter", "Lo"}, {"Mark", "M"}, {"Combining_Mark", "M"},
    {"Nonspacing_Mark", "Mn"}, {"Spacing_Mark", "Mc"}, {"Enclosing_Mark", "Me"}, {"Number", "N"},
    {"Decimal_Number", "Nd"}, {"digit", "Nd"}, {"Letter_Number", "Nl"}, {"Other_Number", "No"},
    {"Punctuation", "P"}, {"punct", "P"}, {"Connector_Punctuation", "Pc"}, {"Dash_Punctuation", "Pd"},
    {"Open_Punctuation", "Ps"}, {"Close_Punctuation", "Pe"}, {"Initial_Punctuation", "Pi"},
    {"Final_Punctuation", "Pf"}, {"Other_Punctuation", "Po"}, {"Symbol", "S"}, {"Math_Symbol", "Sm"},
    {"Currency_Symbol", "Sc"}, {"Modifier_Symbol", "Sk"}, {"Other_Symbol", "So"}, {"Separator", "Z"},
    {"Space_Separator", "Zs"}, {"Line_Separator", "Zl"}, {"Paragraph_Separator", "Zp"}, {"Other", "C"},
    {"Control", "Cc"}, {"cntrl", "Cc"}, {"Format", "Cf"}, {"Surrogate", "Cs"}, {"Private_Use", "Co"},
    {"Unassigned", "Cn"},
};


std::string CodePoint(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "\\x{%X}", cp);
  return buf;
}

// One pass over an ECMA-262 pattern, writing its RE2 form.
class Translator {
 public:
  Translator(std::string_view in, RegexUse use) : in_(in), use_(use) {}

  Result<std::string> Run() {
    while (ok() && pos_ < in_.size()) Atom();
    if (!ok()) return status_;
    return std::move(out_);
  }

 private:
  bool ok() const { return status_.ok(); }
  bool AtEnd() const { return pos_ >= in_.size(); }
  bool LookingAt(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }

  void Fail(size_t at, const std::string& what, std::string_view advice = "") {
    if (ok()) status_ = Status::InvalidArgument(what + " at offset " + std::to_string(at) + std::string(advice));
  }
  void Unsupported(size_t at, const std::string& what) {
    Fail(at, "uses " + what, ", which a linear-time matcher cannot run; rewrite the pattern without it");
  }

  // Copies one UTF-8 sequence (the pattern is valid UTF-8 or RE2 says so).
  void CopyChar() {
    size_t n = 1;
    while (pos_ + n < in_.size() && (static_cast<unsigned char>(in_[pos_ + n]) & 0xC0) == 0x80) ++n;
    out_.append(in_.substr(pos_, n));
    pos_ += n;
  }

  void Atom() {
    char c = in_[pos_];
    switch (c) {
      case '\\':
        Escape(false);
        return;
      case '[':
        Class();
        return;
      case '(':
        Group();
        return;
      case '.':
        out_.append(kDot);
        ++pos_;
        return;
      case '{':
        Brace();
        return;
      case '}':
      case ']':
        out_.push_back('\\');
        out_.push_back(c);
        ++pos_;
        return;
      default:
        CopyChar();
    }
  }

  // `{n}`, `{n,}`, `{n,m}` is a quantifier; any other `{` a plain character.
  void Brace() {
    size_t p = pos_ + 1;
    size_t digits = 0;
    while (p < in_.size() && IsDigit(in_[p])) ++p, ++digits;
    if (digits > 0 && p < in_.size() && in_[p] == ',') {
      ++p;
      while (p < in_.size() && IsDigit(in_[p])) ++p;
    }
    if (digits > 0 && p < in_.size() && in_[p] == '}') {
      out_.append(in_.substr(pos_, p + 1 - pos_));
      pos_ = p + 1;
      return;
    }
    out_.append("\\{");
    ++pos_;
  }

  void Group() {
    size_t at = pos_;
    if (!LookingAt("(?")) {
      out_.push_back('(');
      ++pos_;
      return;
    }
    if (LookingAt("(?:")) {
      out_.append("(?:");
      pos_ += 3;
    } else if (LookingAt("(?=") || LookingAt("(?!")) {
      Lookaround(at, 3, "a lookahead");
    } else if (LookingAt("(?<=") || LookingAt("(?<!")) {
      Lookaround(at, 4, "a lookbehind");
    } else if (LookingAt("(?<")) {
      out_.append("(?P<");
      pos_ += 3;
    } else {
      Fail(at, "invalid group \"(?\"");
    }
  }

  void Lookaround(size_t at, size_t length, const char* what) {
    if (use_ == RegexUse::kMatch) return Unsupported(at, what);
    out_.append("(?:");
    pos_ += length;
  }

  // After a backslash; `in_class`: inside [...].
  void Escape(bool in_class) {
    size_t at = pos_;
    ++pos_;
    if (AtEnd()) return Fail(at, "pattern ends with a backslash");
    char c = in_[pos_];
    switch (c) {
      case 'd': case 'D': case 'w': case 'W': case 'f': case 'n': case 'r': case 't':
        out_.push_back('\\');
        out_.push_back(c);
        ++pos_;
        return;
      case 'b': case 'B':
        if (in_class && c == 'B') return Fail(at, "invalid escape \"\\B\" in a class");
        out_.append(in_class ? std::string_view("\\x{8}") : c == 'b' ? "\\b" : "\\B");
        ++pos_;
        return;
      case 's': case 'S': {
        std::string_view set = c == 's' ? kSpaceSet : kNonSpaceSet;
        if (in_class) {
          out_.append(set);
        } else {
          out_.push_back('[');
          out_.append(set);
          out_.push_back(']');
        }
        ++pos_;
        return;
      }
      case 'v':
        out_.append("\\x{B}");
        ++pos_;
        return;
      case 'c':
        return Control(at);
      case '0':
        ++pos_;
        if (!AtEnd() && IsDigit(in_[pos_])) return Fail(at, "invalid escape \"\\0\" followed by a digit");
        out_.append("\\x{0}");
        return;
      case 'x':
        return HexEscape(at);
      case 'u':
        return UnicodeEscape(at);
      case 'p': case 'P':
        return Property(at, in_class);
      case 'k':
        if (use_ == RegexUse::kMatch) return Unsupported(at, "a backreference");
        while (!AtEnd() && in_[pos_] != '>') ++pos_;
        if (AtEnd()) return Fail(at, "invalid escape \"\\k\"");
        ++pos_;
        out_.append("(?:)");
        return;
      default:
        break;
    }
    if (IsDigit(c)) {
      if (use_ == RegexUse::kMatch) return Unsupported(at, "a backreference");
      while (!AtEnd() && IsDigit(in_[pos_])) ++pos_;
      out_.append("(?:)");
      return;
    }
    if (IsAlpha(c)) return Fail(at, std::string("invalid escape \"\\") + c + "\"");
    if (c == '_') {  // RE2 refuses an escaped word character
      out_.push_back(c);
      ++pos_;
      return;
    }
    // Any other character stands for itself; RE2 takes an escaped ASCII
    // punctuation character literally.
    if (static_cast<unsigned char>(c) < 0x80) {
      out_.push_back('\\');
      out_.push_back(c);
      ++pos_;
      return;
    }
    CopyChar();
  }

  void Control(size_t at) {
    ++pos_;
    if (AtEnd() || !IsAlpha(in_[pos_])) return Fail(at, "invalid escape \"\\c\"");
    out_.append(CodePoint(static_cast<uint32_t>(in_[pos_]) % 32));
    ++pos_;
  }

  // Reads `n` hex digits at pos_; -1 when there are not.
  int64_t ReadHex(size_t n) {
    if (pos_ + n > in_.size()) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      int h = HexValue(in_[pos_ + i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    pos_ += n;
    return v;
  }

  void HexEscape(size_t at) {
    ++pos_;
    int64_t v = ReadHex(2);
    if (v < 0) return Fail(at, "invalid escape \"\\x\" (two hex digits expected)");
    out_.append(CodePoint(static_cast<uint32_t>(v)));
  }

  // \uXXXX (a surrogate pair \uD83D\uDE00 is one code point) or \u{X...}.
  void UnicodeEscape(size_t at) {
    ++pos_;
    int64_t cp = -1;
    if (!AtEnd() && in_[pos_] == '{') {
      ++pos_;
      size_t start = pos_;
      cp = 0;
      while (!AtEnd() && HexValue(in_[pos_]) >= 0 && cp <= 0x10FFFF) cp = cp * 16 + HexValue(in_[pos_++]);
      if (pos_ == start || AtEnd() || in_[pos_] != '}' || cp > 0x10FFFF) {
        return Fail(at, "invalid escape \"\\u{...}\"");
      }
      ++pos_;
    } else {
      cp = ReadHex(4);
      if (cp < 0) return Fail(at, "invalid escape \"\\u\" (four hex digits expected)");
      if (cp >= 0xD800 && cp <= 0xDBFF && LookingAt("\\u")) {
        size_t save = pos_;
        pos_ += 2;
        int64_t low = ReadHex(4);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else {
          pos_ = save;
        }
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return Fail(at, "a lone surrogate cannot occur in UTF-8 text");
    out_.append(CodePoint(static_cast<uint32_t>(cp)));
  }

  // \p{Name}, \p{Name=Value}; RE2 knows General_Category and Script values.
  void Property(size_t at, bool in_class) {
    char p = in_[pos_];
    ++pos_;
    if (AtEnd() || in_[pos_] != '{') return Fail(at, std::string("invalid escape \"\\") + p + "\" (\"{\" expected)");
    size_t close = in_.find('}', pos_);
    if (close == std::string_view::npos) return Fail(at, "unclosed Unicode property escape");
    std::string_view body = in_.substr(pos_ + 1, close - pos_ - 1);
    pos_ = close + 1;
    std::string_view name = body, value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      if (name == "Script_Extensions" || name == "scx") {
        return Fail(at, "Unicode property \"" + std::string(body) + "\" is not supported (use Script=)");
      }
      if (name != "General_Category" && name != "gc" && name != "Script" && name != "sc") {
        return Fail(at, "unknown Unicode property \"" + std::string(name) + "\"");
      }
    } else {
      value = body;
    }
    bool script = name == "Script" || name == "sc";
    for (const auto& [long_name, short_name] : kCategoryNames) {
      if (!script && value == long_name) value = short_name;
    }
    if (value.empty()) return Fail(at, "empty Unicode property escape");
    if (value == "ASCII") {  // RE2 has no ASCII property: the range itself
      out_.append(in_class ? (p == 'p' ? "\\x{0}-\\x{7F}" : "\\x{80}-\\x{10FFFF}")
                           : (p == 'p' ? "[\\x{0}-\\x{7F}]" : "[^\\x{0}-\\x{7F}]"));
      return;
    }
    out_.push_back('\\');
    out_.push_back(p);
    out_.push_back('{');
    out_.append(value);
    out_.push_back('}');
  }

  void Class() {
    size_t at = pos_;
    ++pos_;
    bool negated = !AtEnd() && in_[pos_] == '^';
    if (negated) ++pos_;
    if (!AtEnd() && in_[pos_] == ']') {
      // []: nothing; [^]: any code point.
      out_.append(negated ? "[\\x{0}-\\x{10FFFF}]" : "[^\\x{0}-\\x{10FFFF}]");
      ++pos_;
      return;
    }
    out_.append(negated ? "[^" : "[");
    while (ok() && !AtEnd() && in_[pos_] != ']') {
      char c = in_[pos_];
      if (c == '\\') {
        Escape(true);
      } else if (c == '[' || c == '^') {
        out_.push_back('\\');
        out_.push_back(c);
        ++pos_;
      } else {
        CopyChar();
      }
    }
    if (!ok()) return;
    if (AtEnd()) return Fail(at, "unclosed character class \"[\"");
    out_.push_back(']');
    ++pos_;
  }

  std::string_view in_;
  RegexUse use_;
  size_t pos_ = 0;
  std::string out_;
  Status status_;
};

std::unique_ptr<re2::RE2> NewRe2(const std::string& re2_pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  // Long literal alternations (enumerations written as patterns) need more
  // than the default 8 MiB; still bounded.
  options.set_max_mem(int64_t{64} << 20);
  return std::make_unique<re2::RE2>(re2_pattern, options);
}

}  // namespace

Result<std::string> TranslateEcmaRegex(std::string_view pattern, RegexUse use) {
  return Translator(pattern, use).Run();
}

Result<std::unique_ptr<EcmaRegex>> EcmaRegex::Compile(std::string_view pattern) {
  Result<std::string> translated = TranslateEcmaRegex(pattern);
  if (!translated.ok()) return translated.status();
  std::unique_ptr<re2::RE2> re = NewRe2(translated.value());
  if (!re->ok()) return Status::InvalidArgument(re->error());
  return std::unique_ptr<EcmaRegex>(new EcmaRegex(std::move(re)));
}

bool EcmaRegex::IsValidSyntax(std::string_view pattern) {
  Result<std::string> translated = TranslateEcmaRegex(pattern, RegexUse::kSyntaxOnly);
  return translated.ok() && NewRe2(translated.value())->ok();
}

EcmaRegex::EcmaRegex(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
EcmaRegex::~EcmaRegex() = default;

bool EcmaRegex::Search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace ferry::internal
