// Copyright (c) the Ferry authors.
//
// Reading a JSON request body written by a client: every member is checked
// for its type, unknown members are refused (a typo is never ignored), and
// each error is INVALID_ARGUMENT naming the member by its JSON Pointer and
// what is expected.

#ifndef FERRY_SERVER_REQUEST_BODY_H_
#define FERRY_SERVER_REQUEST_BODY_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/result.h"

namespace ferry::server {

class RequestBody {
 public:
  // Parses `text` (an empty body reads as {}). INVALID_ARGUMENT when it is
  // not a JSON object or has a member outside `known`.
  static Result<RequestBody> Parse(std::string_view text, std::initializer_list<std::string_view> known);
  RequestBody(RequestBody&&) = default;
  RequestBody& operator=(RequestBody&&) = default;

  bool Has(std::string_view name) const { return root_.Find(name) != nullptr; }
  // Each reads member `name`: nullopt when absent (or null), the value when
  // of the right type, else INVALID_ARGUMENT "/name must be ...".
  Result<std::optional<std::string>> String(std::string_view name) const;
  Result<std::optional<bool>> Bool(std::string_view name) const;
  // An integer in [min, max].
  Result<std::optional<uint64_t>> Uint(std::string_view name, uint64_t min, uint64_t max) const;
  Result<std::optional<std::vector<std::string>>> Strings(std::string_view name) const;
  // The member written back as JSON text ("" when absent).
  std::string Json(std::string_view name) const;
  // The member's Value (null when absent); valid while this body lives.
  const Value* Find(std::string_view name) const { return root_.Find(name); }

 private:
  RequestBody() = default;
  std::unique_ptr<Arena> arena_;
  Value root_;
};

// The string member `name`, or INVALID_ARGUMENT when it is absent.
Result<std::string> RequiredString(const RequestBody& body, std::string_view name);

}  // namespace ferry::server

#endif  // FERRY_SERVER_REQUEST_BODY_H_
