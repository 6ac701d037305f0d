// Copyright (c) the Ferry authors.
//
// DatabaseFile (file_lock.h): one descriptor per database file per process,
// with open-file-description locks on its name byte and its leased tables.

#include "store/file_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

namespace ferry::internal {

namespace {

constexpr off_t kNameLockBase = off_t(0x5000000000000000);
constexpr off_t kTableLockBase = off_t(0x6000000000000000);
constexpr off_t kHashRange = off_t(1) << 32;

off_t Hash32(const std::string& s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return off_t((h ^ (h >> 32)) & 0xffffffffull);
}

struct flock Range(short type, off_t start, off_t len) {
  struct flock l;
  std::memset(&l, 0, sizeof l);
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = start;
  l.l_len = len;
  return l;
}

// Whether another open file description holds a lock in [start, start+len).
Result<bool> OthersHold(int fd, off_t start, off_t len) {
  if (len <= 0) return false;
  struct flock l = Range(F_WRLCK, start, len);
  if (::fcntl(fd, F_OFD_GETLK, &l) != 0) {
    return Status::IoError(std::string("fcntl(F_OFD_GETLK): ") + std::strerror(errno));
  }
  return l.l_type != F_UNLCK;
}

// The path the kernel opened (symlinks resolved; a hard link keeps its own name).
std::string OpenedName(int fd, const std::string& path) {
  char buf[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n > 0 && buf[0] == '/') return std::string(buf, size_t(n));
  std::error_code ec;
  auto p = std::filesystem::canonical(path, ec);
  return ec ? std::filesystem::absolute(path).lexically_normal().string() : p.string();
}

// The name OpenedName() gives `path`, without opening it.
std::string OpenedNameOf(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::canonical(path, ec);
  return ec ? std::filesystem::absolute(path).lexically_normal().string() : p.string();
}

// Takes the shared lock on `name`'s byte, then fails when any other name's
// byte is locked (someone has the file open under another name). Both
// processes of a race may refuse; never both proceed.
Status RegisterName(int fd, const std::string& name, const std::string& display) {
  const off_t mine = kNameLockBase + Hash32(name);
  struct flock l = Range(F_RDLCK, mine, 1);
  if (::fcntl(fd, F_OFD_SETLK, &l) != 0) {
    return Status::IoError("cannot lock SQLite database " + display + ": " + std::strerror(errno));
  }
  FERRY_ASSIGN_OR_RETURN(bool below, OthersHold(fd, kNameLockBase, mine - kNameLockBase));
  FERRY_ASSIGN_OR_RETURN(bool above, OthersHold(fd, mine + 1, kNameLockBase + kHashRange - mine - 1));
  if (below || above) {
    return Status::Locked("SQLite database " + display + " is in use by another process under another name (a hard " +
                          "link to the same file): SQLite would keep two logs for one file and corrupt it. Wait for " +
                          "that process, or use the name it uses");
  }
  return Status::OK();
}

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

std::map<std::pair<uint64_t, uint64_t>, DatabaseFile*>& Registry() {
  static auto* files = new std::map<std::pair<uint64_t, uint64_t>, DatabaseFile*>();
  return *files;
}

}  // namespace

Result<FileId> IdentifyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Status::IoError("cannot stat " + path + ": " + std::strerror(errno));
  }
  return FileId{uint64_t(st.st_dev), uint64_t(st.st_ino)};
}

Result<std::shared_ptr<DatabaseFile>> DatabaseFile::Open(const std::string& path, bool create) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  // Open in this process already: share its descriptor. Never open and
  // close a second one: closing any descriptor of a file drops every POSIX
  // lock this process holds on it, SQLite's too (its WAL-mode shared lock;
  // without it another process may delete the log in use).
  if (auto id = IdentifyFile(path); id.ok()) {
    if (auto it = Registry().find({id->device, id->inode}); it != Registry().end()) return Share(it->second, path);
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
  if (fd < 0 && (errno == EACCES || errno == EROFS)) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("SQLite database " + path + " does not exist");
    return Status::IoError("cannot open SQLite database " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return Status::IoError("cannot stat SQLite database " + path + ": " + std::strerror(errno));
  }
  const FileId id{uint64_t(st.st_dev), uint64_t(st.st_ino)};
  if (auto it = Registry().find({id.device, id.inode}); it != Registry().end()) {
    // The path was replaced by a file open here since the stat above: keep
    // the extra descriptor open (closing it would drop locks, see above).
    return Share(it->second, path);
  }
  const std::string name = OpenedName(fd, path);
  if (Status s = RegisterName(fd, name, path); !s.ok()) {
    ::close(fd);  // nothing of this file is open here
    return s;
  }
  DatabaseFile* file = new DatabaseFile(fd, name, id);
  Registry()[{id.device, id.inode}] = file;
  return Share(file, path);
}

Result<std::shared_ptr<DatabaseFile>> DatabaseFile::Share(DatabaseFile* file, const std::string& path) {
  if (file->canonical_ != OpenedNameOf(path)) {
    return Status::Locked("SQLite database " + path + " is already open in this process as " + file->canonical_ +
                          " (a hard link to the same file); use one name");
  }
  ++file->refs_;
  return std::shared_ptr<DatabaseFile>(file, &DatabaseFile::Release);
}

bool DatabaseFile::OpenHere(const std::string& path) {
  auto id = IdentifyFile(path);
  if (!id.ok()) return false;
  std::lock_guard<std::mutex> lock(RegistryMutex());
  return Registry().count({id->device, id->inode}) > 0;
}

void DatabaseFile::Release(DatabaseFile* file) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (--file->refs_ > 0) return;
  Registry().erase({file->id_.device, file->id_.inode});
  ::close(file->fd_);  // drops every lock of this description
  delete file;
}

Result<bool> DatabaseFile::TryLockTable(const std::string& table) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (tables_.count(table) > 0) return false;  // another lease of this process
  struct flock l = Range(F_WRLCK, kTableLockBase + Hash32(table), 1);
  if (::fcntl(fd_, F_OFD_SETLK, &l) == 0) {
    tables_.insert(table);
    return true;
  }
  if (errno == EAGAIN || errno == EACCES) return false;
  return Status::IoError("cannot lock table " + table + " of " + canonical_ + ": " + std::strerror(errno));
}

Result<bool> DatabaseFile::TableLockedElsewhere(const std::string& path, const std::string& table) {
  FERRY_ASSIGN_OR_RETURN(FileId id, IdentifyFile(path));
  const off_t byte = kTableLockBase + Hash32(table);
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find({id.device, id.inode});
  if (it != Registry().end()) return OthersHold(it->second->fd_, byte, 1);
  // No handle here, so no SQLite connection of this process whose locks a
  // close() could drop.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  Result<bool> held = OthersHold(fd, byte, 1);
  ::close(fd);
  return held;
}

void DatabaseFile::UnlockTable(const std::string& table) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (tables_.erase(table) == 0) return;
  struct flock l = Range(F_UNLCK, kTableLockBase + Hash32(table), 1);
  (void)::fcntl(fd_, F_OFD_SETLK, &l);
}

}  // namespace ferry::internal
