// Copyright (c) the Ferry authors.
//
// Record shaping (include/ferry/shaping.h): every transformation, mapping,
// computed fields and every filter on single records; compile errors; the
// JSON template form; and runs that shape, filter and deduplicate into
// files and SQLite tables.

#include "ferry/shaping.h"

#include <atomic>
#include <filesystem>

#include "ferry/run.h"
#include "store/sql.h"
#include "util/test_util.h"

namespace ferry {
namespace {

// Shapes `json` with `spec`: "KEEP <json>", "FILTERED" or "REJECT <pointer>
// <message>"; "COMPILE <message>" when the spec does not compile.
std::string Shape(const ShapingSpec& spec, std::string_view json, const FunctionRegistry* functions = nullptr) {
  auto shaper = Shaper::Compile(spec, functions);
  if (!shaper.ok()) return "COMPILE " + shaper.status().ToString();
  Arena arena;
  Value doc = test::ParseJson(json, arena);
  StepContext ctx(arena);
  StepError error;
  switch (shaper.value()->Apply(doc, ctx, &error)) {
    case Shaper::Outcome::kKeep: return "KEEP " + ToJson(doc);
    case Shaper::Outcome::kFiltered: return "FILTERED";
    case Shaper::Outcome::kReject: return "REJECT " + error.pointer + " " + error.message;
  }
  return "?";
}

FieldTransform T(FieldTransform::Kind kind, std::string field, std::string arg = "") {
  return FieldTransform{kind, std::move(field), std::move(arg)};
}

using K = FieldTransform::Kind;

TEST(ShapingTest, MappingRenamesInPlaceAndMovesAcrossObjects) {
  ShapingSpec spec;
  spec.map = {{"Name", "name"}, {"addr.Zip", "addr.zip"}, {"city", "addr.city"}, {"a.b", "x.y.z"}};
  EXPECT_EQ(Shape(spec, R"({"Name":"A","city":"Oslo","addr":{"Zip":"0150"},"a":{"b":1,"c":2}})"),
            R"(KEEP {"name":"A","addr":{"zip":"0150","city":"Oslo"},"a":{"c":2},"x":{"y":{"z":1}}})");
  // A missing source field is not an error, and nothing is created for it.
  EXPECT_EQ(Shape(spec, R"({"other":1})"), R"(KEEP {"other":1})");
  // An escaped dot names a member with a dot in its name.
  ShapingSpec dotted;
  dotted.map = {{"a\\.b", "ab"}};
  EXPECT_EQ(Shape(dotted, R"({"a.b":1,"a":{"b":2}})"), R"(KEEP {"ab":1,"a":{"b":2}})");
}

TEST(ShapingTest, MovingIntoAFieldThatIsNotAnObjectIsARejectWithItsPointer) {
  ShapingSpec spec;
  spec.map = {{"city", "addr.city"}};
  EXPECT_EQ(Shape(spec, R"({"city":"Oslo","addr":"none"})"),
            "REJECT /addr map city=addr.city: set: no object to hold \"city\"");
}

// "<json>" of `json` after the projection (--fields / --exclude).
std::string Projected(const ShapingSpec& spec, std::string_view json) {
  auto shaper = Shaper::Compile(spec);
  if (!shaper.ok()) return "COMPILE " + shaper.status().ToString();
  Arena arena;
  Value doc = test::ParseJson(json, arena);
  shaper.value()->Project(doc);
  return ToJson(doc);
}

TEST(ShapingTest, FieldsKeepAndExcludeDropDotPathsOfTheWrittenRecord) {
  ShapingSpec keep;
  keep.fields = {"id", "meta.since", "missing"};
  EXPECT_EQ(Projected(keep, R"({"x":0,"id":1,"meta":{"a":1,"since":2},"z":[]})"), R"({"id":1,"meta":{"since":2}})");
  EXPECT_TRUE(Shaper::Compile(keep).value()->projects_out("name"));
  EXPECT_FALSE(Shaper::Compile(keep).value()->projects_out("id"));
  ShapingSpec drop;
  drop.exclude = {"meta.a", "x", "a\\.b"};
  EXPECT_EQ(Projected(drop, R"({"x":0,"id":1,"a.b":2,"meta":{"a":1,"since":2}})"), R"({"id":1,"meta":{"since":2}})");
  EXPECT_TRUE(Shaper::Compile(drop).value()->projects_out("x"));
  EXPECT_FALSE(Shaper::Compile(drop).value()->projects_out("meta"));
  // Both: --fields first; a value that is not an object passes unchanged.
  ShapingSpec both = keep;
  both.exclude = {"meta"};
  EXPECT_EQ(Projected(both, R"({"id":1,"meta":{"since":2}})"), R"({"id":1})");
  EXPECT_EQ(Projected(both, "[1]"), "[1]");
  // Shaping steps and filters do not see it: Apply keeps the whole record.
  EXPECT_EQ(Shape(both, R"({"id":1,"meta":{"since":2}})"), R"(KEEP {"id":1,"meta":{"since":2}})");
  ShapingSpec bad;
  bad.fields = {"a..b"};
  EXPECT_TRUE(Shaper::Compile(bad).status().IsInvalidArgument());
  // The JSON template form.
  auto parsed = ParseShaping(R"({"fields": ["id", "meta.since"], "exclude": ["meta.a"]})");
  ASSERT_OK(parsed.status());
  EXPECT_EQ(parsed.value().fields, (std::vector<std::string>{"id", "meta.since"}));
  EXPECT_EQ(ShapingToJson(parsed.value()), R"({"fields":["id","meta.since"],"exclude":["meta.a"]})");
  EXPECT_TRUE(ParseShaping(R"({"fields": "id"})").status().IsInvalidArgument());
}

TEST(ShapingTest, CompilesToOrdinarySteps) {
  ShapingSpec spec;
  spec.map = {{"a", "b"}, {"c", "d.e"}};
  spec.transforms = {T(K::kDate, "b", "%d/%m/%Y")};
  spec.compute = {{"x.y", "len(b)"}};
  auto shaper = Shaper::Compile(spec);
  ASSERT_OK(shaper.status());
  EXPECT_TRUE(shaper.value()->has_steps());
  EXPECT_EQ(shaper.value()->steps_json(),
            R"J([[{"rename":{"from":"a","to":"b"}}],)J"
            R"J([{"when":{"if":"exists($[\"c\"])","then":[{"add":{"field":"d","value":{}}},)J"
            R"J({"set":{"field":"d.e","expr":"$[\"c\"]"}},{"remove":{"field":"c"}}]}}],)J"
            R"J([{"when":{"if":"exists($[\"b\"])","then":[{"set":{"field":"b","expr":"parse_date($[\"b\"], \"%d/%m/%Y\")"}}]}}],)J"
            R"J([{"add":{"field":"x","value":{}}},{"set":{"field":"x.y","expr":"len(b)"}}]])J");
  ShapingSpec filters_only;
  filters_only.where = {"true"};
  auto f = Shaper::Compile(filters_only);
  ASSERT_OK(f.status());
  EXPECT_FALSE(f.value()->has_steps());
}

TEST(ShapingTest, TrimLowerUpper) {
  ShapingSpec spec;
  spec.transforms = {T(K::kTrim, "name"), T(K::kLower, "email"), T(K::kUpper, "meta.code"), T(K::kTrim, "n")};
  EXPECT_EQ(Shape(spec, R"({"name":"  Ann \t","email":"ANN@X.Org","meta":{"code":"no-1"},"n":5})"),
            R"(KEEP {"name":"Ann","email":"ann@x.org","meta":{"code":"NO-1"},"n":5})");
  EXPECT_EQ(Shape(spec, R"({})"), R"(KEEP {})");  // missing fields stay missing
}

TEST(ShapingTest, SplitIntoTrimmedItems) {
  ShapingSpec spec;
  spec.transforms = {T(K::kSplit, "tags"), T(K::kSplit, "path", "/")};
  EXPECT_EQ(Shape(spec, R"({"tags":" a, b,,c ","path":"x / y"})"),
            R"(KEEP {"tags":["a","b","c"],"path":["x","y"]})");
  EXPECT_EQ(Shape(spec, R"({"tags":"","path":null})"), R"(KEEP {"tags":[],"path":null})");
  EXPECT_EQ(Shape(spec, R"({"id":1})"), R"(KEEP {"id":1})");
  EXPECT_EQ(Shape(spec, R"({"tags":["already"]})"),
            "REJECT /tags split tags: split_trim() expects a string, got array");
}

TEST(ShapingTest, DatesBecomeIso8601) {
  ShapingSpec spec;
  spec.transforms = {T(K::kDate, "at", "%d/%m/%Y %H:%M"), T(K::kDate, "born", "%d.%m.%Y")};
  EXPECT_EQ(Shape(spec, R"({"at":"15/01/2024 09:05","born":"1.2.1990"})"),
            R"(KEEP {"at":"2024-01-15T09:05:00Z","born":"1990-02-01"})");
  EXPECT_EQ(Shape(spec, R"({"born":null})"), R"(KEEP {"born":null})");
}

TEST(ShapingTest, AnUnparseableDateIsARejectAtTheField) {
  ShapingSpec spec;
  spec.map = {{"When", "meta.at"}};
  spec.transforms = {T(K::kDate, "meta.at", "%d/%m/%Y")};
  EXPECT_EQ(Shape(spec, R"({"When":"2024-01-15"})"),
            "REJECT /meta/at date meta.at: parse_date(): \"2024-01-15\" does not match \"%d/%m/%Y\": expected '/' at "
            "offset 2");
}

TEST(ShapingTest, CallAppliesARegisteredFunctionToTheField) {
  FunctionRegistry functions;
  ASSERT_OK(functions.Register(
      "reverse",
      [](Value& doc, const Value& args, StepContext& ctx) -> Status {
        std::string_view field = args.Find("field")->AsString();
        Value* v = doc.Find(field);
        if (v == nullptr) return Status::OK();
        if (!v->IsString()) return ctx.FailAt(field, "reverse: not a string");
        std::string s(v->AsString());
        *v = Value::String(std::string(s.rbegin(), s.rend()), ctx.arena());
        return Status::OK();
      },
      [](Value&, const Value&, StepContext&) { return Status::OK(); }, false));
  ShapingSpec spec;
  spec.transforms = {T(K::kCall, "code", "reverse")};
  EXPECT_EQ(Shape(spec, R"({"code":"abc"})", &functions), R"(KEEP {"code":"cba"})");
  EXPECT_EQ(Shape(spec, R"({"code":1})", &functions), "REJECT /code call code: reverse: not a string");
  spec.transforms = {T(K::kCall, "code", "revers")};
  EXPECT_EQ(Shape(spec, R"({})", &functions),
            "COMPILE INVALID_ARGUMENT: call code: unknown function \"revers\" (registered: reverse)");
  EXPECT_EQ(Shape(spec, R"({})"), "COMPILE INVALID_ARGUMENT: call code: unknown function \"revers\" (registered: none)");
}

TEST(ShapingTest, ComputedFieldsSeeTheMappedAndTransformedRecord) {
  ShapingSpec spec;
  spec.map = {{"First", "first"}};
  spec.transforms = {T(K::kTrim, "first")};
  spec.compute = {{"full", "first + ' ' + last"}, {"stats.count", "len(items)"}, {"vip", "in('vip', items)"}};
  EXPECT_EQ(Shape(spec, R"({"First":" Ann ","last":"Lee","items":["vip","x"]})"),
            R"(KEEP {"first":"Ann","last":"Lee","items":["vip","x"],"full":"Ann Lee","stats":{"count":2},"vip":true})");
  EXPECT_EQ(Shape(spec, R"({"First":"Ann"})"),
            "REJECT /full compute full: set: expression 'first + ' ' + last': column 13: '+' cannot join string and "
            "missing (use concat() to skip nulls)");
}

TEST(ShapingTest, DateRangeIsInclusiveFromExclusiveTo) {
  ShapingSpec spec;
  spec.date_ranges = {{"at", "2024-01-01", "2024-02-01T12:00:00Z"}};
  EXPECT_EQ(Shape(spec, R"({"at":"2024-01-01"})"), R"(KEEP {"at":"2024-01-01"})");
  EXPECT_EQ(Shape(spec, R"({"at":"2023-12-31T23:59:59Z"})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"at":"2024-01-01T01:00:00+02:00"})"), "FILTERED");  // 2023-12-31T23:00Z
  EXPECT_EQ(Shape(spec, R"({"at":"2024-02-01T11:59:59.999Z"})"), R"(KEEP {"at":"2024-02-01T11:59:59.999Z"})");
  EXPECT_EQ(Shape(spec, R"({"at":"2024-02-01T12:00:00Z"})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"at":"2024-02-01 12:00:00"})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"at":null})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"at":"15/01/2024"})"),
            "REJECT /at date range on \"at\": \"15/01/2024\" is not an ISO 8601 date or datetime; convert it first "
            "(--parse-date FIELD=FORMAT)");
  EXPECT_EQ(Shape(spec, R"({"at":20240115})"),
            "REJECT /at date range on \"at\": 20240115 is not an ISO 8601 date or datetime; convert it first "
            "(--parse-date FIELD=FORMAT)");
  ShapingSpec open;
  open.date_ranges = {{"at", "", "2024-01-01"}, {"at", "2023-01-01", ""}};
  EXPECT_EQ(Shape(open, R"({"at":"2023-06-01"})"), R"(KEEP {"at":"2023-06-01"})");
  EXPECT_EQ(Shape(open, R"({"at":"2024-06-01"})"), "FILTERED");
  EXPECT_EQ(Shape(open, R"({"at":"2022-06-01"})"), "FILTERED");
}

TEST(ShapingTest, ValueSetsCompareScalarsByText) {
  ShapingSpec spec;
  spec.in = {{"status", {"active", "1.50", "true"}}};
  EXPECT_EQ(Shape(spec, R"({"status":"active"})"), R"(KEEP {"status":"active"})");
  EXPECT_EQ(Shape(spec, R"({"status":1.50})"), R"(KEEP {"status":1.50})");
  EXPECT_EQ(Shape(spec, R"({"status":true})"), R"(KEEP {"status":true})");
  EXPECT_EQ(Shape(spec, R"({"status":1.5})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"status":"Active"})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"status":["active"]})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"status":null})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({})"), "FILTERED");
}

TEST(ShapingTest, TagsAnyAndAll) {
  ShapingSpec any;
  any.tags = {{"tags", {"eu", "vip"}, false}};
  ShapingSpec all;
  all.tags = {{"tags", {"eu", "vip"}, true}};
  EXPECT_EQ(Shape(any, R"({"tags":["us","vip"]})"), R"(KEEP {"tags":["us","vip"]})");
  EXPECT_EQ(Shape(all, R"({"tags":["us","vip"]})"), "FILTERED");
  EXPECT_EQ(Shape(all, R"({"tags":["vip","x","eu"]})"), R"(KEEP {"tags":["vip","x","eu"]})");
  EXPECT_EQ(Shape(any, R"({"tags":"eu"})"), R"(KEEP {"tags":"eu"})");  // a scalar is a one-element list
  EXPECT_EQ(Shape(any, R"({"tags":[]})"), "FILTERED");
  EXPECT_EQ(Shape(any, R"({})"), "FILTERED");
  // Shaping runs first: a split list can be filtered on.
  ShapingSpec split = all;
  split.transforms = {T(K::kSplit, "tags")};
  EXPECT_EQ(Shape(split, R"({"tags":"vip, eu"})"), R"(KEEP {"tags":["vip","eu"]})");
}

TEST(ShapingTest, WherePredicates) {
  ShapingSpec spec;
  spec.where = {"n > 2", "exists(name)"};
  EXPECT_EQ(Shape(spec, R"({"n":3,"name":"x"})"), R"(KEEP {"n":3,"name":"x"})");
  EXPECT_EQ(Shape(spec, R"({"n":2,"name":"x"})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"n":3})"), "FILTERED");
  EXPECT_EQ(Shape(spec, R"({"n":"3","name":"x"})"),
            "REJECT  where: expression 'n > 2': column 3: cannot compare string with number");
}

TEST(ShapingTest, BadSpecsAreInvalidArguments) {
  auto compile = [](const ShapingSpec& s) { return Shape(s, "{}"); };
  ShapingSpec a;
  a.transforms = {T(K::kDate, "at", "%d/%m")};
  EXPECT_EQ(compile(a), "COMPILE INVALID_ARGUMENT: date at: bad date format \"%d/%m\": the format needs a year (%Y "
                        "or %y), a month (%m or %b) and a day (%d)");
  ShapingSpec b;
  b.compute = {{"x", "1 +"}};
  EXPECT_EQ(compile(b), "COMPILE INVALID_ARGUMENT: compute x: column 4: unexpected end of expression");
  ShapingSpec c;
  c.where = {"(("};
  EXPECT_EQ(compile(c), "COMPILE INVALID_ARGUMENT: where \"((\": column 3: unexpected end of expression");
  ShapingSpec d;
  d.date_ranges = {{"at", "2024-13-01", ""}};
  EXPECT_EQ(compile(d), "COMPILE INVALID_ARGUMENT: date range at: \"2024-13-01\" is not an ISO 8601 date or datetime "
                        "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  ShapingSpec e;
  e.date_ranges = {{"at", "2024-02-01", "2024-01-01"}};
  EXPECT_EQ(compile(e), "COMPILE INVALID_ARGUMENT: date range at: FROM must be before TO (FROM is inclusive, TO "
                        "exclusive)");
  ShapingSpec f;
  f.map = {{"a..b", "c"}};
  EXPECT_EQ(compile(f), "COMPILE INVALID_ARGUMENT: map a..b=c: field path \"a..b\" has an empty segment");
  ShapingSpec g;
  g.in = {{"x", {}}};
  EXPECT_EQ(compile(g), "COMPILE INVALID_ARGUMENT: in x: no values");
}

TEST(ShapingTest, JsonTemplateRoundTrips) {
  ShapingSpec spec;
  spec.map = {{"A", "a"}, {"B", "b.c"}};
  spec.transforms = {T(K::kTrim, "a"), T(K::kSplit, "t", ";"), T(K::kDate, "d", "%d/%m/%Y"), T(K::kCall, "x", "f")};
  spec.compute = {{"n", "len(t)"}};
  spec.date_ranges = {{"d", "2024-01-01", ""}};
  spec.in = {{"s", {"a", "b"}}};
  spec.tags = {{"t", {"x"}, false}, {"t", {"y", "z"}, true}};
  spec.where = {"n > 0"};
  std::string json = ShapingToJson(spec);
  EXPECT_EQ(json,
            R"J({"map":{"A":"a","B":"b.c"},"transforms":[{"field":"a","op":"trim"},{"field":"t","op":"split","arg":";"},)J"
            R"J({"field":"d","op":"date","arg":"%d/%m/%Y"},{"field":"x","op":"call","arg":"f"}],"compute":{"n":"len(t)"},)J"
            R"J("filters":{"date_range":[{"field":"d","from":"2024-01-01"}],"in":[{"field":"s","values":["a","b"]}],)J"
            R"J("tags_any":[{"field":"t","values":["x"]}],"tags_all":[{"field":"t","values":["y","z"]}],)J"
            R"J("where":["n > 0"]}})J");
  auto back = ParseShaping(json);
  ASSERT_OK(back.status());
  EXPECT_EQ(ShapingToJson(back.value()), json);
  EXPECT_EQ(ShapingToJson(ShapingSpec()), "{}");
  ASSERT_OK(ParseShaping("{}").status());
}

TEST(ShapingTest, FilterOnIsTargetByDefaultAndRoundTrips) {
  ShapingSpec spec;
  spec.where = {"true"};
  EXPECT_EQ(spec.filter_on, FilterOn::kTarget);
  EXPECT_EQ(ShapingToJson(spec), R"({"filters":{"where":["true"]}})");
  spec.filter_on = FilterOn::kSource;
  std::string json = ShapingToJson(spec);
  EXPECT_EQ(json, R"({"filters":{"where":["true"]},"filter_on":"source"})");
  auto back = ParseShaping(json);
  ASSERT_OK(back.status());
  EXPECT_EQ(back->filter_on, FilterOn::kSource);
  auto target = ParseShaping(R"({"filter_on":"target"})");
  ASSERT_OK(target.status());
  EXPECT_EQ(target->filter_on, FilterOn::kTarget);
  EXPECT_EQ(ParseShaping(R"({"filter_on":"both"})").status().ToString(),
            "INVALID_ARGUMENT: shaping.filter_on: \"both\": use \"target\" or \"source\"");
  auto shaper = Shaper::Compile(back.value());
  ASSERT_OK(shaper.status());
  EXPECT_TRUE(shaper.value()->has_filters());
  EXPECT_EQ(shaper.value()->filter_on(), FilterOn::kSource);
}

TEST(ShapingTest, BadTemplatesNameTheMember) {
  auto error = [](std::string_view json) { return ParseShaping(json).status().ToString(); };
  EXPECT_EQ(error("[]"), "INVALID_ARGUMENT: shaping: expected an object");
  EXPECT_EQ(error("{"), "INVALID_ARGUMENT: shaping: not valid JSON: " +
                            ParseShaping("{").status().message().substr(std::string("shaping: not valid JSON: ").size()));
  EXPECT_EQ(error(R"({"maps":{}})"),
            "INVALID_ARGUMENT: shaping: unknown member \"maps\" (known: map, transforms, compute, filters, filter_on, "
            "fields, exclude)");
  EXPECT_EQ(error(R"({"transforms":[{"field":"a","op":"strip"}]})"),
            "INVALID_ARGUMENT: shaping.transforms[0]: unknown op \"strip\" (trim, lower, upper, split, date, call)");
  EXPECT_EQ(error(R"({"transforms":[{"field":"a","op":"date"}]})"),
            "INVALID_ARGUMENT: shaping.transforms[0]: op \"date\" needs \"arg\"");
  EXPECT_EQ(error(R"({"map":{"a":1}})"), "INVALID_ARGUMENT: shaping.map.a: expected a string");
  EXPECT_EQ(error(R"({"filters":{"in":[{"field":"a","values":[{}]}]}})"),
            "INVALID_ARGUMENT: shaping.filters.in[0].values[0]: expected a string, number or boolean");
  EXPECT_EQ(error(R"({"filters":{"tags_any":[{"field":"a"}]}})"),
            "INVALID_ARGUMENT: shaping.filters.tags_any[0].values: expected an array");
}

// --- Runs ---------------------------------------------------------------------

constexpr const char* kProject = R"(collection: people
key: id
versions:
  v1:
    detect: { has: [kind] }
  v0:
    detect: { has: [id] }
migrations:
  - id: v0-to-v1
    from: v0
    to: v1
    steps:
      - add: { field: kind, value: person }
target: v1
)";

class ShapingRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("shaping_run_test");
    auto p = Project::LoadFromString(kProject, dir_, "ferry.yaml");
    ASSERT_OK(p.status());
    project_ = std::move(p).value();
    test::WriteFile(dir_ + "/in.jsonl",
                    "{\"ID\":\"1\",\"Name\":\" Ann \",\"When\":\"02/01/2024\",\"Tags\":\"a,b\"}\n"
                    "{\"ID\":\"2\",\"Name\":\"Bo\",\"When\":\"02/01/2023\",\"Tags\":\"a\"}\n"
                    "{\"ID\":\"3\",\"Name\":\"Cy\",\"When\":\"bad\",\"Tags\":\"b\"}\n"
                    "{\"ID\":\"1\",\"Name\":\"Ann 2\",\"When\":\"03/01/2024\",\"Tags\":\"c\"}\n"
                    "{\"ID\":\"4\",\"Name\":\"Di\",\"When\":\"04/01/2024\",\"Tags\":\"\"}\n");
  }
  RunOptions Options(const std::string& target) {
    RunOptions o;
    o.source = dir_ + "/in.jsonl";
    o.target = target;
    o.state = dir_ + "/state.db";
    o.outputs.rejects = dir_ + "/rejects.jsonl";
    o.shaping.map = {{"ID", "id"}, {"Name", "name"}, {"When", "when"}, {"Tags", "tags"}};
    o.shaping.transforms = {T(K::kTrim, "name"), T(K::kDate, "when", "%d/%m/%Y"), T(K::kSplit, "tags")};
    o.shaping.date_ranges = {{"when", "2024-01-01", ""}};
    o.shaping.where = {"len(tags) > 0"};
    return o;
  }
  std::vector<std::string> Rows(const std::string& db) {
    auto h = internal::OpenSqlite(db);
    EXPECT_OK(h.status());
    if (!h.ok()) return {};
    auto rows = h.value()->Query("SELECT key, document FROM people ORDER BY key");
    EXPECT_OK(rows.status());
    std::vector<std::string> out;
    if (!rows.ok()) return out;
    for (const auto& row : rows.value().rows) out.push_back(std::string(*row[0]) + " " + std::string(*row[1]));
    return out;
  }
  std::string dir_;
  std::unique_ptr<Project> project_;
};

TEST_F(ShapingRunTest, FileTargetGetsShapedRecordsAndCountsAddUp) {
  auto r = ferry::Run(*project_, Options(dir_ + "/out.jsonl"));
  ASSERT_OK(r.status());
  ASSERT_OK(r->final_status);
  EXPECT_EQ(r->input, 5u);
  EXPECT_EQ(r->migrated, 2u);
  EXPECT_EQ(r->filtered, 2u);  // 2023 date; empty tags
  EXPECT_EQ(r->rejected, 1u);  // "bad" date
  EXPECT_EQ(r->input, r->migrated + r->already_at_target + r->rejected + r->filtered);
  EXPECT_EQ(test::ReadFile(dir_ + "/out.jsonl"),
            "{\"id\":\"1\",\"name\":\"Ann\",\"when\":\"2024-01-02\",\"tags\":[\"a\",\"b\"],\"kind\":\"person\"}\n"
            "{\"id\":\"1\",\"name\":\"Ann 2\",\"when\":\"2024-01-03\",\"tags\":[\"c\"],\"kind\":\"person\"}\n");
  // The reject keeps the record as read, and points into the shaped one.
  std::string rejects = test::ReadFile(dir_ + "/rejects.jsonl");
  EXPECT_NE(rejects.find("\"pointer\":\"/when\""), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("\"document\":{\"ID\":\"3\",\"Name\":\"Cy\",\"When\":\"bad\",\"Tags\":\"b\"}"),
            std::string::npos)
      << rejects;
  EXPECT_NE(r->ToJson().find("\"filtered\":2"), std::string::npos);
}

TEST_F(ShapingRunTest, AKeyTwiceInTheSourceKeepsTheFirstWithSkipAndTheLastWithOverwrite) {
  for (uint32_t batch : {1u, 100u}) {  // across batches and within one
    for (ConflictPolicy policy : {ConflictPolicy::kSkip, ConflictPolicy::kOverwrite}) {
      std::string db = dir_ + "/t" + std::to_string(batch) + ConflictPolicyName(policy) + ".db";
      RunOptions o = Options("sqlite:" + db + "#people");
      o.pipeline.batch_size = batch;
      o.conflicts.policy = policy;
      o.state = db + ".state";
      auto r = ferry::Run(*project_, o);
      ASSERT_OK(r.status());
      ASSERT_OK(r->final_status);
      std::string first = "1 {\"id\":\"1\",\"name\":\"Ann\",\"when\":\"2024-01-02\",\"tags\":[\"a\",\"b\"],\"kind\":\"person\"}";
      std::string last = "1 {\"id\":\"1\",\"name\":\"Ann 2\",\"when\":\"2024-01-03\",\"tags\":[\"c\"],\"kind\":\"person\"}";
      EXPECT_EQ(Rows(db), std::vector<std::string>{policy == ConflictPolicy::kSkip ? first : last})
          << "batch " << batch << " " << ConflictPolicyName(policy);
      EXPECT_EQ(r->conflicts, 1u);
    }
  }
}

TEST_F(ShapingRunTest, AnInterruptedRunResumesOnlyWithTheSameShaping) {
  std::atomic<bool> cancel{true};  // stops before the first batch: unfinished, resumable
  RunOptions o = Options(dir_ + "/out.jsonl");
  o.control.cancel = &cancel;
  auto first = ferry::Run(*project_, o);
  ASSERT_OK(first.status());
  EXPECT_EQ(first->final_status.code(), ErrorCode::kCancelled);
  RunOptions other = Options(dir_ + "/out.jsonl");
  other.shaping.where = {"true"};
  auto refused = ferry::Run(*project_, other);
  EXPECT_EQ(refused.status().code(), ErrorCode::kConflict);
  EXPECT_NE(refused.status().message().find("shaped its records differently"), std::string::npos)
      << refused.status().message();
  auto resumed = ferry::Run(*project_, Options(dir_ + "/out.jsonl"));
  ASSERT_OK(resumed.status());
  ASSERT_OK(resumed->final_status);
  EXPECT_EQ(resumed->run_id, first->run_id);
  EXPECT_EQ(resumed->migrated, 2u);
}

TEST_F(ShapingRunTest, FiltersSelectOnTheMigratedRecordUnlessToldSource) {
  // `kind` exists only after the v0 -> v1 migration.
  RunOptions o = Options(dir_ + "/target.jsonl");
  o.shaping.where = {"kind == \"person\" && len(tags) > 0"};
  auto r = ferry::Run(*project_, o);
  ASSERT_OK(r.status());
  ASSERT_OK(r->final_status);
  EXPECT_EQ(r->migrated, 2u);
  EXPECT_EQ(r->filtered, 2u);
  EXPECT_EQ(r->versions["v0"].count, 2u);  // a filtered record is in no version's count
  RunOptions src = Options(dir_ + "/source.jsonl");
  src.state = dir_ + "/state-source.db";
  src.shaping.where = o.shaping.where;
  src.shaping.filter_on = FilterOn::kSource;
  auto s = ferry::Run(*project_, src);
  ASSERT_OK(s.status());
  ASSERT_OK(s->final_status);
  EXPECT_EQ(s->migrated, 0u);
  EXPECT_EQ(s->filtered, 4u);
  EXPECT_EQ(s->input, s->migrated + s->already_at_target + s->rejected + s->filtered);
}

TEST_F(ShapingRunTest, ABadSpecFailsBeforeTheRunStarts) {
  RunOptions o = Options(dir_ + "/out.jsonl");
  o.shaping.where = {"n >"};
  auto r = ferry::Run(*project_, o);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/out.jsonl"));
}

}  // namespace
}  // namespace ferry
