// Copyright (c) the Ferry authors.
#include "engine/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "ferry/json.h"

namespace ferry::internal {

namespace {

constexpr size_t kChunkSize = 1 << 20;  // 1 MiB reads
constexpr std::string_view kBom = "\xEF\xBB\xBF";  // UTF-8 byte order mark

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads a file in chunks into a sliding buffer.
class ChunkedFile {
 public:
  ~ChunkedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = uint64_t(st.st_size);
    if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) return Status::IoError(path + " is a directory");
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return Status::OK();
  }
  // Reads from `in` instead of a file (no SeekTo).
  void OpenStream(std::unique_ptr<ByteSource> in, const std::string& name) {
    in_ = std::move(in);
    path_ = name;
  }
  Status SeekTo(uint64_t offset) {
    if (in_) return Status::IoError("cannot seek in " + path_ + " (an encoded stream)");
    if (offset > size_) {
      return Status::IoError(path_ + " is shorter (" + std::to_string(size_) + " bytes) than the checkpoint (byte " +
                             std::to_string(offset) + "); the source changed, so the run cannot resume");
    }
    if (::lseek(fd_, off_t(offset), SEEK_SET) < 0) return Status::IoError("cannot seek in " + path_ + ": " + std::strerror(errno));
    buf_.clear();
    pos_ = 0;
    eof_ = false;
    return Status::OK();
  }
  // Ensures at least one more byte is buffered unless at EOF. Returns false
  // at EOF.
  Result<bool> Fill() {
    if (pos_ > 0 && pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
    } else if (pos_ > kChunkSize) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    if (eof_) return false;
    size_t old = buf_.size();
    buf_.resize(old + kChunkSize);
    ssize_t n;
    if (in_) {
      Result<size_t> got = in_->Read(buf_.data() + old, kChunkSize);
      if (!got.ok()) {
        buf_.resize(old);
        return Status(got.status().code(), path_ + ": " + got.status().message());
      }
      n = ssize_t(got.value());
    } else {
      do {
        n = ::read(fd_, buf_.data() + old, kChunkSize);
      } while (n < 0 && errno == EINTR);
    }
    if (n < 0) {
      buf_.resize(old);
      return Status::IoError("cannot read " + path_ + ": " + std::strerror(errno));
    }
    buf_.resize(old + size_t(n));
    if (n == 0) eof_ = true;
    return n > 0;
  }
  // At the start of the input: consumes a UTF-8 byte order mark if the
  // input begins with one (however few bytes each read gives) and returns
  // how many bytes it consumed (3 or 0).
  Result<size_t> SkipByteOrderMark() {
    while (buf_.size() - pos_ < kBom.size() && !eof_) {
      Result<bool> more = Fill();
      if (!more.ok()) return more.status();
    }
    if (std::string_view(buf_).substr(pos_, kBom.size()) != kBom) return size_t{0};
    pos_ += kBom.size();
    return kBom.size();
  }
  std::string buf_;
  size_t pos_ = 0;  // first unconsumed byte
  bool eof_ = false;
  uint64_t size_ = 0;
  std::string path_;

 private:
  int fd_ = -1;
  std::unique_ptr<ByteSource> in_;
};

// At byte 0 of `file`: a UTF-8 byte order mark is not part of the first
// record; its bytes count as read.
Status SkipByteOrderMark(ChunkedFile* file, uint64_t* offset, RecordBatchInput* batch) {
  FERRY_ASSIGN_OR_RETURN(size_t skipped, file->SkipByteOrderMark());
  *offset += skipped;
  batch->source_bytes += skipped;
  return Status::OK();
}

void Pad(RecordBatchInput* batch) { batch->bytes.append(JsonParser::kPadding, '\0'); }

class JsonLinesReader : public RecordReader {
 public:
  Status Open(const std::string& path) { return file_.Open(path); }
  void OpenStream(std::unique_ptr<ByteSource> in, const std::string& name) { file_.OpenStream(std::move(in), name); }
  uint64_t total_bytes() const override { return file_.size_; }

  Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) override {
    batch->Clear();
    *eof = false;
    if (offset_ == 0) FERRY_RETURN_IF_ERROR(SkipByteOrderMark(&file_, &offset_, batch));
    while (batch->records.size() < max_records) {
      std::string& buf = file_.buf_;
      const char* start = buf.data() + file_.pos_;
      const char* end = buf.data() + buf.size();
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', size_t(end - start)));
      if (nl == nullptr) {
        if (!file_.eof_) {
          Result<bool> more = file_.Fill();
          if (!more.ok()) return more.status();
          continue;
        }
        if (start == end) {
          *eof = true;
          break;
        }
        nl = end;  // last line without a final newline
      }
      std::string_view line(start, size_t(nl - start));
      size_t consumed = line.size() + (nl == end ? 0 : 1);
      file_.pos_ += consumed;
      batch->source_bytes += consumed;
      offset_ += consumed;
      ++line_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      size_t first = 0;
      while (first < line.size() && IsSpace(line[first])) ++first;
      if (first == line.size()) continue;  // blank lines are not records
      batch->Append(line, ++record_, line_);
    }
    batch->end_position = std::to_string(offset_) + ":" + std::to_string(line_);
    Pad(batch);
    return Status::OK();
  }

  Status Seek(std::string_view position, uint64_t records) override {
    uint64_t offset = 0, line = 0;
    if (std::sscanf(std::string(position).c_str(), "%lu:%lu", &offset, &line) != 2) {
      return Status::IoError("bad JSON Lines position '" + std::string(position) + "'");
    }
    FERRY_RETURN_IF_ERROR(file_.SeekTo(offset));
    offset_ = offset;
    line_ = line;
    record_ = records;
    return Status::OK();
  }

 private:
  ChunkedFile file_;
  uint64_t offset_ = 0;
  uint64_t line_ = 0;
  uint64_t record_ = 0;
};

// Splits a JSON array file into its elements without parsing them: tracks
// strings, escapes and nesting depth. Elements are validated later, one by
// one, so a broken element is one rejected record, not a failed run.
class JsonArrayReader : public RecordReader {
 public:
  Status Open(const std::string& path) { return file_.Open(path); }
  void OpenStream(std::unique_ptr<ByteSource> in, const std::string& name) { file_.OpenStream(std::move(in), name); }
  uint64_t total_bytes() const override { return file_.size_; }

  Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) override {
    batch->Clear();
    *eof = false;
    if (offset_ == 0) FERRY_RETURN_IF_ERROR(SkipByteOrderMark(&file_, &offset_, batch));
    while (batch->records.size() < max_records && state_ != State::kDone) {
      if (file_.pos_ >= file_.buf_.size()) {
        // Keep the bytes of a partial element: they are in `element_`.
        Result<bool> more = file_.Fill();
        if (!more.ok()) return more.status();
        if (!more.value()) {
          if (state_ == State::kAfterClose || state_ == State::kDone) break;
          return Status::ParseError(file_.path_ + ": unexpected end of file inside the JSON array (byte " +
                                    std::to_string(offset_) + ")");
        }
      }
      char c = file_.buf_[file_.pos_++];
      ++offset_;
      ++batch->source_bytes;
      if (c == '\n') ++line_;
      switch (state_) {
        case State::kBeforeOpen:
          if (IsSpace(c)) break;
          if (c != '[') {
            return Status::ParseError(file_.path_ + ": a JSON array file must start with '[' (found '" +
                                      std::string(1, c) + "' at byte " + std::to_string(offset_) +
                                      "); for one document per line use jsonl:");
          }
          state_ = State::kExpectFirst;
          break;
        case State::kExpectFirst:
        case State::kExpectElement:
          if (IsSpace(c)) break;
          if (c == ']' && state_ == State::kExpectFirst) {
            state_ = State::kAfterClose;
            break;
          }
          if (c == ']' || c == ',') {
            return Status::ParseError(file_.path_ + ": missing array element at byte " + std::to_string(offset_));
          }
          element_.clear();
          element_line_ = line_ + 1;
          depth_ = 0;
          in_string_ = escape_ = false;
          state_ = State::kInElement;
          [[fallthrough]];
        case State::kInElement:
          if (in_string_) {
            if (escape_) escape_ = false;
            else if (c == '\\') escape_ = true;
            else if (c == '"') in_string_ = false;
            element_.push_back(c);
            break;
          }
          if (depth_ == 0 && (c == ',' || c == ']')) {
            while (!element_.empty() && IsSpace(element_.back())) element_.pop_back();
            batch->Append(element_, ++record_, element_line_);
            state_ = c == ',' ? State::kExpectElement : State::kAfterClose;
            break;
          }
          if (c == '"') in_string_ = true;
          else if (c == '[' || c == '{') ++depth_;
          else if ((c == ']' || c == '}') && depth_ > 0) --depth_;
          element_.push_back(c);
          break;
        case State::kAfterClose:
          if (!IsSpace(c)) {
            return Status::ParseError(file_.path_ + ": content after the closing ']' at byte " +
                                      std::to_string(offset_));
          }
          break;
        case State::kDone:
          break;
      }
    }
    if (state_ == State::kAfterClose && file_.pos_ >= file_.buf_.size() && file_.eof_) state_ = State::kDone;
    if (state_ == State::kAfterClose && batch->records.size() < max_records) {
      // Drain trailing whitespace to confirm the end.
      while (true) {
        if (file_.pos_ >= file_.buf_.size()) {
          Result<bool> more = file_.Fill();
          if (!more.ok()) return more.status();
          if (!more.value()) break;
        }
        char c = file_.buf_[file_.pos_++];
        ++offset_;
        ++batch->source_bytes;
        if (!IsSpace(c)) {
          return Status::ParseError(file_.path_ + ": content after the closing ']' at byte " +
                                    std::to_string(offset_));
        }
      }
      state_ = State::kDone;
    }
    if (state_ == State::kDone) *eof = true;
    batch->end_position = std::to_string(offset_) + ":" + std::to_string(line_) + ":" + std::to_string(int(state_));
    Pad(batch);
    return Status::OK();
  }

  // Positions are taken at element boundaries (after ',' or ']'), where the
  // splitter's state is one of kExpectElement, kAfterClose, kDone.
  Status Seek(std::string_view position, uint64_t records) override {
    uint64_t offset = 0, line = 0;
    int state = 0;
    if (std::sscanf(std::string(position).c_str(), "%lu:%lu:%d", &offset, &line, &state) != 3 ||
        state < int(State::kBeforeOpen) || state > int(State::kDone) || state == int(State::kInElement)) {
      return Status::IoError("bad JSON array position '" + std::string(position) + "'");
    }
    FERRY_RETURN_IF_ERROR(file_.SeekTo(offset));
    offset_ = offset;
    line_ = line;
    state_ = State(state);
    record_ = records;
    return Status::OK();
  }

 private:
  enum class State { kBeforeOpen, kExpectFirst, kExpectElement, kInElement, kAfterClose, kDone };
  ChunkedFile file_;
  State state_ = State::kBeforeOpen;
  std::string element_;
  uint64_t element_line_ = 0;
  uint32_t depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  uint64_t offset_ = 0;
  uint64_t line_ = 0;
  uint64_t record_ = 0;
};

// True when the first non-space byte of the file (after a UTF-8 byte order
// mark) is '['.
bool StartsWithBracket(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof(buf));
  ::close(fd);
  const ssize_t first = n >= ssize_t(kBom.size()) && std::string_view(buf, kBom.size()) == kBom ? ssize_t(kBom.size()) : 0;
  for (ssize_t i = first; i < n; ++i) {
    if (!IsSpace(buf[i])) return buf[i] == '[';
  }
  return false;
}

}  // namespace

std::string_view FileFormatName(FileFormat f) {
  switch (f) {
    case FileFormat::kJsonLines: return "jsonl";
    case FileFormat::kJsonArray: return "json";
    case FileFormat::kCsv: return "csv";
    case FileFormat::kXml: return "xml";
    case FileFormat::kYaml: return "yaml";
    case FileFormat::kMarkdown: return "md";
  }
  return "jsonl";
}

bool FormatFromPath(std::string_view path, FileFormat* format) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.ends_with(".enc")) name.remove_suffix(4);
  for (std::string_view c : {".gz", ".zst", ".br"}) {
    if (name.ends_with(c)) {
      name.remove_suffix(c.size());
      break;
    }
  }
  static constexpr std::pair<std::string_view, FileFormat> kExtensions[] = {
      {".jsonl", FileFormat::kJsonLines}, {".ndjson", FileFormat::kJsonLines}, {".json", FileFormat::kJsonArray},
      {".csv", FileFormat::kCsv},         {".xml", FileFormat::kXml},          {".yaml", FileFormat::kYaml},
      {".yml", FileFormat::kYaml},        {".md", FileFormat::kMarkdown}};
  for (const auto& [ext, f] : kExtensions) {
    if (name.size() > ext.size() && name.ends_with(ext)) {
      *format = f;
      return true;
    }
  }
  return false;
}

Result<FileSpec> ParseFileUri(std::string_view uri) {
  FileSpec spec;
  static constexpr std::pair<std::string_view, FileFormat> kSchemes[] = {
      {"jsonl:", FileFormat::kJsonLines}, {"ndjson:", FileFormat::kJsonLines}, {"json:", FileFormat::kJsonArray},
      {"csv:", FileFormat::kCsv},         {"xml:", FileFormat::kXml},          {"yaml:", FileFormat::kYaml},
      {"yml:", FileFormat::kYaml},        {"md:", FileFormat::kMarkdown}};
  bool schemed = false;
  for (const auto& [scheme, f] : kSchemes) {
    if (uri.substr(0, scheme.size()) == scheme) {
      std::string_view rest = uri.substr(scheme.size());
      size_t q = rest.find('?');
      if (q != std::string_view::npos) {
        spec.options = std::string(rest.substr(q + 1));
        rest = rest.substr(0, q);
      }
      spec.path = std::string(rest);
      spec.format = f;
      schemed = true;
      break;
    }
  }
  if (!schemed) {
    if (uri.find("://") != std::string_view::npos || uri.substr(0, 7) == "sqlite:") {
      return Status::InvalidArgument("store '" + std::string(uri) +
                                     "' is not a file; use jsonl:, json:, csv:, xml:, yaml:, md: or a path");
    }
    spec.path = std::string(uri);
    spec.format_from_extension = true;
    spec.format_known = FormatFromPath(uri, &spec.format);
    if (!spec.format_known) spec.format = FileFormat::kJsonLines;
  }
  if (spec.path.empty()) return Status::InvalidArgument("empty path in '" + std::string(uri) + "'");
  return spec;
}

Result<std::unique_ptr<RecordReader>> RecordReader::Open(const FileSpec& spec) {
  FileFormat format = spec.format;
  if (format != FileFormat::kJsonLines && format != FileFormat::kJsonArray) {
    return Status::Internal("RecordReader::Open reads JSON files only; use OpenFileReader (store/file_store.h)");
  }
  if (spec.format_from_extension && format == FileFormat::kJsonArray && !StartsWithBracket(spec.path)) {
    format = FileFormat::kJsonLines;
  }
  if (format == FileFormat::kJsonLines) {
    auto r = std::make_unique<JsonLinesReader>();
    FERRY_RETURN_IF_ERROR(r->Open(spec.path));
    return std::unique_ptr<RecordReader>(std::move(r));
  }
  auto r = std::make_unique<JsonArrayReader>();
  FERRY_RETURN_IF_ERROR(r->Open(spec.path));
  return std::unique_ptr<RecordReader>(std::move(r));
}

std::unique_ptr<RecordReader> RecordReader::OpenStream(FileFormat format, std::unique_ptr<ByteSource> in,
                                                       const std::string& name) {
  if (format == FileFormat::kJsonArray) {
    auto r = std::make_unique<JsonArrayReader>();
    r->OpenStream(std::move(in), name);
    return r;
  }
  auto r = std::make_unique<JsonLinesReader>();
  r->OpenStream(std::move(in), name);
  return r;
}

}  // namespace ferry::internal
