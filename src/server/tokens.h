// Copyright (c) the Ferry authors.
//
// API tokens of `ferry serve`: the tokens file, what `ferry token
// create|list|revoke` do to it, and the registry the server checks each
// request's bearer token against (docs/server.md, "Tokens and roles").
//
// A token is a random secret, "fry_" followed by 43 base64url characters
// (32 random bytes from libsodium's CSPRNG). It is shown once, by
// CreateToken; the file keeps only its SHA-256, so a copy of the file lets
// nobody in. The tokens file is JSON:
//
//   {"format": "ferry-tokens-1",
//    "tokens": [{"name": "ci", "role": "operator",
//                "sha256": "<64 lower-case hex digits>",
//                "created_at": "2026-12-08T00:56:27Z"}]}
//
// Names are 1-64 characters of [A-Za-z0-9._-] starting with a letter or
// digit, unique in the file. Every change writes a new file beside it, syncs
// it and renames it over the old one (mode 0600), under an advisory lock of
// the directory, so a reader sees the old set or the new one, never a mix,
// and two `ferry token` commands at once lose nothing.
//
// Errors: INVALID_ARGUMENT for a bad name or role and for a malformed file
// (naming the file, the JSON Pointer of what is wrong and what to do);
// CONFLICT for a name in use; NOT_FOUND for an unknown name or a missing
// file (CreateToken creates a missing file); IO_ERROR when the file cannot
// be read or written. Secrets never appear in an error or a log line.
//
// Thread safety: the free functions may be called from any thread (each
// call reads and writes the file whole); TokenRegistry is thread-safe.

#ifndef FERRY_SERVER_TOKENS_H_
#define FERRY_SERVER_TOKENS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::server {

// Ordered: a higher role may do everything a lower one may.
//   viewer    every GET, events, metrics
//   operator  + analyze, plan, validate, verify, runs, cancel, resume,
//             imports, exports, backup create/verify
//   admin     + rollbacks, backup restore/delete/prune, cleanup, tokens
enum class Role : uint8_t { kViewer = 0, kOperator = 1, kAdmin = 2 };

// "viewer", "operator", "admin".
const char* RoleName(Role role);
// The role named `name`; INVALID_ARGUMENT naming viewer|operator|admin
// otherwise.
Result<Role> ParseRole(std::string_view name);
// Whether a caller holding `held` may do what needs `needed`.
inline bool RoleAllows(Role held, Role needed) { return held >= needed; }

// One token as listed: never its secret nor its hash.
struct TokenInfo {
  std::string name;
  Role role = Role::kViewer;
  std::string created_at;  // ISO 8601 UTC, seconds: "2026-12-08T00:56:27Z"
};

// Whether `name` is a valid token name (see above); INVALID_ARGUMENT saying
// what is allowed otherwise.
Status CheckTokenName(std::string_view name);

// Adds a token `name` with `role` to the tokens file at `path` (created,
// mode 0600, when missing; its directory must exist) and returns its secret,
// which is nowhere else: the caller shows it once. CONFLICT when `name` is
// in use.
Result<std::string> CreateToken(const std::string& path, std::string_view name, Role role);

// Removes the token `name` from the file. NOT_FOUND when there is none.
Status RevokeToken(const std::string& path, std::string_view name);

// The tokens of the file, in the order they were created. NOT_FOUND when
// the file does not exist.
Result<std::vector<TokenInfo>> ListTokens(const std::string& path);

// The server's view of a tokens file. Authenticate re-reads the file when it
// changed since the last read (another inode, size, modification or change
// time, or a modification too recent to tell two writes apart), so
// `ferry token create|revoke` takes effect at the next request, without a
// restart. A file that became malformed or unreadable keeps the last good set
// (a warning is logged once per change); a file that was removed leaves no
// token valid (a warning is logged).
class TokenRegistry {
 public:
  // Reads the file at `path`. NOT_FOUND when it does not exist (the message
  // says how to create one), INVALID_ARGUMENT when it is malformed.
  static Result<std::unique_ptr<TokenRegistry>> Open(const std::string& path);
  ~TokenRegistry();
  TokenRegistry(const TokenRegistry&) = delete;
  TokenRegistry& operator=(const TokenRegistry&) = delete;

  // The token whose secret is `secret` (as presented: "fry_..."), or nullopt.
  // The SHA-256 of `secret` is compared with every stored hash in constant
  // time, without stopping at a match, so the time taken does not tell which
  // token (or how much of one) matched.
  std::optional<TokenInfo> Authenticate(std::string_view secret);

  const std::string& path() const { return path_; }

 private:
  struct Entry {
    TokenInfo info;
    std::array<unsigned char, 32> sha256;
  };
  struct FileIdentity;

  explicit TokenRegistry(std::string path);
  // Re-reads the file when it changed. REQUIRES: mu_ held.
  void RefreshLocked();

  const std::string path_;
  std::mutex mu_;
  std::vector<Entry> entries_;              // guarded by mu_
  std::unique_ptr<FileIdentity> identity_;  // of the last read; guarded by mu_
};

}  // namespace ferry::server

#endif  // FERRY_SERVER_TOKENS_H_
