// Copyright (c) the Ferry authors.
//
// Plain byte sinks and sources: strings and files (codec.h).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "codec/codec.h"

namespace ferry::internal {
namespace {

class StringSink : public ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Write(std::string_view data) override {
    out_->append(data);
    return Status::OK();
  }
  Status Finish() override { return Status::OK(); }

 private:
  std::string* out_;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    const size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

class FileSink : public ByteSink {
 public:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Write(std::string_view data) override {
    if (fd_ < 0) return Status::IoError("write to " + path_ + " after it was finished");
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(Errno("cannot write", path_));
      }
      data.remove_prefix(size_t(n));
    }
    return Status::OK();
  }
  Status Finish() override {
    if (fd_ < 0) return Status::OK();
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0) {
      ::close(fd);
      return Status::IoError(Errno("cannot sync", path_));
    }
    if (::close(fd) != 0) return Status::IoError(Errno("cannot close", path_));
    return Status::OK();
  }

 private:
  int fd_;
  std::string path_;
};

class FileSource : public ByteSource {
 public:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }
  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      const ssize_t k = ::read(fd_, buf, n);
      if (k >= 0) return size_t(k);
      if (errno != EINTR) return Status::IoError(Errno("cannot read", path_));
    }
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

std::unique_ptr<ByteSink> NewStringSink(std::string* out) { return std::make_unique<StringSink>(out); }

std::unique_ptr<ByteSource> NewStringSource(std::string data) {
  return std::make_unique<StringSource>(std::move(data));
}

Result<std::unique_ptr<ByteSink>> NewFileSink(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(Errno("cannot create", path));
  return std::unique_ptr<ByteSink>(std::make_unique<FileSink>(fd, path));
}

Result<std::unique_ptr<ByteSource>> NewFileSource(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(Errno("cannot open", path));
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, path));
}

Result<std::string> ReadAll(ByteSource* in, size_t max_bytes) {
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(size_t n, in->Read(buf, sizeof buf));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return Status::InvalidArgument("input is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
}

}  // namespace ferry::internal
