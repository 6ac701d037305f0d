// Copyright (c) the Ferry authors.
//
// Test-data generators behind `ferry generate`: the workouts example
// (docs: ../shared/examples/workouts/SPEC.md, section 4), the four legacy
// workout shapes of the Physical Trainer migration plus their unified-1 form;
// local-storage (below), browser localStorage exported per user; and context
// (below), a context store's records in a current and a legacy shape.
//
// A generator writes JSON Lines: compact UTF-8 (no \u escapes for non-ASCII),
// one document per line, each line ending in "\n". The bytes depend only on
// the options (count, seed, scenario): Ferry uses its own PRNG
// (xoshiro256** seeded through splitmix64) and its own integer-to-range
// mapping, never std:: distributions, so the same options give byte-identical
// files on every machine, compiler and standard library.
//
// Documents have the shapes, key orders and value ranges of the peers'
// generator (../shared/peers/gen_workouts.py); malformed documents carry one of
// its 16 defects each, and the expected-rejects file lists them in the peers'
// reject format, so a reference migration can be checked against it
// (../shared/peers/check_outputs.py).
//
// Thread safety: GenerateWorkouts keeps all state on its own stack; distinct
// calls may run concurrently on distinct output paths.

#ifndef FERRY_GENERATE_H_
#define FERRY_GENERATE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

// What a workouts run produces. Names on the command line in parentheses.
enum class WorkoutsScenario : uint8_t {
  // (all-valid) Legacy documents only, 33/25/20/16 strength / conditioning /
  // hybrid / agility by draw; nothing malformed, nothing unified.
  kAllValid = 0,
  // (mixed, the default) The peers' mix: of every 100 draws about 1 is
  // malformed (one defect), 5 are already unified-1 and 94 are legacy in the
  // 33/25/20/16 proportions above.
  kMixed = 1,
  // (malformed) Every document is malformed; document i (1-based) carries
  // defect (i - 1) mod 16, so any count >= 16 breaks every rule of SPEC
  // section 1 somewhere.
  kMalformed = 2,
  // (large) As all-valid, but the exercise / interval / block / phase lists
  // have 20-60 elements: documents of several KB.
  kLarge = 3,
  // (already-migrated) Every document is the unified-1 form (SPEC section 2)
  // of a legacy document: a migration run must change nothing. With the same
  // count and seed, line i is exactly the migration of all-valid's line i.
  kAlreadyMigrated = 4,
};

// The command-line name of `scenario`, e.g. "all-valid".
std::string_view WorkoutsScenarioName(WorkoutsScenario scenario);

// Parses a command-line scenario name ("all-valid", "mixed", "malformed",
// "large", "already-migrated"; exact, case-sensitive).
// Errors: INVALID_ARGUMENT naming the bad value and the valid ones.
Result<WorkoutsScenario> ParseWorkoutsScenario(std::string_view name);

// Number of distinct defects a malformed workout can carry.
inline constexpr size_t kWorkoutDefectCount = 16;

// The peers' reject reason a migration must give for defect `defect`
// (REQUIRES: defect < kWorkoutDefectCount), e.g. "bad_id".
std::string_view WorkoutDefectReason(size_t defect);

struct GenerateOptions {
  // Number of documents (lines) to write. Default: 0 (an empty file).
  uint64_t count = 0;
  // PRNG seed; any value. Default: 0.
  uint64_t seed = 0;
  // Default: kMixed.
  WorkoutsScenario scenario = WorkoutsScenario::kMixed;
};

// What a run wrote. Every count is a number of documents (lines).
struct GenerateStats {
  uint64_t documents = 0;     // lines written to the output
  uint64_t strength = 0;      // valid legacy documents, by shape
  uint64_t conditioning = 0;
  uint64_t hybrid = 0;
  uint64_t agility = 0;
  uint64_t unified = 0;       // valid documents already at unified-1
  uint64_t malformed = 0;     // documents a migration must reject
  // malformed documents by defect number (see WorkoutDefectReason).
  std::array<uint64_t, kWorkoutDefectCount> defects{};
  uint64_t bytes = 0;              // bytes written to the output
  uint64_t expected_rejects = 0;   // lines of the expected-rejects list
                                   // (== malformed)
};

// Writes `options.count` workout documents to `out_path` (created or
// truncated). When `expect_rejects_path` is non-empty, also writes there one
// line per malformed document, in input order, in the peers' reject format:
// {"id":<the id if a non-empty string, else null>,"reason":"<code>"}.
// `stats` may be null; when given it is overwritten (also on failure, with what
// was written so far).
//
// Output goes through a 1 MiB buffer; a run holds O(1) memory regardless of
// count. On failure the files may be left partially written.
// Errors: IO_ERROR naming the path that could not be opened, written or
// closed.
Status GenerateWorkouts(const GenerateOptions& options,
                        const std::string& out_path,
                        const std::string& expect_rejects_path,
                        GenerateStats* stats);

// ---------------------------------------------------------------------------
// local-storage: a web app's browser localStorage, exported per user, one
// item per line (examples/local-storage-to-postgres/README.md). Users
// (u000001, ...; ids with gaps) have 5-40 items each: `settings`,
// `journal:<date>`, `cache:recent-searches`, `cache:favorites`,
// `draft:<name>-<n>` and a few other keys; the value is the JSON text the app
// stored, as a string. About 10% of the users were exported by the older
// exporter, in the export-v1 shape:
//
//   export-v2: {"id":"u000123/settings","userId":"u000123","storageKey":"settings",
//               "value":"{\"theme\":\"dark\",...}","exportedAt":"2026-03-14T09:12:44Z"}
//   export-v1: {"key":"settings","val":"{...}","user":"u000123","exported_at":"2025-11-02 18:40:12"}
//
// About 2% of the valid values are not compact JSON text (indented by
// JSON.stringify(v, null, 2), or written with ", " separators and \u escapes by
// a sync service): a migration keeps their original string as a complement.
//
// Bytes depend only on the options (same PRNG as the workouts generator).
// Thread safety as for GenerateWorkouts.

// What a local-storage run produces.
enum class LocalStorageScenario : uint8_t {
  // (all-valid) Every value is JSON text a migration accepts.
  kAllValid = 0,
  // (mixed, the default) As all-valid, plus about 0.5% corrupt values
  // (truncated JSON text, bare words such as `undefined`, empty strings),
  // 0.2% oversized values (cached feeds longer than
  // kLocalStorageMaxValueLength characters), and 0.5% of the settings with a
  // theme the app no longer knows ("high-contrast").
  kMixed = 1,
};

// The command-line name of `scenario`: "all-valid" or "mixed".
std::string_view LocalStorageScenarioName(LocalStorageScenario scenario);

// Parses "all-valid" or "mixed" (exact). Errors: INVALID_ARGUMENT naming the
// bad value and the valid ones.
Result<LocalStorageScenario> ParseLocalStorageScenario(std::string_view name);

// The longest value (in characters) the export schemas accept.
inline constexpr size_t kLocalStorageMaxValueLength = 100000;

struct LocalStorageOptions {
  // Number of items (lines) to write. Default: 0 (an empty file).
  uint64_t count = 0;
  // PRNG seed; any value. Default: 0.
  uint64_t seed = 0;
  // Default: kMixed.
  LocalStorageScenario scenario = LocalStorageScenario::kMixed;
};

// What a run wrote. Counts are items (lines) unless said otherwise.
struct LocalStorageStats {
  uint64_t items = 0;   // lines written
  uint64_t users = 0;   // distinct users
  uint64_t legacy = 0;  // items in the export-v1 shape (valid or not)
  // Valid items by the kind a migration gives them.
  uint64_t settings = 0;
  uint64_t journal = 0;
  uint64_t list = 0;
  uint64_t draft = 0;
  uint64_t other = 0;
  // Valid items whose value is not compact JSON text (see above).
  uint64_t non_compact = 0;
  // Items a migration must reject: the value is not JSON text
  // (MIGRATION_ERROR at /value); it is too long (VALIDATION_ERROR at /value,
  // /val in export-v1); settings with an unknown theme (VALIDATION_ERROR at
  // /data/theme after migration).
  uint64_t corrupt = 0;
  uint64_t oversized = 0;
  uint64_t bad_theme = 0;
  uint64_t bytes = 0;             // bytes written to the output
  uint64_t expected_rejects = 0;  // == corrupt + oversized + bad_theme
};

// Writes `options.count` items to `out_path` (created or truncated). When
// `expect_rejects_path` is non-empty, also writes there one line per item a
// migration must reject, in input order:
// {"id":"<userId>/<storageKey>","record":<1-based line>,"code":"MIGRATION_ERROR","pointer":"/value"}
// (export-v1 items have no id member; theirs is computed the same way).
// `stats` may be null; when given it is overwritten (also on failure).
// O(1) memory regardless of count. Errors: IO_ERROR naming the path.
Status GenerateLocalStorage(const LocalStorageOptions& options,
                            const std::string& out_path,
                            const std::string& expect_rejects_path,
                            LocalStorageStats* stats);

// ---------------------------------------------------------------------------
// context: a persistent context store's records (notes, decisions, facts,
// tasks, snippets kept across sessions), examples/context-store/README.md.
// Record i (1-based) has the id "ctx-" + i zero-padded to 6 digits.
//
//   context-2 (current): {"id","title","content","type","tags":["..."],
//       "createdAt":"2024-05-01T12:00:00Z","sessionId":"sess-7",
//       "metadata":{"importance":3,"source":"cli"}}
//   context-1 (legacy):  {"id","title","content","type","tags":"a,b",
//       "created_at":"...","session_id":"sess-7",
//       "meta":{"importance":3,"source":"cli"}}
//
// Keys are written in the orders above, so renaming the legacy keys in place
// and splitting the tag string gives the current record byte for byte.
// `content` carries, across records, non-ASCII text (CJK, accents and
// non-BMP emoji), LF and CRLF line breaks, tabs, double quotes, commas,
// semicolons, backslashes, leading and trailing spaces, and (about 2% of the
// records) the empty string. `type` is one of note, decision, fact, task,
// snippet; `tags` has 0-5 distinct entries of a fixed vocabulary (none holds
// a comma); createdAt is uniform over 2023-01-01 .. 2025-12-31 UTC;
// sessionId is sess-1 .. sess-40; importance 1-5; source cli, api, import or
// web.
//
// The record content does not depend on the shape: with the same count and
// seed, line i of `legacy` is line i of `current` in the legacy shape, and
// `mixed` writes each line in one shape or the other (the shape is drawn
// from a second PRNG stream). Thread safety as for GenerateWorkouts.

enum class ContextShape : uint8_t {
  kCurrent = 0,  // (current) every record in context-2
  kLegacy = 1,   // (legacy) every record in context-1
  kMixed = 2,    // (mixed, the default) about 30% context-1, the rest context-2
};

// The command-line name of `shape`: "current", "legacy" or "mixed".
std::string_view ContextShapeName(ContextShape shape);

// Parses "current", "legacy" or "mixed" (exact). Errors: INVALID_ARGUMENT
// naming the bad value and the valid ones.
Result<ContextShape> ParseContextShape(std::string_view name);

struct ContextOptions {
  uint64_t count = 0;  // records (lines) to write
  uint64_t seed = 0;   // PRNG seed; any value
  ContextShape shape = ContextShape::kMixed;
};

struct ContextStats {
  uint64_t records = 0;  // lines written
  uint64_t current = 0;  // records in context-2
  uint64_t legacy = 0;   // records in context-1
  uint64_t bytes = 0;    // bytes written
};

// Writes `options.count` records to `out_path` (created or truncated).
// `stats` may be null; when given it is overwritten (also on failure).
// O(1) memory regardless of count. Errors: IO_ERROR naming the path.
Status GenerateContext(const ContextOptions& options, const std::string& out_path, ContextStats* stats);

}  // namespace ferry

#endif  // FERRY_GENERATE_H_
