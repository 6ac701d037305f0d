// Copyright (c) the Ferry authors.
//
// File stores in every format (docs/stores.md): JSON Lines, JSON arrays,
// CSV, XML, YAML and Markdown (read and write), each plain,
// compressed (gzip, zstd, brotli), encrypted (AES-256-GCM, codec/codec.h),
// and optionally split into parts.
//
// Reading (OpenFileReader):
//   - a plain, uncompressed, unencrypted JSON Lines or JSON array file uses
//     the byte-offset readers of engine/source.h (Seek to a byte offset);
//   - everything else is decoded (decrypted, decompressed) and parsed as a
//     stream; its position is the number of records consumed ("records:N"),
//     and Seek() reopens the source and skips that many records;
//   - a name that tells no format is detected from the decoded content: the
//     first byte that is not whitespace (after a UTF-8 BOM) is '[' -> JSON
//     array, '{' -> JSON Lines, '<' -> XML; a first line "---" or
//     "%YAML..." -> YAML; anything else (and an empty file) -> CSV;
//   - a path that does not exist but whose parts do (PartPath(path, 1), 2,
//     ...) is read as one source, parts in order; a gap in the numbering is
//     NOT_FOUND naming the missing part.
//   A malformed CSV record the reader can resynchronise after (a stray
//   quote, a character after a closing quote, too many fields) is handed
//   out as malformed (RecordBatchInput::AppendMalformed) and becomes a
//   PARSE_ERROR reject with its raw text; any other malformed input in CSV,
//   XML, YAML or Markdown fails the read with PARSE_ERROR
//   "PATH:LINE:COLUMN: ...". Codec
//   errors keep their codes (WRONG_KEY, INTEGRITY_ERROR, PARSE_ERROR for
//   corrupt compressed data) with the path prefixed to the message.
//
// Writing (NeedsEncodedSink / NewEncodedFileSink): a target that is not a
// plain, unsplit JSON Lines or JSON array file is written through the
// format's DocumentWriter, the compressor and the encryptor into temporary
// files beside the target, published when the run completes. Such output
// cannot be cut back to a checkpoint: a resumed run starts the output again
// from the first record (the run machinery drops the checkpoint), so it is
// still written exactly once. With a split size, a new part starts at the
// first record boundary after the current part's encoded bytes reach it;
// parts are named PartPath(target, N) and each is a complete file (its own
// CSV header, XML root, compression and encryption). At completion every
// part is synced, then renamed into place in order, then parts beyond the
// new count (from an earlier, larger export) and an unsplit file at the
// target path are removed. A crash between two renames leaves the first
// parts new and the rest old or missing, with the run unfinished in the
// state: running the same command again writes and publishes the whole set.
//
// Thread safety: readers and sinks are single-threaded objects.

#ifndef FERRY_STORE_FILE_STORE_H_
#define FERRY_STORE_FILE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/source.h"
#include "ferry/result.h"
#include "store/store.h"

namespace ferry::internal {

// Part `n` (1-based) of `path`: the number goes before the extension chain
// (format extension, then .gz/.zst/.br, then .enc) with five digits at least:
// out/data.csv.zst.enc -> out/data.00001.csv.zst.enc; a name without
// extension gets it at the end: out/data -> out/data.00001.
std::string PartPath(const std::string& path, uint64_t n);

// Whether `name` (no directory) is PartPath(path, N) for some N, or the
// temporary file of such a part (what a split target writes beside `path`).
bool IsPartOf(const std::string& path, std::string_view name);

// The parts of `path` in order when `path` itself does not exist and part 1
// does; empty otherwise. NOT_FOUND when a part in the middle is missing.
Result<std::vector<std::string>> FindParts(const std::string& path);

// The format detected from the first decoded bytes (see above).
FileFormat DetectFormat(std::string_view head);

// Checks `spec`'s format options (URI query over default_options) for its
// format: INVALID_ARGUMENT naming an unknown option or a bad value.
Status CheckFileOptions(const FileSpec& spec, bool for_writing);

// Size and modification time of the file or of all its parts ("" when
// neither exists), so that a resume never continues a changed source.
std::string FileFingerprint(const std::string& path);

Result<std::unique_ptr<RecordReader>> OpenFileReader(const FileSpec& spec);

// True when writing `spec` goes through NewEncodedFileSink (anything but a
// plain, unsplit JSON Lines or JSON array file).
bool NeedsEncodedSink(const FileSpec& spec);
Result<std::unique_ptr<RecordSink>> NewEncodedFileSink(const StoreUri& uri);
// Removes the temporary files run `run_id` left for `spec` (the file and its
// parts), e.g. when the run is abandoned.
void RemoveRunTemps(const FileSpec& spec, const std::string& run_id);

}  // namespace ferry::internal

#endif  // FERRY_STORE_FILE_STORE_H_
