// Copyright (c) the Ferry authors.
//
// Test-data generators behind `ferry generate`. Today: the workouts example
// (docs: ../shared/examples/workouts/SPEC.md, section 4), the four legacy
// workout shapes of the Physical Trainer migration plus their unified-1 form.
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

}  // namespace ferry

#endif  // FERRY_GENERATE_H_
