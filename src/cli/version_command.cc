// Copyright (c) the Ferry authors.
#include "cli/version_command.h"

#include <brotli/encode.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/output.h"
#include "common/json_builder.h"

#ifndef FERRY_VERSION
#error "FERRY_VERSION comes from CMake's project(VERSION) (src/cli/CMakeLists.txt)"
#endif

namespace ferry::cli {

namespace {

bool g_json = false;
CLI::App* g_version = nullptr;

// libpq gives 160002 for 16.2 (and 90624 for 9.6.24, before version 10).
std::string LibpqVersion() {
  const int v = PQlibVersion();
  if (v >= 100000) return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

// Brotli packs its version as 0xMMMmmmppp.
std::string BrotliVersion() {
  const uint32_t v = BrotliEncoderVersion();
  return std::to_string(v >> 24) + "." + std::to_string((v >> 12) & 0xFFF) + "." + std::to_string(v & 0xFFF);
}

// The libraries as loaded at run time (not the headers built against).
std::vector<std::pair<std::string, std::string>> Libraries() {
  return {{"sqlite", sqlite3_libversion()},
          {"libpq", LibpqVersion()},
          {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
          {"zlib", zlibVersion()},
          {"zstd", ZSTD_versionString()},
          {"brotli", BrotliVersion()},
          {"libsodium", sodium_version_string()}};
}

std::string VersionJson() {
  internal::JsonBuilder j;
  j.Begin().Key("version").Str(FERRY_VERSION).Key("libraries").Begin();
  for (const auto& [name, version] : Libraries()) j.Key(name).Str(version);
  return j.End().End().Take();
}

}  // namespace

std::string VersionText() {
  std::string libraries;
  for (const auto& [name, version] : Libraries()) libraries += (libraries.empty() ? "" : ", ") + name + " " + version;
  return std::string("ferry ") + FERRY_VERSION + "\nlibraries: " + libraries;
}

void RegisterVersionCommand(CLI::App& app) {
  app.set_version_flag("--version", [] { return VersionText(); });
  g_version = app.add_subcommand("version", "Ferry's version and its libraries' (--version is the same)");
  g_version->add_flag("--json", g_json, "print them as JSON on stdout");
}

bool RunVersionCommand(int* exit_code) {
  if (g_version == nullptr || !g_version->parsed()) return false;
  std::printf("%s\n", g_json ? VersionJson().c_str() : VersionText().c_str());
  *exit_code = 0;
  return true;
}

}  // namespace ferry::cli
