// Copyright (c) the Ferry authors.
//
// Self-consistency fuzzer for the streaming record readers (JSON Lines and
// JSON array files): for any input, reading with batch size 1 and with batch
// size 7 yields the same records; a JSON array that the JSON parser accepts
// as a whole yields exactly its elements; and a reader that Seek()s to any
// batch's end position (what a resumed run does) yields exactly the records
// after it, with the same record numbers and lines.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/source.h"
#include "ferry/json.h"

namespace {

struct Position {
  std::string position;
  size_t records = 0;  // records before it
};

std::vector<std::string> ReadAll(const std::string& uri, uint32_t batch, bool* ok,
                                 std::vector<Position>* positions = nullptr,
                                 std::vector<uint64_t>* lines = nullptr) {
  std::vector<std::string> out;
  *ok = true;
  auto spec = ferry::internal::ParseFileUri(uri);
  auto reader = ferry::internal::RecordReader::Open(spec.value());
  if (!reader.ok()) __builtin_trap();
  ferry::internal::RecordBatchInput b;
  bool eof = false;
  while (!eof) {
    ferry::Status s = (*reader)->ReadBatch(batch, &b, &eof);
    if (!s.ok()) {
      if (!s.IsParseError()) __builtin_trap();
      *ok = false;
      break;
    }
    for (size_t i = 0; i < b.records.size(); ++i) {
      if (b.records[i].record != out.size() + 1) __builtin_trap();
      out.emplace_back(b.Record(i));
      if (lines != nullptr) lines->push_back(b.records[i].line);
    }
    if (positions != nullptr) positions->push_back({b.end_position, out.size()});
  }
  return out;
}

// Seek to each position and read the rest: it must be the tail.
void CheckResume(const std::string& uri, const std::vector<std::string>& all, const std::vector<uint64_t>& lines,
                 const std::vector<Position>& positions) {
  auto spec = ferry::internal::ParseFileUri(uri);
  for (const Position& p : positions) {
    auto reader = ferry::internal::RecordReader::Open(spec.value());
    if (!reader.ok()) __builtin_trap();
    if (!(*reader)->Seek(p.position, p.records).ok()) __builtin_trap();
    ferry::internal::RecordBatchInput b;
    bool eof = false;
    size_t next = p.records;
    while (!eof) {
      if (!(*reader)->ReadBatch(5, &b, &eof).ok()) __builtin_trap();
      for (size_t i = 0; i < b.records.size(); ++i, ++next) {
        if (next >= all.size() || b.Record(i) != all[next] || b.records[i].record != next + 1 ||
            b.records[i].line != lines[next]) {
          __builtin_trap();
        }
      }
    }
    if (next != all.size()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/ferry-fuzz-reader-" + std::to_string(::getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  for (const char* scheme : {"jsonl:", "json:"}) {
    bool ok1 = false, ok7 = false;
    auto a = ReadAll(scheme + path, 1, &ok1);
    auto b = ReadAll(scheme + path, 7, &ok7);
    if (ok1 != ok7) __builtin_trap();
    if (ok1 && a != b) __builtin_trap();
    if (ok1) {
      std::vector<Position> positions;
      std::vector<uint64_t> lines;
      bool ok = false;
      auto all = ReadAll(scheme + path, 3, &ok, &positions, &lines);
      if (!ok || all != a) __builtin_trap();
      CheckResume(scheme + path, all, lines, positions);
    }
  }
  // A JSON array the parser accepts splits into exactly its elements.
  ferry::Arena arena;
  ferry::JsonParser parser;
  auto whole = parser.Parse(std::string_view(reinterpret_cast<const char*>(data), size), arena);
  if (whole.ok() && whole.value().IsArray()) {
    bool ok = false;
    auto elems = ReadAll("json:" + path, 3, &ok);
    if (!ok || elems.size() != whole.value().size()) __builtin_trap();
    for (size_t i = 0; i < elems.size(); ++i) {
      auto e = parser.Parse(elems[i], arena);
      if (!e.ok() || !e.value().Equals(whole.value()[i])) __builtin_trap();
    }
  }
  ::unlink(path.c_str());
  return 0;
}
