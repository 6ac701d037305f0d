// Copyright (c) the Ferry authors.
//
// Each step kind: forward output, complement, backward (byte-exact), and
// errors with JSON Pointers; compile errors with their location.

#include <string>

#include "unit/transform/transform_test_util.h"

namespace ferry {
namespace {

using test::MustCompile;
using test::Run;
using test::RunResult;

// Runs `steps` on `input`, expects `output` and `complement` (ToJson; "null"
// when nothing was lost), and that backward restores `input` exactly.
void Expect(std::string_view steps, std::string_view input, std::string_view output,
            std::string_view complement = "null") {
  SCOPED_TRACE(std::string(steps) + " on " + std::string(input));
  auto list = MustCompile(steps);
  ASSERT_NE(list, nullptr);
  RunResult r = Run(*list, input);
  ASSERT_OK(r.forward);
  EXPECT_EQ(r.output, output);
  EXPECT_EQ(r.complement, complement);
  ASSERT_OK(r.backward);
  EXPECT_EQ(r.restored, input);
}

// Runs forward and expects a MIGRATION_ERROR at `pointer`.
void ExpectError(std::string_view steps, std::string_view input, std::string_view pointer,
                 std::string_view message_part) {
  SCOPED_TRACE(std::string(steps) + " on " + std::string(input));
  auto list = MustCompile(steps);
  ASSERT_NE(list, nullptr);
  Arena arena;
  Value doc = test::ParseJson(input, arena);
  StepContext ctx(arena);
  Value comp;
  Status s = list->ApplyForward(doc, ctx, &comp);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kMigrationError);
  EXPECT_EQ(ctx.error().pointer, pointer);
  EXPECT_NE(ctx.error().message.find(message_part), std::string::npos) << ctx.error().message;
  EXPECT_NE(s.message().find(std::string(pointer) + ": "), std::string::npos) << s.message();
}

TEST(AddStepTest, AddsWhenAbsentAndRemovesOnTheWayBack) {
  Expect(R"([{"add": {"field": "type", "value": "strength"}}])", R"({"id":1})", R"({"id":1,"type":"strength"})");
  Expect(R"([{"add": {"field": "a.b", "value": {"x": [1]}}}])", R"({"a":{}})", R"({"a":{"b":{"x":[1]}}})");
}

TEST(AddStepTest, ExistingFieldIsKeptAndNoted) {
  // A different value tells backward it was there before: no note needed.
  Expect(R"([{"add": {"field": "name", "value": null}}])", R"({"name":"x"})", R"({"name":"x"})");
  Expect(R"([{"add": {"field": "name", "value": null}}])", R"({"name":null})", R"({"name":null})", R"({"0":true})");
}

TEST(AddStepTest, MissingParentIsAnErrorWithPointer) {
  ExpectError(R"([{"map": {"field": "xs", "steps": [{"add": {"field": "k", "value": 1}}]}}])", R"({"xs":[{},3]})",
              "/xs/1", "add: no object");
}

TEST(RemoveStepTest, ComplementKeepsValueAndPosition) {
  Expect(R"([{"remove": "b"}])", R"({"a":1,"b":{"c":[1,2]},"d":3})", R"({"a":1,"d":3})",
         R"({"0":[1,{"c":[1,2]}]})");
}

TEST(RemoveStepTest, DefaultIsRestoredWithoutComplement) {
  auto list = MustCompile(R"([{"remove": {"field": "b", "default": 7}}])");
  Arena arena;
  Value doc = test::ParseJson(R"({"a":1})", arena);
  ASSERT_OK(list->ApplyBackward(doc, Value(), arena));
  EXPECT_EQ(ToJson(doc), R"({"a":1,"b":7})");
  // Absent on the way forward: the default is not invented going back.
  Expect(R"([{"remove": {"field": "b", "default": 7}}])", R"({"a":1})", R"({"a":1})", R"({"0":false})");
}

TEST(RenameStepTest, RenamesInPlace) {
  Expect(R"([{"rename": {"from": "created_at", "to": "createdAt"}}])", R"({"id":1,"created_at":5,"z":0})",
         R"({"id":1,"createdAt":5,"z":0})");
  Expect(R"([{"rename": {"from": "a.b", "to": "a.c"}}])", R"({"a":{"b":1}})", R"({"a":{"c":1}})");
}

TEST(RenameStepTest, OverwrittenTargetGoesToTheComplement) {
  Expect(R"([{"rename": {"from": "a", "to": "b"}}])", R"({"b":1,"x":0,"a":2})", R"({"x":0,"b":2})",
         R"({"0":[0,1]})");
  Expect(R"([{"rename": {"from": "a", "to": "b"}}])", R"({"b":1})", R"({"b":1})", R"({"0":false})");
}

TEST(HoistStepTest, MovesUpNextToHost) {
  Expect(R"([{"hoist": {"host": "h", "field": "x"}}])", R"({"h":{"y":1,"x":2},"z":3})",
         R"({"h":{"y":1},"x":2,"z":3})");
  Expect(R"([{"hoist": {"host": "h", "field": "x"}}])", R"({"x":0,"h":{"x":2,"y":1}})",
         R"({"h":{"y":1},"x":2})", R"({"0":{"i":0,"o":[0,0]}})");
}

TEST(PlungeStepTest, CreatesHostAtFirstFieldAndRemovesItGoingBack) {
  Expect(R"([{"plunge": {"host": "content", "fields": ["blocks", "warmup"]}}])",
         R"({"id":1,"blocks":[],"warmup":{},"t":2})", R"({"id":1,"content":{"blocks":[],"warmup":{}},"t":2})");
  Expect(R"([{"plunge": {"host": "c", "fields": ["a", "b"]}}])", R"({"b":1,"x":2,"a":3})",
         R"({"c":{"a":3,"b":1},"x":2})", R"({"0":{"p":[2,0]}})");
  Expect(R"([{"plunge": {"host": "c", "field": "a"}}])", R"({"c":{"a":0,"k":1},"a":3})",
         R"({"c":{"a":3,"k":1}})", R"({"0":{"h":true,"p":[1],"o":[[0,0]]}})");
}

TEST(PlungeStepTest, HostThatIsNotAnObjectIsAnError) {
  ExpectError(R"([{"plunge": {"host": "c", "field": "a"}}])", R"({"c":1,"a":1})", "/c", "not an object");
}

TEST(WrapStepTest, ObjectWrapWithConstantsAndTypeFilter) {
  const char* wrap = R"([{"wrap": {"field": "weight", "into": "load", "with": {"unit": "kg"}, "only": "number"}}])";
  Expect(wrap, R"({"weight":60.5,"r":1})", R"({"load":{"value":60.5,"unit":"kg"},"r":1})");
  Expect(wrap, R"({"weight":"bw"})", R"({"load":null})", R"({"0":{"v":"bw"}})");
  Expect(wrap, R"({"r":1})", R"({"r":1,"load":null})");
  Expect(R"([{"wrap": {"field": "d", "as": "duration"}}])", R"({"d":5})", R"({"d":{"duration":5}})");
}

TEST(WrapStepTest, ArrayWrap) {
  Expect(R"([{"wrap": {"field": "tags", "array": true}}])", R"({"tags":"a"})", R"({"tags":["a"]})");
  Expect(R"([{"map": {"field": "xs", "steps": [{"wrap": {"field": "$", "array": true, "only": "string"}}]}}])",
         R"({"xs":["a",1]})", R"({"xs":[["a"],1]})", R"({"0":{"1":{"0":false}}})");
}

TEST(HeadStepTest, KeepsTheRestInTheComplement) {
  Expect(R"([{"head": "xs"}])", R"({"xs":[1,2,3]})", R"({"xs":1})", R"({"0":[2,3]})");
  Expect(R"([{"head": "xs"}])", R"({"xs":[1]})", R"({"xs":1})");
  Expect(R"([{"head": "xs"}])", R"({"xs":[]})", R"({"xs":null})", R"({"0":false})");
  ExpectError(R"([{"head": "xs"}])", R"({"xs":{"a":1}})", "/xs", "expected an array, got object");
}

TEST(InStepTest, AppliesStepsToTheObject) {
  Expect(R"([{"in": {"field": "a", "steps": [{"remove": "x"}, {"rename": {"from": "y", "to": "z"}}]}}])",
         R"({"a":{"x":1,"y":2}})", R"({"a":{"z":2}})", R"({"0":{"0":[0,1]}})");
  ExpectError(R"([{"in": {"field": "a", "steps": [{"to_number": "n"}]}}])", R"({"a":{"n":"x1"}})", "/a/n",
              "to_number");
}

TEST(MapStepTest, AppliesStepsToEveryElement) {
  Expect(R"([{"map": {"field": "xs", "steps": [{"remove": "n"}]}}])", R"({"xs":[{"n":1},{},{"n":2,"m":0}]})",
         R"({"xs":[{},{},{"m":0}]})", R"({"0":{"0":{"0":[0,1]},"2":{"0":[0,2]}}})");
  ExpectError(R"([{"map": {"field": "xs", "steps": []}}])", R"({"xs":{}})", "/xs", "expected an array");
}

TEST(ConvertStepTest, MapsValuesAndKeepsWhatCannotGoBack) {
  const char* conv = R"([{"convert": {"field": "u", "mapping": {"kg": "KG", "lb": "LB"}}}])";
  Expect(conv, R"({"u":"kg"})", R"({"u":"KG"})");
  Expect(conv, R"({"u":"st"})", R"({"u":"st"})");
  Expect(conv, R"({"u":"KG"})", R"({"u":"KG"})", R"({"0":"KG"})");  // would go back to "kg"
  const char* lossy = R"([{"convert": {"field": "u", "mapping": [["a", 1], ["b", 1]], "default": 0}}])";
  Expect(lossy, R"({"u":"a"})", R"({"u":1})");
  Expect(lossy, R"({"u":"b"})", R"({"u":1})", R"({"0":"b"})");
  Expect(lossy, R"({"u":"z"})", R"({"u":0})", R"({"0":"z"})");
}

TEST(KeysStepTest, SnakeToCamelAndBack) {
  Expect(R"([{"keys": {"case": "camel"}}])", R"({"created_at":1,"user_id":{"first_name":2}})",
         R"({"createdAt":1,"userId":{"first_name":2}})");
  Expect(R"([{"keys": {"case": "camel", "deep": true}}])", R"({"a_b":[{"c_d":1}],"eF":2})",
         R"({"aB":[{"cD":1}],"eF":2})", R"({"0":[[1,"eF"]]})");
  // No duplicate keys: a clash keeps the original name.
  Expect(R"([{"keys": {"case": "camel"}}])", R"({"aB":1,"a_b":2})", R"({"aB":1,"a_b":2})", R"({"0":[[0,"aB"]]})");
}

TEST(TextStepTest, TrimLowerUpperKeepOriginalWhenChanged) {
  Expect(R"([{"trim": "s"}])", R"({"s":" a "})", R"({"s":"a"})", R"({"0":" a "})");
  Expect(R"([{"lower": "s"}])", R"({"s":"AbC"})", R"({"s":"abc"})", R"({"0":"AbC"})");
  Expect(R"([{"upper": "s"}])", R"({"s":"ABC"})", R"({"s":"ABC"})");
  Expect(R"([{"upper": "s"}])", R"({"s":5})", R"({"s":5})");
}

TEST(DatetimeStepTest, SpecIsoRules) {
  const char* dt = R"([{"datetime": {"field": "t", "from": ["epoch", "sql"], "to": "iso8601"}}])";
  Expect(dt, R"({"t":1567509936})", R"({"t":"2019-09-03T11:25:36Z"})");
  Expect(dt, R"({"t":"2019-09-03 11:05:36"})", R"({"t":"2019-09-03T11:05:36Z"})",
         R"({"0":"2019-09-03 11:05:36"})");
  Expect(dt, R"({"t":"yesterday"})", R"({"t":"yesterday"})");
  Expect(dt, R"({"t":"2021-06-01T10:00:00Z"})", R"({"t":"2021-06-01T10:00:00Z"})", R"({"0":"2021-06-01T10:00:00Z"})");
  Expect(dt, R"({"t":-86400})", R"({"t":"1969-12-31T00:00:00Z"})");
  Expect(dt, R"({"t":1.5e9})", R"({"t":"2017-07-14T02:40:00Z"})", R"({"0":1.5e9})");
  Expect(dt, R"({"t":"2019-09-03 11:05:36.250"})", R"({"t":"2019-09-03T11:05:36.250Z"})",
         R"({"0":"2019-09-03 11:05:36.250"})");
  Expect(R"([{"datetime": {"field": "t", "from": "iso8601", "to": "epoch"}}])", R"({"t":"2020-02-29T23:59:59Z"})",
         R"({"t":1583020799})");
  Expect(R"([{"datetime": {"field": "t", "from": "sql", "to": "epoch"}}])", R"({"t":"2020-02-30 00:00:00"})",
         R"({"t":"2020-02-30 00:00:00"})");
}

TEST(NumberStringStepTest, SameCharactersBothWays) {
  Expect(R"([{"to_string": "n"}])", R"({"n":1.50})", R"({"n":"1.50"})");
  Expect(R"([{"to_string": "n"}])", R"({"n":"12"})", R"({"n":"12"})", R"({"0":"12"})");
  Expect(R"([{"to_number": "n"}])", R"({"n":"-0"})", R"({"n":-0})");
  Expect(R"([{"to_number": "n"}])", R"({"n":null})", R"({"n":null})");
  ExpectError(R"([{"to_number": "n"}])", R"({"n":"12a"})", "/n", "to_number: \"12a\" is not a number");
}

TEST(ParseJsonStepTest, CompactTextBecomesTheValueAndComesBackWithoutComplement) {
  Expect(R"([{"parse_json": {"field": "value"}}])",
         R"({"id":"u1/settings","value":"{\"theme\":\"dark\",\"fontSize\":16,\"n\":[1.50,-0,1e2,null,true]}"})",
         R"({"id":"u1/settings","value":{"theme":"dark","fontSize":16,"n":[1.50,-0,1e2,null,true]}})");
  // Every kind of JSON text, non-ASCII raw and the escapes JSON requires.
  Expect(R"([{"parse_json": "v"}])", R"({"v":"\"Zürich \\\"Ost\\\"\\n😀\""})", R"({"v":"Zürich \"Ost\"\n😀"})");
  Expect(R"([{"parse_json": "v"}])", R"({"v":"280"})", R"({"v":280})");
  Expect(R"([{"parse_json": "v"}])", R"({"v":"null"})", R"({"v":null})");
  Expect(R"([{"parse_json": "v"}])", R"({"v":"[]"})", R"({"v":[]})");
  // Member order is kept as parsed; a name given twice is not valid JSON text for Ferry.
  Expect(R"([{"parse_json": "v"}])", R"({"v":"{\"b\":1,\"a\":2}"})", R"({"v":{"b":1,"a":2}})");
  ExpectError(R"([{"parse_json": "v"}])", R"({"v":"{\"b\":1,\"a\":2,\"b\":3}"})", "/v",
              "duplicate member name \"b\" at /b");
  // Nested paths, `$` inside map, an absent field.
  Expect(R"([{"parse_json": "a.b"}])", R"({"a":{"b":"{\"x\":1}"}})", R"({"a":{"b":{"x":1}}})");
  Expect(R"([{"map": {"field": "xs", "steps": [{"parse_json": "$"}]}}])", R"({"xs":["1","[2]","\"3\""]})",
         R"({"xs":[1,[2],"3"]})");
  Expect(R"([{"parse_json": "v"}])", R"({"w":"{"})", R"({"w":"{"})");
}

TEST(ParseJsonStepTest, OtherSpellingsKeepTheOriginalString) {
  // Indentation, Python's separators, \u escapes, surrounding whitespace.
  Expect(R"([{"parse_json": "v"}])", R"({"v":"{\n  \"a\": 1\n}"})", R"({"v":{"a":1}})",
         R"({"0":"{\n  \"a\": 1\n}"})");
  Expect(R"([{"parse_json": "v"}])", R"({"v":"{\"a\": [1, 2]}"})", R"({"v":{"a":[1,2]}})", R"({"0":"{\"a\": [1, 2]}"})");
  Expect(R"([{"parse_json": "v"}])", R"({"v":"[\"\\u00e9\\/\"]"})", R"({"v":["é/"]})", R"({"0":"[\"\\u00e9\\/\"]"})");
  Expect(R"([{"parse_json": "v"}])", R"({"v":" 1 "})", R"({"v":1})", R"({"0":" 1 "})");
  // Only the steps that lost something have an entry.
  Expect(R"([{"parse_json": "a"}, {"parse_json": "b"}])", R"({"a":"[1]","b":"[ 2 ]"})", R"({"a":[1],"b":[2]})",
         R"({"1":"[ 2 ]"})");
}

TEST(ParseJsonStepTest, InvalidTextIsAMigrationErrorAtTheField) {
  const char* steps = R"([{"parse_json": {"field": "value"}}])";
  ExpectError(steps, R"({"value":"{\"theme\":\"da"})", "/value", "not valid JSON text: ");
  ExpectError(steps, R"({"value":""})", "/value", "not valid JSON text: the string is empty");
  ExpectError(steps, R"({"value":"undefined"})", "/value", "in \"undefined\"");
  ExpectError(steps, R"({"value":"[object Object]"})", "/value", "not valid JSON text");
  ExpectError(steps, R"({"value":"[1] 2"})", "/value", "not valid JSON text");
  ExpectError(steps, R"({"value":"{\"a\":1}}"})", "/value", "not valid JSON text");
  ExpectError(steps, R"({"value":"NaN"})", "/value", "not valid JSON text");
  ExpectError(steps, R"({"value":42})", "/value", "not valid JSON text: expected a string holding JSON text, got number");
  ExpectError(steps, R"({"value":null})", "/value", "got null");
  ExpectError(R"([{"map": {"field": "xs", "steps": [{"parse_json": "v"}]}}])", R"({"xs":[{"v":"1"},{"v":"tru"}]})",
              "/xs/1/v", "not valid JSON text");
  // Long texts are quoted in part, cut at a character boundary.
  std::string long_text = "[\\\"" + std::string(37, 'x') + "é" + std::string(100, 'y');
  ExpectError(steps, "{\"value\":\"" + long_text + "\"}", "/value",
              "in \"[\\\"" + std::string(37, 'x') + "...\"");
}

TEST(ParseJsonStepTest, ErrorMessageStartsWithThePointer) {
  auto list = MustCompile(R"([{"parse_json": "value"}])");
  ASSERT_NE(list, nullptr);
  Arena arena;
  Value doc = test::ParseJson(R"({"value":"{\"a\":"})", arena);
  Value comp;
  Status s = list->ApplyForward(doc, arena, &comp);
  EXPECT_EQ(s.code(), ErrorCode::kMigrationError);
  EXPECT_EQ(s.message().rfind("/value: not valid JSON text: ", 0), 0u) << s.message();
}

TEST(ParseJsonStepTest, BackwardWritesCompactTextAndChecksTheComplement) {
  auto list = MustCompile(R"([{"parse_json": "v"}])");
  ASSERT_NE(list, nullptr);
  ASSERT_FALSE(list->lossy());
  Arena arena;
  Value doc = test::ParseJson(R"({"v":{"a":[1, "é\"", {}]}})", arena);
  ASSERT_OK(list->ApplyBackward(doc, Value(), arena));
  EXPECT_EQ(ToJson(doc), R"({"v":"{\"a\":[1,\"é\\\"\",{}]}"})");
  Value bad = test::ParseJson(R"({"0":[1]})", arena);
  EXPECT_EQ(list->ApplyBackward(doc, bad, arena).code(), ErrorCode::kRollbackError);
  EXPECT_EQ(test::CompileError(R"([{"parse_json": {}}])"), "steps[0].parse_json: missing \"field\"");
  EXPECT_EQ(test::CompileError(R"([{"parse_json": {"field": "v", "strict": true}}])"),
            "steps[0].parse_json: unknown parameter \"strict\"");
}

TEST(SetStepTest, ComputedFieldAndOverwrittenValue) {
  Expect(R"([{"set": {"field": "total", "expr": "sum(xs.n) * 2"}}])", R"({"xs":[{"n":1},{"n":2.5}]})",
         R"({"xs":[{"n":1},{"n":2.5}],"total":7})");
  Expect(R"([{"set": {"field": "a", "expr": "a + 1"}}])", R"({"a":1})", R"({"a":2})", R"({"0":1})");
  Expect(R"([{"set": {"field": "copy", "expr": "xs"}}, {"remove": "xs"}])", R"({"xs":[1]})", R"({"copy":[1]})",
         R"({"1":[0,[1]]})");
  ExpectError(R"([{"set": {"field": "a", "expr": "b * 2"}}])", R"({"b":"x"})", "/a", "'*' expects numbers");
}

TEST(SetStepTest, CreatesMissingParentsAsComputeDoesAndBackwardRemovesThem) {
  // Like --compute (docs/shaping.md): the parents are created, at the end.
  Expect(R"([{"set": {"field": "meta.score.value", "expr": "n * 2"}}])", R"({"n":2})",
         R"({"n":2,"meta":{"score":{"value":4}}})", R"({"0":{"\u0000created":0}})");
  Expect(R"([{"set": {"field": "meta.x.y", "expr": "n"}}])", R"({"n":2,"meta":{"a":1}})",
         R"({"n":2,"meta":{"a":1,"x":{"y":2}}})", R"({"0":{"\u0000created":1}})");
  // Parents present: nothing to remember, as before.
  Expect(R"([{"set": {"field": "meta.score", "expr": "n"}}])", R"({"n":2,"meta":{}})", R"({"n":2,"meta":{"score":2}})");
  // An overwritten value shaped like the marker still comes back as it was.
  Expect(R"([{"set": {"field": "a", "expr": "1"}}])", R"({"a":{"\u0000created":0}})", R"({"a":1})",
         R"({"0":{"\u0000value":{"\u0000created":0}}})");
  // A parent that is not an object is still an error, at the parent.
  ExpectError(R"([{"set": {"field": "a.b", "expr": "1"}}])", R"({"a":"x"})", "/a", "no object to hold");
}

TEST(KeepStepTest, DropsUnlistedMembersWithPositions) {
  Expect(R"([{"keep": ["id", "name"]}])", R"({"x":0,"id":1,"y":{"z":1},"name":2,"w":[]})", R"({"id":1,"name":2})",
         R"({"0":[0,"x",0,2,"y",{"z":1},4,"w",[]]})");
}

TEST(WhenStepTest, BranchIsRecomputedOrStored) {
  const char* when = R"([{"when": {"if": "kind == 'a'", "then": [{"add": {"field": "x", "value": 1}}],
                                    "else": [{"rename": {"from": "kind", "to": "k"}}]}}])";
  Expect(when, R"({"kind":"a"})", R"({"kind":"a","x":1})");
  Expect(when, R"({"kind":"b"})", R"({"k":"b"})");
  // The branch changes the condition: the complement remembers the branch.
  Expect(R"([{"when": {"if": "kind == 'a'", "then": [{"remove": "kind"}]}}])", R"({"kind":"a"})", R"({})",
         R"({"0":{"b":0,"c":{"0":[0,"a"]}}})");
}

TEST(CallStepTest, RegisteredFunctionsRunBothWays) {
  FunctionRegistry fns;
  ASSERT_OK(fns.Register(
      "double",
      [](Value& doc, const Value& args, StepContext& ctx) -> Status {
        std::string_view f = args.Find("field")->AsString();
        Value* v = doc.Find(f);
        int64_t n;
        if (v == nullptr || !v->GetInt64(&n)) return ctx.FailAt(f, "double: not an integer");
        *v = Value::Int(n * 2, ctx.arena());
        return Status::OK();
      },
      [](Value& doc, const Value& args, StepContext& ctx) -> Status {
        Value* v = doc.Find(args.Find("field")->AsString());
        int64_t n = 0;
        if (v != nullptr && v->GetInt64(&n)) *v = Value::Int(n / 2, ctx.arena());
        return Status::OK();
      },
      false));
  EXPECT_FALSE(fns.Register("double", [](Value&, const Value&, StepContext&) { return Status::OK(); },
                            [](Value&, const Value&, StepContext&) { return Status::OK(); }, false)
                   .ok());
  auto list = MustCompile(R"([{"call": {"function": "double", "args": {"field": "n"}}}])", &fns);
  ASSERT_NE(list, nullptr);
  RunResult r = test::Run(*list, R"({"n":21})");
  ASSERT_OK(r.forward);
  EXPECT_EQ(r.output, R"({"n":42})");
  EXPECT_EQ(r.restored, R"({"n":21})");
  Arena arena;
  Value spec = test::ParseJson(R"([{"call": {"function": "doubel"}}])", arena);
  auto bad = CompileSteps(spec, fns);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "steps[0].call.function: unknown function \"doubel\" (did you mean \"double\"?)");
}

TEST(CompileStepsTest, ErrorsNameTheLocation) {
  using test::CompileError;
  EXPECT_EQ(CompileError(R"([{"add": {"field": "a", "value": 1}}, {"renam": {}}])"),
            "steps[1]: unknown step \"renam\" (did you mean \"rename\"?)");
  EXPECT_EQ(CompileError(R"([{"add": {"field": "a", "value": 1}}, {"add": {"field": "a", "value": 1}},
                            {"add": {"field": "a", "value": 1}}, {"rename": {"from": "a"}}])"),
            "steps[3].rename: missing \"to\"");
  EXPECT_EQ(CompileError(R"([{"rename": {"from": "a", "too": "b"}}])"), "steps[0].rename: missing \"to\"");
  EXPECT_EQ(CompileError(R"([{"rename": {"from": "a", "to": "b", "too": "b"}}])"),
            "steps[0].rename: unknown parameter \"too\" (did you mean \"to\"?)");
  EXPECT_EQ(CompileError(R"([{"map": {"field": "xs", "steps": [{"keep": 3}]}}])"),
            "steps[0].map.steps[0].keep: expected an object of parameters {fields}");
  EXPECT_EQ(CompileError(R"([{"set": {"field": "a", "expr": "1 +"}}])"),
            "steps[0].set.expr: column 4: unexpected end of expression");
  EXPECT_EQ(CompileError(R"([{"wrap": {"field": "a", "only": "int"}}])"),
            "steps[0].wrap.only: unknown type \"int\" (null, boolean, number, integer, string, array, object)");
  EXPECT_EQ(CompileError(R"({"add": {}})"), "steps: expected a list of steps, got object");
  EXPECT_EQ(CompileError(R"([{"add": {}, "remove": {}}])"),
            "steps[0]: a step is an object with exactly one key, e.g. {\"rename\": {...}}");
  EXPECT_EQ(CompileError(R"([{"rename": {"from": "a.b", "to": "c.d"}}])"),
            "steps[0].rename.to: must stay in the same object as \"from\" (use hoist/plunge to move)");
}

TEST(CompileStepsTest, KindsAreListed) {
  std::vector<std::string_view> names;
  for (const StepKindInfo& k : StepKinds()) names.push_back(k.name);
  for (std::string_view want : {"add", "remove", "rename", "hoist", "plunge", "wrap", "head", "in", "map",
                                "convert", "keys", "trim", "lower", "upper", "datetime", "to_string", "to_number",
                                "parse_json", "set", "keep", "when", "call"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
}

TEST(StepListTest, MalformedComplementIsARollbackError) {
  auto list = MustCompile(R"([{"remove": "a"}])");
  Arena arena;
  Value doc = test::ParseJson(R"({})", arena);
  for (const char* bad : {R"({"1":[0,1]})", R"({"0":"x"})", R"([1])", R"({"x":1})"}) {
    Value comp = test::ParseJson(bad, arena);
    Status s = list->ApplyBackward(doc, comp, arena);
    EXPECT_EQ(s.code(), ErrorCode::kRollbackError) << bad << " " << s.ToString();
  }
}

}  // namespace
}  // namespace ferry
