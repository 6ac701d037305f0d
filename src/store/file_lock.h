// Copyright (c) the Ferry authors.
//
// Kernel locks on SQLite database files, taken before SQLite opens them.
//
// SQLite keeps its write-ahead log and shared memory in files named after the
// path it was given (NAME-wal, NAME-shm). Two processes that open one
// database under two names (hard links) use two logs for one file and
// corrupt it. So every SQLite connection Ferry opens goes through a
// DatabaseFile: one descriptor per database file (device and inode) per
// process, holding an open-file-description lock (Linux F_OFD_SETLK) on one
// byte derived from the file's canonical name (symlinks resolved). Before it
// is used, the other name bytes are tested: a lock there means another
// process has the file open under another name, and the open is refused
// with LOCKED. Runs also take an exclusive byte per table (the target lease,
// store/target_lease.h). The kernel drops all of them when the process dies.
//
// Byte ranges (far above SQLite's own lock bytes at 0x40000000..0x40000200,
// and beyond any file's end, so nothing is ever written there):
//   kNameLockBase  + hash32(canonical name)   shared, per name in use
//   kTableLockBase + hash32(table)            exclusive, per table leased
//
// The descriptor stays open while any connection to the file is open in the
// process: closing a descriptor drops the process's POSIX locks on the file,
// SQLite's included (fcntl's rule), so it is closed only after the last one.
//
// Thread safety: Open() and handle destruction may run on any thread.

#ifndef FERRY_STORE_FILE_LOCK_H_
#define FERRY_STORE_FILE_LOCK_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "ferry/result.h"

namespace ferry::internal {

struct FileId {
  uint64_t device = 0;
  uint64_t inode = 0;
};

// The device and inode of `path` (symlinks followed); NOT_FOUND when it
// does not exist.
Result<FileId> IdentifyFile(const std::string& path);

class DatabaseFile {
 public:
  // Opens `path` (creating an empty file when `create`; an empty file is an
  // empty SQLite database) and registers its name; LOCKED when another
  // process, or this one, has it open under another name. Every handle of
  // one file in this process shares one descriptor.
  static Result<std::shared_ptr<DatabaseFile>> Open(const std::string& path, bool create);
  DatabaseFile(const DatabaseFile&) = delete;
  DatabaseFile& operator=(const DatabaseFile&) = delete;

  // The name SQLite must be given (symlinks resolved), so that every
  // connection to the file shares one -wal and -shm.
  const std::string& canonical_path() const { return canonical_; }
  FileId id() const { return id_; }

  // Takes the exclusive byte of `table` without waiting: false when another
  // process (or another lease in this one) holds it. Released by
  // UnlockTable() or when the last handle goes.
  Result<bool> TryLockTable(const std::string& table);
  void UnlockTable(const std::string& table);
  // Whether another process holds the byte of `table` of the file at `path`
  // (which this process may not be able to Open(): in use under another name).
  static Result<bool> TableLockedElsewhere(const std::string& path, const std::string& table);
  // Whether this process has the file at `path` open (through a handle).
  static bool OpenHere(const std::string& path);

 private:
  DatabaseFile(int fd, std::string canonical, FileId id) : fd_(fd), canonical_(std::move(canonical)), id_(id) {}
  // A new handle of `file` for `path`; LOCKED when `path` is another name.
  static Result<std::shared_ptr<DatabaseFile>> Share(DatabaseFile* file, const std::string& path);
  static void Release(DatabaseFile* file);

  int fd_;
  std::string canonical_;
  FileId id_;
  int refs_ = 0;                     // handles; guarded by the registry's mutex
  std::set<std::string> tables_;     // locked tables; guarded by the registry's mutex
};

}  // namespace ferry::internal

#endif  // FERRY_STORE_FILE_LOCK_H_
