// Copyright (c) the Ferry authors.
//
// CSV (RFC 4180) as a document format: each record after the header is one
// JSON object, and dotted column names stand for nested objects
// ("metadata.importance" <-> {"metadata": {"importance": ...}}).
//
// Reading streams: the source is read in chunks and memory stays bounded by
// the largest record. Accepted input:
//   - fields separated by CsvOptions::delimiter, records by LF, CRLF or CR;
//     the last record may lack a final line break;
//   - quoted fields (CsvOptions::quote), with a doubled quote standing for
//     one quote; line breaks inside quotes are kept exactly (CRLF stays CRLF);
//   - a UTF-8 byte order mark at the very start is skipped;
//   - empty lines (no character at all between two line breaks) are skipped,
//     so a file may end with several line breaks. A record of one empty
//     quoted field ("") is not an empty line.
// Strictness (errors are PARSE_ERROR "LINE:COLUMN: what", 1-based, columns
// counted in characters): an unterminated quoted field (position of its
// opening quote), a duplicate column name and a field that is not UTF-8 fail
// the read. Malformed records the reader can resynchronise after are
// returned one by one instead (DocumentReader::record_error, the raw text in
// *json without its line break), and reading goes on:
//   - a quote inside an unquoted field, or a character other than a
//     delimiter or line break after a closing quote: the record ends at the
//     next line break (CR or LF), whatever quotes the rest of the line holds;
//   - a record with more fields than the header (its end is known).
// In the header these fail the read. A record with fewer fields than the
// header is accepted: the missing fields are absent from its object.
//
// Type inference (CsvOptions::kInfer, the default; kStrings makes every
// field a string, as csv-spectrum expects):
//   - an empty unquoted field                      -> null
//   - unquoted true, false, null                   -> that literal
//   - an unquoted JSON number (RFC 8259 grammar: 42, -1.5, 2e10; not 08123,
//     +1, .5, 1.)                                  -> that number, literal kept
//   - a field that starts with [ or {, ends with ] or }, and is a JSON array
//     or object -> that value, when the field is unquoted, or quoted because
//     it had to be (it holds the delimiter, the quote or a line break):
//     ["a","b"] is written "[""a"",""b""]" in CSV and still reads as an array
//   - everything else, and every other quoted field -> a string. Quoting a
//     field that needs no quoting forces a string: "42", "true", "", "[1]".
//
// Column names come from the header (first record). A column whose name
// contains '.' is split into a path; when one column's path is a prefix of
// another's ("a" and "a.b"), both are kept as literal top-level keys.
//
// Writing flattens every object into dotted columns (non-empty nested
// objects are recursed into; arrays and empty objects are written as their
// compact JSON text). The columns are CsvOptions::columns when given (they
// select: a field outside them is left out; a listed column that holds an
// object is written as its JSON text), else those of the first
// kCsvHeaderSample documents in first-seen order (these documents are
// buffered); a later document with a column outside them is then
// INVALID_ARGUMENT naming the record and the column. Strings are quoted when
// CSV needs it (delimiter, quote, CR, LF, a leading or trailing space or tab,
// a leading byte order mark) and whenever the reader would infer another type
// from the bare text. null and absent fields are written as an empty field.
//
// What reads back identically (kInfer): objects whose keys contain no '.',
// whose nested objects are non-empty, where each path is always an object or
// always a leaf, and where every document has every column (an absent field
// reads back as null). Strings whose whole text is a JSON array or object that
// needs quoting (e.g. "[1,2]") read back as that array or object.
//
// Thread safety: readers and writers are single-threaded objects.

#ifndef FERRY_FORMATS_CSV_H_
#define FERRY_FORMATS_CSV_H_

#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/result.h"
#include "formats/format.h"

namespace ferry::internal {

struct CsvOptions {
  // Field separator. Default ','. Must differ from `quote` and from CR/LF.
  char delimiter = ',';
  // Quote character. Default '"'.
  char quote = '"';
  // Reading: the first record names the columns. Writing: write a header
  // line. Default true. Without a header the reader names the columns from
  // `columns`, or "1", "2", ... by position when `columns` is empty.
  bool header = true;
  // Reading: how field text becomes JSON (see the file comment). kSchema
  // reads as kInfer; the engine then converts leaves to the types the
  // record's version's schema gives (engine/schema_types.h). The writer
  // writes the same text for all (quoting as for kInfer).
  enum Types { kInfer, kStrings, kSchema } types = kInfer;
  // Writing: the columns, in order (dotted paths for nested fields); fields
  // not listed are left out. Empty (the default): taken from the first
  // kCsvHeaderSample documents. Reading:
  // used only when `header` is false.
  std::vector<std::string> columns;
  // Writing: end lines with CRLF (RFC 4180) instead of LF. Default false.
  bool crlf = false;
};

// Documents the CSV writer buffers to find the columns.
inline constexpr size_t kCsvHeaderSample = 1000;

// INVALID_ARGUMENT for bad options.
Result<std::unique_ptr<DocumentReader>> NewCsvReader(std::unique_ptr<ByteSource> in, const CsvOptions& options);
Result<std::unique_ptr<DocumentWriter>> NewCsvWriter(std::unique_ptr<ByteSink> out, const CsvOptions& options);

}  // namespace ferry::internal

#endif  // FERRY_FORMATS_CSV_H_
