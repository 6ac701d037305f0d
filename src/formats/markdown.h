// Copyright (c) the Ferry authors.
//
// Markdown: a readable section per document, for people rather than
// programs. The reader reads back exactly the shape the writer writes.
//
//   # Heading                      <- MarkdownOptions::heading, when set
//
//   ## Ada Lovelace                <- the title (see MarkdownOptions)
//
//   - **born**: 1815
//   - **address**:                 <- nested objects: nested bullets
//     - **city**: London
//   - **tags**: math, poetry       <- arrays of one-line scalars: comma-joined
//   - **notes**:                   <- multi-line strings: a fenced block
//     ```
//     line one
//     line two
//     ```
//
// Values are rendered so that no document can break the structure: every
// Markdown inline special character (\ ` * _ [ ] < > & ~ | #) is escaped with
// a backslash, titles and field names are kept on one line (line breaks
// become spaces), and multi-line strings go into a fenced code block whose
// fence is longer than any run of backticks inside. null is *null*, an empty
// string *empty*, an empty array *empty list*, an empty object *empty object*;
// other arrays are nested bullets numbered from 1. A document that is not an
// object gets the title "Record N" and one bullet "value".
//
// Reading (NewMarkdownReader) takes that shape back: one record per "## "
// section (blank lines and a first "# heading" before the first section are
// skipped); the section's title becomes the member `title_field`, first,
// unless it is "Record N" for the N-th section; "- **name**: value" bullets
// become members, nested bullets objects, bullets labelled 1, 2, ... in
// order arrays, fenced blocks strings; an inline value is *null*, *empty*,
// *empty list*, *empty object*, true, false, a JSON number, a list of them
// or of strings joined by an unescaped ", ", or else a string (backslash
// escapes removed). Markdown cannot say everything JSON can, so the writer's
// output reads back to the same document only within the limits listed in
// docs/formats.md (a title from another field comes back as `title_field`,
// a string that reads as a number or boolean, or holds ", ", comes back as
// that number, boolean or list, ...). Anything else is PARSE_ERROR
// "LINE:COLUMN: what".
//
// Thread safety: readers and writers are single-threaded objects.

#ifndef FERRY_FORMATS_MARKDOWN_H_
#define FERRY_FORMATS_MARKDOWN_H_

#include <memory>
#include <string>

#include "codec/codec.h"
#include "ferry/result.h"
#include "formats/format.h"

namespace ferry::internal {

struct MarkdownOptions {
  // The field whose value titles a document's section. Default "title";
  // when absent (or null, empty, an array or an object) the writer tries
  // "name", then `key_field`, then uses "Record N" (N counts from 1). The
  // field used as the title is not repeated in the bullets.
  std::string title_field = "title";
  // The collection's key field, the last title candidate. Default "id".
  std::string key_field = "id";
  // A first line "# heading" for the whole file. Default: none.
  std::string heading;
};

std::unique_ptr<DocumentReader> NewMarkdownReader(std::unique_ptr<ByteSource> in, const MarkdownOptions& options);

Result<std::unique_ptr<DocumentWriter>> NewMarkdownWriter(std::unique_ptr<ByteSink> out,
                                                          const MarkdownOptions& options);

}  // namespace ferry::internal

#endif  // FERRY_FORMATS_MARKDOWN_H_
