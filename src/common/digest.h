// Copyright (c) the Ferry authors.
//
// SHA-256 through OpenSSL (libcrypto): migration checksums and record
// hashes for verification.

#ifndef FERRY_COMMON_DIGEST_H_
#define FERRY_COMMON_DIGEST_H_

#include <string>
#include <string_view>

namespace ferry::internal {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace ferry::internal

#endif  // FERRY_COMMON_DIGEST_H_
