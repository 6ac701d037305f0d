// Copyright (c) the Ferry authors.
//
// Property: for every step kind, on thousands of random documents and
// random parameters, backward(forward(d), complement) is byte-identical to
// d; and lossless steps on documents meeting their precondition write no
// complement.

#include <string>

#include "unit/transform/roundtrip_generator.h"
#include "unit/transform/transform_test_util.h"

namespace ferry {
namespace {

constexpr int kDocsPerKind = 3000;

// The writer's form of `json`, so that byte comparisons are meaningful.
std::string Canonical(const std::string& json) {
  Arena arena;
  return ToJson(test::ParseJson(json, arena));
}

class RoundTripPropertyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTripPropertyTest, BackwardOfForwardIsTheOriginal) {
  const std::string& kind = GetParam();
  int succeeded = 0;
  for (int i = 0; i < kDocsPerKind; ++i) {
    test::Chooser c(uint64_t(i) * 7919 + std::hash<std::string>()(kind));
    std::string steps_json = "[" + test::GenStep(c, kind, 2) + (c.Below(4) == 0 ? "," + test::GenStep(c, kind, 1) : "") + "]";
    std::string doc = Canonical(test::GenDoc(c));
    Arena arena;
    Value spec = test::ParseJson(steps_json, arena);
    auto steps = CompileSteps(spec);
    ASSERT_TRUE(steps.ok()) << steps.status().ToString() << "\n" << steps_json;
    test::RunResult r = test::Run(*steps.value(), doc);
    if (!r.forward.ok()) {
      // Bad records are expected; they must be MIGRATION_ERRORs.
      ASSERT_EQ(r.forward.code(), ErrorCode::kMigrationError) << r.forward.ToString();
      continue;
    }
    ++succeeded;
    ASSERT_TRUE(r.backward.ok()) << r.backward.ToString() << "\nsteps " << steps_json << "\ndoc " << doc << "\nout " << r.output << "\ncomp "
                          << r.complement;
    ASSERT_EQ(r.restored, doc) << "\nsteps " << steps_json << "\nout " << r.output << "\ncomp " << r.complement;
    ASSERT_TRUE(r.equals);
  }
  EXPECT_GT(succeeded, kDocsPerKind / 4) << "too few documents exercised the step";
}

INSTANTIATE_TEST_SUITE_P(AllKinds, RoundTripPropertyTest, ::testing::ValuesIn(test::StepKindNames()),
                         [](const auto& info) { return info.param; });

TEST(RoundTripPropertyTest, MixedListsRoundTrip) {
  for (int i = 0; i < kDocsPerKind; ++i) {
    test::Chooser c(uint64_t(i) + 1000003);
    std::string steps_json = "[";
    for (size_t k = 0, n = 1 + c.Below(5); k < n; ++k) {
      if (k) steps_json += ",";
      steps_json += test::GenStep(c, c.Pick(test::StepKindNames()), 2);
    }
    steps_json += "]";
    std::string doc = Canonical(test::GenDoc(c));
    auto steps = test::MustCompile(steps_json);
    ASSERT_NE(steps, nullptr);
    test::RunResult r = test::Run(*steps, doc);
    if (!r.forward.ok()) continue;
    ASSERT_TRUE(r.backward.ok()) << r.backward.ToString() << steps_json << "\n" << doc;
    ASSERT_EQ(r.restored, doc) << "\nsteps " << steps_json << "\nout " << r.output << "\ncomp " << r.complement;
  }
}

// Lossless steps whose precondition holds write nothing.
struct Lossless {
  const char* name;
  const char* steps;
  // Makes a random document meet the precondition.
  std::string (*prepare)(test::Chooser& c);
};

std::string WithMembers(test::Chooser& c, const std::string& members) {
  // Random members whose names cannot collide with the fixed ones.
  std::string doc = Canonical(test::GenDoc(c));
  std::string out = "{" + members;
  if (doc.size() > 2) out += "," + doc.substr(1, doc.size() - 2);
  std::string result = out + "}";
  // Keep only documents without duplicate keys: the generated keys are
  // from Keys(), the fixed ones are upper-case so they never collide.
  return result;
}

std::string Value1(test::Chooser& c) {
  std::string v;
  test::GenValue(c, 2, &v);
  return v;
}

const Lossless kLossless[] = {
    {"add", R"J([{"add": {"field": "NEW", "value": {"x": [1]}}}])J", [](test::Chooser& c) { return test::GenDoc(c); }},
    {"rename", R"J([{"rename": {"from": "OLD", "to": "NEW"}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"OLD\":" + Value1(c)); }},
    {"hoist", R"J([{"hoist": {"host": "HOST", "field": "F"}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"HOST\":{\"a\":" + Value1(c) + ",\"F\":" + Value1(c) + "}"); }},
    {"plunge", R"J([{"plunge": {"host": "HOST", "fields": ["F", "G"]}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"F\":" + Value1(c) + ",\"G\":" + Value1(c)); }},
    {"wrap", R"J([{"wrap": {"field": "F", "into": "W", "as": "duration", "with": {"unit": "s"}}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"F\":" + Value1(c)); }},
    {"wrap_array", R"J([{"wrap": {"field": "F", "array": true}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"F\":" + Value1(c)); }},
    {"to_string", R"J([{"to_string": "N"}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"N\":" + c.Pick<std::string>({"0", "-0", "1.50", "1e2"})); }},
    {"to_number", R"J([{"to_number": "N"}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"N\":" + c.Pick<std::string>({"\"0\"", "\"-0\"", "\"1.5E3\""})); }},
    {"parse_json", R"J([{"parse_json": "J"}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"J\":" + test::Q(Canonical(Value1(c)))); }},
    {"set", R"J([{"set": {"field": "NEW", "expr": "count(xs) + 1"}}])J", [](test::Chooser& c) { return test::GenDoc(c); }},
    {"convert", R"J([{"convert": {"field": "U", "mapping": {"kg": "KG", "lb": "LB"}}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"U\":" + c.Pick<std::string>({"\"kg\"", "\"lb\""})); }},
    {"datetime", R"J([{"datetime": {"field": "T", "from": ["epoch"], "to": "iso8601"}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"T\":" + std::to_string(int64_t(c.Below(4000000000)) - 1000000000)); }},
    {"keys", R"J([{"keys": {"case": "camel", "deep": true}}])J",
     [](test::Chooser& c) {
       return "{\"created_at\":{\"first_name\":" + c.Pick(test::Scalars()) + "},\"id\":[{\"user_id\":1}],\"x_y_z\":" +
              c.Pick(test::Scalars()) + "}";
     }},
    {"map", R"J([{"map": {"field": "XS", "steps": [{"rename": {"from": "a", "to": "A"}}, {"add": {"field": "k", "value": 1}}]}}])J",
     [](test::Chooser& c) {
       std::string xs = "[";
       for (size_t i = 0, n = c.Below(5); i < n; ++i) xs += std::string(i ? "," : "") + "{\"a\":" + Value1(c) + "}";
       return WithMembers(c, "\"XS\":" + xs + "]");
     }},
    {"in", R"J([{"in": {"field": "O", "steps": [{"plunge": {"host": "p", "field": "a"}}]}}])J",
     [](test::Chooser& c) { return WithMembers(c, "\"O\":{\"a\":" + Value1(c) + "}"); }},
    {"when", R"J([{"when": {"if": "exists(K) || exists(K2)", "then": [{"rename": {"from": "K", "to": "K2"}}], "else": [{"add": {"field": "K3", "value": 0}}]}}])J",
     [](test::Chooser& c) { return c.Coin() ? WithMembers(c, "\"K\":" + Value1(c)) : test::GenDoc(c); }},
};

TEST(RoundTripPropertyTest, LosslessStepsOnGoodInputWriteNoComplement) {
  for (const Lossless& l : kLossless) {
    auto steps = test::MustCompile(l.steps);
    ASSERT_NE(steps, nullptr) << l.name;
    for (int i = 0; i < 500; ++i) {
      test::Chooser c(uint64_t(i) * 31 + 17);
      std::string doc = Canonical(l.prepare(c));
      test::RunResult r = test::Run(*steps, doc);
      ASSERT_TRUE(r.forward.ok()) << r.forward.ToString() << l.name << " " << doc;
      EXPECT_EQ(r.complement, "null") << l.name << " on " << doc << " -> " << r.output;
      ASSERT_EQ(r.restored, doc) << l.name;
    }
  }
}

}  // namespace
}  // namespace ferry
