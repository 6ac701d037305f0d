// Copyright (c) the Ferry authors.
#include "server/tokens.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <utility>

#include "common/digest.h"
#include "common/json_builder.h"
#include "common/text.h"
#include "ferry/json.h"
#include "ferry/log.h"

namespace ferry::server {

namespace {

constexpr std::string_view kFormat = "ferry-tokens-1";
constexpr std::string_view kSecretPrefix = "fry_";
constexpr size_t kSecretBytes = 32;
constexpr size_t kMaxNameLength = 64;
constexpr size_t kSha256HexLength = 64;
constexpr mode_t kFileMode = 0600;
// A file modified less than this long before it was read may be modified
// again without its size, times or inode telling (timestamps are coarse):
// the registry reads it again until it is older (as git does for its index).
constexpr auto kRacyWindow = std::chrono::seconds(1);

constexpr Role kRoles[] = {Role::kViewer, Role::kOperator, Role::kAdmin};

// A token as the file keeps it.
struct StoredToken {
  TokenInfo info;
  std::string sha256_hex;
};

std::string NowUtcSeconds() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!internal::IsDigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

Status Malformed(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("tokens file " + path + " is malformed: " + what +
                                 "; fix it by hand, or move it away and create the tokens again with "
                                 "`ferry token create NAME --role ROLE --tokens " + path + "`");
}

// The string member `key` of `entry`, or "" with *error set.
std::string StringMember(const Value& entry, std::string_view key, const std::string& where, std::string* error) {
  const Value* v = entry.Find(key);
  if (v == nullptr || !v->IsString()) {
    if (error->empty()) *error = "\"" + std::string(key) + "\" must be a string at " + where;
    return "";
  }
  return std::string(v->AsString());
}

// One element of "tokens"; "" or what is wrong with it in *error.
StoredToken ParseEntry(const Value& entry, const std::string& where, std::string* error) {
  StoredToken t;
  if (!entry.IsObject()) {
    *error = "a token must be an object at " + where;
    return t;
  }
  t.info.name = StringMember(entry, "name", where, error);
  const std::string role = StringMember(entry, "role", where, error);
  t.sha256_hex = StringMember(entry, "sha256", where, error);
  t.info.created_at = StringMember(entry, "created_at", where, error);
  if (!error->empty()) return t;
  if (Status s = CheckTokenName(t.info.name); !s.ok()) *error = s.message() + " at " + where + "/name";
  if (auto r = ParseRole(role); r.ok()) {
    t.info.role = r.value();
  } else if (error->empty()) {
    *error = r.status().message() + " at " + where + "/role";
  }
  if (error->empty() && (t.sha256_hex.size() != kSha256HexLength || !IsLowerHex(t.sha256_hex))) {
    *error = "\"sha256\" must be 64 lower-case hex digits at " + where + "/sha256";
  }
  return t;
}

Result<std::vector<StoredToken>> ParseTokensFile(const std::string& path, std::string_view text) {
  Arena arena;
  JsonParser parser;
  auto doc = parser.Parse(text, arena);
  if (!doc.ok()) return Malformed(path, "not JSON (" + doc.status().message() + ")");
  const Value* format = doc->IsObject() ? doc->Find("format") : nullptr;
  if (format == nullptr || !format->IsString() || format->AsString() != kFormat) {
    return Malformed(path, "\"format\" must be \"" + std::string(kFormat) + "\" at /format");
  }
  const Value* list = doc->Find("tokens");
  if (list == nullptr || !list->IsArray()) return Malformed(path, "\"tokens\" must be an array at /tokens");
  std::vector<StoredToken> tokens;
  for (uint32_t i = 0; i < list->size(); ++i) {
    const std::string where = "/tokens/" + std::to_string(i);
    std::string error;
    StoredToken t = ParseEntry((*list)[i], where, &error);
    for (const StoredToken& seen : tokens) {
      if (error.empty() && seen.info.name == t.info.name) error = "name \"" + t.info.name + "\" twice at " + where;
    }
    if (!error.empty()) return Malformed(path, error);
    tokens.push_back(std::move(t));
  }
  return tokens;
}

// The whole file at `path` into *text; errno tells why it failed.
bool ReadAll(const std::string& path, std::string* text) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text->append(buf, size_t(n));
  }
  const int read_errno = errno;
  ::close(fd);
  errno = read_errno;
  return n == 0;
}

// The file's tokens; NOT_FOUND when it does not exist.
Result<std::vector<StoredToken>> ReadTokensFile(const std::string& path) {
  std::string text;
  if (!ReadAll(path, &text)) {
    if (errno == ENOENT) {
      return Status::NotFound("no tokens file " + path + "; create one with `ferry token create NAME --role admin "
                              "--tokens " + path + "`");
    }
    return Status::IoError(Errno("cannot read tokens file", path));
  }
  return ParseTokensFile(path, text);
}

// One token per line, so that a person reading the file (or its diff) sees
// one change per line.
std::string RenderTokensFile(const std::vector<StoredToken>& tokens) {
  std::string out = "{\"format\":\"" + std::string(kFormat) + "\",\"tokens\":[";
  for (size_t i = 0; i < tokens.size(); ++i) {
    const StoredToken& t = tokens[i];
    out += i == 0 ? "\n" : ",\n";
    internal::JsonBuilder j(&out);
    j.Begin().Key("name").Str(t.info.name).Key("role").Str(RoleName(t.info.role));
    j.Key("sha256").Str(t.sha256_hex).Key("created_at").Str(t.info.created_at).End();
  }
  return out + "\n]}\n";
}

std::string DirectoryOf(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// An exclusive advisory lock (flock) on the directory of the tokens file,
// held while one command reads, changes and replaces the file. The file
// itself cannot carry the lock: it is replaced by a rename.
class DirectoryLock {
 public:
  static Result<std::unique_ptr<DirectoryLock>> Acquire(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Status::IoError(Errno("cannot open the directory of the tokens file", dir));
    if (::flock(fd, LOCK_EX) != 0) {
      Status s = Status::IoError(Errno("cannot lock the directory of the tokens file", dir));
      ::close(fd);
      return s;
    }
    return std::unique_ptr<DirectoryLock>(new DirectoryLock(fd));
  }
  ~DirectoryLock() { ::close(fd_); }  // closing releases the lock
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  int fd() const { return fd_; }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(Errno("cannot write", path));
    data.remove_prefix(size_t(n));
  }
  return Status::OK();
}

// Writes `text` to a new file beside `path` (mode 0600), syncs it, renames
// it over `path` and syncs the directory; removes the new file on failure.
Status ReplaceFile(const std::string& path, std::string_view text, const DirectoryLock& dir) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return Status::IoError(Errno("cannot create a file beside", path));
  Status s = ::fchmod(fd, kFileMode) == 0 ? WriteAll(fd, text, tmp) : Status::IoError(Errno("cannot chmod", tmp));
  if (s.ok() && ::fsync(fd) != 0) s = Status::IoError(Errno("cannot sync", tmp));
  if (::close(fd) != 0 && s.ok()) s = Status::IoError(Errno("cannot close", tmp));
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = Status::IoError(Errno("cannot replace", path));
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  if (::fsync(dir.fd()) != 0) return Status::IoError(Errno("cannot sync the directory of", path));
  return Status::OK();
}

// Reads the file under the directory lock (a missing file is an empty set
// when `missing_is_empty`), lets `change` edit the tokens, and writes them
// back.
template <typename Change>
Status UpdateTokensFile(const std::string& path, bool missing_is_empty, Change change) {
  FERRY_ASSIGN_OR_RETURN(auto lock, DirectoryLock::Acquire(DirectoryOf(path)));
  auto tokens = ReadTokensFile(path);
  if (!tokens.ok() && !(missing_is_empty && tokens.status().IsNotFound())) return tokens.status();
  std::vector<StoredToken> list = tokens.ok() ? std::move(tokens).value() : std::vector<StoredToken>{};
  FERRY_RETURN_IF_ERROR(change(&list));
  return ReplaceFile(path, RenderTokensFile(list), *lock);
}

Result<std::string> NewSecret() {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  unsigned char bytes[kSecretBytes];
  randombytes_buf(bytes, sizeof(bytes));
  char encoded[sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof(encoded), bytes, sizeof(bytes), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof(bytes));
  return std::string(kSecretPrefix) + encoded;
}

std::array<unsigned char, 32> HashFromHex(const std::string& hex) {
  std::array<unsigned char, 32> out{};
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(internal::HexValue(hex[2 * i]) * 16 + internal::HexValue(hex[2 * i + 1]));
  }
  return out;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kOperator: return "operator";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : kRoles) {
    if (name == RoleName(r)) return r;
  }
  return Status::InvalidArgument("unknown role \"" + std::string(name) + "\": use viewer, operator or admin");
}

Status CheckTokenName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxNameLength && internal::IsAlnum(name.front());
  for (char c : name) ok = ok && (internal::IsAlnum(c) || c == '.' || c == '_' || c == '-');
  if (ok) return Status::OK();
  return Status::InvalidArgument("bad token name \"" + std::string(name) +
                                 "\": use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
}

Result<std::string> CreateToken(const std::string& path, std::string_view name, Role role) {
  FERRY_RETURN_IF_ERROR(CheckTokenName(name));
  FERRY_ASSIGN_OR_RETURN(std::string secret, NewSecret());
  StoredToken token{TokenInfo{std::string(name), role, NowUtcSeconds()}, internal::Sha256Hex(secret)};
  Status s = UpdateTokensFile(path, /*missing_is_empty=*/true, [&](std::vector<StoredToken>* tokens) {
    for (const StoredToken& t : *tokens) {
      if (t.info.name == name) {
        return Status::Conflict("a token named \"" + t.info.name + "\" exists in " + path +
                                ": choose another name, or revoke it first with `ferry token revoke " + t.info.name +
                                " --tokens " + path + "`");
      }
    }
    tokens->push_back(std::move(token));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return secret;
}

Status RevokeToken(const std::string& path, std::string_view name) {
  return UpdateTokensFile(path, /*missing_is_empty=*/false, [&](std::vector<StoredToken>* tokens) {
    const size_t before = tokens->size();
    std::erase_if(*tokens, [&](const StoredToken& t) { return t.info.name == name; });
    if (tokens->size() != before) return Status::OK();
    return Status::NotFound("no token named \"" + std::string(name) + "\" in " + path +
                            " (`ferry token list --tokens " + path + "` lists them)");
  });
}

Result<std::vector<TokenInfo>> ListTokens(const std::string& path) {
  FERRY_ASSIGN_OR_RETURN(std::vector<StoredToken> tokens, ReadTokensFile(path));
  std::vector<TokenInfo> out;
  for (StoredToken& t : tokens) out.push_back(std::move(t.info));
  return out;
}

// ---------------------------------------------------------------- registry

// What tells one version of the file from another without reading it.
struct TokenRegistry::FileIdentity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  // Modified within kRacyWindow of being looked at: read it again next time.
  bool racy = false;

  static FileIdentity Of(const std::string& path) {
    FileIdentity id;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return id;
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.size = st.st_size;
    id.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    id.ctime_ns = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    id.racy = now_ns - std::max(id.mtime_ns, id.ctime_ns) <
              std::chrono::duration_cast<std::chrono::nanoseconds>(kRacyWindow).count();
    return id;
  }
  bool SameVersion(const FileIdentity& o) const {
    return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns &&
           ctime_ns == o.ctime_ns;
  }
};

TokenRegistry::TokenRegistry(std::string path) : path_(std::move(path)) {}
TokenRegistry::~TokenRegistry() = default;

Result<std::unique_ptr<TokenRegistry>> TokenRegistry::Open(const std::string& path) {
  std::unique_ptr<TokenRegistry> registry(new TokenRegistry(path));
  auto identity = std::make_unique<FileIdentity>(FileIdentity::Of(path));
  FERRY_ASSIGN_OR_RETURN(std::vector<StoredToken> tokens, ReadTokensFile(path));
  for (const StoredToken& t : tokens) registry->entries_.push_back(Entry{t.info, HashFromHex(t.sha256_hex)});
  registry->identity_ = std::move(identity);
  return registry;
}

void TokenRegistry::RefreshLocked() {
  // The identity is taken before reading: a change during the read makes it
  // differ next time, and the file is read again.
  FileIdentity now = FileIdentity::Of(path_);
  if (now.SameVersion(*identity_) && !identity_->racy) return;
  const bool changed = !now.SameVersion(*identity_);
  *identity_ = now;
  auto tokens = ReadTokensFile(path_);
  if (tokens.ok()) {
    entries_.clear();
    for (const StoredToken& t : tokens.value()) entries_.push_back(Entry{t.info, HashFromHex(t.sha256_hex)});
    return;
  }
  if (tokens.status().IsNotFound()) {
    if (changed) Log(LogLevel::kWarn, "the tokens file was removed: no token is valid", {LogStr("path", path_)});
    entries_.clear();
    return;
  }
  if (changed) {
    Log(LogLevel::kWarn, "the tokens file cannot be used; keeping the tokens read before",
        {LogStr("path", path_), LogStr("error", tokens.status().ToString()),
         LogNum("tokens", double(entries_.size()))});
  }
}

std::optional<TokenInfo> TokenRegistry::Authenticate(std::string_view secret) {
  const std::array<unsigned char, 32> presented = internal::Sha256(secret);
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked();
  // Every entry is compared, whatever matched before: no early exit.
  size_t match = entries_.size();
  for (size_t i = 0; i < entries_.size(); ++i) {
    const bool equal = sodium_memcmp(entries_[i].sha256.data(), presented.data(), presented.size()) == 0;
    match = equal ? i : match;
  }
  if (secret.empty() || match == entries_.size()) return std::nullopt;
  return entries_[match].info;
}

}  // namespace ferry::server
