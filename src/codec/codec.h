// Copyright (c) the Ferry authors.
//
// Byte codecs shared by backups (store/backup.h) and file import/export:
// streaming byte sinks and sources, compression (gzip through zlib, zstd,
// brotli), and authenticated encryption (AES-256-GCM through OpenSSL, keys
// from a passphrase through Argon2id in libsodium, or from a key file).
//
// Layering on write: records -> [compressor] -> [encryptor] -> file.
// On read, OpenDecodedFile() undoes both, detecting each from the bytes.
//
// Encrypted stream format (all integers little-endian):
//   header  "FERRYENC" (8) | version u8 = 1 | key kind u8 (1 passphrase, 2 key file)
//           | opslimit u64 | memlimit u64 | salt (16) | key check (16) | chunk size u32
//   chunks  length u32 | nonce (12) | ciphertext | tag (16)     ... repeated
// `length` counts the ciphertext only (= its plaintext bytes). Every chunk but
// the last holds exactly `chunk size` bytes; the last holds fewer (possibly
// none, when the data is a whole number of chunks), which is how a reader
// knows it is the last. The salt is random for every stream, key files
// included (their opslimit and memlimit are 0), so no two headers are alike.
// Each chunk is sealed with AAD = SHA-256(header) | chunk index u64 | final u8,
// so a flipped bit, a chunk moved, dropped or repeated (within a stream or
// from another one), a stream cut after any chunk, or a header edited is
// INTEGRITY_ERROR naming the chunk, and a wrong passphrase or key file is
// WRONG_KEY (the key check does not match) -- never garbage data. The last
// chunk carries final = 1; data after it is INTEGRITY_ERROR too. Readers
// refuse chunk sizes over 64 MiB and Argon2id limits beyond opslimit 16 or
// memlimit 1 GiB (INTEGRITY_ERROR) before allocating or deriving anything.
//
// Errors: IO_ERROR (the file system), PARSE_ERROR (corrupt compressed data),
// INTEGRITY_ERROR, WRONG_KEY, INVALID_ARGUMENT (bad options, an encrypted input
// without a key).
//
// Thread safety: sinks and sources are single-threaded objects; the free
// functions are thread-safe.

#ifndef FERRY_CODEC_CODEC_H_
#define FERRY_CODEC_CODEC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

// ---------------------------------------------------------------- streams

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view data) = 0;
  // Writes whatever is buffered (compression trailers, the final encrypted
  // chunk), then finishes the sink below. No Write() after it.
  virtual Status Finish() = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; 0 only at the end of the data.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

// Appends to *out (not owned). Finish() does nothing.
std::unique_ptr<ByteSink> NewStringSink(std::string* out);
std::unique_ptr<ByteSource> NewStringSource(std::string data);
// Creates or truncates `path`; Finish() fsyncs and closes it.
Result<std::unique_ptr<ByteSink>> NewFileSink(const std::string& path);
Result<std::unique_ptr<ByteSource>> NewFileSource(const std::string& path);

// Reads everything (fails with INVALID_ARGUMENT past `max_bytes`).
Result<std::string> ReadAll(ByteSource* in, size_t max_bytes = size_t(1) << 32);

// ------------------------------------------------------------ compression

enum class Compression : uint8_t { kNone, kGzip, kZstd, kBrotli };

// "none", "gzip", "zstd", "brotli".
std::string_view CompressionName(Compression c);
// Accepts the names above and "gz", "zst", "br". INVALID_ARGUMENT otherwise.
Result<Compression> ParseCompression(std::string_view name);
// From the file name's extension (.gz, .zst, .br), looking through a final
// ".enc"; kNone for anything else.
Compression CompressionFromPath(std::string_view path);
// From the first bytes: gzip (1f 8b) and zstd (28 b5 2f fd). Brotli has no
// magic number: kNone (callers fall back to CompressionFromPath()).
Compression DetectCompression(std::string_view head);

// `level` 0 = the library's default (brotli's is 11, its slowest); out of the
// library's range is INVALID_ARGUMENT. Decompressors accept concatenated gzip
// members and zstd frames; bytes after a brotli stream are PARSE_ERROR.
Result<std::unique_ptr<ByteSink>> NewCompressor(Compression c, std::unique_ptr<ByteSink> next, int level = 0);
Result<std::unique_ptr<ByteSource>> NewDecompressor(Compression c, std::unique_ptr<ByteSource> in);
Result<std::string> CompressBuffer(Compression c, std::string_view data, int level = 0);
// PARSE_ERROR for corrupt or truncated data, or output beyond `max_size`.
Result<std::string> DecompressBuffer(Compression c, std::string_view data, size_t max_size = size_t(1) << 32);

// ------------------------------------------------------------------- keys

using Key = std::array<uint8_t, 32>;

// Where a key comes from: a passphrase (Argon2id with the salt and limits
// stored in what it encrypts) or a key file. Neither set: no encryption.
struct KeyOptions {
  std::string passphrase;
  std::string key_file;
  bool given() const { return !passphrase.empty() || !key_file.empty(); }
};

// A key file holds 32 raw bytes, 64 hex digits, or the base64 of 32 bytes
// (surrounding whitespace ignored). INVALID_ARGUMENT otherwise, and when it
// cannot be opened (missing, unreadable); IO_ERROR when reading it fails.
Result<Key> ReadKeyFile(const std::string& path);

struct KdfParams {
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
  std::array<uint8_t, 16> salt{};
};
// Fresh random salt; libsodium's MODERATE limits (override with the
// environment variable FERRY_KDF=interactive for tests).
KdfParams NewKdfParams();
Result<Key> DeriveKey(std::string_view passphrase, const KdfParams& params);
// Resolves `options` to a key: the key file, or the passphrase with `params`.
// INVALID_ARGUMENT when neither or both are given.
Result<Key> ResolveKey(const KeyOptions& options, const KdfParams& params);
// 16 bytes that identify the key without revealing it (HMAC-SHA-256 of a
// fixed label, truncated): stored beside ciphertext so that a wrong key is
// told apart from tampering.
std::array<uint8_t, 16> KeyCheck(const Key& key);

// --------------------------------------------------------- sealed chunks

// AES-256-GCM with a random 96-bit nonce. Returns nonce | ciphertext | tag.
// AAD = `context` | index (u64 LE) | final (u8).
Result<std::string> SealChunk(const Key& key, std::string_view context, uint64_t index, bool final,
                              std::string_view plain);
// INTEGRITY_ERROR ("chunk N failed authentication ...") when the bytes, the
// context, the index or the final flag differ from what was sealed.
Result<std::string> OpenChunk(const Key& key, std::string_view context, uint64_t index, bool final,
                              std::string_view sealed);

// -------------------------------------------------------- encrypted streams

// True when `head` starts with the encrypted stream's magic.
bool IsEncrypted(std::string_view head);
// Encrypts everything written into the stream format above. `chunk_size`
// bytes of plaintext per chunk (default 1 MiB; 1 byte to 64 MiB). Writes the
// header at once. INVALID_ARGUMENT when `key` gives neither or both sources.
Result<std::unique_ptr<ByteSink>> NewEncryptor(const KeyOptions& key, std::unique_ptr<ByteSink> next,
                                               size_t chunk_size = size_t(1) << 20);
// Reads the header and checks the key at once (WRONG_KEY also when the data
// was sealed with the other kind of key, the message saying which option to
// pass); chunks are read, authenticated and only then handed out, one at a
// time.
Result<std::unique_ptr<ByteSource>> NewDecryptor(const KeyOptions& key, std::unique_ptr<ByteSource> in);

// ----------------------------------------------------------------- layered

// Writing: `next` <- [encryptor when key.given()] <- [compressor unless kNone].
Result<std::unique_ptr<ByteSink>> NewEncodingSink(std::unique_ptr<ByteSink> next, Compression c,
                                                  const KeyOptions& key, int level = 0);
// Reading a file: decrypts when it is encrypted (INVALID_ARGUMENT "PATH is
// encrypted: pass --passphrase-file or --key-file" without a key), then
// decompresses by magic bytes, else by the extension (brotli). A name that
// promises gzip or zstd (.gz, .zst) over data without that magic is
// PARSE_ERROR. An unencrypted file is read as is even when a key is given.
Result<std::unique_ptr<ByteSource>> OpenDecodedFile(const std::string& path, const KeyOptions& key);
// As OpenDecodedFile, over `in` (the file's bytes, e.g. through a counting
// wrapper); `path` names it and gives the extension.
Result<std::unique_ptr<ByteSource>> OpenDecodedSource(std::unique_ptr<ByteSource> in, const std::string& path,
                                                      const KeyOptions& key);
// Reads up to `n` bytes into *head (fewer only at the end of the data) and
// returns a source that still yields everything, those bytes first.
Result<std::unique_ptr<ByteSource>> PeekSource(std::unique_ptr<ByteSource> in, size_t n, std::string* head);

}  // namespace ferry::internal

#endif  // FERRY_CODEC_CODEC_H_
