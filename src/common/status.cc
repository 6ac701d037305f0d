// Copyright (c) the Ferry authors.
//
// The one place where error codes meet their names, exit codes and HTTP
// statuses (docs/exit-codes.md documents the same table).
#include "ferry/status.h"

namespace ferry {

namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int exit_code;
  int http_status;
};

constexpr CodeInfo kCodes[] = {
    {ErrorCode::kOk, "OK", 0, 200},
    {ErrorCode::kInvalidArgument, "INVALID_ARGUMENT", 2, 400},
    {ErrorCode::kParseError, "PARSE_ERROR", 65, 400},
    {ErrorCode::kValidationError, "VALIDATION_ERROR", 65, 422},
    {ErrorCode::kUnknownFormat, "UNKNOWN_FORMAT", 65, 422},
    {ErrorCode::kMigrationError, "MIGRATION_ERROR", 70, 422},
    {ErrorCode::kConflict, "CONFLICT", 75, 409},
    {ErrorCode::kRollbackError, "ROLLBACK_ERROR", 70, 409},
    {ErrorCode::kIoError, "IO_ERROR", 74, 500},
    {ErrorCode::kProjectError, "PROJECT_ERROR", 78, 400},
    {ErrorCode::kNotFound, "NOT_FOUND", 66, 404},
    {ErrorCode::kCancelled, "CANCELLED", 130, 499},
    {ErrorCode::kInternal, "INTERNAL", 70, 500},
    {ErrorCode::kRejected, "REJECTED", 3, 422},
    {ErrorCode::kLocked, "LOCKED", 75, 423},
    {ErrorCode::kUnavailable, "UNAVAILABLE", 69, 503},
    {ErrorCode::kChecksumMismatch, "CHECKSUM_MISMATCH", 78, 409},
    {ErrorCode::kIntegrityError, "INTEGRITY_ERROR", 65, 422},
    {ErrorCode::kWrongKey, "WRONG_KEY", 77, 403},
};

const CodeInfo& Info(ErrorCode code) {
  for (const CodeInfo& c : kCodes) {
    if (c.code == code) return c;
  }
  return kCodes[static_cast<int>(ErrorCode::kInternal)];
}

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return Info(code).name; }
int ExitCodeFor(ErrorCode code) { return Info(code).exit_code; }
int HttpStatusFor(ErrorCode code) { return Info(code).http_status; }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(ErrorCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace ferry
