// Copyright (c) the Ferry authors.
#include "engine/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>

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

// The descriptor a path such as /dev/stdout or /dev/fd/3 names; -1 for
// any other path.
int NamedDescriptor(const std::string& path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    const std::string p(prefix);
    if (path.size() > p.size() && path.compare(0, p.size(), p) == 0 &&
        path.find_first_not_of("0123456789", p.size()) == std::string::npos && path.size() - p.size() < 9) {
      return std::atoi(path.c_str() + p.size());
    }
  }
  return -1;
}

}  // namespace

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) Abort(false);
}

std::string AtomicFile::PublishPath(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  // Link by link, so that a link to a file not created yet names it too.
  constexpr int kMaxLinks = 40;  // as the kernel's ELOOP limit
  std::filesystem::path p = path;
  std::error_code ec;
  for (int i = 0; i < kMaxLinks && std::filesystem::is_symlink(p, ec); ++i) {
    const std::filesystem::path next = std::filesystem::read_symlink(p, ec);
    if (ec) return path;
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  return p.lexically_normal().string();
}

bool AtomicFile::IsStream(const std::string& path) {
  if (NamedDescriptor(path) >= 0) return true;
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

std::string AtomicFile::TempPathFor(const std::string& path, const std::string& tag) {
  const std::string published = PublishPath(path);
  return DirName(published) + "/." + BaseName(published) + ".ferry-" + tag;
}

bool AtomicFile::IsWrittenBeside(const std::string& path, std::string_view name) {
  const std::string base = BaseName(PublishPath(path));
  const std::string temp_prefix = "." + base + ".ferry-";
  return name.substr(0, temp_prefix.size()) == temp_prefix || name == base + ".partial";
}

Status AtomicFile::OpenStream(const std::string& path) {
  path_ = path;
  temp_path_.clear();  // none: nothing beside the stream to remove
  written_ = 0;
  stream_ = true;
  const int named = NamedDescriptor(path);
  fd_ = named >= 0 ? ::fcntl(named, F_DUPFD_CLOEXEC, 3) : ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd_ < 0) return Status::IoError("cannot open " + path + " for writing: " + std::strerror(errno));
  return Status::OK();
}

Status AtomicFile::Open(const std::string& path, const std::string& tag, const uint64_t* resume_length) {
  if (IsStream(path)) {
    // What was written to a stream stays written: a resumed reject or
    // complement stream goes on after it.
    FERRY_RETURN_IF_ERROR(OpenStream(path));
    if (resume_length != nullptr) written_ = *resume_length;
    return Status::OK();
  }
  stream_ = false;
  path_ = PublishPath(path);
  temp_path_ = TempPathFor(path, tag.empty() ? "tmp-" + std::to_string(::getpid()) : tag);
  written_ = 0;
  if (resume_length != nullptr) {
    // The committed prefix is copied into a new file that replaces the old
    // one, so a stalled process that still holds the old file open (a run
    // taken over after its lease expired) writes only into an orphan.
    int old = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (old < 0) {
      return Status::IoError("cannot reopen " + temp_path_ + " to resume: " + std::strerror(errno) +
                             "; the run's temporary output is gone, start the run again with --restart");
    }
    struct stat st;
    if (::fstat(old, &st) != 0 || uint64_t(st.st_size) < *resume_length) {
      ::close(old);
      return Status::IoError(temp_path_ + " is shorter than its checkpoint (" + std::to_string(*resume_length) +
                             " bytes); it was changed outside Ferry: start the run again with --restart");
    }
    const std::string fresh = temp_path_ + ".resume";
    fd_ = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      ::close(old);
      return Status::IoError("cannot create " + fresh + ": " + std::strerror(errno));
    }
    uint64_t left = *resume_length;
    loff_t in_off = 0;
    while (left > 0) {
      ssize_t n = ::copy_file_range(old, &in_off, fd_, nullptr, left, 0);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        Status s = Status::IoError("cannot copy the committed part of " + temp_path_ + ": " +
                                   (n < 0 ? std::strerror(errno) : "unexpected end"));
        ::close(old);
        ::close(fd_);
        fd_ = -1;
        ::unlink(fresh.c_str());
        return s;
      }
      left -= uint64_t(n);
    }
    ::close(old);
    if (::fdatasync(fd_) != 0 || ::rename(fresh.c_str(), temp_path_.c_str()) != 0) {
      Status s = Status::IoError("cannot replace " + temp_path_ + ": " + std::strerror(errno));
      ::close(fd_);
      fd_ = -1;
      return s;
    }
    written_ = *resume_length;
  } else {
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (fd_ < 0) {
    const int err = errno;
    if (err == ENOENT) {
      std::string dir = std::filesystem::path(path_).parent_path().string();
      if (dir.empty()) dir = ".";
      return Status::IoError("cannot write " + path_ + ": the directory " + dir +
                             " does not exist (create it first: mkdir -p " + dir + ")");
    }
    return Status::IoError("cannot create " + temp_path_ + ": " + std::strerror(err) +
                           " (is the target directory writable?)");
  }
  buffer_.reserve(kBufferSize + 4096);
  return Status::OK();
}

Status AtomicFile::Sync() {
  FERRY_RETURN_IF_ERROR(Flush());
  if (stream_) return Status::OK();
  if (::fdatasync(fd_) != 0) return Status::IoError("cannot sync " + temp_path_ + ": " + std::strerror(errno));
  return Status::OK();
}

Status AtomicFile::PublishCopy() {
  FERRY_RETURN_IF_ERROR(Sync());
  if (stream_) return Status::OK();  // what was written is already there
  const std::string copy = temp_path_ + ".copy";
  int in = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::IoError("cannot read " + temp_path_ + ": " + std::strerror(errno));
  int out = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return Status::IoError("cannot create " + copy + ": " + std::strerror(errno));
  }
  uint64_t left = written_;
  bool ok = true;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, left, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    left -= uint64_t(n);
  }
  ok = ok && ::fsync(out) == 0;
  ::close(in);
  ::close(out);
  if (!ok || ::rename(copy.c_str(), path_.c_str()) != 0) {
    ::unlink(copy.c_str());
    return Status::IoError("cannot publish " + path_ + ": " + std::strerror(errno));
  }
  return SyncDir(DirName(path_));
}

void AtomicFile::Close() {
  if (fd_ < 0) return;
  (void)Flush();
  ::close(fd_);
  fd_ = -1;
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
      return Status::IoError("cannot write " + (stream_ ? path_ : temp_path_) + ": " + std::strerror(errno));
    }
    p += n;
    left -= size_t(n);
    written_ += uint64_t(n);
  }
  buffer_.clear();
  return Status::OK();
}

Status AtomicFile::Commit() {
  FERRY_RETURN_IF_ERROR(Seal());
  return Rename();
}

Status AtomicFile::Seal() {
  FERRY_RETURN_IF_ERROR(Flush());
  if (stream_) {
    ::close(fd_);
    fd_ = -1;
    return Status::OK();
  }
  if (::fsync(fd_) != 0) return Status::IoError("cannot sync " + temp_path_ + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  return Status::OK();
}

Status AtomicFile::Rename() {
  if (stream_) return Status::OK();
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    Status s = Status::IoError("cannot rename " + temp_path_ + " to " + path_ + ": " + std::strerror(errno));
    ::unlink(temp_path_.c_str());
    return s;
  }
  return SyncDir(DirName(path_));
}

void AtomicFile::Abort(bool keep_as_partial) {
  if (fd_ < 0) return;
  if (stream_) {  // what is buffered is dropped; what was written stays
    ::close(fd_);
    fd_ = -1;
    return;
  }
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
