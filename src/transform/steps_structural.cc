// Copyright (c) the Ferry authors.
//
// Structural steps: add, remove, rename, hoist, plunge, wrap, head, keep.
// Each Forward computes what its Backward would do by default and saves a
// complement exactly when that default would not give the input back
// (complement shapes: docs/steps.md).

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "transform/transform_internal.h"

namespace ferry::internal {
namespace {

// Keys of complement objects (static strings: complements never point
// into a StepList).
constexpr std::string_view kKeyIndex = "i";
constexpr std::string_view kKeyOld = "o";
constexpr std::string_view kKeyValue = "v";
constexpr std::string_view kKeyHost = "h";
constexpr std::string_view kKeyPositions = "p";

std::span<const std::string_view> ParentTokens(const FieldPath& p, std::string_view* buf, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i + 1 < p.tokens.size() && n < cap; ++i) buf[n++] = p.tokens[i];
  return std::span<const std::string_view>(buf, n);
}

std::span<const std::string_view> AllTokens(const FieldPath& p, std::string_view* buf, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < p.tokens.size() && n < cap; ++i) buf[n++] = p.tokens[i];
  return std::span<const std::string_view>(buf, n);
}

constexpr size_t kMaxPointerTokens = 32;

Status FailAtPath(StepContext& ctx, const FieldPath& p, std::string msg) {
  std::string_view buf[kMaxPointerTokens];
  return ctx.Fail(AllTokens(p, buf, kMaxPointerTokens), std::move(msg));
}

Status FailNoParent(StepContext& ctx, const FieldPath& p, std::string_view step) {
  std::string_view buf[kMaxPointerTokens];
  return ctx.Fail(ParentTokens(p, buf, kMaxPointerTokens),
                  std::string(step) + ": no object to hold \"" + p.leaf() + "\"");
}

// Owns the constants of a step: an Arena of its own (the spec's Arena
// belongs to the loader).
struct Constants {
  Arena arena{1024};
};

// --- add ----------------------------------------------------------------------

class AddStep final : public StepBase {
 public:
  AddStep() : StepBase("add") {}
  FieldPath field;
  Constants constants;
  Value value;

  bool lossy() const override { return false; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* parent = ResolveParent(doc, field);
    if (parent == nullptr) return FailNoParent(ctx, field, "add");
    int64_t i = parent->IndexOf(field.leaf());
    if (i >= 0) {
      // Pre-existing: left alone. Backward removes the field only when it
      // holds the constant, so a note is needed only in that case.
      if (Identical(parent->members()[i].value, value)) ctx.SaveComplement(Value::Bool(true));
      return Status::OK();
    }
    AppendMember(*parent, field.leaf(), Materialize(value, ctx.arena()), ctx.arena());
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    if (ctx.complement() != nullptr) return Status::OK();
    Value* parent = ResolveParent(doc, field);
    if (parent == nullptr) return Status::OK();
    int64_t i = parent->IndexOf(field.leaf());
    if (i >= 0 && Identical(parent->members()[i].value, value)) parent->EraseMemberAt(size_t(i));
    return Status::OK();
  }
};

// --- remove -------------------------------------------------------------------

class RemoveStep final : public StepBase {
 public:
  RemoveStep() : StepBase("remove") {}
  FieldPath field;
  bool has_default = false;
  Constants constants;
  Value default_value;

  bool lossy() const override { return true; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* parent = ResolveParent(doc, field);
    if (parent == nullptr) return Status::OK();
    int64_t i = parent->IndexOf(field.leaf());
    if (i < 0) {
      // Absent: backward must not invent the default.
      if (has_default) ctx.SaveComplement(Value::Bool(false));
      return Status::OK();
    }
    Arena& a = ctx.arena();
    ctx.SaveComplement(Tuple(a, {SmallInt(i, a), parent->members()[i].value.DeepCopy(a)}));
    parent->EraseMemberAt(size_t(i));
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && c->IsBool()) return Status::OK();
    Value* parent = ResolveParent(doc, field);
    if (c == nullptr) {
      if (has_default && parent != nullptr && parent->IndexOf(field.leaf()) < 0) {
        AppendMember(*parent, field.leaf(), Materialize(default_value, ctx.arena()), ctx.arena());
      }
      return Status::OK();
    }
    int64_t idx;
    if (!c->IsArray() || c->size() != 2 || !ReadIndex(&(*c)[0], &idx)) return BadComplement(name());
    if (parent == nullptr) return FailNoParent(ctx, field, "remove");
    InsertMemberClamped(*parent, idx, Value::StringView(field.leaf()), (*c)[1].DeepCopy(ctx.arena()),
                        ctx.arena());
    return Status::OK();
  }
};

// --- rename -------------------------------------------------------------------

class RenameStep final : public StepBase {
 public:
  RenameStep() : StepBase("rename") {}
  FieldPath from;
  std::string to;

  bool lossy() const override { return false; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* parent = ResolveParent(doc, from);
    if (parent == nullptr) return Status::OK();
    int64_t i = parent->IndexOf(from.leaf());
    int64_t j = parent->IndexOf(to);
    if (i < 0) {
      if (j >= 0) ctx.SaveComplement(Value::Bool(false));  // backward must not rename `to`
      return Status::OK();
    }
    if (j >= 0) {
      Arena& a = ctx.arena();
      ctx.SaveComplement(Tuple(a, {SmallInt(j, a), parent->members()[j].value.DeepCopy(a)}));
      parent->EraseMemberAt(size_t(j));
      if (j < i) --i;
    }
    parent->members()[i].key = Value::StringView(to);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && c->IsBool()) return Status::OK();
    int64_t old_index = -1;
    if (c != nullptr && (!c->IsArray() || c->size() != 2 || !ReadIndex(&(*c)[0], &old_index))) {
      return BadComplement(name());
    }
    Value* parent = ResolveParent(doc, from);
    if (parent == nullptr) return Status::OK();
    int64_t j = parent->IndexOf(to);
    if (j >= 0) parent->members()[j].key = Value::StringView(from.leaf());
    if (c != nullptr) {
      InsertMemberClamped(*parent, old_index, Value::StringView(to), (*c)[1].DeepCopy(ctx.arena()), ctx.arena());
    }
    return Status::OK();
  }
};

// --- hoist ----------------------------------------------------------------------

class HoistStep final : public StepBase {
 public:
  HoistStep() : StepBase("hoist") {}
  FieldPath host;
  std::string field;

  bool lossy() const override { return false; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* parent = ResolveParent(doc, host);
    if (parent == nullptr) return Status::OK();
    int64_t hi = parent->IndexOf(host.leaf());
    if (hi < 0 || !parent->members()[hi].value.IsObject()) return Status::OK();
    Value& h = parent->members()[hi].value;
    int64_t k = h.IndexOf(field);
    if (k < 0) {
      if (parent->IndexOf(field) >= 0) ctx.SaveComplement(Value::Bool(false));
      return Status::OK();
    }
    Member moved = h.members()[k];
    h.EraseMemberAt(size_t(k));
    Arena& a = ctx.arena();
    Value comp;
    if (k != int64_t(h.size())) {  // not the last member: backward must know where
      comp = Value::Object(a, 2);
      AppendMember(comp, kKeyIndex, SmallInt(k, a), a);
    }
    int64_t pj = parent->IndexOf(field);
    if (pj >= 0) {
      if (comp.IsNull()) comp = Value::Object(a, 1);
      AppendMember(comp, kKeyOld, Tuple(a, {SmallInt(pj, a), parent->members()[pj].value.DeepCopy(a)}), a);
      parent->EraseMemberAt(size_t(pj));
      if (pj < hi) --hi;
    }
    parent->InsertMemberAt(size_t(hi + 1), field, moved.value, a);
    parent->members()[hi + 1].key = moved.key;
    if (!comp.IsNull()) ctx.SaveComplement(comp);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && c->IsBool()) return Status::OK();
    if (c != nullptr && !c->IsObject()) return BadComplement(name());
    Value* parent = ResolveParent(doc, host);
    if (parent == nullptr) return Status::OK();
    int64_t hi = parent->IndexOf(host.leaf());
    if (hi < 0 || !parent->members()[hi].value.IsObject()) return Status::OK();
    int64_t pi = parent->IndexOf(field);
    if (pi < 0) return Status::OK();
    Member moved = parent->members()[pi];
    parent->EraseMemberAt(size_t(pi));
    if (pi < hi) --hi;
    Value& h = parent->members()[hi].value;
    int64_t k = int64_t(h.size());
    if (c != nullptr && c->Find(kKeyIndex) != nullptr && !ReadIndex(c->Find(kKeyIndex), &k)) {
      return BadComplement(name());
    }
    InsertMemberClamped(h, k, moved.key, moved.value, ctx.arena());
    const Value* old = c == nullptr ? nullptr : c->Find(kKeyOld);
    if (old != nullptr) {
      int64_t pj;
      if (!old->IsArray() || old->size() != 2 || !ReadIndex(&(*old)[0], &pj)) return BadComplement(name());
      InsertMemberClamped(*parent, pj, Value::StringView(field), (*old)[1].DeepCopy(ctx.arena()), ctx.arena());
    }
    return Status::OK();
  }
};

// --- plunge -------------------------------------------------------------------

class PlungeStep final : public StepBase {
 public:
  PlungeStep() : StepBase("plunge") {}
  std::string host;
  std::vector<std::string> fields;

  bool lossy() const override { return false; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    if (!doc.IsObject()) return Status::OK();
    Arena& a = ctx.arena();
    int64_t hi = doc.IndexOf(host);
    if (hi >= 0 && !doc.members()[hi].value.IsObject()) {
      return ctx.FailAt(host, "plunge: \"" + host + "\" is not an object (it is " +
                                  std::string(JsonTypeName(doc.members()[hi].value.type())) + ")");
    }
    const size_t n = fields.size();
    // Original index of each listed field (-1: absent), in list order.
    auto* pos = static_cast<int64_t*>(a.Allocate(sizeof(int64_t) * n, alignof(int64_t)));
    auto* moved = static_cast<Member*>(a.Allocate(sizeof(Member) * n, alignof(Member)));
    size_t present = 0;
    int64_t first = -1;
    bool natural = hi < 0;
    for (size_t f = 0; f < n; ++f) {
      pos[f] = doc.IndexOf(fields[f]);
      if (pos[f] < 0) continue;
      if (present == 0) {
        first = pos[f];
      } else if (pos[f] != first + int64_t(present)) {
        natural = false;
      }
      ++present;
    }
    // Take the fields out, highest index first so the others stay valid.
    int64_t min_pos = int64_t(doc.size());
    auto* done = static_cast<bool*>(a.Allocate(n, 1));
    for (size_t f = 0; f < n; ++f) {
      done[f] = pos[f] < 0;
      if (pos[f] >= 0) {
        moved[f] = doc.members()[pos[f]];
        min_pos = std::min(min_pos, pos[f]);
      }
    }
    for (;;) {
      size_t best_f = n;
      for (size_t f = 0; f < n; ++f) {
        if (!done[f] && (best_f == n || pos[f] > pos[best_f])) best_f = f;
      }
      if (best_f == n) break;
      doc.EraseMemberAt(size_t(pos[best_f]));
      done[best_f] = true;
    }
    Value comp;
    Value* h;
    if (hi < 0) {
      size_t at = present == 0 ? doc.size() : size_t(min_pos);
      doc.InsertMemberAt(at, host, Value::Object(a, uint32_t(present)), a);
      h = &doc.members()[at].value;
    } else {
      h = doc.Find(host);
      comp = Value::Object(a, 3);
      AppendMember(comp, kKeyHost, Value::Bool(true), a);
    }
    Value old;  // [[index in host, old value], ...] for members overwritten
    for (size_t f = 0; f < n; ++f) {
      if (pos[f] < 0) continue;
      int64_t k = h->IndexOf(fields[f]);
      if (k >= 0) {
        if (old.IsNull()) old = Value::Array(a, 1);
        old.Append(Tuple(a, {SmallInt(k, a), h->members()[k].value.DeepCopy(a)}), a);
        h->members()[k].value = moved[f].value;
      } else {
        h->InsertMemberAt(h->size(), fields[f], moved[f].value, a);
        h->members()[h->size() - 1].key = moved[f].key;
      }
    }
    if (!natural) {
      if (comp.IsNull()) comp = Value::Object(a, 2);
      Value p = Value::Array(a, uint32_t(n));
      for (size_t f = 0; f < n; ++f) p.Append(pos[f] < 0 ? Value::Int(-1, a) : SmallInt(pos[f], a), a);
      AppendMember(comp, kKeyPositions, p, a);
    }
    if (!old.IsNull()) AppendMember(comp, kKeyOld, old, a);
    if (!comp.IsNull()) ctx.SaveComplement(comp);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && !c->IsObject()) return BadComplement(name());
    if (!doc.IsObject()) return Status::OK();
    Arena& a = ctx.arena();
    int64_t hi = doc.IndexOf(host);
    if (hi < 0) return Status::OK();
    if (!doc.members()[hi].value.IsObject()) {
      return ctx.FailAt(host, "plunge: \"" + host + "\" is not an object");
    }
    const Value* existed = c == nullptr ? nullptr : c->Find(kKeyHost);
    const Value* positions = c == nullptr ? nullptr : c->Find(kKeyPositions);
    const Value* old = c == nullptr ? nullptr : c->Find(kKeyOld);
    const size_t n = fields.size();
    if (positions != nullptr && (!positions->IsArray() || positions->size() != n)) return BadComplement(name());
    if (old != nullptr && !old->IsArray()) return BadComplement(name());
    Value& h = doc.members()[hi].value;
    auto* pos = static_cast<int64_t*>(a.Allocate(sizeof(int64_t) * n, alignof(int64_t)));
    auto* moved = static_cast<Member*>(a.Allocate(sizeof(Member) * n, alignof(Member)));
    // Which fields were moved, and their value (restoring overwritten
    // members of a pre-existing host).
    int64_t next = hi;
    for (size_t f = 0; f < n; ++f) {
      pos[f] = -1;
      if (positions != nullptr) {
        int64_t p;
        if (!(*positions)[f].IsNumber() || !(*positions)[f].GetInt64(&p)) return BadComplement(name());
        if (p < 0) continue;
        pos[f] = p;
      }
      int64_t k = h.IndexOf(fields[f]);
      if (k < 0) {
        if (positions != nullptr) return FailAt(ctx, h, f);
        continue;
      }
      if (positions == nullptr) pos[f] = next++;
      moved[f] = h.members()[k];
      const Value* restore = nullptr;
      for (uint32_t o = 0; old != nullptr && o < old->size(); ++o) {
        const Value& e = (*old)[o];
        int64_t oi;
        if (!e.IsArray() || e.size() != 2 || !ReadIndex(&e[0], &oi)) return BadComplement(name());
        if (oi == k) restore = &e[1];
      }
      if (restore != nullptr) {
        h.members()[k].value = restore->DeepCopy(a);
      } else {
        h.EraseMemberAt(size_t(k));
      }
    }
    if (existed == nullptr) doc.EraseMemberAt(size_t(hi));
    // Re-insert in ascending original position.
    for (;;) {
      size_t best_f = n;
      for (size_t f = 0; f < n; ++f) {
        if (pos[f] >= 0 && (best_f == n || pos[f] < pos[best_f])) best_f = f;
      }
      if (best_f == n) break;
      InsertMemberClamped(doc, pos[best_f], moved[best_f].key, moved[best_f].value, a);
      pos[best_f] = -1;
    }
    return Status::OK();
  }

 private:
  Status FailAt(StepContext& ctx, const Value&, size_t f) const {
    std::string_view tokens[2] = {host, fields[f]};
    return ctx.Fail(tokens, "plunge: \"" + fields[f] + "\" is missing from \"" + host + "\"; cannot go back");
  }
};

// --- wrap ---------------------------------------------------------------------

class WrapStep final : public StepBase {
 public:
  WrapStep() : StepBase("wrap") {}
  FieldPath field;
  std::string into;  // == leaf when not given
  std::string as = "value";
  std::string only;  // "" = any type
  bool array = false;
  Constants constants;
  Value with;  // object of constant members (may be null)

  bool lossy() const override { return !only.empty(); }

  Value MakeWrapper(Value v, Arena& a) const {
    uint32_t extra = with.IsObject() ? with.size() : 0;
    Value o = Value::Object(a, 1 + extra);
    AppendMember(o, as, v, a);
    for (uint32_t i = 0; i < extra; ++i) {
      const Member& m = with.members()[i];
      AppendMember(o, m.key.AsString(), Materialize(m.value, a), a);
    }
    return o;
  }

  Status ForwardArray(Value& doc, StepContext& ctx) const {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (!only.empty() && !TypeMatches(*slot, only)) {
      ctx.SaveComplement(Value::Bool(false));
      return Status::OK();
    }
    Value arr = Value::Array(ctx.arena(), 1);
    arr.Append(*slot, ctx.arena());
    *slot = arr;
    return Status::OK();
  }

  Status BackwardArray(Value& doc, StepContext& ctx) const {
    if (ctx.complement() != nullptr) return Status::OK();
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (!slot->IsArray() || slot->size() != 1) {
      return FailAtPath(ctx, field, "wrap: expected an array of one element to unwrap");
    }
    *slot = (*slot)[0];
    return Status::OK();
  }

  Status Forward(Value& doc, StepContext& ctx) const override {
    if (array) return ForwardArray(doc, ctx);
    Value* parent = ResolveParent(doc, field);
    if (parent == nullptr) return Status::OK();
    Arena& a = ctx.arena();
    int64_t i = parent->IndexOf(field.leaf());
    bool renames = into != field.leaf();
    int64_t j = renames ? parent->IndexOf(into) : -1;
    if (i < 0 && only.empty()) {
      if (j >= 0) ctx.SaveComplement(Value::Bool(false));
      return Status::OK();
    }
    Value comp;
    if (j >= 0) {
      comp = Value::Object(a, 2);
      AppendMember(comp, kKeyOld, Tuple(a, {SmallInt(j, a), parent->members()[j].value.DeepCopy(a)}), a);
      parent->EraseMemberAt(size_t(j));
      if (i > j) --i;
    }
    if (i < 0) {
      // `only` and no field: into = null (backward removes it).
      AppendMember(*parent, into, Value::Null(), a);
    } else {
      Member& m = parent->members()[i];
      if (only.empty() || TypeMatches(m.value, only)) {
        m.value = MakeWrapper(m.value, a);
      } else {
        if (comp.IsNull()) comp = Value::Object(a, 1);
        AppendMember(comp, kKeyValue, m.value.DeepCopy(a), a);
        m.value = Value::Null();
      }
      if (renames) m.key = Value::StringView(into);
    }
    if (!comp.IsNull()) ctx.SaveComplement(comp);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    if (array) return BackwardArray(doc, ctx);
    const Value* c = ctx.complement();
    if (c != nullptr && c->IsBool()) return Status::OK();
    if (c != nullptr && !c->IsObject()) return BadComplement(name());
    Value* parent = ResolveParent(doc, field);
    if (parent == nullptr) return Status::OK();
    Arena& a = ctx.arena();
    int64_t j = parent->IndexOf(into);
    const Value* original = c == nullptr ? nullptr : c->Find(kKeyValue);
    const Value* old = c == nullptr ? nullptr : c->Find(kKeyOld);
    if (j >= 0) {
      Member& m = parent->members()[j];
      if (original != nullptr) {
        m.value = original->DeepCopy(a);
        m.key = Value::StringView(field.leaf());
      } else if (m.value.IsNull() && !only.empty()) {
        parent->EraseMemberAt(size_t(j));
      } else {
        const Value* inner = m.value.IsObject() ? m.value.Find(as) : nullptr;
        if (inner == nullptr) {
          std::string_view tokens[1] = {into};
          return ctx.Fail(tokens, "wrap: \"" + into + "\" has no member \"" + as + "\" to unwrap");
        }
        m.value = *inner;
        m.key = Value::StringView(field.leaf());
      }
    }
    if (old != nullptr) {
      int64_t oj;
      if (!old->IsArray() || old->size() != 2 || !ReadIndex(&(*old)[0], &oj)) return BadComplement(name());
      InsertMemberClamped(*parent, oj, Value::StringView(into), (*old)[1].DeepCopy(a), a);
    }
    return Status::OK();
  }
};

// --- head ---------------------------------------------------------------------

class HeadStep final : public StepBase {
 public:
  HeadStep() : StepBase("head") {}
  FieldPath field;

  bool lossy() const override { return true; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (!slot->IsArray()) {
      return FailAtPath(ctx, field, "head: expected an array, got " + std::string(JsonTypeName(slot->type())));
    }
    Arena& a = ctx.arena();
    uint32_t n = slot->size();
    if (n == 0) {
      ctx.SaveComplement(Value::Bool(false));
      *slot = Value::Null();
      return Status::OK();
    }
    if (n > 1) {
      Value rest = Value::Array(a, n - 1);
      for (uint32_t i = 1; i < n; ++i) rest.Append((*slot)[i].DeepCopy(a), a);
      ctx.SaveComplement(rest);
    }
    *slot = (*slot)[0];
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    Arena& a = ctx.arena();
    if (c != nullptr && c->IsBool()) {
      *slot = Value::Array(a, 0);
      return Status::OK();
    }
    if (c != nullptr && !c->IsArray()) return BadComplement(name());
    uint32_t rest = c == nullptr ? 0 : c->size();
    Value arr = Value::Array(a, 1 + rest);
    arr.Append(*slot, a);
    for (uint32_t i = 0; i < rest; ++i) arr.Append((*c)[i].DeepCopy(a), a);
    *slot = arr;
    return Status::OK();
  }
};

// --- keep ---------------------------------------------------------------------

class KeepStep final : public StepBase {
 public:
  KeepStep() : StepBase("keep") {}
  std::vector<std::string> fields;

  bool lossy() const override { return true; }

  bool Listed(std::string_view key) const {
    for (const std::string& f : fields) {
      if (f.size() == key.size() && f == key) return true;
    }
    return false;
  }

  Status Forward(Value& doc, StepContext& ctx) const override {
    if (!doc.IsObject()) return Status::OK();
    Arena& a = ctx.arena();
    Value dropped;  // [index, key, value, index, key, value, ...]
    uint32_t w = 0;
    const uint32_t n = doc.size();
    Member* m = doc.members();
    for (uint32_t r = 0; r < n; ++r) {
      if (Listed(m[r].key.AsString())) {
        m[w++] = m[r];
        continue;
      }
      if (dropped.IsNull()) dropped = Value::Array(a, 3);
      dropped.Append(SmallInt(r, a), a);
      dropped.Append(m[r].key.DeepCopy(a), a);
      dropped.Append(m[r].value.DeepCopy(a), a);
    }
    if (dropped.IsNull()) return Status::OK();
    // Erase the tail in one go: members [w, n) are now stale copies.
    while (doc.size() > w) doc.EraseMemberAt(doc.size() - 1);
    ctx.SaveComplement(dropped);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c == nullptr) return Status::OK();
    if (!c->IsArray() || c->size() % 3 != 0) return BadComplement(name());
    if (!doc.IsObject()) return ctx.FailAt("", "keep: cannot restore members into a non-object");
    Arena& a = ctx.arena();
    for (uint32_t t = 0; t < c->size(); t += 3) {
      int64_t idx;
      if (!ReadIndex(&(*c)[t], &idx) || !(*c)[t + 1].IsString()) return BadComplement(name());
      InsertMemberClamped(doc, idx, (*c)[t + 1].DeepCopy(a), (*c)[t + 2].DeepCopy(a), a);
    }
    return Status::OK();
  }
};

Status CheckSameParent(SpecReader& spec, const FieldPath& from, std::string* to) {
  // `to` may repeat the parent ("a.b" -> "a.c") or name just the member.
  std::string error;
  FieldPath tp;
  if (!ParseFieldPath(*to, &tp, &error)) return spec.ErrorAt("to", error);
  if (tp.self()) return spec.ErrorAt("to", "must name a member");
  if (tp.tokens.size() == 1) {
    *to = tp.leaf();
    return Status::OK();
  }
  if (tp.tokens.size() != from.tokens.size()) {
    return spec.ErrorAt("to", "must stay in the same object as \"from\" (use hoist/plunge to move)");
  }
  for (size_t i = 0; i + 1 < tp.tokens.size(); ++i) {
    if (tp.tokens[i] != from.tokens[i]) {
      return spec.ErrorAt("to", "must stay in the same object as \"from\" (use hoist/plunge to move)");
    }
  }
  *to = tp.leaf();
  return Status::OK();
}

Status RequireKey(SpecReader& spec, std::string_view param, std::string* out) {
  FERRY_RETURN_IF_ERROR(spec.RequireString(param, out));
  if (out->empty()) return spec.ErrorAt(param, "must not be empty");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Step>> NewAddStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<AddStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, false));
  const Value* v = spec.Get("value");
  if (v == nullptr) return spec.Error("missing \"value\" (use null for a null field)");
  s->value = v->DeepCopy(s->constants.arena);
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewRemoveStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<RemoveStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, false));
  if (const Value* d = spec.Get("default")) {
    s->has_default = true;
    s->default_value = d->DeepCopy(s->constants.arena);
  }
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewRenameStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<RenameStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("from", &s->from, false));
  FERRY_RETURN_IF_ERROR(RequireKey(spec, "to", &s->to));
  FERRY_RETURN_IF_ERROR(CheckSameParent(spec, s->from, &s->to));
  if (s->to == s->from.leaf()) return spec.Error("\"from\" and \"to\" are the same");
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewHoistStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<HoistStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("host", &s->host, false));
  FERRY_RETURN_IF_ERROR(RequireKey(spec, "field", &s->field));
  if (s->field == s->host.leaf()) return spec.Error("\"field\" must differ from the host's name");
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewPlungeStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<PlungeStep>();
  FERRY_RETURN_IF_ERROR(RequireKey(spec, "host", &s->host));
  bool has_field = false;
  std::string field;
  FERRY_RETURN_IF_ERROR(spec.OptionalString("field", &field, &has_field));
  if (spec.params().IsObject() && spec.params().Has("fields")) {
    if (has_field) return spec.Error("give either \"field\" or \"fields\", not both");
    FERRY_RETURN_IF_ERROR(spec.RequireStringList("fields", &s->fields));
  } else {
    spec.Get("fields");
    if (!has_field) return spec.Error("missing \"field\" or \"fields\"");
    s->fields.push_back(field);
  }
  for (size_t i = 0; i < s->fields.size(); ++i) {
    if (s->fields[i].empty()) return spec.ErrorAt("fields", "names must not be empty");
    if (s->fields[i] == s->host) return spec.ErrorAt("fields", "cannot move the host into itself");
    for (size_t j = 0; j < i; ++j) {
      if (s->fields[j] == s->fields[i]) return spec.ErrorAt("fields", "\"" + s->fields[i] + "\" is listed twice");
    }
  }
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewWrapStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<WrapStep>();
  FERRY_RETURN_IF_ERROR(spec.OptionalBool("array", &s->array));
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, s->array));
  bool has_into = false, has_as = false, has_only = false;
  std::string into;
  FERRY_RETURN_IF_ERROR(spec.OptionalString("into", &into, &has_into));
  FERRY_RETURN_IF_ERROR(spec.OptionalString("as", &s->as, &has_as));
  FERRY_RETURN_IF_ERROR(spec.OptionalString("only", &s->only, &has_only));
  const Value* with = spec.Get("with");
  if (has_only && !IsTypeName(s->only)) {
    return spec.ErrorAt("only", "unknown type \"" + s->only +
                                    "\" (null, boolean, number, integer, string, array, object)");
  }
  if (s->array) {
    if (has_into || has_as || with != nullptr) {
      return spec.Error("\"into\", \"as\" and \"with\" apply to object wraps, not \"array: true\"");
    }
  } else {
    s->into = s->field.leaf();
    if (has_into) FERRY_RETURN_IF_ERROR(CheckSameParent(spec, s->field, &(s->into = into)));
    if (s->as.empty()) return spec.ErrorAt("as", "must not be empty");
    if (with != nullptr) {
      if (!with->IsObject()) return spec.ErrorAt("with", "expected an object of constant members");
      if (with->Has(s->as)) return spec.ErrorAt("with", "must not repeat the \"as\" member \"" + s->as + "\"");
      s->with = with->DeepCopy(s->constants.arena);
    }
  }
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewHeadStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<HeadStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewKeepStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<KeepStep>();
  FERRY_RETURN_IF_ERROR(spec.RequireStringList("fields", &s->fields));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

}  // namespace ferry::internal
