// Copyright (c) the Ferry authors.
//
// YAML documents for import and export (format.h), read through libfyaml
// (its event parser; yaml-cpp stays for ferry.yaml).
//
// Reading: a YAML stream holds any number of documents; each document is one
// record (or, with explode_sequences, each element of a document whose root
// is a sequence). Scalars resolve by the YAML 1.2 core schema:
//   plain null, Null, NULL, ~ or empty      -> null
//   plain true|True|TRUE|false|False|FALSE  -> boolean
//   plain [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ -> number (octal and hex
//     converted to decimal, any size; a leading + and leading zeros dropped)
//   plain core-schema floats (1.5, .5, 1., 1e3, +1.5E-2) -> number, written
//     as the equivalent JSON literal without rounding (".5" -> "0.5")
//   plain .inf/.nan in any core spelling -> PARSE_ERROR (JSON has no form for
//     them), or the string as written with non_finite_as_string
//   quoted, block (| >) or !!str scalars, and any other plain text -> string
//   !!null, !!bool, !!int, !!float on a scalar -> that type (PARSE_ERROR when
//     the text is not one); any other tag (!foo, !!binary ...) -> string
// Keys must be scalars (else PARSE_ERROR); a key resolves like a value and a
// non-string key becomes its JSON text (1 -> "1", 0x10 -> "16", ~ -> "null").
// Two keys of one mapping with the same resulting text -> PARSE_ERROR.
// Anchors and aliases are expanded; the text aliases add to one document is
// capped (max_alias_expansion) against "billion laughs" inputs. Nesting
// deeper than max_depth -> PARSE_ERROR (never a stack overflow).
//
// Memory: libfyaml parses event by event from the byte stream (read in
// chunks through an input callback) and the reader builds one document at a
// time, so memory is bounded by the largest document, not the input.
//
// Writing: every record is a document starting with "---", in block style.
// Numbers are written as their JSON literal, true/false/null as such, empty
// containers as {} and []. A string is written plain only when a reader
// (this one, or a YAML 1.1 one: yes/no/on/off) would read it back as the
// same string; otherwise double-quoted with escapes, or as a literal block
// (|, |-, |+) when it spans lines and a literal block carries it exactly.
// Export then import gives back exactly the same documents (number literals
// included).
//
// Errors (format.h): PARSE_ERROR "LINE:COLUMN: message" (1-based); for
// invalid YAML the first error libfyaml reports, with its message.
//
// Thread safety: readers and writers are single-threaded objects.

#ifndef FERRY_FORMATS_YAML_H_
#define FERRY_FORMATS_YAML_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "codec/codec.h"
#include "formats/format.h"

namespace ferry::internal {

struct YamlOptions {
  // Reading: a document whose root is a sequence yields one record per
  // element (each element's line is its own) instead of one array record.
  // Default: false.
  bool explode_sequences = false;
  // Reading: .inf, -.inf, .nan become the string as written instead of a
  // PARSE_ERROR. Default: false.
  bool non_finite_as_string = false;
  // Reading: deepest nesting of sequences and mappings. Default: 512 (the
  // JSON parser's default, so every record read parses as JSON again).
  // libfyaml's event parser has no nesting limit of its own.
  uint32_t max_depth = 512;
  // Reading: at most this many bytes of JSON text (approximately) may be
  // added to one document by expanding aliases. Default: 16 MiB.
  size_t max_alias_expansion = size_t(16) << 20;
};

std::unique_ptr<DocumentReader> NewYamlReader(std::unique_ptr<ByteSource> in, const YamlOptions& options);
std::unique_ptr<DocumentWriter> NewYamlWriter(std::unique_ptr<ByteSink> out, const YamlOptions& options);

// Reads every document of `text` as NewYamlReader would and returns its
// first error (PARSE_ERROR "LINE:COLUMN: message"): the same alias
// expansion, depth and key checks, for YAML that another parser then reads
// (ferry.yaml, whose loader uses yaml-cpp, which has no such limits).
Status CheckYamlLimits(std::string_view text, const YamlOptions& options);

}  // namespace ferry::internal

#endif  // FERRY_FORMATS_YAML_H_
