// Copyright (c) the Ferry authors.
//
// The files exports write under the server's work directory, and the one
// way back to them: by the id of the export operation that wrote them.
//
//   EXPORTS/RANDOM/NAME   the file an export writes (a new directory each)
//   EXPORTS/ID.file       which file the operation ID wrote
//
// What it guarantees: OpenExportFile opens only a regular file recorded by
// RecordExportFile, in its own directory directly under EXPORTS, reached
// without following a symbolic link (the file itself or its directory);
// anything else, and any id outside [A-Za-z0-9_-], is NOT_FOUND. A client's
// text never becomes a path.

#ifndef FERRY_SERVER_EXPORT_FILES_H_
#define FERRY_SERVER_EXPORT_FILES_H_

#include <cstdint>
#include <memory>
#include <string>

#include "ferry/result.h"

namespace ferry::server {

// A new file path EXPORTS/RANDOM/`name` (the directory is created, 0700).
// IO_ERROR when it cannot be created.
Result<std::string> NewExportPath(const std::string& exports_dir, const std::string& name);

// Records that operation `id` writes `path`.
Status RecordExportFile(const std::string& exports_dir, const std::string& id, const std::string& path);

// An open export file, closed when the last copy goes.
struct ExportFile {
  std::shared_ptr<int> fd;  // the descriptor (closed by its deleter)
  uint64_t size = 0;
  std::string name;  // the file's name, without directories
};

// Opens the file operation `id` wrote (see above).
Result<ExportFile> OpenExportFile(const std::string& exports_dir, const std::string& id);

}  // namespace ferry::server

#endif  // FERRY_SERVER_EXPORT_FILES_H_
