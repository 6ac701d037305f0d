// Copyright (c) the Ferry authors.
//
// Pieces shared by the test-data generators behind `ferry generate`
// (workouts_generator.cc, local_storage_generator.cc): a PRNG whose stream is
// the same on every platform, integer and timestamp formatting, and a
// buffered output file. Internal to src/examples/.

#ifndef FERRY_EXAMPLES_GENERATOR_UTIL_H_
#define FERRY_EXAMPLES_GENERATOR_UTIL_H_

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "common/civil_time.h"
#include "ferry/status.h"
#include "store/distinct_files.h"

namespace ferry::internal {

// ---------------------------------------------------------------------------
// PRNG: xoshiro256** seeded by splitmix64. Both are fully specified integer
// algorithms, so the stream is the same on every platform.

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) word = SplitMix64(&x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), unbiased (Lemire's multiply-and-reject on 32 bits).
  // REQUIRES: n > 0
  uint32_t Below(uint32_t n) {
    uint64_t m = uint64_t(uint32_t(Next() >> 32)) * n;
    uint32_t low = uint32_t(m);
    if (low < n) {
      const uint32_t threshold = (0u - n) % n;
      while (low < threshold) {
        m = uint64_t(uint32_t(Next() >> 32)) * n;
        low = uint32_t(m);
      }
    }
    return uint32_t(m >> 32);
  }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi, hi - lo < 2^32 - 1
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + int64_t(Below(uint32_t(hi - lo + 1)));
  }

  // True with probability percent / 100.
  bool Percent(uint32_t percent) { return Below(100) < percent; }

  template <typename T, size_t N>
  const T& Pick(const T (&table)[N]) {
    return table[Below(uint32_t(N))];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t* x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t s_[4];
};

inline void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, size_t(r.ptr - buf));
}

// Appends `v` with at least `width` digits (zero-padded). REQUIRES: v >= 0
inline void AppendPadded(uint64_t v, int width, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  const int digits = int(r.ptr - buf);
  if (digits < width) out->append(size_t(width - digits), '0');
  out->append(buf, size_t(digits));
}

// "YYYY-MM-DD" + sep + "HH:MM:SS" + (iso ? "Z" : ""), quoted.
// REQUIRES: epoch >= 0
inline void AppendTimestamp(int64_t epoch, bool iso, std::string* out) {
  constexpr int64_t kSecondsPerDay = 86400;
  const CivilDate date = CivilFromDays(epoch / kSecondsPerDay);
  const int64_t secs = epoch % kSecondsPerDay;
  out->push_back('"');
  AppendPadded(uint64_t(date.year), 4, out);
  out->push_back('-');
  AppendPadded(date.month, 2, out);
  out->push_back('-');
  AppendPadded(date.day, 2, out);
  out->push_back(iso ? 'T' : ' ');
  AppendPadded(uint64_t(secs / 3600), 2, out);
  out->push_back(':');
  AppendPadded(uint64_t(secs / 60 % 60), 2, out);
  out->push_back(':');
  AppendPadded(uint64_t(secs % 60), 2, out);
  if (iso) out->push_back('Z');
  out->push_back('"');
}

// ---------------------------------------------------------------------------
// Output: a file written through a large buffer.

// The data set and its expected rejects must be two files (by device and
// inode: store/distinct_files.h), or each would truncate the other.
inline Status CheckGeneratorOutputs(const std::string& out_path, const std::string& expect_rejects_path) {
  internal::DistinctFiles files;
  FERRY_RETURN_IF_ERROR(files.AddOutput("the output (-o)", out_path));
  return files.AddOutput("the expected rejects (--expect-rejects)", expect_rejects_path);
}

class BufferedFile {
 public:
  static constexpr size_t kBufferSize = size_t(1) << 20;

  BufferedFile() = default;
  ~BufferedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  BufferedFile(const BufferedFile&) = delete;
  BufferedFile& operator=(const BufferedFile&) = delete;

  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Error("cannot open");
    buf_.reserve(kBufferSize + 64 * 1024);
    return Status::OK();
  }

  // The caller appends here, then calls MaybeFlush().
  std::string* buffer() { return &buf_; }

  Status MaybeFlush() { return buf_.size() >= kBufferSize ? Flush() : Status::OK(); }

  Status Close() {
    Status s = Flush();
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && s.ok()) s = Error("cannot close");
    return s;
  }

  uint64_t bytes() const { return written_ + buf_.size(); }

 private:
  Status Flush() {
    const char* p = buf_.data();
    size_t left = buf_.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error("cannot write");
      }
      p += n;
      left -= size_t(n);
    }
    written_ += buf_.size();
    buf_.clear();
    return Status::OK();
  }

  Status Error(const char* what) const {
    return Status::IoError(std::string(what) + " " + path_ + ": " + std::strerror(errno));
  }

  std::string path_;
  int fd_ = -1;
  std::string buf_;
  uint64_t written_ = 0;
};

}  // namespace ferry::internal

#endif  // FERRY_EXAMPLES_GENERATOR_UTIL_H_
