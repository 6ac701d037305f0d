// Copyright (c) the Ferry authors.
//
// Saved templates (include/ferry/templates.h) in a PostgreSQL state (schema
// ferry of the test cluster): the table is created there, and save, replace,
// list, get and delete behave as in SQLite (tests/unit/store/templates_test.cc).

#include <unistd.h>

#include "ferry/state.h"
#include "ferry/templates.h"
#include "postgres_test_util.h"

namespace ferry {
namespace {

TEST(PostgresTemplatesTest, SaveReplaceListDeleteInThePostgresState) {
  const std::string uri = test::PgUri();
  ASSERT_FALSE(uri.empty());
  auto state = State::Open(uri, "", /*create=*/true);
  ASSERT_OK(state.status());
  // A name of this process's own: the cluster is shared by the tests.
  const std::string name = "pg-template-" + std::to_string(::getpid());
  Template t;
  t.command = "run";
  t.description = "PostgreSQL state; ünïcode";
  t.options = R"({"batch-size":"250","preset":"safe","dry-run":true})";
  ASSERT_OK(SaveTemplate(**state, name, t, false));
  EXPECT_EQ(SaveTemplate(**state, name, t, false).code(), ErrorCode::kConflict);

  auto other = State::Open(uri, "");  // a second connection
  ASSERT_OK(other.status());
  auto got = GetTemplate(**other, name);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->command, "run");
  EXPECT_EQ(got->description, "PostgreSQL state; ünïcode");
  EXPECT_EQ(got->options, R"({"batch-size":"250","preset":"safe","dry-run":true})");
  const std::string created = got->created_at;

  t.command = "export";
  t.options = R"({"batch-size":"100"})";
  ASSERT_OK(SaveTemplate(**state, name, t, true));
  got = GetTemplate(**other, name);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->command, "export");
  EXPECT_EQ(got->options, R"({"batch-size":"100"})");
  EXPECT_EQ(got->created_at, created);  // a replace keeps the creation time

  auto all = ListTemplates(**other);
  ASSERT_OK(all.status());
  bool listed = false;
  for (const Template& x : *all) listed = listed || x.name == name;
  EXPECT_TRUE(listed);

  ASSERT_OK(DeleteTemplate(**state, name));
  EXPECT_EQ(GetTemplate(**other, name).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(DeleteTemplate(**state, name).code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ferry
