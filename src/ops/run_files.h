// Copyright (c) the Ferry authors.
//
// What a run checks about its stores before it writes anything
// (ops/run.cc): streams (`-`, devices, pipes), Ferry's reserved table
// names, and that no file it writes is a file it reads or keeps.

#ifndef FERRY_ENGINE_RUN_FILES_H_
#define FERRY_ENGINE_RUN_FILES_H_

#include <cstdint>
#include <string>

#include "ferry/run.h"
#include "ferry/status.h"
#include "store/distinct_files.h"
#include "store/store.h"

namespace ferry::internal {

// A file store named `-` is stdout as a target and stdin as a source. A
// stream store (AtomicFile::IsStream: a device, pipe or socket) is known by
// what it is (its device and inode), and a target stream cannot be split
// (INVALID_ARGUMENT): its parts would be files beside a device.
Status PrepareStreamStore(StoreUri* uri, bool target, uint64_t split_bytes);
bool IsStreamStore(const StoreUri& uri);
// Whether a stream store is this process's standard output.
bool IsStdout(const StoreUri& uri);

// INVALID_ARGUMENT for a table target named like Ferry's own tables
// (SQLite: ferry_* and sqlite_*; PostgreSQL: ferry_* and the schema ferry).
Status CheckTargetTableName(const StoreUri& target);

// The files a store stands for, as inputs: a file (or its parts), or an
// SQLite database with its companions; nothing for PostgreSQL.
void AddStoreInput(DistinctFiles* files, const std::string& role, const StoreUri& uri);

// Every file the run writes (the target and its temporary files or parts,
// the reject and complement files, the report, the backup directory)
// against every file it reads or keeps (the source, the project file, the
// key files, Ferry's state) and against each other (store/distinct_files.h):
// INVALID_ARGUMENT naming both. A dry run writes only the report. `out`
// may be null (a dry run of a file); a table migrated in place is no output.
// `-` is refused for the reject, complement and report files.
Status CheckRunFiles(const RunOptions& options, const std::string& project_file, const StoreUri& in,
                     const StoreUri* out);

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_RUN_FILES_H_
