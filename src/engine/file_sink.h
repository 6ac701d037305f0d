// Copyright (c) the Ferry authors.
//
// An output file published atomically: bytes go to a temporary file beside
// the target; Commit() syncs it, renames it over the target and syncs the
// directory; Abort() removes it (or keeps it under a ".partial" name). A
// crash before Commit() never leaves a half-written target.
//
// A target that is a symlink is published over the file it names (the link
// stays). A stream (IsStream: a character device, FIFO or socket, a symlink
// to one, or /dev/stdout, /dev/stderr, /dev/fd/N) cannot be replaced: it is
// written directly, with no temporary file and no rename; Sync() and
// Commit() only flush, Abort() only closes, and a resume goes on after
// whatever was written (a target stream is never resumed: ops/run.cc).

#ifndef FERRY_ENGINE_FILE_SINK_H_
#define FERRY_ENGINE_FILE_SINK_H_

#include <string>
#include <string_view>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();  // aborts (removes the temporary) when not committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file for `path`. IO_ERROR when the directory is
  // not writable. With a `tag` (a run id) the temporary file has a stable
  // name, ".NAME.ferry-TAG", so that a resumed run finds it again; with
  // `resume_length`, the existing temporary file is reopened and cut back to
  // that many bytes (what the last checkpoint covered).
  Status Open(const std::string& path, const std::string& tag = "", const uint64_t* resume_length = nullptr);
  // Buffered append.
  Status Append(std::string_view bytes);
  // Flush and fdatasync (the bytes so far survive a crash).
  Status Sync();
  // Flush, fsync, rename over the target, fsync the directory.
  Status Commit();
  // Commit() in two halves, for files published together: Seal() flushes,
  // fsyncs and closes the temporary file (kept); Rename() then renames it
  // over the target and fsyncs the directory. A sealed file that is never
  // renamed stays as the temporary file (remove it with temp_path()).
  Status Seal();
  Status Rename();
  // Closes the temporary file and keeps it (a resumable run stopped).
  void Close();
  // Publishes a copy of what was written so far at the target path
  // (atomically), keeping the temporary file for a resume.
  Status PublishCopy();
  // Removes the temporary file; with `keep_as_partial`, renames it to
  // PATH.partial instead (returned by partial_path()).
  void Abort(bool keep_as_partial = false);

  // The temporary file Open(path, tag) uses (tag non-empty).
  static std::string TempPathFor(const std::string& path, const std::string& tag);
  // Whether `name` (no directory) is a file Open(path) may write beside the
  // target: a temporary file of any run or PATH.partial.
  static bool IsWrittenBeside(const std::string& path, std::string_view name);
  // Where Open(path) publishes: `path`, or the file a symlink names.
  static std::string PublishPath(const std::string& path);
  // Whether `path` is a stream, written directly (see above).
  static bool IsStream(const std::string& path);

  bool is_stream() const { return stream_; }

  bool is_open() const { return fd_ >= 0; }
  uint64_t bytes_written() const { return written_; }
  const std::string& path() const { return path_; }
  const std::string& partial_path() const { return partial_path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  Status Flush();
  Status OpenStream(const std::string& path);
  int fd_ = -1;
  bool stream_ = false;
  std::string path_;
  std::string temp_path_;
  std::string partial_path_;
  std::string buffer_;
  uint64_t written_ = 0;
};

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_FILE_SINK_H_
