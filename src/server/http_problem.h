// Copyright (c) the Ferry authors.
//
// Errors over HTTP: every failed request answers application/problem+json
// (RFC 9457) carrying Ferry's stable error code. The HTTP status comes from
// the one table of error codes (HttpStatusFor, docs/exit-codes.md).

#ifndef FERRY_SERVER_HTTP_PROBLEM_H_
#define FERRY_SERVER_HTTP_PROBLEM_H_

#include <string>
#include <string_view>

#include "ferry/status.h"

namespace ferry::server {

// What a problem document says besides the error itself.
struct ProblemContext {
  std::string instance;    // the request's path
  std::string request_id;  // X-Request-Id of the request
};

// {"type", "title", "status", "detail", "instance", "code", "request_id"}
// for `status` (not OK), answered with HttpStatusFor(status.code()).
std::string ProblemJson(const Status& status, const ProblemContext& context);
// The same for an HTTP-level refusal without an error code of its own
// (401, 403, 405, 411, 413, 415): `code` names it (UNAUTHENTICATED,
// PERMISSION_DENIED, METHOD_NOT_ALLOWED, LENGTH_REQUIRED,
// PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE); or an error code whose
// status it has (NOT_FOUND for a path, UNAVAILABLE for 503). `type` is
// urn:ferry:problem:CODE.
std::string ProblemJson(int http_status, std::string_view code, std::string_view detail,
                        const ProblemContext& context);

inline constexpr const char* kProblemType = "application/problem+json";

}  // namespace ferry::server

#endif  // FERRY_SERVER_HTTP_PROBLEM_H_
