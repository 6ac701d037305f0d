// Copyright (c) the Ferry authors.
//
// Document formats for import and export: each format turns a byte stream
// into JSON documents (a DocumentReader) and JSON documents into a byte
// stream (a DocumentWriter). Documents travel as compact JSON text, the same
// representation the engine's batches carry, so a format never needs to know
// about migrations.
//
// Readers stream: memory stays bounded by the largest record, not the input.
// Writers stream too, except where a format's header needs more (CSV's
// columns: see csv.h).
//
// The mapping between each format and JSON is documented in docs/formats.md,
// and is such that Ferry's own export reads back to the same documents (for
// CSV: for documents whose shape the flattening preserves).
//
// Errors: PARSE_ERROR "LINE:COLUMN: what is wrong" for malformed input;
// INVALID_ARGUMENT for bad options; errors from the byte stream as they are.

#ifndef FERRY_FORMATS_FORMAT_H_
#define FERRY_FORMATS_FORMAT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

class DocumentReader {
 public:
  virtual ~DocumentReader() = default;
  // The next document as compact JSON text into *json (replaced), and the
  // 1-based line where it starts into *line. False at the end of the input.
  virtual Result<bool> Next(std::string* json, uint64_t* line) = 0;
  // Non-empty when the last Next() returned a malformed record that the
  // reader skipped (CSV, csv.h): *json then holds the record's raw text (not
  // JSON) and this says what is wrong ("LINE:COLUMN: what").
  virtual const std::string& record_error() const {
    static const std::string kNone;
    return kNone;
  }
};

class DocumentWriter {
 public:
  virtual ~DocumentWriter() = default;
  // One document as JSON text (valid JSON; any value, normally an object).
  virtual Status Write(std::string_view json) = 0;
  // Writes any trailer, then finishes the byte sink.
  virtual Status Finish() = 0;
};

}  // namespace ferry::internal

#endif  // FERRY_FORMATS_FORMAT_H_
