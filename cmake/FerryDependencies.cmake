# The libraries libferry links (Debian 12 packages: scripts/install-deps.sh).
# Included by the top-level CMakeLists.txt, and installed with the CMake
# package: `find_package(ferry COMPONENTS static)` includes it again so that a
# program linking the static libferry finds the same targets.

find_package(PkgConfig REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(pugixml REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
# Codecs (src/codec): zstd, brotli, Argon2id (libsodium), gzip (zlib).
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(ZLIB REQUIRED)
pkg_check_modules(LIBFYAML REQUIRED IMPORTED_TARGET libfyaml)
# JSON Schema patterns (src/schema/regex.cc): RE2, a linear-time matcher.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# `ferry serve` (src/server): Debian's compiled cpp-httplib 0.11 (with its
# OpenSSL, zlib and brotli support, as its pkg-config flags say).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# The same libraries as pkg-config modules: ferry.pc's Requires.private.
set(FERRY_PKGCONFIG_REQUIRES
  "sqlite3 libpq libzstd libbrotlienc libbrotlidec libsodium libfyaml re2 cpp-httplib simdjson yaml-cpp pugixml libcrypto zlib")
