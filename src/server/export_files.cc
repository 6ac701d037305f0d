// Copyright (c) the Ferry authors.

#include "server/export_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "server/upload.h"

namespace ferry::server {

namespace {

namespace fs = std::filesystem;

bool PlainId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

fs::path IndexFile(const std::string& exports_dir, const std::string& id) {
  return fs::path(exports_dir) / (id + ".file");
}

Status NoFile(const std::string& id) {
  return Status::NotFound("export " + id + " has no file this server can serve (GET /api/v1/runs/" + id +
                          " shows the operation)");
}

// The path recorded for `id`, checked to be EXPORTS/DIR/NAME with DIR a real
// directory (no symbolic link) directly under EXPORTS.
Result<fs::path> RecordedPath(const std::string& exports_dir, const std::string& id) {
  std::ifstream in(IndexFile(exports_dir, id));
  std::string text;
  if (!in || !std::getline(in, text) || text.empty()) return NoFile(id);
  const fs::path path(text);
  std::error_code ec;
  const fs::path root = fs::canonical(exports_dir, ec);
  if (ec) return NoFile(id);
  const fs::path dir = path.parent_path();
  const fs::path real_dir = fs::canonical(dir, ec);
  if (ec || fs::is_symlink(dir, ec) || real_dir.parent_path() != root || dir.filename() != real_dir.filename()) {
    return NoFile(id);
  }
  return real_dir / path.filename();
}

}  // namespace

Result<std::string> NewExportPath(const std::string& exports_dir, const std::string& name) {
  std::error_code ec;
  fs::create_directories(exports_dir, ec);
  const fs::path dir = fs::path(exports_dir) / RandomDirName();
  if (::mkdir(dir.c_str(), 0700) != 0) {
    return Status::IoError("cannot create " + dir.string() + ": " + std::strerror(errno));
  }
  return (dir / name).string();
}

Status RecordExportFile(const std::string& exports_dir, const std::string& id, const std::string& path) {
  if (!PlainId(id)) return Status::InvalidArgument("operation id '" + id + "' cannot name an export file");
  const fs::path index = IndexFile(exports_dir, id);
  const fs::path tmp = index.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << path << "\n";
    if (!out.flush()) return Status::IoError("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, index, ec);
  if (ec) return Status::IoError("cannot write " + index.string() + ": " + ec.message());
  return Status::OK();
}

Result<ExportFile> OpenExportFile(const std::string& exports_dir, const std::string& id) {
  if (!PlainId(id)) return NoFile(id);
  FERRY_ASSIGN_OR_RETURN(fs::path path, RecordedPath(exports_dir, id));
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return NoFile(id);
  ExportFile file;
  file.fd = std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return NoFile(id);
  file.size = uint64_t(st.st_size);
  file.name = path.filename().string();
  return file;
}

}  // namespace ferry::server
