// Copyright (c) the Ferry authors.
//
// SHA-256 through OpenSSL (libcrypto): migration checksums and record
// hashes for verification.

#ifndef FERRY_COMMON_DIGEST_H_
#define FERRY_COMMON_DIGEST_H_

#include <array>
#include <string>
#include <string_view>

namespace ferry::internal {

// SHA-256 of `data`, raw bytes.
std::array<unsigned char, 32> Sha256(std::string_view data);
// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace ferry::internal

#endif  // FERRY_COMMON_DIGEST_H_
