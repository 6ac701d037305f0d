// Copyright (c) the Ferry authors.
//
// File stores in every format: options, part names, detection, the decoded
// record readers and the encoded file sink (file_store.h).

#include "store/file_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>

#include "common/text.h"
#include "engine/batch_processor.h"
#include "engine/file_sink.h"
#include "ferry/json.h"
#include "formats/csv.h"
#include "formats/markdown.h"
#include "formats/xml.h"
#include "formats/yaml.h"
#include "store/state.h"

namespace ferry::internal {

namespace {

// ------------------------------------------------------------------ options

// "k=v&k=v" into `out` (later keys win).
Status ParseQuery(std::string_view q, std::map<std::string, std::string>* out) {
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("format option '" + std::string(item) + "' is not NAME=VALUE");
    }
    (*out)[PercentDecode(item.substr(0, eq))] = PercentDecode(item.substr(eq + 1));
  }
  return Status::OK();
}

struct FormatOptions {
  CsvOptions csv;
  XmlOptions xml;
  YamlOptions yaml;
  MarkdownOptions md;
};

Result<bool> ParseBool(const std::string& name, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return Status::InvalidArgument("format option " + name + "=" + v + ": use true or false");
}

Result<char> ParseChar(const std::string& name, const std::string& v) {
  if (v == "tab" || v == "\\t") return '\t';
  if (v.size() != 1) return Status::InvalidArgument("format option " + name + "=" + v + ": one character (or tab)");
  return v[0];
}

Result<FormatOptions> ParseFormatOptions(const FileSpec& spec) {
  std::map<std::string, std::string> kv;
  FERRY_RETURN_IF_ERROR(ParseQuery(spec.default_options, &kv));
  FERRY_RETURN_IF_ERROR(ParseQuery(spec.options, &kv));
  FormatOptions o;
  // CSV sources take their types from the record's version's schema unless
  // the URI says otherwise (docs/formats.md).
  o.csv.types = CsvOptions::kSchema;
  const std::string fmt(FileFormatName(spec.format));
  for (const auto& option : kv) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    const std::string& k = option.first;
    const std::string& v = option.second;
    auto unknown = [&](const char* known) {
      return Status::InvalidArgument("unknown " + fmt + " option '" + k + "' for " + spec.path + "; " + fmt +
                                     " takes " + known);
    };
    switch (spec.format) {
      case FileFormat::kJsonLines:
      case FileFormat::kJsonArray: return unknown("no options");
      case FileFormat::kCsv:
        if (k == "delimiter") {
          FERRY_ASSIGN_OR_RETURN(o.csv.delimiter, ParseChar(k, v));
        } else if (k == "quote") {
          FERRY_ASSIGN_OR_RETURN(o.csv.quote, ParseChar(k, v));
        } else if (k == "header") {
          FERRY_ASSIGN_OR_RETURN(o.csv.header, ParseBool(k, v));
        } else if (k == "crlf") {
          FERRY_ASSIGN_OR_RETURN(o.csv.crlf, ParseBool(k, v));
        } else if (k == "types") {
          if (v == "infer") o.csv.types = CsvOptions::kInfer;
          else if (v == "strings") o.csv.types = CsvOptions::kStrings;
          else if (v == "schema") o.csv.types = CsvOptions::kSchema;
          else return Status::InvalidArgument("format option types=" + v + ": use schema, infer or strings");
        } else if (k == "columns") {
          o.csv.columns.clear();
          size_t pos = 0;
          while (pos <= v.size()) {
            size_t comma = v.find(',', pos);
            if (comma == std::string::npos) comma = v.size();
            if (comma > pos) o.csv.columns.push_back(v.substr(pos, comma - pos));
            pos = comma + 1;
          }
        } else {
          return unknown("delimiter, quote, header, types (schema|infer|strings), columns (a,b.c,...), crlf");
        }
        break;
      case FileFormat::kXml:
        if (k == "max_depth") {
          o.xml.max_depth = uint32_t(std::strtoul(v.c_str(), nullptr, 10));
          if (o.xml.max_depth == 0) return Status::InvalidArgument("format option max_depth=" + v + ": a positive number");
        } else {
          return unknown("max_depth");
        }
        break;
      case FileFormat::kYaml:
        if (k == "explode") {
          FERRY_ASSIGN_OR_RETURN(o.yaml.explode_sequences, ParseBool(k, v));
        } else if (k == "non_finite_as_string") {
          FERRY_ASSIGN_OR_RETURN(o.yaml.non_finite_as_string, ParseBool(k, v));
        } else {
          return unknown("explode, non_finite_as_string");
        }
        break;
      case FileFormat::kMarkdown:
        if (k == "title") o.md.title_field = v;
        else if (k == "key") o.md.key_field = v;
        else if (k == "heading") o.md.heading = v;
        else return unknown("title, key, heading");
        break;
    }
  }
  if (spec.format == FileFormat::kCsv && (o.csv.delimiter == o.csv.quote || o.csv.delimiter == '\n' ||
                                          o.csv.delimiter == '\r')) {
    return Status::InvalidArgument("CSV options for " + spec.path + ": the delimiter must differ from the quote and "
                                   "from line breaks");
  }
  return o;
}

// ------------------------------------------------------------------- names

// out/data.csv.zst.enc -> {"out/data", ".csv.zst.enc"}.
std::pair<std::string, std::string> SplitExtension(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t base = slash == std::string::npos ? 0 : slash + 1;
  std::string_view name(path);
  name.remove_prefix(base);
  size_t cut = name.size();
  auto strip = [&](std::string_view ext) {
    std::string_view head = name.substr(0, cut);
    if (head.size() > ext.size() && head.ends_with(ext)) {
      cut -= ext.size();
      return true;
    }
    return false;
  };
  strip(".enc");
  for (std::string_view c : {".gz", ".zst", ".br"}) {
    if (strip(c)) break;
  }
  bool known = false;
  for (std::string_view f : {".jsonl", ".ndjson", ".json", ".csv", ".xml", ".yaml", ".yml", ".md"}) {
    if (strip(f)) {
      known = true;
      break;
    }
  }
  if (!known && cut == name.size()) {
    size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot > 0) cut = dot;
  }
  return {path.substr(0, base + cut), path.substr(base + cut)};
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
}

// ----------------------------------------------------------------- readers

// Counts the bytes read from the file (below the decoders), for progress.
class CountingSource : public ByteSource {
 public:
  CountingSource(std::unique_ptr<ByteSource> in, uint64_t* count) : in_(std::move(in)), count_(count) {}
  Result<size_t> Read(char* buf, size_t n) override {
    FERRY_ASSIGN_OR_RETURN(size_t k, in_->Read(buf, n));
    *count_ += k;
    return k;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  uint64_t* count_;
};

// The codec's and the format's errors, with the file named.
Status InFile(const std::string& path, const Status& s) {
  if (s.ok()) return s;
  if (s.code() == ErrorCode::kParseError) {
    return Status(s.code(), path + ":" + s.message() + " (the run stops here; fix the file and run again)");
  }
  return Status(s.code(), path + ": " + s.message());
}

// A DocumentReader as a RecordReader (no Seek: the caller reopens).
class DocumentRecordReader : public RecordReader {
 public:
  DocumentRecordReader(std::unique_ptr<DocumentReader> in, std::string path, bool loosely_typed = false)
      : in_(std::move(in)), path_(std::move(path)), loosely_typed_(loosely_typed) {}
  uint64_t total_bytes() const override { return 0; }
  bool loosely_typed() const override { return loosely_typed_; }
  Status Seek(std::string_view, uint64_t) override { return Status::Internal("DocumentRecordReader::Seek"); }
  Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) override {
    batch->Clear();
    *eof = false;
    while (batch->records.size() < max_records) {
      uint64_t line = 0;
      Result<bool> more = in_->Next(&json_, &line);
      if (!more.ok()) return InFile(path_, more.status());
      if (!more.value()) {
        *eof = true;
        break;
      }
      const std::string& error = in_->record_error();
      if (error.empty()) {
        batch->Append(json_, ++record_, line);
      } else {
        // A malformed record: rejected by the engine (PARSE_ERROR, raw
        // text), as a JSON Lines record that does not parse.
        batch->AppendMalformed(json_, ++record_, line, path_ + ":" + error);
      }
    }
    batch->bytes.append(JsonParser::kPadding, '\0');
    return Status::OK();
  }

 private:
  std::unique_ptr<DocumentReader> in_;
  std::string path_;
  bool loosely_typed_;
  std::string json_;
  uint64_t record_ = 0;
};

// Opens one file of the source, decoded, as a record reader.
Result<std::unique_ptr<RecordReader>> OpenDecodedPart(const FileSpec& spec, const std::string& path,
                                                      uint64_t* counter) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> file, NewFileSource(path));
  auto counted = std::make_unique<CountingSource>(std::move(file), counter);
  auto decoded = OpenDecodedSource(std::move(counted), path, spec.key);
  if (!decoded.ok()) return InFile(path, decoded.status());
  std::unique_ptr<ByteSource> in = std::move(decoded).value();
  FileFormat format = spec.format;
  const bool json_by_name = spec.format_from_extension && format == FileFormat::kJsonArray;
  if (!spec.format_known || json_by_name) {
    std::string head;
    auto peeked = PeekSource(std::move(in), 4096, &head);
    if (!peeked.ok()) return InFile(path, peeked.status());
    in = std::move(peeked).value();
    FileFormat detected = DetectFormat(head);
    if (!spec.format_known) format = detected;
    else if (detected != FileFormat::kJsonArray) format = FileFormat::kJsonLines;  // .json holding JSON Lines
  }
  FileSpec as_read = spec;
  as_read.format = format;
  FERRY_ASSIGN_OR_RETURN(FormatOptions o, ParseFormatOptions(as_read));
  switch (format) {
    case FileFormat::kJsonLines:
    case FileFormat::kJsonArray: return RecordReader::OpenStream(format, std::move(in), path);
    case FileFormat::kCsv: {
      auto r = NewCsvReader(std::move(in), o.csv);
      if (!r.ok()) return InFile(path, r.status());
      return std::unique_ptr<RecordReader>(std::make_unique<DocumentRecordReader>(
          std::move(r).value(), path, o.csv.types == CsvOptions::kSchema));
    }
    case FileFormat::kXml:
      return std::unique_ptr<RecordReader>(
          std::make_unique<DocumentRecordReader>(NewXmlReader(std::move(in), o.xml), path));
    case FileFormat::kYaml:
      return std::unique_ptr<RecordReader>(
          std::make_unique<DocumentRecordReader>(NewYamlReader(std::move(in), o.yaml), path));
    case FileFormat::kMarkdown:
      return std::unique_ptr<RecordReader>(
          std::make_unique<DocumentRecordReader>(NewMarkdownReader(std::move(in), o.md), path));
  }
  return Status::Internal("unknown file format");
}

// Reads the decoded file, or its parts in order, as one source. Positions
// count records: "records:N"; Seek reopens and skips N records.
class DecodedFileReader : public RecordReader {
 public:
  Status Open(const FileSpec& spec, std::vector<std::string> paths) {
    spec_ = spec;
    paths_ = std::move(paths);
    for (const std::string& p : paths_) total_ += FileSize(p);
    return Restart();
  }
  uint64_t total_bytes() const override { return total_; }
  bool loosely_typed() const override { return part_ != nullptr && part_->loosely_typed(); }

  Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) override {
    batch->Clear();
    *eof = false;
    while (true) {
      bool part_eof = false;
      FERRY_RETURN_IF_ERROR(part_->ReadBatch(max_records, batch, &part_eof));
      for (RecordSpan& r : batch->records) r.record = ++record_;
      if (part_eof && next_part_ < paths_.size()) {
        FERRY_RETURN_IF_ERROR(OpenPart(next_part_++));
        if (batch->records.empty()) continue;
      } else if (part_eof) {
        *eof = true;
      }
      break;
    }
    batch->source_bytes = read_ - reported_;
    reported_ = read_;
    batch->end_position = "records:" + std::to_string(record_);
    return Status::OK();
  }

  Status Seek(std::string_view position, uint64_t records) override {
    if (position != "records:" + std::to_string(records)) {
      return Status::IoError("bad position '" + std::string(position) + "' for " + spec_.path +
                             " (expected records:N); the run cannot resume: start over with --restart");
    }
    FERRY_RETURN_IF_ERROR(Restart());
    RecordBatchInput skip;
    bool eof = false;
    while (record_ < records) {
      if (eof) {
        return Status::IoError(spec_.path + " holds " + std::to_string(record_) + " records, fewer than the " +
                               std::to_string(records) + " the checkpoint consumed; the source changed, so the run "
                               "cannot resume: start over with --restart");
      }
      FERRY_RETURN_IF_ERROR(ReadUpTo(uint32_t(std::min<uint64_t>(records - record_, 1000)), &skip, &eof));
    }
    reported_ = read_;
    return Status::OK();
  }

 private:
  Status ReadUpTo(uint32_t n, RecordBatchInput* batch, bool* eof) { return ReadBatch(n, batch, eof); }
  Status Restart() {
    record_ = 0;
    read_ = reported_ = 0;
    next_part_ = 0;
    return OpenPart(next_part_++);
  }
  Status OpenPart(size_t i) {
    part_.reset();
    FERRY_ASSIGN_OR_RETURN(part_, OpenDecodedPart(spec_, paths_[i], &read_));
    return Status::OK();
  }

  FileSpec spec_;
  std::vector<std::string> paths_;
  std::unique_ptr<RecordReader> part_;
  size_t next_part_ = 0;
  uint64_t total_ = 0, read_ = 0, reported_ = 0, record_ = 0;
};

// ----------------------------------------------------------------- writers

class JsonLinesWriter : public DocumentWriter {
 public:
  explicit JsonLinesWriter(std::unique_ptr<ByteSink> out) : out_(std::move(out)) {}
  Status Write(std::string_view json) override {
    line_.assign(json);
    line_.push_back('\n');
    return out_->Write(line_);
  }
  Status Finish() override { return out_->Finish(); }

 private:
  std::unique_ptr<ByteSink> out_;
  std::string line_;
};

// The same bytes as the plain JSON array file sink.
class JsonArrayWriter : public DocumentWriter {
 public:
  explicit JsonArrayWriter(std::unique_ptr<ByteSink> out) : out_(std::move(out)) {}
  Status Write(std::string_view json) override {
    item_.assign(first_ ? "[\n" : ",\n");
    first_ = false;
    item_.append(json);
    return out_->Write(item_);
  }
  Status Finish() override {
    FERRY_RETURN_IF_ERROR(out_->Write(first_ ? "[]\n" : "\n]\n"));
    return out_->Finish();
  }

 private:
  std::unique_ptr<ByteSink> out_;
  std::string item_;
  bool first_ = true;
};

Result<std::unique_ptr<DocumentWriter>> NewWriter(FileFormat format, const FormatOptions& o,
                                                  std::unique_ptr<ByteSink> out) {
  switch (format) {
    case FileFormat::kJsonLines: return std::unique_ptr<DocumentWriter>(std::make_unique<JsonLinesWriter>(std::move(out)));
    case FileFormat::kJsonArray: return std::unique_ptr<DocumentWriter>(std::make_unique<JsonArrayWriter>(std::move(out)));
    case FileFormat::kCsv: return NewCsvWriter(std::move(out), o.csv);
    case FileFormat::kXml: return NewXmlWriter(std::move(out), o.xml);
    case FileFormat::kYaml: return NewYamlWriter(std::move(out), o.yaml);
    case FileFormat::kMarkdown: return NewMarkdownWriter(std::move(out), o.md);
  }
  return Status::Internal("unknown file format");
}

Result<Compression> TargetCompression(const FileSpec& spec) {
  if (spec.compression.empty()) return CompressionFromPath(spec.path);
  return ParseCompression(spec.compression);
}

class EncodedFileSink : public RecordSink {
 public:
  explicit EncodedFileSink(StoreUri uri) : uri_(std::move(uri)) {}

  Status Start(const SinkOptions& options, const Checkpoint*) override {
    // Always from the first record: the run drops the checkpoint.
    options_ = options;
    if (options_.state == nullptr) return Status::Internal("a file sink needs the state store");
    FERRY_ASSIGN_OR_RETURN(format_options_, ParseFormatOptions(uri_.file));
    FERRY_ASSIGN_OR_RETURN(compression_, TargetCompression(uri_.file));
    // Temporary parts left by an earlier attempt of this run.
    for (uint64_t n = 2;; ++n) {
      const std::string temp = AtomicFile::TempPathFor(PartPath(uri_.file.path, n), options_.run_id);
      if (!Exists(temp)) break;
      ::unlink(temp.c_str());
    }
    return OpenPart();
  }
  Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& run_id) override {
    return options_.state->checkpoints().Load(run_id);
  }
  Status Stage(const BatchResult& b) override {
    std::string_view out = b.output;  // JSON Lines: one record per line
    while (!out.empty()) {
      size_t nl = out.find('\n');
      std::string_view record = out.substr(0, nl);
      out = nl == std::string_view::npos ? std::string_view() : out.substr(nl + 1);
      if (record.empty()) continue;
      if (uri_.file.split_bytes > 0 && records_in_part_ > 0 && part_bytes_ >= uri_.file.split_bytes) {
        FERRY_RETURN_IF_ERROR(FinishPart());
        FERRY_RETURN_IF_ERROR(OpenPart());
      }
      Status s = writer_->Write(record);
      if (!s.ok()) return Status(s.code(), uri_.file.path + ": " + s.message());
      ++records_in_part_;
    }
    return Status::OK();
  }
  Status Commit(Checkpoint* cp, CommitHooks*) override {
    cp->output_bytes = total_bytes_;
    return SaveFileCheckpoint(options_, *cp);
  }
  Status Publish() override {
    FERRY_RETURN_IF_ERROR(FinishPart());
    for (auto& f : files_) FERRY_RETURN_IF_ERROR(f->Rename());
    published_ = true;
    if (uri_.file.split_bytes > 0) {
      // Parts of an earlier, larger set, and an unsplit file, would be read
      // with (or instead of) this set.
      for (uint64_t n = files_.size() + 1;; ++n) {
        const std::string stale = PartPath(uri_.file.path, n);
        if (!Exists(stale)) break;
        if (::unlink(stale.c_str()) != 0) return Status::IoError("cannot remove the stale part " + stale);
      }
      if (Exists(uri_.file.path) && ::unlink(uri_.file.path.c_str()) != 0) {
        return Status::IoError("cannot remove " + uri_.file.path + " (the parts replace it)");
      }
    }
    return Status::OK();
  }
  void Close() override {
    for (auto& f : files_) f->Close();
  }
  void Discard() override {
    for (auto& f : files_) {
      if (f->is_open()) f->Abort(false);
      else if (!published_ && !f->is_stream()) ::unlink(f->temp_path().c_str());
    }
  }
  uint64_t bytes_written() const override { return total_bytes_; }

 private:
  Status OpenPart() {
    const std::string path = uri_.file.split_bytes > 0 ? PartPath(uri_.file.path, files_.size() + 1) : uri_.file.path;
    files_.push_back(std::make_unique<AtomicFile>());
    FERRY_RETURN_IF_ERROR(files_.back()->Open(path, options_.run_id));
    part_bytes_ = 0;
    records_in_part_ = 0;
    std::unique_ptr<ByteSink> sink = std::make_unique<CountingSink>(files_.back().get(), &part_bytes_, &total_bytes_);
    FERRY_ASSIGN_OR_RETURN(sink, NewEncodingSink(std::move(sink), compression_, uri_.file.key,
                                                 uri_.file.compression_level));
    FERRY_ASSIGN_OR_RETURN(writer_, NewWriter(uri_.file.format, format_options_, std::move(sink)));
    return Status::OK();
  }
  Status FinishPart() {
    Status s = writer_->Finish();
    if (!s.ok()) return Status(s.code(), uri_.file.path + ": " + s.message());
    return files_.back()->Seal();
  }
  class CountingSink : public ByteSink {
   public:
    CountingSink(AtomicFile* file, uint64_t* part, uint64_t* total) : file_(file), part_(part), total_(total) {}
    Status Write(std::string_view data) override {
      *part_ += data.size();
      *total_ += data.size();
      return file_->Append(data);
    }
    Status Finish() override { return Status::OK(); }

   private:
    AtomicFile* file_;
    uint64_t* part_;
    uint64_t* total_;
  };

  StoreUri uri_;
  SinkOptions options_;
  FormatOptions format_options_;
  Compression compression_ = Compression::kNone;
  std::vector<std::unique_ptr<AtomicFile>> files_;
  std::unique_ptr<DocumentWriter> writer_;
  uint64_t part_bytes_ = 0, total_bytes_ = 0, records_in_part_ = 0;
  bool published_ = false;
};

}  // namespace

std::string PartPath(const std::string& path, uint64_t n) {
  auto [stem, ext] = SplitExtension(path);
  char num[24];
  std::snprintf(num, sizeof(num), ".%05llu", static_cast<unsigned long long>(n));
  return stem + num + ext;
}

bool IsPartOf(const std::string& path, std::string_view name) {
  auto [stem, ext] = SplitExtension(path);
  const size_t slash = stem.rfind('/');
  const std::string prefix = (slash == std::string::npos ? stem : stem.substr(slash + 1)) + ".";
  auto is_part = [&](std::string_view n) {
    if (n.size() < prefix.size() + ext.size() + 5 || n.substr(0, prefix.size()) != prefix ||
        n.substr(n.size() - ext.size()) != ext) {
      return false;
    }
    const std::string_view digits = n.substr(prefix.size(), n.size() - prefix.size() - ext.size());
    return digits.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (is_part(name)) return true;
  // A part's temporary file: ".PART.ferry-RUN" (AtomicFile::TempPathFor).
  const size_t tag = name.find(".ferry-");
  return name.size() > 1 && name[0] == '.' && tag != std::string_view::npos && is_part(name.substr(1, tag - 1));
}

Result<std::vector<std::string>> FindParts(const std::string& path) {
  std::vector<std::string> parts;
  if (Exists(path) || !Exists(PartPath(path, 1))) return parts;
  auto [stem, ext] = SplitExtension(path);
  const size_t slash = stem.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : stem.substr(0, slash);
  const std::string prefix = (slash == std::string::npos ? stem : stem.substr(slash + 1)) + ".";
  uint64_t max = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() + ext.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        !name.ends_with(ext)) {
      continue;
    }
    const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - ext.size());
    if (digits.size() < 5 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    max = std::max<uint64_t>(max, std::strtoull(digits.c_str(), nullptr, 10));
  }
  if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
  for (uint64_t n = 1; n <= max; ++n) {
    std::string p = PartPath(path, n);
    if (!Exists(p)) {
      return Status::NotFound("part " + std::to_string(n) + " of " + path + " (" + p + ") is missing; parts 1 to " +
                              std::to_string(max) + " must all be there");
    }
    parts.push_back(std::move(p));
  }
  return parts;
}

FileFormat DetectFormat(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  if (head.substr(0, 5) == "%YAML") return FileFormat::kYaml;
  if (head.substr(0, 3) == "---" && (head.size() == 3 || head[3] == '\n' || head[3] == '\r' || head[3] == ' ' ||
                                     head[3] == '\t')) {
    return FileFormat::kYaml;
  }
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (i == head.size()) return FileFormat::kCsv;
  switch (head[i]) {
    case '[': return FileFormat::kJsonArray;
    case '{': return FileFormat::kJsonLines;
    case '<': return FileFormat::kXml;
    default: return FileFormat::kCsv;
  }
}

Status CheckFileOptions(const FileSpec& spec, bool for_writing) {
  if (spec.format_known || for_writing) FERRY_RETURN_IF_ERROR(ParseFormatOptions(spec).status());
  if (!spec.compression.empty()) FERRY_RETURN_IF_ERROR(ParseCompression(spec.compression).status());
  if (for_writing && !spec.compression.empty()) {
    const Compression by_name = CompressionFromPath(spec.path);
    if (by_name != Compression::kNone && by_name != ParseCompression(spec.compression).value()) {
      return Status::InvalidArgument("--compress " + spec.compression + " contradicts the target's name " + spec.path +
                                     " (" + std::string(CompressionName(by_name)) + "); rename it or drop --compress");
    }
  }
  if (for_writing) {
    if (spec.path.ends_with(".enc") && !spec.key.given()) {
      return Status::InvalidArgument("target " + spec.path + " is named as encrypted (.enc): pass --passphrase-file "
                                     "or --key-file (or FERRY_PASSPHRASE), or drop the .enc");
    }
  }
  return Status::OK();
}

std::string FileFingerprint(const std::string& path) {
  auto one = [](const std::string& p) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) return std::string();
    return std::to_string(uint64_t(st.st_size)) + ":" + std::to_string(int64_t(st.st_mtim.tv_sec)) + "." +
           std::to_string(int64_t(st.st_mtim.tv_nsec));
  };
  if (Exists(path)) return one(path);
  auto parts = FindParts(path);
  if (!parts.ok() || parts.value().empty()) return "";
  std::string out = "parts";
  for (const std::string& p : parts.value()) out += "," + one(p);
  return out;
}

Result<std::unique_ptr<RecordReader>> OpenFileReader(const FileSpec& spec) {
  FERRY_RETURN_IF_ERROR(CheckFileOptions(spec, false));
  std::vector<std::string> paths;
  if (AtomicFile::IsStream(spec.path)) {
    // A pipe or device is read once, as a stream (its format detected from
    // its first bytes unless named): the byte-offset readers seek.
    paths.push_back(spec.path);
  } else if (!Exists(spec.path)) {
    FERRY_ASSIGN_OR_RETURN(paths, FindParts(spec.path));
    if (paths.empty()) {
      return Status::IoError("cannot open " + spec.path + ": No such file or directory (nor parts " +
                             PartPath(spec.path, 1) + ", ...)");
    }
  } else {
    paths.push_back(spec.path);
    // Plain JSON files keep the fast byte-offset readers.
    if ((spec.format == FileFormat::kJsonLines || spec.format == FileFormat::kJsonArray) &&
        CompressionFromPath(spec.path) == Compression::kNone && !spec.path.ends_with(".enc")) {
      auto file = NewFileSource(spec.path);
      std::string head;
      if (file.ok()) {
        auto peeked = PeekSource(std::move(file).value(), 8, &head);
        if (!peeked.ok()) return InFile(spec.path, peeked.status());
      }
      const bool encoded = IsEncrypted(head) || DetectCompression(head) != Compression::kNone;
      if (!encoded && (spec.format_known || DetectFormat(head) == FileFormat::kJsonLines ||
                       DetectFormat(head) == FileFormat::kJsonArray)) {
        FileSpec plain = spec;
        if (!spec.format_known) {
          // Detected: '[' starts a JSON array, else JSON Lines.
          plain.format = FileFormat::kJsonArray;
          plain.format_from_extension = true;
        }
        return RecordReader::Open(plain);
      }
    }
  }
  auto r = std::make_unique<DecodedFileReader>();
  FERRY_RETURN_IF_ERROR(r->Open(spec, std::move(paths)));
  return std::unique_ptr<RecordReader>(std::move(r));
}

void RemoveRunTemps(const FileSpec& spec, const std::string& run_id) {
  ::unlink(AtomicFile::TempPathFor(spec.path, run_id).c_str());
  for (uint64_t n = 1; ::unlink(AtomicFile::TempPathFor(PartPath(spec.path, n), run_id).c_str()) == 0; ++n) {
  }
}

bool NeedsEncodedSink(const FileSpec& spec) {
  if (spec.split_bytes > 0 || spec.key.given()) return true;
  if (spec.format != FileFormat::kJsonLines && spec.format != FileFormat::kJsonArray) return true;
  auto c = spec.compression.empty() ? Result<Compression>(CompressionFromPath(spec.path)) : ParseCompression(spec.compression);
  return !c.ok() || c.value() != Compression::kNone;
}

Result<std::unique_ptr<RecordSink>> NewEncodedFileSink(const StoreUri& uri) {
  FERRY_RETURN_IF_ERROR(CheckFileOptions(uri.file, true));
  return std::unique_ptr<RecordSink>(std::make_unique<EncodedFileSink>(uri));
}

}  // namespace ferry::internal
