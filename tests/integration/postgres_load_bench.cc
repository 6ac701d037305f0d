// Copyright (c) the Ferry authors.
//
// Loads a JSON Lines file into a PostgreSQL table through Ferry's sink (no
// migration: the engine's batches are built straight from the lines) and
// reports rows/s, to compare with `psql \copy` of the same file.
//
//   postgres_load_bench 'postgres://...?table=T' FILE [--commit N] [--batch N] [--drop] [--staged]
//
// The key of a line is its first "id":"..." string. --commit: records per
// commit (default 10000, like `ferry migrate`'s default); --batch: records per
// staged batch (1000); --drop: drop T first; --staged: put every 5000th
// record into T before the run, so that every commit meets existing keys and
// the sink takes its staged path (temp table + INSERT/UPDATE) instead of
// COPYing straight into the table. Only Start, Stage and Commit are timed.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "engine/batch_processor.h"
#include "store/sql.h"
#include "store/store.h"

using namespace ferry;
using namespace ferry::internal;

namespace {

int Fail(const Status& s) {
  std::cerr << "error: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " 'postgres://...?table=T' FILE [--commit N] [--batch N] [--drop] [--staged]\n";
    return 2;
  }
  const std::string uri_text = argv[1], file = argv[2];
  uint64_t commit_records = 10000, batch_records = 1000;
  bool drop = false, staged = false;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--commit" && i + 1 < argc) commit_records = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--batch" && i + 1 < argc) batch_records = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--drop") drop = true;
    else if (a == "--staged") staged = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  auto uri = ParseStoreUri(uri_text, "bench");
  if (!uri.ok()) return Fail(uri.status());
  if (uri.value().kind != StoreKind::kPostgres) return Fail(Status::InvalidArgument("not a postgres:// URI"));

  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(Status::IoError("cannot read " + file));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  struct Line {
    size_t offset, length, key_offset, key_length;
  };
  std::vector<Line> lines;
  for (size_t pos = 0; pos < data.size();) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    if (nl > pos) {
      std::string_view line(data.data() + pos, nl - pos);
      size_t k = line.find("\"id\":\"");
      if (k == std::string::npos) return Fail(Status::InvalidArgument("a line without \"id\":\"...\""));
      size_t end = line.find('"', k + 6);
      lines.push_back({pos, nl - pos, pos + k + 6, end - k - 6});
    }
    pos = nl + 1;
  }

  {
    auto db = OpenPostgres(uri.value().conninfo, uri.value().display);
    if (!db.ok()) return Fail(db.status());
    const std::string t = QuoteTable(uri.value().table);
    if (drop) {
      Status s = db.value()->Exec("DROP TABLE IF EXISTS " + t);
      if (!s.ok()) return Fail(s);
    }
    if (staged) {
      Status s = db.value()->Exec("CREATE TABLE IF NOT EXISTS " + t +
                                  " (key text PRIMARY KEY, version text, document jsonb NOT NULL,"
                                  " updated_at timestamptz NOT NULL DEFAULT now())");
      // Every 5000th record is already there (same document, same version):
      // every commit meets existing keys, so the sink stays on its staged path.
      for (size_t i = 0; s.ok() && i < lines.size(); i += 5000) {
        s = db.value()->Exec("INSERT INTO " + t + " (key, version, document) VALUES ($1, 'unified-1', $2::jsonb)"
                             " ON CONFLICT DO NOTHING",
                             {data.substr(lines[i].key_offset, lines[i].key_length),
                              data.substr(lines[i].offset, lines[i].length)});
      }
      if (!s.ok()) return Fail(s);
    }
  }

  auto sink = OpenPostgresSink(uri.value());
  if (!sink.ok()) return Fail(sink.status());
  SinkOptions options;
  options.run_id = "bench-" + std::to_string(::getpid());
  options.owner = options.run_id;
  options.version = "unified-1";
  auto start = std::chrono::steady_clock::now();
  Status s = sink.value()->Start(options, nullptr);
  if (!s.ok()) return Fail(s);
  Checkpoint cp;
  cp.run_id = options.run_id;
  uint64_t since_commit = 0, bytes = 0;
  BatchResult b;
  for (size_t i = 0; i < lines.size(); i += batch_records) {
    b.output.clear();
    b.keys.clear();
    b.output_records.clear();
    const size_t end = std::min(lines.size(), i + batch_records);
    for (size_t j = i; j < end; ++j) {
      OutputRecord r;
      r.offset = uint32_t(b.output.size());
      r.length = uint32_t(lines[j].length);
      r.key_offset = uint32_t(b.keys.size());
      r.key_length = uint32_t(lines[j].key_length);
      b.output.append(data, lines[j].offset, lines[j].length);
      b.output.push_back('\n');
      b.keys.append(data, lines[j].key_offset, lines[j].key_length);
      b.output_records.push_back(r);
      bytes += lines[j].length + 1;
    }
    s = sink.value()->Stage(b);
    if (!s.ok()) return Fail(s);
    since_commit += end - i;
    if (since_commit >= commit_records || end == lines.size()) {
      ++cp.seq;
      cp.records = end;
      cp.position = std::to_string(end);
      s = sink.value()->Commit(&cp, nullptr);
      if (!s.ok()) return Fail(s);
      since_commit = 0;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu rows, %.1f MB in %.3f s: %.0f rows/s, %.1f MB/s (%s path, %llu rows/commit, %llu commits)\n",
              lines.size(), double(bytes) / 1e6, seconds, double(lines.size()) / seconds,
              double(bytes) / 1e6 / seconds, staged ? "staged" : "direct", (unsigned long long)commit_records,
              (unsigned long long)cp.seq);
  sink.value()->Close();
  return 0;
}
