// Copyright (c) the Ferry authors.
//
// XML documents for import and export (format.h), through pugixml. The
// mapping is documented in docs/formats.md ("XML"); in short, Ferry writes
//
//   <records>
//   <record type="object"><name>Ada</name><age type="number">36</age>
//     <tags type="array"><item>x</item></tags><field name="1 key">v</field></record>
//   </records>
//
// with type="object|array|number|boolean|null|string" (string is the
// default), keys that are not plain XML names in <field name="...">, and
// strings XML 1.0 cannot carry (control characters, U+FFFE, U+FFFF) as
// type="string" encoding="base64" (keys: name-encoding="base64"), so every
// JSON document reads back exactly. Foreign XML (elements without a Ferry
// type) maps attributes to "@name" members, child elements to members
// (repeated names to arrays), text-only elements to strings and the text of
// mixed content to "#text".
//
// Reading streams: each child element of the root element is one record;
// the reader scans the bytes for the end of each record (outside comments,
// CDATA, processing instructions and attribute values) and parses only that
// fragment, so memory is bounded by the largest record. Input must be UTF-8;
// a DOCTYPE is skipped (entities it declares are not expanded).
//
// Errors (format.h): PARSE_ERROR "LINE:COLUMN: message" (1-based).
//
// Thread safety: readers and writers are single-threaded objects.

#ifndef FERRY_FORMATS_XML_H_
#define FERRY_FORMATS_XML_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "codec/codec.h"
#include "formats/format.h"

namespace ferry::internal {

struct XmlOptions {
  // Reading: deepest element nesting inside a record. Default: 512 (the JSON
  // parser's default).
  uint32_t max_depth = 512;
  // Reading: largest record element, in bytes. Default: 256 MiB.
  size_t max_record_bytes = size_t(256) << 20;
};

std::unique_ptr<DocumentReader> NewXmlReader(std::unique_ptr<ByteSource> in, const XmlOptions& options);
std::unique_ptr<DocumentWriter> NewXmlWriter(std::unique_ptr<ByteSink> out, const XmlOptions& options);

}  // namespace ferry::internal

#endif  // FERRY_FORMATS_XML_H_
