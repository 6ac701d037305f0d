// Copyright (c) the Ferry authors.
//
// Unit tests of saved templates (include/ferry/templates.h) in an SQLite
// state file: round trip, replace only when asked, names, delete, and the
// options' shape.

#include "ferry/state.h"
#include "ferry/templates.h"
#include "util/test_util.h"

namespace ferry {
namespace {

class TemplatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("templates_test");
    auto s = State::Open(dir_ + "/state.db", "", /*create=*/true);
    ASSERT_OK(s.status());
    state_ = std::move(s).value();
  }
  std::unique_ptr<State> Reopen() {
    auto s = State::Open(dir_ + "/state.db", "");
    EXPECT_OK(s.status());
    return s.ok() ? std::move(s).value() : nullptr;
  }
  static Template Make(const std::string& command, const std::string& description, const std::string& options) {
    Template t;
    t.command = command;
    t.description = description;
    t.options = options;
    return t;
  }
  std::string dir_;
  std::unique_ptr<State> state_;
};

TEST_F(TemplatesTest, ASavedTemplateReadsBackFromANewConnection) {
  ASSERT_OK(SaveTemplate(*state_, "nightly",
                         Make("run", "nightly import, \"safe\" preset; ünïcode",
                              R"({ "batch-size" : "500", "rejects": "r.jsonl", "dry-run": true,
                                   "multi": ["a", "b c"] })"),
                         false));
  auto again = Reopen();
  ASSERT_NE(again, nullptr);
  auto t = GetTemplate(*again, "nightly");
  ASSERT_OK(t.status());
  EXPECT_EQ(t->name, "nightly");
  EXPECT_EQ(t->command, "run");
  EXPECT_EQ(t->description, "nightly import, \"safe\" preset; ünïcode");
  // Stored compact, members in the given order.
  EXPECT_EQ(t->options, R"({"batch-size":"500","rejects":"r.jsonl","dry-run":true,"multi":["a","b c"]})");
  EXPECT_EQ(t->created_at.size(), 24u) << t->created_at;  // 2026-03-14T09:12:44.123Z
  EXPECT_EQ(t->created_at, t->updated_at);
  EXPECT_EQ(t->updated_by, State::CurrentUser());
}

TEST_F(TemplatesTest, SavingAnExistingNameIsAConflictUnlessReplacing) {
  ASSERT_OK(SaveTemplate(*state_, "t1", Make("run", "first", R"({"preset":"safe"})"), false));
  Status s = SaveTemplate(*state_, "t1", Make("export", "second", R"({"preset":"fast"})"), false);
  EXPECT_EQ(s.code(), ErrorCode::kConflict) << s.ToString();
  EXPECT_NE(s.message().find("--force"), std::string::npos) << s.message();
  auto t = GetTemplate(*state_, "t1");
  ASSERT_OK(t.status());
  EXPECT_EQ(t->description, "first");  // untouched by the refused save
  EXPECT_EQ(t->options, R"({"preset":"safe"})");

  ASSERT_OK(SaveTemplate(*state_, "t1", Make("export", "second", R"({"preset":"fast"})"), true));
  t = GetTemplate(*state_, "t1");
  ASSERT_OK(t.status());
  EXPECT_EQ(t->command, "export");
  EXPECT_EQ(t->description, "second");
  EXPECT_EQ(t->options, R"({"preset":"fast"})");
  auto all = ListTemplates(*state_);
  ASSERT_OK(all.status());
  EXPECT_EQ(all->size(), 1u);
  // Replacing a name that does not exist yet simply saves it.
  ASSERT_OK(SaveTemplate(*state_, "t2", Make("import", "", ""), true));
  t = GetTemplate(*state_, "t2");
  ASSERT_OK(t.status());
  EXPECT_EQ(t->options, "{}");
}

TEST_F(TemplatesTest, ListIsSortedByName) {
  for (const char* name : {"b", "A", "a.1", "z_z-9"}) {
    ASSERT_OK(SaveTemplate(*state_, name, Make("run", name, "{}"), false));
  }
  auto all = ListTemplates(*state_);
  ASSERT_OK(all.status());
  std::vector<std::string> names;
  for (const Template& t : *all) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"A", "a.1", "b", "z_z-9"}));
}

TEST_F(TemplatesTest, NamesAreCheckedOnEveryCall) {
  const std::string longest(64, 'x');
  EXPECT_OK(ValidateTemplateName(longest));
  EXPECT_OK(ValidateTemplateName("a-b_c.D9"));
  for (const std::string& bad : {std::string(), std::string(65, 'x'), std::string("a b"), std::string("a/b"),
                                std::string("ä"), std::string("x;drop"), std::string("a\nb")}) {
    Status s = ValidateTemplateName(bad);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(SaveTemplate(*state_, bad, Make("run", "", "{}"), false).code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(GetTemplate(*state_, bad).status().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(DeleteTemplate(*state_, bad).code(), ErrorCode::kInvalidArgument) << bad;
  }
  ASSERT_OK(SaveTemplate(*state_, longest, Make("run", "", "{}"), false));
  auto all = ListTemplates(*state_);
  ASSERT_OK(all.status());
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(TemplatesTest, CommandAndOptionsAreChecked) {
  Status s = SaveTemplate(*state_, "t", Make("analyze", "", "{}"), false);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("\"analyze\""), std::string::npos) << s.message();
  for (const char* bad : {"[]", "\"x\"", "{", R"({"a":1})", R"({"a":false})", R"({"a":null})", R"({"a":{}})",
                          R"({"a":["x",1]})", R"({"--a":"x"})", R"({"":"x"})", R"({"a":"x","a":"y"})"}) {
    s = SaveTemplate(*state_, "t", Make("run", "", bad), false);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(GetTemplate(*state_, "t").status().code(), ErrorCode::kNotFound);
}

TEST_F(TemplatesTest, DeleteRemovesOnlyThatTemplate) {
  ASSERT_OK(SaveTemplate(*state_, "keep", Make("run", "", "{}"), false));
  ASSERT_OK(SaveTemplate(*state_, "drop", Make("run", "", "{}"), false));
  ASSERT_OK(DeleteTemplate(*state_, "drop"));
  auto gone = GetTemplate(*state_, "drop");
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(gone.status().message().find("ferry template list"), std::string::npos);
  EXPECT_EQ(DeleteTemplate(*state_, "drop").code(), ErrorCode::kNotFound);
  ASSERT_OK(GetTemplate(*state_, "keep").status());
  // The name is free again.
  ASSERT_OK(SaveTemplate(*state_, "drop", Make("run", "again", "{}"), false));
}

TEST_F(TemplatesTest, SavesAndDeletesAreAudited) {
  ASSERT_OK(SaveTemplate(*state_, "audited", Make("run", "", R"({"preset":"safe"})"), false));
  ASSERT_OK(DeleteTemplate(*state_, "audited"));
  auto audit = state_->Audit("", 10);
  ASSERT_OK(audit.status());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].event, "template");
  EXPECT_NE((*audit)[0].detail.find("deleted template 'audited'"), std::string::npos);
  EXPECT_NE((*audit)[1].detail.find("saved template 'audited' for run"), std::string::npos);
}

}  // namespace
}  // namespace ferry
