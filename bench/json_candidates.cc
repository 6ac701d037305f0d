// Copyright (c) the Ferry authors.
//
// json_candidates: "parse each line and write it back out" on one core, for
// the JSON document models Ferry could use. Results: bench/RESULTS.md.
//
//   json_candidates IN.jsonl [--runs N] [--cpu C] [--only NAME[,NAME...]] [--out-dir DIR]
//
// The input is read into memory once (with padding after it), so the figures
// are CPU only. Each candidate then processes it line by line: parse one
// line into its document model, serialize it compactly, append the text and
// '\n' to a std::string, and hand the buffer to a sink (write(2) to
// /dev/null, or to DIR/NAME.jsonl with --out-dir) whenever it reaches 1 MiB.
// One warm-up pass, then N timed passes (default 5); the median is
// reported as MB/s of input (10^6 bytes) and documents per second.
//
// Before timing, every candidate writes a probe document so the report shows
// which ones keep number literals (67.5, 1e2, 30.0, -0, big integers).
//
// Candidates:
//   ferry           ferry::JsonParser::ParsePadded (zero copy: the line is
//                   followed by readable bytes) + ferry::WriteJson; one Arena
//                   reset per line.
//   ferry_copy      as ferry, but JsonParser::Parse (copies the line first).
//   rapidjson       RapidJSON 1.1.0 Document::Parse (DOM, MemoryPoolAllocator
//                   cleared per line) + Writer into the std::string.
//   nlohmann        nlohmann::json::parse + dump() (3.11.2).
//   simdjson_dom    simdjson 3.0.1 dom::parser::parse (no realloc: padded)
//                   + string_builder minify (what simdjson::minify uses).
//   (Boost.JSON is not a candidate: Debian 12 ships Boost 1.74, which has
//   no Boost.JSON.)

#include <sched.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include "ferry/json.h"

namespace {

constexpr size_t kFlushBytes = 1 << 20;
constexpr size_t kPadding = 64;  // >= ferry::JsonParser::kPadding, simdjson::SIMDJSON_PADDING

// Output buffer with a 1 MiB flush to a file descriptor.
class Sink {
 public:
  explicit Sink(int fd) : fd_(fd) { buf_.reserve(2 * kFlushBytes); }
  ~Sink() { Flush(); }
  std::string& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= kFlushBytes) Flush();
  }
  void Flush() {
    const char* p = buf_.data();
    size_t n = buf_.size();
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w <= 0) {
        std::perror("write");
        std::exit(1);
      }
      p += w;
      n -= size_t(w);
    }
    bytes_ += buf_.size();
    buf_.clear();
  }
  size_t bytes() const { return bytes_ + buf_.size(); }

 private:
  int fd_;
  std::string buf_;
  size_t bytes_ = 0;
};

// A RapidJSON output stream appending to a std::string.
struct StringOutStream {
  using Ch = char;
  explicit StringOutStream(std::string* s) : s(s) {}
  void Put(char c) { s->push_back(c); }
  void Flush() {}
  std::string* s;
};

// Processes one line (not including '\n'); returns false on a parse error.
using LineFn = std::function<bool(std::string_view line, std::string* out)>;

struct Candidate {
  std::string name;
  std::string what;
  std::function<LineFn()> make;  // fresh state per pass
};

std::vector<Candidate> Candidates() {
  std::vector<Candidate> c;
  c.push_back({"ferry", "ferry JsonParser::ParsePadded + WriteJson", [] {
                 auto parser = std::make_shared<ferry::JsonParser>();
                 auto arena = std::make_shared<ferry::Arena>();
                 return LineFn([parser, arena](std::string_view line, std::string* out) {
                   arena->Reset();
                   ferry::Result<ferry::Value> r = parser->ParsePadded(line, *arena);
                   if (!r.ok()) return false;
                   ferry::WriteJson(r.value(), out);
                   return true;
                 });
               }});
  c.push_back({"ferry_copy", "ferry JsonParser::Parse (copies line) + WriteJson", [] {
                 auto parser = std::make_shared<ferry::JsonParser>();
                 auto arena = std::make_shared<ferry::Arena>();
                 return LineFn([parser, arena](std::string_view line, std::string* out) {
                   arena->Reset();
                   ferry::Result<ferry::Value> r = parser->Parse(line, *arena);
                   if (!r.ok()) return false;
                   ferry::WriteJson(r.value(), out);
                   return true;
                 });
               }});
  c.push_back({"rapidjson", "RapidJSON 1.1.0 Document (pool allocator) + Writer", [] {
                 struct State {
                   char pool[1 << 16];
                   rapidjson::MemoryPoolAllocator<> alloc{pool, sizeof(pool)};
                   rapidjson::Document doc{&alloc, 1024};
                 };
                 auto st = std::make_shared<State>();
                 return LineFn([st](std::string_view line, std::string* out) {
                   st->doc.Parse(line.data(), line.size());
                   bool ok = !st->doc.HasParseError();
                   if (ok) {
                     StringOutStream os(out);
                     rapidjson::Writer<StringOutStream> w(os);
                     st->doc.Accept(w);
                   }
                   st->doc.SetNull();
                   st->alloc.Clear();
                   return ok;
                 });
               }});
  c.push_back({"nlohmann", "nlohmann::json 3.11.2 parse + dump", [] {
                 return LineFn([](std::string_view line, std::string* out) {
                   nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
                   if (j.is_discarded()) return false;
                   out->append(j.dump());
                   return true;
                 });
               }});
  c.push_back({"simdjson_dom", "simdjson 3.0.1 dom::parser + minify (string_builder)", [] {
                 auto parser = std::make_shared<simdjson::dom::parser>();
                 auto sb = std::make_shared<simdjson::internal::string_builder<>>();
                 return LineFn([parser, sb](std::string_view line, std::string* out) {
                   simdjson::dom::element e;
                   if (parser->parse(line.data(), line.size(), /*realloc_if_needed=*/false).get(e)) return false;
                   sb->clear();
                   sb->append(e);
                   out->append(sb->str());
                   return true;
                 });
               }});
  return c;
}

struct PassResult {
  double seconds = 0;
  size_t docs = 0;
  size_t errors = 0;
  size_t out_bytes = 0;
};

PassResult RunPass(const std::vector<std::string_view>& lines, const LineFn& fn, int fd) {
  Sink sink(fd);
  PassResult r;
  auto t0 = std::chrono::steady_clock::now();
  for (std::string_view line : lines) {
    if (fn(line, &sink.buf())) {
      sink.buf().push_back('\n');
      ++r.docs;
    } else {
      ++r.errors;
    }
    sink.MaybeFlush();
  }
  sink.Flush();
  auto t1 = std::chrono::steady_clock::now();
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.out_bytes = sink.bytes();
  return r;
}

// Literals whose spelling a document model may change.
constexpr const char* kProbes[] = {
    R"({"w":67.5,"x":1e2,"y":30.0,"z":-0,"e":1.5E-7,"s":"caf\u00e9 \"q\""})",
    R"([100000000000000000000,1E+400])",
};

std::string Probe(const LineFn& fn, std::string_view doc) {
  // Padded copy, as the candidates may read past the end.
  std::string padded(doc);
  padded.append(kPadding, ' ');
  std::string out;
  if (!fn(std::string_view(padded.data(), doc.size()), &out)) return "(rejected)";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s IN.jsonl [--runs N] [--cpu C] [--only a,b] [--out-dir DIR]\n", argv[0]);
    return 2;
  }
  std::string path = argv[1];
  int runs = 5, cpu = 0;
  std::string only, out_dir;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--cpu") cpu = std::atoi(argv[i + 1]);
    else if (a == "--only") only = argv[i + 1];
    else if (a == "--out-dir") out_dir = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) std::perror("sched_setaffinity");
  }

  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::perror(path.c_str());
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  size_t input_bytes = data.size();
  data.append(kPadding, '\0');
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < input_bytes;) {
    size_t nl = std::string_view(data.data(), input_bytes).find('\n', pos);
    if (nl == std::string_view::npos) nl = input_bytes;
    if (nl > pos) lines.emplace_back(data.data() + pos, nl - pos);
    pos = nl + 1;
  }
  std::printf("input: %s, %zu bytes, %zu lines (mean %.0f B/line); runs: %d (+1 warm-up); cpu: %d\n", path.c_str(),
              input_bytes, lines.size(), double(input_bytes) / double(lines.size()), runs, cpu);

  std::vector<Candidate> candidates = Candidates();
  for (const char* probe : kProbes) {
    std::printf("\nnumber-literal probe: %s\n", probe);
    for (const Candidate& c : candidates) {
      if (!only.empty() && ("," + only + ",").find("," + c.name + ",") == std::string::npos) continue;
      std::printf("  %-13s %s\n", c.name.c_str(), Probe(c.make(), probe).c_str());
    }
  }

  std::printf("\n| candidate | what | MB/s (median) | min..max MB/s | docs/s (median) | out bytes | errors |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  for (const Candidate& c : candidates) {
    if (!only.empty() && ("," + only + ",").find("," + c.name + ",") == std::string::npos) continue;
    int fd = out_dir.empty() ? ::open("/dev/null", O_WRONLY)
                             : ::open((out_dir + "/" + c.name + ".jsonl").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      std::perror("open");
      return 1;
    }
    LineFn fn = c.make();
    PassResult warm = RunPass(lines, fn, fd);
    std::vector<PassResult> results;
    for (int i = 0; i < runs; ++i) {
      if (!out_dir.empty()) {
        if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) std::perror("truncate");
      }
      results.push_back(RunPass(lines, fn, fd));
    }
    ::close(fd);
    std::vector<double> secs;
    for (const PassResult& r : results) secs.push_back(r.seconds);
    std::sort(secs.begin(), secs.end());
    double med = secs[secs.size() / 2];
    auto mbs = [&](double s) { return double(input_bytes) / 1e6 / s; };
    std::printf("| %s | %s | %.1f | %.1f..%.1f | %.0f | %zu | %zu |\n", c.name.c_str(), c.what.c_str(), mbs(med),
                mbs(secs.back()), mbs(secs.front()), double(warm.docs) / med, warm.out_bytes, warm.errors);
    std::fflush(stdout);
  }
  return 0;
}
