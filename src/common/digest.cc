// Copyright (c) the Ferry authors.
#include "common/digest.h"

#include <openssl/evp.h>

namespace ferry::internal {

std::array<unsigned char, 32> Sha256(std::string_view data) {
  std::array<unsigned char, 32> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  return md;
}

std::string Sha256Hex(std::string_view data) {
  const std::array<unsigned char, 32> md = Sha256(data);
  static const char* kHex = "0123456789abcdef";
  std::string out(md.size() * 2, '0');
  for (size_t i = 0; i < md.size(); ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  return out;
}

}  // namespace ferry::internal
