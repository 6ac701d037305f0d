// Copyright (c) the Ferry authors.
//
// Fuzz target for store URIs (store/store.h): any text parses or fails
// cleanly (INVALID_ARGUMENT for a bad URI); a file URI's format options
// (store/file_store.h: the "?k=v&..." query, e.g. csv types=) are checked
// for reading and writing without any other error; its part names
// (PartPath) differ from the path and from each other and keep the format
// the name tells; and a password placed in a
// postgres:// URI never shows in what Ferry prints or locks on (display,
// identity), whatever surrounds it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/file_store.h"
#include "store/store.h"

namespace {

void CheckFileUri(const ferry::internal::StoreUri& u) {
  using ferry::internal::FileFormat;
  const ferry::internal::FileSpec& spec = u.file;
  for (bool writing : {false, true}) {
    ferry::Status s = ferry::internal::CheckFileOptions(spec, writing);
    if (!s.ok() && !s.IsInvalidArgument()) __builtin_trap();
  }
  if (spec.path.empty() || spec.path.size() > 4096) return;
  FileFormat by_name = FileFormat::kJsonLines;
  const bool named = ferry::internal::FormatFromPath(spec.path, &by_name);
  std::string previous = spec.path;
  for (uint64_t n : {uint64_t(1), uint64_t(2), uint64_t(99999), uint64_t(100000)}) {
    const std::string part = ferry::internal::PartPath(spec.path, n);
    if (part == spec.path || part == previous) __builtin_trap();
    FileFormat part_format = FileFormat::kJsonLines;
    if (ferry::internal::FormatFromPath(part, &part_format) != named) __builtin_trap();
    if (named && part_format != by_name) __builtin_trap();
    previous = part;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto any = ferry::internal::ParseStoreUri(text, "items");
  if (!any.ok() && !any.status().IsInvalidArgument()) __builtin_trap();
  if (any.ok() && any->kind == ferry::internal::StoreKind::kFile) CheckFileUri(*any);

  // The first line is a password (no '@', '/', '?', '#', '&', newline), the
  // rest a query string.
  size_t nl = text.find('\n');
  std::string password(text.substr(0, nl));
  std::string rest(nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1));
  if (password.size() < 4 || password.find_first_of("@/?#&:=\n") != std::string::npos) return 0;
  if (rest.find('\n') != std::string::npos) return 0;
  const std::string uri = "postgres://alice:" + password + "@127.0.0.1:5432/app?table=t&" + rest;
  const std::string without = "postgres://alice:***@127.0.0.1:5432/app?table=t&" + rest;
  if (without.find(password) != std::string::npos) return 0;  // it occurs elsewhere anyway
  auto u = ferry::internal::ParseStoreUri(uri, "items");
  if (!u.ok()) {
    // The same error for the URI with *** in its place tells whether the
    // text would be there anyway (the message quotes the table name, say).
    auto w = ferry::internal::ParseStoreUri(without, "items");
    const bool anyway = !w.ok() && w.status().message().find(password) != std::string::npos;
    if (!anyway && u.status().message().find(password) != std::string::npos) __builtin_trap();
    return 0;
  }
  if (u->display.find(password) != std::string::npos) __builtin_trap();
  if (u->identity.find(password) != std::string::npos) __builtin_trap();
  if (ferry::internal::RedactUri(uri).find(password) != std::string::npos) __builtin_trap();
  return 0;
}
