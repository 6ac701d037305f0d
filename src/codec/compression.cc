// Copyright (c) the Ferry authors.
//
// Compression (codec.h): gzip through zlib, zstd through libzstd's streaming
// API and brotli through libbrotlienc/libbrotlidec. Compressors are sinks and
// decompressors sources that hold one 64 KiB buffer plus the library's own
// state, whatever the size of the data. Decompressors report corrupt data,
// and a stream that ends before its end marker, as PARSE_ERROR.

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "codec/codec.h"

namespace ferry::internal {
namespace {

constexpr size_t kBufferSize = 64 * 1024;
// zlib counts in uInt; larger writes and reads go in pieces.
constexpr size_t kMaxStep = size_t(1) << 30;

// A source over bytes the caller keeps alive (DecompressBuffer).
class ViewSource : public ByteSource {
 public:
  explicit ViewSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override {
    const size_t k = std::min(n, data_.size());
    std::memcpy(buf, data_.data(), k);
    data_.remove_prefix(k);
    return k;
  }

 private:
  std::string_view data_;
};

// A source whose first error is final: reading on after a PARSE_ERROR
// returns it again rather than data from past the damage.
class StickySource : public ByteSource {
 public:
  Result<size_t> Read(char* buf, size_t n) final {
    if (!error_.ok()) return error_;
    Result<size_t> r = ReadSome(buf, n);
    if (!r.ok()) error_ = r.status();
    return r;
  }

 protected:
  virtual Result<size_t> ReadSome(char* buf, size_t n) = 0;

 private:
  Status error_;
};

Status FinishedError(std::string_view what) {
  return Status::InvalidArgument(std::string(what) + " compressor: write after Finish()");
}

// ------------------------------------------------------------------ gzip

class GzipSink : public ByteSink {
 public:
  explicit GzipSink(std::unique_ptr<ByteSink> next) : next_(std::move(next)), out_(kBufferSize) {}
  ~GzipSink() override {
    if (initialized_) deflateEnd(&z_);
  }

  Status Init(int level) {
    if (level < 0 || level > 9) {
      return Status::InvalidArgument("gzip level must be 1 to 9 (0: default), got " + std::to_string(level));
    }
    const int rc = deflateInit2(&z_, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                                Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) return Status::Internal("deflateInit2 failed: " + std::to_string(rc));
    initialized_ = true;
    return Status::OK();
  }

  Status Write(std::string_view data) override {
    if (finished_) return FinishedError("gzip");
    while (!data.empty()) {
      const size_t step = std::min(data.size(), kMaxStep);
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z_.avail_in = uInt(step);
      FERRY_RETURN_IF_ERROR(Pump(Z_NO_FLUSH));
      data.remove_prefix(step);
    }
    return Status::OK();
  }

  Status Finish() override {
    if (finished_) return Status::OK();
    finished_ = true;
    z_.next_in = nullptr;
    z_.avail_in = 0;
    FERRY_RETURN_IF_ERROR(Pump(Z_FINISH));
    return next_->Finish();
  }

 private:
  // Deflates all pending input (and with Z_FINISH the trailer), passing
  // every full or final output buffer on.
  Status Pump(int flush) {
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = uInt(out_.size());
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal("deflate failed");
      const size_t produced = out_.size() - z_.avail_out;
      if (produced > 0) FERRY_RETURN_IF_ERROR(next_->Write(std::string_view(out_.data(), produced)));
      if (flush == Z_FINISH) {
        if (rc == Z_STREAM_END) return Status::OK();
      } else if (z_.avail_in == 0 && z_.avail_out > 0) {
        return Status::OK();
      }
    }
  }

  std::unique_ptr<ByteSink> next_;
  std::vector<char> out_;
  z_stream z_{};
  bool initialized_ = false;
  bool finished_ = false;
};

// Accepts one gzip member or several concatenated (as gzip(1) writes them).
class GzipSource : public StickySource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)), in_buf_(kBufferSize) {}
  ~GzipSource() override {
    if (initialized_) inflateEnd(&z_);
  }

  Status Init() {
    const int rc = inflateInit2(&z_, 15 + 16);
    if (rc != Z_OK) return Status::Internal("inflateInit2 failed: " + std::to_string(rc));
    initialized_ = true;
    return Status::OK();
  }

  Result<size_t> ReadSome(char* buf, size_t n) override {
    if (n == 0 || done_) return size_t(0);
    n = std::min(n, kMaxStep);
    for (;;) {
      if (z_.avail_in == 0 && !eof_) {
        FERRY_ASSIGN_OR_RETURN(size_t k, in_->Read(in_buf_.data(), in_buf_.size()));
        if (k == 0) eof_ = true;
        z_.next_in = reinterpret_cast<Bytef*>(in_buf_.data());
        z_.avail_in = uInt(k);
      }
      if (member_ended_) {
        if (z_.avail_in == 0) {
          if (eof_) {
            done_ = true;
            return size_t(0);
          }
          continue;
        }
        // Another member follows.
        inflateReset(&z_);
        member_ended_ = false;
      }
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = uInt(n);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t produced = n - z_.avail_out;
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
      } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
        return Status::ParseError(std::string("corrupt gzip data: ") + (z_.msg ? z_.msg : "invalid stream"));
      } else if (rc == Z_MEM_ERROR) {
        return Status::Internal("gzip: out of memory");
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Internal("inflate failed: " + std::to_string(rc));
      }
      if (produced > 0) return produced;
      if (!member_ended_ && z_.avail_in == 0 && eof_) {
        return Status::ParseError("truncated gzip stream: the data ends before the end of its last member");
      }
    }
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<char> in_buf_;
  z_stream z_{};
  bool initialized_ = false;
  bool eof_ = false;
  bool member_ended_ = false;
  bool done_ = false;
};

// ------------------------------------------------------------------ zstd

class ZstdSink : public ByteSink {
 public:
  explicit ZstdSink(std::unique_ptr<ByteSink> next)
      : next_(std::move(next)), cctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {}
  ~ZstdSink() override { ZSTD_freeCCtx(cctx_); }

  Status Init(int level) {
    if (cctx_ == nullptr) return Status::Internal("ZSTD_createCCtx failed");
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
      return Status::InvalidArgument("zstd level must be " + std::to_string(ZSTD_minCLevel()) + " to " +
                                     std::to_string(ZSTD_maxCLevel()) + ", got " + std::to_string(level));
    }
    size_t rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
    return Status::OK();
  }

  Status Write(std::string_view data) override {
    if (finished_) return FinishedError("zstd");
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (in.pos < in.size) {
      Result<size_t> step = Step(&in, ZSTD_e_continue);
      if (!step.ok()) return step.status();
    }
    return Status::OK();
  }

  Status Finish() override {
    if (finished_) return Status::OK();
    finished_ = true;
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      FERRY_ASSIGN_OR_RETURN(size_t remaining, Step(&in, ZSTD_e_end));
      if (remaining == 0) break;
    }
    return next_->Finish();
  }

 private:
  Result<size_t> Step(ZSTD_inBuffer* in, ZSTD_EndDirective mode) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const size_t rc = ZSTD_compressStream2(cctx_, &out, in, mode);
    if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(rc));
    if (out.pos > 0) FERRY_RETURN_IF_ERROR(next_->Write(std::string_view(out_.data(), out.pos)));
    return rc;
  }

  std::unique_ptr<ByteSink> next_;
  ZSTD_CCtx* cctx_;
  std::vector<char> out_;
  bool finished_ = false;
};

// Reads one or more frames (zstd concatenates them natively).
class ZstdSource : public StickySource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), dctx_(ZSTD_createDCtx()), in_buf_(ZSTD_DStreamInSize()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Status Init() {
    if (dctx_ == nullptr) return Status::Internal("ZSTD_createDCtx failed");
    // Frames that need a window over 128 MiB (zstd's own default limit) are
    // refused: that bounds memory.
    const size_t rc = ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, 27);
    if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
    return Status::OK();
  }

  Result<size_t> ReadSome(char* buf, size_t n) override {
    if (n == 0) return size_t(0);
    for (;;) {
      if (zin_.pos == zin_.size && !eof_) {
        FERRY_ASSIGN_OR_RETURN(size_t k, in_->Read(in_buf_.data(), in_buf_.size()));
        if (k == 0) eof_ = true;
        zin_ = ZSTD_inBuffer{in_buf_.data(), k, 0};
      }
      // At the end of the input with the last frame complete and flushed.
      if (zin_.pos == zin_.size && eof_ && hint_ == 0) return size_t(0);
      ZSTD_outBuffer out{buf, n, 0};
      const size_t rc = ZSTD_decompressStream(dctx_, &out, &zin_);
      if (ZSTD_isError(rc)) return Status::ParseError(std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc));
      hint_ = rc;
      if (out.pos > 0) return out.pos;
      if (zin_.pos == zin_.size && eof_ && hint_ != 0) {
        return Status::ParseError("truncated zstd stream: the data ends inside a frame");
      }
    }
  }

 private:
  std::unique_ptr<ByteSource> in_;
  ZSTD_DCtx* dctx_;
  std::vector<char> in_buf_;
  ZSTD_inBuffer zin_{nullptr, 0, 0};
  // ZSTD_decompressStream's last return: 0 once a frame is complete and
  // flushed. Nonzero at first, so empty input counts as truncated.
  size_t hint_ = 1;
  bool eof_ = false;
};

// ---------------------------------------------------------------- brotli

class BrotliSink : public ByteSink {
 public:
  explicit BrotliSink(std::unique_ptr<ByteSink> next)
      : next_(std::move(next)), state_(BrotliEncoderCreateInstance(nullptr, nullptr, nullptr)), out_(kBufferSize) {}
  ~BrotliSink() override {
    if (state_ != nullptr) BrotliEncoderDestroyInstance(state_);
  }

  Status Init(int level) {
    if (state_ == nullptr) return Status::Internal("BrotliEncoderCreateInstance failed");
    if (level < 0 || level > BROTLI_MAX_QUALITY) {
      return Status::InvalidArgument("brotli level must be 1 to " + std::to_string(BROTLI_MAX_QUALITY) +
                                     " (0: default), got " + std::to_string(level));
    }
    const uint32_t quality = level == 0 ? BROTLI_DEFAULT_QUALITY : uint32_t(level);
    if (!BrotliEncoderSetParameter(state_, BROTLI_PARAM_QUALITY, quality)) {
      return Status::Internal("brotli: cannot set quality");
    }
    return Status::OK();
  }

  Status Write(std::string_view data) override {
    if (finished_) return FinishedError("brotli");
    return Pump(BROTLI_OPERATION_PROCESS, data);
  }

  Status Finish() override {
    if (finished_) return Status::OK();
    finished_ = true;
    FERRY_RETURN_IF_ERROR(Pump(BROTLI_OPERATION_FINISH, std::string_view()));
    return next_->Finish();
  }

 private:
  Status Pump(BrotliEncoderOperation op, std::string_view data) {
    size_t avail_in = data.size();
    const uint8_t* next_in = reinterpret_cast<const uint8_t*>(data.data());
    for (;;) {
      size_t avail_out = out_.size();
      uint8_t* next_out = reinterpret_cast<uint8_t*>(out_.data());
      if (!BrotliEncoderCompressStream(state_, op, &avail_in, &next_in, &avail_out, &next_out, nullptr)) {
        return Status::Internal("brotli compression failed");
      }
      const size_t produced = out_.size() - avail_out;
      if (produced > 0) FERRY_RETURN_IF_ERROR(next_->Write(std::string_view(out_.data(), produced)));
      if (BrotliEncoderHasMoreOutput(state_)) continue;
      if (op == BROTLI_OPERATION_FINISH ? BrotliEncoderIsFinished(state_) : avail_in == 0) return Status::OK();
    }
  }

  std::unique_ptr<ByteSink> next_;
  BrotliEncoderState* state_;
  std::vector<char> out_;
  bool finished_ = false;
};

// One brotli stream; anything after its end is PARSE_ERROR.
class BrotliSource : public StickySource {
 public:
  explicit BrotliSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)), in_buf_(kBufferSize) {}
  ~BrotliSource() override {
    if (state_ != nullptr) BrotliDecoderDestroyInstance(state_);
  }

  Status Init() {
    if (state_ == nullptr) return Status::Internal("BrotliDecoderCreateInstance failed");
    return Status::OK();
  }

  Result<size_t> ReadSome(char* buf, size_t n) override {
    if (n == 0) return size_t(0);
    for (;;) {
      if (done_) {
        FERRY_RETURN_IF_ERROR(CheckNothingFollows());
        return size_t(0);
      }
      if (avail_in_ == 0 && !eof_) FERRY_RETURN_IF_ERROR(Fill());
      size_t avail_out = n;
      uint8_t* next_out = reinterpret_cast<uint8_t*>(buf);
      const BrotliDecoderResult rc =
          BrotliDecoderDecompressStream(state_, &avail_in_, &next_in_, &avail_out, &next_out, nullptr);
      const size_t produced = n - avail_out;
      if (rc == BROTLI_DECODER_RESULT_ERROR) {
        return Status::ParseError(std::string("corrupt brotli data: ") +
                                  BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_)));
      }
      if (rc == BROTLI_DECODER_RESULT_SUCCESS) done_ = true;
      if (produced > 0) return produced;
      if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT && avail_in_ == 0 && eof_) {
        return Status::ParseError("truncated brotli stream: the data ends before the end of the stream");
      }
    }
  }

 private:
  Status Fill() {
    FERRY_ASSIGN_OR_RETURN(size_t k, in_->Read(in_buf_.data(), in_buf_.size()));
    if (k == 0) eof_ = true;
    next_in_ = reinterpret_cast<const uint8_t*>(in_buf_.data());
    avail_in_ = k;
    return Status::OK();
  }

  Status CheckNothingFollows() {
    if (avail_in_ == 0 && !eof_) FERRY_RETURN_IF_ERROR(Fill());
    if (avail_in_ > 0) return Status::ParseError("corrupt brotli data: bytes follow the end of the stream");
    return Status::OK();
  }

  std::unique_ptr<ByteSource> in_;
  BrotliDecoderState* state_;
  std::vector<char> in_buf_;
  const uint8_t* next_in_ = nullptr;
  size_t avail_in_ = 0;
  bool eof_ = false;
  bool done_ = false;
};

template <typename T>
Result<std::unique_ptr<ByteSink>> MakeSink(std::unique_ptr<ByteSink> next, int level) {
  auto sink = std::make_unique<T>(std::move(next));
  FERRY_RETURN_IF_ERROR(sink->Init(level));
  return std::unique_ptr<ByteSink>(std::move(sink));
}

template <typename T>
Result<std::unique_ptr<ByteSource>> MakeSource(std::unique_ptr<ByteSource> in) {
  auto source = std::make_unique<T>(std::move(in));
  FERRY_RETURN_IF_ERROR(source->Init());
  return std::unique_ptr<ByteSource>(std::move(source));
}

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kBrotli:
      return "brotli";
  }
  return "none";
}

Result<Compression> ParseCompression(std::string_view name) {
  if (name == "none") return Compression::kNone;
  if (name == "gzip" || name == "gz") return Compression::kGzip;
  if (name == "zstd" || name == "zst") return Compression::kZstd;
  if (name == "brotli" || name == "br") return Compression::kBrotli;
  std::string msg = "unknown compression \"";
  msg.append(name);
  msg.append("\" (expected none, gzip, zstd or brotli)");
  return Status::InvalidArgument(std::move(msg));
}

Compression CompressionFromPath(std::string_view path) {
  if (path.ends_with(".enc")) path.remove_suffix(4);
  if (path.ends_with(".gz")) return Compression::kGzip;
  if (path.ends_with(".zst")) return Compression::kZstd;
  if (path.ends_with(".br")) return Compression::kBrotli;
  return Compression::kNone;
}

Compression DetectCompression(std::string_view head) {
  if (head.size() >= 2 && uint8_t(head[0]) == 0x1f && uint8_t(head[1]) == 0x8b) return Compression::kGzip;
  if (head.size() >= 4 && uint8_t(head[0]) == 0x28 && uint8_t(head[1]) == 0xb5 && uint8_t(head[2]) == 0x2f &&
      uint8_t(head[3]) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

Result<std::unique_ptr<ByteSink>> NewCompressor(Compression c, std::unique_ptr<ByteSink> next, int level) {
  if (next == nullptr) return Status::InvalidArgument("NewCompressor: no sink");
  switch (c) {
    case Compression::kNone:
      return next;
    case Compression::kGzip:
      return MakeSink<GzipSink>(std::move(next), level);
    case Compression::kZstd:
      return MakeSink<ZstdSink>(std::move(next), level);
    case Compression::kBrotli:
      return MakeSink<BrotliSink>(std::move(next), level);
  }
  return Status::InvalidArgument("unknown compression");
}

Result<std::unique_ptr<ByteSource>> NewDecompressor(Compression c, std::unique_ptr<ByteSource> in) {
  if (in == nullptr) return Status::InvalidArgument("NewDecompressor: no source");
  switch (c) {
    case Compression::kNone:
      return in;
    case Compression::kGzip:
      return MakeSource<GzipSource>(std::move(in));
    case Compression::kZstd:
      return MakeSource<ZstdSource>(std::move(in));
    case Compression::kBrotli:
      return MakeSource<BrotliSource>(std::move(in));
  }
  return Status::InvalidArgument("unknown compression");
}

Result<std::string> CompressBuffer(Compression c, std::string_view data, int level) {
  std::string out;
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> sink, NewCompressor(c, NewStringSink(&out), level));
  FERRY_RETURN_IF_ERROR(sink->Write(data));
  FERRY_RETURN_IF_ERROR(sink->Finish());
  return out;
}

Result<std::string> DecompressBuffer(Compression c, std::string_view data, size_t max_size) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source,
                         NewDecompressor(c, std::make_unique<ViewSource>(data)));
  Result<std::string> out = ReadAll(source.get(), max_size);
  if (!out.ok() && out.status().IsInvalidArgument()) {
    return Status::ParseError(std::string(CompressionName(c)) + " data decompresses to more than " +
                              std::to_string(max_size) + " bytes");
  }
  return out;
}

}  // namespace ferry::internal
