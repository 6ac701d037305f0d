// Copyright (c) the Ferry authors.
//
// DistinctFiles: a command's outputs must never be its inputs. Every command
// that writes files (run, export, import, backup create, backup restore)
// names what it reads or keeps (the source, the project file, a database
// and its -wal/-shm/-journal companions, Ferry's state) and then each file
// it is about to write; an output that is one of them, or an earlier
// output, is refused with INVALID_ARGUMENT before anything is written.
//
// Files are compared by what they are, not by how they are named:
//   - a file that exists: its device and inode (symlinks followed, so a
//     symlink or a hard link to the source is the source);
//   - a file that does not exist yet: its directory's device and inode and
//     its name; when the directory does not exist either: its absolute,
//     normalised path.
// A character device (/dev/null, a terminal) is never in the way: writing
// to it overwrites no file.
//
// An output may also name the files written beside it (the temporary
// ".NAME.ferry-RUN" of an atomic publication, the parts of a split file):
// `beside` is asked about every name in the output's directory, and each
// name it accepts must not be an input either.
//
// Thread safety: a single-threaded object.

#ifndef FERRY_STORE_DISTINCT_FILES_H_
#define FERRY_STORE_DISTINCT_FILES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

class DistinctFiles {
 public:
  // Accepts the names (no directory) of files written beside an output.
  using NameFilter = std::function<bool(std::string_view name)>;

  // A file the command reads or keeps; `role` names it in messages
  // ("the source", "Ferry's state"). Nothing for an empty path.
  void AddInput(const std::string& role, const std::string& path);
  // An SQLite database: `path` and its -wal, -shm and -journal files.
  void AddDatabase(const std::string& role, const std::string& path);

  // A file the command writes (nothing for an empty path): INVALID_ARGUMENT
  // when it, or a file beside it that `beside` accepts, is an input or an
  // earlier output. Then it counts as an output.
  Status AddOutput(const std::string& role, const std::string& path, const NameFilter& beside = nullptr);
  // An SQLite database the command writes: the file and its companions.
  Status AddOutputDatabase(const std::string& role, const std::string& path);

 private:
  // What a path names (see above); `role` and `path` for messages.
  struct Entry {
    std::string role;
    std::string path;
    bool exists = false;
    bool char_device = false;
    uint64_t device = 0, inode = 0;  // the file's, or (not existing) its directory's
    std::string name;                // not existing: the name in that directory, or the absolute path
    bool Same(const Entry& other) const;
  };
  static Entry Identify(const std::string& role, const std::string& path);
  const Entry* Find(const std::vector<Entry>& list, const Entry& e) const;
  Status CheckBeside(const std::string& role, const std::string& path, const NameFilter& beside) const;

  std::vector<Entry> inputs_;
  std::vector<Entry> outputs_;
};

}  // namespace ferry::internal

#endif  // FERRY_STORE_DISTINCT_FILES_H_
