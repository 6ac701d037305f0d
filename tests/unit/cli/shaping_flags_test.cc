// Copyright (c) the Ferry authors.
//
// The record-shaping flags (src/cli/shaping_flags.h): parsed with CLI11 as
// `ferry run` parses them, turned into the spec, the error policy and the
// conflict policy; malformed flags are INVALID_ARGUMENT naming the flag.

#include "cli/shaping_flags.h"

#include <vector>

#include "util/test_util.h"

namespace ferry::cli {
namespace {

// Parses `args` (after the program name) and applies them to default
// RunOptions. Returns the status; *out receives the options.
Status Parse(std::vector<std::string> args, RunOptions* out) {
  CLI::App app("test");
  ShapingFlags flags;
  AddShapingFlags(&app, &flags);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a reversed vector
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return Status::InvalidArgument(std::string("CLI11: ") + e.what());
  }
  return ApplyShapingFlags(flags, out);
}

TEST(ShapingFlagsTest, FlagsBecomeTheSpecWithTransformsInCommandLineOrder) {
  RunOptions o;
  ASSERT_OK(Parse({"--map", "A=a", "--lower", "a", "--trim", "a", "--map", "B.c=b", "--split-list", "t=;",
                   "--parse-date", "d=%d/%m/%Y %H:%M", "--upper", "u", "--split-list", "s", "--compute", "n=len(t) == 2",
                   "--where", "n", "--date-range", "d=2024-01-01..", "--date-range", "e=..2024-02-01T10:00:00Z",
                   "--in", "st=a, b ,c", "--tags-any", "t=x", "--tags-all", "t=y,z"},
                  &o));
  EXPECT_EQ(ShapingToJson(o.shaping),
            R"J({"map":{"A":"a","B.c":"b"},"transforms":[{"field":"a","op":"lower"},{"field":"a","op":"trim"},)J"
            R"J({"field":"t","op":"split","arg":";"},{"field":"d","op":"date","arg":"%d/%m/%Y %H:%M"},)J"
            R"J({"field":"u","op":"upper"},{"field":"s","op":"split"}],"compute":{"n":"len(t) == 2"},)J"
            R"J("filters":{"date_range":[{"field":"d","from":"2024-01-01"},{"field":"e","to":"2024-02-01T10:00:00Z"}],)J"
            R"J("in":[{"field":"st","values":["a","b","c"]}],"tags_any":[{"field":"t","values":["x"]}],)J"
            R"J("tags_all":[{"field":"t","values":["y","z"]}],"where":["n"]}})J");
  // No shaping flags: no shaping, policies untouched.
  RunOptions plain;
  plain.validation.on_error = ErrorPolicy::kCollect;
  ASSERT_OK(Parse({}, &plain));
  EXPECT_TRUE(plain.shaping.empty());
  EXPECT_EQ(plain.validation.on_error, ErrorPolicy::kCollect);
}

TEST(ShapingFlagsTest, ErrorModesAndDuplicates) {
  RunOptions strict;
  ASSERT_OK(Parse({"--errors", "strict"}, &strict));
  EXPECT_EQ(strict.validation.on_error, ErrorPolicy::kStop);
  EXPECT_TRUE(strict.validation.before);
  RunOptions skip;
  skip.validation.on_error = ErrorPolicy::kStop;
  ASSERT_OK(Parse({"--errors", "skip-errors"}, &skip));
  EXPECT_EQ(skip.validation.on_error, ErrorPolicy::kSkip);
  EXPECT_TRUE(skip.validation.before);
  RunOptions lenient;
  lenient.validation.after = false;
  ASSERT_OK(Parse({"--errors", "lenient", "--on-duplicate", "overwrite"}, &lenient));
  EXPECT_EQ(lenient.validation.on_error, ErrorPolicy::kSkip);
  EXPECT_FALSE(lenient.validation.before);
  EXPECT_TRUE(lenient.validation.after);
  EXPECT_EQ(lenient.conflicts.policy, ConflictPolicy::kOverwrite);
  RunOptions dup;
  dup.conflicts.policy = ConflictPolicy::kMerge;
  ASSERT_OK(Parse({"--on-duplicate", "skip"}, &dup));
  EXPECT_EQ(dup.conflicts.policy, ConflictPolicy::kSkip);
}

TEST(ShapingFlagsTest, TheTemplateComesFirstThenTheFlags) {
  std::string dir = test::NewTempDir("shaping_flags_test");
  test::WriteFile(dir + "/t.json", R"({"map":{"X":"x"},"transforms":[{"field":"x","op":"trim"}]})");
  RunOptions o;
  ASSERT_OK(Parse({"--shaping", dir + "/t.json", "--lower", "x"}, &o));
  EXPECT_EQ(ShapingToJson(o.shaping),
            R"({"map":{"X":"x"},"transforms":[{"field":"x","op":"trim"},{"field":"x","op":"lower"}]})");
  test::WriteFile(dir + "/bad.json", R"({"transforms":[{"field":"x","op":"strip"}]})");
  EXPECT_EQ(Parse({"--shaping", dir + "/bad.json"}, &o).ToString(),
            "INVALID_ARGUMENT: --shaping " + dir +
                "/bad.json: shaping.transforms[0]: unknown op \"strip\" (trim, lower, upper, split, date, call)");
  EXPECT_EQ(Parse({"--shaping", dir + "/none.json"}, &o).ToString(),
            "INVALID_ARGUMENT: --shaping " + dir + "/none.json: cannot read the file");
}

TEST(ShapingFlagsTest, MalformedFlagsAreInvalidArguments) {
  auto error = [](std::vector<std::string> args) {
    RunOptions o;
    return Parse(std::move(args), &o).ToString();
  };
  EXPECT_EQ(error({"--map", "name"}), "INVALID_ARGUMENT: --map name: expected OLD=NEW");
  EXPECT_EQ(error({"--map", "=name"}), "INVALID_ARGUMENT: --map =name: expected OLD=NEW");
  EXPECT_EQ(error({"--parse-date", "created"}),
            "INVALID_ARGUMENT: --parse-date created: expected FIELD=FORMAT (e.g. created=%d/%m/%Y)");
  EXPECT_EQ(error({"--parse-date", "created=%d/%m"}),
            "INVALID_ARGUMENT: date created: bad date format \"%d/%m\": the format needs a year (%Y or %y), a month "
            "(%m or %b) and a day (%d)");
  EXPECT_EQ(error({"--split-list", "tags="}), "INVALID_ARGUMENT: --split-list tags=: expected FIELD or FIELD=SEPARATOR");
  EXPECT_EQ(error({"--call", "x=nothing"}),
            "INVALID_ARGUMENT: call x: unknown function \"nothing\" (registered: none)");
  EXPECT_EQ(error({"--compute", "x"}), "INVALID_ARGUMENT: --compute x: expected FIELD=EXPR");
  EXPECT_EQ(error({"--compute", "x=1 +"}), "INVALID_ARGUMENT: compute x: column 4: unexpected end of expression");
  EXPECT_EQ(error({"--where", "a >"}), "INVALID_ARGUMENT: where \"a >\": column 4: unexpected end of expression");
  EXPECT_EQ(error({"--date-range", "d=2024-01-01"}),
            "INVALID_ARGUMENT: --date-range d=2024-01-01: expected FIELD=FROM..TO (either side may be empty)");
  EXPECT_EQ(error({"--date-range", "d=.."}), "INVALID_ARGUMENT: --date-range d=..: give FROM, TO or both");
  EXPECT_EQ(error({"--date-range", "d=01/01/2024.."}),
            "INVALID_ARGUMENT: date range d: \"01/01/2024\" is not an ISO 8601 date or datetime (YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SSZ)");
  EXPECT_EQ(error({"--in", "s=a,,b"}), "INVALID_ARGUMENT: --in s=a,,b: empty value in the list");
  EXPECT_EQ(error({"--tags-all", "t"}), "INVALID_ARGUMENT: --tags-all t: expected FIELD=a,b");
  EXPECT_EQ(error({"--errors", "loose"}), "INVALID_ARGUMENT: --errors loose: use strict, lenient or skip-errors");
  EXPECT_EQ(error({"--on-duplicate", "merge"}), "INVALID_ARGUMENT: --on-duplicate merge: use skip or overwrite");
  EXPECT_EQ(error({"--where", "x", "--filter-on", "both"}), "INVALID_ARGUMENT: --filter-on both: use target or source");
}

TEST(ShapingFlagsTest, FilterOnOverridesTheTemplate) {
  std::string dir = test::NewTempDir("shaping_flags_test");
  test::WriteFile(dir + "/t.json", R"({"filters":{"where":["x"]},"filter_on":"source"})");
  RunOptions from_template;
  ASSERT_OK(Parse({"--shaping", dir + "/t.json"}, &from_template));
  EXPECT_EQ(from_template.shaping.filter_on, FilterOn::kSource);
  RunOptions overridden;
  ASSERT_OK(Parse({"--shaping", dir + "/t.json", "--filter-on", "target"}, &overridden));
  EXPECT_EQ(overridden.shaping.filter_on, FilterOn::kTarget);
  RunOptions by_default;
  ASSERT_OK(Parse({"--where", "x"}, &by_default));
  EXPECT_EQ(by_default.shaping.filter_on, FilterOn::kTarget);
}

}  // namespace
}  // namespace ferry::cli
