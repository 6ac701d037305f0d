// Copyright (c) the Ferry authors.
//
// Backups and rollback journals (backup.h): chunk files, the manifest, the
// index in the state store, verification and retention.

#include "safety/backup.h"

#include <fcntl.h>
#include <signal.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "common/digest.h"
#include "common/json_builder.h"
#include "document/value_read.h"
#include "engine/journal_entry.h"
#include "ferry/json.h"
#include "store/sql.h"
#include "store/state.h"

namespace ferry::internal {
namespace {

namespace fs = std::filesystem;

std::string Hex(const uint8_t* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 15]);
  }
  return s;
}

bool FromHex(std::string_view hex, uint8_t* out, size_t n) {
  if (hex.size() != 2 * n) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < n; ++i) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = uint8_t(hi * 16 + lo);
  }
  return true;
}

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), int(data.size()));
  out.resize(size_t(n));
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = size_t(n);
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

// The whole's digest: SHA-256 over the chunks' digests (raw) in order.
std::string WholeDigest(const std::vector<BackupChunk>& chunks) {
  std::string raw;
  for (const BackupChunk& c : chunks) {
    uint8_t d[32];
    if (FromHex(c.sha256, d, 32)) raw.append(reinterpret_cast<const char*>(d), 32);
  }
  return Sha256Hex(raw);
}

std::string Mac(const Key& key, std::string_view manifest_without_mac) {
  uint8_t out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const uint8_t*>(manifest_without_mac.data()),
       manifest_without_mac.size(), out, &len);
  return Hex(out, len);
}

std::string Context(const std::string& id) { return "ferry-backup:" + id; }

Status WriteFileDurably(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  FERRY_ASSIGN_OR_RETURN(auto sink, NewFileSink(tmp));
  FERRY_RETURN_IF_ERROR(sink->Write(data));
  FERRY_RETURN_IF_ERROR(sink->Finish());
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError("cannot rename " + tmp + ": " + ec.message());
  const int dfd = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

Status CreateTables(StateStore* state) {
  SqlDb& db = state->db();
  return CreateFerryObjects(db, {state->Table("backups"), state->Table("backup_chunks")},
                 "CREATE TABLE IF NOT EXISTS " + state->Table("backups") +
                 " (id TEXT PRIMARY KEY, kind TEXT NOT NULL, run_id TEXT, collection TEXT, created_at TEXT, "
                 "status TEXT NOT NULL, pinned INTEGER NOT NULL DEFAULT 0, manifest TEXT NOT NULL);"
                 "CREATE TABLE IF NOT EXISTS " +
                 state->Table("backup_chunks") +
                 " (backup_id TEXT NOT NULL, seq BIGINT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL, "
                 "records BIGINT NOT NULL, bytes BIGINT NOT NULL, versions TEXT NOT NULL, data TEXT, PRIMARY KEY (backup_id, seq))");
}

std::string VersionsJson(const std::map<std::string, uint64_t>& versions) {
  JsonBuilder j;
  return j.Counts(versions).Take();
}

void ParseVersions(const Value* v, std::map<std::string, uint64_t>* out) {
  if (v == nullptr || !v->IsObject()) return;
  for (const Member* m = v->members(); m != v->members_end(); ++m) (*out)[std::string(m->key.AsString())] += UintOr(&m->value);
}

// Loads the index row and chunk rows of `id`.
Result<std::optional<BackupManifest>> LoadIndexed(StateStore* state, const std::string& id) {
  FERRY_RETURN_IF_ERROR(CreateTables(state));
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, state->db().Query("SELECT manifest, status, pinned FROM " +
                                                             state->Table("backups") + " WHERE id = $1",
                                                         {id}));
  if (rows.empty()) return std::optional<BackupManifest>();
  FERRY_ASSIGN_OR_RETURN(BackupManifest m, ParseManifest(rows.rows[0][0].value_or("")));
  if (m.id != id) {
    return Status::IntegrityError("backup " + id + ": its manifest in the state names another id: the state's " +
                                  "backup index was edited");
  }
  m.status = rows.rows[0][1].value_or("");
  m.pinned = ToInt(rows.rows[0][2]) != 0;
  if (m.status != "complete") {
    // While writing, the chunk rows are the truth.
    FERRY_ASSIGN_OR_RETURN(SqlRows c, state->db().Query("SELECT seq, file, sha256, records, bytes, versions FROM " +
                                                            state->Table("backup_chunks") +
                                                            " WHERE backup_id = $1 ORDER BY seq",
                                                        {id}));
    m.chunks.clear();
    m.records = m.bytes = 0;
    m.versions.clear();
    JsonParser parser;
    Arena arena;
    for (const SqlRow& r : c.rows) {
      BackupChunk ch;
      ch.seq = uint64_t(ToInt(r[0]));
      ch.file = r[1].value_or("");
      ch.sha256 = r[2].value_or("");
      ch.records = uint64_t(ToInt(r[3]));
      ch.bytes = uint64_t(ToInt(r[4]));
      m.records += ch.records;
      m.bytes += ch.bytes;
      auto v = parser.Parse(r[5].value_or("{}"), arena);
      if (v.ok()) ParseVersions(&v.value(), &m.versions);
      m.chunks.push_back(std::move(ch));
    }
  }
  return std::optional<BackupManifest>(std::move(m));
}

Result<std::optional<Key>> KeyFor(const BackupManifest& m, const KeyOptions& key, bool required) {
  if (!m.encrypted) return std::optional<Key>();
  if (!key.given()) {
    if (!required) return std::optional<Key>();
    return Status::InvalidArgument("backup " + m.id +
                                   " is encrypted: pass --passphrase-file or --key-file (or FERRY_BACKUP_PASSPHRASE)");
  }
  if (m.key_kind == "key-file" && key.key_file.empty()) {
    return Status::WrongKey("backup " + m.id + " was encrypted with a key file, not a passphrase: pass --key-file");
  }
  if (m.key_kind == "passphrase" && key.passphrase.empty()) {
    return Status::WrongKey("backup " + m.id + " was encrypted with a passphrase, not a key file: pass --passphrase-file");
  }
  FERRY_ASSIGN_OR_RETURN(Key k, ResolveKey(key, m.kdf));
  const auto check = KeyCheck(k);
  if (Hex(check.data(), check.size()) != m.key_check) {
    return Status::WrongKey("the " + std::string(key.key_file.empty() ? "passphrase" : "key file") +
                            " does not open backup " + m.id + " (its key check differs); pass the one it was written with");
  }
  return std::optional<Key>(k);
}

// A process's start, told apart from a later process with the same pid:
// the boot id and its start time in clock ticks (/proc). "" when unknown.
std::string ProcessStart(int64_t pid) {
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string boot_id, line;
  if (!std::getline(boot, boot_id) || !std::getline(stat, line)) return "";
  // Field 22 (starttime), counted after the command name's closing ')'.
  size_t pos = line.rfind(')');
  if (pos == std::string::npos) return "";
  for (int field = 2; field < 22 && pos != std::string::npos; ++field) pos = line.find(' ', pos + 1);
  if (pos == std::string::npos) return "";
  return boot_id + ":" + line.substr(pos + 1, line.find(' ', pos + 1) - pos - 1);
}

bool IsFerryFileName(const std::string& name) {
  if (name == "manifest.json" || name == "manifest.json.tmp") return true;
  std::string chunk = name;
  if (chunk.size() > 4 && chunk.compare(chunk.size() - 4, 4, ".tmp") == 0) chunk.resize(chunk.size() - 4);
  if (chunk.size() < 16 || chunk.compare(0, 6, "chunk-") != 0 || chunk.compare(chunk.size() - 4, 4, ".fbk") != 0) {
    return false;
  }
  const std::string digits = chunk.substr(6, chunk.size() - 10);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 20) return false;
  return ChunkFileName(std::strtoull(digits.c_str(), nullptr, 10)) == chunk;
}

// Removes from `dir` the files Ferry writes in a backup directory, then the
// directory when it is empty. Returns a note when it is left.
std::string RemoveBackupFiles(const std::string& dir) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return "";
  if (!fs::is_directory(st)) return dir + " is not a directory: left as it is";
  std::vector<std::string> others;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (IsFerryFileName(name) && e.is_regular_file(ec) && !e.is_symlink(ec)) {
      fs::remove(e.path(), ec);
    } else {
      others.push_back(name);
    }
  }
  if (others.empty() && fs::remove(dir, ec)) return "";
  std::string note = dir + " was left: it holds files Ferry did not write there (";
  for (size_t i = 0; i < others.size() && i < 5; ++i) note += (i ? ", " : "") + others[i];
  return note + (others.size() > 5 ? ", ...)" : ")") + "; remove them yourself if they are not needed";
}

std::string ManifestMacInput(BackupManifest m) {
  m.mac.clear();
  m.status = "complete";
  m.pinned = false;
  m.dir.clear();
  return m.ToJson();
}

void ChunksJson(const std::vector<BackupChunk>& chunks, JsonBuilder& j) {
  j.BeginArray();
  for (const BackupChunk& c : chunks) {
    j.Begin().Key("bytes").Num(c.bytes).Key("file").Str(c.file).Key("records").Num(c.records);
    j.Key("seq").Num(c.seq).Key("sha256").Str(c.sha256).End();
  }
  j.EndArray();
}

}  // namespace

std::string BackupManifest::ToJson() const {
  // Keys in sorted order (a stable text to authenticate).
  JsonBuilder j;
  j.Begin().Key("before_images").Bool(before_images).Key("bytes").Num(bytes).Key("chunks");
  ChunksJson(chunks, j);
  j.Key("collection").Str(collection).Key("created_at").Str(created_at);
  // absent when empty: older manifests read back as written
  if (!description.empty()) j.Key("description").Str(description);
  j.Key("dir").Str(dir).Key("encrypted").Bool(encrypted).Key("format").Str("ferry-backup-1").Key("id").Str(id);
  if (encrypted) {
    j.Key("kdf").Begin().Key("memlimit").Num(kdf.memlimit).Key("opslimit").Num(kdf.opslimit);
    j.Key("salt").Str(Hex(kdf.salt.data(), kdf.salt.size())).End();
    j.Key("key_check").Str(key_check).Key("key_kind").Str(key_kind);
  }
  j.Key("identity").Str(identity).Key("kind").Str(kind);
  if (!mac.empty()) j.Key("mac").Str(mac);
  j.Key("parent").Str(parent).Key("pinned").Bool(pinned).Key("records").Num(records);
  j.Key("run_id").Str(run_id).Key("sha256").Str(sha256).Key("status").Str(status).Key("store").Str(store);
  j.Key("versions").Counts(versions);
  if (writer_pid != 0) {
    j.Key("writer").Begin().Key("host").Str(writer_host).Key("pid").Num(writer_pid);
    j.Key("start").Str(writer_start).End();
  }
  return j.End().Take();
}

Result<BackupManifest> ParseManifest(std::string_view json) {
  JsonParser parser;
  Arena arena;
  auto parsed = parser.Parse(json, arena);
  if (!parsed.ok() || !parsed.value().IsObject()) {
    return Status::IntegrityError("a backup manifest is not valid JSON: " + parsed.status().message());
  }
  const Value& v = parsed.value();
  BackupManifest m;
  m.id = StringOr(v.Find("id"));
  m.kind = StringOr(v.Find("kind"));
  m.run_id = StringOr(v.Find("run_id"));
  m.parent = StringOr(v.Find("parent"));
  m.collection = StringOr(v.Find("collection"));
  m.store = StringOr(v.Find("store"));
  m.identity = StringOr(v.Find("identity"));
  m.created_at = StringOr(v.Find("created_at"));
  m.status = StringOr(v.Find("status"));
  m.dir = StringOr(v.Find("dir"));
  m.description = StringOr(v.Find("description"));
  const Value* b = v.Find("before_images");
  m.before_images = b == nullptr || (b->IsBool() && b->AsBool());
  const Value* p = v.Find("pinned");
  m.pinned = p != nullptr && p->IsBool() && p->AsBool();
  const Value* e = v.Find("encrypted");
  m.encrypted = e != nullptr && e->IsBool() && e->AsBool();
  if (const Value* k = v.Find("kdf"); k != nullptr && k->IsObject()) {
    m.kdf.memlimit = UintOr(k->Find("memlimit"));
    m.kdf.opslimit = UintOr(k->Find("opslimit"));
    if (!FromHex(StringOr(k->Find("salt")), m.kdf.salt.data(), m.kdf.salt.size())) {
      return Status::IntegrityError("backup " + m.id + ": its manifest's salt is damaged");
    }
  }
  m.key_kind = StringOr(v.Find("key_kind"));
  m.key_check = StringOr(v.Find("key_check"));
  m.records = UintOr(v.Find("records"));
  m.bytes = UintOr(v.Find("bytes"));
  ParseVersions(v.Find("versions"), &m.versions);
  if (const Value* cs = v.Find("chunks"); cs != nullptr && cs->IsArray()) {
    for (const Value& c : *cs) {
      BackupChunk ch;
      ch.seq = UintOr(c.Find("seq"));
      ch.file = StringOr(c.Find("file"));
      ch.sha256 = StringOr(c.Find("sha256"));
      ch.records = UintOr(c.Find("records"));
      ch.bytes = UintOr(c.Find("bytes"));
      m.chunks.push_back(std::move(ch));
    }
  }
  m.sha256 = StringOr(v.Find("sha256"));
  m.mac = StringOr(v.Find("mac"));
  if (const Value* w = v.Find("writer"); w != nullptr && w->IsObject()) {
    m.writer_host = StringOr(w->Find("host"));
    m.writer_pid = int64_t(UintOr(w->Find("pid")));
    m.writer_start = StringOr(w->Find("start"));
  }
  return m;
}

std::string DefaultBackupDir(const StateStore& state) {
  const std::string db = state.sqlite_path();
  if (!db.empty()) {
    fs::path parent = fs::path(db).parent_path();
    return (parent.empty() ? fs::path("backups") : parent / "backups").string();
  }
  return "";  // PostgreSQL: the chunks are kept in the state itself
}

std::string BackupRoot(const StateStore& state, const std::string& configured) {
  const std::string root = configured.empty() ? DefaultBackupDir(state) : configured;
  if (root.empty()) return root;
  std::error_code ec;
  const fs::path abs = fs::absolute(root, ec);
  return (ec ? fs::path(root) : abs).lexically_normal().string();
}

Status ValidateBackupId(const std::string& id) {
  const bool valid = !id.empty() && id.size() <= 128 && id[0] != '.' &&
                     id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
                         std::string::npos;
  if (valid) return Status::OK();
  std::string shown;
  WriteJsonString(id.substr(0, 200), &shown);
  return Status::IntegrityError("backup id " + shown + " is not one Ferry gives (letters, digits, '.', '_', '-'): " +
                                "the state's backup index was edited; nothing was read or deleted");
}

std::string ChunkFileName(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "chunk-%06llu.fbk", static_cast<unsigned long long>(seq));
  return buf;
}

Status LocateBackupFiles(const std::string& root, BackupManifest* m) {
  FERRY_RETURN_IF_ERROR(ValidateBackupId(m->id));
  if (m->dir.empty()) return Status::OK();  // its chunks are in the state
  if (root.empty()) {
    return Status::InvalidArgument("the files of backup " + m->id + " are on disk, not in the state (it records " +
                                   m->dir + "): pass --dir (ferry run, ferry rollback: --backup-dir) with the " +
                                   "directory that holds the backup directories");
  }
  m->dir = (fs::path(root) / m->id).string();
  return Status::OK();
}

void SetWriterToThisProcess(BackupManifest* m) {
  m->writer_host = HostName();
  m->writer_pid = int64_t(::getpid());
  m->writer_start = ProcessStart(m->writer_pid);
}

bool WriterIsGone(const BackupManifest& m) {
  if (m.writer_pid <= 0 || m.writer_host != HostName()) return false;
  if (::kill(pid_t(m.writer_pid), 0) != 0 && errno == ESRCH) return true;
  const std::string start = ProcessStart(m.writer_pid);
  return !m.writer_start.empty() && !start.empty() && start != m.writer_start;
}

// ---------------------------------------------------------------- writer

Result<std::unique_ptr<BackupWriter>> BackupWriter::Create(StateStore* state, const std::string& root,
                                                           BackupManifest header, const KeyOptions& key) {
  FERRY_RETURN_IF_ERROR(CreateTables(state));
  auto w = std::unique_ptr<BackupWriter>(new BackupWriter());
  w->state_ = state;
  w->m_ = std::move(header);
  w->m_.status = "writing";
  w->m_.created_at = NowIso();
  FERRY_RETURN_IF_ERROR(ValidateBackupId(w->m_.id));
  SetWriterToThisProcess(&w->m_);
  if (!root.empty()) {
    std::error_code ec;
    fs::create_directories(fs::path(root) / w->m_.id, ec);
    if (ec) return Status::IoError("cannot create backup directory " + root + "/" + w->m_.id + ": " + ec.message());
    w->m_.dir = fs::absolute(fs::path(root) / w->m_.id).lexically_normal().string();
  }
  if (key.given()) {
    w->m_.encrypted = true;
    w->m_.key_kind = key.key_file.empty() ? "passphrase" : "key-file";
    if (key.key_file.empty()) w->m_.kdf = NewKdfParams();
    FERRY_ASSIGN_OR_RETURN(Key k, ResolveKey(key, w->m_.kdf));
    const auto check = KeyCheck(k);
    w->m_.key_check = Hex(check.data(), check.size());
    w->key_ = k;
  }
  FERRY_RETURN_IF_ERROR(state->db().Exec(
      "INSERT INTO " + state->Table("backups") +
          " (id, kind, run_id, collection, created_at, status, pinned, manifest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {w->m_.id, w->m_.kind, w->m_.run_id, w->m_.collection, w->m_.created_at, w->m_.status,
       std::string(w->m_.pinned ? "1" : "0"), w->m_.ToJson()}));
  return w;
}

Result<std::unique_ptr<BackupWriter>> BackupWriter::Resume(StateStore* state, const std::string& root,
                                                           const std::string& id, uint64_t committed_seq,
                                                           const KeyOptions& key) {
  FERRY_ASSIGN_OR_RETURN(auto found, LoadIndexed(state, id));
  if (!found) return Status::NotFound("no backup " + id + " in " + state->location());
  FERRY_RETURN_IF_ERROR(LocateBackupFiles(root, &*found));
  auto w = std::unique_ptr<BackupWriter>(new BackupWriter());
  w->state_ = state;
  w->m_ = std::move(*found);
  if (w->m_.status == "complete") return Status::InvalidArgument("backup " + id + " is complete");
  FERRY_ASSIGN_OR_RETURN(w->key_, KeyFor(w->m_, key, true));
  // Chunks written after the last commit of the run are not covered by it.
  std::vector<BackupChunk> keep;
  for (BackupChunk& c : w->m_.chunks) {
    if (c.seq <= committed_seq) {
      keep.push_back(c);
    } else if (!w->m_.dir.empty()) {
      std::error_code ec;
      fs::remove(fs::path(w->m_.dir) / ChunkFileName(c.seq), ec);
    }
  }
  FERRY_RETURN_IF_ERROR(state->db().Exec("DELETE FROM " + state->Table("backup_chunks") +
                                             " WHERE backup_id = $1 AND seq > $2",
                                         {id, std::to_string(committed_seq)}));
  FERRY_ASSIGN_OR_RETURN(auto reloaded, LoadIndexed(state, id));
  FERRY_RETURN_IF_ERROR(LocateBackupFiles(root, &*reloaded));
  w->m_ = std::move(*reloaded);
  return w;
}

Status BackupWriter::AddChunk(uint64_t seq, std::string_view entries, uint64_t records,
                              const std::map<std::string, uint64_t>& versions) {
  FERRY_ASSIGN_OR_RETURN(std::string data, CompressBuffer(Compression::kZstd, entries, 3));
  if (key_) {
    FERRY_ASSIGN_OR_RETURN(data, SealChunk(*key_, Context(m_.id), seq, false, data));
  }
  BackupChunk c;
  c.seq = seq;
  c.file = ChunkFileName(seq);
  c.sha256 = Sha256Hex(data);
  c.records = records;
  c.bytes = data.size();
  SqlParam inline_data;  // no directory: the chunk lives in the state
  if (!m_.dir.empty()) {
    FERRY_RETURN_IF_ERROR(WriteFileDurably((fs::path(m_.dir) / c.file).string(), data));
  } else {
    inline_data = Base64(data);
  }
  FERRY_RETURN_IF_ERROR(WithRetries(5, [&] {
    return state_->db().Exec("INSERT INTO " + state_->Table("backup_chunks") +
                                 " (backup_id, seq, file, sha256, records, bytes, versions, data) VALUES ($1, $2, $3, $4, "
                                 "$5, $6, $7, $8) ON CONFLICT (backup_id, seq) DO UPDATE SET file = excluded.file, sha256 = "
                                 "excluded.sha256, records = excluded.records, bytes = excluded.bytes, versions = "
                                 "excluded.versions, data = excluded.data",
                             {m_.id, std::to_string(seq), c.file, c.sha256, std::to_string(records),
                              std::to_string(c.bytes), VersionsJson(versions), inline_data});
  }));
  if (!m_.chunks.empty() && m_.chunks.back().seq == seq) {
    // Written again by a retried commit: the new chunk replaces it.
    m_.records -= m_.chunks.back().records;
    m_.bytes -= m_.chunks.back().bytes;
    for (const auto& [v, n] : chunk_versions_) m_.versions[v] -= n;
    m_.chunks.pop_back();
  }
  m_.records += records;
  m_.bytes += c.bytes;
  for (const auto& [v, n] : versions) m_.versions[v] += n;
  chunk_versions_ = versions;
  m_.chunks.push_back(std::move(c));
  return Status::OK();
}

Status BackupWriter::Finish() {
  m_.writer_host.clear();
  m_.writer_pid = 0;
  m_.writer_start.clear();
  m_.sha256 = WholeDigest(m_.chunks);
  m_.status = "complete";
  if (key_) m_.mac = Mac(*key_, ManifestMacInput(m_));
  if (!m_.dir.empty()) {
    FERRY_RETURN_IF_ERROR(WriteFileDurably((fs::path(m_.dir) / "manifest.json").string(), m_.ToJson()));
  }
  return WithRetries(5, [&] {
    return state_->db().Exec("UPDATE " + state_->Table("backups") + " SET status = 'complete', manifest = $1 WHERE id = $2",
                             {m_.ToJson(), m_.id});
  });
}

// ---------------------------------------------------------------- reader

Result<std::unique_ptr<BackupReader>> BackupReader::Open(StateStore* state, const std::string& root,
                                                         const std::string& id, const KeyOptions& key) {
  FERRY_ASSIGN_OR_RETURN(auto found, LoadIndexed(state, id));
  if (!found) return Status::NotFound("no backup " + id + " in " + state->location() + " (see `ferry backup list`)");
  FERRY_RETURN_IF_ERROR(LocateBackupFiles(root, &*found));
  auto r = std::unique_ptr<BackupReader>(new BackupReader());
  r->state_ = state;
  r->m_ = std::move(*found);
  FERRY_ASSIGN_OR_RETURN(r->key_, KeyFor(r->m_, key, false));
  return r;
}

Result<BackupVerifyReport> BackupReader::Verify(bool decode) {
  BackupVerifyReport rep;
  if (m_.status == "complete" && !m_.dir.empty()) {
    // The manifest on disk must agree with the index.
    auto text = NewFileSource((fs::path(m_.dir) / "manifest.json").string());
    if (!text.ok()) return Status::IntegrityError("backup " + m_.id + ": manifest.json is missing in " + m_.dir);
    FERRY_ASSIGN_OR_RETURN(std::string body, ReadAll(text.value().get(), size_t(64) << 20));
    auto disk = ParseManifest(body);
    if (!disk.ok()) return Status::IntegrityError("backup " + m_.id + ": manifest.json is damaged");
    BackupManifest a = disk.value(), b = m_;
    a.pinned = b.pinned = false;
    a.dir = b.dir = "";  // where it was written; it is read where it is now
    if (a.ToJson() != b.ToJson()) {
      return Status::IntegrityError("backup " + m_.id + ": manifest.json differs from the state's index");
    }
  }
  if (m_.status == "complete") {
    if (WholeDigest(m_.chunks) != m_.sha256) {
      return Status::IntegrityError("backup " + m_.id + ": the whole's SHA-256 does not match its chunks");
    }
    if (key_ && Mac(*key_, ManifestMacInput(m_)) != m_.mac) {
      return Status::IntegrityError("backup " + m_.id + ": the manifest's HMAC does not match (it was edited)");
    }
  }
  for (size_t i = 0; i < m_.chunks.size(); ++i) {
    if (decode) {
      FERRY_ASSIGN_OR_RETURN(std::string entries, ReadChunk(i));
      JsonParser parser;
      Arena arena;
      size_t pos = 0;
      uint64_t n = 0;
      while (pos < entries.size()) {
        size_t end = entries.find('\n', pos);
        if (end == std::string::npos) end = entries.size();
        auto v = parser.Parse(std::string_view(entries).substr(pos, end - pos), arena);
        if (!v.ok() || !JournalEntry::IsEntry(v.value())) {
          return Status::IntegrityError("backup " + m_.id + ": chunk " + std::to_string(m_.chunks[i].seq) +
                                        " holds an entry that is not valid");
        }
        ++n;
        arena.Reset();
        pos = end + 1;
      }
      if (n != m_.chunks[i].records) {
        return Status::IntegrityError("backup " + m_.id + ": chunk " + std::to_string(m_.chunks[i].seq) + " holds " +
                                      std::to_string(n) + " entries, its index says " +
                                      std::to_string(m_.chunks[i].records));
      }
      rep.decoded = true;
    } else {
      FERRY_RETURN_IF_ERROR(ChunkBytes(i).status());
    }
    rep.records += m_.chunks[i].records;
    rep.bytes += m_.chunks[i].bytes;
    ++rep.chunks;
  }
  return rep;
}

Result<std::string> BackupReader::ChunkBytes(size_t i) {
  const BackupChunk& c = m_.chunks.at(i);
  if (c.file != ChunkFileName(c.seq)) {
    std::string shown;
    WriteJsonString(c.file.substr(0, 200), &shown);
    return Status::IntegrityError("backup " + m_.id + ": chunk " + std::to_string(c.seq) + " names the file " + shown +
                                  ", not " + ChunkFileName(c.seq) + " as Ferry writes it: the state's backup index " +
                                  "was edited; nothing was read");
  }
  std::string data;
  if (!m_.dir.empty()) {
    auto src = NewFileSource((fs::path(m_.dir) / c.file).string());
    if (!src.ok()) {
      return Status::IntegrityError("backup " + m_.id + ": chunk file " + c.file + " is missing in " + m_.dir +
                                    " (backups moved elsewhere: pass --dir with the directory that holds them)");
    }
    FERRY_ASSIGN_OR_RETURN(data, ReadAll(src.value().get()));
  } else {
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, state_->db().Query("SELECT data FROM " + state_->Table("backup_chunks") +
                                                                " WHERE backup_id = $1 AND seq = $2",
                                                            {m_.id, std::to_string(c.seq)}));
    std::optional<std::string> decoded;
    if (!rows.empty() && rows.rows[0][0]) decoded = FromBase64(*rows.rows[0][0]);
    if (!decoded) return Status::IntegrityError("backup " + m_.id + ": chunk " + std::to_string(c.seq) + " is missing");
    data = std::move(*decoded);
  }
  if (Sha256Hex(data) != c.sha256 || data.size() != c.bytes) {
    return Status::IntegrityError("backup " + m_.id + ": chunk " + std::to_string(c.seq) + " (" + c.file +
                                  ") does not match its SHA-256: the file is corrupt or truncated");
  }
  return data;
}

Result<std::string> BackupReader::ReadChunk(size_t i) {
  const BackupChunk& c = m_.chunks.at(i);
  FERRY_ASSIGN_OR_RETURN(std::string data, ChunkBytes(i));
  if (m_.encrypted) {
    if (!key_) {
      return Status::InvalidArgument("backup " + m_.id +
                                     " is encrypted: pass --passphrase-file or --key-file (or FERRY_BACKUP_PASSPHRASE)");
    }
    FERRY_ASSIGN_OR_RETURN(data, OpenChunk(*key_, Context(m_.id), c.seq, false, data));
  }
  auto plain = DecompressBuffer(Compression::kZstd, data, size_t(1) << 32);
  if (!plain.ok()) {
    return Status::IntegrityError("backup " + m_.id + ": chunk " + std::to_string(c.seq) +
                                  " does not decompress: " + plain.status().message());
  }
  return std::move(plain).value();
}

// ----------------------------------------------------------------- index

Result<std::vector<BackupManifest>> ListBackups(StateStore* state, bool include_journals) {
  FERRY_RETURN_IF_ERROR(CreateTables(state));
  FERRY_ASSIGN_OR_RETURN(SqlRows rows,
                         state->db().Query("SELECT id FROM " + state->Table("backups") + " ORDER BY created_at, id"));
  std::vector<BackupManifest> out;
  for (const SqlRow& r : rows.rows) {
    FERRY_ASSIGN_OR_RETURN(auto m, LoadIndexed(state, r[0].value_or("")));
    if (!m) continue;
    if (!include_journals && !m->before_images) continue;
    out.push_back(std::move(*m));
  }
  return out;
}

Result<std::optional<BackupManifest>> FindBackup(StateStore* state, const std::string& id) {
  return LoadIndexed(state, id);
}

Result<std::optional<BackupManifest>> FindRunBackup(StateStore* state, const std::string& run_id) {
  FERRY_RETURN_IF_ERROR(CreateTables(state));
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, state->db().Query("SELECT id FROM " + state->Table("backups") +
                                                             " WHERE run_id = $1 AND kind = 'run'",
                                                         {run_id}));
  if (rows.empty()) return std::optional<BackupManifest>();
  return LoadIndexed(state, rows.rows[0][0].value_or(""));
}

Result<std::string> DeleteBackup(StateStore* state, const std::string& root, const std::string& id) {
  FERRY_RETURN_IF_ERROR(ValidateBackupId(id));
  FERRY_ASSIGN_OR_RETURN(auto m, LoadIndexed(state, id));
  if (!m) return Status::NotFound("no backup " + id + " in " + state->location());
  // Where its files are now: from the root and the id, never the state's word.
  const bool on_disk = !m->dir.empty() && !root.empty();
  const std::string dir = on_disk ? (fs::path(root) / id).string() : std::string();
  FERRY_RETURN_IF_ERROR(state->db().Begin());
  Status s = state->db().Exec("DELETE FROM " + state->Table("backup_chunks") + " WHERE backup_id = $1", {id});
  if (s.ok()) s = state->db().Exec("DELETE FROM " + state->Table("backups") + " WHERE id = $1", {id});
  if (s.ok()) s = state->db().Commit();
  if (!s.ok()) {
    state->db().Rollback();
    return s;
  }
  // The index goes first: a crash leaves unreferenced files, never a
  // referenced backup with missing files.
  std::string note = dir.empty() ? std::string() : RemoveBackupFiles(dir);
  if (!m->dir.empty() && root.empty()) {
    note = "the files of backup " + id + " are on disk, not in the state: pass --dir to delete them";
  }
  (void)state->Audit(m->run_id, "backup_deleted", note.empty() ? id : id + "; " + note);
  return note;
}

Result<PruneResult> PruneBackups(StateStore* state, const PruneOptions& options) {
  FERRY_ASSIGN_OR_RETURN(auto all, ListBackups(state, false));
  PruneResult result;
  std::vector<const BackupManifest*> complete;
  for (const BackupManifest& m : all) {
    if (m.status == "complete") complete.push_back(&m);
    // A `backup create` that was killed: nothing resumes it.
    if (m.status == "writing" && m.kind != "run" && WriterIsGone(m)) result.abandoned.push_back(m.id);
  }
  std::sort(complete.begin(), complete.end(), [](const BackupManifest* a, const BackupManifest* b) {
    return a->created_at != b->created_at ? a->created_at > b->created_at : a->id > b->id;
  });
  const auto now = std::chrono::system_clock::now();
  auto age_days = [&](const std::string& iso) -> double {
    std::tm tm{};
    if (::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
    const auto t = std::chrono::system_clock::from_time_t(::timegm(&tm));
    return std::chrono::duration<double>(now - t).count() / 86400.0;
  };
  std::set<std::string> keep;
  for (size_t i = 0; i < complete.size(); ++i) {
    const BackupManifest* m = complete[i];
    const bool within_count = i < options.keep;
    const bool within_age = age_days(m->created_at) <= double(options.max_age_days);
    if (m->pinned || (within_count && within_age)) keep.insert(m->id);
  }
  // An incremental backup needs its parents.
  for (bool changed = true; changed;) {
    changed = false;
    for (const BackupManifest* m : complete) {
      if (keep.count(m->id) && !m->parent.empty() && !keep.count(m->parent)) {
        keep.insert(m->parent);
        changed = true;
      }
    }
  }
  for (const BackupManifest* m : complete) {
    if (!keep.count(m->id)) result.pruned.push_back(m->id);
  }
  if (options.dry_run) return result;
  for (const auto* ids : {&result.pruned, &result.abandoned}) {
    for (const std::string& id : *ids) {
      FERRY_ASSIGN_OR_RETURN(std::string note, DeleteBackup(state, options.root, id));
      if (!note.empty()) result.notes.push_back(std::move(note));
    }
  }
  return result;
}

Result<PruneResult> ApplyRetention(StateStore* state, const std::string& root, bool configured, uint32_t keep,
                                   int64_t max_age_days) {
  if (!configured) return PruneResult();
  PruneOptions p;
  p.keep = keep;
  p.max_age_days = max_age_days;
  p.root = root;
  return PruneBackups(state, p);
}

}  // namespace ferry::internal
