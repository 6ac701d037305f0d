// Copyright (c) the Ferry authors.
#include "store/distinct_files.h"

#include <sys/stat.h>

#include <filesystem>

namespace ferry::internal {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDatabaseCompanions[] = {"-wal", "-shm", "-journal"};

fs::path AbsoluteNormal(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return (ec ? fs::path(path) : abs).lexically_normal();
}

}  // namespace

bool DistinctFiles::Entry::Same(const Entry& other) const {
  if (char_device || other.char_device || exists != other.exists) return false;
  return device == other.device && inode == other.inode && name == other.name;
}

DistinctFiles::Entry DistinctFiles::Identify(const std::string& role, const std::string& path) {
  Entry e;
  e.role = role;
  e.path = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    e.exists = true;
    e.char_device = S_ISCHR(st.st_mode);
    e.device = uint64_t(st.st_dev);
    e.inode = uint64_t(st.st_ino);
    return e;
  }
  fs::path abs = AbsoluteNormal(path);
  if (!abs.has_filename()) abs = abs.parent_path();
  if (::stat(abs.parent_path().c_str(), &st) == 0) {
    e.device = uint64_t(st.st_dev);
    e.inode = uint64_t(st.st_ino);
    e.name = abs.filename().string();
    return e;
  }
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(abs, ec);
  e.name = (ec ? abs : resolved).string();
  return e;
}

void DistinctFiles::AddInput(const std::string& role, const std::string& path) {
  if (!path.empty()) inputs_.push_back(Identify(role, path));
}

void DistinctFiles::AddDatabase(const std::string& role, const std::string& path) {
  if (path.empty()) return;
  AddInput(role, path);
  for (const char* suffix : kDatabaseCompanions) AddInput(role, path + suffix);
}

const DistinctFiles::Entry* DistinctFiles::Find(const std::vector<Entry>& list, const Entry& e) const {
  for (const Entry& x : list) {
    if (x.Same(e)) return &x;
  }
  return nullptr;
}

Status DistinctFiles::AddOutput(const std::string& role, const std::string& path, const NameFilter& beside) {
  if (path.empty()) return Status::OK();
  Entry out = Identify(role, path);
  const Entry* hit = Find(inputs_, out);
  if (hit == nullptr) hit = Find(outputs_, out);
  if (hit != nullptr) {
    return Status::InvalidArgument(role + " " + path + " is " + hit->role + " (" + hit->path +
                                   ", compared by device and inode: links count) and would be overwritten; "
                                   "name another file");
  }
  if (beside) FERRY_RETURN_IF_ERROR(CheckBeside(role, path, beside));
  outputs_.push_back(std::move(out));
  return Status::OK();
}

Status DistinctFiles::AddOutputDatabase(const std::string& role, const std::string& path) {
  if (path.empty()) return Status::OK();
  FERRY_RETURN_IF_ERROR(AddOutput(role, path));
  for (const char* suffix : kDatabaseCompanions) FERRY_RETURN_IF_ERROR(AddOutput(role, path + suffix));
  return Status::OK();
}

// The inputs named like the files written beside `path`: those in its
// directory now, and those that do not exist yet but would be created there.
Status DistinctFiles::CheckBeside(const std::string& role, const std::string& path, const NameFilter& beside) const {
  const fs::path dir = AbsoluteNormal(path).parent_path();
  auto refuse = [&](const std::string& name, const Entry& input) {
    return Status::InvalidArgument(role + " " + path + " writes " + (dir / name).string() + " beside it, which is " +
                                   input.role + " (" + input.path + "); name another file");
  };
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!beside(name)) continue;
    if (const Entry* hit = Find(inputs_, Identify(role, entry.path().string())); hit != nullptr) return refuse(name, *hit);
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return Status::OK();
  for (const Entry& input : inputs_) {
    if (!input.exists && input.device == uint64_t(st.st_dev) && input.inode == uint64_t(st.st_ino) &&
        beside(input.name)) {
      return refuse(input.name, input);
    }
  }
  return Status::OK();
}

}  // namespace ferry::internal
