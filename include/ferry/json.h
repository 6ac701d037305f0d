// Copyright (c) the Ferry authors.
//
// Ferry's JSON document model: a mutable tree of Values allocated in an
// Arena, a validating parser (simdjson On-Demand underneath) and a compact
// UTF-8 writer.
//
// Why our own tree: migrations rewrite documents in place (rename, move,
// wrap ...), and number literals must pass through unchanged (67.5 stays
// 67.5, 1e2 stays 1e2). Values keep the exact literal of every number and,
// for strings that need no escaping, a view of the original bytes, so the
// writer copies unchanged spans raw. Measured choice: bench/RESULTS.md.
//
// Ownership: a Value never owns memory. Containers and decoded strings live
// in an Arena; strings without escapes point into the parsed input text. The
// caller keeps both the Arena and the input text alive while the Values are
// used, and resets the Arena only when none are in use.
//
// Thread safety: none inside one tree or Arena. Distinct trees in distinct
// Arenas may be used from distinct threads. Reading a tree from several
// threads at once is safe as long as nobody mutates it.

#ifndef FERRY_JSON_H_
#define FERRY_JSON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

// A bump allocator. Allocation is a pointer increment; memory is released
// only by Reset() or destruction. Not thread-safe.
class Arena {
 public:
  // `block_size`: bytes per block (default 64 KiB). Larger requests get a
  // block of their own.
  explicit Arena(size_t block_size = 64 * 1024);
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `n` bytes aligned to `align` (a power of two <= 16). Never null.
  void* Allocate(size_t n, size_t align = alignof(std::max_align_t));

  // Copies `s` into the arena; the view stays valid until Reset().
  std::string_view CopyString(std::string_view s);

  // Frees everything allocated so far; keeps the first block for reuse.
  void Reset();

  // Bytes handed out since construction or the last Reset().
  size_t BytesUsed() const { return used_; }

 private:
  struct Block;
  void* AllocateSlow(size_t n, size_t align);
  size_t block_size_;
  char* ptr_ = nullptr;
  char* end_ = nullptr;
  Block* blocks_ = nullptr;  // newest first; the last one is kept by Reset()
  size_t used_ = 0;
};

enum class JsonType : uint8_t {
  kNull = 0,
  kBool = 1,
  kNumber = 2,
  kString = 3,
  kArray = 4,
  kObject = 5,
};

// "null", "boolean", "number", "string", "array", "object".
std::string_view JsonTypeName(JsonType t);

struct Member;

// One JSON value: 16 bytes, trivially copyable. Copying a Value copies the
// reference to its children (a shallow copy); use DeepCopy() for a tree of
// its own.
class Value {
 public:
  // A null value.
  constexpr Value() noexcept : type_(JsonType::kNull), flags_(0), bool_(0), size_(0), ptr_(nullptr) {}

  // --- construction ------------------------------------------------------
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  // `literal` must be a valid JSON number literal; it is not copied.
  static Value NumberLiteral(std::string_view literal);
  // Numbers computed by Ferry; the literal is written into `arena`.
  static Value Int(int64_t v, Arena& arena);
  static Value Double(double v, Arena& arena);  // shortest round-trip form
  // `s` is UTF-8 text (not JSON-escaped); it is not copied.
  static Value StringView(std::string_view s);
  // As StringView but copies `s` into `arena`.
  static Value String(std::string_view s, Arena& arena);
  // Empty containers with room for `capacity` children.
  static Value Array(Arena& arena, uint32_t capacity = 0);
  static Value Object(Arena& arena, uint32_t capacity = 0);

  // --- inspection --------------------------------------------------------
  JsonType type() const { return type_; }
  bool IsNull() const { return type_ == JsonType::kNull; }
  bool IsBool() const { return type_ == JsonType::kBool; }
  bool IsNumber() const { return type_ == JsonType::kNumber; }
  bool IsString() const { return type_ == JsonType::kString; }
  bool IsArray() const { return type_ == JsonType::kArray; }
  bool IsObject() const { return type_ == JsonType::kObject; }

  // REQUIRES: IsBool()
  bool AsBool() const { return bool_ != 0; }

  // REQUIRES: IsNumber(). The literal exactly as parsed or constructed.
  std::string_view NumberLiteral() const { return std::string_view(str_, size_); }
  // REQUIRES: IsNumber(). The value as a double (may be +-inf for huge
  // literals).
  double AsDouble() const;
  // REQUIRES: IsNumber(). True when the value is integral (1, 1.0, 1e2).
  bool IsIntegral() const;
  // REQUIRES: IsNumber(). Stores the value and returns true when it is
  // integral and fits in int64.
  bool GetInt64(int64_t* out) const;

  // REQUIRES: IsString(). Decoded UTF-8 text.
  std::string_view AsString() const { return std::string_view(str_, size_); }

  // REQUIRES: IsArray() or IsObject(). Number of elements or members.
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // --- arrays (REQUIRES: IsArray()) --------------------------------------
  Value* begin() { return items_; }
  Value* end() { return items_ + size_; }
  const Value* begin() const { return items_; }
  const Value* end() const { return items_ + size_; }
  Value& operator[](size_t i) { return items_[i]; }
  const Value& operator[](size_t i) const { return items_[i]; }
  void Append(Value v, Arena& arena);
  // REQUIRES: i <= size()
  void InsertAt(size_t i, Value v, Arena& arena);
  // REQUIRES: i < size()
  void EraseAt(size_t i);
  // Keeps the first `n` elements. REQUIRES: n <= size()
  void Truncate(uint32_t n) { size_ = n; }

  // --- objects (REQUIRES: IsObject()) ------------------------------------
  // Members in document order. Duplicate keys are kept as parsed; lookups
  // see the last one, as JavaScript's JSON.parse does.
  Member* members() { return members_; }
  const Member* members() const { return members_; }
  Member* members_end();
  const Member* members_end() const;
  // The value of `key`, or null when absent.
  Value* Find(std::string_view key);
  const Value* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  // Index of the member `key` (the last one), or -1.
  int64_t IndexOf(std::string_view key) const;
  // Sets `key` to `v`: replaces the value in place when the key exists,
  // appends a member otherwise. `key` is not copied (copy it into the arena
  // first if it does not outlive the tree). Returns the stored value.
  Value* Set(std::string_view key, Value v, Arena& arena);
  // Inserts a member at position `i` (REQUIRES: i <= size()).
  void InsertMemberAt(size_t i, std::string_view key, Value v, Arena& arena);
  // Removes every member named `key`; stores the last removed value in
  // `removed` when given. Returns whether any was removed.
  bool Remove(std::string_view key, Value* removed = nullptr);
  // REQUIRES: i < size()
  void EraseMemberAt(size_t i);

  // --- whole values ------------------------------------------------------
  // A copy of this tree whose containers are allocated in `arena` (strings
  // and literals are copied too, so the copy does not depend on the input).
  Value DeepCopy(Arena& arena) const;
  // JSON equality: objects compare as unordered maps (last duplicate wins),
  // numbers by value when both are finite doubles, exactly by literal else.
  bool Equals(const Value& other) const;

  // Internal: flags for string values.
  static constexpr uint8_t kStringNeedsNoEscape = 1;  // write raw, no escaping
  uint8_t flags() const { return flags_; }
  // Internal: marks a string as known not to need escaping (used by the
  // parser for spans copied verbatim from valid JSON).
  static Value StringViewNoEscape(std::string_view s);

 private:
  friend class JsonParser;
  void Reserve(uint32_t capacity, Arena& arena);
  uint32_t capacity() const;

  JsonType type_;
  uint8_t flags_;
  uint16_t bool_;
  uint32_t size_;
  union {
    const char* str_;
    Value* items_;
    Member* members_;
    void* ptr_;
  };
};
static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

struct Member {
  Value key;  // always a string
  Value value;
};

inline Member* Value::members_end() { return members_ + size_; }
inline const Member* Value::members_end() const { return members_ + size_; }

// Options for JsonParser.
struct JsonParseOptions {
  // Deepest nesting accepted; deeper input is a PARSE_ERROR (never a stack
  // overflow). Default: 512.
  uint32_t max_depth = 512;
  // Accept objects with two members of the same name (kept in order; Find
  // sees the last). Default: false, a PARSE_ERROR.
  bool allow_duplicate_names = false;
};

// Parses JSON texts into Values. One parser per thread; reuse it for many
// documents (it keeps its buffers).
class JsonParser {
 public:
  explicit JsonParser(JsonParseOptions options = {});
  ~JsonParser();
  JsonParser(const JsonParser&) = delete;
  JsonParser& operator=(const JsonParser&) = delete;

  // Padding (bytes) that must be readable after the text for the zero-copy
  // overload below.
  static constexpr size_t kPadding = 64;

  // Parses `text`, one JSON text (RFC 8259; leading/trailing whitespace
  // allowed). Strings without escapes point into `text`, so `text` must
  // outlive the result. REQUIRES: kPadding readable bytes after text.end().
  // Errors: PARSE_ERROR with a message naming the problem. An object with
  // two members of the same name is a PARSE_ERROR "duplicate member name
  // "NAME" at POINTER" (the second member's JSON Pointer).
  Result<Value> ParsePadded(std::string_view text, Arena& arena);

  // As ParsePadded, but copies `text` into `arena` first (so no padding or
  // lifetime requirement on `text`).
  Result<Value> Parse(std::string_view text, Arena& arena);

  // After a PARSE_ERROR for a duplicate member name: that member's JSON
  // Pointer; otherwise "".
  const std::string& error_pointer() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends the compact JSON text of `v` to `out` (UTF-8; no whitespace;
// strings escaped only where JSON requires it; number literals verbatim).
void WriteJson(const Value& v, std::string* out);
std::string ToJson(const Value& v);

// As WriteJson, with every object's members sorted by key (bytewise; equal
// keys keep their order): two documents that differ only in member order
// give the same text. Used for checksums and record hashes.
void WriteCanonicalJson(const Value& v, std::string* out);

// Appends `s` as a JSON string literal (with quotes) to `out`.
void WriteJsonString(std::string_view s, std::string* out);

// True when `s` is exactly a number literal of RFC 8259's grammar (no
// leading zeros, no "+", no ".5", no hex).
bool IsJsonNumberLiteral(std::string_view s);

// JSON Pointer (RFC 6901) helpers. `AppendPointerToken` escapes ~ and /.
void AppendPointerToken(std::string_view token, std::string* pointer);
void AppendPointerIndex(size_t index, std::string* pointer);
// Resolves `pointer` ("" is the root). Returns null when it does not resolve.
const Value* ResolvePointer(const Value& root, std::string_view pointer);

}  // namespace ferry

#endif  // FERRY_JSON_H_
