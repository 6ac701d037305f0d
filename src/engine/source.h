// Copyright (c) the Ferry authors.
//
// Streaming record readers for files: JSON Lines (one document per line) and
// JSON array files ([doc, doc, ...]). A reader never holds the whole input:
// it reads fixed-size chunks and hands out batches of records whose bytes are
// copied into the batch (with JsonParser::kPadding bytes of padding), so a
// batch stays valid after the reader moves on.

#ifndef FERRY_ENGINE_SOURCE_H_
#define FERRY_ENGINE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

enum class FileFormat : uint8_t { kJsonLines, kJsonArray };

struct FileSpec {
  FileFormat format = FileFormat::kJsonLines;
  std::string path;
  bool format_from_extension = false;  // no scheme given
};

// "jsonl:PATH", "ndjson:PATH", "json:PATH" or a plain path. A plain path
// ending in .json is a JSON array file (readers also accept JSON Lines in a
// .json file whose first byte is not '['); anything else is JSON Lines.
Result<FileSpec> ParseFileUri(std::string_view uri);

struct RecordSpan {
  uint32_t offset = 0;   // into RecordBatchInput::bytes
  uint32_t length = 0;
  uint64_t record = 0;   // 1-based record number in the source
  uint64_t line = 0;     // 1-based line of the record's first byte
  // The record's key as stored (database rows), into RecordBatchInput::keys;
  // length 0 when the source has no key column (files).
  uint32_t key_offset = 0;
  uint32_t key_length = 0;
};

struct RecordBatchInput {
  std::string bytes;  // records back to back, then padding
  std::vector<RecordSpan> records;
  std::string keys;
  uint64_t source_bytes = 0;  // source bytes consumed for these records
  // The source position after this batch's last record (RecordReader::Seek).
  std::string end_position;
  void Clear() {
    bytes.clear();
    records.clear();
    keys.clear();
    source_bytes = 0;
    end_position.clear();
  }
  // Appends one record (and its source key, for table rows); the caller pads
  // the batch with JsonParser::kPadding bytes when it is complete.
  void Append(std::string_view record_bytes, uint64_t record, uint64_t line, std::string_view key = {}) {
    RecordSpan span;
    span.offset = static_cast<uint32_t>(bytes.size());
    span.length = static_cast<uint32_t>(record_bytes.size());
    span.record = record;
    span.line = line;
    span.key_offset = static_cast<uint32_t>(keys.size());
    span.key_length = static_cast<uint32_t>(key.size());
    bytes.append(record_bytes);
    keys.append(key);
    records.push_back(span);
  }
  std::string_view Key(size_t i) const {
    return std::string_view(keys.data() + records[i].key_offset, records[i].key_length);
  }
  std::string_view Record(size_t i) const {
    return std::string_view(bytes.data() + records[i].offset, records[i].length);
  }
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Opens `spec` for reading. IO_ERROR when the file cannot be opened.
  static Result<std::unique_ptr<RecordReader>> Open(const FileSpec& spec);
  // Appends up to `max_records` records to `batch` (cleared first). Sets
  // *eof when the source is exhausted (the batch may still hold records).
  // PARSE_ERROR for a broken JSON array structure (not for a broken record:
  // records are parsed later and rejected one by one).
  virtual Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) = 0;
  // Size of the source in bytes (0 when unknown).
  virtual uint64_t total_bytes() const = 0;
  // Number of records when known cheaply (tables), else 0.
  virtual uint64_t total_records() const { return 0; }
  // Restarts after `position` (a batch's end_position); `records` records
  // came before it (record numbers continue from there). IO_ERROR when the
  // position does not fit this source.
  virtual Status Seek(std::string_view position, uint64_t records) = 0;
};

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_SOURCE_H_
