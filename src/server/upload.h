// Copyright (c) the Ferry authors.
//
// Receiving a multipart/form-data upload (POST /imports and the legacy
// /api/data-migration/import|validate): the `file` part is streamed to disk
// chunk by chunk as the HTTP library reads it (never held whole in memory),
// the other parts are small text fields kept in memory.
//
// What it guarantees:
// - A body over `max_body_bytes` (by its Content-Length, checked before any
//   byte is read) is refused with 413; a body that is not
//   multipart/form-data with 415 (RefuseBeforeReading).
// - The file is written to a new directory under `dir` (created 0700) with
//   a sanitised name: the client's file name without its directories, only
//   [A-Za-z0-9._-] (others become '_'), never starting with '.', at most 100
//   characters ("upload" when nothing is left). The client never chooses
//   where it goes.
// - Text fields over 1 MiB, more than one `file` part, or no `file` part at
//   all are INVALID_ARGUMENT naming the part; a body that ends early or is
//   not valid multipart is INVALID_ARGUMENT. On any error the partial file
//   and its directory are removed.

#ifndef FERRY_SERVER_UPLOAD_H_
#define FERRY_SERVER_UPLOAD_H_

#include <httplib.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ferry/result.h"

namespace ferry::server {

struct Upload {
  std::string path;        // where the file part was written
  std::string file_name;   // its sanitised name (the last part of `path`)
  uint64_t bytes = 0;      // its size
  std::map<std::string, std::string> fields;  // the other parts, by name
};

// Keeps only what a file name may safely hold (see above).
std::string SanitisedFileName(std::string_view client_name);

// A new random name for a directory (16 hex digits).
std::string RandomDirName();

// Why an upload is refused before its body is read: 413 PAYLOAD_TOO_LARGE
// or 415 UNSUPPORTED_MEDIA_TYPE (answer it with `Connection: close`).
struct UploadRefusal {
  int http_status = 0;
  std::string code;
  std::string detail;
};
std::optional<UploadRefusal> RefuseBeforeReading(const httplib::Request& req, uint64_t max_body_bytes);

// Receives the upload of `req` (RefuseBeforeReading found nothing to
// refuse) through `reader` into a new directory under `dir`.
Result<Upload> ReceiveUpload(const httplib::Request& req, const httplib::ContentReader& reader,
                             const std::string& dir);

}  // namespace ferry::server

#endif  // FERRY_SERVER_UPLOAD_H_
