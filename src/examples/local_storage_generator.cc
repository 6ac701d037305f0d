// Copyright (c) the Ferry authors.
//
// The local-storage test-data generator (include/ferry/generate.h).
//
// Items are drawn user by user. A user first draws a plan (which keys their
// browser holds: settings, caches, journal entries by date, drafts, a few
// odd keys), shuffled into the order an export would list them; then each
// item's value is written as the compact JSON text the app stored. Every
// string goes through WriteJsonString, so a valid value is exactly what
// Ferry's writer (and JavaScript's JSON.stringify) produces and comes back
// byte for byte from parse_json's backward direction. A few values are then
// spoiled on purpose (corrupt, oversized, or a valid but non-compact
// spelling), and the value text is embedded as a JSON string in the item.

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "examples/generator_util.h"
#include "common/utf8_cut.h"
#include "ferry/generate.h"
#include "ferry/json.h"

namespace ferry {

namespace {

using internal::AppendInt;
using internal::AppendPadded;
using internal::AppendTimestamp;
using internal::BufferedFile;
using internal::CivilDate;
using internal::CivilFromDays;
using internal::Rng;

// ---------------------------------------------------------------------------
// Ranges and shares.

constexpr int kItemsPerUserMin = 5, kItemsPerUserMax = 40;
constexpr uint32_t kLegacyUserPercent = 10;
// Per mille of items (mixed scenario).
constexpr uint32_t kCorruptPerMille = 5;
constexpr uint32_t kOversizedPerMille = 2;
// Per mille of valid items whose value is not compact JSON text.
constexpr uint32_t kNonCompactPerMille = 20;
// One settings item in this many has a theme the target does not know.
constexpr uint32_t kBadThemeOneIn = 200;
// Oversized values: this many characters more than the limit, at most.
constexpr uint32_t kOversizedExtraMax = 30000;

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kExportV2Min = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t kExportV2Max = 1777593599;  // 2026-04-30T23:59:59Z
constexpr int64_t kExportV1Min = 1748736000;  // 2025-06-01T00:00:00Z
constexpr int64_t kExportV1Max = 1767225599;  // 2025-12-31T23:59:59Z

// ---------------------------------------------------------------------------
// Vocabulary. Titles and sentences carry non-ASCII text, emoji, quotes,
// backslashes, tabs and newlines: all of them must survive two levels of
// JSON escaping.

constexpr std::string_view kLanguages[] = {"en-US", "de-DE", "fr-FR", "es-ES", "pt-BR",
                                           "ja-JP", "it-IT", "nl-NL", "en-GB", "pl-PL"};
constexpr std::string_view kThemes[] = {"light", "dark", "system"};
constexpr std::string_view kBadTheme = "high-contrast";
constexpr int kFontSizes[] = {12, 14, 16, 18, 20, 24};
constexpr std::string_view kStartPages[] = {"journal", "today", "insights"};

constexpr std::string_view kTitles[] = {
    "Morning run 🏃",        "Über den Tag",          "“Quiet” Sunday",
    "Café with Ana",         "Notes: 3/14",           "Back at it",
    "日曜日の散歩",          "Reading \"Dune\" again", "Long day at work",
    "Rainy day ☔",          "Gratitude list",        "Kleine Erfolge",
    "Día de playa",          "Plans for the weekend", "Fixed the C:\\temp bug",
    "Tired but happy",       "Ça va mieux",           "Doctor's appointment",
    "New recipe: shakshuka", "Μια καλή μέρα"};

constexpr std::string_view kSentences[] = {
    "Woke up early and went for a short run along the river.",
    "Work was busy — three meetings back to back, then a long review.",
    "Called Mum in the evening; she says \"hi\" to everyone.",
    "Ich habe heute endlich das Buch fertig gelesen.",
    "Made pancakes for breakfast 🥞 and they were actually good.",
    "Felt a bit anxious in the afternoon, but a walk helped.",
    "Note to self:\tbuy batteries, milk and stamps.",
    "今日はとても良い天気でした。",
    "The new café on the corner serves the best croissants in town.",
    "Slept badly again. Need to stop scrolling at midnight…",
    "Meditated for 10 minutes (day 12 of the streak!).",
    "Finished the \"quarterly report\" at last; sent it at 17:45.",
    "Le train avait 20 minutes de retard, comme d'habitude.",
    "Kids were loud, house is a mess, but we laughed a lot 😂.",
    "Quote of the day: ‘Small steps every day.’",
    "Spent the evening fixing the bike — the chain was rusty.",
    "Hoy fuimos al mercado y compramos fruta fresca.",
    "Weight: 72.4 kg, sleep: 6h 40m, steps: 11 204.",
    "Pasted from the old editor: C:\\Users\\me\\notes.txt",
    "Shopping:\n- eggs\n- bread\n- coffee",
};

constexpr std::string_view kTags[] = {"work",    "family", "health",    "sleep", "running", "food",
                                      "mood",    "travel", "reading",   "gratitude", "kids", "weekend"};

constexpr std::string_view kSearches[] = {
    "knee pain after running", "sleep tracker",      "meal prep ideas",   "günstige Laufschuhe",
    "how to meditate",         "journaling prompts", "recette quiche",    "train times Berlin",
    "vitamin d",               "bike chain rust",    "カフェ 近く",       "yoga for beginners",
    "\"deep work\" summary",   "stretching routine", "budget template",   "5k plan"};

constexpr std::string_view kFavoriteTitles[] = {
    "Overnight oats", "10-minute core workout", "Why we sleep — summary", "Shakshuka",  "Käsespätzle",
    "Box breathing",  "Tortilla española",      "5k training plan",       "Phở bò",     "Desk stretches"};
constexpr std::string_view kFavoriteTypes[] = {"recipe", "article", "workout"};

constexpr std::string_view kDraftNames[] = {"journal-entry", "comment", "message", "goal"};

constexpr std::string_view kTimeZones[] = {"Europe/Berlin", "America/New_York", "Asia/Tokyo",
                                           "Europe/Paris", "America/Sao_Paulo"};
constexpr std::string_view kVariants[] = {"control", "variant-a", "variant-b"};

// Keys of kind "other" and the JSON value each holds.
enum class OtherKey : uint8_t {
  kOnboarding, kLastVisit, kSidebarWidth, kExperiment, kConsent, kTimeZone, kFlags, kSessions, kInstall,
};
constexpr std::string_view kOtherKeys[] = {"onboarding:completed", "lastVisit", "sidebar:width",
                                           "ab:checkout-flow",     "consent",   "tz",
                                           "feature-flags",        "session:count", "pwa:install-dismissed"};
constexpr size_t kOtherKeyCount = std::size(kOtherKeys);

// Values a broken app (or a quota-exceeded write) left behind.
constexpr std::string_view kBareWords[] = {"undefined", "[object Object]", "NaN", "dark",
                                           "hello world", "{theme:dark}", "'light'"};

constexpr std::string_view kFeedAuthors[] = {"ana", "ben_k", "chloé", "dmitri", "eva.m", "farid"};
constexpr std::string_view kFeedWords[] = {"morning", "routine", "tips", "for", "better", "sleep", "week",
                                           "recap", "my", "first", "marathon", "easy", "dinner", "ideas"};

// ---------------------------------------------------------------------------
// JSON text helpers.

void Str(std::string_view s, std::string* out) { WriteJsonString(s, out); }

// "YYYY-MM-DD" (unquoted) of a day count since 1970-01-01.
void AppendDate(int64_t days, std::string* out) {
  const CivilDate date = CivilFromDays(days);
  AppendPadded(uint64_t(date.year), 4, out);
  out->push_back('-');
  AppendPadded(date.month, 2, out);
  out->push_back('-');
  AppendPadded(date.day, 2, out);
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ", quoted, as Date.prototype.toISOString.
void AppendIsoMillis(int64_t epoch, uint32_t millis, std::string* out) {
  AppendTimestamp(epoch, true, out);
  out->resize(out->size() - 2);  // 'Z' and the closing quote
  out->push_back('.');
  AppendPadded(millis, 3, out);
  out->append("Z\"");
}

// JSON.stringify(v, null, 2) of compact JSON text.
std::string Indented(std::string_view compact) {
  std::string out;
  int depth = 0;
  auto newline = [&] {
    out.push_back('\n');
    out.append(size_t(2 * depth), ' ');
  };
  for (size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    switch (c) {
      case '"': {  // copy the string with its escapes
        size_t j = i + 1;
        while (compact[j] != '"') j += compact[j] == '\\' ? 2 : 1;
        out.append(compact.substr(i, j - i + 1));
        i = j;
        break;
      }
      case '{':
      case '[':
        out.push_back(c);
        if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
          out.push_back(compact[++i]);
        } else {
          ++depth;
          newline();
        }
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out.push_back(c);
        break;
      case ',':
        out.push_back(',');
        newline();
        break;
      case ':': out.append(": "); break;
      default: out.push_back(c);
    }
  }
  return out;
}

void AppendEscape(uint32_t unit, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(unit >> shift) & 0xF]);
}

// Python's json.dumps(v) of compact JSON text: ", " and ": " separators,
// non-ASCII characters as \u escapes (surrogate pairs above U+FFFF).
std::string PythonStyle(std::string_view compact) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < compact.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(compact[i]);
    if (in_string) {
      if (c == '\\') {
        out.append(compact.substr(i, 2));
        ++i;
      } else if (c < 0x80) {
        out.push_back(char(c));
        in_string = c != '"';
      } else {
        const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        uint32_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
        for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(compact[i + k]) & 0x3F);
        i += len - 1;
        if (cp >= 0x10000) {
          cp -= 0x10000;
          AppendEscape(0xD800 + (cp >> 10), &out);
          AppendEscape(0xDC00 + (cp & 0x3FF), &out);
        } else {
          AppendEscape(cp, &out);
        }
      }
      continue;
    }
    if (c == '"') in_string = true;
    out.push_back(char(c));
    if (c == ',' || c == ':') out.push_back(' ');
  }
  return out;
}

// Characters (code points) of UTF-8 text.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// ---------------------------------------------------------------------------
// Users and their items.

enum class Kind : uint8_t { kSettings, kJournal, kRecentSearches, kFavorites, kDraft, kOther };

struct Slot {
  Kind kind;
  uint32_t arg;  // journal: day number; draft: name index; other: OtherKey
  uint32_t number;  // draft: its number
};

struct User {
  uint64_t number;
  bool legacy;
  int64_t exported;  // epoch seconds
  uint8_t language;
  uint8_t theme;
};

enum class Fate : uint8_t { kValid, kCorrupt, kOversized, kBadTheme };

// Its JSON is written by hand, not with JsonBuilder: hot path (millions of items; the context generator measured
// 48% slower with it) and the values mimic JSON.stringify / json.dumps byte for byte.
class Generator {
 public:
  Generator(const LocalStorageOptions& options, LocalStorageStats* stats)
      : rng_(options.seed), mixed_(options.scenario == LocalStorageScenario::kMixed), stats_(stats) {}

  // Draws the next user and the plan of their items. The whole plan is drawn
  // even when the run ends inside it, so a shorter run is a prefix of a
  // longer one.
  void NextUser() {
    user_.number += 1 + rng_.Below(3);
    user_.legacy = rng_.Percent(kLegacyUserPercent);
    user_.exported = user_.legacy ? rng_.Range(kExportV1Min, kExportV1Max) : rng_.Range(kExportV2Min, kExportV2Max);
    user_.language = uint8_t(rng_.Below(uint32_t(std::size(kLanguages))));
    user_.theme = uint8_t(rng_.Below(uint32_t(std::size(kThemes))));
    feeds_ = 0;

    const size_t n = size_t(rng_.Range(kItemsPerUserMin, kItemsPerUserMax));
    plan_.clear();
    if (rng_.Percent(90)) plan_.push_back({Kind::kSettings, 0, 0});
    if (rng_.Percent(70)) plan_.push_back({Kind::kRecentSearches, 0, 0});
    if (rng_.Percent(50)) plan_.push_back({Kind::kFavorites, 0, 0});
    for (uint32_t k = 0; k < kOtherKeyCount; ++k) {
      if (rng_.Percent(20)) plan_.push_back({Kind::kOther, k, 0});
    }
    // The rest: journal entries on increasing days, drafts with increasing
    // numbers (so keys never repeat).
    int64_t day = user_.exported / kSecondsPerDay - rng_.Range(60, 200);
    uint32_t draft_number = uint32_t(rng_.Range(1, 900));
    while (plan_.size() < n) {
      if (rng_.Percent(75)) {
        day += rng_.Range(1, 4);
        plan_.push_back({Kind::kJournal, uint32_t(day), 0});
      } else {
        draft_number += uint32_t(rng_.Range(1, 40));
        plan_.push_back({Kind::kDraft, rng_.Below(uint32_t(std::size(kDraftNames))), draft_number});
      }
    }
    plan_.resize(n);
    // The order an export lists them in (Fisher-Yates).
    for (size_t i = plan_.size(); i > 1; --i) std::swap(plan_[i - 1], plan_[rng_.Below(uint32_t(i))]);
  }

  const std::vector<Slot>& plan() const { return plan_; }
  const User& user() const { return user_; }

  // Writes item `slot` of the current user as one line (with '\n') to `out`;
  // `record` is its 1-based line number. Appends the expected reject, if
  // any, to `rejects`.
  void Item(const Slot& slot, uint64_t record, std::string* out, std::string* rejects) {
    Fate fate = Fate::kValid;
    if (mixed_) {
      const uint32_t r = rng_.Below(1000);
      fate = r < kCorruptPerMille ? Fate::kCorrupt
             : r < kCorruptPerMille + kOversizedPerMille ? Fate::kOversized
                                                         : Fate::kValid;
      if (fate == Fate::kValid && slot.kind == Kind::kSettings && rng_.Below(kBadThemeOneIn) == 0) {
        fate = Fate::kBadTheme;
      }
    }

    key_.clear();
    value_.clear();
    if (fate == Fate::kOversized) {
      key_ = "cache:feed";
      if (feeds_ > 0) {
        key_.push_back(':');
        AppendInt(feeds_ + 1, &key_);
      }
      ++feeds_;
      Feed(kLocalStorageMaxValueLength + 1 + rng_.Below(kOversizedExtraMax));
    } else {
      DrawValue(slot, fate == Fate::kBadTheme);
    }

    if (fate == Fate::kCorrupt) {
      Corrupt();
    } else if (fate == Fate::kValid && rng_.Below(1000) < kNonCompactPerMille) {
      std::string spelled = rng_.Percent(60) ? Indented(value_) : PythonStyle(value_);
      if (spelled != value_) {
        value_ = std::move(spelled);
        stats_->non_compact++;
      }
    }

    Line(out);
    stats_->items++;
    if (user_.legacy) stats_->legacy++;
    switch (fate) {
      case Fate::kValid: CountKind(slot.kind); return;
      case Fate::kCorrupt: stats_->corrupt++; break;
      case Fate::kOversized: stats_->oversized++; break;
      case Fate::kBadTheme: stats_->bad_theme++; break;
    }
    stats_->expected_rejects++;
    if (rejects == nullptr) return;
    rejects->append("{\"id\":");
    std::string id = UserId();
    id.push_back('/');
    id.append(key_);
    Str(id, rejects);
    rejects->append(",\"record\":");
    AppendInt(int64_t(record), rejects);
    rejects->append(fate == Fate::kCorrupt ? ",\"code\":\"MIGRATION_ERROR\"" : ",\"code\":\"VALIDATION_ERROR\"");
    // Where the reject points: the parsed settings after migration, the
    // source field for a schema check (export-v1 calls it "val"), and the
    // renamed field for parse_json (it runs after export-v1-to-v2).
    std::string_view pointer = "/value";
    if (fate == Fate::kBadTheme) pointer = "/data/theme";
    if (fate == Fate::kOversized && user_.legacy) pointer = "/val";
    rejects->append(",\"pointer\":");
    Str(pointer, rejects);
    rejects->append("}\n");
  }

 private:
  template <typename T, size_t N>
  const T& Pick(const T (&table)[N]) {
    return rng_.Pick(table);
  }

  std::string UserId() const {
    std::string id = "u";
    AppendPadded(user_.number, 6, &id);
    return id;
  }

  void CountKind(Kind kind) {
    switch (kind) {
      case Kind::kSettings: stats_->settings++; break;
      case Kind::kJournal: stats_->journal++; break;
      case Kind::kRecentSearches:
      case Kind::kFavorites: stats_->list++; break;
      case Kind::kDraft: stats_->draft++; break;
      case Kind::kOther: stats_->other++; break;
    }
  }

  // Milliseconds since the epoch, some time in the `days_before` days before
  // the export (Date.now() as the app stored it).
  void AppendMillisBefore(int64_t days_before, std::string* out) {
    const int64_t t = user_.exported - rng_.Range(0, days_before * kSecondsPerDay);
    AppendInt(t * 1000 + rng_.Below(1000), out);
  }

  // Distinct sentences joined by spaces, now and then by a blank line.
  void Text(int min_sentences, int max_sentences, std::string* text) {
    constexpr size_t kStride = 7;  // coprime with the table size: no repeats
    static_assert(std::gcd(std::size(kSentences), kStride) == 1);
    const int n = int(rng_.Range(min_sentences, max_sentences));
    const size_t first = rng_.Below(uint32_t(std::size(kSentences)));
    for (int i = 0; i < n; ++i) {
      if (i > 0) text->append(rng_.Percent(20) ? "\n\n" : " ");
      text->append(kSentences[(first + size_t(i) * kStride) % std::size(kSentences)]);
    }
  }

  // The key of `slot` into key_ and its compact JSON value into value_.
  void DrawValue(const Slot& slot, bool bad_theme) {
    switch (slot.kind) {
      case Kind::kSettings: SettingsValue(bad_theme); break;
      case Kind::kJournal: JournalValue(slot); break;
      case Kind::kRecentSearches: RecentSearchesValue(); break;
      case Kind::kFavorites: FavoritesValue(); break;
      case Kind::kDraft: DraftValue(slot); break;
      case Kind::kOther:
        key_ = kOtherKeys[slot.arg];
        OtherValue(OtherKey(slot.arg));
        break;
    }
  }

  // key_ and value_ of the "settings" item.
  void SettingsValue(bool bad_theme) {
    std::string& v = value_;
    key_ = "settings";
    v.append("{\"theme\":");
    Str(bad_theme ? kBadTheme : kThemes[user_.theme], &v);
    v.append(",\"language\":");
    Str(kLanguages[user_.language], &v);
    v.append(",\"fontSize\":");
    AppendInt(Pick(kFontSizes), &v);
    v.append(",\"notifications\":{\"email\":");
    v.append(rng_.Percent(40) ? "true" : "false");
    v.append(",\"push\":");
    v.append(rng_.Percent(60) ? "true" : "false");
    v.push_back('}');
    if (rng_.Percent(30)) {
      v.append(",\"startPage\":");
      Str(Pick(kStartPages), &v);
    }
    if (rng_.Percent(15)) v.append(",\"reducedMotion\":true");
    v.push_back('}');
  }

  // A "journal:DATE" entry.
  void JournalValue(const Slot& slot) {
    std::string& v = value_;
    key_ = "journal:";
    AppendDate(slot.arg, &key_);
    v.append("{\"date\":\"");
    AppendDate(slot.arg, &v);
    v.append("\",\"title\":");
    Str(Pick(kTitles), &v);
    v.append(",\"body\":");
    std::string body;
    Text(1, 6, &body);
    Str(body, &v);
    v.append(",\"mood\":");
    if (rng_.Percent(10)) {
      v.append("null");
    } else {
      AppendInt(rng_.Range(1, 5), &v);
    }
    v.append(",\"tags\":[");
    const uint32_t tags = rng_.Below(4);
    const uint32_t first = rng_.Below(uint32_t(std::size(kTags)));
    for (uint32_t t = 0; t < tags; ++t) {
      if (t > 0) v.push_back(',');
      Str(kTags[(first + t * 5) % std::size(kTags)], &v);  // distinct
    }
    v.push_back(']');
    if (rng_.Percent(50)) {
      v.append(",\"updatedAt\":");
      AppendMillisBefore(30, &v);
    }
    v.push_back('}');
  }

  // "cache:recent-searches": a list of search strings.
  void RecentSearchesValue() {
    std::string& v = value_;
    key_ = "cache:recent-searches";
    v.push_back('[');
    const uint32_t n = uint32_t(rng_.Range(3, 15));
    for (uint32_t i = 0; i < n; ++i) {
      if (i > 0) v.push_back(',');
      Str(Pick(kSearches), &v);
    }
    v.push_back(']');
  }

  // "cache:favorites": a list of saved records.
  void FavoritesValue() {
    std::string& v = value_;
    key_ = "cache:favorites";
    v.push_back('[');
    const uint32_t n = uint32_t(rng_.Range(1, 8));
    for (uint32_t i = 0; i < n; ++i) {
      v.append(i > 0 ? ",{\"id\":\"rec-" : "{\"id\":\"rec-");
      AppendPadded(rng_.Below(100000), 5, &v);
      v.append("\",\"title\":");
      Str(Pick(kFavoriteTitles), &v);
      v.append(",\"type\":");
      Str(Pick(kFavoriteTypes), &v);
      v.append(",\"addedAt\":");
      AppendMillisBefore(120, &v);
      v.push_back('}');
    }
    v.push_back(']');
  }

  // A "draft:NAME-N" item.
  void DraftValue(const Slot& slot) {
    std::string& v = value_;
    key_ = "draft:";
    key_.append(kDraftNames[slot.arg]);
    key_.push_back('-');
    AppendInt(slot.number, &key_);
    std::string text;
    Text(1, 4, &text);
    v.append("{\"text\":");
    Str(text, &v);
    v.append(",\"savedAt\":");
    AppendIsoMillis(user_.exported - rng_.Range(0, 20 * kSecondsPerDay), rng_.Below(1000), &v);
    v.append(",\"cursor\":");
    AppendInt(rng_.Range(0, int64_t(CodePoints(text))), &v);
    v.push_back('}');
  }

  void OtherValue(OtherKey k) {
    std::string& v = value_;
    switch (k) {
      case OtherKey::kOnboarding: v.append("true"); break;
      case OtherKey::kLastVisit:
        AppendIsoMillis(user_.exported - rng_.Range(0, 3 * kSecondsPerDay), rng_.Below(1000), &v);
        break;
      case OtherKey::kSidebarWidth: AppendInt(rng_.Range(200, 420), &v); break;
      case OtherKey::kExperiment: Str(Pick(kVariants), &v); break;
      case OtherKey::kConsent:
        v.append(rng_.Percent(70) ? "{\"analytics\":true" : "{\"analytics\":false");
        v.append(rng_.Percent(30) ? ",\"marketing\":true" : ",\"marketing\":false");
        v.append(",\"version\":3,\"decidedAt\":");
        AppendMillisBefore(300, &v);
        v.push_back('}');
        break;
      case OtherKey::kTimeZone: Str(Pick(kTimeZones), &v); break;
      case OtherKey::kFlags:
        v.append(rng_.Percent(50) ? "{\"newEditor\":true" : "{\"newEditor\":false");
        v.append(rng_.Percent(20) ? ",\"betaSync\":true" : ",\"betaSync\":false");
        v.append(rng_.Percent(80) ? ",\"streaks\":true}" : ",\"streaks\":false}");
        break;
      case OtherKey::kSessions: AppendInt(rng_.Range(1, 500), &v); break;
      case OtherKey::kInstall: v.append(rng_.Percent(50) ? "null" : "true"); break;
    }
  }

  // A cached feed of at least `min_chars` characters.
  void Feed(size_t min_chars) {
    std::string& v = value_;
    v.push_back('[');
    size_t chars = 1;
    uint64_t post = rng_.Range(1000000, 9000000);
    while (chars + 1 < min_chars) {
      const size_t start = v.size();
      if (v.size() > 1) v.push_back(',');
      v.append("{\"id\":\"post-");
      post += 1 + rng_.Below(500);
      AppendInt(int64_t(post), &v);
      v.append("\",\"author\":");
      Str(Pick(kFeedAuthors), &v);
      v.append(",\"title\":\"");
      for (int w = 0, n = int(rng_.Range(3, 7)); w < n; ++w) {
        if (w > 0) v.push_back(' ');
        v.append(Pick(kFeedWords));
      }
      v.append("\",\"likes\":");
      AppendInt(rng_.Range(0, 2500), &v);
      v.push_back('}');
      chars += CodePoints(std::string_view(v).substr(start));
    }
    v.push_back(']');
  }

  // Spoils value_: the text cut short (a write that ran out of quota), a
  // bare word, or nothing at all. Never valid JSON text.
  void Corrupt() {
    const uint32_t r = rng_.Below(100);
    const bool container = !value_.empty() && (value_[0] == '{' || value_[0] == '[');
    if (r < 60 && container) {
      // Any proper prefix of a container's text is unbalanced; cut at a
      // character boundary so the line stays valid UTF-8.
      const auto cut = size_t(rng_.Range(1, int64_t(value_.size()) - 1));
      value_.resize(internal::Utf8Prefix(value_, cut).size());
    } else if (r < 85) {
      value_ = Pick(kBareWords);
    } else {
      value_.clear();
    }
  }

  void Line(std::string* out) {
    const std::string user_id = UserId();
    if (user_.legacy) {
      out->append("{\"key\":");
      Str(key_, out);
      out->append(",\"val\":");
      Str(value_, out);
      out->append(",\"user\":\"");
      out->append(user_id);
      out->append("\",\"exported_at\":");
      AppendTimestamp(user_.exported, false, out);
    } else {
      out->append("{\"id\":");
      Str(user_id + "/" + key_, out);
      out->append(",\"userId\":\"");
      out->append(user_id);
      out->append("\",\"storageKey\":");
      Str(key_, out);
      out->append(",\"value\":");
      Str(value_, out);
      out->append(",\"exportedAt\":");
      AppendTimestamp(user_.exported, true, out);
    }
    out->append("}\n");
  }

  Rng rng_;
  const bool mixed_;
  LocalStorageStats* stats_;
  User user_{};
  std::vector<Slot> plan_;
  uint32_t feeds_ = 0;
  std::string key_;
  std::string value_;
};

Status Generate(const LocalStorageOptions& options, const std::string& out_path,
                const std::string& expect_rejects_path, LocalStorageStats* stats) {
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

  Generator gen(options, stats);
  uint64_t record = 0;
  while (record < options.count && s.ok()) {
    gen.NextUser();
    stats->users++;
    for (const Slot& slot : gen.plan()) {
      if (record == options.count) break;
      gen.Item(slot, ++record, out.buffer(), want_rejects ? rejects.buffer() : nullptr);
      stats->bytes = out.bytes();
      s = out.MaybeFlush();
      if (s.ok() && want_rejects) s = rejects.MaybeFlush();
      if (!s.ok()) break;
    }
  }

  Status close = out.Close();
  if (s.ok()) s = close;
  stats->bytes = out.bytes();
  if (want_rejects) {
    close = rejects.Close();
    if (s.ok()) s = close;
  }
  return s;
}

}  // namespace

std::string_view LocalStorageScenarioName(LocalStorageScenario scenario) {
  switch (scenario) {
    case LocalStorageScenario::kAllValid: return "all-valid";
    case LocalStorageScenario::kMixed: return "mixed";
  }
  return "unknown";
}

Result<LocalStorageScenario> ParseLocalStorageScenario(std::string_view name) {
  for (LocalStorageScenario scenario : {LocalStorageScenario::kAllValid, LocalStorageScenario::kMixed}) {
    if (LocalStorageScenarioName(scenario) == name) return scenario;
  }
  return Status::InvalidArgument("unknown local-storage scenario '" + std::string(name) +
                                 "' (expected one of: all-valid, mixed)");
}

Status GenerateLocalStorage(const LocalStorageOptions& options, const std::string& out_path,
                            const std::string& expect_rejects_path, LocalStorageStats* stats) {
  LocalStorageStats local;
  LocalStorageStats* target = stats != nullptr ? stats : &local;
  *target = LocalStorageStats();
  return Generate(options, out_path, expect_rejects_path, target);
}

}  // namespace ferry
