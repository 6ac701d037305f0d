// Copyright (c) the Ferry authors.
//
// The workouts test-data generator (include/ferry/generate.h).
//
// A document is first drawn into a small plain struct (Workout) and then
// serialised straight into the output buffer, either in its legacy shape or,
// through the SPEC section 2 mapping, in its unified-1 shape. No JSON tree is
// built: the generator must write millions of documents per minute, and every
// string it emits comes from a fixed table whose JSON form is computed once.
//
// Shapes, key orders and value ranges follow ../shared/peers/gen_workouts.py;
// the random stream is our own, so the bytes differ from the Python
// generator's while the distributions agree.

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "examples/generator_util.h"
#include "ferry/generate.h"
#include "ferry/json.h"

namespace ferry {

namespace {

using internal::AppendInt;
using internal::AppendPadded;
using internal::AppendTimestamp;
using internal::BufferedFile;
using internal::Rng;

// ---------------------------------------------------------------------------
// Vocabulary (gen_workouts.py). Names include non-ASCII text and a quote.

constexpr std::string_view kExercises[] = {
    "Back Squat", "Front Squat", "Deadlift", "Romanian Deadlift", "Bench Press",
    "Incline Dumbbell Press", "Overhead Press", "Pull-Up", "Barbell Row", "Hip Thrust",
    "Bulgarian Split Squat", "Walking Lunge", "Kettlebell Swing", "Farmer's Carry",
    "Push Press", "Chin-Up", "Dips", "Face Pull", "Goblet Squat", "Nordic Curl",
    "Hängendes Knieheben", "Sentadilla búlgara", "Développé couché", "Leg Press",
    "Calf Raise", "Power Clean", "Snatch Grip Deadlift", "Pallof Press", "Box Jump",
    "Landmine Press",
};
constexpr size_t kExerciseCount = std::size(kExercises);
// Bodyweight exercises carry no "weight" (so their unified "load" is null).
constexpr bool IsBodyweight(size_t i) {
  return i == 7 || i == 15 || i == 16 || i == 19 || i == 20 || i == 28;
}
constexpr std::string_view kDrills[] = {
    "Ladder In-Out", "Ladder Icky Shuffle", "5-10-5 Shuttle", "T-Drill", "Cone Weave",
    "Reactive Ball Drop", "Mirror Drill", "Lateral Bound", "A-Skip", "B-Skip",
    "Carioca", "Drop Step Sprint", "Box Drill", "Hexagon Hop", "Partner Chase",
};
constexpr size_t kDrillCount = std::size(kDrills);
constexpr std::string_view kEquipment[] = {"bike", "rower", "treadmill", "skierg",
                                           "assault-bike", "track"};
constexpr size_t kEquipmentCount = std::size(kEquipment);
constexpr std::string_view kFocus[] = {"footwork",     "reaction", "acceleration",
                                       "deceleration", "change-of-direction",
                                       "balance",      "coordination"};
constexpr size_t kFocusCount = std::size(kFocus);
constexpr std::string_view kAdjectives[] = {
    "Lower Body", "Upper Body", "Full Body", "Ganzkörper", "Fuerza básica", "Posterior Chain",
    "Engine", "Sprint — 30/30", "Threshold", "Recovery", "Pre-Season", "In-Season",
    "Circuit \"Hell Week\"", "Athletic", "Foundation"};
constexpr size_t kAdjectiveCount = std::size(kAdjectives);
constexpr std::string_view kNouns[] = {"Power", "Strength", "Builder", "Intervals",
                                       "Conditioning", "Session", "Blast", "Complex",
                                       "Ladder", "Pyramid", "Primer"};
constexpr size_t kNounCount = std::size(kNouns);
constexpr std::string_view kPhases[] = {"Warm-up", "Activation", "Speed", "Reactive",
                                        "Main Set", "Finisher", "Cool-down"};
constexpr size_t kPhaseCount = std::size(kPhases);

constexpr int kSetsMin = 2, kSetsMax = 6;
constexpr int kReps[] = {3, 5, 6, 8, 10, 12, 15};
constexpr int kWeightHalvesMin = 20, kWeightHalvesMax = 400;  // 10.0 .. 200.0 kg
constexpr int kRestSeconds[] = {45, 60, 90, 120, 150, 180};
constexpr int kWorkDurations[] = {20, 30, 40, 45, 60, 90, 120, 240};
constexpr int kRestDurations[] = {10, 15, 20, 30, 60, 90};
constexpr int kWarmups[] = {300, 480, 600, 900};
constexpr int kCooldowns[] = {180, 300, 600};
constexpr int kRestBetween[] = {60, 90, 120, 180};
constexpr int kExtraDuration[] = {0, 300, 600};
constexpr int kTransitions[] = {15, 30, 45, 60};
constexpr int kPhaseDurations[] = {120, 180, 300, 420, 600};
constexpr int64_t kEpochMin = 1451606400;  // 2016-01-01T00:00:00Z
constexpr int64_t kEpochMax = 1704067199;  // 2023-12-31T23:59:59Z

// Quoted JSON literals of every table entry, computed once.
struct Literals {
  std::vector<std::string> exercises, drills, equipment, focus, phases;
  std::vector<std::string> adjectives;  // escaped, without quotes (part of a name)
  std::vector<std::string> nouns;       // escaped, without quotes

  Literals() {
    auto quoted = [](auto& table, std::vector<std::string>* out) {
      for (std::string_view s : table) {
        std::string lit;
        WriteJsonString(s, &lit);
        out->push_back(std::move(lit));
      }
    };
    auto bare = [](auto& table, std::vector<std::string>* out) {
      for (std::string_view s : table) {
        std::string lit;
        WriteJsonString(s, &lit);
        out->push_back(lit.substr(1, lit.size() - 2));
      }
    };
    quoted(kExercises, &exercises);
    quoted(kDrills, &drills);
    quoted(kEquipment, &equipment);
    quoted(kFocus, &focus);
    quoted(kPhases, &phases);
    bare(kAdjectives, &adjectives);
    bare(kNouns, &nouns);
  }
};

const Literals& GetLiterals() {
  static const Literals* literals = new Literals();
  return *literals;
}

// ---------------------------------------------------------------------------
// The drawn document.

enum class Kind : uint8_t { kStrength, kConditioning, kHybrid, kAgility };
constexpr std::string_view kKindNames[] = {"strength", "conditioning", "hybrid", "agility"};

// Defects, numbered as gen_workouts.py's `malformed` draws them.
enum Defect : int {
  kNone = -1,
  kNoId = 0,                 // bad_id
  kIntegerId = 1,            // bad_id
  kNoName = 2,               // bad_name
  kNoCreatedAt = 3,          // bad_created_at
  kBadCreatedAt = 4,         // bad_created_at (null, true or {"t":1})
  kStringSets = 5,           // bad_exercise
  kEmptyExercises = 6,       // bad_exercise
  kStringWarmup = 7,         // bad_settings
  kSprintInterval = 8,       // bad_interval
  kNoTotalDuration = 9,      // bad_settings
  kSupersetBlock = 10,       // bad_block
  kStringTransition = 11,    // bad_settings
  kPhaseNoDuration = 12,     // bad_phase
  kStringFocusAreas = 13,    // bad_settings
  kRoutineNotExercises = 14, // unknown_type
  kUnifiedNoBlocks = 15,     // bad_unified
};

constexpr std::string_view kDefectReasons[kWorkoutDefectCount] = {
    "bad_id",       "bad_id",       "bad_name",     "bad_created_at",
    "bad_created_at", "bad_exercise", "bad_exercise", "bad_settings",
    "bad_interval", "bad_settings", "bad_block",    "bad_settings",
    "bad_phase",    "bad_settings", "unknown_type", "bad_unified"};

struct Exercise {
  uint8_t index;          // into kExercises
  uint8_t sets;
  uint8_t reps;
  int16_t weight_halves;  // weight * 2, or -1 when bodyweight (no weight)
  int16_t rest_seconds;
};

struct Interval {
  bool work;
  int16_t duration;
  int16_t intensity;
  int16_t heart_rate;  // -1 when absent
};

enum class BlockKind : uint8_t { kExercise, kInterval, kTransition };
struct Block {
  BlockKind kind;
  Exercise exercise;
  Interval interval;
  int16_t duration;  // transition
};

struct Drill {
  uint8_t index;  // into kDrills
  uint8_t reps;
};

// A phase's drills are the next drill_count entries of Workout::drills.
struct Phase {
  uint8_t name;  // into kPhases
  uint8_t drill_count;
  int16_t duration;
};

enum class CreatedAtForm : uint8_t { kIso, kSpace, kEpoch };

struct Workout {
  Kind kind;
  uint64_t number;  // 1-based line number; id = "wk-%08d"
  uint8_t adjective, noun, letter, suffix;
  CreatedAtForm created_form;
  int64_t created_at;  // epoch seconds
  bool coach_notes;
  // strength
  std::vector<Exercise> exercises;
  int warmup, cooldown, rest_between;
  // conditioning
  std::vector<Interval> intervals;
  uint8_t equipment;
  int total_duration;
  // hybrid
  std::vector<Block> blocks;
  int transition_time;
  // agility
  std::vector<Phase> phases;
  std::vector<Drill> drills;
  uint8_t focus[kFocusCount];
  uint8_t focus_count;
};

// List lengths per document.
struct Lengths {
  int exercises_min, exercises_max;  // strength exercises
  int pairs_min, pairs_max;          // conditioning work+rest pairs
  int blocks_min, blocks_max;        // hybrid blocks
  int phases_min, phases_max;        // agility phases
};
constexpr Lengths kNormalLengths = {3, 5, 3, 5, 4, 6, 2, 3};
constexpr Lengths kLargeLengths = {20, 60, 10, 30, 20, 60, 20, 60};

class Drawer {
 public:
  Drawer(uint64_t seed, const Lengths& lengths) : rng_(seed), lengths_(lengths) {}

  Rng& rng() { return rng_; }

  // 33/25/20/16 strength / conditioning / hybrid / agility.
  Kind DrawKind() {
    const uint32_t r = rng_.Below(94);
    if (r < 33) return Kind::kStrength;
    if (r < 58) return Kind::kConditioning;
    if (r < 78) return Kind::kHybrid;
    return Kind::kAgility;
  }

  void Draw(Kind kind, uint64_t number, Workout* w) {
    w->kind = kind;
    w->number = number;
    w->adjective = uint8_t(rng_.Below(kAdjectiveCount));
    w->noun = uint8_t(rng_.Below(kNounCount));
    w->letter = uint8_t(rng_.Below(5));
    w->suffix = uint8_t(rng_.Range(1, 12));
    w->coach_notes = false;
    switch (kind) {
      case Kind::kStrength: DrawStrength(w); break;
      case Kind::kConditioning: DrawConditioning(w); break;
      case Kind::kHybrid: DrawHybrid(w); break;
      case Kind::kAgility: DrawAgility(w); break;
    }
    // Drawn last, as in the Python generator; only the form mix matters.
    w->created_at = rng_.Range(kEpochMin, kEpochMax);
    const uint32_t form = rng_.Below(10);
    w->created_form = form < 7 ? CreatedAtForm::kIso
                      : form < 9 ? CreatedAtForm::kSpace
                                 : CreatedAtForm::kEpoch;
    if (kind == Kind::kStrength) w->coach_notes = rng_.Percent(20);
  }

 private:
  Exercise DrawExercise() {
    Exercise e;
    e.index = uint8_t(rng_.Below(kExerciseCount));
    e.sets = uint8_t(rng_.Range(kSetsMin, kSetsMax));
    e.reps = uint8_t(rng_.Pick(kReps));
    e.weight_halves =
        IsBodyweight(e.index) ? -1 : int16_t(rng_.Range(kWeightHalvesMin, kWeightHalvesMax));
    e.rest_seconds = int16_t(rng_.Pick(kRestSeconds));
    return e;
  }

  Interval DrawInterval(bool work) {
    Interval iv;
    iv.work = work;
    if (work) {
      iv.duration = int16_t(rng_.Pick(kWorkDurations));
      iv.intensity = int16_t(rng_.Range(70, 100));
      iv.heart_rate = int16_t(rng_.Range(150, 190));
    } else {
      iv.duration = int16_t(rng_.Pick(kRestDurations));
      iv.intensity = int16_t(rng_.Range(20, 50));
      iv.heart_rate = rng_.Percent(30) ? int16_t(rng_.Range(100, 130)) : int16_t(-1);
    }
    return iv;
  }

  void DrawStrength(Workout* w) {
    w->exercises.clear();
    const int n = int(rng_.Range(lengths_.exercises_min, lengths_.exercises_max));
    for (int i = 0; i < n; ++i) w->exercises.push_back(DrawExercise());
    w->warmup = rng_.Pick(kWarmups);
    w->cooldown = rng_.Pick(kCooldowns);
    w->rest_between = rng_.Pick(kRestBetween);
  }

  void DrawConditioning(Workout* w) {
    w->intervals.clear();
    const int pairs = int(rng_.Range(lengths_.pairs_min, lengths_.pairs_max));
    int sum = 0;
    for (int i = 0; i < pairs; ++i) {
      w->intervals.push_back(DrawInterval(true));
      w->intervals.push_back(DrawInterval(false));
      sum += w->intervals[w->intervals.size() - 2].duration + w->intervals.back().duration;
    }
    w->equipment = uint8_t(rng_.Below(kEquipmentCount));
    w->total_duration = sum + rng_.Pick(kExtraDuration);
  }

  void DrawHybrid(Workout* w) {
    w->blocks.clear();
    const int n = int(rng_.Range(lengths_.blocks_min, lengths_.blocks_max));
    for (int i = 0; i < n; ++i) {
      Block b{};
      const uint32_t k = rng_.Below(10);
      if (k < 4) {
        b.kind = BlockKind::kExercise;
        b.exercise = DrawExercise();
      } else if (k < 8) {
        b.kind = BlockKind::kInterval;
        b.interval = DrawInterval(rng_.Percent(70));
      } else {
        b.kind = BlockKind::kTransition;
        b.duration = int16_t(rng_.Pick(kTransitions));
      }
      w->blocks.push_back(b);
    }
    w->transition_time = rng_.Pick(kTransitions);
  }

  void DrawAgility(Workout* w) {
    w->phases.clear();
    w->drills.clear();
    const int n = int(rng_.Range(lengths_.phases_min, lengths_.phases_max));
    for (int i = 0; i < n; ++i) {
      Phase p;
      p.name = uint8_t(rng_.Below(kPhaseCount));
      p.drill_count = uint8_t(rng_.Range(2, 3));
      for (int d = 0; d < p.drill_count; ++d) {
        w->drills.push_back(Drill{uint8_t(rng_.Below(kDrillCount)), uint8_t(rng_.Range(2, 8))});
      }
      p.duration = int16_t(rng_.Pick(kPhaseDurations));
      w->phases.push_back(p);
    }
    // Sample 1-3 distinct focus areas (a partial Fisher-Yates shuffle).
    uint8_t pool[kFocusCount];
    for (size_t i = 0; i < kFocusCount; ++i) pool[i] = uint8_t(i);
    w->focus_count = uint8_t(rng_.Range(1, 3));
    for (size_t i = 0; i < w->focus_count; ++i) {
      const size_t j = i + rng_.Below(uint32_t(kFocusCount - i));
      std::swap(pool[i], pool[j]);
      w->focus[i] = pool[i];
    }
  }

  Rng rng_;
  Lengths lengths_;
};

// ---------------------------------------------------------------------------
// Serialisation.


// Weight in kg from half-kg units: an integer literal when whole, else "x.5".
void AppendWeight(int halves, std::string* out) {
  AppendInt(halves / 2, out);
  if (halves % 2 != 0) out->append(".5");
}


// Written by hand, not with JsonBuilder: hot path (millions of documents; the context generator measured 48% slower
// with it), and legacy documents carry deliberate defects.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out), lit_(GetLiterals()) {}

  // The legacy document of `w`, carrying `defect` (kNone for a valid one).
  // REQUIRES: defect is kNone or a legacy defect (< kUnifiedNoBlocks) that
  // fits w.kind.
  void Legacy(const Workout& w, int defect, uint32_t bad_created_at_variant) {
    // Members are written as ',"key":value'; the first comma becomes '{'.
    const size_t start = out_->size();
    Head(w, defect);
    switch (w.kind) {
      case Kind::kStrength: LegacyStrength(w, defect); break;
      case Kind::kConditioning: LegacyConditioning(w, defect); break;
      case Kind::kHybrid: LegacyHybrid(w, defect); break;
      case Kind::kAgility: LegacyAgility(w, defect); break;
    }
    if (defect != kNoCreatedAt) LegacyCreatedAt(w, defect, bad_created_at_variant);
    if (w.coach_notes) Out(",\"coachNotes\":\"Keep RPE <= 8; film the top set.\"");
    if (defect == kRoutineNotExercises) {
      // Python's d["routine"] = d.pop("exercises") moves the list to the end.
      Out(",\"routine\":");
      LegacyExercises(w, kNone);
    }
    (*out_)[start] = '{';
    out_->push_back('}');
  }

  // The unified-1 document of `w` (SPEC section 2); with kUnifiedNoBlocks,
  // `content` lacks "blocks".
  void Unified(const Workout& w, int defect) {
    Out("{\"id\":");
    Id(w);
    Out(",\"name\":");
    Name(w);
    Out(",\"type\":\"");
    Out(kKindNames[int(w.kind)]);
    Out("\",\"schemaVersion\":\"unified-1\",\"createdAt\":");
    // iso(): every form of created_at becomes "YYYY-MM-DDTHH:MM:SSZ".
    AppendTimestamp(w.created_at, true, out_);
    Out(",\"content\":");
    const size_t start = out_->size();
    const bool blocks = defect != kUnifiedNoBlocks;
    switch (w.kind) {
      case Kind::kStrength: UnifiedStrength(w, blocks); break;
      case Kind::kConditioning: UnifiedConditioning(w, blocks); break;
      case Kind::kHybrid: UnifiedHybrid(w, blocks); break;
      case Kind::kAgility: UnifiedAgility(w, blocks); break;
    }
    (*out_)[start] = '{';
    Out("}}");
  }

  // {"id":<id>,"reason":"<code>"} for a malformed document.
  void Reject(const Workout& w, int defect) {
    Out("{\"id\":");
    if (defect == kNoId || defect == kIntegerId) {
      Out("null");
    } else {
      Id(w);
    }
    Out(",\"reason\":\"");
    Out(kDefectReasons[defect]);
    Out("\"}");
  }

 private:
  // The members of each kind of legacy document.
  void LegacyStrength(const Workout& w, int defect) {
    if (defect != kRoutineNotExercises) {
      Out(",\"exercises\":");
      LegacyExercises(w, defect);
    }
    Out(",\"warmupDuration\":");
    if (defect == kStringWarmup) {
      Out("\"10min\"");
    } else {
      AppendInt(w.warmup, out_);
    }
    Out(",\"cooldownDuration\":");
    AppendInt(w.cooldown, out_);
    Out(",\"restBetweenExercises\":");
    AppendInt(w.rest_between, out_);
  }

  void LegacyConditioning(const Workout& w, int defect) {
    Out(",\"intervals\":[");
    for (size_t i = 0; i < w.intervals.size(); ++i) {
      if (i > 0) out_->push_back(',');
      LegacyInterval(w.intervals[i], false, defect == kSprintInterval && i == 1);
    }
    Out("],\"equipment\":");
    Out(lit_.equipment[w.equipment]);
    if (defect != kNoTotalDuration) {
      Out(",\"totalDuration\":");
      AppendInt(w.total_duration, out_);
    }
  }

  void TransitionBlock(int duration) {
    Out("{\"kind\":\"transition\",\"duration\":");
    AppendInt(duration, out_);
    out_->push_back('}');
  }

  void LegacyHybrid(const Workout& w, int defect) {
    Out(",\"blocks\":[");
    for (size_t i = 0; i < w.blocks.size(); ++i) {
      if (i > 0) out_->push_back(',');
      if (i == 0 && defect == kSupersetBlock) {
        Out("{\"kind\":\"superset\",\"duration\":60}");
        continue;
      }
      const Block& b = w.blocks[i];
      switch (b.kind) {
        case BlockKind::kExercise: LegacyExercise(b.exercise, true, false); break;
        case BlockKind::kInterval: LegacyInterval(b.interval, true, false); break;
        case BlockKind::kTransition: TransitionBlock(b.duration); break;
      }
    }
    Out("],\"transitionTime\":");
    if (defect == kStringTransition) {
      Out("\"30s\"");
    } else {
      AppendInt(w.transition_time, out_);
    }
  }

  void LegacyAgility(const Workout& w, int defect) {
    Out(",\"phases\":[");
    size_t drill = 0;
    for (size_t i = 0; i < w.phases.size(); ++i) {
      const Phase& p = w.phases[i];
      if (i > 0) out_->push_back(',');
      Out("{\"name\":");
      Out(lit_.phases[p.name]);
      Out(",\"drills\":");
      Drills(w, drill, p.drill_count);
      drill += p.drill_count;
      if (!(i == 0 && defect == kPhaseNoDuration)) {
        Out(",\"duration\":");
        AppendInt(p.duration, out_);
      }
      out_->push_back('}');
    }
    Out("],\"focusAreas\":");
    if (defect == kStringFocusAreas) {
      Out("\"footwork\"");
    } else {
      FocusAreas(w);
    }
  }

  void LegacyCreatedAt(const Workout& w, int defect, uint32_t bad_created_at_variant) {
    Out(",\"created_at\":");
    if (defect == kBadCreatedAt) {
      constexpr std::string_view kBadValues[] = {"null", "true", "{\"t\":1}"};
      Out(kBadValues[bad_created_at_variant % std::size(kBadValues)]);
    } else if (w.created_form == CreatedAtForm::kEpoch) {
      AppendInt(w.created_at, out_);
    } else {
      AppendTimestamp(w.created_at, w.created_form == CreatedAtForm::kIso, out_);
    }
  }

  // The members of each kind of unified-1 `content`; `blocks` false leaves
  // "blocks" out.
  void UnifiedStrength(const Workout& w, bool blocks) {
    if (blocks) {
      Out(",\"blocks\":[");
      for (size_t i = 0; i < w.exercises.size(); ++i) {
        if (i > 0) out_->push_back(',');
        ExerciseBlock(w.exercises[i]);
      }
      out_->push_back(']');
    }
    Out(",\"warmup\":{\"duration\":");
    AppendInt(w.warmup, out_);
    Out("},\"cooldown\":{\"duration\":");
    AppendInt(w.cooldown, out_);
    Out("},\"restBetweenBlocks\":");
    AppendInt(w.rest_between, out_);
  }

  void UnifiedConditioning(const Workout& w, bool blocks) {
    int work_seconds = 0;
    if (blocks) Out(",\"blocks\":[");
    for (size_t i = 0; i < w.intervals.size(); ++i) {
      const Interval& iv = w.intervals[i];
      if (iv.work) work_seconds += iv.duration;
      if (!blocks) continue;
      if (i > 0) out_->push_back(',');
      IntervalBlock(iv);
    }
    if (blocks) out_->push_back(']');
    Out(",\"intervalSettings\":{\"equipment\":");
    Out(lit_.equipment[w.equipment]);
    Out(",\"totalDuration\":");
    AppendInt(w.total_duration, out_);
    Out(",\"workSeconds\":");
    AppendInt(work_seconds, out_);
    out_->push_back('}');
  }

  void UnifiedHybrid(const Workout& w, bool blocks) {
    if (blocks) {
      Out(",\"blocks\":[");
      for (size_t i = 0; i < w.blocks.size(); ++i) {
        if (i > 0) out_->push_back(',');
        const Block& b = w.blocks[i];
        switch (b.kind) {
          case BlockKind::kExercise: ExerciseBlock(b.exercise); break;
          case BlockKind::kInterval: IntervalBlock(b.interval); break;
          case BlockKind::kTransition: TransitionBlock(b.duration); break;
        }
      }
      out_->push_back(']');
    }
    Out(",\"transitionTime\":");
    AppendInt(w.transition_time, out_);
  }

  void UnifiedAgility(const Workout& w, bool blocks) {
    if (blocks) {
      Out(",\"blocks\":[");
      size_t drill = 0;
      for (size_t i = 0; i < w.phases.size(); ++i) {
        const Phase& p = w.phases[i];
        if (i > 0) out_->push_back(',');
        Out("{\"kind\":\"phase\",\"name\":");
        Out(lit_.phases[p.name]);
        Out(",\"duration\":");
        AppendInt(p.duration, out_);
        Out(",\"drills\":");
        Drills(w, drill, p.drill_count);
        drill += p.drill_count;
        out_->push_back('}');
      }
      out_->push_back(']');
    }
    Out(",\"focusAreas\":");
    FocusAreas(w);
  }

  void Out(std::string_view s) { out_->append(s); }

  void Id(const Workout& w) {
    Out("\"wk-");
    AppendPadded(w.number, 8, out_);
    out_->push_back('"');
  }

  void Name(const Workout& w) {
    out_->push_back('"');
    Out(lit_.adjectives[w.adjective]);
    out_->push_back(' ');
    Out(lit_.nouns[w.noun]);
    out_->push_back(' ');
    out_->push_back(char('A' + w.letter));
    AppendInt(w.suffix, out_);
    out_->push_back('"');
  }

  // ',"id":...,"name":...' with the identity defects applied.
  void Head(const Workout& w, int defect) {
    if (defect == kIntegerId) {
      Out(",\"id\":");
      AppendInt(int64_t(w.number), out_);
    } else if (defect != kNoId) {
      Out(",\"id\":");
      Id(w);
    }
    if (defect != kNoName) {
      Out(",\"name\":");
      Name(w);
    }
  }

  void LegacyExercises(const Workout& w, int defect) {
    out_->push_back('[');
    if (defect != kEmptyExercises) {
      for (size_t i = 0; i < w.exercises.size(); ++i) {
        if (i > 0) out_->push_back(',');
        LegacyExercise(w.exercises[i], false,
                       defect == kStringSets && i + 1 == w.exercises.size());
      }
    }
    out_->push_back(']');
  }

  void LegacyExercise(const Exercise& e, bool as_block, bool string_sets) {
    Out(as_block ? "{\"kind\":\"exercise\",\"exerciseId\":\"ex-" : "{\"exerciseId\":\"ex-");
    AppendPadded(e.index + 1u, 4, out_);
    Out("\",\"name\":");
    Out(lit_.exercises[e.index]);
    Out(",\"sets\":");
    if (string_sets) {
      Out("\"4\"");
    } else {
      AppendInt(e.sets, out_);
    }
    Out(",\"reps\":");
    AppendInt(e.reps, out_);
    if (e.weight_halves >= 0) {
      Out(",\"weight\":");
      AppendWeight(e.weight_halves, out_);
    }
    Out(",\"restSeconds\":");
    AppendInt(e.rest_seconds, out_);
    out_->push_back('}');
  }

  void LegacyInterval(const Interval& iv, bool as_block, bool sprint) {
    if (as_block) Out("{\"kind\":\"interval\",\"type\":");
    else Out("{\"type\":");
    Out(sprint ? "\"sprint\"" : iv.work ? "\"work\"" : "\"rest\"");
    Out(",\"duration\":");
    AppendInt(iv.duration, out_);
    Out(",\"intensity\":");
    AppendInt(iv.intensity, out_);
    if (iv.heart_rate >= 0) {
      Out(",\"targetHeartRate\":");
      AppendInt(iv.heart_rate, out_);
    }
    out_->push_back('}');
  }

  void ExerciseBlock(const Exercise& e) {
    Out("{\"kind\":\"exercise\",\"exerciseId\":\"ex-");
    AppendPadded(e.index + 1u, 4, out_);
    Out("\",\"name\":");
    Out(lit_.exercises[e.index]);
    Out(",\"sets\":");
    AppendInt(e.sets, out_);
    Out(",\"reps\":");
    AppendInt(e.reps, out_);
    Out(",\"load\":");
    if (e.weight_halves >= 0) {
      Out("{\"value\":");
      AppendWeight(e.weight_halves, out_);
      Out(",\"unit\":\"kg\"}");
    } else {
      Out("null");
    }
    Out(",\"restSeconds\":");
    AppendInt(e.rest_seconds, out_);
    out_->push_back('}');
  }

  void IntervalBlock(const Interval& iv) {
    Out(iv.work ? "{\"kind\":\"interval\",\"phase\":\"work\",\"duration\":"
                : "{\"kind\":\"interval\",\"phase\":\"rest\",\"duration\":");
    AppendInt(iv.duration, out_);
    Out(",\"intensity\":");
    AppendInt(iv.intensity, out_);
    Out(",\"targetHeartRate\":");
    if (iv.heart_rate >= 0) {
      AppendInt(iv.heart_rate, out_);
    } else {
      Out("null");
    }
    out_->push_back('}');
  }

  void Drills(const Workout& w, size_t begin, size_t count) {
    out_->push_back('[');
    for (size_t i = 0; i < count; ++i) {
      const Drill& d = w.drills[begin + i];
      if (i > 0) out_->push_back(',');
      Out("{\"drillId\":\"dr-");
      AppendPadded(d.index + 1u, 3, out_);
      Out("\",\"name\":");
      Out(lit_.drills[d.index]);
      Out(",\"reps\":");
      AppendInt(d.reps, out_);
      out_->push_back('}');
    }
    out_->push_back(']');
  }

  void FocusAreas(const Workout& w) {
    out_->push_back('[');
    for (size_t i = 0; i < w.focus_count; ++i) {
      if (i > 0) out_->push_back(',');
      Out(lit_.focus[w.focus[i]]);
    }
    out_->push_back(']');
  }

  std::string* out_;
  const Literals& lit_;
};


// Which legacy shape a defect needs (gen_workouts.py draws the rest from the
// normal mix).
bool DefectNeedsKind(int defect, Kind* kind) {
  switch (defect) {
    case kStringSets:
    case kEmptyExercises:
    case kStringWarmup:
    case kRoutineNotExercises: *kind = Kind::kStrength; return true;
    case kSprintInterval:
    case kNoTotalDuration: *kind = Kind::kConditioning; return true;
    case kSupersetBlock:
    case kStringTransition: *kind = Kind::kHybrid; return true;
    case kPhaseNoDuration:
    case kStringFocusAreas: *kind = Kind::kAgility; return true;
    default: return false;
  }
}

enum class Draw : uint8_t { kLegacy, kUnified, kMalformed };

// What the next document of `scenario` is.
Draw ChooseDraw(WorkoutsScenario scenario, Rng& rng) {
  switch (scenario) {
    case WorkoutsScenario::kAllValid:
    case WorkoutsScenario::kLarge: return Draw::kLegacy;
    case WorkoutsScenario::kMixed: {
      const uint32_t p = rng.Below(100);  // 1% malformed, 5% unified
      return p < 1 ? Draw::kMalformed : p < 6 ? Draw::kUnified : Draw::kLegacy;
    }
    case WorkoutsScenario::kMalformed: return Draw::kMalformed;
    case WorkoutsScenario::kAlreadyMigrated: return Draw::kUnified;
  }
  return Draw::kLegacy;
}

// Draws and writes malformed document `number`; returns its defect.
int WriteMalformed(WorkoutsScenario scenario, uint64_t number, Drawer& drawer, Workout* w, Writer& writer) {
  Rng& rng = drawer.rng();
  const int defect = scenario == WorkoutsScenario::kMalformed ? int((number - 1) % kWorkoutDefectCount)
                                                              : int(rng.Below(kWorkoutDefectCount));
  Kind kind;
  if (!DefectNeedsKind(defect, &kind)) kind = drawer.DrawKind();
  drawer.Draw(kind, number, w);
  if (defect == kUnifiedNoBlocks) {
    writer.Unified(*w, defect);
  } else {
    const uint32_t variant = defect == kBadCreatedAt ? rng.Below(3) : 0;
    writer.Legacy(*w, defect, variant);
  }
  return defect;
}

// Draws and writes valid document `number` (legacy or unified), counted.
void WriteValid(Draw draw, uint64_t number, Drawer& drawer, Workout* w, Writer& writer, GenerateStats* stats) {
  drawer.Draw(drawer.DrawKind(), number, w);
  if (draw == Draw::kUnified) {
    writer.Unified(*w, kNone);
    stats->unified++;
    return;
  }
  writer.Legacy(*w, kNone, 0);
  switch (w->kind) {
    case Kind::kStrength: stats->strength++; break;
    case Kind::kConditioning: stats->conditioning++; break;
    case Kind::kHybrid: stats->hybrid++; break;
    case Kind::kAgility: stats->agility++; break;
  }
}

Status Generate(const GenerateOptions& options, const std::string& out_path,
                const std::string& expect_rejects_path, GenerateStats* stats) {
  FERRY_RETURN_IF_ERROR(internal::CheckGeneratorOutputs(out_path, expect_rejects_path));
  BufferedFile out;
  Status s = out.Open(out_path);
  if (!s.ok()) return s;
  BufferedFile rejects;
  const bool want_rejects = !expect_rejects_path.empty();
  if (want_rejects) {
    s = rejects.Open(expect_rejects_path);
    if (!s.ok()) return s;
  }

  const WorkoutsScenario scenario = options.scenario;
  // The seed is used as is for every scenario: all-valid and already-migrated
  // consume the stream identically, so already-migrated(S) is the migration
  // of all-valid(S), line for line (the oracle test relies on it).
  Drawer drawer(options.seed,
                scenario == WorkoutsScenario::kLarge ? kLargeLengths : kNormalLengths);
  Workout w{};
  Writer writer(out.buffer());
  Writer reject_writer(rejects.buffer());

  for (uint64_t number = 1; number <= options.count && s.ok(); ++number) {
    const Draw draw = ChooseDraw(scenario, drawer.rng());
    if (draw == Draw::kMalformed) {
      const int defect = WriteMalformed(scenario, number, drawer, &w, writer);
      stats->malformed++;
      stats->defects[size_t(defect)]++;
      stats->expected_rejects++;
      if (want_rejects) {
        reject_writer.Reject(w, defect);
        rejects.buffer()->push_back('\n');
        s = rejects.MaybeFlush();
      }
    } else {
      WriteValid(draw, number, drawer, &w, writer, stats);
    }
    out.buffer()->push_back('\n');
    stats->documents++;
    stats->bytes = out.bytes();
    if (s.ok()) s = out.MaybeFlush();
  }

  Status close = out.Close();
  if (s.ok()) s = close;
  if (want_rejects) {
    close = rejects.Close();
    if (s.ok()) s = close;
  }
  return s;
}

}  // namespace

std::string_view WorkoutsScenarioName(WorkoutsScenario scenario) {
  switch (scenario) {
    case WorkoutsScenario::kAllValid: return "all-valid";
    case WorkoutsScenario::kMixed: return "mixed";
    case WorkoutsScenario::kMalformed: return "malformed";
    case WorkoutsScenario::kLarge: return "large";
    case WorkoutsScenario::kAlreadyMigrated: return "already-migrated";
  }
  return "unknown";
}

Result<WorkoutsScenario> ParseWorkoutsScenario(std::string_view name) {
  constexpr WorkoutsScenario kAll[] = {
      WorkoutsScenario::kAllValid, WorkoutsScenario::kMixed, WorkoutsScenario::kMalformed,
      WorkoutsScenario::kLarge, WorkoutsScenario::kAlreadyMigrated};
  for (WorkoutsScenario scenario : kAll) {
    if (WorkoutsScenarioName(scenario) == name) return scenario;
  }
  return Status::InvalidArgument(
      "unknown workouts scenario '" + std::string(name) +
      "' (expected one of: all-valid, mixed, malformed, large, already-migrated)");
}

std::string_view WorkoutDefectReason(size_t defect) {
  return defect < kWorkoutDefectCount ? kDefectReasons[defect] : std::string_view();
}

Status GenerateWorkouts(const GenerateOptions& options, const std::string& out_path,
                        const std::string& expect_rejects_path, GenerateStats* stats) {
  GenerateStats local;
  GenerateStats* target = stats != nullptr ? stats : &local;
  *target = GenerateStats();
  return Generate(options, out_path, expect_rejects_path, target);
}

}  // namespace ferry
