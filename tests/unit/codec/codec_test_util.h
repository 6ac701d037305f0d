// Copyright (c) the Ferry authors.
//
// Helpers shared by the codec tests: deterministic payloads and sources and
// sinks that write and read in fixed step sizes.

#ifndef FERRY_TESTS_UNIT_CODEC_CODEC_TEST_UTIL_H_
#define FERRY_TESTS_UNIT_CODEC_CODEC_TEST_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "util/test_util.h"

namespace ferry::internal::codec_test {

// Text-like bytes that compress moderately: pseudo-random words.
inline std::string RandomishText(size_t size, uint64_t seed) {
  static const char* kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                                 "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};
  std::string out;
  out.reserve(size + 16);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  while (out.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out.append(kWords[x % 16]);
    out.push_back((x >> 8) % 8 == 0 ? '\n' : ' ');
    out.append(std::to_string((x >> 16) % 100000));
    out.push_back(',');
  }
  out.resize(size);
  return out;
}

// Incompressible bytes.
inline std::string RandomBytes(size_t size, uint64_t seed) {
  std::string out;
  out.reserve(size);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  while (out.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out.push_back(char(uint8_t(x >> 24)));
  }
  return out;
}

// Writes `data` into `sink` in pieces of `step` bytes, then finishes it.
inline Status WriteInSteps(ByteSink* sink, std::string_view data, size_t step) {
  while (!data.empty()) {
    const size_t k = std::min(step, data.size());
    FERRY_RETURN_IF_ERROR(sink->Write(data.substr(0, k)));
    data.remove_prefix(k);
  }
  return sink->Finish();
}

// Reads everything from `source` asking for `step` bytes at a time.
inline Result<std::string> ReadInSteps(ByteSource* source, size_t step) {
  std::string out;
  std::string buf(step, '\0');
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(size_t n, source->Read(buf.data(), step));
    if (n == 0) return out;
    out.append(buf.data(), n);
  }
}

}  // namespace ferry::internal::codec_test

#endif  // FERRY_TESTS_UNIT_CODEC_CODEC_TEST_UTIL_H_
