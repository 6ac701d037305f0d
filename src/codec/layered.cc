// Copyright (c) the Ferry authors.
//
// Layered codecs (codec.h): the writing chain compressor -> encryptor -> sink,
// and OpenDecodedFile(), which peeks at a file's first bytes to undo
// encryption and then compression.

#include <algorithm>
#include <cstring>

#include "codec/codec.h"

namespace ferry::internal {
namespace {

// Hands out `head` (bytes already read from `in`) before the rest of `in`.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string head, std::unique_ptr<ByteSource> in) : head_(std::move(head)), in_(std::move(in)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < head_.size()) {
      const size_t k = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return in_->Read(buf, n);
  }

 private:
  std::string head_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> in_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> PeekSource(std::unique_ptr<ByteSource> in, size_t n, std::string* head) {
  head->clear();
  head->resize(n);
  size_t got = 0;
  while (got < n) {
    FERRY_ASSIGN_OR_RETURN(size_t k, in->Read(head->data() + got, n - got));
    if (k == 0) break;
    got += k;
  }
  head->resize(got);
  return std::unique_ptr<ByteSource>(std::make_unique<PrefixedSource>(*head, std::move(in)));
}

Result<std::unique_ptr<ByteSink>> NewEncodingSink(std::unique_ptr<ByteSink> next, Compression c,
                                                  const KeyOptions& key, int level) {
  std::unique_ptr<ByteSink> sink = std::move(next);
  if (key.given()) {
    FERRY_ASSIGN_OR_RETURN(sink, NewEncryptor(key, std::move(sink)));
  }
  return NewCompressor(c, std::move(sink), level);
}

Result<std::unique_ptr<ByteSource>> OpenDecodedFile(const std::string& path, const KeyOptions& key) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, NewFileSource(path));
  return OpenDecodedSource(std::move(source), path, key);
}

Result<std::unique_ptr<ByteSource>> OpenDecodedSource(std::unique_ptr<ByteSource> source, const std::string& path,
                                                      const KeyOptions& key) {
  std::string head;
  FERRY_ASSIGN_OR_RETURN(source, PeekSource(std::move(source), 8, &head));
  if (IsEncrypted(head)) {
    if (!key.given()) {
      return Status::InvalidArgument(path + " is encrypted: pass --passphrase-file or --key-file");
    }
    FERRY_ASSIGN_OR_RETURN(source, NewDecryptor(key, std::move(source)));
    FERRY_ASSIGN_OR_RETURN(source, PeekSource(std::move(source), 4, &head));
  }
  Compression c = DetectCompression(head);
  if (c == Compression::kNone) {
    // Brotli has no magic number: only the extension tells.
    const Compression by_name = CompressionFromPath(path);
    if (by_name == Compression::kBrotli) {
      c = by_name;
    } else if (by_name != Compression::kNone) {
      return Status::ParseError(path + " is named like " + std::string(CompressionName(by_name)) +
                                " data but does not start like it");
    }
  }
  return NewDecompressor(c, std::move(source));
}

}  // namespace ferry::internal
