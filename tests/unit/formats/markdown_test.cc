// Copyright (c) the Ferry authors.
//
// Markdown writer (formats/markdown.h): exact output for ordinary and nasty
// documents; no value may create a heading, a list item or a code block.

#include "formats/markdown.h"

#include <string>
#include <vector>

#include "codec/codec.h"
#include "util/test_util.h"

// Options are given as designated initializers, naming only what a test sets.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ferry {
namespace {

using internal::MarkdownOptions;

std::string Render(const std::vector<std::string>& docs, const MarkdownOptions& options = {}) {
  std::string out;
  auto writer = internal::NewMarkdownWriter(internal::NewStringSink(&out), options);
  if (!writer.ok()) return writer.status().ToString();
  for (const std::string& d : docs) {
    Status s = (*writer)->Write(d);
    if (!s.ok()) return s.ToString();
  }
  Status s = (*writer)->Finish();
  if (!s.ok()) return s.ToString();
  return out;
}

TEST(MarkdownWriterTest, SectionsWithBullets) {
  EXPECT_EQ(Render({R"({"id":7,"title":"Ada Lovelace","born":1815,"alive":false,"spouse":null,)"
                    R"("address":{"city":"London","geo":{"lat":51.5}},"tags":["math","poetry",3],"empty":"",)"
                    R"("none":[],"obj":{}})",
                    R"({"id":8,"name":"Second"})"},
                   {.heading = "People"}),
            "# People\n"
            "\n"
            "## Ada Lovelace\n"
            "\n"
            "- **id**: 7\n"
            "- **born**: 1815\n"
            "- **alive**: false\n"
            "- **spouse**: *null*\n"
            "- **address**:\n"
            "  - **city**: London\n"
            "  - **geo**:\n"
            "    - **lat**: 51.5\n"
            "- **tags**: math, poetry, 3\n"
            "- **empty**: *empty*\n"
            "- **none**: *empty list*\n"
            "- **obj**: *empty object*\n"
            "\n"
            "## Second\n"
            "\n"
            "- **id**: 8\n");
}

TEST(MarkdownWriterTest, TitleFallsBackToNameThenKeyThenRecordNumber) {
  EXPECT_EQ(Render({R"({"name":"N","id":1})", R"({"title":"","id":"k-2","x":1})", R"({"x":[1]})", R"({"title":3})"}),
            "## N\n\n- **id**: 1\n"
            "\n## k-2\n\n- **title**: *empty*\n- **x**: 1\n"
            "\n## Record 3\n\n- **x**: 1\n"
            "\n## 3\n");
  EXPECT_EQ(Render({R"({"label":"L","title":"T"})"}, {.title_field = "label"}), "## L\n\n- **title**: T\n");
  EXPECT_EQ(Render({R"({"sku":"S1","title":null,"name":{"a":1}})"}, {.key_field = "sku"}),
            "## S1\n\n- **title**: *null*\n- **name**:\n  - **a**: 1\n");
}

TEST(MarkdownWriterTest, NastyStringsCannotBreakTheStructure) {
  EXPECT_EQ(Render({R"({"title":"# Not a heading ##\n## Nor this","a":"#hash","b":"x\n## injected\n- item",)"
                    R"("c":"*bold* _it_ `code` [link](u) <b>&amp; ~s~ | \\","d":"```\nfence\n````","e":"a\r\nb\r",)"
                    R"("f\nname*":"v","":"empty key","g":["a, b","*"]})"}),
            "## \\# Not a heading \\#\\# \\#\\# Nor this\n"
            "\n"
            "- **a**: \\#hash\n"
            "- **b**:\n"
            "  ```\n"
            "  x\n"
            "  ## injected\n"
            "  - item\n"
            "  ```\n"
            "- **c**: \\*bold\\* \\_it\\_ \\`code\\` \\[link\\](u) \\<b\\>\\&amp; \\~s\\~ \\| \\\\\n"
            "- **d**:\n"
            "  `````\n"
            "  ```\n"
            "  fence\n"
            "  ````\n"
            "  `````\n"
            "- **e**:\n"
            "  ```\n"
            "  a\n"
            "  b\n"
            "\n"
            "  ```\n"
            "- **f name\\***: v\n"
            "- **\"\"**: empty key\n"
            "- **g**: a, b, \\*\n");
}

TEST(MarkdownWriterTest, NestedArraysAndMultiLineValuesInsideObjects) {
  EXPECT_EQ(Render({R"({"id":1,"list":[{"a":1},[2,3],"x\ny",[]],"o":{"text":"p\nq"}})"}),
            "## 1\n"
            "\n"
            "- **list**:\n"
            "  - **1**:\n"
            "    - **a**: 1\n"
            "  - **2**: 2, 3\n"
            "  - **3**:\n"
            "    ```\n"
            "    x\n"
            "    y\n"
            "    ```\n"
            "  - **4**: *empty list*\n"
            "- **o**:\n"
            "  - **text**:\n"
            "    ```\n"
            "    p\n"
            "    q\n"
            "    ```\n");
}

TEST(MarkdownWriterTest, NonObjectsAndEmptyOutput) {
  EXPECT_EQ(Render({"42", R"(["a"])"}), "## Record 1\n\n- **value**: 42\n\n## Record 2\n\n- **value**: a\n");
  EXPECT_EQ(Render({}), "");
  EXPECT_EQ(Render({}, {.heading = "Nothing *here*"}), "# Nothing \\*here\\*\n");
  EXPECT_EQ(Render({"{"}).substr(0, 23), "PARSE_ERROR: record 1: ");
}

}  // namespace
}  // namespace ferry
