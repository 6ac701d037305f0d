// Copyright (c) the Ferry authors.
//
// Keys and authenticated encryption (codec.h): key files, Argon2id key
// derivation (libsodium), key checks (HMAC-SHA-256), AES-256-GCM sealed
// chunks (OpenSSL EVP) and the chunked encrypted stream format documented in
// codec.h. The decryptor authenticates each chunk completely before any of
// its bytes are handed out.

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "codec/codec.h"
#include "common/digest.h"
#include "common/text.h"

namespace ferry::internal {
namespace {

constexpr std::string_view kMagic = "FERRYENC";
constexpr uint8_t kVersion = 1;
constexpr uint8_t kKindPassphrase = 1;
constexpr uint8_t kKindKeyFile = 2;
// magic | version | kind | opslimit | memlimit | salt | key check | chunk size
constexpr size_t kHeaderSize = 8 + 1 + 1 + 8 + 8 + 16 + 16 + 4;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
// The largest chunk a stream may declare: bounds what a reader allocates.
constexpr size_t kMaxChunkSize = size_t(64) << 20;
// Argon2id limits a reader accepts from a header (an edited header must not
// make it spend unbounded time or memory).
constexpr uint64_t kMaxOpslimit = 16;
constexpr uint64_t kMaxMemlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;
constexpr std::string_view kKeyCheckLabel = "ferry key check v1";

bool EnsureSodium() {
  static const bool ok = sodium_init() >= 0;  // thread-safe once
  return ok;
}

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(char(uint8_t(v >> (8 * i))));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(char(uint8_t(v >> (8 * i))));
}
uint64_t GetLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
  return v;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

std::string Aad(std::string_view context, uint64_t index, bool final) {
  std::string aad;
  aad.reserve(context.size() + 9);
  aad.append(context);
  PutU64(&aad, index);
  aad.push_back(final ? 1 : 0);
  return aad;
}

std::string_view TrimSpace(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool DecodeHexKey(std::string_view text, Key* key) {
  if (text.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    const int hi = HexValue(text[2 * i]);
    const int lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*key)[i] = uint8_t(hi << 4 | lo);
  }
  return true;
}

bool DecodeBase64Key(std::string_view text, Key* key) {
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(key->data(), key->size(), text.data(), text.size(), nullptr, &len, &end, variant) == 0 &&
        len == key->size() && end == text.data() + text.size()) {
      return true;
    }
  }
  return false;
}

// Wipes a string's bytes (key material) before it is freed.
void Wipe(std::string* s) {
  if (!s->empty()) sodium_memzero(s->data(), s->size());
}

// ----------------------------------------------------------- encryptor

class Encryptor : public ByteSink {
 public:
  Encryptor(std::unique_ptr<ByteSink> next, const Key& key, std::string header, size_t chunk_size)
      : next_(std::move(next)), key_(key), chunk_size_(chunk_size) {
    const auto digest = Sha256(header);
    context_.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
    header_ = std::move(header);
  }
  ~Encryptor() override {
    sodium_memzero(key_.data(), key_.size());
    Wipe(&buffer_);
  }

  Status Start() { return next_->Write(header_); }

  Status Write(std::string_view data) override {
    if (finished_) return Status::InvalidArgument("encryptor: write after Finish()");
    while (!data.empty()) {
      const size_t take = std::min(data.size(), chunk_size_ - buffer_.size());
      buffer_.append(data.data(), take);
      data.remove_prefix(take);
      // A full chunk is never the last one: the last holds fewer bytes.
      if (buffer_.size() == chunk_size_) FERRY_RETURN_IF_ERROR(EmitChunk(false));
    }
    return Status::OK();
  }

  Status Finish() override {
    if (finished_) return Status::OK();
    finished_ = true;
    FERRY_RETURN_IF_ERROR(EmitChunk(true));
    return next_->Finish();
  }

 private:
  Status EmitChunk(bool final) {
    FERRY_ASSIGN_OR_RETURN(std::string sealed, SealChunk(key_, context_, index_, final, buffer_));
    std::string length;
    PutU32(&length, uint32_t(buffer_.size()));
    Wipe(&buffer_);
    buffer_.clear();
    ++index_;
    FERRY_RETURN_IF_ERROR(next_->Write(length));
    return next_->Write(sealed);
  }

  std::unique_ptr<ByteSink> next_;
  Key key_;
  size_t chunk_size_;
  std::string header_;
  std::string context_;
  std::string buffer_;
  uint64_t index_ = 0;
  bool finished_ = false;
};

// ----------------------------------------------------------- decryptor

class Decryptor : public ByteSource {
 public:
  explicit Decryptor(std::unique_ptr<ByteSource> in) : in_(std::move(in)) {}
  ~Decryptor() override {
    sodium_memzero(key_.data(), key_.size());
    Wipe(&plain_);
  }

  // Reads and checks the header, and resolves the key it was written with.
  Status Start(const KeyOptions& options) {
    std::string header;
    FERRY_ASSIGN_OR_RETURN(size_t got, ReadUpTo(&header, kHeaderSize));
    if (!IsEncrypted(header)) {
      return Status::IntegrityError("not a Ferry encrypted stream (no FERRYENC header)");
    }
    if (got < kHeaderSize) return Status::IntegrityError("encrypted stream is truncated inside its header");
    const char* p = header.data() + kMagic.size();
    const uint8_t version = uint8_t(p[0]);
    const uint8_t kind = uint8_t(p[1]);
    KdfParams params;
    params.opslimit = GetLe(p + 2, 8);
    params.memlimit = GetLe(p + 10, 8);
    std::memcpy(params.salt.data(), p + 18, params.salt.size());
    std::array<uint8_t, 16> check;
    std::memcpy(check.data(), p + 34, check.size());
    chunk_size_ = size_t(GetLe(p + 50, 4));
    if (version != kVersion) {
      return Status::IntegrityError("encrypted stream has unknown version " + std::to_string(version) +
                                    " (a corrupt header, or written by a newer Ferry)");
    }
    if (chunk_size_ == 0 || chunk_size_ > kMaxChunkSize) {
      return Status::IntegrityError("encrypted stream header declares an impossible chunk size " +
                                    std::to_string(chunk_size_));
    }
    if (kind == kKindPassphrase) {
      if (options.passphrase.empty()) {
        return Status::WrongKey("the data was encrypted with a passphrase, not a key file: pass --passphrase-file");
      }
      if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.opslimit > kMaxOpslimit ||
          params.memlimit < crypto_pwhash_MEMLIMIT_MIN || params.memlimit > kMaxMemlimit) {
        return Status::IntegrityError("encrypted stream header has out-of-range key derivation limits");
      }
    } else if (kind == kKindKeyFile) {
      if (options.key_file.empty()) {
        return Status::WrongKey("the data was encrypted with a key file, not a passphrase: pass --key-file");
      }
    } else {
      return Status::IntegrityError("encrypted stream header has unknown key kind " + std::to_string(kind));
    }
    FERRY_ASSIGN_OR_RETURN(key_, ResolveKey(options, params));
    const std::array<uint8_t, 16> expected = KeyCheck(key_);
    if (CRYPTO_memcmp(expected.data(), check.data(), check.size()) != 0) {
      return Status::WrongKey(kind == kKindPassphrase ? "wrong passphrase: it does not open this encrypted data"
                                                      : "wrong key file: it does not open this encrypted data");
    }
    const auto digest = Sha256(header);
    context_.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
    return Status::OK();
  }

  Result<size_t> Read(char* buf, size_t n) override {
    // The first error is final: reading on must not resume after a bad chunk.
    if (!error_.ok()) return error_;
    while (pos_ == plain_.size()) {
      if (final_seen_ || n == 0) return size_t(0);
      error_ = NextChunk();
      if (!error_.ok()) return error_;
    }
    const size_t k = std::min(n, plain_.size() - pos_);
    std::memcpy(buf, plain_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  // Appends up to `n` bytes from the input to *out; fewer only at its end.
  Result<size_t> ReadUpTo(std::string* out, size_t n) {
    size_t got = 0;
    char buf[64 * 1024];
    while (got < n) {
      FERRY_ASSIGN_OR_RETURN(size_t k, in_->Read(buf, std::min(n - got, sizeof buf)));
      if (k == 0) break;
      out->append(buf, k);
      got += k;
    }
    return got;
  }

  Status NextChunk() {
    const std::string name = "chunk " + std::to_string(index_);
    std::string length_bytes;
    FERRY_ASSIGN_OR_RETURN(size_t got, ReadUpTo(&length_bytes, 4));
    if (got == 0) {
      return Status::IntegrityError("encrypted stream is truncated: it ends before " + name +
                                    " without a final chunk");
    }
    if (got < 4) return Status::IntegrityError(name + " is truncated");
    const size_t length = size_t(GetLe(length_bytes.data(), 4));
    if (length > chunk_size_) {
      return Status::IntegrityError(name + " has an impossible length " + std::to_string(length) +
                                    " (the chunk size is " + std::to_string(chunk_size_) + ")");
    }
    // Grows with what actually arrives, never beyond the declared length.
    std::string sealed;
    const size_t want = kNonceSize + length + kTagSize;
    FERRY_ASSIGN_OR_RETURN(got, ReadUpTo(&sealed, want));
    if (got < want) return Status::IntegrityError(name + " is truncated");
    // Every chunk but the last holds exactly the chunk size.
    const bool final = length < chunk_size_;
    Result<std::string> plain = OpenChunk(key_, context_, index_, final, sealed);
    if (!plain.ok()) return plain.status();
    if (final) {
      std::string extra;
      FERRY_ASSIGN_OR_RETURN(got, ReadUpTo(&extra, 1));
      if (got > 0) return Status::IntegrityError("data follows the final chunk (" + name + ")");
      final_seen_ = true;
    }
    Wipe(&plain_);
    plain_ = std::move(plain).value();
    pos_ = 0;
    ++index_;
    return Status::OK();
  }

  std::unique_ptr<ByteSource> in_;
  Key key_{};
  std::string context_;
  size_t chunk_size_ = 0;
  uint64_t index_ = 0;
  std::string plain_;
  size_t pos_ = 0;
  bool final_seen_ = false;
  Status error_;
};

Status CheckKeyOptions(const KeyOptions& options) {
  if (!options.given()) return Status::InvalidArgument("no passphrase or key file given");
  if (!options.passphrase.empty() && !options.key_file.empty()) {
    return Status::InvalidArgument("give either a passphrase or a key file, not both");
  }
  return Status::OK();
}

}  // namespace

// ----------------------------------------------------------------- keys

Result<Key> ReadKeyFile(const std::string& path) {
  Result<std::unique_ptr<ByteSource>> opened = NewFileSource(path);
  if (!opened.ok()) {
    // A key file named on the command line that is not there is a bad
    // argument, not a failing disk.
    return Status::InvalidArgument("the key file: " + opened.status().message() +
                                   "; pass the key file the data was (or is to be) encrypted with");
  }
  std::unique_ptr<ByteSource> in = std::move(opened).value();
  Result<std::string> read = ReadAll(in.get(), 4096);
  if (!read.ok()) {
    if (read.status().IsInvalidArgument()) {
      return Status::InvalidArgument("key file " + path + " is too large to be a key (expected 32 bytes)");
    }
    return read.status();
  }
  std::string contents = std::move(read).value();
  Key key{};
  bool ok = false;
  if (contents.size() == key.size()) {
    std::memcpy(key.data(), contents.data(), key.size());
    ok = true;
  } else {
    const std::string_view text = TrimSpace(contents);
    ok = DecodeHexKey(text, &key) || DecodeBase64Key(text, &key);
  }
  Wipe(&contents);
  if (!ok) {
    return Status::InvalidArgument("key file " + path +
                                   " must hold 32 raw bytes, 64 hex digits or the base64 of 32 bytes");
  }
  return key;
}

KdfParams NewKdfParams() {
  KdfParams params;
  const char* mode = std::getenv("FERRY_KDF");
  if (mode != nullptr && std::string_view(mode) == "interactive") {
    params.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    params.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  } else {
    params.opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
    params.memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
  }
  EnsureSodium();
  randombytes_buf(params.salt.data(), params.salt.size());
  return params;
}

Result<Key> DeriveKey(std::string_view passphrase, const KdfParams& params) {
  if (!EnsureSodium()) return Status::Internal("libsodium failed to initialize");
  if (passphrase.empty()) return Status::InvalidArgument("the passphrase is empty");
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MIN || params.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
    return Status::InvalidArgument("key derivation limits out of range (opslimit " + std::to_string(params.opslimit) +
                                   ", memlimit " + std::to_string(params.memlimit) + ")");
  }
  static_assert(sizeof(KdfParams::salt) == crypto_pwhash_SALTBYTES);
  Key key{};
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), params.salt.data(),
                    params.opslimit, size_t(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("key derivation (Argon2id) failed: cannot allocate " + std::to_string(params.memlimit) +
                            " bytes?");
  }
  return key;
}

Result<Key> ResolveKey(const KeyOptions& options, const KdfParams& params) {
  FERRY_RETURN_IF_ERROR(CheckKeyOptions(options));
  if (!options.key_file.empty()) return ReadKeyFile(options.key_file);
  return DeriveKey(options.passphrase, params);
}

std::array<uint8_t, 16> KeyCheck(const Key& key) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(kKeyCheckLabel.data()),
       kKeyCheckLabel.size(), md, &len);
  std::array<uint8_t, 16> check{};
  std::memcpy(check.data(), md, check.size());
  return check;
}

// --------------------------------------------------------- sealed chunks

Result<std::string> SealChunk(const Key& key, std::string_view context, uint64_t index, bool final,
                              std::string_view plain) {
  if (plain.size() > size_t(INT_MAX) - kTagSize) return Status::InvalidArgument("chunk too large to seal");
  const std::string aad = Aad(context, index, final);
  std::string out(kNonceSize + plain.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  auto* ct = nonce + kNonceSize;
  if (RAND_bytes(nonce, int(kNonceSize)) != 1) return Status::Internal("RAND_bytes failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(kNonceSize), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        int(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        int(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTagSize), ct + plain.size()) != 1) {
    return Status::Internal("AES-256-GCM encryption failed for chunk " + std::to_string(index));
  }
  return out;
}

Result<std::string> OpenChunk(const Key& key, std::string_view context, uint64_t index, bool final,
                              std::string_view sealed) {
  const std::string prefix = "chunk " + std::to_string(index) + " failed authentication: ";
  if (sealed.size() < kNonceSize + kTagSize) return Status::IntegrityError(prefix + "too short to be a sealed chunk");
  const size_t n = sealed.size() - kNonceSize - kTagSize;
  if (n > size_t(INT_MAX)) return Status::IntegrityError(prefix + "too large");
  const std::string aad = Aad(context, index, final);
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  const auto* ct = nonce + kNonceSize;
  unsigned char tag[kTagSize];
  std::memcpy(tag, ct + n, kTagSize);
  std::string plain(n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(kNonceSize), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        int(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, ct, int(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTagSize), tag) != 1) {
    Wipe(&plain);
    return Status::Internal("AES-256-GCM decryption failed for chunk " + std::to_string(index));
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1) {
    Wipe(&plain);
    return Status::IntegrityError(prefix + "the data is corrupt, tampered with, reordered or truncated");
  }
  return plain;
}

// -------------------------------------------------------- encrypted streams

bool IsEncrypted(std::string_view head) { return head.substr(0, kMagic.size()) == kMagic; }

Result<std::unique_ptr<ByteSink>> NewEncryptor(const KeyOptions& key, std::unique_ptr<ByteSink> next,
                                               size_t chunk_size) {
  if (next == nullptr) return Status::InvalidArgument("NewEncryptor: no sink");
  FERRY_RETURN_IF_ERROR(CheckKeyOptions(key));
  if (chunk_size == 0 || chunk_size > kMaxChunkSize) {
    return Status::InvalidArgument("encryption chunk size must be 1 to " + std::to_string(kMaxChunkSize) +
                                   " bytes, got " + std::to_string(chunk_size));
  }
  // A fresh salt for key files too: it makes the header, and so every
  // chunk's AAD, unique to this stream, so that chunks cannot be moved
  // between streams sealed with the same key file. The limits stay zero.
  const bool passphrase = !key.passphrase.empty();
  KdfParams params = NewKdfParams();
  if (!passphrase) params.opslimit = params.memlimit = 0;
  FERRY_ASSIGN_OR_RETURN(Key k, ResolveKey(key, params));
  std::string header;
  header.reserve(kHeaderSize);
  header.append(kMagic);
  header.push_back(char(kVersion));
  header.push_back(char(passphrase ? kKindPassphrase : kKindKeyFile));
  PutU64(&header, params.opslimit);
  PutU64(&header, params.memlimit);
  header.append(reinterpret_cast<const char*>(params.salt.data()), params.salt.size());
  const std::array<uint8_t, 16> check = KeyCheck(k);
  header.append(reinterpret_cast<const char*>(check.data()), check.size());
  PutU32(&header, uint32_t(chunk_size));
  auto sink = std::make_unique<Encryptor>(std::move(next), k, std::move(header), chunk_size);
  sodium_memzero(k.data(), k.size());
  FERRY_RETURN_IF_ERROR(sink->Start());
  return std::unique_ptr<ByteSink>(std::move(sink));
}

Result<std::unique_ptr<ByteSource>> NewDecryptor(const KeyOptions& key, std::unique_ptr<ByteSource> in) {
  if (in == nullptr) return Status::InvalidArgument("NewDecryptor: no source");
  FERRY_RETURN_IF_ERROR(CheckKeyOptions(key));
  auto source = std::make_unique<Decryptor>(std::move(in));
  FERRY_RETURN_IF_ERROR(source->Start(key));
  return std::unique_ptr<ByteSource>(std::move(source));
}

}  // namespace ferry::internal
