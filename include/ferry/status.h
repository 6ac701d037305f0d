// Copyright (c) the Ferry authors.
//
// Status: the outcome of an operation that can fail. No exception crosses
// Ferry's public API; every fallible call returns a Status or a Result<T>.
//
// Codes are stable: they are numbered, never reused, and mapped to process
// exit codes and HTTP statuses in exactly one place (src/common/status.cc).
// Their names (VALIDATION_ERROR, ...) appear in reject files, reports and
// JSON output, so scripts can rely on them.
//
// Thread safety: a Status is a value; distinct objects may be used from
// distinct threads without synchronisation.

#ifndef FERRY_STATUS_H_
#define FERRY_STATUS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace ferry {

// Stable error codes. Never renumber; append new codes at the end.
enum class ErrorCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // INVALID_ARGUMENT: a bad option or call argument
  kParseError = 2,       // PARSE_ERROR: input is not well-formed JSON/YAML
  kValidationError = 3,  // VALIDATION_ERROR: a record fails its JSON Schema
  kUnknownFormat = 4,    // UNKNOWN_FORMAT: no version detector matches
  kMigrationError = 5,   // MIGRATION_ERROR: a step could not be applied
  kConflict = 6,         // CONFLICT: the target already holds other data
  kRollbackError = 7,    // ROLLBACK_ERROR: going back is not possible
  kIoError = 8,          // IO_ERROR: reading or writing failed
  kProjectError = 9,     // PROJECT_ERROR: ferry.yaml or a schema is invalid
  kNotFound = 10,        // NOT_FOUND: a named thing does not exist
  kCancelled = 11,       // CANCELLED: interrupted (SIGINT) at a batch boundary
  kInternal = 12,        // INTERNAL: a bug in Ferry; please report it
  kRejected = 13,        // REJECTED: the run finished but records were rejected
                         // under --on-error collect
  kLocked = 14,          // LOCKED: another run holds the collection's lease
  kUnavailable = 15,     // UNAVAILABLE: a store stayed unreachable after retries
                         // (the run stops resumable)
  kChecksumMismatch = 16,  // CHECKSUM_MISMATCH: an applied migration was edited
  kIntegrityError = 17,    // INTEGRITY_ERROR: stored data failed its checksum or
                           // authentication (corrupt, truncated, reordered, tampered)
  kWrongKey = 18,          // WRONG_KEY: the passphrase or key file does not open
                           // this encrypted file or backup
};

// The stable upper-case name of `code`, e.g. "VALIDATION_ERROR".
std::string_view ErrorCodeName(ErrorCode code);

// The process exit code the command line uses for `code` (docs/exit-codes.md).
int ExitCodeFor(ErrorCode code);

// The HTTP status the server uses for `code`.
int HttpStatusFor(ErrorCode code);

class [[nodiscard]] Status {
 public:
  // Success.
  Status() noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(ErrorCode::kInvalidArgument, std::move(msg));
  }
  static Status ParseError(std::string msg) {
    return Status(ErrorCode::kParseError, std::move(msg));
  }
  static Status ValidationError(std::string msg) {
    return Status(ErrorCode::kValidationError, std::move(msg));
  }
  static Status UnknownFormat(std::string msg) {
    return Status(ErrorCode::kUnknownFormat, std::move(msg));
  }
  static Status MigrationError(std::string msg) {
    return Status(ErrorCode::kMigrationError, std::move(msg));
  }
  static Status IntegrityError(std::string msg) {
    return Status(ErrorCode::kIntegrityError, std::move(msg));
  }
  static Status WrongKey(std::string msg) {
    return Status(ErrorCode::kWrongKey, std::move(msg));
  }
  static Status IoError(std::string msg) {
    return Status(ErrorCode::kIoError, std::move(msg));
  }
  static Status ProjectError(std::string msg) {
    return Status(ErrorCode::kProjectError, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(ErrorCode::kNotFound, std::move(msg));
  }
  static Status Cancelled(std::string msg) {
    return Status(ErrorCode::kCancelled, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(ErrorCode::kInternal, std::move(msg));
  }
  static Status Locked(std::string msg) { return Status(ErrorCode::kLocked, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(ErrorCode::kUnavailable, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(ErrorCode::kConflict, std::move(msg)); }
  static Status RollbackError(std::string msg) { return Status(ErrorCode::kRollbackError, std::move(msg)); }
  static Status Rejected(std::string msg) {
    return Status(ErrorCode::kRejected, std::move(msg));
  }

  Status(ErrorCode code, std::string msg)
      : code_(code), message_(std::move(msg)) {}

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsInvalidArgument() const { return code_ == ErrorCode::kInvalidArgument; }
  bool IsParseError() const { return code_ == ErrorCode::kParseError; }
  bool IsValidationError() const { return code_ == ErrorCode::kValidationError; }
  bool IsIoError() const { return code_ == ErrorCode::kIoError; }
  bool IsProjectError() const { return code_ == ErrorCode::kProjectError; }
  bool IsNotFound() const { return code_ == ErrorCode::kNotFound; }
  bool IsCancelled() const { return code_ == ErrorCode::kCancelled; }

  // "VALIDATION_ERROR: message" (or "OK").
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

}  // namespace ferry

#endif  // FERRY_STATUS_H_
