// Copyright (c) the Ferry authors.
//
// Reading the entries of a backup or run journal (JSON Lines in chunks,
// safety/backup.h), as backups, restore and verify do.

#ifndef FERRY_OPS_BACKUP_ENTRIES_H_
#define FERRY_OPS_BACKUP_ENTRIES_H_

#include <string>
#include <string_view>

#include "ferry/json.h"
#include "safety/backup.h"

namespace ferry::internal {

// Calls fn(entry) (returning Status) for every entry of `reader`'s backup,
// oldest chunk first; stops at fn's first error. An entry that is not a
// JSON object is INTEGRITY_ERROR with message `invalid_entry`. Each entry
// lives until the next call of fn.
template <typename Fn>
Status ForEachBackupEntry(BackupReader& reader, const std::string& invalid_entry, Fn&& fn) {
  JsonParser parser;
  Arena arena;
  for (size_t i = 0; i < reader.manifest().chunks.size(); ++i) {
    FERRY_ASSIGN_OR_RETURN(std::string entries, reader.ReadChunk(i));
    size_t pos = 0;
    while (pos < entries.size()) {
      size_t end = entries.find('\n', pos);
      if (end == std::string::npos) end = entries.size();
      arena.Reset();
      auto v = parser.Parse(std::string_view(entries).substr(pos, end - pos), arena);
      pos = end + 1;
      if (!v.ok() || !v.value().IsObject()) return Status::IntegrityError(invalid_entry);
      FERRY_RETURN_IF_ERROR(fn(v.value()));
    }
  }
  return Status::OK();
}

}  // namespace ferry::internal

#endif  // FERRY_OPS_BACKUP_ENTRIES_H_
