// Copyright (c) the Ferry authors.
//
// Fuzz target for the byte codecs (codec/codec.h). Arbitrary bytes go through
// NewDecryptor() with a fixed key file and through each decompressor: each
// returns data or a clean error (INTEGRITY_ERROR / WRONG_KEY, PARSE_ERROR),
// never a crash, a hang or an unbounded allocation. The same bytes also make
// round trips: compressing then decompressing them, and encrypting then
// decrypting them with a chunk size taken from the input, give them back.
//
// FERRY_FUZZ_DECODE_WRITE_SEEDS=DIR writes the seed corpus (valid gzip, zstd,
// brotli, encrypted and compressed-then-encrypted streams under the fixed
// key) into DIR before running: corpus/decode was made that way.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "codec/codec.h"

namespace {

using ferry::ErrorCode;
using ferry::Status;
using namespace ferry::internal;  // NOLINT

constexpr std::string_view kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// The fixed key, in a temporary file removed at exit.
struct KeyFile {
  KeyFile() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp ? tmp : "/tmp") + "/fuzz_decode_key_XXXXXX";
    const int fd = ::mkstemp(templ.data());
    if (fd < 0 || ::write(fd, kKeyHex.data(), kKeyHex.size()) != ssize_t(kKeyHex.size())) __builtin_trap();
    ::close(fd);
    path = templ;
  }
  ~KeyFile() { ::unlink(path.c_str()); }
  std::string path;
};

const KeyFile& FixedKey() {
  static const KeyFile key;
  return key;
}

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string Encrypt(std::string_view data, size_t chunk_size) {
  std::string out;
  auto sink = NewEncryptor(KeyOptions{"", FixedKey().path}, NewStringSink(&out), chunk_size);
  Check(sink.ok());
  Check((*sink)->Write(data).ok());
  Check((*sink)->Finish().ok());
  return out;
}

void WriteSeed(const std::string& dir, const std::string& name, const std::string& bytes) {
  FILE* f = std::fopen((dir + "/" + name).c_str(), "wb");
  Check(f != nullptr);
  Check(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
}

void WriteSeeds(const std::string& dir) {
  const std::string text = "{\"id\":1,\"name\":\"Ada\"}\n{\"id\":2,\"name\":\"Grace\"}\n";
  WriteSeed(dir, "plain.jsonl", text);
  WriteSeed(dir, "gzip.gz", CompressBuffer(Compression::kGzip, text).value());
  WriteSeed(dir, "gzip_two_members.gz",
            CompressBuffer(Compression::kGzip, text).value() + CompressBuffer(Compression::kGzip, "x").value());
  WriteSeed(dir, "zstd.zst", CompressBuffer(Compression::kZstd, text).value());
  WriteSeed(dir, "brotli.br", CompressBuffer(Compression::kBrotli, text).value());
  WriteSeed(dir, "encrypted_empty.enc", Encrypt("", 16));
  WriteSeed(dir, "encrypted_chunks.enc", Encrypt(text, 16));
  WriteSeed(dir, "encrypted_gzip.enc", Encrypt(CompressBuffer(Compression::kGzip, text).value(), 32));
  WriteSeed(dir, "encrypted_zstd.enc", Encrypt(CompressBuffer(Compression::kZstd, text).value(), 1 << 20));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  FixedKey();
  if (const char* dir = std::getenv("FERRY_FUZZ_DECODE_WRITE_SEEDS")) WriteSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr size_t kMaxOutput = size_t(16) << 20;

  // Decrypting: data, or a clean refusal.
  {
    auto source = NewDecryptor(KeyOptions{"", FixedKey().path}, NewStringSource(std::string(bytes)));
    Status s = source.status();
    if (source.ok()) {
      auto all = ReadAll(source->get(), kMaxOutput);
      s = all.status();
      // Plaintext is never longer than its ciphertext.
      if (all.ok()) Check(all->size() < size);
    }
    Check(s.ok() || s.code() == ErrorCode::kIntegrityError || s.code() == ErrorCode::kWrongKey);
  }

  // Decompressing, buffer and streaming.
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kBrotli}) {
    auto out = DecompressBuffer(c, bytes, kMaxOutput);
    Check(out.ok() || out.status().IsParseError());
    auto source = NewDecompressor(c, NewStringSource(std::string(bytes)));
    Check(source.ok());
    std::string streamed;
    char buf[7];
    for (size_t total = 0; total <= kMaxOutput;) {
      auto n = (*source)->Read(buf, sizeof buf);
      if (!n.ok()) {
        Check(n.status().IsParseError() && !out.ok());
        break;
      }
      if (n.value() == 0) {
        Check(out.ok() && streamed == out.value());
        break;
      }
      streamed.append(buf, n.value());
      total += n.value();
    }
  }

  // Round trips.
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kBrotli}) {
    auto packed = CompressBuffer(c, bytes, 1);
    Check(packed.ok());
    auto back = DecompressBuffer(c, packed.value());
    Check(back.ok() && back.value() == bytes);
  }
  const size_t chunk_size = size == 0 ? 1 : 1 + data[0] % 64;
  auto back = NewDecryptor(KeyOptions{"", FixedKey().path}, NewStringSource(Encrypt(bytes, chunk_size)));
  Check(back.ok());
  auto plain = ReadAll(back->get());
  Check(plain.ok() && plain.value() == bytes);
  return 0;
}
