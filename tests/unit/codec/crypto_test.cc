// Copyright (c) the Ferry authors.
//
// Keys, sealed chunks and encrypted streams (codec/codec.h): round trips with
// key files and passphrases, and refusal of every kind of tampering
// (INTEGRITY_ERROR) and of wrong keys (WRONG_KEY).

#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "common/digest.h"
#include "unit/codec/codec_test_util.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

using codec_test::RandomBytes;
using codec_test::ReadInSteps;
using codec_test::WriteInSteps;

constexpr size_t kHeaderSize = 62;
constexpr size_t kChunkOverhead = 4 + 12 + 16;

Key TestKey(uint8_t first) {
  Key key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = uint8_t(first + i * 7);
  return key;
}

std::string Hex(const Key& key) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : key) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string Base64(const Key& key) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : key) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

bool IsIntegrityError(const Status& s) { return s.code() == ErrorCode::kIntegrityError; }
bool IsWrongKey(const Status& s) { return s.code() == ErrorCode::kWrongKey; }

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("FERRY_KDF", "interactive", 1);
    dir_ = test::NewTempDir("codec-crypto");
    key_ = TestKey(1);
    key_file_ = WriteKey("key.hex", Hex(key_) + "\n");
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  std::string WriteKey(const std::string& name, std::string_view contents) {
    const std::string path = dir_ + "/" + name;
    test::WriteFile(path, contents);
    return path;
  }
  KeyOptions KeyFile() const { return KeyOptions{"", key_file_}; }

  static std::string Encrypt(const KeyOptions& key, std::string_view data, size_t chunk_size) {
    std::string out;
    auto sink = NewEncryptor(key, NewStringSink(&out), chunk_size);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    if (!sink.ok()) return out;
    EXPECT_OK(WriteInSteps(sink->get(), data, 13));
    return out;
  }
  static Result<std::string> Decrypt(const KeyOptions& key, std::string data) {
    FERRY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, NewDecryptor(key, NewStringSource(std::move(data))));
    return ReadAll(source.get());
  }
  // Offsets of each chunk's length field in a stream.
  static std::vector<size_t> ChunkOffsets(const std::string& stream) {
    std::vector<size_t> offsets;
    size_t pos = kHeaderSize;
    while (pos + 4 <= stream.size()) {
      offsets.push_back(pos);
      const uint32_t len = uint8_t(stream[pos]) | uint8_t(stream[pos + 1]) << 8 | uint8_t(stream[pos + 2]) << 16 |
                           uint32_t(uint8_t(stream[pos + 3])) << 24;
      pos += kChunkOverhead + len;
    }
    EXPECT_EQ(pos, stream.size());
    return offsets;
  }
  void ExpectIntegrityError(const std::string& stream, const std::string& what) {
    auto back = Decrypt(KeyFile(), stream);
    ASSERT_FALSE(back.ok()) << what;
    EXPECT_TRUE(IsIntegrityError(back.status())) << what << ": " << back.status().ToString();
  }

  std::string dir_;
  Key key_;
  std::string key_file_;
};

// ------------------------------------------------------------------- keys

TEST_F(CryptoTest, ReadKeyFileAcceptsRawHexAndBase64) {
  const std::string raw(reinterpret_cast<const char*>(key_.data()), key_.size());
  for (const auto& [name, contents] : std::vector<std::pair<std::string, std::string>>{
           {"raw", raw},
           {"hex", Hex(key_)},
           {"hex-spaced", "  \n" + Hex(key_) + "\r\n\n"},
           {"upper-hex", [&] {
              std::string h = Hex(key_);
              for (char& c : h) c = char(std::toupper(uint8_t(c)));
              return h;
            }()},
           {"base64", Base64(key_) + "\n"},
           {"base64-unpadded", Base64(key_).substr(0, 43)}}) {
    auto key = ReadKeyFile(WriteKey(name, contents));
    ASSERT_OK(key.status());
    EXPECT_TRUE(key.value() == key_) << name;
  }
}

TEST_F(CryptoTest, ReadKeyFileRefusesAnythingElse) {
  for (const std::string& contents :
       {std::string(31, 'k'), std::string(33, 'k'), Hex(key_).substr(0, 62), Hex(key_) + "00",
        "zz" + Hex(key_).substr(2), Base64(key_).substr(0, 40), std::string(""), std::string(5000, 'a')}) {
    auto key = ReadKeyFile(WriteKey("bad", contents));
    ASSERT_FALSE(key.ok()) << contents;
    EXPECT_TRUE(key.status().IsInvalidArgument()) << key.status().ToString();
  }
}

TEST_F(CryptoTest, MissingKeyFileIsABadArgumentNamingTheKeyFile) {
  const Status s = ReadKeyFile(dir_ + "/missing").status();
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("the key file"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("/missing"), std::string::npos) << s.message();
}

TEST_F(CryptoTest, KeyCheckTellsKeysApartWithoutRevealingThem) {
  const auto check = KeyCheck(key_);
  EXPECT_TRUE(check == KeyCheck(TestKey(1)));
  EXPECT_FALSE(check == KeyCheck(TestKey(2)));
  EXPECT_NE(std::memcmp(check.data(), key_.data(), check.size()), 0);
}

TEST_F(CryptoTest, DeriveKeyDependsOnPassphraseAndSalt) {
  const KdfParams params = NewKdfParams();
  EXPECT_EQ(params.opslimit, uint64_t(crypto_pwhash_OPSLIMIT_INTERACTIVE));
  const KdfParams other = NewKdfParams();
  EXPECT_FALSE(params.salt == other.salt);
  auto a = DeriveKey("correct horse", params);
  auto b = DeriveKey("correct horse", params);
  auto c = DeriveKey("correct horsf", params);
  auto d = DeriveKey("correct horse", other);
  ASSERT_OK(a.status());
  ASSERT_OK(b.status());
  ASSERT_OK(c.status());
  ASSERT_OK(d.status());
  EXPECT_TRUE(a.value() == b.value());
  EXPECT_FALSE(a.value() == c.value());
  EXPECT_FALSE(a.value() == d.value());
  EXPECT_TRUE(DeriveKey("", params).status().IsInvalidArgument());
  KdfParams zero;
  EXPECT_TRUE(DeriveKey("x", zero).status().IsInvalidArgument());
}

TEST_F(CryptoTest, ResolveKeyUsesTheKeyFileOrThePassphrase) {
  const KdfParams params = NewKdfParams();
  auto from_file = ResolveKey(KeyFile(), params);
  ASSERT_OK(from_file.status());
  EXPECT_TRUE(from_file.value() == key_);
  auto from_passphrase = ResolveKey(KeyOptions{"pass", ""}, params);
  ASSERT_OK(from_passphrase.status());
  EXPECT_TRUE(from_passphrase.value() == DeriveKey("pass", params).value());
  EXPECT_TRUE(ResolveKey(KeyOptions{}, params).status().IsInvalidArgument());
  EXPECT_TRUE(ResolveKey(KeyOptions{"pass", key_file_}, params).status().IsInvalidArgument());
}

// ----------------------------------------------------------- sealed chunks

TEST_F(CryptoTest, SealedChunkOpensWithTheSameKeyContextIndexAndFlag) {
  auto sealed = SealChunk(key_, "ctx", 7, false, "hello");
  ASSERT_OK(sealed.status());
  EXPECT_EQ(sealed->size(), 12 + 5 + 16u);
  auto plain = OpenChunk(key_, "ctx", 7, false, sealed.value());
  ASSERT_OK(plain.status());
  EXPECT_EQ(plain.value(), "hello");
  // Random nonces: sealing twice differs.
  EXPECT_NE(SealChunk(key_, "ctx", 7, false, "hello").value(), sealed.value());
  auto empty = SealChunk(key_, "ctx", 0, true, "");
  ASSERT_OK(empty.status());
  EXPECT_EQ(OpenChunk(key_, "ctx", 0, true, empty.value()).value(), "");
}

TEST_F(CryptoTest, OpenChunkRefusesAnythingThatDiffersFromWhatWasSealed) {
  const std::string sealed = SealChunk(key_, "ctx", 7, false, "hello").value();
  struct Case {
    std::string what;
    Result<std::string> r;
  };
  std::string flipped = sealed;
  flipped[14] ^= 0x01;
  Case cases[] = {
      {"wrong index", OpenChunk(key_, "ctx", 8, false, sealed)},
      {"wrong final flag", OpenChunk(key_, "ctx", 7, true, sealed)},
      {"wrong context", OpenChunk(key_, "ctX", 7, false, sealed)},
      {"wrong key", OpenChunk(TestKey(2), "ctx", 7, false, sealed)},
      {"flipped bit", OpenChunk(key_, "ctx", 7, false, flipped)},
      {"truncated", OpenChunk(key_, "ctx", 7, false, sealed.substr(0, sealed.size() - 1))},
      {"too short", OpenChunk(key_, "ctx", 7, false, sealed.substr(0, 20))},
  };
  for (const Case& c : cases) {
    ASSERT_FALSE(c.r.ok()) << c.what;
    EXPECT_TRUE(IsIntegrityError(c.r.status())) << c.what << ": " << c.r.status().ToString();
    EXPECT_NE(c.r.status().message().find("chunk "), std::string::npos) << c.r.status().message();
    EXPECT_NE(c.r.status().message().find("failed authentication"), std::string::npos) << c.r.status().message();
  }
  EXPECT_NE(cases[0].r.status().message().find("chunk 8"), std::string::npos);
}

// -------------------------------------------------------- encrypted streams

TEST_F(CryptoTest, StreamRoundTripsWithEachKeyFileEncoding) {
  const std::string raw(reinterpret_cast<const char*>(key_.data()), key_.size());
  const std::string data = RandomBytes(1000, 1);
  for (const std::string& path : {WriteKey("k.raw", raw), WriteKey("k.hex", Hex(key_)),
                                  WriteKey("k.b64", Base64(key_) + "\n")}) {
    const std::string stream = Encrypt(KeyOptions{"", path}, data, 64);
    EXPECT_TRUE(IsEncrypted(stream));
    EXPECT_EQ(ChunkOffsets(stream).size(), 1000 / 64 + 1);
    // Any encoding of the same key opens it.
    auto back = Decrypt(KeyFile(), stream);
    ASSERT_OK(back.status());
    EXPECT_TRUE(back.value() == data);
  }
}

TEST_F(CryptoTest, StreamRoundTripsWithAPassphrase) {
  const std::string data = RandomBytes(5000, 2);
  const std::string stream = Encrypt(KeyOptions{"correct horse battery staple", ""}, data, 64);
  auto back = Decrypt(KeyOptions{"correct horse battery staple", ""}, stream);
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_F(CryptoTest, StreamRoundTripsWithTheDefaultChunkSizeAndOddReads) {
  const std::string data = RandomBytes(3 << 20, 3);
  std::string stream;
  auto sink = NewEncryptor(KeyFile(), NewStringSink(&stream));
  ASSERT_OK(sink.status());
  ASSERT_OK(WriteInSteps(sink->get(), data, 65536));
  EXPECT_EQ(ChunkOffsets(stream).size(), 4u);
  auto source = NewDecryptor(KeyFile(), NewStringSource(stream));
  ASSERT_OK(source.status());
  auto back = ReadInSteps(source->get(), 7);
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_F(CryptoTest, StreamFollowsTheDocumentedLayout) {
  const std::string a = Encrypt(KeyFile(), "hello", 64);
  const std::string b = Encrypt(KeyFile(), "hello", 64);
  ASSERT_EQ(a.size(), kHeaderSize + kChunkOverhead + 5);
  EXPECT_EQ(a.substr(0, 8), "FERRYENC");
  EXPECT_EQ(a[8], 1);                                    // version
  EXPECT_EQ(a[9], 2);                                    // key file
  EXPECT_EQ(a.substr(10, 16), std::string(16, '\0'));   // no KDF limits
  EXPECT_NE(a.substr(26, 16), b.substr(26, 16));         // a fresh salt per stream
  const auto check = KeyCheck(key_);
  EXPECT_EQ(a.substr(42, 16), std::string(reinterpret_cast<const char*>(check.data()), 16));
  EXPECT_EQ(a.substr(58, 4), std::string("\x40\0\0\0", 4));  // chunk size 64
  EXPECT_EQ(a.substr(62, 4), std::string("\x05\0\0\0", 4));  // 5 bytes, so the final chunk
  // The chunk is sealed with the header's SHA-256, index 0 and final = 1.
  const std::string context(reinterpret_cast<const char*>(Sha256(a.substr(0, kHeaderSize)).data()), 32);
  auto plain = OpenChunk(key_, context, 0, true, a.substr(66));
  ASSERT_OK(plain.status());
  EXPECT_EQ(plain.value(), "hello");

  const std::string p = Encrypt(KeyOptions{"pw", ""}, "", 64);
  EXPECT_EQ(p[9], 1);  // passphrase
  uint64_t ops = 0;
  uint64_t mem = 0;
  for (int i = 7; i >= 0; --i) {
    ops = ops << 8 | uint8_t(p[10 + i]);
    mem = mem << 8 | uint8_t(p[18 + i]);
  }
  EXPECT_EQ(ops, uint64_t(crypto_pwhash_OPSLIMIT_INTERACTIVE));
  EXPECT_EQ(mem, uint64_t(crypto_pwhash_MEMLIMIT_INTERACTIVE));
}

TEST_F(CryptoTest, EmptyStreamRoundTrips) {
  const std::string stream = Encrypt(KeyFile(), "", 64);
  EXPECT_EQ(stream.size(), kHeaderSize + kChunkOverhead);
  auto back = Decrypt(KeyFile(), stream);
  ASSERT_OK(back.status());
  EXPECT_EQ(back.value(), "");
}

TEST_F(CryptoTest, DataOfWholeChunksEndsWithAnEmptyFinalChunk) {
  const std::string data = RandomBytes(128, 4);
  const std::string stream = Encrypt(KeyFile(), data, 64);
  EXPECT_EQ(ChunkOffsets(stream).size(), 3u);
  EXPECT_EQ(stream.size(), kHeaderSize + 3 * kChunkOverhead + 128);
  auto back = Decrypt(KeyFile(), stream);
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_F(CryptoTest, EveryBitFlipIsRefused) {
  const std::string stream = Encrypt(KeyFile(), RandomBytes(40, 5), 16);
  ASSERT_EQ(ChunkOffsets(stream).size(), 3u);
  for (size_t bit = 0; bit < stream.size() * 8; ++bit) {
    std::string bad = stream;
    bad[bit / 8] ^= char(1 << (bit % 8));
    auto back = Decrypt(KeyFile(), bad);
    ASSERT_FALSE(back.ok()) << "bit " << bit << " accepted";
    EXPECT_TRUE(IsIntegrityError(back.status()) || IsWrongKey(back.status()))
        << "bit " << bit << ": " << back.status().ToString();
  }
}

TEST_F(CryptoTest, TamperedPassphraseHeaderIsRefused) {
  const std::string stream = Encrypt(KeyOptions{"pw", ""}, "some data", 64);
  // Version, kind, salt, key check and chunk size, one byte each (not every
  // bit: each salt change reruns Argon2).
  for (size_t i = 8; i < kHeaderSize; ++i) {
    if (i >= 10 && i < 26) continue;  // the KDF limits: see below
    std::string bad = stream;
    bad[i] ^= 0x40;
    auto back = Decrypt(KeyOptions{"pw", ""}, bad);
    ASSERT_FALSE(back.ok()) << "byte " << i;
    EXPECT_TRUE(IsIntegrityError(back.status()) || IsWrongKey(back.status())) << back.status().ToString();
  }
  // Absurd KDF limits are refused before any work.
  for (size_t i : {17u, 25u}) {
    std::string bad = stream;
    bad[i] ^= 0x40;
    auto back = Decrypt(KeyOptions{"pw", ""}, bad);
    ASSERT_FALSE(back.ok());
    EXPECT_TRUE(IsIntegrityError(back.status())) << back.status().ToString();
  }
}

TEST_F(CryptoTest, ReorderedDroppedOrDuplicatedChunksAreIntegrityErrors) {
  const std::string stream = Encrypt(KeyFile(), RandomBytes(64 * 3 + 10, 6), 64);
  const std::vector<size_t> at = ChunkOffsets(stream);
  ASSERT_EQ(at.size(), 4u);
  auto chunk = [&](size_t i) { return stream.substr(at[i], (i + 1 < at.size() ? at[i + 1] : stream.size()) - at[i]); };
  const std::string header = stream.substr(0, kHeaderSize);
  ExpectIntegrityError(header + chunk(1) + chunk(0) + chunk(2) + chunk(3), "swapped 0 and 1");
  ExpectIntegrityError(header + chunk(0) + chunk(2) + chunk(1) + chunk(3), "swapped 1 and 2");
  ExpectIntegrityError(header + chunk(0) + chunk(2) + chunk(3), "dropped 1");
  ExpectIntegrityError(header + chunk(1) + chunk(2) + chunk(3), "dropped 0");
  ExpectIntegrityError(header + chunk(0) + chunk(1) + chunk(1) + chunk(2) + chunk(3), "duplicated 1");
  ExpectIntegrityError(header + chunk(0) + chunk(1) + chunk(2) + chunk(3) + chunk(3), "duplicated final");
  ExpectIntegrityError(header + chunk(0) + chunk(1) + chunk(2), "dropped final");
  // A chunk from another stream under the same key and position.
  const std::string other = Encrypt(KeyFile(), RandomBytes(64 * 3 + 10, 6), 64);
  ExpectIntegrityError(header + chunk(0) + other.substr(at[1], at[2] - at[1]) + chunk(2) + chunk(3),
                       "chunk from another stream");
}

TEST_F(CryptoTest, StreamCutAnywhereIsIntegrityError) {
  const std::string stream = Encrypt(KeyFile(), RandomBytes(64 * 3 + 10, 7), 64);
  for (size_t at : ChunkOffsets(stream)) {
    ExpectIntegrityError(stream.substr(0, at), "cut at chunk boundary " + std::to_string(at));
  }
  for (size_t cut = 0; cut < stream.size(); ++cut) {
    ExpectIntegrityError(stream.substr(0, cut), "cut at " + std::to_string(cut));
  }
  // Whole chunks without a final one (data of whole chunks).
  const std::string whole = Encrypt(KeyFile(), RandomBytes(128, 8), 64);
  ExpectIntegrityError(whole.substr(0, ChunkOffsets(whole).back()), "without the empty final chunk");
}

TEST_F(CryptoTest, BytesAfterTheFinalChunkAreIntegrityError) {
  const std::string stream = Encrypt(KeyFile(), RandomBytes(100, 9), 64);
  ExpectIntegrityError(stream + "x", "one byte appended");
  ExpectIntegrityError(stream + stream, "stream repeated");
  ExpectIntegrityError(stream + stream.substr(ChunkOffsets(stream).back()), "final chunk repeated");
}

TEST_F(CryptoTest, PlaintextIsNeverHandedOutBeforeItsChunkIsAuthenticated) {
  const std::string data = RandomBytes(50, 10);
  std::string stream = Encrypt(KeyFile(), data, 64);
  stream.back() ^= 0x01;  // the tag of the only chunk
  auto source = NewDecryptor(KeyFile(), NewStringSource(stream));
  ASSERT_OK(source.status());
  char buf[1];
  auto n = (*source)->Read(buf, 1);
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(IsIntegrityError(n.status()));
  EXPECT_NE(n.status().message().find("chunk 0 failed authentication"), std::string::npos) << n.status().message();
}

TEST_F(CryptoTest, ReadingOnAfterAnErrorRepeatsTheError) {
  const std::string stream = Encrypt(KeyFile(), RandomBytes(64 * 2 + 5, 11), 64);
  const std::vector<size_t> at = ChunkOffsets(stream);
  ASSERT_EQ(at.size(), 3u);
  // Chunk 0 twice: after refusing the copy, the real chunk 1 must not be
  // accepted as if nothing had happened.
  const std::string bad = stream.substr(0, at[1]) + stream.substr(at[0], at[1] - at[0]) + stream.substr(at[1]);
  auto source = NewDecryptor(KeyFile(), NewStringSource(bad));
  ASSERT_OK(source.status());
  char buf[64];
  auto n = (*source)->Read(buf, sizeof buf);
  ASSERT_OK(n.status());
  EXPECT_EQ(n.value(), 64u);
  for (int i = 0; i < 3; ++i) {
    n = (*source)->Read(buf, sizeof buf);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(IsIntegrityError(n.status())) << n.status().ToString();
  }
}

TEST_F(CryptoTest, AbsurdLengthsAreIntegrityErrorsNotAllocations) {
  const std::string stream = Encrypt(KeyFile(), "abc", 64);
  std::string bad = stream;
  for (size_t i = 0; i < 4; ++i) bad[kHeaderSize + i] = char(0xff);
  ExpectIntegrityError(bad, "chunk length 4 GiB");
  std::string big_chunks = stream;
  for (size_t i = 58; i < 62; ++i) big_chunks[i] = char(0xff);
  ExpectIntegrityError(big_chunks, "chunk size 4 GiB");
  std::string zero_chunks = stream;
  for (size_t i = 58; i < 62; ++i) zero_chunks[i] = 0;
  ExpectIntegrityError(zero_chunks, "chunk size 0");
}

TEST_F(CryptoTest, WrongPassphraseOrKeyFileIsWrongKey) {
  const std::string by_passphrase = Encrypt(KeyOptions{"right", ""}, "secret", 64);
  auto r = Decrypt(KeyOptions{"wrong", ""}, by_passphrase);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsWrongKey(r.status())) << r.status().ToString();
  r = Decrypt(KeyFile(), by_passphrase);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsWrongKey(r.status())) << r.status().ToString();
  EXPECT_NE(r.status().message().find("--passphrase-file"), std::string::npos) << r.status().message();

  const std::string by_key_file = Encrypt(KeyFile(), "secret", 64);
  r = Decrypt(KeyOptions{"", WriteKey("other.hex", Hex(TestKey(2)))}, by_key_file);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsWrongKey(r.status())) << r.status().ToString();
  r = Decrypt(KeyOptions{"right", ""}, by_key_file);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsWrongKey(r.status())) << r.status().ToString();
}

TEST_F(CryptoTest, StreamsNeedExactlyOneKeySourceAndASaneChunkSize) {
  std::string out;
  EXPECT_TRUE(NewEncryptor(KeyOptions{}, NewStringSink(&out)).status().IsInvalidArgument());
  EXPECT_TRUE(NewEncryptor(KeyOptions{"pw", key_file_}, NewStringSink(&out)).status().IsInvalidArgument());
  EXPECT_TRUE(NewEncryptor(KeyFile(), NewStringSink(&out), 0).status().IsInvalidArgument());
  EXPECT_TRUE(NewEncryptor(KeyFile(), NewStringSink(&out), size_t(1) << 32).status().IsInvalidArgument());
  EXPECT_TRUE(NewDecryptor(KeyOptions{}, NewStringSource("FERRYENC")).status().IsInvalidArgument());
}

TEST_F(CryptoTest, IsEncryptedLooksForTheMagic) {
  EXPECT_TRUE(IsEncrypted(Encrypt(KeyFile(), "x", 64)));
  EXPECT_TRUE(IsEncrypted("FERRYENC"));
  EXPECT_FALSE(IsEncrypted("FERRYEN"));
  EXPECT_FALSE(IsEncrypted(""));
  EXPECT_FALSE(IsEncrypted("{\"a\":1}"));
  ExpectIntegrityError("{\"not\":\"encrypted\"}", "plain JSON");
}

}  // namespace
}  // namespace ferry::internal
