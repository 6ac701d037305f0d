// Copyright (c) the Ferry authors.
//
// Streaming record readers for files: JSON Lines (one document per line) and
// JSON array files ([doc, doc, ...]), read from a plain file (positions are
// byte offsets) or from any byte stream (OpenStream: decrypted, decompressed
// data; no Seek). Other formats (CSV, XML, YAML) and encoded files are read
// through store/file_store.h. A reader never holds the whole input:
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

#include "codec/codec.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

enum class FileFormat : uint8_t { kJsonLines, kJsonArray, kCsv, kXml, kYaml, kMarkdown };

// "jsonl", "json", "csv", "xml", "yaml", "md".
std::string_view FileFormatName(FileFormat f);

struct FileSpec {
  FileFormat format = FileFormat::kJsonLines;
  std::string path;
  bool format_from_extension = false;  // no scheme given
  // False when neither a scheme nor the extension names the format: readers
  // detect it from the content (store/file_store.h), writers write JSON Lines.
  bool format_known = true;
  // Format options from the URI's query ("delimiter=;&header=false"), raw.
  std::string options;
  // Set by the run (RunOptions), not by the URI: format options that apply
  // when the URI does not set them, the key for encrypted files (reading and,
  // when given, writing), the compression to write ("" = from the
  // extension), its level, and the split size of written files (0 = none).
  std::string default_options;
  KeyOptions key;
  std::string compression;
  int compression_level = 0;
  uint64_t split_bytes = 0;
};

// "jsonl:PATH", "ndjson:PATH", "json:PATH", "csv:PATH", "xml:PATH",
// "yaml:PATH", "yml:PATH", "md:PATH" (each may end in "?k=v&k=v" format
// options), or a plain path, whose format comes from its extension looking
// through .enc and .gz/.zst/.br (data.csv.zst.enc is CSV): .jsonl/.ndjson
// JSON Lines, .json a JSON array (readers also accept JSON Lines in a .json
// file whose first byte is not '['), .csv, .xml, .yaml/.yml, .md; any other
// name: format_known = false.
Result<FileSpec> ParseFileUri(std::string_view uri);
// The format a file name's extension names (through .enc, .gz, .zst, .br);
// false when none.
bool FormatFromPath(std::string_view path, FileFormat* format);

struct RecordSpan {
  uint32_t offset = 0;   // into RecordBatchInput::bytes
  uint32_t length = 0;
  uint64_t record = 0;   // 1-based record number in the source
  uint64_t line = 0;     // 1-based line of the record's first byte
  // The record's key as stored (database rows), into RecordBatchInput::keys;
  // length 0 when the source has no key column (files).
  uint32_t key_offset = 0;
  uint32_t key_length = 0;
  // A malformed record the reader skipped (CSV): its raw text is the
  // record's bytes and what is wrong is in RecordBatchInput::errors
  // ("PATH:LINE:COLUMN: what"); length 0 for a well-formed record.
  uint32_t error_offset = 0;
  uint32_t error_length = 0;
  // The row's version as the reader saw it (PostgreSQL: xmin), into
  // RecordBatchInput::tokens; length 0 when the store has none (SQLite: the
  // record's text is its token; files).
  uint32_t token_offset = 0;
  uint32_t token_length = 0;
};

struct RecordBatchInput {
  std::string bytes;  // records back to back, then padding
  std::vector<RecordSpan> records;
  std::string keys;
  std::string errors;  // RecordSpan::error_offset
  std::string tokens;  // RecordSpan::token_offset
  uint64_t source_bytes = 0;  // source bytes consumed for these records
  // The source position after this batch's last record (RecordReader::Seek).
  std::string end_position;
  void Clear() {
    bytes.clear();
    records.clear();
    keys.clear();
    errors.clear();
    tokens.clear();
    source_bytes = 0;
    end_position.clear();
  }
  // Appends one record (and its source key, for table rows); the caller pads
  // the batch with JsonParser::kPadding bytes when it is complete.
  void Append(std::string_view record_bytes, uint64_t record, uint64_t line, std::string_view key = {},
              std::string_view token = {}) {
    RecordSpan span;
    span.offset = static_cast<uint32_t>(bytes.size());
    span.length = static_cast<uint32_t>(record_bytes.size());
    span.record = record;
    span.line = line;
    span.key_offset = static_cast<uint32_t>(keys.size());
    span.key_length = static_cast<uint32_t>(key.size());
    span.token_offset = static_cast<uint32_t>(tokens.size());
    span.token_length = static_cast<uint32_t>(token.size());
    bytes.append(record_bytes);
    keys.append(key);
    tokens.append(token);
    records.push_back(span);
  }
  // Appends a malformed record: its raw text and what is wrong.
  void AppendMalformed(std::string_view raw, uint64_t record, uint64_t line, std::string_view error) {
    Append(raw, record, line);
    records.back().error_offset = static_cast<uint32_t>(errors.size());
    records.back().error_length = static_cast<uint32_t>(error.size());
    errors.append(error);
  }
  std::string_view Error(size_t i) const {
    return std::string_view(errors.data() + records[i].error_offset, records[i].error_length);
  }
  std::string_view Key(size_t i) const {
    return std::string_view(keys.data() + records[i].key_offset, records[i].key_length);
  }
  std::string_view Token(size_t i) const {
    return std::string_view(tokens.data() + records[i].token_offset, records[i].token_length);
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
  // JSON Lines or a JSON array (`format`) from a byte stream; `name` names it
  // in errors. Seek() is not supported (IO_ERROR): resume by reopening and
  // skipping records (store/file_store.h).
  static std::unique_ptr<RecordReader> OpenStream(FileFormat format, std::unique_ptr<ByteSource> in,
                                                  const std::string& name);
  // Appends up to `max_records` records to `batch` (cleared first). Sets
  // *eof when the source is exhausted (the batch may still hold records).
  // PARSE_ERROR for a broken JSON array structure (not for a broken record:
  // records are parsed later and rejected one by one).
  virtual Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) = 0;
  // Size of the source in bytes (0 when unknown).
  virtual uint64_t total_bytes() const = 0;
  // True when the source's scalar types are guesses (CSV read with
  // types=schema): the engine converts each record's leaves to the types its
  // version's schema gives before validating (engine/schema_types.h).
  virtual bool loosely_typed() const { return false; }
  // Number of records when known cheaply (tables), else 0.
  virtual uint64_t total_records() const { return 0; }
  // Restarts after `position` (a batch's end_position); `records` records
  // came before it (record numbers continue from there). IO_ERROR when the
  // position does not fit this source.
  virtual Status Seek(std::string_view position, uint64_t records) = 0;
};

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_SOURCE_H_
