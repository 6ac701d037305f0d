// Copyright (c) the Ferry authors.

#include "server/upload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

namespace ferry::server {

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFieldBytes = size_t(1) << 20;

// The file part being written: an O_EXCL file closed when this goes.
class PartFile {
 public:
  ~PartFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
    return Status::OK();
  }
  bool IsOpen() const { return fd_ >= 0; }
  bool Write(const char* data, size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      data += w;
      n -= size_t(w);
    }
    return true;
  }
  Status Close(const std::string& path) {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
    return Status::OK();
  }

 private:
  int fd_ = -1;
};

// What the parts of one upload became so far.
struct Receiving {
  std::string dir;
  Upload upload;
  PartFile file;
  std::string part;  // the name of the part being read
  Status error;

  bool OnHeader(const httplib::MultipartFormData& header);
  bool OnData(const char* data, size_t n);
};

bool Receiving::OnHeader(const httplib::MultipartFormData& header) {
  part = header.name;
  if (part != "file") {
    if (upload.fields.count(part) != 0) error = Status::InvalidArgument("the part '" + part + "' is given twice");
    upload.fields[part];
    return error.ok();
  }
  if (file.IsOpen() || !upload.path.empty()) {
    error = Status::InvalidArgument("the part 'file' is given twice: upload one file per request");
    return false;
  }
  upload.file_name = SanitisedFileName(header.filename);
  upload.path = (fs::path(dir) / upload.file_name).string();
  error = file.Open(upload.path);
  return error.ok();
}

bool Receiving::OnData(const char* data, size_t n) {
  if (part == "file") {
    if (!file.Write(data, n)) {
      error = Status::IoError("cannot write " + upload.path + ": " + std::strerror(errno));
      return false;
    }
    upload.bytes += n;
    return true;
  }
  std::string& field = upload.fields[part];
  if (field.size() + n > kMaxFieldBytes) {
    error = Status::InvalidArgument("the part '" + part + "' is over 1 MiB: only `file` may be large");
    return false;
  }
  field.append(data, n);
  return true;
}

Status MakePrivateDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir).parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0) return Status::IoError("cannot create " + dir + ": " + std::strerror(errno));
  return Status::OK();
}

// Reads the whole body through `reader` into `r`.
Status ReadParts(const httplib::ContentReader& reader, Receiving& r) {
  const bool read = reader([&r](const httplib::MultipartFormData& h) { return r.OnHeader(h); },
                           [&r](const char* data, size_t n) { return r.OnData(data, n); });
  if (!r.error.ok()) return r.error;
  if (!read) return Status::InvalidArgument("the multipart/form-data body is not valid, or ended early");
  if (!r.file.IsOpen()) return Status::InvalidArgument("the part 'file' is missing: it holds the records to read");
  return r.file.Close(r.upload.path);
}

}  // namespace

std::string SanitisedFileName(std::string_view client_name) {
  const size_t slash = client_name.find_last_of("/\\");
  if (slash != std::string_view::npos) client_name.remove_prefix(slash + 1);
  std::string out;
  for (char c : client_name) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '_' || c == '-';
    out.push_back(plain ? c : '_');
  }
  const size_t first = out.find_first_not_of('.');
  out = first == std::string::npos ? "" : out.substr(first);
  if (out.size() > 100) out = out.substr(out.size() - 100);
  return out.empty() || out.find_first_not_of('_') == std::string::npos ? "upload" : out;
}

std::string RandomDirName() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::optional<UploadRefusal> RefuseBeforeReading(const httplib::Request& req, uint64_t max_body_bytes) {
  if (!req.is_multipart_form_data()) {
    return UploadRefusal{415, "UNSUPPORTED_MEDIA_TYPE",
                         "send multipart/form-data with a part 'file' (and the request's JSON part), not '" +
                             req.get_header_value("Content-Type") + "'"};
  }
  const uint64_t length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
  if (length > max_body_bytes) {
    return UploadRefusal{413, "PAYLOAD_TOO_LARGE",
                         "the body has " + std::to_string(length) + " bytes; this server takes at most " +
                             std::to_string(max_body_bytes) + " (ferry serve's upload limit)"};
  }
  return std::nullopt;
}

Result<Upload> ReceiveUpload(const httplib::Request& req, const httplib::ContentReader& reader,
                             const std::string& dir) {
  Receiving r;
  r.dir = (fs::path(dir) / RandomDirName()).string();
  FERRY_RETURN_IF_ERROR(MakePrivateDir(r.dir));
  Status s = ReadParts(reader, r);
  if (!s.ok()) {
    std::error_code ec;
    fs::remove_all(r.dir, ec);
    return s;
  }
  return std::move(r.upload);
}

}  // namespace ferry::server
