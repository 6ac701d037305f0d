// Copyright (c) the Ferry authors.
//
// Fuzz target for store URIs (store/store.h): any text parses or fails
// cleanly (INVALID_ARGUMENT for a bad URI), and a password placed in a
// postgres:// URI never shows in what Ferry prints or locks on (display,
// identity), whatever surrounds it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto any = ferry::internal::ParseStoreUri(text, "items");
  if (!any.ok() && !any.status().IsInvalidArgument()) __builtin_trap();

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
