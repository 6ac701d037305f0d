// Copyright (c) the Ferry authors.
#include <charconv>
#include <cmath>
#include <cstring>

#include "ferry/json.h"

namespace ferry {

namespace {

// Containers keep their capacity in an 8-byte header before the first child,
// so that a Value stays 16 bytes.
struct ContainerHeader {
  uint32_t capacity;
  uint32_t unused;
};

template <typename T>
T* AllocateChildren(uint32_t capacity, Arena& arena) {
  void* mem = arena.Allocate(sizeof(ContainerHeader) + sizeof(T) * (capacity == 0 ? 1 : capacity), 8);
  auto* header = static_cast<ContainerHeader*>(mem);
  header->capacity = capacity;
  return reinterpret_cast<T*>(header + 1);
}

// Key comparison that is defined for empty views whose data() is null
// (memcmp with a null pointer is undefined even for length 0).
bool KeyEquals(const Value& k, std::string_view key) {
  std::string_view s = k.AsString();
  if (s.size() != key.size()) return false;
  if (key.empty()) return true;
  // Member names are short and usually differ in their first byte: test it
  // before paying for a memcmp call.
  return s[0] == key[0] && std::memcmp(s.data() + 1, key.data() + 1, key.size() - 1) == 0;
}

bool IsPlainInteger(std::string_view lit) {
  size_t i = (!lit.empty() && lit[0] == '-') ? 1 : 0;
  if (i >= lit.size()) return false;
  for (; i < lit.size(); ++i) {
    if (lit[i] < '0' || lit[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string_view JsonTypeName(JsonType t) {
  switch (t) {
    case JsonType::kNull: return "null";
    case JsonType::kBool: return "boolean";
    case JsonType::kNumber: return "number";
    case JsonType::kString: return "string";
    case JsonType::kArray: return "array";
    case JsonType::kObject: return "object";
  }
  return "unknown";
}

Value Value::Bool(bool b) {
  Value v;
  v.type_ = JsonType::kBool;
  v.bool_ = b ? 1 : 0;
  return v;
}

Value Value::NumberLiteral(std::string_view literal) {
  Value v;
  v.type_ = JsonType::kNumber;
  v.str_ = literal.data();
  v.size_ = static_cast<uint32_t>(literal.size());
  return v;
}

Value Value::Int(int64_t i, Arena& arena) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), i);
  return NumberLiteral(arena.CopyString(std::string_view(buf, size_t(r.ptr - buf))));
}

Value Value::Double(double d, Arena& arena) {
  if (!std::isfinite(d)) return Value();  // JSON has no NaN/Inf: null
  if (d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) {
    return Int(static_cast<int64_t>(d), arena);
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  return NumberLiteral(arena.CopyString(std::string_view(buf, size_t(r.ptr - buf))));
}

Value Value::StringView(std::string_view s) {
  Value v;
  v.type_ = JsonType::kString;
  v.str_ = s.data();
  v.size_ = static_cast<uint32_t>(s.size());
  // Decide once whether the writer must escape this string: strings made by
  // steps (keys, constants, dates) are written at least once, and the writer
  // would otherwise scan them twice (size, then bytes) on every write.
  bool plain = true;
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == '"' || ch == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) v.flags_ = kStringNeedsNoEscape;
  return v;
}

Value Value::StringViewNoEscape(std::string_view s) {
  Value v;
  v.type_ = JsonType::kString;
  v.str_ = s.data();
  v.size_ = static_cast<uint32_t>(s.size());
  v.flags_ = kStringNeedsNoEscape;
  return v;
}

Value Value::String(std::string_view s, Arena& arena) { return StringView(arena.CopyString(s)); }

Value Value::Array(Arena& arena, uint32_t capacity) {
  Value v;
  v.type_ = JsonType::kArray;
  v.items_ = AllocateChildren<Value>(capacity, arena);
  return v;
}

Value Value::Object(Arena& arena, uint32_t capacity) {
  Value v;
  v.type_ = JsonType::kObject;
  v.members_ = AllocateChildren<Member>(capacity, arena);
  return v;
}

uint32_t Value::capacity() const {
  return (reinterpret_cast<const ContainerHeader*>(ptr_) - 1)->capacity;
}

void Value::Reserve(uint32_t want, Arena& arena) {
  if (want <= capacity()) return;
  uint32_t cap = capacity() < 4 ? 4 : capacity() * 2;
  while (cap < want) cap *= 2;
  if (type_ == JsonType::kArray) {
    Value* n = AllocateChildren<Value>(cap, arena);
    if (size_ != 0) std::memcpy(static_cast<void*>(n), items_, sizeof(Value) * size_);
    items_ = n;
  } else {
    Member* n = AllocateChildren<Member>(cap, arena);
    if (size_ != 0) std::memcpy(static_cast<void*>(n), members_, sizeof(Member) * size_);
    members_ = n;
  }
}

double Value::AsDouble() const {
  double d = 0;
  auto r = std::from_chars(str_, str_ + size_, d);
  if (r.ec == std::errc::result_out_of_range) {
    // Huge magnitudes overflow to infinity, tiny ones underflow to zero.
    bool exp_negative = false;
    for (uint32_t i = 0; i + 1 < size_; ++i) {
      if ((str_[i] == 'e' || str_[i] == 'E') && str_[i + 1] == '-') exp_negative = true;
    }
    if (exp_negative) return 0.0;
    return str_[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  }
  return d;
}

bool Value::IsIntegral() const {
  if (IsPlainInteger(NumberLiteral())) return true;
  double d = AsDouble();
  return std::isfinite(d) && d == std::floor(d);
}

bool Value::GetInt64(int64_t* out) const {
  std::string_view lit = NumberLiteral();
  if (IsPlainInteger(lit)) {
    auto r = std::from_chars(lit.data(), lit.data() + lit.size(), *out);
    return r.ec == std::errc();
  }
  double d = AsDouble();
  if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.2e18) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

void Value::Append(Value v, Arena& arena) {
  Reserve(size_ + 1, arena);
  items_[size_++] = v;
}

void Value::InsertAt(size_t i, Value v, Arena& arena) {
  Reserve(size_ + 1, arena);
  std::memmove(static_cast<void*>(items_ + i + 1), items_ + i, sizeof(Value) * (size_ - i));
  items_[i] = v;
  ++size_;
}

void Value::EraseAt(size_t i) {
  std::memmove(static_cast<void*>(items_ + i), items_ + i + 1, sizeof(Value) * (size_ - i - 1));
  --size_;
}

int64_t Value::IndexOf(std::string_view key) const {
  for (int64_t i = int64_t(size_) - 1; i >= 0; --i) {
    if (KeyEquals(members_[i].key, key)) return i;
  }
  return -1;
}

Value* Value::Find(std::string_view key) {
  int64_t i = IndexOf(key);
  return i < 0 ? nullptr : &members_[i].value;
}

const Value* Value::Find(std::string_view key) const {
  int64_t i = IndexOf(key);
  return i < 0 ? nullptr : &members_[i].value;
}

Value* Value::Set(std::string_view key, Value v, Arena& arena) {
  int64_t i = IndexOf(key);
  if (i >= 0) {
    members_[i].value = v;
    return &members_[i].value;
  }
  Reserve(size_ + 1, arena);
  members_[size_].key = StringView(key);
  members_[size_].value = v;
  return &members_[size_++].value;
}

void Value::InsertMemberAt(size_t i, std::string_view key, Value v, Arena& arena) {
  Reserve(size_ + 1, arena);
  std::memmove(static_cast<void*>(members_ + i + 1), members_ + i, sizeof(Member) * (size_ - i));
  members_[i].key = StringView(key);
  members_[i].value = v;
  ++size_;
}

bool Value::Remove(std::string_view key, Value* removed) {
  bool any = false;
  for (int64_t i = int64_t(size_) - 1; i >= 0; --i) {
    if (KeyEquals(members_[i].key, key)) {
      if (!any && removed != nullptr) *removed = members_[i].value;
      any = true;
      EraseMemberAt(size_t(i));
    }
  }
  return any;
}

void Value::EraseMemberAt(size_t i) {
  std::memmove(static_cast<void*>(members_ + i), members_ + i + 1, sizeof(Member) * (size_ - i - 1));
  --size_;
}

Value Value::DeepCopy(Arena& arena) const {
  switch (type_) {
    case JsonType::kNull:
    case JsonType::kBool:
      return *this;
    case JsonType::kNumber:
      return NumberLiteral(arena.CopyString(NumberLiteral()));
    case JsonType::kString: {
      Value v = StringView(arena.CopyString(AsString()));
      v.flags_ = flags_;
      return v;
    }
    case JsonType::kArray: {
      Value v = Array(arena, size_);
      for (uint32_t i = 0; i < size_; ++i) v.items_[i] = items_[i].DeepCopy(arena);
      v.size_ = size_;
      return v;
    }
    case JsonType::kObject: {
      Value v = Object(arena, size_);
      for (uint32_t i = 0; i < size_; ++i) {
        v.members_[i].key = members_[i].key.DeepCopy(arena);
        v.members_[i].value = members_[i].value.DeepCopy(arena);
      }
      v.size_ = size_;
      return v;
    }
  }
  return Value();
}

bool Value::Equals(const Value& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case JsonType::kNull:
      return true;
    case JsonType::kBool:
      return bool_ == o.bool_;
    case JsonType::kNumber: {
      if (NumberLiteral() == o.NumberLiteral()) return true;
      double a = AsDouble(), b = o.AsDouble();
      if (std::isfinite(a) && std::isfinite(b)) return a == b;
      return false;
    }
    case JsonType::kString:
      return AsString() == o.AsString();
    case JsonType::kArray:
      if (size_ != o.size_) return false;
      for (uint32_t i = 0; i < size_; ++i) {
        if (!items_[i].Equals(o.items_[i])) return false;
      }
      return true;
    case JsonType::kObject: {
      // Compare as maps: every distinct key of each side resolves to equal
      // values on the other.
      for (uint32_t i = 0; i < size_; ++i) {
        std::string_view k = members_[i].key.AsString();
        if (IndexOf(k) != int64_t(i)) continue;  // shadowed duplicate
        const Value* ov = o.Find(k);
        if (ov == nullptr || !members_[i].value.Equals(*ov)) return false;
      }
      for (uint32_t i = 0; i < o.size_; ++i) {
        if (Find(o.members_[i].key.AsString()) == nullptr) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace ferry
