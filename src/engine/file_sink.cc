// Copyright (c) the Ferry authors.
#include "engine/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ferry::internal {

namespace {

constexpr size_t kBufferSize = 1 << 20;

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open directory " + dir + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IoError("cannot sync directory " + dir + ": " + std::strerror(err));
  return Status::OK();
}

}  // namespace

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) Abort(false);
}

Status AtomicFile::Open(const std::string& path) {
  path_ = path;
  temp_path_ = DirName(path) + "/." + BaseName(path) + ".ferry-tmp-" + std::to_string(::getpid());
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return Status::IoError("cannot create " + temp_path_ + ": " + std::strerror(errno) +
                           " (is the target directory writable?)");
  }
  buffer_.reserve(kBufferSize + 4096);
  return Status::OK();
}

Status AtomicFile::Append(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferSize) {
    FERRY_RETURN_IF_ERROR(Flush());
    if (bytes.size() > kBufferSize) {
      buffer_.assign(bytes);
      return Flush();
    }
  }
  buffer_.append(bytes);
  return Status::OK();
}

Status AtomicFile::Flush() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot write " + temp_path_ + ": " + std::strerror(errno));
    }
    p += n;
    left -= size_t(n);
    written_ += uint64_t(n);
  }
  buffer_.clear();
  return Status::OK();
}

Status AtomicFile::Commit() {
  FERRY_RETURN_IF_ERROR(Flush());
  if (::fsync(fd_) != 0) return Status::IoError("cannot sync " + temp_path_ + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    Status s = Status::IoError("cannot rename " + temp_path_ + " to " + path_ + ": " + std::strerror(errno));
    ::unlink(temp_path_.c_str());
    return s;
  }
  return SyncDir(DirName(path_));
}

void AtomicFile::Abort(bool keep_as_partial) {
  if (fd_ < 0) return;
  if (keep_as_partial) {
    Status s = Flush();
    ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
    partial_path_ = path_ + ".partial";
    if (s.ok() && ::rename(temp_path_.c_str(), partial_path_.c_str()) == 0) return;
    partial_path_.clear();
    ::unlink(temp_path_.c_str());
    return;
  }
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
}

}  // namespace ferry::internal
